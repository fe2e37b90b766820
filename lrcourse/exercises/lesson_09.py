"""Lesson 09 exercises: a CyclicLR built, the blog's LR and beta1 predicted, a per-epoch loop fixed, a mode chosen."""
import numpy as np

from .. import formulas
from .core import Exercise, only_option

# Exercise 09.3: the lesson's real-task CyclicLR, 10 epochs of 23 batches, climbing for 2 epochs and falling for 3.
BATCHES, EPOCHS = 23, 10


def blog_lr_and_beta1(step=25):
    """The blog's CyclicLR(0.05, 0.1, up 10, down 20): the LR and Adam's beta1 at ``step``, as [lr, beta1]."""
    lr = formulas.cyclic_lr(step, base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20)
    beta1 = formulas.cyclic_momentum(step, step_size_up=10, step_size_down=20)
    return np.array([lr, beta1])


def per_batch_cycle():
    """The LRs of 10 epochs of 23 batches when CyclicLR is stepped after every batch: up 2 epochs, down 3."""
    return formulas.cyclic_lr(np.arange(EPOCHS * BATCHES), base_lr=0.001, max_lr=0.01,
                              step_size_up=2 * BATCHES, step_size_down=3 * BATCHES)


# Exercise 09.4: 12 epochs of 50 batches, stepped per batch, between 0.01 and 0.1.
CHOICE_STEPS, CHOICE_BASE, CHOICE_MAX = 600, 0.01, 0.1
CHOICE_OPTIONS = {
    1: dict(mode="triangular", step_size_up=100, step_size_down=100),
    2: dict(mode="triangular2", step_size_up=100, step_size_down=100),
    3: dict(mode="triangular2", step_size_up=150, step_size_down=150),
    4: dict(mode="exp_range", gamma=0.999, step_size_up=125, step_size_down=125),
}


def last_peak_if_settled(option):
    """The LR of an option's last peak if it meets the situation's needs, else None.

    Needs: the run is a whole number of cycles (the LR one step past the end is back at base_lr), and the
    last peak rises at most a third as far above base_lr as the first.
    """
    settings = CHOICE_OPTIONS[option]
    lrs = formulas.cyclic_lr(np.arange(CHOICE_STEPS + 1), CHOICE_BASE, CHOICE_MAX, **settings)
    period = settings["step_size_up"] + settings["step_size_down"]
    peaks = lrs[settings["step_size_up"]:CHOICE_STEPS:period]
    whole_cycles = np.isclose(lrs[CHOICE_STEPS], CHOICE_BASE)
    settled = peaks[-1] - CHOICE_BASE <= (peaks[0] - CHOICE_BASE) / 3
    return float(peaks[-1]) if whole_cycles and settled else None


def mode_choice():
    """The one option that ends at base_lr with its peaks settled, and the LR of its last peak."""
    peaks = {option: last_peak_if_settled(option) for option in CHOICE_OPTIONS}
    option = only_option((option for option, peak in peaks.items() if peak is not None), "09.4")
    return np.array([option, peaks[option]])


EXERCISES = (
    Exercise(
        id="09.1",
        task="Build a CyclicLR between 0.01 and 0.1, 5 steps up and 5 down, with the amplitude halved every cycle "
             "(checked over 100 steps with SGD with momentum).",
        hint="the lesson's table gives each mode's scale s_t; one of them is 1 / 2 ** (c - 1). "
             "step_size_down defaults to step_size_up.",
        expected=lambda: formulas.cyclic_lr(np.arange(100), base_lr=0.01, max_lr=0.1, step_size_up=5,
                                            mode="triangular2"),
        kind="schedule", steps=100, lr=0.1, optimizer="sgd_momentum", rtol=1e-9, skill="build"),
    Exercise(
        id="09.2",
        task="Predict, then run: the blog's CyclicLR(base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20) "
             "with Adam. Give the LR and beta1 at step 25, as [lr, beta1].",
        hint="find where step 25 falls in the blog's 30-step cycle and how high the triangle is there: "
             "the LR rises with the height, beta1 falls with it, between 0.9 and 0.8.",
        expected=blog_lr_and_beta1,
        kind="value", rtol=1e-9, skill="predict"),
    Exercise(
        id="09.3",
        task="Fix the loop of exercise 09.3: CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=2 * 23, "
             "step_size_down=3 * 23) should climb for 2 epochs and fall for 3, twice in 10 epochs of 23 batches. "
             "Answer with the list of the 230 LRs it records.",
        hint="step_size_up and step_size_down count scheduler.step() calls from the start of training: "
             "count how many calls this loop makes in two epochs.",
        expected=per_batch_cycle,
        kind="schedule", steps=EPOCHS * BATCHES, lr=0.001, rtol=1e-9, skill="debug"),
    Exercise(
        id="09.4",
        task="Choose the CyclicLR for 12 epochs of 50 batches, stepped per batch between base_lr=0.01 and "
             "max_lr=0.1: the run must end at the bottom of a cycle, and its last peak must rise at most a third "
             "as far above base_lr as its first. 1: mode='triangular', 100 steps up, 100 down; "
             "2: mode='triangular2', 100 up, 100 down; 3: mode='triangular2', 150 up, 150 down; "
             "4: mode='exp_range', gamma=0.999, 125 up, 125 down. Answer [option, LR of its last peak].",
        hint="for each option, ask whether 600 steps are a whole number of its cycles, then follow its peaks "
             "from cycle to cycle.",
        expected=mode_choice,
        kind="value", rtol=1e-9, skill="choose",
        why_not={
            1: "triangular keeps the amplitude: its last peak is as high as its first.",
            3: "600 steps hold only two of its 300-step cycles: its last peak is still half as high as the first.",
            4: "600 steps are not a whole number of its 250-step cycles: the run stops mid-cycle, above base_lr.",
        }),
)
