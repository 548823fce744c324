r"""Gradient anatomy: why squared error learns slowly through a sigmoid or a softmax.

The numbers behind the "Gradient anatomy" page (the articles “Can cross-entropy do regression,
can MSE do classification?”, “Why not MSE for classification” and “Intuition: why
cross-entropy and not MSE for classification”). Every
softmax loss and gradient comes from the registry (``core.losses``) evaluated at the logits
:math:`z = \log a` of the probabilities :math:`a` (softmax is shift-invariant, so
:math:`\mathrm{softmax}(\log a) = a` for any :math:`a` on the open simplex). Only what the
registry does not have lives here: the sigmoid neuron's :math:`C = (y - a)^2 / 2`, the
path-only MSE derivative of the third article, the probability-simplex grid and a vector parser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import sigmoid, two_class_logits

Array = NDArray[np.floating]

#: Tolerance for "the probabilities sum to 1" (entries are typed with a few decimals).
SUM_TOL = 1e-6

__all__ = [
    "CORNERS",
    "SigmoidNeuron",
    "article_two_class_mse_grad",
    "logits_from_probabilities",
    "mse_grad_through_target",
    "mse_gradient_twin",
    "nontarget_split",
    "parse_vector",
    "probability_losses",
    "sigmoid_neuron",
    "simplex_grid",
    "simplex_losses",
    "softmax_gradients",
    "target_gradient_curves",
    "to_plane",
    "uniform_wrong",
]


# --------------------------------------------------------------------------- input


def parse_vector(
    text: str, name: str, *, min_len: int = 2, max_len: int = 10, limit: float = 1e6
) -> Array:
    """Parse ``"1, 2.5, -3"`` (commas, semicolons or spaces; brackets allowed) into floats.

    Raises ``ValueError`` naming ``name``, the bad text and what is allowed: between
    ``min_len`` and ``max_len`` finite numbers of absolute value at most ``limit``.
    """
    allowed = f"{min_len} to {max_len} finite numbers separated by commas, e.g. '1, 2'"
    parts = [p for p in re.split(r"[,;\s]+", str(text).strip().strip("[]()")) if p]
    try:
        v = np.array([float(p) for p in parts], dtype=np.float64)
    except ValueError:
        raise ValueError(f"{name} = {text!r} is not a list of numbers; enter {allowed}") from None
    if not np.all(np.isfinite(v)) or np.any(np.abs(v) > limit):
        raise ValueError(
            f"{name} = {text!r} contains NaN, inf or a number beyond ±{limit:g}; enter {allowed}"
        )
    if not min_len <= v.size <= max_len:
        raise ValueError(f"{name} = {text!r} has {v.size} entries; enter {allowed}")
    return v


def logits_from_probabilities(a: ArrayLike, name: str = "a") -> Array:
    r"""Logits :math:`z = \log a` whose softmax is the probability vector ``a``.

    ``a`` must be strictly positive (softmax never outputs an exact 0) and sum to 1
    within ``SUM_TOL``; otherwise ``ValueError`` naming ``name`` and the rule.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a finite probability vector with >= 2 entries, got {a}")
    if np.any(a <= 0) or np.any(a >= 1):
        raise ValueError(
            f"{name} = {np.round(a, 6).tolist()}: every probability must lie strictly between "
            "0 and 1 (a softmax output is never exactly 0 or 1)"
        )
    if abs(a.sum() - 1.0) > SUM_TOL:
        raise ValueError(
            f"{name} = {np.round(a, 6).tolist()} sums to {a.sum():.6g}; probabilities must sum to 1"
        )
    return np.log(a)


def _check_label(label: int, k: int) -> int:
    if not (isinstance(label, int | np.integer) and 0 <= label < k):
        raise ValueError(f"label must be a class index in 0..{k - 1} (K = {k}), got {label!r}")
    return int(label)


# --------------------------------------------------------------------------- sigmoid neuron


@dataclass(frozen=True)
class SigmoidNeuron:
    r"""One sigmoid neuron :math:`a = \sigma(z)`, :math:`z = w x + b`, over a grid of ``z``.

    ``mse_*`` is :math:`C = (y - a)^2 / 2` (the article “Why not MSE for classification”),
    ``ce_*`` the binary cross-entropy :math:`-y \log a - (1 - y) \log(1 - a)`; ``*_dz`` and
    ``*_dw`` are derivatives w.r.t. the pre-activation and the weight
    (:math:`\partial z / \partial w = x`).
    """

    z: Array
    a: Array
    sigma_prime: Array
    mse: Array
    mse_dz: Array
    mse_dw: Array
    ce: Array
    ce_dz: Array
    ce_dw: Array


