"""lrcourse: simulate, check, plot and explore PyTorch learning-rate schedules.

The public names live in one module per concern and are re-exported here:

- ``simulation``: :func:`simulate`, :class:`Trace`
- ``formulas``: closed forms of every built-in schedule, as ``lc.formulas.step_lr`` etc.
- ``plotting``: :func:`plot_schedules`, :func:`use_style`
- ``widgets``: :func:`explore`
- ``pitfalls``: :func:`expect`, to demonstrate an error or warning in a lesson
- ``exercises``: :func:`check`, the exercise checker
"""
from . import exercises, formulas
from .exercises import check
from .pitfalls import expect
from .plotting import plot_schedules, use_style
from .simulation import Trace, simulate
from .widgets import explore

__all__ = [
    "Trace",
    "check",
    "exercises",
    "expect",
    "explore",
    "formulas",
    "plot_schedules",
    "simulate",
    "use_style",
]
