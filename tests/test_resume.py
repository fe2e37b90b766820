"""Resuming from a checkpoint continues exactly as the uninterrupted run would have."""
import functools

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as sched

from lrcourse import data, models
from lrcourse.training import fit

N, K = 4, 2  # train N epochs straight, or K epochs, then resume to N
BATCH = 256  # 6 steps per epoch: per-batch schedules still change the LR 24 times


class Decay:
    """A picklable LambdaLR schedule: its attributes are saved, its class is found by name."""

    def __init__(self, gamma):
        self.gamma = gamma

    def __call__(self, epoch):
        return self.gamma**epoch


def linear_warmup(epoch):
    return min(1.0, (epoch + 1) / 3)


def warmup_over(epoch, length):
    return min(1.0, (epoch + 1) / length)


@pytest.fixture(scope="module")
def digits():
    return data.digits(batch_size=BATCH)


def steps_per_epoch():
    return len(data.digits(batch_size=BATCH)[0])


# name -> (build the scheduler on an optimizer, step_per)
SCHEDULERS = {
    "StepLR": (lambda o: sched.StepLR(o, step_size=1, gamma=0.5), "epoch"),
    "MultiStepLR": (lambda o: sched.MultiStepLR(o, milestones=[1, 3], gamma=0.3), "epoch"),
    "ExponentialLR": (lambda o: sched.ExponentialLR(o, gamma=0.8), "epoch"),
    "CosineAnnealingLR": (lambda o: sched.CosineAnnealingLR(o, T_max=N), "epoch"),
    "CosineAnnealingWarmRestarts": (lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=1, T_mult=2), "epoch"),
    "OneCycleLR": (lambda o: sched.OneCycleLR(o, max_lr=0.2, total_steps=N * steps_per_epoch()), "batch"),
    "CyclicLR": (lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.2, step_size_up=7), "batch"),
    # An improvement of 1.0 in validation loss is out of reach, so the LR drops after every epoch but the first.
    "ReduceLROnPlateau": (
        lambda o: sched.ReduceLROnPlateau(o, patience=0, threshold=1.0, threshold_mode="abs"),
        "epoch",
    ),
    "LinearLR": (lambda o: sched.LinearLR(o, start_factor=0.2, total_iters=3), "epoch"),
    "SequentialLR": (
        lambda o: sched.SequentialLR(
            o,
            [sched.LinearLR(o, start_factor=0.1, total_iters=2), sched.CosineAnnealingLR(o, T_max=N - 2)],
            milestones=[2],
        ),
        "epoch",
    ),
    "LambdaLR(callable object)": (lambda o: sched.LambdaLR(o, Decay(0.7)), "epoch"),
    "LambdaLR(module-level function)": (lambda o: sched.LambdaLR(o, linear_warmup), "batch"),
    "LambdaLR(functools.partial)": (lambda o: sched.LambdaLR(o, functools.partial(warmup_over, length=9)), "batch"),
}


def fresh(make_scheduler):
    model = models.mlp(hidden=32)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return model, opt, make_scheduler(opt)


@pytest.mark.parametrize("name", SCHEDULERS)
def test_resume_is_bit_identical(name, digits, tmp_path):
    make_scheduler, step_per = SCHEDULERS[name]
    run = dict(data=digits, step_per=step_per, progress=False)

    model, opt, scheduler = fresh(make_scheduler)
    straight = fit(model, opt, scheduler, epochs=N, **run)

    ckpt = tmp_path / "run.pt"
    first_model, first_opt, first_scheduler = fresh(make_scheduler)
    fit(first_model, first_opt, first_scheduler, epochs=K, checkpoint_path=ckpt, **run)
    resumed_model, resumed_opt, resumed_scheduler = fresh(make_scheduler)
    resumed = fit(resumed_model, resumed_opt, resumed_scheduler, epochs=N, resume_from=ckpt, **run)

    assert len(np.unique(straight.lr)) > 1, "a schedule that never changes the LR would prove nothing"
    np.testing.assert_array_equal(resumed.lr, straight.lr)
    assert resumed == straight  # the History continues too: losses and accuracies of every epoch
    for a, b in zip(resumed_model.parameters(), model.parameters()):
        assert torch.equal(a, b)
    assert resumed_opt.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]  # no temporary files left behind