def sigmoid_neuron(z: ArrayLike, y: int, x: float = 1.0) -> SigmoidNeuron:
    r"""Losses and gradients of one sigmoid neuron for MSE and CE.

    .. math::
        C_{\mathrm{mse}} = \tfrac12 (y - a)^2, \quad
        \frac{\partial C_{\mathrm{mse}}}{\partial w} = (a - y)\,\sigma'(z)\,x, \qquad
        \frac{\partial C_{\mathrm{ce}}}{\partial w} = (a - y)\,x

    with :math:`\sigma'(z) = a (1 - a)`. The CE side is the registry's softmax cross-entropy on
    the two logits :math:`[0, z]` (whose softmax is :math:`[1 - a, a]`), so it is not written
    twice. Reference: Nielsen, *Neural Networks and Deep Learning* (2015), ch. 3.

    Parameters
    ----------
    z : array_like
        Pre-activations (finite).
    y : int
        Target, 0 or 1.
    x : float
        The input that multiplies the weight.
    """
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1, got {y!r}")
    if not math.isfinite(x):
        raise ValueError(f"x must be a finite number, got {x!r}")
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    a = sigmoid(z)
    sigma_prime = a * (1.0 - a)
    mse_dz = (a - y) * sigma_prime
    ce, ce_grad = losses.get("cross_entropy", "classification")(
        np.full(z.shape, y), two_class_logits(z)
    )
    ce_dz = ce_grad[:, 1]
    return SigmoidNeuron(
        z=z,
        a=a,
        sigma_prime=sigma_prime,
        mse=0.5 * (y - a) ** 2,
        mse_dz=mse_dz,
        mse_dw=mse_dz * x,
        ce=ce,
        ce_dz=ce_dz,
        ce_dw=ce_dz * x,
    )


def mse_gradient_twin(a0: float, y: int) -> float:
    r"""The other probability at which the sigmoid-MSE gradient has the same size as at ``a0``.

    :math:`|\partial C/\partial z| = |a - y|\, a (1 - a)` rises from 0 to its peak
    :math:`4/27` at :math:`a = 1/3` (:math:`y = 1`; :math:`2/3` for :math:`y = 0`) and falls
    back to 0, so every value below the peak is reached twice: once badly wrong, once nearly
    right. Returns the partner of ``a0`` on the other branch (found by bisection), which is how
    a small MSE gradient "cannot tell far from near" (the article “Why not MSE for classification”).
    """
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1, got {y!r}")
    if not 0.0 < a0 < 1.0:
        raise ValueError(f"a0 must be in (0, 1), got {a0!r}")

    def g(a: float) -> float:
        return abs(a - y) * a * (1.0 - a)

    peak = 1.0 / 3.0 if y == 1 else 2.0 / 3.0
    target = g(a0)
    # On the branch away from a0, g runs monotonically from g(peak) to 0 at the far end.
    lo, hi = (peak, 1.0) if a0 < peak else (0.0, peak)
    rising = a0 >= peak  # g increases on (0, peak) and decreases on (peak, 1)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (g(mid) < target) == rising:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------- softmax gradients


def softmax_gradients(
    logits: ArrayLike, label: int, names: Sequence[str] = ("mse", "cross_entropy")
) -> dict[str, tuple[float, Array]]:
    """Value and gradient w.r.t. every logit of each registered classification loss.

    Returns ``{name: (value, grad (K,))}`` for one sample with logits ``(K,)`` and ``label``.
    """
    z = np.asarray(logits, dtype=np.float64).reshape(1, -1)
    label = _check_label(label, z.shape[1])
    out = {}
    for name in names:
        values, grad = losses.get(name, "classification")(np.array([label]), z)
        out[name] = (float(values[0]), grad[0])
    return out


def article_two_class_mse_grad(a1: ArrayLike, y1: int) -> Array:
    r""":math:`\partial L_{mse}/\partial z_1 = 4 a_1 a_2 (a_1 - y_1)`, the closed form in the
    article “Can cross-entropy do regression, can MSE do classification?”.

    For :math:`L = (a_1 - y_1)^2 + (a_2 - y_2)^2` with :math:`a_2 = 1 - a_1`; kept to show that
    that article's formula and the registry agree (tests check it).
    """
    a1 = np.asarray(a1, dtype=np.float64)
    return 4.0 * a1 * (1.0 - a1) * (a1 - y1)


def probability_losses(a: ArrayLike, label: int, names: Sequence[str]) -> dict[str, float]:
    """Value of each registered classification loss at probabilities ``a`` for ``label``."""
    z = logits_from_probabilities(a)
    return {n: v for n, (v, _) in softmax_gradients(z, label, names).items()}


def uniform_wrong(a_t: float, k: int, label: int) -> Array:
    r"""Probabilities with :math:`a_t` on ``label`` and :math:`(1 - a_t)/(K - 1)` elsewhere.

    For fixed :math:`a_t` this is where :math:`\sum_{k \ne t} a_k^2` (and so MSE) is smallest
    (the article “Intuition: why cross-entropy and not MSE for classification”), because a
    sum of squares with a fixed total is smallest when all are equal.
    """
    if not 0.0 < a_t < 1.0:
        raise ValueError(f"a_t must be in (0, 1), got {a_t!r}")
    if k < 2:
        raise ValueError(f"K must be >= 2, got {k!r}")
    a = np.full(k, (1.0 - a_t) / (k - 1))
    a[_check_label(label, k)] = a_t
    return a


