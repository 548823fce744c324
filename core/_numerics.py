"""Numerically stable primitives shared by the losses, models and pages.

Each helper says in one line why it is stable. None of them adds an ``eps`` to a
probability before taking its log: every log-probability is computed from logits.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "log_cosh",
    "log_or_zero",
    "log_sigmoid",
    "log_softmax",
    "logit",
    "logsumexp",
    "one_hot",
    "one_minus_exp",
    "sigmoid",
    "softmax",
    "softplus",
    "two_class_logits",
]


def _shifted_and_log1p(z: NDArray, axis: int) -> tuple[NDArray, NDArray, NDArray]:
    """``(m, z - m, log1p(sum of the other exp(z - m)))`` with ``m`` the maximum along ``axis``."""
    top = np.argmax(z, axis=axis, keepdims=True)
    if z.ndim == 2 and axis in (-1, 1):  # rows of logits, the losses' case: plain indexing
        rows = np.arange(z.shape[0])[:, None]  # is 4x cheaper than the *_along_axis helpers
        m = z[rows, top]
        shifted = z - m
        e = np.exp(shifted)
        e[rows, top] = 0.0
    else:
        m = np.take_along_axis(z, top, axis=axis)
        shifted = z - m
        e = np.exp(shifted)
        np.put_along_axis(e, top, 0.0, axis=axis)
    return m, shifted, np.log1p(np.sum(e, axis=axis, keepdims=True))


def logsumexp(z: ArrayLike, axis: int = -1, keepdims: bool = False) -> NDArray[np.floating]:
    r"""Log of the sum of exponentials, :math:`\log \sum_k e^{z_k}`.

    Stable: the maximum :math:`m` is subtracted first, so no exponent overflows, and the
    maximum's own term (exactly 1) is kept out of the sum, :math:`m + \log(1 + \sum_{k \ne
    k^*} e^{z_k - m})` by ``log1p``, so the digits survive when one logit dominates.
    """
    m, _, log1p_rest = _shifted_and_log1p(np.asarray(z), axis)
    out = m + log1p_rest
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.floating]:
    r"""Log-probabilities :math:`\log p_k = z_k - \log \sum_j e^{z_j}`.

    Stable: computed as :math:`(z_k - m) - \log(1 + \sum_{j \ne j^*} e^{z_j - m})`, never as
    ``log(softmax(z))`` (a probability that underflows to 0 still has a finite log) and never
    through ``z - logsumexp(z)`` (adding and removing :math:`m` would round away
    :math:`\log p_k \approx -(1 - p_k)` for a dominant class).
    """
    _, shifted, log1p_rest = _shifted_and_log1p(np.asarray(z), axis)
    return shifted - log1p_rest


def softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.floating]:
    r"""Probabilities :math:`p_k = e^{z_k} / \sum_j e^{z_j}`.

    Stable: shifted by the row maximum, so no exponent overflows.
    """
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def logit(p: ArrayLike) -> NDArray[np.floating]:
    r"""The log-odds :math:`\log \frac{p}{1 - p}`, the inverse of :func:`sigmoid`.

    Stable: ``log(p) - log1p(-p)`` keeps every digit of :math:`1 - p` for small :math:`p`,
    where ``log(p / (1 - p))`` would round :math:`1 - p` first.
    """
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


def two_class_logits(z: ArrayLike) -> NDArray[np.float64]:
    r"""The 2-class logits :math:`[0, z]`, shape ``(n, 2)``: their softmax is
    :math:`[1 - \sigma(z), \sigma(z)]`, so a sigmoid output (a neuron, a binary margin) is
    the 2-class softmax and every registered classification loss applies to it."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    return np.stack([np.zeros_like(z), z], axis=1)


def softplus(x: ArrayLike) -> NDArray[np.floating]:
    r""":math:`\log(1 + e^x)`.

    Stable: ``logaddexp(0, x)`` never forms :math:`e^x` for large ``x``.
    """
    return np.logaddexp(0.0, x)


def log_sigmoid(x: ArrayLike) -> NDArray[np.floating]:
    r""":math:`\log \sigma(x) = -\log(1 + e^{-x})`.

    Stable: ``-softplus(-x)``, finite for every finite ``x``.
    """
    return -softplus(-np.asarray(x))


def sigmoid(x: ArrayLike) -> NDArray[np.floating]:
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Stable: uses :math:`e^{-|x|} \le 1`, so no exponent overflows for either sign.
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_cosh(x: ArrayLike) -> NDArray[np.floating]:
    r""":math:`\log\cosh(x)`, accurate for tiny and huge :math:`|x|`.

    Stable: ``cosh`` overflows beyond :math:`|x| \approx 710` and ``log(cosh(x))`` loses every
    digit of :math:`x^2/2` for tiny ``x``; so :math:`\log(1 + 2\sinh^2(x/2))` is used for
    :math:`|x| < 1` and :math:`|x| + \log(1 + e^{-2|x|}) - \log 2` beyond.
    """
    a = np.abs(np.asarray(x))
    small = np.minimum(a, 1.0)  # keeps sinh in range on the branch np.where discards
    near = np.log1p(2.0 * np.sinh(0.5 * small) ** 2)
    far = a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)
    return np.where(a < 1.0, near, far)


def one_minus_exp(log_p: ArrayLike) -> NDArray[np.floating]:
    r""":math:`1 - e^{\ell}`, e.g. :math:`1 - p` from :math:`\ell = \log p`.

    Stable: ``-expm1`` keeps every digit of :math:`1 - p` when :math:`p \approx 1`, where
    ``1 - p`` would cancel to 0.
    """
    return -np.expm1(log_p)


def log_or_zero(x: ArrayLike) -> NDArray[np.floating]:
    r""":math:`\log x` for :math:`x > 0` and 0 for :math:`x = 0`, for terms :math:`x \log x`.

    Stable: the log is only taken where ``x > 0``, so :math:`0 \log 0 = 0` comes out exactly
    with no ``log(0)`` warning and no ``eps``.
    """
    x = np.asarray(x)
    return np.log(x, out=np.zeros_like(x), where=x > 0)


def one_hot(y: ArrayLike, n_classes: int, dtype: type = np.float64) -> NDArray[np.floating]:
    """One-hot rows :math:`Y_{ik} = [y_i = k]` for integer labels ``y`` in ``0..n_classes-1``."""
    y = np.asarray(y)
    out = np.zeros((y.shape[0], n_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out


def p_minus_one_hot(log_p: NDArray, y: ArrayLike) -> NDArray[np.floating]:
    r""":math:`p - Y` from log-probabilities ``(n, K)`` and labels ``y``, the target entry
    :math:`p_t - 1` as :math:`-(1 - p_t)`.

    Stable: ``one_minus_exp`` keeps every digit of :math:`1 - p_t` when :math:`p_t \approx 1`
    (the gradient of cross-entropy, and of every loss of :math:`p_t`, is a multiple of it).
    """
    rows = np.arange(log_p.shape[0])
    out = np.exp(log_p)
    out[rows, y] = -one_minus_exp(log_p[rows, y])
    return out


def runner_up(z: NDArray, y: ArrayLike) -> tuple[NDArray[np.floating], NDArray[np.intp]]:
    r"""Largest wrong-class logit :math:`\max_{j \ne t} z_j` of each row and its index
    (the first on ties, as ``np.argmax``): the margin :math:`m = z_t - \max_{j \ne t} z_j`
    and the class its gradient goes to."""
    rows = np.arange(z.shape[0])
    others = z.copy()
    others[rows, y] = -np.inf
    j = np.argmax(others, axis=1)
    return others[rows, j], j
