"""The environment that makes torch, MKL and numpy run the kernels of a lesser CPU than this one.

    python tools/lesser_cpu.py avx2     # an AVX2 CPU: torch's and MKL's AVX2 kernels, numpy's without AVX-512
    python tools/lesser_cpu.py default  # plain x86-64: torch's DEFAULT kernels, MKL's SSE4.2, numpy's baseline

On an AVX-512 machine the first prints
``ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 NPY_DISABLE_CPU_FEATURES=X86_V4,AVX512_ICL``.

Each of the three libraries picks its kernels by instruction set when it is imported, and each has its
own switch, read once at import time (so it is set for the whole process that starts the kernels):

- torch: ``ATEN_CPU_CAPABILITY`` (``default``, ``avx2``; ``avx512`` is what an AVX-512 CPU picks itself);
- MKL: ``MKL_ENABLE_INSTRUCTIONS`` (``SSE4_2``, ``AVX2``, ...);
- numpy: ``NPY_DISABLE_CPU_FEATURES``, a list of the dispatch groups it must not use.  Its groups are
  listed in ``numpy._core._multiarray_umath.__cpu_dispatch__`` (``X86_V3`` is AVX2, ``X86_V4`` and
  ``AVX512_*`` are AVX-512; ARM builds list ``ASIMDHP``, ``SVE`` and the like), and naming one that is
  not dispatched is an error, so the list is built from what this numpy dispatches, never typed in.

On a CPU without these instruction sets (ARM), torch and MKL ignore their variables; numpy's highest
groups are still switched off, so the run still differs from a native one.
"""
from __future__ import annotations

import sys

LEVELS = ("avx2", "default")
# numpy's x86 dispatch groups, lowest first; everything above AVX2 is AVX-512 of some kind.
NUMPY_AVX2 = "X86_V3"


def numpy_groups_to_disable(level: str, dispatched: list[str], available: dict[str, bool]) -> list[str]:
    """The dispatch groups numpy must skip to run as a CPU of ``level`` would, among those this CPU has.

    >>> x86 = ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]
    >>> has = {"X86_V3": True, "X86_V4": True, "AVX512_ICL": True, "AVX512_SPR": False}
    >>> numpy_groups_to_disable("avx2", x86, has)
    ['X86_V4', 'AVX512_ICL']
    >>> numpy_groups_to_disable("default", x86, has)
    ['X86_V3', 'X86_V4', 'AVX512_ICL']
    >>> numpy_groups_to_disable("avx2", ["ASIMDHP", "ASIMDDP", "SVE"], {"ASIMDHP": True, "ASIMDDP": True})
    ['ASIMDDP']
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    have = [group for group in dispatched if available.get(group)]
    if level == "default":
        return have  # baseline kernels only
    if NUMPY_AVX2 in dispatched:
        return [group for group in have if dispatched.index(group) > dispatched.index(NUMPY_AVX2)]
    return have[-1:]  # not x86: at least the highest group this CPU has


def environment(level: str) -> dict[str, str]:
    """The variables for ``level``, with numpy's list read from the numpy that is installed."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    env = {
        "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"},
        "default": {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
    }[level]
    groups = numpy_groups_to_disable(level, list(__cpu_dispatch__), __cpu_features__)
    if groups:  # an empty value would be fine too, but an absent one says plainly that nothing changes
        env["NPY_DISABLE_CPU_FEATURES"] = ",".join(groups)
    return env


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in LEVELS:
        sys.exit(f"usage: python tools/lesser_cpu.py {{{'|'.join(LEVELS)}}}")
    print(" ".join(f"{name}={value}" for name, value in environment(sys.argv[1]).items()))
