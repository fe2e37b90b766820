"""explore() driven headless: set slider values, check that .result, the figure and the display follow."""
import base64
import functools
import io

import ipywidgets
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image
from torch.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

import lrcourse as lc
from lrcourse import formulas, widgets


def controls(widget):
    return {c.description: c for c in widget.children if hasattr(c, "description") and c.description}


def png_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


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
        ((StepLR,), {"stepsize": (1, 5, 1)}, ValueError,
         "'stepsize' is not an argument of StepLR; it takes step_size, gamma"),
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


# --- the figure shows what torch does ------------------------------------------

STEPS = 300


def warmup_cosine(optimizer, warmup=5, total=STEPS):
    return SequentialLR(optimizer, [LinearLR(optimizer, 0.1, total_iters=warmup),
                                    CosineAnnealingLR(optimizer, T_max=total - warmup)], milestones=[warmup])


def decay(epoch, every, gamma):
    return gamma ** (epoch // every)


def decay_every(optimizer, every=10, gamma=0.5):
    return LambdaLR(optimizer, functools.partial(decay, every=every, gamma=gamma))


# scheduler, explore's keywords (ranges, choices, fixed values, options), then the slider moves to make.
# The classes with a closed form in lc.formulas are drawn from it; the others by stepping torch.
CASES = [
    (StepLR, {"step_size": (1, 50, 1), "gamma": (0.05, 0.95, 0.05)},
     [{"step_size": 7, "gamma": 0.3}, {"step_size": 1}]),
    (MultiStepLR, {"milestones": [[30, 60, 80], [5, 10, 250]], "gamma": (0.1, 0.9, 0.1)},
     [{"milestones": [5, 10, 250], "gamma": 0.3}]),
    # gamma=0: the formula refuses it and torch does not, so torch draws it.
    (ExponentialLR, {"gamma": (0.0, 0.99, 0.01)}, [{"gamma": 0.93}, {"gamma": 0.0}]),
    (ConstantLR, {"factor": (0.25, 1.0, 0.25), "total_iters": (1, 50, 1)}, [{"factor": 0.25, "total_iters": 17}]),
    (LinearLR, {"start_factor": (0.1, 1.0, 0.1), "end_factor": [1.0, 0.0, 0.5], "total_iters": (1, 400, 1)},
     [{"start_factor": 0.1, "end_factor": 0.0, "total_iters": 250}]),
    (PolynomialLR, {"total_iters": (1, 400, 1), "power": (0.5, 3.0, 0.5)}, [{"total_iters": 30, "power": 0.5}]),
    (CosineAnnealingLR, {"T_max": (5, 100, 5), "eta_min": [0.0, 1e-5, 0.01]}, [{"T_max": 5, "eta_min": 1e-5}]),
    (CosineAnnealingWarmRestarts, {"T_0": (5, 50, 5), "T_mult": (1, 3, 1), "eta_min": [0.0, 1e-3]},
     [{"T_0": 5, "T_mult": 2, "eta_min": 1e-3}, {"T_mult": 3}]),
    (OneCycleLR, {"total_steps": STEPS, "max_lr": (0.05, 1.0, 0.05), "pct_start": (0.1, 0.45, 0.05),
                  "anneal_strategy": ["cos", "linear"], "three_phase": [False, True], "optimizer": "sgd_momentum"},
     [{"max_lr": 0.05, "pct_start": 0.1, "anneal_strategy": "linear", "three_phase": True}]),
    (OneCycleLR, {"total_steps": STEPS, "max_lr": (0.05, 1.0, 0.05), "base_momentum": (0.7, 0.9, 0.05),
                  "optimizer": "adam"}, [{"max_lr": 0.2, "base_momentum": 0.7}]),
    (CyclicLR, {"base_lr": (0.01, 0.1, 0.01), "max_lr": (0.1, 1.0, 0.05), "step_size_up": (1, 50, 1),
                "step_size_down": (1, 50, 1), "mode": ["triangular", "triangular2", "exp_range"],
                "gamma": (0.9, 1.0, 0.005), "optimizer": "sgd_momentum"},
     [{"mode": "exp_range", "gamma": 0.99, "step_size_up": 13, "step_size_down": 1}, {"mode": "triangular2"}]),
    (ReduceLROnPlateau, {"metrics": [1.0] * STEPS, "factor": (0.1, 0.9, 0.1), "patience": (0, 15, 1)},
     [{"factor": 0.3, "patience": 2}]),
    (warmup_cosine, {"warmup": (1, 50, 1)}, [{"warmup": 3}]),
    (decay_every, {"every": (1, 50, 1), "gamma": (0.1, 0.9, 0.1)}, [{"every": 7, "gamma": 0.3}]),
]
OPTIONS = ("optimizer", "metrics")


def drawn(w) -> dict:
    """What the figure shows: the LR line, the marker positions, the momentum line, the line's label."""
    lr_axes = w.figure.axes[0]
    line, *markers = lr_axes.get_lines()
    momentum = w.figure.axes[1].get_lines()[0].get_ydata() if len(w.figure.axes) == 2 else None
    return {"x": line.get_xdata(), "lr": line.get_ydata(), "label": line.get_label(),
            "markers": sorted(int(x) for m in markers for x in m.get_xdata()), "momentum": momentum}


def assert_same_curve(ours, torchs):
    """Equal to within 1e-12 of the curve's height: a pixel of the figure is about 1/250 of it."""
    np.testing.assert_allclose(ours, torchs, rtol=0, atol=1e-12 * np.abs(torchs).max())


@pytest.mark.parametrize("scheduler, keywords, moves", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_the_figure_draws_what_torch_does(scheduler, keywords, moves):
    options = {k: v for k, v in keywords.items() if k in OPTIONS}
    w = lc.explore(scheduler, steps=STEPS, lr=0.1, **keywords)
    for move in [{}, *moves]:
        for name, value in move.items():
            controls(w)[name].value = value
        expected = lc.simulate(functools.partial(scheduler, **w.kwargs), STEPS, lr=0.1, **options)
        shown = drawn(w)
        np.testing.assert_array_equal(shown["x"], np.arange(STEPS))
        assert_same_curve(shown["lr"], expected.lr)
        assert shown["label"] == expected.label
        assert shown["markers"] == sorted(at for ats in expected.events.values() for at in ats)
        assert (shown["momentum"] is None) == (expected.momentum is None)
        if expected.momentum is not None:
            assert_same_curve(shown["momentum"], expected.momentum)
        assert w.result.label == expected.label  # .result is the Trace on the figure
        assert_same_curve(w.result.lr, expected.lr)


@pytest.mark.parametrize("scheduler, keywords, moves", [c for c in CASES if c[0].__name__ in formulas.FORMULAS],
                         ids=lambda c: getattr(c, "__name__", ""))
def test_schedulers_with_a_closed_form_are_drawn_without_stepping_torch(monkeypatch, scheduler, keywords, moves):
    """The speed: torch builds these schedulers (and checks their arguments) but never steps them."""
    def no_stepping(*args, **kwargs):
        raise AssertionError("torch was stepped")

    monkeypatch.setattr(widgets, "simulate", no_stepping)
    w = lc.explore(scheduler, steps=STEPS, lr=0.1, **keywords)
    for move in moves:
        for name, value in move.items():
            if not (scheduler is ExponentialLR and value == 0.0):  # the one setting torch must draw
                controls(w)[name].value = value
        assert w.result is not None, w.figure.axes[0].texts[0].get_text()


def test_a_setting_torch_fails_on_while_stepping_shows_torchs_error():
    # ConstantLR divides by its factor when it ends: torch raises there, the closed form would not.
    w = lc.explore(ConstantLR, steps=20, factor=(0.0, 1.0, 0.5), total_iters=(1, 10, 1))
    controls(w)["factor"].value = 0.0
    assert w.result is None
    assert w.figure.axes[0].texts[0].get_text().startswith("ZeroDivisionError")
    w2 = lc.explore(OneCycleLR, steps=51, total_steps=(10, 100, 10), max_lr=0.1)
    controls(w2)["total_steps"].value = 50  # simulate refuses 51 steps of a 50-step OneCycleLR; so does the explorer
    assert w2.result is None
    assert "total_steps=50" in w2.figure.axes[0].texts[0].get_text()


# --- a steady figure ------------------------------------------------------------

def layout(w) -> tuple:
    """Everything that would make the figure jump: the image's size and where the axes and legend sit."""
    legend = w.figure.axes[0].get_legend()
    return (png_size(w.png), [ax.get_position().bounds for ax in w.figure.axes],
            legend.get_bbox_to_anchor().bounds if legend else None)


def test_every_redraw_keeps_the_size_and_layout_of_the_first(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets, "_show", shown.append)  # what a notebook would display
    w = lc.explore(OneCycleLR, steps=200, total_steps=200, optimizer="sgd_momentum", max_lr=(0.05, 1.0, 0.05),
                   pct_start=(0.1, 0.9, 0.05))
    first = layout(w)
    assert first[0] == (630, 306) and len(first[1]) == 2  # LR and momentum
    for max_lr, pct_start in [(0.05, 0.1), (1.0, 0.9), (0.35, 0.25), (0.05, 0.5)]:
        controls(w)["max_lr"].value = max_lr
        controls(w)["pct_start"].value = pct_start
        assert layout(w) == first
    assert len(shown) == 9 and {png_size(png) for png in shown} == {(630, 306)}
    assert shown[-1] == w.png


def test_the_layout_comes_back_after_an_error_message():
    w = lc.explore(LinearLR, steps=50, start_factor=(0.0, 1.0, 0.25), total_iters=(1, 50, 1))
    first = layout(w)
    controls(w)["start_factor"].value = 0.0  # torch refuses: a message instead of axes
    assert png_size(w.png) == first[0]
    controls(w)["start_factor"].value = 0.25
    controls(w)["total_iters"].value = 3  # tick labels of other widths: the axes must not move
    assert layout(w) == first


# --- a snapshot for every viewer --------------------------------------------------

def test_the_display_carries_a_snapshot_for_viewers_without_a_kernel():
    from IPython.core.formatters import DisplayFormatter

    w = lc.explore(StepLR, steps=100, step_size=(1, 50, 1), gamma=(0.1, 0.9, 0.1))
    data, _ = DisplayFormatter().format(w)  # what IPython sends to the notebook
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id  # a live kernel's view
    assert data["text/plain"] == "Explorer for StepLR (step_size, gamma): run the notebook to move the sliders"
    png = base64.b64decode(data["image/png"])
    assert png == w.png and png_size(png) == (630, 306)  # the figure as drawn


def test_a_notebook_stores_the_snapshot_next_to_the_widget(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import lrcourse as lc\nfrom torch.optim.lr_scheduler import StepLR\n"
        "lc.explore(StepLR, steps=20, step_size=(1, 10, 1))"
    )])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (output,) = nb.cells[0].outputs
    assert set(output.data) == {"text/plain", "image/png", "application/vnd.jupyter.widget-view+json"}
    assert output.data["text/plain"] == "Explorer for StepLR (step_size): run the notebook to move the sliders"
    assert png_size(base64.b64decode(output.data["image/png"])) == (630, 306)
    # The live widget's own output area shows the same PNG, stored with the widget state.
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    (out,) = [m["state"] for m in state.values() if m["model_name"] == "OutputModel"]
    assert [o["data"]["image/png"] for o in out["outputs"]] == [output.data["image/png"]]


