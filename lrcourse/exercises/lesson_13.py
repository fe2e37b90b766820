"""Lesson 13 exercises: the scheduler inside a real loop (accumulation, a broken loop, scaling with processes)."""
import math

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR

from .. import formulas
from ..distributed import scaled_lr
from ..simulation import simulate
from .core import Exercise


def _minima_when_stepped_per_micro_batch(optimizer_steps, accumulate, t_max):
    """Step a real CosineAnnealingLR once per micro-batch and count the steps at which the LR is at its minimum."""
    lrs = simulate(lambda opt: CosineAnnealingLR(opt, T_max=t_max), steps=optimizer_steps * accumulate, lr=0.1).lr
    return int(np.count_nonzero(lrs <= 1e-12))


EXERCISE_1 = Exercise(
    id="13.1",
    task="Predict, then run: a loop of 100 optimizer steps, each accumulating 4 micro-batches, steps "
         "CosineAnnealingLR(T_max=100) after every micro-batch. "
         "How many times does the LR come down to its minimum (0)?",
    hint="the scheduler counts micro-batches: 400 steps of a cosine whose period is 2 * T_max = 200 steps; "
         "it reaches eta_min at T_max, 3 * T_max, ...",
    expected=lambda: _minima_when_stepped_per_micro_batch(optimizer_steps=100, accumulate=4, t_max=100),
    kind="value")

EXERCISE_2 = Exercise(
    id="13.2",
    task="Fix the broken loop: 3 epochs of 22 micro-batches, accumulating 4 per optimizer step (the last, partial "
         "group steps too), OneCycleLR(max_lr=0.1) over the run. Answer with the LR of every optimizer step.",
    hint="size the schedule in optimizer steps, epochs * math.ceil(22 / 4), step the scheduler once per optimizer "
         "step, after optimizer.step(), and record the LR just before optimizer.step().",
    expected=lambda: formulas.one_cycle_lr(np.arange(3 * math.ceil(22 / 4)), max_lr=0.1,
                                           total_steps=3 * math.ceil(22 / 4)),
    kind="schedule", steps=3 * math.ceil(22 / 4), lr=0.1, optimizer="sgd_momentum")

EXERCISE_3 = Exercise(
    id="13.3",
    task="A recipe works on one process at batch 64 with SGD lr=0.05, and with AdamW lr=0.001. On 8 processes of "
         "batch 64 each, give [the SGD lr by the linear rule, the AdamW lr by the square-root rule].",
    hint="the global batch grows k = 8 times: SGD takes k * lr, Adam-type optimizers sqrt(k) * lr "
         "(lc.distributed.scaled_lr).",
    expected=lambda: [scaled_lr(0.05, 8, "linear"), scaled_lr(0.001, 8, "sqrt")],
    kind="value")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
