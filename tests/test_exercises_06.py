"""Lesson 06 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks.

The references are derived apart from lesson_06.py: restarts by adding up cycle lengths, the per-batch LRs from the
SGDR paper's formula written out here, the snapshot plan by counting cycle ends.
"""
import math

import numpy as np
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts

import lrcourse as lc


def restarts_by_adding_up(T_0, T_mult, until):
    """The epochs where SGDR's cycles end before ``until``: the running sums of the cycle lengths."""
    ends, end, length = [], 0, T_0
    while end + length < until:
        end += length
        ends.append(end)
        length *= T_mult
    return ends


def sgdr_paper(t, base_lr=0.1, T_0=4, T_mult=2, eta_min=0.0):
    """Loshchilov & Hutter (2017), eq. (5), at a fractional epoch t: find the cycle, then the cosine inside it."""
    start, length = 0, T_0
    while t >= start + length:
        start, length = start + length, length * T_mult
    return eta_min + 0.5 * (base_lr - eta_min) * (1 + math.cos(math.pi * (t - start) / length))


def per_batch_lrs(epochs=12, iters=5, where=lambda epoch, i, iters: epoch + i / iters):
    """The LR each batch trains with: batch k uses the LR set after batch k - 1, at that batch's fractional epoch."""
    stepped_at = [where(epoch, i, iters) for epoch in range(epochs) for i in range(iters)]
    return np.array([sgdr_paper(0.0)] + [sgdr_paper(t) for t in stepped_at[:-1]])


def broken_loop_lrs(step_arg):
    """The lesson's loop for 06.3, with ``step_arg(epoch, i, iters)`` passed to scheduler.step."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=4, T_mult=2)
    lrs = []
    for epoch in range(12):
        for i in range(5):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step(step_arg(epoch, i, 5))
    return np.array(lrs)


def snapshot_plan():
    """Option 3 of 06.4 by counting: the one option whose decays end at epoch 150 with at least three models."""
    ends = {
        1: [150],  # one cosine with T_max=150: its decay finishes at the end of the run
        2: restarts_by_adding_up(20, 2, 151),
        3: restarts_by_adding_up(10, 2, 151),
        4: restarts_by_adding_up(40, 1, 151),
    }
    good = [option for option, e in ends.items() if len(e) >= 3 and e[-1] == 150]
    assert len(good) == 1, ends
    return [good[0], len(ends[good[0]])]


SOLUTIONS = {
    "06.1": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=25, T_mult=1),
    "06.2": restarts_by_adding_up(10, 2, 200),
    "06.3": per_batch_lrs(),
    "06.4": snapshot_plan(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("06.1", lambda opt: CosineAnnealingLR(opt, T_max=25), "at step 25 "),  # no restart: rises slowly instead
    ("06.1", lambda opt: CosineAnnealingWarmRestarts(opt, T_0=25, T_mult=2), "at step 26 "),  # a second cycle of 50
    ("06.2", [10, 20, 40, 80], "at index 1 "),  # the cycle lengths taken for the restart epochs
    ("06.2", [10, 30, 70, 140], "at index 3 "),  # a misplaced restart
    ("06.3", broken_loop_lrs(lambda epoch, i, iters: epoch + i // iters), "at step 2 "),  # the loop as given
    ("06.3", broken_loop_lrs(lambda epoch, i, iters: epoch * iters + i), "too low"),  # batches counted as epochs
    ("06.4", [2, 3], "the run stops 10 epochs into the next cycle"),
    ("06.4", [1, 1], "one model, not three"),
    ("06.4", [3, 3], "at index 1 (3) is too low"),  # the run's own end forgotten
]


def test_06_2_answer_matches_the_restarts_torch_makes():
    tr = lc.simulate(lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), steps=200)
    assert lc.check("06.2", lc.simulation.rises(tr.lr))  # where torch's LR jumps back up (eta_min=0)


def test_06_3_the_fixed_loop_run_by_torch_passes():
    verdict = lc.check("06.3", broken_loop_lrs(lambda epoch, i, iters: epoch + i / iters))
    assert verdict, verdict
