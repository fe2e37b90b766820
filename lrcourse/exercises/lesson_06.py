"""Lesson 06 exercises: warm restarts built and predicted, a fractional-epoch loop fixed, a snapshot plan chosen."""
import functools

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts

from .. import formulas
from ..simulation import rises, simulate, stand_in_optimizer
from .core import Exercise, only_option


def fractional_epoch_lrs(epochs=12, iters=5, lr=0.1, T_0=4, T_mult=2):
    """The LR each batch trains with when SGDR is stepped after every batch with ``step(epoch + i / iters)``."""
    optimizer = stand_in_optimizer("sgd", lr=lr)
    scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=T_0, T_mult=T_mult)
    lrs = []
    for epoch in range(epochs):
        for i in range(iters):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step(epoch + i / iters)  # the documented per-batch call: a fractional epoch
    return np.array(lrs)


# Exercise 06.4: a snapshot ensemble over 150 epochs, stepped once per epoch from lr=0.1.
SNAPSHOT_EPOCHS, SNAPSHOT_LR, SNAPSHOTS_WANTED = 150, 0.1, 3
SNAPSHOT_OPTIONS = {
    1: functools.partial(CosineAnnealingLR, T_max=150),
    2: functools.partial(CosineAnnealingWarmRestarts, T_0=20, T_mult=2),
    3: functools.partial(CosineAnnealingWarmRestarts, T_0=10, T_mult=2),
    4: functools.partial(CosineAnnealingWarmRestarts, T_0=40, T_mult=1),
}


def snapshots(make_scheduler, epochs=SNAPSHOT_EPOCHS, lr=SNAPSHOT_LR):
    """The epochs after which a finished decay leaves a model to keep: each restart, and the run's end if it is low.

    The run's end counts when its last epoch trains below 1 % of the start LR, as the last epoch of a cycle of 16 epochs
    or more does (a fraction (1 - cos(pi / T_i)) / 2 of the way up from eta_min=0).
    """
    trace = simulate(make_scheduler, epochs, lr=lr)
    ends = rises(trace.lr)  # a restart at epoch e: the cycle before it has just finished
    return ends + [epochs] if trace.lr[-1] < 0.01 * lr else ends


def snapshot_choice():
    """The one option whose run ends on a finished decay with at least three snapshots, and its number of snapshots."""
    kept = {option: snapshots(make) for option, make in SNAPSHOT_OPTIONS.items()}
    option = only_option((option for option, ends in kept.items()
                          if len(ends) >= SNAPSHOTS_WANTED and ends[-1] == SNAPSHOT_EPOCHS), "06.4")
    return np.array([option, len(kept[option])])


EXERCISES = (
    Exercise(
        id="06.1",
        task="Build a CosineAnnealingWarmRestarts that restarts every 25 epochs with equal cycles, "
             "down to eta_min=0 (100 epochs from lr=0.1).",
        hint="one argument sets the length of the first cycle, another decides whether the later cycles grow.",
        expected=lambda: formulas.cosine_annealing_warm_restarts_lr(np.arange(100), 0.1, T_0=25, T_mult=1,
                                                                    eta_min=0.0),
        kind="schedule", steps=100, lr=0.1, skill="build"),
    Exercise(
        id="06.2",
        task="Predict, then run: with T_0=10, T_mult=2, stepped once per epoch for 200 epochs, list the epochs "
             "at which the LR restarts, as a list of ints.",
        hint="write down how long each cycle lasts; a restart comes where a cycle ends, not at its length.",
        expected=lambda: np.array(formulas.sgdr_cycle_starts(T_0=10, T_mult=2, until=200)[1:]),
        kind="value", skill="predict"),
    Exercise(
        id="06.3",
        task="Fix the loop given with exercise 06.3: it steps SGDR (T_0=4, T_mult=2, lr=0.1) after every batch of "
             "12 epochs of 5 batches, and should pass the fractional epoch, as the torch docs show. "
             "Answer with the array of the 60 LRs it records.",
        hint="print the value the loop passes to scheduler.step for the batches of one epoch: does it ever "
             "take a fractional value?",
        expected=fractional_epoch_lrs,
        kind="schedule", steps=60, lr=0.1, rtol=1e-9, skill="debug"),
    Exercise(
        id="06.4",
        task="Choose the schedule for a snapshot ensemble: 150 epochs stepped once per epoch from lr=0.1, at least "
             "3 models each taken where a cosine decay has just finished, the last one at the end of the run. "
             "1: CosineAnnealingLR(T_max=150); 2: CosineAnnealingWarmRestarts(T_0=20, T_mult=2); "
             "3: CosineAnnealingWarmRestarts(T_0=10, T_mult=2); 4: CosineAnnealingWarmRestarts(T_0=40, T_mult=1). "
             "Answer [option, number of models the run gives].",
        hint="for each option, list the epochs where its cycles end within 150 epochs, and ask whether epoch 150 "
             "is one of them.",
        expected=snapshot_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "a single cosine over the whole run finishes one decay, at the very end: one model, not three.",
            2: "its cycles end at epochs 20, 60 and 140; the run stops 10 epochs into the next cycle, at a high LR.",
            4: "its cycles end at epochs 40, 80 and 120; epoch 150 is three quarters into the next cycle, "
               "so the last model is not taken at the end of a decay.",
        }),
)
