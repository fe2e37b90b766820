"""Train a model with a scheduler, in one loop a learner can read top to bottom.

:func:`fit` is the loop the lessons show; :class:`History` is what it
records.  Checkpoints hold everything a resumed run needs to continue
exactly as if it had never stopped: model, optimizer and scheduler state,
the epoch, and the History so far.
"""
from __future__ import annotations

import contextlib
import math
import os
import pickle
import tempfile
import types
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from tqdm.auto import tqdm

from . import _checks
from .data import epoch_seed

STEP_PER = ("epoch", "batch")
CHECKPOINT_FORMAT = "lrcourse.fit checkpoint, version 1"


@dataclass(eq=False)
class History:
    """What :func:`fit` recorded.

    ``lr[i]`` is the learning rate (param group 0) in force at optimizer
    step ``i``; ``train_loss``, ``val_loss`` and ``val_acc`` hold one value
    per finished epoch.  ``diverged_at`` is ``None``, or the step whose loss
    was NaN or infinite: the run stopped there, so ``lr`` ends just before
    it and the epoch it happened in is not recorded.
    """

    lr: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    steps_per_epoch: int
    diverged_at: int | None = None

    @property
    def epochs(self) -> int:
        """Number of finished epochs."""
        return len(self.val_acc)

    @property
    def best_val_acc(self) -> float:
        """Highest validation accuracy of any epoch (NaN if no epoch finished)."""
        return float(np.max(self.val_acc)) if self.epochs else math.nan

    @property
    def final_val_acc(self) -> float:
        """Validation accuracy after the last finished epoch (NaN if none finished)."""
        return float(self.val_acc[-1]) if self.epochs else math.nan

    def epochs_to(self, acc: float) -> int | None:
        """How many epochs it took to first reach validation accuracy ``acc``, or ``None`` if it never did.

        >>> h = History(np.zeros(3), np.zeros(3), np.zeros(3), np.array([0.5, 0.9, 0.95]), steps_per_epoch=1)
        >>> h.epochs_to(0.9), h.epochs_to(0.99)
        (2, None)
        """
        acc = _checks.real("acc", acc)
        reached = np.flatnonzero(self.val_acc >= acc)
        return int(reached[0]) + 1 if len(reached) else None

    def plot(self, axes=None):
        """Loss (top) and validation accuracy (bottom) per epoch, with the LR on a twin axis of the top panel.

        The LR is drawn per step at ``step / steps_per_epoch``, so both share
        the epoch axis; a dotted line marks where a run diverged.  ``axes``
        is an optional pair of Axes to draw into.  Returns
        ``(loss_ax, acc_ax, lr_ax)``.
        """
        from .plotting import OKABE_ITO, new_axes, style  # matplotlib stays off the import path

        loss_ax, acc_ax = np.ravel(new_axes(axes, nrows=2, sharex=True, figsize=(7.0, 5.0)))
        epochs = np.arange(1, self.epochs + 1)
        with style():
            loss_ax.plot(epochs, self.train_loss, "o-", color=OKABE_ITO[0], label="train loss")
            loss_ax.plot(epochs, self.val_loss, "o-", color=OKABE_ITO[1], label="validation loss")
            acc_ax.plot(epochs, self.val_acc, "o-", color=OKABE_ITO[2], label="validation accuracy")
            lr_ax = loss_ax.twinx()
            lr_ax.spines["right"].set_visible(True)  # the house style hides it; a twin axis needs it
            loss_ax.set_zorder(lr_ax.get_zorder() + 1)  # the losses in front of the LR curve ...
            loss_ax.patch.set_visible(False)  # ... without hiding it behind their background
            lr_ax.grid(False)
            steps_as_epochs = np.arange(len(self.lr)) / self.steps_per_epoch
            lr_ax.plot(steps_as_epochs, self.lr, color="#777777", linewidth=1.2, label="learning rate")
            lr_ax.set_ylabel("learning rate")
            if self.diverged_at is not None:
                where = self.diverged_at / self.steps_per_epoch
                for ax in (loss_ax, acc_ax):
                    ax.axvline(where, color=OKABE_ITO[3], linestyle=":", label=f"diverged (step {self.diverged_at})")
            loss_ax.set_ylabel("loss")
            acc_ax.set_ylabel("accuracy")
            acc_ax.set_xlabel("epoch")
            handles, labels = loss_ax.get_legend_handles_labels()
            lr_handles, lr_labels = lr_ax.get_legend_handles_labels()
            loss_ax.legend(handles + lr_handles, labels + lr_labels, loc="best")
            acc_ax.legend(loc="best")
        return loss_ax, acc_ax, lr_ax

    def __eq__(self, other) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    def __repr__(self) -> str:
        diverged = "" if self.diverged_at is None else f", diverged_at={self.diverged_at}"
        return (
            f"History(epochs={self.epochs}, steps={len(self.lr)}, final_val_acc={self.final_val_acc:.4f}, "
            f"best_val_acc={self.best_val_acc:.4f}{diverged})"
        )


