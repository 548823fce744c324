r"""NumPy evaluation of checked trees, and the chain rule from a formula's variable to the logits.

:func:`compile_tree` turns a :mod:`core.formula.tree` tree into a vectorised function by
closures over the fixed op table (:data:`NUMPY_OPS`): no text, no ``eval``, no ``lambdify``.
It computes in the dtype it is given (float32 stays float32: numbers and parameters are
cast to it) and under ``np.errstate(all="ignore")``: a formula outside its domain gives NaN
or inf, never a warning, and the app reports where (:mod:`core.formula.numerics`).

The loss functions (:func:`margin_loss`, :func:`probability_loss`, :func:`regression_loss`)
have the registry's signature ``f(y, raw, **params) -> (values, grad)``:

* margin: :math:`m = z_t - z_{j^*}`, :math:`j^* = \arg\max_{j \ne t} z_j` (the first on ties,
  as the registry's hinge), so :math:`\partial L/\partial z = L'(m)\,(e_t - e_{j^*})`;
* probability: :math:`s = \log p_t` from ``log_softmax``, :math:`\partial s/\partial z =
  e_t - p`, so :math:`\partial L/\partial z = -\frac{dL}{ds}\,(p - e_t)` with :math:`p - e_t`
  computed as the registry does (:math:`1 - p_t` by ``expm1``);
* regression: :math:`r = \hat y - y`, :math:`\partial L/\partial \hat y` elementwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core._numerics import (
    log_sigmoid,
    log_softmax,
    one_minus_exp,
    p_minus_one_hot,
    runner_up,
    sigmoid,
    softplus,
)
from core.formula.tree import Apply, Node, Num, Param, Var

__all__ = [
    "NUMPY_OPS",
    "compile_tree",
    "margin_loss",
    "probability_loss",
    "regression_loss",
]

Array = NDArray[np.floating]
#: ``f(variables, parameters, scalar type) -> array or scalar``
Compiled = Callable[[Mapping[str, Any], Mapping[str, float], type], Any]

NUMPY_OPS: dict[str, Callable[..., Any]] = {
    "add": np.add,
    "mul": np.multiply,
    "sub": np.subtract,
    "div": np.divide,
    "neg": np.negative,
    "pow": np.power,
    "exp": np.exp,
    "log": np.log,
    "log1p": np.log1p,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "logsigmoid": log_sigmoid,
    "max": np.maximum,
    "min": np.minimum,
    "sign": np.sign,
    "heaviside": lambda x: np.heaviside(x, 0.5),
    "expm1": np.expm1,
}


def compile_tree(tree: Node) -> Compiled:
    """A vectorised function of ``tree``: ``f(variables, params, scalar_type)``.

    ``variables`` maps variable names to arrays, ``params`` parameter names to numbers;
    numbers and parameters are cast by ``scalar_type`` (e.g. ``np.float32``) so the result
    keeps the arrays' precision. n-ary ``add``/``mul``/``max``/``min`` apply left to right.
    Call it under ``np.errstate(all="ignore")`` (as the loss functions here do).
    """
    if isinstance(tree, Num):
        value = tree.value
        return lambda v, p, t: t(value)
    if isinstance(tree, Var):
        name = tree.name
        return lambda v, p, t: v[name]
    if isinstance(tree, Param):
        name = tree.name
        return lambda v, p, t: t(p[name])
    assert isinstance(tree, Apply)
    fn = NUMPY_OPS[tree.op]
    parts = [compile_tree(a) for a in tree.args]
    if len(parts) == 1:
        (a,) = parts
        return lambda v, p, t: fn(a(v, p, t))
    if len(parts) == 2:
        a, b = parts
        return lambda v, p, t: fn(a(v, p, t), b(v, p, t))
    return lambda v, p, t: functools.reduce(fn, [f(v, p, t) for f in parts])


def _full(x: Any, like: Array) -> Array:
    """``x`` (an array or a scalar, for a constant part) as an array shaped like ``like``."""
    return np.zeros_like(like) + x


def _run(f: Compiled, variables: Mapping[str, Any], params: Mapping[str, float], like: Array):
    with np.errstate(all="ignore"):
        return _full(f(variables, params, like.dtype.type), like)


def margin_loss(value: Node, grad: Node) -> Callable[..., tuple[Array, Array]]:
    """A classification loss of the margin: ``value`` is :math:`L(m)`, ``grad`` :math:`L'(m)`."""
    f, g = compile_tree(value), compile_tree(grad)

    def loss(y: NDArray, z: Array, **params: float) -> tuple[Array, Array]:
        rows = np.arange(z.shape[0])
        second, j = runner_up(z, y)
        m = z[rows, y] - second
        values, dm = _run(f, {"m": m}, params, m), _run(g, {"m": m}, params, m)
        out = np.zeros_like(z)
        out[rows, y] = dm
        out[rows, j] = -dm
        return values, out

    return loss


def probability_loss(value: Node, grad: Node) -> Callable[..., tuple[Array, Array]]:
    """A classification loss of :math:`p_t`: ``value`` in ``p``/``log_p``/``one_minus_p``,
    ``grad`` :math:`dL/d\\log p_t`."""
    f, g = compile_tree(value), compile_tree(grad)

    def loss(y: NDArray, z: Array, **params: float) -> tuple[Array, Array]:
        log_p = log_softmax(z)
        s = log_p[np.arange(z.shape[0]), y]
        variables = {"log_p": s, "p": np.exp(s), "one_minus_p": one_minus_exp(s)}
        values, ds = _run(f, variables, params, s), _run(g, variables, params, s)
        with np.errstate(all="ignore"):  # inf * 0 where the formula is not finite: NaN
            return values, p_minus_one_hot(log_p, y) * (-ds)[:, None]

    return loss


def regression_loss(value: Node, grad: Node) -> Callable[..., tuple[Array, Array]]:
    """A regression loss of :math:`r = \\hat y - y` (and ``y``, ``yhat``), elementwise."""
    f, g = compile_tree(value), compile_tree(grad)

    def loss(y: Array, pred: Array, **params: float) -> tuple[Array, Array]:
        with np.errstate(all="ignore"):
            variables = {"r": pred - y, "y": y, "yhat": pred}
        return _run(f, variables, params, pred), _run(g, variables, params, pred)

    return loss
