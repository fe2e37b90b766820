"""A wheelhouse: every wheel the course installs, in one folder, with its SHA256SUMS, for laptops without network.

    python3 tools/wheelhouse.py download wheelhouse -r requirements-dev.txt   # online, once (make wheelhouse)
    python3 tools/wheelhouse.py verify wheelhouse                             # before an offline install

``download`` checks the free disk first against a stated estimate, runs ``pip download`` (the pins as they are,
plus pip, setuptools and wheel, which the offline venv build needs), then writes SHA256SUMS in the format
``sha256sum -c`` reads and prints the wheelhouse's size.  ``verify`` fails, naming the file, on a checksum that
differs, a listed file that is missing, or a file that is not listed.  The standard library only: it runs with the
system Python before any venv exists.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

SUMS = "SHA256SUMS"
GB = 1024**3
# Measured on Linux x86-64, Python 3.11: requirements-dev.txt with torch's CUDA wheels, 171 files, 3.0 GB.
ESTIMATE_GB = 3.5
# Room left over after the download, for pip's temporary files and the laptop itself.
MARGIN_GB = 1.0
# What building .venv from the wheelhouse needs besides the requirements: `pip install --upgrade pip` in the
# Makefile, and setuptools (pyproject.toml's build backend, wheel for older pips) for `pip install -e .`.
BUILD_TOOLS = ("pip", "setuptools", "wheel")


class WheelhouseError(Exception):
    """A problem the user can fix; its message says what and how."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def human(n: float) -> str:
    return f"{n / GB:.2f} GB" if n >= GB / 10 else f"{n / 1024**2:.1f} MB"


def check_free_space(folder: Path, estimate_gb: float) -> str:
    """Fail before downloading when the disk holding ``folder`` has less than the estimate plus a margin."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    present = size_of(folder) if folder.is_dir() else 0  # files already there are not fetched again
    needed = max(estimate_gb * GB - present, 0) + MARGIN_GB * GB
    if free < needed:
        raise WheelhouseError(
            f"not enough disk for the wheelhouse: {human(free)} free at {probe}, {human(needed)} needed "
            f"(estimate {estimate_gb:g} GB of wheels + {MARGIN_GB:g} GB margin). "
            f"Fix: free some space, or give another folder: make wheelhouse WHEELHOUSE=/path/with/room"
        )
    return f"disk: {human(free)} free, about {human(needed)} needed"


def write_sums(folder: Path) -> list[str]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS)
    lines = [f"{sha256(p)}  {p.name}" for p in files]
    (folder / SUMS).write_text("".join(line + "\n" for line in lines))
    return lines


def read_sums(folder: Path) -> dict[str, str]:
    sums_file = folder / SUMS
    if not sums_file.is_file():
        raise WheelhouseError(
            f"{sums_file} not found: this is not a wheelhouse made by `make wheelhouse`. "
            f"Fix: copy the whole folder again, or run `make wheelhouse` on a laptop with network"
        )
    sums = {}
    for number, line in enumerate(sums_file.read_text().splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise WheelhouseError(f"{sums_file}:{number}: not a `<sha256>  <file>` line: {line!r}")
        sums[name] = digest
    return sums


def verify(folder: Path) -> int:
    """Every listed file present with its checksum, and no unlisted file; returns how many files were checked."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WheelhouseError(f"wheelhouse {folder} is not a folder. Fix: give the path of the copied folder")
    sums = read_sums(folder)
    problems = []
    for name, expected in sums.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif sha256(path) != expected:
            problems.append(f"checksum mismatch: {name} (sha256 {sha256(path)}, SHA256SUMS says {expected})")
    listed = set(sums) | {SUMS}
    problems += [f"not in {SUMS}: {p.name}" for p in sorted(folder.iterdir()) if p.is_file() and p.name not in listed]
    if problems:
        raise WheelhouseError(
            f"wheelhouse {folder} failed verification ({len(problems)} problem(s)):\n  "
            + "\n  ".join(problems)
            + "\nFix: copy the folder again from the laptop that ran `make wheelhouse` (a USB copy cut short or a "
            "corrupted file), or run `make wheelhouse` again there"
        )
    return len(sums)


def download(folder: Path, requirements: list[str], packages: list[str], estimate_gb: float, pip_args: list[str],
             python: str = sys.executable) -> None:
    folder = Path(folder)
    print(check_free_space(folder, estimate_gb), flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    command = [python, "-m", "pip", "download", "--dest", str(folder), *pip_args]
    for path in requirements:
        command += ["-r", path]
    command += [*packages, *BUILD_TOOLS]
    if subprocess.run(command).returncode:
        raise WheelhouseError(f"pip download failed (see above): {' '.join(command)}")
    not_wheels = [p.name for p in folder.iterdir() if p.is_file() and p.name != SUMS and not p.name.endswith(".whl")]
    if not_wheels:
        print(f"note: not wheels, to be built on each laptop: {', '.join(not_wheels)}", flush=True)
    lines = write_sums(folder)
    print(f"wheelhouse {folder}: {len(lines)} files, {human(size_of(folder))}, "
          f"checksums in {folder / SUMS}, {time.perf_counter() - start:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    down = commands.add_parser("download", help="pip download into FOLDER, then write SHA256SUMS")
    down.add_argument("folder", type=Path)
    down.add_argument("-r", "--requirement", action="append", default=[], dest="requirements")
    down.add_argument("packages", nargs="*", help="more requirements, as pip takes them")
    down.add_argument("--estimate-gb", type=float, default=ESTIMATE_GB, help="GB (default %(default)s)")
    down.add_argument("--pip-arg", action="append", default=[], help="passed to pip download (e.g. --no-deps)")
    check = commands.add_parser("verify", help="check FOLDER against its SHA256SUMS")
    check.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "download":
            download(args.folder, args.requirements, args.packages, args.estimate_gb, args.pip_arg)
        else:
            count = verify(args.folder)
            print(f"wheelhouse {args.folder}: {count} files match {SUMS}")
    except WheelhouseError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
