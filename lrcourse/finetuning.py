r"""Fine-tuning: parameter groups with their own LR and weight decay, a fresh head, and fair comparisons.

Practitioners fine-tune a pre-trained network with three habits, all of them
parameter groups of one optimizer:

- **discriminative (layer-wise) LR decay**: the head, which starts from
  scratch, gets the full LR and each layer below it a factor less, so the
  pre-trained features move less (ULMFiT's discriminative fine-tuning; the
  layer-wise LR decay of BERT and ELECTRA fine-tuning recipes);
- **a frozen body**: the lowest layers get no group at all;
- **no weight decay on biases and norms**: decay pulls a weight matrix
  towards zero, which regularises it; pulling a bias or a norm's scale to
  zero only shifts or shrinks an activation, so they are left out.

A scheduler then scales every group from the group's own base LR, so the
ratios between layers hold for the whole run.
"""
from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Callable, Mapping

import torch
from torch import nn

from . import _checks
from .comparison import Comparison
from .models import seeded_cpu_rng
from .training import fit


def layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The model's top-level children that hold parameters, from input to output: ``[(name, module), ...]``.

    The last one is the head.  For ``lc.models.mlp()``: ``[("1", Linear(64, 64)), ("3", Linear(64, 10))]``.

    Example::

        >>> import lrcourse as lc
        >>> [name for name, _ in layers(lc.models.mlp())]
        ['1', '3']
    """
    model = _checks.torch_module("model", model)
    found = [(name, child) for name, child in model.named_children() if any(True for _ in child.parameters())]
    if not found:
        raise ValueError(f"model must have children that hold parameters (layers), got {type(model).__name__}")
    return found


def decays(param: torch.Tensor) -> bool:
    """Whether weight decay applies to a parameter: a weight matrix or kernel yes, a bias or a norm's scale or shift no.

    The rule is the parameter's number of dimensions: biases and the affine
    parameters of BatchNorm, LayerNorm and GroupNorm are 1-D.

    Example::

        >>> linear, norm = nn.Linear(3, 2), nn.LayerNorm(2)
        >>> decays(linear.weight), decays(linear.bias), decays(norm.weight)
        (True, False, False)

    Source: timm's ``param_groups_weight_decay`` (``param.ndim <= 1`` or a
    bias); Hugging Face's ``Trainer.get_decay_parameter_names`` (no biases, no
    norm weights).  The rule is these libraries' convention: Loshchilov &
    Hutter (2019), "Decoupled Weight Decay Regularization", define the decay
    itself, not which parameters get it.
    """
    return param.ndim > 1


def param_groups(model: nn.Module, lr: float, *, weight_decay: float = 0.0, layer_decay: float = 1.0,
                 frozen: int = 0) -> list[dict]:
    r"""Parameter groups for fine-tuning: the head at ``lr``, each layer below it ``layer_decay`` times less.

    .. math::
        \eta_l = \eta \cdot \text{layer\_decay}^{\,L - 1 - l}, \qquad l = 0, \dots, L - 1

    for the :func:`layers` of the model, :math:`l = L - 1` being the head.
    Each layer gives up to two groups: its weights, with ``weight_decay``,
    and its biases and norm parameters (:func:`decays` is false), with none.
    The first ``frozen`` layers get no group, and their parameters
    ``requires_grad=False``, so no gradient is even computed for them.
    Every group carries a ``"name"``, such as ``"3 weights"``.

    Example::

        >>> import lrcourse as lc
        >>> groups = param_groups(lc.models.mlp(), lr=0.01, weight_decay=0.05, layer_decay=0.1)
        >>> [(g["name"], round(g["lr"], 6), g["weight_decay"]) for g in groups]
        [('1 weights', 0.001, 0.05), ('1 biases', 0.001, 0.0), ('3 weights', 0.01, 0.05), ('3 biases', 0.01, 0.0)]
        >>> [g["name"] for g in param_groups(lc.models.mlp(), lr=0.01, frozen=1)]
        ['3 weights', '3 biases']

    Source: Howard & Ruder (2018), "Universal Language Model Fine-tuning for
    Text Classification" (discriminative fine-tuning, a factor 2.6 per
    layer); Sun et al. (2019), "How to Fine-Tune BERT for Text
    Classification" (layer-wise decay 0.95); Clark et al. (2020), ELECTRA.
    """
    all_layers = layers(model)
    lr = _checks.positive("lr", lr)
    weight_decay = _checks.non_negative("weight_decay", weight_decay)
    layer_decay = _checks.in_interval("layer_decay", layer_decay, 0.0, 1.0, low_open=True)
    frozen = _checks.non_negative_int("frozen", frozen)
    if frozen >= len(all_layers):
        raise ValueError(f"frozen must leave at least the head to train: below {len(all_layers)}, got {frozen}")

    groups = []
    depth = len(all_layers) - 1
    for index, (name, layer) in enumerate(all_layers):
        if index < frozen:
            layer.requires_grad_(False)
            continue
        layer_lr = lr * layer_decay ** (depth - index)
        params = list(layer.parameters())
        for kind, wd, chosen in (("weights", weight_decay, [p for p in params if decays(p)]),
                                 ("biases", 0.0, [p for p in params if not decays(p)])):
            if chosen:
                groups.append({"params": chosen, "lr": layer_lr, "weight_decay": wd, "name": f"{name} {kind}"})
    return groups


def with_new_head(model: nn.Module, seed: int = 0) -> nn.Module:
    """A deep copy of ``model`` whose last layer (a ``Linear``) is drawn afresh from ``seed``: a new task's head.

    The new head has the old one's shape and dtype, and torch's default
    initialisation; the pre-trained body is copied unchanged, and ``model``
    itself is left as it was.

    Example::

        >>> import lrcourse as lc
        >>> old = lc.models.mlp(seed=0)
        >>> new = with_new_head(old, seed=1)
        >>> torch.equal(new[1].weight, old[1].weight), torch.equal(new[3].weight, old[3].weight)
        (True, False)
    """
    name, head = layers(model)[-1]
    if not isinstance(head, nn.Linear):
        raise TypeError(f"model's last layer must be an nn.Linear (the head), got {type(head).__name__}")
    seed = _checks.non_negative_int("seed", seed)
    fresh = copy.deepcopy(model)
    with seeded_cpu_rng(seed):
        new_head = nn.Linear(head.in_features, head.out_features, bias=head.bias is not None)
    setattr(fresh, name, new_head.to(head.weight.dtype))
    return fresh


def compare_finetuning(
    recipes: Mapping,
    *,
    start: Callable[[int], nn.Module],
    schedule=None,
    epochs: int,
    data,
    seeds=(0, 1, 2),
    step_per: str = "batch",
) -> Comparison:
    r"""Fine-tune with each recipe once per seed, from the same start and with the same schedule and budget.

    For each recipe ``name`` and each ``seed``::

        net = start(seed)                      # e.g. the pre-trained body with a new head
        opt = recipes[name](net)               # the recipe: parameter groups and optimizer
        sched = None if schedule is None else schedule(opt)
        fit(net, opt, sched, data=data, epochs=epochs, step_per=step_per, seed=seed)

    :func:`lrcourse.compare` builds its optimizer from ``net.parameters()``
    alone; a fine-tuning recipe needs the model itself, to tell its layers
    apart.  The result is the same :class:`~lrcourse.Comparison`, whose
    leaderboard lists, as ``lr``, the largest LR among each recipe's groups
    (the head's).

    Example::

        >>> import torch, lrcourse as lc
        >>> recipe = lambda net: torch.optim.AdamW(param_groups(net, lr=0.01, weight_decay=0.01))
        >>> result = compare_finetuning({"uniform": recipe}, start=lambda seed: lc.models.mlp(seed=seed),
        ...                             epochs=1, data=lc.data.digits(classes=(5, 6, 7, 8, 9)), seeds=(0,))
        >>> result.leaderboard.loc["uniform", "lr"]
        np.float64(0.01)

    Args:
        recipes: a non-empty dict, name -> ``model -> optimizer``.
        start: ``seed -> model``, a fresh model for every run.
        schedule: ``None`` or ``optimizer -> scheduler``, the same for every recipe.
        epochs, data, seeds, step_per: as in :func:`lrcourse.fit` and :func:`lrcourse.compare`.
    """
    if not isinstance(recipes, Mapping) or not recipes:
        raise TypeError(f"recipes must be a non-empty dict name -> (model -> optimizer), got {recipes!r}")
    for name, recipe in recipes.items():
        _checks.callable_(f"recipes[{name!r}]", recipe, "model -> optimizer")
    _checks.callable_("start", start, "seed -> torch.nn.Module")
    if schedule is not None:
        _checks.callable_("schedule", schedule, "optimizer -> scheduler")
    epochs = _checks.positive_int("epochs", epochs)
    seeds = _checks.seeds("seeds", seeds)

    histories, lrs = {}, {}
    for name, recipe in recipes.items():
        histories[name] = []
        for seed in seeds:
            net = _checks.torch_module("start(seed)", start(seed))
            opt = _checks.torch_optimizer(f"recipes[{name!r}](model)", recipe(net))
            lrs[name] = max(group["lr"] for group in opt.param_groups)
            sched = None if schedule is None else _checks.scheduler_from("schedule", schedule, opt)
            with contextlib.redirect_stdout(io.StringIO()):  # a diverged run is counted in the leaderboard
                histories[name].append(fit(net, opt, sched, data=data, epochs=epochs, step_per=step_per, seed=seed,
                                           progress=False))
    return Comparison(histories, seeds, lrs, dict.fromkeys(recipes, step_per), epochs)
