"""Lesson 12 exercises: schedules derived from the budget, and what a mid-run checkpoint holds."""
import numpy as np
import torch

from .. import formulas
from ..simulation import stand_in_optimizer
from .core import Exercise


def _one_cycle_last_epoch(epochs, batches, paused_after):
    """Step a real per-batch OneCycleLR through ``paused_after`` epochs and read its state_dict."""
    optimizer = stand_in_optimizer("sgd_momentum", lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=epochs * batches)
    for _ in range(paused_after * batches):
        optimizer.step()
        scheduler.step()
    return scheduler.state_dict()["last_epoch"]


EXERCISE_1 = Exercise(
    id="12.1",
    task="Build a CosineAnnealingLR stepped per batch over 12 epochs of 23 batches, from lr=0.1 down to 0.001.",
    hint="stepped per batch, T_max counts batches: 12 * 23; eta_min is the LR at T_max.",
    expected=lambda: formulas.cosine_annealing_lr(np.arange(12 * 23), 0.1, T_max=12 * 23, eta_min=0.001),
    kind="schedule", steps=12 * 23, lr=0.1)

EXERCISE_2 = Exercise(
    id="12.2",
    task="Build the capstone's warm-up + cosine for 10 epochs of 30 batches, stepped per batch: LinearLR from "
         "0.1 x lr over one epoch, then CosineAnnealingLR over the rest.",
    hint="SequentialLR(optimizer, [LinearLR(optimizer, start_factor=0.1, total_iters=30), "
         "CosineAnnealingLR(optimizer, T_max=...)], milestones=[30]); "
         "the cosine gets only the steps left after the warm-up.",
    expected=lambda: formulas.warmup_cosine_lr(np.arange(10 * 30), 0.1, warmup_steps=30, total_steps=10 * 30,
                                               warmup_start_factor=0.1),
    kind="schedule", steps=10 * 30, lr=0.1)

EXERCISE_3 = Exercise(
    id="12.3",
    task="Give last_epoch in the state_dict of a per-batch OneCycleLR (12 epochs of 23 batches) "
         "checkpointed after epoch 5.",
    hint="stepped per batch, the scheduler has counted batches, not epochs: "
         "one step per batch of every finished epoch.",
    expected=lambda: _one_cycle_last_epoch(epochs=12, batches=23, paused_after=5),
    kind="value")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
