"""Lesson 00 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import warnings

import pytest
import torch
from torch.optim.lr_scheduler import StepLR

import lrcourse as lc


def blog_loop(record):
    """The blog's loop with the typos fixed; ``record(optimizer, scheduler)`` runs after each step."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    out = []
    for _ in range(100):
        optimizer.step()
        scheduler.step()
        out.append(record(optimizer, scheduler))
    return out


def recorded_before_the_step():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    lrs = []
    for _ in range(100):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs


def get_lr_vs_in_force():
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for _ in range(60):
        optimizer.step()
        scheduler.step()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        reported = scheduler.get_lr()[0]
    return [reported, optimizer.param_groups[0]["lr"]]


SOLUTIONS = {
    "00.1": recorded_before_the_step,
    "00.2": lambda: (lambda opt: StepLR(opt, step_size=300, gamma=0.1)),
    "00.3": get_lr_vs_in_force,
}


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_solution_passes(exercise_id):
    verdict = lc.check(exercise_id, SOLUTIONS[exercise_id]())
    assert verdict, verdict


def test_00_1_accepts_a_scheduler_factory_too():
    assert lc.check("00.1", lambda opt: StepLR(opt, step_size=30, gamma=0.1))


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_unattempted_gets_a_hint(exercise_id):
    verdict = lc.check(exercise_id, None)
    assert not verdict
    assert verdict.message.startswith("Not attempted yet") and "Hint:" in verdict.message


def test_00_1_recording_after_the_step_fails_at_step_29():
    after_step = blog_loop(lambda optimizer, scheduler: scheduler.get_last_lr()[0])
    verdict = lc.check("00.1", after_step)
    assert not verdict
    assert "at step 29 " in verdict.message, verdict.message


def test_00_2_step_size_in_epochs_fails_at_step_30():
    verdict = lc.check("00.2", lambda opt: StepLR(opt, step_size=30, gamma=0.1))
    assert not verdict
    assert "at step 30 " in verdict.message, verdict.message


def test_00_3_taking_get_lr_at_its_word_fails():
    reported, _ = get_lr_vs_in_force()
    verdict = lc.check("00.3", [reported, reported])
    assert not verdict
    assert "at index 1 " in verdict.message, verdict.message