def check_data(data):
    """Return ``(train_loader, val_loader)`` if ``data`` is a pair of non-empty loaders."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"data must be a pair (train_loader, val_loader), such as lrcourse.data.digits() returns, "
            f"got {type(data).__name__}"
        )
    for i, (loader, role) in enumerate(zip(data, ("training", "validation"))):
        if not (hasattr(loader, "__iter__") and hasattr(loader, "__len__")):
            raise TypeError(
                f"data[{i}] (the {role} loader) must be a DataLoader or another sized iterable of (x, y) batches, "
                f"got {type(loader).__name__}"
            )
        if len(loader) == 0:
            raise ValueError(f"data[{i}] (the {role} loader) is empty: it yields no batches")
    return data[0], data[1]


@torch.no_grad()
def evaluate(model: nn.Module, loader) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``model`` over every batch of ``loader``.

    >>> from lrcourse import data, models
    >>> loss, acc = evaluate(models.mlp(), data.digits()[1])
    >>> 0 <= acc <= 1
    True
    """
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        total_loss += F.cross_entropy(logits, y, reduction="sum")  # summed as tensors: one sync at the end
        correct += (logits.argmax(dim=1) == y).sum()
        count += len(y)
    if count == 0:
        raise ValueError("loader is empty: it yields no batches to evaluate on")
    return float(total_loss) / count, float(correct) / count


