"""fit, History and lr_find on the digits: what they record, and what they refuse."""
import re

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import ExponentialLR, ReduceLROnPlateau, StepLR
from torch.utils.data import DataLoader, TensorDataset

import lrcourse as lc
from lrcourse import data, models
from lrcourse.lr_finder import LRFinderResult, lr_find
from lrcourse.training import History, evaluate, fit


@pytest.fixture(scope="module")
def digits():
    return data.digits(batch_size=128)


def sgd(model, lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


# --- fit: what it records ---------------------------------------------------------------------


def test_fit_records_one_lr_per_step_and_metrics_per_epoch(digits):
    model = models.mlp()
    opt = sgd(model)
    history = fit(model, opt, StepLR(opt, step_size=2, gamma=0.5), data=digits, epochs=4, progress=False)
    per_epoch = len(digits[0])
    assert history.steps_per_epoch == per_epoch
    assert len(history.lr) == 4 * per_epoch
    expected = np.repeat([0.1, 0.1, 0.05, 0.05], per_epoch)
    np.testing.assert_allclose(history.lr, expected, rtol=1e-12)
    for series in (history.train_loss, history.val_loss, history.val_acc):
        assert series.shape == (4,) and np.all(np.isfinite(series))
    assert history.diverged_at is None


def test_fit_learns_the_digits(digits):
    model = models.mlp()
    history = fit(model, sgd(model), data=digits, epochs=4, progress=False)
    assert history.final_val_acc > 0.9
    assert history.train_loss[-1] < history.train_loss[0]
    # The recorded validation metrics are those of the returned model.
    loss, acc = evaluate(model, digits[1])
    assert (loss, acc) == (history.val_loss[-1], history.val_acc[-1])


def test_per_batch_stepping_changes_the_lr_every_step(digits):
    model = models.mlp()
    opt = sgd(model)
    history = fit(model, opt, ExponentialLR(opt, gamma=0.99), data=digits, epochs=2, step_per="batch", progress=False)
    np.testing.assert_allclose(history.lr, 0.1 * 0.99 ** np.arange(len(history.lr)), rtol=1e-9)


def test_plateau_scheduler_receives_the_validation_loss(digits):
    seen = []

    class RecordingPlateau(ReduceLROnPlateau):
        def step(self, metrics):
            seen.append(metrics)
            super().step(metrics)

    model = models.mlp()
    opt = sgd(model)
    history = fit(model, opt, RecordingPlateau(opt), data=digits, epochs=3, progress=False)
    assert seen == list(history.val_loss)


def test_same_seed_gives_identical_histories_and_weights(digits):
    runs = []
    for _ in range(2):
        model = models.mlp(seed=1)
        opt = sgd(model)
        history = fit(model, opt, StepLR(opt, 1, 0.7), data=digits, epochs=3, progress=False)
        runs.append((history, weights(model)))
    (h1, w1), (h2, w2) = runs
    assert h1 == h2
    assert all(torch.equal(a, b) for a, b in zip(w1, w2))


def _dropout_model():
    with models.seeded_cpu_rng(0):
        return torch.nn.Sequential(
            torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(32, 10)
        ).double()


def test_fit_seed_fixes_dropout_and_shuffle_true_loaders(digits):
    # A plain shuffle=True loader and dropout both draw from torch's global generator, which fit reseeds.
    train = DataLoader(digits[0].dataset, batch_size=128, shuffle=True)
    pair = (train, digits[1])

    def run(seed):
        model = _dropout_model()
        return fit(model, sgd(model), data=pair, epochs=2, seed=seed, progress=False)

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_fit_leaves_the_global_rng_alone(digits):
    torch.manual_seed(3)
    expected = torch.rand(2)
    torch.manual_seed(3)
    model = models.mlp()
    fit(model, sgd(model), data=digits, epochs=1, progress=False)
    assert torch.equal(torch.rand(2), expected)


def test_progress_bar_shows_epochs_without_warnings(digits, capsys):
    model = models.mlp()
    fit(model, sgd(model), data=digits, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "epochs" in err and "2/2" in err


# --- divergence -------------------------------------------------------------------------------


def test_divergence_stops_the_run_with_one_line(digits, capsys):
    model = models.mlp()
    history = fit(model, sgd(model, lr=1e8), data=digits, epochs=5, progress=False)
    out = capsys.readouterr().out.splitlines()
    assert history.diverged_at is not None
    assert len(out) == 1
    expected = rf"diverged at step {history.diverged_at} \(lr 1e\+08\): the loss is (nan|inf); stopped"
    assert re.fullmatch(expected, out[0])
    assert history.diverged_at % history.steps_per_epoch != 0  # caught at the step, not at the end of the epoch
    # Nothing from the diverged step on is recorded as data.
    assert len(history.lr) == history.diverged_at
    assert history.epochs < 5
    for series in (history.train_loss, history.val_loss, history.val_acc):
        assert len(series) == history.epochs and np.all(np.isfinite(series))
    assert history.epochs <= history.diverged_at // history.steps_per_epoch


class NanWhenEvaluated(torch.nn.Module):
    def forward(self, x):
        return x if self.training else x * float("nan")


def test_a_non_finite_validation_loss_also_stops_the_run(digits, capsys):
    model = torch.nn.Sequential(models.mlp(), NanWhenEvaluated())
    history = fit(model, sgd(model), data=digits, epochs=3, progress=False)
    per_epoch = history.steps_per_epoch
    assert capsys.readouterr().out == f"diverged at step {per_epoch} (lr 0.1): the validation loss is nan; stopped\n"
    assert history.diverged_at == per_epoch and len(history.lr) == per_epoch
    assert history.epochs == 0


def test_fit_sets_the_sampler_epoch_before_each_epoch(digits, tmp_path):
    seen = []

    class Recording(data.EpochShuffle):
        def set_epoch(self, epoch):
            seen.append(epoch)
            super().set_epoch(epoch)

    train = DataLoader(digits[0].dataset, batch_size=128, sampler=Recording(len(digits[0].dataset)))
    model = models.mlp()
    fit(model, sgd(model), data=(train, digits[1]), epochs=2, checkpoint_path=tmp_path / "run.pt", progress=False)
    model = models.mlp()
    fit(model, sgd(model), data=(train, digits[1]), epochs=4, resume_from=tmp_path / "run.pt", progress=False)
    assert seen == [0, 1, 2, 3]


def test_fit_names_a_dtype_mismatch_between_data_and_model(digits):
    model = models.mlp(dtype=torch.float32)
    with pytest.raises(TypeError, match=r"data holds torch.float64 batches but the model's weights are torch.float32"):
        fit(model, sgd(model), data=digits, epochs=1, progress=False)


def test_plot_marks_the_divergence(digits):
    model = models.mlp()
    history = fit(model, sgd(model, lr=1e8), data=digits, epochs=3, progress=False)
    loss_ax, acc_ax, _ = history.plot()
    for ax in (loss_ax, acc_ax):
        marks = [line for line in ax.get_lines() if line.get_label().startswith("diverged")]
        assert len(marks) == 1
        assert marks[0].get_xdata()[0] == history.diverged_at / history.steps_per_epoch


# --- History ----------------------------------------------------------------------------------


def _history(val_acc):
    n = len(val_acc)
    return History(np.full(2 * n, 0.1), np.ones(n), np.ones(n), np.asarray(val_acc, dtype=float), steps_per_epoch=2)


def test_history_summaries():
    h = _history([0.5, 0.92, 0.9, 0.95])
    assert h.best_val_acc == 0.95 and h.final_val_acc == 0.95
    assert h.epochs_to(0.9) == 2 and h.epochs_to(0.95) == 4 and h.epochs_to(0.99) is None
    assert np.isnan(_history([]).best_val_acc) and np.isnan(_history([]).final_val_acc)
    assert "epochs=4" in repr(h)


def test_history_plot_draws_loss_accuracy_and_lr(digits):
    model = models.mlp()
    opt = sgd(model)
    history = fit(model, opt, StepLR(opt, 1, 0.5), data=digits, epochs=3, progress=False)
    loss_ax, acc_ax, lr_ax = history.plot()
    assert (loss_ax.get_ylabel(), acc_ax.get_ylabel(), lr_ax.get_ylabel()) == ("loss", "accuracy", "learning rate")
    assert acc_ax.get_xlabel() == "epoch"
    (lr_line,) = lr_ax.get_lines()
    np.testing.assert_array_equal(lr_line.get_ydata(), history.lr)
    np.testing.assert_array_equal(lr_line.get_xdata(), np.arange(len(history.lr)) / history.steps_per_epoch)
    val = [line for line in acc_ax.get_lines() if line.get_label() == "validation accuracy"][0]
    np.testing.assert_array_equal(val.get_ydata(), history.val_acc)
    np.testing.assert_array_equal(val.get_xdata(), [1, 2, 3])


# --- fit: bad input ---------------------------------------------------------------------------


def test_fit_rejects_bad_arguments(digits):
    model = models.mlp()
    opt = sgd(model)
    empty = DataLoader(TensorDataset(torch.zeros(0, 64), torch.zeros(0, dtype=torch.int64)))
    cases = [
        (dict(epochs=0), ValueError, "epochs"),
        (dict(epochs=2.0), TypeError, "epochs"),
        (dict(step_per="step"), ValueError, "step_per must be one of 'epoch', 'batch'"),
        (dict(data=digits[0]), TypeError, r"data must be a pair \(train_loader, val_loader\)"),
        (dict(data=(digits[0], 3)), TypeError, r"data\[1\] \(the validation loader\)"),
        (dict(data=(empty, digits[1])), ValueError, r"data\[0\] \(the training loader\) is empty"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(checkpoint_path=3), TypeError, "checkpoint_path"),
    ]
    for overrides, error, match in cases:
        kwargs = dict(data=digits, epochs=1, progress=False) | overrides
        with pytest.raises(error, match=match):
            fit(model, opt, **kwargs)


def test_fit_rejects_mismatched_training_objects(digits):
    model = models.mlp()
    opt = sgd(model)
    other = sgd(models.mlp())
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit("mlp", opt, data=digits, epochs=1)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        fit(model, "sgd", data=digits, epochs=1)
    with pytest.raises(ValueError, match="built on a different optimizer"):
        fit(model, opt, StepLR(other, 1), data=digits, epochs=1)
    with pytest.raises(ValueError, match="step_per='batch' cannot drive ReduceLROnPlateau"):
        fit(model, opt, ReduceLROnPlateau(opt), data=digits, epochs=1, step_per="batch")


# --- lr_find ----------------------------------------------------------------------------------


def _trained_adam(digits):
    """A model and an Adam optimizer with non-empty state, so there is something to restore."""
    model = models.mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    fit(model, opt, data=digits, epochs=1, progress=False)
    return model, opt


def _assert_same_state(a, b):
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_same_state(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same_state(x, y)
    else:
        assert a == b


def test_lr_find_restores_model_and_optimizer(digits):
    import copy

    model, opt = _trained_adam(digits)
    model.eval()
    before_model = copy.deepcopy(model.state_dict())
    before_opt = copy.deepcopy(opt.state_dict())
    before_grads = [p.grad.clone() for p in model.parameters()]
    result = lr_find(model, opt, digits, num_steps=30)
    assert len(result.lrs) > 5  # it did train, so there was something to undo
    _assert_same_state(model.state_dict(), before_model)
    _assert_same_state(opt.state_dict(), before_opt)
    assert opt.param_groups[0]["lr"] == 1e-3
    assert not model.training
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), before_grads))


