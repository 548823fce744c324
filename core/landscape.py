r"""Loss landscapes of a sigmoid neuron: one sample and one weight, and logistic regression.

A sigmoid neuron is the 2-class softmax with logits :math:`[0, z]`, :math:`z = w x + b`:
:math:`p_1 = e^{z} / (1 + e^{z}) = \sigma(z)`. So every registered *classification* loss is a
binary loss of the neuron through the registry, with no formula written again here:

- ``cross_entropy`` gives :math:`\log(1 + e^{z}) - y z`, the binary cross-entropy with logits
  (``torch.nn.BCEWithLogitsLoss``);
- ``mse`` gives :math:`\sum_k (p_k - Y_k)^2 = 2 (\sigma(z) - y)^2`, twice the single-output
  squared error :math:`(\sigma(z) - y)^2` and four times the :math:`(y - a)^2 / 2` of
  the article “Why not MSE for classification”
  (a constant factor: same minimisers, same convexity, gradients scaled by 2 and 4);
- ``mae`` gives :math:`2 |\sigma(z) - y|`.

Because :math:`z_0 = 0` is fixed, :math:`\partial L / \partial z = \partial L / \partial z_1`,
the second column of the registry's logit gradient.

The model :math:`z_i = w x_i + b` on 1-D inputs has two parameters, so its mean loss
:math:`\bar L(w, b) = \frac1n \sum_i L(y_i, [0, w x_i + b])` is a surface that can be drawn.
Its gradient is exact (chain rule on the registry's gradient); its Hessian is taken by central
differences of that gradient, and its smallest eigenvalue answers "is it convex here?".

Reference: Bishop, *Pattern Recognition and Machine Learning* (2006), §4.3.2–4.3.3 (cross-entropy
of logistic regression is convex); Nielsen, *Neural Networks and Deep Learning* (2015), ch. 3
(the :math:`\sigma'(z)` factor that stalls squared error).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import logit, softmax, two_class_logits
from core.cost import MAX_EPOCHS
from core.metrics import empirical_risk

Array = NDArray[np.float64]

__all__ = [
    "Convexity",
    "LossSurface",
    "OneSample",
    "Path",
    "Study",
    "convexity",
    "gradient_descent",
    "hessian",
    "min_eigenvalue",
    "minimise",
    "neuron_loss",
    "one_sample",
    "steps_to_converge",
    "study",
    "surface",
    "two_gaussians",
]


def neuron_loss(name: str, y: ArrayLike, z: ArrayLike) -> tuple[Array, Array]:
    r"""Per-sample loss ``name`` of a sigmoid neuron and its derivative in the pre-activation.

    .. math:: L_i = \mathrm{loss}(y_i, [0, z_i]), \qquad
              \frac{\partial L_i}{\partial z_i} = \frac{\partial L_i}{\partial z_{i,1}}

    Parameters
    ----------
    name
        A registered classification loss (its default hyperparameters are used).
    y
        Labels in ``{0, 1}``, shape ``(n,)``.
    z
        Pre-activations, shape ``(n,)``.

    Returns
    -------
    values, dz
        Arrays of shape ``(n,)``.
    """
    loss = losses.get(name, task="classification")
    y = np.asarray(y)
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    if y.shape != z.shape:
        raise ValueError(f"y and z must have the same shape, got {y.shape} and {z.shape}")
    values, grad = loss.fn(y.astype(np.intp), two_class_logits(z), **loss.defaults)
    return values, grad[:, 1]


def two_gaussians(
    n: int = 40, *, separation: float = 2.0, seed: int = 0
) -> tuple[Array, NDArray[np.intp]]:
    r"""A small 1-D two-class data set: :math:`x \mid y \sim \mathcal N(\pm s/2, 1)`.

    Half the points have label 0 (centred at :math:`-s/2`), half label 1 (at :math:`+s/2`); the
    classes overlap, so the cross-entropy optimum is finite.

    Parameters
    ----------
    n
        Number of points, 2..10000.
    separation
        Distance :math:`s` between the class means, 0..20.
    seed
        Random seed.
    """
    if not 2 <= int(n) <= 10_000:
        raise ValueError(f"n must be in 2..10000, got {n!r}")
    if not 0.0 <= float(separation) <= 20.0:
        raise ValueError(f"separation must be in [0, 20], got {separation!r}")
    rng = np.random.default_rng(seed)
    y = (np.arange(int(n)) % 2).astype(np.intp)
    x = rng.normal(size=int(n)) + (y - 0.5) * float(separation)
    return x, y


def _mean_loss(name: str, x: Array, y: NDArray, w: Array, b: Array) -> tuple[Array, Array, Array]:
    r"""Mean loss and its exact gradient at every pair ``(w, b)`` (same broadcast shape).

    .. math:: \bar L = \frac1n \sum_i L_i,\quad
              \frac{\partial \bar L}{\partial w} = \frac1n \sum_i \frac{\partial L_i}{\partial z_i}
              x_i,\quad
              \frac{\partial \bar L}{\partial b} = \frac1n \sum_i \frac{\partial L_i}{\partial z_i}
    """
    w, b = np.broadcast_arrays(np.asarray(w, np.float64), np.asarray(b, np.float64))
    shape = w.shape
    z = w.reshape(-1, 1) * x + b.reshape(-1, 1)  # (points, n)
    labels = np.broadcast_to(y, z.shape).reshape(-1)
    values, dz = neuron_loss(name, labels, z.reshape(-1))
    values = values.reshape(z.shape)
    dz = dz.reshape(z.shape)
    # the derivative of a mean is the mean of the per-sample derivatives
    return (
        empirical_risk(values, axis=1)[0].reshape(shape),
        empirical_risk(dz * x, axis=1)[0].reshape(shape),
        empirical_risk(dz, axis=1)[0].reshape(shape),
    )


@dataclass(frozen=True)
class LossSurface:
    """Mean loss on a grid: ``loss[i, j]`` at ``(w[j], b[i])``, with its exact gradient."""

    name: str
    w: Array
    b: Array
    loss: Array
    grad_w: Array
    grad_b: Array


def surface(name: str, x: ArrayLike, y: ArrayLike, w: ArrayLike, b: ArrayLike) -> LossSurface:
    r"""The mean loss :math:`\bar L(w, b)` of ``z = w x + b`` on the grid ``w`` × ``b``.

    Parameters
    ----------
    name
        Registered classification loss.
    x, y
        1-D inputs ``(n,)`` and labels in ``{0, 1}``.
    w, b
        1-D grids; the result's rows follow ``b`` and its columns ``w``.
    """
    x, y = _data(x, y)
    w = np.asarray(w, np.float64)
    b = np.asarray(b, np.float64)
    W, B = np.meshgrid(w, b)
    value, gw, gb = _mean_loss(name, x, y, W, B)
    return LossSurface(name, w, b, value, gw, gb)


def _data(x: ArrayLike, y: ArrayLike) -> tuple[Array, NDArray[np.intp]]:
    x = np.asarray(x, np.float64).reshape(-1)
    y = np.asarray(y)
    if y.shape != x.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape} and {y.shape}")
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("x must be a non-empty array of finite numbers")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must be binary labels in {0, 1}")
    return x, y.astype(np.intp)


def hessian(
    name: str, x: ArrayLike, y: ArrayLike, w: ArrayLike, b: ArrayLike, *, h: float = 1e-4
) -> tuple[Array, Array, Array]:
    r"""Hessian entries :math:`(H_{ww}, H_{wb}, H_{bb})` of :math:`\bar L` at each ``(w, b)``.

    Central differences of the exact gradient (error :math:`O(h^2)`), symmetrised:

    .. math:: H_{ww} \approx \frac{g_w(w+h, b) - g_w(w-h, b)}{2h},\quad
              H_{wb} \approx \tfrac12\Big(\frac{g_w(w, b+h) - g_w(w, b-h)}{2h}
              + \frac{g_b(w+h, b) - g_b(w-h, b)}{2h}\Big)
    """
    x, y = _data(x, y)
    w, b = np.broadcast_arrays(np.asarray(w, np.float64), np.asarray(b, np.float64))
    _, gw_wp, gb_wp = _mean_loss(name, x, y, w + h, b)
    _, gw_wm, gb_wm = _mean_loss(name, x, y, w - h, b)
    _, gw_bp, gb_bp = _mean_loss(name, x, y, w, b + h)
    _, gw_bm, gb_bm = _mean_loss(name, x, y, w, b - h)
    hww = (gw_wp - gw_wm) / (2 * h)
    hbb = (gb_bp - gb_bm) / (2 * h)
    hwb = 0.5 * ((gw_bp - gw_bm) + (gb_wp - gb_wm)) / (2 * h)
    return hww, hwb, hbb


def min_eigenvalue(a: ArrayLike, c: ArrayLike, d: ArrayLike) -> Array:
    r"""Smaller eigenvalue of symmetric 2×2 matrices :math:`\begin{pmatrix}a&c\\c&d\end{pmatrix}`.

    .. math:: \lambda_{\min} = \frac{a+d}{2} - \sqrt{\Big(\frac{a-d}{2}\Big)^2 + c^2}
    """
    a, c, d = (np.asarray(v, np.float64) for v in (a, c, d))
    return 0.5 * (a + d) - np.hypot(0.5 * (a - d), c)


@dataclass(frozen=True)
class Convexity:
    """Where the surface curves down: the smallest Hessian eigenvalue at every grid point.

    ``n_negative`` counts grid points with :math:`\\lambda_{\\min} < -\\mathrm{tol}`; ``tol``
    absorbs the finite-difference error so a convex surface reports none.
    """

    name: str
    min_eig: Array
    tol: float
    n_points: int
    n_negative: int
    most_negative: float

    @property
    def convex_on_grid(self) -> bool:
        return self.n_negative == 0

    @property
    def fraction_negative(self) -> float:
        return self.n_negative / self.n_points


def convexity(
    name: str, x: ArrayLike, y: ArrayLike, w: ArrayLike, b: ArrayLike, *, rel_tol: float = 1e-6
) -> Convexity:
    r"""Convexity check on the grid ``w`` × ``b``: count the points with a negative eigenvalue.

    A twice-differentiable function is convex iff its Hessian is positive semidefinite
    everywhere (Boyd & Vandenberghe, *Convex Optimization*, §3.1.4). On the grid we count the
    points where :math:`\lambda_{\min} < -\mathrm{tol}`, with
    :math:`\mathrm{tol} = \mathrm{rel\_tol} \cdot \max(1, \max|\lambda_{\min}|)`.
    """
    W, B = np.meshgrid(np.asarray(w, np.float64), np.asarray(b, np.float64))
    lam = min_eigenvalue(*hessian(name, x, y, W, B))
    tol = rel_tol * max(1.0, float(np.max(np.abs(lam))))
    negative = lam < -tol
    return Convexity(
        name=name,
        min_eig=lam,
        tol=tol,
        n_points=lam.size,
        n_negative=int(negative.sum()),
        most_negative=float(lam.min()),
    )


@dataclass(frozen=True)
class Path:
    """A gradient-descent path: parameters and mean loss after each step (index 0 = start).

    ``diverged_epoch`` is the first step (full batch: one step is one epoch; 0 = the start)
    whose parameters or loss are not finite (or exceed ``1e6`` in size), else ``None``; the
    path stops there.
    """

    name: str
    w: Array
    b: Array
    loss: Array
    grad_norm: Array
    diverged_epoch: int | None


def gradient_descent(
    name: str,
    x: ArrayLike,
    y: ArrayLike,
    *,
    start: tuple[float, float],
    lr: float,
    steps: int,
    fit_bias: bool = True,
    stop_below: float | None = None,
) -> Path:
    r"""Full-batch gradient descent on :math:`\bar L(w, b)`.

    .. math:: (w, b)_{t+1} = (w, b)_t - \eta\, \nabla \bar L\big((w, b)_t\big)

    With ``fit_bias=False`` the bias stays at its start value (one weight only). With
    ``stop_below`` the path ends at the first step whose loss is at most that value (used to
    ask "how many steps would it take?" without running the whole budget).

    Parameters
    ----------
    lr
        Learning rate :math:`\eta > 0`.
    steps
        Number of steps, 0..``MAX_EPOCHS`` (100000).
    """
    x, y = _data(x, y)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if not 0 <= int(steps) <= MAX_EPOCHS:
        raise ValueError(f"steps must be in 0..{MAX_EPOCHS}, got {steps!r}")
    w, b = float(start[0]), float(start[1])
    ws, bs, ls, gs = [], [], [], []
    diverged_epoch = None
    for t in range(int(steps) + 1):
        if not (abs(w) <= 1e6 and abs(b) <= 1e6):
            diverged_epoch = t
            break
        value, gw, gb = (float(v) for v in _mean_loss(name, x, y, np.array(w), np.array(b)))
        if not np.isfinite(value):
            diverged_epoch = t
            break
        gb = gb if fit_bias else 0.0
        ws.append(w)
        bs.append(b)
        ls.append(value)
        gs.append(float(np.hypot(gw, gb)))
        if stop_below is not None and value <= stop_below:
            break
        w, b = w - lr * gw, b - lr * gb
    return Path(name, np.array(ws), np.array(bs), np.array(ls), np.array(gs), diverged_epoch)


def minimise(
    name: str,
    x: ArrayLike,
    y: ArrayLike,
    *,
    start: tuple[float, float],
    box: float = np.inf,
    max_steps: int = 2000,
    gtol: float = 1e-10,
) -> tuple[float, float, float]:
    r"""A (local) minimum of :math:`\bar L` from ``start`` with ``|w|, |b| <= box``.

    Projected gradient descent with Armijo backtracking (Nocedal & Wright, *Numerical
    Optimization*, Alg. 3.1). Used only as the yardstick :math:`\bar L^\star` for "steps to
    converge": started at the grid minimum with ``box`` the grid's half-width, it finds the
    best value on the drawn square (MAE's infimum, for one, lies at infinity).
    Returns ``(w, b, loss)``.
    """
    x, y = _data(x, y)
    p = np.clip(np.array(start, np.float64), -box, box)

    def f(q: Array) -> tuple[float, Array]:
        value, gw, gb = _mean_loss(name, x, y, np.array(q[0]), np.array(q[1]))
        return float(value), np.array([float(gw), float(gb)])

    value, g = f(p)
    step = 1.0
    for _ in range(max_steps):
        if float(g @ g) < gtol**2:
            break
        step *= 2.0
        while True:
            q = np.clip(p - step * g, -box, box)
            v, gq = f(q)
            # Armijo on the projected step: g . (p - q) = step |g|^2 inside the box
            if v <= value - 0.5 * float(g @ (p - q)) or step < 1e-12:
                break
            step *= 0.5
        if v >= value:
            break
        p, value, g = q, v, gq
    return float(p[0]), float(p[1]), value


def steps_to_converge(path_loss: ArrayLike, optimum: float, *, gap: float = 0.01) -> int | None:
    r"""First step at which a path has closed all but ``gap`` of its distance to the optimum.

    .. math:: t^\star = \min\{t : \bar L_t - \bar L^\star
              \le \mathrm{gap}\,(\bar L_0 - \bar L^\star)\}

    ``None`` if the path never gets there (stalled on a plateau, or diverged).
    """
    loss = np.asarray(path_loss, np.float64)
    if loss.size == 0:
        return None
    threshold = optimum + gap * max(loss[0] - optimum, 0.0)
    hit = np.flatnonzero(loss <= threshold + 1e-15)
    return int(hit[0]) if hit.size else None


@dataclass(frozen=True)
class Study:
    """Everything the landscape page shows for one loss on one problem."""

    surface: LossSurface
    convexity: Convexity
    path: Path
    optimum: tuple[float, float, float]
    steps: int | None

    @property
    def name(self) -> str:
        return self.surface.name


def study(
    name: str,
    x: ArrayLike,
    y: ArrayLike,
    *,
    w: ArrayLike,
    b: ArrayLike,
    start: tuple[float, float],
    lr: float,
    steps: int,
) -> Study:
    """Surface, convexity check, descent path, best value on the grid and steps to reach it.

    The yardstick :math:`\\bar L^\\star` is :func:`minimise` started at the grid's minimum and
    kept inside the drawn square.
    """
    s = surface(name, x, y, w, b)
    i, j = np.unravel_index(np.argmin(s.loss), s.loss.shape)
    box = float(max(np.max(np.abs(s.w)), np.max(np.abs(s.b))))
    best = minimise(name, x, y, start=(float(s.w[j]), float(s.b[i])), box=box)
    path = gradient_descent(name, x, y, start=start, lr=lr, steps=steps)
    return Study(
        surface=s,
        convexity=convexity(name, x, y, w, b),
        path=path,
        optimum=best,
        steps=steps_to_converge(path.loss, best[2]),
    )


@dataclass(frozen=True)
class OneSample:
    r"""One sample, one weight: the loss curve over ``w`` and a descent path along it.

    ``p_target[t]`` is the probability of the true class after step ``t``;
    ``steps`` is the first step with :math:`p_t \ge` ``target`` (``None`` if never reached).
    """

    name: str
    w: Array
    loss: Array
    slope: Array
    path: Path
    p_target: Array
    steps: int | None


def one_sample(
    name: str,
    *,
    x0: float,
    y0: int,
    w: ArrayLike,
    w0: float,
    lr: float,
    steps: int,
    target: float = 0.9,
    stop_at_target: bool = False,
) -> OneSample:
    r"""Loss of one sample ``(x0, y0)`` against the weight ``w`` of :math:`z = w x_0` (no bias).

    This is the figure of the article “Can cross-entropy do regression, can MSE do
    classification?” (update 1): the loss against a weight of the layer before the softmax.
    The descent path starts at ``w0``; its yardstick is the first step at which the sample's
    true-class probability :math:`p_t = \mathrm{softmax}([0, w x_0])_{y_0}` reaches
    ``target``, the same for every loss. With ``stop_at_target`` the path ends there (for a
    loss that falls as :math:`p_t` rises, which every registered one does up to its minimum).
    """
    x, y = _data([x0], [y0])
    s = surface(name, x, y, w, [0.0])
    stop = None
    if stop_at_target:
        # the pre-activation where p_t = target, and the loss there
        z_star = logit(target) * (1 if y[0] == 1 else -1)
        stop = float(neuron_loss(name, y, [z_star])[0][0])
    path = gradient_descent(
        name, x, y, start=(w0, 0.0), lr=lr, steps=steps, fit_bias=False, stop_below=stop
    )
    p_target = softmax(two_class_logits(path.w * x[0]))[:, y[0]]
    hit = np.flatnonzero(p_target >= target)
    return OneSample(
        name=name,
        w=s.w,
        loss=s.loss[0],
        slope=s.grad_w[0],
        path=path,
        p_target=p_target,
        steps=int(hit[0]) if hit.size else None,
    )
