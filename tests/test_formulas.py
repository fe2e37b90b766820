"""The closed forms in lrcourse.formulas against the real torch schedulers.

Every property test steps a torch scheduler with ``simulate`` over at least
1,000 steps and compares each step, to ``|a - b| <= 1e-9 * base_lr + 1e-6 * |b|``
with ``b`` torch's value.  Nothing here is copied from torch output: expected
values come from torch live or from arithmetic on the formula.
"""
from __future__ import annotations

import doctest
import functools
import math
import pickle
import re

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st
from torch.optim import lr_scheduler as sched
from torch.optim.swa_utils import SWALR

from lrcourse import formulas as F
from lrcourse.averaging import InverseSqrtLR
from lrcourse.simulation import simulate, stand_in_optimizer

# Deterministic and small enough for the whole file to run in well under a minute.
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

STEPS = st.integers(1000, 2000)
BASE_LR = st.floats(1e-4, 1.0)
FRACTION = st.floats(0.0, 1.0)


def assert_matches_torch(ours, theirs, base, what="lr"):
    """Fail at the first step where ``ours`` leaves the tolerance around torch's ``theirs``."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    tolerance = 1e-9 * base + 1e-6 * np.abs(theirs)
    bad = np.flatnonzero(~(np.abs(ours - theirs) <= tolerance))
    if bad.size:
        i = bad[0]
        pytest.fail(f"{what} differs from torch at step {i} of {len(theirs)}: formula {ours[i]!r}, torch {theirs[i]!r}")


# --- every formula against torch ----------------------------------------------

@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, step_size=st.integers(1, 400), gamma=st.floats(0.05, 1.0))
def test_step_lr_matches_torch(steps, base_lr, step_size, gamma):
    trace = simulate(lambda opt: sched.StepLR(opt, step_size=step_size, gamma=gamma), steps, lr=base_lr)
    assert_matches_torch(F.step_lr(np.arange(steps), base_lr, step_size, gamma), trace.lr, base_lr)


@PROPERTY
@given(
    steps=STEPS,
    base_lr=BASE_LR,
    milestones=st.lists(st.integers(0, 2100), min_size=1, max_size=8, unique=True).map(sorted),
    gamma=st.floats(0.05, 1.0),
)
def test_multi_step_lr_matches_torch(steps, base_lr, milestones, gamma):
    trace = simulate(lambda opt: sched.MultiStepLR(opt, milestones=milestones, gamma=gamma), steps, lr=base_lr)
    assert_matches_torch(F.multi_step_lr(np.arange(steps), base_lr, milestones, gamma), trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, gamma=st.floats(0.95, 1.002))
def test_exponential_lr_matches_torch(steps, base_lr, gamma):
    trace = simulate(lambda opt: sched.ExponentialLR(opt, gamma=gamma), steps, lr=base_lr)
    assert_matches_torch(F.exponential_lr(np.arange(steps), base_lr, gamma), trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, factor=st.floats(0.01, 1.0), total_iters=st.integers(1, 1500))
def test_constant_lr_matches_torch(steps, base_lr, factor, total_iters):
    # factor=0 is left out: torch divides by it at total_iters (see constant_lr).
    trace = simulate(lambda opt: sched.ConstantLR(opt, factor=factor, total_iters=total_iters), steps, lr=base_lr)
    assert_matches_torch(F.constant_lr(np.arange(steps), base_lr, factor, total_iters), trace.lr, base_lr)


@PROPERTY
@given(
    steps=STEPS,
    base_lr=BASE_LR,
    start_factor=st.floats(0.01, 1.0),
    end_factor=FRACTION,
    total_iters=st.integers(1, 1500),
)
def test_linear_lr_matches_torch(steps, base_lr, start_factor, end_factor, total_iters):
    trace = simulate(
        lambda opt: sched.LinearLR(opt, start_factor=start_factor, end_factor=end_factor, total_iters=total_iters),
        steps,
        lr=base_lr,
    )
    ours = F.linear_lr(np.arange(steps), base_lr, start_factor, end_factor, total_iters)
    assert_matches_torch(ours, trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, total_iters=st.integers(1, 1500), power=st.floats(0.0, 5.0))
def test_polynomial_lr_matches_torch(steps, base_lr, total_iters, power):
    trace = simulate(lambda opt: sched.PolynomialLR(opt, total_iters=total_iters, power=power), steps, lr=base_lr)
    assert_matches_torch(F.polynomial_lr(np.arange(steps), base_lr, total_iters, power), trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, T_max=st.integers(1, 300), eta_fraction=FRACTION)
def test_cosine_annealing_lr_matches_torch_well_past_T_max(steps, base_lr, T_max, eta_fraction):
    # T_max <= 300 and steps >= 1000: every run covers more than a full period
    # (2 * T_max), so the rise after T_max is compared too.
    eta_min = eta_fraction * base_lr
    trace = simulate(lambda opt: sched.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min), steps, lr=base_lr)
    assert_matches_torch(F.cosine_annealing_lr(np.arange(steps), base_lr, T_max, eta_min), trace.lr, base_lr)


@pytest.mark.parametrize("T_mult_range", [(1, 1), (2, 4)], ids=["T_mult=1", "T_mult>1"])
@PROPERTY
@given(data=st.data(), steps=STEPS, base_lr=BASE_LR, T_0=st.integers(1, 300), eta_fraction=FRACTION)
def test_warm_restarts_match_torch(T_mult_range, data, steps, base_lr, T_0, eta_fraction):
    T_mult = data.draw(st.integers(*T_mult_range), label="T_mult")
    eta_min = eta_fraction * base_lr
    trace = simulate(
        lambda opt: sched.CosineAnnealingWarmRestarts(opt, T_0=T_0, T_mult=T_mult, eta_min=eta_min), steps, lr=base_lr
    )
    ours = F.cosine_annealing_warm_restarts_lr(np.arange(steps), base_lr, T_0, T_mult, eta_min)
    assert_matches_torch(ours, trace.lr, base_lr)


@st.composite
def one_cycle_args(draw, three_phase):
    total_steps = draw(st.integers(1000, 2000), label="total_steps")
    highest = 0.5 if three_phase else 0.95
    pct_start = draw(
        st.one_of(
            st.floats(0.05, highest),
            # a warm-up ending exactly on a step: the phase boundary itself
            st.integers(int(0.05 * total_steps), int(highest * total_steps)).map(lambda w: w / total_steps),
        ),
        label="pct_start",
    )
    base_momentum = draw(st.floats(0.5, 0.9), label="base_momentum")
    return dict(
        max_lr=draw(st.floats(1e-3, 1.0), label="max_lr"),
        total_steps=total_steps,
        pct_start=pct_start,
        div_factor=draw(st.floats(2.0, 100.0), label="div_factor"),
        final_div_factor=draw(st.floats(10.0, 1e5), label="final_div_factor"),
        base_momentum=base_momentum,
        max_momentum=base_momentum + draw(st.floats(0.0, 0.09), label="momentum_span"),
    )


@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True], ids=["two_phase", "three_phase"])
@PROPERTY
@given(data=st.data())
def test_one_cycle_lr_and_momentum_match_torch(three_phase, anneal_strategy, data):
    args = data.draw(one_cycle_args(three_phase))
    n = args["total_steps"]
    trace = simulate(
        lambda opt: sched.OneCycleLR(opt, anneal_strategy=anneal_strategy, three_phase=three_phase, **args),
        n,  # exactly total_steps steps: the whole schedule
        optimizer="sgd_momentum",
    )
    t = np.arange(n)
    common = dict(total_steps=n, pct_start=args["pct_start"], anneal_strategy=anneal_strategy, three_phase=three_phase)
    lr = F.one_cycle_lr(t, args["max_lr"], div_factor=args["div_factor"],
                        final_div_factor=args["final_div_factor"], **common)
    momentum = F.one_cycle_momentum(t, base_momentum=args["base_momentum"],
                                    max_momentum=args["max_momentum"], **common)
    assert_matches_torch(lr, trace.lr, args["max_lr"] / args["div_factor"])
    assert_matches_torch(momentum, trace.momentum, args["base_momentum"], what="momentum")


@pytest.mark.parametrize("with_step_size_down", [False, True], ids=["symmetric", "step_size_down"])
@pytest.mark.parametrize("mode", F.CYCLIC_MODES)
@PROPERTY
@given(
    data=st.data(),
    steps=STEPS,
    base_lr=st.floats(1e-4, 0.1),
    span=st.floats(0.0, 20.0),
    step_size_up=st.integers(1, 600),
    gamma=st.floats(0.995, 1.0),
    base_momentum=st.floats(0.5, 0.9),
    momentum_span=st.floats(0.0, 0.09),
)
def test_cyclic_lr_and_momentum_match_torch(
    mode, with_step_size_down, data, steps, base_lr, span, step_size_up, gamma, base_momentum, momentum_span
):
    step_size_down = data.draw(st.integers(1, 600), label="step_size_down") if with_step_size_down else None
    args = dict(
        base_lr=base_lr,
        max_lr=base_lr * (1 + span),
        step_size_up=step_size_up,
        step_size_down=step_size_down,
        mode=mode,
        gamma=gamma,
    )
    momenta = dict(base_momentum=base_momentum, max_momentum=base_momentum + momentum_span)
    trace = simulate(lambda opt: sched.CyclicLR(opt, **args, **momenta), steps, optimizer="sgd_momentum")
    t = np.arange(steps)
    assert_matches_torch(F.cyclic_lr(t, **args), trace.lr, base_lr)
    del args["base_lr"], args["max_lr"]
    assert_matches_torch(F.cyclic_momentum(t, **momenta, **args), trace.momentum, base_momentum, what="momentum")


# --- known values --------------------------------------------------------------

def test_step_lr_blog_example():
    # lr 0.001, step_size 30, gamma 0.1: divided by 10 at epoch 30, by 100 at 60.
    assert F.step_lr(29, 0.001, step_size=30) == 0.001
    assert F.step_lr(30, 0.001, step_size=30) == pytest.approx(1e-4, rel=1e-12)
    assert F.step_lr(60, 0.001, step_size=30) == pytest.approx(1e-5, rel=1e-12)


def test_multi_step_lr_drops_at_each_milestone():
    lr = F.multi_step_lr([0, 9, 10, 24, 25], 1.0, milestones=[10, 25], gamma=0.5)
    np.testing.assert_allclose(lr, [1.0, 1.0, 0.5, 0.5, 0.25])


def test_cosine_rises_again_past_T_max():
    t = np.array([0, 100, 150, 200, 300, 400])
    lr = F.cosine_annealing_lr(t, base_lr=0.1, T_max=100, eta_min=0.01)
    np.testing.assert_allclose(lr, [0.1, 0.01, 0.055, 0.1, 0.01, 0.1], rtol=1e-12)


def test_warm_restarts_restart_at_each_cycle_start():
    # T_0=10, T_mult=2: restarts at 10, 30, 70; the LR is back at base_lr there.
    lr = F.cosine_annealing_warm_restarts_lr([0, 10, 30, 70], base_lr=0.1, T_0=10, T_mult=2)
    np.testing.assert_allclose(lr, 0.1, rtol=1e-12)
    assert F.cosine_annealing_warm_restarts_lr(20, base_lr=0.1, T_0=10, T_mult=2) == pytest.approx(0.05)


def test_warm_restarts_exact_at_a_restart_where_a_float_log_rounds_down():
    # Cycle 3 of T_0=1, T_mult=10 starts at step 111, where log10(1000) rounds
    # to 2.999...; the integer search still puts step 111 at a restart, as
    # 111 plain torch step() calls do.
    opt = stand_in_optimizer("sgd", lr=0.1)
    scheduler = sched.CosineAnnealingWarmRestarts(opt, T_0=1, T_mult=10)
    for _ in range(111):
        opt.step()
        scheduler.step()
    torch_lr = opt.param_groups[0]["lr"]
    assert F.cosine_annealing_warm_restarts_lr(111, 0.1, T_0=1, T_mult=10) == pytest.approx(torch_lr) == 0.1


@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_one_cycle_phase_boundaries(anneal_strategy):
    n, max_lr = 1000, 0.2
    t = [0, 299, n - 1]  # pct_start=0.3: the warm-up ends at step 0.3 * 1000 - 1
    lr = F.one_cycle_lr(t, max_lr, total_steps=n, anneal_strategy=anneal_strategy)
    # rtol 1e-9, not 1e-12: the linear end value is max_lr + (min - max_lr) * 1, which
    # loses the last digits of the tiny min to cancellation (in torch too).
    np.testing.assert_allclose(lr, [max_lr / 25, max_lr, max_lr / 25 / 1e4], rtol=1e-9)
    momentum = F.one_cycle_momentum(t, total_steps=n, anneal_strategy=anneal_strategy)
    np.testing.assert_allclose(momentum, [0.95, 0.85, 0.95], rtol=1e-12)
    trace = simulate(lambda opt: sched.OneCycleLR(opt, max_lr, total_steps=n, anneal_strategy=anneal_strategy), n)
    assert_matches_torch(lr, trace.lr[t], max_lr / 25)


def test_one_cycle_three_phase_is_symmetric_then_annihilates():
    n = 1000
    t = [0, 249, 498, n - 1]  # pct 0.25: ends at 0.25n - 1, 0.5n - 2, n - 1
    lr = F.one_cycle_lr(t, 1.0, total_steps=n, pct_start=0.25, three_phase=True)
    np.testing.assert_allclose(lr, [1 / 25, 1.0, 1 / 25, 1 / 25 / 1e4], rtol=1e-12)
    up, down = F.one_cycle_lr([100, 498 - 100], 1.0, total_steps=n, pct_start=0.25, three_phase=True)
    assert up == pytest.approx(down, rel=1e-12)  # phases 1 and 2 mirror each other about step 249


def test_one_cycle_value_one_past_the_end_matches_torch():
    # torch computes a value at step total_steps (bouncing back up) before it raises.
    n = 1000
    opt = stand_in_optimizer("sgd", lr=0.1)
    scheduler = sched.OneCycleLR(opt, max_lr=0.1, total_steps=n)
    for _ in range(n):
        opt.step()
        scheduler.step()
    torch_lr = opt.param_groups[0]["lr"]
    ours = F.one_cycle_lr(n, 0.1, total_steps=n)
    assert abs(ours - torch_lr) <= 1e-9 * 0.1 / 25 + 1e-6 * torch_lr
    assert ours > F.one_cycle_lr(n - 1, 0.1, total_steps=n)


def test_cyclic_modes_known_values():
    t = [0, 10, 20, 30, 50]  # peaks of cycles 1, 2, 3 at steps 10, 30, 50
    tri2 = F.cyclic_lr(t, 0.0, 1.0, step_size_up=10, mode="triangular2")
    np.testing.assert_allclose(tri2, [0.0, 1.0, 0.0, 0.5, 0.25])
    exp = F.cyclic_lr(t, 0.0, 1.0, step_size_up=10, mode="exp_range", gamma=0.9)
    np.testing.assert_allclose(exp, [0.0, 0.9**10, 0.0, 0.9**30, 0.9**50])
    uneven = F.cyclic_lr([0, 5, 10, 20, 30, 40], 0.0, 1.0, step_size_up=10, step_size_down=30)
    np.testing.assert_allclose(uneven, [0.0, 0.5, 1.0, 2 / 3, 1 / 3, 0.0])
    np.testing.assert_allclose(F.cyclic_momentum([0, 10, 20], step_size_up=10), [0.9, 0.8, 0.9])


def test_warm_up_multipliers_known_values():
    np.testing.assert_allclose(F.linear_lr([0, 2, 4, 9], 1.0, start_factor=0.5, total_iters=4), [0.5, 0.75, 1, 1])
    np.testing.assert_allclose(F.constant_lr([0, 4, 5], 1.0, factor=0.25, total_iters=5), [0.25, 0.25, 1.0])
    np.testing.assert_allclose(F.polynomial_lr([0, 2, 4, 8], 1.0, total_iters=4, power=2.0), [1, 0.25, 0, 0])
    np.testing.assert_allclose(F.exponential_lr([0, 3], 2.0, gamma=0.5), [2.0, 0.25])


# --- scalar in, float out; array in, array out -----------------------------------

CALLS = {
    "step_lr": (F.step_lr, dict(base_lr=0.1, step_size=3)),
    "multi_step_lr": (F.multi_step_lr, dict(base_lr=0.1, milestones=[2, 5])),
    "exponential_lr": (F.exponential_lr, dict(base_lr=0.1, gamma=0.9)),
    "constant_lr": (F.constant_lr, dict(base_lr=0.1)),
    "linear_lr": (F.linear_lr, dict(base_lr=0.1)),
    "polynomial_lr": (F.polynomial_lr, dict(base_lr=0.1)),
    "cosine_annealing_lr": (F.cosine_annealing_lr, dict(base_lr=0.1, T_max=4)),
    "cosine_annealing_warm_restarts_lr": (F.cosine_annealing_warm_restarts_lr, dict(base_lr=0.1, T_0=2, T_mult=2)),
    "one_cycle_lr": (F.one_cycle_lr, dict(max_lr=0.1, total_steps=20)),
    "one_cycle_momentum": (F.one_cycle_momentum, dict(total_steps=20)),
    "cyclic_lr": (F.cyclic_lr, dict(base_lr=0.01, max_lr=0.1, step_size_up=3)),
    "cyclic_momentum": (F.cyclic_momentum, dict(step_size_up=3)),
    "linear_warmup_lr": (F.linear_warmup_lr, dict(base_lr=0.1, warmup_steps=5)),
    "cooldown_lr": (F.cooldown_lr, dict(base_lr=0.1, decay_steps=9, shape="1-sqrt")),
    "warmup_cosine_lr": (F.warmup_cosine_lr, dict(base_lr=0.1, warmup_steps=3, total_steps=20)),
    "wsd_lr": (F.wsd_lr, dict(base_lr=0.1, warmup_steps=3, stable_steps=3, decay_steps=4)),
    "sequential": (F.sequential, dict(pieces=[np.sqrt, np.exp], milestones=[4])),
    "chained": (F.chained, dict(pieces=[np.sqrt, np.exp], base_lr=1.0)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_scalar_in_float_out_array_in_array_out(name):
    fn, kwargs = CALLS[name]
    value = fn(7, **kwargs)
    assert type(value) is float
    assert type(fn(np.int64(7), **kwargs)) is float
    grid = np.arange(12).reshape(3, 4)
    values = fn(grid, **kwargs)
    assert isinstance(values, np.ndarray) and values.shape == (3, 4) and values.dtype == np.float64
    assert values[1, 3] == value
    assert fn([], **kwargs).shape == (0,)


def test_formulas_table_names_real_torch_schedulers():
    for name in F.FORMULAS:
        assert issubclass(getattr(sched, name), sched.LRScheduler)


def test_docstring_examples_show_real_output():
    result = doctest.testmod(F, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= len(F.__all__) - 1
    assert result.failed == 0


# --- bad input -------------------------------------------------------------------

BAD = [
    # (function, keyword arguments, exception, message pattern)
    (F.step_lr, dict(t=-1, base_lr=0.1, step_size=3), ValueError, "t must be >= 0"),
    (F.step_lr, dict(t=[0, 5, -2], base_lr=0.1, step_size=3), ValueError, "t must be >= 0"),
    (F.step_lr, dict(t=1.5, base_lr=0.1, step_size=3), TypeError, "t must be an int"),
    (F.step_lr, dict(t=1, base_lr=-0.1, step_size=3), ValueError, "base_lr must be >= 0"),
    (F.step_lr, dict(t=1, base_lr=0.1, step_size=0), ValueError, "step_size must be a positive int"),
    (F.step_lr, dict(t=1, base_lr=0.1, step_size=2.5), TypeError, "step_size must be a positive int"),
    (F.step_lr, dict(t=1, base_lr=0.1, step_size=3, gamma=0.0), ValueError, "gamma must be > 0"),
    (F.multi_step_lr, dict(t=1, base_lr=0.1, milestones=[30, 10]), ValueError,
     "milestones must be strictly increasing"),
    (F.multi_step_lr, dict(t=1, base_lr=0.1, milestones=[10, 10]), ValueError,
     "milestones must be strictly increasing"),
    (F.multi_step_lr, dict(t=1, base_lr=0.1, milestones=[10], gamma=-0.1), ValueError, "gamma must be > 0"),
    (F.exponential_lr, dict(t=1, base_lr=0.1, gamma=-0.5), ValueError, "gamma must be > 0"),
    (F.constant_lr, dict(t=1, base_lr=0.1, factor=1.5), ValueError, r"factor must lie in \[0.0, 1.0\]"),
    (F.constant_lr, dict(t=1, base_lr=0.1, factor=-0.1), ValueError, r"factor must lie in \[0.0, 1.0\]"),
    (F.constant_lr, dict(t=1, base_lr=0.1, total_iters=0), ValueError, "total_iters must be a positive int"),
    (F.linear_lr, dict(t=1, base_lr=0.1, start_factor=0.0), ValueError, r"start_factor must lie in \(0.0, 1.0\]"),
    (F.linear_lr, dict(t=1, base_lr=0.1, start_factor=1.5), ValueError, r"start_factor must lie in \(0.0, 1.0\]"),
    (F.linear_lr, dict(t=1, base_lr=0.1, end_factor=-0.1), ValueError, r"end_factor must lie in \[0.0, 1.0\]"),
    (F.linear_lr, dict(t=1, base_lr=0.1, end_factor=1.5), ValueError, r"end_factor must lie in \[0.0, 1.0\]"),
    (F.linear_lr, dict(t=1, base_lr=0.1, total_iters=-5), ValueError, "total_iters must be a positive int"),
    (F.polynomial_lr, dict(t=1, base_lr=0.1, total_iters=0), ValueError, "total_iters must be a positive int"),
    (F.polynomial_lr, dict(t=1, base_lr=0.1, power=-1.0), ValueError, "power must be >= 0"),
    (F.cosine_annealing_lr, dict(t=1, base_lr=0.1, T_max=0), ValueError, "T_max must be a positive int"),
    (F.cosine_annealing_lr, dict(t=1, base_lr=0.1, T_max=10, eta_min=-1e-3), ValueError, "eta_min must be >= 0"),
    (F.cosine_annealing_warm_restarts_lr, dict(t=1, base_lr=0.1, T_0=0), ValueError, "T_0 must be a positive int"),
    (F.cosine_annealing_warm_restarts_lr, dict(t=1, base_lr=0.1, T_0=10, T_mult=0), ValueError,
     re.escape("T_mult must be a positive int (>= 1)")),
    (F.cosine_annealing_warm_restarts_lr, dict(t=1, base_lr=0.1, T_0=10, T_mult=1.5), TypeError,
     "T_mult must be a positive int"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=0), ValueError, "total_steps must be a positive int"),
    (F.one_cycle_lr, dict(t=1, max_lr=-0.1, total_steps=100), ValueError, "max_lr must be >= 0"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, pct_start=0.0), ValueError,
     "pct_start must lie strictly between 0.0 and 1.0"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, pct_start=1.0), ValueError,
     "pct_start must lie strictly between 0.0 and 1.0"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, pct_start=0.01), ValueError,
     re.escape("pct_start * total_steps must be > 1")),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, pct_start=0.6, three_phase=True), ValueError,
     "pct_start must be <= 0.5 when three_phase=True"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, three_phase="yes"), TypeError,
     "three_phase must be True or False"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, anneal_strategy="cosine"), ValueError,
     "anneal_strategy must be one of 'cos', 'linear'"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, div_factor=0.0), ValueError, "div_factor must be > 0"),
    (F.one_cycle_lr, dict(t=1, max_lr=0.1, total_steps=100, final_div_factor=-1.0), ValueError,
     "final_div_factor must be > 0"),
    (F.one_cycle_lr, dict(t=101, max_lr=0.1, total_steps=100), ValueError, "t must be <= total_steps=100"),
    (F.one_cycle_momentum, dict(t=1, total_steps=100, base_momentum=0.95, max_momentum=0.85), ValueError,
     re.escape("max_momentum must be >= base_momentum")),
    (F.one_cycle_momentum, dict(t=1, total_steps=100, anneal_strategy="cubic"), ValueError,
     "anneal_strategy must be one of 'cos', 'linear'"),
    (F.cyclic_lr, dict(t=1, base_lr=0.1, max_lr=0.01), ValueError, re.escape("max_lr must be >= base_lr (0.1)")),
    (F.cyclic_lr, dict(t=1, base_lr=0.01, max_lr=0.1, mode="triangle"), ValueError,
     "mode must be one of 'triangular', 'triangular2', 'exp_range'"),
    (F.cyclic_lr, dict(t=1, base_lr=0.01, max_lr=0.1, step_size_up=0), ValueError,
     "step_size_up must be a positive int"),
    (F.cyclic_lr, dict(t=1, base_lr=0.01, max_lr=0.1, step_size_down=0), ValueError,
     "step_size_down must be a positive int"),
    (F.cyclic_lr, dict(t=1, base_lr=0.01, max_lr=0.1, mode="exp_range", gamma=0.0), ValueError,
     "gamma must be > 0"),
    (F.cyclic_momentum, dict(t=1, base_momentum=0.9, max_momentum=0.8), ValueError,
     re.escape("max_momentum must be >= base_momentum")),
]


@pytest.mark.parametrize("fn, kwargs, error, message", BAD,
                         ids=[f"{case[0].__name__}-{i}" for i, case in enumerate(BAD)])
def test_bad_input_is_rejected_with_a_message_naming_the_argument(fn, kwargs, error, message):
    with pytest.raises(error, match=message):
        fn(**kwargs)


# --- SWALR and the inverse-square-root schedule (lesson 14) ------------------------


@pytest.mark.parametrize("anneal_strategy", F.ANNEAL_STRATEGIES)
@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, swa_fraction=st.floats(0.0, 2.0), anneal_epochs=st.integers(0, 1500))
def test_swa_lr_matches_torch(anneal_strategy, steps, base_lr, swa_fraction, anneal_epochs):
    # swa_lr may lie above the LR in force (SWALR then anneals up) as well as below it.
    target = swa_fraction * base_lr
    trace = simulate(
        lambda opt: SWALR(opt, swa_lr=target, anneal_epochs=anneal_epochs, anneal_strategy=anneal_strategy),
        steps,
        lr=base_lr,
    )
    ours = F.swa_lr(np.arange(steps), base_lr, target, anneal_epochs, anneal_strategy)
    assert_matches_torch(ours, trace.lr, base_lr)


@pytest.mark.parametrize("anneal_strategy", F.ANNEAL_STRATEGIES)
@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, T_max=st.integers(1, 300), switch=st.integers(0, 900),
       swa_fraction=st.floats(0.0, 2.0), anneal_epochs=st.integers(0, 300))
def test_swa_lr_anneals_from_the_lr_in_force_when_it_takes_over(
    anneal_strategy, steps, base_lr, T_max, switch, swa_fraction, anneal_epochs
):
    """torch's SWA recipe: both schedulers built at the start, cosine stepped until ``switch``, then SWALR."""
    target = swa_fraction * base_lr
    opt = stand_in_optimizer("sgd", lr=base_lr)
    cosine = sched.CosineAnnealingLR(opt, T_max=T_max)
    swa = SWALR(opt, swa_lr=target, anneal_epochs=max(anneal_epochs, 1), anneal_strategy=anneal_strategy)
    lrs = []
    for t in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        (cosine if t + 1 < switch else swa).step()
    takeover = max(switch - 1, 0)  # SWALR's first step moves the LR of step switch; step switch - 1 is its t = 0
    in_force = F.cosine_annealing_lr(takeover, base_lr, T_max)  # the LR SWALR anneals from
    want = F.sequential(np.arange(steps), [
        functools.partial(F.cosine_annealing_lr, base_lr=base_lr, T_max=T_max),
        functools.partial(F.swa_lr, start_lr=in_force, swa_lr=target, anneal_epochs=max(anneal_epochs, 1),
                          anneal_strategy=anneal_strategy),
    ], milestones=[takeover])
    assert_matches_torch(want, lrs, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, warmup_steps=st.integers(1, 1500))
