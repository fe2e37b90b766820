"""The learning-rate range test: sweep the LR upwards over about a hundred batches and watch the loss.

Train for one short run while the LR grows exponentially from tiny to huge.
At first the loss barely moves, then it falls, then it blows up.  A good
starting LR lies on the steep fall, well before the blow-up.
"""
from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import _checks
from ._loop import check_data, check_same_dtype, one_cpu_thread, start_epoch


@dataclass(eq=False)
class LRFinderResult:
    """What :func:`lr_find` saw: one row per step of the sweep.

    ``lrs[i]`` is the LR of step ``i``, ``raw_losses[i]`` the training loss
    of its batch and ``losses[i]`` the bias-corrected exponential moving
    average of the raw losses.  ``suggestion`` is the LR where ``losses``
    falls fastest per decade of LR, found at index ``suggestion_step``;
    ``how`` says so in one sentence.
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggestion: float
    suggestion_step: int
    how: str

    def plot(self, ax=None):
        """Smoothed and raw loss against the LR on a log axis, with the suggestion marked. Returns the Axes."""
        from .plotting import OKABE_ITO, new_axes, style  # matplotlib stays off the import path

        ax = new_axes(ax)
        with style():
            ax.plot(self.lrs, self.raw_losses, color=OKABE_ITO[0], alpha=0.3, linewidth=1, label="loss (raw)")
            ax.plot(self.lrs, self.losses, color=OKABE_ITO[0], label="loss (smoothed)")
            ax.axvline(self.suggestion, color=OKABE_ITO[1], linestyle="--", linewidth=1)
            ax.plot(
                [self.suggestion],
                [self.losses[self.suggestion_step]],
                "o",
                color=OKABE_ITO[1],
                label=f"suggestion {self.suggestion:.2g}",
            )
            ax.set_ylim(*self._loss_range())
            ax.set_xscale("log")
            ax.set_xlabel("learning rate (log scale)")
            ax.set_ylabel("training loss")
            ax.set_title("LR range test")
            ax.legend(loc="best")
        return ax

    def _loss_range(self) -> tuple[float, float]:
        """Y limits that show the fall in detail: the blow-up at the end would flatten it, so clip at 1.5x the start."""
        low = min(self.raw_losses.min(), self.losses.min())
        high = min(max(self.raw_losses.max(), self.losses.max()), 1.5 * self.losses[0])
        pad = 0.05 * (high - low) if high > low else 0.05 * abs(high) + 1e-12
        return low - pad, high + pad

    def __repr__(self) -> str:
        return f"LRFinderResult(suggestion={self.suggestion:.3g}, steps={len(self.lrs)})"


def _endless_batches(loader):
    """The loader's batches, pass after pass, each pass shuffled as epoch ``pass`` of seed 0 would be."""
    for sweep_pass in itertools.count():
        start_epoch(loader, seed=0, epoch=sweep_pass)
        yield from loader


def _steepest_descent(lrs: np.ndarray, losses: np.ndarray) -> tuple[int, str]:
    """Index of the steepest fall of ``losses`` against log10(lr), and a sentence saying how it was found."""
    n = len(lrs)
    if n < 3:
        return 0, (
            f"the sweep stopped after {n} step(s), too few to measure a slope, so this is start_lr; "
            "lower start_lr and end_lr and try again"
        )
    # The first points are noisy (the average has seen few batches) and the last ones are the blow-up:
    # skip the first 10% and the last 5% when enough points remain (fastai skips a tenth and five points).
    first, last = n // 10, n - n // 20
    if last - first < 3:
        first, last = 0, n
    slopes = np.gradient(losses[first:last], np.log10(lrs[first:last]))
    best = first + int(np.argmin(slopes))
    slope = slopes[best - first]
    if slope >= 0:
        return best, (
            f"the smoothed loss never fell (smallest slope {slope:+.3g} per decade of LR, at step {best} of {n}); "
            "this LR is a guess: lower start_lr and try again"
        )
    return best, (
        f"steepest descent of the smoothed loss: it fell fastest ({slope:.3g} per decade of LR) at lr {lrs[best]:.2g}, "
        f"step {best} of {n}, ignoring the first {first} and last {n - last} steps as noise and blow-up"
    )


