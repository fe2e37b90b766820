"""Speed and memory figures quoted in README: `make bench`.

Each measurement runs in a fresh Python process, so imports and memory of
one do not colour another.  Wall time is the best of several repeats
(the least disturbed by whatever else the machine does); peak memory is the
rise of the process's peak resident size over its size after imports.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = textwrap.dedent(
    """
    import json, resource, time, sys
    {imports}
    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    def run():
    {body}
    base = peak_mb()
    run()  # warm-up: first calls pay for lazy initialisation
    times = []
    for _ in range({repeats}):
        start = time.perf_counter(); run(); times.append(time.perf_counter() - start)
    print(json.dumps({{"seconds": min(times), "peak_mb": peak_mb() - base}}))
    """
)


def measure(imports: str, body: str, repeats: int = 5) -> dict:
    code = MEASURE.format(imports=imports, body=textwrap.indent(textwrap.dedent(body), "    "), repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


BLOG_WAY = """
    model = AlexNet(num_classes=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    lrs = []
    for epoch in range(100):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
"""
SIMULATE = """
    lc.simulate(lambda opt: StepLR(opt, step_size=30, gamma=0.1), steps=100, lr=0.001)
"""
# Every measurement starts after the same imports and one throw-away optimizer
# step, so torch's one-time lazy set-up is charged to no one.
IMPORTS = """import torch
from torch.optim.lr_scheduler import StepLR, OneCycleLR
import lrcourse as lc
lc.simulate(lambda opt: StepLR(opt, 1), 2)"""


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]

    def line(row):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def schedules():
    blog = measure(IMPORTS + "\nfrom torchvision.models import AlexNet", BLOG_WAY, repeats=3)
    sim = measure(IMPORTS, SIMULATE, repeats=20)
    formulas = measure(IMPORTS + "\nimport numpy as np",
                       "lc.formulas.one_cycle_lr(np.arange(10_000), max_lr=0.1, total_steps=10_000)", repeats=20)
    sim_1cycle = measure(IMPORTS, "lc.simulate(lambda o: OneCycleLR(o, max_lr=0.1, total_steps=10_000), 10_000)",
                         repeats=3)
    rows = [
        ("blog's StepLR loop, AlexNet + SGD, 100 epochs", f"{blog['seconds'] * 1e3:.1f} ms",
         f"{blog['peak_mb']:.0f} MB", ""),
        ("lc.simulate, same schedule", f"{sim['seconds'] * 1e3:.2f} ms", f"{sim['peak_mb']:.1f} MB",
         f"{blog['seconds'] / sim['seconds']:.0f}x faster (goal >= 50x)"),
        ("lc.simulate, OneCycleLR, 10,000 steps", f"{sim_1cycle['seconds'] * 1e3:.0f} ms",
         f"{sim_1cycle['peak_mb']:.1f} MB", ""),
        ("lc.formulas.one_cycle_lr, 10,000 steps", f"{formulas['seconds'] * 1e3:.2f} ms",
         f"{formulas['peak_mb']:.1f} MB", f"{sim_1cycle['seconds'] / formulas['seconds']:.0f}x faster than simulate"),
    ]
    table(rows, ("what", "wall time (best)", "peak memory", "note"))


# The noisy quadratic's exact expected loss: a cosine over 10,000 steps and 100 directions (goal: well under 50 ms).
QUADRATIC = """
    quadratic.expected_loss(LRS, curvatures=CURVATURES, noise=0.01, momentum={momentum})
"""
QUADRATIC_IMPORTS = """import numpy as np
from lrcourse import quadratic
LRS = 0.05 + 0.45 * (1 + np.cos(np.pi * np.arange(10_000) / 10_000))
CURVATURES = np.geomspace(0.01, 1.0, 100)"""


def noisy_quadratic():
    print()
    rows = []
    for momentum in (0.0, 0.9):
        result = measure(QUADRATIC_IMPORTS, QUADRATIC.format(momentum=momentum), repeats=20)
        rows.append((f"lc.quadratic.expected_loss, momentum {momentum:g}", f"{result['seconds'] * 1e3:.1f} ms",
                     f"{result['peak_mb']:.0f} MB", "exact E[loss] at all 10,001 steps, no sampling"))
    table(rows, ("noisy quadratic: 10,000 steps x 100 directions", "wall time (best)", "peak memory", "note"))


# A slider move: the explorer works out the schedule, redraws its figure and renders the PNG that the
# notebook shows (w.png).  Every move goes to a value the explorer did not draw just before.
REDRAW = """
import itertools, json, time
from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau
import lrcourse as lc
w = lc.explore({scheduler}, steps={steps}, {arguments})
slider = w.children[0]
values = itertools.cycle([v for v in {values} if v != slider.value])
wall, cpu = [], []
for _ in range({repeats} + 1):  # the first move pays for lazy initialisation and is not counted
    start, start_cpu = time.perf_counter(), time.process_time()
    slider.value = next(values)
    wall.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(json.dumps({{"wall": min(wall[1:]), "cpu": min(cpu[1:])}}))
"""
MAX_LR = [round(0.05 * k, 2) for k in range(1, 21)]


def redraw_seconds(scheduler: str, steps: int, arguments: str, values, repeats: int = 10) -> dict:
    code = REDRAW.format(scheduler=scheduler, steps=steps, arguments=arguments, values=values, repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1].split("\r")[-1])  # after the explorer's clear-output codes


def explorer():
    rows = [
        ("OneCycleLR, 1,000 steps (closed form)",
         redraw_seconds("OneCycleLR", 1000, "total_steps=1000, max_lr=(0.05, 1.0, 0.05)", MAX_LR), ""),
        ("OneCycleLR, 10,000 steps (closed form)",
         redraw_seconds("OneCycleLR", 10_000, "total_steps=10_000, max_lr=(0.05, 1.0, 0.05)", MAX_LR),
         "goal <= 50 ms"),
        ("OneCycleLR, 10,000 steps, with the noisy quadratic's loss panel",
         redraw_seconds("OneCycleLR", 10_000, "total_steps=10_000, max_lr=(0.05, 1.0, 0.05), quadratic=True", MAX_LR),
         "goal <= 50 ms; LR, momentum and E[loss] redrawn"),
        ("ReduceLROnPlateau, 1,000 steps (torch stepped)",
         redraw_seconds("ReduceLROnPlateau", 1000, "metrics=[1.0] * 1000, factor=(0.1, 0.9, 0.1)",
                        [round(0.1 * k, 1) for k in range(1, 10)], repeats=5),
         "no closed form: torch steps every time"),
    ]
    print()
    table([(what, f"{t['wall'] * 1e3:.0f} ms", f"{t['cpu'] * 1e3:.0f} ms", note) for what, t, note in rows],
          ("lc.explore: one slider move, PNG rendered", "wall time (best)", "CPU time (best)", "note"))


# A fresh interpreter times its own imports; the interpreter's start-up is no part of the figure.
# CPU time is printed too: on a machine shared with other work it moves far less than wall time.
TIME_IMPORT = """
import time
start, cpu = time.perf_counter(), time.process_time()
{code}
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def import_seconds(code: str, repeats: int = 9) -> tuple[float, float]:
    """Median wall and CPU time of ``code`` over ``repeats`` fresh processes."""
    runs = [
        subprocess.run([sys.executable, "-c", TIME_IMPORT.format(code=code)], check=True, capture_output=True,
                       text=True, cwd=ROOT).stdout.split()
        for _ in range(repeats)
    ]
    return statistics.median(float(wall) for wall, _ in runs), statistics.median(float(cpu) for _, cpu in runs)


def imports():
    rows = [
        ("import lrcourse", "import lrcourse", "loads no torch, pyplot or ipywidgets until a name needs them"),
        ("import lrcourse as lc; lc.setup()", "import lrcourse as lc\nlc.setup()",
         "a lesson's first cell: torch and pyplot, no ipywidgets"),
    ]
    print()
    measured = [(what, *import_seconds(code), note) for what, code, note in rows]
    table([(what, f"{wall * 1e3:.0f} ms", f"{cpu * 1e3:.0f} ms", note) for what, wall, cpu, note in measured],
          ("import, in a fresh process", "wall time (median of 9)", "CPU time (median of 9)", "note"))


def training():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from bench_training import bench
    except ImportError:
        return
    print()
    table([(name, f"{seconds:.2f} s", note) for name, seconds, note in bench()], ("training", "wall time", "note"))


def workshop():
    """What an instructor waits for on each laptop: JupyterLab serving, a kernel's first cell, an explorer."""
    import doctor  # tools/doctor.py: make doctor's own checks, timed here

    start = time.monotonic()
    served, message, _ = doctor.check_lab()
    lab_seconds = time.monotonic() - start
    first = doctor.run_kernel((doctor.SETUP_CELL,))
    both = doctor.run_kernel((doctor.SETUP_CELL, doctor.LESSON_CELL))
    if not served or "error" in first or "error" in both:
        sys.exit(f"make doctor's checks fail here, fix them first: {message} {first.get('error', '')}")
    start = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "tools" / "doctor.py")], check=True, capture_output=True, cwd=ROOT)
    doctor_seconds = time.monotonic() - start
    rows = [
        ("`make lab`: JupyterLab started, /lab served", f"{lab_seconds:.1f} s",
         "and stopped again; the browser's own load comes on top"),
        ("first cell: a fresh kernel runs `import lrcourse as lc; lc.setup()`", f"{first['seconds']:.1f} s",
         "kernel start included"),
        ("... then lesson 03's explorer builds and draws", f"{both['seconds'] - first['seconds']:.1f} s", ""),
        ("`make doctor`, every check", f"{doctor_seconds:.1f} s", "goal: under a minute"),
    ]
    print()
    table(rows, ("workshop laptop", "wall time", "note"))


def notebooks():
    from execute_notebooks import execute_copy

    print()
    rows, total = [], 0.0
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        seconds = execute_copy(path)
        total += seconds
        rows.append((path.name, f"{seconds:.1f} s"))
    rows.append(("all lessons, one after another", f"{total:.0f} s"))
    table(rows, ("notebook (fresh kernel, top to bottom)", "time"))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tools"))
    print(f"# make bench, {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}\n")
    schedules()
    noisy_quadratic()
    explorer()
    imports()
    training()
    workshop()
    notebooks()
