"""Compare schedules fairly: the same task, model, optimizer and budget, over several seeds.

One training run says little on a task this small: another seed moves the
final accuracy by a few validation images, as much as switching schedule
does.  :func:`compare` therefore trains every schedule once per seed, from
the same initial weights for a given seed and on the same batches, and
reports the mean and the spread (max - min) over the seeds.  A conclusion drawn from
the leaderboard should hold for the means *and* survive the spread.

:func:`lr_grid` is the baseline's half of a fair comparison: the constant LR
a schedule is compared against should be the best of a small grid, not a
value picked to lose.
"""
from __future__ import annotations

import contextlib
import functools
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import _checks, data as data_module, models
from .training import STEP_PER, History, fit

SGD_MOMENTUM = functools.partial(torch.optim.SGD, momentum=0.9)
"""The course's default optimizer factory: SGD with momentum 0.9; the LR is given per run."""



def _finished(history: History) -> bool:
    """A run that diverged has no final model worth measuring: its weights are NaN or huge."""
    return history.diverged_at is None


# One row of the leaderboard per schedule, and these columns for each metric (mean and spread over seeds).
# "final" is NaN for a run that diverged; "best" is over the epochs it finished before that.
METRICS = {
    "final acc": lambda h: h.final_val_acc if _finished(h) else math.nan,
    "best acc": lambda h: h.best_val_acc,
    "final loss": lambda h: float(h.val_loss[-1]) if _finished(h) else math.nan,
    "best loss": lambda h: float(np.min(h.val_loss)) if h.epochs else math.nan,
}
DECIMALS = 4  # leaderboard values are rounded to this: the digits printed in lessons, and no more


