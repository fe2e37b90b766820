"""`make doctor`: a pre-flight check of one laptop before a workshop, in under a minute, after `make lab`.

One line per check: ``ok``, or ``PROBLEM`` with what is wrong and how to fix it; exit 0 only when all pass.
Each check is a function returning ``(ok, message, fix)``.  The standard library only, run with the system
Python: the checks that need the course's packages run the venv's Python in a subprocess, the slow ones
(JupyterLab, the extension list, the kernel) side by side.

    python3 tools/doctor.py [--port 8888]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"  # the Makefile's $(COURSE): written once the venv is fully installed
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/solutions/*.ipynb")])
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
MIN_FREE_GB = 1.0  # after the venv is built: checkpoints, figures, a kernel's scratch
TIMEOUT = 50  # seconds, for any one check
REBUILD = "make clean, then make lab"  # the fix when an installed package is broken
ROOT_FLAG = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
# The lesson cell of notebooks/03_step.ipynb that builds an explorer, after the first cell of every lesson.
SETUP_CELL = "import lrcourse as lc\nlc.setup()"
LESSON_CELL = ("from torch.optim.lr_scheduler import StepLR\n"
               "explorer = lc.explore(StepLR, steps=100, lr=0.1, step_size=(1, 50, 1), gamma=(0.05, 0.95, 0.05))\n"
               "explorer")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_tool(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def course_env() -> dict:
    """The environment `make` gives the course: one BLAS thread, and no GPU asked for."""
    return {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}


def run(command: list, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout,
                          env=course_env(), cwd=ROOT)


def pin(name: str, requirements: Path = ROOT / "requirements.txt") -> str | None:
    """The version ``requirements.txt`` pins ``name`` to (``name==version``)."""
    for line in requirements.read_text().splitlines():
        package, sep, version = line.split("#")[0].strip().partition("==")
        if sep and package.strip().lower() == name:
            return version.strip()
    return None


def needs_venv(name: str):
    """The result of a check that cannot run without the venv."""
    return False, f"{name}: not checked, the venv is missing", "make lab (online), or make lab WHEELHOUSE=path"


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


# --- the checks: each returns (ok, message, fix) ---------------------------------------------------

def check_python(version=sys.version_info):
    found = ".".join(map(str, version[:3]))
    if version[:2] < (3, 10):
        return False, f"python {found}: the course needs 3.10 or later (3.11 tested)", "install Python 3.11"
    return True, f"python {found}" + ("" if version[:2] == (3, 11) else " (the course is tested on 3.11)"), ""


def check_disk(path: Path = ROOT, min_free_gb: float = MIN_FREE_GB):
    free = shutil.disk_usage(path).free / 1024**3
    if free < min_free_gb:
        return False, f"disk: {free:.1f} GB free at {path}, less than {min_free_gb:g} GB", "free some disk space"
    return True, f"disk: {free:.1f} GB free", ""


def check_make():
    found = shutil.which("make")
    if not found:
        return (False, "make: not found",
                "install make (Debian, Ubuntu: apt-get install make; macOS: xcode-select --install)")
    return True, f"make: {found}", ""


def check_venv(python: Path = None, stamp: Path = STAMP):
    python = python or venv_python()
    if not python.exists():
        return False, f"venv: {python} not found", "make lab (online), or make lab WHEELHOUSE=path from a wheelhouse"
    if not stamp.exists():
        return False, "venv: .venv exists but its install did not finish", "rm -rf .venv, then make lab again"
    return True, f"venv: {VENV}", ""


def check_torch(expected: str | None = None):
    expected = expected or pin("torch")
    code = ("import json, torch; x = torch.ones(3) @ torch.ones(3)\n"
            "print(json.dumps([torch.__version__, torch.get_num_threads(), x.item(), torch.cuda.is_available()]))")
    result = run([venv_python(), "-c", code])
    if result.returncode:
        return False, f"torch: import failed: {last_line(result.stderr)}", f"{REBUILD} (torch=={expected})"
    version, threads, value, cuda = json.loads(last_line(result.stdout))
    if version.split("+")[0] != expected:
        return (False, f"torch: {version} installed, requirements.txt pins {expected}",
                f".venv/bin/pip install torch=={expected} (or make clean; make lab)")
    if threads != 1 or value != 3.0:
        return False, f"torch: {threads} threads with OMP_NUM_THREADS=1 (expected 1)", "run through make, which sets it"
    gpu = " (a GPU is present, not needed)" if cuda else ""
    return True, f"torch: {version}, 1 thread, runs on the CPU{gpu}", ""


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Jupyter's server does
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_port(port: int):
    if port_free(port):
        return True, f"port {port}: free on 127.0.0.1", ""
    other = next(p for p in range(port + 1, port + 100) if port_free(p))
    return False, f"port {port}: taken on 127.0.0.1 (another server?): make lab would fail", f"make lab PORT={other}"


def check_lab():
    if not venv_python().exists():
        return needs_venv("jupyterlab")
    port, token = free_port(), "doctor"
    with tempfile.TemporaryDirectory() as runtime:
        command = [venv_tool("jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                   f"--IdentityProvider.token={token}", "--ServerApp.root_dir=notebooks", *ROOT_FLAG]
        env = {**course_env(), "JUPYTER_RUNTIME_DIR": runtime}
        server = subprocess.Popen([str(c) for c in command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never via a proxy
        start, status = time.monotonic(), None
        try:
            while time.monotonic() - start < TIMEOUT and server.poll() is None and status != 200:
                time.sleep(0.5)
                try:
                    status = opener.open(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5).status
                except OSError:
                    pass
        finally:
            server.terminate()
            try:
                _, errors = server.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                _, errors = server.communicate()
    if status != 200:
        return False, f"jupyterlab: did not serve /lab on 127.0.0.1:{port}: {last_line(errors)}", REBUILD
    return True, f"jupyterlab: serves on 127.0.0.1 ({time.monotonic() - start:.0f} s to start)", ""


def check_widgets(listing: str | None = None):
    """The ipywidgets extension, as `jupyter labextension list` reports it (``listing``: its output, for tests)."""
    if listing is None:
        if not venv_python().exists():
            return needs_venv("ipywidgets extension")
        result = run([venv_tool("jupyter"), "labextension", "list"])
        listing = result.stdout + result.stderr
    listing = re.sub(r"\x1b\[[0-9;]*m", "", listing)  # colours
    lines = [line for line in listing.splitlines() if WIDGETS_EXTENSION in line]
    fix = f".venv/bin/pip install --force-reinstall --no-deps jupyterlab_widgets ipywidgets=={pin('ipywidgets')}"
    if not lines:
        return False, f"ipywidgets extension: {WIDGETS_EXTENSION} not installed: sliders would not show", fix
    if "disabled" in lines[0] or "enabled" not in lines[0]:
        return (False, f"ipywidgets extension: disabled: {lines[0].strip()}",
                f".venv/bin/jupyter labextension enable {WIDGETS_EXTENSION}")
    if " OK" not in lines[0]:
        return False, f"ipywidgets extension: not working: {lines[0].strip()}", fix
    return True, f"ipywidgets extension: {' '.join(lines[0].split()[:2])} enabled", ""


# Run by the venv's Python: a headless kernel executes the setup cell, then the lesson cell; one JSON line out.
KERNEL_SCRIPT = """
import json, sys, time
import nbformat
from nbclient import NotebookClient
cells = [nbformat.v4.new_code_cell(source) for source in json.loads(sys.argv[1])]
nb = nbformat.v4.new_notebook(cells=cells)
start = time.monotonic()
try:
    NotebookClient(nb, timeout=int(sys.argv[2]), kernel_name="python3", allow_errors=True).execute()