# --- the loss panel -----------------------------------------------------------------

def test_the_loss_panel_draws_the_exact_expected_loss_of_the_schedule_on_the_sliders():
    w = lc.explore(CosineAnnealingLR, steps=100, lr=0.3, quadratic=True, T_max=(10, 200, 10))
    assert len(w.figure.axes) == 2 and png_size(w.png) == (630, 306 + round(widgets.LOSS_PANEL_HEIGHT * 90))
    controls(w)["T_max"].value = 100
    np.testing.assert_array_equal(w.panel.loss, lc.quadratic.EXAMPLE.expected_loss(w.result.lr))
    np.testing.assert_array_equal(w.panel.constant_loss, lc.quadratic.EXAMPLE.expected_loss(np.full(100, 0.3)))
    assert w.panel.loss[-1] < 0.25 * w.panel.constant_loss[-1]  # the decay ends below the constant LR's floor
    labels = [line.get_label() for line in w.figure.axes[1].lines]
    assert labels == [f"constant lr=0.3: ends at {w.panel.constant_loss[-1]:.3g}",
                      f"this schedule: ends at {w.panel.loss[-1]:.3g}"]


def test_the_loss_panel_takes_a_problem_and_stops_a_diverging_loss(recwarn):
    problem = lc.quadratic.NoisyQuadratic(curvatures=[4.0, 1.0], noise=0.01)  # stable below lr 0.5
    w = lc.explore(OneCycleLR, steps=300, total_steps=300, optimizer="sgd_momentum", quadratic=problem,
                   max_lr=(0.1, 1.0, 0.1))
    assert len(w.figure.axes) == 3  # LR, momentum, loss
    first = layout(w)
    controls(w)["max_lr"].value = 1.0
    label = w.figure.axes[2].lines[1].get_label()
    assert label.startswith("this schedule: diverges at step ")
    drawn = w.figure.axes[2].lines[1].get_ydata()
    assert np.isnan(drawn[-1]) and np.all(np.isfinite(drawn[:int(label.split()[-1])]))
    assert layout(w) == first and not [str(warning.message) for warning in recwarn]


def test_the_loss_panel_rejects_what_is_not_a_problem():
    with pytest.raises(TypeError, match="quadratic must be None, True or a lrcourse.quadratic.NoisyQuadratic, got"):
        lc.explore(StepLR, quadratic={"curvatures": [1.0]}, step_size=(1, 50, 1))
