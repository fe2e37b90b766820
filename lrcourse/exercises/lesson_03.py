"""Lesson 03 exercises: step decay with StepLR and MultiStepLR."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="03.1",
    task="Build a StepLR that halves the LR every 10 epochs (100 epochs from lr=0.1, one step per epoch).",
    hint="StepLR(optimizer, step_size=..., gamma=...): step_size counts epochs here, gamma is the factor per drop.",
    expected=lambda: formulas.step_lr(np.arange(100), 0.1, step_size=10, gamma=0.5),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_2 = Exercise(
    id="03.2",
    task="Build a MultiStepLR that divides the LR by 10 at epochs 30, 60 and 80 (100 epochs from lr=0.1).",
    hint="MultiStepLR(optimizer, milestones=[...], gamma=...): dividing by 10 is gamma=0.1.",
    expected=lambda: formulas.multi_step_lr(np.arange(100), 0.1, milestones=[30, 60, 80], gamma=0.1),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_3 = Exercise(
    id="03.3",
    task="With scheduler.step() after every batch (50 batches per epoch, 6 epochs = 300 steps), "
         "build a StepLR that halves the LR every 2 epochs.",
    hint="step_size counts scheduler.step() calls, and here those are batches: 2 epochs = 2 * 50 steps.",
    expected=lambda: formulas.step_lr(np.arange(300), 0.1, step_size=2 * 50, gamma=0.5),
    kind="schedule", steps=300, lr=0.1)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
