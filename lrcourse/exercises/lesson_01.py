"""Lesson 01 exercises: schedules as functions of the step with LambdaLR and MultiplicativeLR."""
import functools

import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="01.1",
    task="Fix the blog's lambda1: a LambdaLR whose LR starts at the base LR (0.05) and is multiplied by 0.1 "
         "every 30 epochs (100 epochs).",
    hint="LambdaLR multiplies the base LR by f(epoch), so f(0) must be 1: f(epoch) = 0.1 ** (epoch // 30), "
         "not epoch // 30.",
    expected=lambda: formulas.step_lr(np.arange(100), 0.05, step_size=30, gamma=0.1),
    kind="schedule", steps=100, lr=0.05)

EXERCISE_2 = Exercise(
    id="01.2",
    task="Build a MultiplicativeLR that halves the LR every 10 epochs (100 epochs from lr=0.05).",
    hint="MultiplicativeLR multiplies the previous LR by g(epoch) at each step, so g is 0.5 when epoch is a "
         "multiple of 10 and 1.0 otherwise; g(epoch) = 0.5 ** (epoch // 10) would compound.",
    expected=lambda: formulas.step_lr(np.arange(100), 0.05, step_size=10, gamma=0.5),
    kind="schedule", steps=100, lr=0.05)


def _warmup_then_exponential():
    # (t + 1) / 5 is a linear warm-up from 0.2 that reaches 1 at t = 4, where the decay starts from its own step 0.
    decay = functools.partial(formulas.exponential_lr, base_lr=0.05, gamma=0.95)
    return formulas.with_warmup(np.arange(100), decay, base_lr=0.05, warmup_steps=4, start_factor=0.2)


EXERCISE_3 = Exercise(
    id="01.3",
    task="Build a LambdaLR whose factor is (t + 1) / 5 for t < 5, then 0.95 ** (t - 4) (lr=0.05, 100 steps).",
    hint="One function with an if: return (t + 1) / 5 if t < 5 else 0.95 ** (t - 4). "
         "Check f(0) = 0.2, f(4) = 1 and f(5) = 0.95.",
    expected=_warmup_then_exponential,
    kind="schedule", steps=100, lr=0.05)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
