"""Fine-tuning helpers (lrcourse.finetuning) and the digits split by class that lesson 15 fine-tunes on."""
import functools

import numpy as np
import pytest
import torch
from torch import nn

import lrcourse as lc
from lrcourse import data, finetuning

# --- the digits, a subset of the classes --------------------------------------------------------

def test_classes_keeps_only_those_digits_with_their_own_labels():
    train, val = data.digits(classes=(5, 6, 7, 8, 9))
    for loader in (train, val):
        labels = loader.dataset.tensors[1]
        assert set(labels.tolist()) == {5, 6, 7, 8, 9}
    everything = data.digits()[0].dataset.tensors[1]
    kept = len(train.dataset) + len(val.dataset)
    assert kept == sum(int((data._digits_arrays()[1] == digit).sum()) for digit in range(5, 10))
    assert len(everything) > len(train.dataset)


def test_classes_split_is_stratified_and_standardised_on_the_kept_images_alone():
    train, val = data.digits(classes=range(5), val_fraction=0.2)
    counts = np.bincount(val.dataset.tensors[1].numpy(), minlength=5)[:5]
    assert counts.min() > 0 and counts.max() - counts.min() <= 2  # each digit held out in the same share
    x = train.dataset.tensors[0]
    spread = x.std(dim=0)
    assert torch.allclose(x.mean(dim=0), torch.zeros(64, dtype=x.dtype), atol=1e-12)
    assert torch.allclose(spread[spread > 0.5], torch.ones_like(spread[spread > 0.5]), atol=1e-2)


def test_classes_none_is_all_ten_digits_as_before():
    a, b = data.digits()[0].dataset.tensors, data.digits(classes=None)[0].dataset.tensors
    assert all(torch.equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("bad, error", [((5,), ValueError), ((3, 3), ValueError), ((0, 10), ValueError),
                                        ((-1, 2), ValueError), ("56", TypeError), (5, TypeError),
                                        ((1.5, 2), TypeError), ((True, 2), TypeError)])
def test_bad_classes_are_rejected_by_name(bad, error):
    with pytest.raises(error, match="classes"):
        data.digits(classes=bad)


# --- layers, groups, heads ---------------------------------------------------------------------

def test_layers_are_the_children_with_parameters_in_order():
    assert [name for name, _ in finetuning.layers(lc.models.mlp())] == ["1", "3"]
    names = [name for name, _ in finetuning.layers(lc.models.small_cnn())]
    assert names == ["1", "4", "8"]
    with pytest.raises(ValueError, match="model"):
        finetuning.layers(nn.Sequential(nn.ReLU()))
    with pytest.raises(TypeError, match="model"):
        finetuning.layers("mlp")


def test_decays_is_true_for_weight_matrices_and_kernels_only():
    conv, norm, linear = nn.Conv2d(1, 2, 3), nn.BatchNorm1d(4), nn.Linear(3, 2)
    assert finetuning.decays(conv.weight) and finetuning.decays(linear.weight)
    assert not any(finetuning.decays(p) for p in (conv.bias, norm.weight, norm.bias, linear.bias))


def test_param_groups_decay_the_lr_layer_by_layer_from_the_head_down():
    model = lc.models.small_cnn()
    groups = finetuning.param_groups(model, lr=0.1, weight_decay=0.05, layer_decay=0.5)
    lrs = {g["name"]: g["lr"] for g in groups}
    assert lrs == pytest.approx({"1 weights": 0.025, "1 biases": 0.025, "4 weights": 0.05, "4 biases": 0.05,
                                 "8 weights": 0.1, "8 biases": 0.1})
    decay = {g["name"]: g["weight_decay"] for g in groups}
    assert all(decay[name] == (0.05 if name.endswith("weights") else 0.0) for name in decay)
    grouped = [p for g in groups for p in g["params"]]
    assert len(grouped) == len(list(model.parameters())) and len({id(p) for p in grouped}) == len(grouped)


def test_param_groups_freeze_the_lowest_layers():
    model = lc.models.small_cnn()
    groups = finetuning.param_groups(model, lr=0.1, frozen=2)
    assert [g["name"] for g in groups] == ["8 weights", "8 biases"]
    assert [p.requires_grad for p in model.parameters()] == [False] * 4 + [True] * 2
    with pytest.raises(ValueError, match="frozen"):
        finetuning.param_groups(lc.models.mlp(), lr=0.1, frozen=2)


@pytest.mark.parametrize("kwargs, error", [({"lr": 0}, ValueError), ({"lr": 0.1, "weight_decay": -1}, ValueError),
                                           ({"lr": 0.1, "layer_decay": 0}, ValueError),
                                           ({"lr": 0.1, "layer_decay": 1.5}, ValueError),
                                           ({"lr": 0.1, "frozen": -1}, ValueError),
                                           ({"lr": "0.1"}, TypeError)])
def test_param_groups_reject_bad_arguments_by_name(kwargs, error):
    name = next(k for k in kwargs if k != "lr") if len(kwargs) > 1 else "lr"
    with pytest.raises(error, match=name):
        finetuning.param_groups(lc.models.mlp(), **kwargs)


def test_a_scheduler_scales_every_group_from_its_own_base_lr():
    optimizer = torch.optim.AdamW(finetuning.param_groups(lc.models.mlp(), lr=0.01, layer_decay=0.2))
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
    for _ in range(7):
        optimizer.step()
        scheduler.step()
    body, head = optimizer.param_groups[0]["lr"], optimizer.param_groups[2]["lr"]
    assert body / head == pytest.approx(0.2, rel=1e-12)


def test_adamw_with_these_groups_decays_weights_and_leaves_biases():
    model = lc.models.mlp()
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = torch.optim.AdamW(finetuning.param_groups(model, lr=0.1, weight_decay=0.5))
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    optimizer.step()
    for name, p in model.named_parameters():
        factor = 0.95 if name.endswith("weight") else 1.0
        torch.testing.assert_close(p.detach(), before[name] * factor, rtol=1e-12, atol=0)


def test_with_new_head_redraws_only_the_head_and_leaves_the_model_alone():
    old = lc.models.mlp(seed=0)
    saved = {name: p.detach().clone() for name, p in old.named_parameters()}
    new = finetuning.with_new_head(old, seed=3)
    assert torch.equal(new[1].weight, old[1].weight) and new[1].weight is not old[1].weight
    assert not torch.equal(new[3].weight, old[3].weight) and new[3].weight.dtype == torch.float64
    assert torch.equal(new[3].weight, finetuning.with_new_head(old, seed=3)[3].weight)  # drawn from the seed
    assert all(torch.equal(p, saved[name]) for name, p in old.named_parameters())
    with pytest.raises(TypeError, match="head"):
        finetuning.with_new_head(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))


