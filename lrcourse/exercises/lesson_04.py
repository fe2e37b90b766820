"""Lesson 04 exercises: a half-life built, a decay predicted, a per-batch gamma fixed, a gamma chosen for a run."""
import functools

import numpy as np
from torch.optim.lr_scheduler import ExponentialLR, PolynomialLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise, only_option


def _first_epoch_at_or_below(fraction: float, gamma: float) -> int:
    """The first epoch t with gamma**t <= fraction, read off the closed form over a long enough run."""
    ratio = formulas.exponential_lr(np.arange(10_000), 1.0, gamma)
    return int(np.argmax(ratio <= fraction))


# 04.4: a 50-epoch run that should reach 1% of its base LR in its last epoch, and not before.
_EPOCHS, _FLOOR = 50, 0.01
_DECAY_OPTIONS = {
    1: functools.partial(ExponentialLR, gamma=0.9),
    2: functools.partial(ExponentialLR, gamma=0.9120),
    3: functools.partial(ExponentialLR, gamma=0.9102),
    4: functools.partial(PolynomialLR, total_iters=_EPOCHS, power=2.0),
}


def _reaches_the_floor_in_the_last_epoch(lrs: np.ndarray) -> bool:
    at_or_below = lrs <= _FLOOR * lrs[0] * (1 + 1e-9)  # the tolerance: an LR of exactly 1% counts as reached
    return bool(at_or_below[-1] and not at_or_below[:-1].any())


def _decay_choice() -> np.ndarray:
    """The one option that reaches 1% exactly in the last epoch, and the scheduler steps that takes."""
    runs = {option: simulate(make, steps=_EPOCHS, lr=0.1).lr for option, make in _DECAY_OPTIONS.items()}
    option = only_option((option for option, lrs in runs.items() if _reaches_the_floor_in_the_last_epoch(lrs)),
                         "04.4")
    steps_to_last_epoch = runs[option].size - 1  # epoch 0 runs before any scheduler.step()
    return np.array([option, steps_to_last_epoch])


EXERCISES = (
    Exercise(
        id="04.1",
        task="Build an ExponentialLR whose LR halves every 20 epochs (100 epochs from lr=0.1, one step per epoch).",
        hint="Write the LR after 20 steps with the formula, set it to half the base LR, and solve for gamma.",
        expected=lambda: formulas.exponential_lr(np.arange(100), 0.1, gamma=0.5 ** (1 / 20)),
        kind="schedule", steps=100, lr=0.1, skill="build"),
    Exercise(
        id="04.2",
        task="Predict, then run: with ExponentialLR(gamma=0.95) stepped once per epoch, give the first epoch at "
             "which the LR is at or below 10% of the base LR.",
        hint="After t steps the LR is 0.95 ** t times the base LR: take logarithms, and mind which way to round.",
        expected=lambda: _first_epoch_at_or_below(0.1, 0.95),
        kind="value", skill="predict"),
    Exercise(
        id="04.3",
        task="Fix the lesson's loop: it calls scheduler.step() after every batch (5 epochs of 20 batches, lr=0.1) "
             "with ExponentialLR(gamma=0.9), where the recipe means x0.9 per epoch. Keep stepping per batch, so "
             "that the LR falls a little at every batch, and answer with the list of 100 LRs it records.",
        hint="How many scheduler.step() calls make one epoch here, and what must gamma be so that that many "
             "multiplications give 0.9?",
        expected=lambda: formulas.exponential_lr(np.arange(5 * 20), 0.1, gamma=0.9 ** (1 / 20)),
        kind="schedule", steps=100, lr=0.1, skill="debug"),
    Exercise(
        id="04.4",
        task="A 50-epoch run (epochs 0 to 49) from lr=0.1, one scheduler.step() per epoch, should decay at every "
             "epoch and be at or below 1% of the base LR in its last epoch, and not in any epoch before. Choose: "
             "1 ExponentialLR(gamma=0.9), 2 ExponentialLR(gamma=0.9120), 3 ExponentialLR(gamma=0.9102), "
             "4 PolynomialLR(total_iters=50, power=2). Then give the number of scheduler.step() calls between the "
             "first epoch and the last. Answer [option, steps].",
        hint="For each option, compute the LR of epoch 48 and of epoch 49 as a fraction of the base LR; "
             "epoch t runs after t calls to scheduler.step().",
        expected=_decay_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "the blog's gamma=0.9 is down to 1% of the base LR several epochs before the end, and the last "
               "epochs run below it.",
            2: "this gamma reaches 1% of the base LR one step after the last epoch: epoch 49 still runs above it.",
            4: "a quadratic decay to 0 at step 50 falls to 1% of the base LR several epochs before the end.",
        }),
)
