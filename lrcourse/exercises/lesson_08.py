"""Lesson 08 exercises: ReduceLROnPlateau driven by a given metric curve."""
import numpy as np
from torch.optim.lr_scheduler import ReduceLROnPlateau

from ..simulation import simulate
from .core import Exercise


def exercise_loss() -> np.ndarray:
    """The validation loss of exercises 08.1 and 08.3: down from 1.0 to 0.5 over 20 epochs, then flat for 40."""
    return np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]


EXERCISE_1 = Exercise(
    id="08.1",
    task="Run ReduceLROnPlateau(factor=0.5, patience=5) for 60 epochs from lr=0.1 on "
         "loss = np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]; answer with the Trace or the function.",
    hint="lc.simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5), steps=60, lr=0.1, metrics=loss).",
    expected=lambda: simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5),
                              60, lr=0.1, metrics=exercise_loss()).lr,
    kind="schedule", steps=60, lr=0.1, metrics=tuple(exercise_loss()))

EXERCISE_2 = Exercise(
    id="08.2",
    task="For best=0.5 and threshold=0.01, give [rel_bar, abs_bar]: the values the next loss must fall below "
         "to count as an improvement with threshold_mode='rel' and with 'abs'.",
    hint="rel: best * (1 - threshold); abs: best - threshold.",
    expected=lambda: np.array([0.5 * (1 - 0.01), 0.5 - 0.01]),
    kind="value")

EXERCISE_3 = Exercise(
    id="08.3",
    task="Run ReduceLROnPlateau(factor=0.1, patience=3, cooldown=2, min_lr=1e-3), set up for an accuracy, "
         "for 60 epochs from lr=0.1 on acc = 1 - loss (the loss of 08.1); answer with the Trace or the function.",
    hint="higher is better for an accuracy: mode='max'.",
    expected=lambda: simulate(lambda opt: ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=3, cooldown=2,
                                                            min_lr=1e-3),
                              60, lr=0.1, metrics=1 - exercise_loss()).lr,
    kind="schedule", steps=60, lr=0.1, metrics=tuple(1 - exercise_loss()))

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