def test_lr_find_suggests_an_lr_on_the_steepest_descent(digits):
    model = models.mlp()
    result = lr_find(model, sgd(model), digits)
    assert isinstance(result, LRFinderResult)
    assert isinstance(result.suggestion, float)
    assert 1e-7 <= result.suggestion <= 10 and result.suggestion in result.lrs
    assert result.lrs[result.suggestion_step] == result.suggestion
    assert result.how.startswith("steepest descent of the smoothed loss") and ". " not in result.how
    # The sweep is the documented exponential one, and the smoothing starts unbiased.
    np.testing.assert_allclose(result.lrs, np.geomspace(1e-7, 10, 100)[: len(result.lrs)])
    assert result.losses[0] == pytest.approx(result.raw_losses[0], rel=1e-12)
    # The loss really falls around the suggestion.
    assert result.losses[result.suggestion_step + 1] < result.losses[result.suggestion_step - 1]


def test_lr_find_stops_when_the_loss_blows_up(digits):
    model = models.mlp()
    result = lr_find(model, sgd(model), digits, end_lr=100, diverge=3.0)
    assert len(result.lrs) < 100
    assert result.losses[-1] > 3.0 * result.losses[:-1].min()
    assert np.all(result.losses[:-1] <= 3.0 * np.minimum.accumulate(result.losses[:-1]))


