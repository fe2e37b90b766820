"""Lesson 02 exercises: the blog's manual decay recorded, manual edits under two schedulers, per-group peaks."""
import functools

import numpy as np
from torch.optim.lr_scheduler import ExponentialLR, LambdaLR, OneCycleLR

from .. import formulas
from ..simulation import simulate, stand_in_optimizer
from .core import Exercise

EXERCISE_1 = Exercise(
    id="02.1",
    task="Run the blog's loop with its comment's factor 0.9 (lr=0.1, 100 epochs: after optimizer.step() of "
         "epochs 0, 5, 10, ... multiply every group's LR by 0.9) and record the LR in force at each epoch.",
    hint="The LR epoch t trains with is the one its optimizer.step() reads. "
         "Record it at that moment: before the step, and so before that epoch's edit.",
    # multiplied after epochs 0, 5, 10, ...: 0.9 ** ceil(t / 5), StepLR's form shifted by 4 steps
    expected=lambda: formulas.step_lr(np.arange(100) + 4, 0.1, step_size=5, gamma=0.9),
    kind="schedule", steps=100, lr=0.1, skill="build")


def _exponential_factor(step):
    return 0.95**step


def _lr_at(make_scheduler, step_of_edit=None, at=50):
    """The LR in force at step `at` from lr=0.1; just before `step_of_edit`, the LR is multiplied by 3 by hand."""
    optimizer = stand_in_optimizer("sgd", lr=0.1)
    scheduler = make_scheduler(optimizer)
    for step in range(at):
        if step == step_of_edit:
            optimizer.param_groups[0]["lr"] *= 3
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def _edit_kept():
    """[edited / plain LR at step 50 under ExponentialLR(0.95), the same under LambdaLR(0.95 ** step)], from torch."""
    makers = (functools.partial(ExponentialLR, gamma=0.95),
              functools.partial(LambdaLR, lr_lambda=_exponential_factor))
    return [_lr_at(make, step_of_edit=20) / _lr_at(make) for make in makers]


EXERCISE_2 = Exercise(
    id="02.2",
    task="Predict, before running anything: from lr=0.1, the LR is multiplied by 3 by hand just before step 20. "
         "At step 50, give [the LR with the edit divided by the LR without it under ExponentialLR(gamma=0.95), "
         "the same ratio under LambdaLR(lr_lambda=lambda step: 0.95 ** step)]. Without the edit both schedules "
         "are the same curve.",
    hint="Ask where each scheduler starts its next LR from: the LR now in the param group, "
         "or its base LR and the step count.",
    expected=_edit_kept,
    kind="value", skill="predict")


def _two_group_one_cycle():
    # what the fixed scheduler gives each group at step 50: one max_lr per group
    trace = simulate(functools.partial(OneCycleLR, max_lr=[0.01, 0.1], total_steps=100), steps=100,
                     groups=[0.01, 0.1], optimizer="sgd_momentum")
    return trace.lrs[50]


EXERCISE_3 = Exercise(
    id="02.3",
    task="The OneCycleLR of exercise 02.3 should peak at 0.01 for the backbone and 0.1 for the head over 100 steps, "
         "keeping the head 10 times above the backbone throughout, but both groups follow one curve. "
         "Fix the scheduler and give [backbone LR, head LR] in force at step 50.",
    hint="OneCycleLR sets every group's LR from its own arguments, not from the group's lr. "
         "Read what its max_lr accepts.",
    expected=_two_group_one_cycle,
    kind="value", skill="debug")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
