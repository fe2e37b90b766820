"""Lesson 02 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import pytest
import torch
from torch.optim.lr_scheduler import OneCycleLR, StepLR

import lrcourse as lc


def blog_loop(factor, record_after_edit=False):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    lrs = []
    for epoch in range(100):
        if not record_after_edit:
            lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if epoch % 5 == 0:
            for group in optimizer.param_groups:
                group["lr"] *= factor
        if record_after_edit:
            lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


def lr_at_70_with_edit(make_scheduler):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    for step in range(70):
        if step == 40:
            optimizer.param_groups[0]["lr"] *= 0.5
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def edits_under_schedulers():
    return [lr_at_70_with_edit(lambda opt: StepLR(opt, step_size=30, gamma=0.1)),
            lr_at_70_with_edit(lambda opt: OneCycleLR(opt, max_lr=0.1, total_steps=100))]


SOLUTIONS = {
    "02.1": lambda: blog_loop(0.9),
    "02.2": lambda: lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100,
                                groups=[0.01, 0.1]).lrs[75].tolist(),
    "02.3": edits_under_schedulers,
}


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_solution_passes(exercise_id):
    verdict = lc.check(exercise_id, SOLUTIONS[exercise_id]())
    assert verdict, verdict


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_unattempted_gets_a_hint(exercise_id):
    verdict = lc.check(exercise_id, None)
    assert not verdict
    assert verdict.message.startswith("Not attempted yet") and "Hint:" in verdict.message


def test_02_1_recording_after_the_edit_fails_at_step_0():
    verdict = lc.check("02.1", blog_loop(0.9, record_after_edit=True))
    assert not verdict
    assert "at step 0 " in verdict.message, verdict.message


def test_02_1_the_code_factor_fails_at_step_1():
    verdict = lc.check("02.1", blog_loop(0.8))
    assert not verdict
    assert "at step 1 " in verdict.message, verdict.message


def test_02_2_same_lr_for_both_groups_fails_at_index_1():
    backbone = lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.01).lr[75]
    verdict = lc.check("02.2", [backbone, backbone])
    assert not verdict
    assert "at index 1 " in verdict.message, verdict.message


def test_02_3_assuming_onecycle_keeps_the_edit_fails_at_index_1():
    step, one_cycle = edits_under_schedulers()
    verdict = lc.check("02.3", [step, one_cycle * 0.5])
    assert not verdict
    assert "at index 1 " in verdict.message, verdict.message


def test_02_3_assuming_steplr_forgets_the_edit_fails_at_index_0():
    step, one_cycle = edits_under_schedulers()
    verdict = lc.check("02.3", [step * 2, one_cycle])
    assert not verdict
    assert "at index 0 " in verdict.message, verdict.message
