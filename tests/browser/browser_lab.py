"""Lessons in JupyterLab, as a learner uses them: run every cell, then move an explorer slider with the keyboard.

Lesson 03's explorer draws a schedule; lesson 05's also draws the noisy quadratic's loss under it (a taller figure).
JupyterLab runs on 127.0.0.1 with a token, on copies of the notebooks (so nothing in notebooks/ is saved over),
with its settings and workspaces in a temporary folder (so nothing of the user's own JupyterLab leaks in).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from browsing import ROOT, browser, free_port, page, record  # noqa: F401  (fixtures)

TOKEN = "lrcourse-browser-test"
# Each lesson: the cell that makes the explorer, its first slider, one keyboard step of it, and the figure's height
# in pixels (306: the schedule; 504: the schedule and, below it, the loss panel).
EXPLORERS = {
    "03_step.ipynb": ("explorer = lc.explore(StepLR", "step_size", 1, 306),
    "05_cosine.ipynb": ("loss_explorer = lc.explore(CosineAnnealingLR", "T_max", 10, 504),
}
# JupyterLab's own settings for the test: start the notebook's kernel without asking, keep every cell
# in the page, and never fetch news from the internet.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True, "windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a folder holding copies of the lessons in EXPLORERS; yields its base URL."""
    work = tmp_path_factory.mktemp("lab")
    for name in EXPLORERS:
        shutil.copy2(ROOT / "notebooks" / name, work / name)
    port = free_port()
    private = {name: str(work / ".jupyter" / folder) for name, folder in [
        ("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("IPYTHONDIR", "ipython")]}
    for plugin, values in SETTINGS.items():
        path = work / ".jupyter" / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # Trusted, as `make lab` trusts the course's notebooks, so JupyterLab shows their saved widgets.
    private["JUPYTER_DATA_DIR"] = str(work / ".jupyter" / "data")
    subprocess.run([sys.executable, "-m", "jupyter", "trust", *(str(work / name) for name in EXPLORERS)],
                   env=os.environ | private, check=True, capture_output=True)
    env = os.environ | private | {"OMP_NUM_THREADS": "1", "BROWSER": "true"}
    env.pop("MPLBACKEND", None)  # the kernel draws inline, as for a learner
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root
    log_path = work / "lab.log"  # a file, not a pipe: a full pipe would stall the server
    with open(log_path, "wb") as log:
        server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not answer /api/status within 120 s"
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def menu(page, *path):
    """Click through the menu bar, e.g. menu(page, "Run", "Run All Cells")."""
    page.locator("#jp-MainMenu").get_by_text(path[0], exact=True).click()
    for label in path[1:]:
        page.locator(".lm-Menu-content").get_by_text(label, exact=True).last.click()


# The execution prompts of every code cell: "[ ]:" before a run, "[*]:" while queued, "[7]:" once run.
PROMPTS = ("() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))"
           ".map(p => p.textContent.trim())")
ALL_RUN = f"() => {{ const p = ({PROMPTS})(); return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }}"


@pytest.mark.parametrize("lesson", list(EXPLORERS))
def test_the_lesson_runs_and_its_explorer_answers_the_keyboard(page, record, lab, lesson):
    explorer_cell, slider_name, one_step, height = EXPLORERS[lesson]
    page.set_default_timeout(60_000)
    # A workspace of its own: the page holds this notebook alone, not the tabs another test left open.
    page.goto(f"{lab}/lab/workspaces/{lesson.removesuffix('.ipynb')}/tree/{lesson}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=120_000)

    # Before anything runs, the notebook shows the explorer as it was saved: its figure, never its repr.
    cell = page.locator(".jp-CodeCell").filter(has_text=explorer_cell)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-OutputArea-output img").first.wait_for(state="visible", timeout=30_000)
    assert "interactive(children=" not in cell.inner_text()

    # From a blank notebook, so every output on the page comes from this run.
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"() => ({PROMPTS})().every(p => !/\\d/.test(p))")
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(ALL_RUN, timeout=600_000, polling=500)
    prompts = page.evaluate(PROMPTS)
    assert prompts == [f"[{i}]:" for i in range(1, len(prompts) + 1)], "cells ran out of order, or some did not run"
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
    assert page.locator("text=Traceback").count() == 0

    # The explorer, live: its first slider, its readout, and the figure it draws.
    slider = cell.locator(".widget-slider").filter(has_text=slider_name)
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout")
    figure = cell.locator(".jp-OutputArea-output img").first
    figure.wait_for(state="visible")
    before_value, before_figure = readout.inner_text(), figure.get_attribute("src")

    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    pressed = time.monotonic()
    # The cell's figure, looked up afresh at each poll: the explorer may replace the <img> rather than edit it.
    page.wait_for_function(
        "([cell, src]) => { const img = cell.querySelector('.jp-OutputArea-output img');"
        " return img !== null && img.getAttribute('src') !== src; }",
        arg=[cell.element_handle(), before_figure], timeout=2_000, polling=50,
    )
    redrawn_after = time.monotonic() - pressed
    assert redrawn_after < 2.0 and figure.get_attribute("src") != before_figure
    assert int(readout.inner_text()) == int(before_value) + one_step
    assert figure.evaluate("img => img.naturalHeight") == height  # the loss panel drawn, where asked for

    # No widget failed to render, in the page or in the console.
    text = page.locator(".jp-Notebook").inner_text()
    for message in ("Error displaying widget", "Error rendering", "model not found", "Failed to load"):
        assert message not in text
    # Nothing asked for another host: the title cell's Colab and Binder links are text, not images.
    record.assert_clean()
