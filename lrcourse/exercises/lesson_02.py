"""Lesson 02 exercises: the blog's manual decay recorded correctly, per-group LRs, manual edits under a scheduler."""
import numpy as np

from .. import formulas
from .core import Exercise

EXERCISE_1 = Exercise(
    id="02.1",
    task="Run the blog's loop with its comment's factor 0.9 (lr=0.1, 100 epochs: after optimizer.step() of "
         "epochs 0, 5, 10, ... multiply every group's LR by 0.9) and record the LR in force at each epoch.",
    hint="Append optimizer.param_groups[0]['lr'] at the top of the loop, before optimizer.step() and before "
         "the edit: epoch 0 trains at 0.1, epochs 1-5 at 0.09.",
    # multiplied after epochs 0, 5, 10, ...: 0.9 ** ceil(t / 5), StepLR's form shifted by 4 steps
    expected=lambda: formulas.step_lr(np.arange(100) + 4, 0.1, step_size=5, gamma=0.9),
    kind="schedule", steps=100, lr=0.1)

EXERCISE_2 = Exercise(
    id="02.2",
    task="Backbone at lr=0.01, head at lr=0.1, one StepLR(step_size=30, gamma=0.1) stepped per epoch: "
         "give [backbone LR, head LR] in force at epoch 75.",
    hint="StepLR multiplies each group's own LR, so each group decays from its own start: "
         "lc.simulate(..., groups=[0.01, 0.1]).lrs[75] holds both.",
    expected=lambda: [formulas.step_lr(75, 0.01, step_size=30, gamma=0.1),
                      formulas.step_lr(75, 0.1, step_size=30, gamma=0.1)],
    kind="value")

EXERCISE_3 = Exercise(
    id="02.3",
    task="From lr=0.1, the LR is halved by hand just before step 40. Give [LR at step 70 under "
         "StepLR(step_size=30, gamma=0.1), LR at step 70 under OneCycleLR(max_lr=0.1, total_steps=100)].",
    hint="StepLR multiplies the current LR, so the halving stays; OneCycleLR recomputes the LR from max_lr "
         "and the step count, so the halving is gone one step later.",
    expected=lambda: [formulas.step_lr(70, 0.1, step_size=30, gamma=0.1) * 0.5,
                      formulas.one_cycle_lr(70, max_lr=0.1, total_steps=100)],
    kind="value")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
