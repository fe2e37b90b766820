"""Lesson 10 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
import math

from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingLR, LinearLR, SequentialLR


def warmup_cosine(opt, t_max=180):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.05, total_iters=20),
                              CosineAnnealingLR(opt, T_max=t_max, eta_min=0.001)], milestones=[20])


def wsd(opt, decay=30):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=15),
                              ConstantLR(opt, factor=1.0, total_iters=300),
                              LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=decay)],
                        milestones=[15, 300 - decay])


WARMUP_STEPS = 5 * math.ceil(1_281_167 / 4096)

SOLUTIONS = {
    "10.1": warmup_cosine,
    "10.2": [0.1 * 4096 / 256, WARMUP_STEPS],
    "10.3": wsd,
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("10.1", lambda opt: warmup_cosine(opt, t_max=200), "at step 21 "),  # cosine over all steps, warm-up included
    ("10.2", [0.1, WARMUP_STEPS], "index 0"),  # the LR not scaled with the batch
    ("10.2", [1.6, 5], "at index 1 "),  # the warm-up counted in epochs, not steps
    ("10.3", lambda opt: wsd(opt, decay=60), "at step 241 "),  # decay too long
]
