"""Lesson 10's exercise checkers: the worked solutions pass, no answer gets a hint, wrong answers say where."""
import math

from torch.optim.lr_scheduler import ConstantLR, CosineAnnealingLR, LinearLR, SequentialLR

import lrcourse as lc


def warmup_cosine(opt, t_max=180):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.05, total_iters=20),
                              CosineAnnealingLR(opt, T_max=t_max, eta_min=0.001)], milestones=[20])


def wsd(opt, decay=30):
    return SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=15),
                              ConstantLR(opt, factor=1.0, total_iters=300),
                              LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=decay)],
                        milestones=[15, 300 - decay])


def test_10_1_solution_passes():
    assert lc.check("10.1", warmup_cosine)


def test_10_1_cosine_over_all_steps_names_the_step():
    verdict = lc.check("10.1", lambda opt: warmup_cosine(opt, t_max=200))
    assert not verdict and "at step 21 " in str(verdict)


def test_10_2_solution_passes_and_unscaled_lr_fails():
    assert lc.check("10.2", [0.1 * 4096 / 256, 5 * math.ceil(1_281_167 / 4096)])
    verdict = lc.check("10.2", [0.1, 5 * math.ceil(1_281_167 / 4096)])
    assert not verdict and "index 0" in str(verdict)
    assert not lc.check("10.2", [1.6, 5])  # the warm-up counted in epochs, not steps


def test_10_3_solution_passes():
    assert lc.check("10.3", wsd)


def test_10_3_decay_too_long_names_the_step():
    verdict = lc.check("10.3", lambda opt: wsd(opt, decay=60))
    assert not verdict and "at step 241 " in str(verdict)


def test_unattempted_exercises_get_a_hint():
    for exercise_id in ("10.1", "10.2", "10.3"):
        verdict = lc.check(exercise_id, None)
        assert not verdict and "Not attempted yet" in str(verdict) and "Hint:" in str(verdict)
