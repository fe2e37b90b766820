"""explore() driven headless: set slider values, check that .result follows."""
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    LinearLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

import lrcourse as lc


def controls(widget):
    return {c.description: c for c in widget.children if hasattr(c, "description") and c.description}


def test_sliders_drive_the_result():
    w = lc.explore(StepLR, steps=100, lr=0.1, step_size=(1, 50, 1), gamma=(0.1, 0.9, 0.1))
    c = controls(w)
    assert isinstance(c["step_size"], ipywidgets.IntSlider) and isinstance(c["gamma"], ipywidgets.FloatSlider)
    assert (c["step_size"].value, c["gamma"].value) == (25, 0.5)  # mid-range, on a step
    assert w.result.label == "StepLR(step_size=25, gamma=0.5)"
    c["step_size"].value = 10
    c["gamma"].value = 0.5
    expected = lc.simulate(lambda o: StepLR(o, step_size=10, gamma=0.5), 100, lr=0.1)
    np.testing.assert_array_equal(w.result.lr, expected.lr)
    assert w.result.label == "StepLR(step_size=10, gamma=0.5)"


def test_dropdown_and_fixed_values():
    w = lc.explore(OneCycleLR, steps=200, max_lr=(0.05, 1.0, 0.05), total_steps=200, anneal_strategy=["cos", "linear"],
                   optimizer="sgd_momentum")
    c = controls(w)
    assert isinstance(c["anneal_strategy"], ipywidgets.Dropdown)
    c["anneal_strategy"].value = "linear"
    c["max_lr"].value = 0.05
    assert w.result.lr[0] == pytest.approx(0.05 / 25)
    assert w.result.momentum is not None  # a second panel shows it
    assert len(w.figure.axes) == 2


def test_function_for_compositions():
    def warmup_cosine(optimizer, warmup=5, total=100):
        return SequentialLR(optimizer, [LinearLR(optimizer, 0.1, total_iters=warmup),
                                        CosineAnnealingLR(optimizer, T_max=total - warmup)], milestones=[warmup])

    w = lc.explore(warmup_cosine, steps=100, warmup=(1, 20, 1))
    controls(w)["warmup"].value = 10
    assert w.result.lr.argmax() == 10
    controls(w)["warmup"].value = 4
    assert w.result.lr.argmax() == 4


def test_plateau_takes_metrics():
    w = lc.explore(ReduceLROnPlateau, steps=30, metrics=[1.0] * 30, patience=(0, 10, 1))
    assert controls(w)["patience"].value == 5
    controls(w)["patience"].value = 3
    assert w.result.lr[5] == pytest.approx(0.01)


def test_rejected_combination_shows_torchs_message_not_a_stale_plot():
    w = lc.explore(LinearLR, steps=50, start_factor=(0.0, 1.0, 0.25))
    controls(w)["start_factor"].value = 0.0
    assert w.result is None  # torch rejects start_factor=0
    assert "start" in w.figure.axes[0].texts[0].get_text().lower()
    controls(w)["start_factor"].value = 0.5
    assert w.result.lr[0] == pytest.approx(0.05)
    assert not w.figure.axes[0].texts  # the message is gone once the plot is valid again
    w2 = lc.explore(OneCycleLR, steps=50, max_lr=(0.1, 1.0, 0.1), total_steps=(10, 100, 10))
    controls(w2)["total_steps"].value = 10
    assert w2.result is None  # total_steps=10 < 50 steps
    shown = " ".join(t.get_text() for ax in w2.figure.axes for t in ax.texts)
    assert "total_steps" in shown
    assert not [line for ax in w2.figure.axes for line in ax.get_lines()]
    controls(w2)["total_steps"].value = 50
    assert w2.result is not None and w2.result.steps == 50


def test_redraws_do_not_leak_figures():
    before = len(plt.get_fignums())
    w = lc.explore(StepLR, step_size=(1, 50, 1))
    for v in range(1, 30):
        controls(w)["step_size"].value = v
    assert len(plt.get_fignums()) == before
    assert len(w.figure.axes) == 1


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((StepLR,), {"stepsize": (1, 5, 1)}, ValueError, "'stepsize' is not an argument of StepLR; it takes step_size, gamma"),
        ((StepLR,), {"step_size": (5, 1, 1)}, ValueError, "step_size: a slider range needs min < max"),
        ((StepLR,), {"step_size": (1, 5)}, ValueError, r"step_size: a slider range must be \(min, max, step\)"),
        ((StepLR,), {"step_size": []}, ValueError, "a list of choices must not be empty"),
        ((int,), {}, TypeError, "scheduler must be a torch scheduler class"),
        ((3,), {}, TypeError, "scheduler must be a callable"),
        ((StepLR,), {"steps": 0}, ValueError, "steps must be a positive int"),
    ],
)
def test_bad_input(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        lc.explore(*args, **kwargs)
