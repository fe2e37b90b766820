"""The same schedule in torch, Hugging Face transformers and timm: lesson 15's parity table, held in CI.

Every pair is stepped for real, step by step, and compared with torch's own
construction of the schedule; the conventions where the libraries differ (a
warm-up from 0, an inverse square root one step late, timm's epoch counting)
are asserted as what they are.  The tests skip, saying why, only when a
library is missing.
"""
import math

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    LambdaLR,
    LinearLR,
    OneCycleLR,
    PolynomialLR,
    SequentialLR,
)

import lrcourse as lc

MISSING = "is not installed; lesson 15 pins it in requirements.txt (pip install -r requirements.txt)"
transformers = pytest.importorskip("transformers", reason=f"transformers {MISSING}")
timm_scheduler = pytest.importorskip("timm.scheduler", reason=f"timm {MISSING}")

N, W, LR, DECAY = 100, 10, 0.1, 20
ATOL = 1e-12


def optimizer():
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=LR)


def step_torch(make, steps=N):
    """The LR in force at each step of a torch scheduler (HF's are LambdaLRs): record, optimizer.step(), step()."""
    opt = optimizer()
    scheduler = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(lrs)


def step_timm(make, steps=N):
    """The LR in force at each update of a timm scheduler told the number of updates after each one."""
    opt = optimizer()
    scheduler = make(opt)
    lrs = []
    for update in range(1, steps + 1):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step_update(num_updates=update)
    return np.array(lrs)


def hf(name, steps=N, **kwargs):
    return step_torch(lambda opt: transformers.get_scheduler(name, opt, num_warmup_steps=W, num_training_steps=N,
                                                             scheduler_specific_kwargs=kwargs), steps)


def warmup_from_zero(t):
    """The transformer warm-up factor, counted in a plain loop: t / W for t < W, then 1."""
    return t / W if t < W else 1.0


def then(make_rest):
    return lambda opt: SequentialLR(opt, [LambdaLR(opt, warmup_from_zero), make_rest(opt)], milestones=[W])


def cosine(**kwargs):
    return lambda opt: timm_scheduler.CosineLRScheduler(opt, t_in_epochs=False, **kwargs)


def poly(**kwargs):
    return lambda opt: timm_scheduler.PolyLRScheduler(opt, t_in_epochs=False, **kwargs)


def one_minus_sqrt(t):
    return 1.0 - math.sqrt(min(t, DECAY) / DECAY)


