"""lc.compare and lc.lr_grid: what they train, what the leaderboard says, and what they refuse."""
import functools

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, StepLR

import lrcourse as lc
from lrcourse import data, models
from lrcourse.training import fit

EPOCHS = 2


@pytest.fixture(scope="module")
def digits():
    return data.digits(batch_size=128)


@pytest.fixture(scope="module")
def result(digits):
    schedules = {"constant": None, "step": functools.partial(StepLR, step_size=1, gamma=0.5)}
    return lc.compare(schedules, epochs=EPOCHS, seeds=(0, 3), data=digits, lr={"constant": 0.05, "step": 0.1})


def test_every_schedule_runs_once_per_seed_with_its_own_lr(result, digits):
    assert result.names == ["constant", "step"]
    assert result.seeds == (0, 3)
    for name, base in (("constant", 0.05), ("step", 0.1)):
        assert len(result.histories[name]) == 2
        for history in result.histories[name]:
            assert history.epochs == EPOCHS and len(history.lr) == EPOCHS * len(digits[0])
            assert history.lr[0] == base
    np.testing.assert_array_equal(result.histories["step"][0].lr[:: len(digits[0])], [0.1, 0.05])


def test_each_run_is_the_fit_it_describes(result, digits):
    """Seed 3 of "step" is exactly fit(mlp(seed=3), SGD(momentum=0.9), StepLR, seed=3): nothing hidden."""
    model = models.mlp(seed=3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    expected = fit(model, optimizer, StepLR(optimizer, step_size=1, gamma=0.5), data=digits, epochs=EPOCHS, seed=3,
                   progress=False)
    assert result.histories["step"][1] == expected


def test_seeds_change_the_runs_and_repeat_exactly(result, digits):
    first, second = result.histories["constant"]
    assert first != second
    again = lc.compare({"constant": None}, epochs=EPOCHS, seeds=(0, 3), data=digits, lr=0.05)
    assert again.histories["constant"] == result.histories["constant"]


def test_leaderboard_holds_mean_and_spread_over_the_seeds(result):
    board = result.leaderboard
    assert list(board.index) == sorted(result.names, key=lambda n: -board.loc[n, "final acc mean"])
    assert board.index.name == "schedule"
    runs = result.runs
    assert len(runs) == 4 and set(runs["seed"]) == {0, 3}
    for name in result.names:
        finals = [h.final_val_acc for h in result.histories[name]]
        best_losses = [float(np.min(h.val_loss)) for h in result.histories[name]]
        assert board.loc[name, "final acc mean"] == round(float(np.mean(finals)), 4)
        assert board.loc[name, "final acc spread"] == round(max(finals) - min(finals), 4)
        assert board.loc[name, "best loss mean"] == round(float(np.mean(best_losses)), 4)
        assert board.loc[name, "diverged"] == 0
    assert board.loc["constant", "lr"] == 0.05
    assert result.best() == board.index[0]
    assert result.best("final loss mean") == board["final loss mean"].idxmin()


def test_diverged_runs_are_counted_not_printed(digits, capsys):
    blown = lc.compare({"huge": None}, lr=1e8, epochs=2, seeds=(0, 1), data=digits)
    assert capsys.readouterr().out == ""
    board = blown.leaderboard
    assert board.loc["huge", "diverged"] == 2
    assert np.isnan(board.loc["huge", "final acc mean"])
    assert board.loc["huge", "best loss mean"] > 0  # from the epoch each run finished before blowing up
    axes = blown.plot()  # NaN padding, no warnings (pytest turns warnings into errors)
    assert len(axes) == 3


def broken_for_seed_0(seed):
    """The MLP, except that seed 0's weights are NaN: that run diverges at its first step."""
    model = models.mlp(seed=seed)
    if seed == 0:
        with torch.no_grad():
            model[1].weight.fill_(float("nan"))
    return model


def test_one_diverged_seed_makes_the_final_mean_nan_and_ranks_the_schedule_last(digits):
    fine = lc.compare({"fine": None}, epochs=1, seeds=(0, 1), data=digits)
    broken = lc.compare({"broken": None}, model=broken_for_seed_0, epochs=1, seeds=(0, 1), data=digits)
    assert [h.diverged_at for h in broken.histories["broken"]] == [0, None]
    assert broken.histories["broken"][1] == fine.histories["fine"][1]
    board = broken.leaderboard
    assert board.loc["broken", "diverged"] == 1
    assert np.isnan(board.loc["broken", "final acc mean"])  # not the mean of the one seed that survived


def infinite_factor(step):
    return float("inf")


def test_a_schedule_that_diverges_ranks_below_one_that_does_not(digits):
    both = lc.compare({"infinite": functools.partial(LambdaLR, lr_lambda=infinite_factor), "fine": None},
                      epochs=1, seeds=(0, 1), data=digits)
    board = both.leaderboard
    assert list(board.index) == ["fine", "infinite"]
    assert board["diverged"].tolist() == [0, 2]


def test_plot_draws_a_mean_and_a_band_per_schedule(result):
    axes = result.plot(metrics=("val_acc",))
    assert len(axes) == 2
    lr_ax, acc_ax = axes
    assert [line.get_label() for line in acc_ax.get_lines()] == result.names
    mean_acc = np.mean([h.val_acc for h in result.histories["step"]], axis=0)
    np.testing.assert_allclose(acc_ax.get_lines()[1].get_ydata(), mean_acc)
    assert len(acc_ax.collections) == 2  # one band per schedule


def test_adamw_and_another_model_plug_in(digits):
    out = lc.compare({"cosine": functools.partial(CosineAnnealingLR, T_max=1)}, model=models.small_cnn,
                     optimizer=torch.optim.AdamW, lr=1e-3, epochs=1, seeds=(0,), data=digits)
    assert out.histories["cosine"][0].lr[0] == 1e-3


def test_per_batch_stepping_by_name(digits):
    out = lc.compare({"a": functools.partial(StepLR, step_size=1, gamma=0.5), "b": None},
                     step_per={"a": "batch", "b": "epoch"}, epochs=1, seeds=(0,), data=digits)
    lr = out.histories["a"][0].lr
    np.testing.assert_allclose(lr, 0.1 * 0.5 ** np.arange(len(lr)))
    assert out.step_per == {"a": "batch", "b": "epoch"}


def test_lr_grid_names_each_constant_lr(digits):
    grid = lc.lr_grid((0.01, 0.1), epochs=1, seeds=(0,), data=digits)
    assert grid.names == ["constant lr=0.01", "constant lr=0.1"]
    assert grid.lr == {"constant lr=0.01": 0.01, "constant lr=0.1": 0.1}
    assert grid.lr[grid.best()] in (0.01, 0.1)


def returns_nothing(optimizer):
    return None


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"schedules": {}}, ValueError, "schedules is empty"),
        ({"schedules": [None]}, TypeError, "schedules must be a dict"),
        ({"schedules": {"x": 0.1}}, TypeError, r"schedules\['x'\] must be None"),
        ({"schedules": {1: None}}, TypeError, "names must be strings"),
        ({"schedules": {"x": returns_nothing}}, TypeError,
         r"schedules\['x'\] must return a torch.optim.lr_scheduler scheduler .*got NoneType"),
        ({"seeds": ()}, ValueError, "seeds is empty"),
        ({"seeds": (0, 1.5)}, TypeError, "seeds"),
        ({"seeds": "012"}, TypeError, "seeds must be a tuple of ints"),
        ({"seeds": 3}, TypeError, "seeds must be a tuple of ints"),
        ({"seeds": (1, 1)}, ValueError, "must not repeat"),
        ({"seeds": (-1,)}, ValueError, "seeds"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"lr": -0.1}, ValueError, "lr"),
        ({"lr": {"other": 0.1}}, ValueError, r"missing \['x'\], unknown \['other'\]"),
        ({"step_per": "step"}, ValueError, "step_per must be one of"),
        ({"step_per": {"x": "batch", "y": "epoch"}}, ValueError, r"unknown \['y'\]"),
        ({"model": "mlp"}, TypeError, "model must be a callable"),
        ({"optimizer": None}, TypeError, "optimizer must be a callable"),
    ],
)
def test_compare_rejects_bad_input_by_name(kwargs, error, match, digits):
    arguments = {"schedules": {"x": None}, "epochs": 1, "seeds": (0,), "data": digits} | kwargs
    with pytest.raises(error, match=match):
        lc.compare(arguments.pop("schedules"), **arguments)


