"""Argument checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of value) or a ``ValueError``
(right kind, wrong value) whose message names the argument and says what is
allowed, so that a learner never has to read a traceback from deep inside torch.
"""
from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np


def _is_int(value) -> bool:
    # bool is a subclass of int, but ``steps=True`` is always a mistake.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive_int(name: str, value) -> int:
    """Return ``value`` as an int if it is a whole number > 0."""
    if not _is_int(value):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__} {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int (>= 1), got {value!r}")
    return int(value)


def non_negative_int(name: str, value) -> int:
    """Return ``value`` as an int if it is a whole number >= 0."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an int >= 0, got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be an int >= 0, got {value!r}")
    return int(value)


def real(name: str, value) -> float:
    """Return ``value`` as a float if it is a finite real number."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def non_negative(name: str, value) -> float:
    """Return ``value`` as a float if it is a finite real number >= 0."""
    value = real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def positive(name: str, value) -> float:
    """Return ``value`` as a float if it is a finite real number > 0."""
    value = real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def in_open_interval(name: str, value, low: float, high: float) -> float:
    """Return ``value`` as a float if ``low < value < high``."""
    value = real(name, value)
    if not low < value < high:
        raise ValueError(f"{name} must lie strictly between {low} and {high}, got {value!r}")
    return value


def in_interval(name: str, value, low: float, high: float, *, low_open: bool = False,
                high_open: bool = False) -> float:
    """Return ``value`` as a float if ``low <= value <= high`` (``low < value`` when ``low_open``,
    ``value < high`` when ``high_open``)."""
    value = real(name, value)
    if value > high or value < low or (low_open and value == low) or (high_open and value == high):
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return value


def flag(name: str, value) -> bool:
    """Return ``value`` if it is True or False (numpy's bools included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def one_of(name: str, value, allowed) -> str:
    """Return ``value`` if it is one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def callable_(name: str, value, what: str):
    """Return ``value`` if it can be called; ``what`` describes the expected signature."""
    if not callable(value):
        raise TypeError(f"{name} must be a callable {what}, got {type(value).__name__} {value!r}")
    return value


def steps_array(name: str, t):
    """Return step indices as an int array (and whether ``t`` was a scalar).

    Accepts an int or an array-like of ints >= 0; formulas use this so that
    ``f(5)`` returns a float and ``f(np.arange(100))`` returns an array.
    """
    scalar = np.ndim(t) == 0
    arr = np.asarray(t)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(np.mod(arr, 1) == 0)):
            raise TypeError(f"{name} must be an int or an array of ints (step indices), got {t!r}"[:200])
        arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (a step index), got a minimum of {arr.min()}")
    return arr.astype(np.int64), scalar


def increasing_ints(name: str, values) -> list[int]:
    """Return ``values`` as a list if it is a non-empty, strictly increasing sequence of ints >= 0."""
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{name} must be a list of increasing ints, got {values!r}") from None
    if not values or not all(_is_int(v) for v in values):
        raise TypeError(f"{name} must be a non-empty list of increasing ints, got {values!r}")
    if any(v < 0 for v in values) or any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"{name} must be strictly increasing ints >= 0, got {values!r}")
    return [int(v) for v in values]


def float_dtype(name: str, value):
    """Return ``value`` if it is ``torch.float64`` or ``torch.float32``, the two dtypes the course trains in."""
    import torch  # only the training helpers need this check; keep _checks free of torch otherwise

    allowed = (torch.float64, torch.float32)
    if not isinstance(value, torch.dtype):
        raise TypeError(f"{name} must be torch.float64 or torch.float32, got {type(value).__name__} {value!r}")
    if value not in allowed:
        raise ValueError(f"{name} must be torch.float64 or torch.float32, got {value}")
    return value


def file_path(name: str, value) -> Path:
    """Return ``value`` as a ``Path`` if it is a str or a path-like object."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(value).__name__}")
    return Path(value)


def torch_module(name: str, value):
    """Return ``value`` if it is a ``torch.nn.Module`` (the model a training helper trains)."""
    from torch import nn  # torch is only needed by the training helpers

    if not isinstance(value, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(value).__name__}")
    return value


def torch_optimizer(name: str, value):
    """Return ``value`` if it is a ``torch.optim.Optimizer``."""
    from torch.optim import Optimizer

    if not isinstance(value, Optimizer):
        raise TypeError(f"{name} must be a torch.optim.Optimizer, got {type(value).__name__}")
    return value


def scheduler_on(name: str, value, optimizer):
    """Return ``value`` if it is ``None`` or a torch scheduler built on ``optimizer``."""
    from torch.optim.lr_scheduler import LRScheduler  # ReduceLROnPlateau included

    if value is None:
        return None
    if not isinstance(value, LRScheduler):
        raise TypeError(f"{name} must be a torch.optim.lr_scheduler scheduler or None, got {type(value).__name__}")
    if value.optimizer is not optimizer:
        raise ValueError(f"{name} was built on a different optimizer: build it on the optimizer you pass in")
    return value


def per_name(argument: str, value, names, check) -> dict:
    """One checked value per name, from a single value for all or a dict that names every one of them.

    ``check(name, value)`` is one of the checks above; ``compare`` uses this for ``lr`` and ``step_per``.
    """
    if not isinstance(value, Mapping):
        return {name: check(argument, value) for name in names}
    missing, unknown = set(names) - value.keys(), value.keys() - set(names)
    if missing or unknown:
        raise ValueError(
            f"{argument} as a dict must name every one of {list(names)} and no other: missing {sorted(missing)}, "
            f"unknown {sorted(unknown)}"
        )
    return {name: check(f"{argument}[{name!r}]", value[name]) for name in names}


def seeds(name: str, value) -> tuple:
    """Return ``value`` as a tuple of distinct ints >= 0, at least one (the seeds of repeated runs)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a tuple of ints >= 0, such as (0, 1, 2), got {value!r}")
    values = tuple(value)
    if not values:
        raise ValueError(f"{name} is empty: give at least one seed, and three or more for a fair comparison")
    checked = tuple(non_negative_int(f"{name}[]", s) for s in values)
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} must not repeat a seed (a repeat is the same run twice), got {value!r}")
    return checked


def scheduler_from(name: str, make, optimizer):
    """Call the factory ``make(optimizer)`` and return the scheduler it built.

    ``simulate``, ``compare`` and the averaging helpers all take factories
    ``optimizer -> scheduler``; a factory that returns something else (often
    ``None``, from a forgotten ``return``) gets a TypeError naming ``name``.
    """
    from torch.optim.lr_scheduler import LRScheduler  # torch is only needed when a factory is called

    scheduler = make(optimizer)
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(
            f"{name} must return a torch.optim.lr_scheduler scheduler built on the optimizer it is given, "
            f"got {type(scheduler).__name__}"
        )
    return scheduler
