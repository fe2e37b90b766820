"""simulate() against torch stepped by hand, the way the course teaches it."""
import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    StepLR,
)

import lrcourse as lc


def by_hand(make_scheduler, steps, lr, momentum=0.0, metrics=None):
    """The reference loop: record, optimizer.step(), scheduler.step() - on a real model."""
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for i in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        model(torch.ones(1, 3)).sum().backward()
        optimizer.step()
        scheduler.step(metrics[i]) if metrics is not None else scheduler.step()
    return np.array(lrs)


@pytest.mark.parametrize(
    "make",
    [
        lambda o: StepLR(o, step_size=30, gamma=0.1),
        lambda o: MultiStepLR(o, milestones=[30, 60, 80], gamma=0.5),
        lambda o: ExponentialLR(o, gamma=0.9),
        lambda o: CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2, eta_min=1e-5),
        lambda o: OneCycleLR(o, max_lr=0.1, total_steps=100),
        lambda o: CyclicLR(o, base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20),
        lambda o: LambdaLR(o, lambda epoch: 0.95**epoch),
    ],
)
def test_simulate_matches_a_real_model_stepped_by_hand(make):
    momentum = 0.9  # CyclicLR and OneCycleLR cycle momentum, so the real optimizer needs some
    tr = lc.simulate(make, 100, lr=0.001, optimizer="sgd_momentum")
    np.testing.assert_array_equal(tr.lr, by_hand(make, 100, 0.001, momentum=momentum))


def test_first_recorded_lr_is_the_starting_lr_and_milestones_land_on_time():
    tr = lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.001)
    assert tr.lr.shape == (100,)
    assert tr.lr[0] == 0.001 and tr.lr[29] == 0.001
    assert tr.lr[30] == pytest.approx(1e-4) and tr.lr[60] == pytest.approx(1e-5)
    assert tr.events["milestone"] == [30, 60, 90]
    assert tr.label == "StepLR(step_size=30, gamma=0.1)"
    assert tr.momentum is None  # plain SGD has no momentum


def test_groups_give_one_column_each():
    tr = lc.simulate(lambda o: StepLR(o, step_size=10, gamma=0.5), 30, groups=[0.01, 0.1])
    assert tr.lrs.shape == (30, 2)
    np.testing.assert_allclose(tr.lrs[:, 1], 10 * tr.lrs[:, 0])
    np.testing.assert_array_equal(tr.lr, tr.lrs[:, 0])


def test_momentum_and_adam_beta1_are_recorded():
    make = lambda o: OneCycleLR(o, max_lr=0.1, total_steps=50)  # noqa: E731 - a factory written as a learner writes it, inline
    sgd = lc.simulate(make, 50, optimizer="sgd_momentum")
    adam = lc.simulate(make, 50, optimizer="adam")
    assert sgd.momentum[0] == pytest.approx(0.95) and sgd.momentum.min() == pytest.approx(0.85)
    np.testing.assert_allclose(adam.momentum, sgd.momentum)
    assert lc.simulate(lambda o: StepLR(o, 5), 10, optimizer="adam").momentum[0] == 0.9


def test_custom_optimizer_callable():
    tr = lc.simulate(lambda o: StepLR(o, 2), 6, lr=0.5, optimizer=lambda params, lr: torch.optim.RMSprop(params, lr=lr))
    np.testing.assert_allclose(tr.lr, [0.5, 0.5, 0.05, 0.05, 0.005, 0.005])


def test_plateau_reads_metrics_from_a_sequence_or_a_callable():
    losses = [1.0] * 20
    make = lambda o: ReduceLROnPlateau(o, factor=0.1, patience=3)  # noqa: E731 - a factory written as a learner writes it, inline
    from_list = lc.simulate(make, 20, metrics=losses)
    from_callable = lc.simulate(make, 20, metrics=lambda step: 1.0)
    np.testing.assert_array_equal(from_list.lr, from_callable.lr)
    np.testing.assert_array_equal(from_list.lr, by_hand(make, 20, 0.1, metrics=losses))
    # best is set at step 0; steps 1-4 are bad epochs, so the cut comes after the 5th metric
    assert from_list.lr[4] == 0.1 and from_list.lr[5] == pytest.approx(0.01)
    assert from_list.events["reduction"][0] == 5


