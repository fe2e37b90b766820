"""Lesson 07 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
import math

from torch.optim.lr_scheduler import OneCycleLR


def one_cycle(**kwargs):
    return lambda opt: OneCycleLR(opt, **kwargs)


SOLUTIONS = {
    "07.1": one_cycle(max_lr=0.05, total_steps=200, pct_start=0.25, anneal_strategy="linear"),
    "07.2": 12 * math.ceil(50 / 4),
    "07.3": one_cycle(max_lr=0.1, total_steps=100, pct_start=0.4, div_factor=10, three_phase=True),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("07.1", one_cycle(max_lr=0.05, total_steps=200, pct_start=0.25), "at step 1 "),  # cosine, not linear
    ("07.2", 12 * 50, "600"),  # forgets the gradient accumulation
    ("07.2", 12 * (50 // 4), "(144) is off"),  # drops the partial group
    ("07.3", one_cycle(max_lr=0.1, total_steps=100, pct_start=0.4, div_factor=10), "at step 40 "),  # two phases
]
