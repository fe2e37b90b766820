"""Train a model with a scheduler, in one loop a learner can read top to bottom.

:func:`fit` is the loop the lessons show; :class:`History` is what it
records; :func:`evaluate` measures a model on a loader.  Saving and resuming
runs live in :mod:`lrcourse.checkpoint`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from tqdm.auto import tqdm

from . import _checks, checkpoint
from ._loop import check_data, check_same_dtype, one_cpu_thread, start_epoch

STEP_PER = ("epoch", "batch")


@dataclass(eq=False)
class History:
    """What :func:`fit` recorded.

    ``lr[i]`` is the learning rate (param group 0) in force at optimizer
    step ``i``; ``train_loss``, ``val_loss`` and ``val_acc`` hold one value
    per finished epoch.  ``diverged_at`` is ``None``, or the step whose loss
    was NaN or infinite (when it is the validation loss, the step after the
    epoch's last): the run stopped there, so ``lr`` ends just before it and
    the epoch it happened in is not recorded.
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

    A training or validation loss that becomes NaN or infinite stops the
    run there, with one printed line; ``History.diverged_at`` records the step.

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
        _checks.file_path("checkpoint_path", checkpoint_path)
        checkpoint.schedule_function_names(scheduler)  # fail now, not after an epoch, if a lambda cannot be saved

    run = {"seed": seed, "step_per": step_per, "batches_per_epoch": len(train_loader)}  # a resume must repeat these
    log = {"lr": [], "train_loss": [], "val_loss": [], "val_acc": []}
    first_epoch = 0
    if resume_from is not None:
        log, first_epoch = checkpoint.resume(resume_from, model, optimizer, scheduler, run, epochs=epochs)

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
                    check_same_dtype(model, x)  # before the first step: a clear message, not torch's
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
                checkpoint.save(checkpoint_path, model, optimizer, scheduler, epoch=epoch + 1, log=log, run=run)
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
    """The checks of ``fit``'s model, optimizer and scheduler (``fit_averaged`` makes the same ones)."""
    _checks.torch_module("model", model)
    _checks.torch_optimizer("optimizer", optimizer)
    _checks.scheduler_on("scheduler", scheduler, optimizer)
    if isinstance(scheduler, ReduceLROnPlateau) and step_per == "batch":
        raise ValueError(
            "step_per='batch' cannot drive ReduceLROnPlateau: it reads the validation loss, "
            "which fit measures once per epoch; use step_per='epoch'"
        )
