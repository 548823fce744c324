r"""Write ``tests/fixtures/tanh_reference.json``: :math:`\tanh x` at 50 digits, rounded once.

Run with any environment that has mpmath (the PyTorch one does; the tests need NumPy only)::

    .venv-torch/bin/python scripts/make_tanh_reference.py

The points are where a table-driven ``tanh`` could go wrong (``core._numerics.tanh``): the
edges between table intervals (:math:`(k + 1/2)/64` and a few ulps either side), tiny and
subnormal arguments, the saturation at :math:`|x| \approx 19`-:math:`20`, and random ones.
Each value is ``float(mpmath.tanh(x))`` with 50 digits, i.e. correctly rounded.
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tanh_reference.json"


def points() -> np.ndarray:
    rng = np.random.default_rng(20261121)
    edges = (np.arange(-1280, 1280) + 0.5) / 64  # the table's step is 1/64
    near_edges = rng.choice(edges, 400)[:, None] * (1 + np.arange(-3, 4) * 2.0**-52)
    return np.concatenate(
        [
            rng.normal(0, 3, 1500),
            rng.uniform(-1 / 16, 1 / 16, 500),
            rng.uniform(18, 21, 100) * rng.choice([-1, 1], 100),
            np.geomspace(1e-300, 25, 200),
            -np.geomspace(5e-324, 25, 200),
            near_edges.ravel(),
        ]
    )


def main() -> None:
    mpmath.mp.dps = 50
    x = points()
    values = [float(mpmath.tanh(mpmath.mpf(float(v)))) for v in x]
    OUT.write_text(
        json.dumps(
            {
                "source": "mpmath.tanh at 50 digits, rounded to float64 once "
                "(scripts/make_tanh_reference.py)",
                "mpmath": mpmath.__version__,
                "x": [float(v) for v in x],
                "tanh": values,
            }
        )
    )
    print(f"wrote {len(x)} points to {OUT}")


if __name__ == "__main__":
    main()
