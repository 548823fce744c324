"""Input checks of the losses' checked entry point (``Loss.__call__``): finite float arrays of
the right shapes, labels in range; each ``ValueError`` names the argument and what is allowed."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["check_classification", "check_regression"]

Array = NDArray[np.floating]


def _finite_float(x: ArrayLike, arg: str) -> Array:
    """``x`` as a float array (float32 kept), or ``ValueError`` naming ``arg`` and the bad value."""
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{arg} must be numeric, got dtype {a.dtype}")
    a = a.astype(np.float64, copy=False) if a.dtype.kind != "f" else a
    bad = ~np.isfinite(a)
    if np.any(bad):
        where = tuple(int(i[0]) for i in np.nonzero(bad))
        raise ValueError(f"{arg} must be finite (no NaN or inf), got {a[where]} at index {where}")
    return a


def check_classification(
    y_true: ArrayLike, logits: ArrayLike, *, soft: bool = False
) -> tuple[NDArray, Array]:
    """Check labels and logits; return ``(y, z)`` with ``y`` int ``(n,)`` or float ``(n, K)``.

    Raises ``ValueError`` for logits that are not a finite ``(n, K)`` array with ``K >= 2``,
    labels of the wrong length, non-integer labels or labels outside ``0..K-1``; with
    ``soft=True`` a target distribution ``(n, K)`` (non-negative rows summing to 1) is allowed.
    """
    z = _finite_float(logits, "raw_prediction (logits)")
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(
            f"raw_prediction (logits) must have shape (n, K) with K >= 2, got {z.shape}"
        )
    n, k = z.shape
    y = np.asarray(y_true)
    if soft and y.ndim == 2:
        if y.shape != z.shape:
            raise ValueError(f"y_true as a distribution must have shape {z.shape}, got {y.shape}")
        q = _finite_float(y, "y_true")
        sums = q.sum(axis=1)
        if np.any(q < 0) or not np.allclose(sums, 1.0, atol=1e-6):
            raise ValueError(
                "y_true as a distribution must be non-negative rows summing to 1, got row "
                f"minimum {q.min():g} and row sums in [{sums.min():g}, {sums.max():g}]"
            )
        return q, z
    if y.ndim != 1 or y.shape[0] != n:
        shape = f"({n},) or ({n}, {k})" if soft else f"({n},)"
        raise ValueError(f"y_true must be integer labels of shape {shape}, got {y.shape}")
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.round(y))
        if np.any(bad):
            raise ValueError(
                f"y_true must be integer class labels in 0..{k - 1}, got {y[bad][0]:g}"
            )
    elif y.dtype.kind not in "iub":
        raise ValueError(f"y_true must be integer class labels in 0..{k - 1}, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() > k - 1):
        raise ValueError(
            f"y_true labels must be in 0..{k - 1} (K = {k} logit columns), "
            f"got labels from {y.min()} to {y.max()}"
        )
    return y.astype(np.intp, copy=False), z


def check_regression(
    y_true: ArrayLike, prediction: ArrayLike, *, elementwise: bool = True
) -> tuple[Array, Array]:
    """Check targets and predictions: finite, same shape ``(n,)`` or ``(n, d)``."""
    y = _finite_float(y_true, "y_true")
    pred = _finite_float(prediction, "raw_prediction")
    if y.shape != pred.shape:
        raise ValueError(
            f"y_true and raw_prediction must have the same shape, got {y.shape} and {pred.shape}"
        )
    allowed = (1, 2) if elementwise else (2,)
    if y.ndim not in allowed:
        shape = "(n,) or (n, d)" if elementwise else "(n, d)"
        raise ValueError(f"y_true must have shape {shape}, got {y.shape}")
    return y, pred
