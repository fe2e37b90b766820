"""Re-run notebooks top to bottom in a fresh kernel and store their outputs.

    python tools/execute_notebooks.py notebooks/*.ipynb

Each notebook runs in its own directory with the venv's python3 kernel.
Everything that would change from run to run without changing meaning is
made stable, so that re-executing a clean tree leaves ``git status`` clean
but for PNG bytes: no timing metadata, widget model ids numbered in
order of appearance instead of random UUIDs, and each cell's printed text in
one output per stream, however the kernel happened to flush it.
"""
from __future__ import annotations

import json
import re
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def widget_order(nb) -> list[str]:
    """Widget model ids in a run-independent order.

    The ids themselves are random, so they cannot be sorted.  Instead: start
    from the widgets the cells display, in cell order, and follow each model's
    references to the models it holds (sliders, layouts, styles), attribute by
    attribute in sorted order.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order:
            return
        order.append(model_id)
        attributes = state.get(model_id, {}).get("state", {})
        for key in sorted(attributes):
            for referenced in REFERENCE.findall(json.dumps(attributes[key])):
                visit(referenced)

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"])
    unreachable = sorted(set(state) - set(order), key=lambda m: REFERENCE.sub("", json.dumps(state[m], sort_keys=True)))
    for model_id in unreachable:
        visit(model_id)
    return order


def stable_widget_ids(nb, name: str):
    """Replace random widget model ids with ids derived from the notebook name and a stable order."""
    text = json.dumps(nb)
    for i, old in enumerate(widget_order(nb)):
        text = text.replace(old, uuid.uuid5(uuid.NAMESPACE_URL, f"lrcourse/{name}/{i}").hex)
    return nbformat.from_dict(json.loads(text))


CELL_TIMEOUT = 60  # seconds; every lesson's slowest cell takes a few


def run(nb, directory: Path) -> float:
    """Execute ``nb`` in place in a fresh kernel; return the seconds it took.

    Rarely, a kernel start-up or widget message is lost and the client waits
    for a reply that never comes (jupyter/nbclient#312).  A short timeout turns
    that into an error, and the notebook is then run once more from the start.
    """
    for attempt in (1, 2):
        start = time.perf_counter()
        try:
            NotebookClient(
                nb,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                resources={"metadata": {"path": str(directory)}},
                record_timing=False,
                store_widget_state=True,
            ).execute()
            return time.perf_counter() - start
        except CellTimeoutError:
            if attempt == 2:
                raise
            print(f"no reply within {CELL_TIMEOUT} s; running the notebook again", file=sys.stderr, flush=True)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
    raise AssertionError("unreachable")


def coalesce_streams(nb):
    """Join each cell's consecutive outputs on the same stream into one.

    The kernel sends printed text in chunks as it flushes (every 0.2 s, and at
    each ``flush=True``), so a slow cell's two prints land in one output on one
    run and in two on the next; joined, they are stored alike every time.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        joined = []
        for out in cell.outputs:
            previous = joined[-1] if joined else None
            if (out.output_type == "stream" and previous is not None and previous.output_type == "stream"
                    and previous.name == out.name):
                previous.text += out.text
            else:
                joined.append(out)
        cell.outputs = joined
    return nb


def execute_copy(path: Path) -> float:
    """Time a notebook without writing it back (for the benchmark)."""
    return run(nbformat.read(path, as_version=4), path.parent)


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    seconds = run(nb, path.parent)
    if not _has_widgets(nb):
        nb.metadata.pop("widgets", None)
    nb = coalesce_streams(stable_widget_ids(nb, path.name))
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return seconds


def _has_widgets(nb) -> bool:
    return any(
        WIDGET_VIEW in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


def main(paths: list[str]) -> int:
    for p in paths:
        seconds = execute(Path(p))
        print(f"{seconds:6.1f} s  {p}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
