"""The course's data set: scikit-learn's bundled 8x8 handwritten digits.

1,797 greyscale images of the digits 0-9, 8x8 pixels each, shipped inside
scikit-learn (nothing to download).  Small enough that a whole training run
takes about a second on a laptop CPU, big enough that the learning rate
visibly matters.

Why float64: float32 training on a CPU gives results that depend on the CPU.
torch picks its kernels by instruction set (AVX-512, AVX2, plain x86, ARM)
and BLAS library (MKL, OpenBLAS), and each sums in its own order, so the
last bits differ; a run near the edge of stability amplifies them into
different accuracies.  In float64 those last-bit differences stay about
1e-16 and every printed digit of the course is the same on every CPU.  The
task is small enough that the cost is a few milliseconds per epoch.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
from torch.utils.data import BatchSampler, DataLoader, Sampler, SequentialSampler, TensorDataset

from . import _checks

DTYPE = torch.float64  # see the module docstring: the same numbers on every CPU
NUM_FEATURES = 64  # 8 x 8 pixels, flattened
NUM_CLASSES = 10
IMAGE_SHAPE = (1, 8, 8)


def epoch_seed(seed: int, epoch: int) -> int:
    """A seed for one epoch, derived from ``(seed, epoch)`` alone.

    Deriving it afresh each epoch (instead of drawing from one running
    generator) is what lets a run resumed at epoch ``k`` see exactly the
    batches the uninterrupted run saw.
    """
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


class EpochShuffle(Sampler[int]):
    """Sample ``range(n)`` in an order that depends only on ``(seed, epoch)``.

    Call :meth:`set_epoch` before each epoch, as with
    ``torch.utils.data.distributed.DistributedSampler``; :func:`lrcourse.fit`
    does this for you.

    Example::

        >>> sampler = EpochShuffle(5, seed=0)
        >>> sampler.set_epoch(3)
        >>> sorted(sampler)
        [0, 1, 2, 3, 4]
    """

    def __init__(self, n: int, seed: int = 0):
        self.n = _checks.positive_int("n", n)
        self.seed = _checks.non_negative_int("seed", seed)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = _checks.non_negative_int("epoch", epoch)

    def __iter__(self):
        order = np.random.default_rng(epoch_seed(self.seed, self.epoch)).permutation(self.n)
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.n


class ShuffledBatches(BatchSampler):
    """Batches of indices in :class:`EpochShuffle`'s order, for a ``DataLoader`` with ``batch_size=None``.

    Handing the ``DataLoader`` whole batches of indices lets it read each
    batch from a ``TensorDataset`` in one indexing, instead of reading one
    image at a time and stacking them: on a task this small that bookkeeping
    costs more than the training step.  The batches hold the same images in
    the same order either way.  ``set_epoch`` reaches the shuffle inside.
    """

    def __init__(self, n: int, batch_size: int, seed: int = 0):
        super().__init__(EpochShuffle(n, seed), batch_size, drop_last=False)

    @property
    def epoch(self) -> int:
        return self.sampler.epoch

    def set_epoch(self, epoch: int) -> None:
        self.sampler.set_epoch(epoch)


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The raw images (1797, 64) and labels (1797,), read once per process."""
    from sklearn.datasets import load_digits  # scikit-learn is only needed here

    images, labels = load_digits(return_X_y=True)
    images, labels = images.astype(np.float64), labels.astype(np.int64)
    images.flags.writeable = labels.flags.writeable = False  # shared by every call: nobody may edit them
    return images, labels


