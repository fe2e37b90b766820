"""Lesson 11 exercises: the range test's sweep as a schedule, and max_lr from its minimum."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="11.1",
    task="Give the factor by which the LR grows per step in a 61-step sweep from start_lr=1e-6 to end_lr=1.",
    hint="61 LRs make 60 steps between them: (end_lr / start_lr) ** (1 / (num_steps - 1)).",
    expected=lambda: (1.0 / 1e-6) ** (1 / (61 - 1)),
    kind="value")

EXERCISE_2 = Exercise(
    id="11.2",
    task="Build the 61-step sweep from 1e-6 to 1 as a torch scheduler, for an optimizer created with lr=1e-6.",
    hint="ExponentialLR multiplies the LR by gamma every step; gamma is the growth factor of exercise 11.1.",
    expected=lambda: np.geomspace(1e-6, 1.0, 61),
    kind="schedule", steps=61, lr=1e-6)

EXERCISE_3 = Exercise(
    id="11.3",
    task="Build the OneCycleLR for 8 epochs of 23 batches, stepped per batch, with max_lr an order of magnitude "
         "below a range-test minimum at lr=2.4 (other arguments at their defaults).",
    hint="max_lr = 2.4 / 10, and total_steps = epochs * batches (or epochs=8, steps_per_epoch=23).",
    expected=lambda: formulas.one_cycle_lr(np.arange(8 * 23), max_lr=2.4 / 10, total_steps=8 * 23),
    kind="schedule", steps=8 * 23, lr=0.1, optimizer="sgd_momentum")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
