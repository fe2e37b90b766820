"""Lesson 07 exercises: a OneCycleLR built, the blog's cycle predicted, an accumulating loop fixed, a plan chosen."""
import functools
import math

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR, CyclicLR, OneCycleLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise, only_option

# Exercise 07.3: the lesson's accumulating loop, one optimizer step per group of ACCUMULATE batches.
EPOCHS, BATCHES, ACCUMULATE = 6, 12, 5

# Exercise 07.4: a fixed budget, and what Smith & Topin's cycle asks of it.
BUDGET, START_AT_MOST, PEAK_AT_LEAST, END_BELOW_START = 600, 0.05, 0.5, 1000
BUDGET_OPTIONS = {
    1: functools.partial(CosineAnnealingLR, T_max=600),
    2: functools.partial(CyclicLR, base_lr=0.02, max_lr=0.5, step_size_up=150),
    3: functools.partial(OneCycleLR, max_lr=0.5, total_steps=600),
    4: functools.partial(OneCycleLR, max_lr=0.5, total_steps=6000),
}


def meets_the_budget(lrs) -> bool:
    """Starts low, touches the peak exactly once, and ends far below where it started."""
    at_peak = np.count_nonzero(lrs >= PEAK_AT_LEAST * (1 - 1e-12))
    return lrs[0] <= START_AT_MOST and at_peak == 1 and lrs[-1] <= lrs[0] / END_BELOW_START


def budget_choice():
    """The one option whose 600 steps meet the situation, and the step at which its LR peaks."""
    runs = {option: simulate(make, BUDGET, lr=PEAK_AT_LEAST, optimizer="sgd_momentum").lr
            for option, make in BUDGET_OPTIONS.items()}
    option = only_option((option for option, lrs in runs.items() if meets_the_budget(lrs)), "07.4")
    return np.array([option, int(np.argmax(runs[option]))])


EXERCISES = (
    Exercise(
        id="07.1",
        task="Build a OneCycleLR for a 200-step run: max_lr=0.05, pct_start=0.25, linear segments.",
        hint="total_steps counts every step of the run; then look for the arguments that move the peak and that "
             "change the shape of the segments.",
        expected=lambda: formulas.one_cycle_lr(np.arange(200), max_lr=0.05, total_steps=200, pct_start=0.25,
                                               anneal_strategy="linear"),
        kind="schedule", steps=200, lr=0.1, optimizer="sgd_momentum", skill="build"),
    Exercise(
        id="07.2",
        task="Predict, then run: the blog's OneCycleLR(optimizer, max_lr=0.1, steps_per_epoch=10, epochs=10) on an "
             "SGD optimizer built with lr=0.001. Give the LR in force at steps 0, 29 and 99, as [lr_0, lr_29, lr_99].",
        hint="which of the optimizer's lr and OneCycleLR's own arguments sets the start? Where does the warm-up end "
             "for 100 steps and pct_start=0.3?",
        expected=lambda: formulas.one_cycle_lr(np.array([0, 29, 99]), max_lr=0.1, total_steps=100),
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="07.3",
        task="Fix the loop given with exercise 07.3: 6 epochs of 12 batches, one optimizer step per group of 5 "
             "batches (the last, partial group of each epoch steps too), OneCycleLR with max_lr=0.1 stepped after "
             "each optimizer step. It should climb to a peak near max_lr and end annealed. "
             "Answer with the array of the LRs it records, one per optimizer step.",
        hint="count the optimizer steps the loop makes in one epoch, then compare with the total_steps it gives.",
        expected=lambda: formulas.one_cycle_lr(np.arange(EPOCHS * math.ceil(BATCHES / ACCUMULATE)), max_lr=0.1,
                                               total_steps=EPOCHS * math.ceil(BATCHES / ACCUMULATE)),
        kind="schedule", steps=EPOCHS * math.ceil(BATCHES / ACCUMULATE), lr=0.1, optimizer="sgd_momentum",
        rtol=1e-9, skill="debug"),
    Exercise(
        id="07.4",
        task="Choose the schedule for a fixed budget of 600 optimizer steps with SGD and momentum, following Smith & "
             "Topin: start at 0.05 or below, reach 0.5 exactly once, end at least 1,000 times below the start. "
             "1: CosineAnnealingLR(T_max=600) on an optimizer with lr=0.5; "
             "2: CyclicLR(base_lr=0.02, max_lr=0.5, step_size_up=150); 3: OneCycleLR(max_lr=0.5, total_steps=600); "
             "4: OneCycleLR(max_lr=0.5, total_steps=6000). Answer [option, the step at which its LR peaks].",
        hint="sketch each option's first and last LR, and how many times it reaches 0.5 within the 600 steps.",
        expected=budget_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "it starts at its peak, 0.5: there is no warm-up, the first steps already run at the top LR.",
            2: "it reaches 0.5 twice and comes back down only to its base LR, 0.02: it never anneals far below "
               "where it started.",
            4: "sized for 6,000 steps, it is still warming up when the 600 steps end: it never reaches 0.5, "
               "let alone anneals.",
        }),
)
