"""Lesson 15 exercises: Hugging Face's linear warm-up predicted, a timm loop fixed, a schedule for an open budget."""
import functools

import numpy as np

from .. import formulas
from .core import Exercise


def _hf_linear_lr(t, base_lr, warmup_steps, total_steps):
    """Hugging Face's "linear": warm-up from 0 over ``warmup_steps``, then linear to 0 at ``total_steps``."""
    decay = functools.partial(formulas.linear_lr, base_lr=base_lr, start_factor=1.0, end_factor=0.0,
                              total_iters=total_steps - warmup_steps)
    return formulas.with_warmup(t, decay, base_lr, warmup_steps)


def _wsd_choice():
    """WSD (option 2): from a stable-phase checkpoint at step 18,000, the 20,000-step model cools down for 10%."""
    budget, checkpoint = 20_000, 18_000
    cooldown_start = budget - budget // 10
    return np.array([2, cooldown_start - checkpoint + budget // 10])


EXERCISES = (
    Exercise(
        id="15.1",
        task="Predict, then run: get_scheduler('linear', optimizer, num_warmup_steps=4, num_training_steps=20) from "
             "lr=0.1. Give the LR in force at steps 0, 4 and 12, as [lr_0, lr_4, lr_12].",
        hint="where does Hugging Face's warm-up start, and when does the decay reach 0? Run the schedule to check.",
        expected=lambda: _hf_linear_lr(np.array([0, 4, 12]), 0.1, 4, 20),
        kind="value", rtol=1e-9),
    Exercise(
        id="15.2",
        task="Fix the timm loop of the lesson so that its 60 steps warm up over 10 optimizer steps from 0 to lr=0.1, "
             "then follow a cosine to 0 over the other 50. Answer with the array of the 60 LRs it records.",
        hint="a timm scheduler counts epochs or updates, as t_in_epochs says, and only one of step() and "
             "step_update() moves it.",
        expected=lambda: formulas.warmup_cosine_lr(np.arange(60), 0.1, 10, 60),
        kind="schedule", steps=60, lr=0.1, rtol=1e-9),
    Exercise(
        id="15.3",
        task="Choose the schedule for a run whose length (20,000 or 40,000 steps) is not known in advance, so that any "
             "of the budgets ends annealed without a re-run: 1 warm-up + cosine, 2 WSD with a 10% cool-down, 3 inverse "
             "square root, 4 one-cycle. Then give the extra optimizer steps the 20,000-step model costs from a "
             "stable-phase checkpoint at step 18,000. Answer [choice, extra_steps].",
        hint="which schedule has a phase whose length does not depend on the budget, and where does its last phase "
             "start for 20,000 steps?",
        expected=_wsd_choice,
        kind="value", rtol=0.0),
)
