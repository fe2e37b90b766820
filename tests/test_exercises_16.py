"""Lesson 16 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The reference answers are computed here from plain loops (the recursion E[θ²] ← (1 − ηh)² E[θ²] + η²σ²
step by step) and from torch's own LinearLR, independently of the checker's lrcourse.quadratic.
"""
import numpy as np
from torch.optim.lr_scheduler import LinearLR

from reference_loops import record_lrs


def floor_by_hand(lr, batch, curvatures=(0.1, 0.05), per_sample=0.5):
    """The fixed point of E[θ²] = (1 − ηh)² E[θ²] + η²σ²/B, as a loss: ½ Σ h E[θ²] = ½ Σ ησ²/B / (2 − ηh)."""
    return sum(0.5 * lr * per_sample / batch / (2 - lr * h) for h in curvatures)


CURVATURES = np.geomspace(0.03, 1.0, 20)
NOISE, STEPS = 0.04 / 16, 1000


def final_loss_by_hand(lrs):
    """½ Σ h E[θ²] after the run, E[θ²] stepped one step at a time from θ = 1."""
    second_moment = np.ones_like(CURVATURES)
    for lr in lrs:
        second_moment = (1 - lr * CURVATURES) ** 2 * second_moment + lr**2 * NOISE
    return float(0.5 * CURVATURES @ second_moment)


def fixed_budget_answer():
    grid = np.geomspace(0.003, 1.9, 50)
    best = grid[int(np.argmin([final_loss_by_hand([lr] * STEPS) for lr in grid]))]
    decay = [3 * best * (1 - step / STEPS) for step in range(STEPS)]  # linear to 0 over the run
    options = {1: [best] * STEPS, 2: [best / 10] * STEPS, 3: decay, 4: [best] * 900 + [0.0] * 100}
    losses = {option: final_loss_by_hand(lrs) for option, lrs in options.items()}
    fits = [option for option, value in losses.items() if value <= 0.6 * losses[1]]
    assert fits == [3], losses
    return [3, losses[3] / losses[1]]


SOLUTIONS = {
    "16.1": [floor_by_hand(lr, batch) / floor_by_hand(0.1, 16) for lr, batch in ((0.05, 16), (0.1, 64), (0.4, 64))],
    "16.2": lambda optimizer: LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters=20 * 50),
    "16.3": fixed_budget_answer(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("16.1", [0.25, 0.25, 4.0], "at index 0 (0.25) is too low"),  # the floor taken to grow as lr ** 2
    ("16.1", [0.5, 0.5, 2.0], "at index 1 (0.5) is too high"),  # the noise taken to fall as 1 / sqrt(batch)
    ("16.2", record_lrs(lambda opt: LinearLR(opt, 1.0, 0.0, total_iters=20), 1000, lr=0.03), "at step 1 "),  # as given
    ("16.2", record_lrs(lambda opt: LinearLR(opt, 1.0, 0.0, total_iters=20), 20, batches_per_epoch=50,
                        step_per_batch=False, lr=0.03), "at step 1 your LR is 0.03, too high"),  # per epoch: stairs
    ("16.3", [2, 1.0], "does not forget the start"),
    ("16.3", [4, 1.0], "stops the forgetting"),
    ("16.3", [3, 1.0], "at index 1 (1) is too high"),  # the right choice, its ratio not computed
]


def test_the_16_1_answer_is_about_half_a_quarter_and_one():
    np.testing.assert_allclose(SOLUTIONS["16.1"], [0.5, 0.25, 1.0], rtol=0.02)


def test_the_16_2_answer_reaches_0_at_the_end_of_the_run():
    lrs = record_lrs(SOLUTIONS["16.2"], 1000, lr=0.03)
    assert lrs[0] == 0.03 and np.isclose(lrs[-1], 0.03 / 1000, rtol=1e-9, atol=0)  # one step from 0
    assert np.all(np.diff(lrs) < 0)


def test_the_16_3_decay_ends_well_below_the_best_constant():
    assert SOLUTIONS["16.3"][0] == 3 and 0.3 < SOLUTIONS["16.3"][1] < 0.5


def test_the_checker_messages_do_not_give_the_answers_away():
    import lrcourse as lc

    for exercise_id, wrong, _ in MISTAKES:
        message = lc.check(exercise_id, wrong).message
        if exercise_id == "16.3":
            assert "option 3" not in message and "linear" not in message, message
