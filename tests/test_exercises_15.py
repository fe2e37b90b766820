"""Lesson 15 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The reference answers are counted in plain loops or stepped in torch here, independently of the
checker's closed forms; the tests below step Hugging Face and timm themselves, where installed,
and find the same numbers.
"""
import math

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingLR, LambdaLR, OneCycleLR, SequentialLR

from reference_loops import record_lrs


def hugging_face_linear(step, warmup=4, total=20, lr=0.1):
    """Hugging Face's "linear", counted: step / warmup during the warm-up, then (total - step) / (total - warmup)."""
    if step < warmup:
        return lr * step / warmup
    return lr * max(0.0, (total - step) / (total - warmup))


def warmup_cosine_in_torch(steps=60, warmup=10, lr=0.1):
    """The fixed loop of 15.2 rebuilt from torch parts: a warm-up from 0 over 10 steps, then a cosine over 50."""
    def make(opt):
        return SequentialLR(opt, [LambdaLR(opt, lambda t: t / warmup), CosineAnnealingLR(opt, T_max=steps - warmup)],
                            milestones=[warmup])

    return record_lrs(make, steps, lr=lr)


# 15.3, scaled down 10 times to keep the test quick (every length is scaled alike, and a 200-step cool-down
# still ends below 1% of the peak): budgets 2,000 and 4,000 steps, a warm-up of 100, WSD's cool-down the
# last 10%, the checkpoint at step 1,700.
SCALE, BUDGETS, WARMUP, CHECKPOINT = 10, (2_000, 4_000), 100, 1_700


def warm(t):
    """A linear warm-up from 0 over WARMUP steps, as a LambdaLR factor."""
    return min(1.0, t / WARMUP)


def wsd(budget):
    """WSD for one budget from torch parts: warm up, hold, then a 1-sqrt cool-down over the budget's last 10%."""
    cooldown = budget // 10
    return lambda opt: SequentialLR(opt, [LambdaLR(opt, warm), ConstantLR(opt, factor=1.0, total_iters=budget),
                                          LambdaLR(opt, lambda t: 1 - math.sqrt(min(t, cooldown) / cooldown))],
                                    milestones=[WARMUP, budget - cooldown])


OPTIONS = {  # option -> budget -> scheduler factory, all set up before the budget is known, except WSD's cool-down
    1: lambda budget: lambda opt: SequentialLR(opt, [LambdaLR(opt, warm),
                                                     CosineAnnealingLR(opt, T_max=max(BUDGETS) - WARMUP)],
                                               milestones=[WARMUP]),
    2: wsd,
    3: lambda budget: lambda opt: LambdaLR(opt, lambda t: min((t + 1) / WARMUP, math.sqrt(WARMUP / (t + 1)))),
    4: lambda budget: lambda opt: OneCycleLR(opt, max_lr=1.0, total_steps=max(BUDGETS),
                                             pct_start=WARMUP / max(BUDGETS)),
}


def open_budget_answer():
    """The option whose last LR is at most 1% of the peak at both budgets, stepped in torch; then the steps counted."""
    fits = [option for option, make in OPTIONS.items()
            if all(record_lrs(make(budget), budget, lr=1.0)[-1] <= 0.01 for budget in BUDGETS)]
    assert len(fits) == 1, fits
    first_budget = record_lrs(wsd(min(BUDGETS)), min(BUDGETS), lr=1.0)
    assert first_budget[CHECKPOINT] == 1.0  # the checkpoint lies in the stable phase: a cool-down can branch later
    extra = 0
    for _ in range(CHECKPOINT * SCALE, min(BUDGETS) * SCALE):  # every step from the checkpoint to the budget's end
        extra += 1
    return [fits[0], extra]


def staircase(epochs=6, batches=10, lr=0.1):
    """15.2 stepped per epoch with t_in_epochs=True: warm-up and cosine counted in epochs, one LR per epoch."""
    return np.repeat([lr * epoch / 10 for epoch in range(epochs)], batches)


