"""lrcourse.averaging: the custom scheduler, the scheduler checker, and training with averaged weights."""
import functools

import numpy as np
import pytest
import schedulefree
import torch
from torch.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LRScheduler,
    SequentialLR,
    StepLR,
)
from torch.optim.swa_utils import SWALR

import lrcourse as lc
from lrcourse import averaging as A, formulas as F
from lrcourse.simulation import simulate

TINY = dict(epochs=2, seeds=(0,))


@pytest.fixture(scope="module")
def small_data():
    """The digits loaders, built once for the whole module."""
    train, val = lc.data.digits(batch_size=64, seed=0)
    return train, val


def sgd(lr=0.1):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


# --- InverseSqrtLR ---------------------------------------------------------------------------------

def test_inverse_sqrt_lr_follows_its_closed_form_and_peaks_at_the_end_of_the_warm_up():
    trace = simulate(lambda opt: A.InverseSqrtLR(opt, warmup_steps=20), 500, lr=0.3)
    np.testing.assert_allclose(trace.lr, F.inverse_sqrt_lr(np.arange(500), 0.3, 20), rtol=1e-9)
    assert trace.lr.argmax() == 19 and trace.lr.max() == pytest.approx(0.3)


def test_inverse_sqrt_lr_chains_and_hands_over_in_sequential_lr():
    t = np.arange(200)
    chained = simulate(lambda opt: ChainedScheduler([A.InverseSqrtLR(opt, 10), ExponentialLR(opt, gamma=0.99)]), 200)
    np.testing.assert_allclose(chained.lr, F.inverse_sqrt_lr(t, 0.1, 10) * 0.99**t, rtol=1e-9)
    seq = simulate(lambda opt: SequentialLR(opt, [ConstantLR(opt, factor=0.5, total_iters=7), A.InverseSqrtLR(opt, 10)],
                                            milestones=[7]), 200)
    pieces = [functools.partial(F.constant_lr, base_lr=0.1, factor=0.5, total_iters=7),
              functools.partial(F.inverse_sqrt_lr, base_lr=0.1, warmup_steps=10)]
    np.testing.assert_allclose(seq.lr, F.sequential(t, pieces, [7]), rtol=1e-9)


def test_inverse_sqrt_lr_keeps_a_manual_edit_and_treats_each_group_apart():
    opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1},
                           {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.02}])
    sched = A.InverseSqrtLR(opt, warmup_steps=5)
    for _ in range(9):
        opt.step()
        sched.step()
    expected = [F.inverse_sqrt_lr(9, 0.1, 5), F.inverse_sqrt_lr(9, 0.02, 5)]
    assert [g["lr"] for g in opt.param_groups] == pytest.approx(expected)
    assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]


@pytest.mark.parametrize("bad, error", [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_inverse_sqrt_lr_rejects_a_bad_warmup(bad, error):
    with pytest.raises(error, match="warmup_steps must be a positive int"):
        A.InverseSqrtLR(sgd(), warmup_steps=bad)


# --- check_scheduler -------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda opt: StepLR(opt, step_size=7, gamma=0.5),
    lambda opt: CosineAnnealingLR(opt, T_max=100),  # within T_max: past it torch adds the closed-form increment
    lambda opt: A.InverseSqrtLR(opt, warmup_steps=10),
], ids=["StepLR", "CosineAnnealingLR", "InverseSqrtLR"])
def test_check_scheduler_passes_torch_schedulers_and_ours(make):
    assert "right over 60 steps" in A.check_scheduler(make, steps=60)


def test_check_scheduler_compares_with_a_closed_form():
    good = functools.partial(F.inverse_sqrt_lr, base_lr=0.1, warmup_steps=10)
    A.check_scheduler(lambda opt: A.InverseSqrtLR(opt, 10), steps=50, closed_form=good)
    wrong = functools.partial(F.inverse_sqrt_lr, base_lr=0.1, warmup_steps=11)
    with pytest.raises(ValueError, match="at step 0, the closed form"):
        A.check_scheduler(lambda opt: A.InverseSqrtLR(opt, 10), steps=50, closed_form=wrong)


class ClosedFormInGetLR(A.InverseSqrtLR):
    def get_lr(self):
        return self._get_closed_form_lr()


class OverridesStep(LRScheduler):
    def step(self, epoch=None):
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = base * 0.9**self.last_epoch