def lr_find(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    data,
    start_lr: float = 1e-7,
    end_lr: float = 10,
    num_steps: int = 100,
    smooth: float = 0.05,
    diverge: float = 5.0,
) -> LRFinderResult:
    r"""Leslie Smith's LR range test: train briefly while the LR grows exponentially, and record the loss.

    .. math::
        \text{lr}_i = \text{start\_lr} \cdot (\text{end\_lr} / \text{start\_lr})^{i / (\text{num\_steps} - 1)}

    .. math::
        a_i = (1 - s)\, a_{i-1} + s\, \ell_i, \qquad \bar\ell_i = \frac{a_i}{1 - (1 - s)^{i + 1}}

    with ``s = smooth``, ``a_{-1} = 0`` and ``\ell_i`` the loss of batch ``i``; the division corrects the
    average's bias towards its zero start.  The sweep stops early once
    ``\bar\ell_i > diverge \cdot \min_{j \le i} \bar\ell_j`` (or a loss is not finite).  Training batches
    are reused pass after pass if ``num_steps`` exceeds one epoch.  Afterwards the model and the optimizer
    are put back exactly as they were (weights, momentum buffers, LRs, train/eval mode).

    Example::

        >>> import torch, lrcourse as lc
        >>> model = lc.models.mlp()
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> result = lc.lr_find(model, opt, lc.data.digits())
        >>> 1e-7 <= result.suggestion <= 10
        True

    Args:
        model, optimizer: what to test; every param group gets the swept LR.
        data: ``(train_loader, val_loader)``; only the training batches are used.
        start_lr, end_lr: the ends of the sweep, ``0 < start_lr < end_lr``.
        num_steps: LRs to try, one batch each (at least 2).
        smooth: weight of the newest loss in the moving average, in (0, 1]; 1 turns smoothing off.
        diverge: stop once the smoothed loss exceeds this multiple of its best (> 1).

    Source: L. N. Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017,
    section 3.3 (the range test, with a linear sweep); the exponential sweep, the bias-corrected
    smoothing and the stopping rule are adapted from S. Gugger, "How Do You Find A Good Learning
    Rate" (2017), and fastai's ``lr_find``.  The sweep's defaults are theirs (1e-7 to 10 in 100
    steps); two others differ: the newest loss weighs ``smooth=0.05`` here, 0.02 there (their
    ``beta=0.98``), and the sweep stops at ``diverge=5`` times the best smoothed loss, 4 times there.
    The suggestion, the steepest fall, is like fastai's ``steep`` (``_steepest_descent`` says which points it skips).
    """
    train_loader, _ = check_data(data)
    _checks.torch_module("model", model)
    _checks.torch_optimizer("optimizer", optimizer)
    start_lr = _checks.positive("start_lr", start_lr)
    end_lr = _checks.positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be greater than start_lr, got start_lr={start_lr:g}, end_lr={end_lr:g}")
    num_steps = _checks.positive_int("num_steps", num_steps)
    if num_steps < 2:
        raise ValueError(f"num_steps must be at least 2 (a sweep needs two LRs), got {num_steps}")
    smooth = _checks.real("smooth", smooth)
    if not 0 < smooth <= 1:
        raise ValueError(f"smooth must be in (0, 1] (the weight of the newest loss), got {smooth}")
    diverge = _checks.real("diverge", diverge)
    if diverge <= 1:
        raise ValueError(f"diverge must be > 1 (a multiple of the best smoothed loss), got {diverge}")

    sweep_lrs = np.geomspace(start_lr, end_lr, num_steps)
    lrs, raw_losses, losses = _sweep(model, optimizer, train_loader, sweep_lrs, smooth, diverge)
    if not lrs:
        raise ValueError(
            f"the loss was not finite at the first step (lr {start_lr:g}), before the sweep began: "
            "check the model and the data"
        )
    lrs, raw_losses, losses = np.array(lrs), np.array(raw_losses), np.array(losses)
    step, how = _steepest_descent(lrs, losses)
    return LRFinderResult(lrs, losses, raw_losses, suggestion=float(lrs[step]), suggestion_step=step, how=how)


def _sweep(model, optimizer, loader, sweep_lrs, smooth: float, diverge: float):
    """Run the sweep on the real model and optimizer, then restore both from deep copies."""
    saved_model = copy.deepcopy(model.state_dict())
    saved_optimizer = copy.deepcopy(optimizer.state_dict())
    saved_grads = [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    was_training = model.training
    sampler_epoch = getattr(getattr(loader, "sampler", None), "epoch", None)
    lrs, raw_losses, losses = [], [], []
    average, best = 0.0, math.inf
    try:
        # fork_rng: the sweep reseeds torch's generator per pass; the caller's state comes back afterwards.
        with torch.random.fork_rng(devices=[]), one_cpu_thread():
            model.train()
            batches = _endless_batches(loader)
            for step, lr in enumerate(sweep_lrs):
                x, y = next(batches)
                if step == 0:
                    check_same_dtype(model, x)  # before the first step: a clear message, not torch's
                for group in optimizer.param_groups:
                    group["lr"] = float(lr)
                loss = F.cross_entropy(model(x), y)
                raw = loss.item()
                if not math.isfinite(raw):
                    break
                average = (1 - smooth) * average + smooth * raw
                smoothed = average / (1 - (1 - smooth) ** (step + 1))
                lrs.append(float(lr))
                raw_losses.append(raw)
                losses.append(smoothed)
                if smoothed > diverge * best:
                    break
                best = min(best, smoothed)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
    finally:
        model.load_state_dict(saved_model)
        optimizer.load_state_dict(saved_optimizer)
        for param, grad in zip(model.parameters(), saved_grads):
            param.grad = grad
        model.train(was_training)
        if sampler_epoch is not None:
            loader.sampler.set_epoch(sampler_epoch)
    return lrs, raw_losses, losses
