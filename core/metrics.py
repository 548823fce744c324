r"""Evaluation metrics: pure functions of labels/targets and model outputs.

The one reduction of per-sample losses in ``core`` lives here (:func:`empirical_risk`);
training and every mean-of-a-loss metric go through it. Classification metrics that exist
as a loss (log-loss = cross-entropy, multiclass hinge) call the loss registry, so each
formula is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import one_hot

__all__ = [
    "ReliabilityCurve",
    "accuracy",
    "brier",
    "empirical_risk",
    "error_rate",
    "expected_calibration_error",
    "log_loss",
    "mae",
    "multiclass_hinge",
    "reliability_curve",
    "rmse",
]

Array = NDArray[np.floating]


def empirical_risk(
    values: Array, grad: Array | None = None, axis: int | None = None
) -> tuple[Any, Array | None]:
    r"""Mean of per-sample losses and the matching per-sample gradient scaling.

    .. math:: R = \frac1n \sum_{i=1}^n \ell_i,\qquad
              \frac{\partial R}{\partial z_i} = \frac1n \frac{\partial \ell_i}{\partial z_i}

    Returns ``(R, grad / n)`` (``None`` for the gradient when none is given): ``R`` a float
    over the samples along axis 0 by default; with ``axis`` the samples lie along that axis
    of a batch of problems (e.g. a grid of parameters × samples) and ``R`` is an array with
    one mean per problem. The only function in ``core`` that reduces per-sample losses.
    """
    if axis is None:
        n = values.shape[0]
        # values.sum() / n is np.mean's arithmetic, without its Python-level bookkeeping
        return float(values.sum() / n), (None if grad is None else grad / n)
    n = values.shape[axis]
    return values.sum(axis=axis) / n, (None if grad is None else grad / n)


def _labels(y_true: ArrayLike) -> NDArray[np.intp]:
    y = np.asarray(y_true)
    if y.ndim != 1:
        raise ValueError(f"y_true must be labels of shape (n,), got {y.shape}")
    return y


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of correct labels; ``y_pred`` is labels ``(n,)`` or scores ``(n, K)`` (argmax)."""
    y = _labels(y_true)
    pred = np.asarray(y_pred)
    pred = np.argmax(pred, axis=1) if pred.ndim == 2 else pred
    if pred.shape != y.shape:
        raise ValueError(f"y_pred must have {y.shape[0]} rows, got shape {np.shape(y_pred)}")
    return float(np.mean(pred == y))


def error_rate(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """:math:`1 - \\mathrm{accuracy}`."""
    return 1.0 - accuracy(y_true, y_pred)


def log_loss(y_true: ArrayLike, logits: ArrayLike) -> float:
    r"""Mean negative log-likelihood :math:`-\frac1n\sum_i \log p_{i,t_i}` from logits (stable:
    the registry's cross-entropy works on ``log_softmax``). Equals ``sklearn.metrics.log_loss``
    on ``softmax(logits)``."""
    values, _ = losses.get("cross_entropy", "classification")(y_true, logits)
    return empirical_risk(values)[0]


def multiclass_hinge(y_true: ArrayLike, logits: ArrayLike, margin: float = 1.0) -> float:
    r"""Mean Crammer–Singer hinge :math:`\max(0, \mathrm{margin} - (z_t - \max_{j\ne t} z_j))`,
    ``sklearn.metrics.hinge_loss`` for multiclass decision functions."""
    values, _ = losses.get("hinge", "classification")(y_true, logits, margin=margin)
    return empirical_risk(values)[0]


def _proba(y_true: ArrayLike, proba: ArrayLike) -> tuple[NDArray[np.intp], Array]:
    y = _labels(y_true)
    p = np.asarray(proba, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != y.shape[0] or p.shape[1] < 2:
        raise ValueError(f"proba must have shape ({y.shape[0]}, K) with K >= 2, got {p.shape}")
    if y.size and (y.min() < 0 or y.max() >= p.shape[1]):
        raise ValueError(f"y_true labels must be in 0..{p.shape[1] - 1}")
    return y, p


def brier(y_true: ArrayLike, proba: ArrayLike) -> float:
    r"""Multiclass Brier score :math:`\frac1n \sum_i \sum_k (p_{ik} - Y_{ik})^2` (Brier 1950;
    summed over classes, so it lies in :math:`[0, 2]`; twice sklearn's binary
    ``brier_score_loss``). The classification ``mse`` loss on logits is the same quantity."""
    y, p = _proba(y_true, proba)
    return empirical_risk(np.sum((p - one_hot(y, p.shape[1])) ** 2, axis=1))[0]


@dataclass(frozen=True)
class ReliabilityCurve:
    """Per confidence bin: mean confidence, accuracy (NaN where empty) and count."""

    edges: Array
    confidence: Array
    accuracy: Array
    count: NDArray[np.int_]


def reliability_curve(y_true: ArrayLike, proba: ArrayLike, n_bins: int = 15) -> ReliabilityCurve:
    r"""Reliability diagram data (Guo et al., ICML 2017): confidence :math:`\max_k p_k` binned
    into ``n_bins`` equal-width bins :math:`((b-1)/B, b/B]`; per bin the mean confidence,
    the accuracy of the argmax and the number of points."""
    y, p = _proba(y_true, proba)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    b = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    count = np.bincount(b, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.bincount(b, weights=conf, minlength=n_bins) / count
        acc = np.bincount(b, weights=correct, minlength=n_bins) / count
    return ReliabilityCurve(edges, confidence, acc, count)


def expected_calibration_error(y_true: ArrayLike, proba: ArrayLike, n_bins: int = 15) -> float:
    r""":math:`\mathrm{ECE} = \sum_b \frac{n_b}{n} |\mathrm{acc}_b - \mathrm{conf}_b|` over the
    bins of :func:`reliability_curve` (Naeini et al., AAAI 2015; Guo et al. 2017)."""
    curve = reliability_curve(y_true, proba, n_bins)
    full = curve.count > 0
    gap = np.abs(curve.accuracy[full] - curve.confidence[full])
    return float(np.sum(curve.count[full] * gap) / np.sum(curve.count))


def _regression(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[Array, Array]:
    return losses.check_regression(y_true, y_pred)


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Root mean squared error :math:`\sqrt{\frac1n\sum_i (\hat y_i - y_i)^2}` (averaged over
    targets for ``(n, d)``), from the registry's squared error."""
    values, _ = losses.get("mse", "regression")(*_regression(y_true, y_pred))
    return float(np.sqrt(empirical_risk(values)[0]))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean absolute error :math:`\frac1n\sum_i |\hat y_i - y_i|`."""
    y, pred = _regression(y_true, y_pred)
    values = np.abs(pred - y)
    return empirical_risk(values.mean(axis=1) if values.ndim == 2 else values)[0]