# schedule -> (torch construction, Hugging Face name and kwargs or None, timm factory or None)
ROWS = {
    "warm-up + linear decay": (then(lambda opt: LinearLR(opt, 1.0, 0.0, N - W)), ("linear", {}),
                               poly(t_initial=N - W, power=1.0, warmup_t=W, warmup_prefix=True)),
    "warm-up + cosine to 0": (then(lambda opt: CosineAnnealingLR(opt, T_max=N - W)), ("cosine", {}),
                              cosine(t_initial=N - W, warmup_t=W, warmup_prefix=True)),
    "warm-up + cosine to a floor": (then(lambda opt: CosineAnnealingLR(opt, T_max=N - W, eta_min=0.1 * LR)),
                                    ("cosine_with_min_lr", {"min_lr_rate": 0.1}),
                                    cosine(t_initial=N - W, lr_min=0.1 * LR, warmup_t=W, warmup_prefix=True)),
    "warm-up + 3 cosine cycles": (then(lambda opt: CosineAnnealingWarmRestarts(opt, T_0=(N - W) // 3)),
                                  ("cosine_with_restarts", {"num_cycles": 3}),
                                  cosine(t_initial=(N - W) // 3, cycle_limit=3, warmup_t=W, warmup_prefix=True)),
    "restarts, cycles doubling": (lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), None,
                                  cosine(t_initial=10, cycle_mul=2, cycle_limit=10)),
    "constant after warm-up": (lambda opt: LambdaLR(opt, warmup_from_zero), ("constant_with_warmup", {}), None),
    "warm-up + polynomial, power 2": (then(lambda opt: PolynomialLR(opt, total_iters=N - W, power=2.0)),
                                      ("polynomial", {"power": 2.0, "lr_end": 0.0}),
                                      poly(t_initial=N - W, power=2.0, warmup_t=W, warmup_prefix=True)),
    "WSD, linear cool-down": (
        lambda opt: SequentialLR(opt, [LambdaLR(opt, warmup_from_zero), ConstantLR(opt, 1.0, N - W - DECAY),
                                       LinearLR(opt, 1.0, 0.0, DECAY)], milestones=[W, N - DECAY]),
        ("warmup_stable_decay", {"num_decay_steps": DECAY, "decay_type": "linear"}),
        lambda opt: timm_scheduler.WSDLRScheduler(opt, t_initial=N - W, decay_t=DECAY, decay_fn="linear", warmup_t=W,
                                                  t_in_epochs=False)),
    "WSD, cosine cool-down": (
        lambda opt: SequentialLR(opt, [LambdaLR(opt, warmup_from_zero), ConstantLR(opt, 1.0, N - W - DECAY),
                                       CosineAnnealingLR(opt, T_max=DECAY)], milestones=[W, N - DECAY]),
        ("warmup_stable_decay", {"num_decay_steps": DECAY, "decay_type": "cosine"}),
        lambda opt: timm_scheduler.WSDLRScheduler(opt, t_initial=N - W, decay_t=DECAY, decay_fn="cosine", warmup_t=W,
                                                  t_in_epochs=False)),
    "WSD, 1-sqrt cool-down": (
        lambda opt: SequentialLR(opt, [LambdaLR(opt, warmup_from_zero), ConstantLR(opt, 1.0, N - W - DECAY),
                                       LambdaLR(opt, one_minus_sqrt)], milestones=[W, N - DECAY]),
        ("warmup_stable_decay", {"num_decay_steps": DECAY, "decay_type": "1-sqrt"}),
        lambda opt: timm_scheduler.WSDLRScheduler(opt, t_initial=N - W, decay_t=DECAY, decay_fn="1-sqrt", warmup_t=W,
                                                  t_in_epochs=False)),
}


@pytest.mark.parametrize("schedule", [schedule for schedule, row in ROWS.items() if row[1] is not None])
def test_hugging_face_matches_torch(schedule):
    make_torch, (name, kwargs), _ = ROWS[schedule]
    np.testing.assert_allclose(hf(name, **kwargs), step_torch(make_torch), rtol=0, atol=ATOL)


@pytest.mark.parametrize("schedule", [schedule for schedule, row in ROWS.items() if row[2] is not None])
def test_timm_stepped_per_update_matches_torch(schedule):
    make_torch, _, make_timm = ROWS[schedule]
    np.testing.assert_allclose(step_timm(make_timm), step_torch(make_torch), rtol=0, atol=ATOL)


@pytest.mark.parametrize("schedule", ["warm-up + cosine to a floor", "WSD, 1-sqrt cool-down"])
def test_the_course_closed_forms_match_the_libraries(schedule):
    t = np.arange(N)
    closed_form = {
        "warm-up + cosine to a floor": lc.formulas.warmup_cosine_lr(t, LR, W, N, min_lr=0.1 * LR),
        "WSD, 1-sqrt cool-down": lc.formulas.wsd_lr(t, LR, W, N - W - DECAY, DECAY, decay_shape="1-sqrt"),
    }[schedule]
    _, (name, kwargs), make_timm = ROWS[schedule]
    np.testing.assert_allclose(hf(name, **kwargs), closed_form, rtol=0, atol=ATOL)
    np.testing.assert_allclose(step_timm(make_timm), closed_form, rtol=0, atol=ATOL)


def test_timm_cycle_decay_halves_each_restart_peak_and_k_decay_warps_time():
    halving = step_timm(cosine(t_initial=10, cycle_mul=2, cycle_decay=0.5, cycle_limit=10))
    plain = step_torch(lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2))
    for cycle, start in enumerate([0, 10, 30, 70]):  # cycles of 10, 20, 40, 80 steps
        end = [10, 30, 70, N][cycle]
        np.testing.assert_allclose(halving[start:end], plain[start:end] * 0.5**cycle, rtol=0, atol=ATOL)
    warped = step_timm(cosine(t_initial=N, k_decay=2.0))
    expected = [LR * (1 + math.cos(math.pi * (step / N) ** 2)) / 2 for step in range(N)]
    np.testing.assert_allclose(warped, expected, rtol=0, atol=ATOL)


def test_hugging_face_warm_up_starts_at_zero_so_the_first_step_does_nothing():
    lrs = hf("linear")
    assert lrs[0] == 0.0 and lrs[W] == LR and lrs[W - 1] < LR
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    transformers.get_scheduler("linear", opt, num_warmup_steps=W, num_training_steps=N)
    before = [p.detach().clone() for p in model.parameters()]
    model(torch.ones(1, 3)).sum().backward()
    opt.step()
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), before))


def test_hugging_face_and_timm_inverse_sqrt_run_one_step_behind_vaswani():
    course = step_torch(lambda opt: lc.InverseSqrtLR(opt, warmup_steps=W))
    hugging_face = hf("inverse_sqrt")
    timm_lrs = step_timm(lambda opt: timm_scheduler.WSDLRScheduler(opt, stable_fn="rsqrt", warmup_t=W, t_initial=10 * N,
                                                                   decay_t=1, t_in_epochs=False))
    assert hugging_face[0] == 0.0 and course.argmax() == W - 1 and hugging_face.argmax() == W
    np.testing.assert_allclose(hugging_face[1:], course[:-1], rtol=1e-12)
    np.testing.assert_allclose(timm_lrs, hugging_face, rtol=0, atol=ATOL)


