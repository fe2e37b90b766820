"""Lesson 00 exercises: the blog's StepLR loop recorded correctly, per-batch stepping, get_lr() vs the LR in force."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="00.1",
    task="Record the LR in force at each of the blog's 100 epochs "
         "(StepLR(step_size=30, gamma=0.1), lr=0.001, one scheduler.step() per epoch).",
    hint="Append optimizer.param_groups[0]['lr'] before optimizer.step(), then call scheduler.step(): "
         "the list starts at 0.001 and first drops at epoch 30.",
    expected=lambda: formulas.step_lr(np.arange(100), 0.001, step_size=30, gamma=0.1),
    kind="schedule", steps=100, lr=0.001)

EXERCISE_2 = Exercise(
    id="00.2",
    task="With scheduler.step() after every batch (10 batches per epoch, 100 epochs = 1000 steps), "
         "build a scheduler that multiplies the LR by 0.1 every 30 epochs, from lr=0.001.",
    hint="step_size counts scheduler.step() calls, and here those are batches: 30 epochs = 30 * 10 steps.",
    expected=lambda: formulas.step_lr(np.arange(1000), 0.001, step_size=30 * 10, gamma=0.1),
    kind="schedule", steps=1000, lr=0.001)


def _reported_and_in_force():
    in_force = formulas.step_lr(60, 0.001, step_size=30, gamma=0.1)
    # at a milestone, get_lr() multiplies the LR already set by gamma once more
    return [in_force * 0.1, in_force]


EXERCISE_3 = Exercise(
    id="00.3",
    task="In the blog's loop (typos fixed), give [what get_lr()[0] reports right after the 60th scheduler.step(), "
         "the LR in force during epoch 60].",
    hint="Run the loop and compare scheduler.get_lr()[0] with optimizer.param_groups[0]['lr'] after 60 steps "
         "(catch the warning with lc.expect(UserWarning)); at a milestone get_lr() applies gamma a second time.",
    expected=_reported_and_in_force,
    kind="value")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
