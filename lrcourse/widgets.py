"""Sliders for any scheduler: move a knob, see the schedule redraw.

``explore`` returns an :class:`Explorer`, an ``ipywidgets.interactive`` whose
function works out the schedule and redraws one figure that the explorer owns
(a bare ``matplotlib.figure.Figure``, never registered with pyplot, so
dragging a slider a hundred times leaves no figures behind).

A redraw stays fast and steady, even at 10,000 steps:

- the schedule comes from its closed form in :mod:`lrcourse.formulas` where the
  scheduler has one (0.28 ms for 10,000 steps of OneCycleLR, where stepping
  torch takes 442 ms: README's ``make bench`` table), and from stepping torch otherwise;
- the figure keeps its size, margins and axes: a redraw replaces the lines only;
- the explorer renders the PNG it shows itself, at the figure's own size, so
  the image never changes size under the learner's cursor.

With ``quadratic=`` a panel below shows what the schedule does to a loss: the exact expected loss of
SGD on a noisy quadratic (:mod:`lrcourse.quadratic`) under the schedule on the sliders, beside that of
the constant LR the schedule starts from.  It is computed, not sampled: 8 ms for 10,000 steps.
"""
from __future__ import annotations

import base64
import functools
import inspect
import io
import numbers
import textwrap

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from torch.optim import lr_scheduler

from . import _checks, formulas
from .plotting import DPI, FIGSIZE, plot_schedules, style
from .quadratic import EXAMPLE, NoisyQuadratic
from .simulation import (
    NOT_SETTINGS,
    Trace,
    _events,
    _momentum,
    prepare,
    scheduler_label,
    simulate,
    stand_in_optimizer,
)

#: The momentum (or Adam's beta1) that a scheduler built with ``cycle_momentum=True`` sets, in closed form.
MOMENTUM_FORMULAS = {"OneCycleLR": formulas.one_cycle_momentum, "CyclicLR": formulas.cyclic_momentum}

#: The explorer's margins, as fractions of the figure: fixed, so that the axes never move.
MARGINS = {"left": 0.11, "right": 0.97, "top": 0.89, "bottom": 0.14, "hspace": 0.12}
#: With a loss panel the figure is this much taller, and its margins are set in inches as before.
LOSS_PANEL_HEIGHT = 2.2
#: Where the axis labels sit: the y label at a fraction of the axes' width to their left, the x label
#: this many inches below them (where matplotlib would put them for tick labels of the usual size).
YLABEL_X, XLABEL_DROP = -0.1, 0.29


# --- the schedule -------------------------------------------------------------

def _arguments(function) -> set[str]:
    """The keyword arguments a closed form takes besides the step ``t`` (none for ``None``)."""
    return set() if function is None else set(inspect.signature(function).parameters) - {"t"}


def _closed_forms(scheduler, params: dict):
    """``(lr formula, momentum formula or None)`` for ``scheduler(**params)``; ``None`` if the formulas cannot say."""
    name = getattr(scheduler, "__name__", None)
    if name not in formulas.FORMULAS or getattr(lr_scheduler, name) is not scheduler:
        return None  # a function, or a subclass of a torch class, may compute anything
    lr_formula, momentum_formula = formulas.FORMULAS[name], MOMENTUM_FORMULAS.get(name)
    if not set(params) <= _arguments(lr_formula) | _arguments(momentum_formula):
        return None  # an argument no formula takes, such as CyclicLR's scale_fn
    return lr_formula, momentum_formula


def _evaluate(formula, t, params: dict, **defaults):
    """``formula(t, ...)`` with the arguments in ``params`` (then ``defaults``) that it takes."""
    arguments = {**defaults, **params}
    return formula(t, **{name: arguments[name] for name in _arguments(formula) if name in arguments})


