"""Sliders for any scheduler: move a knob, see the schedule redraw.

``explore`` wraps :func:`lrcourse.simulate` in ``ipywidgets.interactive``.
It draws into one figure that it owns (a bare ``matplotlib.figure.Figure``,
never registered with pyplot), so dragging a slider a hundred times leaves
no figures behind.
"""
from __future__ import annotations

import inspect
import numbers
import textwrap

import ipywidgets
from matplotlib.figure import Figure
from torch.optim.lr_scheduler import LRScheduler

from . import _checks
from .plotting import plot_schedules, style
from .simulation import simulate


def _parameters(scheduler) -> tuple[list[str], bool]:
    """The argument names ``scheduler`` takes after the optimizer, and whether it takes ``**kwargs``."""
    if isinstance(scheduler, type):
        if not issubclass(scheduler, LRScheduler):
            raise TypeError(f"scheduler must be a torch scheduler class or a function (optimizer, **params) -> scheduler, got {scheduler.__name__}")
        signature = inspect.signature(scheduler.__init__)
        skip = {"self", "optimizer", "last_epoch", "verbose"}
    else:
        _checks.callable_("scheduler", scheduler, "(optimizer, **params) -> scheduler, or a scheduler class")
        signature = inspect.signature(scheduler)
        skip = {next(iter(signature.parameters), None)}  # the first parameter receives the optimizer
    names, takes_any = [], False
    for name, p in signature.parameters.items():
        if p.kind is p.VAR_KEYWORD:
            takes_any = True
        elif p.kind is not p.VAR_POSITIONAL and name not in skip:
            names.append(name)
    return names, takes_any


def _control(name: str, spec):
    """A slider for ``(min, max, step)``, a dropdown for a list, a fixed value otherwise."""
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"{name}: a list of choices must not be empty")
        return ipywidgets.Dropdown(options=spec, value=spec[0], description=name)
    if isinstance(spec, tuple):
        if len(spec) != 3 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in spec):
            raise ValueError(f"{name}: a slider range must be (min, max, step) numbers, got {spec!r}")
        low, high, step = spec
        if not low < high or step <= 0:
            raise ValueError(f"{name}: a slider range needs min < max and step > 0, got {spec!r}")
        # Start in the middle of the range, on a step, as ipywidgets.interact does:
        # the ends of a range are usually its extreme, least typical settings.
        middle = low + round((high - low) / 2 / step) * step
        if all(isinstance(v, numbers.Integral) for v in spec):
            return ipywidgets.IntSlider(value=middle, min=low, max=high, step=step, description=name,
                                        continuous_update=False)
        return ipywidgets.FloatSlider(
            value=round(middle, 12), min=low, max=high, step=step, description=name, continuous_update=False,
            readout_format=".3g",
        )
    return ipywidgets.fixed(spec)


def draw(figure: Figure, result) -> None:
    """Redraw ``figure`` with a Trace (LR, plus momentum if any) or an error message."""
    figure.clear()
    with style():
        if isinstance(result, Exception):
            ax = figure.add_subplot()
            ax.set_axis_off()
            message = "\n".join(textwrap.wrap(f"{type(result).__name__}: {result}", 70))
            ax.text(0.5, 0.5, message, ha="center", va="center", color="#B00020", fontsize=10, wrap=True)
            return
        rows = 1 if result.momentum is None else 2
        axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
        plot_schedules(result, ax=axes[0])
        if rows == 2:
            axes[0].set_xlabel("")
            axes[1].plot(result.momentum, color="#555555")
            axes[1].set_xlabel("step")
            axes[1].set_ylabel("momentum")


def explore(scheduler, *, steps=100, lr=0.1, optimizer="sgd", metrics=None, **ranges) -> ipywidgets.interactive:
    """Sliders for a scheduler's arguments, redrawing its schedule as they move.

    Each keyword is one argument of ``scheduler``: ``(min, max, step)`` gives a
    slider that starts mid-range, a list gives a dropdown that starts at its
    first item, any other value is passed as it is.

    Example (in a notebook; ``tests/test_widgets.py`` drives it headless)::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> w = explore(StepLR, step_size=(1, 50, 1), gamma=(0.1, 0.9, 0.1))  # doctest: +SKIP
        >>> w.children[0].value = 10          # what moving the slider does  # doctest: +SKIP
        >>> round(w.result.lr[10], 8)         # .result is the latest Trace  # doctest: +SKIP
        0.01

    A combination torch rejects shows torch's message in the plot area and
    sets ``.result`` to ``None``.

    Args:
        scheduler: a scheduler class (``StepLR``) or a function
            ``(optimizer, **params) -> scheduler`` for compositions such as warm-up + cosine.
        steps, lr, optimizer, metrics: as in :func:`lrcourse.simulate`.
    """
    names, takes_any = _parameters(scheduler)
    for name in ranges:
        if name not in names and not takes_any:
            raise ValueError(f"{name!r} is not an argument of {getattr(scheduler, '__name__', scheduler)}; it takes {', '.join(names)}")
    steps = _checks.positive_int("steps", steps)
    _checks.non_negative("lr", lr)
    controls = {name: _control(name, spec) for name, spec in ranges.items()}
    # Fixed margins instead of constrained layout: the layout solver would cost
    # a third of every redraw, and the axes never change size here.
    figure = Figure(figsize=(7.0, 3.4), dpi=90, layout="none")
    figure.subplots_adjust(left=0.11, right=0.97, top=0.95, bottom=0.14, hspace=0.12)

    def redraw(**params):
        try:
            result = simulate(lambda opt: scheduler(opt, **params), steps, lr=lr, optimizer=optimizer, metrics=metrics)
        except Exception as error:  # any rejection is shown to the learner, never a traceback
            result = error
        draw(figure, result)
        _show(figure)
        return None if isinstance(result, Exception) else result

    widget = ipywidgets.interactive(redraw, **controls)
    widget.figure = figure
    return widget


def _show(figure: Figure) -> None:
    # Only a running kernel can show a figure; in a plain script or test there is nothing to show it in.
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(figure)
