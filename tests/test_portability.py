"""The same numbers on every CPU: fit and lr_find under each of torch's, MKL's and numpy's CPU kernels.

torch picks its kernels at start-up by instruction set; ``ATEN_CPU_CAPABILITY``
forces a lower one (``default`` is plain x86-64 with SSE, as an old or
emulated CPU would run), ``MKL_ENABLE_INSTRUCTIONS`` does the same for MKL,
and ``NPY_DISABLE_CPU_FEATURES`` for numpy (``tools/lesser_cpu.py``, which
``make test-portable`` uses too, gives all three).  They must be set before
the libraries are imported, hence one subprocess per setting.  The course
trains in float64, where the kernels still differ in the last bits (about
1e-16) but every digit a lesson prints agrees.  On a CPU without these
instruction sets (ARM) torch and MKL ignore their variables, and numpy still
switches off its highest kernels.
"""
import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import lesser_cpu  # noqa: E402 - tools/ is not a package: its path is added just above

SETTINGS = {"native": {}, **{level: lesser_cpu.environment(level) for level in lesser_cpu.LEVELS}}
SWITCHES = ("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS", "NPY_DISABLE_CPU_FEATURES")

# A run that a lesson could print: SGD with momentum at a stable LR, a per-batch schedule, then a range test.
SCRIPT = """
import json, torch
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
import lrcourse as lc
from torch.optim.lr_scheduler import OneCycleLR

train, val = lc.data.digits(batch_size=64)
model = lc.models.mlp(seed=1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = OneCycleLR(optimizer, max_lr=0.2, total_steps=6 * len(train))
history = lc.fit(model, optimizer, scheduler, data=(train, val), epochs=6, step_per="batch", seed=1, progress=False)
finder_model = lc.models.mlp(seed=0)
found = lc.lr_find(finder_model, torch.optim.SGD(finder_model.parameters(), lr=0.1, momentum=0.9), (train, val))
print(json.dumps({
    "capability": torch.backends.cpu.get_cpu_capability(),
    "numpy_groups": [group for group in __cpu_dispatch__ if __cpu_features__[group]],
    "lr": history.lr.tolist(), "val_acc": history.val_acc.tolist(),
    "val_loss": history.val_loss.tolist(), "train_loss": history.train_loss.tolist(),
    "suggestion": found.suggestion, "steps": len(found.lrs),
}))
"""


def run_under(setting: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    env.update(setting, OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def results():
    return {name: run_under(setting) for name, setting in SETTINGS.items()}


def test_lesser_cpu_examples():
    assert doctest.testmod(lesser_cpu).failed == 0
    with pytest.raises(ValueError, match="level must be one of"):
        lesser_cpu.numpy_groups_to_disable("avx512", [], {})


def test_each_setting_really_ran_its_kernels(results):
    if results["native"]["capability"] in ("AVX2", "AVX512"):  # an x86 CPU: the variable takes effect
        assert results["default"]["capability"] == "DEFAULT"
        assert results["avx2"]["capability"] == "AVX2"
    native = results["native"]["numpy_groups"]
    for level in lesser_cpu.LEVELS:
        disabled = SETTINGS[level].get("NPY_DISABLE_CPU_FEATURES", "").split(",")
        assert results[level]["numpy_groups"] == [g for g in native if g not in disabled]
    assert results["default"]["numpy_groups"] == []  # numpy's baseline kernels only
    if len(native) > 0:  # a numpy with dispatched kernels runs fewer of them in at least one setting
        assert results["default"]["numpy_groups"] != native


@pytest.mark.parametrize("other", ["avx2", "default"])
def test_fit_and_lr_find_agree_with_the_native_run(results, other):
    native, run = results["native"], results[other]
    assert run["lr"] == native["lr"]  # the schedule never depends on the kernels
    assert run["val_acc"] == native["val_acc"]  # every validation image classified alike
    for key in ("val_loss", "train_loss"):
        np.testing.assert_allclose(run[key], native[key], rtol=1e-10, atol=0, err_msg=key)
        assert [f"{v:.6f}" for v in run[key]] == [f"{v:.6f}" for v in native[key]]  # what a lesson prints
    assert (run["suggestion"], run["steps"]) == (native["suggestion"], native["steps"])
