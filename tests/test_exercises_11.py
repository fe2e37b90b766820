"""Lesson 11 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Every reference answer comes from torch, stepped in a loop here, not from lrcourse.formulas.
"""
import copy

import numpy as np
import torch
from torch.optim.lr_scheduler import ConstantLR, ExponentialLR, OneCycleLR, StepLR

GAMMA = (1.0 / 1e-6) ** (1 / 60)
GAMMA_OFF_BY_ONE = (1.0 / 1e-6) ** (1 / 61)  # 61 LRs, but only 60 steps between them


def new_optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)


def default_sweep_lr_at(step):
    """Step lr_find's default sweep (1e-7 to 10 in 100 LRs) as a torch ExponentialLR and read the LR of ``step``."""
    optimizer = new_optimizer(1e-7)
    scheduler = ExponentialLR(optimizer, gamma=(10 / 1e-7) ** (1 / 99))
    for _ in range(step):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def run_after_sweep(restore):
    """The code of exercise 11.3: a hand-written sweep, then StepLR from lr=0.05; fixed when ``restore``."""
    optimizer = new_optimizer(0.05)
    saved = copy.deepcopy(optimizer.state_dict())  # a deep copy: the sweep changes the buffers in place
    for lr in np.geomspace(1e-7, 10, 100):
        for group in optimizer.param_groups:
            group["lr"] = float(lr)
        optimizer.step()
    if restore:
        optimizer.load_state_dict(saved)
    scheduler = StepLR(optimizer, step_size=10, gamma=0.5)
    lrs = []
    for _ in range(30):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


OPTIONS_11_4 = {
    1: lambda opt: OneCycleLR(opt, max_lr=2.4, epochs=8, steps_per_epoch=23),
    2: lambda opt: OneCycleLR(opt, max_lr=0.24, total_steps=8),
    3: lambda opt: OneCycleLR(opt, max_lr=0.24, epochs=8, steps_per_epoch=23),
    4: lambda opt: ConstantLR(opt, factor=1.0),
}


def choose_11_4():
    """Run every option for 8 x 23 batches in torch; keep the one that finishes, peaks at <= 0.3 and anneals."""
    kept = []
    for option, make in OPTIONS_11_4.items():
        optimizer = new_optimizer(0.24)
        scheduler = make(optimizer)
        lrs = []
        try:
            for _ in range(8 * 23):
                lrs.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                scheduler.step()
        except ValueError:
            continue
        if max(lrs) <= 0.3 and lrs[-1] < max(lrs) / 100:
            kept.append((option, lrs[0]))
    assert len(kept) == 1, kept
    return list(kept[0])


SOLUTIONS = {
    "11.1": default_sweep_lr_at(50),
    "11.2": lambda opt: ExponentialLR(opt, gamma=GAMMA),
    "11.3": run_after_sweep(restore=True),
    "11.4": choose_11_4(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("11.1", 1e-3, "(0.001) is too low"),  # 50 of 100 steps read as half of the 8 decades
    ("11.2", lambda opt: ExponentialLR(opt, gamma=GAMMA_OFF_BY_ONE), "at step 1 "),  # divides by num_steps
    ("11.3", run_after_sweep(restore=False), "at step 0 your LR is 10, too high"),  # the code as given
    ("11.4", [1, 0.096], "minimum of the curve"),
    ("11.4", [2, 0.0096], "raises a ValueError"),
    ("11.4", [4, 0.24], "never anneals"),
    ("11.4", [3, 0.24], "at index 1 (0.24) is too high"),  # OneCycleLR starts at max_lr / div_factor, not at max_lr
]