def mse_grad_through_target(a_t: ArrayLike) -> Array:
    r"""MSE's derivative via :math:`a_t` only, :math:`-2 a_t (1 - a_t)^2`, as in the article
    “Intuition: why cross-entropy and not MSE for classification”.

    This is :math:`\partial L/\partial a_t \cdot \partial a_t/\partial z_t` and ignores that
    :math:`z_t` also moves every other :math:`a_k`. The full derivative is
    :math:`-2 a_t (1 - a_t)^2 - 2 a_t \sum_{k \ne t} a_k^2` (twice this for :math:`K = 2`).
    """
    a_t = np.asarray(a_t, dtype=np.float64)
    return -2.0 * a_t * (1.0 - a_t) ** 2


def target_gradient_curves(k: int = 3, n: int = 199) -> dict[str, Array]:
    r""":math:`\partial L/\partial z_t` against :math:`a_t` with uniform wrong classes.

    Returns arrays ``a_t``, ``ce`` (registry, :math:`a_t - 1`), ``mse_article`` (path through
    :math:`a_t` only) and ``mse_full`` (registry, through all :math:`K` probabilities).
    """
    if not 2 <= k <= 20:
        raise ValueError(f"K must be in 2..20, got {k!r}")
    a_t = np.linspace(0.0, 1.0, n + 2)[1:-1]
    rows = np.stack([uniform_wrong(float(v), k, 0) for v in a_t])
    labels = np.zeros(a_t.size, dtype=int)
    _, g_ce = losses.get("cross_entropy", "classification")(labels, np.log(rows))
    _, g_mse = losses.get("mse", "classification")(labels, np.log(rows))
    return {
        "a_t": a_t,
        "ce": g_ce[:, 0],
        "mse_article": mse_grad_through_target(a_t),
        "mse_full": g_mse[:, 0],
    }


def nontarget_split(
    a_t: float, names: Sequence[str] = ("mse", "cross_entropy"), n: int = 99
) -> dict[str, Array]:
    r"""Three classes, :math:`a_t` fixed on class 0: losses as the wrong mass is split.

    :math:`a = [a_t,\ s (1 - a_t),\ (1 - s)(1 - a_t)]` for :math:`s \in (0, 1)`; MSE is
    smallest at :math:`s = 1/2` (uniform wrong classes), CE does not depend on :math:`s`.
    """
    if not 0.0 < a_t < 1.0:
        raise ValueError(f"a_t must be in (0, 1), got {a_t!r}")
    s = np.linspace(0.0, 1.0, n + 2)[1:-1]
    rows = np.stack([np.full_like(s, a_t), s * (1 - a_t), (1 - s) * (1 - a_t)], axis=1)
    labels = np.zeros(s.size, dtype=int)
    out = {"s": s, "a_2": rows[:, 1], "a_3": rows[:, 2]}
    for name in names:
        out[name] = losses.get(name, "classification")(labels, np.log(rows))[0]
    return out


# --------------------------------------------------------------------------- simplex


#: Corners of the probability triangle in the plane: class 1, class 2, class 3.
CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, math.sqrt(3.0) / 2.0]])


def simplex_grid(cells: int = 60) -> dict[str, Array]:
    r"""Square cells covering the 3-class probability triangle (ternary plot).

    The plane point :math:`(x, y)` has barycentric coordinates
    :math:`a_3 = y / (\sqrt3/2)`, :math:`a_2 = x - a_3/2`, :math:`a_1 = 1 - a_2 - a_3`
    (corners :data:`CORNERS`). Only cells whose centre lies strictly inside are kept, so every
    :math:`a_k > 0` and :math:`\log a` is finite.

    Returns ``x``, ``y`` (centres), ``half`` (half the cell width) and ``a`` ``(m, 3)``.
    """
    if not 5 <= cells <= 200:
        raise ValueError(f"cells must be in 5..200, got {cells!r}")
    h = 1.0 / cells
    xs = (np.arange(cells) + 0.5) * h
    ys = (np.arange(math.ceil(CORNERS[2, 1] / h)) + 0.5) * h
    x, y = (g.ravel() for g in np.meshgrid(xs, ys))
    a3 = y / CORNERS[2, 1]
    a2 = x - a3 / 2.0
    a1 = 1.0 - a2 - a3
    a = np.stack([a1, a2, a3], axis=1)
    inside = np.all(a > 1e-9, axis=1)
    return {"x": x[inside], "y": y[inside], "half": np.array(h / 2.0), "a": a[inside]}


def simplex_losses(label: int, names: Sequence[str], cells: int = 60) -> dict[str, Array]:
    """Each registered classification loss over :func:`simplex_grid` for one ``label``."""
    grid = simplex_grid(cells)
    label = _check_label(label, 3)
    labels = np.full(grid["a"].shape[0], label)
    out = dict(grid)
    for name in names:
        out[name] = losses.get(name, "classification")(labels, np.log(grid["a"]))[0]
    return out


def to_plane(a: ArrayLike) -> Array:
    """Plane coordinates ``(..., 2)`` of 3-class probability vectors ``(..., 3)``."""
    return np.asarray(a, dtype=np.float64) @ CORNERS