class HoldsALambda(LRScheduler):
    def __init__(self, optimizer, fn):
        self.fn = fn
        super().__init__(optimizer)

    def get_lr(self):
        return [g["lr"] * (self.fn(self.last_epoch) / self.fn(self.last_epoch - 1) if self.last_epoch else 1.0)
                for g in self.optimizer.param_groups]


class ForgetsItsPlace(A.InverseSqrtLR):
    """Chainable, but its state_dict leaves out last_epoch: a resume restarts the warm-up."""

    def state_dict(self):
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "last_epoch", "_step_count")}


@pytest.mark.parametrize("make, message", [
    (lambda opt: ClosedFormInGetLR(opt, 10), "is not chainable: after the LR was halved by hand at step 25"),
    (lambda opt: OverridesStep(opt), r"get_last_lr\(\) failed after step 0"),
    (lambda opt: HoldsALambda(opt, lambda t: 0.9**t), r"cannot be saved .* holds the callables \['fn'\]"),
    (lambda opt: ForgetsItsPlace(opt, 10), "does not resume exactly"),
], ids=["closed-form-get_lr", "overrides-step", "holds-a-lambda", "forgets-last_epoch"])
def test_check_scheduler_names_each_classic_mistake(make, message):
    with pytest.raises(ValueError, match=message):
        A.check_scheduler(make, steps=50)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(make_scheduler=None), TypeError, "make_scheduler must be a callable"),
    (dict(make_scheduler=lambda opt: 3), TypeError, "make_scheduler must return a torch.optim.lr_scheduler scheduler"),
    (dict(steps=1), ValueError, "steps must be >= 2"),
    (dict(steps=0), ValueError, "steps must be a positive int"),
    (dict(lr=0.0), ValueError, "lr must be > 0"),
    (dict(edit_at=100), ValueError, r"edit_at must be < steps \(100\)"),
    (dict(closed_form=0.1), TypeError, "closed_form must be a callable"),
])
def test_check_scheduler_rejects_bad_input(kwargs, error, message):
    kwargs = dict(dict(make_scheduler=lambda opt: StepLR(opt, 5)), **kwargs)
    with pytest.raises(error, match=message):
        A.check_scheduler(**kwargs)


# --- fit_averaged and the comparisons ------------------------------------------------------------

def test_fit_averaged_reads_three_models_off_one_run_and_repeats_exactly(small_data):
    def run():
        model = lc.models.mlp(seed=3)
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        return A.fit_averaged(model, opt, StepLR(opt, 1, 0.5), data=small_data, epochs=3, seed=3,
                              swa_start=1, swa_scheduler=SWALR(opt, swa_lr=0.02, anneal_epochs=1), ema_decay=0.9)
    first, second = run(), run()
    assert list(first) == ["final", "SWA", "EMA"]
    assert all(first[k] == second[k] for k in first)
    steps = len(small_data[0])
    # StepLR halves 0.05 after epoch 0; SWALR takes over from 0.025 after epoch 1 and reaches 0.02 in one step.
    assert first["final"].lr[[0, steps, 2 * steps]] == pytest.approx([0.05, 0.025, 0.02])
    # Before swa_start the SWA model is the live one; after it, the average differs.
    assert first["SWA"].val_loss[0] == first["final"].val_loss[0]
    assert first["SWA"].val_loss[2] != first["final"].val_loss[2]


def test_fit_averaged_recomputes_batch_norm_statistics_of_the_average(small_data):
    model = A.mlp_bn(seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    runs = A.fit_averaged(model, opt, data=small_data, epochs=2, swa_start=0)
    assert np.all(np.isfinite(runs["SWA"].val_loss))


def test_fit_averaged_puts_a_schedule_free_optimizer_in_eval_mode_to_evaluate(small_data):
    model = lc.models.mlp(seed=0)
    opt = schedulefree.AdamWScheduleFree(model.parameters(), lr=0.01, warmup_steps=10)
    history = A.fit_averaged(model, opt, data=small_data, epochs=2)["final"]
    assert not opt.param_groups[0]["train_mode"]  # left in eval mode: the weights are the average x
    assert history.val_loss[-1] == pytest.approx(lc.evaluate(model, small_data[1])[0], rel=1e-12)
    # The recorded LR includes the optimizer's own warm-up.
    assert history.lr[:3] == pytest.approx([0.001, 0.002, 0.003]) and history.lr[-1] == 0.01
    assert A.is_schedule_free(opt) and not A.is_schedule_free(torch.optim.AdamW(model.parameters()))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(model="net"), TypeError, "model must be a torch.nn.Module"),
    (dict(epochs=0), ValueError, "epochs must be a positive int"),
    (dict(swa_start=2), ValueError, r"swa_start must be < epochs \(2\)"),
    (dict(swa_start=-1), ValueError, "swa_start must be an int >= 0"),
    (dict(ema_decay=1.0), ValueError, "ema_decay must lie strictly between 0.0 and 1.0"),
    (dict(step_per="step"), ValueError, "step_per must be one of 'epoch', 'batch'"),
    (dict(scheduler="cosine"), TypeError, "scheduler must be a torch.optim.lr_scheduler scheduler"),
    (dict(data=[1]), TypeError, "data must be a pair"),
])
def test_fit_averaged_rejects_bad_input_naming_the_argument(small_data, kwargs, error, message):
    model = lc.models.mlp()
    args = dict(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), data=small_data, epochs=2)
    with pytest.raises(error, match=message):
        A.fit_averaged(**(args | kwargs))