def test_timm_counts_epochs_by_default_so_step_update_does_nothing():
    stuck = step_timm(lambda opt: timm_scheduler.CosineLRScheduler(opt, t_initial=N - W, warmup_t=W,
                                                                   warmup_prefix=True))
    assert (stuck == 0.0).all()  # warmup_lr_init, the LR it sets when built, for ever
    opt = optimizer()
    scheduler = timm_scheduler.CosineLRScheduler(opt, t_initial=5, warmup_t=1, warmup_prefix=True)
    seen = []
    for epoch in range(6):
        for _ in range(10):
            seen.append(opt.param_groups[0]["lr"])
            opt.step()
        scheduler.step(epoch + 1)
    per_epoch = np.array(seen).reshape(6, 10)
    assert (per_epoch == per_epoch[:, :1]).all() and len(np.unique(per_epoch)) == 6


def test_timm_warm_up_overlaps_the_cosine_unless_it_is_a_prefix():
    overlapped = step_timm(cosine(t_initial=N, warmup_t=W))
    prefixed = step_timm(cosine(t_initial=N - W, warmup_t=W, warmup_prefix=True))
    assert overlapped.max() < LR and prefixed.max() == LR
    assert overlapped[W] == pytest.approx(LR * (1 + math.cos(math.pi * W / N)) / 2, rel=1e-12)


def test_past_the_end_each_library_answers_differently():
    steps = N + 40
    hf_cosine, hf_restarts = hf("cosine", steps), hf("cosine_with_restarts", steps)
    timm_lrs = step_timm(cosine(t_initial=N - W, warmup_t=W, warmup_prefix=True), steps)
    torch_lrs = step_torch(then(lambda opt: CosineAnnealingLR(opt, T_max=N - W)), steps)
    assert hf_cosine[-1] > hf_cosine[N - 1]  # the cosine goes on and climbs
    np.testing.assert_allclose(hf_cosine, torch_lrs, rtol=0, atol=ATOL)  # as torch's periodic cosine does
    assert (hf_restarts[N:] == 0).all() and (timm_lrs[N:] == 0).all()


def test_fastai_one_cycle_as_documented_against_torch_one_cycle():
    """fit_one_cycle(div=25, div_final=1e5, pct_start=0.25): two cosines, position t / N read before each batch."""
    fastai = []
    for step in range(N):
        pos = step / N
        if pos < 0.25:
            start, end, frac = LR / 25, LR, pos / 0.25
        else:
            start, end, frac = LR, LR / 1e5, (pos - 0.25) / 0.75
        fastai.append(start + (1 + math.cos(math.pi * (1 - frac))) * (end - start) / 2)
    fastai = np.array(fastai)
    torch_lrs = step_torch(lambda opt: OneCycleLR(opt, max_lr=LR, total_steps=N, pct_start=0.25, div_factor=25,
                                                  final_div_factor=1e5 / 25))
    assert torch_lrs.argmax() == N // 4 - 1 and fastai.argmax() == N // 4
    assert torch_lrs[0] == pytest.approx(fastai[0], rel=1e-12) == LR / 25
    assert torch_lrs[-1] == pytest.approx(LR / 1e5, rel=1e-9) and fastai[-1] > 10 * LR / 1e5
    gap = np.abs(torch_lrs - fastai).max()
    assert 0 < gap <= np.abs(np.diff(torch_lrs)).max()


def test_the_defaults_that_differ():
    import inspect

    def default(function, name):
        return inspect.signature(function).parameters[name].default

    assert default(PolynomialLR, "power") == 1.0 and default(PolynomialLR, "total_iters") == 5
    assert default(transformers.get_polynomial_decay_schedule_with_warmup, "lr_end") == 1e-7
    assert default(timm_scheduler.PolyLRScheduler, "power") == 0.5
    assert default(transformers.get_wsd_schedule, "decay_type") == "cosine"
    assert default(timm_scheduler.WSDLRScheduler, "decay_fn") == "1-sqrt"
    assert default(timm_scheduler.CosineLRScheduler, "t_in_epochs") is True


def test_lrcourse_does_not_import_the_libraries():
    """transformers and timm stay off lrcourse's import path: only lesson 15 and these tests use them."""
    import subprocess
    import sys

    code = ("import sys, lrcourse, lrcourse.finetuning, lrcourse.exercises; "
            "print(sorted(m for m in ('transformers', 'timm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
