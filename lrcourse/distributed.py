r"""Data-parallel training (DDP) on several CPU processes, and what it does to the learning rate.

With :math:`k` processes ("ranks"), each with its own batch of :math:`B`
images, DDP averages the gradients of the ranks before every optimizer step:

.. math::
    g = \frac{1}{k} \sum_{r=0}^{k-1} \frac{1}{B} \sum_{i \in \text{batch}_r} \nabla \ell_i
      = \frac{1}{kB} \sum_{i \in \text{all batches}} \nabla \ell_i

That is the gradient of one batch of :math:`kB` images: :math:`k` ranks at
batch :math:`B` take the same steps as one process at batch :math:`kB`.
Adding ranks therefore multiplies the batch, and divides the number of steps
per epoch, by :math:`k`.  To keep the progress per epoch, scale the LR
(:func:`scaled_lr`):

.. math::
    \eta_k = k\,\eta \;\; \text{(linear rule, SGD)}, \qquad
    \eta_k = \sqrt{k}\,\eta \;\; \text{(square-root rule, Adam-type)}

and reach :math:`\eta_k` through a linear warm-up from :math:`\eta` over the
first epochs, so that the first, largest gradients do not meet the largest LR.

Two entry points run the same code, :func:`train_rank`, in every rank:

- :func:`ddp_fit`, called from a notebook: it starts the ranks as processes on
  127.0.0.1, collects rank 0's results, and raises a clear error within
  seconds if a rank fails (nothing is left running);
- the command line, under ``torchrun``::

      python -m torch.distributed.run --standalone --nproc-per-node=2 -m lrcourse.distributed \
          --epochs 10 --lr 0.05 --scale linear --warmup-epochs 2 --seed 0 --json out.json

  which writes rank 0's history as JSON (keys in :data:`JSON_KEYS`).  The same
  command runs on a cluster: ``torchrun`` sets the ranks, and with GPUs the
  backend is NCCL.

Sources: Goyal et al. (2017), "Accurate, Large Minibatch SGD: Training
ImageNet in 1 Hour", arXiv:1706.02677 (linear rule, gradual warm-up);
adapted from Malladi et al. (2022), "On the SDEs and Scaling Rules for
Adaptive Gradient Algorithms", arXiv:2205.10287 (square-root rule for Adam),
whose rule also changes Adam's betas and epsilon with the batch, where
:func:`scaled_lr` scales the LR alone (see there); the
``torch.nn.parallel.DistributedDataParallel`` and
``torch.utils.data.distributed.DistributedSampler`` docs.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import math
import os
import socket
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.optim.lr_scheduler import LinearLR
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from . import _checks
from .data import digits
from .models import mlp
from .training import evaluate, one_cpu_thread

SCALES = ("none", "linear", "sqrt")
OPTIMIZERS = ("sgd", "adamw")
JSON_KEYS = ("world_size", "lr", "val_acc", "val_loss", "train_loss", "steps_per_epoch", "skipped_steps", "run")
CHECKPOINT_FORMAT = "lrcourse.distributed checkpoint, version 1"
HOST = "127.0.0.1"  # the ranks talk over the loopback interface only


def scaled_lr(lr: float, world_size: int, scale: str) -> float:
    r"""The LR for ``world_size`` ranks, from the LR that works for one process at the same per-rank batch.

    .. math::
        \eta_k = \begin{cases} \eta & \text{none} \\ k\,\eta & \text{linear} \\ \sqrt{k}\,\eta & \text{sqrt} \end{cases}

    Example::

        >>> scaled_lr(0.1, 4, "linear"), scaled_lr(0.001, 4, "sqrt"), scaled_lr(0.1, 4, "none")
        (0.4, 0.002, 0.1)

    Source: Goyal et al. (2017), arXiv:1706.02677, section 2.1 (linear);
    adapted from Malladi et al. (2022), arXiv:2205.10287 (square root, for Adam
    and RMSprop): for a batch :math:`k` times larger their rule also sets
    :math:`1 - \beta_i` to :math:`k(1 - \beta_i)` and :math:`\epsilon` to
    :math:`\epsilon/\sqrt{k}`; here only the LR changes, and the betas and
    epsilon keep their values.
    """
    lr = _checks.positive("lr", lr)
    world_size = _checks.positive_int("world_size", world_size)
    scale = _checks.one_of("scale", scale, SCALES)
    factor = {"none": 1.0, "linear": float(world_size), "sqrt": math.sqrt(world_size)}[scale]
    return lr * factor


@dataclass(frozen=True)
class DDPRun:
    r"""One training run of the digits MLP, as every rank performs it.

    The LR of optimizer step :math:`t`, with :math:`\eta` = ``lr``,
    :math:`\eta_k` = :func:`scaled_lr` and :math:`W` = ``warmup_epochs`` times
    the steps per epoch, is a linear warm-up (torch's ``LinearLR``), then constant:

    .. math::
        \eta_t = \eta_k \left(s + (1 - s)\frac{\min(t, W)}{W}\right), \qquad s = \eta / \eta_k

    so the warm-up starts from the one-process LR, as Goyal et al. do; with
    ``scale="none"`` or one rank there is nothing to warm up to.

    Args:
        epochs: passes over the training set.
        lr: the LR that suits one process at this per-rank batch size.
        scale: ``"none"``, ``"linear"`` or ``"sqrt"``: how the LR grows with the number of ranks.
        warmup_epochs: length of the warm-up, in epochs (may be fractional; 0 for none).
        seed: the initial weights and the shuffling of every epoch (``DistributedSampler(seed=seed)``).
        batch_size: images per batch *per rank*; the global batch is ``world_size * batch_size``.
        optimizer: ``"sgd"`` (with ``momentum``) or ``"adamw"``.
        momentum: SGD's momentum.
        amp: mixed precision (float16 autocast and a ``GradScaler``, float32 weights); a step the scaler
            skips does not step the scheduler either.
        init_scale: the ``GradScaler``'s first scale (large values make the first steps overflow).
        stop_after: stop after this many optimizer steps (counted from the start of the run), write
            ``checkpoint_path``, and return the history so far: a run "interrupted" mid-epoch.
        checkpoint_path: where ``stop_after`` writes the checkpoint.
        resume_from: a checkpoint written by ``stop_after``; the run continues exactly where it stopped.
        fail_on_rank: make this rank raise ``RuntimeError`` at its first step, to see what a failing rank does.
    """

    epochs: int
    lr: float
    scale: str = "none"
    warmup_epochs: float = 0.0
    seed: int = 0
    batch_size: int = 32
    optimizer: str = "sgd"
    momentum: float = 0.9
    amp: bool = False
    init_scale: float = 2.0**16
    stop_after: int | None = None
    checkpoint_path: str | None = None
    resume_from: str | None = None
    fail_on_rank: int | None = None

    def __post_init__(self):
        _checks.positive_int("epochs", self.epochs)
        _checks.positive("lr", self.lr)
        _checks.one_of("scale", self.scale, SCALES)
        _checks.non_negative("warmup_epochs", self.warmup_epochs)
        _checks.non_negative_int("seed", self.seed)
        _checks.positive_int("batch_size", self.batch_size)
        _checks.one_of("optimizer", self.optimizer, OPTIMIZERS)
        _checks.in_interval("momentum", self.momentum, 0.0, 1.0)
        _checks.flag("amp", self.amp)
        _checks.positive("init_scale", self.init_scale)
        if self.stop_after is not None:
            _checks.positive_int("stop_after", self.stop_after)
            if self.checkpoint_path is None:
                raise ValueError("stop_after needs checkpoint_path: the file the interrupted run is saved to")
        for name in ("checkpoint_path", "resume_from"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (str, os.PathLike)):
                raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(value).__name__}")
        if self.resume_from is not None and not Path(self.resume_from).is_file():
            raise FileNotFoundError(f"resume_from={str(self.resume_from)!r}: no such file")
        if self.fail_on_rank is not None:
            _checks.non_negative_int("fail_on_rank", self.fail_on_rank)


@dataclass(eq=False)
class DDPResult:
    """What rank 0 recorded, and the final weights of every rank.

    ``lr[i]`` is the LR of the ``i``-th optimizer step that really happened;
    ``train_loss`` (rank 0's batches), ``val_loss`` and ``val_acc`` hold one
    value per finished epoch; ``skipped_steps`` counts the steps a
    ``GradScaler`` skipped.  ``rank_weights[r]`` is rank ``r``'s parameters,
    flattened, at the end: DDP keeps them identical.
    """

    world_size: int
    lr: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    steps_per_epoch: int
    skipped_steps: int
    rank_weights: list
    run: dict

    @property
    def weights(self) -> np.ndarray:
        """Rank 0's final parameters, flattened."""
        return self.rank_weights[0]

    @property
    def final_val_acc(self) -> float:
        return float(self.val_acc[-1]) if len(self.val_acc) else math.nan

    def to_json(self) -> dict:
        """The history as plain JSON values (the keys of :data:`JSON_KEYS`)."""
        return {
            "world_size": self.world_size,
            "lr": self.lr.tolist(),
            "val_acc": self.val_acc.tolist(),
            "val_loss": self.val_loss.tolist(),
            "train_loss": self.train_loss.tolist(),
            "steps_per_epoch": self.steps_per_epoch,
            "skipped_steps": self.skipped_steps,
            "run": self.run,
        }

    def __repr__(self) -> str:
        return (
            f"DDPResult(world_size={self.world_size}, epochs={len(self.val_acc)}, steps={len(self.lr)}, "
            f"final_val_acc={self.final_val_acc:.4f})"
        )


# --- one rank's work -----------------------------------------------------------------------------


def shard_loader(dataset, *, batch_size: int, rank: int, world_size: int, seed: int) -> DataLoader:
    """This rank's share of ``dataset``: ``DistributedSampler`` deals a shuffled order out round-robin.

    Rank ``r`` gets positions ``r, r + k, r + 2k, ...`` of a permutation drawn
    from ``seed + epoch`` (the same on every rank), so ``len(loader)`` is
    ``ceil(len(dataset) / k / batch_size)``: about ``1/k`` of one process's.
    Call ``loader.sampler.set_epoch(epoch)`` before each epoch.
    """
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


def _flat_weights(model) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def train_rank(run: DDPRun, rank: int = 0, world_size: int = 1, device: str = "cpu") -> dict:
    """Train ``run`` as rank ``rank`` of ``world_size``; the process group must already exist if ``world_size > 1``.

    The loop, written out::

        for epoch in ...:
            loader.sampler.set_epoch(epoch)       # a new shuffle, the same on every rank
            for x, y in loader:                   # this rank's 1/world_size of the data
                loss = cross_entropy(ddp_model(x), y)
                optimizer.zero_grad()
                loss.backward()                   # DDP averages the gradients of all ranks here
                optimizer.step()                  # identical on every rank: the weights stay identical
                scheduler.step()                  # per optimizer step (warm-up, then constant)

    Returns rank-local results: ``lr``, ``train_loss``, ``val_loss``, ``val_acc``
    (validation on rank 0 only), ``steps_per_epoch``, ``skipped_steps`` and ``weights``.
    """
    dtype = torch.float32 if run.amp else torch.float64  # autocast leaves float64 alone: AMP needs float32
    train_loader, val_loader = digits(batch_size=run.batch_size, seed=0, dtype=dtype)
    loader = shard_loader(train_loader.dataset, batch_size=run.batch_size, rank=rank, world_size=world_size,
                          seed=run.seed)
    steps_per_epoch = len(loader)
    model = mlp(seed=run.seed, dtype=dtype).to(device)
    net = torch.nn.parallel.DistributedDataParallel(model) if world_size > 1 else model
    peak = scaled_lr(run.lr, world_size, run.scale)
    if run.optimizer == "sgd":
        optimizer = torch.optim.SGD(net.parameters(), lr=peak, momentum=run.momentum)
    else:
        optimizer = torch.optim.AdamW(net.parameters(), lr=peak)
    warmup_steps = round(run.warmup_epochs * steps_per_epoch)
    scheduler = LinearLR(optimizer, start_factor=run.lr / peak if warmup_steps else 1.0, end_factor=1.0,
                         total_iters=max(warmup_steps, 1))
    scaler = torch.amp.GradScaler("cpu" if device == "cpu" else "cuda", init_scale=run.init_scale, enabled=run.amp)
    log = {"lr": [], "train_loss": [], "val_loss": [], "val_acc": [], "skipped_steps": 0}
    first_epoch, done_in_epoch, loss_sum, samples = 0, 0, 0.0, 0
    if run.resume_from is not None:
        checkpoint = torch.load(run.resume_from, map_location=device, weights_only=True)
        if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"resume_from={str(run.resume_from)!r} is not a checkpoint of lrcourse.distributed")
        if checkpoint["world_size"] != world_size:
            raise ValueError(f"resume_from was written by {checkpoint['world_size']} ranks, this run has {world_size}")
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        scaler.load_state_dict(checkpoint["scaler"])
        log = checkpoint["log"]
        first_epoch, done_in_epoch = checkpoint["epoch"], checkpoint["batches_done"]
        loss_sum, samples = checkpoint["loss_sum"], checkpoint["samples"]
    steps_taken = len(log["lr"]) + log["skipped_steps"]
    for epoch in range(first_epoch, run.epochs):
        loader.sampler.set_epoch(epoch)  # without it every epoch repeats the first one's order
        net.train()
        batches = enumerate(loader)
        if epoch == first_epoch and done_in_epoch:
            batches = itertools.islice(batches, done_in_epoch, None)  # mid-epoch resume: skip what was done
        for i, (x, y) in batches:
            if run.fail_on_rank == rank:
                raise RuntimeError(f"rank {rank} fails on purpose (fail_on_rank={rank})")
            x, y = x.to(device), y.to(device)
            lr = optimizer.param_groups[0]["lr"]
            with torch.autocast(device_type="cpu" if device == "cpu" else "cuda", dtype=torch.float16,
                                enabled=run.amp):
                loss = F.cross_entropy(net(x), y)
            optimizer.zero_grad()
            scaler.scale(loss).backward()
            scale_before = scaler.get_scale()
            scaler.step(optimizer)
            scaler.update()
            if run.amp and scaler.get_scale() < scale_before:  # the scale went down: this step was skipped
                log["skipped_steps"] += 1
            else:
                log["lr"].append(float(lr))
                scheduler.step()
            loss_sum += loss.item() * len(y)
            samples += len(y)
            steps_taken += 1
            if run.stop_after is not None and steps_taken == run.stop_after:
                if rank == 0:
                    _save_checkpoint(run.checkpoint_path, model, optimizer, scheduler, scaler, log,
                                     epoch=epoch, batches_done=i + 1, loss_sum=loss_sum, samples=samples,
                                     world_size=world_size)
                return _rank_result(log, steps_per_epoch, model)
        log["train_loss"].append(loss_sum / samples)
        loss_sum, samples = 0.0, 0
        if rank == 0:
            val_loss, val_acc = evaluate(model, val_loader if device == "cpu" else _on(val_loader, device))
            log["val_loss"].append(val_loss)
            log["val_acc"].append(val_acc)
    return _rank_result(log, steps_per_epoch, model)


def _on(loader, device):
    return [(x.to(device), y.to(device)) for x, y in loader]


def _rank_result(log: dict, steps_per_epoch: int, model) -> dict:
    return {**log, "steps_per_epoch": steps_per_epoch, "weights": _flat_weights(model).cpu()}


def _save_checkpoint(path, model, optimizer, scheduler, scaler, log, **where) -> None:
    """Everything a resumed run needs: model, optimizer, scheduler, scaler, and where in which epoch it stopped."""
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict(),
        "log": log,
        **where,  # epoch (the sampler's epoch), batches_done in it, loss_sum and samples so far, world_size
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(checkpoint, tmp)
    os.replace(tmp, path)  # never half a file


# --- joining and leaving the group of ranks -----------------------------------------------------


@contextlib.contextmanager
def _process_group(backend: str, **init_kwargs):
    """Make this process a rank of the default process group for the ``with`` block, and leave it cleanly.

    Entering calls ``dist.init_process_group(backend, **init_kwargs)``.  When
    the block ends normally, every rank waits at ``dist.barrier()``, so that
    none tears down its connections while another still uses them; then, and
    at once if the block raises (a barrier would wait for a rank that may be
    gone), ``dist.destroy_process_group()``.  That frees the group, whose
    destructor joins gloo's worker threads: a worker still running when the
    interpreter shuts down, releasing the tensors of the last collective,
    aborts the process ("terminate called without an active exception").

    Both entry points use it: the ranks of :func:`ddp_fit` and :func:`main`.

    Args:
        backend: ``"gloo"`` or ``"nccl"``.
        init_kwargs: passed on to ``dist.init_process_group`` (``store``, ``rank``, ``world_size``, ``timeout``).
    """
    # DDP imports torch._dynamo when first used, and with it torch.distributed.nn.functional, whose functions
    # take ``group=group.WORLD`` as a default argument: imported while the group exists, they keep it alive
    # for good, and destroy_process_group cannot free it. Imported first, they hold None.
    import torch.distributed.nn.functional  # noqa: F401

    dist.init_process_group(backend, **init_kwargs)
    try:
        yield
        dist.barrier()
    finally:
        dist.destroy_process_group()


# --- launching the ranks from Python -------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _loopback_interface() -> str | None:
    """The name of the loopback interface ("lo" on Linux, "lo0" on macOS), for gloo to bind to."""
    with contextlib.suppress(OSError):
        for _, name in socket.if_nameindex():
            if name.startswith("lo"):
                return name
    return None


def _rank_main(rank: int, world_size: int, runs: list, port: int, listen_fd, timeout: float, out_dir: str) -> None:
    """A spawned rank: quiet output, one thread, join the group, train every run, send rank 0's results home."""
    log_file = open(Path(out_dir) / f"rank{rank}.log", "w")  # noqa: SIM115 (kept open until the process ends)
    os.dup2(log_file.fileno(), 1)  # nothing a rank prints reaches the notebook: no interleaved output
    os.dup2(log_file.fileno(), 2)
    sys.stdout = sys.stderr = log_file
    torch.set_num_threads(1)  # two ranks on two cores: one thread each, and thread-count-free results
    try:
        # The rendezvous: rank 0 serves a key-value store on 127.0.0.1:port, on the socket the parent bound
        # (inherited through fork), so it listens on the loopback interface only; the other ranks connect to it.
        wait = timedelta(seconds=timeout)
        if rank != 0 and listen_fd is not None:
            os.close(listen_fd)  # the inherited copy of rank 0's listening socket: only rank 0 serves on it
        if rank == 0 and listen_fd is not None:
            store = dist.TCPStore(HOST, port, world_size, is_master=True, timeout=wait, master_listen_fd=listen_fd)
        else:
            store = dist.TCPStore(HOST, port, world_size, is_master=rank == 0, timeout=wait)
        with _process_group("gloo", store=store, rank=rank, world_size=world_size, timeout=wait):
            results = []
            for run in runs:
                result = train_rank(run, rank, world_size)
                gathered = [torch.empty_like(result["weights"]) for _ in range(world_size)]
                dist.all_gather(gathered, result["weights"])  # every rank's weights, to check they agree
                result["rank_weights"] = gathered
                results.append(result)
            if rank == 0:
                torch.save(results, Path(out_dir) / "results.pt")
    except BaseException as error:
        (Path(out_dir) / f"error{rank}.txt").write_text(f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}")
        raise


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def ddp_fit(*runs: DDPRun, world_size: int = 2, timeout: float = 30.0) -> list[DDPResult]:
    r"""Train each run on ``world_size`` ranks (processes) with DDP on gloo; return rank 0's results.

    All runs share one start of the ranks (starting processes costs more than a
    short run).  With ``world_size=1`` the runs train in this process, without
    DDP: the reference the ranks are compared with.

    The ranks bind to 127.0.0.1 on a port free at the time, print nothing
    (their output goes to a log that an error message quotes), and use one
    thread each.  If a rank raises, the others are stopped and this function
    raises ``RuntimeError("rank r of k failed: ...")`` at once; a rank that
    hangs makes the others fail after ``timeout`` seconds; no process outlives
    the call.

    Example::

        >>> [one] = ddp_fit(DDPRun(epochs=1, lr=0.05), world_size=1)
        >>> one.world_size, len(one.val_acc)
        (1, 1)
    """
    if not runs:
        raise ValueError("runs: give at least one DDPRun")
    for i, run in enumerate(runs):
        if not isinstance(run, DDPRun):
            raise TypeError(f"runs[{i}] must be a DDPRun, got {type(run).__name__}")
    world_size = _checks.positive_int("world_size", world_size)
    timeout = _checks.positive("timeout", timeout)
    for run in runs:
        if run.fail_on_rank is not None and run.fail_on_rank >= world_size:
            raise ValueError(f"fail_on_rank={run.fail_on_rank} is not a rank of world_size={world_size}")
    if world_size == 1:
        with torch.random.fork_rng(devices=[]), one_cpu_thread():
            results = [train_rank(run) for run in runs]
        for result in results:
            result["rank_weights"] = [result["weights"]]
        return [_result(run, result, 1) for run, result in zip(runs, results)]
    _warm_up()
    with tempfile.TemporaryDirectory(prefix="lrcourse-ddp-") as out_dir:
        _launch(runs, world_size, timeout, out_dir)
        results = torch.load(Path(out_dir) / "results.pt", weights_only=True)
    return [_result(run, result, world_size) for run, result in zip(runs, results)]


def _warm_up() -> None:
    """Load the data and torch's optimizer machinery here, once: forked ranks inherit them instead of importing."""
    digits()
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def _launch(runs, world_size: int, timeout: float, out_dir: str) -> None:
    """Start the ranks, wait for them, and turn any failure into one clear error, leaving no process behind."""
    import torch.multiprocessing as mp
    from torch.multiprocessing.spawn import ProcessException

    # fork starts in milliseconds and needs no import in the child; spawn is the fallback elsewhere.
    method = "fork" if "fork" in mp.get_all_start_methods() and sys.platform == "linux" else "spawn"
    env = {"GLOO_SOCKET_IFNAME": _loopback_interface()} if _loopback_interface() else {}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the children inherit it: gloo binds to the loopback interface only
    listener = None
    if method == "fork":  # bind now, in the parent: the port is ours until rank 0 serves on it (no race)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((HOST, 0))
        listener.listen()
        port, listen_fd = listener.getsockname()[1], listener.fileno()
    else:  # spawned ranks do not inherit the socket: take a port that is free now
        port, listen_fd = free_port(), None
    spawn_logger = logging.getLogger("torch.multiprocessing.spawn")
    level = spawn_logger.level
    spawn_logger.setLevel(logging.ERROR)  # its "Terminating process ..." line names a pid: our error says it all
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: "fork() of a multi-threaded process"
            context = mp.start_processes(_rank_main, args=(world_size, list(runs), port, listen_fd, timeout, out_dir),
                                         nprocs=world_size, join=False, start_method=method)
    finally:
        if listener is not None:
            listener.close()  # rank 0 holds its own copy
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    deadline = time.monotonic() + timeout + 60.0 * len(runs)  # a generous bound on the whole job
    try:
        while not context.join(timeout=0.2):  # join() stops the other ranks as soon as one fails
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {world_size} ranks did not finish in time; they were stopped")
    except ProcessException as failure:
        failed = failure.error_index
    else:
        failed = None
    finally:
        for process in context.processes:
            if process.is_alive():
                process.kill()
            process.join()
        spawn_logger.setLevel(level)
    if failed is not None:
        rank, detail = _root_cause(out_dir, world_size, failed)
        raise RuntimeError(f"rank {rank} of {world_size} failed: {_first_line(detail)}\n\n{detail}") from None


# What a rank sees when another rank has died under it: not the cause, only its echo.
_ECHOES = ("Connection reset by peer", "Connection closed by peer", "gloo/transport", "Socket Timeout", "timed out")


def _root_cause(out_dir: str, world_size: int, reported: int) -> tuple[int, str]:
    """The rank whose error started it, and its message and traceback.

    When one rank raises and exits, the others fail a moment later in their
    next collective call ("Connection reset by peer"), and any of them may be
    the first one noticed.  Prefer an error that is not such an echo, then the
    earliest written.
    """
    errors = {}
    for rank in range(world_size):
        path = Path(out_dir) / f"error{rank}.txt"
        if path.exists():
            errors[rank] = (path.stat().st_mtime_ns, path.read_text())
    if not errors:
        log = Path(out_dir) / f"rank{reported}.log"
        text = log.read_text() if log.exists() else ""
        return reported, text.strip() or "the process exited without a Python error (killed, or out of memory?)"

    def echo(rank):
        return any(marker in _first_line(errors[rank][1]) for marker in _ECHOES)

    rank = min(errors, key=lambda r: (echo(r), errors[r][0]))
    return rank, errors[rank][1]


def _result(run: DDPRun, result: dict, world_size: int) -> DDPResult:
    return DDPResult(
        world_size=world_size,
        lr=np.array(result["lr"], dtype=float),
        train_loss=np.array(result["train_loss"], dtype=float),
        val_loss=np.array(result["val_loss"], dtype=float),
        val_acc=np.array(result["val_acc"], dtype=float),
        steps_per_epoch=int(result["steps_per_epoch"]),
        skipped_steps=int(result["skipped_steps"]),
        rank_weights=[w.numpy() for w in result["rank_weights"]],
        run={f.name: getattr(run, f.name) for f in fields(run) if f.name in _RUN_KEYS},
    )


_RUN_KEYS = ("epochs", "lr", "scale", "warmup_epochs", "seed", "batch_size", "optimizer", "momentum", "amp")


# --- the command line, under torchrun ------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m torch.distributed.run --standalone --nproc-per-node=2 -m lrcourse.distributed",
        description="Train the digits MLP with DDP and write rank 0's history as JSON.",
    )
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True, help="the LR for one process at this per-rank batch")
    parser.add_argument("--scale", choices=SCALES, default="none")
    parser.add_argument("--warmup-epochs", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=32, help="per rank")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    parser.add_argument("--amp", action="store_true")
    parser.add_argument("--backend", choices=("gloo", "nccl"), default=None,
                        help="default: nccl if CUDA is available, else gloo")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a rank waits for the others")
    parser.add_argument("--json", required=True, help="where rank 0 writes the history")
    return parser


