"""A plain (non-editable) install holds the whole package: what `pip install git+...` gives a Colab user.

The Makefile installs the course with `-e .`, which reads the source tree and so hides a wheel
that leaves a subpackage out. Here the wheel is built from a copy of the sources, installed into
a fresh venv that sees the course's heavy dependencies (torch, ...) but not lrcourse itself,
and used from a folder outside the source tree.
"""
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What building needs: the metadata, the README it names, the package.
BUILD_INPUTS = ("pyproject.toml", "README.md", "lrcourse")


def run(*cmd, cwd, env=None):
    """Run a command, failing the test with its output if it fails."""
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def package_files(tree: Path) -> set[str]:
    """Every file of the package in a source tree, caches left out."""
    return {
        p.relative_to(tree).as_posix()
        for p in (tree / "lrcourse").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="session")
def sources(tmp_path_factory) -> Path:
    """A copy of what the wheel is built from (building in place would leave build/ and *.egg-info behind)."""
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    return src


@pytest.fixture(scope="session")
def wheel(sources, tmp_path_factory) -> Path:
    """The wheel, built offline with the build tools of .venv."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", str(out), str(sources), cwd=sources)
    [built] = out.glob("lrcourse-*.whl")
    return built


@pytest.fixture(scope="session")
def bare_venv(tmp_path_factory) -> Path:
    """A new venv whose only link to .venv is a path line: torch and the rest import, lrcourse does not.

    A plain directory line in a .pth file adds that directory to sys.path without running the .pth
    files inside it, so the editable install of lrcourse in .venv (itself a .pth hook) stays invisible.
    pip comes from .venv the same way, and installs into the new venv's own site-packages.
    """
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=venv)
    python = venv / "bin" / "python"
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=venv).strip())
    (own / "course-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    missing = subprocess.run([python, "-c", "import lrcourse"], cwd=venv, capture_output=True, text=True)
    assert missing.returncode != 0 and "No module named 'lrcourse'" in missing.stderr, "lrcourse is visible already"
    run(python, "-c", "import torch, numpy, matplotlib, ipywidgets, IPython, pip", cwd=venv)
    return venv


def test_the_wheel_holds_every_file_of_the_package(wheel, sources):
    in_wheel = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("lrcourse/")}
    subpackage = {"lrcourse/exercises/__init__.py", "lrcourse/exercises/core.py", "lrcourse/exercises/lesson_00.py"}
    assert subpackage <= in_wheel, \
        "the subpackage lrcourse.exercises is missing"
    expected = package_files(sources)
    assert in_wheel == expected, f"left out of the wheel: {expected - in_wheel}; added: {in_wheel - expected}"


def test_the_installed_wheel_imports_and_simulates_outside_the_source_tree(wheel, bare_venv, tmp_path):
    python = bare_venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel), cwd=tmp_path)
    script = (
        "import lrcourse as lc\n"
        "from torch.optim.lr_scheduler import StepLR\n"
        "tr = lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.001)\n"
        "print(lc.__file__)\n"
        "print(float(tr.lr[29]), float(tr.lr[30]), float(lc.formulas.step_lr(30, 0.001, step_size=30, gamma=0.1)))\n"
    )
    where, lrs = run(python, "-c", script, cwd=tmp_path).splitlines()
    assert Path(where).is_relative_to(bare_venv), f"lrcourse imported from {where}, not from the installed wheel"
    before, after, closed_form = lrs.split()
    assert float(before) == 0.001 and float(after) == pytest.approx(0.0001) and after == closed_form
