"""lrcourse.distributed: DDP on two gloo processes behaves as the lesson says, and fails fast and clean.

Every test that starts ranks keeps the runs short (a few dozen steps): the
whole file takes well under 30 s on an idle 2-core machine.
"""
import json
import multiprocessing
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import lrcourse as lc
from lrcourse import distributed
from lrcourse.distributed import JSON_KEYS, DDPRun, ddp_fit, scaled_lr

EPOCHS = 2  # per-rank batch 64: 12 steps per epoch and rank


@pytest.fixture(scope="module")
def two_ranks():
    """One start of the ranks for several runs: the plain one, seed 1, and the linear rule with a warm-up."""
    runs = [
        DDPRun(epochs=EPOCHS, lr=0.05, batch_size=64, seed=0),
        DDPRun(epochs=EPOCHS, lr=0.05, batch_size=64, seed=1),
        DDPRun(epochs=EPOCHS, lr=0.05, batch_size=64, seed=0, scale="linear", warmup_epochs=1),
    ]
    return ddp_fit(*runs, world_size=2)


def test_two_ranks_at_batch_b_equal_one_process_at_batch_2b(two_ranks):
    [one] = ddp_fit(DDPRun(epochs=EPOCHS, lr=0.05, batch_size=128, seed=0), world_size=1)
    two = two_ranks[0]
    assert two.world_size == 2 and one.world_size == 1
    assert two.steps_per_epoch == one.steps_per_epoch == 12
    assert np.array_equal(two.lr, one.lr)
    np.testing.assert_allclose(two.weights, one.weights, rtol=0, atol=1e-10)
    np.testing.assert_allclose(two.val_loss, one.val_loss, rtol=1e-10)


def test_ranks_end_with_identical_weights(two_ranks):
    for result in two_ranks:
        assert len(result.rank_weights) == 2
        assert np.array_equal(result.rank_weights[0], result.rank_weights[1])
    assert not np.array_equal(two_ranks[0].weights, two_ranks[1].weights), "another seed, other weights"


def test_the_scaling_rule_and_warm_up_follow_the_closed_form(two_ranks):
    warm = two_ranks[2]
    steps = np.arange(len(warm.lr))
    expected = lc.formulas.linear_lr(steps, base_lr=0.1, start_factor=0.5, total_iters=12)
    np.testing.assert_allclose(warm.lr, expected, rtol=1e-12)
    assert warm.lr[0] == 0.05 and warm.lr[-1] == pytest.approx(0.1)


def test_scaled_lr():
    assert scaled_lr(0.1, 4, "linear") == pytest.approx(0.4)
    assert scaled_lr(0.001, 4, "sqrt") == pytest.approx(0.002)
    assert scaled_lr(0.1, 4, "none") == 0.1
    with pytest.raises(ValueError, match="scale"):
        scaled_lr(0.1, 2, "square")


def test_a_failing_rank_raises_within_seconds_and_leaves_no_process():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="rank 1 of 2 failed: RuntimeError: rank 1 fails on purpose"):
        ddp_fit(DDPRun(epochs=1, lr=0.05, fail_on_rank=1), world_size=2)
    assert time.monotonic() - start < 15
    assert multiprocessing.active_children() == []
    children = _child_pids()
    assert children == set(), f"processes left behind: {children}"


def _child_pids() -> set:
    """Live children of this process, read from /proc (Linux); empty elsewhere."""
    pids = set()
    task_dir = f"/proc/{os.getpid()}/task"
    if os.path.isdir(task_dir):
        for task in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{task}/children") as f:
                    pids |= {int(p) for p in f.read().split()}
            except OSError:
                pass
    return pids


def test_resume_in_the_middle_of_an_epoch_is_bit_exact(tmp_path):
    """Mixed precision too: the checkpoint holds the GradScaler, whose scale decides which steps are skipped."""
    checkpoint = tmp_path / "run.pt"
    common = dict(epochs=EPOCHS, lr=0.05, batch_size=64, seed=0, amp=True, init_scale=2.0**20)
    straight, stopped = ddp_fit(DDPRun(**common), DDPRun(**common, stop_after=17, checkpoint_path=str(checkpoint)))
    assert stopped.skipped_steps > 0, "the scaler's state would not be tested"
    assert len(stopped.val_acc) == 1 and len(stopped.lr) + stopped.skipped_steps == 17  # epoch 2, batch 5 of 12
    [resumed] = ddp_fit(DDPRun(**common, resume_from=str(checkpoint)))
    assert np.array_equal(resumed.weights, straight.weights)
    assert np.array_equal(resumed.lr, straight.lr)
    assert np.array_equal(resumed.val_loss, straight.val_loss)
    assert np.array_equal(resumed.train_loss, straight.train_loss)
    assert resumed.skipped_steps == straight.skipped_steps


