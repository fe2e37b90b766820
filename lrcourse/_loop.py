"""What every training loop of the course does the same way: check its data, seed each epoch, run on one thread.

:func:`lrcourse.fit`, :func:`lrcourse.lr_find`, the averaging helpers and the
DDP workers share these, so that each rule is written once.
"""
from __future__ import annotations

import contextlib

import torch
from torch import nn

from .data import epoch_seed


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


def check_same_dtype(model: nn.Module, x: torch.Tensor) -> None:
    """Raise a TypeError that names the fix if the batch ``x`` and the model's weights differ in dtype.

    Called before the first step: torch's own message ("mat1 and mat2 must have
    the same dtype") does not say where the two dtypes came from.
    """
    weights = next((p for p in model.parameters() if p.is_floating_point()), None)
    if weights is not None and x.is_floating_point() and x.dtype != weights.dtype:
        raise TypeError(
            f"data holds {x.dtype} batches but the model's weights are {weights.dtype}: use one dtype for both, "
            f"e.g. lrcourse.data.digits(dtype=...) and lrcourse.models.mlp(dtype=...) (float64 is the course's default)"
        )


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
