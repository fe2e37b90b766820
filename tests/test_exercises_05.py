"""Lesson 05 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks."""
import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR

import lrcourse as lc

SOLUTIONS = {
    "05.1": lambda opt: CosineAnnealingLR(opt, T_max=100, eta_min=1e-4),
    "05.2": lambda opt: CosineAnnealingLR(opt, T_max=200),
    "05.3": [40, 80],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("05.1", lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=1e-4), "at step 1 "),  # the blog's T_max
    ("05.2", lambda opt: CosineAnnealingLR(opt, T_max=8), "at step 1 "),  # T_max in epochs, stepped per batch
    ("05.3", [20, 40, 60, 80], "expected shape"),  # multiples of T_max, minima included
    ("05.3", [40, 81], "at index 1"),  # off by one epoch
]


def test_05_3_answer_matches_a_real_scheduler():
    tr = lc.simulate(lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=1e-5), steps=100, lr=0.1)
    back = np.flatnonzero(np.isclose(tr.lr[1:], 0.1, rtol=1e-9, atol=0)) + 1
    assert lc.check("05.3", back)
