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

from core._numerics import (
    log_or_zero,
    log_softmax,
    one_hot,
    one_minus_exp,
    p_minus_one_hot,
    runner_up,
)
from core.losses.record import hyperparameter
from core.losses.registry import register

#: PyTorch: log p_t of every row, from ``F.log_softmax`` (the card's ``torch`` code reuses it).
_TORCH_LOG_P_T = "log_p_t = F.log_softmax(z, 1).gather(1, y[:, None])[:, 0]"
#: PyTorch: the Crammer–Singer slack with core's subgradients: the first wrong class on ties
#: (``argmax``), and ``F.relu``, whose derivative at 0 is 0 (``clamp(min=0)`` passes 1 there).
_TORCH_SLACK = """j = z.masked_fill(Y.bool(), -torch.inf).argmax(1, keepdim=True)  # first on ties
slack = margin - (z.gather(1, y[:, None]) - z.gather(1, j))[:, 0]"""

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
    diff = p_minus_one_hot(log_p, y)
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
    title="Cross-entropy (CE)",
    short="CE",
    color="#0072B2",  # blue
    formula=r"L = -\sum_k q_k \log p_k,\quad q = (1-\varepsilon)\,Y + \varepsilon/K",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    properties=("convex", "differentiable", "bounded_gradient", "calibrated"),
    hyperparameters=(LABEL_SMOOTHING,),
    reference="Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.3; label "
    "smoothing: Szegedy et al., Rethinking the Inception architecture for computer vision, "
    "CVPR 2016",
    soft_targets=True,
    output="softmax",
    equivalents={
        "pytorch": (
            "torch.nn.CrossEntropyLoss(label_smoothing=ε, reduction='none') on logits (default "
            "reduction='mean'); same smoothing convention q = (1-ε)Y + ε/K; also takes class "
            "probabilities as the target"
        ),
        "keras": (
            "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) on one-hot"
            " targets, same smoothing convention (SparseCategoricalCrossentropy for integer "
            "labels has no label smoothing); Keras's default from_logits=False expects "
            "probabilities and clips them to [1e-7, 1 - 1e-7]; default reduction averages"
        ),
        "sklearn": (
            "sklearn.metrics.log_loss (takes probabilities, returns the mean, clips them); "
            "LogisticRegression(C=np.inf) minimises its sum over a linear model (for two classes "
            "on the logits [0, f]); the default C=1.0 adds an L2 penalty ‖w‖²/2"
        ),
    },
    torch='return F.cross_entropy(z, y, label_smoothing=label_smoothing, reduction="none")',
    grid=({}, {"label_smoothing": 0.1}, {"label_smoothing": 0.3}, {"label_smoothing": 0.4}),
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
    d = p_minus_one_hot(log_p, y)
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
    title="Squared error on probabilities (MSE, Brier)",
    short="MSE",
    color="#D55E00",  # vermillion
    formula=r"L = \sum_k (p_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_j} = p_j \Big(g_j - \sum_k p_k g_k\Big),"
    r"\quad g_k = 2 (p_k - Y_k)",
    properties=("differentiable", "bounded_gradient", "calibrated"),
    reference="Brier, Verification of forecasts expressed in terms of probability, Monthly "
    "Weather Review 78 (1950); for its gradient through the softmax, the article “Intuition: "
    "why cross-entropy and not MSE for classification”",
    output="softmax",
    equivalents={
        "pytorch": (
            "no single loss: torch.nn.functional.mse_loss(z.softmax(1), one_hot(y), "
            "reduction='none').sum(1); MSELoss's default reduction='mean' also divides by K"
        ),
        "keras": (
            "keras.losses.MeanSquaredError on softmax probabilities and one-hot targets averages "
            "over the K classes: it equals ours / K"
        ),
        "sklearn": (
            "sklearn.metrics.brier_score_loss(y, proba, scale_by_half=False) is the mean of ours "
            "(its default halves the binary case)"
        ),
    },
    torch="return ((z.softmax(1) - Y) ** 2).sum(1)",
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
    grad = p_minus_one_hot(log_p, y) * (2.0 * np.exp(log_p_t))[:, None]
    return 2.0 * one_minus_exp(log_p_t), grad


