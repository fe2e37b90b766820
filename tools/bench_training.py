"""Speed of the training lab on the 8x8 digits: ``bench()`` gives the rows ``make bench`` prints.

Times are the best of three runs after one warm-up run (the least disturbed
by whatever else the machine does); the arrays are loaded before timing.
torch keeps its default thread count, as in the lessons.
"""
from __future__ import annotations

import functools
import time

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, OneCycleLR

from lrcourse import data, models
from lrcourse.comparison import compare
from lrcourse.lr_finder import lr_find
from lrcourse.training import fit

EPOCHS = 10
LR_FIND_STEPS = 100
REPEATS = 3


def _best_time(run, repeats: int = REPEATS) -> float:
    run()  # warm-up: first calls pay for lazy initialisation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _fit_one_cycle(loaders, dtype=torch.float64) -> None:
    model = models.mlp(dtype=dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=0.2, epochs=EPOCHS, steps_per_epoch=len(loaders[0]))
    fit(model, optimizer, scheduler, data=loaders, epochs=EPOCHS, step_per="batch", progress=False)


def _lr_find(loaders) -> None:
    model = models.mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    # end_lr=1e-2 stays below the blow-up, so all 100 steps run and the time is for the full sweep.
    result = lr_find(model, optimizer, loaders, end_lr=1e-2, num_steps=LR_FIND_STEPS)
    assert len(result.lrs) == LR_FIND_STEPS


def _compare(loaders) -> None:
    schedules = {"constant": None, "cosine": functools.partial(CosineAnnealingLR, T_max=EPOCHS)}
    compare(schedules, epochs=EPOCHS, seeds=(0, 1, 2), data=loaders)


def bench() -> list[tuple[str, float, str]]:
    """``(name, seconds, note)`` for fit, compare and lr_find on the digits."""
    loaders = data.digits()
    fit_seconds = _best_time(lambda: _fit_one_cycle(loaders))
    loaders32 = data.digits(dtype=torch.float32)
    fit32_seconds = _best_time(lambda: _fit_one_cycle(loaders32, dtype=torch.float32))
    samples = EPOCHS * len(loaders[0].dataset)
    compare_seconds = _best_time(lambda: _compare(loaders), repeats=1)
    find_seconds = _best_time(lambda: _lr_find(loaders))
    return [
        (
            f"fit: MLP, {EPOCHS} epochs, OneCycleLR per batch, float64 (the default)",
            fit_seconds,
            f"{samples / fit_seconds:,.0f} training samples/s, validation included; goal < 1 s",
        ),
        (
            "the same in float32",
            fit32_seconds,
            f"float64 costs {fit_seconds / fit32_seconds:.2f}x; float32 results depend on the CPU",
        ),
        (f"compare: 2 schedules x 3 seeds x {EPOCHS} epochs", compare_seconds, "6 runs of fit"),
        (f"lr_find: MLP, {LR_FIND_STEPS} steps", find_seconds, "goal < 2 s"),
    ]


if __name__ == "__main__":
    for name, seconds, note in bench():
        print(f"{name}: {seconds:.2f} s ({note})")
