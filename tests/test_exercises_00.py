"""Lesson 00 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks.

Each reference answer is derived here on its own: by stepping torch in a loop written out below, or from
StepLR's documented formula, never from the expression the checker uses.
"""
import torch
from torch.optim.lr_scheduler import StepLR

import lrcourse as lc
from reference_loops import record_lrs


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
    """The blog's loop fixed: StepLR(30, 0.1) from lr=0.001, the LR recorded before each step."""
    return record_lrs(lambda optimizer: StepLR(optimizer, step_size=30, gamma=0.1), 100, lr=0.001)


def batch_loop(step_size, batches=10, epochs=60):
    """Exercise 00.2's loop: scheduler.step() after every batch; the LR recorded at each epoch's first batch."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = StepLR(optimizer, step_size=step_size, gamma=0.5)
    recorded = []
    for _ in range(epochs):
        recorded.append(optimizer.param_groups[0]["lr"])
        for _ in range(batches):
            optimizer.step()
            scheduler.step()
    return recorded


# StepLR's documented form, lr * gamma ** (t // step_size), at t = 40 with step_size=20, gamma=0.5, lr=0.1;
# get_lr() at a multiple of step_size multiplies the LR already set by gamma once more (torch's StepLR.get_lr).
IN_FORCE_AT_40 = 0.1 * 0.5 ** (40 // 20)
REPORTED_AT_40 = IN_FORCE_AT_40 * 0.5

SOLUTIONS = {
    "00.1": recorded_before_the_step(),
    "00.2": batch_loop(step_size=20 * 10),  # fixed in batches: 20 epochs of 10 batches
    "00.3": [REPORTED_AT_40, IN_FORCE_AT_40],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("00.1", blog_loop(lambda optimizer, scheduler: scheduler.get_last_lr()[0]), "at step 29 "),  # recorded after
    ("00.2", batch_loop(step_size=20), "at step 2 "),  # the loop as given: drops after 2 epochs
    ("00.2", batch_loop(step_size=20), "too low"),
    ("00.2", batch_loop(step_size=200, batches=1), "at step 20 "),  # per epoch, but still counted in batches
    ("00.3", [IN_FORCE_AT_40, IN_FORCE_AT_40], "at index 0 "),  # takes get_lr() at its word
    ("00.3", [REPORTED_AT_40, REPORTED_AT_40], "too low"),  # thinks get_lr() is what runs
]


def test_00_1_accepts_a_scheduler_factory_too():
    assert lc.check("00.1", lambda opt: StepLR(opt, step_size=30, gamma=0.1))


def test_00_2_accepts_the_fix_in_epochs_too():
    """Stepped once per epoch with step_size in epochs, the loop records the same 60 LRs as the fix in batches."""
    assert lc.check("00.2", batch_loop(step_size=20, batches=1))


def test_00_3_torch_agrees_with_the_documented_form():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = StepLR(optimizer, step_size=20, gamma=0.5)
    for _ in range(40):
        optimizer.step()
        scheduler.step()
    with lc.expect(UserWarning, match="get_last_lr"):
        reported = scheduler.get_lr()[0]
    assert [reported, optimizer.param_groups[0]["lr"]] == [REPORTED_AT_40, IN_FORCE_AT_40]
