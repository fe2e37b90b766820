"""Lesson 05 exercises: a cosine built, a long run predicted, a per-batch loop fixed, a fine-tuning cosine chosen."""
import functools

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR

from .. import formulas
from ..simulation import simulate
from .core import Exercise, only_option


def _short_t_max_landmarks() -> np.ndarray:
    """CosineAnnealingLR(T_max=15) over 100 epochs, read off torch: [epochs at eta_min=0, last epoch at the base LR]."""
    lrs = simulate(functools.partial(CosineAnnealingLR, T_max=15), steps=100, lr=0.1).lr
    at_eta_min = np.isclose(lrs, 0.0, rtol=0, atol=1e-12)
    at_base = np.flatnonzero(np.isclose(lrs, 0.1, rtol=1e-9, atol=0))
    return np.array([np.count_nonzero(at_eta_min), at_base[-1]])


# 05.4: fine-tuning from lr=2e-5, stepped per batch: 3 epochs of 200 batches.
_BASE_LR, _EPOCHS, _BATCHES = 2e-5, 3, 200
_FINE_TUNING_OPTIONS = {  # option: (T_max, eta_min)
    1: (_EPOCHS, 1e-5),
    2: (_EPOCHS * _BATCHES, _BASE_LR / 100),
    3: (_EPOCHS * _BATCHES, 1e-5),
    4: (_EPOCHS, _BASE_LR / 100),
}


def _anneals_once_to_near_zero(lrs: np.ndarray) -> bool:
    """The LR never rises, and the last step runs below 5% of the base LR."""
    never_rises = not np.any(np.diff(lrs) > 1e-12 * lrs[0])
    return bool(never_rises and lrs[-1] < 0.05 * lrs[0])


def _fine_tuning_choice() -> np.ndarray:
    """The one option that anneals once, to near 0, over the run; and its T_max."""
    runs = {option: simulate(functools.partial(CosineAnnealingLR, T_max=t_max, eta_min=eta_min),
                             steps=_EPOCHS * _BATCHES, lr=_BASE_LR).lr
            for option, (t_max, eta_min) in _FINE_TUNING_OPTIONS.items()}
    option = only_option((option for option, lrs in runs.items() if _anneals_once_to_near_zero(lrs)), "05.4")
    return np.array([option, _FINE_TUNING_OPTIONS[option][0]])


EXERCISES = (
    Exercise(
        id="05.1",
        task="Build a CosineAnnealingLR that anneals once over a 100-epoch run (one step per epoch), "
             "from lr=0.1 down to eta_min=1e-4.",
        hint="CosineAnnealingLR(optimizer, T_max=..., eta_min=...): how many steps does the way down take?",
        expected=lambda: formulas.cosine_annealing_lr(np.arange(100), 0.1, T_max=100, eta_min=1e-4),
        kind="schedule", steps=100, lr=0.1, skill="build"),
    Exercise(
        id="05.2",
        task="Predict, then run: CosineAnnealingLR(optimizer, T_max=15) from lr=0.1, 100 epochs (0 to 99), one "
             "scheduler.step() per epoch. Give [the number of epochs that run at eta_min=0, the last epoch that "
             "runs at the base LR].",
        hint="How many epochs does one full period of the cosine take? List where it is lowest and highest.",
        expected=_short_t_max_landmarks,
        kind="value", rtol=0.0, skill="predict"),
    Exercise(
        id="05.3",
        task="Fix the lesson's loop: it calls scheduler.step() after every batch (8 epochs of 25 batches, lr=0.1) "
             "and should anneal once over the whole run, to eta_min=0. Keep stepping per batch, and answer with "
             "the list of 200 LRs it records.",
        hint="T_max counts scheduler.step() calls, whatever the loop calls them for: how many does this run make?",
        expected=lambda: formulas.cosine_annealing_lr(np.arange(8 * 25), 0.1, T_max=8 * 25, eta_min=0.0),
        kind="schedule", steps=200, lr=0.1, skill="debug"),
    Exercise(
        id="05.4",
        task="Fine-tuning from lr=2e-5 with scheduler.step() after every batch, 3 epochs of 200 batches. The LR "
             "should fall once over the run, never rise, and end below 5% of the base LR. Choose the "
             "CosineAnnealingLR: 1 T_max = the number of epochs, eta_min=1e-5; 2 T_max = epochs x batches per "
             "epoch, eta_min = base LR / 100; 3 T_max = epochs x batches per epoch, eta_min=1e-5; 4 T_max = the "
             "number of epochs, eta_min = base LR / 100. Then give your choice's T_max as a number. "
             "Answer [option, T_max].",
        hint="What does T_max count in this loop, and is eta_min a fraction of the base LR or an LR?",
        expected=_fine_tuning_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "stepped per batch, a T_max of 3 sends the LR down and back up every few batches, and eta_min=1e-5 is "
               "half this run's base LR anyway.",
            3: "it falls once over the run, but eta_min=1e-5 is an absolute LR, half this run's base LR: the run "
               "ends at about half its base LR.",
            4: "stepped per batch, a T_max of 3 sends the LR down and back up every few batches, about a hundred times "
               "in the run.",
        }),
)