def _stratified_split(labels: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and validation samples, each class split in the same proportion."""
    from sklearn.model_selection import train_test_split

    n_classes = len(np.unique(labels))
    n_val = round(val_fraction * len(labels))
    if not n_classes <= n_val <= len(labels) - n_classes:
        raise ValueError(
            f"val_fraction={val_fraction} leaves {n_val} of {len(labels)} images for validation; a stratified "
            f"split needs at least {n_classes} (one per class) on each side: use a value between about 0.01 and 0.99"
        )
    indices = np.arange(len(labels))
    train_idx, val_idx = train_test_split(indices, test_size=n_val, stratify=labels, random_state=seed)
    return np.sort(train_idx), np.sort(val_idx)


def _classes(value) -> np.ndarray:
    """Check ``classes``: ``None`` (all ten digits) or distinct digits 0-9, at least two."""
    if value is None:
        return np.arange(NUM_CLASSES)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"classes must be None or a sequence of digits 0-9, got {value!r}")
    values = list(value)  # once: a generator can be read only once
    if any(isinstance(c, bool) or not isinstance(c, (int, np.integer)) for c in values):
        raise TypeError(f"classes must be None or a sequence of digits 0-9 (ints), got {value!r}")
    digits_ = [int(c) for c in values]
    if len(set(digits_)) != len(digits_) or len(digits_) < 2 or not all(0 <= c < NUM_CLASSES for c in digits_):
        raise ValueError(f"classes must hold at least two distinct digits between 0 and 9, got {value!r}")
    return np.asarray(sorted(digits_))


def digits(
    batch_size: int = 64, val_fraction: float = 0.2, seed: int = 0, dtype: torch.dtype = DTYPE, classes=None
) -> tuple[DataLoader, DataLoader]:
    r"""The 8x8 digits as a ``(train_loader, val_loader)`` pair of standardised tensors.

    .. math::
        x' = \frac{x - \mu_\text{train}}{\sigma_\text{train}} \quad \text{per pixel}

    Mean and standard deviation come from the training split only, so no
    information leaks from the validation images (pixels that are constant in
    the training split are only centred).  Batches are ``(x, y)`` with ``x`` of
    shape ``(batch, 64)``, float64 (see the module docstring), and ``y`` of shape ``(batch,)``, int64
    class labels.  The split is stratified and fixed by ``seed``; the
    training order is reshuffled every epoch by :class:`EpochShuffle`, so it
    depends only on ``(seed, epoch)``.  The validation loader never shuffles.

    Example::

        >>> train, val = digits(batch_size=64)
        >>> len(train.dataset), len(val.dataset)
        (1438, 359)
        >>> x, y = next(iter(train))
        >>> tuple(x.shape), x.dtype, tuple(y.shape)
        ((64, 64), torch.float64, (64,))
        >>> later, _ = digits(classes=(5, 6, 7, 8, 9))  # a task of its own: fine-tune on the digits 5-9
        >>> len(later.dataset), sorted(set(later.dataset.tensors[1].tolist()))
        (717, [5, 6, 7, 8, 9])

    Args:
        batch_size: images per batch (both loaders).
        val_fraction: share of the images held out for validation, in (0, 1).
        seed: fixes the split and the per-epoch shuffles.
        dtype: ``torch.float64`` (the default, the same results on every CPU) or ``torch.float32``
            (faster on large models, but the last bits, and so chaotic runs, depend on the CPU).
        classes: ``None`` for all ten digits, or the digits to keep, such as ``(0, 1, 2, 3, 4)``;
            labels stay the digits themselves, so a 10-way model reads them unchanged.
            Only the kept images are split and standardised.

    Source: Alpaydin & Kaynak (1998), UCI "Optical Recognition of Handwritten
    Digits", as bundled by ``sklearn.datasets.load_digits``.
    """
    batch_size = _checks.positive_int("batch_size", batch_size)
    val_fraction = _checks.in_open_interval("val_fraction", val_fraction, 0.0, 1.0)
    seed = _checks.non_negative_int("seed", seed)
    dtype = _checks.float_dtype("dtype", dtype)
    kept = _classes(classes)

    images, labels = _digits_arrays()
    if classes is not None:
        chosen = np.isin(labels, kept)
        images, labels = images[chosen], labels[chosen]
    train_idx, val_idx = _stratified_split(labels, val_fraction, seed)
    mean = images[train_idx].mean(axis=0)
    std = images[train_idx].std(axis=0)
    std[std == 0] = 1.0  # the border pixels are blank in every image: centre them, don't divide by zero
    standardised = (images - mean) / std

    def tensors(idx):
        return TensorDataset(torch.from_numpy(standardised[idx]).to(dtype), torch.from_numpy(labels[idx]))

    train_set, val_set = tensors(train_idx), tensors(val_idx)
    # batch_size=None: the samplers below yield whole batches of indices (see ShuffledBatches).
    train_loader = DataLoader(train_set, batch_size=None, sampler=ShuffledBatches(len(train_set), batch_size, seed))
    in_order = BatchSampler(SequentialSampler(val_set), batch_size, drop_last=False)
    val_loader = DataLoader(val_set, batch_size=None, sampler=in_order)
    return train_loader, val_loader
