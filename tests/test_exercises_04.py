"""Lesson 04 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Each reference answer is found here without lrcourse: a real torch loop, or a logarithm worked out by hand.
"""
import math

import torch
from torch.optim.lr_scheduler import ExponentialLR, PolynomialLR

from reference_loops import record_lrs


def last_epoch_choice():
    """04.4: the option below 1% of the base LR in epoch 49 and in no epoch before; and the steps to epoch 49."""
    options = {
        1: lambda opt: ExponentialLR(opt, gamma=0.9),
        2: lambda opt: ExponentialLR(opt, gamma=0.9120),
        3: lambda opt: ExponentialLR(opt, gamma=0.9102),
        4: lambda opt: PolynomialLR(opt, total_iters=50, power=2),
    }
    fitting = []
    for option, make in options.items():
        lrs = record_lrs(make, epochs=50)
        first_low = next(epoch for epoch, lr in enumerate(lrs + [0.0]) if lr <= 0.01 * 0.1 * (1 + 1e-9))
        if first_low == 49:
            fitting.append(option)
    assert len(fitting) == 1, fitting
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = options[fitting[0]](optimizer)
    for _ in range(49):  # epochs 0..48 train, each followed by one scheduler.step()
        optimizer.step()
        scheduler.step()
    return [fitting[0], scheduler.last_epoch]  # the steps taken before epoch 49 runs


SOLUTIONS = {
    "04.1": lambda opt: ExponentialLR(opt, gamma=0.5 ** (1 / 20)),
    "04.2": math.ceil(math.log(0.1) / math.log(0.95)),
    "04.3": record_lrs(lambda opt: ExponentialLR(opt, gamma=0.9 ** (1 / 20)), epochs=5, batches_per_epoch=20),
    "04.4": last_epoch_choice(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("04.1", lambda opt: ExponentialLR(opt, gamma=0.5 / 20), "at step 1 "),  # the halving divided, not rooted
    ("04.1", lambda opt: ExponentialLR(opt, gamma=0.95), "at step 1 "),  # a guessed gamma
    ("04.2", math.floor(math.log(0.1) / math.log(0.95)), "too low"),  # rounded down: still above 10%
    ("04.2", math.ceil(math.log(0.01) / math.log(0.95)), "too high"),  # the lesson's 1%, not 10%
    ("04.3", record_lrs(lambda opt: ExponentialLR(opt, gamma=0.9), epochs=5, batches_per_epoch=20),
     "at step 1 "),  # the loop left as it is: x0.9 per batch
    ("04.3", record_lrs(lambda opt: ExponentialLR(opt, gamma=0.9), epochs=5, batches_per_epoch=20,
                        step_per_batch=False),
     "at step 1 your LR is 0.1, too high"),  # stepped per epoch: a staircase, not a decay at every batch
    ("04.4", [2, 50], "one step after the last epoch"),  # gamma = 0.01 ** (1 / 50)
    ("04.4", [1, 49], "several epochs before the end"),  # the blog's gamma
    ("04.4", [4, 49], "quadratic"),  # PolynomialLR(power=2) to 0 at step 50
    ("04.4", [3, 50], "at index 1 (50) is too high"),  # 50 steps for 50 epochs
]
