"""Lesson 09's exercise checkers: the worked solutions pass, no answer gets a hint, wrong answers say where."""
from torch.optim.lr_scheduler import CyclicLR

import lrcourse as lc


def test_09_1_solution_passes():
    assert lc.check("09.1", lambda opt: CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2"))


def test_09_1_triangular_names_the_step():
    verdict = lc.check("09.1", lambda opt: CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5))
    assert not verdict and "at step 11 " in str(verdict)


def test_09_2_solution_passes():
    def answer(opt):
        return CyclicLR(opt, base_lr=0.001, max_lr=0.01, step_size_up=20, step_size_down=5, mode="exp_range", gamma=0.99)

    assert lc.check("09.2", answer)


def test_09_2_gamma_as_a_percentage_names_the_step():
    def wrong(opt):
        return CyclicLR(opt, base_lr=0.001, max_lr=0.01, step_size_up=20, step_size_down=5, mode="exp_range", gamma=0.01)

    verdict = lc.check("09.2", wrong)
    assert not verdict and "at step 1 " in str(verdict)


def test_09_3_solution_passes_and_the_lr_fails():
    trace = lc.simulate(lambda opt: CyclicLR(opt, base_lr=0.05, max_lr=0.1, step_size_up=10, step_size_down=20),
                        steps=30, optimizer="adam")
    assert lc.check("09.3", trace.momentum[25])
    assert not lc.check("09.3", trace.lr[25])


def test_unattempted_exercises_get_a_hint():
    for exercise_id in ("09.1", "09.2", "09.3"):
        verdict = lc.check(exercise_id, None)
        assert not verdict and "Not attempted yet" in str(verdict) and "Hint:" in str(verdict)
