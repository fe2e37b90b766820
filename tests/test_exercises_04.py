"""Lesson 04 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import math

import pytest
from torch.optim.lr_scheduler import ExponentialLR, PolynomialLR

import lrcourse as lc

SOLUTIONS = {
    "04.1": lambda opt: ExponentialLR(opt, gamma=0.5 ** (1 / 20)),
    "04.2": math.ceil(math.log(0.01) / math.log(0.95)),
    "04.3": lambda opt: PolynomialLR(opt, total_iters=80, power=2.0),
}

# (wrong answer, what the checker's message must name)
MISTAKES = {
    "04.1": (lambda opt: ExponentialLR(opt, gamma=0.95), "at step 1 "),  # a guessed gamma
    "04.2": (math.floor(math.log(0.01) / math.log(0.95)), "is off"),  # rounded down: still above 1%
    "04.3": (lambda opt: PolynomialLR(opt, total_iters=80), "at step 1 "),  # power left at its default 1
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


def test_04_2_answer_is_the_first_epoch_at_one_percent():
    # The reference answer, read off a real scheduler rather than the closed form.
    tr = lc.simulate(lambda opt: ExponentialLR(opt, gamma=0.95), steps=200, lr=1.0)
    first = int((tr.lr <= 0.01).argmax())
    assert lc.check("04.2", first)
