"""tools/wheelhouse.py and the Makefile's WHEELHOUSE route, on small folders (the real download: tests/workshop)."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import wheelhouse  # noqa: E402


@pytest.fixture
def house(tmp_path):
    folder = tmp_path / "wheelhouse"
    folder.mkdir()
    for name, body in {"a-1.0-py3-none-any.whl": b"first wheel", "b-2.0-py3-none-any.whl": b"second wheel"}.items():
        (folder / name).write_bytes(body)
    wheelhouse.write_sums(folder)
    return folder


def test_sums_are_in_the_format_sha256sum_reads(house):
    lines = (house / "SHA256SUMS").read_text().splitlines()
    assert lines[0] == f"{hashlib.sha256(b'first wheel').hexdigest()}  a-1.0-py3-none-any.whl"
    assert len(lines) == 2
    assert wheelhouse.verify(house) == 2


def test_a_corrupted_wheel_fails_verification_naming_it(house, capsys):
    (house / "b-2.0-py3-none-any.whl").write_bytes(b"second wheel, cut shor")
    assert wheelhouse.main(["verify", str(house)]) == 1
    error = capsys.readouterr().err
    assert "checksum mismatch: b-2.0-py3-none-any.whl" in error
    assert "a-1.0" not in error  # only the bad one is named
    assert "Fix: copy the folder again" in error


def test_a_missing_wheel_an_unlisted_file_and_a_missing_list_fail(house, capsys):
    (house / "a-1.0-py3-none-any.whl").unlink()
    (house / "c-3.0-py3-none-any.whl").write_bytes(b"not listed")
    assert wheelhouse.main(["verify", str(house)]) == 1
    error = capsys.readouterr().err
    assert "missing: a-1.0-py3-none-any.whl" in error and "not in SHA256SUMS: c-3.0-py3-none-any.whl" in error
    (house / "SHA256SUMS").unlink()
    with pytest.raises(wheelhouse.WheelhouseError, match="SHA256SUMS not found"):
        wheelhouse.verify(house)
    with pytest.raises(wheelhouse.WheelhouseError, match="is not a folder"):
        wheelhouse.verify(house / "nowhere")


def test_download_stops_before_pip_when_the_disk_lacks_room(tmp_path, capsys):
    status = wheelhouse.main(["download", str(tmp_path / "wh"), "tqdm", "--estimate-gb", "1e9"])
    error = capsys.readouterr().err
    assert status == 1
    assert "not enough disk for the wheelhouse" in error and "estimate 1e+09 GB" in error
    assert not (tmp_path / "wh").exists()  # nothing downloaded, no folder made
    assert wheelhouse.check_free_space(tmp_path / "wh" / "deeper", 0.0).startswith("disk: ")


# Run as `make test` runs the unit tests, make is a child of make: without this, it would inherit the parent's
# flags and print "make[2]: Entering directory" lines among the commands.
OUTSIDE_MAKE = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}


def make_dry(*args):
    return subprocess.run(["make", "--no-print-directory", "-n", "-B", *args], cwd=ROOT, capture_output=True,
                          text=True, check=True, env=OUTSIDE_MAKE).stdout


def test_without_wheelhouse_the_venv_build_is_unchanged():
    dry = make_dry(".venv/.dev-installed")
    assert "wheelhouse" not in dry and "--no-index" not in dry
    assert ".venv/bin/python -m pip install --quiet --upgrade pip\n" in dry
    assert ".venv/bin/python -m pip install -r requirements.txt\n" in dry


def test_with_wheelhouse_every_install_is_offline_after_verifying(tmp_path):
    dry = make_dry(".venv/.dev-installed", f"WHEELHOUSE={tmp_path}").splitlines()
    assert dry[0] == f"python3 tools/wheelhouse.py verify {tmp_path}"
    installs = [line for line in dry if "pip install" in line]
    assert len(installs) == 4
    for line in installs:  # the fallback after || too
        for command in line.split("||"):
            assert f"--no-index --find-links {tmp_path}" in command
    # pip upgraded from the wheelhouse, with the build backend `pip install -e . --no-build-isolation` needs
    assert "--upgrade pip setuptools wheel --no-index" in installs[0]


def test_a_corrupted_wheelhouse_stops_make_before_any_venv(house, tmp_path):
    (house / "a-1.0-py3-none-any.whl").write_bytes(b"tampered")
    venv = tmp_path / "venv"
    done = subprocess.run(["make", f"VENV={venv}", f"WHEELHOUSE={house}", f"{venv}/.course-installed"],
                          cwd=ROOT, capture_output=True, text=True, env=OUTSIDE_MAKE)
    assert done.returncode != 0
    assert "checksum mismatch: a-1.0-py3-none-any.whl" in done.stderr
    assert not venv.exists()
