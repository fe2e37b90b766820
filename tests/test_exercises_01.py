"""Lesson 01 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

The references step torch with functions written out here, or write the schedule's closed form out by hand.
"""
from torch.optim.lr_scheduler import LambdaLR, MultiplicativeLR

SOLUTIONS = {
    "01.1": lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 0.1 ** (epoch // 30)),
    "01.2": lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 if epoch % 10 == 0 else 1.0),
    "01.3": lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95 ** (t - 4)),
    # LambdaLR: lr * f(0) from the start; MultiplicativeLR: lr * g(1) * g(2) * g(3), g(0) never called
    "01.4": [0.05 * 0.9, 0.05 * 0.9 * 0.9 * 0.9],
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    # the blog's lambda1, left as it is: LR 0
    ("01.1", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: epoch // 30), "at step 0 "),
    ("01.1", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: epoch // 30), "too low"),
    # returns the LR instead of the factor: LambdaLR multiplies by the base LR once more
    ("01.1", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 0.05 * 0.1 ** (epoch // 30)), "at step 0 "),
    # f(0) = 0.1: the first decay comes at once
    ("01.1", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 0.1 ** (epoch // 30 + 1)), "at step 0 "),
    # compounds: MultiplicativeLR multiplies by the factor at every step
    ("01.2", lambda opt: MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5 ** (epoch // 10)), "at step 11 "),
    # the decay counted from t=0, so the LR drops at t=5
    ("01.3", lambda opt: LambdaLR(opt, lr_lambda=lambda t: (t + 1) / 5 if t < 5 else 0.95**t), "at step 5 "),
    # thinks LambdaLR's first LR is the base LR
    ("01.4", [0.05, 0.05 * 0.9**3], "at index 0 "),
    ("01.4", [0.05, 0.05 * 0.9**3], "too high"),
    # thinks MultiplicativeLR also applies g at the start, like LambdaLR
    ("01.4", [0.05 * 0.9, 0.05 * 0.9**4], "at index 1 "),
    ("01.4", [0.05 * 0.9, 0.05 * 0.9**4], "too low"),
]
