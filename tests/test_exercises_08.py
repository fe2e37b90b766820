"""Lesson 08's exercise checkers: the worked solutions pass, no answer gets a hint, wrong answers say where."""
import numpy as np
from torch.optim.lr_scheduler import ReduceLROnPlateau

import lrcourse as lc

LOSS = np.r_[np.linspace(1.0, 0.5, 20), np.full(40, 0.5)]


def test_08_1_solution_passes():
    answer = lc.simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5), steps=60, lr=0.1, metrics=LOSS)
    assert lc.check("08.1", answer)


def test_08_1_blog_patience_names_the_step():
    wrong = lc.simulate(lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=3), steps=60, lr=0.1, metrics=LOSS)
    verdict = lc.check("08.1", wrong)
    assert not verdict and "at step 24 " in str(verdict)


def test_08_1_a_bare_function_is_feedback_not_a_crash():
    verdict = lc.check("08.1", lambda opt: ReduceLROnPlateau(opt, factor=0.5, patience=5))
    assert not verdict and "metrics" in str(verdict)


def test_08_2_solution_passes_and_swapped_fails():
    assert lc.check("08.2", [0.5 * (1 - 0.01), 0.5 - 0.01])
    verdict = lc.check("08.2", [0.49, 0.495])
    assert not verdict and "index 0" in str(verdict)


def test_08_3_solution_passes():
    answer = lc.simulate(
        lambda opt: ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=3, cooldown=2, min_lr=1e-3),
        steps=60, lr=0.1, metrics=1 - LOSS)
    assert lc.check("08.3", answer)


def test_08_3_default_mode_names_the_step():
    wrong = lc.simulate(
        lambda opt: ReduceLROnPlateau(opt, factor=0.1, patience=3, cooldown=2, min_lr=1e-3),
        steps=60, lr=0.1, metrics=1 - LOSS)
    verdict = lc.check("08.3", wrong)
    assert not verdict and "at step " in str(verdict)


def test_unattempted_exercises_get_a_hint():
    for exercise_id in ("08.1", "08.2", "08.3"):
        verdict = lc.check(exercise_id, None)
        assert not verdict and "Not attempted yet" in str(verdict) and "Hint:" in str(verdict)
