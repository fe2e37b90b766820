"""Lesson 10 exercises: warm-up + cosine, the linear-scaling rule, warmup-stable-decay."""
import math

import numpy as np

from .. import formulas
from .core import Exercise, register


def _warmup_cosine_lr(t, base_lr, warmup, total, start_factor, eta_min):
    """Linear warm-up over ``warmup`` steps, then cosine to ``eta_min`` over the remaining ``total - warmup``."""
    up = formulas.linear_lr(t, base_lr, start_factor=start_factor, total_iters=warmup)
    down = formulas.cosine_annealing_lr(np.maximum(t - warmup, 0), base_lr, T_max=total - warmup, eta_min=eta_min)
    return np.where(t < warmup, up, down)


def _wsd_lr(t, base_lr, warmup, total, decay, start_factor):
    """Warmup-stable-decay: linear up over ``warmup``, constant, linear down to 0 over the last ``decay`` steps."""
    stable_end = total - decay
    up = formulas.linear_lr(t, base_lr, start_factor=start_factor, total_iters=warmup)
    down = formulas.linear_lr(np.maximum(t - stable_end, 0), base_lr, start_factor=1.0, end_factor=0.0,
                              total_iters=decay)
    return np.where(t < warmup, up, np.where(t < stable_end, base_lr, down))


register(Exercise(
    id="10.1",
    task="Build a 200-step schedule: linear warm-up over 20 steps from 5% of the LR, then cosine to eta_min=0.001 "
         "over the remaining 180 steps.",
    hint="SequentialLR(optimizer, [LinearLR(optimizer, start_factor=..., total_iters=20), "
         "CosineAnnealingLR(optimizer, T_max=..., eta_min=...)], milestones=[20])",
    expected=lambda: _warmup_cosine_lr(np.arange(200), 0.1, warmup=20, total=200, start_factor=0.05, eta_min=0.001),
    kind="schedule", steps=200, lr=0.1, rtol=1e-9))

register(Exercise(
    id="10.2",
    task="LR 0.1 at batch 256; now batch 4,096 on 1,281,167 images (partial batch kept), 5-epoch warm-up stepped "
         "per batch. Give [peak_lr, warmup_steps].",
    hint="linear scaling: the LR grows with the batch, k = 4096 / 256; the warm-up lasts 5 * math.ceil(images / batch) steps.",
    expected=lambda: np.array([0.1 * 4096 / 256, 5 * math.ceil(1_281_167 / 4096)]),
    kind="value"))

register(Exercise(
    id="10.3",
    task="Build a warmup-stable-decay schedule over 300 steps: 15 warm-up steps from 10% of the LR, constant, "
         "then linear decay to 0 over the last 30 steps.",
    hint="SequentialLR of LinearLR(start_factor=0.1, total_iters=15), ConstantLR(factor=1.0, ...) and "
         "LinearLR(start_factor=1.0, end_factor=0.0, total_iters=30), with milestones=[15, 270].",
    expected=lambda: _wsd_lr(np.arange(300), 0.1, warmup=15, total=300, decay=30, start_factor=0.1),
    kind="schedule", steps=300, lr=0.1, rtol=1e-9))