def test_a_resume_that_loads_nothing_is_caught(digits, tmp_path):
    """The test above can fail: resuming into objects that skip the checkpoint gives a different run."""
    make_scheduler, _ = SCHEDULERS["StepLR"]
    model, opt, scheduler = fresh(make_scheduler)
    straight = fit(model, opt, scheduler, data=digits, epochs=N, progress=False)
    model, opt, scheduler = fresh(make_scheduler)
    fit(model, opt, scheduler, data=digits, epochs=K, progress=False)
    model, opt, scheduler = fresh(make_scheduler)  # "resumed" by hand, without the checkpoint
    restarted = fit(model, opt, scheduler, data=digits, epochs=N - K, progress=False)
    assert not np.array_equal(restarted.lr, straight.lr[-len(restarted.lr) :])


def closure_schedule(gamma):
    return lambda epoch: gamma**epoch


class HoldsALambda:
    def __init__(self):
        self.rule = lambda epoch: 1.0

    def __call__(self, epoch):
        return self.rule(epoch)


@pytest.mark.parametrize(
    "lr_lambda",
    [lambda epoch: 0.9**epoch, closure_schedule(0.9), HoldsALambda()],
    ids=["lambda", "closure", "attribute"],
)
def test_unsaveable_lambda_explains_the_fix(lr_lambda, digits, tmp_path):
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, lr_lambda))
    with pytest.raises(TypeError, match="cannot be saved in a checkpoint .*module-level function.*callable class"):
        fit(model, opt, scheduler, data=digits, epochs=1, checkpoint_path=tmp_path / "run.pt", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_plain_lambda_is_fine_without_checkpoints(digits):
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, lambda epoch: 0.5**epoch))
    history = fit(model, opt, scheduler, data=digits, epochs=2, progress=False)
    assert history.lr[-1] == 0.05


@pytest.fixture
def checkpoint(digits, tmp_path):
    model, opt, scheduler = fresh(SCHEDULERS["StepLR"][0])
    fit(model, opt, scheduler, data=digits, epochs=K, checkpoint_path=tmp_path / "run.pt", progress=False)
    return tmp_path / "run.pt"


def test_resume_continues_the_history_in_the_same_file(digits, checkpoint):
    model, opt, scheduler = fresh(SCHEDULERS["StepLR"][0])
    history = fit(
        model, opt, scheduler, data=digits, epochs=K + 1, resume_from=checkpoint, checkpoint_path=checkpoint,
        progress=False,
    )
    assert history.epochs == K + 1
    model, opt, scheduler = fresh(SCHEDULERS["StepLR"][0])
    assert fit(model, opt, scheduler, data=digits, epochs=K + 2, resume_from=checkpoint, progress=False).epochs == K + 2


def _resume(digits, checkpoint, model=None, opt=None, scheduler=None, **overrides):
    default_model, default_opt, default_scheduler = fresh(SCHEDULERS["StepLR"][0])
    if model is None:
        model = default_model
    if opt is None:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    if scheduler is None:
        scheduler = sched.StepLR(opt, step_size=1, gamma=0.5)
    kwargs = dict(data=digits, epochs=N, resume_from=checkpoint, progress=False) | overrides
    return fit(model, opt, scheduler, **kwargs)


