"""Lesson 06 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import pytest
from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts

import lrcourse as lc

SOLUTIONS = {
    "06.1": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=25, T_mult=1),
    "06.2": [10, 30, 70, 150],
    "06.3": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=200, T_mult=2),
}

# (wrong answer, what the checker's message must name)
MISTAKES = {
    "06.1": (lambda opt: CosineAnnealingLR(opt, T_max=25), "at step 25 "),  # no restart: rises slowly instead
    "06.2": ([10, 20, 40, 80, 160], "expected shape"),  # cycle lengths taken for restart epochs
    "06.3": (lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), "at step 1 "),  # T_0 in epochs
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


@pytest.mark.parametrize("exercise_id", sorted(MISTAKES))
def test_mistake_fails_and_says_where(exercise_id):
    wrong, where = MISTAKES[exercise_id]
    verdict = lc.check(exercise_id, wrong)
    assert not verdict
    assert where in verdict.message, verdict.message


def test_06_2_a_misplaced_restart_is_caught_at_its_index():
    verdict = lc.check("06.2", [10, 30, 70, 140])
    assert not verdict and "at index 3" in verdict.message, verdict.message


def test_06_2_answer_matches_the_restarts_torch_makes():
    tr = lc.simulate(lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), steps=200)
    assert lc.check("06.2", tr.events["restart"])
