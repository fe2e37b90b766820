"""Run a real torch scheduler without a model, and keep what it did.

A scheduler only reads and writes ``optimizer.param_groups``; it never looks
at the model's weights.  So a single one-element parameter is enough to
reproduce exactly any schedule that counts only its steps, in microseconds per
step instead of the seconds a real network costs.  Lesson 00 times both ways.
``ReduceLROnPlateau`` is the exception: its LR follows the validation loss, so a
simulation reproduces it only for the losses it is given (``metrics=``).
"""
from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingWarmRestarts,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
)

from . import _checks
from .formulas import sgdr_cycle_starts
from .plotting import plot_schedules

OPTIMIZERS = ("sgd", "sgd_momentum", "adam")

#: The arguments of a scheduler's ``__init__`` that are not settings of its schedule:
#: the optimizer it drives, and torch's own bookkeeping.
NOT_SETTINGS = frozenset({"self", "optimizer", "last_epoch", "verbose"})


def drops(lrs) -> list[int]:
    """The steps whose LR is lower than the step before's.

    >>> drops([0.1, 0.1, 0.01, 0.01, 0.001])
    [2, 4]
    """
    lrs = np.asarray(lrs, dtype=float)
    return (np.flatnonzero(np.diff(lrs) < 0) + 1).tolist()


def rises(lrs) -> list[int]:
    """The steps whose LR is higher than the step before's: where a warm restart or a cycle shows.

    >>> rises([0.1, 0.05, 0.1, 0.05])
    [2]
    """
    lrs = np.asarray(lrs, dtype=float)
    return (np.flatnonzero(np.diff(lrs) > 0) + 1).tolist()


def first_drop(lrs) -> int:
    """The first step whose LR is lower than the step before's (a ValueError if the LR never drops).

    >>> first_drop([0.1, 0.1, 0.1, 0.01])
    3
    """
    found = drops(lrs)
    if not found:
        raise ValueError("lrs never drops: no step has a lower LR than the step before")
    return found[0]


@dataclass(eq=False)
class Trace:
    """What a scheduler did, one row per optimizer step.

    ``lr[i]`` is the learning rate that ``optimizer.step()`` used at step ``i``
    (group 0), so ``lr[0]`` is the starting LR.  ``lrs`` holds every group,
    shape ``(steps, groups)``.  ``momentum`` is SGD's momentum or Adam's
    beta1 in force at each step, or ``None`` when the optimizer has none.
    ``events`` maps a kind of event (``"milestone"``, ``"restart"``,
    ``"reduction"``) to the steps where it happened, for plot markers.

    Two traces are equal when their label, LRs, momentum and events are
    (the arrays compared element by element, exactly).
    """

    lrs: np.ndarray
    label: str
    momentum: np.ndarray | None = None
    events: dict = field(default_factory=dict)

    @classmethod
    def from_lrs(cls, lrs, label: str, *, mark_drops: bool = False) -> Trace:
        """A trace of LRs recorded by hand: one per step (one group), or shape ``(steps, groups)``.

        ``mark_drops=True`` marks every drop of group 0's LR as a milestone on plots.

        >>> Trace.from_lrs([0.1, 0.1, 0.01], "by hand", mark_drops=True).events
        {'milestone': [2]}
        """
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__} {label!r}")
        mark_drops = _checks.flag("mark_drops", mark_drops)
        lrs = np.array(lrs, dtype=float)
        if lrs.ndim == 1:
            lrs = lrs[:, None]
        if lrs.ndim != 2 or lrs.size == 0:
            raise ValueError(
                f"lrs must hold one LR per step (a list, or an array of shape (steps, groups)), got shape {lrs.shape}"
            )
        return cls(lrs=lrs, label=label, events={"milestone": drops(lrs[:, 0])} if mark_drops else {})

    @property
    def lr(self) -> np.ndarray:
        return self.lrs[:, 0]

    @property
    def steps(self) -> int:
        return len(self.lrs)

    def first_drop(self) -> int:
        """The first step whose LR (group 0) is lower than the step before's; see :func:`first_drop`."""
        return first_drop(self.lr)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        same_momentum = (self.momentum is None and other.momentum is None) or (
            self.momentum is not None and other.momentum is not None and np.array_equal(self.momentum, other.momentum)
        )
        return (self.label == other.label and np.array_equal(self.lrs, other.lrs) and same_momentum
                and self.events == other.events)

    __hash__ = None  # mutable arrays inside: equal traces could not keep equal hashes

    def plot(self, ax=None, **kw):
        """Plot this trace in the house style; see :func:`lrcourse.plot_schedules`."""
        return plot_schedules({self.label: self}, ax=ax, **kw)

    def __repr__(self) -> str:
        return f"Trace({self.label}, steps={self.steps}, lr[0]={self.lr[0]:.6g}, lr[-1]={self.lr[-1]:.6g})"


