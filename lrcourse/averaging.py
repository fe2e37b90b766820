"""Beyond the built-in schedulers: average the weights, write your own scheduler, or use no schedule.

Lesson 14 needs four things torch does not give in one piece:

- :func:`fit_averaged`: :func:`lrcourse.fit`'s loop, plus a stochastic weight
  average (``AveragedModel`` + ``SWALR``, with ``update_bn``), an exponential
  moving average of the weights, and the ``optimizer.train()`` /
  ``optimizer.eval()`` calls a schedule-free optimizer needs.  It returns one
  :class:`~lrcourse.History` per model it evaluated: ``"final"``, ``"SWA"``, ``"EMA"``.
- :func:`compare_averages` and :func:`compare_schedule_free`: the same over
  several seeds, as a :class:`~lrcourse.Comparison` (leaderboard, plot), and
  :func:`merge` to put one next to an :func:`lrcourse.compare` result.
- :class:`InverseSqrtLR`: a custom scheduler written the way torch's own are,
  and :func:`check_scheduler`, which finds the classic mistakes in one.
- :func:`mlp_bn`: the course's MLP with a BatchNorm layer, for ``update_bn``.
"""
from __future__ import annotations

import copy
import io
import math
from collections.abc import Callable, Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn, update_bn

from . import _checks, data as data_module, formulas, models
from .comparison import SGD_MOMENTUM, Comparison
from .data import DTYPE, NUM_CLASSES, NUM_FEATURES
from .training import STEP_PER, History, _check_training_objects, check_data, evaluate, one_cpu_thread, start_epoch

__all__ = [
    "InverseSqrtLR",
    "check_scheduler",
    "compare_averages",
    "compare_schedule_free",
    "fit_averaged",
    "is_schedule_free",
    "merge",
    "mlp_bn",
]


# --- a custom scheduler, written the way torch's own are ---------------------------------------


