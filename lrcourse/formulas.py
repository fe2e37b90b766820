r"""Closed forms of PyTorch's built-in learning-rate schedules.

One function per scheduler of ``torch.optim.lr_scheduler`` whose schedule is
fixed in advance (all but ``LambdaLR`` and ``MultiplicativeLR``, whose
function is yours, and ``ReduceLROnPlateau``, which follows a metric), plus
``SWALR``, with the scheduler's own parameter names.  Each gives the learning rate in force at
step ``t``, i.e. after ``t`` calls to ``scheduler.step()``:

- ``t`` an int gives a Python float;
- ``t`` an array of step indices gives a float array of the same shape.

Most torch schedulers do not evaluate these formulas: they update the LR
recursively, multiplying the previous value by a ratio (see each function's
comments).  Mathematically both give the same numbers; in floating point they
differ only by rounding, and the tests in ``tests/test_formulas.py`` hold
every function against the real scheduler over thousands of steps.

Example::

    >>> import numpy as np
    >>> cosine_annealing_lr(np.arange(0, 101, 25), base_lr=0.1, T_max=100)
    array([0.1       , 0.08535534, 0.05      , 0.01464466, 0.        ])

Composite schedules are put together from these with :func:`sequential`
(torch's ``SequentialLR``), :func:`chained` (``ChainedScheduler``) and
:func:`with_warmup`; :func:`warmup_cosine_lr` and :func:`wsd_lr` are two
recipes built that way, and :func:`warmup_cosine_scheduler` and
:func:`wsd_scheduler` give them as schedulers that ``lc.fit`` can checkpoint.
"""
from __future__ import annotations

import functools

import numpy as np

from . import _checks

__all__ = [
    "DECAY_SHAPES",
    "FORMULAS",
    "chained",
    "constant_lr",
    "cooldown_lr",
    "cosine_annealing_lr",
    "cosine_annealing_warm_restarts_lr",
    "cyclic_lr",
    "cyclic_momentum",
    "exponential_lr",
    "inverse_sqrt_lr",
    "linear_lr",
    "linear_warmup_lr",
    "multi_step_lr",
    "one_cycle_lr",
    "one_cycle_momentum",
    "polynomial_lr",
    "sequential",
    "sgdr_cycle_starts",
    "step_lr",
    "swa_lr",
    "warmup_cosine_lr",
    "warmup_cosine_scheduler",
    "with_warmup",
    "wsd_lr",
    "wsd_scheduler",
]

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")
ANNEAL_STRATEGIES = ("cos", "linear")


# --- small helpers ----------------------------------------------------------

def _steps(t):
    """Check ``t`` and return it as an int array, plus whether it was a scalar."""
    t, scalar = _checks.steps_array("t", t)
    # A scalar is computed as a one-element array: numpy's scalar and array
    # ``**`` can round differently (by one ulp), and f(7) should be f([7])[0].
    return np.atleast_1d(t), scalar


def _result(values, scalar: bool):
    """A Python float for a scalar ``t``, a float array otherwise."""
    values = np.asarray(values, dtype=float)
    return float(values[0]) if scalar else values


def _not_below(name: str, value: float, other_name: str, other: float) -> None:
    """Check that an upper bound is not below its lower bound."""
    if value < other:
        raise ValueError(f"{name} must be >= {other_name} ({other!r}), got {value!r}")


def _cosine_anneal(start, end, pct):
    r"""Half a cosine wave from ``start`` (pct = 0) down or up to ``end`` (pct = 1).

    .. math::
        \text{end} + (\text{start} - \text{end}) \cdot \frac{1 + \cos(\pi \cdot \text{pct})}{2}

    Past pct = 1 it carries on along the cosine, back towards ``start``.
    Shared by CosineAnnealingLR, SGDR and 1cycle.
    """
    return end + (start - end) * (1.0 + np.cos(np.pi * pct)) / 2.0


def _linear_anneal(start, end, pct):
    """A straight line from ``start`` (pct = 0) to ``end`` (pct = 1)."""
    return start + (end - start) * pct


# --- step-wise decays -------------------------------------------------------