@dataclass(eq=False)
class Comparison:
    """What :func:`compare` trained: one :class:`~lrcourse.History` per schedule and seed.

    ``histories[name][i]`` is the run of schedule ``name`` with ``seeds[i]``.
    ``lr[name]`` and ``step_per[name]`` are the base LR and the stepping each
    schedule used.  :attr:`leaderboard` summarises them; :meth:`plot` draws them.
    """

    histories: dict
    seeds: tuple
    lr: dict
    step_per: dict
    epochs: int

    @property
    def names(self) -> list[str]:
        return list(self.histories)

    @property
    def runs(self):
        """A pandas DataFrame with one row per schedule and seed: the metrics of every single run."""
        import pandas as pd  # pandas is only needed for the tables

        rows = []
        for name, histories in self.histories.items():
            for seed, history in zip(self.seeds, histories):
                row = {"schedule": name, "seed": seed}
                row.update({metric: value(history) for metric, value in METRICS.items()})
                row["diverged"] = history.diverged_at is not None
                rows.append(row)
        return pd.DataFrame(rows)

    @property
    def leaderboard(self):
        """A pandas DataFrame, one row per schedule, best mean final accuracy first.

        For each metric (final and best validation accuracy, final and best
        validation loss) it holds the mean over the seeds and the spread,
        max - min; ``diverged`` counts the seeds whose run blew up.  A run
        that diverged has no final values (NaN, so its schedule's final means
        are NaN and it ranks last); its best values are those of the epochs it
        finished.  Values are rounded to 4 decimals, which is what a lesson prints.
        """
        import pandas as pd

        rows = {}
        for name, histories in self.histories.items():
            row = {"lr": self.lr[name]}
            for metric, value in METRICS.items():
                values = np.array([value(h) for h in histories])  # NaN stays NaN: no skipping a diverged seed
                row[f"{metric} mean"] = values.mean()
                row[f"{metric} spread"] = values.max() - values.min()
            row["diverged"] = sum(not _finished(h) for h in histories)
            rows[name] = row
        board = pd.DataFrame.from_dict(rows, orient="index").round(DECIMALS)
        board = board.sort_values(["final acc mean", "best acc mean"], ascending=False, kind="stable")
        board.index.name = "schedule"
        return board

    def best(self, metric: str = "final acc mean") -> str:
        """The name of the schedule with the highest ``metric`` (lowest, for a loss) in the leaderboard."""
        board = self.leaderboard
        metric = _checks.one_of("metric", metric, [c for c in board.columns if c.endswith(" mean")])
        column = board[metric]
        return str(column.idxmin() if "loss" in metric else column.idxmax())

    def plot(self, metrics=("val_acc", "val_loss")):
        """The LR in force (left), then each validation metric per epoch: a mean line and a min-max band over seeds.

        ``metrics`` picks the panels after the LR: ``"val_acc"``, ``"val_loss"``
        or ``"train_loss"``.  Returns the array of Axes.
        """
        import matplotlib.pyplot as plt

        from .plotting import OKABE_ITO, style  # matplotlib stays off the import path

        allowed = ("val_acc", "val_loss", "train_loss")
        if isinstance(metrics, str) or not metrics:
            raise TypeError(f"metrics must be a non-empty tuple of names from {allowed}, got {metrics!r}")
        for metric in metrics:
            _checks.one_of("metrics", metric, allowed)
        with style():
            fig, axes = plt.subplots(1, 1 + len(metrics), figsize=(4.2 * (1 + len(metrics)), 3.4))
            for i, name in enumerate(self.histories):
                look = {"color": OKABE_ITO[i % 7], "linestyle": "-" if i < 7 else "--"}
                _band(axes[0], *self._lr_curves(name), label=name, **look)
                for ax, metric in zip(axes[1:], metrics):
                    _band(ax, *self._epoch_curves(name, metric), label=name, marker="o", markersize=3, **look)
            axes[0].set(xlabel="epoch", ylabel="learning rate", title="LR in force")
            titles = {"val_acc": "validation accuracy", "val_loss": "validation loss", "train_loss": "training loss"}
            for ax, metric in zip(axes[1:], metrics):
                ax.set(xlabel="epoch", ylabel=titles[metric], title=f"{titles[metric].capitalize()}")
                if "loss" in metric:
                    ax.set_yscale("log")
            fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                       ncol=min(len(self.histories), 4))
            fig.suptitle(f"mean over seeds {list(self.seeds)}; band: min to max", fontsize=9, fontweight="normal")
        return axes

    def _lr_curves(self, name: str):
        runs = self.histories[name]
        per_epoch = runs[0].steps_per_epoch
        x = np.arange(max(len(h.lr) for h in runs)) / per_epoch
        return x, _stack([h.lr for h in runs], len(x))

    def _epoch_curves(self, name: str, metric: str):
        x = np.arange(1, self.epochs + 1)
        return x, _stack([getattr(h, metric) for h in self.histories[name]], len(x))

    def __repr__(self) -> str:
        return (
            f"Comparison({len(self.histories)} schedules x {len(self.seeds)} seeds {list(self.seeds)}, "
            f"{self.epochs} epochs; best mean final acc: {self.best()})"
        )


def differs(a, b, metric: str = "final acc") -> bool:
    r"""Whether two leaderboard rows differ on ``metric`` by more than the noise between seeds.

    .. math::
        |\bar m_a - \bar m_b| > \max(\text{spread}_a, \text{spread}_b)

    ``a`` and ``b`` are rows of a :attr:`Comparison.leaderboard`, such as
    ``board.loc["cosine"]``, from the same comparison or from two run on the
    same task.  A rule of thumb, not a significance test: with 3 seeds, a gap
    smaller than what one schedule alone moves between seeds is not a finding.

    Example::

        >>> import pandas as pd
        >>> a = pd.Series({"final acc mean": 0.97, "final acc spread": 0.01})
        >>> b = pd.Series({"final acc mean": 0.95, "final acc spread": 0.005})
        >>> differs(a, b), differs(a, b.replace(0.95, 0.965))
        (True, False)
        >>> differs(pd.Series({"final acc mean": 0.9777, "final acc spread": 0.0056}),
        ...         pd.Series({"final acc mean": 0.9721, "final acc spread": 0.0}))  # a gap equal to the spread
        False

    ``metric`` is ``"final acc"``, ``"best acc"``, ``"final loss"`` or ``"best loss"``.
    """
    metric = _checks.one_of("metric", metric, list(METRICS))
    columns = [f"{metric} mean", f"{metric} spread"]
    for argument, row in (("a", a), ("b", b)):
        keys = row.keys() if hasattr(row, "keys") else ()  # a pandas Series (or a dict) has the column names
        if not all(column in keys for column in columns):
            raise TypeError(
                f"{argument} must be a leaderboard row with {columns}, such as board.loc['cosine'], "
                f"got {type(row).__name__}"
            )
    # Rounded like the leaderboard: 0.9777 - 0.9721 is 0.0056000000000000494 in floating point, not above 0.0056.
    gap = round(abs(a[columns[0]] - b[columns[0]]), DECIMALS)
    return bool(gap > max(a[columns[1]], b[columns[1]]))