class InverseSqrtLR(LRScheduler):
    r"""Linear warm-up over ``warmup_steps`` steps to the base LR, then decay as :math:`1/\sqrt{t}`.

    .. math::
        \eta_t = \eta_0 \min\left(\frac{t + 1}{w}, \sqrt{\frac{w}{t + 1}}\right)

    (:func:`lrcourse.formulas.inverse_sqrt_lr`).  Written as torch writes its
    schedulers:

    - the attributes are set *before* ``super().__init__``, which already takes the first step;
    - ``get_lr`` is chainable: it multiplies the LR in force by the ratio of
      two consecutive multipliers, so a manual edit of the LR, or another
      scheduler in a ``ChainedScheduler``, is kept;
    - ``_get_closed_form_lr`` gives the LR at ``last_epoch`` from the base LR,
      which ``SequentialLR`` uses when it hands over at a milestone;
    - ``step()`` is not overridden: the base class keeps ``last_epoch``,
      ``get_last_lr()`` and the call-order checks right.

    Example::

        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = InverseSqrtLR(opt, warmup_steps=4)
        >>> lrs = []
        >>> for _ in range(6):
        ...     lrs.append(round(opt.param_groups[0]["lr"], 6))
        ...     opt.step()
        ...     sched.step()
        >>> lrs
        [0.025, 0.05, 0.075, 0.1, 0.089443, 0.08165]

    Source: Vaswani et al. (2017), "Attention Is All You Need", eq. (3);
    ``torch.optim.lr_scheduler.LRScheduler``.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, warmup_steps: int, last_epoch: int = -1):
        self.warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)  # before super(): it steps
        super().__init__(optimizer, last_epoch)

    def _multiplier(self, t: int) -> float:
        return formulas.inverse_sqrt_lr(t, 1.0, self.warmup_steps)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            # The first step (also SequentialLR's hand-over without a closed form): scale the LR in force.
            return [group["lr"] * self._multiplier(0) for group in self.optimizer.param_groups]
        ratio = self._multiplier(self.last_epoch) / self._multiplier(self.last_epoch - 1)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self._multiplier(self.last_epoch) for base_lr in self.base_lrs]


# --- a scheduler checker -----------------------------------------------------------------------


def check_scheduler(make_scheduler: Callable, *, steps: int = 100, lr: float = 0.1, closed_form=None,
                    edit_at: int | None = None) -> str:
    r"""Step ``make_scheduler(optimizer)`` and check it behaves like a torch scheduler; raise ``ValueError`` if not.

    Checks, in this order, and names the first one that fails:

    1. ``get_last_lr()`` works and equals the LR in force after every step
       (it fails when ``step()`` is overridden: the base class's ``step`` keeps it);
    2. with ``closed_form`` (a function ``t -> lr``, e.g. ``functools.partial(
       lc.formulas.inverse_sqrt_lr, base_lr=0.1, warmup_steps=10)``), the LR
       at every step equals it (relative tolerance 1e-9);
    3. chaining: after the LR is halved by hand at step ``edit_at`` (default
       ``steps // 2``), the LR at every later step is half of what it was
       without the edit (fails when ``get_lr`` returns the closed form);
    4. ``state_dict()`` can be saved with ``torch.save`` (fails when it holds a lambda);
    5. an exact resume: a fresh optimizer and scheduler loaded from the states
       at ``edit_at`` continue with the same LRs as the run that never stopped.

    Returns a one-line summary when every check passes.

    Example::

        >>> check_scheduler(lambda opt: InverseSqrtLR(opt, warmup_steps=10), steps=50)
        'InverseSqrtLR: get_last_lr, chaining, state_dict and resume are right over 50 steps'
    """
    _checks.callable_("make_scheduler", make_scheduler, "optimizer -> scheduler")
    steps = _checks.positive_int("steps", steps)
    lr = _checks.positive("lr", lr)
    if steps < 2:
        raise ValueError(f"steps must be >= 2 to check chaining and resuming, got {steps}")
    edit_at = steps // 2 if edit_at is None else _checks.positive_int("edit_at", edit_at)
    if edit_at >= steps:
        raise ValueError(f"edit_at must be < steps ({steps}), got {edit_at}")
    if closed_form is not None:
        _checks.callable_("closed_form", closed_form,
                          "t -> lr, such as functools.partial(formulas.inverse_sqrt_lr, ...)")

    def run(edit=False, resume=False):
        opt = _stand_in(lr)
        sched = _checks.scheduler_from("make_scheduler", make_scheduler, opt)
        name = type(sched).__name__
        lrs = []
        for t in range(steps):
            if t == edit_at and resume:
                states = (copy.deepcopy(opt.state_dict()), _saved(sched, name))
                opt = _stand_in(lr)
                sched = _checks.scheduler_from("make_scheduler", make_scheduler, opt)
                opt.load_state_dict(states[0])
                sched.load_state_dict(states[1])
            if t == edit_at and edit:
                for group in opt.param_groups:
                    group["lr"] *= 0.5
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
            try:
                last = sched.get_last_lr()[0]
            except Exception as error:  # noqa: BLE001 - any failure here is the finding
                raise ValueError(
                    f"{name}.get_last_lr() failed after step {t} ({type(error).__name__}: {error}); "
                    "do not override step(): override get_lr and let LRScheduler.step keep the bookkeeping"
                ) from None
            if last != opt.param_groups[0]["lr"]:
                raise ValueError(
                    f"{name}.get_last_lr() says {last:.6g} after step {t}, but the LR in force is "
                    f"{opt.param_groups[0]['lr']:.6g}; do not override step(): override get_lr"
                )
        return name, np.array(lrs)

    name, plain = run()
    if closed_form is not None:
        want = np.asarray([closed_form(t) for t in range(steps)], dtype=float)
        bad = np.flatnonzero(~np.isclose(plain, want, rtol=1e-9, atol=0.0))
        if bad.size:
            t = int(bad[0])
            raise ValueError(f"{name} gives LR {plain[t]:.6g} at step {t}, the closed form {want[t]:.6g}")
    _, edited = run(edit=True)
    after = slice(edit_at, None)
    if not np.allclose(edited[after], 0.5 * plain[after], rtol=1e-9, atol=0.0):
        t = edit_at + int(np.flatnonzero(~np.isclose(edited[after], 0.5 * plain[after], rtol=1e-9))[0])
        raise ValueError(
            f"{name} is not chainable: after the LR was halved by hand at step {edit_at}, the LR at step {t} is "
            f"{edited[t]:.6g}, not {0.5 * plain[t]:.6g}; get_lr must scale the LR in force "
            "(group['lr'] * ratio), and the closed form belongs in _get_closed_form_lr"
        )
    _, resumed = run(resume=True)
    if not np.array_equal(resumed, plain):
        t = int(np.flatnonzero(resumed != plain)[0])
        raise ValueError(
            f"{name} does not resume exactly: after loading the states saved at step {edit_at}, the LR at "
            f"step {t} is {resumed[t]:.6g}, not {plain[t]:.6g}"
        )
    return f"{name}: get_last_lr, chaining, state_dict and resume are right over {steps} steps"


def _stand_in(lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def _saved(scheduler: LRScheduler, name: str) -> dict:
    """The scheduler's state after a round trip through torch.save, as a checkpoint would hold it."""
    buffer = io.BytesIO()
    state = scheduler.state_dict()
    try:
        torch.save(state, buffer)
    except Exception as error:  # noqa: BLE001 - pickle raises several kinds
        callables = sorted(k for k, v in state.items() if callable(v))
        raise ValueError(
            f"{name}.state_dict() cannot be saved ({type(error).__name__}: {error}); it holds the callables "
            f"{callables}: leave them out of state_dict() and rebuild them in load_state_dict(), as SWALR does"
        ) from None
    buffer.seek(0)
    return torch.load(buffer, weights_only=False)


# --- training with averaged weights ------------------------------------------------------------


def is_schedule_free(optimizer) -> bool:
    """Whether ``optimizer`` needs ``optimizer.train()`` before training and ``optimizer.eval()`` before evaluating.

    True for the ``schedulefree`` package's optimizers (``SGDScheduleFree``,
    ``AdamWScheduleFree``, ...): their param groups carry a ``train_mode`` flag.

    >>> is_schedule_free(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1))
    False
    """
    return (
        callable(getattr(optimizer, "train", None))
        and callable(getattr(optimizer, "eval", None))
        and all("train_mode" in group for group in getattr(optimizer, "param_groups", [{}]))
    )


def _has_batch_norm(model: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())


def fit_averaged(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: LRScheduler | None = None,
    *,
    data,
    epochs: int,
    step_per: str = "epoch",
    seed: int = 0,
    swa_start: int | None = None,
    swa_scheduler: LRScheduler | None = None,
    ema_decay: float | None = None,
) -> dict[str, History]:
    r"""Train like :func:`lrcourse.fit`, and evaluate the averaged weights too, after every epoch.

    The loop, for every epoch (``optimizer.train()`` / ``.eval()`` only for a
    schedule-free optimizer)::

        model.train(); optimizer.train()
        for x, y in train_loader:
            optimizer.zero_grad(); loss(model(x), y).backward(); optimizer.step()
            ema.update_parameters(model)                 # with ema_decay: every step
            scheduler.step()                             # step_per="batch", before swa_start
        if epoch >= swa_start:
            swa.update_parameters(model); swa_scheduler.step()   # once per epoch
        elif step_per == "epoch": scheduler.step()
        optimizer.eval(); update_bn(train_loader, swa)   # update_bn only if the model has BatchNorm
        evaluate model, swa, ema

    Returns a dict with a :class:`~lrcourse.History` for ``"final"`` (the
    trained weights), ``"SWA"`` (with ``swa_start``: the live weights until
    averaging starts, then their average) and ``"EMA"`` (with ``ema_decay``:
    ``AveragedModel`` with ``get_ema_multi_avg_fn(ema_decay)``, updated every
    step, buffers included).  All three share ``lr`` and ``train_loss``.

    Example::

        >>> import lrcourse as lc
        >>> model = lc.models.mlp()
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        >>> runs = fit_averaged(model, opt, data=lc.data.digits(), epochs=3, swa_start=1, ema_decay=0.9)
        >>> sorted(runs), runs["SWA"].epochs
        (['EMA', 'SWA', 'final'], 3)

    Args:
        model, optimizer, scheduler: as for :func:`lrcourse.fit`; ``scheduler`` runs until ``swa_start``.
        data, epochs, step_per, seed: as for :func:`lrcourse.fit`.
        swa_start: the epoch (from 0) whose end first adds the weights to the average; ``None``: no SWA.
        swa_scheduler: a scheduler, usually ``SWALR``, stepped once per epoch from ``swa_start`` on.
        ema_decay: the EMA's decay per step, in (0, 1); ``None``: no EMA.

    Source: Izmailov et al. (2018), "Averaging Weights Leads to Wider Optima and Better
    Generalization"; ``torch.optim.swa_utils`` docs; Defazio et al. (2024), "The Road Less
    Scheduled" (train and eval modes).
    """
    train_loader, val_loader = check_data(data)
    epochs = _checks.positive_int("epochs", epochs)
    step_per = _checks.one_of("step_per", step_per, STEP_PER)
    _check_training_objects(model, optimizer, scheduler, step_per)  # the checks fit makes
    _checks.scheduler_on("swa_scheduler", swa_scheduler, optimizer)
    for name, sched in (("scheduler", scheduler), ("swa_scheduler", swa_scheduler)):
        if isinstance(sched, ReduceLROnPlateau):  # fit_averaged has no validation loss to give it
            raise TypeError(f"{name} cannot be ReduceLROnPlateau here: it needs the validation loss; use lrcourse.fit")
    seed = _checks.non_negative_int("seed", seed)
    if swa_start is not None:
        swa_start = _checks.non_negative_int("swa_start", swa_start)
        if swa_start >= epochs:
            raise ValueError(f"swa_start must be < epochs ({epochs}) so that something is averaged, got {swa_start}")
    elif swa_scheduler is not None:
        raise ValueError("swa_scheduler is given without swa_start: say from which epoch to average")
    if ema_decay is not None:
        ema_decay = _checks.in_open_interval("ema_decay", ema_decay, 0.0, 1.0)
    schedule_free = is_schedule_free(optimizer)
    if schedule_free and (scheduler is not None or swa_scheduler is not None):
        raise ValueError("a schedule-free optimizer takes no scheduler: pass scheduler=None (use its warmup_steps)")

    swa = AveragedModel(model) if swa_start is not None else None
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(ema_decay), use_buffers=True) if ema_decay else None
    batch_norm = _has_batch_norm(model)
    views = {"final": model, "SWA": swa, "EMA": ema}
    views = {name: net for name, net in views.items() if net is not None}
    log = {"lr": [], "train_loss": []} | {name: ([], []) for name in views}
    diverged_at = None

    with torch.random.fork_rng(devices=[]), one_cpu_thread():
        for epoch in range(epochs):
            start_epoch(train_loader, seed, epoch)
            model.train()
            if schedule_free:
                optimizer.train()
            loss_sum, samples = 0.0, 0
            for x, y in train_loader:
                loss = F.cross_entropy(model(x), y)
                loss_value = loss.item()
                if not math.isfinite(loss_value):
                    diverged_at = len(log["lr"])
                    break
                log["lr"].append(_lr_in_force(optimizer))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if ema is not None:
                    ema.update_parameters(model)
                averaging = swa is not None and epoch >= swa_start
                if scheduler is not None and step_per == "batch" and not averaging:
                    scheduler.step()
                loss_sum += loss_value * len(y)
                samples += len(y)
            if diverged_at is not None:
                break
            if swa is not None and epoch >= swa_start:
                swa.update_parameters(model)
                if swa_scheduler is not None:
                    swa_scheduler.step()
            elif scheduler is not None and step_per == "epoch":
                scheduler.step()
            if schedule_free:
                optimizer.eval()  # the weights become the average x, the point to evaluate and save
            log["train_loss"].append(loss_sum / samples)
            for name, net in views.items():
                if name == "SWA" and epoch < swa_start:
                    net = model  # nothing averaged yet: the live weights
                elif name == "SWA" and batch_norm:
                    update_bn(train_loader, net)  # the average's own BatchNorm statistics
                val_loss, val_acc = evaluate(net, val_loader)
                log[name][0].append(val_loss)
                log[name][1].append(val_acc)
    if schedule_free:
        optimizer.eval()
    return {
        name: History(
            lr=np.asarray(log["lr"], dtype=float),
            train_loss=np.asarray(log["train_loss"], dtype=float),
            val_loss=np.asarray(log[name][0], dtype=float),
            val_acc=np.asarray(log[name][1], dtype=float),
            steps_per_epoch=len(train_loader),
            diverged_at=diverged_at,
        )
        for name in views
    }


def _lr_in_force(optimizer) -> float:
    """The LR the next ``optimizer.step()`` uses; a schedule-free optimizer scales it during its warm-up."""
    group = optimizer.param_groups[0]
    lr = float(group["lr"])
    warmup = group.get("warmup_steps", 0) if is_schedule_free(optimizer) else 0
    if warmup and group["k"] < warmup:
        lr *= (group["k"] + 1) / warmup
    return lr


def compare_averages(
    scheduler: Callable | None = None,
    *,
    swa_start: int | None = None,
    swa_scheduler: Callable | None = None,
    ema_decay: float | None = None,
    label: str = "",
    model: Callable[..., nn.Module] = models.mlp,
    optimizer: Callable[..., torch.optim.Optimizer] = SGD_MOMENTUM,
    lr: float = 0.1,
    epochs: int,
    seeds=(0, 1, 2),
    data=None,
) -> Comparison:
    """The final weights and their averages, from one run per seed: :func:`fit_averaged` over several seeds.

    For each seed, ``model(seed=seed)`` is trained with ``optimizer(params, lr=lr)``
    and ``scheduler(optimizer)`` (``None``: a constant LR); ``swa_scheduler``
    is a factory too, e.g. ``functools.partial(SWALR, swa_lr=0.05)``.  The
    returned :class:`~lrcourse.Comparison` holds ``"final"``, and ``"SWA"``
    and ``"EMA"`` when asked for, each prefixed with ``label + ": "`` if a
    label is given; merge it with an :func:`lrcourse.compare` result with :func:`merge`.

    Example::

        >>> result = compare_averages(swa_start=1, ema_decay=0.9, label="constant", epochs=2, seeds=(0,))
        >>> result.names
        ['constant: final', 'constant: SWA', 'constant: EMA']
    """
    if scheduler is not None:
        _checks.callable_("scheduler", scheduler, "optimizer -> scheduler, or None for a constant LR")
    if swa_scheduler is not None:
        _checks.callable_("swa_scheduler", swa_scheduler,
                          "optimizer -> scheduler, such as functools.partial(SWALR, swa_lr=0.05)")
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    _checks.callable_("model", model, "seed -> torch.nn.Module")
    _checks.callable_("optimizer", optimizer, "(params, lr=...) -> Optimizer")
    lr = _checks.positive("lr", lr)
    epochs = _checks.positive_int("epochs", epochs)
    seeds = _checks.seeds("seeds", seeds)
    data = data_module.digits() if data is None else data
    histories = {}
    for seed in seeds:
        net = model(seed=seed)
        opt = optimizer(net.parameters(), lr=lr)
        main = None if scheduler is None else _checks.scheduler_from("scheduler", scheduler, opt)
        swa_sched = None if swa_scheduler is None else _checks.scheduler_from("swa_scheduler", swa_scheduler, opt)
        runs = fit_averaged(net, opt, main, data=data, epochs=epochs, seed=seed, swa_start=swa_start,
                            swa_scheduler=swa_sched, ema_decay=ema_decay)
        for name, history in runs.items():
            histories.setdefault(f"{label}: {name}" if label else name, []).append(history)
    return Comparison(histories, seeds, dict.fromkeys(histories, lr), dict.fromkeys(histories, "epoch"), epochs)


def compare_schedule_free(
    optimizers: Mapping,
    *,
    model: Callable[..., nn.Module] = models.mlp,
    lr,
    epochs: int,
    seeds=(0, 1, 2),
    data=None,
) -> Comparison:
    """Train each schedule-free optimizer once per seed, like :func:`lrcourse.compare` (which has no train/eval modes).

    ``optimizers``: a dict name -> factory ``(params, lr=...) -> optimizer``,
    such as ``functools.partial(schedulefree.AdamWScheduleFree, warmup_steps=50)``.
    ``lr``: one float, or a dict naming every optimizer.  Every run is
    evaluated in eval mode, on the averaged weights.  Merge the result with
    an :func:`lrcourse.compare` result with :func:`merge`.
    """
    if not isinstance(optimizers, Mapping) or not optimizers:
        raise TypeError(f"optimizers must be a non-empty dict name -> optimizer factory, got {optimizers!r}")
    for name, make in optimizers.items():
        _checks.callable_(f"optimizers[{name!r}]", make, "(params, lr=...) -> schedule-free optimizer")
    _checks.callable_("model", model, "seed -> torch.nn.Module")
    lrs = _checks.per_name("lr", lr, optimizers, _checks.positive)
    epochs = _checks.positive_int("epochs", epochs)
    seeds = _checks.seeds("seeds", seeds)
    data = data_module.digits() if data is None else data
    histories = {}
    for name, make in optimizers.items():
        histories[name] = []
        for seed in seeds:
            net = model(seed=seed)
            opt = make(net.parameters(), lr=lrs[name])
            if not is_schedule_free(opt):
                raise TypeError(f"optimizers[{name!r}] built {type(opt).__name__}, not a schedule-free optimizer; "
                                "compare ordinary optimizers with lrcourse.compare")
            histories[name].append(fit_averaged(net, opt, data=data, epochs=epochs, seed=seed)["final"])
    return Comparison(histories, seeds, lrs, dict.fromkeys(optimizers, "batch"), epochs)


def merge(*comparisons: Comparison) -> Comparison:
    """One :class:`~lrcourse.Comparison` holding the schedules of several, run on the same seeds and epochs.

    >>> import lrcourse as lc
    >>> a = lc.compare({"a": None}, epochs=1, seeds=(0,))
    >>> b = lc.compare({"b": None}, epochs=1, seeds=(0,), lr=0.05)
    >>> merge(a, b).names
    ['a', 'b']
    """
    if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
        raise TypeError("comparisons must be one or more lrcourse.Comparison objects")
    first = comparisons[0]
    histories, lrs, step_pers = {}, {}, {}
    for c in comparisons:
        if c.seeds != first.seeds or c.epochs != first.epochs:
            raise ValueError(
                f"comparisons must share seeds and epochs to be fair: {list(first.seeds)} x {first.epochs} epochs "
                f"vs {list(c.seeds)} x {c.epochs} epochs"
            )
        clash = set(histories) & set(c.histories)
        if clash:
            raise ValueError(f"comparisons must not repeat a name, got {sorted(clash)} twice")
        histories |= c.histories
        lrs |= c.lr
        step_pers |= c.step_per
    return Comparison(histories, first.seeds, lrs, step_pers, first.epochs)


# --- a model with BatchNorm --------------------------------------------------------------------


def mlp_bn(hidden: int = 64, seed: int = 0, dtype: torch.dtype = DTYPE) -> nn.Sequential:
    """:func:`lrcourse.models.mlp` with a BatchNorm layer after the hidden layer: what ``update_bn`` is for.

    ``Linear(64, hidden) -> BatchNorm1d -> ReLU -> Linear(hidden, 10)``, seeded like the other models.

    >>> model = mlp_bn(seed=1)
    >>> model(torch.zeros(5, 64, dtype=torch.float64)).shape
    torch.Size([5, 10])
    """
    hidden = _checks.positive_int("hidden", hidden)
    seed = _checks.non_negative_int("seed", seed)
    dtype = _checks.float_dtype("dtype", dtype)
    with models.seeded_cpu_rng(seed):
        model = nn.Sequential(
            nn.Flatten(),
            nn.Linear(NUM_FEATURES, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Linear(hidden, NUM_CLASSES),
        )
    return model.to(dtype)