def test_warm_restarts_are_marked_where_they_fall():
    tr = lc.simulate(lambda o: CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2, eta_min=1e-5), 200)
    assert tr.events["restart"] == [20, 60, 140]
    assert all(tr.lr[i] == 0.1 for i in tr.events["restart"])
    # a run that ends just as a cycle does has no restart inside it, and plots
    ending = lc.simulate(lambda o: CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2), 60)
    assert ending.events["restart"] == [20]
    ending.plot()
    # a 1-step first cycle restarts at step 1, at the LR step 0 had: torch's T_cur is 0 at both steps
    short_first_cycle = lc.simulate(lambda o: CosineAnnealingWarmRestarts(o, T_0=1, T_mult=3), 50)
    assert short_first_cycle.events["restart"] == [1, 4, 13, 40]


def test_restart_events_are_where_the_lr_jumps_back_up():
    for T_0, T_mult in [(20, 2), (7, 1), (3, 3)]:
        tr = lc.simulate(lambda o: CosineAnnealingWarmRestarts(o, T_0=T_0, T_mult=T_mult), 300)
        assert tr.events["restart"] == [i for i in range(1, 300) if tr.lr[i] > tr.lr[i - 1]]


def test_drops_rises_and_first_drop():
    lrs = [0.1, 0.1, 0.05, 0.05, 0.2, 0.01]
    assert lc.simulation.drops(lrs) == [2, 5]
    assert lc.simulation.rises(lrs) == [4]
    assert lc.simulation.first_drop(lrs) == 2 == lc.Trace.from_lrs(lrs, "x").first_drop()
    assert lc.simulation.first_drop(np.array(lrs)[3:]) == 2  # counted from the start of what it is given
    with pytest.raises(ValueError, match="lrs never drops"):
        lc.simulation.first_drop([0.1, 0.1, 0.2])


def test_trace_from_lrs_recorded_by_hand():
    tr = lc.Trace.from_lrs([0.1, 0.1, 0.01, 0.01], "by hand", mark_drops=True)
    assert tr.lrs.shape == (4, 1) and tr.lrs.dtype == np.float64
    assert tr.label == "by hand" and tr.momentum is None
    assert tr.events == {"milestone": [2]}
    assert lc.Trace.from_lrs([0.1, 0.01], "plain").events == {}
    two_groups = lc.Trace.from_lrs(np.array([[0.1, 1.0], [0.05, 0.5]]), "groups")
    np.testing.assert_array_equal(two_groups.lrs[:, 1], [1.0, 0.5])
    simulated = lc.simulate(lambda o: StepLR(o, step_size=3, gamma=0.5), 10)
    assert lc.Trace.from_lrs(simulated.lr, simulated.label, mark_drops=True) == simulated


@pytest.mark.parametrize("lrs, label, kwargs, error, message", [
    ([], "x", {}, ValueError, "lrs must hold one LR per step"),
    (np.zeros((2, 2, 2)), "x", {}, ValueError, "lrs must hold one LR per step"),
    ([0.1], 3, {}, TypeError, "label must be a str"),
    ([0.1], "x", {"mark_drops": "yes"}, TypeError, "mark_drops must be True or False"),
])
def test_trace_from_lrs_rejects_bad_input(lrs, label, kwargs, error, message):
    with pytest.raises(error, match=message):
        lc.Trace.from_lrs(lrs, label, **kwargs)


