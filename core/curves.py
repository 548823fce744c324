r"""Loss and gradient curves, and "who gets the gradient", computed from the registered losses.

Nothing here re-implements a loss: every value and gradient comes from calling the registry
(``core.losses``), so the curves show exactly what training uses.

Classification curves use :math:`K = 2`, label :math:`t = 1` and logits :math:`z = [0, m]`, so
the margin is :math:`m = z_t - z_{\text{other}}` and :math:`p_t = \sigma(m)`. Along this path
every classification loss is a function of :math:`m` (equivalently of :math:`p_t`), and its
derivative w.r.t. :math:`m` is :math:`\partial L / \partial z_1`. Regression curves put the
target at :math:`y` and the prediction at :math:`\hat y = y + e`, so they are drawn against the
residual :math:`e = \hat y - y`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import logit, sigmoid, two_class_logits

Array = NDArray[np.float64]

#: The probability at which "who gets the gradient" weights are normalised to 1: an undecided
#: sample (margin 0). A weight above 1 means "pushed harder than an undecided sample".
P_REF = 0.5


def margin_curve(
    name: str, margins: ArrayLike, params: Mapping[str, float] | None = None
) -> tuple[Array, Array]:
    r"""Value and gradient of a classification loss against the margin, with :math:`K = 2`.

    Evaluates the registered loss on logits :math:`z = [0, m]` with label :math:`t = 1`:

    .. math:: L(m) = \ell(t{=}1, [0, m]), \qquad
              \frac{dL}{dm} = \frac{\partial \ell}{\partial z_1}\Big|_{z = [0, m]}

    For the losses that depend on logits only through their differences (all but
    ``square_logits``), :math:`L` is the loss at margin :math:`m` for any logit pair.

    Parameters
    ----------
    name
        A registered classification loss.
    margins
        Margins :math:`m = z_t - z_{\text{other}}`, shape ``(n,)``.
    params
        Hyperparameters of the loss (defaults for the missing ones).

    Returns
    -------
    values, grad
        :math:`L(m)` and :math:`dL/dm`, each of shape ``(n,)``.
    """
    m = _as_1d(margins, "margins")
    loss = losses.get(name, task="classification")
    values, grad = loss(np.ones(m.size, dtype=np.intp), two_class_logits(m), **dict(params or {}))
    return values, grad[:, 1]


def residual_curve(
    name: str,
    residuals: ArrayLike,
    params: Mapping[str, float] | None = None,
    *,
    target: float = 0.0,
) -> tuple[Array, Array]:
    r"""Value and gradient of a regression loss against the residual :math:`e = \hat y - y`.

    .. math:: L(e) = \ell(y, y + e), \qquad \frac{dL}{de} = \frac{\partial \ell}{\partial \hat y}

    Most regression losses depend on the residual only; MSLE and MAPE also depend on the
    target :math:`y` itself, hence ``target``.

    Returns
    -------
    values, grad
        :math:`L(e)` and :math:`dL/de`, each of shape ``(n,)``.
    """
    e = _as_1d(residuals, "residuals")
    loss = losses.get(name, task="regression")
    y = np.full(e.shape, float(target))
    return loss(y, y + e, **dict(params or {}))


def depends_on_target(name: str, params: Mapping[str, float] | None = None) -> bool:
    """Whether a regression loss changes with the target at a fixed residual (MSLE, MAPE).

    Checked numerically on a few residuals and targets ``y >= 0`` (valid for every loss).
    """
    e = np.array([-0.7, 0.3, 1.9])
    v0, _ = residual_curve(name, e, params, target=0.5)
    v1, _ = residual_curve(name, e, params, target=3.0)
    return not np.allclose(v0, v1, rtol=1e-9, atol=1e-12)


def value_and_grad_at(
    task: str, name: str, x: float, params: Mapping[str, float] | None = None, *, target=0.0
) -> tuple[float, float]:
    """The loss and its gradient at one margin (classification) or residual (regression)."""
    if task == "classification":
        v, g = margin_curve(name, [x], params)
    else:
        v, g = residual_curve(name, [x], params, target=target)
    return float(v[0]), float(g[0])


# --------------------------------------------------------------------------- who gets the gradient


def target_probability_weights(
    name: str, p_t: ArrayLike, params: Mapping[str, float] | None = None
) -> tuple[Array, Array]:
    r"""How hard a classification loss pushes a sample, as a function of :math:`p_t`.

    With :math:`K = 2` and logits :math:`[0, m]`, :math:`p_t = \sigma(m)` and
    :math:`dp_t/dm = p_t (1 - p_t)`, so by the chain rule from the registry's logit gradient

    .. math:: \Big|\frac{\partial L}{\partial p_t}\Big|
              = \frac{|\partial L / \partial z_t|}{p_t (1 - p_t)}

    (the view of the article “Can cross-entropy do regression, can MSE do classification?”,
    "looking only at the target probability"), while
    :math:`|\partial L / \partial z_t|` is what actually reaches the logits and the weights.
    Analytically: CE :math:`1/p_t`, MSE :math:`4(1 - p_t)` (the registry's MSE, both entries
    of :math:`\sum_k (p_k - Y_k)^2 = 2(1 - p_t)^2`; the article writes the target entry
    alone, :math:`2(1 - p_t)`, half of it), MAE :math:`2`; through the softmax
    CE :math:`1 - p_t`, MSE :math:`4 p_t (1 - p_t)^2`, MAE :math:`2 p_t (1 - p_t)`.

    Parameters
    ----------
    name
        A registered classification loss.
    p_t
        Target-class probabilities in :math:`(0, 1)`, shape ``(n,)``.
    params
        Hyperparameters of the loss.

    Returns
    -------
    dL_dpt, dL_dzt
        :math:`|\partial L/\partial p_t|` and :math:`|\partial L/\partial z_t|`, shape ``(n,)``.

    References
    ----------
    The article “Can cross-entropy do regression, can MSE do classification?”, update 2 (CE vs
    MSE vs MAE on the target entry); Zhang & Sabuncu,
    "Generalized Cross Entropy Loss", NeurIPS 2018, eq. 4 (the same weights for CE and MAE).
    """
    p = _as_1d(p_t, "p_t")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"p_t must lie strictly between 0 and 1, got {p.min()}..{p.max()}")
    m = logit(p)  # the margin with sigma(m) = p_t
    _, dL_dm = margin_curve(name, m, params)
    s = sigmoid(m)
    dp_dm = s * sigmoid(-m)  # p(1-p) without cancellation near p = 1
    return np.abs(dL_dm) / dp_dm, np.abs(dL_dm)


def normalise(x: ArrayLike, w: ArrayLike, x_ref: float = P_REF) -> Array:
    r"""Weights divided by their value at ``x_ref`` (linear interpolation), so curves compare.

    .. math:: \tilde w(x) = w(x) / w(x_{\text{ref}})

    If :math:`w(x_{\text{ref}}) = 0` (e.g. a loss already satisfied there), the curve is divided
    by its maximum instead; an all-zero curve is returned unchanged.
    """
    x = _as_1d(x, "x")
    w = np.asarray(w, dtype=np.float64)
    ref = float(np.interp(x_ref, x, w))
    if ref <= 0:
        ref = float(np.max(w))
    return w / ref if ref > 0 else w.copy()


def peak(x: ArrayLike, w: ArrayLike) -> float:
    """The ``x`` where ``w`` is largest (the first one if several tie)."""
    return float(np.asarray(x)[int(np.argmax(w))])


def p_grid(n: int = 199, p_min: float = 0.005) -> Array:
    """``n`` target probabilities spaced evenly in logit, from ``p_min`` to ``1 - p_min``.

    Even in logit (not in probability) so that the ends, where the weights change fastest, are
    sampled as densely as the middle.
    """
    if not 0 < p_min < 0.5:
        raise ValueError(f"p_min must be in (0, 0.5), got {p_min}")
    m_max = -logit(p_min)
    return sigmoid(np.linspace(-m_max, m_max, n))


def _as_1d(x: ArrayLike, arg: str) -> Array:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{arg} must be a 1-D array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{arg} must be finite (no NaN or inf)")
    return a
