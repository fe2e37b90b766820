"""Lesson 07 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The references are derived apart from lesson_07.py: each one steps torch in a loop written out here, the way the
lesson's loops do, and counts the optimizer steps by running the loop.
"""
import numpy as np
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, CyclicLR, OneCycleLR

from reference_loops import record_lrs


def one_cycle(**kwargs):
    return lambda opt: OneCycleLR(opt, **kwargs)


def blog_cycle_on_its_optimizer():
    """07.2: the blog's scheduler on an optimizer built with lr=0.001, read at steps 0, 29 and 99."""
    lrs = record_lrs(one_cycle(max_lr=0.1, steps_per_epoch=10, epochs=10), 100, momentum=0.9, lr=0.001)
    return [lrs[0], lrs[29], lrs[99]]


def accumulating_loop(total_steps=None, epochs=6, batches=12, accumulate=5):
    """07.3: the lesson's loop; by default total_steps is counted by running the loop once without a scheduler."""
    if total_steps is None:
        total_steps = sum(1 for _ in range(epochs) for i in range(batches)
                          if (i + 1) % accumulate == 0 or i + 1 == batches)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=total_steps)
    lrs = []
    try:
        for _ in range(epochs):
            for i in range(batches):
                if (i + 1) % accumulate == 0 or i + 1 == batches:
                    lrs.append(optimizer.param_groups[0]["lr"])
                    optimizer.step()
                    scheduler.step()
    except ValueError:  # "Tried to step N times": what a loop sized too short records before it stops
        pass
    return np.array(lrs)


def budget_plan():
    """07.4: run each option for 600 steps; keep the one that starts <= 0.05, touches 0.5 once, ends 1000x lower."""
    options = {
        1: lambda opt: CosineAnnealingLR(opt, T_max=600),
        2: lambda opt: CyclicLR(opt, base_lr=0.02, max_lr=0.5, step_size_up=150),
        3: one_cycle(max_lr=0.5, total_steps=600),
        4: one_cycle(max_lr=0.5, total_steps=6000),
    }
    good = []
    for option, make in options.items():
        lrs = record_lrs(make, 600, momentum=0.9, lr=0.5)
        peaks = [step for step, lr in enumerate(lrs) if lr >= 0.5 - 1e-12]
        if lrs[0] <= 0.05 and len(peaks) == 1 and lrs[-1] * 1000 <= lrs[0]:
            good.append([option, peaks[0]])
    assert len(good) == 1, good
    return good[0]


SOLUTIONS = {
    "07.1": one_cycle(max_lr=0.05, total_steps=200, pct_start=0.25, anneal_strategy="linear"),
    "07.2": blog_cycle_on_its_optimizer(),
    "07.3": accumulating_loop(),
    "07.4": budget_plan(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("07.1", one_cycle(max_lr=0.05, total_steps=200, pct_start=0.25), "at step 1 "),  # cosine, not linear
    ("07.1", one_cycle(max_lr=0.05, total_steps=200, anneal_strategy="linear"), "at step 1 "),  # peak at 30 %
    ("07.2", [0.001, 0.1, 0.001 / 1e4], "at index 0 (0.001) is too low"),  # the optimizer's lr taken as the start
    ("07.2", [0.1 / 25, 0.1, 0.0], "at index 2 (0) is too low"),  # annealed to zero
    ("07.3", accumulating_loop(total_steps=6 * 12), "at step 1 "),  # the loop as given: sized in batches
    ("07.3", accumulating_loop(total_steps=6 * (12 // 5)), "has 13 steps"),  # the partial group forgotten: raises
    ("07.4", [1, 0], "there is no warm-up"),
    ("07.4", [2, 150], "it reaches 0.5 twice"),
    ("07.4", [3, 180], "at index 1 (180) is too high"),  # the peak put at pct_start * N, not pct_start * N - 1
]


def test_07_3_the_loop_as_given_never_reaches_max_lr():
    lrs = accumulating_loop(total_steps=6 * 12)
    assert lrs.size == 18 and lrs.max() < 0.1 and np.all(np.diff(lrs) > 0)
