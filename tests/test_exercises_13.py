"""Lesson 13 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Every reference is found without lrcourse: torch's schedulers stepped in plain loops, or counted by hand.
"""
import math
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, OneCycleLR
from torch.utils.data import DataLoader, TensorDataset

from lrcourse import formulas


def micro_batches():
    """The lesson's loader for 13.2: 22 micro-batches of 8 samples (a linear regression)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(176, 4, generator=g)
    return DataLoader(TensorDataset(x, x @ torch.tensor([1.0, -2.0, 0.5, 3.0])), batch_size=8)


def accumulating_loop(*, fixed, epochs=3, accumulate=4):
    """Exercise 13.2's loop: the lesson's broken one as given, or repaired (``fixed=True``).

    Broken, OneCycleLR is sized and stepped per micro-batch; repaired, the
    schedule counts optimizer steps.  The LR is read once per optimizer step.
    """
    loader = micro_batches()
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    total_steps = epochs * (math.ceil(len(loader) / accumulate) if fixed else len(loader))
    scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=total_steps)
    lrs = []
    with warnings.catch_warnings():
        # broken: "Detected call of `lr_scheduler.step()` before ...", one of its bugs
        warnings.simplefilter("default" if fixed else "ignore", UserWarning)
        for _ in range(epochs):
            for i, (x, y) in enumerate(loader):
                (F.mse_loss(model(x).squeeze(1), y) / accumulate).backward()
                optimizer_step = (i + 1) % accumulate == 0 or i + 1 == len(loader)
                if optimizer_step:
                    lrs.append(optimizer.param_groups[0]["lr"])
                    optimizer.step()
                    optimizer.zero_grad()
                if optimizer_step or not fixed:
                    scheduler.step()
    return np.array(lrs)


def minima_of_cosine_stepped(times, t_max):
    """Step a real CosineAnnealingLR ``times`` times; count the scheduler steps whose LR, read before the step, is 0."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = CosineAnnealingLR(optimizer, T_max=t_max)
    minima = 0
    for _ in range(times):
        minima += optimizer.param_groups[0]["lr"] <= 1e-12
        optimizer.step()
        scheduler.step()
    return minima


def steps_per_rank(images=1438, batch=64, ranks=4, epochs=5):
    """DistributedSampler pads the images to a multiple of the ranks and deals each rank ceil(images / ranks)."""
    return epochs * math.ceil(math.ceil(images / ranks) / batch)


SOLUTIONS = {
    "13.1": minima_of_cosine_stepped(4 * 100, t_max=100),
    "13.2": accumulating_loop(fixed=True),
    "13.3": [4, steps_per_rank()],  # SGD's linear rule: 4 x 0.05; the schedule sized from the rank's loader
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("13.1", 1, "too low"),  # believes the schedule ends once, as intended
    ("13.1", 4, "too high"),  # counts one minimum per 100 scheduler steps
    # the broken loop's schedule: sized and stepped per micro-batch, read once per optimizer step
    ("13.2", accumulating_loop(fixed=False), "at step 0 "),
    ("13.2", formulas.one_cycle_lr(np.arange(15), max_lr=0.1, total_steps=15), "has 15 steps"),  # drops partial groups
    ("13.3", [1, steps_per_rank()], "should grow with it"),  # nothing changed
    ("13.3", [2, 5 * 23], "cut short on every rank"),  # the one-process length
    ("13.3", [3, steps_per_rank()], "square-root rule is for Adam-type"),
    ("13.3", [4, 5 * 23], "at index 1"),  # the right set-up, but its length counted on one process
]
