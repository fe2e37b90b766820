"""Checkpoints of :func:`lrcourse.fit`: save after every epoch, resume exactly where a run stopped.

A checkpoint holds everything a resumed run needs to continue as if it had
never stopped: the model, optimizer and scheduler state, the epoch, the
History so far, and what the run was (seed, ``step_per``, batches per epoch).
Before a resume changes anything, it checks that the checkpoint was written
for the same kind of model, optimizer and scheduler, and says which part
differs if not.

``fit(..., checkpoint_path=...)`` and ``fit(..., resume_from=...)`` use this
module; a lesson never needs to call it directly.

Source: torch's "Saving and loading a general checkpoint" recipe (state dicts of
model, optimizer and scheduler, saved with ``torch.save``).
"""
from __future__ import annotations

import functools
import os
import pickle
import tempfile
import types

import torch

from . import _checks

FORMAT = "lrcourse.fit checkpoint, version 1"


def describe_scheduler(scheduler) -> str:
    """The scheduler's class, and the classes of the schedulers it wraps.

    >>> import torch
    >>> from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> describe_scheduler(SequentialLR(opt, [LinearLR(opt), CosineAnnealingLR(opt, T_max=5)], milestones=[5]))
    'SequentialLR(LinearLR, CosineAnnealingLR)'
    """
    if scheduler is None:
        return "no scheduler"
    inner = getattr(scheduler, "_schedulers", None)  # SequentialLR and ChainedScheduler keep them here
    if inner is None:
        return type(scheduler).__name__
    return f"{type(scheduler).__name__}({', '.join(describe_scheduler(s) for s in inner)})"


def _schedule_functions(scheduler) -> list:
    """The ``lr_lambdas`` of LambdaLR and MultiplicativeLR, also inside SequentialLR or ChainedScheduler."""
    if scheduler is None:
        return []
    inner = getattr(scheduler, "_schedulers", None)
    if inner is not None:
        return [fn for s in inner for fn in _schedule_functions(s)]
    return list(getattr(scheduler, "lr_lambdas", []))


def schedule_function_names(scheduler) -> list[str]:
    """Name every schedule function, after checking that pickle can save it.

    torch's ``LambdaLR.state_dict()`` silently leaves plain functions out, so a
    checkpoint cannot say which schedule it was written with.  A function
    pickle can save is one that a name (module-level function) or its own
    attributes (callable object) recreate; a lambda or a closure is neither,
    and resuming with it could silently follow a different schedule, so it
    raises a TypeError that explains the fix.

    A ``functools.partial`` is named with its function and arguments, since
    LambdaLR's state does not hold them and two partials differ only there.

    >>> import functools, torch
    >>> from torch.optim.lr_scheduler import LambdaLR
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    >>> schedule_function_names(LambdaLR(opt, functools.partial(pow, 0.5)))
    ['functools.partial(builtins.pow, 0.5)']
    """
    names = []
    for fn in _schedule_functions(scheduler):
        try:
            pickle.dumps(fn)
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            raise TypeError(_unsaveable_message(f"the scheduler's lr_lambda {_qualname(fn)!r}", err)) from err
        names.append(_function_name(fn))
    return names


def _function_name(fn) -> str:
    """``module.name`` of a function, or of a callable object's class; a partial adds its arguments."""
    if isinstance(fn, functools.partial):
        arguments = [repr(a) for a in fn.args] + [f"{k}={v!r}" for k, v in fn.keywords.items()]
        return f"functools.partial({', '.join([_function_name(fn.func), *arguments])})"
    owner = fn if isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)) else type(fn)
    return f"{owner.__module__}.{owner.__qualname__}"


def _qualname(fn) -> str:
    return getattr(fn, "__qualname__", type(fn).__qualname__)


def _unsaveable_message(what: str, err) -> str:
    return (
        f"checkpoint_path: {what} cannot be saved in a checkpoint ({err}). Plain lambdas and closures "
        "do not pickle: define the schedule as a module-level function "
        "(def warmup(epoch): return min(1.0, (epoch + 1) / 5)) or as an instance of a callable class "
        "(class Warmup: ... def __call__(self, epoch): ...) and pass that to LambdaLR."
    )


