"""The exercise tests' reference loop: torch stepped the way a training loop steps it, with no lrcourse in it.

A reference answer found this way is independent of the checker, which computes its own from
lrcourse.formulas; if either is wrong, the two disagree and the test fails.
"""
import torch


def record_lrs(make_scheduler, epochs, batches_per_epoch=1, step_per_batch=True, lr=0.1, momentum=0.0):
    """The LR in force at every batch: record it, optimizer.step(), then scheduler.step() after each batch or epoch."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=momentum)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(epochs):
        for _ in range(batches_per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if step_per_batch:
                scheduler.step()
        if not step_per_batch:
            scheduler.step()
    return lrs
