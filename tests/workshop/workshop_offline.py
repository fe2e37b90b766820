"""The wheelhouse route end to end, on a few small wheels: `make test-workshop`, run by CI (not by `make unit`,
which does not collect these files: they are not test_*.py).

Online: tools/wheelhouse.py downloads two small pure-Python wheels of the course's pins plus pip, setuptools and
wheel, next to a wheel of the course's own code. Offline: a fresh venv installs from it with every index disabled
(PIP_NO_INDEX, an index URL on a dead local port, no pip config, no find-links, no proxy), as the Makefile's
WHEELHOUSE route does, and imports what it installed. A corrupted wheel is refused before pip runs.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "wheelhouse.py"
DEAD_INDEX = "http://127.0.0.1:9/"  # the discard port: nothing listens, any index access fails at once
SMALL = ["tqdm==4.70.1", "packaging"]  # tqdm as pinned in requirements.txt; both pure Python


def offline_env() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return env | {"PIP_NO_INDEX": "1", "PIP_INDEX_URL": DEAD_INDEX, "PIP_CONFIG_FILE": os.devnull,
                  "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_RETRIES": "0", "PIP_TIMEOUT": "3"}


def run(*command, env=None, cwd=None, check=True):
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, env=env, cwd=cwd)
    if check and done.returncode:
        raise AssertionError(f"{command} failed:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A copy of what lrcourse is built from (building in place would leave build/ and *.egg-info behind)."""
    folder = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "lrcourse", folder / "lrcourse", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, folder)
    return folder


@pytest.fixture(scope="module")
def house(tmp_path_factory, source):
    """A wheelhouse of the small set, the build tools and lrcourse, made online, with its SHA256SUMS."""
    folder = tmp_path_factory.mktemp("workshop") / "wheelhouse"
    folder.mkdir()
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", folder, source)
    done = run(sys.executable, TOOL, "download", folder, *SMALL, "--pip-arg=--no-deps", "--estimate-gb", "0.05")
    assert "disk: " in done.stdout and "checksums in" in done.stdout
    return folder


def test_the_wheelhouse_holds_the_small_set_the_build_tools_and_the_course(house):
    names = sorted(p.name.split("-")[0].lower() for p in house.glob("*.whl"))
    assert names == ["lrcourse", "packaging", "pip", "setuptools", "tqdm", "wheel"]
    listed = {line.split("  ")[1] for line in (house / "SHA256SUMS").read_text().splitlines()}
    assert listed == {p.name for p in house.glob("*.whl")}
    assert "6 files match SHA256SUMS" in run(sys.executable, TOOL, "verify", house).stdout


def test_a_fresh_venv_installs_from_it_with_every_index_disabled_and_imports_it(house, source, tmp_path):
    env = offline_env()
    run(sys.executable, "-m", "venv", tmp_path / "venv", env=env)
    python = tmp_path / "venv" / "bin" / "python"
    # The dead index is really dead: without the wheelhouse, pip finds nothing.
    refused = run(python, "-m", "pip", "install", "--no-cache-dir", "tqdm", env=env, check=False)
    assert refused.returncode != 0
    # As the Makefile's $(COURSE) recipe with WHEELHOUSE: verify, upgrade pip with the build tools, install.
    run(sys.executable, TOOL, "verify", house, env=env)
    offline = ["--no-cache-dir", "--no-index", "--find-links", house]
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip", "setuptools", "wheel", *offline, env=env)
    run(python, "-m", "pip", "install", *offline, "--no-deps", *SMALL, "lrcourse", env=env)
    code = ("import lrcourse, packaging, tqdm, setuptools; print(tqdm.__version__, lrcourse.__file__); "
            "print(sorted(lrcourse.__all__)[:2])")
    out = run(python, "-c", code, env=env, cwd=tmp_path).stdout.splitlines()
    assert out[0].startswith("4.70.1 ") and str(tmp_path / "venv") in out[0]
    # `pip install -e .` as the Makefile does it, with no build isolation: setuptools comes from the wheelhouse.
    run(python, "-m", "pip", "install", *offline, "--no-deps", "--no-build-isolation", "-e", source, env=env)
    assert run(python, "-c", "import lrcourse; print(lrcourse.__file__)", env=env, cwd=tmp_path).stdout.strip() \
        == str(source / "lrcourse" / "__init__.py")


def test_a_corrupted_wheel_is_refused_with_a_clear_message(house, tmp_path):
    copy = tmp_path / "copied"
    shutil.copytree(house, copy)
    wheel = next(copy.glob("tqdm-*.whl"))
    data = bytearray(wheel.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped, as a bad USB copy would
    wheel.write_bytes(bytes(data))
    done = run(sys.executable, TOOL, "verify", copy, check=False)
    assert done.returncode == 1
    assert f"checksum mismatch: {wheel.name}" in done.stderr and "1 problem(s)" in done.stderr
    # make stops before building the venv
    venv = tmp_path / "venv"
    made = run("make", f"VENV={venv}", f"WHEELHOUSE={copy}", f"{venv}/.course-installed", cwd=ROOT, check=False)
    assert made.returncode != 0 and f"checksum mismatch: {wheel.name}" in made.stderr
    assert not venv.exists()
