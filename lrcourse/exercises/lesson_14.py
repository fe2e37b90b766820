"""Lesson 14 exercises: SWALR's anneal, a chain with a custom scheduler predicted, a broken scheduler fixed,
and the way into the SWA phase of a run."""
import functools

import numpy as np
from torch.optim.lr_scheduler import CosineAnnealingLR
from torch.optim.swa_utils import SWALR

from .. import formulas
from ..simulation import stand_in_optimizer
from .core import Exercise, only_option


def _warmup_times_exponential(t, base_lr, warmup_steps, gamma):
    """A linear warm-up multiplier (t + 1) / w, capped at 1, times gamma ** t: the chain of the two."""
    # (t + 1) / w starts at 1 / w and reaches 1 at t = w - 1.
    warmup = functools.partial(formulas.linear_warmup_lr, base_lr=base_lr, warmup_steps=warmup_steps - 1,
                               start_factor=1 / warmup_steps)
    decay = functools.partial(formulas.exponential_lr, base_lr=base_lr, gamma=gamma)
    return formulas.chained(t, [warmup, decay], base_lr)


# 14.4's situation: CosineAnnealingLR(T_max=40) from lr=0.1, stepped per epoch, 23 batches per epoch; SWA from
# epoch 30, where SWALR(swa_lr=0.05, anneal_epochs=5) must anneal from the LR in force, over 5 epochs, then hold.
SWA_EPOCHS, SWA_START, SWA_BATCHES, SWA_LR, SWA_ANNEAL = 40, 30, 23, 0.05, 5


def _swa_run_lrs(option):
    """The LR in force at the start of each epoch when the run enters its SWA phase the way ``option`` says.

    1: both schedulers step every epoch from SWA_START; 2: only SWALR steps from then on, once per epoch;
    3: only the cosine steps, SWALR never; 4: only SWALR steps from then on, after every batch.
    """
    optimizer = stand_in_optimizer("sgd", lr=0.1)
    cosine = CosineAnnealingLR(optimizer, T_max=SWA_EPOCHS)
    swa = SWALR(optimizer, swa_lr=SWA_LR, anneal_epochs=SWA_ANNEAL)
    lrs = []
    for epoch in range(SWA_EPOCHS):
        lrs.append(optimizer.param_groups[0]["lr"])
        for _ in range(SWA_BATCHES):
            optimizer.step()
            if option == 4 and epoch >= SWA_START:
                swa.step()
        if epoch < SWA_START or option in (1, 3):
            cosine.step()
        if epoch >= SWA_START and option in (1, 2):
            swa.step()
    return np.array(lrs)


def _swa_entry_choice():
    """The one option whose SWA phase is SWALR's own anneal, from the LR in force, and that LR."""
    fits = []
    for option in (1, 2, 3, 4):
        lrs = _swa_run_lrs(option)
        swa_phase = formulas.swa_lr(np.arange(SWA_EPOCHS - SWA_START), lrs[SWA_START], SWA_LR, SWA_ANNEAL)
        if np.allclose(lrs[SWA_START:], swa_phase, rtol=1e-9, atol=0):
            fits.append(option)
    option = only_option(fits, "14.4")
    return np.array([option, _swa_run_lrs(option)[SWA_START]])


EXERCISE_1 = Exercise(
    id="14.1",
    task="Build SWALR for 40 steps from lr=0.1: anneal linearly to swa_lr=0.01 over 20 steps, then hold.",
    hint="SWALR counts its own steps: anneal_epochs is how many of them the anneal takes. Which anneal does "
         "SWALR use when you do not say, and which argument changes it?",
    expected=lambda: formulas.swa_lr(np.arange(40), 0.1, swa_lr=0.01, anneal_epochs=20, anneal_strategy="linear"),
    kind="schedule", steps=40, lr=0.1, rtol=1e-9)

EXERCISE_2 = Exercise(
    id="14.2",
    task="Predict, then run: ChainedScheduler([InverseSqrtLR(opt, warmup_steps=4), ExponentialLR(opt, gamma=0.9)]) "
         "from lr=0.1. Give the LR in force at steps 3 and 16, as [lr_3, lr_16].",
    hint="each scheduler of a ChainedScheduler multiplies the LR in force by its own factor. Work out "
         "InverseSqrtLR's multiplier at each of the two steps (is step 3 still in the warm-up?), then "
         "ExponentialLR's after that many steps.",
    expected=lambda: formulas.chained([3, 16], [
        functools.partial(formulas.inverse_sqrt_lr, base_lr=0.1, warmup_steps=4),
        functools.partial(formulas.exponential_lr, base_lr=0.1, gamma=0.9),
    ], base_lr=0.1),
    kind="value", skill="predict")

EXERCISE_3 = Exercise(
    id="14.3",
    task="Fix the broken LinearWarmupLR of the lesson so that ChainedScheduler([LinearWarmupLR(opt, warmup_steps=10), "
         "ExponentialLR(opt, gamma=0.98)]) gives warm-up times decay over 60 steps from lr=0.1. "
         "Answer with a function optimizer -> that ChainedScheduler.",
    hint="two of the lesson's four rules are broken. What does super().__init__ already call, and what does it "
         "need? Does get_lr read the LR in force or recompute it from base_lrs, and what does that do to "
         "ExponentialLR's factors in the chain? lc.check_scheduler names the first rule broken.",
    expected=lambda: _warmup_times_exponential(np.arange(60), 0.1, 10, 0.98),
    kind="schedule", steps=60, lr=0.1, rtol=1e-9, skill="debug")

EXERCISE_4 = Exercise(
    id="14.4",
    task="Choose how the run enters SWA: CosineAnnealingLR(T_max=40) from lr=0.1, stepped once per epoch (23 "
         "batches each), and SWALR(optimizer, swa_lr=0.05, anneal_epochs=5) built at the start on the same "
         "optimizer. From epoch 30 on, the LR must follow SWALR's anneal from the LR in force, over 5 epochs, "
         "then hold 0.05. From epoch 30: 1 step both schedulers once per epoch; 2 step only SWALR, once per "
         "epoch; 3 keep stepping only the cosine; 4 step only SWALR, after every batch. Then give the LR in force "
         "at epoch 30, where SWALR takes over. Answer [choice, lr].",
    hint="two schedulers on one optimizer both write its LR: which of them should from epoch 30 on? And what "
         "does anneal_epochs count? The LR SWALR starts from is the cosine's at the epoch it hands over.",
    expected=_swa_entry_choice,
    kind="value", rtol=1e-6, skill="choose",
    why_not={
        1: "the cosine keeps lowering the LR while SWALR raises it: the anneal is no longer SWALR's, it lags "
           "behind it until the cosine's pull is spent.",
        3: "the cosine goes on falling towards 0: the LR never reaches swa_lr, and the average is taken over "
           "ever smaller steps.",
        4: "anneal_epochs counts SWALR's steps: stepped after every batch, the anneal is over within the first "
           "SWA epoch.",
    })

EXERCISES = (EXERCISE_1, EXERCISE_2, EXERCISE_3, EXERCISE_4)