def closed_form_trace(scheduler, params: dict, steps: int, *, lr=0.1, optimizer="sgd", metrics=None) -> Trace | None:
    """The Trace ``simulate`` records for ``scheduler(optimizer, **params)``, from closed forms; ``None`` without them.

    torch still builds the scheduler, so it checks the arguments and words any
    error as ``simulate`` would, but it never steps it.  The values agree with
    torch's up to rounding: ``tests/test_widgets.py`` holds every scheduler
    with a closed form against ``simulate``.
    """
    forms = _closed_forms(scheduler, params)
    if forms is None:
        return None
    lr_formula, momentum_formula = forms
    steps, opt, built, _ = prepare(functools.partial(scheduler, **params), steps, lr=lr, optimizer=optimizer,
                                   metrics=metrics)
    if isinstance(built, lr_scheduler.ConstantLR) and built.factor == 0:
        return None  # torch divides by the factor when ConstantLR ends, and raises there; the formula does not
    t = np.arange(steps)
    try:
        lrs = _evaluate(lr_formula, t, params, base_lr=built.base_lrs[0])
        if momentum_formula is not None and built.cycle_momentum:
            momentum = _evaluate(momentum_formula, t, params)
        else:
            start = _momentum(opt.param_groups[0])  # no other scheduler touches momentum
            momentum = np.full(steps, start) if start else None  # momentum 0 throughout is no momentum
    except (TypeError, ValueError):
        return None  # a setting the formula refuses but torch takes (gamma=0, say): torch shows what happens
    lrs = lrs[:, np.newaxis]  # one column: the single parameter group
    return Trace(lrs=lrs, label=scheduler_label(built), momentum=momentum, events=_events(built, lrs))


def schedule_trace(scheduler, params: dict, steps: int, *, lr=0.1, optimizer="sgd", metrics=None) -> Trace:
    """The Trace of ``scheduler(optimizer, **params)``: from its closed form if it has one, else by stepping torch."""
    trace = closed_form_trace(scheduler, params, steps, lr=lr, optimizer=optimizer, metrics=metrics)
    if trace is None:
        trace = simulate(functools.partial(scheduler, **params), steps, lr=lr, optimizer=optimizer, metrics=metrics)
    return trace


# --- the figure ---------------------------------------------------------------

