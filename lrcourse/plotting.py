"""One house style for every figure in the course.

Figures have a white face and dark ink, so the PNGs stay readable on
GitHub, in light and in dark JupyterLab themes.  Colours are the Okabe-Ito
palette, which colour-blind readers can tell apart.

matplotlib is imported inside the functions that draw, so that importing
``lrcourse`` (whose ``Trace.plot`` comes from here) does not load it.
"""
from __future__ import annotations

import contextlib
import textwrap

import numpy as np
from cycler import cycler

from . import _checks

#: Every figure's size in inches and resolution: 630 x 306 pixels.
FIGSIZE = (7.0, 3.4)
DPI = 90

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

STYLE = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "text.color": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "figure.constrained_layout.use": True,
}

#: Where ``plot_schedules`` can put the legend: matplotlib's places inside the axes, or a row above them.
LEGEND_PLACES = ("best", "upper right", "upper left", "lower left", "lower right", "right", "center left",
                 "center right", "lower center", "upper center", "center", "above")

# How each kind of event is marked: (marker, label in the legend).
EVENT_MARKERS = {"milestone": ("v", "milestone"), "restart": ("^", "restart"), "reduction": ("v", "reduction")}


def use_style() -> None:
    """Apply the course's matplotlib style to every figure from now on (the setup cell calls it)."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)


@contextlib.contextmanager
def style():
    """The house style for the figures made inside the ``with`` block only."""
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        yield
        # The first figure of a session may start the backend inside this block, and
        # Jupyter's inline backend switches interactive mode on as it starts; leaving
        # rc_context would switch it off again and hide every later figure.
        interactive = mpl.is_interactive()
    mpl.interactive(interactive)


def new_axes(ax=None, nrows: int = 1, **subplots_kw):
    """Return ``ax`` if given, otherwise fresh axes on a new figure in the house style."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    with style():
        _, axes = plt.subplots(nrows, 1, squeeze=nrows == 1, **subplots_kw)
    return axes


def _is_trace(value) -> bool:
    """Whether ``value`` has what a plot reads from a :class:`lrcourse.Trace`: ``lr``, ``label`` and ``events``.

    Asked by shape rather than by class: ``simulation`` imports this module
    for ``Trace.plot``, so this module must not import ``simulation``.
    """
    return all(hasattr(value, name) for name in ("lr", "label", "events"))


def _as_labelled(traces) -> dict:
    """Accept a Trace, a list of Traces or a dict label -> Trace; return a dict."""
    if _is_trace(traces):
        return {traces.label: traces}
    if isinstance(traces, dict):
        items = traces
    elif isinstance(traces, (list, tuple)):
        items = {t.label if _is_trace(t) else str(i): t for i, t in enumerate(traces)}
    else:
        raise TypeError(
            f"traces must be a Trace, a list of Traces or a dict label -> Trace, got {type(traces).__name__}"
        )
    if not items:
        raise ValueError("traces is empty: nothing to plot (give at least one Trace)")
    for label, tr in items.items():
        if not _is_trace(tr):
            raise TypeError(f"traces[{label!r}] must be a Trace (from lrcourse.simulate), got {type(tr).__name__}")
    return items


def plot_schedules(traces, ax=None, logy: bool = False, title: str | None = None, legend: str = "best"):
    """Plot one or more schedules: the LR in force at each step.

    Markers show milestones, restarts and plateau reductions where a trace
    has them.  Returns the Axes, so a cell can end with ``ax = ...``.
    ``legend`` places the legend: a matplotlib ``loc`` such as ``"best"``, or
    ``"above"`` for one row above the axes, which never hides a curve and
    costs nothing to place (``"best"`` searches every point of every line).

    Example::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> import lrcourse as lc
        >>> ax = lc.plot_schedules(lc.simulate(lambda o: StepLR(o, 30), 100))
    """
    items = _as_labelled(traces)
    legend = _checks.one_of("legend", legend, LEGEND_PLACES)
    ax = new_axes(ax)
    explained = set()  # each kind of marker is named once in the legend
    with style():
        for label, tr in items.items():
            # A step schedule holds each LR for a whole step: draw it as stairs, not slopes.
            stairs = bool(tr.events.get("milestone") or tr.events.get("reduction"))
            (line,) = ax.plot(np.arange(len(tr.lr)), tr.lr, label=label,
                              drawstyle="steps-post" if stairs else "default")
            for kind, at in tr.events.items():
                if len(at):
                    marker, name = EVENT_MARKERS[kind]
                    ax.plot(at, tr.lr[at], marker, color=line.get_color(), markersize=6, linestyle="none",
                            label=name if kind not in explained else "_nolegend_")
                    explained.add(kind)
        ax.set_xlabel("step")
        ax.set_ylabel("learning rate")
        if logy:
            ax.set_yscale("log")
        if title is not None:
            ax.set_title(title)
        if legend == "above":
            # One row; a long label wraps onto a second line rather than running off the figure.
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles, [textwrap.fill(label, 75) for label in labels], ncols=len(handles), fontsize=8,
                      loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2)
        else:
            ax.legend(loc=legend)
    return ax
