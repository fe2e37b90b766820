"""Exercise checkers: ``check(exercise_id, answer)`` and ``hint(exercise_id)``; each lesson's exercises are in
``lesson_NN.EXERCISES``."""
from importlib import import_module

from . import core
from .core import SKILLS, Exercise, Hint, Verdict, collect

# The lessons whose exercises the course checks, in order; a new lesson's module is added here.
LESSONS = (
    "lesson_00",
    "lesson_01",
    "lesson_02",
    "lesson_03",
    "lesson_04",
    "lesson_05",
    "lesson_06",
    "lesson_07",
    "lesson_08",
    "lesson_09",
    "lesson_10",
    "lesson_11",
    "lesson_12",
    "lesson_13",
    "lesson_14",
    "lesson_15",
    "lesson_16",
)
EXERCISES = collect(import_module(f"{__name__}.{lesson}") for lesson in LESSONS)


def check(exercise_id: str, answer) -> Verdict:
    """Judge ``answer`` to the course's exercise ``exercise_id``; the result shows what is wrong and where.

    Example::

        >>> check("03.1", None)          # not attempted yet: the task, no error
        Not attempted yet. ...
    """
    return core.check(exercise_id, answer, EXERCISES)


def hint(exercise_id: str) -> Hint:
    """The hint to the course's exercise ``exercise_id``, for when a learner asks for it.

    Example::

        >>> hint("03.1")
        Hint 03.1: ...
    """
    return core.hint(exercise_id, EXERCISES)


__all__ = ["EXERCISES", "LESSONS", "SKILLS", "Exercise", "Hint", "Verdict", "check", "collect", "hint"]
