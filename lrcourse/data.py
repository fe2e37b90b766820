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
from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler, SequentialSampler, TensorDataset

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


# The teacher-student stream: a task where every batch is new, so optimisation, not data, is the limit.
# The teacher's hidden width: narrower than lrcourse.models.mlp's 64, so such a student can represent it
# exactly and learns it quickly; what is left is the noise floor, the part a schedule changes.
STREAM_HIDDEN = 4


def _batch_rng(seed: int, epoch: int, batch: int) -> np.random.Generator:
    """The generator of one training batch, from ``(seed, epoch, batch)`` alone."""
    return np.random.default_rng(np.random.SeedSequence([seed, 1, epoch, batch]))


class Teacher:
    r"""A fixed random network that labels the stream: p(y | x) = softmax(sharpness · W₂ relu(W₁ x)).

    W₁ (hidden × 64) and W₂ (10 × hidden) are Gaussian with variance 2 / fan-in (He et al. 2015), so
    the logits have about the same scale whatever the width; ``sharpness`` then sets how noisy the
    labels are: the larger, the more often y is the teacher's top class.

    >>> teacher = Teacher(seed=0, sharpness=2.0)
    >>> p = teacher.probabilities(np.zeros((1, 64)))
    >>> p.shape, bool(np.isclose(p.sum(), 1))
    ((1, 10), True)
    """

    def __init__(self, seed: int, sharpness: float, hidden: int = STREAM_HIDDEN):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
        self.w1 = rng.normal(0.0, np.sqrt(2 / NUM_FEATURES), (hidden, NUM_FEATURES))
        self.w2 = rng.normal(0.0, np.sqrt(2 / hidden), (NUM_CLASSES, hidden))
        self.sharpness = sharpness

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = self.sharpness * (np.maximum(x @ self.w1.T, 0.0) @ self.w2.T)
        logits -= logits.max(axis=1, keepdims=True)  # softmax without overflow
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` fresh pairs: x ~ N(0, I₆₄), y ~ p(y | x)."""
        x = rng.standard_normal((n, NUM_FEATURES))
        cumulative = np.cumsum(self.probabilities(x), axis=1)
        u = rng.random((n, 1))
        y = np.minimum((u > cumulative).sum(axis=1), NUM_CLASSES - 1)  # the inverse-CDF draw of each label
        return x, y


class StreamBatches(Dataset):
    """Training batches of the stream, each drawn fresh from ``(seed, epoch, batch)``: the key is the pair
    ``(epoch, batch)``, which :class:`StreamOrder` yields."""

    def __init__(self, teacher: Teacher, batch_size: int, seed: int, dtype: torch.dtype):
        self.teacher, self.batch_size, self.seed, self.dtype = teacher, batch_size, seed, dtype

    def __getitem__(self, key):
        epoch, batch = key
        x, y = self.teacher.sample(_batch_rng(self.seed, epoch, batch), self.batch_size)
        return torch.from_numpy(x).to(self.dtype), torch.from_numpy(y)


class StreamOrder(Sampler):
    """The keys ``(epoch, 0), (epoch, 1), ...`` of one epoch; ``set_epoch`` moves to another, as with
    :class:`EpochShuffle`, so a new epoch is new data and a resumed run sees the same batches."""

    def __init__(self, batches_per_epoch: int):
        self.batches_per_epoch = batches_per_epoch
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = _checks.non_negative_int("epoch", epoch)

    def __iter__(self):
        return iter([(self.epoch, batch) for batch in range(self.batches_per_epoch)])

    def __len__(self) -> int:
        return self.batches_per_epoch


class StreamValidation(TensorDataset):
    """The stream's fixed validation set, with the loss no model can beat on it: ``irreducible_loss``."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, irreducible_loss: float):
        super().__init__(x, y)
        self.irreducible_loss = irreducible_loss


def teacher_stream(
    batch_size: int = 16, batches_per_epoch: int = 50, val_size: int = 2000, sharpness: float = 2.0,
    teacher_hidden: int = STREAM_HIDDEN, seed: int = 0, dtype: torch.dtype = DTYPE,
) -> tuple[DataLoader, DataLoader]:
    r"""A stream of fresh samples labelled by a fixed random network, as a ``(train_loader, val_loader)`` pair.

    .. math::
        x \sim \mathcal{N}(0, I_{64}), \qquad
        y \sim \operatorname{softmax}\big(s \cdot W_2 \operatorname{relu}(W_1 x)\big)

    Every training batch is new: drawn from ``(seed, epoch, batch)``, so no sample is seen twice (as
    each token of an LLM's pre-training is seen once) and there is nothing to overfit.  The loss is then
    limited by optimisation, not by data: the gradient noise of a small batch sets a floor under the loss
    that only a smaller LR lowers, so a decaying schedule clearly beats the best constant LR.  On the
    digits, which a network memorises in a few epochs, they tie (lesson 00 and every strategy lesson).

    Its size is chosen so that the effect is large at a budget a lesson can afford.  Measured with
    :func:`lrcourse.compare` (``lc.models.mlp``, SGD with momentum 0.9, this function's defaults, 40 epochs
    = 2,000 steps stepped per batch, seeds 0, 1, 2), the final excess loss (mean, and max - min):

    - constant LR 0.007, 0.01, 0.015: 0.0614, **0.0611** (± 0.0013), 0.0726;
    - linear decay to 0 from 0.03: **0.0241** (± 0.0060); cosine to 0 from 0.03: 0.0325.

    The best decay's excess is 0.39 times the best constant's, and the gap (0.037) is six times the
    larger spread.  At 20 epochs the ratio is 0.50.  ``tests/test_stream.py`` measures it again.

    The labels are noisy, so even the teacher has a loss: ``val_loader.dataset.irreducible_loss``,
    the teacher's own cross-entropy on the validation labels, the least any model can score there.
    ``val_loss - irreducible_loss`` is the *excess* loss, the part a schedule can change.

    Batches look like those of :func:`digits` (float64 ``x`` of shape ``(batch, 64)``, int64 labels
    0-9), so :func:`lrcourse.fit`, :func:`lrcourse.compare`, :func:`lrcourse.lr_grid` and
    :func:`lrcourse.lr_find` take the pair through ``data=`` unchanged, with :func:`lrcourse.models.mlp`.

    Example::

        >>> train, val = teacher_stream(batch_size=16, batches_per_epoch=50)
        >>> len(train), len(val.dataset)
        (50, 2000)
        >>> x, y = next(iter(train))
        >>> tuple(x.shape), x.dtype, tuple(y.shape)
        ((16, 64), torch.float64, (16,))
        >>> train.sampler.set_epoch(1)
        >>> bool(torch.equal(next(iter(train))[0], x))  # another epoch, other samples
        False
        >>> print(f"{val.dataset.irreducible_loss:.4f}")
        1.1005

    Args:
        batch_size: samples per batch (both loaders).
        batches_per_epoch: training batches per epoch: an "epoch" here is only a unit of the budget.
        val_size: samples in the fixed validation set.
        sharpness: the teacher's inverse temperature: higher, less label noise.
        teacher_hidden: the teacher's hidden width (``Teacher``).
        seed: fixes the teacher, the validation set and every training batch.
        dtype: ``torch.float64`` (the default: the same results on every CPU) or ``torch.float32``.

    Source: the teacher-student setting of Gardner & Derrida (1989) and Saad & Solla (1995); here, a
    stand-in for the stream of data of LLM pre-training, where the schedule matters most.
    """
    batch_size = _checks.positive_int("batch_size", batch_size)
    batches_per_epoch = _checks.positive_int("batches_per_epoch", batches_per_epoch)
    val_size = _checks.positive_int("val_size", val_size)
    sharpness = _checks.positive("sharpness", sharpness)
    seed = _checks.non_negative_int("seed", seed)
    dtype = _checks.float_dtype("dtype", dtype)

    teacher_hidden = _checks.positive_int("teacher_hidden", teacher_hidden)
    teacher = Teacher(seed, sharpness, teacher_hidden)
    x_val, y_val = teacher.sample(np.random.default_rng(np.random.SeedSequence([seed, 2])), val_size)
    irreducible = float(-np.mean(np.log(teacher.probabilities(x_val)[np.arange(val_size), y_val])))
    val_set = StreamValidation(torch.from_numpy(x_val).to(dtype), torch.from_numpy(y_val), irreducible)
    train_loader = DataLoader(StreamBatches(teacher, batch_size, seed, dtype), batch_size=None,
                              sampler=StreamOrder(batches_per_epoch))
    in_order = BatchSampler(SequentialSampler(val_set), batch_size, drop_last=False)
    val_loader = DataLoader(val_set, batch_size=None, sampler=in_order)
    return train_loader, val_loader
