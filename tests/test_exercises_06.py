"""Lesson 06 exercises: worked solutions and plausible mistakes for test_exercises_contract.py, plus lesson checks."""
from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts

import lrcourse as lc

SOLUTIONS = {
    "06.1": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=25, T_mult=1),
    "06.2": [10, 30, 70, 150],
    "06.3": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=200, T_mult=2),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("06.1", lambda opt: CosineAnnealingLR(opt, T_max=25), "at step 25 "),  # no restart: rises slowly instead
    ("06.2", [10, 20, 40, 80, 160], "expected shape"),  # cycle lengths taken for restart epochs
    ("06.2", [10, 30, 70, 140], "at index 3"),  # a misplaced restart
    ("06.3", lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), "at step 1 "),  # T_0 in epochs
]


def test_06_2_answer_matches_the_restarts_torch_makes():
    tr = lc.simulate(lambda opt: CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2), steps=200)
    assert lc.check("06.2", lc.simulation.rises(tr.lr))  # where torch's LR jumps back up (eta_min=0)
