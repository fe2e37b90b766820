"""Lesson 06 exercises: cosine annealing with warm restarts (SGDR)."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="06.1",
    task="Build a CosineAnnealingWarmRestarts that restarts every 25 epochs with equal cycles, "
         "down to eta_min=0 (100 epochs from lr=0.1).",
    hint="T_0 is the length of the first cycle; T_mult=1 keeps every cycle that long.",
    expected=lambda: formulas.cosine_annealing_warm_restarts_lr(np.arange(100), 0.1, T_0=25, T_mult=1, eta_min=0.0),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_2 = Exercise(
    id="06.2",
    task="With T_0=10, T_mult=2, stepped once per epoch for 200 epochs, list the epochs at which the LR restarts.",
    hint="Cycle i lasts T_0 * T_mult**i epochs; a restart is where a cycle ends: add up the cycle lengths.",
    expected=lambda: np.array(formulas.sgdr_cycle_starts(T_0=10, T_mult=2, until=200)[1:]),
    kind="value")

EXERCISE_3 = Exercise(
    id="06.3",
    task="With plain scheduler.step() after every batch (30 epochs of 20 batches = 600 steps), build an SGDR "
         "whose first cycle lasts 10 epochs, each next cycle twice as long, down to eta_min=0.",
    hint="Plain step() counts batches, so T_0 must be in batches: 10 epochs * 20 batches.",
    expected=lambda: formulas.cosine_annealing_warm_restarts_lr(np.arange(600), 0.1, T_0=10 * 20, T_mult=2,
                                                                eta_min=0.0),
    kind="schedule", steps=600, lr=0.1)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