class SchedulePanel:
    """The explorer's figure: a fixed size and fixed margins; a redraw replaces its lines, not its axes.

    ``png`` holds the latest drawing, rendered at the figure's own size
    (``FIGSIZE`` at ``DPI``: 630 x 306 pixels), which is what the notebook shows.
    """

    def __init__(self, quadratic: NoisyQuadratic | None = None, constant_lr: float = 0.1, steps: int = 100,
                 optimizer="sgd"):
        height = FIGSIZE[1] + (LOSS_PANEL_HEIGHT if quadratic is not None else 0)
        with style():
            self.figure = Figure(figsize=(FIGSIZE[0], height), dpi=DPI, layout="none")
        FigureCanvasAgg(self.figure)  # renders PNGs without pyplot
        self.rows = None  # panels in the figure: 1 (LR), 2 (LR and momentum), 0 (a message); + 1 for the loss
        self.png = b""
        self.quadratic = quadratic
        # The loss panel runs the explorer's own SGD, step for step: its LR, and its momentum (0.9 for
        # "sgd_momentum", or what a scheduler cycles).  Adam's beta1 is no SGD momentum: with Adam, or an
        # optimizer of the learner's own, the problem's own momentum stands in.
        self.sgd = optimizer in ("sgd", "sgd_momentum")
        self.constant_lr = constant_lr
        self.constant_loss = self.loss = None  # the constant LR's and the schedule's expected loss, as drawn
        if quadratic is not None:  # the constant LR's loss depends on no slider: computed once
            start = stand_in_optimizer(optimizer, constant_lr).param_groups[0].get("momentum", 0.0)
            momentum = np.full(steps, start) if self.sgd else None
            self.constant_loss = quadratic.expected_loss(np.full(steps, constant_lr), momentum=momentum)

    def show(self, result) -> None:
        """Draw a Trace (LR, plus momentum if any) or an error message, and render the PNG."""
        buffer = io.BytesIO()
        with style():  # entered once per redraw: each entry copies all of matplotlib's settings
            if isinstance(result, Exception):
                self._message(f"{type(result).__name__}: {result}")
            else:
                self._trace(result)
            # The lightest compression: half the encoding time of the default, for files a few percent larger.
            self.figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        self.png = buffer.getvalue()

    def _axes(self, rows: int) -> list:
        """The figure's axes for ``rows`` panels; they are rebuilt only when the number of panels changes."""
        if rows != self.rows:
            height = self.figure.get_figheight()
            self.figure.clear()
            # clear() resets the margins to matplotlib's defaults; they are kept in inches as in a plain
            # explorer, so a taller figure (with a loss panel) gives its panels the room, not its margins.
            top = 1 - (1 - MARGINS["top"]) * FIGSIZE[1] / height
            bottom = MARGINS["bottom"] * FIGSIZE[1] / height
            self.figure.subplots_adjust(**{**MARGINS, "top": top, "bottom": bottom})
            axes = self.figure.subplots(max(rows, 1), 1, sharex=True, squeeze=False)[:, 0]
            for ax in axes:
                # Fixed places for the axis labels: they no longer move when the tick labels change width,
                # and matplotlib no longer measures every tick label to place them (a fifth of a redraw).
                ax.yaxis.set_label_coords(YLABEL_X, 0.5)
                ax.xaxis.set_label_coords(0.5, -XLABEL_DROP / (ax.get_position().height * height))
            self.rows = rows
        return self.figure.axes

    def _trace(self, trace: Trace) -> None:
        with_loss = self.quadratic is not None
        axes = self._axes((1 if trace.momentum is None else 2) + with_loss)
        for ax in axes:
            for line in list(ax.lines):
                line.remove()
            if ax.get_legend() is not None and ax is not axes[0]:
                ax.get_legend().remove()
            ax.relim()  # forget the old lines' extent, so the axes fit the new ones
        plot_schedules(trace, ax=axes[0], legend="above")
        if trace.momentum is not None:
            axes[1].plot(trace.momentum, color="#555555")
            axes[1].set_ylabel("momentum")
        if with_loss:
            self._loss(axes[-1], trace)
        for ax in axes[:-1]:
            ax.set_xlabel("")
        axes[-1].set_xlabel("step")

    def _loss(self, ax, trace: Trace) -> None:
        """The expected loss under the schedule, beside the constant LR's; the final values in the legend."""
        momentum = None
        if self.sgd:
            momentum = np.zeros(len(trace.lr)) if trace.momentum is None else trace.momentum
        self.loss = self.quadratic.expected_loss(trace.lr, momentum=momentum)
        # A loss that passes a thousand times its start has diverged, and is drawn no further: the quadratic
        # would shrink back once the LR fell below the stability limit again, but a network's loss is
        # NaN by then, and lrcourse.fit stops there too.
        ceiling = 1e3 * max(self.loss[0], self.constant_loss[0])
        for loss, style_, name in ((self.constant_loss, dict(color="#999999", linestyle="--"),
                                    f"constant lr={self.constant_lr:.3g}"),
                                   (self.loss, dict(color="C0"), "this schedule")):
            above = np.flatnonzero(~(loss <= ceiling))
            if above.size:
                loss = np.where(np.arange(loss.size) < above[0], loss, np.nan)
                final = f"diverges at step {above[0]}"
            else:
                final = f"ends at {loss[-1]:.3g}"
            ax.plot(*_thinned(loss), label=f"{name}: {final}", **style_)
        if ax.get_yscale() != "log":
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(NullLocator())  # a log axis's minor ticks cost a third of a redraw
        ax.set_ylabel("E[loss]")
        ax.legend(loc="upper right", fontsize=8, frameon=False)

    def _message(self, message: str) -> None:
        self.loss = None
        (ax,) = self._axes(0)
        ax.set_axis_off()
        for text in list(ax.texts):
            text.remove()
        ax.text(0.5, 0.5, "\n".join(textwrap.wrap(message, 70)), ha="center", va="center", color="#B00020",
                fontsize=10)


