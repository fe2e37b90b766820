"""The first cell of every lesson: ``lc.setup()``, so that each notebook draws, seeds and prints alike."""
from __future__ import annotations

from . import _checks


def setup(seed: int = 0) -> None:
    """House plot style, seeded torch, six-decimal numpy printing: what the first cell of each lesson needs.

    It runs, in this order::

        lc.use_style()
        torch.manual_seed(seed)
        np.set_printoptions(precision=6, suppress=True)

    and prints nothing.  Six decimals with ``suppress=True`` keep printed arrays short and free of
    ``1e-17``-style noise, so a stored output compares equal on every CPU.

    Example::

        >>> import numpy as np, torch
        >>> before = np.get_printoptions()
        >>> setup(seed=3)
        >>> first = torch.rand(2)
        >>> setup(seed=3)  # the same seed draws the same numbers again
        >>> bool(torch.equal(first, torch.rand(2)))
        True
        >>> np.array([1 / 3, 1e-9])
        array([0.333333, 0.      ])
        >>> np.set_printoptions(**before)  # leave the other examples their default printing
    """
    seed = _checks.non_negative_int("seed", seed)
    # Imported here, not at the top: ``import lrcourse`` stays free of pyplot and torch until a lesson starts.
    import numpy as np
    import torch

    from .plotting import use_style

    use_style()
    torch.manual_seed(seed)
    np.set_printoptions(precision=6, suppress=True)
