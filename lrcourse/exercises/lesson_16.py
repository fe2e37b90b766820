"""Lesson 16 exercises: the noise floor predicted, a linear decay to 0 fixed, a schedule for a fixed budget."""
import numpy as np

from .. import formulas, quadratic
from .core import Exercise, only_option

# 16.1's quadratic: two flat directions, so that the floor is close to proportional to lr / batch.
FLOOR_CURVATURES, FLOOR_PER_SAMPLE = (0.1, 0.05), 0.5
FLOOR_CASES = ((0.05, 16), (0.1, 64), (0.4, 64))  # (lr, batch size), each against lr 0.1 at batch 16


def _floor(lr, batch):
    return quadratic.noise_floor(lr, curvatures=FLOOR_CURVATURES,
                                 noise=quadratic.batch_noise(FLOOR_PER_SAMPLE, batch))


def _floor_ratios():
    return np.array([_floor(lr, batch) / _floor(0.1, 16) for lr, batch in FLOOR_CASES])


# 16.2: the lesson's stream run, 20 epochs of 50 batches, a linear decay to 0 from lr 0.03 stepped per batch.
EPOCHS, BATCHES, PEAK = 20, 50, 0.03

# 16.3: the lesson's noisy quadratic and its grid of constant LRs.
CURVATURES = np.geomspace(0.03, 1.0, 20)
NOISE = quadratic.batch_noise(0.04, 16)
STEPS = 1000
GRID = np.geomspace(0.003, 1.9, 50)
ENOUGH = 0.6  # the run must end at most at this fraction of the best constant LR's expected loss


def _final_loss(lrs):
    return float(quadratic.expected_loss(lrs, curvatures=CURVATURES, noise=NOISE)[-1])


def _best_constant():
    return float(GRID[int(np.argmin([_final_loss(np.full(STEPS, lr)) for lr in GRID]))])


def _option_lrs(option, best):
    t = np.arange(STEPS)
    if option == 1:
        return np.full(STEPS, best)
    if option == 2:
        return np.full(STEPS, best / 10)
    if option == 3:
        return formulas.linear_lr(t, 3 * best, start_factor=1.0, end_factor=0.0, total_iters=STEPS)
    return np.where(t < STEPS - 100, best, 0.0)


def _fixed_budget_choice():
    """The one option that ends at most ENOUGH times the best constant's loss, and its loss as that fraction."""
    best = _best_constant()
    baseline = _final_loss(_option_lrs(1, best))
    option = only_option((option for option in (1, 2, 3, 4)
                          if _final_loss(_option_lrs(option, best)) <= ENOUGH * baseline), "16.3")
    return np.array([option, _final_loss(_option_lrs(option, best)) / baseline])


EXERCISES = (
    Exercise(
        id="16.1",
        task="Predict, then run: on a noisy quadratic with curvatures [0.1, 0.05] and a per-sample gradient noise "
             "variance of 0.5, plain SGD at lr=0.1 with batch size 16 settles at a noise floor. Before running "
             "anything, write down the floor of (a) lr 0.05 at batch 16, (b) lr 0.1 at batch 64, (c) lr 0.4 at "
             "batch 64, each as a multiple of the floor at lr 0.1 and batch 16: prediction = [a, b, c] "
             "(within 2%).",
        hint="re-read the section \"The noise floor\": how does the floor grow with the LR while lr * h is small, "
             "and what does lc.quadratic.batch_noise do to the noise when the batch grows? "
             "lc.quadratic.noise_floor computes each floor exactly.",
        expected=_floor_ratios,
        kind="value", rtol=0.02, skill="predict"),
    Exercise(
        id="16.2",
        task="Fix the lesson's broken loop: it trains 20 epochs of 50 batches, calls scheduler.step() after every "
             "optimizer.step(), and builds LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters=20) "
             "to decay lr=0.03 linearly to 0 over the run. Answer with the fixed function optimizer -> scheduler; "
             "the checker steps it 1,000 times from lr=0.03.",
        hint="re-read the section \"On a real network\": what does total_iters count when scheduler.step() is "
             "called after every batch? lc.simulate shows the LR in force at each step of your scheduler.",
        expected=lambda: formulas.linear_lr(np.arange(EPOCHS * BATCHES), PEAK, start_factor=1.0, end_factor=0.0,
                                            total_iters=EPOCHS * BATCHES),
        kind="schedule", steps=EPOCHS * BATCHES, lr=PEAK, rtol=1e-9, skill="debug"),
    Exercise(
        id="16.3",
        task="Choose the schedule: on the lesson's noisy quadratic (CURVATURES, NOISE, STEPS = 1,000 steps, plain "
             "SGD), best_lr is the best constant LR of the lesson's grid. A run must end at an expected loss at most "
             "0.6 times that of option 1: 1 the constant best_lr, 2 the constant best_lr / 10 (a ten times lower "
             "noise floor), 3 a linear decay to 0 from 3 * best_lr, 4 the constant best_lr for 900 steps, then lr 0 "
             "for the last 100. Answer [choice, ratio], with ratio the final expected loss of your choice divided "
             "by option 1's (within 1%).",
        hint="lc.quadratic.expected_loss gives the final expected loss of every option: compute all four. For "
             "each, ask which of the two terms, the start not yet forgotten or the noise, is left at the end.",
        expected=_fixed_budget_choice,
        kind="value", rtol=0.01, skill="choose",
        why_not={
            1: "the best constant LR balances the two terms, but cannot make both small: it is the baseline the "
               "run must beat.",
            2: "its noise floor is lower, but in 1,000 steps so small an LR does not forget the start along the "
               "flat directions: it ends far above option 1.",
            4: "an LR of 0 stops the noise, but it also stops the forgetting: the loss stays where step 900 left "
               "it, above option 1's.",
        }),
)
