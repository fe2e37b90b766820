"""Lesson 12 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR


def warmup_cosine(warmup, t_max):
    return lambda opt: SequentialLR(
        opt, [LinearLR(opt, start_factor=0.1, total_iters=warmup), CosineAnnealingLR(opt, T_max=t_max)],
        milestones=[warmup],
    )


SOLUTIONS = {
    "12.1": lambda opt: CosineAnnealingLR(opt, T_max=12 * 23, eta_min=0.001),
    "12.2": warmup_cosine(30, 270),
    "12.3": 5 * 23,
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("12.1", lambda opt: CosineAnnealingLR(opt, T_max=12, eta_min=0.001), "at step 1 "),  # T_max in epochs
    ("12.2", warmup_cosine(30, 300), "at step 31 "),  # forgets that the warm-up used 30 of the 300 steps
    ("12.2", warmup_cosine(1, 9), "at step 1 "),  # counts epochs while stepping per batch
    ("12.3", 5, "(5) is off. Hint:"),  # epochs instead of steps
]
