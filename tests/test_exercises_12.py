"""Lesson 12 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Every reference is found without lrcourse's formulas: by counting the scheduler's steps in a loop, by
stepping torch's schedulers in plain loops, or by writing the recipe out by hand.
"""
import math

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, MultiStepLR, OneCycleLR, SequentialLR


def scheduler_steps_by_end_of(epochs, batches):
    """Count the scheduler.step() calls a per-batch loop makes; the constructor's own step sets last_epoch to 0."""
    last_epoch = 0
    for _ in range(epochs):
        for _ in range(batches):
            last_epoch += 1
    return last_epoch


def new_run():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    return optimizer, OneCycleLR(optimizer, max_lr=0.1, total_steps=12 * 23)


def resumed_lrs(*, load_optimizer=True, load_scheduler=True, total_steps=12 * 23):
    """Exercise 12.2's loop: 5 epochs, a checkpoint, then the 7 epochs left in fresh objects; their LRs."""
    optimizer, scheduler = new_run()
    for _ in range(5 * 23):
        optimizer.step()
        scheduler.step()
    checkpoint = {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=total_steps)
    if load_optimizer:
        optimizer.load_state_dict(checkpoint["optimizer"])
    if load_scheduler:
        scheduler.load_state_dict(checkpoint["scheduler"])
    lrs = []
    for _ in range(7 * 23):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def uninterrupted_tail():
    """The LRs of steps 115 to 275 of a run that never stopped: what a resumed run must record."""
    optimizer, scheduler = new_run()
    lrs = []
    for _ in range(12 * 23):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs[5 * 23:]


def warmup_cosine(warmup, t_max):
    return lambda opt: SequentialLR(
        opt, [LinearLR(opt, start_factor=0.1, total_iters=warmup), CosineAnnealingLR(opt, T_max=t_max)],
        milestones=[warmup],
    )


def paper_recipe_in_proportion():
    """12.4 by hand: the paper's drops at 30 and 60 of 90 are at 10 and 20 of 30; the last one is at epoch 20."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = MultiStepLR(optimizer, milestones=[30 * 30 // 90, 60 * 30 // 90], gamma=0.1)
    lrs = []
    for _ in range(30):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    by_hand = [0.1 * 0.1 ** sum(3 * epoch >= m for m in (30, 60)) for epoch in range(30)]
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(lrs, by_hand))
    last_drop = max(epoch for epoch in range(1, 30) if lrs[epoch] < lrs[epoch - 1])
    return [3, last_drop]


SOLUTIONS = {
    "12.1": scheduler_steps_by_end_of(5, 23),
    "12.2": resumed_lrs(),
    "12.3": warmup_cosine(30, 270),
    "12.4": paper_recipe_in_proportion(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("12.1", 5, "too low"),  # counts epochs, though the scheduler was stepped per batch
    ("12.1", 12 * 23, "too high"),  # the schedule's length, not where the run stopped
    ("12.2", resumed_lrs(load_optimizer=False, load_scheduler=False, total_steps=7 * 23), "at step 0 "),  # as given
    ("12.2", resumed_lrs(load_optimizer=False, load_scheduler=False), "at step 0 "),  # same schedule, from step 0
    ("12.2", resumed_lrs(load_optimizer=False), "at step 0 "),  # the scheduler loaded, the LR in force not
    ("12.2", resumed_lrs(load_scheduler=False), "at step 1 "),  # the LR restored, the step count not
    ("12.3", warmup_cosine(30, 300), "at step 31 "),  # forgets that the warm-up used 30 of the 300 steps
    ("12.3", warmup_cosine(1, 9), "at step 1 "),  # counts epochs while stepping per batch
    ("12.4", [1, 20], "never drops"),
    ("12.4", [2, 20], "never reaches them"),
    ("12.4", [4, 20], "plateaus are gone"),
    ("12.4", [3, 10], "at index 1"),  # the first drop, not the last
]