class Explorer(ipywidgets.interactive):
    """What :func:`explore` returns: the controls, and the figure they redraw.

    A running notebook shows the live widget.  Every viewer that cannot run
    it (GitHub, an untrusted JupyterLab, a static site) shows the figure as it
    was drawn, as a PNG, with a line of text saying how to bring the sliders
    back: the display carries all three, and each viewer picks what it can show.
    """

    def __init__(self, redraw, controls: dict, panel: SchedulePanel, name: str):
        super().__init__(redraw, **controls)  # calls redraw once: the first figure
        self.panel = panel
        self.figure = panel.figure
        moving = ", ".join(n for n, c in controls.items() if isinstance(c, ipywidgets.ValueWidget))
        self.caption = (f"Explorer for {name}" + (f" ({moving})" if moving else "")
                        + ": run the notebook to move the sliders")

    @property
    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes."""
        return self.panel.png

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.caption
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle


# --- the controls -------------------------------------------------------------

def _parameters(scheduler) -> tuple[list[str], bool]:
    """The argument names ``scheduler`` takes after the optimizer, and whether it takes ``**kwargs``."""
    if isinstance(scheduler, type):
        if not issubclass(scheduler, lr_scheduler.LRScheduler):
            raise TypeError("scheduler must be a torch scheduler class or a function "
                            f"(optimizer, **params) -> scheduler, got {scheduler.__name__}")
        signature = inspect.signature(scheduler.__init__)
        skip = NOT_SETTINGS
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


def explore(scheduler, *, steps=100, lr=0.1, optimizer="sgd", metrics=None, quadratic=None, **ranges) -> Explorer:
    """Sliders for a scheduler's arguments, redrawing its schedule as they move.

    Each keyword is one argument of ``scheduler``: ``(min, max, step)`` gives a
    slider that starts mid-range, a list gives a dropdown that starts at its
    first item, any other value is passed as it is.

    Example (in a notebook; ``tests/test_widgets.py`` drives it headless)::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> w = explore(StepLR, step_size=(1, 50, 1), gamma=(0.1, 0.9, 0.1))  # doctest: +SKIP
        >>> w.children[0].value = 10          # what moving the slider does  # doctest: +SKIP
        >>> round(w.result.lr[10], 8)         # .result is the Trace on the figure  # doctest: +SKIP
        0.01

    The schedule comes from the scheduler's closed form in :mod:`lrcourse.formulas`
    where it has one, the same numbers as torch's up to rounding, and from
    stepping torch otherwise.  A combination torch rejects shows torch's
    message in the plot area and sets ``.result`` to ``None``.

    Args:
        scheduler: a scheduler class (``StepLR``) or a function
            ``(optimizer, **params) -> scheduler`` for compositions such as warm-up + cosine.
        steps, lr, optimizer, metrics: as in :func:`lrcourse.simulate`.
        quadratic: ``None`` (no loss panel), ``True`` (the panel on :data:`lrcourse.quadratic.EXAMPLE`) or a
            :class:`lrcourse.quadratic.NoisyQuadratic`: a panel with the expected loss of SGD on it under the
            schedule, beside that of a constant ``lr``; ``.panel.loss`` holds the values drawn.  With
            ``optimizer="sgd"`` or ``"sgd_momentum"`` it runs that SGD's momentum at every step, as set.
    """
    names, takes_any = _parameters(scheduler)
    for name in ranges:
        if name not in names and not takes_any:
            raise ValueError(f"{name!r} is not an argument of {getattr(scheduler, '__name__', scheduler)}; "
                             f"it takes {', '.join(names)}")
    steps = _checks.positive_int("steps", steps)
    _checks.non_negative("lr", lr)
    controls = {name: _control(name, spec) for name, spec in ranges.items()}
    panel = SchedulePanel(_loss_problem(quadratic), constant_lr=lr, steps=steps, optimizer=optimizer)

    def redraw(**params):
        try:
            result = schedule_trace(scheduler, params, steps, lr=lr, optimizer=optimizer, metrics=metrics)
        except Exception as error:  # any rejection is shown to the learner, never a traceback
            result = error
        panel.show(result)
        _show(panel.png)
        return None if isinstance(result, Exception) else result

    return Explorer(redraw, controls, panel, getattr(scheduler, "__name__", type(scheduler).__name__))


def _thinned(values: np.ndarray, points: int = 1000):
    """``(steps, values)`` at most ``points`` of them, the last kept: the figure is 630 pixels wide, so a
    line through 10,000 steps looks the same through 1,000, and draws in a fraction of the time."""
    every = max(1, -(-len(values) // points))
    steps = np.r_[np.arange(0, len(values) - 1, every), len(values) - 1]
    return steps, values[steps]


def _loss_problem(quadratic) -> NoisyQuadratic | None:
    """``explore``'s ``quadratic``: None, True (the example problem) or a NoisyQuadratic."""
    if quadratic is None or quadratic is False:
        return None
    if quadratic is True:
        return EXAMPLE
    if not isinstance(quadratic, NoisyQuadratic):
        raise TypeError(f"quadratic must be None, True or a lrcourse.quadratic.NoisyQuadratic, "
                        f"got {type(quadratic).__name__}")
    return quadratic


def _show(png: bytes) -> None:
    # Only a running kernel can show a figure; in a plain script or test there is nothing to show it in.
    from IPython import get_ipython
    from IPython.display import Image, display

    if get_ipython() is not None:
        display(Image(data=png, format="png"))