except Exception as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
    sys.exit(0)
print(json.dumps({"cells": [cell.outputs for cell in nb.cells], "seconds": time.monotonic() - start}))
"""


def run_kernel(cells=(SETUP_CELL, LESSON_CELL)) -> dict:
    """The outputs of ``cells`` run in one fresh kernel, or {"error": ...}."""
    try:
        result = run([venv_python(), "-c", KERNEL_SCRIPT, json.dumps(list(cells)), TIMEOUT - 5])
    except subprocess.TimeoutExpired:
        return {"error": f"no answer in {TIMEOUT} s"}
    if result.returncode:
        return {"error": last_line(result.stderr)}
    return json.loads(last_line(result.stdout))


def cell_error(outputs: list) -> str | None:
    for output in outputs:
        if output.get("output_type") == "error":
            return f"{output['ename']}: {output['evalue']}"
    return None


def check_kernel(ran: dict):
    if "error" in ran:
        return False, f"kernel: did not start or run: {ran['error']}", REBUILD
    error = cell_error(ran["cells"][0])
    if error:
        return False, f"kernel: `import lrcourse as lc; lc.setup()` failed: {error}", ".venv/bin/pip install -e ."
    return True, "kernel: starts and runs import lrcourse as lc; lc.setup()", ""


def check_lesson_cell(ran: dict):
    if "error" in ran:
        return False, "lesson cell: not run, the kernel did not start", REBUILD
    outputs = ran["cells"][1]
    error = cell_error(outputs)
    if error:
        return False, f"lesson cell (lc.explore, lesson 03): {error}", REBUILD
    bundle = next((o["data"] for o in outputs if o.get("output_type") == "execute_result"), {})
    drawn = bundle.get("image/png", "")
    if "application/vnd.jupyter.widget-view+json" not in bundle or not drawn.startswith("iVBORw0KGgo"):
        return False, f"lesson cell: the explorer drew no widget and figure (got {sorted(bundle)})", REBUILD
    return True, f"lesson cell: an explorer builds and draws (kernel and both cells: {ran['seconds']:.0f} s)", ""


TRUST_SCRIPT = """
import json, sys
import nbformat
from nbformat.sign import NotebookNotary
notary = NotebookNotary()
print(json.dumps([path for path in sys.argv[1:] if not notary.check_signature(nbformat.read(path, as_version=4))]))
"""


def check_trusted(notebooks=NOTEBOOKS):
    if not venv_python().exists():
        return needs_venv("notebooks trusted")
    result = run([venv_python(), "-c", TRUST_SCRIPT, *notebooks])
    if result.returncode:
        return False, f"notebooks trusted: could not check: {last_line(result.stderr)}", REBUILD
    untrusted = [Path(p).relative_to(ROOT).as_posix() for p in json.loads(last_line(result.stdout))]
    if untrusted:
        shown = ", ".join(untrusted[:3]) + (f" and {len(untrusted) - 3} more" if len(untrusted) > 3 else "")
        return (False, f"notebooks trusted: {len(untrusted)} of {len(notebooks)} are not: {shown} "
                "(their stored widgets and figures would not show)",
                ".venv/bin/jupyter trust notebooks/*.ipynb notebooks/solutions/*.ipynb (make lab does it)")
    return True, f"notebooks trusted: all {len(notebooks)}", ""


def checks(port: int, torch_pin: str | None = None) -> list:
    """Every check's (ok, message, fix), in the order printed; the slow ones run side by side."""
    quick = [check_python(), check_disk(), check_make(), check_venv()]
    if not quick[-1][0]:
        return quick + [needs_venv(name) for name in
                        ("torch", "jupyterlab", "ipywidgets extension", "kernel", "lesson cell", "notebooks trusted")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        slow = (partial(check_torch, torch_pin), check_lab, check_widgets, run_kernel, check_trusted)
        torch, lab, widgets, ran, trusted = (pool.submit(f) for f in slow)
        return quick + [torch.result(), check_port(port), lab.result(), widgets.result(),
                        check_kernel(ran.result()), check_lesson_cell(ran.result()), trusted.result()]


def report(results: list) -> int:
    for ok, message, fix in results:
        print(f"ok       {message}" if ok else f"PROBLEM  {message}\n         fix: {fix}")
    problems = sum(not ok for ok, _, _ in results)
    print(f"{len(results) - problems} of {len(results)} checks pass" + (f", {problems} problem(s)" if problems else ""))
    return 1 if problems else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8888)), help="the port make lab uses")
    parser.add_argument("--torch-pin", help="the torch version expected (default: requirements.txt's pin)")
    args = parser.parse_args(argv)
    start = time.monotonic()
    status = report(checks(args.port, args.torch_pin))
    print(f"doctor: {time.monotonic() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
