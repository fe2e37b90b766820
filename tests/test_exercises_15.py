"""Lesson 15 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The reference answers are counted in plain loops or stepped in torch here, independently of the
checker's closed forms; the tests below step Hugging Face and timm themselves, where installed,
and find the same numbers.
"""
import math
import re

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, SequentialLR


def hugging_face_linear(step, warmup=4, total=20, lr=0.1):
    """Hugging Face's "linear", counted: step / warmup during the warm-up, then (total - step) / (total - warmup)."""
    if step < warmup:
        return lr * step / warmup
    return lr * max(0.0, (total - step) / (total - warmup))


def warmup_cosine_in_torch(steps=60, warmup=10, lr=0.1):
    """The fixed loop of 15.2 rebuilt from torch parts: a warm-up from 0 over 10 steps, then a cosine over 50."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = SequentialLR(optimizer, [LambdaLR(optimizer, lambda t: t / warmup),
                                         CosineAnnealingLR(optimizer, T_max=steps - warmup)], milestones=[warmup])
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def wsd_extra_steps(budget=20_000, checkpoint=18_000, cooldown_share=0.1):
    """From a stable-phase checkpoint: the stable steps still to go, then the budget's cool-down."""
    cooldown = round(budget * cooldown_share)
    return (budget - cooldown - checkpoint) + cooldown


def staircase(epochs=6, batches=10, lr=0.1):
    """15.2 stepped per epoch with t_in_epochs=True: warm-up and cosine counted in epochs, one LR per epoch."""
    return np.repeat([lr * epoch / 10 for epoch in range(epochs)], batches)


SOLUTIONS = {
    "15.1": [hugging_face_linear(0), hugging_face_linear(4), hugging_face_linear(12)],
    "15.2": warmup_cosine_in_torch(),
    "15.3": [2, wsd_extra_steps()],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("15.1", [0.025, 0.1, 0.05], "at index 0"),  # torch's LinearLR habit: the warm-up starts at lr / W
    ("15.1", [0.0, 0.1, 0.04], "at index 2"),  # the decay over all 20 steps instead of the 16 after the warm-up
    ("15.2", np.zeros(60), "at step 1 "),  # the broken loop: step_update ignored, LR stuck at warmup_lr_init = 0
    ("15.2", staircase(), "at step 1 "),  # step(epoch) per epoch: a staircase counted in epochs
    ("15.3", [1, 20_000], "at index 0"),  # a cosine over the budget: every budget is a new run
    ("15.3", [2, 20_000], "at index 1"),  # re-running from scratch instead of branching from the checkpoint
]


def test_hugging_face_gives_the_15_1_answer():
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = transformers.get_scheduler("linear", optimizer, num_warmup_steps=4, num_training_steps=20)
    lrs = []
    for _ in range(13):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
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
            assert not re.search(r"(?<![\d,])2,?000(?![\d,])", message) and "WSD" not in message.split("Hint:")[1]
        if exercise_id == "15.1":
            assert "0.05" not in message.split("is off")[1]