def test_compare_finetuning_runs_each_recipe_per_seed_from_the_same_start():
    task = data.digits(classes=(5, 6, 7, 8, 9))
    starts = []

    def start(seed):
        model = lc.models.mlp(seed=seed)
        starts.append(seed)
        return model

    def recipe(lr, model):
        return torch.optim.AdamW(finetuning.param_groups(model, lr, layer_decay=0.1))

    result = finetuning.compare_finetuning({"a": functools.partial(recipe, 0.01), "b": functools.partial(recipe, 0.03)},
                                           start=start, epochs=1, data=task, seeds=(0, 1))
    assert starts == [0, 1, 0, 1]
    assert result.leaderboard.loc["b", "lr"] == 0.03 and len(result.histories["a"]) == 2
    # the same recipe and seed, trained by hand with lc.fit, gives the same history
    model = lc.models.mlp(seed=1)
    history = lc.fit(model, recipe(0.01, model), data=task, epochs=1, step_per="batch", seed=1, progress=False)
    assert history == result.histories["a"][1]


def test_compare_finetuning_rejects_bad_arguments_by_name():
    task = data.digits(classes=(5, 6, 7, 8, 9))
    ok = {"a": lambda model: torch.optim.SGD(model.parameters(), lr=0.1)}
    with pytest.raises(TypeError, match="recipes"):
        finetuning.compare_finetuning({}, start=lc.models.mlp, epochs=1, data=task)
    with pytest.raises(TypeError, match="start"):
        finetuning.compare_finetuning(ok, start=None, epochs=1, data=task)
    with pytest.raises(TypeError, match="recipes"):
        finetuning.compare_finetuning({"a": lambda model: None}, start=lambda seed: lc.models.mlp(seed=seed),
                                      epochs=1, data=task, seeds=(0,))
    with pytest.raises(ValueError, match="epochs"):
        finetuning.compare_finetuning(ok, start=lambda seed: lc.models.mlp(seed=seed), epochs=0, data=task)
