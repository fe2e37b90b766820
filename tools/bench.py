"""Speed and memory figures quoted in README: `make bench`.

Each measurement runs in a fresh Python process, so imports and memory of
one do not colour another.  Wall time is the best of several repeats
(the least disturbed by whatever else the machine does); peak memory is the
rise of the process's peak resident size over its size after imports.
"""
from __future__ import annotations

import json
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
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
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
    redraw = measure(
        IMPORTS + "\nimport io\nw = lc.explore(OneCycleLR, steps=1000, total_steps=1000, max_lr=(0.05, 1.0, 0.05))"
        "\nslider = w.children[0]",
        """
        slider.value = 0.5 if slider.value != 0.5 else 0.25
        w.figure.savefig(io.BytesIO(), format="png")   # what the notebook shows: a rendered PNG
        """,
        repeats=10,
    )
    rows = [
        ("blog's StepLR loop, AlexNet + SGD, 100 epochs", f"{blog['seconds'] * 1e3:.1f} ms", f"{blog['peak_mb']:.0f} MB", ""),
        ("lc.simulate, same schedule", f"{sim['seconds'] * 1e3:.2f} ms", f"{sim['peak_mb']:.1f} MB",
         f"{blog['seconds'] / sim['seconds']:.0f}x faster (goal >= 50x)"),
        ("lc.simulate, OneCycleLR, 10,000 steps", f"{sim_1cycle['seconds'] * 1e3:.0f} ms", f"{sim_1cycle['peak_mb']:.1f} MB", ""),
        ("lc.formulas.one_cycle_lr, 10,000 steps", f"{formulas['seconds'] * 1e3:.2f} ms", f"{formulas['peak_mb']:.1f} MB",
         f"{sim_1cycle['seconds'] / formulas['seconds']:.0f}x faster than simulate"),
        ("lc.explore redraw, 1,000 steps, PNG rendered", f"{redraw['seconds'] * 1e3:.0f} ms", f"{redraw['peak_mb']:.1f} MB",
         "goal < 100 ms"),
    ]
    table(rows, ("what", "wall time (best)", "peak memory", "note"))


def training():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from bench_training import bench
    except ImportError:
        return
    print()
    table([(name, f"{seconds:.2f} s", note) for name, seconds, note in bench()], ("training", "wall time", "note"))


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
    training()
    notebooks()