def make_optimizer(optimizer, params, lr: float) -> torch.optim.Optimizer:
    """Build the optimizer named by ``optimizer`` ("sgd", "sgd_momentum", "adam") or call it.

    ``params`` is anything torch optimizers accept: parameters or a list of
    param-group dicts.
    """
    if callable(optimizer):
        opt = optimizer(params, lr)
        if not isinstance(opt, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer must return a torch.optim.Optimizer when called as optimizer(params, lr), "
                f"got {type(opt).__name__}"
            )
        return opt
    if not isinstance(optimizer, str):
        raise TypeError(
            f"optimizer must be one of {OPTIMIZERS} or a callable (params, lr) -> Optimizer, got {optimizer!r}")
    _checks.one_of("optimizer", optimizer, OPTIMIZERS)
    if optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if optimizer == "sgd_momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    return torch.optim.Adam(params, lr=lr)


def stand_in_optimizer(optimizer="sgd", lr: float = 0.1, groups=None) -> torch.optim.Optimizer:
    """An optimizer over one-element stand-in parameters: one per group.

    >>> opt = stand_in_optimizer("sgd", lr=0.01)
    >>> opt.param_groups[0]["lr"]
    0.01
    """
    lr = _checks.non_negative("lr", lr)
    if groups is None:
        group_lrs = [lr]
    else:
        if isinstance(groups, (str, bytes)) or not hasattr(groups, "__len__") or len(groups) == 0:
            raise TypeError(f"groups must be a non-empty list of per-group base LRs, got {groups!r}")
        group_lrs = [_checks.non_negative(f"groups[{i}]", g) for i, g in enumerate(groups)]
    params = []
    for group_lr in group_lrs:
        # No gradient: optimizer.step() still runs and counts the step (which is all a
        # scheduler checks), but skips the arithmetic, so a step costs microseconds.
        p = torch.nn.Parameter(torch.zeros(1))
        params.append({"params": [p], "lr": group_lr})
    return make_optimizer(optimizer, params, group_lrs[0])


def metric_source(metrics, steps: int):
    """Turn ``metrics`` (a sequence or a callable ``step -> float``) into a function of the step."""
    if callable(metrics):
        return metrics
    try:
        n = len(metrics)
    except TypeError:
        raise TypeError(
            f"metrics must be a sequence of floats or a callable step -> float, got {type(metrics).__name__}"
        ) from None
    if n < steps:
        raise ValueError(f"metrics must hold at least steps={steps} values (one per step), got {n}")
    return lambda i: float(metrics[i])


def _momentum(group) -> float | None:
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def scheduler_label(scheduler) -> str:
    """``StepLR(step_size=30, gamma=0.1)``: the class and the arguments it keeps as attributes."""
    cls = type(scheduler)
    parts = []
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name in NOT_SETTINGS or not hasattr(scheduler, name):
            continue
        value = getattr(scheduler, name)
        if callable(value) or (isinstance(value, bool) and value == param.default):
            continue  # lambdas print as addresses; default flags are noise
        if isinstance(value, float):
            value = float(f"{value:.6g}")
        elif isinstance(value, Counter):
            value = sorted(value.elements())  # MultiStepLR keeps its milestones as a Counter
        parts.append(f"{name}={value!r}")
    if isinstance(scheduler, OneCycleLR):
        parts.insert(0, f"max_lr={scheduler.optimizer.param_groups[0]['max_lr']:.6g}")
    return f"{cls.__name__}({', '.join(parts)})"


def _events(scheduler, lrs: np.ndarray) -> dict:
    """Steps worth marking on a plot: milestones, restarts, plateau reductions."""
    if isinstance(scheduler, (StepLR, MultiStepLR)):
        return {"milestone": drops(lrs[:, 0])}
    if isinstance(scheduler, ReduceLROnPlateau):
        return {"reduction": drops(lrs[:, 0])}
    if isinstance(scheduler, CosineAnnealingWarmRestarts):
        # Where each new cycle starts, even one the LR cannot show (a 1-step cycle restarts at the LR it had).
        return {"restart": sgdr_cycle_starts(scheduler.T_0, scheduler.T_mult, until=len(lrs))[1:]}
    return {}