SOLUTIONS = {
    "15.1": [hugging_face_linear(0), hugging_face_linear(4), hugging_face_linear(12)],
    "15.2": warmup_cosine_in_torch(),
    "15.3": open_budget_answer(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("15.1", [0.025, 0.1, 0.05], "at index 0 (0.025) is too high"),  # torch's habit: the warm-up starts at lr / W
    ("15.1", [0.0, 0.1, 0.04], "at index 2 (0.04) is too low"),  # the decay over all 20 steps, not the 16 after
    ("15.2", np.zeros(60), "at step 1 "),  # the broken loop: step_update ignored, LR stuck at warmup_lr_init = 0
    ("15.2", staircase(), "at step 1 "),  # step(epoch) per epoch: a staircase counted in epochs
    ("15.3", [1, 3_000], "still near half its peak at step 20,000"),  # a cosine for the longest budget
    ("15.3", [3, 3_000], "never anneals"),  # the inverse square root has no end
    ("15.3", [4, 3_000], "still high at step 20,000"),  # one-cycle for the longest budget
    ("15.3", [2, 2_000], "at index 1 (2000) is too low"),  # a cool-down started at the checkpoint itself
    ("15.3", [2, 20_000], "at index 1 (20000) is too high"),  # a new run from scratch
]


def test_the_15_3_answer_is_wsd_branched_three_thousand_steps_from_the_checkpoint():
    assert SOLUTIONS["15.3"] == [2, 3_000]


def test_hugging_face_gives_the_15_1_answer():
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    lrs = record_lrs(lambda opt: transformers.get_scheduler("linear", opt, num_warmup_steps=4, num_training_steps=20),
                     13, lr=0.1)
    np.testing.assert_allclose([lrs[0], lrs[4], lrs[12]], SOLUTIONS["15.1"], rtol=1e-12)


def timm_loop(t_in_epochs, per):
    """The loop of exercise 15.2, as the lesson gives it (per="update", t_in_epochs=True) and as fixed."""
    scheduler_module = pytest.importorskip("timm.scheduler", reason="timm is not installed")
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = scheduler_module.CosineLRScheduler(optimizer, t_initial=50, warmup_t=10, warmup_prefix=True,
                                                   t_in_epochs=t_in_epochs)
    lrs, updates = [], 0
    for epoch in range(6):
        for _ in range(10):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            updates += 1
            if per == "update":
                scheduler.step_update(num_updates=updates)
        if per == "epoch":
            scheduler.step(epoch + 1)
    return np.array(lrs)


def test_the_fixed_timm_loop_gives_the_15_2_answer_and_the_broken_ones_the_mistakes():
    import lrcourse as lc

    np.testing.assert_allclose(timm_loop(t_in_epochs=False, per="update"), SOLUTIONS["15.2"], rtol=1e-12, atol=1e-15)
    broken = timm_loop(t_in_epochs=True, per="update")
    np.testing.assert_array_equal(broken, MISTAKES[2][1])
    assert not lc.check("15.2", broken)
    per_epoch = timm_loop(t_in_epochs=True, per="epoch")  # the same numbers, read as epochs
    np.testing.assert_allclose(per_epoch, MISTAKES[3][1], rtol=1e-12)
    assert not lc.check("15.2", per_epoch)


def test_the_15_2_answer_is_a_warm_up_then_a_cosine():
    lrs = SOLUTIONS["15.2"]
    assert lrs[0] == 0.0 and lrs[10] == pytest.approx(0.1)
    assert lrs[35] == pytest.approx(0.1 * (1 + math.cos(math.pi * 25 / 50)) / 2)


def test_the_checker_messages_do_not_give_the_answers_away():
    import lrcourse as lc

    for exercise_id, wrong, _ in MISTAKES:
        message = lc.check(exercise_id, wrong).message
        if exercise_id == "15.3":
            assert "3000" not in message and "3,000" not in message and "WSD" not in message, message
            assert "option 2" not in message, message
        if exercise_id == "15.1":
            assert "0.05" not in message, message