def _stack(series: list, length: int) -> np.ndarray:
    """Rows of equal length, NaN-padded: a diverged run stops early."""
    out = np.full((len(series), length), np.nan)
    for row, values in zip(out, series):
        row[: len(values)] = values
    return out


def _band(ax, x, rows, *, label, **look):
    """A mean line and a min-max band, ignoring the NaN padding of diverged runs."""
    with np.errstate(all="ignore"), _no_all_nan_warnings():
        mean, low, high = np.nanmean(rows, axis=0), np.nanmin(rows, axis=0), np.nanmax(rows, axis=0)
    ax.plot(x, mean, label=label, **look)
    ax.fill_between(x, low, high, color=look["color"], alpha=0.15, linewidth=0)


@contextlib.contextmanager
def _no_all_nan_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice" after every seed diverged
        yield


def compare(
    schedules: Mapping,
    *,
    model: Callable[..., nn.Module] = models.mlp,
    optimizer: Callable[..., torch.optim.Optimizer] = SGD_MOMENTUM,
    lr=0.1,
    epochs: int,
    seeds=(0, 1, 2),
    step_per="epoch",
    data=None,
) -> Comparison:
    r"""Train every schedule once per seed on the same task, and collect the runs.

    For each schedule ``name`` and each ``seed``::

        net = model(seed=seed)                              # same weights for every schedule
        opt = optimizer(net.parameters(), lr=lr[name])
        sched = None if schedules[name] is None else schedules[name](opt)
        fit(net, opt, sched, data=data, epochs=epochs, step_per=step_per[name], seed=seed)

    So for a given seed all schedules start from the same weights and see
    the batches in the same order; only the schedule differs.  The course's
    digits loaders shuffle by their own seed and the epoch, so every run, of
    any seed, sees the same batches; the seed changes the order only of a
    ``shuffle=True`` loader.  The split into training and validation images
    stays the same (``data``).

    Example::

        >>> import functools, lrcourse as lc
        >>> from torch.optim.lr_scheduler import CosineAnnealingLR
        >>> result = lc.compare({"constant": None, "cosine": functools.partial(CosineAnnealingLR, T_max=3)},
        ...                     epochs=3, seeds=(0, 1))
        >>> list(result.leaderboard.columns[:3])
        ['lr', 'final acc mean', 'final acc spread']
        >>> len(result.histories["cosine"])
        2

    Args:
        schedules: a non-empty dict, name -> ``None`` (the LR stays constant) or a factory
            ``optimizer -> scheduler``, such as ``functools.partial(CosineAnnealingLR, T_max=20)``.
        model: called as ``model(seed=seed)`` for each run; default :func:`lrcourse.models.mlp`.
        optimizer: called as ``optimizer(params, lr=...)``; default SGD with momentum 0.9.
        lr: the base LR, one float for all schedules or a dict name -> float with every name.
        epochs: the budget of every run.
        seeds: ints >= 0, at least one; each one fixes the initial weights (and the batch order of a
            ``shuffle=True`` loader; the digits loaders' order does not depend on it).
        step_per: ``"epoch"`` or ``"batch"``, for all, or a dict name -> either.
        data: ``(train_loader, val_loader)``; default :func:`lrcourse.data.digits` with seed 0.

    Source: adapted from Bouthillier et al. (2021), "Accounting for Variance in Machine Learning
    Benchmarks": vary the seeds and report the spread.  They also vary the data split and compare
    with a statistical test (the probability that one pipeline beats the other); here the split is
    fixed by ``data`` and :func:`differs` is a rule of thumb on the spread, not a test.
    """
    schedules = _check_schedules(schedules)
    _checks.callable_("model", model, "seed -> torch.nn.Module, such as lrcourse.models.mlp")
    _checks.callable_("optimizer", optimizer,
                      "(params, lr=...) -> Optimizer, such as functools.partial(SGD, momentum=0.9)")
    lrs = _checks.per_name("lr", lr, schedules, _checks.positive)
    step_pers = _checks.per_name("step_per", step_per, schedules, lambda name, v: _checks.one_of(name, v, STEP_PER))
    epochs = _checks.positive_int("epochs", epochs)
    seeds = _checks.seeds("seeds", seeds)
    data = data_module.digits() if data is None else data

    histories = {}
    for name, make_scheduler in schedules.items():
        histories[name] = []
        for seed in seeds:
            net = model(seed=seed)
            opt = optimizer(net.parameters(), lr=lrs[name])
            sched = (None if make_scheduler is None
                     else _checks.scheduler_from(f"schedules[{name!r}]", make_scheduler, opt))
            quiet = io.StringIO()  # fit prints a line when a run diverges; the leaderboard counts them instead
            with contextlib.redirect_stdout(quiet):
                history = fit(net, opt, sched, data=data, epochs=epochs, step_per=step_pers[name], seed=seed,
                              progress=False)
            histories[name].append(history)
    return Comparison(histories, seeds, lrs, step_pers, epochs)


