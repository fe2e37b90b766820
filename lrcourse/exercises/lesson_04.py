"""Lesson 04 exercises: exponential decay (ExponentialLR) and its relative PolynomialLR."""
import numpy as np

from .. import formulas
from .core import Exercise


def _first_epoch_at_one_percent(gamma: float) -> int:
    """The first epoch t with gamma**t <= 0.01, read off the closed form over a long enough run."""
    ratio = formulas.exponential_lr(np.arange(10_000), 1.0, gamma)
    return int(np.argmax(ratio <= 0.01))


EXERCISE_1 = Exercise(
    id="04.1",
    task="Build an ExponentialLR whose LR halves every 20 epochs (100 epochs from lr=0.1).",
    hint="From gamma ** 20 = 0.5: gamma = 0.5 ** (1 / 20).",
    expected=lambda: formulas.exponential_lr(np.arange(100), 0.1, gamma=0.5 ** (1 / 20)),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_2 = Exercise(
    id="04.2",
    task="With ExponentialLR(gamma=0.95) stepped once per epoch, give the first epoch at which the LR "
         "is at or below 1% of the base LR.",
    hint="Solve 0.95 ** t <= 0.01 for the smallest whole t: t = ceil(log(0.01) / log(0.95)).",
    expected=lambda: _first_epoch_at_one_percent(0.95),
    kind="value")

EXERCISE_3 = Exercise(
    id="04.3",
    task="Build a PolynomialLR with power=2 that reaches 0 at epoch 80 and stays there (100 epochs from lr=0.1).",
    hint="total_iters is the step at which PolynomialLR reaches 0.",
    expected=lambda: formulas.polynomial_lr(np.arange(100), 0.1, total_iters=80, power=2.0),
    kind="schedule", steps=100, lr=0.1)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