def test_resume_names_the_part_that_does_not_match(digits, checkpoint):
    shapes = r"1\.bias: checkpoint \(32,\), model \(16,\); 1\.weight: checkpoint \(32, 64\), model \(16, 64\)"
    with pytest.raises(ValueError, match="model shapes differ for " + shapes):
        _resume(digits, checkpoint, model=models.mlp(hidden=16))
    with pytest.raises(ValueError, match="model keys not in the checkpoint"):
        _resume(digits, checkpoint, model=models.small_cnn())
    model = models.mlp(hidden=32)
    adam = torch.optim.Adam(model.parameters())
    with pytest.raises(ValueError, match="optimizer class: checkpoint has SGD, got Adam"):
        _resume(digits, checkpoint, model=model, opt=adam, scheduler=sched.StepLR(adam, 1))
    model = models.mlp(hidden=32)
    groups = torch.optim.SGD([{"params": model[1].parameters()}, {"params": model[3].parameters()}], lr=0.1)
    with pytest.raises(ValueError, match=r"param groups: checkpoint has parameters per group \[4\], got \[2, 2\]"):
        _resume(digits, checkpoint, model=model, opt=groups, scheduler=sched.StepLR(groups, 1))
    model = models.mlp(hidden=32)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler class: checkpoint has StepLR, got ExponentialLR"):
        _resume(digits, checkpoint, model=model, opt=opt, scheduler=sched.ExponentialLR(opt, 0.9))
    with pytest.raises(ValueError, match="seed=0 there, seed=1 here"):
        _resume(digits, checkpoint, seed=1)
    with pytest.raises(ValueError, match="step_per='epoch' there, step_per='batch' here"):
        _resume(digits, checkpoint, step_per="batch")
    with pytest.raises(ValueError, match="batches_per_epoch=6 there, batches_per_epoch=12 here"):
        _resume(digits, checkpoint, data=data.digits(batch_size=128))


def test_a_failed_resume_leaves_the_model_untouched(digits, checkpoint):
    model = models.mlp(hidden=32)
    before = [p.detach().clone() for p in model.parameters()]
    adam = torch.optim.Adam(model.parameters())
    with pytest.raises(ValueError, match="optimizer class"):
        _resume(digits, checkpoint, model=model, opt=adam, scheduler=sched.StepLR(adam, 1))
    with pytest.raises(ValueError, match="already holds"):
        _resume(digits, checkpoint, model=model, epochs=K)
    assert all(torch.equal(p, b) for p, b in zip(model.parameters(), before))


def test_resume_checks_the_lambda_it_was_written_with(digits, tmp_path):
    path = tmp_path / "run.pt"
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, linear_warmup))
    fit(model, opt, scheduler, data=digits, epochs=1, checkpoint_path=path, progress=False)
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, Decay(0.5)))
    names = r"checkpoint has \['[\w.]*linear_warmup'\], got \['[\w.]*Decay'\]"
    with pytest.raises(ValueError, match="scheduler lr_lambda: " + names):
        fit(model, opt, scheduler, data=digits, epochs=2, resume_from=path, progress=False)


def test_resume_checks_the_arguments_of_a_partial(digits, tmp_path):
    """LambdaLR's state does not hold a partial's arguments: the checkpoint names them, so a changed one is caught."""
    path = tmp_path / "run.pt"
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, functools.partial(warmup_over, length=3)))
    fit(model, opt, scheduler, data=digits, epochs=1, checkpoint_path=path, progress=False)
    model, opt, scheduler = fresh(lambda o: sched.LambdaLR(o, functools.partial(warmup_over, length=5)))
    with pytest.raises(ValueError, match=r"checkpoint has \['functools.partial\([\w.]*warmup_over, length=3\)'\], got"):
        fit(model, opt, scheduler, data=digits, epochs=2, resume_from=path, progress=False)


def test_resume_rejects_bad_files_and_epoch_counts(digits, checkpoint, tmp_path):
    with pytest.raises(FileNotFoundError, match="resume_from=.*no such file"):
        _resume(digits, tmp_path / "missing.pt")
    with pytest.raises(ValueError, match=f"is the total number of epochs, and resume_from already holds {K}"):
        _resume(digits, checkpoint, epochs=K)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a checkpoint written by lrcourse.fit"):
        _resume(digits, junk)
    torch.save({"model": {}}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a checkpoint written by lrcourse.fit"):
        _resume(digits, tmp_path / "other.pt")
