"""Lesson 14 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

References come from torch's schedulers stepped directly, or from closed forms written out here.
"""
import math

import torch
from torch.optim.lr_scheduler import ChainedScheduler, CosineAnnealingLR, ExponentialLR, LRScheduler
from torch.optim.swa_utils import SWALR

from lrcourse.averaging import InverseSqrtLR


class LinearWarmupLR(LRScheduler):
    """The fixed scheduler of exercise 14.3: attributes first, a chainable get_lr, the closed form apart."""

    def __init__(self, optimizer, warmup_steps, last_epoch=-1):
        self.warmup_steps = warmup_steps
        super().__init__(optimizer, last_epoch)

    def factor(self, t):
        return min(1.0, (t + 1) / self.warmup_steps)

    def get_lr(self):
        if self.last_epoch == 0:
            return [group["lr"] * self.factor(0) for group in self.optimizer.param_groups]
        ratio = self.factor(self.last_epoch) / self.factor(self.last_epoch - 1)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.factor(self.last_epoch) for base_lr in self.base_lrs]


class ClosedFormWarmupLR(LinearWarmupLR):
    """Half-fixed: attributes in the right order, but get_lr returns the closed form, so the chain loses gamma."""

    def get_lr(self):
        return self._get_closed_form_lr()


class LateWarmupLR(LinearWarmupLR):
    """Unfixed: warmup_steps set after super().__init__, whose first step already needs it."""

    def __init__(self, optimizer, warmup_steps, last_epoch=-1):
        LRScheduler.__init__(self, optimizer, last_epoch)
        self.warmup_steps = warmup_steps


def chain(kind):
    return lambda opt: ChainedScheduler([kind(opt, warmup_steps=10), ExponentialLR(opt, gamma=0.98)])


def inverse_sqrt_chain_lrs():
    """What running exercise 14.2's chain shows: the LR in force at steps 3 and 16."""
    from lrcourse.simulation import simulate

    trace = simulate(lambda opt: ChainedScheduler([InverseSqrtLR(opt, warmup_steps=4), ExponentialLR(opt, gamma=0.9)]),
                     17, lr=0.1)
    return [trace.lr[3], trace.lr[16]]


def swa_entry_lr():
    """The LR in force at epoch 30 of CosineAnnealingLR(T_max=40) from 0.1: its closed form, written out."""
    return 0.1 * (1 + math.cos(math.pi * 30 / 40)) / 2


def swa_run_lrs(both):
    """The SWA recipe stepped per epoch, SWALR alone from epoch 30 (or, wrongly, both schedulers): 40 LRs."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    cosine = CosineAnnealingLR(optimizer, T_max=40)
    swa = SWALR(optimizer, swa_lr=0.05, anneal_epochs=5)
    lrs = []
    for epoch in range(40):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if epoch < 30 or both:
            cosine.step()
        if epoch >= 30:
            swa.step()
    return lrs


def test_the_swa_recipe_anneals_from_the_lr_in_force_and_holds_swa_lr():
    """14.4's situation, checked against torch: SWALR alone starts at the cosine's LR and holds 0.05 from epoch 35."""
    lrs = swa_run_lrs(both=False)
    assert math.isclose(lrs[30], swa_entry_lr(), rel_tol=1e-12)
    assert all(math.isclose(lr, 0.05, rel_tol=1e-12) for lr in lrs[35:])
    assert all(a < b for a, b in zip(lrs[30:35], lrs[31:36]))
    assert any(not math.isclose(a, b, rel_tol=1e-6) for a, b in zip(swa_run_lrs(both=True)[31:35], lrs[31:35]))


SOLUTIONS = {
    "14.1": lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=20, anneal_strategy="linear"),
    "14.2": inverse_sqrt_chain_lrs(),
    "14.3": chain(LinearWarmupLR),
    "14.4": [2, swa_entry_lr()],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("14.1", lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=20), "at step 1 "),  # the default 'cos' anneal
    ("14.1", lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=0, anneal_strategy="linear"), "at step 0 "),
    ("14.2", [0.1 * 3 / 4 * 0.9**3, 0.1 * (4 / 16) ** 0.5 * 0.9**16], "at index 0"),  # t / w instead of (t + 1) / w
    ("14.2", [0.1, 0.1 * 0.5], "at index 0"),  # forgets the exponential factor
    ("14.3", chain(ClosedFormWarmupLR), "at step 2 "),  # closed form in get_lr: gamma applied once, not t times
    ("14.3", chain(LateWarmupLR), "raised AttributeError"),  # attribute set after super().__init__
    ("14.4", [1, swa_entry_lr()], "lags behind"),
    ("14.4", [3, swa_entry_lr()], "never reaches swa_lr"),
    ("14.4", [4, swa_entry_lr()], "within the first"),
    ("14.4", [2, 0.1], "at index 1"),  # SWALR's start taken to be the optimizer's initial lr
]
