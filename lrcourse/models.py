"""Two small models for the 8x8 digits, each built from a seed.

Both accept a batch of flattened images ``(batch, 64)``, as
:func:`lrcourse.data.digits` gives them, or of images ``(batch, 1, 8, 8)``,
and return ``(batch, 10)`` logits.  Their weights are float64 by default, like
the data of :func:`lrcourse.data.digits`, so that a run gives the same numbers
on every CPU (the data module says why).
"""
from __future__ import annotations

import contextlib

import torch
from torch import nn

from . import _checks
from .data import DTYPE, IMAGE_SHAPE, NUM_CLASSES, NUM_FEATURES


@contextlib.contextmanager
def seeded_cpu_rng(seed: int):
    """Run the block with torch's CPU generator seeded, then put the caller's RNG state back.

    The caller's own random numbers are not shifted by building a model, so
    adding a ``mlp()`` cell to a notebook does not change what later cells draw.
    """
    # devices=[]: only the CPU generator is saved and restored, and only it is seeded
    # (torch.manual_seed would also seed, and leave changed, any CUDA generators).
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        yield


class AsImages(nn.Module):
    """Reshape ``(batch, 64)`` or ``(batch, 1, 8, 8)`` input to ``(batch, 1, 8, 8)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(len(x), *IMAGE_SHAPE)


def mlp(hidden: int = 64, seed: int = 0, dtype: torch.dtype = DTYPE) -> nn.Sequential:
    r"""A one-hidden-layer perceptron: ``Linear(64, hidden) -> ReLU -> Linear(hidden, 10)``.

    Weights use torch's default initialisation, drawn from a generator seeded
    with ``seed`` (in float32, then converted to ``dtype``, so both dtypes
    start from the same weights); the global RNG state is left as it was.

    Example::

        >>> model = mlp(hidden=32, seed=1)
        >>> model(torch.zeros(5, 64, dtype=torch.float64)).shape
        torch.Size([5, 10])
        >>> torch.equal(mlp(seed=1)[1].weight, mlp(seed=1)[1].weight)
        True
        >>> mlp()[1].weight.dtype
        torch.float64
    """
    hidden = _checks.positive_int("hidden", hidden)
    seed = _checks.non_negative_int("seed", seed)
    dtype = _checks.float_dtype("dtype", dtype)
    with seeded_cpu_rng(seed):
        model = nn.Sequential(
            nn.Flatten(),  # accepts images as well as flat vectors
            nn.Linear(NUM_FEATURES, hidden),
            nn.ReLU(),
            nn.Linear(hidden, NUM_CLASSES),
        )
    return model.to(dtype)


def small_cnn(seed: int = 0, dtype: torch.dtype = DTYPE) -> nn.Sequential:
    r"""A two-convolution network for 8x8 images (about 6k parameters).

    ``conv 3x3 (16) -> ReLU -> max-pool 2 -> conv 3x3 (32) -> ReLU -> max-pool 2 -> Linear(128, 10)``;
    the feature maps shrink 8x8 -> 4x4 -> 2x2.  Seeded and typed like :func:`mlp`.

    Example::

        >>> model = small_cnn(seed=0)
        >>> model(torch.zeros(5, 1, 8, 8, dtype=torch.float64)).shape
        torch.Size([5, 10])
    """
    seed = _checks.non_negative_int("seed", seed)
    dtype = _checks.float_dtype("dtype", dtype)
    with seeded_cpu_rng(seed):
        model = nn.Sequential(
            AsImages(),
            nn.Conv2d(1, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 2 * 2, NUM_CLASSES),
        )
    return model.to(dtype)