@pytest.mark.parametrize(
    "lrs, kwargs, error, match",
    [
        ((), {}, ValueError, "lrs is empty"),
        (0.1, {}, TypeError, "lrs must be a sequence"),
        ((0.1, 0.1), {}, ValueError, "must not repeat"),
        ((0.1,), {"lr": 0.2}, TypeError, "lr_grid sets the schedules"),
        ((0.1, -1.0), {}, ValueError, "lr"),
    ],
)
def test_lr_grid_rejects_bad_input(lrs, kwargs, error, match, digits):
    with pytest.raises(error, match=match):
        lc.lr_grid(lrs, epochs=1, seeds=(0,), data=digits, **kwargs)


def test_differs_weighs_the_gap_between_means_against_the_spread(result):
    board = result.leaderboard
    constant, step = board.loc["constant"], board.loc["step"]
    for metric in ("final acc", "best loss"):
        gap = abs(constant[f"{metric} mean"] - step[f"{metric} mean"])
        noise = max(constant[f"{metric} spread"], step[f"{metric} spread"])
        assert lc.differs(constant, step, metric) == (gap > noise)
        assert lc.differs(step, constant, metric) == lc.differs(constant, step, metric)
    assert not lc.differs(step, step)
    wider = step.copy()
    margin = constant["final acc spread"] + step["final acc spread"] + 0.01
    wider["final acc mean"] = constant["final acc mean"] + margin
    assert lc.differs(constant, wider)
    with pytest.raises(TypeError, match="b must be a leaderboard row"):
        lc.differs(step, "constant")
    with pytest.raises(ValueError, match="metric must be one of"):
        lc.differs(step, constant, "accuracy")


def test_plot_and_best_reject_unknown_names(result):
    with pytest.raises(ValueError, match="metrics must be one of"):
        result.plot(metrics=("accuracy",))
    with pytest.raises(TypeError, match="metrics must be a non-empty tuple"):
        result.plot(metrics="val_acc")
    with pytest.raises(ValueError, match="metric must be one of"):
        result.best("final acc spread")
