"""Exercise checkers: ``check(exercise_id, answer)``; each lesson registers its own in ``lesson_NN``."""
import importlib
import pkgutil

from .core import REGISTRY, Exercise, Verdict, check, register

# Each lesson_NN module registers its exercises when imported.
for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("lesson_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Exercise", "Verdict", "check", "register"]
