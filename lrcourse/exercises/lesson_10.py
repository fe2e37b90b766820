"""Lesson 10 exercises: warm-up + cosine, the linear-scaling rule, warmup-stable-decay."""
import math

import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="10.1",
    task="Build a 200-step schedule: linear warm-up over 20 steps from 5% of the LR, then cosine to eta_min=0.001 "
         "over the remaining 180 steps.",
    hint="SequentialLR(optimizer, [LinearLR(optimizer, start_factor=..., total_iters=20), "
         "CosineAnnealingLR(optimizer, T_max=..., eta_min=...)], milestones=[20])",
    expected=lambda: formulas.warmup_cosine_lr(np.arange(200), 0.1, warmup_steps=20, total_steps=200, min_lr=0.001,
                                               warmup_start_factor=0.05),
    kind="schedule", steps=200, lr=0.1, rtol=1e-9)

EXERCISE_2 = Exercise(
    id="10.2",
    task="LR 0.1 at batch 256; now batch 4,096 on 1,281,167 images (partial batch kept), 5-epoch warm-up stepped "
         "per batch. Give [peak_lr, warmup_steps].",
    hint="linear scaling: the LR grows with the batch, k = 4096 / 256; "
         "the warm-up lasts 5 * math.ceil(images / batch) steps.",
    expected=lambda: np.array([0.1 * 4096 / 256, 5 * math.ceil(1_281_167 / 4096)]),
    kind="value")

EXERCISE_3 = Exercise(
    id="10.3",
    task="Build a warmup-stable-decay schedule over 300 steps: 15 warm-up steps from 10% of the LR, constant, "
         "then linear decay to 0 over the last 30 steps.",
    hint="SequentialLR of LinearLR(start_factor=0.1, total_iters=15), ConstantLR(factor=1.0, ...) and "
         "LinearLR(start_factor=1.0, end_factor=0.0, total_iters=30), with milestones=[15, 270].",
    expected=lambda: formulas.wsd_lr(np.arange(300), 0.1, warmup_steps=15, stable_steps=255, decay_steps=30,
                                     warmup_start_factor=0.1),
    kind="schedule", steps=300, lr=0.1, rtol=1e-9)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
