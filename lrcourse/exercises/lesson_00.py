"""Lesson 00 exercises: the blog's StepLR loop recorded correctly, a per-batch loop debugged, get_lr() predicted."""
import warnings

from torch.optim.lr_scheduler import StepLR

from .. import formulas
from ..simulation import simulate, stand_in_optimizer
from .core import Exercise

EXERCISE_1 = Exercise(
    id="00.1",
    task="Record the LR in force at each of the blog's 100 epochs "
         "(StepLR(step_size=30, gamma=0.1), lr=0.001, one scheduler.step() per epoch).",
    hint="Epoch t trains with the LR that its optimizer.step() reads. "
         "Look at optimizer.param_groups[0]['lr'] at that moment, not after scheduler.step().",
    expected=lambda: formulas.step_lr(range(100), 0.001, step_size=30, gamma=0.1),
    kind="schedule", steps=100, lr=0.001, skill="build")


def _per_epoch_record():
    # the intended schedule, stepped by torch once per epoch: the LR at the first batch of each epoch
    return simulate(lambda optimizer: StepLR(optimizer, step_size=20, gamma=0.5), steps=60, lr=0.1).lr


EXERCISE_2 = Exercise(
    id="00.2",
    task="The loop of exercise 00.2 should multiply the LR by 0.5 every 20 epochs (lr=0.1, 60 epochs of "
         "10 batches), but it calls scheduler.step() after every batch. Fix it, in either unit, and give what "
         "it records: the LR in force at the first batch of each of the 60 epochs.",
    hint="step_size counts calls of scheduler.step(), whatever they stand for. "
         "Either call it once per epoch, or keep calling it per batch and count the 20 epochs in batches.",
    expected=_per_epoch_record,
    kind="schedule", steps=60, lr=0.1, skill="debug")


def _reported_and_in_force(steps=40, step_size=20, gamma=0.5, lr=0.1):
    """[get_lr()[0] right after `steps` calls of scheduler.step(), the LR in force for the next epoch], from torch."""
    optimizer = stand_in_optimizer("sgd", lr=lr)
    scheduler = StepLR(optimizer, step_size=step_size, gamma=gamma)
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # get_lr() outside step() warns: that is the point here
        reported = scheduler.get_lr()[0]
    return [reported, optimizer.param_groups[0]["lr"]]


EXERCISE_3 = Exercise(
    id="00.3",
    task="Predict, before running anything: in the blog's loop with StepLR(step_size=20, gamma=0.5) from lr=0.1, "
         "give [what scheduler.get_lr()[0] reports right after the 40th scheduler.step(), "
         "the LR in force during epoch 40].",
    hint="After 40 calls the scheduler has already set the LR of epoch 40. "
         "Then read StepLR.get_lr: what does it compute when last_epoch is a multiple of step_size?",
    expected=_reported_and_in_force,
    kind="value", skill="predict")

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3)
