"""Lesson 05 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Each reference answer is found here without lrcourse: a real torch loop, or SGDR's cosine written out.
"""
import math

from torch.optim.lr_scheduler import CosineAnnealingLR

from reference_loops import record_lrs


def sgdr_cosine(t, base_lr, t_max, eta_min=0.0):
    """Loshchilov & Hutter (2017), eq. (5), with T_cur = t and no restarts."""
    return eta_min + 0.5 * (base_lr - eta_min) * (1 + math.cos(math.pi * t / t_max))


def short_t_max_landmarks():
    """05.2: [epochs at eta_min, last epoch at the base LR] of T_max=15 over epochs 0..99, from the formula."""
    lrs = [sgdr_cosine(t, 0.1, 15) for t in range(100)]
    bottoms = sum(1 for lr in lrs if abs(lr) < 1e-12)
    last_top = max(t for t, lr in enumerate(lrs) if abs(lr - 0.1) < 1e-12)
    return [bottoms, last_top]


def fine_tuning_choice():
    """05.4: the option that falls once, never rises and ends below 5% of lr=2e-5 over 3 x 200 per-batch steps."""
    base_lr, epochs, batches = 2e-5, 3, 200
    options = {1: (epochs, 1e-5), 2: (epochs * batches, base_lr / 100), 3: (epochs * batches, 1e-5),
               4: (epochs, base_lr / 100)}
    fitting = []
    for option, (t_max, eta_min) in options.items():
        lrs = record_lrs(lambda opt: CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min), epochs=epochs,
                     batches_per_epoch=batches, lr=base_lr)
        never_rises = all(later <= earlier * (1 + 1e-12) for earlier, later in zip(lrs, lrs[1:]))
        if never_rises and lrs[-1] < 0.05 * base_lr:
            fitting.append(option)
    assert len(fitting) == 1, fitting
    return [fitting[0], options[fitting[0]][0]]


SOLUTIONS = {
    "05.1": lambda opt: CosineAnnealingLR(opt, T_max=100, eta_min=1e-4),
    "05.2": short_t_max_landmarks(),
    "05.3": record_lrs(lambda opt: CosineAnnealingLR(opt, T_max=200), epochs=8, batches_per_epoch=25),
    "05.4": fine_tuning_choice(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("05.1", lambda opt: CosineAnnealingLR(opt, T_max=20, eta_min=1e-4), "at step 1 "),  # the blog's T_max
    ("05.1", lambda opt: CosineAnnealingLR(opt, T_max=50, eta_min=1e-4), "too low"),  # T_max read as half the run
    ("05.2", [6, 90], "at index 0 (6) is too high"),  # T_max read as the period
    ("05.2", [3, 99], "at index 1 (99) is too high"),  # the run's last epoch is not at a top
    ("05.3", record_lrs(lambda opt: CosineAnnealingLR(opt, T_max=8), epochs=8, batches_per_epoch=25),
     "at step 1 "),  # the loop left as it is: down and up every 16 batches
    ("05.3", record_lrs(lambda opt: CosineAnnealingLR(opt, T_max=8), epochs=8, batches_per_epoch=25,
                    step_per_batch=False), "at step 1 your LR is 0.1, too high"),  # stepped per epoch: a staircase
    ("05.4", [3, 600], "half this run's base LR"),  # the blog's eta_min
    ("05.4", [4, 3], "down and back up"),  # T_max in epochs
    ("05.4", [1, 3], "down and back up"),  # both wrong
    ("05.4", [2, 3], "at index 1 (3) is too low"),  # the right option, T_max counted in epochs
]
