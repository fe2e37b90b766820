"""Lesson 03 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Each reference answer is found here without lrcourse: a real torch loop, or the milestone count written out.
"""
import pytest
from torch.optim.lr_scheduler import MultiStepLR, StepLR

from reference_loops import record_lrs


def lr_after_milestones(epoch, milestones, gamma, base_lr=0.1):
    """MultiStepLR as its docs describe it: gamma once for every milestone already reached, repeats included."""
    return base_lr * gamma ** sum(1 for m in milestones if m <= epoch)


def shorter_recipe_choice():
    """03.4: the option whose 60 epochs sit a third at each of 0.1, 0.01, 0.001 (drops at 20 and 40)."""
    options = {
        1: lambda opt: MultiStepLR(opt, milestones=[20, 40], gamma=0.5),
        2: lambda opt: MultiStepLR(opt, milestones=[30, 60], gamma=0.1),
        3: lambda opt: StepLR(opt, step_size=30, gamma=0.01),
        4: lambda opt: StepLR(opt, step_size=20, gamma=0.1),
    }
    wanted = [0.1 * 0.1 ** (epoch // 20) for epoch in range(60)]
    fitting = [option for option, make in options.items()
               if record_lrs(make, epochs=60) == pytest.approx(wanted, rel=1e-12)]
    assert len(fitting) == 1, fitting
    lrs = record_lrs(options[fitting[0]], epochs=60)
    return [fitting[0], sum(1 for lr in lrs if lr == pytest.approx(0.1 / 100, rel=1e-12))]


SOLUTIONS = {
    "03.1": lambda opt: StepLR(opt, step_size=10, gamma=0.5),
    "03.2": [lr_after_milestones(epoch, [50, 20, 50], 0.1) for epoch in (19, 20, 49, 50)],
    "03.3": record_lrs(lambda opt: StepLR(opt, step_size=2, gamma=0.5), epochs=6, batches_per_epoch=50,
                   step_per_batch=False),
    "03.4": shorter_recipe_choice(),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("03.1", lambda opt: StepLR(opt, step_size=10, gamma=0.1), "at step 10 "),  # divides by 10 instead of halving
    ("03.2", [0.1, 0.01, 0.01, 0.001], "at index 3 (0.001) is too high"),  # the repeated 50 counted once
    ("03.2", [0.1, 0.1, 0.01, 0.01], "at index 1 (0.1) is too high"),  # each drop one epoch late
    ("03.2", [0.01, 0.01, 0.0001, 0.0001], "at index 0 (0.01) is too low"),  # each drop one epoch early
    ("03.3", record_lrs(lambda opt: StepLR(opt, step_size=2, gamma=0.5), epochs=6, batches_per_epoch=50),
     "at step 2 "),  # the loop left as it is: halves every 2 batches
    ("03.3", record_lrs(lambda opt: StepLR(opt, step_size=100, gamma=0.5), epochs=6, batches_per_epoch=50,
                    step_per_batch=False), "at step 100 "),  # both fixes at once: never halves
    ("03.4", [2, 30], "never takes effect"),  # the 90-epoch recipe's milestones
    ("03.4", [1, 20], "a quarter of the base LR"),  # halving where the recipe divides by 10
    ("03.4", [3, 30], "two LRs"),  # one drop by 100
    ("03.4", [4, 40], "at index 1 (40) is too high"),  # counts from the drop at 20
]