def test_inverse_sqrt_lr_matches_the_custom_scheduler(steps, base_lr, warmup_steps):
    trace = simulate(lambda opt: InverseSqrtLR(opt, warmup_steps=warmup_steps), steps, lr=base_lr)
    assert_matches_torch(F.inverse_sqrt_lr(np.arange(steps), base_lr, warmup_steps), trace.lr, base_lr)


def test_inverse_sqrt_lr_is_vaswanis_formula():
    d_model, warmup = 512, 4000
    s = np.array([1, 100, 3999, 4000, 4001, 10_000, 100_000])
    vaswani = d_model**-0.5 * np.minimum(s**-0.5, s * warmup**-1.5)
    ours = F.inverse_sqrt_lr(s - 1, (d_model * warmup) ** -0.5, warmup)
    np.testing.assert_allclose(ours, vaswani, rtol=1e-12)
    assert F.inverse_sqrt_lr(warmup - 1, 0.1, warmup) == pytest.approx(0.1, rel=1e-15)


def test_swa_lr_known_values():
    np.testing.assert_allclose(F.swa_lr([0, 2, 4, 9], 0.1, 0.02, anneal_epochs=4), [0.1, 0.06, 0.02, 0.02])
    np.testing.assert_allclose(F.swa_lr([0, 5], 0.1, 0.02, anneal_epochs=0), [0.02, 0.02])  # no anneal: at once
    assert F.swa_lr(1, 0.1, 0.3, anneal_epochs=2, anneal_strategy="linear") == pytest.approx(0.2)  # upwards too
    assert type(F.swa_lr(7, 0.1, 0.02)) is float and F.swa_lr(np.arange(12).reshape(3, 4), 0.1, 0.02).shape == (3, 4)
    assert type(F.inverse_sqrt_lr(7, 0.1, 3)) is float and F.inverse_sqrt_lr([], 0.1, 3).shape == (0,)


