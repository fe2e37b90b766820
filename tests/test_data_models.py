"""The digits loaders and the two seeded models."""
import numpy as np
import pytest
import sklearn.datasets
import torch

from lrcourse import data, models


def _epoch_order(loader, epoch):
    loader.sampler.set_epoch(epoch)
    return torch.cat([y for _, y in loader])


def _all(loader):
    xs, ys = zip(*loader)
    return torch.cat(xs), torch.cat(ys)


def test_batches_have_the_documented_shapes_and_types():
    train, val = data.digits(batch_size=64)
    assert (len(train.dataset), len(val.dataset)) == (1438, 359)
    assert len(train) == 23  # ceil(1438 / 64): the last, smaller batch is kept
    x, y = next(iter(train))
    assert x.shape == (64, 64) and x.dtype == torch.float64
    assert y.shape == (64,) and y.dtype == torch.int64
    assert set(torch.cat([y for _, y in train]).tolist()) == set(range(10))


def test_float32_loaders_hold_the_same_images_rounded():
    x64, y64 = _all(data.digits()[0])
    x32, y32 = _all(data.digits(dtype=torch.float32)[0])
    assert x32.dtype == torch.float32 and torch.equal(y32, y64)
    assert torch.equal(x32, x64.float())


def test_batches_are_what_a_plain_loader_over_the_same_order_gives():
    """The batched fast path changes nothing: same images, same order, as DataLoader(sampler=EpochShuffle)."""
    train, _ = data.digits(batch_size=50, seed=3)
    plain = torch.utils.data.DataLoader(train.dataset, batch_size=50, sampler=data.EpochShuffle(len(train.dataset), 3))
    for epoch in (0, 4):
        train.sampler.set_epoch(epoch)
        plain.sampler.set_epoch(epoch)
        assert train.sampler.epoch == epoch
        batches, plain_batches = list(train), list(plain)
        assert len(batches) == len(plain_batches) == len(train)
        for (x, y), (px, py) in zip(batches, plain_batches):
            assert torch.equal(x, px) and torch.equal(y, py)


def test_standardised_with_training_statistics_only():
    train, val = data.digits(seed=0)
    x_train, _ = _all(train)
    assert torch.allclose(x_train.mean(0), torch.zeros(64, dtype=torch.float64), atol=1e-12)
    std = x_train.std(0, unbiased=False)
    constant = std < 1e-6  # blank border pixels: centred, left at zero
    assert 0 < constant.sum() < 10
    assert torch.allclose(std[~constant], torch.ones(int((~constant).sum()), dtype=torch.float64), atol=1e-12)
    # The validation images use the training mean and std, so they are not exactly standardised themselves.
    x_val, _ = _all(val)
    assert not torch.allclose(x_val.mean(0), torch.zeros(64, dtype=torch.float64), atol=1e-3)


def test_split_is_stratified_disjoint_and_fixed_by_the_seed():
    images, labels = data._digits_arrays()
    split = data._stratified_split(labels, 0.2, seed=0)
    train_idx, val_idx = split
    assert len(np.intersect1d(train_idx, val_idx)) == 0
    assert len(train_idx) + len(val_idx) == len(labels)
    per_class = np.bincount(labels[val_idx], minlength=10)
    expected = 0.2 * np.bincount(labels, minlength=10)
    assert np.all(np.abs(per_class - expected) <= 1)
    np.testing.assert_array_equal(data._stratified_split(labels, 0.2, seed=0)[1], val_idx)
    assert not np.array_equal(data._stratified_split(labels, 0.2, seed=1)[1], val_idx)


def test_val_fraction_sets_the_split_sizes():
    train, val = data.digits(val_fraction=0.5)
    assert (len(train.dataset), len(val.dataset)) == (899, 898)


def test_shuffle_depends_only_on_seed_and_epoch():
    train, _ = data.digits(seed=0)
    order_2 = _epoch_order(train, 2)
    for epoch in (0, 1, 3):  # visiting other epochs first changes nothing
        _epoch_order(train, epoch)
    torch.manual_seed(1234)  # nor does the global RNG
    assert torch.equal(_epoch_order(train, 2), order_2)
    assert torch.equal(_epoch_order(data.digits(seed=0)[0], 2), order_2)  # a fresh loader agrees
    assert not torch.equal(_epoch_order(train, 3), order_2)
    assert list(data.EpochShuffle(100, seed=0)) != list(data.EpochShuffle(100, seed=1))


def test_validation_order_is_fixed():
    _, val = data.digits()
    assert torch.equal(_all(val)[1], _all(val)[1])


def test_arrays_are_loaded_once_per_process(monkeypatch):
    calls = []
    real = sklearn.datasets.load_digits

    def counting_load_digits(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(sklearn.datasets, "load_digits", counting_load_digits)
    data._digits_arrays.cache_clear()
    try:
        for seed in range(3):
            data.digits(seed=seed)
    finally:
        data._digits_arrays.cache_clear()
    assert len(calls) == 1


def test_cached_arrays_cannot_be_edited_by_accident():
    images, _ = data._digits_arrays()
    with pytest.raises(ValueError, match="read-only"):
        images[0, 0] = 1.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 2.5}, TypeError, "batch_size"),
        ({"val_fraction": 1.0}, ValueError, "val_fraction"),
        ({"val_fraction": 0.001}, ValueError, "val_fraction=0.001 leaves 2"),
        ({"seed": -1}, ValueError, "seed"),
        ({"dtype": torch.int64}, ValueError, "dtype must be torch.float64 or torch.float32"),
        ({"dtype": "float64"}, TypeError, "dtype must be torch.float64 or torch.float32"),
    ],
)
def test_digits_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.digits(**kwargs)


@pytest.mark.parametrize("make", [models.mlp, models.small_cnn])
def test_models_take_flat_or_image_batches(make):
    model = make(seed=0)
    flat = torch.randn(5, 64, dtype=torch.float64)
    assert model(flat).shape == (5, 10)
    assert torch.equal(model(flat.reshape(5, 1, 8, 8)), model(flat))


@pytest.mark.parametrize("make", [models.mlp, models.small_cnn])
def test_models_are_float64_by_default_and_start_from_the_same_weights_in_float32(make):
    double, single = make(seed=2), make(seed=2, dtype=torch.float32)
    for p64, p32 in zip(double.parameters(), single.parameters()):
        assert p64.dtype == torch.float64 and p32.dtype == torch.float32
        assert torch.equal(p64.float(), p32)
    with pytest.raises(ValueError, match="dtype"):
        make(dtype=torch.float16)


@pytest.mark.parametrize("make", [models.mlp, models.small_cnn])
def test_models_are_fixed_by_their_seed_alone(make):
    torch.manual_seed(1)
    a = make(seed=3)
    torch.manual_seed(2)
    b = make(seed=3)
    c = make(seed=4)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb)
        assert not torch.equal(pa, pc)


@pytest.mark.parametrize("make", [models.mlp, models.small_cnn])
def test_building_a_model_leaves_the_global_rng_alone(make):
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    make(seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_model_sizes():
    assert sum(p.numel() for p in models.mlp(hidden=32).parameters()) == 64 * 32 + 32 + 32 * 10 + 10
    assert sum(p.numel() for p in models.small_cnn().parameters()) == 6090


@pytest.mark.parametrize(
    "kwargs, error", [({"hidden": 0}, ValueError), ({"seed": -1}, ValueError), ({"hidden": "64"}, TypeError)]
)
def test_mlp_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        models.mlp(**kwargs)
