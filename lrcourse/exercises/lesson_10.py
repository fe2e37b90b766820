"""Lesson 10 exercises: a warm-up + cosine built, ChainedScheduler's product predicted, a WSD fixed, Goyal's warm-up
chosen."""
import functools
import math

import numpy as np

from .. import formulas
from .core import Exercise, only_option


def chained_at(step=20, lr=0.1, start_factor=0.1, warmup=20, t_max=80):
    """ChainedScheduler([LinearLR(start_factor, warmup), CosineAnnealingLR(t_max)]): the product of both factors."""
    return formulas.chained(step, [
        functools.partial(formulas.linear_lr, base_lr=lr, start_factor=start_factor, total_iters=warmup),
        functools.partial(formulas.cosine_annealing_lr, base_lr=lr, T_max=t_max),
    ], base_lr=lr)


# Exercise 10.4: Goyal et al.'s rule, from LR 0.1 at batch 256 to batch 4,096 on ImageNet-1k, 5 epochs of warm-up.
OLD_LR, OLD_BATCH, BATCH, IMAGES, WARMUP_EPOCHS = 0.1, 256, 4096, 1_281_167, 5


def warmup_options():
    """Each option's LR at every batch of the first 5 epochs and one more step, stepped as the option says."""
    k = BATCH / OLD_BATCH
    peak, batches = OLD_LR * k, math.ceil(IMAGES / BATCH)  # the last, partial batch is kept
    t = np.arange(WARMUP_EPOCHS * batches + 1)
    warmup = functools.partial(formulas.linear_lr, base_lr=peak, start_factor=1 / k)
    return {
        1: np.full(t.shape, peak),  # no warm-up
        2: warmup(t, total_iters=WARMUP_EPOCHS),  # 5 scheduler steps, stepped per batch
        3: warmup(t, total_iters=WARMUP_EPOCHS * batches),  # 5 epochs of batches, stepped per batch
        4: warmup(t // batches, total_iters=WARMUP_EPOCHS),  # 5 scheduler steps, stepped once per epoch
    }


def goyal_choice():
    """The one option that starts at the old LR, reaches the peak after 5 epochs and rises a little every batch.

    Answered with its warm-up length in steps.
    """
    good = {}  # option -> its warm-up length in steps
    for option, lrs in warmup_options().items():
        steps = len(lrs) - 1
        rise = (lrs[-1] - lrs[0]) / steps  # the even rise per batch of a warm-up over the 5 epochs
        starts_low = np.isclose(lrs[0], OLD_LR)
        peaks_on_time = np.flatnonzero(np.isclose(lrs, lrs[-1]))[0] == steps
        smooth = np.diff(lrs).max() <= rise * (1 + 1e-9)
        if starts_low and peaks_on_time and smooth:
            good[option] = steps
    option = only_option(good, "10.4")
    return np.array([option, good[option]])


EXERCISES = (
    Exercise(
        id="10.1",
        task="Build a 200-step schedule: linear warm-up over 20 steps from 5% of the LR, then cosine to "
             "eta_min=0.001 over the remaining 180 steps (checked from lr=0.1).",
        hint="two schedulers, handed over by SequentialLR at the end of the warm-up; the cosine's clock starts "
             "at the milestone, so its T_max counts only the steps after it.",
        expected=lambda: formulas.warmup_cosine_lr(np.arange(200), 0.1, warmup_steps=20, total_steps=200,
                                                   min_lr=0.001, warmup_start_factor=0.05),
        kind="schedule", steps=200, lr=0.1, rtol=1e-9, skill="build"),
    Exercise(
        id="10.2",
        task="Predict, then run: ChainedScheduler([LinearLR(optimizer, start_factor=0.1, total_iters=20), "
             "CosineAnnealingLR(optimizer, T_max=80)]) from lr=0.1. Give the LR at step 20, where the warm-up ends.",
        hint="ChainedScheduler steps both schedulers from step 0 and multiplies their factors: "
             "how far has the cosine gone after 20 of its 80 steps?",
        expected=chained_at,
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="10.3",
        task="Fix the WSD of exercise 10.3: over 300 steps from lr=0.1 it should warm up linearly for 15 steps "
             "from 10% of the LR, stay at 0.1, and decay linearly over the last 30 steps towards 0. "
             "Answer with the fixed function optimizer -> scheduler.",
        hint="compare the warm-up's total_iters with the first milestone; the lesson's pitfall 1 shows what "
             "happens when they differ.",
        expected=lambda: formulas.wsd_lr(np.arange(300), 0.1, warmup_steps=15, stable_steps=255, decay_steps=30,
                                         warmup_start_factor=0.1),
        kind="schedule", steps=300, lr=0.1, rtol=1e-9, skill="debug"),
    Exercise(
        id="10.4",
        task="Choose the warm-up: a model trained with LR 0.1 at batch 256 moves to batch 4,096 on ImageNet "
             "(1,281,167 images, the last partial batch kept), peak LR by the linear-scaling rule. As in Goyal et al., "
             "the LR must start at the old 0.1, reach the peak after 5 epochs, and rise a little at every batch. "
             "1: no warm-up, the peak from the first step; 2: LinearLR(start_factor=1/16, total_iters=5), stepped "
             "per batch; 3: LinearLR(start_factor=1/16, total_iters=5 epochs of batches), stepped per batch; "
             "4: LinearLR(start_factor=1/16, total_iters=5), stepped once per epoch. "
             "Answer [option, warm-up length in optimizer steps].",
        hint="count the batches of one epoch with the partial batch kept, and ask for each option what "
             "total_iters counts when it is stepped as the option says.",
        expected=goyal_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "the first steps run at the full peak, 16 times the LR the model was trained with: the large early "
               "LR that the warm-up exists to avoid.",
            2: "total_iters counts scheduler steps: stepped per batch, it reaches the peak after 5 batches, "
               "not 5 epochs.",
            4: "the LR climbs in five jumps, one per epoch, where Goyal et al. raise it a little at every batch.",
        }),
)
