"""Lesson 12 exercises: what a mid-run checkpoint holds, a resume that restarts the schedule, a schedule
derived from the budget, and a paper's recipe fitted to a shorter run."""
import functools

import numpy as np
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR, OneCycleLR, StepLR

from .. import formulas
from ..simulation import drops, simulate, stand_in_optimizer
from .core import Exercise, only_option

# The capstone's budget: 12 epochs of 23 batches, OneCycleLR stepped per batch, checkpointed after epoch 5.
EPOCHS, BATCHES, PAUSED_AFTER = 12, 23, 5


def _one_cycle_last_epoch(epochs, batches, paused_after):
    """Step a real per-batch OneCycleLR through ``paused_after`` epochs and read its state_dict."""
    optimizer = stand_in_optimizer("sgd_momentum", lr=0.1)
    scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=epochs * batches)
    for _ in range(paused_after * batches):
        optimizer.step()
        scheduler.step()
    return scheduler.state_dict()["last_epoch"]


def _resumed_one_cycle_lrs(epochs, batches, paused_after):
    """The LRs a resumed run must follow: the uninterrupted schedule, from the first step after the pause on."""
    total = epochs * batches
    return formulas.one_cycle_lr(np.arange(paused_after * batches, total), max_lr=0.1, total_steps=total)


# 12.4's situation: a paper's recipe, 90 epochs from lr=0.1, divided by 10 at epochs 30 and 60, fitted to 30 epochs.
PAPER_EPOCHS, PAPER_MILESTONES, SHORT_EPOCHS = 90, (30, 60), 30
RECIPE_OPTIONS = {
    1: functools.partial(StepLR, step_size=30, gamma=0.1),
    2: functools.partial(MultiStepLR, milestones=[30, 60], gamma=0.1),
    3: functools.partial(MultiStepLR, milestones=[10, 20], gamma=0.1),
    4: functools.partial(ExponentialLR, gamma=0.01 ** (1 / 29)),
}


def _scaled_recipe_choice():
    """The one option that follows the paper's recipe in proportion, and the epoch of its last drop.

    "In proportion": epoch t of the short run has the LR of epoch t * 90 / 30 of the paper's run.
    """
    t = np.arange(SHORT_EPOCHS)
    scaled = formulas.multi_step_lr(t * PAPER_EPOCHS // SHORT_EPOCHS, 0.1, milestones=list(PAPER_MILESTONES),
                                    gamma=0.1)
    traces = {option: simulate(make, SHORT_EPOCHS, lr=0.1).lr for option, make in RECIPE_OPTIONS.items()}
    option = only_option((option for option, lrs in traces.items() if np.allclose(lrs, scaled, rtol=1e-12, atol=0)),
                         "12.4")
    return np.array([option, drops(traces[option])[-1]])


EXERCISES = (
    Exercise(
        id="12.1",
        task="Predict, then run: the capstone's OneCycleLR (12 epochs of 23 batches, scheduler.step() after every "
             "batch) is checkpointed by lc.fit after epoch 5. What is last_epoch in the scheduler's state_dict() "
             "in that checkpoint? Answer with a number.",
        hint="what does this scheduler count, epochs or its own step() calls? Count the calls made by the end of "
             "epoch 5; the scheduler's first step, inside its constructor, sets last_epoch to 0.",
        expected=lambda: _one_cycle_last_epoch(EPOCHS, BATCHES, PAUSED_AFTER),
        kind="value", rtol=0.0, skill="predict"),
    Exercise(
        id="12.2",
        task="Fix the lesson's broken resume: OneCycleLR(max_lr=0.1) over 12 epochs of 23 batches, stepped per "
             "batch, stopped after epoch 5 and resumed in fresh objects from its checkpoint. Answer with the list "
             "of the 161 LRs the resumed part records (7 epochs of 23 batches).",
        hint="re-read the pitfall \"Restarting the scheduler instead of resuming it\": which scheduler did the first "
             "part build, and which state does the checkpoint hold that the resumed part never loads? The LR in "
             "force lives in the optimizer's param_groups.",
        expected=lambda: _resumed_one_cycle_lrs(EPOCHS, BATCHES, PAUSED_AFTER),
        kind="schedule", steps=(EPOCHS - PAUSED_AFTER) * BATCHES, lr=0.1, optimizer="sgd_momentum", rtol=1e-9,
        skill="debug"),
    Exercise(
        id="12.3",
        task="Build the capstone's warm-up + cosine for 10 epochs of 30 batches, stepped per batch: LinearLR from "
             "0.1 x lr over one epoch, then CosineAnnealingLR over the rest. Answer with a function "
             "optimizer -> scheduler.",
        hint="the table's row says how long the warm-up is, and stepped per batch that length is counted in "
             "batches. SequentialLR hands over at a milestone, and the cosine counts its own steps from there: "
             "how many are left of the budget?",
        expected=lambda: formulas.warmup_cosine_lr(np.arange(10 * 30), 0.1, warmup_steps=30, total_steps=10 * 30,
                                                   warmup_start_factor=0.1),
        kind="schedule", steps=10 * 30, lr=0.1),
    Exercise(
        id="12.4",
        task="Choose the scheduler: a paper trains 90 epochs from lr=0.1 and divides the LR by 10 at epochs 30 and "
             "60; you can afford 30 epochs (scheduler.step() once per epoch) and want the recipe in proportion. "
             "1 StepLR(step_size=30, gamma=0.1), 2 MultiStepLR(milestones=[30, 60], gamma=0.1), "
             "3 MultiStepLR(milestones=[10, 20], gamma=0.1), 4 ExponentialLR(gamma=0.01 ** (1 / 29)). "
             "Then give the epoch (counting from 0) of the last drop of your choice. Answer [choice, epoch].",
        hint="epoch t of your run stands for epoch 3t of the paper's. Which options drop where the paper's run "
             "drops, scaled, and hold the LR in between? lc.simulate shows each option's 30 LRs.",
        expected=_scaled_recipe_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "StepLR(step_size=30) first drops at epoch 30, after a 30-epoch run has ended: the LR never drops.",
            2: "the milestones are still the paper's epochs: a 30-epoch run never reaches them, and the LR stays at "
               "its start.",
            4: "ExponentialLR lowers the LR at every epoch: the recipe's long plateaus are gone, and the LR is "
               "below the recipe's for most of the run.",
        }),
)
