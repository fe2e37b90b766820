"""Lesson 15 exercises: Hugging Face's linear warm-up predicted, a timm loop fixed, a schedule for an open budget."""
import functools

import numpy as np

from .. import formulas
from .core import Exercise, only_option


def _hf_linear_lr(t, base_lr, warmup_steps, total_steps):
    """Hugging Face's "linear": warm-up from 0 over ``warmup_steps``, then linear to 0 at ``total_steps``."""
    decay = functools.partial(formulas.linear_lr, base_lr=base_lr, start_factor=1.0, end_factor=0.0,
                              total_iters=total_steps - warmup_steps)
    return formulas.with_warmup(t, decay, base_lr, warmup_steps)


# 15.3's situation: a budget of 20,000 or 40,000 steps, unknown when the run starts; every option warms up
# over 1,000 steps; WSD cools down over the last 10% of the budget; a stable-phase checkpoint at step 17,000.
BUDGETS, WARMUP, COOLDOWN_SHARE, CHECKPOINT = (20_000, 40_000), 1_000, 0.1, 17_000
ANNEALED = 0.01  # "finished": the LR of the last step is at most 1% of the peak


def _wsd_for(budget, t):
    """The WSD schedule of one budget, as a fraction of the peak: the stable run, branched into its cool-down."""
    cooldown = round(COOLDOWN_SHARE * budget)
    return formulas.wsd_lr(t, 1.0, WARMUP, budget - WARMUP - cooldown, cooldown, decay_shape="1-sqrt")


def _last_lr(option, budget):
    """The LR (a fraction of the peak) of option ``option`` at the last step of ``budget``, set up before it is known.

    Only WSD can be shaped by the budget afterwards: its stable phase is the same for every budget,
    and each budget's cool-down branches off it.  The others are fixed when the run starts.
    """
    last = budget - 1
    longest = max(BUDGETS)
    if option == 1:
        return formulas.warmup_cosine_lr(last, 1.0, WARMUP, longest)
    if option == 2:
        return _wsd_for(budget, last)
    if option == 3:
        return formulas.inverse_sqrt_lr(last, 1.0, WARMUP)
    return formulas.one_cycle_lr(last, 1.0, longest, pct_start=WARMUP / longest)


def _open_budget_choice():
    """The one option whose LR is annealed at the end of every budget, and the steps the 20,000-step model costs."""
    option = only_option((option for option in (1, 2, 3, 4) if all(_last_lr(option, b) <= ANNEALED for b in BUDGETS)),
                         "15.3")
    budget = min(BUDGETS)
    still_stable = _wsd_for(budget, np.arange(CHECKPOINT, budget))  # the steps still to train from the checkpoint
    if still_stable[0] != 1.0:
        raise ValueError("exercise 15.3's checkpoint must lie in the stable phase of the 20,000-step schedule")
    return np.array([option, still_stable.size])


EXERCISES = (
    Exercise(
        id="15.1",
        task="Predict, then run: get_scheduler('linear', optimizer, num_warmup_steps=4, num_training_steps=20) "
             "drives SGD with lr=0.1, stepped after every optimizer step. Before running anything, write down the "
             "LR in force at steps 0, 4 and 12, as prediction = [lr_0, lr_4, lr_12].",
        hint="re-read the section \"A warm-up from 0 wastes the first step\": which factor does Hugging Face's warm-up "
             "use at step 0? After the warm-up, the LR falls in a straight line to 0 at num_training_steps: over how "
             "many steps? lc.simulate records the LR in force at each step of a get_scheduler schedule.",
        expected=lambda: _hf_linear_lr(np.array([0, 4, 12]), 0.1, 4, 20),
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="15.2",
        task="Fix the lesson's broken timm loop (6 epochs of 10 batches, step_update after every optimizer step) so "
             "that it warms up from 0 to lr=0.1 over the first 10 optimizer steps, then follows a cosine to 0 over "
             "the other 50. Answer with the array of the 60 LRs it records.",
        hint="re-read the section \"timm counts epochs unless told otherwise\": which argument of CosineLRScheduler "
             "decides whether step() or step_update() moves the LR? The warm-up and the cosine are counted in "
             "optimizer steps here.",
        expected=lambda: formulas.warmup_cosine_lr(np.arange(60), 0.1, 10, 60),
        kind="schedule", steps=60, lr=0.1, rtol=1e-9, skill="debug"),
    Exercise(
        id="15.3",
        task="Choose the schedule: a pre-training run stops after 20,000 or 40,000 optimizer steps, not known when it "
             "starts, and must end finished (last LR at most 1% of the peak) at either budget without re-running a "
             "step; every option warms up over 1,000 steps: 1 warm-up + cosine to 0 over 40,000 steps, 2 WSD with a "
             "1-sqrt cool-down over the last 10% of the budget, 3 inverse square root, 4 one-cycle over 40,000 "
             "steps. Then give the optimizer steps the finished 20,000-step model costs from a stable-phase "
             "checkpoint at step 17,000. Answer [choice, extra_steps].",
        hint="which of the four has a phase whose length does not depend on the budget? For the 20,000-step "
             "model, find the step where its last phase starts, and count what is still to train from the "
             "checkpoint up to the budget's end.",
        expected=_open_budget_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "a cosine set for 40,000 steps is still near half its peak at step 20,000, and one set for 20,000 "
               "steps cannot go on to 40,000 without a new run.",
            3: "the inverse square root never anneals: at step 20,000 its LR is still about a fifth of the peak.",
            4: "one-cycle set for 40,000 steps is still high at step 20,000, and its length is fixed when the run "
               "starts.",
        }),
)
