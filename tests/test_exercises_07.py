"""Lesson 07's exercise checkers: the worked solutions pass, no answer gets a hint, wrong answers say where."""
import math

from torch.optim.lr_scheduler import OneCycleLR

import lrcourse as lc


def test_07_1_solution_passes():
    def answer(opt):
        return OneCycleLR(opt, max_lr=0.05, total_steps=200, pct_start=0.25, anneal_strategy="linear")

    assert lc.check("07.1", answer)


def test_07_1_cosine_instead_of_linear_names_the_step():
    verdict = lc.check("07.1", lambda opt: OneCycleLR(opt, max_lr=0.05, total_steps=200, pct_start=0.25))
    assert not verdict
    assert "at step 1 " in str(verdict)


def test_07_2_solution_passes_and_forgetting_accumulation_fails():
    assert lc.check("07.2", 12 * math.ceil(50 / 4))
    wrong = lc.check("07.2", 12 * 50)
    assert not wrong and "600" in str(wrong)
    assert not lc.check("07.2", 12 * (50 // 4))  # drops the partial group


def test_07_3_solution_passes():
    def answer(opt):
        return OneCycleLR(opt, max_lr=0.1, total_steps=100, pct_start=0.4, div_factor=10, three_phase=True)

    assert lc.check("07.3", answer)


def test_07_3_two_phases_names_the_step():
    verdict = lc.check("07.3", lambda opt: OneCycleLR(opt, max_lr=0.1, total_steps=100, pct_start=0.4, div_factor=10))
    assert not verdict
    assert "at step 40 " in str(verdict)


def test_unattempted_exercises_get_a_hint():
    for exercise_id in ("07.1", "07.2", "07.3"):
        verdict = lc.check(exercise_id, None)
        assert not verdict and "Not attempted yet" in str(verdict) and "Hint:" in str(verdict)
