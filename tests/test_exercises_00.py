"""Lesson 00 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks."""
import warnings

import torch
from torch.optim.lr_scheduler import StepLR

import lrcourse as lc


def blog_loop(record):
    """The blog's loop with the typos fixed; ``record(optimizer, scheduler)`` runs after each step."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    out = []
    for _ in range(100):
        optimizer.step()
        scheduler.step()
        out.append(record(optimizer, scheduler))
    return out


def recorded_before_the_step():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    lrs = []
    for _ in range(100):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def get_lr_vs_in_force():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for _ in range(60):
        optimizer.step()
        scheduler.step()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        reported = scheduler.get_lr()[0]
    return [reported, optimizer.param_groups[0]["lr"]]


SOLUTIONS = {
    "00.1": recorded_before_the_step(),
    "00.2": lambda opt: StepLR(opt, step_size=300, gamma=0.1),
    "00.3": get_lr_vs_in_force(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("00.1", blog_loop(lambda optimizer, scheduler: scheduler.get_last_lr()[0]), "at step 29 "),  # recorded after
    ("00.2", lambda opt: StepLR(opt, step_size=30, gamma=0.1), "at step 30 "),  # step_size in epochs
    ("00.3", [SOLUTIONS["00.3"][0]] * 2, "at index 1 "),  # takes get_lr() at its word
]


def test_00_1_accepts_a_scheduler_factory_too():
    assert lc.check("00.1", lambda opt: StepLR(opt, step_size=30, gamma=0.1))
