"""Lesson 14 exercises: SWALR's anneal, a chain with a custom scheduler, and fixing a broken one."""
import functools

import numpy as np

from .. import formulas
from .core import Exercise


def _warmup_times_exponential(t, base_lr, warmup_steps, gamma):
    """A linear warm-up multiplier (t + 1) / w, capped at 1, times gamma ** t: the chain of the two."""
    # (t + 1) / w starts at 1 / w and reaches 1 at t = w - 1.
    warmup = functools.partial(formulas.linear_warmup_lr, base_lr=base_lr, warmup_steps=warmup_steps - 1,
                               start_factor=1 / warmup_steps)
    decay = functools.partial(formulas.exponential_lr, base_lr=base_lr, gamma=gamma)
    return formulas.chained(t, [warmup, decay], base_lr)


EXERCISE_1 = Exercise(
    id="14.1",
    task="Build SWALR for 40 steps from lr=0.1: anneal linearly to swa_lr=0.01 over 20 steps, then hold.",
    hint="SWALR(optimizer, swa_lr=0.01, anneal_epochs=20, anneal_strategy='linear'); the default strategy is 'cos'.",
    expected=lambda: formulas.swa_lr(np.arange(40), 0.1, swa_lr=0.01, anneal_epochs=20, anneal_strategy="linear"),
    kind="schedule", steps=40, lr=0.1, rtol=1e-9)

EXERCISE_2 = Exercise(
    id="14.2",
    task="Predict, then run: ChainedScheduler([InverseSqrtLR(opt, warmup_steps=4), ExponentialLR(opt, gamma=0.9)]) "
         "from lr=0.1. Give the LR in force at steps 3 and 16, as [lr_3, lr_16].",
    hint="both schedulers are chainable, so their multipliers multiply: "
         "lc.formulas.inverse_sqrt_lr(t, 0.1, 4) * 0.9 ** t.",
    expected=lambda: formulas.chained([3, 16], [
        functools.partial(formulas.inverse_sqrt_lr, base_lr=0.1, warmup_steps=4),
        functools.partial(formulas.exponential_lr, base_lr=0.1, gamma=0.9),
    ], base_lr=0.1),
    kind="value")

EXERCISE_3 = Exercise(
    id="14.3",
    task="Fix the broken LinearWarmupLR of the lesson so that ChainedScheduler([LinearWarmupLR(opt, warmup_steps=10), "
         "ExponentialLR(opt, gamma=0.98)]) gives warm-up times decay over 60 steps from lr=0.1. "
         "Answer with a function optimizer -> that ChainedScheduler.",
    hint="set warmup_steps before super().__init__ (which takes the first step), and make get_lr multiply "
         "group['lr'] by factor(t) / factor(t - 1) (by factor(0) at t = 0); the closed form goes in "
         "_get_closed_form_lr.",
    expected=lambda: _warmup_times_exponential(np.arange(60), 0.1, 10, 0.98),
    kind="schedule", steps=60, lr=0.1, rtol=1e-9)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
