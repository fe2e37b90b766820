"""Lesson 03 exercises: step decay built, predicted, debugged in a per-batch loop, and chosen for a shorter budget."""
import functools

import numpy as np
from torch.optim.lr_scheduler import MultiStepLR, StepLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise, only_option

# 03.2: milestones out of order and with a repeat; torch accepts them without a word.
_UNSORTED_MILESTONES = [50, 20, 50]
_PREDICTED_EPOCHS = [19, 20, 49, 50]


def _unsorted_milestones_lrs() -> np.ndarray:
    """The LRs torch itself gives at the asked epochs (the course's closed form rejects repeated milestones)."""
    make = functools.partial(MultiStepLR, milestones=_UNSORTED_MILESTONES, gamma=0.1)
    return simulate(make, steps=100, lr=0.1).lr[_PREDICTED_EPOCHS]


# 03.4: a 90-epoch recipe (divide by 10 at epochs 30 and 60) must run in 60 epochs with the same shape.
_RECIPE_EPOCHS, _BUDGET = 90, 60
_RECIPE = functools.partial(MultiStepLR, milestones=[30, 60], gamma=0.1)
_BUDGET_OPTIONS = {
    1: functools.partial(MultiStepLR, milestones=[20, 40], gamma=0.5),
    2: functools.partial(MultiStepLR, milestones=[30, 60], gamma=0.1),
    3: functools.partial(StepLR, step_size=30, gamma=0.01),
    4: functools.partial(StepLR, step_size=20, gamma=0.1),
}


def _keeps_the_recipes_shape(lrs: np.ndarray) -> bool:
    """Epoch e of the short run uses the LR the recipe uses at the same fraction of its run, epoch e * 90 / 60."""
    recipe = simulate(_RECIPE, steps=_RECIPE_EPOCHS, lr=0.1).lr
    same_fraction = np.arange(_BUDGET) * _RECIPE_EPOCHS // _BUDGET
    return bool(np.allclose(lrs, recipe[same_fraction], rtol=1e-12, atol=0))


def _shorter_budget_choice() -> np.ndarray:
    """The one option that keeps the recipe's shape, and how many of its epochs run at the recipe's final LR."""
    runs = {option: simulate(make, steps=_BUDGET, lr=0.1).lr for option, make in _BUDGET_OPTIONS.items()}
    option = only_option((option for option, lrs in runs.items() if _keeps_the_recipes_shape(lrs)), "03.4")
    lrs = runs[option]
    return np.array([option, np.count_nonzero(np.isclose(lrs, lrs[-1], rtol=1e-12, atol=0))])


EXERCISES = (
    Exercise(
        id="03.1",
        task="Build a StepLR that halves the LR every 10 epochs (100 epochs from lr=0.1, one step per epoch).",
        hint="StepLR(optimizer, step_size=..., gamma=...): step_size counts epochs here, gamma is the factor per drop.",
        expected=lambda: formulas.step_lr(np.arange(100), 0.1, step_size=10, gamma=0.5),
        kind="schedule", steps=100, lr=0.1, skill="build"),
    Exercise(
        id="03.2",
        task="Predict, then run: MultiStepLR(optimizer, milestones=[50, 20, 50], gamma=0.1) from lr=0.1, one "
             "scheduler.step() per epoch. Give the LR in force at epochs 19, 20, 49 and 50, as a list of 4 numbers.",
        hint="torch keeps the milestones in a collections.Counter: what does that do to their order, and to a "
             "milestone listed twice? A drop at milestone m is in force from epoch m on.",
        expected=_unsorted_milestones_lrs,
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="03.3",
        task="Fix the lesson's loop: it calls scheduler.step() after every batch (6 epochs of 50 batches, "
             "lr=0.1) and should halve the LR every 2 epochs. Answer with the list of 300 LRs it records, "
             "one per batch.",
        hint="Count the scheduler.step() calls between two halvings: step_size counts those calls, whatever "
             "the loop calls them for. Either fix works.",
        expected=lambda: formulas.step_lr(np.arange(6 * 50) // 50, 0.1, step_size=2, gamma=0.5),
        kind="schedule", steps=300, lr=0.1, skill="debug"),
    Exercise(
        id="03.4",
        task="A recipe trains 90 epochs from lr=0.1 and divides the LR by 10 at epochs 30 and 60. You have 60 "
             "epochs (one scheduler.step() per epoch) and must keep its shape: a third of the run at each of its "
             "three LRs. Choose: 1 MultiStepLR(milestones=[20, 40], gamma=0.5), 2 MultiStepLR(milestones=[30, 60], "
             "gamma=0.1), 3 StepLR(step_size=30, gamma=0.01), 4 StepLR(step_size=20, gamma=0.1). Then give the "
             "number of epochs of your choice that run at 1/100 of the base LR. Answer [option, epochs].",
        hint="Write down the epochs at which each option drops within epochs 0-59, and the LR after each drop; "
             "a drop at epoch 60 or later never takes effect.",
        expected=_shorter_budget_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "gamma=0.5 halves where the recipe divides by 10: after its two drops the LR is a quarter of the "
               "base LR, not a hundredth.",
            2: "these are the 90-epoch recipe's milestones: in 60 epochs the drop at epoch 60 never takes effect, "
               "and half the run stays at the base LR.",
            3: "one drop by 100 at epoch 30 reaches the final LR, but spends half the run at each of two LRs "
               "instead of a third at each of three.",
        }),
)
