"""Stress: README's torchrun command and ``lc.ddp_fit``, 30 times each, never fail by themselves.

A fault that strikes one run in six (a rank aborting at exit, say) passes a single run five
times in six; 30 runs in a row all pass with probability (5/6)**30, under 0.5%.  Every run is
short (two epochs at batch 128: 6 steps per epoch and rank), so the time goes into starting
processes, as it does for a learner.  ``make test-stress`` runs this file; ``make unit`` does not
collect it (its name does not match ``test_*.py``).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

import numpy as np
import pytest

import lrcourse as lc
from lrcourse.distributed import JSON_KEYS, DDPRun

RUNS = 30
EPOCHS = 2
# README's command (python -m torch.distributed.run --standalone --nproc-per-node=2 -m lrcourse.distributed
# ... --json OUT) with the arguments of the module's docstring, in short: rank 0 writes the history.
TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2"]
ARGUMENTS = ["--epochs", str(EPOCHS), "--lr", "0.05", "--scale", "linear", "--warmup-epochs", "1", "--seed", "0",
             "--batch-size", "128"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _failure(run: int, returncode: int, stderr: str, problem: str = "") -> str:
    return f"run {run} of {RUNS}: exit code {returncode}{problem}\n{stderr[-3000:]}"


def _json_problem(path) -> str:
    """What is wrong with the history the command wrote ("" if nothing): it must be the run asked for."""
    try:
        history = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        return f"no valid JSON in {path.name}: {error}"
    if not set(JSON_KEYS) <= set(history):
        return f"keys missing from the JSON: {sorted(set(JSON_KEYS) - set(history))}"
    if history["world_size"] != 2 or history["steps_per_epoch"] != 6:
        return f"world_size {history['world_size']}, steps_per_epoch {history['steps_per_epoch']}: expected 2 and 6"
    if len(history["val_acc"]) != EPOCHS or len(history["lr"]) != EPOCHS * 6:
        return f"{len(history['val_acc'])} epochs and {len(history['lr'])} steps recorded, expected {EPOCHS} and 12"
    # the linear rule with a warm-up from 0.05 to 2 * 0.05 over one epoch (6 steps), then constant
    expected = lc.formulas.linear_lr(np.arange(EPOCHS * 6), 0.1, start_factor=0.5, total_iters=6)
    if not np.allclose(history["lr"], expected, rtol=1e-12, atol=0):
        return f"the LRs {history['lr']} do not follow the warm-up {expected.tolist()}"
    return ""


def test_the_torchrun_command_succeeds_30_times_in_a_row(tmp_path):
    failures, histories = [], []
    for run in range(1, RUNS + 1):
        out = tmp_path / f"run{run}.json"
        done = subprocess.run([*TORCHRUN, "-m", "lrcourse.distributed", *ARGUMENTS, "--json", str(out)],
                              capture_output=True, text=True, timeout=180, env=ENV)
        problem = _json_problem(out) if done.returncode == 0 else ""
        if done.returncode != 0 or problem:
            failures.append(_failure(run, done.returncode, done.stderr, f", {problem}" if problem else ""))
        else:
            histories.append(out.read_text())
    assert not failures, f"{len(failures)} of {RUNS} runs failed:\n\n" + "\n\n".join(failures)
    assert len(set(histories)) == 1, "the same command wrote different histories"


def test_ddp_fit_succeeds_30_times_in_a_row_and_leaves_no_process():
    failures, weights = [], []
    for run in range(1, RUNS + 1):
        try:
            [result] = lc.ddp_fit(DDPRun(epochs=EPOCHS, lr=0.05, batch_size=128), world_size=2)
        except Exception as error:  # every failure is counted, then all are reported together
            failures.append(f"run {run} of {RUNS}: {type(error).__name__}: {str(error)[-2000:]}")
            continue
        if len(result.val_acc) != EPOCHS or not np.array_equal(result.rank_weights[0], result.rank_weights[1]):
            failures.append(f"run {run} of {RUNS}: {result!r}, with ranks that disagree or epochs missing")
        weights.append(result.weights)
    assert not failures, f"{len(failures)} of {RUNS} calls failed:\n\n" + "\n\n".join(failures)
    assert all(np.array_equal(w, weights[0]) for w in weights), "the same run gave different weights"
    assert multiprocessing.active_children() == []
    assert _descendants(os.getpid()) == set(), "processes left behind"


def _descendants(pid: int) -> set:
    """The live children of process ``pid``, theirs, and so on, read from /proc (Linux); empty elsewhere."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        task_dir = f"/proc/{parent}/task"
        for task in os.listdir(task_dir) if os.path.isdir(task_dir) else []:
            try:
                with open(f"{task_dir}/{task}/children") as f:
                    children = {int(p) for p in f.read().split()}
            except OSError:  # the task ended meanwhile
                continue
            todo.extend(children - found)
            found |= children
    return found


# Under torchrun, main() and then a list of the threads still running in this rank.
# Each rank writes its own file: two ranks printing to the stdout torchrun shares can interleave their lines.
THREADS_AFTER_MAIN = """
import os, sys
from lrcourse.distributed import main
main(sys.argv[1:])
names = [open(f"/proc/self/task/{task}/comm").read().strip() for task in os.listdir("/proc/self/task")]
with open(os.path.join(os.environ["THREADS_DIR"], f"rank{os.environ['RANK']}.txt"), "w") as report:
    report.write("threads after main: " + ",".join(sorted(names)))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="lists threads from /proc (Linux)")
def test_main_returns_with_gloo_threads_joined(tmp_path):
    """The cause of the abort at exit, checked directly: once ``main()`` returns, no thread of gloo runs on.

    ``destroy_process_group`` frees the group only if nothing else holds it, and only then are gloo's
    threads (``pt_gloo_runloop``, ``gloo_tcp_loop``) joined; one still running at interpreter shutdown can
    abort the rank.
    """
    script = tmp_path / "threads_after_main.py"
    script.write_text(THREADS_AFTER_MAIN)
    done = subprocess.run([*TORCHRUN, str(script), *ARGUMENTS, "--json", str(tmp_path / "out.json")],
                          capture_output=True, text=True, timeout=180, env={**ENV, "THREADS_DIR": str(tmp_path)})
    assert done.returncode == 0, _failure(1, done.returncode, done.stderr)
    reports = [path.read_text() for path in sorted(tmp_path.glob("rank*.txt"))]
    assert len(reports) == 2 and all(r.startswith("threads after main:") for r in reports), reports
    for report in reports:
        assert "gloo" not in report, f"gloo's threads outlived main(): {report}"