def save(path, model, optimizer, scheduler, *, epoch: int, log: dict, run: dict) -> None:
    """Write the checkpoint to a temporary file, then rename it: a crash mid-write never leaves half a file."""
    checkpoint = {
        "format": FORMAT,
        "epoch": epoch,
        "run": run,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "optimizer_class": type(optimizer).__name__,
        "scheduler": None if scheduler is None else scheduler.state_dict(),
        "scheduler_class": describe_scheduler(scheduler),
        "schedule_functions": schedule_function_names(scheduler),
        "history": log,
    }
    path = _checks.file_path("checkpoint_path", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        # A callable object given to LambdaLR is saved through its attributes; one of them does not pickle.
        raise TypeError(_unsaveable_message(f"the state of {describe_scheduler(scheduler)}", err)) from err
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load(path) -> dict:
    """Read a checkpoint written by :func:`save`; a missing file or any other file gets an error naming it."""
    path = _checks.file_path("resume_from", path)
    if not path.is_file():
        raise FileNotFoundError(f"resume_from={str(path)!r}: no such file; pass the checkpoint_path of an earlier fit")
    try:
        # weights_only=True: fit saves only tensors and plain Python values (the History as lists), which
        # the restricted unpickler reads; full unpickling could run code hidden in a file from elsewhere.
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as err:
        raise ValueError(f"resume_from={str(path)!r} is not a checkpoint written by lrcourse.fit ({err})") from err
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise ValueError(f"resume_from={str(path)!r} is not a checkpoint written by lrcourse.fit")
    return checkpoint


def _model_mismatch(saved: dict, current: dict) -> str | None:
    missing = sorted(current.keys() - saved.keys())
    unexpected = sorted(saved.keys() - current.keys())
    reshaped = [
        f"{key}: checkpoint {tuple(saved[key].shape)}, model {tuple(current[key].shape)}"
        for key in current.keys() & saved.keys()
        if saved[key].shape != current[key].shape
    ]
    problems = []
    if missing:
        problems.append(f"model keys not in the checkpoint {missing}")
    if unexpected:
        problems.append(f"checkpoint keys not in the model {unexpected}")
    if reshaped:
        problems.append("model shapes differ for " + "; ".join(sorted(reshaped)))
    return "; ".join(problems) or None


def _optimizer_mismatch(checkpoint: dict, optimizer) -> str | None:
    if checkpoint["optimizer_class"] != type(optimizer).__name__:
        return f"optimizer class: checkpoint has {checkpoint['optimizer_class']}, got {type(optimizer).__name__}"
    saved_sizes = [len(group["params"]) for group in checkpoint["optimizer"]["param_groups"]]
    sizes = [len(group["params"]) for group in optimizer.param_groups]
    if saved_sizes != sizes:
        return f"optimizer param groups: checkpoint has parameters per group {saved_sizes}, got {sizes}"
    return None


def _scheduler_mismatch(checkpoint: dict, scheduler) -> str | None:
    if checkpoint["scheduler_class"] != describe_scheduler(scheduler):
        return f"scheduler class: checkpoint has {checkpoint['scheduler_class']}, got {describe_scheduler(scheduler)}"
    functions = schedule_function_names(scheduler)
    if checkpoint["schedule_functions"] != functions:
        return f"scheduler lr_lambda: checkpoint has {checkpoint['schedule_functions']}, got {functions}"
    return None


def resume(path, model, optimizer, scheduler, run: dict, *, epochs: int) -> tuple[dict, int]:
    """Check that the checkpoint fits these objects, then load it into them; return the log and the epoch.

    ``run`` holds what the resumed run must repeat (seed, ``step_per``, batches
    per epoch); ``epochs`` is the total the resumed run will reach.  Nothing is
    changed unless everything matches.
    """
    checkpoint = load(path)
    if epochs <= checkpoint["epoch"]:
        raise ValueError(
            f"epochs={epochs} is the total number of epochs, and resume_from already holds {checkpoint['epoch']}: "
            f"ask for more than {checkpoint['epoch']}"
        )
    where = f"resume_from={str(path)!r} was written for a different run"
    model_problem = _model_mismatch(checkpoint["model"], model.state_dict())
    if model_problem:
        raise ValueError(f"{where}: {model_problem}")
    for problem in (_optimizer_mismatch(checkpoint, optimizer), _scheduler_mismatch(checkpoint, scheduler)):
        if problem:
            raise ValueError(f"{where}: {problem}")
    for name, value in run.items():
        if checkpoint["run"][name] != value:
            raise ValueError(f"{where}: {name}={checkpoint['run'][name]!r} there, {name}={value!r} here; use the same")
    # Everything matched: only now change the caller's objects.
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    return checkpoint["history"], checkpoint["epoch"]
