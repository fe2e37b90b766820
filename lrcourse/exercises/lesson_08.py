"""Lesson 08 exercises: ReduceLROnPlateau's cuts and bars predicted, an accuracy loop fixed, a setting chosen."""
import functools

import numpy as np
from torch.optim.lr_scheduler import ReduceLROnPlateau

from ..simulation import drops, simulate
from .core import Exercise, only_option


def exercise_loss() -> np.ndarray:
    """The validation loss of exercises 08.1 and 08.3: down from 1.0 to 0.5 over 20 epochs, then flat for 40."""
    return np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]


# Exercise 08.4: a validation accuracy in percent of 360 images, one setting to choose for it.
IMAGES = 360
CORRECT = (250, 280, 300, 312, 320, 326, 330, 333, 335, 336, 336, 337, 337, 337, 338,
           338, 338, 338, 338, 339, 338, 338, 339, 338, 338, 338, 338, 338, 338, 338)
BAD_EPOCHS_BEFORE_A_CUT = 4
ACCURACY_OPTIONS = {
    1: functools.partial(ReduceLROnPlateau, mode="min", factor=0.1, patience=3),
    2: functools.partial(ReduceLROnPlateau, mode="max", factor=0.1, patience=4),
    3: functools.partial(ReduceLROnPlateau, mode="max", factor=0.1, patience=3, threshold=1.0, threshold_mode="abs"),
    4: functools.partial(ReduceLROnPlateau, mode="max", factor=0.1, patience=3, threshold=0.2, threshold_mode="abs"),
}


def exercise_accuracy() -> np.ndarray:
    """The validation accuracy of exercise 08.4, in percent: CORRECT images out of IMAGES."""
    return 100 * np.array(CORRECT) / IMAGES


def wanted_cuts(accuracy) -> list[int]:
    """The epochs from which a cut LR is in force under the situation's rule, counted by hand.

    Cut as soon as the accuracy has gone BAD_EPOCHS_BEFORE_A_CUT epochs in a row without beating its best by at
    least one image.
    """
    one_image = 100 / IMAGES
    best, bad, cuts = -np.inf, 0, []
    for epoch, value in enumerate(accuracy):
        if value >= best + one_image * (1 - 1e-9):
            best, bad = value, 0
        else:
            bad += 1
        if bad == BAD_EPOCHS_BEFORE_A_CUT:
            cuts.append(epoch + 1)  # decided after this epoch: in force from the next
            bad = 0
    return cuts


def accuracy_choice():
    """The one option whose cuts are the situation's, and the epoch from which its first cut is in force."""
    accuracy = exercise_accuracy()
    cuts = {option: drops(simulate(make, len(accuracy), lr=0.1, metrics=accuracy).lr)
            for option, make in ACCURACY_OPTIONS.items()}
    option = only_option((option for option, epochs in cuts.items() if epochs == wanted_cuts(accuracy)), "08.4")
    return np.array([option, cuts[option][0]])


def plateau_cuts_and_last_lr():
    """08.1: the epoch from which torch's first cut is in force, and the LR in force at the last epoch."""
    trace = simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5), 60, lr=0.1, metrics=exercise_loss())
    return np.array([drops(trace.lr)[0], trace.lr[-1]])


EXERCISES = (
    Exercise(
        id="08.1",
        task="Predict, then run: ReduceLROnPlateau(factor=0.5, patience=5) for 60 epochs from lr=0.1 on "
             "loss = np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]. Give the epoch from which the first cut "
             "LR is in force, and the LR in force at epoch 59, as [first_cut_epoch, lr_59].",
        hint="from which epoch on does the loss stop improving, and how many bad epochs in a row does patience=5 "
             "take before a cut? After a cut the count starts again.",
        expected=plateau_cuts_and_last_lr,
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="08.2",
        task="Predict, then run: for best=0.5 and threshold=0.01, give [rel_bar, abs_bar], the values the next loss "
             "must fall below to count as an improvement with threshold_mode='rel' and with 'abs'.",
        hint="one mode scales the threshold by the best value so far, the other subtracts it as it is; the lesson's "
             "section on threshold_mode writes both out.",
        # torch's docs: the bars are best * (1 - threshold) and best - threshold
        expected=lambda: np.array([0.5 * (1 - 0.01), 0.5 - 0.01]),
        kind="value", skill="predict"),
    Exercise(
        id="08.3",
        task="Fix the loop given with exercise 08.3: ReduceLROnPlateau(factor=0.1, patience=3, cooldown=2, "
             "min_lr=1e-3) from lr=0.1, stepped each epoch with acc = 1 - loss (the loss of 08.1), a validation "
             "accuracy; it should cut the LR only once the accuracy stops rising. Answer with the array of the 60 LRs "
             "it records.",
        hint="what does the scheduler assume about its metric, unless it is told otherwise? Compare the epoch of its "
             "first cut with the epoch at which the accuracy stops rising.",
        expected=lambda: simulate(lambda opt: ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=3, cooldown=2,
                                                                min_lr=1e-3),
                                  60, lr=0.1, metrics=1 - exercise_loss()).lr,
        kind="schedule", steps=60, lr=0.1, metrics=tuple(1 - exercise_loss()), skill="debug"),
    Exercise(
        id="08.4",
        task="Choose the ReduceLROnPlateau setting for the validation accuracy acc given with exercise 08.4 "
             "(percent of 360 images, 30 epochs): the LR should be cut tenfold as soon as the accuracy has gone 4 "
             "epochs in a row without beating its best by at least one image. "
             "1: mode='min', patience=3; 2: mode='max', patience=4; "
             "3: mode='max', patience=3, threshold=1.0, threshold_mode='abs'; "
             "4: mode='max', patience=3, threshold=0.2, threshold_mode='abs' (all with factor=0.1). "
             "Answer [option, the epoch from which its first cut LR is in force].",
        hint="one image is 100 / 360 of a percentage point: which thresholds let a rise of one image count? "
             "And how many bad epochs does patience=p wait for?",
        expected=accuracy_choice,
        kind="value", rtol=0.0, skill="choose",
        why_not={
            1: "with mode='min' a rising accuracy looks like getting worse: it cuts while the accuracy still climbs.",
            2: "patience=4 cuts after 5 bad epochs in a row, one epoch late, and misses the cut where a plateau "
               "lasts 4.",
            3: "an absolute threshold of 1.0 asks for a rise of a whole point, about 4 images: it cuts while the "
               "accuracy still improves image by image.",
        }),
)