def test_traces_compare_by_value():
    make = lambda o: CosineAnnealingWarmRestarts(o, T_0=5)  # noqa: E731 - a factory written as a learner writes it, inline
    a = lc.simulate(make, 20, optimizer="sgd_momentum")
    b = lc.simulate(make, 20, optimizer="sgd_momentum")
    assert a == b and not (a != b)
    assert a != lc.simulate(make, 21, optimizer="sgd_momentum")  # another length
    assert a != lc.simulate(make, 20, optimizer="sgd_momentum", label="other")
    assert a != lc.simulate(make, 20)  # no momentum
    assert a != lc.simulate(make, 20, optimizer="sgd_momentum", lr=0.2)
    changed = lc.simulate(make, 20, optimizer="sgd_momentum")
    changed.events = {}
    assert a != changed
    assert (a == "a trace") is False
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


def test_multistep_label_lists_its_milestones():
    tr = lc.simulate(lambda o: MultiStepLR(o, milestones=[30, 60, 80], gamma=0.5), 5)
    assert tr.label == "MultiStepLR(milestones=[30, 60, 80], gamma=0.5)"


def test_correct_use_emits_no_warnings(recwarn):
    lc.simulate(lambda o: StepLR(o, 30), 100)
    lc.simulate(lambda o: ReduceLROnPlateau(o), 10, metrics=range(10))
    assert not recwarn.list


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"steps": 0}, ValueError, "steps must be a positive int"),
        ({"steps": 2.5}, TypeError, "steps must be a positive int"),
        ({"steps": True}, TypeError, "steps must be a positive int"),
        ({"lr": -0.1}, ValueError, "lr must be >= 0"),
        ({"optimizer": "adamw"}, ValueError, "optimizer must be one of 'sgd', 'sgd_momentum', 'adam'"),
        ({"optimizer": 3}, TypeError, "optimizer must be one of"),
        ({"optimizer": lambda p, lr: "nope"}, TypeError, "optimizer must return a torch.optim.Optimizer"),
        ({"groups": []}, TypeError, "groups must be a non-empty list"),
        ({"groups": [0.1, -1]}, ValueError, r"groups\[1\] must be >= 0"),
        ({"metrics": [1.0] * 10}, ValueError, "metrics is only read by ReduceLROnPlateau"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, message):
    args = {"make_scheduler": lambda o: StepLR(o, 30), "steps": 10} | kwargs
    with pytest.raises(error, match=message):
        lc.simulate(args.pop("make_scheduler"), args.pop("steps"), **args)


def test_make_scheduler_must_be_callable_and_return_a_scheduler():
    with pytest.raises(TypeError, match="make_scheduler must be a callable"):
        lc.simulate(StepLR(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), 3), 10)
    with pytest.raises(TypeError, match="make_scheduler must return a torch.optim.lr_scheduler scheduler"):
        lc.simulate(lambda opt: opt, 10)


def test_plateau_needs_enough_metrics():
    make = lambda o: ReduceLROnPlateau(o)  # noqa: E731 - a factory written as a learner writes it, inline
    with pytest.raises(ValueError, match="metrics is required for ReduceLROnPlateau"):
        lc.simulate(make, 10)
    with pytest.raises(ValueError, match="metrics must hold at least steps=10 values"):
        lc.simulate(make, 10, metrics=[1.0] * 9)
    with pytest.raises(TypeError, match="metrics must be a sequence of floats or a callable"):
        lc.simulate(make, 10, metrics=5)


def test_one_cycle_over_its_total_steps_explains_what_total_steps_counts():
    with pytest.raises(ValueError, match=r"total_steps counts every scheduler.step\(\) call"):
        lc.simulate(lambda o: OneCycleLR(o, max_lr=0.1, steps_per_epoch=10, epochs=10), 101)
    assert lc.simulate(lambda o: OneCycleLR(o, max_lr=0.1, steps_per_epoch=10, epochs=10), 100).steps == 100


def test_trace_repr_and_label_override():
    tr = lc.simulate(lambda o: ExponentialLR(o, gamma=0.9), 5, label="decay")
    assert tr.label == "decay"
    assert repr(tr) == "Trace(decay, steps=5, lr[0]=0.1, lr[-1]=0.06561)"
