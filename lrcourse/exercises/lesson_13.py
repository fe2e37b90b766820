"""Lesson 13 exercises: a cosine stepped per micro-batch predicted, a broken accumulation loop fixed, and the
schedule for a move from one process to four."""
import functools
import math

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR, OneCycleLR
from torch.utils.data import DataLoader, DistributedSampler

from .. import formulas
from ..distributed import scaled_lr
from ..simulation import simulate
from .core import Exercise, only_option


def _minima_when_stepped_per_micro_batch(optimizer_steps, accumulate, t_max):
    """Step a real CosineAnnealingLR once per micro-batch and count the micro-batches (scheduler steps, not optimizer
    steps) whose LR, read before the scheduler's step, is at its minimum."""
    lrs = simulate(lambda opt: CosineAnnealingLR(opt, T_max=t_max), steps=optimizer_steps * accumulate, lr=0.1).lr
    return int(np.count_nonzero(lrs <= 1e-12))


# 13.3's situation: the digits' 1438 training images, batches of 64, SGD with lr=0.05 and a per-batch OneCycleLR
# over 5 epochs on one process; then 4 processes, each at batch 64, the same 5 epochs.
IMAGES, BATCH, LR, EPOCHS, RANKS = 1438, 64, 0.05, 5, 4
ANNEALED = 0.01  # the run ends annealed: its last LR is at most 1% of its peak


def _batches_per_rank():
    """len(loader) on one rank: DistributedSampler deals each rank about 1/RANKS of the images."""
    sampler = DistributedSampler(range(IMAGES), num_replicas=RANKS, rank=0, shuffle=False)
    return len(DataLoader(range(IMAGES), batch_size=BATCH, sampler=sampler))


def _ddp_options():
    """The four OneCycleLR set-ups on offer, as (max_lr, total_steps)."""
    one_process = EPOCHS * math.ceil(IMAGES / BATCH)
    per_rank = EPOCHS * _batches_per_rank()
    return {1: (LR, one_process), 2: (RANKS * LR, one_process), 3: (math.sqrt(RANKS) * LR, per_rank),
            4: (RANKS * LR, per_rank)}


def _ddp_choice():
    """The one set-up whose peak follows SGD's linear rule and whose schedule ends annealed on every rank.

    Each option is stepped as a rank steps it: once per batch of the rank's loader, for all epochs.
    """
    steps = EPOCHS * _batches_per_rank()
    want_peak = scaled_lr(LR, RANKS, "linear")
    fits = []
    for option, (max_lr, total_steps) in _ddp_options().items():
        lrs = simulate(functools.partial(OneCycleLR, max_lr=max_lr, total_steps=total_steps), steps, lr=max_lr,
                       optimizer="sgd_momentum").lr
        if np.isclose(lrs.max(), want_peak, rtol=1e-2) and lrs[-1] <= ANNEALED * want_peak:
            fits.append(option)
    return np.array([only_option(fits, "13.3"), steps])


EXERCISES = (
    Exercise(
        id="13.1",
        task="Predict, then run: a loop of 100 optimizer steps, each accumulating 4 micro-batches, steps "
             "CosineAnnealingLR(T_max=100) after every micro-batch, 400 scheduler.step() calls in all. "
             "Read optimizer.param_groups[0]['lr'] once per micro-batch, before each of those 400 calls. "
             "How many of those 400 values are the minimum (0)? Answer with a number.",
        hint="how many times is scheduler.step() called in all? CosineAnnealingLR does not stop at T_max: "
             "what does its cosine do after it (lesson 05), and how long is one of its periods?",
        expected=lambda: _minima_when_stepped_per_micro_batch(optimizer_steps=100, accumulate=4, t_max=100),
        kind="value", rtol=0.0, skill="predict"),
    Exercise(
        id="13.2",
        task="Fix the broken loop: 3 epochs of 22 micro-batches, accumulating 4 per optimizer step (the last, partial "
             "group steps too), OneCycleLR(max_lr=0.1) over the run. Answer with the LR of every optimizer step.",
        hint="two bugs hide each other. Count how many times optimizer.step() runs in the whole loop: what does "
             "the schedule's length count instead, and after which call does the scheduler step? The pitfall "
             "\"stepping the scheduler per micro-batch\" shows the symptom.",
        expected=lambda: formulas.one_cycle_lr(np.arange(3 * math.ceil(22 / 4)), max_lr=0.1,
                                               total_steps=3 * math.ceil(22 / 4)),
        kind="schedule", steps=3 * math.ceil(22 / 4), lr=0.1, optimizer="sgd_momentum", skill="debug"),
    Exercise(
        id="13.3",
        task="Choose the set-up: on one process, 1438 images in batches of 64, SGD with a per-batch "
             "OneCycleLR(max_lr=0.05, total_steps=5 * 23) trains well for 5 epochs. You move to 4 processes "
             "(DDP), each at batch 64, for the same 5 epochs. 1 OneCycleLR(max_lr=0.05, total_steps=5 * 23), "
             "2 OneCycleLR(max_lr=0.2, total_steps=5 * 23), 3 OneCycleLR(max_lr=0.1, total_steps=5 * len(loader)), "
             "4 OneCycleLR(max_lr=0.2, total_steps=5 * len(loader)), where loader is the rank's. Then give the "
             "total_steps of your choice. Answer [choice, total_steps].",
        hint="two questions: which scaling rule does SGD follow when the global batch grows, and how many "
             "batches does one rank's loader hold once DistributedSampler has dealt the images out (the pitfall "
             "\"len(loader) is per rank\")?",
        expected=_ddp_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "the LR was set for a batch of 64, and the global batch is now four times larger: SGD's LR should "
               "grow with it.",
            2: "sized from the one-process loader, the schedule is cut short on every rank: the run stops inside "
               "the warm-up and never anneals.",
            3: "the square-root rule is for Adam-type optimizers: with SGD the run peaks at half the LR the global "
               "batch calls for.",
        }),
)
