r"""Can softmax + cross-entropy do regression? Discussion 2 of the article “Can cross-entropy
do regression, can MSE do classification?”.

To regress a vector :math:`G` with outputs :math:`z`, one could normalise both
(:math:`y = \mathrm{softmax}(G)`, :math:`a = \mathrm{softmax}(z)`) and minimise the
cross-entropy :math:`-\sum_k y_k \log a_k` instead of :math:`\sum_k (z_k - G_k)^2`.
It fails because softmax forgets the mean of its input (:math:`\mathrm{softmax}(z + c) =
\mathrm{softmax}(z)`): the CE gradient :math:`a - y` sums to zero over the outputs, so it is
blind to a shift of :math:`z`, and it is bounded in :math:`[-1, 1]` whatever the error.

Both losses come from the registry (``core.losses``): CE with the soft target
:math:`\mathrm{softmax}(G)`, MSE as the regression squared error per output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import log_softmax, softmax
from core.cost import MAX_EPOCHS
from core.metrics import empirical_risk

Array = NDArray[np.floating]

__all__ = [
    "Comparison",
    "FitConfig",
    "VectorRegressionFit",
    "compare",
    "fit_vector_regression",
    "gradient_sweep",
    "inputs",
    "mse_growth",
    "mse_step_limit",
    "sum_normalise",
    "target_function",
]


def _vector(v: ArrayLike, name: str) -> Array:
    v = np.asarray(v, dtype=np.float64)
    if v.ndim != 1 or v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a finite vector with at least 2 entries, got {v}")
    return v


@dataclass(frozen=True)
class Comparison:
    r"""CE-through-softmax versus MSE for one target ``G`` and prediction ``z``.

    ``y = softmax(G)``, ``a = softmax(z)``; ``ce``/``ce_grad`` is
    :math:`-\sum_k y_k \log a_k` and :math:`a - y`; ``entropy`` is :math:`H(y)`, the smallest
    CE any ``z`` can reach; ``mse``/``mse_grad`` is :math:`\sum_k (z_k - G_k)^2` and
    :math:`2 (z - G)`.
    """

    G: Array
    z: Array
    y: Array
    a: Array
    ce: float
    ce_grad: Array
    entropy: float
    mse: float
    mse_grad: Array


def _centre(v: Array) -> Array:
    """``v`` shifted so each row's maximum is 0: the same softmax, exactly comparable rows."""
    return v - v.max(axis=1, keepdims=True)


def _target(G: Array) -> Array:
    """``softmax(G)`` row-wise, through the same ``exp(log_softmax)`` the CE loss uses."""
    return np.exp(log_softmax(_centre(G)))


def _ce(G: Array, z: Array, *, checked: bool = True) -> tuple[Array, Array]:
    """Registry CE of logits ``z (n, K)`` against the soft targets ``softmax(G) (n, K)``.

    Both are centred first (softmax is shift-invariant, so nothing changes mathematically):
    then ``z = G + c`` gives bit-identical probabilities and a gradient of exactly 0.
    ``checked=False`` calls the loss function without the registry's input checks (for the
    training loop, whose inputs were checked on the first call).
    """
    loss = losses.get("cross_entropy", "classification")
    call = loss if checked else loss.fn
    return call(_target(G), _centre(z), **loss.defaults)


def _sq(G: Array, z: Array, *, checked: bool = True) -> tuple[Array, Array]:
    """Registry squared error per output, summed over outputs (that article's :math:`L_{mse}`)."""
    loss = losses.get("mse", "regression")
    values, grad = (loss if checked else loss.fn)(G.ravel(), z.ravel())
    return values.reshape(G.shape).sum(axis=1), grad.reshape(G.shape)


def compare(G: ArrayLike, z: ArrayLike) -> Comparison:
    r"""Softmaxes, CE and MSE values and gradients for target ``G`` and prediction ``z``.

    .. math::
        \frac{\partial L_{ce}}{\partial z_k} = a_k - y_k \in [-1, 1], \qquad
        \frac{\partial L_{mse}}{\partial z_k} = 2 (z_k - G_k)

    Reference: the article “Can cross-entropy do regression, can MSE do classification?”,
    discussion 2.
    """
    G, z = _vector(G, "G"), _vector(z, "z")
    if G.shape != z.shape:
        raise ValueError(f"G and z must have the same length, got {G.size} and {z.size}")
    ce, ce_grad = _ce(G[None], z[None])
    entropy, _ = _ce(G[None], G[None])  # CE of y against itself is H(y)
    mse, mse_grad = _sq(G[None], z[None])
    return Comparison(
        G=G,
        z=z,
        y=_target(G[None])[0],
        a=_target(z[None])[0],
        ce=float(ce[0]),
        ce_grad=ce_grad[0],
        entropy=float(entropy[0]),
        mse=float(mse[0]),
        mse_grad=mse_grad[0],
    )