def test_lr_find_cycles_a_short_loader(digits):
    train = data.digits(batch_size=512)[0]  # 3 batches
    model = models.mlp()
    result = lr_find(model, sgd(model), (train, digits[1]), start_lr=1e-5, end_lr=1e-3, num_steps=10)
    assert len(train) == 3 and len(result.lrs) == 10


def test_lr_find_is_repeatable(digits):
    model = models.mlp()
    first = lr_find(model, sgd(model), digits, num_steps=40)
    again = lr_find(model, sgd(model), digits, num_steps=40)  # same weights again: restored after the first
    other = models.mlp(seed=1)
    np.testing.assert_array_equal(first.raw_losses, again.raw_losses)
    assert first.suggestion == again.suggestion
    assert not np.array_equal(lr_find(other, sgd(other), digits, num_steps=40).raw_losses, first.raw_losses)


def test_lr_find_plot_marks_the_suggestion(digits):
    model = models.mlp()
    result = lr_find(model, sgd(model), digits, num_steps=50)
    ax = result.plot()
    assert ax.get_xscale() == "log"
    marker = [line for line in ax.get_lines() if line.get_label().startswith("suggestion")]
    assert len(marker) == 1 and marker[0].get_xdata()[0] == result.suggestion


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(start_lr=1e-2, end_lr=1e-3), ValueError, "end_lr must be greater than start_lr"),
        (dict(start_lr=0), ValueError, "start_lr"),
        (dict(num_steps=1), ValueError, "num_steps must be at least 2"),
        (dict(smooth=0), ValueError, "smooth"),
        (dict(diverge=1.0), ValueError, "diverge"),
        (dict(data="digits"), TypeError, "data must be a pair"),
    ],
)
def test_lr_find_rejects_bad_arguments(digits, kwargs, error, match):
    model = models.mlp()
    kwargs = dict(data=digits) | kwargs
    with pytest.raises(error, match=match):
        lr_find(model, sgd(model), **kwargs)


def test_lr_find_names_a_dtype_mismatch_and_leaves_the_model_alone(digits):
    model = models.mlp(dtype=torch.float32)
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(TypeError, match=r"data holds torch.float64 batches but the model's weights are torch.float32"):
        lr_find(model, sgd(model), digits)
    assert all(torch.equal(p, b) for p, b in zip(model.parameters(), before))


def test_lr_find_rejects_what_is_not_a_model_or_an_optimizer(digits):
    model = models.mlp()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got str"):
        lr_find("mlp", sgd(model), digits)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer, got str"):
        lr_find(model, "sgd", digits)


def test_fit_and_lr_find_run_on_one_thread_and_restore_the_count():
    """One thread makes results independent of the core count; the caller's setting comes back."""
    seen = []

    class Spy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = lc.models.mlp(seed=0)

        def forward(self, x):
            seen.append(torch.get_num_threads())
            return self.net(x)

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model = Spy()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
        lc.fit(model, optimizer, data=lc.data.digits(), epochs=1, progress=False)
        lc.lr_find(model, optimizer, lc.data.digits(), num_steps=5)
        assert set(seen) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
