"""Lesson 10 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Every reference answer comes from torch, stepped in a loop here, or from counting batches, not from lrcourse.formulas.
"""
import math

import torch
from torch.optim.lr_scheduler import ChainedScheduler, ConstantLR, CosineAnnealingLR, LinearLR, SequentialLR


def new_optimizer(lr=0.1):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def warmup_cosine(opt, t_max=180):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.05, total_iters=20),
                              CosineAnnealingLR(opt, T_max=t_max, eta_min=0.001)], milestones=[20])


def wsd(opt, warmup_iters=15):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=warmup_iters),
                              ConstantLR(opt, factor=1.0, total_iters=300),
                              LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=30)],
                        milestones=[15, 270])


def chained_lr_at(step):
    optimizer = new_optimizer()
    scheduler = ChainedScheduler([LinearLR(optimizer, start_factor=0.1, total_iters=20),
                                  CosineAnnealingLR(optimizer, T_max=80)])
    for _ in range(step):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


BATCHES = math.ceil(1_281_167 / 4096)  # one epoch at batch 4,096, the partial batch kept
WARMUP = 5 * BATCHES


def warmup_lrs(total_iters, per_epoch=False, warmup=True):
    """The LR of each batch of 5 epochs (and one more step) from a torch loop, for one option of exercise 10.4."""
    optimizer = new_optimizer(lr=0.1 * 4096 / 256)
    scheduler = LinearLR(optimizer, start_factor=256 / 4096, total_iters=total_iters) if warmup else None
    lrs = []
    for step in range(WARMUP + 1):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None and (not per_epoch or (step + 1) % BATCHES == 0):
            scheduler.step()
    return lrs


def choose_10_4():
    """The option that starts at 0.1, first reaches the peak at the end of 5 epochs and never jumps."""
    options = {1: warmup_lrs(0, warmup=False), 2: warmup_lrs(5), 3: warmup_lrs(WARMUP),
               4: warmup_lrs(5, per_epoch=True)}
    kept = []
    for option, lrs in options.items():
        rises = [b - a for a, b in zip(lrs, lrs[1:])]
        peak_step = next(t for t, lr in enumerate(lrs) if abs(lr - lrs[-1]) < 1e-12)
        if abs(lrs[0] - 0.1) < 1e-12 and peak_step == WARMUP and max(rises) < 2 * (lrs[-1] - lrs[0]) / WARMUP:
            kept.append(option)
    assert kept == [3], kept
    return [kept[0], WARMUP]


def broken_wsd(opt):
    """The WSD of exercise 10.3 as the lesson gives it: a 20-step warm-up cut off by the milestone at 15."""
    return wsd(opt, warmup_iters=20)


SOLUTIONS = {
    "10.1": warmup_cosine,
    "10.2": chained_lr_at(20),
    "10.3": wsd,
    "10.4": choose_10_4(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("10.1", lambda opt: warmup_cosine(opt, t_max=200), "at step 21 "),  # cosine over all steps, warm-up included
    ("10.2", 0.1, "(0.1) is too high"),  # the cosine waiting for the warm-up, as in SequentialLR
    ("10.3", broken_wsd, "at step 1 your LR is 0.0145, too low"),  # the function as given
    ("10.4", [2, 5], "after 5 batches, not 5 epochs"),
    ("10.4", [1, 0], "the full peak"),
    ("10.4", [4, 5], "five jumps"),
    ("10.4", [3, 5 * (1_281_167 // 4096)], "at index 1 (1560) is too low"),  # the partial batch dropped
]
