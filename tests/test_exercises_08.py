"""Lesson 08 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks.

The references are derived apart from lesson_08.py: ReduceLROnPlateau's rule is written out here from torch's
documentation and run as a plain loop, and the improvement bars are found by asking torch itself.
"""
import numpy as np
import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

import lrcourse as lc
from lrcourse.simulation import drops

LOSS = np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]
CORRECT = [250, 280, 300, 312, 320, 326, 330, 333, 335, 336, 336, 337, 337, 337, 338,
           338, 338, 338, 338, 339, 338, 338, 339, 338, 338, 338, 338, 338, 338, 338]
ACCURACY = 100 * np.array(CORRECT) / 360


def plateau_by_hand(metrics, lr=0.1, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                    cooldown=0, min_lr=0.0, eps=1e-8):
    """The LR in force at each epoch, by the rule of torch's docs: cut when the bad epochs exceed patience."""
    sign = 1 if mode == "min" else -1  # compare as "lower is better"
    best, bad, cooling, lrs = np.inf, 0, 0, []
    for metric in metrics:
        lrs.append(lr)
        value = sign * metric
        bar = best * (1 - sign * threshold) if threshold_mode == "rel" else best - threshold
        best, bad = (value, 0) if value < bar else (best, bad + 1)
        if cooling:
            cooling, bad = cooling - 1, 0
        if bad > patience:
            new_lr = max(lr * factor, min_lr)
            lr = new_lr if lr - new_lr > eps else lr  # a change of eps or less is skipped
            cooling, bad = cooldown, 0
    return np.array(lrs)


def first_cut_and_last_lr():
    lrs = plateau_by_hand(LOSS, factor=0.5, patience=5)
    return [int(np.flatnonzero(lrs < 0.1)[0]), lrs[-1]]


def bar_asked_of_torch(threshold_mode, best=0.5, threshold=0.01):
    """The value below which torch counts a loss as an improvement over ``best``, found by bisection."""
    def counts(candidate):
        scheduler = ReduceLROnPlateau(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1),
                                      threshold=threshold, threshold_mode=threshold_mode)
        scheduler.step(best)
        scheduler.step(candidate)
        return scheduler.num_bad_epochs == 0

    low, high = 0.0, best  # counts(low) and not counts(high)
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if counts(middle) else (low, middle)
    return high


def option_by_hand(option):
    """08.4: each option's cut epochs under the written-out rule."""
    settings = {
        1: {"mode": "min", "patience": 3},
        2: {"mode": "max", "patience": 4},
        3: {"mode": "max", "patience": 3, "threshold": 1.0, "threshold_mode": "abs"},
        4: {"mode": "max", "patience": 3, "threshold": 0.2, "threshold_mode": "abs"},
    }
    return drops(plateau_by_hand(ACCURACY, **settings[option]))


def wanted_by_hand():
    """The situation's rule: 4 epochs in a row without a new best by at least one of the 360 images."""
    best, bad, cuts = -1, 0, []
    for epoch, correct in enumerate(CORRECT):
        best, bad = (correct, 0) if correct >= best + 1 else (best, bad + 1)
        if bad == 4:
            cuts.append(epoch + 1)
            bad = 0
    return cuts


def accuracy_plan():
    good = [option for option in (1, 2, 3, 4) if option_by_hand(option) == wanted_by_hand()]
    assert len(good) == 1, good
    return [good[0], option_by_hand(good[0])[0]]


SOLUTIONS = {
    "08.1": first_cut_and_last_lr(),
    "08.2": [bar_asked_of_torch("rel"), bar_asked_of_torch("abs")],
    "08.3": plateau_by_hand(1 - LOSS, mode="max", factor=0.1, patience=3, cooldown=2, min_lr=1e-3),
    "08.4": accuracy_plan(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("08.1", [25, 0.1 * 0.5**6], "at index 0 (25) is too low"),  # the blog's reading: a cut after patience epochs
    ("08.1", [26, 0.1 * 0.5], "at index 1 (0.05) is too high"),  # one cut only: the count starts again after it
    ("08.2", [0.49, 0.495], "at index 0 "),  # the two answers swapped
    ("08.3", plateau_by_hand(1 - LOSS, factor=0.1, patience=3, cooldown=2, min_lr=1e-3), "at step 5 "),  # as given
    ("08.4", [1, 5], "looks like getting worse"),
    ("08.4", [2, 25], "one epoch late"),
    ("08.4", [3, 13], "a whole point"),
    ("08.4", [4, 18], "at index 1 (18) is too low"),  # the epoch of the decision, not of the cut LR
]


def test_08_3_a_bare_function_passes_the_exercise_supplies_the_metrics():
    verdict = lc.check("08.3", lambda opt: ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=3, cooldown=2,
                                                            min_lr=1e-3))
    assert verdict, verdict


def test_the_rule_written_out_here_agrees_with_torch():
    traced = lc.simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5), steps=60, lr=0.1, metrics=LOSS)
    np.testing.assert_array_equal(plateau_by_hand(LOSS, factor=0.5, patience=5), traced.lr)
