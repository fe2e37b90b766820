"""Lesson 04 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks."""
import math

from torch.optim.lr_scheduler import ExponentialLR, PolynomialLR

import lrcourse as lc

SOLUTIONS = {
    "04.1": lambda opt: ExponentialLR(opt, gamma=0.5 ** (1 / 20)),
    "04.2": math.ceil(math.log(0.01) / math.log(0.95)),
    "04.3": lambda opt: PolynomialLR(opt, total_iters=80, power=2.0),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("04.1", lambda opt: ExponentialLR(opt, gamma=0.95), "at step 1 "),  # a guessed gamma
    ("04.2", math.floor(math.log(0.01) / math.log(0.95)), "is off"),  # rounded down: still above 1%
    ("04.3", lambda opt: PolynomialLR(opt, total_iters=80), "at step 1 "),  # power left at its default 1
]


def test_04_2_answer_is_the_first_epoch_at_one_percent():
    # The reference answer, read off a real scheduler rather than the closed form.
    tr = lc.simulate(lambda opt: ExponentialLR(opt, gamma=0.95), steps=200, lr=1.0)
    first = int((tr.lr <= 0.01).argmax())
    assert lc.check("04.2", first)
