"""tools/doctor.py's quick checks, each on a broken condition (the whole doctor, run for real: tests/workshop)."""
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import doctor  # noqa: E402

LISTING = """JupyterLab v4.6.6
/work/main/.venv/share/jupyter/labextensions
        jupyterlab_pygments v0.3.0 \x1b[32menabled\x1b[0m \x1b[32mOK\x1b[0m (python, jupyterlab_pygments)
    @jupyter-widgets/jupyterlab-manager v5.0.16 \x1b[32menabled\x1b[0m \x1b[32mOK\x1b[0m (python, jupyterlab_widgets)
"""


def test_the_pins_are_read_from_requirements_txt():
    assert doctor.pin("torch") == "2.14.1"
    assert doctor.pin("ipywidgets") == "8.1.9"
    assert doctor.pin("no-such-package") is None


def test_a_taken_port_is_a_problem_whose_fix_names_a_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ok, message, fix = doctor.check_port(port)
    assert not ok
    assert message.startswith(f"port {port}: taken on 127.0.0.1")
    assert fix.startswith("make lab PORT=") and int(fix.split("=")[1]) != port
    assert doctor.check_port(port)[0]  # free again once the socket is closed


def test_the_widgets_extension_missing_or_disabled_is_a_problem():
    assert doctor.check_widgets(LISTING) == (
        True, "ipywidgets extension: @jupyter-widgets/jupyterlab-manager v5.0.16 enabled", "")
    missing = "\n".join(line for line in LISTING.splitlines() if "jupyter-widgets" not in line)
    ok, message, fix = doctor.check_widgets(missing)
    assert not ok and "not installed: sliders would not show" in message
    assert "pip install" in fix and "ipywidgets==8.1.9" in fix
    ok, message, fix = doctor.check_widgets(LISTING.replace("\x1b[32menabled", "\x1b[31mdisabled"))
    assert not ok and message.startswith("ipywidgets extension: disabled")
    assert fix == ".venv/bin/jupyter labextension enable @jupyter-widgets/jupyterlab-manager"


def test_old_python_a_full_disk_a_missing_venv_and_a_missing_make(tmp_path, monkeypatch):
    assert not doctor.check_python((3, 9, 18))[0]
    assert doctor.check_python((3, 11, 7)) == (True, "python 3.11.7", "")
    ok, message, _ = doctor.check_disk(tmp_path, min_free_gb=1e9)
    assert not ok and "less than 1e+09 GB" in message
    ok, message, fix = doctor.check_venv(tmp_path / "bin" / "python")
    assert not ok and "not found" in message and "make lab WHEELHOUSE=path" in fix
    (tmp_path / "python").touch()
    ok, message, fix = doctor.check_venv(tmp_path / "python", stamp=tmp_path / ".course-installed")
    assert not ok and "did not finish" in message and fix.startswith("rm -rf .venv")
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    assert not doctor.check_make()[0]


def test_a_kernel_or_a_cell_that_fails_is_a_problem():
    assert not doctor.check_kernel({"error": "no answer in 50 s"})[0]
    error = [{"output_type": "error", "ename": "ModuleNotFoundError", "evalue": "No module named 'lrcourse'"}]
    ok, message, _ = doctor.check_kernel({"cells": [error, []], "seconds": 1.0})
    assert not ok and "ModuleNotFoundError" in message
    ok, message, _ = doctor.check_lesson_cell({"cells": [[], [{"output_type": "execute_result",
                                                               "data": {"text/plain": "x"}}]], "seconds": 1.0})
    assert not ok and "drew no widget and figure" in message


def test_the_report_exits_non_zero_on_any_problem(capsys):
    assert doctor.report([(True, "python 3.11.7", "")]) == 0
    assert doctor.report([(True, "python 3.11.7", ""), (False, "port 8888: taken", "make lab PORT=8889")]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM  port 8888: taken\n         fix: make lab PORT=8889\n" in out
    assert out.rstrip().endswith("1 of 2 checks pass, 1 problem(s)")


@pytest.mark.skipif(not doctor.venv_python().exists(), reason="needs .venv")
def test_a_wrong_torch_pin_is_a_problem():
    ok, message, fix = doctor.check_torch("0.0.1")
    assert not ok
    assert message.startswith("torch: 2.14.1") and message.endswith("requirements.txt pins 0.0.1")
    assert "torch==0.0.1" in fix