def test_a_resume_needs_the_same_number_of_ranks(tmp_path):
    checkpoint = tmp_path / "run.pt"
    ddp_fit(DDPRun(epochs=1, lr=0.05, batch_size=256, stop_after=2, checkpoint_path=str(checkpoint)), world_size=1)
    with pytest.raises(RuntimeError, match="written by 1 ranks, this run has 2"):
        ddp_fit(DDPRun(epochs=1, lr=0.05, batch_size=256, resume_from=str(checkpoint)), world_size=2)


def test_the_command_line_under_torchrun_writes_the_json_contract(tmp_path):
    out = tmp_path / "out.json"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2",
               "-m", "lrcourse.distributed", "--epochs", "2", "--lr", "0.05", "--scale", "linear",
               "--warmup-epochs", "1", "--seed", "0", "--batch-size", "128", "--json", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    history = json.loads(out.read_text())
    assert set(JSON_KEYS) <= set(history)
    assert history["world_size"] == 2
    assert len(history["lr"]) == 2 * history["steps_per_epoch"] == 12
    assert len(history["val_acc"]) == len(history["val_loss"]) == 2
    # the warm-up from 0.05 to 2 * 0.05 over one epoch (6 steps), then constant
    expected = lc.formulas.linear_lr(np.arange(12), 0.1, start_factor=0.5, total_iters=6)
    np.testing.assert_allclose(history["lr"], expected)
    [same] = ddp_fit(DDPRun(epochs=2, lr=0.05, scale="linear", warmup_epochs=1, batch_size=128), world_size=2)
    np.testing.assert_allclose(history["val_loss"], same.val_loss, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "names"),
    [
        (dict(epochs=0, lr=0.1), ValueError, "epochs"),
        (dict(epochs=2.5, lr=0.1), TypeError, "epochs"),
        (dict(epochs=2, lr=-0.1), ValueError, "lr"),
        (dict(epochs=2, lr="0.1"), TypeError, "lr"),
        (dict(epochs=2, lr=0.1, scale="quadratic"), ValueError, "scale"),
        (dict(epochs=2, lr=0.1, warmup_epochs=-1), ValueError, "warmup_epochs"),
        (dict(epochs=2, lr=0.1, batch_size=0), ValueError, "batch_size"),
        (dict(epochs=2, lr=0.1, optimizer="lamb"), ValueError, "optimizer"),
        (dict(epochs=2, lr=0.1, amp="yes"), TypeError, "amp"),
        (dict(epochs=2, lr=0.1, stop_after=3), ValueError, "checkpoint_path"),
        (dict(epochs=2, lr=0.1, resume_from=3), TypeError, "resume_from"),
        (dict(epochs=2, lr=0.1, fail_on_rank=-1), ValueError, "fail_on_rank"),
    ],
)
def test_bad_run_settings_name_the_argument(kwargs, error, names):
    with pytest.raises(error, match=names):
        DDPRun(**kwargs)


def test_bad_launch_arguments_name_the_argument():
    run = DDPRun(epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="runs"):
        ddp_fit(world_size=2)
    with pytest.raises(TypeError, match=r"runs\[0\]"):
        ddp_fit({"epochs": 1, "lr": 0.1})
    with pytest.raises(ValueError, match="world_size"):
        ddp_fit(run, world_size=0)
    with pytest.raises(ValueError, match="timeout"):
        ddp_fit(run, timeout=0)
    with pytest.raises(ValueError, match="fail_on_rank"):
        ddp_fit(DDPRun(epochs=1, lr=0.1, fail_on_rank=2), world_size=2)
    with pytest.raises(FileNotFoundError, match="resume_from"):
        DDPRun(epochs=1, lr=0.1, resume_from="no/such/file.pt")


def test_free_port_is_a_loopback_port_nothing_listens_on():
    import socket

    port = distributed.free_port()
    with socket.socket() as s:
        s.bind((distributed.HOST, port))  # would raise if taken
    assert 0 < port < 65536
