"""Lesson 11 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import ExponentialLR, OneCycleLR

GAMMA = (1.0 / 1e-6) ** (1 / 60)
GAMMA_OFF_BY_ONE = (1.0 / 1e-6) ** (1 / 61)  # 61 LRs, but only 60 steps between them

SOLUTIONS = {
    "11.1": GAMMA,
    "11.2": lambda opt: ExponentialLR(opt, gamma=GAMMA),
    "11.3": lambda opt: OneCycleLR(opt, max_lr=0.24, epochs=8, steps_per_epoch=23),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("11.1", GAMMA_OFF_BY_ONE, f"({GAMMA_OFF_BY_ONE:.6g}) is off. Hint:"),  # divides by num_steps
    ("11.2", lambda opt: ExponentialLR(opt, gamma=GAMMA_OFF_BY_ONE), "at step 1 "),
    ("11.3", lambda opt: OneCycleLR(opt, max_lr=2.4, epochs=8, steps_per_epoch=23), "at step 0 "),  # the minimum itself
    ("11.3", lambda opt: OneCycleLR(opt, max_lr=0.24, total_steps=8), "total_steps"),  # total_steps in epochs
]
