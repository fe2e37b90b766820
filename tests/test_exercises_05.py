"""Lesson 05 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import numpy as np
import pytest
from torch.optim.lr_scheduler import CosineAnnealingLR

import lrcourse as lc

SOLUTIONS = {
    "05.1": lambda opt: CosineAnnealingLR(opt, T_max=100, eta_min=1e-4),
    "05.2": lambda opt: CosineAnnealingLR(opt, T_max=200),
    "05.3": [40, 80],
}

# (wrong answer, what the checker's message must name)
MISTAKES = {
    "05.1": (lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=1e-4), "at step 1 "),  # the blog's T_max
    "05.2": (lambda opt: CosineAnnealingLR(opt, T_max=8), "at step 1 "),  # T_max in epochs, stepped per batch
    "05.3": ([20, 40, 60, 80], "expected shape"),  # multiples of T_max, minima included
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


def test_05_3_off_by_one_epochs_are_caught_at_their_index():
    verdict = lc.check("05.3", [40, 81])
    assert not verdict and "at index 1" in verdict.message, verdict.message


def test_05_3_answer_matches_a_real_scheduler():
    tr = lc.simulate(lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=1e-5), steps=100, lr=0.1)
    back = np.flatnonzero(np.isclose(tr.lr[1:], 0.1, rtol=1e-9, atol=0)) + 1
    assert lc.check("05.3", back)
