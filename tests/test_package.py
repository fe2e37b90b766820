"""The package itself: lazy re-exports, so ``import lrcourse`` is quick and pulls in no plotting or widget library."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lrcourse as lc

README = Path(__file__).resolve().parents[1] / "README.md"
# The rows of README's module table: | `lrcourse.training` | `fit`, ... |
README_MODULES = re.findall(r"^\| `lrcourse\.(\w+)` \|", README.read_text(encoding="utf-8"), flags=re.MULTILINE)

HEAVY = ("matplotlib.pyplot", "ipywidgets", "torchvision", "torch")


def fresh_python(code: str):
    """Run ``code`` in a new interpreter (this one has imported everything already) and return what it prints."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_lrcourse_loads_neither_pyplot_nor_ipywidgets_nor_torch():
    loaded = fresh_python(f"import sys, json, lrcourse; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert loaded == []


def test_the_closed_forms_need_no_torch():
    """A lesson that only evaluates lc.formulas never waits for torch to import."""
    code = (
        "import sys, json, lrcourse as lc; lc.formulas.step_lr(3, base_lr=0.1, step_size=2); "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert fresh_python(code) == []


def test_every_public_name_resolves_in_a_fresh_process():
    code = (
        "import json, lrcourse as lc; "
        "print(json.dumps({n: type(getattr(lc, n)).__name__ for n in lc.__all__} | {'_dir': dir(lc)}))"
    )
    found = fresh_python(code)
    listed = found.pop("_dir")
    assert sorted(found) == sorted(lc.__all__)
    assert set(lc.__all__) <= set(listed)
    assert found["fit"] == "function" and found["Trace"] == "type" and found["formulas"] == "module"


def test_a_re_export_is_the_object_its_module_defines():
    from lrcourse import notebook, training

    assert lc.fit is training.fit and lc.setup is notebook.setup


def test_a_missing_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="module 'lrcourse' has no attribute 'no_such_name'"):
        lc.no_such_name  # noqa: B018 - the attribute access itself is what must fail


def test_readme_lists_the_modules():
    assert len(README_MODULES) >= 15 and {"training", "simulation", "checkpoint"} <= set(README_MODULES)


@pytest.mark.parametrize("module", README_MODULES)
def test_every_module_readme_names_is_an_attribute_in_a_fresh_process(module):
    """``lc.training`` works in a lesson's first cell, not only after something else imported it."""
    code = (
        f"import json, types, lrcourse as lc; m = lc.{module}; "
        f"print(json.dumps([isinstance(m, types.ModuleType), m.__name__, '{module}' in dir(lc)]))"
    )
    assert fresh_python(code) == [True, f"lrcourse.{module}", True]
