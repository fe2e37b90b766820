"""Lesson 09 exercises: worked solutions and plausible mistakes, checked by test_exercises_contract.py.

Every reference answer comes from torch, stepped in a loop here, not from lrcourse.formulas.
"""
import torch
from torch.optim.lr_scheduler import CyclicLR

from reference_loops import record_lrs


def cyclic(**kwargs):
    return lambda opt: CyclicLR(opt, **kwargs)


def optimizer_of(kind, lr=0.1):
    param = torch.nn.Parameter(torch.zeros(1))
    return torch.optim.Adam([param], lr=lr) if kind == "adam" else torch.optim.SGD([param], lr=lr, momentum=0.9)


def blog_at(step, optimizer):
    """The LR and beta1 (or momentum) in force at ``step`` under the blog's CyclicLR, read off a torch loop."""
    scheduler = CyclicLR(optimizer, base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20)
    for _ in range(step):
        optimizer.step()
        scheduler.step()
    group = optimizer.param_groups[0]
    return [group["lr"], group["betas"][0] if "betas" in group else group["momentum"]]


def recorded_lrs(epochs=10, batches=23, step_size_up=46, step_size_down=69, step_per_batch=True):
    """The loop of exercise 09.3, fixed (step_per_batch=True) or as the lesson gives it (False)."""
    make = cyclic(base_lr=0.001, max_lr=0.01, step_size_up=step_size_up, step_size_down=step_size_down)
    return record_lrs(make, epochs, batches, step_per_batch, momentum=0.9)


OPTIONS_09_4 = {
    1: dict(mode="triangular", step_size_up=100, step_size_down=100),
    2: dict(mode="triangular2", step_size_up=100, step_size_down=100),
    3: dict(mode="triangular2", step_size_up=150, step_size_down=150),
    4: dict(mode="exp_range", gamma=0.999, step_size_up=125, step_size_down=125),
}


def choose_09_4(steps=600):
    """Step every option in torch one step past the run; keep the one that ends at base_lr with a low last peak."""
    kept = {}
    for option, settings in OPTIONS_09_4.items():
        optimizer = optimizer_of("sgd")
        scheduler = CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, **settings)
        lrs = []
        for _ in range(steps + 1):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        # a peak is a step whose LR is above both neighbours'; the first and the last are compared
        peaks = [lrs[t] for t in range(1, steps) if lrs[t - 1] < lrs[t] > lrs[t + 1]]
        ends_at_base = abs(lrs[steps] - 0.01) < 1e-12
        if ends_at_base and peaks[-1] - 0.01 <= (peaks[0] - 0.01) / 3:
            kept[option] = peaks[-1]
    assert len(kept) == 1, kept
    return [*kept.items()][0]


SOLUTIONS = {
    "09.1": cyclic(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2"),
    "09.2": blog_at(25, optimizer_of("adam")),
    "09.3": recorded_lrs(),
    "09.4": list(choose_09_4()),
}

# (exercise id, wrong answer, text the checker's message must contain)
MISTAKES = [
    ("09.1", cyclic(base_lr=0.01, max_lr=0.1, step_size_up=5), "at step 11 "),  # "triangular", the default
    ("09.2", [0.0625, 0.825], "at index 1 (0.825) is too low"),  # beta1 moved with the LR, not against it
    ("09.2", [0.075, 0.85], "at index 0 (0.075) is too high"),  # a symmetric 20-step cycle: 10 up, 10 down
    ("09.3", recorded_lrs(step_per_batch=False), "at step 1 your LR is 0.001, too low"),  # the loop as given
    ("09.3", recorded_lrs(step_size_up=2, step_size_down=3), "too high"),  # step sizes in epochs, stepped per batch
    ("09.4", [1, 0.1], "triangular keeps the amplitude"),
    ("09.4", [3, 0.055], "only two of its 300-step cycles"),
    ("09.4", [4, 0.05], "stops mid-cycle"),
    ("09.4", [2, 0.055], "at index 1 (0.055) is too high"),  # the second peak, not the last
]
