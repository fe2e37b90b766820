"""Re-exports that import their module on first use (PEP 562), so ``import lrcourse`` stays quick.

A lesson that only needs ``lc.formulas`` never pays for pyplot, ipywidgets or
torch; the first ``lc.plot_schedules`` imports the plotting module, and from
then on the name is an ordinary attribute of the package.
"""
from __future__ import annotations

from importlib import import_module


def exports(namespace: dict, submodules, names_by_module: dict):
    """Return ``(__all__, __getattr__, __dir__)`` for the package whose ``globals()`` is ``namespace``.

    ``names_by_module`` maps a module to the names re-exported from it, e.g.
    ``{"training": ("fit", "History")}``; ``submodules`` are the modules with no
    names re-exported.  Every module of either is reached as ``package.module``
    too, whatever ran before: without that, ``lc.training`` would work only after
    an import of ``lc.fit`` had loaded it as a side effect.

    >>> import json, types
    >>> all_, getattr_, dir_ = exports(vars(json), ["decoder"], {"encoder": ("JSONEncoder",)})
    >>> all_
    ['JSONEncoder', 'decoder', 'encoder']
    >>> getattr_("JSONEncoder").__name__
    'JSONEncoder'
    >>> isinstance(getattr_("decoder"), types.ModuleType)
    True
    """
    home = {name: module for module, names in names_by_module.items() for name in names}
    home.update({module: None for module in (*submodules, *names_by_module)})
    package = namespace["__name__"]

    def __getattr__(name: str):
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = home[name]
        value = import_module(f"{package}.{name}" if module is None else f"{package}.{module}")
        if module is not None:
            value = getattr(value, name)
        namespace[name] = value  # later look-ups find it directly, without calling __getattr__ again
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(home))

    return sorted(home), __getattr__, __dir__
