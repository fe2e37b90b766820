"""Lesson 12's exercise checkers: the worked solutions pass, no answer gets a hint, plausible mistakes say where."""
import pytest
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

import lrcourse as lc


def warmup_cosine(warmup, t_max):
    return lambda opt: SequentialLR(
        opt, [LinearLR(opt, start_factor=0.1, total_iters=warmup), CosineAnnealingLR(opt, T_max=t_max)],
        milestones=[warmup],
    )


SOLUTIONS = {
    "12.1": lambda opt: CosineAnnealingLR(opt, T_max=12 * 23, eta_min=0.001),
    "12.2": warmup_cosine(30, 270),
    "12.3": 5 * 23,
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


def test_12_1_t_max_in_epochs_names_step_1():
    verdict = lc.check("12.1", lambda opt: CosineAnnealingLR(opt, T_max=12, eta_min=0.001))
    assert not verdict
    assert "at step 1 " in verdict.message


def test_12_2_cosine_over_the_whole_budget_names_the_first_cosine_step():
    verdict = lc.check("12.2", warmup_cosine(30, 300))  # forgets that the warm-up used 30 of the 300 steps
    assert not verdict
    assert "at step 31 " in verdict.message


def test_12_2_warm_up_in_epochs_names_step_1():
    verdict = lc.check("12.2", warmup_cosine(1, 9))  # counts epochs while stepping per batch
    assert not verdict
    assert "at step 1 " in verdict.message


def test_12_3_epochs_instead_of_steps_is_off():
    verdict = lc.check("12.3", 5)
    assert not verdict
    assert "(5) is off" in verdict.message and "Hint:" in verdict.message
