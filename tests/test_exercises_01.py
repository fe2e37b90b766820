"""Lesson 01 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py."""
from torch.optim.lr_scheduler import LambdaLR, MultiplicativeLR

SOLUTIONS = {
    "01.1": lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 0.1 ** (epoch // 30)),
    "01.2": lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 if epoch % 10 == 0 else 1.0),
    "01.3": lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95 ** (t - 4)),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    # the blog's lambda1: LR 0
    ("01.1", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: epoch // 30), "at step 0 "),
    # compounds: MultiplicativeLR multiplies by the factor at every step
    ("01.2", lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 ** (epoch // 10)), "at step 11 "),
    # the decay counted from t=0, so the LR drops at t=5
    ("01.3", lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95**t), "at step 5 "),
]