def prepare(make_scheduler, steps, *, lr=0.1, optimizer="sgd", groups=None, metrics=None):
    """Check :func:`simulate`'s arguments and build what it steps: ``(steps, optimizer, scheduler, metric)``.

    ``metric`` is a function ``step -> float`` for ReduceLROnPlateau and ``None``
    otherwise.  ``lc.explore`` calls this too, so a setting that ``simulate``
    rejects is rejected with the same message when a closed form draws it.
    """
    steps = _checks.positive_int("steps", steps)
    _checks.callable_("make_scheduler", make_scheduler, "optimizer -> scheduler")
    opt = stand_in_optimizer(optimizer, lr, groups)
    scheduler = _checks.scheduler_from("make_scheduler", make_scheduler, opt)
    plateau = isinstance(scheduler, ReduceLROnPlateau)
    if plateau and metrics is None:
        raise ValueError("metrics is required for ReduceLROnPlateau: give a sequence or a callable step -> float")
    if metrics is not None and not plateau:
        raise ValueError(f"metrics is only read by ReduceLROnPlateau; {type(scheduler).__name__} takes none")
    if isinstance(scheduler, OneCycleLR) and steps > scheduler.total_steps:
        raise ValueError(
            f"steps={steps} is more than this OneCycleLR's total_steps={scheduler.total_steps}. "
            "total_steps counts every scheduler.step() call over the whole run (epochs * steps_per_epoch "
            "when stepping per batch); build it with total_steps >= steps."
        )
    return steps, opt, scheduler, metric_source(metrics, steps) if plateau else None


def simulate(make_scheduler, steps, *, lr=0.1, optimizer="sgd", groups=None, metrics=None, label=None) -> Trace:
    r"""Step a real torch scheduler ``steps`` times and record the LR in force at each step.

    .. math::
        \text{lr}[i] = \text{optimizer.param\_groups[0]["lr"]} \text{ when optimizer.step() runs at step } i

    Each step records the LR, calls ``optimizer.step()``, then
    ``scheduler.step()`` (``scheduler.step(metric)`` for ReduceLROnPlateau):
    the order torch requires since 1.1.

    Example::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> tr = simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.001)
        >>> tr.lr[[0, 29, 30, 60]].round(8).tolist()
        [0.001, 0.001, 0.0001, 1e-05]

    Args:
        make_scheduler: ``optimizer -> scheduler``, e.g. ``lambda opt: StepLR(opt, 30)``.
        steps: how many optimizer steps to record (an int >= 1).
        lr: the base LR of the single parameter group.
        optimizer: "sgd", "sgd_momentum" (momentum 0.9), "adam", or a callable
            ``(params, lr) -> Optimizer``.
        groups: per-group base LRs, for multi-group demos (overrides ``lr``).
        metrics: a sequence (at least ``steps`` long) or a callable ``step -> float``,
            fed to ``scheduler.step(metric)``; required for ReduceLROnPlateau.
        label: a name for the trace; by default the scheduler and its arguments.

    Source: the stepping order is the one documented in ``torch.optim``,
    "How to adjust learning rate".
    """
    steps, opt, scheduler, metric = prepare(make_scheduler, steps, lr=lr, optimizer=optimizer, groups=groups,
                                            metrics=metrics)
    plateau = metric is not None
    lrs = np.empty((steps, len(opt.param_groups)))
    momentum = [] if _momentum(opt.param_groups[0]) is not None else None
    for i in range(steps):
        lrs[i] = [g["lr"] for g in opt.param_groups]
        if momentum is not None:
            momentum.append(_momentum(opt.param_groups[0]))
        opt.step()
        if plateau:
            scheduler.step(metric(i))
        else:
            scheduler.step()
    if momentum is not None and not np.any(momentum):
        momentum = None  # plain SGD: momentum 0 throughout is no momentum at all
    return Trace(
        lrs=lrs,
        label=label if label is not None else scheduler_label(scheduler),
        momentum=None if momentum is None else np.asarray(momentum, dtype=float),
        events=_events(scheduler, lrs),
    )
