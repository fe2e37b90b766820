"""Lesson 07 exercises: OneCycleLR, sizing total_steps, three phases."""
import math

import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="07.1",
    task="Build a OneCycleLR for a 200-step run: max_lr=0.05, pct_start=0.25, linear segments.",
    hint="OneCycleLR(optimizer, max_lr=0.05, total_steps=200, pct_start=0.25, anneal_strategy=...)",
    expected=lambda: formulas.one_cycle_lr(np.arange(200), max_lr=0.05, total_steps=200, pct_start=0.25,
                                           anneal_strategy="linear"),
    kind="schedule", steps=200, lr=0.1, optimizer="sgd_momentum")

EXERCISE_2 = Exercise(
    id="07.2",
    task="Give total_steps for 12 epochs over 50 batches with gradient accumulation over 4 batches "
         "(the last, partial group of each epoch also steps).",
    hint="one optimizer step (and one scheduler step) per group of 4 batches; a partial group at the end "
         "of an epoch counts as a group: epochs * math.ceil(batches / 4).",
    expected=lambda: 12 * math.ceil(50 / 4),
    kind="value")

EXERCISE_3 = Exercise(
    id="07.3",
    task="Build a three-phase OneCycleLR for 100 steps: max_lr=0.1, pct_start=0.4, starting 10 times below max_lr.",
    hint="three_phase=True, and the start is max_lr / div_factor.",
    expected=lambda: formulas.one_cycle_lr(np.arange(100), max_lr=0.1, total_steps=100, pct_start=0.4,
                                           div_factor=10.0, three_phase=True),
    kind="schedule", steps=100, lr=0.1, optimizer="sgd_momentum")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
