"""Lesson 03 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import MultiStepLR, StepLR

SOLUTIONS = {
    "03.1": lambda opt: StepLR(opt, step_size=10, gamma=0.5),
    "03.2": lambda opt: MultiStepLR(opt, milestones=[30, 60, 80], gamma=0.1),
    "03.3": lambda opt: StepLR(opt, step_size=100, gamma=0.5),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("03.1", lambda opt: StepLR(opt, step_size=10, gamma=0.1), "at step 10 "),  # divides by 10 instead of halving
    ("03.2", lambda opt: MultiStepLR(opt, milestones=[30, 60, 80], gamma=0.5), "at step 30 "),  # the blog's gamma
    ("03.3", lambda opt: StepLR(opt, step_size=2, gamma=0.5), "at step 2 "),  # step_size in epochs, stepped per batch
]
