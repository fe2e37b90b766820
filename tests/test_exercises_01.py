"""Lesson 01 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import pytest
from torch.optim.lr_scheduler import LambdaLR, MultiplicativeLR

import lrcourse as lc

SOLUTIONS = {
    "01.1": lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 0.1 ** (epoch // 30)),
    "01.2": lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 if epoch % 10 == 0 else 1.0),
    "01.3": lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95 ** (t - 4)),
}

# (wrong answer, the step the checker must name)
MISTAKES = {
    "01.1": (lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: epoch // 30), 0),  # the blog's lambda1: LR 0
    "01.2": (lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 ** (epoch // 10)), 11),  # compounds
    "01.3": (lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95**t), 5),  # drops at t=5
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
def test_mistake_fails_naming_the_step(exercise_id):
    wrong, step = MISTAKES[exercise_id]
    verdict = lc.check(exercise_id, wrong)
    assert not verdict
    assert f"at step {step} " in verdict.message, verdict.message
