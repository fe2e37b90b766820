"""lrcourse.quadratic: the exact expected loss of SGD on the noisy quadratic, held against step-by-step
arithmetic, against torch's own SGD sampled many times, and against the closed-form noise floor."""
import dataclasses
import warnings

import numpy as np
import pytest
from torch.optim.lr_scheduler import LinearLR

import lrcourse as lc
from lrcourse import quadratic as q

CURVATURES = np.geomspace(0.02, 2.0, 12)


def stepwise_loss(lrs, curvatures, noise, momentum, start=1.0):
    """The recursion S' = A S Aᵀ + σ² b bᵀ, one step at a time with 2×2 matrices: the obvious way."""
    h = np.asarray(curvatures, dtype=float)
    sigma2 = np.broadcast_to(np.asarray(noise, dtype=float), h.shape)
    S = np.zeros((h.size, 2, 2))
    S[:, 0, 0] = start**2
    losses = [0.5 * S[:, 0, 0] @ h]
    momenta = np.broadcast_to(momentum, np.shape(lrs))  # one momentum for all steps, or one per step
    for lr, momentum in zip(lrs, momenta):
        A = np.zeros((h.size, 2, 2))
        A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1] = 1 - lr * h, -lr * momentum, h, momentum
        b = np.array([-lr, 1.0])
        S = A @ S @ A.transpose(0, 2, 1) + sigma2[:, None, None] * np.outer(b, b)
        losses.append(0.5 * S[:, 0, 0] @ h)
    return np.array(losses)


def cosine(steps, peak):
    return lc.formulas.cosine_annealing_lr(np.arange(steps), peak, T_max=steps)


def warmup(steps, peak):
    return lc.formulas.linear_lr(np.arange(steps), peak, start_factor=0.05, total_iters=steps // 3)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("steps", [1, q.BLOCK - 1, q.BLOCK, q.BLOCK + 1, 3 * q.BLOCK + 17])
def test_the_blocked_computation_is_the_step_by_step_recursion(steps, momentum):
    rng = np.random.default_rng(steps)
    lrs = rng.uniform(0.0, 0.5, steps)  # any LRs, no pattern the blocks could lean on
    noise = rng.uniform(0.001, 0.1, CURVATURES.size)  # one variance per direction
    got = q.expected_loss(lrs, curvatures=CURVATURES, noise=noise, momentum=momentum, start=0.7)
    want = stepwise_loss(lrs, CURVATURES, noise, momentum, start=0.7)
    assert got.shape == (steps + 1,)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("schedule", [warmup, cosine], ids=["warm-up", "cosine decay"])
def test_exact_loss_matches_torch_sgd_sampled_many_times(schedule, momentum):
    lrs = schedule(60, peak=0.05 if momentum else 0.5)
    exact = q.expected_loss(lrs, curvatures=CURVATURES, noise=0.02, momentum=momentum)
    sampled = q.sampled_loss(lrs, curvatures=CURVATURES, noise=0.02, momentum=momentum, runs=4000, seed=1)
    # Each direction's θ² has a relative spread of about √2; over 4000 runs the mean's relative error is
    # about √(2/4000) = 2.2% per direction, less summed over 12: 10% is more than four standard errors.
    np.testing.assert_allclose(sampled, exact, rtol=0.10, atol=0)
    assert abs(np.mean(sampled / exact - 1)) < 0.03  # and no bias over the run as a whole


def test_a_trace_is_taken_as_its_lrs():
    trace = lc.simulate(lambda optimizer: LinearLR(optimizer, start_factor=0.1, total_iters=20), steps=50, lr=0.3)
    np.testing.assert_array_equal(q.expected_loss(trace, curvatures=[1.0], noise=0.01),
                                  q.expected_loss(trace.lr, curvatures=[1.0], noise=0.01))


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_a_constant_lr_settles_at_the_closed_form_noise_floor(momentum):
    lr = 0.3 * q.stability_limit(CURVATURES.max(), momentum=momentum)
    loss = q.expected_loss(np.full(5000, lr), curvatures=CURVATURES, noise=0.02, momentum=momentum)
    floor = q.noise_floor(lr, curvatures=CURVATURES, noise=0.02, momentum=momentum)
    np.testing.assert_allclose(loss[-1], floor, rtol=1e-9)
    assert loss[0] == pytest.approx(0.5 * CURVATURES.sum())


def test_the_floor_is_proportional_to_lr_and_noise_and_a_decay_goes_below_it():
    floor = lambda lr, noise: q.noise_floor(lr, curvatures=CURVATURES, noise=noise)  # noqa: E731
    assert floor(0.02, 0.01) / floor(0.01, 0.01) == pytest.approx(2, rel=0.02)  # ∝ η while ηh is small
    assert floor(0.01, 0.02) / floor(0.01, 0.01) == pytest.approx(2, rel=1e-12)  # ∝ σ² exactly
    # The linear scaling rule: twice the batch (half the noise) and twice the LR keep the floor, nearly.
    same = floor(0.02, q.batch_noise(0.32, 32)) / floor(0.01, q.batch_noise(0.32, 16))
    assert same == pytest.approx(1, rel=0.02)
    # At a fixed budget a decay ends below every constant LR of a grid: the point of a schedule.
    steps = 2000
    constants = [q.expected_loss(np.full(steps, lr), curvatures=CURVATURES, noise=0.01)[-1]
                 for lr in np.geomspace(0.003, 0.9, 12)]
    decay = q.expected_loss(cosine(steps, 0.5), curvatures=CURVATURES, noise=0.01)[-1]
    assert decay < 0.6 * min(constants)


def test_above_the_stability_limit_the_loss_grows_and_below_it_settles():
    for momentum in (0.0, 0.9):
        limit = q.stability_limit(2.0, momentum=momentum)
        below = q.expected_loss(np.full(400, 0.98 * limit), curvatures=[2.0], noise=0.0, momentum=momentum)
        above = q.expected_loss(np.full(400, 1.02 * limit), curvatures=[2.0], noise=0.0, momentum=momentum)
        assert below[-1] < 1e-3 * below[0] and above[-1] > 1e3 * above[0]
    with pytest.raises(ValueError, match=r"lr must be below the stability limit .* = 1 for a noise floor to exist"):
        q.noise_floor(1.0, curvatures=[2.0], noise=0.01)


def test_a_diverging_run_ends_at_inf_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for momentum in (0.0, 0.9):
            loss = q.expected_loss(np.full(3000, 5.0), curvatures=CURVATURES, noise=0.01, momentum=momentum)
            assert loss[-1] == np.inf and np.all(np.diff(loss[:50]) > 0) and not np.any(np.isnan(loss))


def test_sampling_is_deterministic_given_the_seed():
    run = lambda seed: q.sampled_loss([0.1] * 20, curvatures=[1.0, 0.5], noise=0.1, runs=50, seed=seed)  # noqa: E731
    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(curvatures=[1.0, -0.5]), ValueError, "curvatures must be a 1-D array of finite values > 0"),
    (dict(curvatures=[[1.0]]), ValueError, "curvatures must be a 1-D array"),
    (dict(lrs=[0.1, float("nan")]), ValueError, r"lrs must be finite and >= 0 at every step, got nan at step 1"),
    (dict(lrs=[0.1, -0.1]), ValueError, r"lrs must be finite and >= 0 at every step, got -0.1 at step 1"),
    (dict(lrs=[]), ValueError, r"lrs must be a non-empty 1-D array of LRs, one per step, got shape \(0,\)"),
    (dict(lrs=[[0.1, 0.1]]), ValueError, r"lrs must be a non-empty 1-D array"),
    (dict(lrs="fast"), TypeError, "lrs must be an array of LRs or a Trace, got str"),
    (dict(noise=[0.1, 0.1, 0.1]), ValueError, r"noise must be a scalar or one variance per direction \(2\)"),
    (dict(noise=-1.0), ValueError, "noise must be a variance"),
    (dict(momentum=1.0), ValueError, r"momentum must lie in \[0.0, 1.0\), got 1.0"),
    (dict(momentum=-0.1), ValueError, r"momentum must lie in \[0.0, 1.0\)"),
    (dict(momentum="0.9"), TypeError, "momentum must be a real number"),
    (dict(start=float("inf")), ValueError, "start must be finite"),
])
def test_bad_input_names_the_argument(kwargs, error, message):
    arguments = dict(lrs=[0.1, 0.1], curvatures=[1.0, 2.0], noise=0.01) | kwargs
    lrs = arguments.pop("lrs")
    with pytest.raises(error, match=message):
        q.expected_loss(lrs, **arguments)


