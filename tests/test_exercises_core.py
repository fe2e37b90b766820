"""The exercise checker itself, on throw-away exercises in a mapping of the test's own."""
import types

import numpy as np
import pytest
from torch.optim.lr_scheduler import ExponentialLR, StepLR

import lrcourse as lc
from lrcourse.exercises import EXERCISES, Exercise, collect, core


@pytest.fixture
def exercises():
    """Two exercises, checked against this mapping only: the course's own exercises are not touched."""
    schedule = Exercise(
        id="99.1", task="Halve the LR every 10 steps.", hint="StepLR takes step_size and gamma.",
        expected=lambda: lc.simulate(lambda o: StepLR(o, step_size=10, gamma=0.5), 40).lr, steps=40,
    )
    value = Exercise(id="99.2", task="Give 2 ** 0.5.", hint="Use a power.", expected=lambda: 2**0.5, kind="value")
    choice = Exercise(
        id="99.3", task="Which option halves 0.1 after 10 steps, and what is the LR then? 1, 2 or 3.",
        hint="Simulate each.", kind="value", skill="choose",
        expected=lambda: [2, lc.simulate(lambda o: StepLR(o, step_size=10, gamma=0.5), 11).lr[10]],
        why_not={1: "it never changes the LR.", 3: "it halves every 5 steps."},
    )
    return {exercise.id: exercise for exercise in (schedule, value, choice)}


@pytest.fixture
def check(exercises):
    """``lc.check`` as it would be if the course held only the fixture's exercises."""
    return lambda exercise_id, answer: core.check(exercise_id, answer, exercises)


def test_unattempted_gives_the_task_and_hides_the_hint_and_raises_nothing(check):
    verdict = check("99.1", None)
    assert not verdict
    assert repr(verdict) == 'Not attempted yet. Halve the LR every 10 steps. For a hint, run lc.hint("99.1").'
    assert not check("99.1", ...)


def test_the_hint_is_shown_when_asked_for(exercises):
    shown = core.hint("99.1", exercises)
    assert repr(shown) == str(shown) == "Hint 99.1: StepLR takes step_size and gamma."
    with pytest.raises(ValueError, match=r"exercise_id must be one of the course's exercises \(99.1, 99.2, 99.3\)"):
        core.hint("03", exercises)


def test_a_right_answer_passes_in_any_form(check):
    make = lambda o: StepLR(o, step_size=10, gamma=0.5)  # noqa: E731 - learners answer with lambdas; check takes them
    assert check("99.1", make)
    assert check("99.1", lc.simulate(make, 40))
    assert check("99.1", list(lc.simulate(make, 40).lr))
    assert str(check("99.1", make)) == "Correct: all 40 steps match."


def test_a_wrong_answer_says_at_which_step_and_which_way_but_not_the_answer(check):
    verdict = check("99.1", lambda o: StepLR(o, step_size=5, gamma=0.5))
    assert not verdict
    assert str(verdict) == ('Not yet: at step 5 your LR is 0.05, too low; 35 of 40 steps differ. '
                            'For a hint, run lc.hint("99.1").')
    assert "0.1" not in str(verdict) and "StepLR takes" not in str(verdict)  # neither the expected LR nor the hint
    assert "too high" in str(check("99.1", lambda o: StepLR(o, step_size=20, gamma=0.5)))


def test_wrong_length_and_broken_answers(check):
    assert "your schedule has 3 steps, the exercise asks for 40" in str(check("99.1", [0.1, 0.1, 0.1]))
    broken = check("99.1", lambda o: ExponentialLR(o))  # gamma missing
    assert not broken and "your answer raised TypeError" in str(broken)


def test_a_broken_reference_answer_is_the_course_error_and_never_blamed_on_the_learner():
    def reference_with_a_bug():
        raise ZeroDivisionError("division by zero")

    broken = {"99.9": Exercise("99.9", "Give 1.", "One.", reference_with_a_bug, kind="value")}
    for answer in (1.0, "not a number", lambda o: ExponentialLR(o)):  # right, wrong, and raising answers alike
        with pytest.raises(core.ReferenceAnswerError, match=r"reference answer of exercise 99.9 raised "
                                                            r"ZeroDivisionError: division by zero\. This is an error "
                                                            r"in the course, not in your answer") as raised:
            core.check("99.9", answer, broken)
        assert isinstance(raised.value.__cause__, ZeroDivisionError)
    assert not core.check("99.9", None, broken)  # unattempted: the task is shown, the reference is not computed