@pytest.mark.parametrize("fn, kwargs, error, message", [
    (F.swa_lr, dict(t=1, start_lr=-0.1, swa_lr=0.05), ValueError, "start_lr must be >= 0"),
    (F.swa_lr, dict(t=1, start_lr=0.1, swa_lr=-0.05), ValueError, "swa_lr must be >= 0"),
    (F.swa_lr, dict(t=1, start_lr=0.1, swa_lr=0.05, anneal_epochs=-1), ValueError, "anneal_epochs must be an int >= 0"),
    (F.swa_lr, dict(t=1, start_lr=0.1, swa_lr=0.05, anneal_epochs=2.5), TypeError, "anneal_epochs must be an int"),
    (F.swa_lr, dict(t=1, start_lr=0.1, swa_lr=0.05, anneal_strategy="cosine"), ValueError,
     "anneal_strategy must be one of 'cos', 'linear'"),
    (F.swa_lr, dict(t=-1, start_lr=0.1, swa_lr=0.05), ValueError, "t must be >= 0"),
    (F.inverse_sqrt_lr, dict(t=1, base_lr=0.1, warmup_steps=0), ValueError, "warmup_steps must be a positive int"),
    (F.inverse_sqrt_lr, dict(t=1, base_lr=-0.1, warmup_steps=5), ValueError, "base_lr must be >= 0"),
    (F.inverse_sqrt_lr, dict(t=1.5, base_lr=0.1, warmup_steps=5), TypeError, "t must be an int"),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_lesson_14_formulas_reject_bad_input_naming_the_argument(fn, kwargs, error, message):
    with pytest.raises(error, match=message):
        fn(**kwargs)


# --- composition: sequential, chained, warm-up, and the recipes built from them ------


@st.composite
def closed_form_scheduler(draw, base_lr, multiplicative=False):
    """A torch scheduler with a closed form, as (optimizer -> scheduler, the same schedule as a piece t -> lr)."""
    kinds = ["StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR"]
    kind = draw(st.sampled_from(kinds if multiplicative else kinds + ["CosineAnnealingLR"]))
    if kind == "StepLR":
        args = dict(step_size=draw(st.integers(1, 300)), gamma=draw(st.floats(0.1, 1.0)))
    elif kind == "MultiStepLR":
        args = dict(milestones=sorted(draw(st.lists(st.integers(1, 1500), min_size=1, max_size=4, unique=True))),
                    gamma=draw(st.floats(0.1, 1.0)))
    elif kind == "ExponentialLR":
        args = dict(gamma=draw(st.floats(0.99, 1.0)))
    elif kind == "ConstantLR":
        args = dict(factor=draw(st.floats(0.05, 1.0)), total_iters=draw(st.integers(1, 800)))
    elif kind == "LinearLR":
        args = dict(start_factor=draw(st.floats(0.05, 1.0)), end_factor=draw(FRACTION),
                    total_iters=draw(st.integers(1, 800)))
    elif kind == "PolynomialLR":
        args = dict(total_iters=draw(st.integers(1, 800)), power=draw(st.floats(0.5, 3.0)))
    else:
        args = dict(T_max=draw(st.integers(1, 300)), eta_min=draw(FRACTION) * base_lr)
    make = functools.partial(getattr(sched, kind), **args)
    return make, functools.partial(F.FORMULAS[kind], base_lr=base_lr, **args)


@PROPERTY
@given(data=st.data(), steps=STEPS, base_lr=BASE_LR, n=st.integers(1, 4))
def test_sequential_matches_sequential_lr(data, steps, base_lr, n):
    schedulers = [data.draw(closed_form_scheduler(base_lr)) for _ in range(n)]
    milestones = sorted(data.draw(st.lists(st.integers(1, steps - 1), min_size=n - 1, max_size=n - 1, unique=True)))
    trace = simulate(lambda opt: sched.SequentialLR(opt, [make(opt) for make, _ in schedulers], milestones), steps,
                     lr=base_lr)
    ours = F.sequential(np.arange(steps), [piece for _, piece in schedulers], milestones)
    assert_matches_torch(ours, trace.lr, base_lr)


@PROPERTY
@given(data=st.data(), steps=STEPS, base_lr=BASE_LR, n=st.integers(1, 3))
def test_chained_matches_chained_scheduler_for_multiplicative_schedulers(data, steps, base_lr, n):
    schedulers = [data.draw(closed_form_scheduler(base_lr, multiplicative=True)) for _ in range(n)]
    trace = simulate(lambda opt: sched.ChainedScheduler([make(opt) for make, _ in schedulers]), steps, lr=base_lr)
    ours = F.chained(np.arange(steps), [piece for _, piece in schedulers], base_lr)
    assert_matches_torch(ours, trace.lr, base_lr)


def test_chained_is_not_the_product_once_a_scheduler_sets_the_lr_outright():
    """The limit chained() documents: LambdaLR writes base_lr * factor, wiping out the factor before it."""
    steps, base_lr = 50, 0.1
    trace = simulate(lambda opt: sched.ChainedScheduler([sched.ExponentialLR(opt, gamma=0.9),
                                                         sched.LambdaLR(opt, lambda t: 1.0)]), steps, lr=base_lr)
    product = F.chained(np.arange(steps), [functools.partial(F.exponential_lr, base_lr=base_lr, gamma=0.9),
                                           functools.partial(F.constant_lr, base_lr=base_lr, factor=1.0)], base_lr)
    np.testing.assert_allclose(trace.lr, base_lr)  # the LambdaLR wins at every step
    assert product[-1] < base_lr / 100


@PROPERTY
@given(data=st.data(), steps=STEPS, base_lr=BASE_LR, warmup_steps=st.integers(1, 500),
       start_factor=st.floats(0.01, 1.0))
def test_with_warmup_matches_sequential_lr_of_linear_lr_and_a_scheduler(data, steps, base_lr, warmup_steps,
                                                                       start_factor):
    make, piece = data.draw(closed_form_scheduler(base_lr))
    trace = simulate(
        lambda opt: sched.SequentialLR(opt, [sched.LinearLR(opt, start_factor, total_iters=warmup_steps), make(opt)],
                                       milestones=[warmup_steps]),
        steps, lr=base_lr,
    )
    ours = F.with_warmup(np.arange(steps), piece, base_lr, warmup_steps, start_factor)
    assert_matches_torch(ours, trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, warmup_steps=st.integers(1, 1500), start_factor=FRACTION)
def test_linear_warmup_lr_matches_a_lambda_lr_that_may_start_from_zero(steps, base_lr, warmup_steps, start_factor):
    def factor(t):
        return start_factor + (1 - start_factor) * min(t, warmup_steps) / warmup_steps

    trace = simulate(lambda opt: sched.LambdaLR(opt, factor), steps, lr=base_lr)
    assert_matches_torch(F.linear_warmup_lr(np.arange(steps), base_lr, warmup_steps, start_factor), trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, warmup_steps=st.integers(1, 300), cosine_steps=st.integers(1, 700),
       start_factor=st.floats(0.01, 1.0), floor=FRACTION)
def test_warmup_cosine_lr_matches_linear_lr_then_cosine_annealing_lr(steps, base_lr, warmup_steps, cosine_steps,
                                                                    start_factor, floor):
    total, min_lr = warmup_steps + cosine_steps, floor * base_lr
    trace = simulate(
        lambda opt: sched.SequentialLR(opt, [sched.LinearLR(opt, start_factor, total_iters=warmup_steps),
                                             sched.CosineAnnealingLR(opt, T_max=cosine_steps, eta_min=min_lr)],
                                       milestones=[warmup_steps]),
        steps, lr=base_lr,
    )
    ours = F.warmup_cosine_lr(np.arange(steps), base_lr, warmup_steps, total, min_lr, warmup_start_factor=start_factor)
    assert_matches_torch(ours, trace.lr, base_lr)


@PROPERTY
@given(steps=STEPS, base_lr=BASE_LR, warmup_steps=st.integers(1, 300), cosine_steps=st.integers(1, 700))
def test_warmup_cosine_lr_from_zero_is_hugging_faces_cosine_with_warmup(steps, base_lr, warmup_steps, cosine_steps):
    def hf_factor(step):  # transformers.get_cosine_schedule_with_warmup's lr_lambda, num_cycles=0.5
        if step < warmup_steps:
            return step / warmup_steps
        progress = (step - warmup_steps) / cosine_steps
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    trace = simulate(lambda opt: sched.LambdaLR(opt, hf_factor), steps, lr=base_lr)
    ours = F.warmup_cosine_lr(np.arange(steps), base_lr, warmup_steps, warmup_steps + cosine_steps)
    assert_matches_torch(ours, trace.lr, base_lr)


def _cooldown_scheduler(opt, shape, base_lr, min_lr, decay_steps):
    """torch's own construction of each cool-down shape, up to and including ``decay_steps``."""
    if shape == "linear":
        return sched.LinearLR(opt, start_factor=1.0, end_factor=min_lr / base_lr, total_iters=decay_steps)
    if shape == "cosine":
        return sched.CosineAnnealingLR(opt, T_max=decay_steps, eta_min=min_lr)
    # Hägele et al. (2024), eq. for the 1-sqrt cool-down, as a factor of base_lr
    m = min_lr / base_lr
    return sched.LambdaLR(opt, lambda t: m + (1 - m) * (1 - math.sqrt(min(t, decay_steps) / decay_steps)))


@pytest.mark.parametrize("shape", F.DECAY_SHAPES)
@PROPERTY
@given(base_lr=BASE_LR, warmup_steps=st.integers(1, 300), stable_steps=st.integers(1, 600),
       decay_steps=st.integers(1, 400), start_factor=st.floats(0.01, 1.0), floor=FRACTION)
def test_wsd_lr_matches_sequential_lr_of_warm_up_constant_and_cool_down(
    shape, base_lr, warmup_steps, stable_steps, decay_steps, start_factor, floor
):
    min_lr = floor * base_lr
    end = warmup_steps + stable_steps + decay_steps
    steps = end + 200  # and 200 steps at the floor after the cool-down

    def wsd(opt):
        return sched.SequentialLR(opt, [
            sched.LinearLR(opt, start_factor, total_iters=warmup_steps),
            sched.ConstantLR(opt, factor=1.0, total_iters=steps),
            _cooldown_scheduler(opt, shape, base_lr, min_lr, decay_steps),
            sched.ConstantLR(opt, factor=floor, total_iters=steps),  # the floor, held
        ], milestones=[warmup_steps, warmup_steps + stable_steps, end])

    trace = simulate(wsd, steps, lr=base_lr)
    ours = F.wsd_lr(np.arange(steps), base_lr, warmup_steps, stable_steps, decay_steps, min_lr, shape,
                    warmup_start_factor=start_factor)
    assert_matches_torch(ours, trace.lr, base_lr)


def test_cooldown_shapes_known_values():
    # halfway down from 1 to 0: linear 1/2, cosine 1/2, 1-sqrt 1 - sqrt(1/2); a quarter of the way: 1-sqrt is at 1/2
    half = {shape: F.cooldown_lr(2, 1.0, decay_steps=4, shape=shape) for shape in F.DECAY_SHAPES}
    assert half == pytest.approx({"linear": 0.5, "cosine": 0.5, "1-sqrt": 1 - 0.5**0.5}, rel=1e-15)
    assert F.cooldown_lr(1, 1.0, decay_steps=4, shape="1-sqrt") == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_allclose(F.cooldown_lr([0, 4, 100], 0.1, decay_steps=4, min_lr=0.01, shape="cosine"),
                               [0.1, 0.01, 0.01], rtol=1e-15)


def test_sequential_pieces_count_their_own_steps_from_the_milestone():
    seen = []

    def record(t):
        seen.append(t.tolist())
        return np.zeros(t.shape)

    F.sequential(np.arange(8), [record, record, record], milestones=[3, 5])
    assert seen == [[0, 1, 2], [0, 1], [0, 1, 2]]
    # a milestone at 0 skips the first piece, as SequentialLR does
    assert F.sequential([0, 1], [lambda t: np.ones(t.shape), lambda t: np.zeros(t.shape)], [0]).tolist() == [0, 0]
    assert F.sequential(5, [functools.partial(F.step_lr, base_lr=1.0, step_size=2, gamma=0.5)], []) == 0.25


def test_with_warmup_reaches_the_schedule_at_the_end_of_the_warm_up():
    cosine = functools.partial(F.cosine_annealing_lr, base_lr=0.1, T_max=50)
    lr = F.with_warmup(np.arange(60), cosine, base_lr=0.1, warmup_steps=10, start_factor=0.0)
    assert lr[0] == 0.0 and lr[10] == 0.1
    np.testing.assert_array_equal(lr[10:], cosine(np.arange(50)))


def test_sgdr_cycle_starts_are_where_torch_restarts():
    for T_0, T_mult, steps in [(10, 2, 200), (7, 1, 60), (2, 3, 500), (20, 2, 140)]:
        opt = stand_in_optimizer("sgd", lr=0.1)
        scheduler = sched.CosineAnnealingWarmRestarts(opt, T_0=T_0, T_mult=T_mult)
        lrs = []
        for _ in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            scheduler.step()
        jumps_up = [i for i in range(1, steps) if lrs[i] > lrs[i - 1]]  # eta_min=0: within a cycle the LR only falls
        assert F.sgdr_cycle_starts(T_0, T_mult, until=steps)[1:] == jumps_up
    assert F.sgdr_cycle_starts(10, 2, until=10) == [0]
    assert F.sgdr_cycle_starts(10, 2, until=11) == [0, 10]
    assert F.sgdr_cycle_starts(1, 10, until=112) == [0, 1, 11, 111]  # no float log: 111 is a start


# --- the picklable scheduler factories --------------------------------------------

FACTORIES = {
    "warmup_cosine": (
        functools.partial(F.warmup_cosine_scheduler, warmup_steps=20, total_steps=200, min_factor=0.01,
                          warmup_start_factor=0.1),
        functools.partial(F.warmup_cosine_lr, warmup_steps=20, total_steps=200, min_lr=0.01, warmup_start_factor=0.1),
    ),
    "wsd": (
        functools.partial(F.wsd_scheduler, warmup_steps=20, stable_steps=120, decay_steps=60, min_factor=0.01,
                          decay_shape="1-sqrt"),
        functools.partial(F.wsd_lr, warmup_steps=20, stable_steps=120, decay_steps=60, min_lr=0.01,
                          decay_shape="1-sqrt"),
    ),
}


@pytest.mark.parametrize("name", FACTORIES)
def test_scheduler_factories_follow_their_closed_form_in_every_group(name):
    make, closed_form = FACTORIES[name]
    trace = simulate(make, 250, groups=[0.1, 0.02])
    t = np.arange(250)
    np.testing.assert_allclose(trace.lrs[:, 0], 0.1 * closed_form(t, base_lr=1.0), rtol=1e-12, atol=0)
    np.testing.assert_allclose(trace.lrs[:, 1], 0.02 * closed_form(t, base_lr=1.0), rtol=1e-12, atol=0)
    # min_factor is the floor as a fraction of the base LR: 0.01 of 0.1
    np.testing.assert_allclose(trace.lrs[:, 0], closed_form(t, base_lr=0.1, min_lr=0.001), rtol=1e-12, atol=1e-18)


@pytest.mark.parametrize("name", FACTORIES)
def test_scheduler_factories_pickle_and_resume_from_their_state(name, tmp_path):
    make, _ = FACTORIES[name]
    optimizer = stand_in_optimizer("sgd", lr=0.1)
    scheduler = make(optimizer)
    factor = pickle.loads(pickle.dumps(scheduler.lr_lambdas[0]))
    assert [factor(t) for t in range(0, 250, 7)] == [scheduler.lr_lambdas[0](t) for t in range(0, 250, 7)]
    for _ in range(70):
        optimizer.step()
        scheduler.step()
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp_path / "state.pt")
    saved = torch.load(tmp_path / "state.pt", weights_only=True)  # what lc.fit's resume reads
    resumed_optimizer = stand_in_optimizer("sgd", lr=0.1)
    resumed = make(resumed_optimizer)
    resumed_optimizer.load_state_dict(saved["optimizer"])
    resumed.load_state_dict(saved["scheduler"])
    for _ in range(100):
        for opt, s in ((optimizer, scheduler), (resumed_optimizer, resumed)):
            opt.step()
            s.step()
        assert resumed_optimizer.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]