def gradient_sweep(
    G: ArrayLike, z: ArrayLike, *, index: int = 0, span: float = 10.0, n: int = 201
) -> dict[str, Array]:
    r"""Both gradients w.r.t. :math:`z_i` as :math:`z_i` sweeps :math:`G_i \pm` ``span``.

    The other outputs stay at ``z``. Returns ``z_i``, ``error`` (:math:`z_i - G_i`),
    ``ce_grad`` (bounded by 1 in absolute value) and ``mse_grad`` (a straight line).
    """
    G, z = _vector(G, "G"), _vector(z, "z")
    if G.shape != z.shape:
        raise ValueError(f"G and z must have the same length, got {G.size} and {z.size}")
    if not 0 <= index < z.size:
        raise ValueError(f"index must be in 0..{z.size - 1}, got {index!r}")
    if not 0 < span <= 1e3:
        raise ValueError(f"span must be in (0, 1000], got {span!r}")
    zi = G[index] + np.linspace(-span, span, n)
    Z = np.tile(z, (n, 1))
    Z[:, index] = zi
    Gs = np.tile(G, (n, 1))
    _, ce_grad = _ce(Gs, Z)
    _, mse_grad = _sq(Gs, Z)
    return {
        "z_i": zi,
        "error": zi - G[index],
        "ce_grad": ce_grad[:, index],
        "mse_grad": mse_grad[:, index],
    }


def sum_normalise(v: ArrayLike, name: str = "v") -> Array:
    r"""Normalise by the sum, :math:`v / \sum_k v_k` (that article's non-softmax alternative).

    Raises ``ValueError`` when the sum is 0 (nothing to divide by) or an entry is negative
    (the result would not be a probability vector).
    """
    v = _vector(v, name)
    total = v.sum()
    if total == 0:
        raise ValueError(f"{name} = {v.tolist()} sums to 0, so it cannot be divided by its sum")
    if np.any(v < 0):
        raise ValueError(
            f"{name} = {v.tolist()} has a negative entry; dividing by the sum does not give "
            "probabilities"
        )
    return v / total


# --------------------------------------------------------------------------- the experiment


@dataclass(frozen=True)
class FitConfig:
    r"""A linear model :math:`z = W x + b` (1 input, 2 outputs) fitted to :math:`G(x)`.

    The target is :math:`G(x) = [g_{10} + g_{11} x,\ g_{20} + g_{21} x] + \text{noise}` on
    ``n`` points :math:`x \in [-2, 2]`; full-batch gradient descent from ``W = b = 0``.
    """

    n: int = 64
    noise: float = 0.1
    g: tuple[float, float, float, float] = (1.0, 2.0, 2.0, -1.0)
    lr: float = 0.5
    epochs: int = 400
    seed: int = 0

    def __post_init__(self) -> None:
        checks = {
            "n": (self.n, 4, 10_000),
            "noise": (self.noise, 0.0, 10.0),
            "lr": (self.lr, 1e-6, 100.0),
            "epochs": (self.epochs, 1, MAX_EPOCHS),
        }
        for name, (v, lo, hi) in checks.items():
            if not (np.isfinite(v) and lo <= v <= hi):
                raise ValueError(f"{name} must be in [{lo:g}, {hi:g}], got {v!r}")
        if len(self.g) != 4 or not np.all(np.isfinite(self.g)):
            raise ValueError(f"g must be 4 finite numbers, got {self.g!r}")


def inputs(cfg: FitConfig) -> Array:
    """The experiment's inputs: ``cfg.n`` points evenly spaced on [-2, 2]."""
    return np.linspace(-2.0, 2.0, cfg.n)


def _mse_curvature_max(cfg: FitConfig) -> float:
    r""":math:`\lambda_{\max}` of the MSE objective's Hessian in :math:`(W_k, b_k)`:
    :math:`\frac{c}{n} A^\top A` with :math:`A = [x, 1]` and :math:`c` the registry loss's
    second derivative (:math:`c = 2` for :math:`e^2`), the same for each output."""
    loss = losses.get("mse", "regression")
    _, g = loss.fn(np.zeros(2), np.array([0.0, 1.0]))
    c = float(g[1] - g[0])  # the gradient is linear in the prediction: its slope
    x = inputs(cfg)
    A = np.column_stack([x, np.ones_like(x)])
    return c / len(x) * float(np.linalg.eigvalsh(A.T @ A).max())


