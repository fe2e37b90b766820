"""Lesson 11 exercises: a sweep's LR predicted, the sweep built, a run after a hand-written sweep fixed, max_lr
chosen."""
import functools

import numpy as np
from torch.optim.lr_scheduler import ConstantLR, OneCycleLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise, only_option


def default_sweep_lr(step=50, start_lr=1e-7, end_lr=10.0, num_steps=100):
    """The LR of ``step`` in lc.lr_find's default sweep: ExponentialLR with num_steps - 1 growths from start_lr."""
    return formulas.exponential_lr(step, start_lr, (end_lr / start_lr) ** (1 / (num_steps - 1)))


# Exercise 11.4: a range test with its smoothed minimum at 2.4 and its steepest fall at 0.3;
# 8 epochs of 23 batches, stepped per batch.
MINIMUM, STEEPEST, EPOCHS, BATCHES = 2.4, 0.3, 8, 23
MAX_LR_OPTIONS = {
    1: functools.partial(OneCycleLR, max_lr=MINIMUM, epochs=EPOCHS, steps_per_epoch=BATCHES),
    2: functools.partial(OneCycleLR, max_lr=MINIMUM / 10, total_steps=EPOCHS),
    3: functools.partial(OneCycleLR, max_lr=MINIMUM / 10, epochs=EPOCHS, steps_per_epoch=BATCHES),
    4: functools.partial(ConstantLR, factor=1.0),  # the optimizer's lr, MINIMUM / 10, held
}


def follows_the_range_test(make_scheduler):
    """The option's LRs if it runs all steps, peaks no higher than the range test allows, and ends annealed."""
    try:
        lrs = simulate(make_scheduler, EPOCHS * BATCHES, lr=MINIMUM / 10, optimizer="sgd_momentum").lr
    except ValueError:  # OneCycleLR stepped past its total_steps
        return None
    safe_peak = max(STEEPEST, MINIMUM / 10)  # the lesson's rules: the steepest point, or a tenth of the minimum
    annealed = lrs[-1] < lrs.max() / 100
    return lrs if lrs.max() <= safe_peak and annealed else None


def max_lr_choice():
    """The one option that follows the range test, and the LR of its first step."""
    runs = {option: follows_the_range_test(make) for option, make in MAX_LR_OPTIONS.items()}
    option = only_option((option for option, lrs in runs.items() if lrs is not None), "11.4")
    return np.array([option, runs[option][0]])


EXERCISES = (
    Exercise(
        id="11.1",
        task="Predict, then run: lc.lr_find's default sweep goes from start_lr=1e-7 to end_lr=10 in num_steps=100 "
             "steps. Give the LR of step 50.",
        hint="the sweep's LRs are evenly spaced in log10, from -7 to 1: how many gaps are there between "
             "100 LRs, and how many of them lie before step 50?",
        expected=default_sweep_lr,
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="11.2",
        task="Build a 61-step sweep from 1e-6 to 1 as a torch scheduler, for an optimizer created with lr=1e-6.",
        hint="ExponentialLR multiplies the LR by gamma at every step: how many multiplications separate "
             "the first LR from the last?",
        expected=lambda: np.geomspace(1e-6, 1.0, 61),
        kind="schedule", steps=61, lr=1e-6, rtol=1e-9, skill="build"),
    Exercise(
        id="11.3",
        task="Fix the code of exercise 11.3 without removing its hand-written sweep: the run after it should start "
             "from the optimizer's lr=0.05 and halve it every 10 steps. Answer with the list of the 30 LRs it "
             "records.",
        hint="after the sweep, which LR does the optimizer hold, and which LR does a scheduler built then take "
             "as its base? The lesson's pitfall 2 says what to save before a hand-written sweep.",
        expected=lambda: formulas.step_lr(np.arange(30), 0.05, step_size=10, gamma=0.5),
        kind="schedule", steps=30, lr=0.05, rtol=1e-9, skill="debug"),
    Exercise(
        id="11.4",
        task="Choose the schedule after a range test whose smoothed loss falls fastest at lr=0.3 and bottoms out at "
             "lr=2.4, for 8 epochs of 23 batches stepped per batch, with an optimizer built with lr=0.24: one "
             "cycle that peaks no higher than the lesson's rules allow and ends annealed. "
             "1: OneCycleLR(max_lr=2.4, epochs=8, steps_per_epoch=23); 2: OneCycleLR(max_lr=0.24, total_steps=8); "
             "3: OneCycleLR(max_lr=0.24, epochs=8, steps_per_epoch=23); 4: no schedule, the constant lr=0.24. "
             "Answer [option, LR of its first step].",
        hint="for each option ask three things: where does it peak, what does total_steps count, and does the LR "
             "come down by the end? The LR where OneCycleLR starts depends on div_factor.",
        expected=max_lr_choice,
        kind="value", rtol=1e-9, skill="choose",
        why_not={
            1: "it peaks at the minimum of the curve, where the loss has stopped falling: in the lesson, "
               "3 epochs at the minimum's LR failed on every seed.",
            2: "total_steps counts scheduler steps: stepped per batch, it raises a ValueError after 8 batches.",
            4: "it never anneals: in the lesson, the suggestion as a constant LR ended below the grid's best "
               "on every seed.",
        }),
)
