"""lrcourse: simulate, check, plot, explore and train with PyTorch learning-rate schedules.

The public names live in one module per concern and are re-exported here:

- ``simulation``: :func:`simulate`, :class:`Trace`
- ``formulas``: the closed form of every built-in schedule, as ``lc.formulas.step_lr`` etc.
- ``plotting``: :func:`plot_schedules`, :func:`use_style`
- ``widgets``: :func:`explore`
- ``pitfalls``: :func:`expect`, to demonstrate an error or warning in a lesson
- ``exercises``: :func:`check`, the exercise checker
- ``data``, ``models``: the offline digits task and small seeded models for it
- ``training``: :func:`fit`, :class:`History`
- ``comparison``: :func:`compare`, :func:`lr_grid`, :class:`Comparison`: schedules side by side over several seeds
- ``lr_finder``: :func:`lr_find`, :class:`LRFinderResult`
- ``distributed``: :func:`ddp_fit`, :class:`DDPRun`, :class:`DDPResult`: DDP on several CPU processes, and the LR scaling rules
- ``averaging``: :func:`fit_averaged`, :func:`compare_averages`, :func:`compare_schedule_free` (SWA, EMA, schedule-free), :class:`InverseSqrtLR`, :func:`check_scheduler`
"""
from . import averaging, data, distributed, exercises, formulas, models
from .averaging import InverseSqrtLR, check_scheduler, compare_averages, compare_schedule_free, fit_averaged
from .comparison import Comparison, compare, differs, lr_grid
from .distributed import DDPResult, DDPRun, ddp_fit
from .exercises import check
from .lr_finder import LRFinderResult, lr_find
from .pitfalls import expect
from .plotting import plot_schedules, use_style
from .simulation import Trace, simulate
from .training import History, evaluate, fit
from .widgets import explore

__all__ = [
    "Comparison",
    "DDPResult",
    "DDPRun",
    "History",
    "InverseSqrtLR",
    "LRFinderResult",
    "Trace",
    "averaging",
    "check",
    "check_scheduler",
    "compare",
    "compare_averages",
    "compare_schedule_free",
    "data",
    "ddp_fit",
    "differs",
    "distributed",
    "evaluate",
    "exercises",
    "expect",
    "explore",
    "fit",
    "fit_averaged",
    "formulas",
    "lr_find",
    "lr_grid",
    "models",
    "plot_schedules",
    "simulate",
    "use_style",
]
