"""Plots: the right data on labelled axes, under the Agg backend."""
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, ExponentialLR, MultiStepLR, ReduceLROnPlateau

import lrcourse as lc

PLOTTING = Path(lc.__file__).with_name("plotting.py")


@pytest.fixture
def traces():
    return {
        "multi-step": lc.simulate(lambda o: MultiStepLR(o, milestones=[30, 60, 80], gamma=0.5), 100),
        "restarts": lc.simulate(lambda o: CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2), 100),
    }


def test_plot_draws_each_trace_with_labelled_axes(traces):
    ax = lc.plot_schedules(traces, title="two schedules")
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "learning rate"
    assert ax.get_title() == "two schedules"
    labelled = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert set(labelled) == {"multi-step", "restarts", "milestone", "restart"}
    np.testing.assert_array_equal(labelled["restarts"].get_ydata(), traces["restarts"].lr)


def test_markers_sit_at_milestones_and_restarts(traces):
    ax = lc.plot_schedules(traces)
    markers = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    xs = sorted(tuple(m.get_xdata()) for m in markers)
    assert xs == [(20, 60), (30, 60, 80)]


def test_accepts_a_trace_a_list_or_a_dict_and_draws_on_given_axes(traces):
    fig, ax = plt.subplots()
    assert lc.plot_schedules(traces["multi-step"], ax=ax) is ax
    assert lc.plot_schedules(list(traces.values()), logy=True).get_yscale() == "log"
    assert traces["restarts"].plot().get_lines()[0].get_label() == traces["restarts"].label


def test_style_is_light_and_readable():
    ax = lc.plot_schedules(lc.simulate(lambda o: ExponentialLR(o, 0.9), 10))
    assert ax.figure.get_facecolor()[:3] == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "bad, error, message",
    [
        ({}, ValueError, "nothing to plot"),
        ([], ValueError, "nothing to plot"),
        ({"x": [1, 2]}, TypeError, r"traces\['x'\] must be a Trace"),
        (np.ones(3), TypeError, "traces must be a Trace, a list"),
    ],
)
def test_bad_input(bad, error, message):
    with pytest.raises(error, match=message):
        lc.plot_schedules(bad)


def test_an_unknown_legend_place_is_rejected_naming_the_argument(traces):
    with pytest.raises(ValueError, match="legend must be one of 'best', .*'above', got 'top'"):
        lc.plot_schedules(traces, legend="top")


def test_a_legend_above_the_axes_never_covers_a_curve_and_wraps_a_long_label():
    trace = lc.simulate(lambda o: ReduceLROnPlateau(o, factor=0.5, patience=2, threshold_mode="abs"), 30,
                        metrics=[1.0] * 30)
    ax = lc.plot_schedules(trace, legend="above")
    renderer = ax.figure.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0].replace("\n", " ") == trace.label and "\n" in texts[0]  # one label, on two lines
    assert texts[1:] == ["reduction"]
    assert ax.get_lines()[0].get_label() == trace.label  # the line keeps its label whole


def test_plotting_imports_neither_matplotlib_nor_simulation():
    # simulation imports plotting (for Trace.plot): plotting must import neither simulation (a cycle)
    # nor matplotlib (a second of start-up) until something is drawn.  The package's __init__ is
    # replaced by an empty package, so that only plotting's own imports count.
    code = textwrap.dedent(f"""
        import sys, types
        package = types.ModuleType("lrcourse")
        package.__path__ = [{str(PLOTTING.parent)!r}]
        sys.modules["lrcourse"] = package
        import lrcourse.plotting
        print(sorted(m for m in sys.modules if m.startswith(("matplotlib", "lrcourse"))))
        import lrcourse.simulation
        print([m for m in sys.modules if m.startswith("matplotlib")])
    """)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.splitlines() == ["['lrcourse', 'lrcourse._checks', 'lrcourse.plotting']", "[]"]
