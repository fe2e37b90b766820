"""Lesson 09 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import CyclicLR

import lrcourse as lc


def cyclic(**kwargs):
    return lambda opt: CyclicLR(opt, **kwargs)


EXP_RANGE = dict(base_lr=0.001, max_lr=0.01, step_size_up=20, step_size_down=5, mode="exp_range")
ADAM_TRACE = lc.simulate(cyclic(base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20),
                         steps=30, optimizer="adam")

SOLUTIONS = {
    "09.1": cyclic(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2"),
    "09.2": cyclic(**EXP_RANGE, gamma=0.99),
    "09.3": ADAM_TRACE.momentum[25],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("09.1", cyclic(base_lr=0.01, max_lr=0.1, step_size_up=5), "at step 11 "),  # "triangular", the default
    ("09.2", cyclic(**EXP_RANGE, gamma=0.01), "at step 1 "),  # gamma read as a percentage
    ("09.3", ADAM_TRACE.lr[25], f"({ADAM_TRACE.lr[25]:.6g}) is off"),  # the LR, not beta1
]
