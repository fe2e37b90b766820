import warnings

import pytest
import torch
from torch.optim.lr_scheduler import StepLR

import lrcourse as lc


def test_expect_prints_the_first_line_of_an_error(capsys):
    with lc.expect(ValueError):
        raise ValueError("first line\nsecond line")
    assert capsys.readouterr().out == "ValueError: first line\n"


def test_expect_catches_torchs_call_order_warning(capsys):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    scheduler = StepLR(optimizer, 1)
    with lc.expect(UserWarning, match="optimizer.step()"):
        scheduler.step()
    assert capsys.readouterr().out.startswith("UserWarning: Detected call of `lr_scheduler.step()` before")


def test_expect_fails_when_the_pitfall_no_longer_happens():
    with pytest.raises(AssertionError, match="expected ValueError, but nothing was raised"):
        with lc.expect(ValueError):
            pass
    with pytest.raises(AssertionError, match="mentioning 'total'"):
        with lc.expect(ValueError, match="total"):
            raise ValueError("something else")


def test_expect_lets_other_errors_and_warnings_through():
    with pytest.raises(KeyError):
        with lc.expect(ValueError):
            raise KeyError("x")
    with pytest.warns(DeprecationWarning):
        with pytest.raises(AssertionError):
            with lc.expect(UserWarning):
                warnings.warn("old", DeprecationWarning)


def test_expect_rejects_non_exception_kinds():
    with pytest.raises(TypeError, match="kinds must be one or more exception or warning classes"):
        with lc.expect("ValueError"):
            pass


def test_expect_prints_no_memory_addresses_and_plain_key_errors(capsys):
    import pickle

    with lc.expect(pickle.PicklingError, AttributeError, TypeError):
        pickle.dumps(lambda: 0)
    assert " at 0x" not in capsys.readouterr().out
    with lc.expect(KeyError):
        {}["initial_lr"]
    assert capsys.readouterr().out == "KeyError: initial_lr\n"