register(
    mae,
    "classification",
    title="Absolute error on probabilities (MAE)",
    short="MAE",
    color="#009E73",  # bluish green
    formula=r"L = \sum_k |p_k - Y_k| = 2\,(1 - p_t)",
    grad=r"\frac{\partial L}{\partial z_k} = 2\,p_t\,(p_k - Y_k)",
    properties=("differentiable", "bounded_gradient", "robust"),
    reference="Ghosh, Kumar & Sastry, Robust loss functions under label noise for deep "
    "neural networks, AAAI 2017",
    output="softmax",
    equivalents={
        "pytorch": (
            "no single loss: torch.nn.functional.l1_loss(z.softmax(1), one_hot(y), "
            "reduction='none').sum(1), or 2(1 - p_t) as -2·expm1(log p_t), which keeps its "
            "digits when p_t ≈ 1"
        ),
        "keras": (
            "keras.losses.MeanAbsoluteError on softmax probabilities and one-hot targets averages"
            " over the K classes: it equals ours / K"
        ),
        "sklearn": "none (sklearn.metrics.mean_absolute_error on the one-hot matrix is ours / K)",
    },
    torch=f"""{_TORCH_LOG_P_T}
return -2 * torch.expm1(log_p_t)  # 2 (1 - p_t)""",
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
    z_j, j = runner_up(z, y)
    slack = margin - (z[rows, y] - z_j)
    active = (slack > 0).astype(z.dtype)
    grad = np.zeros_like(z)
    grad[rows, y] = -active
    grad[rows, j] = active
    return np.maximum(slack, 0.0), grad


register(
    hinge,
    "classification",
    title="Multiclass hinge (Crammer–Singer)",
    short="hinge",
    color="#CC79A7",  # reddish purple
    formula=r"L = \max(0,\ \Delta - m),\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -[m < \Delta],\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = [m < \Delta],\quad j^* = \arg\max_{j \ne t} z_j",
    properties=("convex", "bounded_gradient"),
    hyperparameters=(MARGIN,),
    reference="Crammer & Singer, On the algorithmic implementation of multiclass kernel-based "
    "vector machines, JMLR 2 (2001)",
    output="margin",
    equivalents={
        "pytorch": (
            "no built-in (torch.nn.MultiMarginLoss is the Weston–Watkins variant, our "
            "multi_margin); write it as relu(Δ - z_t + z_j*) with j* = argmax_{j≠t} z_j: relu "
            "and argmax give our subgradients (clamp(min=0) passes 1 at slack 0, amax splits "
            "ties)"
        ),
        "keras": (
            "keras.losses.CategoricalHinge on raw scores is max(0, 1 + max_{j≠t} (1-Y_j) z_j - "
            "z_t): the same as ours with Δ = 1 except that the masked target counts as 0, so it "
            "differs when all wrong-class scores are negative; keras.losses.Hinge is binary with "
            "labels ±1 (0/1 are mapped to ±1)"
        ),
        "sklearn": (
            "sklearn.metrics.hinge_loss (multiclass: exactly this with Δ = 1, mean over samples; "
            "binary: max(0, 1 - y·f) on one decision value f = z_1 - z_0); "
            "LinearSVC(multi_class='crammer_singer', C=C) minimises ‖W‖²/2 + C·Σ ours over a "
            "linear model, its intercept penalised as a weight: an L2 penalty no argument "
            "removes (a large C comes close)"
        ),
    },
    torch=f"""{_TORCH_SLACK}
return F.relu(slack)""",
    grid=({}, {"margin": 0.5}, {"margin": 2.0}),
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
    title="Squared hinge (Crammer–Singer)",
    short="squared hinge",
    color="#882255",  # wine
    formula=r"L = \max(0,\ \Delta - m)^2,\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -2\max(0, \Delta - m),\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = 2\max(0, \Delta - m)",
    properties=("convex",),
    hyperparameters=(MARGIN,),
    reference="Crammer & Singer, JMLR 2 (2001); squared hinge: Lee & Lin, A study on L2-loss "
    "(squared hinge-loss) multiclass SVM, Neural Computation 25 (2013)",
    output="margin",
    equivalents={
        "pytorch": (
            "no built-in (MultiMarginLoss(p=2) squares each Weston–Watkins term instead); write "
            "it as relu(Δ - z_t + z_j*) ** 2 with j* = argmax_{j≠t} z_j"
        ),
        "keras": "keras.losses.SquaredHinge is the binary version with labels ±1",
        "sklearn": (
            "LinearSVC(loss='squared_hinge') (its default) trains it one-vs-rest (binary per "
            "class), not on the multiclass margin, with an L2 penalty (C)"
        ),
    },
    torch=f"""{_TORCH_SLACK}
return F.relu(slack) ** 2""",
    grid=({}, {"margin": 2.0}),
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
    title="Multi-margin hinge (Weston–Watkins)",
    short="multi-margin",
    color="#E69F00",  # orange
    formula=r"L = \frac{1}{K} \sum_{j \ne t} \max(0,\ \Delta - z_t + z_j)",
    grad=r"\frac{\partial L}{\partial z_j} = \frac{[\Delta - z_t + z_j > 0]}{K}\ (j \ne t),"
    r"\quad \frac{\partial L}{\partial z_t} = -\sum_{j \ne t} \frac{[\Delta - z_t + z_j > 0]}{K}",
    properties=("convex", "bounded_gradient"),
    hyperparameters=(MARGIN,),
    reference="Weston & Watkins, Support vector machines for multi-class pattern recognition, "
    "ESANN 1999",
    output="margin",
    equivalents={
        "pytorch": (
            "torch.nn.MultiMarginLoss(p=1, margin=Δ, reduction='none') exactly (default "
            "reduction='mean')"
        ),
        "keras": "none",
        "sklearn": (
            "none (sklearn's multiclass hinge_loss is Crammer–Singer); Weston & Watkins sum the "
            "terms without the 1/K"
        ),
    },
    torch='return F.multi_margin_loss(z, y, margin=margin, reduction="none")',
    grid=({}, {"margin": 0.3}, {"margin": 0.5}, {"margin": 2.0}, {"margin": 2.5}),
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
    return -weight * log_p_t, p_minus_one_hot(log_p, y) * scale[:, None]


register(
    focal,
    "classification",
    title="Focal loss",
    short="focal",
    color="#56B4E9",  # sky blue
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
    output="softmax",
    equivalents={
        "pytorch": (
            "no multiclass built-in: torchvision.ops.sigmoid_focal_loss is the binary, per-logit "
            "sigmoid version with an extra class weight alpha"
        ),
        "keras": (
            "keras.losses.CategoricalFocalCrossentropy(alpha=1.0, gamma=γ, from_logits=True) on "
            "one-hot targets; its default alpha=0.25 scales ours by 0.25"
        ),
        "sklearn": "none",
    },
    torch=f"""{_TORCH_LOG_P_T}
return -((-torch.expm1(log_p_t)) ** gamma) * log_p_t  # (1 - p_t)^γ (-log p_t)""",
    grid=({}, {"gamma": 0.0}, {"gamma": 0.5}, {"gamma": 4.0}, {"gamma": 5.0}),
)


def square_logits(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Square loss straight on the logits, no softmax (Hui & Belkin with :math:`k = M = 1`).

    The prediction is :math:`\arg\max_k z_k`. The minimiser of the expected loss is
    :math:`z_k = P(k \mid x)`: the raw outputs themselves estimate the class probabilities
    (the Brier score of raw outputs is strictly proper), while their softmax, of numbers in
    :math:`[0, 1]`, is close to uniform and calibrated only by accident.
    """
    e = z - one_hot(y, z.shape[1], dtype=z.dtype)
    return np.sum(e * e, axis=1), 2.0 * e


register(
    square_logits,
    "classification",
    title="Square loss on logits (Hui & Belkin)",
    short="square loss on logits",
    color="#999933",  # olive
    formula=r"L = \sum_k (z_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_k} = 2 (z_k - Y_k)",
    properties=("convex", "differentiable", "calibrated"),
    reference="Hui & Belkin, Evaluation of neural architectures trained with square loss vs "
    "cross-entropy in classification tasks, ICLR 2021 (their k = M = 1)",
    output="raw",
    equivalents={
        "pytorch": (
            "torch.nn.functional.mse_loss(z, one_hot(y), reduction='none').sum(1) (no softmax)"
        ),
        "keras": (
            "keras.losses.MeanSquaredError on logits and one-hot targets averages over the K "
            "classes: it equals ours / K"
        ),
        "sklearn": (
            "RidgeClassifier(alpha=0) minimises the sum of squared errors of raw outputs over a "
            "linear model, with targets ±1 instead of 1/0 (its fit is 2× ours - 1: the same "
            "argmax); the default alpha=1.0 adds an L2 penalty"
        ),
    },
    torch="return ((z - Y) ** 2).sum(1)",
)


def gce(y: NDArray, z: Array, *, q: float = 0.7) -> tuple[Array, Array]:
    r"""Generalized cross-entropy (the negative Box–Cox transform of :math:`p_t`).

    :math:`q \to 0` gives cross-entropy, :math:`q = 1` gives :math:`1 - p_t` (MAE / 2). Bounded
    by :math:`1/q`, which caps what a mislabelled point can cost (Zhang & Sabuncu bound its
    excess risk under label noise); but for :math:`q < 1` it is not symmetric
    (:math:`\sum_t L(t, z)` depends on :math:`z`), so Ghosh et al.'s noise tolerance, the
    ``robust`` flag's definition, does not hold. Computed as
    :math:`-\mathrm{expm1}(q \log p_t)/q`, exact for tiny :math:`q \log p_t`.
    """
    log_p = log_softmax(z)
    q_log_p_t = q * log_p[_rows(z), y]
    grad = p_minus_one_hot(log_p, y) * np.exp(q_log_p_t)[:, None]
    return one_minus_exp(q_log_p_t) / q, grad


register(
    gce,
    "classification",
    title="Generalized cross-entropy (GCE)",
    short="GCE",
    color="#332288",  # indigo
    formula=r"L = \frac{1 - p_t^{\,q}}{q}",
    grad=r"\frac{\partial L}{\partial z_k} = p_t^{\,q}\,(p_k - Y_k)",
    properties=("differentiable", "bounded_gradient"),
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
    output="softmax",
    equivalents={
        "pytorch": "none built in (Zhang & Sabuncu's reference code)",
        "keras": "none",
        "sklearn": "none",
    },
    torch=f"""{_TORCH_LOG_P_T}
return -torch.expm1(q * log_p_t) / q  # (1 - p_t^q) / q""",
    grid=({}, {"q": 0.05}, {"q": 0.1}, {"q": 1.0}),
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
    title="Kullback–Leibler divergence (KL)",
    short="KL",
    color="#44AA99",  # teal
    formula=r"L = \sum_k q_k \log \frac{q_k}{p_k},\quad 0 \log 0 = 0",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    properties=("convex", "differentiable", "bounded_gradient", "calibrated"),
    hyperparameters=(LABEL_SMOOTHING,),
    reference="Kullback & Leibler, On information and sufficiency, Ann. Math. Statist. 22 (1951)",
    soft_targets=True,
    output="softmax",
    equivalents={
        "pytorch": (
            "torch.nn.KLDivLoss(reduction='batchmean') with input = log_softmax(z) "
            "(log-probabilities!) and target = q (probabilities, log_target=False); "
            "reduction='none' gives the K terms per sample, 'batchmean' the mean of ours, and "
            "'mean' (the default) divides by n·K, which is not the KL divergence"
        ),
        "keras": (
            "keras.losses.KLDivergence on probabilities (not logits), both clipped to [1e-7, 1]"
        ),
        "sklearn": "none (scipy.special.rel_entr gives the terms)",
    },
    torch="""q = (1 - label_smoothing) * Y + label_smoothing / z.shape[1]
return F.kl_div(F.log_softmax(z, 1), q, reduction="none").sum(1)""",
    grid=({}, {"label_smoothing": 0.2}),
)
