"""lrcourse.data.teacher_stream: fresh batches from a fixed teacher, a fixed validation set, the
irreducible loss, and the course's loops taking it unchanged."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lrcourse as lc
from lrcourse.data import Teacher, teacher_stream


def epoch_batches(train, epoch):
    train.sampler.set_epoch(epoch)
    return list(train)


def test_every_epoch_is_new_data_and_each_batch_a_function_of_seed_epoch_and_position():
    train, _ = teacher_stream(batch_size=8, batches_per_epoch=5, val_size=10)
    first, second = epoch_batches(train, 0), epoch_batches(train, 1)
    assert len(first) == len(train) == 5
    assert all(not torch.equal(a[0], b[0]) for a, b in zip(first, second))
    again, _ = teacher_stream(batch_size=8, batches_per_epoch=5, val_size=10)
    for (x, y), (x2, y2) in zip(epoch_batches(again, 1), second):  # a resumed run sees the same batches
        assert torch.equal(x, x2) and torch.equal(y, y2)
    other, _ = teacher_stream(batch_size=8, batches_per_epoch=5, val_size=10, seed=1)
    assert not torch.equal(epoch_batches(other, 1)[0][0], second[0][0])


def test_validation_is_fixed_and_shaped_like_the_digits():
    train, val = teacher_stream(batch_size=16, val_size=100)
    x, y = next(iter(train))
    assert x.dtype == torch.float64 and y.dtype == torch.int64 and x.shape == (16, 64) and y.shape == (16,)
    assert 0 <= int(y.min()) and int(y.max()) <= 9
    _, val_again = teacher_stream(batch_size=16, val_size=100)
    assert torch.equal(val.dataset.tensors[0], val_again.dataset.tensors[0])
    assert sum(len(b[1]) for b in val) == 100
    assert teacher_stream(dtype=torch.float32)[0].dataset[(0, 0)][0].dtype == torch.float32


def test_labels_follow_the_teachers_probabilities():
    teacher = Teacher(seed=0, sharpness=2.0)
    x, y = teacher.sample(np.random.default_rng(0), 40_000)
    predicted = teacher.probabilities(x).mean(axis=0)  # the expected share of each class
    observed = np.bincount(y, minlength=10) / len(y)
    np.testing.assert_allclose(observed, predicted, atol=0.01)  # 40,000 draws: about 0.002 of spread per class


def test_the_irreducible_loss_is_the_teachers_own_cross_entropy_and_no_student_beats_it():
    _, val = teacher_stream(val_size=500, sharpness=3.0)
    x, y = val.dataset.tensors
    teacher = Teacher(seed=0, sharpness=3.0)
    logits = torch.from_numpy(np.log(teacher.probabilities(x.numpy())))
    assert val.dataset.irreducible_loss == pytest.approx(float(F.cross_entropy(logits, y)), rel=1e-12)
    # A network's loss on the validation labels never goes below it: here, an untrained one, far above.
    loss, _ = lc.evaluate(lc.models.mlp(seed=0), val)
    assert loss > val.dataset.irreducible_loss + 0.5
    assert teacher_stream(sharpness=1.0)[1].dataset.irreducible_loss > val.dataset.irreducible_loss  # noisier


def test_fit_takes_the_stream_unchanged_and_learns_it():
    data = teacher_stream(batch_size=16, batches_per_epoch=20, val_size=500)
    model = lc.models.mlp(seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9)
    history = lc.fit(model, optimizer, data=data, epochs=4, progress=False)
    assert len(history.lr) == 80 and history.val_loss[-1] < history.val_loss[0] < np.log(10) + 0.1
    assert history.val_loss[-1] > data[1].dataset.irreducible_loss


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(batch_size=0), ValueError, "batch_size must be a positive int"),
    (dict(batches_per_epoch=2.5), TypeError, "batches_per_epoch must be a positive int"),
    (dict(val_size=-1), ValueError, "val_size must be a positive int"),
    (dict(sharpness=0.0), ValueError, "sharpness must be > 0"),
    (dict(teacher_hidden=0), ValueError, "teacher_hidden must be a positive int"),
    (dict(seed=-1), ValueError, "seed must be an int >= 0"),
    (dict(dtype=torch.int64), ValueError, "dtype must be torch.float64 or torch.float32"),
])
def test_bad_input_names_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        teacher_stream(**kwargs)


def test_a_decay_halves_the_best_constant_lrs_excess_loss_beyond_the_spread():
    """The claim of teacher_stream's docstring, measured again: the reason the stream exists."""
    import functools

    from torch.optim.lr_scheduler import LinearLR

    data = teacher_stream()
    steps = 40 * len(data[0])
    excess = lambda result, name: (np.array([h.val_loss[-1] for h in result.histories[name]])  # noqa: E731
                                   - data[1].dataset.irreducible_loss)
    grid = lc.lr_grid((0.007, 0.01, 0.015), epochs=40, step_per="batch", data=data)
    decay = lc.compare({"linear to 0": functools.partial(LinearLR, start_factor=1.0, end_factor=0.0,
                                                         total_iters=steps)},
                       lr=0.03, epochs=40, step_per="batch", data=data)
    constants = {name: excess(grid, name) for name in grid.names}
    best = min(constants.values(), key=np.mean)
    assert np.mean(best) == min(np.mean(c) for c in constants.values())
    linear = excess(decay, "linear to 0")
    assert np.mean(linear) <= 0.5 * np.mean(best)
    assert np.mean(best) - np.mean(linear) > max(np.ptp(best), np.ptp(linear))
    assert np.argmin([np.mean(c) for c in constants.values()]) == 1  # the grid brackets the best constant
