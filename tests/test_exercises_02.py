"""Lesson 02 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The references come from loops written out here that step torch's optimizers and schedulers directly.
"""
import torch
from torch.optim.lr_scheduler import ExponentialLR, LambdaLR, OneCycleLR


def blog_loop(factor, record_after_edit=False):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    lrs = []
    for epoch in range(100):
        if not record_after_edit:
            lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if epoch % 5 == 0:
            for group in optimizer.param_groups:
                group["lr"] *= factor
        if record_after_edit:
            lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def lr_at_50(make_scheduler, edit=1.0):
    """The LR in force at step 50 from lr=0.1, the LR multiplied by `edit` by hand just before step 20."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for step in range(51):
        if step == 20:
            optimizer.param_groups[0]["lr"] *= edit
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs[50]


def edit_ratios():
    ratios = []
    for make in (lambda opt: ExponentialLR(opt, gamma=0.95),
                 lambda opt: LambdaLR(opt, lr_lambda=lambda step: 0.95**step)):
        ratios.append(lr_at_50(make, edit=3.0) / lr_at_50(make))
    return ratios


def two_groups_at_50(max_lr):
    """Exercise 02.3's loop: backbone at 0.01 and head at 0.1 under one OneCycleLR; both LRs at step 50."""
    optimizer = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.01},
                                 {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.1}], lr=0.01, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=max_lr, total_steps=100)
    recorded = []
    for _ in range(100):
        recorded.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return recorded[50]


SOLUTIONS = {
    "02.1": blog_loop(0.9),
    "02.2": edit_ratios(),
    "02.3": two_groups_at_50(max_lr=[0.01, 0.1]),
}

_EXPONENTIAL, _LAMBDA = SOLUTIONS["02.2"]

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("02.1", blog_loop(0.9, record_after_edit=True), "at step 0 "),  # recorded after the edit
    ("02.1", blog_loop(0.8), "at step 1 "),  # the code's factor instead of the text's
    ("02.2", [1.0, 1.0], "at index 0 "),  # thinks every scheduler overwrites the edit
    ("02.2", [1.0, 1.0], "too low"),
    ("02.2", [3.0, 3.0], "at index 1 "),  # thinks every scheduler keeps the edit
    ("02.2", [3.0, 3.0], "too high"),
    ("02.3", two_groups_at_50(max_lr=0.1), "at index 0 "),  # the loop as given: one max_lr for both groups
    ("02.3", two_groups_at_50(max_lr=0.1), "too high"),
    ("02.3", [0.01, 0.1], "too high"),  # the peaks, not the LR at step 50
]


def test_02_2_the_two_schedules_are_one_curve_without_the_edit():
    """The task's premise: unedited, ExponentialLR(0.95) and LambdaLR(0.95 ** step) give the same LR at step 50."""
    plain = [lr_at_50(lambda opt: ExponentialLR(opt, gamma=0.95)),
             lr_at_50(lambda opt: LambdaLR(opt, lr_lambda=lambda step: 0.95**step))]
    assert abs(plain[0] - plain[1]) <= 1e-12 * plain[1]
