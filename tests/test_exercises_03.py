"""Lesson 03 exercises: the worked solutions pass, no answer gets a hint, a plausible mistake is caught."""
import pytest
from torch.optim.lr_scheduler import MultiStepLR, StepLR

import lrcourse as lc

SOLUTIONS = {
    "03.1": lambda opt: StepLR(opt, step_size=10, gamma=0.5),
    "03.2": lambda opt: MultiStepLR(opt, milestones=[30, 60, 80], gamma=0.1),
    "03.3": lambda opt: StepLR(opt, step_size=100, gamma=0.5),
}

# (wrong answer, the step the checker must name)
MISTAKES = {
    "03.1": (lambda opt: StepLR(opt, step_size=10, gamma=0.1), 10),  # divides by 10 instead of halving
    "03.2": (lambda opt: MultiStepLR(opt, milestones=[30, 60, 80], gamma=0.5), 30),  # the blog's gamma
    "03.3": (lambda opt: StepLR(opt, step_size=2, gamma=0.5), 2),  # step_size in epochs, stepped per batch
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