def mse_step_limit(cfg: FitConfig) -> float:
    r"""The learning rate from which full-batch gradient descent on the MSE fit diverges.

    The MSE objective is a quadratic with Hessian :math:`H`; gradient descent multiplies the
    error along :math:`H`'s top eigenvector by :math:`1 - \eta \lambda_{\max}` each epoch, so
    it grows without bound when :math:`\eta > 2 / \lambda_{\max}` (Nocedal & Wright,
    *Numerical Optimization*, 2nd ed., §3.3). The returned value is :math:`2/\lambda_{\max}`.
    """
    return 2.0 / _mse_curvature_max(cfg)


def mse_growth(cfg: FitConfig) -> float:
    r"""How many times the MSE fit's error along the steepest direction grows per epoch:
    :math:`|1 - \eta \lambda_{\max}|` (above 1: the fit diverges)."""
    return abs(1.0 - cfg.lr * _mse_curvature_max(cfg))


def target_function(x: ArrayLike, g: tuple[float, float, float, float]) -> Array:
    r"""Noise-free target :math:`G(x) = [g_0 + g_1 x,\ g_2 + g_3 x]`, shape ``(n, 2)``."""
    x = np.asarray(x, dtype=np.float64)
    return np.stack([g[0] + g[1] * x, g[2] + g[3] * x], axis=1)


@dataclass(frozen=True)
class VectorRegressionFit:
    """One loss's fit: history per epoch, final parameters and predictions on ``x``.

    ``rmse_z`` compares the outputs with :math:`G`; ``rmse_softmax`` compares
    :math:`\\mathrm{softmax}(z)` with :math:`\\mathrm{softmax}(G)`. ``diverged_epoch`` is the
    epoch (counted from 0, full batch) whose loss was not finite (training stopped there),
    else ``None``.
    """

    loss: str
    objective: Array
    rmse_z: Array
    rmse_softmax: Array
    W: Array
    b: Array
    z: Array
    diverged_epoch: int | None


def fit_vector_regression(
    cfg: FitConfig,
) -> tuple[Array, Array, Array, dict[str, VectorRegressionFit]]:
    r"""Fit the same linear model with MSE on :math:`z` and with CE on :math:`\mathrm{softmax}(z)`.

    Both start at ``W = b = 0`` and see the same data. The objective is the mean over samples
    of the registry's per-sample loss. CE's gradient :math:`a - y` sums to zero over the two
    outputs, so the mean output :math:`(z_1 + z_2)/2` keeps its initial value 0 for ever.

    Returns ``(x, G_clean, G_noisy, {"mse": fit, "cross_entropy": fit})``, each fit a
    :class:`VectorRegressionFit`.
    """
    rng = np.random.default_rng(cfg.seed)
    x = inputs(cfg)
    clean = target_function(x, cfg.g)
    G = clean + cfg.noise * rng.standard_normal(clean.shape)
    y = _target(G)
    results = {}
    for name in ("mse", "cross_entropy"):
        W, b = np.zeros(2), np.zeros(2)
        objective, rmse_z, rmse_sm = [], [], []
        diverged = None
        for epoch in range(cfg.epochs):
            z = x[:, None] * W + b
            if not np.all(np.isfinite(z)):
                diverged = epoch
                break
            # A too-large lr overflows here; that is reported as divergence, not raised.
            with np.errstate(over="ignore", invalid="ignore"):
                step = _sq if name == "mse" else _ce
                values, dz = step(G, z, checked=epoch == 0)
                risk, dz = empirical_risk(values, dz)  # dz / n: the gradient of the mean
                objective.append(risk)
                rmse_z.append(np.sqrt(np.mean((z - G) ** 2)))
                rmse_sm.append(np.sqrt(np.mean((softmax(z, axis=1) - y) ** 2)))
            if not np.isfinite(objective[-1]):
                diverged = epoch
                break
            with np.errstate(over="ignore", invalid="ignore"):
                W = W - cfg.lr * (x @ dz)
                b = b - cfg.lr * dz.sum(axis=0)
        z = x[:, None] * W + b
        results[name] = VectorRegressionFit(
            loss=name,
            objective=np.array(objective),
            rmse_z=np.array(rmse_z),
            rmse_softmax=np.array(rmse_sm),
            W=W,
            b=b,
            z=z,
            diverged_epoch=diverged,
        )
    return x, clean, G, results