def test_lc_fit_checkpoints_and_resumes_a_factory_scheduler(tmp_path):
    from lrcourse import data, models
    from lrcourse.training import fit

    digits = data.digits(batch_size=256)
    total = 3 * len(digits[0])
    make = functools.partial(F.warmup_cosine_scheduler, warmup_steps=len(digits[0]), total_steps=total)

    def run(epochs, **kw):
        model = models.mlp(hidden=16)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        return fit(model, optimizer, make(optimizer), data=digits, epochs=epochs, step_per="batch", progress=False,
                   **kw)

    straight = run(3)
    run(1, checkpoint_path=tmp_path / "run.pt")
    resumed = run(3, resume_from=tmp_path / "run.pt")
    np.testing.assert_array_equal(resumed.lr, straight.lr)
    np.testing.assert_allclose(straight.lr, 0.1 * F.warmup_cosine_lr(np.arange(total), 1.0, len(digits[0]), total),
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("fn, kwargs, error, message", [
    (F.sequential, dict(t=1, pieces=[], milestones=[]), ValueError, "pieces must hold at least one"),
    (F.sequential, dict(t=1, pieces=[0.1, 0.2], milestones=[3]), TypeError, r"pieces\[0\] must be a callable"),
    (F.sequential, dict(t=1, pieces="cosine", milestones=[]), TypeError, "pieces must be a list"),
    (F.sequential, dict(t=1, pieces=[np.ones_like, np.ones_like], milestones=[]), ValueError,
     "milestones must hold one step fewer than pieces"),
    (F.sequential, dict(t=1, pieces=[np.ones_like] * 3, milestones=[5, 2]), ValueError,
     "milestones must be strictly increasing"),
    (F.sequential, dict(t=[1, 2], pieces=[lambda t: 0.1], milestones=[]), TypeError,
     r"pieces\[0\] must return one LR per step"),
    (F.sequential, dict(t=-1, pieces=[np.ones_like], milestones=[]), ValueError, "t must be >= 0"),
    (F.chained, dict(t=1, pieces=[np.ones_like], base_lr=-0.1), ValueError, "base_lr must be >= 0"),
    (F.chained, dict(t=1, pieces=None, base_lr=0.1), TypeError, "pieces must be a list"),
    (F.linear_warmup_lr, dict(t=1, base_lr=0.1, warmup_steps=0), ValueError, "warmup_steps must be a positive int"),
    (F.linear_warmup_lr, dict(t=1, base_lr=0.1, warmup_steps=5, start_factor=1.5), ValueError,
     r"start_factor must lie in \[0.0, 1.0\]"),
    (F.with_warmup, dict(t=1, schedule=np.ones_like, base_lr=0.1, warmup_steps=2.5), TypeError,
     "warmup_steps must be a positive int"),
    (F.with_warmup, dict(t=1, schedule="cosine", base_lr=0.1, warmup_steps=5), TypeError,
     r"pieces\[1\] must be a callable"),
    (F.cooldown_lr, dict(t=1, base_lr=0.1, decay_steps=10, shape="sqrt"), ValueError,
     "shape must be one of 'linear', 'cosine', '1-sqrt'"),
    (F.cooldown_lr, dict(t=1, base_lr=0.1, decay_steps=10, min_lr=0.2), ValueError,
     re.escape("base_lr must be >= min_lr (0.2)")),
    (F.cooldown_lr, dict(t=1, base_lr=0.1, decay_steps=0), ValueError, "decay_steps must be a positive int"),
    (F.warmup_cosine_lr, dict(t=1, base_lr=0.1, warmup_steps=10, total_steps=10), ValueError,
     re.escape("total_steps must be > warmup_steps (10)")),
    (F.warmup_cosine_lr, dict(t=1, base_lr=0.1, warmup_steps=10, total_steps=100, min_lr=-1.0), ValueError,
     "min_lr must be >= 0"),
    (F.warmup_cosine_lr, dict(t=1, base_lr=0.1, warmup_steps=10, total_steps=100, min_lr=0.2), ValueError,
     re.escape("base_lr must be >= min_lr (0.2)")),
    (F.wsd_lr, dict(t=1, base_lr=0.1, warmup_steps=10, stable_steps=10, decay_steps=10, min_lr=0.2), ValueError,
     re.escape("base_lr must be >= min_lr (0.2)")),
    (F.warmup_cosine_lr, dict(t=1, base_lr=0.1, warmup_steps=10, total_steps=100, warmup_start_factor=2.0), ValueError,
     r"warmup_start_factor must lie in \[0.0, 1.0\]"),
    (F.wsd_lr, dict(t=1, base_lr=0.1, warmup_steps=10, stable_steps=0, decay_steps=10), ValueError,
     "stable_steps must be a positive int"),
    (F.wsd_lr, dict(t=1, base_lr=0.1, warmup_steps=10, stable_steps=10, decay_steps=10, decay_shape="exp"), ValueError,
     "decay_shape must be one of 'linear', 'cosine', '1-sqrt'"),
    (F.wsd_scheduler, dict(optimizer=stand_in_optimizer(), warmup_steps=5, stable_steps=5, decay_steps=5,
                           warmup_start_factor=-0.5), ValueError, "warmup_start_factor must lie in"),
    (F.sgdr_cycle_starts, dict(T_0=0, T_mult=2, until=10), ValueError, "T_0 must be a positive int"),
    (F.sgdr_cycle_starts, dict(T_0=10, T_mult=2, until=0), ValueError, "until must be a positive int"),
    (F.warmup_cosine_scheduler, dict(optimizer="sgd", warmup_steps=10, total_steps=100), TypeError,
     "optimizer must be a torch.optim.Optimizer"),
    (F.warmup_cosine_scheduler, dict(optimizer=stand_in_optimizer(), warmup_steps=10, total_steps=100, min_factor=2.0),
     ValueError, r"min_factor must lie in \[0.0, 1.0\]"),
    (F.wsd_scheduler, dict(optimizer=stand_in_optimizer(), warmup_steps=10, stable_steps=10, decay_steps=-1),
     ValueError, "decay_steps must be a positive int"),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_composition_rejects_bad_input_naming_the_argument(fn, kwargs, error, message):
    with pytest.raises(error, match=message):
        fn(**kwargs)
