"""lrcourse: simulate, check, plot, explore and train with PyTorch learning-rate schedules.

The public names live in one module per concern and are re-exported here:

- ``simulation``: :func:`simulate`, :class:`Trace`
- ``formulas``: the closed form of every built-in schedule fixed in advance, as ``lc.formulas.step_lr`` etc.
- ``notebook``: :func:`setup`, the first call of every lesson (style, seed, print options)
- ``plotting``: :func:`plot_schedules`, :func:`use_style`
- ``widgets``: :func:`explore`
- ``pitfalls``: :func:`expect`, to demonstrate an error or warning in a lesson
- ``exercises``: :func:`check`, the exercise checker, and :func:`hint`
- ``data``, ``models``: the offline digits task and small seeded models for it
- ``training``: :func:`fit`, :class:`History`, :func:`evaluate`; ``checkpoint`` saves and resumes its runs
- ``comparison``: :func:`compare`, :func:`lr_grid`, :class:`Comparison`, :func:`differs`: schedules side by side
  over several seeds
- ``lr_finder``: :func:`lr_find`, :class:`LRFinderResult`
- ``distributed``: :func:`ddp_fit`, :class:`DDPRun`, :class:`DDPResult`: DDP on several CPU processes,
  and the LR scaling rules
- ``finetuning``: parameter groups for fine-tuning (layer-wise LR decay, frozen layers, no decay on
  biases and norms) and :func:`~lrcourse.finetuning.compare_finetuning`
- ``averaging``: :func:`fit_averaged`, :func:`compare_averages`, :func:`compare_schedule_free` (SWA, EMA,
  schedule-free), :class:`InverseSqrtLR`, :func:`check_scheduler`
"""
from . import _lazy

# Each name is imported from its module on first use, so ``import lrcourse`` loads neither
# pyplot nor ipywidgets nor torch until a lesson asks for something that needs them.
# Every module below is also ``lc.<module>``; ``submodules`` are those with no name re-exported here.
__all__, __getattr__, __dir__ = _lazy.exports(
    globals(),
    submodules=("checkpoint", "data", "finetuning", "formulas", "models", "quadratic"),
    names_by_module={
        "averaging": ("InverseSqrtLR", "check_scheduler", "compare_averages", "compare_schedule_free", "fit_averaged"),
        "comparison": ("Comparison", "compare", "differs", "lr_grid"),
        "distributed": ("DDPResult", "DDPRun", "ddp_fit"),
        "exercises": ("check", "hint"),
        "lr_finder": ("LRFinderResult", "lr_find"),
        "notebook": ("setup",),
        "pitfalls": ("expect",),
        "plotting": ("plot_schedules", "use_style"),
        "simulation": ("Trace", "simulate"),
        "training": ("History", "evaluate", "fit"),
        "widgets": ("explore",),
    },
)
