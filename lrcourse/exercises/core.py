"""Checkers for the lessons' exercises.

Every exercise has an id such as ``"03.1"`` (lesson 03, exercise 1), a
skill it trains (build, predict, debug or choose), a hint, and a reference
answer computed when it is checked — from :mod:`lrcourse.formulas` or from
torch itself, never typed in by hand.
Each ``lesson_NN`` module exports its exercises as a tuple ``EXERCISES``;
:func:`collect` gathers them into a read-only mapping by id, and
:func:`check` judges an answer against such a mapping, saying what is wrong
and where, but never what the right answer is: a learner who reads "at step
40 your LR is 0.1, too high" still has to find out why.
The hint stays hidden until :func:`hint` is asked for it.  An unattempted
exercise (``answer`` is ``None`` or ``...``) gets its task and raises
nothing, so a notebook always runs top to bottom.
"""
from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..simulation import Trace, simulate

KINDS = ("schedule", "value")
# What an exercise asks the learner to do: build a schedule, predict a number before running,
# debug a broken loop, or choose the schedule for a situation.
SKILLS = ("build", "predict", "debug", "choose")


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    ``kind="schedule"``: the answer is a function ``optimizer -> scheduler``,
    a :class:`~lrcourse.Trace`, or an array of LRs, compared step by step
    with ``expected()`` over ``steps`` steps from base LR ``lr`` (and ``metrics``,
    for a ReduceLROnPlateau answer).
    ``kind="value"``: the answer is a number or an array, compared with ``expected()``.
    ``skill="choose"``: the answer's first number is an option, and ``why_not`` maps every wrong
    option to what goes wrong with it, the message a learner who picks it gets.
    """

    id: str
    task: str
    hint: str
    expected: Callable[[], Any]
    kind: str = "schedule"
    steps: int = 100
    lr: float = 0.1
    optimizer: str = "sgd"
    metrics: tuple | None = None  # what a ReduceLROnPlateau answer is stepped with
    rtol: float = 1e-6
    skill: str = "build"
    why_not: Mapping[int, str] | None = None  # skill="choose": each wrong option -> what goes wrong with it

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.skill not in SKILLS:
            raise ValueError(f"skill must be one of {SKILLS}, got {self.skill!r}")
        if (self.skill == "choose") != (self.why_not is not None):
            raise ValueError(f"why_not must be given for skill='choose' and only then, got skill={self.skill!r} "
                             f"and why_not={self.why_not!r}")
        if self.why_not is not None and self.kind != "value":
            raise ValueError(f"a 'choose' exercise must have kind='value', got kind={self.kind!r}")


def only_option(fitting, exercise_id: str) -> int:
    """The one option in ``fitting``: those of a "choose" exercise that meet its situation's requirement.

    Each choose exercise computes its answer by trying every option against the situation, so the
    situation must single out exactly one.  None, or two, is a ValueError naming them: an edit that
    makes a situation ambiguous fails the exercise's tests instead of going unnoticed.

    >>> only_option((option for option in (1, 2, 3) if option % 2 == 0), "99.1")
    2
    """
    fitting = list(fitting)
    if len(fitting) != 1:
        raise ValueError(f"exercise {exercise_id} must have exactly one option that fits its situation, "
                         f"found {fitting}")
    return fitting[0]


class Hint(str):
    """A hint: a string shown as it is, without quotes."""

    __repr__ = str.__str__


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: true when correct; shown as its message."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def collect(lessons) -> Mapping[str, Exercise]:
    """The exercises the ``lessons`` modules export in their ``EXERCISES`` tuples, as a read-only mapping by id.

    An id used twice is a ValueError: two exercises would answer to one name.

    >>> import types
    >>> lesson = types.SimpleNamespace(EXERCISES=(Exercise("99.1", "Give 1.", "One.", lambda: 1, kind="value"),))
    >>> list(collect([lesson]))
    ['99.1']
    """
    exercises = {}
    for lesson in lessons:
        for exercise in lesson.EXERCISES:
            if exercise.id in exercises:
                raise ValueError(f"exercise id {exercise.id!r} is used twice")
            exercises[exercise.id] = exercise
    return types.MappingProxyType(exercises)


def _lrs_of(answer, exercise: Exercise) -> np.ndarray:
    """The LR sequence an answer stands for: simulate a scheduler factory, read a Trace, or take an array."""
    if isinstance(answer, Trace):
        return answer.lr
    if callable(answer):
        return simulate(answer, exercise.steps, lr=exercise.lr, optimizer=exercise.optimizer,
                        metrics=exercise.metrics).lr
    return np.asarray(answer, dtype=float)


def _direction(got: float, want: float) -> str:
    """Which way an answer is off, and no more: the expected value itself is never shown."""
    if np.isnan(got):
        return "not a number"
    return "too high" if got > want else "too low"


def _ask_for_hint(exercise: Exercise) -> str:
    return f'For a hint, run lc.hint("{exercise.id}").'


def _first_mismatch(got: np.ndarray, want: np.ndarray, rtol: float) -> int | None:
    close = np.abs(got - want) <= rtol * np.abs(want) + 1e-12  # a NaN is never close
    bad = np.flatnonzero(~close)
    return int(bad[0]) if bad.size else None


class ReferenceAnswerError(RuntimeError):
    """The course's own reference answer failed: a bug of the course, never of the learner's answer."""


def _reference(exercise: Exercise) -> np.ndarray:
    """The exercise's reference answer, computed outside the guard that turns a learner's error into feedback."""
    try:
        return np.asarray(exercise.expected(), dtype=float)
    except Exception as error:
        raise ReferenceAnswerError(
            f"the reference answer of exercise {exercise.id} raised {type(error).__name__}: {error}. "
            "This is an error in the course, not in your answer: please report it."
        ) from error


def _judge_schedule(answer, want: np.ndarray, exercise: Exercise) -> Verdict:
    got = _lrs_of(answer, exercise)
    if got.shape != want.shape:
        return Verdict(False, f"Not yet: your schedule has {got.size} steps, the exercise asks for {want.size}.")
    step = _first_mismatch(got, want, exercise.rtol)
    if step is None:
        return Verdict(True, f"Correct: all {want.size} steps match.")
    wrong = int(np.count_nonzero(~np.isclose(got, want, rtol=exercise.rtol, atol=1e-12)))
    return Verdict(
        False,
        f"Not yet: at step {step} your LR is {got[step]:.6g}, {_direction(got[step], want[step])}; "
        f"{wrong} of {want.size} steps differ. {_ask_for_hint(exercise)}",
    )


def _judge_choice(option: float, want: float, exercise: Exercise) -> Verdict:
    """A wrong option gets what goes wrong with it; an option that is not on the list gets the list."""
    options = sorted({*exercise.why_not, int(want)})
    if option not in options:
        return Verdict(False, f"Not yet: the options are {', '.join(map(str, options))}; you chose {option:g}.")
    return Verdict(False, f"Not yet: option {int(option)}: {exercise.why_not[int(option)]}")


def _judge_value(answer, want: np.ndarray, exercise: Exercise) -> Verdict:
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Verdict(False, f"Not yet: expected a number or an array of numbers, got {type(answer).__name__}.")
    if got.shape != want.shape:
        return Verdict(False, f"Not yet: expected shape {want.shape}, got {got.shape}.")
    got, want = got.ravel(), want.ravel()
    index = _first_mismatch(got, want, exercise.rtol)
    if index is None:
        return Verdict(True, "Correct.")
    if index == 0 and exercise.why_not is not None:
        return _judge_choice(got[0], want[0], exercise)
    where = "" if want.size == 1 else f" at index {index}"
    return Verdict(False, f"Not yet: your value{where} ({got[index]:.6g}) is {_direction(got[index], want[index])}. "
                          f"{_ask_for_hint(exercise)}")


def check(exercise_id: str, answer, exercises: Mapping[str, Exercise]) -> Verdict:
    """Judge ``answer`` to the exercise ``exercise_id`` of ``exercises``; the result shows what is wrong and where.

    :func:`lrcourse.check` is this function with the course's exercises.

    Example::

        >>> value = Exercise("99.1", "Give 2 ** 0.5.", "Use a power.", lambda: 2**0.5, kind="value")
        >>> check("99.1", None, {"99.1": value})   # not attempted yet: the task, no error
        Not attempted yet. Give 2 ** 0.5. For a hint, run lc.hint("99.1").
        >>> check("99.1", 1.4, {"99.1": value})
        Not yet: your value (1.4) is too low. For a hint, run lc.hint("99.1").
        >>> check("99.1", 1.4142135623730951, {"99.1": value})
        Correct.

    An answer that raises is feedback ("your answer raised ..."); a reference answer that raises is
    the course's own bug, so it is never blamed on the learner: it raises
    :class:`ReferenceAnswerError`.
    """
    exercise = _exercise(exercise_id, exercises)
    if answer is None or answer is Ellipsis:
        return Verdict(False, f"Not attempted yet. {exercise.task} {_ask_for_hint(exercise)}")
    want = _reference(exercise)  # outside the guard below: its errors are the course's, not the learner's
    try:
        judge = _judge_schedule if exercise.kind == "schedule" else _judge_value
        return judge(answer, want, exercise)
    except Exception as error:  # a learner's broken answer is feedback, not a crash
        return Verdict(False, f"Not yet: your answer raised {type(error).__name__}: {error}")


def hint(exercise_id: str, exercises: Mapping[str, Exercise]) -> Hint:
    """The hint to the exercise ``exercise_id`` of ``exercises``: shown only when asked for.

    :func:`lrcourse.hint` is this function with the course's exercises.

    Example::

        >>> value = Exercise("99.1", "Give 2 ** 0.5.", "Use a power.", lambda: 2**0.5, kind="value")
        >>> hint("99.1", {"99.1": value})
        Hint 99.1: Use a power.
    """
    exercise = _exercise(exercise_id, exercises)
    return Hint(f"Hint {exercise.id}: {exercise.hint}")


def _exercise(exercise_id: str, exercises: Mapping[str, Exercise]) -> Exercise:
    if not isinstance(exercise_id, str) or exercise_id not in exercises:
        known = ", ".join(sorted(exercises)) or "none"
        raise ValueError(f"exercise_id must be one of the course's exercises ({known}), got {exercise_id!r}")
    return exercises[exercise_id]
