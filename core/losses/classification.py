r"""Classification losses on logits: ``f(y, z, *, hyper...) -> (values (n,), grad (n, K))``.

``y``: integer labels ``(n,)`` in ``0..K-1`` (losses with ``soft_targets`` also take a target
distribution ``(n, K)``); ``z``: logits ``(n, K)``, ``K >= 2``. :math:`p = \mathrm{softmax}(z)`,
:math:`Y` the one-hot label, :math:`t` the target class, :math:`p_t` its probability and
:math:`m = z_t - \max_{j \ne t} z_j` the multiclass margin.

Each function is named by its registered name and registered right below it, with its
formula, gradient, reference and property flags (the one place each is written). Every value
and gradient is computed from ``log_softmax`` without an ``eps`` and without cancellation:
:math:`1 - p` comes from :math:`\log p` by ``expm1``, so gradients stay relatively exact when
the logits are far apart (``tests/core/losses/test_large_gaps.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from core._numerics import log_or_zero, log_softmax, one_hot, one_minus_exp
from core._numerics import p_minus_one_hot as _p_minus_one_hot
from core._numerics import runner_up as _runner_up
from core.losses.registry import hyperparameter, register

__all__ = [
    "cross_entropy",
    "focal",
    "gce",
    "hinge",
    "kl_div",
    "mae",
    "mse",
    "multi_margin",
    "square_logits",
    "squared_hinge",
]

Array = NDArray[np.floating]

LABEL_SMOOTHING = hyperparameter(
    "label_smoothing",
    0.0,
    "[0, 1)",
    r"\varepsilon",
    (0.0, 0.5),
    "mass moved from the true class to a uniform distribution over all K classes",
)
MARGIN = hyperparameter(
    "margin",
    1.0,
    "(0, inf)",
    r"\Delta",
    (0.1, 3.0),
    "the logit margin the true class must win by before the loss is zero",
)


# --------------------------------------------------------------------------- helpers


def _targets(y: NDArray, k: int, dtype: Any, label_smoothing: float = 0.0) -> Array:
    r"""Target distribution :math:`q = (1-\varepsilon) Y + \varepsilon / K` from labels or rows."""
    q = y if y.ndim == 2 else one_hot(y, k, dtype=dtype)
    return (1.0 - label_smoothing) * q + label_smoothing / k if label_smoothing else q


def _rows(z: Array) -> NDArray[np.intp]:
    return np.arange(z.shape[0])


def _p_minus_targets(log_p: Array, y: NDArray, label_smoothing: float) -> Array:
    r""":math:`p - q` with :math:`q = (1-\varepsilon) Y + \varepsilon/K` (or given rows)."""
    if y.ndim == 2:
        return np.exp(log_p) - _targets(y, log_p.shape[1], log_p.dtype, label_smoothing)
    diff = _p_minus_one_hot(log_p, y)
    if label_smoothing:  # p - q = (p - Y) + eps (Y - 1/K)
        diff -= label_smoothing / log_p.shape[1]
        diff[_rows(log_p), y] += label_smoothing
    return diff


# --------------------------------------------------------------------------- losses


def cross_entropy(y: NDArray, z: Array, *, label_smoothing: float = 0.0) -> tuple[Array, Array]:
    r"""Softmax cross-entropy (negative log-likelihood of the softmax).

    :math:`q` is the one-hot label, or the given target distribution, smoothed by
    :math:`\varepsilon`. Stable through ``log_softmax``: finite for any finite logits. With
    smoothing the minimum is the entropy of :math:`q`, not 0.
    """
    log_p = log_softmax(z)
    if y.ndim == 1 and not label_smoothing:  # q one-hot: the sum is the target's term
        values = -log_p[_rows(z), y]
    else:
        values = -np.sum(_targets(y, z.shape[1], z.dtype, label_smoothing) * log_p, axis=1)
    return values, _p_minus_targets(log_p, y, label_smoothing)


register(
    cross_entropy,
    "classification",
    title="Cross-entropy (softmax)",
    formula=r"L = -\sum_k q_k \log p_k,\quad q = (1-\varepsilon)\,Y + \varepsilon/K",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    properties=("convex", "differentiable", "bounded_gradient", "calibrated"),
    hyperparameters=(LABEL_SMOOTHING,),
    reference="Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.3; label "
    "smoothing: Szegedy et al., Rethinking the Inception architecture for computer vision, "
    "CVPR 2016",
    soft_targets=True,
)


#: a wrong class's probability beyond which MSE's gradient entry is computed from 1 - p_j:
#: below it the plain form loses at most 10 bits (1 - p_j >= 2^-10), and keeping it there
#: keeps every training run the app shows bit for bit as it was
_DOMINANT = 1.0 - 2.0**-10


def mse(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Squared error between the softmax and the one-hot label (the multiclass Brier score).

    :math:`L = (1 - p_t)^2 + \sum_{k \ne t} p_k^2`. The softmax Jacobian
    :math:`\partial p_k / \partial z_j = p_k(\delta_{kj} - p_j)` carries the factor
    :math:`p(1-p)` that makes MSE learn slowly when it is confidently wrong (:math:`K = 2`:
    :math:`\partial L/\partial z_t = -4 p_t (1 - p_t)^2`). Bounded (by 2), strictly proper,
    not convex in the logits. Every :math:`1 - p` is taken from :math:`\log p` by ``expm1``:
    :math:`1 - p_t` always, and for a wrong class :math:`j` that dominates
    (:math:`1 - p_j < 2^{-10}`, where the plain form would start to cancel) the gradient
    entry is :math:`2 p_j \big(p_j (1 - p_j) - \sum_{k \ne t, j} p_k^2 + p_t (1 - p_t)\big)`,
    whose terms do not cancel, so it stays relatively exact when the logits are far apart
    (e.g. :math:`4 e^{-40}` at :math:`z = [0, 40]`, :math:`t = 0`, not 0).
    """
    log_p = log_softmax(z)
    rows = _rows(z)
    p = np.exp(log_p)
    d = _p_minus_one_hot(log_p, y)
    values = np.sum(d * d, axis=1)
    # sum_k p_k d_k = sum_{k != t} p_k^2 - p_t (1 - p_t), summed without the target's p_t^2
    wrong = p.copy()
    wrong[rows, y] = 0.0
    p_dot_d = np.sum(wrong * wrong, axis=1) + p[rows, y] * d[rows, y]
    grad = 2.0 * p * (d - p_dot_d[:, None])
    grad[rows, y] = -2.0 * p[rows, y] * values  # = 2 p_t (d_t - p.d), without cancellation
    top = np.argmax(wrong, axis=1)
    dominant = np.flatnonzero(wrong[rows, top] > _DOMINANT)
    if dominant.size:  # d_j - p.d = p_j - p_j^2 - ... cancels as p_j -> 1: without 1 - p_j
        j, t = top[dominant], y[dominant]
        others = wrong[dominant]
        others[np.arange(dominant.size), j] = 0.0
        p_j, p_t = p[dominant, j], p[dominant, t]
        diff = p_j * one_minus_exp(log_p[dominant, j]) - np.sum(others * others, axis=1)
        diff -= p_t * d[dominant, t]  # + p_t (1 - p_t)
        grad[dominant, j] = 2.0 * p_j * diff
    return values, grad