def lr_grid(lrs, **compare_kwargs) -> Comparison:
    """Compare constant LRs: the baseline that every schedule should be measured against.

    ``lr_grid((0.03, 0.1, 0.3), epochs=20)`` is :func:`compare` with one
    schedule ``"constant lr=0.03"`` etc. per LR, each with no scheduler.
    The best one is ``grid.lr[grid.best()]``.

    Example::

        >>> import lrcourse as lc
        >>> grid = lc.lr_grid((0.01, 0.1), epochs=2, seeds=(0,))
        >>> grid.names
        ['constant lr=0.01', 'constant lr=0.1']
    """
    try:
        values = [float(v) for v in lrs]
    except (TypeError, ValueError):
        raise TypeError(f"lrs must be a sequence of positive floats, got {lrs!r}") from None
    if not values:
        raise ValueError("lrs is empty: give at least one learning rate")
    if "lr" in compare_kwargs or "schedules" in compare_kwargs:
        raise TypeError("lr_grid sets the schedules and their lr itself: pass only compare's other arguments")
    names = {f"constant lr={value:g}": value for value in values}
    if len(names) != len(values):
        raise ValueError(f"lrs must not repeat a value, got {lrs!r}")
    return compare(dict.fromkeys(names), lr=names, **compare_kwargs)


def _check_schedules(schedules) -> dict:
    if not isinstance(schedules, Mapping):
        raise TypeError(
            f"schedules must be a dict name -> None or a factory optimizer -> scheduler, got {type(schedules).__name__}"
        )
    if not schedules:
        raise ValueError("schedules is empty: give at least one, e.g. {'constant': None}")
    for name, make in schedules.items():
        if not isinstance(name, str):
            raise TypeError(f"schedules' names must be strings, got {name!r}")
        if make is not None and not callable(make):
            raise TypeError(
                f"schedules[{name!r}] must be None (constant LR) or a factory optimizer -> scheduler, "
                f"got {type(make).__name__} {make!r}"
            )
    return dict(schedules)

