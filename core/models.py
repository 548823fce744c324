r"""Linear model and multilayer perceptron with a hand-written backward pass.

A model is a list of parameters ``[W_1, b_1, ..., W_L, b_L]`` and an activation :math:`\phi`:

.. math:: a_0 = x,\quad z_l = a_{l-1} W_l + b_l,\quad a_l = \phi(z_l)\ (l < L),\quad
          \mathrm{out} = z_L

``hidden=()`` is the linear model :math:`x W + b`. Classification with :math:`K` classes has
:math:`K` outputs (logits, also for :math:`K = 2`); regression has one output per target.

:func:`forward` and :func:`backward` also work on *stacked* parameters with a leading model
axis (``W_l`` of shape ``(m, in, out)``, ``b_l`` of shape ``(m, 1, out)``): ``matmul``
broadcasts over that axis and computes every slice exactly as it would alone, which is how
:mod:`core.train` trains several losses in lockstep.

Initialisation (Glorot & Bengio, AISTATS 2010): :math:`W_l \sim U(-a, a)` with
:math:`a = \sqrt{6 / (\mathrm{fan_{in}} + \mathrm{fan_{out}})}` (He et al. 2015's
:math:`a = \sqrt{6 / \mathrm{fan_{in}}}` for ReLU), biases 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._numerics import sigmoid, softmax

__all__ = ["ACTIVATIONS", "MLP", "Workspace", "backward", "forward", "init_params"]

Array = NDArray[np.floating]

#: activation name -> (phi(z), phi'(z) written in terms of a = phi(z))
ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity")


def _act(name: str, z: Array) -> Array:
    """:math:`\\phi(z)`, overwriting ``z`` (a fresh pre-activation nobody else holds)."""
    if name == "tanh":
        return np.tanh(z, out=z)
    if name == "relu":
        return np.maximum(z, 0, out=z)
    if name == "sigmoid":
        return sigmoid(z)
    return z


def _act_grad(name: str, a: Array, da: Array, scratch: Array | None = None) -> Array:
    """:math:`\\partial L / \\partial z = \\phi'(z)\\, \\partial L / \\partial a`, with
    :math:`\\phi'` written in terms of :math:`a = \\phi(z)` so nothing but ``a`` is stored.
    Overwrites ``da`` (a fresh product nobody else holds); ``scratch`` (shaped like ``a``)
    holds :math:`\\phi'`."""
    if name == "tanh":
        d = np.multiply(a, a, out=scratch)  # 1 - tanh^2
        np.subtract(1, d, out=d)
        return np.multiply(da, d, out=da)
    if name == "relu":
        return np.multiply(da, np.greater(a, 0, out=scratch), out=da)
    if name == "sigmoid":
        d = np.subtract(1, a, out=scratch)
        d *= a
        return np.multiply(da, d, out=da)
    return da


def init_params(
    sizes: Sequence[int], activation: str, seed: int, dtype: str = "float64"
) -> list[Array]:
    """Seeded initial ``[W_1, b_1, ..., W_L, b_L]`` for layer sizes ``(n_in, *hidden, n_out)``."""
    rng = np.random.default_rng(seed)
    params: list[Array] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = np.sqrt(6.0 / (fan_in if activation == "relu" else fan_in + fan_out))
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype))
        params.append(np.zeros(fan_out, dtype=dtype))
    return params


@dataclass(frozen=True)
class Workspace:
    """Preallocated arrays for :func:`forward` and :func:`backward` on ``n`` rows, so a
    training loop allocates nothing per step (a fresh array of a few hundred kB is mapped
    anew by the allocator and costs its page faults every time). What the two functions
    return are then views of these arrays,
    overwritten by the next call.
    """

    z: tuple[Array, ...]  # z_l for every layer, (..., n, width_l)
    delta: tuple[Array, ...]  # delta_l for every hidden layer
    scratch: tuple[Array, ...]  # phi'(z_l) for every hidden layer

    @classmethod
    def like(cls, params: Sequence[Array], n: int) -> Workspace:
        """Arrays for ``params`` (stacked or not) on ``n`` rows."""
        W = params[::2]
        shapes = [(*w.shape[:-2], n, w.shape[-1]) for w in W]
        dtype = W[0].dtype
        hidden = shapes[:-1]
        return cls(
            tuple(np.empty(s, dtype) for s in shapes),
            tuple(np.empty(s, dtype) for s in hidden),
            tuple(np.empty(s, dtype) for s in hidden),
        )


def forward(
    params: Sequence[Array], X: Array, activation: str, ws: Workspace | None = None
) -> tuple[Array, list[Array]]:
    """Raw output ``z_L`` and the layer inputs ``[a_0, ..., a_{L-1}]`` that backward needs
    (in ``ws``'s arrays when given)."""
    a = X
    inputs = []
    n_layers = len(params) // 2
    for layer in range(n_layers):
        W, b = params[2 * layer], params[2 * layer + 1]
        inputs.append(a)
        z = np.matmul(a, W, out=None if ws is None else ws.z[layer])
        z += b
        if layer < n_layers - 1:
            a = _act(activation, z)
        else:
            a = z
    return a, inputs


def backward(
    params: Sequence[Array],
    inputs: Sequence[Array],
    d_out: Array,
    activation: str,
    grads: Sequence[Array] | None = None,
    ws: Workspace | None = None,
) -> list[Array]:
    r"""Gradients ``[dW_1, db_1, ...]`` from :math:`\partial L/\partial z_L` (``d_out``),
    written into ``grads`` (shaped like ``params``) when given.

    .. math:: \frac{\partial L}{\partial W_l} = a_{l-1}^\top \delta_l,\quad
              \frac{\partial L}{\partial b_l} = \textstyle\sum_i \delta_{l,i},\quad
              \delta_{l-1} = \phi'(z_{l-1}) \odot \delta_l W_l^\top
    """
    out = [None] * len(params) if grads is None else list(grads)
    delta = d_out
    for layer in reversed(range(len(params) // 2)):
        W, b = params[2 * layer], params[2 * layer + 1]
        a = inputs[layer]
        out[2 * layer] = np.matmul(np.swapaxes(a, -1, -2), delta, out=out[2 * layer])
        # sum over the rows as a product with a row of ones: BLAS beats NumPy's reduction
        # over a middle axis five times here
        ones = np.ones((1, delta.shape[-2]), delta.dtype)
        db = out[2 * layer + 1]
        out[2 * layer + 1] = np.matmul(
            ones,
            delta,
            out=None if db is None else db.reshape((*delta.shape[:-2], 1, delta.shape[-1])),
        ).reshape(b.shape)
        if layer:
            da = np.matmul(
                delta, np.swapaxes(W, -1, -2), out=None if ws is None else ws.delta[layer - 1]
            )
            delta = _act_grad(activation, a, da, None if ws is None else ws.scratch[layer - 1])
    return out  # type: ignore[return-value]


class MLP:
    """A trained (or initial) model: ``hidden=()`` is linear, otherwise a perceptron.

    Parameters
    ----------
    params : list of arrays
        ``[W_1, b_1, ..., W_L, b_L]`` (not stacked).
    activation : str
        One of ``ACTIVATIONS`` (hidden layers only; the output layer is linear).
    task : str
        ``"classification"`` (outputs are logits) or ``"regression"``.
    squeeze : bool
        Regression with 1-D targets: return predictions of shape ``(n,)``.
    """

    def __init__(
        self, params: Sequence[Array], activation: str, task: str, squeeze: bool = False
    ) -> None:
        self.params = [np.array(p) for p in params]
        self.activation = activation
        self.task = task
        self.squeeze = squeeze

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths ``(n_in, *hidden, n_out)``."""
        Ws = self.params[::2]
        return (Ws[0].shape[0], *(W.shape[1] for W in Ws))

    @property
    def n_params(self) -> int:
        """Number of trainable numbers (weights and biases)."""
        return sum(p.size for p in self.params)

    @property
    def dtype(self) -> np.dtype:
        return self.params[0].dtype

    def decision_function(self, X: ArrayLike) -> Array:
        """Raw outputs: logits ``(n, K)`` or predictions ``(n,)`` / ``(n, d)``."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n, {self.sizes[0]}), got {X.shape}")
        out, _ = forward(self.params, X, self.activation)
        return out[:, 0] if self.squeeze else out

    def predict(self, X: ArrayLike) -> NDArray:
        """Class labels (argmax of the logits) or regression predictions."""
        out = self.decision_function(X)
        return np.argmax(out, axis=1) if self.task == "classification" else out

    def predict_proba(self, X: ArrayLike) -> Array:
        """Classification: :math:`\\mathrm{softmax}` of the logits, shape ``(n, K)``."""
        if self.task != "classification":
            raise ValueError("predict_proba needs a classification model, this one regresses")
        return softmax(self.decision_function(X), axis=1)

    def __repr__(self) -> str:
        arch = "-".join(map(str, self.sizes))
        if len(self.sizes) == 2:
            return f"Linear({arch}, {self.task}, {self.dtype})"
        return f"MLP({arch}, {self.activation}, {self.task}, {self.dtype})"