def start_epoch(loader, seed: int, epoch: int) -> None:
    """Make epoch ``epoch`` repeatable on its own: same batches, same dropout masks, whatever came before.

    Sets the sampler's epoch (as :class:`lrcourse.data.EpochShuffle` and
    ``DistributedSampler`` expect) and reseeds torch's CPU generator from
    ``(seed, epoch)``, which also fixes the order of a ``shuffle=True`` loader.
    """
    sampler = getattr(loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    torch.default_generator.manual_seed(epoch_seed(seed, epoch))


@contextlib.contextmanager
def one_cpu_thread():
    """Run the block on one CPU thread, then restore torch's thread count.

    The course's models are tiny: one thread trains them fastest (threads
    cost more to coordinate than they save), and the results then do not
    depend on how many cores the machine has, so every laptop reproduces
    the numbers stored in the lessons.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: LRScheduler | None = None,
    *,
    data,
    epochs: int,
    step_per: str = "epoch",
    seed: int = 0,
    progress: bool = True,
    checkpoint_path=None,
    resume_from=None,
) -> History:
    r"""Train ``model`` with cross-entropy for ``epochs`` epochs, stepping ``scheduler`` as told.

    For every batch: forward, loss, backward, ``optimizer.step()``, then
    ``scheduler.step()`` if ``step_per="batch"``.  After every epoch:
    validate, then ``scheduler.step()`` if ``step_per="epoch"`` (for
    ReduceLROnPlateau, ``scheduler.step(val_loss)``).  This is the order
    torch requires since 1.1: the optimizer steps first.

    A loss that becomes NaN or infinite stops the run at that step, with one
    printed line; ``History.diverged_at`` records the step.

    Example::

        >>> import torch, lrcourse as lc
        >>> model = lc.models.mlp()
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        >>> history = lc.fit(model, opt, sched, data=lc.data.digits(), epochs=6, progress=False)
        >>> float(history.lr[0]), len(history.val_acc)
        (0.1, 6)

    Args:
        model, optimizer, scheduler: the scheduler must be built on ``optimizer``; ``None`` keeps the LR fixed.
        data: ``(train_loader, val_loader)``, e.g. :func:`lrcourse.data.digits`.
        epochs: the total number of epochs, counting any already in ``resume_from``.
        step_per: ``"epoch"`` or ``"batch"`` (OneCycleLR and CyclicLR are built for per-batch steps).
        seed: reseeds torch's CPU generator from ``(seed, epoch)`` at every epoch start, so shuffling
            loaders and dropout repeat exactly; the caller's RNG state is restored afterwards.
        progress: show a progress bar over epochs.
        checkpoint_path: if given, save a checkpoint there after every epoch.
        resume_from: a checkpoint to continue from; build a fresh model, optimizer and scheduler
            the same way as the first run, and pass them in.

    Source: the stepping order is the one documented in ``torch.optim``,
    "How to adjust learning rate".
    """
    train_loader, val_loader = check_data(data)
    epochs = _checks.positive_int("epochs", epochs)
    step_per = _checks.one_of("step_per", step_per, STEP_PER)
    seed = _checks.non_negative_int("seed", seed)
    _check_training_objects(model, optimizer, scheduler, step_per)
    if checkpoint_path is not None:
        _check_path("checkpoint_path", checkpoint_path)
        _schedule_function_names(scheduler)  # fail now, not after the first epoch, if a lambda cannot be saved

    run = {"seed": seed, "step_per": step_per, "batches_per_epoch": len(train_loader)}  # a resume must repeat these
    log = {"lr": [], "train_loss": [], "val_loss": [], "val_acc": []}
    first_epoch = 0
    if resume_from is not None:
        log, first_epoch = _resume(resume_from, model, optimizer, scheduler, run, epochs=epochs)

    plateau = isinstance(scheduler, ReduceLROnPlateau)
    diverged_at, divergence_note = None, None
    bar = tqdm(range(first_epoch, epochs), initial=first_epoch, total=epochs, desc="epochs", disable=not progress)
    # fork_rng: start_epoch reseeds torch's generator; the caller gets their own state back.
    with torch.random.fork_rng(devices=[]), one_cpu_thread(), bar:
        for epoch in bar:
            start_epoch(train_loader, seed, epoch)
            model.train()
            loss_sum, samples = 0.0, 0
            for x, y in train_loader:
                if not log["lr"]:
                    _check_same_dtype(model, x)  # before the first step: a clear message, not torch's
                lr = optimizer.param_groups[0]["lr"]
                loss = F.cross_entropy(model(x), y)
                loss_value = loss.item()  # the one sync per step: it is what lets the run stop on divergence
                if not math.isfinite(loss_value):
                    diverged_at, divergence_note = len(log["lr"]), f"the loss is {loss_value}"
                    break
                log["lr"].append(float(lr))
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if scheduler is not None and step_per == "batch":
                    scheduler.step()
                loss_sum += loss_value * len(y)
                samples += len(y)
            if diverged_at is not None:
                break

            val_loss, val_acc = evaluate(model, val_loader)
            if not math.isfinite(val_loss):
                diverged_at, divergence_note = len(log["lr"]), f"the validation loss is {val_loss}"
                break
            log["train_loss"].append(loss_sum / samples)
            log["val_loss"].append(val_loss)
            log["val_acc"].append(val_acc)

            if scheduler is not None and step_per == "epoch":
                if plateau:
                    scheduler.step(val_loss)
                else:
                    scheduler.step()
            if checkpoint_path is not None:
                _save_checkpoint(checkpoint_path, model, optimizer, scheduler, epoch + 1, log, run)
            bar.set_postfix(val_loss=f"{val_loss:.3f}", val_acc=f"{val_acc:.3f}", refresh=False)

    if diverged_at is not None:
        lr_now = optimizer.param_groups[0]["lr"]
        print(f"diverged at step {diverged_at} (lr {lr_now:.3g}): {divergence_note}; stopped")
    return History(
        lr=np.asarray(log["lr"], dtype=float),
        train_loss=np.asarray(log["train_loss"], dtype=float),
        val_loss=np.asarray(log["val_loss"], dtype=float),
        val_acc=np.asarray(log["val_acc"], dtype=float),
        steps_per_epoch=len(train_loader),
        diverged_at=diverged_at,
    )


def _check_training_objects(model, optimizer, scheduler, step_per: str) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if scheduler is None:
        return
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(
            f"scheduler must be a torch.optim.lr_scheduler scheduler or None, got {type(scheduler).__name__}"
        )
    if scheduler.optimizer is not optimizer:
        raise ValueError("scheduler was built on a different optimizer: build it on the optimizer you pass to fit")
    if isinstance(scheduler, ReduceLROnPlateau) and step_per == "batch":
        raise ValueError(
            "step_per='batch' cannot drive ReduceLROnPlateau: it reads the validation loss, "
            "which fit measures once per epoch; use step_per='epoch'"
        )


def _check_same_dtype(model: nn.Module, x: torch.Tensor) -> None:
    weights = next((p for p in model.parameters() if p.is_floating_point()), None)
    if weights is not None and x.is_floating_point() and x.dtype != weights.dtype:
        raise TypeError(
            f"data holds {x.dtype} batches but the model's weights are {weights.dtype}: use one dtype for both, "
            f"e.g. lrcourse.data.digits(dtype=...) and lrcourse.models.mlp(dtype=...) (float64 is the course's default)"
        )


def _check_path(name: str, path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(path).__name__}")
    return Path(path)


# --- checkpoints -------------------------------------------------------------------------------


def _describe_scheduler(scheduler) -> str:
    """``"SequentialLR(LinearLR, CosineAnnealingLR)"``: classes, including the ones a scheduler wraps."""
    if scheduler is None:
        return "no scheduler"
    inner = getattr(scheduler, "_schedulers", None)  # SequentialLR and ChainedScheduler keep them here
    if inner is None:
        return type(scheduler).__name__
    return f"{type(scheduler).__name__}({', '.join(_describe_scheduler(s) for s in inner)})"


def _schedule_functions(scheduler) -> list:
    """The ``lr_lambdas`` of LambdaLR and MultiplicativeLR, also inside SequentialLR or ChainedScheduler."""
    if scheduler is None:
        return []
    inner = getattr(scheduler, "_schedulers", None)
    if inner is not None:
        return [fn for s in inner for fn in _schedule_functions(s)]
    return list(getattr(scheduler, "lr_lambdas", []))


def _schedule_function_names(scheduler) -> list[str]:
    """Name every schedule function, after checking that pickle can save it.

    torch's ``LambdaLR.state_dict()`` silently leaves plain functions out, so a
    checkpoint cannot say which schedule it was written with.  A function
    pickle can save is one that a name (module-level function) or its own
    attributes (callable object) recreate; a lambda or a closure is neither,
    and resuming with it could silently follow a different schedule.
    """
    names = []
    for fn in _schedule_functions(scheduler):
        try:
            pickle.dumps(fn)
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            raise TypeError(_unsaveable_message(f"the scheduler's lr_lambda {_qualname(fn)!r}", err)) from err
        owner = fn if isinstance(fn, types.FunctionType) else type(fn)
        names.append(f"{owner.__module__}.{owner.__qualname__}")
    return names


def _qualname(fn) -> str:
    return getattr(fn, "__qualname__", type(fn).__qualname__)


def _unsaveable_message(what: str, err) -> str:
    return (
        f"checkpoint_path: {what} cannot be saved in a checkpoint ({err}). Plain lambdas and closures "
        "do not pickle: define the schedule as a module-level function "
        "(def warmup(epoch): return min(1.0, (epoch + 1) / 5)) or as an instance of a callable class "
        "(class Warmup: ... def __call__(self, epoch): ...) and pass that to LambdaLR."
    )


def _save_checkpoint(path, model, optimizer, scheduler, epoch, log, run: dict) -> None:
    """Write the checkpoint to a temporary file, then rename it: a crash mid-write never leaves half a file."""
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "epoch": epoch,
        "run": run,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "optimizer_class": type(optimizer).__name__,
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "scheduler_class": _describe_scheduler(scheduler),
        "schedule_functions": _schedule_function_names(scheduler),
        "history": log,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        # A callable object given to LambdaLR is saved through its attributes; one of them does not pickle.
        raise TypeError(_unsaveable_message(f"the state of {_describe_scheduler(scheduler)}", err)) from err
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _load_checkpoint(resume_from) -> dict:
    path = _check_path("resume_from", resume_from)
    if not path.is_file():
        raise FileNotFoundError(f"resume_from={str(path)!r}: no such file; pass the checkpoint_path of an earlier fit")
    try:
        # weights_only=True: fit saves only tensors and plain Python values (the History as lists), which
        # the restricted unpickler reads; full unpickling could run code hidden in a file from elsewhere.
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as err:
        raise ValueError(f"resume_from={str(path)!r} is not a checkpoint written by lrcourse.fit ({err})") from err
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"resume_from={str(path)!r} is not a checkpoint written by lrcourse.fit")
    return checkpoint


def _model_mismatch(saved: dict, current: dict) -> str | None:
    missing = sorted(current.keys() - saved.keys())
    unexpected = sorted(saved.keys() - current.keys())
    reshaped = [
        f"{key}: checkpoint {tuple(saved[key].shape)}, model {tuple(current[key].shape)}"
        for key in current.keys() & saved.keys()
        if saved[key].shape != current[key].shape
    ]
    problems = []
    if missing:
        problems.append(f"model keys not in the checkpoint {missing}")
    if unexpected:
        problems.append(f"checkpoint keys not in the model {unexpected}")
    if reshaped:
        problems.append("model shapes differ for " + "; ".join(sorted(reshaped)))
    return "; ".join(problems) or None


def _optimizer_mismatch(checkpoint: dict, optimizer) -> str | None:
    if checkpoint["optimizer_class"] != type(optimizer).__name__:
        return f"optimizer class: checkpoint has {checkpoint['optimizer_class']}, got {type(optimizer).__name__}"
    saved_sizes = [len(group["params"]) for group in checkpoint["optimizer"]["param_groups"]]
    sizes = [len(group["params"]) for group in optimizer.param_groups]
    if saved_sizes != sizes:
        return f"optimizer param groups: checkpoint has parameters per group {saved_sizes}, got {sizes}"
    return None


def _scheduler_mismatch(checkpoint: dict, scheduler) -> str | None:
    if checkpoint["scheduler_class"] != _describe_scheduler(scheduler):
        return f"scheduler class: checkpoint has {checkpoint['scheduler_class']}, got {_describe_scheduler(scheduler)}"
    functions = _schedule_function_names(scheduler)
    if checkpoint["schedule_functions"] != functions:
        return f"scheduler lr_lambda: checkpoint has {checkpoint['schedule_functions']}, got {functions}"
    return None


def _resume(resume_from, model, optimizer, scheduler, run: dict, *, epochs: int) -> tuple[dict, int]:
    """Check that the checkpoint fits these objects, then load it into them; return the log and the epoch."""
    checkpoint = _load_checkpoint(resume_from)
    if epochs <= checkpoint["epoch"]:
        raise ValueError(
            f"epochs={epochs} is the total number of epochs, and resume_from already holds {checkpoint['epoch']}: "
            f"ask for more than {checkpoint['epoch']}"
        )
    where = f"resume_from={str(resume_from)!r} was written for a different run"
    model_problem = _model_mismatch(checkpoint["model"], model.state_dict())
    if model_problem:
        raise ValueError(f"{where}: {model_problem}")
    for problem in (_optimizer_mismatch(checkpoint, optimizer), _scheduler_mismatch(checkpoint, scheduler)):
        if problem:
            raise ValueError(f"{where}: {problem}")
    for name, value in run.items():
        if checkpoint["run"][name] != value:
            raise ValueError(f"{where}: {name}={checkpoint['run'][name]!r} there, {name}={value!r} here; use the same")
    # Everything matched: only now change the caller's objects.
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    return checkpoint["history"], checkpoint["epoch"]