def step_lr(t, base_lr, step_size, gamma=0.1):
    r"""StepLR: multiply the LR by ``gamma`` every ``step_size`` steps.

    .. math::
        \eta_t = \eta_0 \cdot \gamma^{\lfloor t / \text{step\_size} \rfloor}

    Example::

        >>> step_lr([0, 29, 30, 59, 60], base_lr=0.001, step_size=30)
        array([1.e-03, 1.e-03, 1.e-04, 1.e-04, 1.e-05])

    Source: ``torch.optim.lr_scheduler.StepLR`` docs ("Decays the learning
    rate ... by gamma every step_size epochs").
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    step_size = _checks.positive_int("step_size", step_size)
    gamma = _checks.positive("gamma", gamma)
    # torch multiplies the running LR by gamma whenever t is a non-zero multiple
    # of step_size; after t steps that has happened t // step_size times.
    return _result(base_lr * gamma ** (t // step_size), scalar)


def multi_step_lr(t, base_lr, milestones, gamma=0.1):
    r"""MultiStepLR: multiply the LR by ``gamma`` at each milestone.

    .. math::
        \eta_t = \eta_0 \cdot \gamma^{\#\{m \in \text{milestones} \,:\, m \le t\}}

    Example::

        >>> multi_step_lr([0, 29, 30, 79, 80], base_lr=0.05, milestones=[30, 80])
        array([0.05  , 0.05  , 0.005 , 0.005 , 0.0005])

    Source: ``torch.optim.lr_scheduler.MultiStepLR`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    milestones = _checks.increasing_ints("milestones", milestones)
    gamma = _checks.positive("gamma", gamma)
    # side="right" counts the milestones m <= t: the drop at a milestone takes
    # effect at that very step, as in torch.
    passed = np.searchsorted(milestones, t, side="right")
    return _result(base_lr * gamma**passed, scalar)


def exponential_lr(t, base_lr, gamma):
    r"""ExponentialLR: multiply the LR by ``gamma`` every step.

    .. math::
        \eta_t = \eta_0 \cdot \gamma^{t}

    Example::

        >>> exponential_lr([0, 1, 2, 10], base_lr=0.1, gamma=0.5)
        array([1.000000e-01, 5.000000e-02, 2.500000e-02, 9.765625e-05])

    Source: ``torch.optim.lr_scheduler.ExponentialLR`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    gamma = _checks.positive("gamma", gamma)
    # torch multiplies t times, rounding each time; over 3,000 steps that
    # drifts by at most about 5e-15 relative.  gamma**t rounds once.
    return _result(base_lr * gamma**t, scalar)


# --- warm-up style multipliers ----------------------------------------------

def constant_lr(t, base_lr, factor=1 / 3, total_iters=5):
    r"""ConstantLR: ``factor`` times the LR for the first ``total_iters`` steps, then the LR.

    .. math::
        \eta_t = \begin{cases} \eta_0 \cdot \text{factor} & t < \text{total\_iters} \\
                               \eta_0 & t \ge \text{total\_iters} \end{cases}

    Example::

        >>> constant_lr([0, 4, 5, 6], base_lr=0.1, factor=0.5, total_iters=5)
        array([0.05, 0.05, 0.1 , 0.1 ])

    Source: ``torch.optim.lr_scheduler.ConstantLR`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    factor = _checks.in_interval("factor", factor, 0.0, 1.0)
    total_iters = _checks.positive_int("total_iters", total_iters)
    # torch multiplies by factor at step 0 and by 1/factor at total_iters.  So
    # with factor=0 (which its own check allows) torch raises ZeroDivisionError
    # at step total_iters; this closed form gives the documented base_lr.
    return _result(base_lr * np.where(t < total_iters, factor, 1.0), scalar)


def linear_lr(t, base_lr, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    r"""LinearLR: scale the LR by a factor moving linearly from ``start_factor`` to ``end_factor``.

    .. math::
        \eta_t = \eta_0 \left(s + (e - s) \frac{\min(t, T)}{T}\right),
        \quad s = \text{start\_factor},\; e = \text{end\_factor},\; T = \text{total\_iters}

    Example::

        >>> linear_lr([0, 1, 2, 4, 5, 9], base_lr=0.3, start_factor=0.5, total_iters=4)
        array([0.15  , 0.1875, 0.225 , 0.3   , 0.3   , 0.3   ])

    Source: ``torch.optim.lr_scheduler.LinearLR`` docs.  The values listed in
    its example are one step late: the "epoch 0" value 0.003687 is in force at
    step 1; at step 0 the LR is 0.05 * 0.05 = 0.0025.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    start_factor = _checks.in_interval("start_factor", start_factor, 0.0, 1.0, low_open=True)
    end_factor = _checks.in_interval("end_factor", end_factor, 0.0, 1.0)
    total_iters = _checks.positive_int("total_iters", total_iters)
    # torch's step multiplies by the ratio of consecutive factors,
    # 1 + (e - s) / (T s + (t - 1)(e - s)) = factor(t) / factor(t - 1),
    # so the product telescopes to factor(t) / factor(0) = this closed form.
    return _result(base_lr * _linear_factor(t, start_factor, end_factor, total_iters), scalar)


def _linear_factor(t, start_factor, end_factor, total_iters):
    """LinearLR's factor: ``start_factor`` at t = 0, a straight line to ``end_factor`` at ``total_iters``, then flat."""
    return _linear_anneal(start_factor, end_factor, np.minimum(t, total_iters) / total_iters)


def polynomial_lr(t, base_lr, total_iters=5, power=1.0):
    r"""PolynomialLR: decay the LR to 0 along a polynomial over ``total_iters`` steps.

    .. math::
        \eta_t = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{\text{power}}

    Example::

        >>> polynomial_lr([0, 1, 2, 4, 5], base_lr=0.1, total_iters=4, power=2.0)
        array([0.1    , 0.05625, 0.025  , 0.     , 0.     ])

    Source: ``torch.optim.lr_scheduler.PolynomialLR`` docs (the values listed
    in its example are one step late, like LinearLR's: step 0 is base_lr).
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    total_iters = _checks.positive_int("total_iters", total_iters)
    power = _checks.non_negative("power", power)
    # torch multiplies by ((1 - t/T) / (1 - (t-1)/T))**power each step: a
    # telescoping product again.  After T it leaves the LR alone (at 0).
    remaining = 1.0 - np.minimum(t, total_iters) / total_iters
    return _result(base_lr * remaining**power, scalar)


# --- cosine schedules -------------------------------------------------------

def cosine_annealing_lr(t, base_lr, T_max, eta_min=0.0):
    r"""CosineAnnealingLR: half a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` steps.

    .. math::
        \eta_t = \eta_{\min} + \frac{1}{2}(\eta_0 - \eta_{\min})
                 \left(1 + \cos\left(\frac{t}{T_{\max}}\pi\right)\right)

    It does not stop at ``T_max``: the cosine carries on, so the LR climbs
    back to ``base_lr`` at ``2 * T_max`` (period ``2 * T_max``).

    Example::

        >>> cosine_annealing_lr([0, 50, 100, 150, 200], base_lr=0.1, T_max=100, eta_min=0.001)
        array([0.1   , 0.0505, 0.001 , 0.0505, 0.1   ])

    Source: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent
    with Warm Restarts", eq. (5) without restarts;
    ``torch.optim.lr_scheduler.CosineAnnealingLR`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    T_max = _checks.positive_int("T_max", T_max)
    eta_min = _checks.non_negative("eta_min", eta_min)
    # torch updates recursively, scaling (lr - eta_min) by
    # (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) / T_max)); the product
    # telescopes to this formula.  At t = T_max (mod 2 T_max) the ratio is
    # exactly 0, so torch lands exactly on eta_min and the rounding gathered
    # so far is wiped out.  One step later the divisor would be
    # 1 + cos(pi) = 0, so there torch adds the closed-form increment instead.
    return _result(_cosine_anneal(base_lr, eta_min, t / T_max), scalar)


def cosine_annealing_warm_restarts_lr(t, base_lr, T_0, T_mult=1, eta_min=0.0):
    r"""CosineAnnealingWarmRestarts (SGDR): cosine annealing restarted every ``T_i`` steps.

    .. math::
        \eta_t = \eta_{\min} + \frac{1}{2}(\eta_0 - \eta_{\min})
                 \left(1 + \cos\left(\frac{T_{cur}}{T_i}\pi\right)\right),
        \quad T_i = T_0 \cdot T_{mult}^{\,i}

    where cycle ``i`` (from 0) starts at step :math:`T_0 (T_{mult}^i - 1)/(T_{mult} - 1)`
    (at :math:`i T_0` when :math:`T_{mult} = 1`; see :func:`sgdr_cycle_starts`)
    and :math:`T_{cur}` counts the steps since that restart.

    Example::

        >>> cosine_annealing_warm_restarts_lr([0, 5, 9, 10, 20, 29, 30], base_lr=0.1, T_0=10, T_mult=2)
        array([0.1       , 0.05      , 0.00244717, 0.1       , 0.05      ,
               0.00061558, 0.1       ])

    Source: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent
    with Warm Restarts", eq. (5); ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    T_0 = _checks.positive_int("T_0", T_0)
    T_mult = _checks.positive_int("T_mult", T_mult)
    eta_min = _checks.non_negative("eta_min", eta_min)
    starts = _cycle_starts(T_0, T_mult, until=int(t.max(initial=0)) + 1)
    cycle = np.searchsorted(starts, t, side="right") - 1  # the cycle each step falls in
    T_i = T_0 * T_mult**cycle
    T_cur = t - starts[cycle]
    return _result(_cosine_anneal(base_lr, eta_min, T_cur / T_i), scalar)


def sgdr_cycle_starts(T_0, T_mult=1, until=1):
    r"""The steps at which SGDR's cycles start, from 0 up to (not including) ``until``.

    .. math::
        R_i = \sum_{j < i} T_0 T_{mult}^{\,j} = \begin{cases}
            i\,T_0 & T_{mult} = 1 \\
            T_0 \frac{T_{mult}^{\,i} - 1}{T_{mult} - 1} & T_{mult} > 1
        \end{cases}

    Every start but the first (step 0) is a warm restart: the LR jumps back to
    ``base_lr`` there.  Integer arithmetic throughout, so a start is never
    misplaced by rounding.

    Example::

        >>> sgdr_cycle_starts(T_0=10, T_mult=2, until=200)
        [0, 10, 30, 70, 150]
        >>> sgdr_cycle_starts(T_0=10, T_mult=2, until=200)[1:]  # the restarts within 200 steps
        [10, 30, 70, 150]

    Source: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient Descent
    with Warm Restarts", section 3 (cycle ``i`` lasts :math:`T_0 T_{mult}^{\,i}` epochs).
    """
    T_0 = _checks.positive_int("T_0", T_0)
    T_mult = _checks.positive_int("T_mult", T_mult)
    until = _checks.positive_int("until", until)
    return _cycle_starts(T_0, T_mult, until).tolist()


def _cycle_starts(T_0: int, T_mult: int, until: int) -> np.ndarray:
    """:func:`sgdr_cycle_starts` as an int array, for checked arguments."""
    if T_mult == 1:
        return np.arange(0, until, T_0)
    # Add up the cycle lengths.  torch's step(epoch) takes a float log instead,
    # which can land on the wrong side of a restart: math.log(1000, 10) is
    # 2.9999999999999996, so with T_0=1, T_mult=10, step(111) gives eta_min
    # where 111 plain step() calls (and this sum) give the restart value.
    starts, length = [0], T_0
    while starts[-1] + length < until:
        starts.append(starts[-1] + length)
        length *= T_mult
    return np.asarray(starts)


# --- 1cycle -----------------------------------------------------------------

def _one_cycle_phase_ends(total_steps, pct_start, three_phase):
    """torch's phase boundaries, as float step indices starting from 0."""
    warm_end = pct_start * total_steps - 1
    if three_phase:
        return [0.0, warm_end, 2 * pct_start * total_steps - 2, total_steps - 1.0]
    return [0.0, warm_end, total_steps - 1.0]


def _one_cycle_curve(t, total_steps, pct_start, anneal_strategy, three_phase, start, peak, end):
    """start -> peak -> end over torch's phases; three_phase goes back to start before end.

    The LR uses (initial_lr, max_lr, min_lr); the momentum, moving the other
    way, uses (max_momentum, base_momentum, max_momentum).
    """
    waypoints = [start, peak, start, end] if three_phase else [start, peak, end]
    ends = _one_cycle_phase_ends(total_steps, pct_start, three_phase)
    return _through_waypoints(t, ends, waypoints, anneal_strategy)


def _one_cycle_checks(t, total_steps, pct_start, anneal_strategy, three_phase):
    t, scalar = _steps(t)
    total_steps = _checks.positive_int("total_steps", total_steps)
    pct_start = _checks.in_open_interval("pct_start", pct_start, 0.0, 1.0)
    anneal_strategy = _checks.one_of("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
    three_phase = _checks.flag("three_phase", three_phase)
    if pct_start * total_steps <= 1:
        # torch divides by zero when the warm-up ends at step 0 (pct_start *
        # total_steps == 1) and skips the warm-up entirely below that.
        raise ValueError(
            f"pct_start * total_steps must be > 1 so that the warm-up lasts at least one step, "
            f"got pct_start={pct_start!r}, total_steps={total_steps}"
        )
    if three_phase and pct_start > 0.5:
        # The ramp down mirrors the ramp up; past 0.5 the two no longer fit and
        # torch never reaches the final annihilation phase.
        raise ValueError(f"pct_start must be <= 0.5 when three_phase=True, got {pct_start!r}")
    if t.size and t.max() > total_steps:
        raise ValueError(
            f"t must be <= total_steps={total_steps} (OneCycleLR raises when stepped past it), "
            f"got a maximum of {t.max()}"
        )
    return t, scalar, total_steps, pct_start, anneal_strategy, three_phase


def _through_waypoints(t, ends, values, anneal_strategy):
    """Anneal from ``values[k]`` to ``values[k+1]`` while ``ends[k] < t <= ends[k+1]``.

    Mirrors torch's phase search: a step belongs to the first phase whose end
    it has not passed; a step past the last end stays in the last phase.
    """
    ends = np.asarray(ends)
    values = np.asarray(values, dtype=float)
    phase = np.searchsorted(ends[1:-1], t, side="left")
    start, end = ends[phase], ends[phase + 1]
    pct = (t - start) / (end - start)
    anneal = _cosine_anneal if anneal_strategy == "cos" else _linear_anneal
    return anneal(values[phase], values[phase + 1], pct)


def one_cycle_lr(t, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos",
                 div_factor=25.0, final_div_factor=1e4, three_phase=False):
    r"""OneCycleLR: warm up from ``max_lr / div_factor`` to ``max_lr``, then anneal far below the start.

    .. math::
        \eta_{\text{initial}} = \frac{\text{max\_lr}}{\text{div\_factor}}, \quad
        \eta_{\min} = \frac{\eta_{\text{initial}}}{\text{final\_div\_factor}}, \quad
        N = \text{total\_steps}, \; p = \text{pct\_start}

    ========================  =====================  ===================================
    phase                     steps                  LR
    ========================  =====================  ===================================
    1 (warm-up)               0 .. pN - 1            initial -> max_lr
    2                         pN - 1 .. N - 1        max_lr -> min
    ========================  =====================  ===================================

    With ``three_phase=True`` phase 2 ends at 2pN - 2 going back to initial,
    and a phase 3 runs from there to N - 1, from initial down to min.  Within
    a phase, at fraction :math:`\tau` of the way from ``a`` to ``b``:

    .. math::
        \text{cos:}\; b + (a - b)\frac{1 + \cos(\pi\tau)}{2}
        \qquad \text{linear:}\; a + (b - a)\tau

    Example::

        >>> one_cycle_lr([0, 299, 999], max_lr=0.1, total_steps=1000)
        array([4.e-03, 1.e-01, 4.e-07])

    ``t`` may go up to ``total_steps`` (torch computes that one extra value,
    which bounces back up along the cosine); past it, torch raises and so does
    this function.

    Source: Smith & Topin (2018), "Super-Convergence: Very Fast Training of
    Neural Networks Using Large Learning Rates"; ``torch.optim.lr_scheduler.OneCycleLR``
    docs and phase boundaries.
    """
    t, scalar, total_steps, pct_start, anneal_strategy, three_phase = _one_cycle_checks(
        t, total_steps, pct_start, anneal_strategy, three_phase
    )
    max_lr = _checks.non_negative("max_lr", max_lr)
    div_factor = _checks.positive("div_factor", div_factor)
    final_div_factor = _checks.positive("final_div_factor", final_div_factor)
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    curve = _one_cycle_curve(t, total_steps, pct_start, anneal_strategy, three_phase, initial_lr, max_lr, min_lr)
    return _result(curve, scalar)


def one_cycle_momentum(t, total_steps, pct_start=0.3, anneal_strategy="cos",
                       base_momentum=0.85, max_momentum=0.95, three_phase=False):
    r"""The momentum (or Adam's beta1) OneCycleLR sets: it moves opposite to the LR.

    .. math::
        \text{max\_momentum} \to \text{base\_momentum} \to \text{max\_momentum}
        \;(\to \text{max\_momentum} \text{ with three\_phase})

    over the same phases and with the same annealing as :func:`one_cycle_lr`:
    lowest where the LR peaks.

    Example::

        >>> one_cycle_momentum([0, 299, 999], total_steps=1000)
        array([0.95, 0.85, 0.95])

    Source: Smith (2018), "A disciplined approach to neural network
    hyper-parameters: Part 1" (cyclical momentum); ``torch.optim.lr_scheduler.OneCycleLR`` docs.
    """
    t, scalar, total_steps, pct_start, anneal_strategy, three_phase = _one_cycle_checks(
        t, total_steps, pct_start, anneal_strategy, three_phase
    )
    base_momentum = _checks.non_negative("base_momentum", base_momentum)
    max_momentum = _checks.non_negative("max_momentum", max_momentum)
    _not_below("max_momentum", max_momentum, "base_momentum", base_momentum)
    curve = _one_cycle_curve(t, total_steps, pct_start, anneal_strategy, three_phase,
                             max_momentum, base_momentum, max_momentum)
    return _result(curve, scalar)


# --- cyclical learning rates ------------------------------------------------

def _cyclic_height(t, step_size_up, step_size_down, mode, gamma):
    """How far up the triangle each step is (0 at the bottom, 1 at the top), times the mode's scale."""
    step_size_up = _checks.positive_int("step_size_up", step_size_up)
    if step_size_down is None:
        step_size_down = step_size_up
    step_size_down = _checks.positive_int("step_size_down", step_size_down)
    mode = _checks.one_of("mode", mode, CYCLIC_MODES)
    gamma = _checks.positive("gamma", gamma)
    period = step_size_up + step_size_down
    cycle = t // period + 1  # Smith's cycle counter, from 1
    into = t % period  # steps since the cycle started
    # torch finds the same position as the float 1 + t/period - cycle; the
    # integer form is exact and agrees with it to rounding.
    height = np.where(into <= step_size_up, into / step_size_up, (period - into) / step_size_down)
    if mode == "triangular":
        scale = 1.0
    elif mode == "triangular2":
        scale = 1.0 / 2.0 ** (cycle - 1)  # halve the amplitude each cycle
    else:
        # torch's exp_range scales by gamma to the number of iterations since
        # the start of training (scale_mode="iterations"), not by cycle.
        scale = gamma**t
    return height * scale


def cyclic_lr(t, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
    r"""CyclicLR: the LR goes back and forth between ``base_lr`` and ``max_lr`` in triangles.

    .. math::
        \eta_t = \text{base\_lr} + (\text{max\_lr} - \text{base\_lr}) \cdot h_t \cdot s_t

    where :math:`h_t` rises linearly from 0 to 1 over ``step_size_up`` steps and
    falls back to 0 over ``step_size_down`` (default: ``step_size_up``), and
    the scale :math:`s_t` is 1 (``"triangular"``), :math:`1/2^{c-1}` in cycle
    :math:`c = 1, 2, \dots` (``"triangular2"``) or :math:`\gamma^t` (``"exp_range"``).

    Example::

        >>> cyclic_lr([0, 5, 10, 15, 20, 30], base_lr=0.01, max_lr=0.1, step_size_up=10, mode="triangular2")
        array([0.01 , 0.055, 0.1  , 0.055, 0.01 , 0.055])

    Source: Smith (2017), "Cyclical Learning Rates for Training Neural
    Networks"; ``torch.optim.lr_scheduler.CyclicLR`` docs (which adds the
    uneven ``step_size_down``).
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    max_lr = _checks.non_negative("max_lr", max_lr)
    _not_below("max_lr", max_lr, "base_lr", base_lr)
    height = _cyclic_height(t, step_size_up, step_size_down, mode, gamma)
    return _result(base_lr + (max_lr - base_lr) * height, scalar)


def cyclic_momentum(t, base_momentum=0.8, max_momentum=0.9, step_size_up=2000, step_size_down=None,
                    mode="triangular", gamma=1.0):
    r"""The momentum (or Adam's beta1) CyclicLR sets: the same triangles, upside down.

    .. math::
        m_t = \text{max\_momentum} - (\text{max\_momentum} - \text{base\_momentum}) \cdot h_t \cdot s_t

    with :math:`h_t` and :math:`s_t` as in :func:`cyclic_lr`: momentum is
    lowest where the LR peaks.

    Example::

        >>> cyclic_momentum([0, 5, 10, 20], step_size_up=10)
        array([0.9 , 0.85, 0.8 , 0.9 ])

    Source: Smith (2018), "A disciplined approach to neural network
    hyper-parameters: Part 1"; ``torch.optim.lr_scheduler.CyclicLR`` docs.
    """
    t, scalar = _steps(t)
    base_momentum = _checks.non_negative("base_momentum", base_momentum)
    max_momentum = _checks.non_negative("max_momentum", max_momentum)
    _not_below("max_momentum", max_momentum, "base_momentum", base_momentum)
    height = _cyclic_height(t, step_size_up, step_size_down, mode, gamma)
    return _result(max_momentum - (max_momentum - base_momentum) * height, scalar)


#: Each torch scheduler's class name, mapped to its closed form here.
FORMULAS = {
    "StepLR": step_lr,
    "MultiStepLR": multi_step_lr,
    "ExponentialLR": exponential_lr,
    "ConstantLR": constant_lr,
    "LinearLR": linear_lr,
    "PolynomialLR": polynomial_lr,
    "CosineAnnealingLR": cosine_annealing_lr,
    "CosineAnnealingWarmRestarts": cosine_annealing_warm_restarts_lr,
    "OneCycleLR": one_cycle_lr,
    "CyclicLR": cyclic_lr,
}


# --- weight averaging and a custom schedule ---------------------------------------

def swa_lr(t, start_lr, swa_lr, anneal_epochs=10, anneal_strategy="cos"):
    r"""SWALR: anneal from the LR in force to ``swa_lr`` over ``anneal_epochs`` steps, then hold it.

    .. math::
        \eta_t = \begin{cases}
            \text{swa\_lr} + (\eta_s - \text{swa\_lr})\,\frac{1 + \cos(\pi p)}{2} & \text{cos} \\
            \eta_s + (\text{swa\_lr} - \eta_s)\, p & \text{linear}
        \end{cases},
        \quad p = \min\left(1, \frac{t}{\text{anneal\_epochs}}\right)

    ``t`` counts SWALR's own steps and ``start_lr`` (:math:`\eta_s`) is the LR
    in force when SWALR takes over: SWALR reads the optimizer's current LR, not
    ``initial_lr``, so after another scheduler has decayed the LR it anneals
    from that decayed value.  With ``anneal_epochs=0`` the LR is ``swa_lr`` at
    once, even at ``t = 0`` (torch sets it when the scheduler is built).

    Example::

        >>> swa_lr([0, 1, 2, 3, 4, 10], start_lr=0.1, swa_lr=0.02, anneal_epochs=4, anneal_strategy="linear")
        array([0.1 , 0.08, 0.06, 0.04, 0.02, 0.02])

    Source: Izmailov et al. (2018), "Averaging Weights Leads to Wider Optima and
    Better Generalization" (a constant or cyclical LR while averaging);
    ``torch.optim.swa_utils.SWALR`` docs and ``get_lr``.
    """
    t, scalar = _steps(t)
    start_lr = _checks.non_negative("start_lr", start_lr)
    swa_lr = _checks.non_negative("swa_lr", swa_lr)
    anneal_epochs = _checks.non_negative_int("anneal_epochs", anneal_epochs)
    anneal_strategy = _checks.one_of("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
    # torch recovers the LR it started from out of the current LR at every
    # step, (lr - alpha * swa_lr) / (1 - alpha), and mixes it with swa_lr; the
    # mixing weight alpha is the anneal function of p, so the LR is the plain
    # anneal from start_lr to swa_lr at p.
    pct = np.ones(t.shape) if anneal_epochs == 0 else np.minimum(1.0, t / anneal_epochs)
    anneal = _cosine_anneal if anneal_strategy == "cos" else _linear_anneal
    return _result(anneal(start_lr, swa_lr, pct), scalar)


def inverse_sqrt_lr(t, base_lr, warmup_steps):
    r"""The Transformer's schedule: linear warm-up to ``base_lr``, then decay as one over the square root of the step.

    .. math::
        \eta_t = \eta_0 \min\left(\frac{t + 1}{w}, \sqrt{\frac{w}{t + 1}}\right),
        \quad w = \text{warmup\_steps}

    The peak, ``base_lr``, is reached at ``t = w - 1`` (the ``w``-th step).
    Vaswani et al. write it as :math:`d^{-1/2}\min(s^{-1/2}, s\,w^{-3/2})` with
    :math:`s = t + 1` and model width :math:`d`: the same curve with
    :math:`\eta_0 = (d\,w)^{-1/2}`.  It is the closed form of
    :class:`lrcourse.averaging.InverseSqrtLR`; torch ships no such scheduler.

    Example::

        >>> inverse_sqrt_lr([0, 1, 3, 15, 63], base_lr=0.1, warmup_steps=4)
        array([0.025, 0.05 , 0.1  , 0.05 , 0.025])

    Source: Vaswani et al. (2017), "Attention Is All You Need", eq. (3).
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    s = t + 1  # Vaswani's step number counts from 1
    # The warm-up is a straight line from 0 at s = 0 to base_lr at s = w, then flat;
    # the decay is below it from s = w on.
    warm = linear_warmup_lr(s, base_lr, warmup_steps)
    return _result(np.minimum(warm, base_lr * np.sqrt(warmup_steps / s)), scalar)



# --- composing schedules ------------------------------------------------------
#
# A piece is any function t -> lr of an int array of steps, usually a
# functools.partial of a closed form above.  These combinators mirror torch's
# SequentialLR and ChainedScheduler; the named recipes below are built from them.

def _pieces(pieces) -> list:
    """Check that ``pieces`` is a non-empty list of callables ``t -> lr``."""
    if isinstance(pieces, (str, bytes)) or not hasattr(pieces, "__iter__"):
        raise TypeError(f"pieces must be a list of functions t -> lr, got {type(pieces).__name__} {pieces!r}")
    pieces = list(pieces)
    if not pieces:
        raise ValueError("pieces must hold at least one function t -> lr, got an empty list")
    for i, piece in enumerate(pieces):
        _checks.callable_(f"pieces[{i}]", piece, "t -> lr, such as functools.partial(cosine_annealing_lr, ...)")
    return pieces


def _evaluate(piece, i: int, t):
    """``piece(t)`` as a float array of ``t``'s shape, or a TypeError naming ``pieces[i]``."""
    values = np.asarray(piece(t), dtype=float)
    if values.shape != t.shape:
        raise TypeError(
            f"pieces[{i}] must return one LR per step it is given (an array of shape {t.shape}), "
            f"got shape {values.shape}"
        )
    return values


def sequential(t, pieces, milestones):
    r"""SequentialLR: piece ``i`` from milestone ``i - 1`` on, counting its own steps from 0.

    .. math::
        \eta_t = f_i(t - m_{i-1}) \quad \text{for } m_{i-1} \le t < m_i,
        \qquad m_{-1} = 0,\; m_n = \infty

    with pieces :math:`f_0, \dots, f_n` and milestones :math:`m_0 < \dots < m_{n-1}`.
    Each piece is a function ``t -> lr`` of an array of steps, usually a
    ``functools.partial`` of a closed form in this module.  Like torch, a piece
    restarts from its own step 0 at its milestone, wherever the piece before
    it left the LR.

    Example::

        >>> from functools import partial
        >>> flat = partial(constant_lr, base_lr=0.1, factor=0.5, total_iters=3)
        >>> decay = partial(exponential_lr, base_lr=0.1, gamma=0.5)
        >>> sequential([0, 2, 3, 4, 5], [flat, decay], milestones=[3])
        array([0.05 , 0.05 , 0.1  , 0.05 , 0.025])

    Source: ``torch.optim.lr_scheduler.SequentialLR``, whose ``step()`` calls
    the next scheduler with step 0 at each milestone (``_update_lr(0)``, its
    closed form) and plain ``step()`` between milestones.
    """
    t, scalar = _steps(t)
    pieces = _pieces(pieces)
    if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__len__"):
        raise TypeError(f"milestones must be a list of increasing ints, got {milestones!r}")
    if len(milestones) != len(pieces) - 1:
        raise ValueError(
            f"milestones must hold one step fewer than pieces (one boundary between each two pieces): "
            f"got {len(pieces)} pieces and {len(milestones)} milestones"
        )
    milestones = _checks.increasing_ints("milestones", milestones) if len(milestones) else []
    starts = np.asarray([0] + milestones)
    which = np.searchsorted(milestones, t, side="right")  # torch's bisect_right(milestones, t)
    lr = np.empty(t.shape)
    for i, piece in enumerate(pieces):
        mine = which == i
        if mine.any():
            lr[mine] = _evaluate(piece, i, t[mine] - starts[i])
    return _result(lr, scalar)


def chained(t, pieces, base_lr):
    r"""ChainedScheduler: the product of the pieces' factors, all on the same ``base_lr``.

    .. math::
        \eta_t = \eta_0 \prod_i \frac{f_i(t)}{\eta_0}

    This is what torch's ``ChainedScheduler`` gives when every scheduler in it
    multiplies the LR in force by a ratio each step (``StepLR``,
    ``MultiStepLR``, ``ExponentialLR``, ``ConstantLR``, ``LinearLR``,
    ``PolynomialLR``, ``MultiplicativeLR``, and ``CosineAnnealingLR`` with
    ``eta_min=0`` up to ``T_max``).  ``LambdaLR``, ``OneCycleLR``, ``CyclicLR``
    and ``CosineAnnealingWarmRestarts`` set the LR outright instead, so in a
    chain they overwrite the schedulers stepped before them.

    Example::

        >>> from functools import partial
        >>> warm = partial(linear_lr, base_lr=0.1, start_factor=0.25, total_iters=3)
        >>> decay = partial(exponential_lr, base_lr=0.1, gamma=0.5)
        >>> chained([0, 1, 2, 3, 4], [warm, decay], base_lr=0.1)
        array([0.025  , 0.025  , 0.01875, 0.0125 , 0.00625])

    Source: ``torch.optim.lr_scheduler.ChainedScheduler``, whose ``step()``
    calls every scheduler's ``step()`` in turn on the same optimizer.
    """
    t, scalar = _steps(t)
    pieces = _pieces(pieces)
    base_lr = _checks.non_negative("base_lr", base_lr)
    lr = np.full(t.shape, base_lr)
    if base_lr > 0:  # with base_lr = 0 every piece is 0 and so is the product
        for i, piece in enumerate(pieces):
            lr *= _evaluate(piece, i, t) / base_lr
    return _result(lr, scalar)


def linear_warmup_lr(t, base_lr, warmup_steps, start_factor=0.0):
    r"""A linear warm-up: from ``start_factor * base_lr`` at step 0 up to ``base_lr`` at ``warmup_steps``, then flat.

    .. math::
        \eta_t = \eta_0 \left(s + (1 - s) \frac{\min(t, w)}{w}\right),
        \quad s = \text{start\_factor},\; w = \text{warmup\_steps}

    ``LinearLR(start_factor=s, total_iters=w)`` for ``s > 0``.  With ``s = 0``
    (the default, and Hugging Face's warm-up) it is
    ``LambdaLR(lr_lambda=lambda t: min(1, t / w))``, which LinearLR cannot
    give: it rejects ``start_factor=0``.

    Example::

        >>> linear_warmup_lr([0, 1, 2, 4, 9], base_lr=0.1, warmup_steps=4)
        array([0.   , 0.025, 0.05 , 0.1  , 0.1  ])

    Source: adapted from Goyal et al. (2017), "Accurate, Large Minibatch SGD:
    Training ImageNet in 1 Hour", section 2.2 (gradual warm-up), which starts
    from the small-batch LR, :math:`1/k` of the target for a batch :math:`k`
    times larger (``start_factor = 1/k``, 1/32 for their 8k batch), over 5
    epochs; the default here starts from 0, as Hugging Face's warm-ups do.
    ``torch.optim.lr_scheduler.LinearLR`` docs.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    start_factor = _checks.in_interval("start_factor", start_factor, 0.0, 1.0)
    return _result(base_lr * _linear_factor(t, start_factor, 1.0, warmup_steps), scalar)


def with_warmup(t, schedule, base_lr, warmup_steps, start_factor=0.0):
    r"""Any schedule after a linear warm-up: :func:`linear_warmup_lr`, then ``schedule`` from its own step 0.

    .. math::
        \eta_t = \begin{cases} \eta_0 \left(s + (1 - s)\, t / w\right) & t < w \\
                               f(t - w) & t \ge w \end{cases}

    This is ``SequentialLR([LinearLR(start_factor=s, total_iters=w), X], milestones=[w])``
    with ``schedule`` the closed form :math:`f` of ``X``; ``schedule`` is a
    function ``t -> lr`` like the pieces of :func:`sequential`.  With the
    default ``start_factor=0`` the first step trains at LR 0.

    Example::

        >>> from functools import partial
        >>> cosine = partial(cosine_annealing_lr, base_lr=0.1, T_max=4)
        >>> with_warmup([0, 1, 2, 3, 4, 5, 6], cosine, base_lr=0.1, warmup_steps=2, start_factor=0.5)
        array([0.05      , 0.075     , 0.1       , 0.08535534, 0.05      ,
               0.01464466, 0.        ])

    Source: Goyal et al. (2017), "Accurate, Large Minibatch SGD: Training
    ImageNet in 1 Hour", section 2.2; ``torch.optim.lr_scheduler.SequentialLR`` docs.
    """
    warm = functools.partial(linear_warmup_lr, base_lr=base_lr, warmup_steps=warmup_steps, start_factor=start_factor)
    # Check the warm-up's arguments even when no t falls inside the warm-up.
    warm(0)
    return sequential(t, [warm, schedule], [_checks.positive_int("warmup_steps", warmup_steps)])


DECAY_SHAPES = ("linear", "cosine", "1-sqrt")


def cooldown_lr(t, base_lr, decay_steps, min_lr=0.0, shape="linear"):
    r"""A cool-down: from ``base_lr`` at step 0 to ``min_lr`` at ``decay_steps``, then flat, in one of three shapes.

    .. math::
        \eta_t = \eta_{\min} + (\eta_0 - \eta_{\min})\, g\!\left(\frac{\min(t, D)}{D}\right),
        \quad g(x) = \begin{cases} 1 - x & \text{linear} \\
                                   \tfrac{1}{2}(1 + \cos \pi x) & \text{cosine} \\
                                   1 - \sqrt{x} & \text{1-sqrt} \end{cases}

    with :math:`D` = ``decay_steps``.  The last phase of :func:`wsd_lr`.

    Example::

        >>> cooldown_lr([0, 1, 2, 4, 8], base_lr=0.1, decay_steps=4, shape="1-sqrt")
        array([0.1       , 0.05      , 0.02928932, 0.        , 0.        ])

    Source: Hägele et al. (2024), "Scaling Laws and Compute-Optimal Training
    Beyond Fixed Training Durations", arXiv:2405.18392, section 3 (the
    1-sqrt cool-down); ``LinearLR(start_factor=1, end_factor=min_lr / base_lr)``
    and ``CosineAnnealingLR(T_max=D, eta_min=min_lr)`` up to ``D`` for the other two.
    """
    t, scalar = _steps(t)
    base_lr = _checks.non_negative("base_lr", base_lr)
    decay_steps = _checks.positive_int("decay_steps", decay_steps)
    min_lr = _checks.non_negative("min_lr", min_lr)
    _not_below("base_lr", base_lr, "min_lr", min_lr)
    shape = _checks.one_of("shape", shape, DECAY_SHAPES)
    pct = np.minimum(t, decay_steps) / decay_steps
    if shape == "cosine":
        return _result(_cosine_anneal(base_lr, min_lr, pct), scalar)
    # 1-sqrt is a straight line in sqrt(x): it drops fast at first, then slowly.
    return _result(_linear_anneal(base_lr, min_lr, np.sqrt(pct) if shape == "1-sqrt" else pct), scalar)


def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, min_lr=0.0, warmup_start_factor=0.0):
    r"""Linear warm-up, then cosine down to ``min_lr`` at ``total_steps``: the usual recipe for transformers.

    .. math::
        \eta_t = \begin{cases}
            \eta_0 \left(s + (1 - s)\, t / w\right) & t < w \\
            \eta_{\min} + \frac{1}{2}(\eta_0 - \eta_{\min})\left(1 + \cos\frac{\pi (t - w)}{N - w}\right) & t \ge w
        \end{cases}

    with :math:`w` = ``warmup_steps``, :math:`N` = ``total_steps``, :math:`s` =
    ``warmup_start_factor``.  :func:`with_warmup` around
    :func:`cosine_annealing_lr` with ``T_max = N - w``: the cosine gets only
    the steps the warm-up leaves.  Past ``total_steps`` the cosine rises
    again, as ``CosineAnnealingLR`` does.  As a scheduler that checkpoints:
    :func:`warmup_cosine_scheduler`.

    Example::

        >>> warmup_cosine_lr([0, 5, 10, 55, 100], base_lr=0.1, warmup_steps=10, total_steps=100, min_lr=0.001)
        array([0.    , 0.05  , 0.1   , 0.0505, 0.001 ])

    Source: Loshchilov & Hutter (2017), "SGDR" (cosine annealing) after Goyal
    et al. (2017)'s linear warm-up; Hugging Face's
    ``get_cosine_schedule_with_warmup`` (``warmup_start_factor=0``, ``min_lr=0``);
    ``SequentialLR([LinearLR, CosineAnnealingLR])`` for ``warmup_start_factor > 0``.
    """
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    total_steps = _checks.positive_int("total_steps", total_steps)
    if total_steps <= warmup_steps:
        raise ValueError(
            f"total_steps must be > warmup_steps ({warmup_steps}) so that the cosine has steps left, got {total_steps}"
        )
    base_lr = _checks.non_negative("base_lr", base_lr)
    min_lr = _checks.non_negative("min_lr", min_lr)
    _not_below("base_lr", base_lr, "min_lr", min_lr)
    warmup_start_factor = _checks.in_interval("warmup_start_factor", warmup_start_factor, 0.0, 1.0)
    cosine = functools.partial(cosine_annealing_lr, base_lr=base_lr, T_max=total_steps - warmup_steps, eta_min=min_lr)
    return with_warmup(t, cosine, base_lr, warmup_steps, warmup_start_factor)


def wsd_lr(t, base_lr, warmup_steps, stable_steps, decay_steps, min_lr=0.0, decay_shape="linear",
           warmup_start_factor=0.0):
    r"""Warmup-stable-decay: warm up, hold ``base_lr``, then cool down to ``min_lr`` and stay there.

    .. math::
        \eta_t = \begin{cases}
            \eta_0 \left(s + (1 - s)\, t / w\right) & t < w \\
            \eta_0 & w \le t < w + S \\
            \text{cooldown}(t - w - S) & t \ge w + S
        \end{cases}

    with :math:`w` = ``warmup_steps``, :math:`S` = ``stable_steps``, and
    :func:`cooldown_lr` over ``decay_steps`` in ``decay_shape`` ("linear",
    "cosine" or "1-sqrt").  :func:`sequential` of three pieces, milestones
    :math:`[w, w + S]`.  The run is ``w + S + decay_steps`` steps long; the
    stable phase can be extended and a cool-down branched off at any point,
    so one run serves several budgets.  As a scheduler that checkpoints:
    :func:`wsd_scheduler`.

    Example::

        >>> wsd_lr([0, 2, 4, 8, 10, 12, 20], base_lr=0.1, warmup_steps=4, stable_steps=6, decay_steps=4)
        array([0.  , 0.05, 0.1 , 0.1 , 0.1 , 0.05, 0.  ])

    Source: adapted from Hu et al. (2024), "MiniCPM: Unveiling the Potential
    of Small Language Models with Scalable Training Strategies",
    arXiv:2404.06395, section 4 (the WSD scheduler), whose own cool-down is
    exponential, :math:`0.5^{(t - w - S)/T}` with a half-life :math:`T`, over
    about the last 10% of the steps; the shapes here are those Hägele et al.
    (2024), arXiv:2405.18392, compare (linear, cosine, and their 1-sqrt).  In
    torch, for the linear shape: ``SequentialLR([LambdaLR(warm-up factor),
    ConstantLR(factor=1), LinearLR(start_factor=1, end_factor=min_lr / base_lr)])``,
    or ``LinearLR`` for the warm-up when ``warmup_start_factor > 0``.
    """
    warmup_steps = _checks.positive_int("warmup_steps", warmup_steps)
    stable_steps = _checks.positive_int("stable_steps", stable_steps)
    decay_shape = _checks.one_of("decay_shape", decay_shape, DECAY_SHAPES)
    warmup_start_factor = _checks.in_interval("warmup_start_factor", warmup_start_factor, 0.0, 1.0)
    warm = functools.partial(linear_warmup_lr, base_lr=base_lr, warmup_steps=warmup_steps,
                             start_factor=warmup_start_factor)
    stable = functools.partial(constant_lr, base_lr=base_lr, factor=1.0)
    cool = functools.partial(cooldown_lr, base_lr=base_lr, decay_steps=decay_steps, min_lr=min_lr, shape=decay_shape)
    warm(0), cool(0)  # check every argument even when no t reaches a piece
    return sequential(t, [warm, stable, cool], [warmup_steps, warmup_steps + stable_steps])


# --- schedulers that checkpoint ------------------------------------------------
#
# LambdaLR multiplies each group's base LR by lr_lambda(step).  A lambda or a
# closure cannot be pickled, so lc.fit refuses to checkpoint it; a
# functools.partial of a module-level function can.  These factories give the
# recipes above that way, with base_lr=1 so that the closed form is the factor.

def warmup_cosine_scheduler(optimizer, warmup_steps, total_steps, min_factor=0.0, warmup_start_factor=0.0):
    r"""A ``LambdaLR`` following :func:`warmup_cosine_lr` from each group's base LR, which ``lc.fit`` can checkpoint.

    .. math::
        \eta_t^{(g)} = \eta_0^{(g)} \cdot \text{warmup\_cosine\_lr}(t, 1, w, N, \text{min\_factor}, s)

    ``min_factor`` is the floor as a fraction of each group's base LR (as
    ``LinearLR``'s factors are), so several param groups keep their ratios.

    Example::

        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = warmup_cosine_scheduler(optimizer, warmup_steps=10, total_steps=100)
        >>> scheduler.lr_lambdas[0].func.__name__, scheduler.lr_lambdas[0].keywords["base_lr"]
        ('warmup_cosine_lr', 1.0)

    Source: Hugging Face's ``get_cosine_schedule_with_warmup``, which builds a
    ``LambdaLR`` from a ``functools.partial`` for the same reason.
    """
    min_factor = _checks.in_interval("min_factor", min_factor, 0.0, 1.0)
    factor = functools.partial(warmup_cosine_lr, base_lr=1.0, warmup_steps=warmup_steps, total_steps=total_steps,
                               min_lr=min_factor, warmup_start_factor=warmup_start_factor)
    return _lambda_scheduler(optimizer, factor)


def wsd_scheduler(optimizer, warmup_steps, stable_steps, decay_steps, min_factor=0.0, decay_shape="linear",
                  warmup_start_factor=0.0):
    r"""A ``LambdaLR`` following :func:`wsd_lr` from each group's base LR, which ``lc.fit`` can checkpoint.

    .. math::
        \eta_t^{(g)} = \eta_0^{(g)} \cdot \text{wsd\_lr}(t, 1, w, S, D, \text{min\_factor}, \text{shape}, s)

    Example::

        >>> import torch
        >>> optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        >>> scheduler = wsd_scheduler(optimizer, warmup_steps=5, stable_steps=80, decay_steps=15)
        >>> scheduler.lr_lambdas[0](50)
        1.0

    Source: Hu et al. (2024), "MiniCPM", arXiv:2404.06395 (WSD); Hugging Face's
    ``get_wsd_schedule``, a ``LambdaLR`` over a ``functools.partial`` too.
    """
    min_factor = _checks.in_interval("min_factor", min_factor, 0.0, 1.0)
    factor = functools.partial(wsd_lr, base_lr=1.0, warmup_steps=warmup_steps, stable_steps=stable_steps,
                               decay_steps=decay_steps, min_lr=min_factor, decay_shape=decay_shape,
                               warmup_start_factor=warmup_start_factor)
    return _lambda_scheduler(optimizer, factor)


def _lambda_scheduler(optimizer, factor):
    """``LambdaLR(optimizer, factor)`` after checking the factor's arguments (they raise here, naming themselves)."""
    import torch  # the closed forms need only numpy; torch is imported when a scheduler is built

    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    factor(0)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=factor)