def test_fit_averaged_refuses_mismatched_objects(small_data):
    model = lc.models.mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler was built on a different optimizer"):
        A.fit_averaged(model, opt, StepLR(sgd(), 2), data=small_data, epochs=2)
    with pytest.raises(ValueError, match="swa_scheduler is given without swa_start"):
        A.fit_averaged(model, opt, swa_scheduler=SWALR(opt, swa_lr=0.05), data=small_data, epochs=2)
    free = schedulefree.SGDScheduleFree(model.parameters(), lr=1.0)
    with pytest.raises(ValueError, match="a schedule-free optimizer takes no scheduler"):
        A.fit_averaged(model, free, StepLR(free, 2), data=small_data, epochs=2)


def test_compare_averages_and_schedule_free_merge_with_compare(small_data):
    averaged = A.compare_averages(swa_start=1, ema_decay=0.9, label="constant", data=small_data, **TINY)
    free = A.compare_schedule_free({"sf": functools.partial(schedulefree.SGDScheduleFree, lr=1.0)}, lr=0.5,
                                   data=small_data, **TINY)
    plain = lc.compare({"constant": None}, data=small_data, **TINY)
    merged = A.merge(averaged, free, plain)
    assert merged.names == ["constant: final", "constant: SWA", "constant: EMA", "sf", "constant"]
    assert merged.lr["sf"] == 0.5 and merged.step_per["sf"] == "batch"
    # The same seed, model and data: the averaged run's final weights are the plain constant run's.
    assert merged.histories["constant: final"][0].val_loss.tolist() == merged.histories["constant"][0].val_loss.tolist()
    assert list(merged.leaderboard.index) and len(merged.runs) == 5


def test_merge_and_compare_helpers_reject_unfair_or_bad_input(small_data):
    one = lc.compare({"a": None}, data=small_data, **TINY)
    with pytest.raises(ValueError, match="must share seeds and epochs"):
        A.merge(one, lc.compare({"b": None}, data=small_data, epochs=1, seeds=(0,)))
    with pytest.raises(ValueError, match=r"must not repeat a name, got \['a'\]"):
        A.merge(one, one)
    with pytest.raises(TypeError, match="comparisons must be one or more"):
        A.merge(one, "two")
    with pytest.raises(TypeError, match="built SGD, not a schedule-free optimizer"):
        A.compare_schedule_free({"sgd": torch.optim.SGD}, lr=0.1, data=small_data, **TINY)
    message = r"lr as a dict must name every one of \[.sf.\] and no other: missing \[.sf.\], unknown \[.other.\]"
    with pytest.raises(ValueError, match=message):
        A.compare_schedule_free({"sf": schedulefree.SGDScheduleFree}, lr={"other": 1.0}, data=small_data, **TINY)
    with pytest.raises(TypeError, match="label must be a string"):
        A.compare_averages(label=3, data=small_data, **TINY)
    with pytest.raises(TypeError, match="scheduler must be a callable"):
        A.compare_averages(scheduler="cosine", data=small_data, **TINY)


def test_mlp_bn_is_seeded_and_typed():
    assert torch.equal(A.mlp_bn(seed=2)[1].weight, A.mlp_bn(seed=2)[1].weight)
    assert A.mlp_bn()[1].weight.dtype == torch.float64
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        A.mlp_bn(hidden=0)
