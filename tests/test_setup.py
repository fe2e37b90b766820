"""The set-up promised in README: pins, environment.yml, CI script, and that `make lab` serves JupyterLab."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# pip name -> conda-forge name where they differ
CONDA_NAMES = {"torch": "pytorch-cpu"}


def pins(path):
    found = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            name, _, version = line.partition("==")
            found[name.lower()] = version
    return found


def test_every_requirement_is_pinned_exactly():
    for path in ("requirements.txt", "requirements-dev.txt", "requirements-site.txt"):
        for name, version in pins(path).items():
            assert re.fullmatch(r"\d+(\.\d+)+", version), f"{path}: {name} is not pinned with =="
    assert pins("requirements.txt")["torch"] == "2.14.1"
    assert pins("requirements.txt")["torchvision"] == "0.29.1"


def test_environment_yml_names_every_requirement_at_the_same_minor_version():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            conda[name] = version
        elif isinstance(dep, dict) and "pip" in dep:
            # A package conda-forge does not carry comes from PyPI, pinned exactly as in requirements*.txt.
            for line in dep["pip"]:
                name, sep, version = line.partition("==")
                if sep:
                    pip[name.strip().lower()] = version.strip()
    assert conda["python"] == "3.11"
    for name, version in (pins("requirements.txt") | pins("requirements-dev.txt")).items():
        if name in pip:
            assert pip[name] == version, f"environment.yml pip: {name}=={pip[name]} vs requirements {version}"
            assert CONDA_NAMES.get(name, name) not in conda, f"{name} is listed twice in environment.yml"
            continue
        conda_name = CONDA_NAMES.get(name, name)
        assert conda_name in conda, f"environment.yml lacks {conda_name} (requirements: {name}=={version})"
        assert version.startswith(conda[conda_name] + "."), f"{conda_name}: {conda[conda_name]} vs {version}"
    assert set(pip) <= set(pins("requirements.txt") | pins("requirements-dev.txt")), "a pip entry not in requirements"


def test_ci_runs_make_test_the_portability_and_stress_checks_the_site_and_the_browser_tests():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    steps = [c for c in commands if c.startswith("make ")]
    assert steps == ["make test", "make test-portable", "make test-stress", "make site", "make browser-test",
                     "make test-workshop"]
    # Chromium is installed from Debian's packages before the browser tests when it is missing.
    assert any("apt-get install" in c and "chromium" in c for c in commands[: commands.index("make browser-test")])
    assert "set -euo pipefail" in commands
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_test_portable_reruns_every_notebook_as_two_lesser_cpus():
    """Two nbval passes over every notebook, each under tools/lesser_cpu.py's switches for torch, MKL and numpy."""
    dry = subprocess.run(["make", "-n", "test-portable"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = [line for line in dry.splitlines() if "--nbval" in line]
    assert [re.search(r"tools/lesser_cpu\.py (\w+)", line).group(1) for line in lines] == ["default", "avx2"]
    assert all("env $cpu" in line and line.startswith("cpu=$(") for line in lines)  # the switches reach nbval
    every = {str(p.relative_to(ROOT)) for p in sorted((ROOT / "notebooks").rglob("*.ipynb"))
             if ".ipynb_checkpoints" not in p.parts}
    for line in lines:
        assert set(w for w in line.split() if w.endswith(".ipynb")) == every
    for level in ("default", "avx2"):  # what the passes set, as the tool prints it
        printed = subprocess.run([sys.executable, "tools/lesser_cpu.py", level], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
        assert {item.split("=")[0] for item in printed} >= {"ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS"}


def test_readme_gives_the_two_commands_on_its_first_screen():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_jupyterlab(tmp_path):
    """Run the Makefile's own `lab` recipe (the venv already exists) and wait for /api/status."""
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed")
    port, token = free_port(), "lrcourse-test-token"
    env = os.environ | {"JUPYTER_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path), "BROWSER": "true"}
    cmd = [make, "-s", "lab", f"PORT={port}", f"LAB_FLAGS=--no-browser --ServerApp.token={token}"]
    log_path = tmp_path / "lab.log"  # a file, not a pipe: a full pipe would stall the server
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/status?token={token}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-2000:]
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    status = response.read().decode()
                    assert '"started"' in status
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer /api/status within 120 s")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as response:
            listing = response.read().decode()
        assert "00_start_here.ipynb" in listing  # served from notebooks/
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


# lc.setup(): the one call that opens every lesson.


@pytest.fixture
def restored_globals():
    """lc.setup changes process-wide state (rcParams, numpy printing, torch's seed); put it back afterwards."""
    import matplotlib as mpl
    import numpy as np

    printoptions = np.get_printoptions()
    with mpl.rc_context():
        yield
    np.set_printoptions(**printoptions)


def test_lc_setup_styles_seeds_and_sets_print_options_silently(restored_globals, capsys):
    import matplotlib as mpl
    import numpy as np
    import torch

    import lrcourse as lc
    from lrcourse.plotting import STYLE

    mpl.rcdefaults()
    np.set_printoptions(precision=8, suppress=False)
    assert lc.setup(seed=7) is None
    assert capsys.readouterr() == ("", "")
    drawn = torch.rand(3)
    torch.manual_seed(7)
    assert torch.equal(drawn, torch.rand(3)), "lc.setup(seed=7) must seed torch as torch.manual_seed(7) does"
    assert np.get_printoptions()["precision"] == 6 and np.get_printoptions()["suppress"] is True
    styled = mpl.RcParams(STYLE)  # validated as rcParams are, so (7.0, 3.4) reads back as [7.0, 3.4]
    for key in STYLE:
        assert mpl.rcParams[key] == styled[key], key
    lc.setup()  # the default seed is 0
    drawn = torch.rand(3)
    torch.manual_seed(0)
    assert torch.equal(drawn, torch.rand(3))


@pytest.mark.parametrize(
    ("seed", "error"), [(-1, ValueError), (True, TypeError), (1.0, TypeError), ("0", TypeError), (None, TypeError)]
)
def test_lc_setup_rejects_a_seed_that_is_not_an_int_at_least_zero(restored_globals, seed, error):
    import lrcourse as lc

    with pytest.raises(error, match="seed"):
        lc.setup(seed=seed)
