"""What every exercise's checker promises, stated once for all lessons.

Each ``tests/test_exercises_NN.py`` holds lesson NN's data:

* ``SOLUTIONS = {exercise_id: answer}``, a worked answer for every exercise of the lesson;
* ``MISTAKES = [(exercise_id, wrong_answer, text_the_message_must_contain), ...]``, plausible mistakes.

Here: every exercise of the course has a solution (and every solution an exercise), each solution
passes, an unattempted exercise gets its task (and not its hint) and raises nothing, each mistake
fails with a message that says where without giving the hint, and every lesson trains predicting,
debugging and (from lesson 03) choosing a schedule.
"""
import importlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import lrcourse as lc
from lrcourse.exercises import EXERCISES

# pytest's default import mode puts tests/ on sys.path, so each lesson's file imports by its module name
# (the same module object pytest collects, also in every xdist worker).
LESSONS = {
    path.stem.removeprefix("test_exercises_"): importlib.import_module(path.stem)
    for path in sorted(Path(__file__).parent.glob("test_exercises_[0-9][0-9].py"))
}
SOLUTIONS = {exercise_id: answer for module in LESSONS.values() for exercise_id, answer in module.SOLUTIONS.items()}
MISTAKES = [mistake for module in LESSONS.values() for mistake in module.MISTAKES]


def registered_ids():
    """The ids of the course's exercises, from every lesson module lrcourse.exercises lists."""
    return sorted(EXERCISES)


def mistake_params():
    """One param per mistake, named by its exercise id ("02.1", then "02.1-2" for a second mistake)."""
    seen = Counter()
    params = []
    for exercise_id, wrong, where in MISTAKES:
        seen[exercise_id] += 1
        name = exercise_id if seen[exercise_id] == 1 else f"{exercise_id}-{seen[exercise_id]}"
        params.append(pytest.param(exercise_id, wrong, where, id=name))
    return params


def test_every_registered_exercise_has_a_solution_and_every_solution_an_exercise():
    solved = Counter(exercise_id for module in LESSONS.values() for exercise_id in module.SOLUTIONS)
    assert not [exercise_id for exercise_id, n in solved.items() if n > 1], "solved in two files"
    registered = set(registered_ids())
    assert not registered - set(solved), f"no solution for {sorted(registered - set(solved))}"
    assert not set(solved) - registered, f"not a registered exercise: {sorted(set(solved) - registered)}"


def test_every_lesson_module_is_listed_and_exports_only_its_own_exercises():
    """lrcourse.exercises collects the lessons it lists and no others: a lesson_NN.py left out fails here."""
    package = Path(lc.exercises.__file__).parent
    assert list(lc.exercises.LESSONS) == sorted(path.stem for path in package.glob("lesson_[0-9][0-9].py"))
    for name in lc.exercises.LESSONS:
        module = importlib.import_module(f"lrcourse.exercises.{name}")
        assert isinstance(module.EXERCISES, tuple) and module.EXERCISES, name
        assert all(isinstance(exercise, lc.exercises.Exercise) for exercise in module.EXERCISES), name
        assert all(exercise.id.startswith(name.removeprefix("lesson_") + ".") for exercise in module.EXERCISES), name


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_a_lesson_file_holds_only_its_own_lessons_exercises(lesson):
    module = LESSONS[lesson]
    assert all(exercise_id.startswith(f"{lesson}.") for exercise_id in module.SOLUTIONS), sorted(module.SOLUTIONS)
    assert {exercise_id for exercise_id, _, _ in module.MISTAKES} <= set(module.SOLUTIONS), module.MISTAKES


@pytest.mark.parametrize("exercise_id", sorted(SOLUTIONS))
def test_the_solution_passes(exercise_id):
    verdict = lc.check(exercise_id, SOLUTIONS[exercise_id])
    assert verdict, verdict


@pytest.mark.parametrize("answer", [None, ...], ids=["None", "Ellipsis"])
@pytest.mark.parametrize("exercise_id", registered_ids())
def test_unattempted_gets_its_task_not_its_hint_and_raises_nothing(exercise_id, answer):
    verdict = lc.check(exercise_id, answer)
    assert not verdict
    assert verdict.message.startswith(f"Not attempted yet. {EXERCISES[exercise_id].task}"), verdict.message
    assert verdict.message.endswith(f'For a hint, run lc.hint("{exercise_id}").'), verdict.message
    assert EXERCISES[exercise_id].hint not in verdict.message
    assert lc.hint(exercise_id) == f"Hint {exercise_id}: {EXERCISES[exercise_id].hint}"


@pytest.mark.parametrize("lesson", sorted(LESSONS))
def test_every_lesson_asks_to_predict_to_debug_and_to_choose(lesson):
    skills = {exercise.skill for exercise in EXERCISES.values() if exercise.id.startswith(f"{lesson}.")}
    assert {"predict", "debug"} <= skills, skills
    if lesson >= "03":
        assert "choose" in skills, skills


@pytest.mark.parametrize("exercise_id", sorted(i for i, e in EXERCISES.items() if e.skill == "choose"))
def test_a_choice_says_what_goes_wrong_with_every_wrong_option(exercise_id):
    """The right option is computed; every other option on offer has its own message, none of them the answer's."""
    exercise = EXERCISES[exercise_id]
    right = int(np.ravel(exercise.expected())[0])
    assert right not in exercise.why_not
    assert len(exercise.why_not) >= 2, "a choice offers at least three options"
    assert sorted({right, *exercise.why_not}) == list(range(1, len(exercise.why_not) + 2)), "options are 1, 2, ..."
    for option in exercise.why_not:
        wrong = [option, *np.ravel(exercise.expected())[1:]]
        assert str(lc.check(exercise_id, wrong)) == f"Not yet: option {option}: {exercise.why_not[option]}"


@pytest.mark.parametrize(("exercise_id", "wrong", "where"), mistake_params())
def test_a_mistake_fails_and_says_where(exercise_id, wrong, where):
    verdict = lc.check(exercise_id, wrong)
    assert not verdict, verdict
    assert where in verdict.message, verdict.message
    assert EXERCISES[exercise_id].hint not in verdict.message
