"""`make execute` must be repeatable: re-running a notebook changes nothing but PNG bytes."""
import json
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from execute_notebooks import execute  # noqa: E402 - tools/ is not a package: its path is added just above

CELLS = [
    "import lrcourse as lc\nfrom torch.optim.lr_scheduler import StepLR\nlc.use_style()",
    "explorer = lc.explore(StepLR, steps=20, step_size=(1, 10, 1), gamma=(0.1, 0.9, 0.1))\nexplorer",
    "ax = lc.plot_schedules(lc.simulate(lambda o: StepLR(o, 5), 20))",
    "print(explorer.result.label)",
]


def without_png(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if '"image/png"' not in line]


def test_executing_twice_gives_the_same_file_but_for_png_bytes(tmp_path):
    path = tmp_path / "demo.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c, id=f"cell-{i}") for i, c in enumerate(CELLS)]), path)
    execute(path)
    first = without_png(path)
    execute(path)
    assert without_png(path) == first

    nb = json.loads(path.read_text())
    assert [c["execution_count"] for c in nb["cells"]] == [1, 2, 3, 4]
    # the sliders start mid-range: step_size=5 (of 1..10), gamma=0.5 (of 0.1..0.9)
    assert nb["cells"][3]["outputs"][0]["text"] == ["StepLR(step_size=5, gamma=0.5)\n"]
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(m["model_name"] == "IntSliderModel" for m in state.values())  # sliders render on GitHub/nbviewer
    assert all("execution" not in c["metadata"] for c in nb["cells"])  # no timestamps


def test_a_cells_printed_text_is_one_output_per_stream_however_the_kernel_flushed_it(tmp_path):
    """A slow cell's prints arrive in several chunks (the kernel flushes every 0.2 s); they are stored as one."""
    path = tmp_path / "slow.ipynb"
    source = ("import sys, time\nprint('first', flush=True)\ntime.sleep(0.5)\nprint('second', flush=True)\n"
              "time.sleep(0.5)\nprint('third', flush=True)\nprint('to stderr', file=sys.stderr, flush=True)")
    nbformat.write(new_notebook(cells=[new_code_cell(source, id="slow")]), path)
    execute(path)
    outputs = json.loads(path.read_text())["cells"][0]["outputs"]
    assert [(o["name"], "".join(o["text"])) for o in outputs] == [
        ("stdout", "first\nsecond\nthird\n"), ("stderr", "to stderr\n"),  # another stream stays apart
    ]
