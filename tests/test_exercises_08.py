"""Lesson 08 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks."""
import numpy as np
from torch.optim.lr_scheduler import ReduceLROnPlateau

import lrcourse as lc

LOSS = np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]


def plateau_trace(metrics, **kwargs):
    return lc.simulate(lambda opt: ReduceLROnPlateau(opt, **kwargs), steps=60, lr=0.1, metrics=metrics)


SOLUTIONS = {
    "08.1": plateau_trace(LOSS, factor=0.5, patience=5),
    "08.2": [0.5 * (1 - 0.01), 0.5 - 0.01],
    "08.3": plateau_trace(1 - LOSS, mode="max", factor=0.1, patience=3, cooldown=2, min_lr=1e-3),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("08.1", plateau_trace(LOSS, factor=0.5, patience=3), "at step 24 "),  # the blog's patience
    ("08.2", [0.49, 0.495], "index 0"),  # the two answers swapped
    ("08.3", plateau_trace(1 - LOSS, factor=0.1, patience=3, cooldown=2, min_lr=1e-3), "at step "),  # mode "min"
]


def test_08_1_a_bare_function_passes_the_exercise_supplies_the_metrics():
    verdict = lc.check("08.1", lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5))
    assert verdict, verdict
