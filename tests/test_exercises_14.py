"""Lesson 14 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import ChainedScheduler, ExponentialLR, LRScheduler
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


SOLUTIONS = {
    "14.1": lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=20, anneal_strategy="linear"),
    "14.2": inverse_sqrt_chain_lrs(),
    "14.3": chain(LinearWarmupLR),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("14.1", lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=20), "at step 1 "),  # the default 'cos' anneal
    ("14.1", lambda opt: SWALR(opt, swa_lr=0.01, anneal_epochs=0, anneal_strategy="linear"), "at step 0 "),
    ("14.2", [0.1 * 3 / 4 * 0.9**3, 0.1 * (4 / 16) ** 0.5 * 0.9**16], "at index 0"),  # t / w instead of (t + 1) / w
    ("14.2", [0.1, 0.1 * 0.5], "at index 0"),  # forgets the exponential factor
    ("14.3", chain(ClosedFormWarmupLR), "at step 2 "),  # closed form in get_lr: gamma applied once, not t times
    ("14.3", chain(LateWarmupLR), "raised AttributeError"),  # attribute set after super().__init__
]
