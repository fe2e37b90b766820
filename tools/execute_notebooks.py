"""Re-run notebooks top to bottom in a fresh kernel and store their outputs.

    python tools/execute_notebooks.py notebooks/*.ipynb

Each notebook runs in its own directory with the venv's python3 kernel.
Everything that would change from run to run without changing meaning is
made stable, so that re-executing a clean tree leaves ``git status`` clean
but for PNG bytes: no timing metadata, and widget model ids numbered in
order of appearance instead of random UUIDs.
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

UUID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stable_widget_ids(nb, name: str):
    """Replace random widget model ids with ids derived from the notebook name and their order."""
    text = json.dumps(nb, sort_keys=True)
    mapping: dict[str, str] = {}
    for found in UUID.findall(text):
        if found not in mapping:
            mapping[found] = uuid.uuid5(uuid.NAMESPACE_URL, f"lrcourse/{name}/{len(mapping)}").hex
    for old, new in mapping.items():
        text = text.replace(old, new)
    return nbformat.from_dict(json.loads(text))


def run(nb, directory: Path) -> float:
    """Execute ``nb`` in place in a fresh kernel; return the seconds it took."""
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(directory)}},
        record_timing=False,
        store_widget_state=True,
    ).execute()
    return time.perf_counter() - start


def execute_copy(path: Path) -> float:
    """Time a notebook without writing it back (for the benchmark)."""
    return run(nbformat.read(path, as_version=4), path.parent)


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    seconds = run(nb, path.parent)
    if not _has_widgets(nb):
        nb.metadata.pop("widgets", None)
    nb = stable_widget_ids(nb, path.name)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return seconds


def _has_widgets(nb) -> bool:
    return any(
        "application/vnd.jupyter.widget-view+json" in out.get("data", {})
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
