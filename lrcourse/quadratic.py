"""The noisy quadratic: why a schedule matters, in a model small enough to solve exactly.

The loss is a sum of independent directions, each a parabola of curvature ``h_i``::

    L(θ) = ½ Σ_i h_i θ_i²

and SGD sees each gradient with noise, as a mini-batch gradient is the full one plus noise::

    g_i = h_i θ_i + ε_i,    E[ε_i] = 0,    Var[ε_i] = σ_i²  (σ² ∝ 1 / batch size)

Under SGD the expected loss splits into two terms that pull the LR in opposite directions:

- a **bias** term, the start forgotten at the rate (1 − η h)² per step: a larger LR forgets faster;
- a **noise floor**, where the noise each step injects (η² σ²) balances the forgetting: at a constant LR
  it settles at ``½ Σ η σ² / (2 − η h)``, which only a smaller LR lowers.

A constant LR must pick one trade; a decaying schedule takes a large LR while the bias dominates and a
small one at the end, and so gets both.  This module computes the expected loss exactly (no sampling), so
a lesson can move a schedule and watch both terms respond.

The model is the noisy quadratic model of Zhang et al. (2019), "Which algorithmic choices matter at which
batch sizes?  Insights from a noisy quadratic model" (NeurIPS), also the argument of Smith & Le's (2018)
noise scale.  Everything here is numpy, and needs no torch, but for :func:`sampled_loss`, which runs
torch's own ``SGD`` to check the exact recursion against.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from . import _checks

#: The time loop runs over blocks of this many steps at once (see :func:`_expected_loss_by_blocks`).
BLOCK = 128


def _lr_array(lrs) -> np.ndarray:
    """``lrs`` as a 1-D float array: an array, a list, or a :class:`~lrcourse.Trace` (its ``lr``)."""
    # A Trace can only exist if lrcourse.simulation (which imports torch) is loaded: look there, never import it.
    simulation = sys.modules.get("lrcourse.simulation")
    if simulation is not None and isinstance(lrs, simulation.Trace):
        lrs = lrs.lr
    try:
        lrs = np.asarray(lrs, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"lrs must be an array of LRs or a Trace, got {type(lrs).__name__}") from None
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D array of LRs, one per step, got shape {lrs.shape}")
    if not np.all(np.isfinite(lrs)) or np.any(lrs < 0):
        bad = int(np.flatnonzero(~np.isfinite(lrs) | (lrs < 0))[0])
        raise ValueError(f"lrs must be finite and >= 0 at every step, got {float(lrs[bad])!r} at step {bad}")
    return lrs


def _directions(curvatures, noise) -> tuple[np.ndarray, np.ndarray]:
    """``curvatures`` (h_i > 0) and ``noise`` (σ_i² >= 0, a scalar or one per direction) as equal 1-D arrays."""
    h = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if h.ndim != 1 or not np.all(np.isfinite(h)) or np.any(h <= 0):
        raise ValueError(f"curvatures must be a 1-D array of finite values > 0, got {curvatures!r}")
    noise = np.asarray(noise, dtype=float)
    if noise.ndim > 1 or (noise.ndim == 1 and noise.shape != h.shape):
        raise ValueError(f"noise must be a scalar or one variance per direction ({h.size}), got shape {noise.shape}")
    if not np.all(np.isfinite(noise)) or np.any(noise < 0):
        raise ValueError(f"noise must be a variance: finite and >= 0, got {noise!r}")
    return h, np.broadcast_to(noise, h.shape).astype(float)


def _momentum(momentum) -> float:
    # At 1 the buffer never forgets a gradient, and the loss never settles.
    return _checks.in_interval("momentum", momentum, 0.0, 1.0, high_open=True)


def _momentum_array(momentum, steps: int) -> np.ndarray:
    """A momentum per step: ``steps`` values in [0, 1)."""
    momentum = np.asarray(momentum, dtype=float)
    if momentum.shape != (steps,):
        raise ValueError(f"momentum must be one value per step ({steps}), got shape {momentum.shape}")
    if not np.all((momentum >= 0) & (momentum < 1)):  # NaN fails both comparisons
        raise ValueError("momentum must lie in [0, 1) at every step")
    return momentum


@dataclass(frozen=True, eq=False)
class NoisyQuadratic:
    """One noisy quadratic, its arguments checked once: curvatures h_i, noise Var[ε_i], SGD's momentum, θ_0.

    The module's functions take the same keywords and build one; keep an instance to evaluate many
    schedules on the same problem, as :func:`lrcourse.explore` does on every slider move.

    >>> problem = NoisyQuadratic(curvatures=[1.0, 0.1], noise=0.01)
    >>> problem.curvatures, problem.noise
    (array([1. , 0.1]), array([0.01, 0.01]))
    >>> print(f"{problem.expected_loss([0.5] * 10)[-1]:.4f}")
    0.0204
    """

    curvatures: np.ndarray
    noise: np.ndarray
    momentum: float = 0.0
    start: float = 1.0

    def __post_init__(self):
        h, sigma2 = _directions(self.curvatures, self.noise)
        object.__setattr__(self, "curvatures", h)  # frozen: set once, here, to the checked arrays
        object.__setattr__(self, "noise", sigma2)
        object.__setattr__(self, "momentum", _momentum(self.momentum))
        object.__setattr__(self, "start", _checks.real("start", self.start))

    def expected_loss(self, lrs, momentum=None) -> np.ndarray:
        """:func:`expected_loss` of ``lrs`` on this problem.

        ``momentum``: ``None`` for the problem's own, or one value per step, as a scheduler that cycles
        it sets (``OneCycleLR``, ``CyclicLR``; a :class:`~lrcourse.Trace`'s ``momentum``).
        """
        lrs = _lr_array(lrs)
        momenta = np.full(lrs.size, self.momentum) if momentum is None else _momentum_array(momentum, lrs.size)
        # Above the stability limit the loss grows without bound: past the largest float it is inf, and
        # that is the answer, not a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            loss = _expected_loss_by_blocks(lrs, self.curvatures, self.noise, momenta, self.start)
        return np.where(np.isnan(loss), np.inf, loss)

    def noise_floor(self, lr: float) -> float:
        """:func:`noise_floor` of the constant ``lr`` on this problem."""
        lr = _checks.positive("lr", lr)
        h, sigma2, mu = self.curvatures, self.noise, self.momentum
        limit = self.stability_limit()
        if lr >= limit:
            raise ValueError(f"lr must be below the stability limit 2(1 + momentum) / max(curvatures) = "
                             f"{limit:.6g} for a noise floor to exist, got {lr!r}")
        return float(0.5 * np.sum(lr * sigma2 * (1 + mu) / ((1 - mu) * (2 * (1 + mu) - lr * h))))

    def stability_limit(self) -> float:
        """:func:`stability_limit` of the sharpest direction: the largest constant LR this problem survives."""
        return stability_limit(float(self.curvatures.max()), momentum=self.momentum)


#: A problem for the explorer's loss panel (``lc.explore(..., quadratic=True)``), sized for the lessons'
#: 100 steps from an LR of 0.1: curvatures from 0.2 to 2 (stable below LR 1), noise 0.05 per direction.
#: There the best constant LR of 0.03, 0.1, 0.3 is 0.1 (final loss 0.030); a cosine from 0.3 ends at 0.018.
EXAMPLE = NoisyQuadratic(curvatures=np.geomspace(0.2, 2.0, 20), noise=0.05)


def expected_loss(lrs, *, curvatures, noise, momentum: float = 0.0, start: float = 1.0) -> np.ndarray:
    r"""The exact expected loss E[L(θ_t)] of SGD on the noisy quadratic, at steps t = 0, 1, ..., T.

    For each direction (dropping the index i), torch's ``SGD`` with momentum μ (dampening 0, no Nesterov)
    keeps a buffer v and steps, with LR η_t at step t::

        v_{t+1} = μ v_t + g_t,    g_t = h θ_t + ε_t
        θ_{t+1} = θ_t − η_t v_{t+1}

    a linear map of z = (θ, v) plus noise: z_{t+1} = A_t z_t + b_t ε_t with
    A_t = [[1 − η_t h, −η_t μ], [h, μ]] and b_t = (−η_t, 1).  The noise is independent of z, so the
    second moments S_t = E[z_t z_tᵀ] obey, exactly,

        S_{t+1} = A_t S_t A_tᵀ + σ² b_t b_tᵀ,    S_0 = [[start², 0], [0, 0]],

    and E[L(θ_t)] = ½ Σ_i h_i E[θ_{i,t}²].  With μ = 0 it is one number per direction:
    E[θ_{t+1}²] = (1 − η_t h)² E[θ_t²] + η_t² σ².

    Args:
        lrs: the LR of each of the T steps: an array or a :class:`~lrcourse.Trace`.
        curvatures: h_i > 0, one per direction.
        noise: Var[ε_i], the gradient noise's variance: a scalar or one per direction.
        momentum: SGD's ``momentum``, in [0, 1).
        start: θ_{i,0}, the same in every direction.

    Returns:
        an array of T + 1 expected losses; entry t is the loss before step t, entry T after the last step.
        A run above the stability limit (:func:`stability_limit`) grows to ``inf``.

    Example::

        >>> loss = expected_loss([0.5] * 200, curvatures=[1.0], noise=0.01)
        >>> print(f"{loss[0]:.3f} {loss[-1]:.5f}")  # ½ h start² at first, the noise floor at the end
        0.500 0.00167
        >>> print(f"{noise_floor(0.5, curvatures=[1.0], noise=0.01):.5f}")
        0.00167

    The recursion is the noisy quadratic model of Zhang et al. (2019), written here for torch's form of
    momentum; `tests/test_quadratic.py` holds it against many runs of torch's ``SGD``.
    """
    return NoisyQuadratic(curvatures, noise, momentum, start).expected_loss(lrs)


def _expected_loss_by_blocks(lrs, h, sigma2, momenta, start) -> np.ndarray:
    """½ Σ_i h_i E[θ_{i,t}²] for t = 0..T: the recursion of :func:`expected_loss`, computed fast.

    Stepping t = 0..T−1 one at a time would cost T Python iterations, slow for 10,000 steps.  Instead
    the steps are cut into blocks of BLOCK, and all blocks advance together, BLOCK iterations in all:

    - ``own``: each block's moments started from zero, the noise it injects itself;
    - ``P``: the product of the block's maps A_t so far (2×2), so that a state z at the block's start
      becomes P z, and its moments S become P S Pᵀ.

    Then a short loop over the blocks carries the true moments from one block's start to the next, and at
    every step S_t = P S_start Pᵀ + own; only S_θθ, the part the loss needs, is kept.
    """
    steps, n = lrs.size, h.size
    blocks = -(-steps // BLOCK)
    # Steps past the end (LR 0) fill the last block; they change nothing before the end and are cut off.
    eta = np.concatenate([lrs, np.zeros(blocks * BLOCK - steps)]).reshape(blocks, BLOCK, 1)
    mus = np.concatenate([momenta, np.zeros(blocks * BLOCK - steps)]).reshape(blocks, BLOCK, 1)
    plain = not np.any(momenta)  # no momentum at any step: b = 0 throughout, the cheaper recursion below

    zeros = np.zeros((blocks, n))
    own_tt, own_tv, own_vv = zeros, zeros, zeros  # S_θθ, S_θv, S_vv of each block's own noise
    p, q, r, s = zeros + 1, zeros, zeros, zeros + 1  # P = [[p, q], [r, s]], the identity at first
    kept_own, kept_pp, kept_pq, kept_qq = (np.zeros((blocks, BLOCK, n)) for _ in range(4))
    for j in range(BLOCK):
        # A = [[a, b], [h, μ]] with a = 1 − ηh, b = −ημ; S' = A S Aᵀ + σ² (−η, 1)(−η, 1)ᵀ.
        lr, mu = eta[:, j], mus[:, j]
        a, b = 1 - lr * h, -lr * mu
        if plain:  # b = 0: S_θθ and p evolve alone (q stays 0), so the rest need not be computed
            own_tt, p = a * a * own_tt + lr * lr * sigma2, a * p
        else:
            own_tt, own_tv, own_vv = (
                a * a * own_tt + 2 * a * b * own_tv + b * b * own_vv + lr * lr * sigma2,
                a * h * own_tt + (a * mu + b * h) * own_tv + b * mu * own_vv - lr * sigma2,
                h * h * own_tt + 2 * h * mu * own_tv + mu * mu * own_vv + sigma2,
            )
            p, q, r, s = a * p + b * r, a * q + b * s, h * p + mu * r, h * q + mu * s
            kept_pq[:, j], kept_qq[:, j] = p * q, q * q
        kept_own[:, j], kept_pp[:, j] = own_tt, p * p

    # The true moments at each block's start, carried block to block: S_next = P S Pᵀ + own.
    start_tt, start_tv, start_vv = np.zeros((3, blocks, n))
    tt, tv, vv = np.full(n, start**2), np.zeros(n), np.zeros(n)
    for block in range(blocks):
        start_tt[block], start_tv[block], start_vv[block] = tt, tv, vv
        P = p[block], q[block], r[block], s[block]
        tt, tv, vv = (
            P[0] * P[0] * tt + 2 * P[0] * P[1] * tv + P[1] * P[1] * vv + own_tt[block],
            P[0] * P[2] * tt + (P[0] * P[3] + P[1] * P[2]) * tv + P[1] * P[3] * vv + own_tv[block],
            P[2] * P[2] * tt + 2 * P[2] * P[3] * tv + P[3] * P[3] * vv + own_vv[block],
        )

    # The loss at every step: ½ Σ_i h_i (own + the first row of P S_start Pᵀ), summed over directions
    # by matrix products, (blocks, BLOCK, n) @ (blocks, n, 1), never written out per direction.
    def summed(kept, weights):  # Σ_i kept[b, j, i] weights[b, i], as a batched matrix-vector product
        return (kept @ weights[..., None])[..., 0]

    half_h = 0.5 * h
    loss = kept_own @ half_h + summed(kept_pp, half_h * start_tt)
    if not plain:
        loss += 2 * summed(kept_pq, half_h * start_tv) + summed(kept_qq, half_h * start_vv)
    return np.concatenate([[0.5 * start**2 * h.sum()], loss.reshape(-1)[:steps]])


def noise_floor(lr: float, *, curvatures, noise, momentum: float = 0.0) -> float:
    r"""The expected loss a constant LR settles at, where the noise it injects balances what it forgets.

    Without momentum, E[θ²] = (1 − ηh)² E[θ²] + η²σ² at the fixed point, so per direction
    E[θ²] = ησ² / (h (2 − ηh)), and

        L_∞(η) = ½ Σ_i η σ_i² / (2 − η h_i)

    With momentum μ (torch's ``SGD``, the heavy ball), E[θ²] = ησ²(1 + μ) / (h (1 − μ)(2(1 + μ) − ηh)),
    so L_∞ = ½ Σ_i η σ_i² (1 + μ) / ((1 − μ)(2(1 + μ) − η h_i)).  For ηh small the floor is about
    ¼ η Σσ² / (1 − μ): proportional to the LR and to the noise, so to η / B for batch size B.

    Example::

        >>> print(f"{noise_floor(0.1, curvatures=[1.0, 2.0], noise=0.01):.6f}")
        0.000541
        >>> print(f"{noise_floor(0.2, curvatures=[1.0, 2.0], noise=0.01):.6f}")  # twice the LR: a bit over twice
        0.001181

    It exists only below the stability limit (:func:`stability_limit`); above it the loss grows without
    bound and this is a ValueError.  The formulas are the fixed point of :func:`expected_loss`'s recursion
    (Zhang et al. 2019, eq. 5 without momentum).
    """
    return NoisyQuadratic(curvatures, noise, momentum).noise_floor(lr)


def stability_limit(curvature: float, *, momentum: float = 0.0) -> float:
    r"""The largest stable constant LR for a direction of curvature h: η < 2(1 + μ) / h.

    Without noise, plain SGD multiplies θ by (1 − ηh) each step, which shrinks only while |1 − ηh| < 1,
    i.e. η < 2/h.  With momentum μ (the heavy ball), the characteristic roots of
    θ_{t+1} = (1 + μ − ηh) θ_t − μ θ_{t−1} stay inside the unit circle while ηh < 2(1 + μ).

    Example::

        >>> stability_limit(4.0)
        0.5
        >>> stability_limit(4.0, momentum=0.9)
        0.95

    So the sharpest direction sets the largest LR a run survives: why a warm-up matters where the
    curvature starts high (Cohen et al. 2021, "Gradient descent on neural networks typically occurs at the
    edge of stability").
    """
    curvature = _checks.positive("curvature", curvature)
    mu = _momentum(momentum)
    return 2 * (1 + mu) / curvature


def batch_noise(noise_per_sample, batch_size: int):
    r"""The variance of a mini-batch gradient's noise: σ²_B = σ² / B.

    A mini-batch gradient is the mean of B per-sample gradients with independent noise, so its noise
    variance is the per-sample variance divided by B.  With :func:`noise_floor` ≈ ¼ η Σσ²/B, doubling
    the batch and the LR together keeps the floor (the linear scaling rule, Goyal et al. 2017), until the
    larger LR meets the stability limit.

    Example::

        >>> batch_noise(0.32, 16)
        0.02
    """
    batch_size = _checks.positive_int("batch_size", batch_size)
    noise = np.asarray(noise_per_sample, dtype=float)
    if not np.all(np.isfinite(noise)) or np.any(noise < 0):
        raise ValueError(f"noise_per_sample must be a variance: finite and >= 0, got {noise_per_sample!r}")
    return noise / batch_size if noise.ndim else float(noise) / batch_size


def sampled_loss(lrs, *, curvatures, noise, momentum: float = 0.0, start: float = 1.0,
                 runs: int = 1000, seed: int = 0) -> np.ndarray:
    """The mean loss of ``runs`` independent runs of torch's ``SGD`` on the noisy quadratic, at steps 0..T.

    Each run is a row of one (runs, n) parameter tensor, so one ``torch.optim.SGD`` steps them all, with
    the LR set in ``param_groups`` before each step (as a scheduler does); the gradient is
    h θ + ε with fresh Gaussian noise of variance ``noise``, drawn from a generator seeded by ``seed``.
    It is :func:`expected_loss` measured instead of computed: the two agree within the Monte-Carlo error,
    about (standard deviation of the loss) / sqrt(runs).

    Example::

        >>> exact = expected_loss([0.5] * 50, curvatures=[1.0, 0.1], noise=0.01)
        >>> sampled = sampled_loss([0.5] * 50, curvatures=[1.0, 0.1], noise=0.01, runs=4000)
        >>> bool(abs(sampled[-1] / exact[-1] - 1) < 0.1)
        True
    """
    import torch  # only here: the exact computations need no torch

    lrs = _lr_array(lrs)
    problem = NoisyQuadratic(curvatures, noise, momentum, start)
    h, sigma2, mu, start = problem.curvatures, problem.noise, problem.momentum, problem.start
    runs = _checks.positive_int("runs", runs)
    seed = _checks.non_negative_int("seed", seed)
    generator = torch.Generator().manual_seed(seed)
    curv = torch.tensor(h, dtype=torch.float64)
    std = torch.tensor(np.sqrt(sigma2), dtype=torch.float64)
    theta = torch.nn.Parameter(torch.full((runs, h.size), start, dtype=torch.float64))
    optimizer = torch.optim.SGD([theta], lr=float(lrs[0]), momentum=mu)
    loss = np.empty(lrs.size + 1)
    for t, lr in enumerate(lrs):
        with torch.no_grad():
            loss[t] = float(0.5 * (curv * theta**2).sum(dim=1).mean())
            noise_draw = torch.randn(theta.shape, generator=generator, dtype=torch.float64)
            theta.grad = curv * theta + std * noise_draw
        optimizer.param_groups[0]["lr"] = float(lr)
        optimizer.step()
    with torch.no_grad():
        loss[-1] = float(0.5 * (curv * theta**2).sum(dim=1).mean())
    return loss
