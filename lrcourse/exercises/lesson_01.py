"""Lesson 01 exercises: schedules as functions of the step with LambdaLR and MultiplicativeLR."""
import functools

import numpy as np
from torch.optim.lr_scheduler import LambdaLR, MultiplicativeLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise

EXERCISE_1 = Exercise(
    id="01.1",
    task="The LambdaLR of exercise 01.1 is the blog's lambda1 (epoch // 30); it should start at the base LR (0.05) "
         "and multiply it by 0.1 every 30 epochs. Fix its function and give what the loop records: "
         "the LR in force at each of the 100 epochs.",
    hint="LambdaLR multiplies the base LR by f(epoch). "
         "What must f(0) be for the first epoch to run at the base LR, and by what must f change every 30 epochs?",
    expected=lambda: formulas.step_lr(np.arange(100), 0.05, step_size=30, gamma=0.1),
    kind="schedule", steps=100, lr=0.05, skill="debug")

EXERCISE_2 = Exercise(
    id="01.2",
    task="Build a MultiplicativeLR that halves the LR every 10 epochs (100 epochs from lr=0.05).",
    hint="MultiplicativeLR multiplies the previous LR by g(epoch) at every step. "
         "At which epochs must g change the LR, and what must it return at all the others?",
    expected=lambda: formulas.step_lr(np.arange(100), 0.05, step_size=10, gamma=0.5),
    kind="schedule", steps=100, lr=0.05)


def _warmup_then_exponential():
    # (t + 1) / 5 is a linear warm-up from 0.2 that reaches 1 at t = 4, where the decay starts from its own step 0.
    decay = functools.partial(formulas.exponential_lr, base_lr=0.05, gamma=0.95)
    return formulas.with_warmup(np.arange(100), decay, base_lr=0.05, warmup_steps=4, start_factor=0.2)


EXERCISE_3 = Exercise(
    id="01.3",
    task="Build a LambdaLR whose factor is (t + 1) / 5 for t < 5, then 0.95 ** (t - 4) (lr=0.05, 100 steps).",
    hint="Write the factor as a plain function with two branches and print it at t = 0, 4 and 5 "
         "before handing it to LambdaLR: the task fixes all three values.",
    expected=_warmup_then_exponential,
    kind="schedule", steps=100, lr=0.05)


def _constant_factor(epoch):
    return 0.9


def _lambda_first_and_multiplicative_third():
    """[LambdaLR's LR at epoch 0, MultiplicativeLR's LR at epoch 3], both given f(epoch) = 0.9, from torch."""
    as_lambda = simulate(functools.partial(LambdaLR, lr_lambda=_constant_factor), steps=4, lr=0.05)
    as_multiplier = simulate(functools.partial(MultiplicativeLR, lr_lambda=_constant_factor), steps=4, lr=0.05)
    return [as_lambda.lr[0], as_multiplier.lr[3]]


EXERCISE_4 = Exercise(
    id="01.4",
    task="Predict, before running anything: from lr=0.05, the function f(epoch) = 0.9 is given once to LambdaLR "
         "and once to MultiplicativeLR. Give [the LambdaLR's LR in force at epoch 0, "
         "the MultiplicativeLR's LR in force at epoch 3].",
    hint="One of the two calls its function when it is built; the other never calls it for step 0. "
         "And one multiplies the base LR, the other the previous LR.",
    expected=_lambda_first_and_multiplicative_third,
    kind="value", skill="predict")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3, EXERCISE_4)
