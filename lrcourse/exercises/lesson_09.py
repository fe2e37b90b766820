"""Lesson 09 exercises: CyclicLR modes and cycled momentum."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="09.1",
    task="Build a CyclicLR between 0.01 and 0.1, 5 steps up and 5 down, with the amplitude halved every cycle.",
    hint="CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=5, mode=...): which mode halves each cycle?",
    expected=lambda: formulas.cyclic_lr(np.arange(100), base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2"),
    kind="schedule", steps=100, lr=0.1, optimizer="sgd_momentum", rtol=1e-9)

EXERCISE_2 = Exercise(
    id="09.2",
    task="Build a CyclicLR between 0.001 and 0.01, 20 steps up and 5 down, whose amplitude shrinks by 1% every step.",
    hint="mode='exp_range' multiplies the amplitude by gamma once per step.",
    expected=lambda: formulas.cyclic_lr(np.arange(100), base_lr=0.001, max_lr=0.01, step_size_up=20,
                                        step_size_down=5, mode="exp_range", gamma=0.99),
    kind="schedule", steps=100, lr=0.1, optimizer="sgd_momentum", rtol=1e-9)

EXERCISE_3 = Exercise(
    id="09.3",
    task="With the blog's CyclicLR(base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20) and Adam, "
         "give beta1 at step 25.",
    hint="beta1 runs the LR's triangles upside down between base_momentum=0.8 and max_momentum=0.9; "
         "lc.simulate(..., optimizer='adam').momentum[25] or lc.formulas.cyclic_momentum.",
    expected=lambda: formulas.cyclic_momentum(25, step_size_up=10, step_size_down=20),
    kind="value", rtol=1e-9)

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