register(
    mse,
    "classification",
    title="Squared error on probabilities (Brier)",
    formula=r"L = \sum_k (p_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_j} = p_j \Big(g_j - \sum_k p_k g_k\Big),"
    r"\quad g_k = 2 (p_k - Y_k)",
    properties=("differentiable", "bounded_gradient", "calibrated"),
    reference="Brier, Verification of forecasts expressed in terms of probability, Monthly "
    "Weather Review 78 (1950); for its gradient through the softmax, the article “Intuition: "
    "why cross-entropy and not MSE for classification”",
)


def mae(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Absolute error between the softmax and the one-hot label, :math:`2(1 - p_t)`.

    Smooth in the logits (every :math:`p_k` lies strictly between 0 and 1). Symmetric:
    :math:`\sum_{t=1}^{K} L(t, z) = 2(K-1)` for every :math:`z`, which makes it tolerant to
    uniform label noise; but its gradient vanishes on samples it gets badly wrong
    (:math:`p_t \to 0`), so it trains slowly. Its minimiser puts all mass on the most likely
    class, so it is not calibrated.
    """
    log_p = log_softmax(z)
    log_p_t = log_p[_rows(z), y]
    grad = _p_minus_one_hot(log_p, y) * (2.0 * np.exp(log_p_t))[:, None]
    return 2.0 * one_minus_exp(log_p_t), grad


register(
    mae,
    "classification",
    title="Absolute error on probabilities",
    formula=r"L = \sum_k |p_k - Y_k| = 2\,(1 - p_t)",
    grad=r"\frac{\partial L}{\partial z_k} = 2\,p_t\,(p_k - Y_k)",
    properties=("differentiable", "bounded_gradient", "robust"),
    reference="Ghosh, Kumar & Sastry, Robust loss functions under label noise for deep "
    "neural networks, AAAI 2017",
)


def hinge(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Crammer–Singer multiclass hinge on the margin :math:`m = z_t - \max_{j \ne t} z_j`.

    All partials other than :math:`z_t` and :math:`z_{j^*}` are 0. Subgradients at the kinks:
    at :math:`m = \Delta` the gradient is 0 (the derivative of :math:`\max(0, x)` at 0 is taken
    as 0, like :math:`\mathrm{sign}(0) = 0`), and when wrong classes tie for the maximum the
    first of them gets the +1. For :math:`K = 2` this is the binary SVM hinge
    :math:`\max(0, \Delta - y f)` on :math:`f = z_1 - z_0`, :math:`y = \pm 1`.
    """
    rows = _rows(z)
    runner_up, j = _runner_up(z, y)
    slack = margin - (z[rows, y] - runner_up)
    active = (slack > 0).astype(z.dtype)
    grad = np.zeros_like(z)
    grad[rows, y] = -active
    grad[rows, j] = active
    return np.maximum(slack, 0.0), grad


register(
    hinge,
    "classification",
    title="Multiclass hinge (Crammer–Singer)",
    formula=r"L = \max(0,\ \Delta - m),\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -[m < \Delta],\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = [m < \Delta],\quad j^* = \arg\max_{j \ne t} z_j",
    properties=("convex", "bounded_gradient"),
    hyperparameters=(MARGIN,),
    reference="Crammer & Singer, On the algorithmic implementation of multiclass kernel-based "
    "vector machines, JMLR 2 (2001)",
)


def squared_hinge(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Squared Crammer–Singer hinge.

    Smooth at the margin :math:`m = \Delta`; kinks remain where wrong classes tie for the
    maximum (:math:`K \ge 3`), where the first of them gets the gradient. The gradient grows
    linearly with the violation.
    """
    values, grad = hinge(y, z, margin=margin)
    return values * values, grad * (2.0 * values)[:, None]


register(
    squared_hinge,
    "classification",
    title="Squared multiclass hinge",
    formula=r"L = \max(0,\ \Delta - m)^2,\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -2\max(0, \Delta - m),\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = 2\max(0, \Delta - m)",
    properties=("convex",),
    hyperparameters=(MARGIN,),
    reference="Crammer & Singer, JMLR 2 (2001); squared hinge: Lee & Lin, A study on L2-loss "
    "(squared hinge-loss) multiclass SVM, Neural Computation 25 (2013)",
)


def multi_margin(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Weston–Watkins multiclass hinge, divided by :math:`K` as in PyTorch.

    Every wrong class within the margin is charged (Crammer–Singer charges only the largest).
    At a kink (a term exactly 0) that term's subgradient is taken as 0.
    """
    rows, k = _rows(z), z.shape[1]
    slack = margin - z[rows, y][:, None] + z
    slack[rows, y] = 0.0  # the true class is not a competitor
    active = (slack > 0).astype(z.dtype) / k
    active[rows, y] = -active.sum(axis=1)
    return np.maximum(slack, 0.0).sum(axis=1) / k, active


register(
    multi_margin,
    "classification",
    title="Multiclass hinge (Weston–Watkins)",
    formula=r"L = \frac{1}{K} \sum_{j \ne t} \max(0,\ \Delta - z_t + z_j)",
    grad=r"\frac{\partial L}{\partial z_j} = \frac{[\Delta - z_t + z_j > 0]}{K}\ (j \ne t),"
    r"\quad \frac{\partial L}{\partial z_t} = -\sum_{j \ne t} \frac{[\Delta - z_t + z_j > 0]}{K}",
    properties=("convex", "bounded_gradient"),
    hyperparameters=(MARGIN,),
    reference="Weston & Watkins, Support vector machines for multi-class pattern recognition, "
    "ESANN 1999",
)


def focal(y: NDArray, z: Array, *, gamma: float = 2.0) -> tuple[Array, Array]:
    r"""Focal loss: cross-entropy down-weighted by :math:`(1 - p_t)^\gamma`.

    :math:`\gamma = 0` is cross-entropy. The factor :math:`\log p_t / (1 - p_t)` tends to
    :math:`-1` as :math:`p_t \to 1` and is taken as :math:`-1` where :math:`p_t` rounds to 1, so
    the gradient stays finite for :math:`0 < \gamma < 1` too. Not convex in the logits for
    :math:`\gamma > 0`; not a strictly proper scoring rule (its minimiser is under-confident:
    Mukhoti et al., Calibrating deep neural networks using focal loss, NeurIPS 2020).
    """
    log_p = log_softmax(z)
    log_p_t = log_p[_rows(z), y]
    u = one_minus_exp(log_p_t)  # 1 - p_t
    weight = u**gamma
    # r = log p_t / (1 - p_t) -> -1 as p_t -> 1 (and where 1 - p_t rounds to 0)
    r = np.divide(log_p_t, u, out=np.full_like(u, -1.0), where=u > 0)
    scale = weight * (1.0 - gamma * np.exp(log_p_t) * r)
    return -weight * log_p_t, _p_minus_one_hot(log_p, y) * scale[:, None]


register(
    focal,
    "classification",
    title="Focal loss",
    formula=r"L = -(1 - p_t)^\gamma \log p_t",
    grad=r"\frac{\partial L}{\partial z_k} = (1-p_t)^\gamma"
    r"\Big(1 - \frac{\gamma\, p_t \log p_t}{1 - p_t}\Big)(p_k - Y_k)",
    properties=("differentiable", "bounded_gradient"),
    hyperparameters=(
        hyperparameter(
            "gamma",
            2.0,
            "[0, inf)",
            r"\gamma",
            (0.0, 5.0),
            "focusing: down-weights well-classified samples; 0 is cross-entropy",
        ),
    ),
    reference="Lin, Goyal, Girshick, He & Dollár, Focal loss for dense object detection, ICCV 2017",
)


def square_logits(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Square loss straight on the logits, no softmax (Hui & Belkin with :math:`k = M = 1`).

    The prediction is :math:`\arg\max_k z_k`; the logits are not probabilities, so the
    softmax of the minimiser is not calibrated.
    """
    e = z - one_hot(y, z.shape[1], dtype=z.dtype)
    return np.sum(e * e, axis=1), 2.0 * e


register(
    square_logits,
    "classification",
    title="Squared error on logits",
    formula=r"L = \sum_k (z_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_k} = 2 (z_k - Y_k)",
    properties=("convex", "differentiable"),
    reference="Hui & Belkin, Evaluation of neural architectures trained with square loss vs "
    "cross-entropy in classification tasks, ICLR 2021 (their k = M = 1)",
)


def gce(y: NDArray, z: Array, *, q: float = 0.7) -> tuple[Array, Array]:
    r"""Generalized cross-entropy (the negative Box–Cox transform of :math:`p_t`).

    :math:`q \to 0` gives cross-entropy, :math:`q = 1` gives :math:`1 - p_t` (MAE / 2). Bounded
    by :math:`1/q`, hence tolerant to label noise. Computed as
    :math:`-\mathrm{expm1}(q \log p_t)/q`, exact for tiny :math:`q \log p_t`.
    """
    log_p = log_softmax(z)
    q_log_p_t = q * log_p[_rows(z), y]
    grad = _p_minus_one_hot(log_p, y) * np.exp(q_log_p_t)[:, None]
    return one_minus_exp(q_log_p_t) / q, grad


register(
    gce,
    "classification",
    title="Generalized cross-entropy",
    formula=r"L = \frac{1 - p_t^{\,q}}{q}",
    grad=r"\frac{\partial L}{\partial z_k} = p_t^{\,q}\,(p_k - Y_k)",
    properties=("differentiable", "bounded_gradient", "robust"),
    hyperparameters=(
        hyperparameter(
            "q",
            0.7,
            "(0, 1]",
            "q",
            (0.05, 1.0),
            "interpolates cross-entropy (q -> 0) and MAE / 2 (q = 1)",
        ),
    ),
    reference="Zhang & Sabuncu, Generalized cross entropy loss for training deep neural "
    "networks with noisy labels, NeurIPS 2018",
)


def kl_div(y: NDArray, z: Array, *, label_smoothing: float = 0.0) -> tuple[Array, Array]:
    r"""KL divergence :math:`\mathrm{KL}(q \,\|\, p)` from the target distribution to the softmax.

    :math:`q` is the one-hot label smoothed as in cross-entropy, or a given distribution, and
    :math:`0 \log 0 = 0`. KL = cross-entropy − entropy of :math:`q`: same gradient, but 0 at
    :math:`p = q`. For a one-hot :math:`q` it equals cross-entropy. Each term is computed as
    :math:`q_k(\log q_k - \log p_k)` from ``log_softmax``; the sum is clipped at 0 (Gibbs'
    inequality) so rounding cannot make it negative.
    """
    q = _targets(y, z.shape[1], z.dtype, label_smoothing)
    log_p = log_softmax(z)
    kl = np.sum(q * (log_or_zero(q) - log_p), axis=1)
    return np.maximum(kl, 0.0), _p_minus_targets(log_p, y, label_smoothing)


register(
    kl_div,
    "classification",
    title="Kullback–Leibler divergence",
    formula=r"L = \sum_k q_k \log \frac{q_k}{p_k},\quad 0 \log 0 = 0",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    properties=("convex", "differentiable", "bounded_gradient", "calibrated"),
    hyperparameters=(LABEL_SMOOTHING,),
    reference="Kullback & Leibler, On information and sufficiency, Ann. Math. Statist. 22 (1951)",
    soft_targets=True,
)
