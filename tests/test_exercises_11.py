"""Lesson 11's exercise checkers: the worked solutions pass, no answer gets a hint, plausible mistakes say where."""
import pytest
from torch.optim.lr_scheduler import ExponentialLR, OneCycleLR

import lrcourse as lc

GAMMA = (1.0 / 1e-6) ** (1 / 60)
SOLUTIONS = {
    "11.1": GAMMA,
    "11.2": lambda opt: ExponentialLR(opt, gamma=GAMMA),
    "11.3": lambda opt: OneCycleLR(opt, max_lr=0.24, epochs=8, steps_per_epoch=23),
}


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_solution_passes(exercise_id):
    verdict = lc.check(exercise_id, SOLUTIONS[exercise_id])
    assert verdict, verdict


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_unattempted_gets_a_hint(exercise_id):
    verdict = lc.check(exercise_id, None)
    assert not verdict
    assert verdict.message.startswith("Not attempted yet") and "Hint:" in verdict.message


def test_11_1_dividing_by_num_steps_is_off():
    wrong = (1.0 / 1e-6) ** (1 / 61)  # 61 LRs, but only 60 steps between them
    verdict = lc.check("11.1", wrong)
    assert not verdict
    assert f"({wrong:.6g}) is off" in verdict.message and "Hint:" in verdict.message


def test_11_2_off_by_one_gamma_names_step_1():
    verdict = lc.check("11.2", lambda opt: ExponentialLR(opt, gamma=(1.0 / 1e-6) ** (1 / 61)))
    assert not verdict
    assert "at step 1 " in verdict.message


def test_11_3_the_minimum_itself_names_step_0():
    verdict = lc.check("11.3", lambda opt: OneCycleLR(opt, max_lr=2.4, epochs=8, steps_per_epoch=23))
    assert not verdict
    assert "at step 0 " in verdict.message


def test_11_3_total_steps_in_epochs_is_explained():
    verdict = lc.check("11.3", lambda opt: OneCycleLR(opt, max_lr=0.24, total_steps=8))
    assert not verdict
    assert "total_steps" in verdict.message
