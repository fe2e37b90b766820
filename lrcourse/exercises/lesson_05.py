"""Lesson 05 exercises: cosine annealing with CosineAnnealingLR."""
import numpy as np

from .. import formulas
from .core import Exercise


def _back_at_base_lr() -> np.ndarray:
    """Epochs 1..99 at which the blog's cosine (T_max=20, eta_min=1e-5, lr=0.1) is at the base LR again."""
    lr = formulas.cosine_annealing_lr(np.arange(100), 0.1, T_max=20, eta_min=1e-5)
    return np.flatnonzero(np.isclose(lr[1:], 0.1, rtol=1e-9, atol=0)) + 1


EXERCISE_1 = Exercise(
    id="05.1",
    task="Build a CosineAnnealingLR that anneals once over a 100-epoch run (T_max = the number of epochs), "
         "from lr=0.1 down to eta_min=1e-4.",
    hint="CosineAnnealingLR(optimizer, T_max=..., eta_min=...): T_max is the run length in scheduler steps.",
    expected=lambda: formulas.cosine_annealing_lr(np.arange(100), 0.1, T_max=100, eta_min=1e-4),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_2 = Exercise(
    id="05.2",
    task="With scheduler.step() after every batch (8 epochs of 25 batches = 200 steps), build a "
         "CosineAnnealingLR that anneals once over the whole run to eta_min=0.",
    hint="T_max counts scheduler.step() calls: epochs * batches_per_epoch.",
    expected=lambda: formulas.cosine_annealing_lr(np.arange(200), 0.1, T_max=8 * 25, eta_min=0.0),
    kind="schedule", steps=200, lr=0.1)

EXERCISE_3 = Exercise(
    id="05.3",
    task="In the blog's schedule (T_max=20, eta_min=1e-5, lr=0.1, epochs 0 to 99), list the epochs after "
         "epoch 0 at which the LR is back at the base LR.",
    hint="The cosine has period 2 * T_max; simulate it and look where lr == 0.1 again.",
    expected=_back_at_base_lr,
    kind="value")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
