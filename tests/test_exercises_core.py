"""The exercise checker itself, on a throw-away exercise registered for the test."""
import numpy as np
import pytest
from torch.optim.lr_scheduler import ExponentialLR, StepLR

import lrcourse as lc
from lrcourse.exercises import REGISTRY, Exercise, register


@pytest.fixture
def exercise():
    ex = register(Exercise(
        id="99.1", task="Halve the LR every 10 steps.", hint="StepLR takes step_size and gamma.",
        expected=lambda: lc.simulate(lambda o: StepLR(o, step_size=10, gamma=0.5), 40).lr, steps=40,
    ))
    value = register(Exercise(id="99.2", task="Give 2 ** 0.5.", hint="Use a power.", expected=lambda: 2**0.5,
                              kind="value"))
    yield ex
    REGISTRY.pop(ex.id)
    REGISTRY.pop(value.id)


def test_unattempted_gives_the_task_and_a_hint_and_raises_nothing(exercise):
    verdict = lc.check("99.1", None)
    assert not verdict
    assert repr(verdict) == "Not attempted yet. Halve the LR every 10 steps. Hint: StepLR takes step_size and gamma."
    assert not lc.check("99.1", ...)


def test_a_right_answer_passes_in_any_form(exercise):
    make = lambda o: StepLR(o, step_size=10, gamma=0.5)  # noqa: E731
    assert lc.check("99.1", make)
    assert lc.check("99.1", lc.simulate(make, 40))
    assert lc.check("99.1", list(lc.simulate(make, 40).lr))
    assert str(lc.check("99.1", make)) == "Correct: all 40 steps match."


def test_a_wrong_answer_says_at_which_step(exercise):
    verdict = lc.check("99.1", lambda o: StepLR(o, step_size=5, gamma=0.5))
    assert not verdict
    assert str(verdict).startswith("Not yet: at step 5 your LR is 0.05, expected 0.1 (")
    assert "Hint: StepLR takes step_size and gamma." in str(verdict)


def test_wrong_length_and_broken_answers(exercise):
    assert "your schedule has 3 steps, the exercise asks for 40" in str(lc.check("99.1", [0.1, 0.1, 0.1]))
    broken = lc.check("99.1", lambda o: ExponentialLR(o))  # gamma missing
    assert not broken and "your answer raised TypeError" in str(broken)


def test_value_exercises(exercise):
    assert lc.check("99.2", np.sqrt(2))
    assert str(lc.check("99.2", 1.4)) == "Not yet: your value (1.4) is off. Hint: Use a power."
    assert "expected a number" in str(lc.check("99.2", "one"))


def test_bad_ids_and_registrations(exercise):
    with pytest.raises(ValueError, match="exercise_id must be one of the course's exercises"):
        lc.check("nope", 1)
    with pytest.raises(ValueError, match="registered twice"):
        register(Exercise(id="99.1", task="", hint="", expected=lambda: 0))
    with pytest.raises(ValueError, match="kind must be one of"):
        register(Exercise(id="99.3", task="", hint="", expected=lambda: 0, kind="essay"))