def test_an_answer_that_raises_is_still_feedback_beside_a_sound_reference(check):
    verdict = check("99.2", lambda: 1 / 0)  # np.asarray of a function: a TypeError from the learner's side
    assert not verdict and str(verdict).startswith("Not yet")
    schedule = check("99.1", lambda o: 1 / 0)
    assert not schedule and "your answer raised ZeroDivisionError" in str(schedule)


def test_value_exercises(check):
    assert check("99.2", np.sqrt(2))
    assert str(check("99.2", 1.4)) == 'Not yet: your value (1.4) is too low. For a hint, run lc.hint("99.2").'
    assert "is too high" in str(check("99.2", 1.5))
    assert "is not a number" in str(check("99.2", float("nan")))
    assert "expected a number" in str(check("99.2", "one"))


def test_choose_exercises_say_what_goes_wrong_with_the_option_chosen(check):
    assert check("99.3", [2, 0.05])
    assert str(check("99.3", [1, 0.1])) == "Not yet: option 1: it never changes the LR."
    assert str(check("99.3", 3)) == "Not yet: expected shape (2,), got ()."
    assert str(check("99.3", [4, 0.05])) == "Not yet: the options are 1, 2, 3; you chose 4."
    assert "at index 1 (0.1) is too high" in str(check("99.3", [2, 0.1]))  # the right option, a wrong number


def test_an_exercise_states_a_known_skill_and_a_choice_says_why_not():
    make = lambda **kw: Exercise(id="99.4", task="", hint="", expected=lambda: 0, kind="value", **kw)  # noqa: E731
    with pytest.raises(ValueError, match="skill must be one of"):
        make(skill="guess")
    with pytest.raises(ValueError, match="why_not must be given for skill='choose'"):
        make(skill="choose")
    with pytest.raises(ValueError, match="why_not must be given for skill='choose' and only then"):
        make(skill="predict", why_not={1: "no"})


def test_bad_ids_and_exercises(check):
    with pytest.raises(ValueError, match=r"must be one of the course's exercises \(99.1, 99.2, 99.3\), got 'nope'"):
        check("nope", 1)
    with pytest.raises(ValueError, match="kind must be one of"):
        Exercise(id="99.4", task="", hint="", expected=lambda: 0, kind="essay")


def test_collect_gathers_each_lessons_exercises_and_rejects_an_id_used_twice(exercises):
    first, second, third = exercises.values()
    lessons = [types.SimpleNamespace(EXERCISES=(first,)), types.SimpleNamespace(EXERCISES=(second, third))]
    collected = collect(lessons)
    assert dict(collected) == exercises
    with pytest.raises(TypeError):
        collected["99.9"] = first  # read-only: nothing can add to the course's exercises behind its back
    with pytest.raises(ValueError, match="exercise id '99.1' is used twice"):
        collect([types.SimpleNamespace(EXERCISES=(first,)), types.SimpleNamespace(EXERCISES=(first,))])


def test_lc_check_judges_against_the_course_exercises():
    """lc.check is core.check over lrcourse.exercises.EXERCISES, which every lesson_NN module feeds."""
    exercise_id = sorted(EXERCISES)[0]
    assert repr(lc.check(exercise_id, None)) == repr(core.check(exercise_id, None, EXERCISES))
    assert lc.hint(exercise_id) == core.hint(exercise_id, EXERCISES)
    assert "99.1" not in EXERCISES
    with pytest.raises(ValueError, match="exercise_id must be one of the course's exercises"):
        lc.check("99.1", None)


def test_a_choice_is_computed_from_exactly_one_fitting_option():
    assert core.only_option(iter([3]), "99.3") == 3
    with pytest.raises(ValueError, match=r"exercise 99.3 must have exactly one option that fits .*, found \[\]"):
        core.only_option([], "99.3")
    with pytest.raises(ValueError, match=r"found \[1, 4\]"):
        core.only_option([1, 4], "99.3")