def main(argv=None) -> int:
    """Entry point under ``torchrun`` (it sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``/``PORT``).

    Run without torchrun it trains as a single process (world size 1).
    """
    args = _parser().parse_args(argv)
    try:
        run = DDPRun(epochs=args.epochs, lr=args.lr, scale=args.scale, warmup_epochs=args.warmup_epochs,
                     seed=args.seed, batch_size=args.batch_size, optimizer=args.optimizer, amp=args.amp)
    except (TypeError, ValueError) as error:
        _parser().error(str(error))
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    backend = args.backend or ("nccl" if torch.cuda.is_available() else "gloo")
    device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if backend == "nccl" else "cpu"
    if backend == "nccl":
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(1)
    if world_size > 1:
        group = _process_group(backend, timeout=timedelta(seconds=args.timeout))
    else:
        group = contextlib.nullcontext()  # one process: no group to join
    with group:
        result = train_rank(run, rank, world_size, device=device)
        weights = result["weights"].to(device)
        if world_size > 1:
            gathered = [torch.empty_like(weights) for _ in range(world_size)]
            dist.all_gather(gathered, weights)
        else:
            gathered = [weights]
        result["rank_weights"] = [w.cpu() for w in gathered]
        if rank == 0:
            payload = _result(run, result, world_size).to_json()
            Path(args.json).write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
