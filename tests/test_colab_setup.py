"""The first cell of every notebook works wherever the notebook is opened: JupyterLab, Binder, Colab.

Where lrcourse is installed (`make lab`, Binder) the cell only imports it. Where it is missing (Colab),
the cell installs it with `%pip` and keeps the torch already there. The second case is run here for real:
in IPython, so the `%pip` magic itself runs, in a venv where torch imports and lrcourse does not,
with the GitHub address swapped for the locally built wheel, so nothing is downloaded.
"""
import json
import os
import re
import subprocess
import sysconfig
from pathlib import Path

import pytest

from test_wheel import bare_venv, sources, wheel  # noqa: F401  (fixtures: the wheel and a venv without lrcourse)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
HOME = "https://github.com/lrcourse/lrcourse"
REQUIREMENT = f"lrcourse @ git+{HOME}"
SETUP_CELL = f'''# Setup. In Colab, the first run installs lrcourse; the preinstalled torch is kept.
try:
    import lrcourse as lc
except ModuleNotFoundError:
    %pip install --quiet "{REQUIREMENT}"
    import lrcourse as lc
lc.setup(seed=0)'''
# Read back after the cell has run, in the same IPython session.
REPORT = '''
import json, numpy as np, matplotlib as mpl, torch
print(json.dumps({"lrcourse": lc.__file__, "torch": [torch.__version__, torch.__file__],
                  "seed": torch.initial_seed(), "precision": np.get_printoptions()["precision"],
                  "suppress": bool(np.get_printoptions()["suppress"]), "top_spine": mpl.rcParams["axes.spines.top"]}))
'''


def first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def badges(notebook: str) -> list[str]:
    """README's Colab and Binder badges for a notebook path such as notebooks/00_start_here.ipynb.

    README is read online, on GitHub, so it shows badge images; the notebooks carry plain links
    (tests/test_notebooks.py), which render without a network.
    """
    return [
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/lrcourse/lrcourse/blob/main/{notebook})",
        f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lrcourse/lrcourse/main?urlpath=lab/tree/{notebook})",
    ]


def torch_install() -> list[str]:
    """The files that say which torch .venv holds: its dist-info folder and its RECORD's size."""
    site = Path(sysconfig.get_paths()["purelib"])
    return sorted(f"{p.name}:{(p / 'RECORD').stat().st_size}" for p in site.glob("torch-*.dist-info"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_starts_with_the_same_setup_cell(path):
    assert first_code_cell(path) == SETUP_CELL


def test_readme_carries_the_badges_of_lesson_00():
    top = "\n".join((ROOT / "README.md").read_text().splitlines()[:5])
    for badge in badges("notebooks/00_start_here.ipynb"):
        assert badge in top


def test_the_setup_cell_installs_lrcourse_where_it_is_missing_and_keeps_torch(wheel, bare_venv, tmp_path):
    import torch

    torch_before = torch_install()
    assert SETUP_CELL.count(REQUIREMENT) == 1
    cell = SETUP_CELL.replace(REQUIREMENT, f"lrcourse @ {wheel.as_uri()}")
    env = os.environ | {
        "PIP_NO_INDEX": "1",  # any download (a newer torch, say) fails instead of reaching the network
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "MPLBACKEND": "Agg",
    }
    ipython = [bare_venv / "bin" / "python", "-m", "IPython", "--quick", "--no-banner", "--colors=NoColor"]
    done = subprocess.run(
        [*ipython, "-c", cell + "\n" + REPORT],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the cell did not finish:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    after = json.loads(lines[-1])
    # lrcourse came from the wheel, into the venv that lacked it.
    assert Path(after["lrcourse"]).is_relative_to(bare_venv)
    # torch is the one that was there before: same version, same files, nothing installed beside it.
    assert after["torch"] == [torch.__version__, torch.__file__]
    assert torch_install() == torch_before
    assert not list(bare_venv.glob("lib/python*/site-packages/torch*"))
    # lc.setup(seed=0) ran: seeded torch (the default seed is not 0), six-decimal numpy, the house style.
    assert (after["seed"], after["precision"], after["suppress"], after["top_spine"]) == (0, 6, True, False)
    # --quiet: the install prints nothing a learner has to read past.
    assert not re.search(r"Successfully installed|Collecting|Requirement already", done.stdout)
