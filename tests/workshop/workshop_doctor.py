"""`make doctor` for real (`make test-workshop`): it passes on this machine, and fails, saying why and how to fix
it, when a port is taken, the widgets extension is disabled, torch is not the pinned version, the notebooks are
not trusted. Jupyter's user folders are temporary ones, so the tests neither read nor change the user's own.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCTOR = ROOT / "tools" / "doctor.py"
sys.path.insert(0, str(ROOT / "tools"))
import doctor  # noqa: E402

pytestmark = pytest.mark.skipif(not doctor.STAMP.exists(), reason="needs the course's .venv")


@pytest.fixture
def jupyter_env(tmp_path):
    """Jupyter's user data (the trust database) and config in temporary folders; the notebooks trusted there."""
    env = os.environ | {"JUPYTER_DATA_DIR": str(tmp_path / "data"), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    subprocess.run([doctor.venv_tool("jupyter"), "trust", *doctor.NOTEBOOKS], env=env, check=True,
                   capture_output=True)
    return env


def run_doctor(env, *args):
    start = time.monotonic()
    done = subprocess.run([sys.executable, DOCTOR, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    return done, time.monotonic() - start


def test_the_doctor_passes_here_in_under_a_minute(jupyter_env):
    done, seconds = run_doctor(jupyter_env, "--port", str(doctor.free_port()))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert all(line.startswith("ok       ") for line in lines[:-2]), done.stdout
    assert lines[-2] == "11 of 11 checks pass"
    assert seconds < 60


def test_a_taken_port_a_disabled_extension_a_wrong_pin_and_untrusted_notebooks_fail(jupyter_env, tmp_path):
    labconfig = tmp_path / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {doctor.WIDGETS_EXTENSION: True}}))
    env = jupyter_env | {"JUPYTER_DATA_DIR": str(tmp_path / "no-trust")}  # a database that trusts nothing
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done, _ = run_doctor(env, "--port", str(port), "--torch-pin", "0.0.1")
    out = done.stdout
    assert done.returncode == 1
    assert f"PROBLEM  port {port}: taken on 127.0.0.1" in out and "fix: make lab PORT=" in out
    assert "PROBLEM  ipywidgets extension: disabled" in out
    assert "fix: .venv/bin/jupyter labextension enable @jupyter-widgets/jupyterlab-manager" in out
    assert "PROBLEM  torch: 2.14.1" in out and "requirements.txt pins 0.0.1" in out
    assert f"PROBLEM  notebooks trusted: {len(doctor.NOTEBOOKS)} of {len(doctor.NOTEBOOKS)} are not" in out
    assert "ok       jupyterlab: serves on 127.0.0.1" in out and "ok       lesson cell" in out  # the rest still runs
    assert out.splitlines()[-2] == "7 of 11 checks pass, 4 problem(s)"


def test_without_the_venv_every_check_that_needs_it_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(doctor, "VENV", tmp_path / "none")
    results = doctor.checks(doctor.free_port())
    assert [ok for ok, _, _ in results] == [True, True, True] + [False] * 7
    assert all("make lab" in fix for _, _, fix in results[3:])
