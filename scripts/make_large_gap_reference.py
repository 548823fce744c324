r"""Write ``tests/fixtures/large_gap_reference.json``: classification losses where the logits
are far apart, at 400 digits.

Run with an environment that has mpmath (the PyTorch one does; the app and the tests need
only NumPy)::

    /work/venv-torch/bin/python scripts/make_large_gap_reference.py

For every registered classification loss (default hyperparameters, and one other setting
where it has any) and logits whose gaps run from 5 to 700 (two and three classes, each label),
the script evaluates the per-sample value from the loss's definition in mpmath at 400 digits
and each partial derivative by mpmath's numerical differentiation of that value (so no
gradient formula is written here), then rounds each number to float64 once. The definitions
below are written from the losses' formulas, not from ``core.losses``. Logits stay clear of the
hinge kinks, so every derivative exists.
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath as mp

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "large_gap_reference.json"
#: e^-700 next to 1 needs 304 digits before its own 16 show: 400 digits hold every case
mp.mp.dps = 400

GAPS = (5, 10, 20, 37, 40, 100, 300, 700)


def softmax(z: list) -> list:
    m = max(z)
    e = [mp.exp(v - m) for v in z]
    s = mp.fsum(e)
    return [v / s for v in e]


def smoothed(t: int, k: int, eps) -> list:
    return [(1 - eps) * (1 if j == t else 0) + eps / k for j in range(k)]


def cross_entropy(z, t, label_smoothing=0):
    p = softmax(z)
    q = smoothed(t, len(z), mp.mpf(label_smoothing))
    return -mp.fsum(qk * mp.log(pk) for qk, pk in zip(q, p, strict=True))


def kl_div(z, t, label_smoothing=0):
    p = softmax(z)
    q = smoothed(t, len(z), mp.mpf(label_smoothing))
    return mp.fsum(qk * mp.log(qk / pk) for qk, pk in zip(q, p, strict=True) if qk > 0)


def mse(z, t):
    p = softmax(z)
    return mp.fsum((pk - (1 if k == t else 0)) ** 2 for k, pk in enumerate(p))


def mae(z, t):
    p = softmax(z)
    return mp.fsum(abs(pk - (1 if k == t else 0)) for k, pk in enumerate(p))


def margin_of(z, t):
    return z[t] - max(v for j, v in enumerate(z) if j != t)


def hinge(z, t, margin=1):
    return max(mp.mpf(0), margin - margin_of(z, t))


def squared_hinge(z, t, margin=1):
    return hinge(z, t, margin) ** 2


def multi_margin(z, t, margin=1):
    k = len(z)
    return mp.fsum(max(mp.mpf(0), margin - z[t] + z[j]) for j in range(k) if j != t) / k


def focal(z, t, gamma=2):
    p_t = softmax(z)[t]
    return -((1 - p_t) ** mp.mpf(gamma)) * mp.log(p_t)


def square_logits(z, t):
    return mp.fsum((v - (1 if k == t else 0)) ** 2 for k, v in enumerate(z))


def gce(z, t, q=0.7):
    q = mp.mpf(q)
    return (1 - softmax(z)[t] ** q) / q


LOSSES = {
    "cross_entropy": (cross_entropy, [{}, {"label_smoothing": 0.1}]),
    "mse": (mse, [{}]),
    "mae": (mae, [{}]),
    "hinge": (hinge, [{}, {"margin": 2.0}]),
    "squared_hinge": (squared_hinge, [{}, {"margin": 2.0}]),
    "multi_margin": (multi_margin, [{}, {"margin": 2.0}]),
    "focal": (focal, [{}, {"gamma": 0.5}]),
    "square_logits": (square_logits, [{}]),
    "gce": (gce, [{}, {"q": 0.3}]),
    "kl_div": (kl_div, [{}, {"label_smoothing": 0.1}]),
}


def logits() -> list[list[float]]:
    """Two classes ``[0, g]`` and three classes ``[0, g, g/2 + 1/4]`` and ``[-g, 0, g]`` (the
    quarter keeps every hinge term of margin 1 or 2 off its kink)."""
    rows = []
    for g in GAPS:
        rows += [[0, g], [0, g, g / 2 + 0.25], [-g, 0, g]]
    return rows


def main() -> None:
    cases = []
    for name, (f, settings) in LOSSES.items():
        for params in settings:
            for z in logits():
                for t in range(len(z)):
                    zm = [mp.mpf(v) for v in z]

                    def at(*v, f=f, t=t, params=params):
                        return f(list(v), t, **params)

                    value = at(*zm)
                    grad = [
                        mp.diff(at, zm, tuple(int(i == j) for i in range(len(z))))
                        for j in range(len(z))
                    ]
                    cases.append(
                        {
                            "loss": name,
                            "params": params,
                            "y": t,
                            "z": z,
                            "value": float(value),
                            "grad": [float(g) for g in grad],
                        }
                    )
    OUT.write_text(
        json.dumps(
            {
                "about": "classification losses at logits far apart: mpmath, 400 digits, each "
                "number rounded to float64 once; derivatives by mpmath.diff of the value "
                "(scripts/make_large_gap_reference.py)",
                "cases": cases,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"{len(cases)} cases written to {OUT}")


if __name__ == "__main__":
    main()