def test_bad_input_to_the_helpers():
    with pytest.raises(ValueError, match="curvature must be > 0"):
        q.stability_limit(0.0)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        q.batch_noise(0.1, 0)
    with pytest.raises(ValueError, match="noise_per_sample must be a variance"):
        q.batch_noise(-0.1, 4)
    with pytest.raises(ValueError, match="runs must be a positive int"):
        q.sampled_loss([0.1], curvatures=[1.0], noise=0.1, runs=0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        q.noise_floor(0.0, curvatures=[1.0], noise=0.1)


def test_the_example_problem_is_what_its_comment_says():
    t = np.arange(100)
    constants = {lr: q.EXAMPLE.expected_loss(np.full(100, lr))[-1] for lr in (0.03, 0.1, 0.3)}
    cosine_from_0_3 = q.EXAMPLE.expected_loss(0.3 * (1 + np.cos(np.pi * t / 100)) / 2)[-1]
    assert min(constants, key=constants.get) == 0.1 and round(constants[0.1], 3) == 0.030
    assert round(cosine_from_0_3, 3) == 0.018 and q.EXAMPLE.stability_limit() == pytest.approx(1.0)


def test_a_problem_checks_its_arguments_once_and_the_functions_agree_with_it():
    problem = q.NoisyQuadratic(curvatures=CURVATURES, noise=0.02, momentum=0.5)
    lrs = cosine(300, 0.2)
    np.testing.assert_array_equal(problem.expected_loss(lrs),
                                  q.expected_loss(lrs, curvatures=CURVATURES, noise=0.02, momentum=0.5))
    assert problem.noise_floor(0.1) == q.noise_floor(0.1, curvatures=CURVATURES, noise=0.02, momentum=0.5)
    with pytest.raises(ValueError, match="curvatures must be"):
        q.NoisyQuadratic(curvatures=[0.0], noise=0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.momentum = 0.9


def test_a_momentum_per_step_is_the_step_by_step_recursion_with_that_momentum():
    steps = 2 * q.BLOCK + 5
    rng = np.random.default_rng(7)
    lrs, momenta = rng.uniform(0, 0.3, steps), rng.uniform(0, 0.95, steps)
    momenta[:40] = 0.0  # blocks without momentum beside blocks with it
    got = q.NoisyQuadratic(CURVATURES, 0.02).expected_loss(lrs, momentum=momenta)
    np.testing.assert_allclose(got, stepwise_loss(lrs, CURVATURES, 0.02, momenta), rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match=r"momentum must be one value per step \(3\), got shape \(2,\)"):
        q.EXAMPLE.expected_loss([0.1] * 3, momentum=[0.9, 0.9])
    with pytest.raises(ValueError, match=r"momentum must lie in \[0, 1\) at every step"):
        q.EXAMPLE.expected_loss([0.1] * 2, momentum=[0.9, float("nan")])
