"""Lesson 02 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
import torch
from torch.optim.lr_scheduler import OneCycleLR, StepLR

import lrcourse as lc


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


def lr_at_70_with_edit(make_scheduler):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    for step in range(70):
        if step == 40:
            optimizer.param_groups[0]["lr"] *= 0.5
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def edits_under_schedulers():
    return [lr_at_70_with_edit(lambda opt: StepLR(opt, step_size=30, gamma=0.1)),
            lr_at_70_with_edit(lambda opt: OneCycleLR(opt, max_lr=0.1, total_steps=100))]


SOLUTIONS = {
    "02.1": blog_loop(0.9),
    "02.2": lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100,
                        groups=[0.01, 0.1]).lrs[75].tolist(),
    "02.3": edits_under_schedulers(),
}

_STEP, _ONE_CYCLE = SOLUTIONS["02.3"]
_BACKBONE = lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.01).lr[75]

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("02.1", blog_loop(0.9, record_after_edit=True), "at step 0 "),  # recorded after the edit
    ("02.1", blog_loop(0.8), "at step 1 "),  # the code's factor instead of the text's
    ("02.2", [_BACKBONE, _BACKBONE], "at index 1 "),  # the same LR for both groups
    ("02.3", [_STEP, _ONE_CYCLE * 0.5], "at index 1 "),  # assumes OneCycleLR keeps the edit
    ("02.3", [_STEP * 2, _ONE_CYCLE], "at index 0 "),  # assumes StepLR forgets the edit
]
