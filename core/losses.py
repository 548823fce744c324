r"""Every loss of Loss Lab: per-sample values and exact gradients w.r.t. the raw model output.

A loss is a small pure function ``f(y_true, raw, *, hyper...) -> (values, grad)`` registered
with its metadata. Call it through the registry, which checks inputs and hyperparameters::

    loss = losses.get("cross_entropy", task="classification")
    values, grad = loss(y_true, logits, label_smoothing=0.1)

Conventions
-----------
classification
    ``y_true``: integer labels ``(n,)`` in ``0..K-1`` (losses with ``soft_targets`` also take a
    target distribution ``(n, K)``); ``raw``: logits ``(n, K)``, ``K >= 2``.
    :math:`p = \mathrm{softmax}(z)`, :math:`Y` one-hot, :math:`t` the target class and
    :math:`m = z_t - \max_{j \ne t} z_j` the multiclass margin.
regression
    ``y_true`` and ``raw`` of the same shape ``(n,)`` or ``(n, d)``; for ``(n, d)`` an
    elementwise loss is averaged over ``d`` (and its gradient divided by ``d``).

``values[i]`` is the loss of sample ``i`` (no reduction); ``grad[i]`` is
:math:`\partial\, \mathrm{values}_i / \partial\, \mathrm{raw}_i`. Where a loss has a kink the
gradient is a documented subgradient with :math:`\mathrm{sign}(0) = 0`.

The functions themselves assume checked, float inputs; the registry's ``Loss.__call__`` is the
checked entry point. Training code may check once and then call ``Loss.evaluate`` (unchecked,
defaults filled in, ``(n, d)`` averaged over ``d``) or the bare ``Loss.fn`` (unchecked, all
hyperparameters required; an elementwise regression ``fn`` returns ``(n, d)`` values for
``(n, d)`` input). Both keep float32 inputs in float32.

Accuracy: every value and gradient is computed from ``log_softmax`` or residuals without an
``eps`` and without cancellation (``1 - p_t`` via ``expm1``, ``log(1 + x)`` via ``log1p``), and
agrees with PyTorch autograd and with 50-digit mpmath to 1e-10 relative
(``tests/core/test_losses_reference.py``); logits up to ±1e4 and residuals up to ±1e6 give
finite results without a floating-point warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._numerics import log_cosh as _log_cosh
from core._numerics import log_or_zero, log_softmax, one_hot, one_minus_exp

Task = Literal["classification", "regression"]
TASKS: tuple[str, ...] = ("classification", "regression")

#: The property flags every loss declares, in display order, with their meaning.
#: Flags hold for the default hyperparameters; the loss's docstring says where others differ.
PROPERTIES: dict[str, str] = {
    "convex": "convex in the raw output (logits or prediction)",
    "differentiable": "differentiable everywhere (no kink)",
    "bounded_gradient": "gradient w.r.t. the raw output stays bounded, however large the "
    "logits or the residual (for a fixed target)",
    "robust": "robust to outliers (regression: an outlier's pull on the prediction is bounded) "
    "or to label noise (classification: a bounded, noise-tolerant loss, Ghosh et al. 2017)",
    "calibrated": "classification: the minimiser of the expected loss is the true class "
    "probability, so softmax outputs are calibrated (a strictly proper scoring rule)",
}

Array = NDArray[np.floating]
LossFn = Callable[..., tuple[Array, Array]]


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class Hyperparameter:
    """A loss hyperparameter: its default, the allowed interval and how to show it.

    ``low``/``high`` bound the allowed values (``*_open`` makes a bound strict);
    ``ui_low``/``ui_high`` is the sensible slider range, always inside the allowed interval.
    """

    name: str
    default: float
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    symbol: str = ""
    help: str = ""
    ui_low: float | None = None
    ui_high: float | None = None

    @property
    def interval(self) -> str:
        """The allowed interval in the usual notation, e.g. ``[0, 1)``."""
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}"

    def check(self, value: Any, loss_name: str) -> float:
        """Return ``value`` as a float, or raise ``ValueError`` naming it and the interval."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"{loss_name}: {self.name} must be a number in {self.interval}, got {value!r}"
            ) from None
        below = v <= self.low if self.low_open else v < self.low
        above = v >= self.high if self.high_open else v > self.high
        if math.isnan(v) or below or above:
            raise ValueError(f"{loss_name}: {self.name} must be in {self.interval}, got {value!r}")
        return v


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


@dataclass(frozen=True)
class Loss:
    """A registered loss: the function plus what menus, checks and the reference page need.

    Calling it checks the inputs and hyperparameters, then returns ``(values, grad)``.
    """

    name: str
    task: str
    title: str
    fn: LossFn
    formula_latex: str
    grad_latex: str
    equivalents: Mapping[str, str]
    properties: Mapping[str, bool]
    hyperparameters: tuple[Hyperparameter, ...] = ()
    reference: str = ""
    #: classification: also accepts a target distribution ``(n, K)`` as ``y_true``
    soft_targets: bool = False
    #: regression: applied elementwise, so ``(n, d)`` inputs are averaged over ``d``
    elementwise: bool = True
    #: regression: extra check on the targets (e.g. MSLE needs ``y >= 0``)
    check_targets: Callable[[Array], None] | None = field(default=None, repr=False)

    @property
    def defaults(self) -> dict[str, float]:
        """Default hyperparameters, ``{name: value}``."""
        return {h.name: h.default for h in self.hyperparameters}

    def resolve(self, params: Mapping[str, Any] | None = None) -> dict[str, float]:
        """Defaults updated by ``params``, each checked; ``ValueError`` for unknown names."""
        params = dict(params or {})
        known = {h.name: h for h in self.hyperparameters}
        unknown = sorted(set(params) - set(known))
        if unknown:
            allowed = ", ".join(known) or "none"
            raise ValueError(
                f"{self.name}: unknown hyperparameter(s) {unknown}; allowed: {allowed}"
            )
        return {n: h.check(params.get(n, h.default), self.name) for n, h in known.items()}

    def __call__(
        self, y_true: ArrayLike, raw_prediction: ArrayLike, **params: Any
    ) -> tuple[Array, Array]:
        """Checked per-sample values ``(n,)`` and gradient w.r.t. ``raw_prediction``.

        Raises ``ValueError`` for bad inputs or hyperparameters (see ``check_classification``,
        ``check_regression`` and ``Hyperparameter.check``).
        """
        hyper = self.resolve(params)
        if self.task == "classification":
            y, raw = check_classification(y_true, raw_prediction, soft=self.soft_targets)
        else:
            y, raw = check_regression(y_true, raw_prediction, elementwise=self.elementwise)
            if self.check_targets is not None:
                self.check_targets(y)
        values, grad = self.evaluate(y, raw, **hyper)
        return values + 0.0, grad  # + 0.0 turns -0.0 (e.g. -log 1) into 0.0 for display

    def evaluate(self, y: NDArray, raw: Array, **hyper: float) -> tuple[Array, Array]:
        """Unchecked ``(values (n,), grad)`` for inputs that were checked once already.

        Like ``fn`` (missing hyperparameters take their defaults), plus the averaging over
        ``d`` of elementwise regression losses on ``(n, d)`` inputs. Works on float32 too.
        """
        values, grad = self.fn(y, raw, **{**self.defaults, **hyper})
        if self.task == "regression" and self.elementwise and raw.ndim == 2:
            d = raw.shape[1]
            return values.mean(axis=1), grad / d
        return values, grad

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v:g}" for k, v in self.defaults.items())
        return f"Loss({self.task}/{self.name}{': ' + hyper if hyper else ''})"


_REGISTRY: dict[tuple[str, str], Loss] = {}


def register(
    name: str,
    task: Task,
    *,
    title: str,
    formula: str,
    grad: str,
    equivalents: Mapping[str, str],
    properties: Mapping[str, bool],
    hyperparameters: tuple[Hyperparameter, ...] = (),
    reference: str = "",
    soft_targets: bool = False,
    elementwise: bool = True,
    check_targets: Callable[[Array], None] | None = None,
) -> Callable[[LossFn], LossFn]:
    """Decorator: register ``fn`` under ``(task, name)``; the plain function is returned."""
    missing = set(PROPERTIES) - set(properties)
    if missing:
        raise ValueError(f"{name}: properties missing {sorted(missing)}")

    def deco(fn: LossFn) -> LossFn:
        _REGISTRY[(task, name)] = Loss(
            name=name,
            task=task,
            title=title,
            fn=fn,
            formula_latex=formula,
            grad_latex=grad,
            equivalents=dict(equivalents),
            properties={k: bool(properties[k]) for k in PROPERTIES},
            hyperparameters=hyperparameters,
            reference=reference,
            soft_targets=soft_targets,
            elementwise=elementwise,
            check_targets=check_targets,
        )
        return fn

    return deco


def _check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    return task


def names(task: str) -> list[str]:
    """Registered loss names for ``task``, in registry order."""
    _check_task(task)
    return [n for (t, n) in _REGISTRY if t == task]


def get(name: str, task: str | None = None) -> Loss:
    """The registered loss ``name`` for ``task``.

    ``task`` may be omitted when the name is unique across tasks (``mse`` and ``mae`` are not).
    Raises ``ValueError`` listing the valid names for an unknown name.
    """
    if task is not None:
        _check_task(task)
        loss = _REGISTRY.get((task, name))
        if loss is None:
            raise ValueError(f"unknown {task} loss {name!r}; choose one of {names(task)}")
        return loss
    matches = [loss for (t, n), loss in _REGISTRY.items() if n == name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        all_names = sorted({n for (_, n) in _REGISTRY})
        raise ValueError(f"unknown loss {name!r}; choose one of {all_names}")
    raise ValueError(f"loss {name!r} exists for several tasks; pass task= one of {list(TASKS)}")


def all_losses() -> list[Loss]:
    """Every registered loss, classification first, in registry order."""
    return [_REGISTRY[(t, n)] for t in TASKS for n in names(t)]


# --------------------------------------------------------------------------- input checks


def _finite_float(x: ArrayLike, arg: str) -> Array:
    """``x`` as a float array (float32 kept), or ``ValueError`` naming ``arg`` and the bad value."""
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{arg} must be numeric, got dtype {a.dtype}")
    a = a.astype(np.float64, copy=False) if a.dtype.kind != "f" else a
    bad = ~np.isfinite(a)
    if np.any(bad):
        where = tuple(int(i[0]) for i in np.nonzero(bad))
        raise ValueError(f"{arg} must be finite (no NaN or inf), got {a[where]} at index {where}")
    return a


def check_classification(
    y_true: ArrayLike, logits: ArrayLike, *, soft: bool = False
) -> tuple[NDArray, Array]:
    """Check labels and logits; return ``(y, z)`` with ``y`` int ``(n,)`` or float ``(n, K)``.

    Raises ``ValueError`` for logits that are not a finite ``(n, K)`` array with ``K >= 2``,
    labels of the wrong length, non-integer labels or labels outside ``0..K-1``; with
    ``soft=True`` a target distribution ``(n, K)`` (non-negative rows summing to 1) is allowed.
    """
    z = _finite_float(logits, "raw_prediction (logits)")
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(
            f"raw_prediction (logits) must have shape (n, K) with K >= 2, got {z.shape}"
        )
    n, k = z.shape
    y = np.asarray(y_true)
    if soft and y.ndim == 2:
        if y.shape != z.shape:
            raise ValueError(f"y_true as a distribution must have shape {z.shape}, got {y.shape}")
        q = _finite_float(y, "y_true")
        sums = q.sum(axis=1)
        if np.any(q < 0) or not np.allclose(sums, 1.0, atol=1e-6):
            raise ValueError(
                "y_true as a distribution must be non-negative rows summing to 1, got row "
                f"minimum {q.min():g} and row sums in [{sums.min():g}, {sums.max():g}]"
            )
        return q, z
    if y.ndim != 1 or y.shape[0] != n:
        shape = f"({n},) or ({n}, {k})" if soft else f"({n},)"
        raise ValueError(f"y_true must be integer labels of shape {shape}, got {y.shape}")
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.round(y))
        if np.any(bad):
            raise ValueError(
                f"y_true must be integer class labels in 0..{k - 1}, got {y[bad][0]:g}"
            )
    elif y.dtype.kind not in "iub":
        raise ValueError(f"y_true must be integer class labels in 0..{k - 1}, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() > k - 1):
        raise ValueError(
            f"y_true labels must be in 0..{k - 1} (K = {k} logit columns), "
            f"got labels from {y.min()} to {y.max()}"
        )
    return y.astype(np.intp, copy=False), z


def check_regression(
    y_true: ArrayLike, prediction: ArrayLike, *, elementwise: bool = True
) -> tuple[Array, Array]:
    """Check targets and predictions: finite, same shape ``(n,)`` or ``(n, d)``."""
    y = _finite_float(y_true, "y_true")
    pred = _finite_float(prediction, "raw_prediction")
    if y.shape != pred.shape:
        raise ValueError(
            f"y_true and raw_prediction must have the same shape, got {y.shape} and {pred.shape}"
        )
    allowed = (1, 2) if elementwise else (2,)
    if y.ndim not in allowed:
        shape = "(n,) or (n, d)" if elementwise else "(n, d)"
        raise ValueError(f"y_true must have shape {shape}, got {y.shape}")
    return y, pred


# --------------------------------------------------------------------------- classification

_LABEL_SMOOTHING = Hyperparameter(
    "label_smoothing", 0.0, 0.0, 1.0, high_open=True, symbol=r"\varepsilon",
    help="mass moved from the true class to a uniform distribution over all K classes",
    ui_low=0.0, ui_high=0.5,
)  # fmt: skip
_MARGIN = Hyperparameter(
    "margin", 1.0, 0.0, math.inf, low_open=True, high_open=True, symbol=r"\Delta",
    help="the logit margin the true class must win by before the loss is zero",
    ui_low=0.1, ui_high=3.0,
)  # fmt: skip


def _targets(y: NDArray, k: int, dtype: Any, label_smoothing: float = 0.0) -> Array:
    r"""Target distribution :math:`q = (1-\varepsilon) Y + \varepsilon / K` from labels or rows."""
    q = y if y.ndim == 2 else one_hot(y, k, dtype=dtype)
    return (1.0 - label_smoothing) * q + label_smoothing / k if label_smoothing else q


def _rows(z: Array) -> NDArray[np.intp]:
    return np.arange(z.shape[0])


def _p_minus_one_hot(log_p: Array, y: NDArray) -> Array:
    r""":math:`p - Y` from log-probabilities, the target entry :math:`p_t - 1` as
    :math:`-(1 - p_t)` by ``one_minus_exp`` so it keeps its digits when :math:`p_t \approx 1`."""
    rows = _rows(log_p)
    out = np.exp(log_p)
    out[rows, y] = -one_minus_exp(log_p[rows, y])
    return out


def _p_minus_targets(log_p: Array, y: NDArray, label_smoothing: float) -> Array:
    r""":math:`p - q` with :math:`q = (1-\varepsilon) Y + \varepsilon/K` (or given rows)."""
    if y.ndim == 2:
        return np.exp(log_p) - _targets(y, log_p.shape[1], log_p.dtype, label_smoothing)
    diff = _p_minus_one_hot(log_p, y)
    if label_smoothing:  # p - q = (p - Y) + eps (Y - 1/K)
        diff -= label_smoothing / log_p.shape[1]
        diff[_rows(log_p), y] += label_smoothing
    return diff


def _runner_up(z: Array, y: NDArray) -> tuple[Array, NDArray[np.intp]]:
    r"""Largest wrong-class logit :math:`\max_{j \ne t} z_j` and its index (first on ties)."""
    others = z.copy()
    others[_rows(z), y] = -np.inf
    j = np.argmax(others, axis=1)
    return others[_rows(z), j], j


@register(
    "cross_entropy",
    "classification",
    title="Cross-entropy (softmax)",
    formula=r"L = -\sum_k q_k \log p_k,\quad q = (1-\varepsilon)\,Y + \varepsilon/K",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    equivalents={
        "pytorch": "torch.nn.CrossEntropyLoss(label_smoothing=ε, reduction='none') on logits "
        "(default reduction='mean'); same smoothing convention q = (1-ε)Y + ε/K; also takes "
        "class probabilities as the target",
        "keras": "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) on "
        "one-hot targets, same smoothing convention (SparseCategoricalCrossentropy for integer "
        "labels has no label smoothing); Keras's default from_logits=False expects "
        "probabilities and clips them to [1e-7, 1 - 1e-7]; default reduction averages",
        "sklearn": "sklearn.metrics.log_loss (takes probabilities, returns the mean, clips "
        "them); LogisticRegression minimises it",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": True,
    },
    hyperparameters=(_LABEL_SMOOTHING,),
    reference="Goodfellow, Bengio & Courville, Deep Learning (2016), §6.2.2.3; "
    "label smoothing: Szegedy et al., CVPR 2016",
    soft_targets=True,
)
def cross_entropy(y: NDArray, z: Array, *, label_smoothing: float = 0.0) -> tuple[Array, Array]:
    r"""Softmax cross-entropy (negative log-likelihood of the softmax).

    .. math:: L = -\sum_k q_k \log p_k, \qquad
              \frac{\partial L}{\partial z_k} = p_k - q_k

    with :math:`p = \mathrm{softmax}(z)` and :math:`q = (1-\varepsilon)Y + \varepsilon/K`
    (or the given target distribution, smoothed the same way). Stable through ``log_softmax``:
    finite for any finite logits. With smoothing the minimum is the entropy of :math:`q`, not 0.

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.2.2.3;
    Szegedy et al., "Rethinking the Inception architecture", CVPR 2016 (label smoothing).
    """
    log_p = log_softmax(z)
    if y.ndim == 1 and not label_smoothing:  # q one-hot: the sum is the target's term
        values = -log_p[_rows(z), y]
    else:
        values = -np.sum(_targets(y, z.shape[1], z.dtype, label_smoothing) * log_p, axis=1)
    return values, _p_minus_targets(log_p, y, label_smoothing)


@register(
    "mse",
    "classification",
    title="Squared error on probabilities (Brier)",
    formula=r"L = \sum_k (p_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_j} = p_j \Big(g_j - \sum_k p_k g_k\Big),"
    r"\quad g_k = 2 (p_k - Y_k)",
    equivalents={
        "pytorch": "no single loss: torch.nn.functional.mse_loss(z.softmax(1), "
        "one_hot(y), reduction='none').sum(1); MSELoss's default reduction='mean' also "
        "divides by K",
        "keras": "keras.losses.MeanSquaredError on softmax probabilities and one-hot targets "
        "averages over the K classes: it equals ours / K",
        "sklearn": "sklearn.metrics.brier_score_loss(y, proba, scale_by_half=False) is the "
        "mean of ours (its default halves the binary case)",
    },
    properties={
        "convex": False,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": True,
    },
    reference="Brier, Monthly Weather Review 78 (1950); seed article 002",
)
def squared_error_of_probabilities(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Squared error between the softmax and the one-hot label (the multiclass Brier score).

    .. math:: L = \sum_k (p_k - Y_k)^2 = (1 - p_t)^2 + \sum_{k \ne t} p_k^2, \qquad
              \frac{\partial L}{\partial z_j} = p_j \Big(g_j - \sum_k p_k g_k\Big),
              \quad g_k = 2 (p_k - Y_k)

    The softmax Jacobian :math:`\partial p_k / \partial z_j = p_k(\delta_{kj} - p_j)` carries the
    factor :math:`p(1-p)` that makes MSE learn slowly when it is confidently wrong
    (:math:`K = 2`: :math:`\partial L/\partial z_1 = 4 a_1 a_2 (a_1 - y_1)`). Bounded (by 2),
    strictly proper, not convex in the logits. :math:`1 - p_t` is taken from
    :math:`\log p_t` so it keeps its digits when :math:`p_t \approx 1`.

    References
    ----------
    Brier, "Verification of forecasts expressed in terms of probability", Monthly Weather
    Review 78 (1950).
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
    return values, grad


@register(
    "mae",
    "classification",
    title="Absolute error on probabilities",
    formula=r"L = \sum_k |p_k - Y_k| = 2\,(1 - p_t)",
    grad=r"\frac{\partial L}{\partial z_k} = 2\,p_t\,(p_k - Y_k)",
    equivalents={
        "pytorch": "no single loss: torch.nn.functional.l1_loss(z.softmax(1), one_hot(y), "
        "reduction='none').sum(1)",
        "keras": "keras.losses.MeanAbsoluteError on softmax probabilities and one-hot targets "
        "averages over the K classes: it equals ours / K",
        "sklearn": "none (sklearn.metrics.mean_absolute_error on the one-hot matrix is ours / K)",
    },
    properties={
        "convex": False,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    reference="Ghosh, Kumar & Sastry, Robust loss functions under label noise for deep "
    "neural networks, AAAI 2017",
)
def absolute_error_of_probabilities(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Absolute error between the softmax and the one-hot label.

    .. math:: L = \sum_k |p_k - Y_k| = 2(1 - p_t), \qquad
              \frac{\partial L}{\partial z_k} = 2\,p_t\,(p_k - Y_k)

    Smooth in the logits (every :math:`p_k` lies strictly between 0 and 1). Symmetric:
    :math:`\sum_{t=1}^{K} L(t, z) = 2(K-1)` for every :math:`z`, which makes it tolerant to
    uniform label noise; but its gradient vanishes on samples it gets badly wrong
    (:math:`p_t \to 0`), so it trains slowly. Its minimiser puts all mass on the most likely
    class, so it is not calibrated.

    References
    ----------
    Ghosh, Kumar & Sastry, "Robust loss functions under label noise for deep neural networks",
    AAAI 2017.
    """
    log_p = log_softmax(z)
    log_p_t = log_p[_rows(z), y]
    grad = _p_minus_one_hot(log_p, y) * (2.0 * np.exp(log_p_t))[:, None]
    return 2.0 * one_minus_exp(log_p_t), grad


@register(
    "hinge",
    "classification",
    title="Multiclass hinge (Crammer–Singer)",
    formula=r"L = \max(0,\ \Delta - m),\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -[m < \Delta],\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = [m < \Delta],\quad j^* = \arg\max_{j \ne t} z_j",
    equivalents={
        "pytorch": "no built-in (torch.nn.MultiMarginLoss is the Weston–Watkins variant, our "
        "multi_margin); write it as (Δ - z_t + max_{j≠t} z_j).clamp(min=0)",
        "keras": "keras.losses.CategoricalHinge on raw scores is max(0, 1 + max_{j≠t} "
        "(1-Y_j) z_j - z_t): the same as ours with Δ = 1 except that the masked target "
        "counts as 0, so it differs when all wrong-class scores are negative; "
        "keras.losses.Hinge is binary with labels ±1 (0/1 are mapped to ±1)",
        "sklearn": "sklearn.metrics.hinge_loss (multiclass: exactly this with Δ = 1, mean "
        "over samples; binary: max(0, 1 - y·f) on one decision value f = z_1 - z_0); "
        "LinearSVC(multi_class='crammer_singer')",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": False,
    },
    hyperparameters=(_MARGIN,),
    reference="Crammer & Singer, On the algorithmic implementation of multiclass kernel-based "
    "vector machines, JMLR 2 (2001)",
)
def hinge(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Crammer–Singer multiclass hinge on the margin :math:`m = z_t - \max_{j \ne t} z_j`.

    .. math:: L = \max(0, \Delta - m), \qquad
              \frac{\partial L}{\partial z_t} = -[m < \Delta], \quad
              \frac{\partial L}{\partial z_{j^*}} = [m < \Delta]

    with :math:`j^* = \arg\max_{j \ne t} z_j`, all other partials 0. Subgradients at the kinks:
    at :math:`m = \Delta` the gradient is 0 (the derivative of :math:`\max(0, x)` at 0 is taken
    as 0, like :math:`\mathrm{sign}(0) = 0`), and when wrong classes tie for the maximum the
    first of them gets the +1. For :math:`K = 2` this is the binary SVM hinge
    :math:`\max(0, \Delta - y f)` on :math:`f = z_1 - z_0`, :math:`y = \pm 1`.

    References
    ----------
    Crammer & Singer, "On the algorithmic implementation of multiclass kernel-based vector
    machines", JMLR 2 (2001).
    """
    rows = _rows(z)
    runner_up, j = _runner_up(z, y)
    slack = margin - (z[rows, y] - runner_up)
    active = (slack > 0).astype(z.dtype)
    grad = np.zeros_like(z)
    grad[rows, y] = -active
    grad[rows, j] = active
    return np.maximum(slack, 0.0), grad


@register(
    "squared_hinge",
    "classification",
    title="Squared multiclass hinge",
    formula=r"L = \max(0,\ \Delta - m)^2,\quad m = z_t - \max_{j \ne t} z_j",
    grad=r"\frac{\partial L}{\partial z_t} = -2\max(0, \Delta - m),\quad "
    r"\frac{\partial L}{\partial z_{j^*}} = 2\max(0, \Delta - m)",
    equivalents={
        "pytorch": "no built-in (MultiMarginLoss(p=2) squares each Weston–Watkins term "
        "instead); write it as (Δ - z_t + max_{j≠t} z_j).clamp(min=0) ** 2",
        "keras": "keras.losses.SquaredHinge is the binary version with labels ±1",
        "sklearn": "LinearSVC(loss='squared_hinge') (its default) trains it one-vs-rest "
        "(binary per class), not on the multiclass margin",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": False,
        "robust": False,
        "calibrated": False,
    },
    hyperparameters=(_MARGIN,),
    reference="Crammer & Singer, JMLR 2 (2001); squared hinge: Lee & Lin, A study on L2-loss "
    "(squared hinge-loss) multiclass SVM, Neural Computation 25 (2013)",
)
def squared_hinge(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Squared Crammer–Singer hinge.

    .. math:: L = \max(0, \Delta - m)^2, \qquad
              \frac{\partial L}{\partial z_t} = -2\max(0, \Delta - m), \quad
              \frac{\partial L}{\partial z_{j^*}} = 2\max(0, \Delta - m)

    Smooth at the margin :math:`m = \Delta`; kinks remain where wrong classes tie for the
    maximum (:math:`K \ge 3`), where the first of them gets the gradient. The gradient grows
    linearly with the violation.

    References
    ----------
    Lee & Lin, "A study on L2-loss (squared hinge-loss) multiclass SVM", Neural Computation 25
    (2013).
    """
    values, grad = hinge(y, z, margin=margin)
    return values * values, grad * (2.0 * values)[:, None]


@register(
    "multi_margin",
    "classification",
    title="Multiclass hinge (Weston–Watkins)",
    formula=r"L = \frac{1}{K} \sum_{j \ne t} \max(0,\ \Delta - z_t + z_j)",
    grad=r"\frac{\partial L}{\partial z_j} = \frac{[\Delta - z_t + z_j > 0]}{K}\ (j \ne t),"
    r"\quad \frac{\partial L}{\partial z_t} = -\sum_{j \ne t} \frac{[\Delta - z_t + z_j > 0]}{K}",
    equivalents={
        "pytorch": "torch.nn.MultiMarginLoss(p=1, margin=Δ, reduction='none') exactly "
        "(default reduction='mean')",
        "keras": "none",
        "sklearn": "none (sklearn's multiclass hinge_loss is Crammer–Singer); Weston & Watkins "
        "sum the terms without the 1/K",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": False,
    },
    hyperparameters=(_MARGIN,),
    reference="Weston & Watkins, Support vector machines for multi-class pattern recognition, "
    "ESANN 1999",
)
def multi_margin(y: NDArray, z: Array, *, margin: float = 1.0) -> tuple[Array, Array]:
    r"""Weston–Watkins multiclass hinge, divided by :math:`K` as in PyTorch.

    .. math:: L = \frac{1}{K} \sum_{j \ne t} \max(0, \Delta - z_t + z_j), \qquad
              \frac{\partial L}{\partial z_j} = \frac{[\Delta - z_t + z_j > 0]}{K}, \quad
              \frac{\partial L}{\partial z_t} = -\sum_{j \ne t}
              \frac{[\Delta - z_t + z_j > 0]}{K}

    Every wrong class within the margin is charged (Crammer–Singer charges only the largest).
    At a kink (a term exactly 0) that term's subgradient is taken as 0.

    References
    ----------
    Weston & Watkins, "Support vector machines for multi-class pattern recognition", ESANN 1999.
    """
    rows, k = _rows(z), z.shape[1]
    slack = margin - z[rows, y][:, None] + z
    slack[rows, y] = 0.0  # the true class is not a competitor
    active = (slack > 0).astype(z.dtype) / k
    active[rows, y] = -active.sum(axis=1)
    return np.maximum(slack, 0.0).sum(axis=1) / k, active


@register(
    "focal",
    "classification",
    title="Focal loss",
    formula=r"L = -(1 - p_t)^\gamma \log p_t",
    grad=r"\frac{\partial L}{\partial z_k} = (1-p_t)^\gamma"
    r"\Big(1 - \frac{\gamma\, p_t \log p_t}{1 - p_t}\Big)(p_k - Y_k)",
    equivalents={
        "pytorch": "no multiclass built-in: torchvision.ops.sigmoid_focal_loss is the binary, "
        "per-logit sigmoid version with an extra class weight alpha",
        "keras": "keras.losses.CategoricalFocalCrossentropy(alpha=1.0, gamma=γ, "
        "from_logits=True) on one-hot targets; its default alpha=0.25 scales ours by 0.25",
        "sklearn": "none",
    },
    properties={
        "convex": False,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "gamma",
            2.0,
            0.0,
            math.inf,
            high_open=True,
            symbol=r"\gamma",
            help="focusing: down-weights well-classified samples; 0 is cross-entropy",
            ui_low=0.0,
            ui_high=5.0,
        ),
    ),
    reference="Lin, Goyal, Girshick, He & Dollár, Focal loss for dense object detection, ICCV 2017",
)
def focal(y: NDArray, z: Array, *, gamma: float = 2.0) -> tuple[Array, Array]:
    r"""Focal loss: cross-entropy down-weighted by :math:`(1 - p_t)^\gamma`.

    .. math:: L = -(1 - p_t)^\gamma \log p_t, \qquad
              \frac{\partial L}{\partial z_k} = (1-p_t)^\gamma
              \Big(1 - \frac{\gamma\, p_t \log p_t}{1 - p_t}\Big)(p_k - Y_k)

    :math:`\gamma = 0` is cross-entropy. The factor :math:`\log p_t / (1 - p_t)` tends to
    :math:`-1` as :math:`p_t \to 1` and is taken as :math:`-1` where :math:`p_t` rounds to 1, so
    the gradient stays finite for :math:`0 < \gamma < 1` too. Not convex in the logits for
    :math:`\gamma > 0`; not a strictly proper scoring rule (its minimiser is under-confident).

    References
    ----------
    Lin, Goyal, Girshick, He & Dollár, "Focal loss for dense object detection", ICCV 2017;
    Mukhoti et al., "Calibrating deep neural networks using focal loss", NeurIPS 2020.
    """
    log_p = log_softmax(z)
    log_p_t = log_p[_rows(z), y]
    u = one_minus_exp(log_p_t)  # 1 - p_t
    weight = u**gamma
    # r = log p_t / (1 - p_t) -> -1 as p_t -> 1 (and where 1 - p_t rounds to 0)
    r = np.divide(log_p_t, u, out=np.full_like(u, -1.0), where=u > 0)
    scale = weight * (1.0 - gamma * np.exp(log_p_t) * r)
    return -weight * log_p_t, _p_minus_one_hot(log_p, y) * scale[:, None]


@register(
    "square_logits",
    "classification",
    title="Squared error on logits",
    formula=r"L = \sum_k (z_k - Y_k)^2",
    grad=r"\frac{\partial L}{\partial z_k} = 2 (z_k - Y_k)",
    equivalents={
        "pytorch": "torch.nn.functional.mse_loss(z, one_hot(y), reduction='none').sum(1) (no "
        "softmax)",
        "keras": "keras.losses.MeanSquaredError on logits and one-hot targets averages over "
        "the K classes: it equals ours / K",
        "sklearn": "RidgeClassifier minimises square loss on raw outputs, but with targets ±1 "
        "instead of 1/0",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": False,
        "robust": False,
        "calibrated": False,
    },
    reference="Hui & Belkin, Evaluation of neural architectures trained with square loss vs "
    "cross-entropy in classification tasks, ICLR 2021 (their k = M = 1)",
)
def square_logits(y: NDArray, z: Array) -> tuple[Array, Array]:
    r"""Square loss straight on the logits, no softmax (Hui & Belkin with :math:`k = M = 1`).

    .. math:: L = \sum_k (z_k - Y_k)^2, \qquad \frac{\partial L}{\partial z_k} = 2 (z_k - Y_k)

    The prediction is :math:`\arg\max_k z_k`; the logits are not probabilities, so the
    softmax of the minimiser is not calibrated.

    References
    ----------
    Hui & Belkin, "Evaluation of neural architectures trained with square loss vs cross-entropy
    in classification tasks", ICLR 2021.
    """
    e = z - one_hot(y, z.shape[1], dtype=z.dtype)
    return np.sum(e * e, axis=1), 2.0 * e


@register(
    "gce",
    "classification",
    title="Generalized cross-entropy",
    formula=r"L = \frac{1 - p_t^{\,q}}{q}",
    grad=r"\frac{\partial L}{\partial z_k} = p_t^{\,q}\,(p_k - Y_k)",
    equivalents={
        "pytorch": "none (Zhang & Sabuncu's reference code)",
        "keras": "none",
        "sklearn": "none",
    },
    properties={
        "convex": False,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "q",
            0.7,
            0.0,
            1.0,
            low_open=True,
            symbol="q",
            help="interpolates cross-entropy (q -> 0) and MAE / 2 (q = 1)",
            ui_low=0.05,
            ui_high=1.0,
        ),
    ),
    reference="Zhang & Sabuncu, Generalized cross entropy loss for training deep neural "
    "networks with noisy labels, NeurIPS 2018",
)
def gce(y: NDArray, z: Array, *, q: float = 0.7) -> tuple[Array, Array]:
    r"""Generalized cross-entropy (the negative Box–Cox transform of :math:`p_t`).

    .. math:: L = \frac{1 - p_t^{\,q}}{q}, \qquad
              \frac{\partial L}{\partial z_k} = p_t^{\,q}\,(p_k - Y_k)

    :math:`q \to 0` gives cross-entropy, :math:`q = 1` gives :math:`1 - p_t` (MAE / 2). Bounded
    by :math:`1/q`, hence tolerant to label noise. Computed as
    :math:`-\mathrm{expm1}(q \log p_t)/q`, exact for tiny :math:`q \log p_t`.

    References
    ----------
    Zhang & Sabuncu, "Generalized cross entropy loss for training deep neural networks with
    noisy labels", NeurIPS 2018.
    """
    log_p = log_softmax(z)
    q_log_p_t = q * log_p[_rows(z), y]
    grad = _p_minus_one_hot(log_p, y) * np.exp(q_log_p_t)[:, None]
    return one_minus_exp(q_log_p_t) / q, grad


@register(
    "kl_div",
    "classification",
    title="Kullback–Leibler divergence",
    formula=r"L = \sum_k q_k \log \frac{q_k}{p_k},\quad 0 \log 0 = 0",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    equivalents={
        "pytorch": "torch.nn.KLDivLoss(reduction='batchmean') with input = log_softmax(z) "
        "(log-probabilities!) and target = q (probabilities, log_target=False); "
        "reduction='none' gives the K terms per sample, 'batchmean' the mean of ours, and "
        "'mean' (the default) divides by n·K, which is not the KL divergence",
        "keras": "keras.losses.KLDivergence on probabilities (not logits), both clipped to "
        "[1e-7, 1]",
        "sklearn": "none (scipy.special.rel_entr gives the terms)",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": True,
    },
    hyperparameters=(_LABEL_SMOOTHING,),
    reference="Kullback & Leibler, On information and sufficiency, Ann. Math. Statist. 22 (1951)",
    soft_targets=True,
)
def kl_div(y: NDArray, z: Array, *, label_smoothing: float = 0.0) -> tuple[Array, Array]:
    r"""KL divergence from the target distribution :math:`q` to the softmax :math:`p`.

    .. math:: L = \mathrm{KL}(q \,\|\, p) = \sum_k q_k \log \frac{q_k}{p_k}, \qquad
              \frac{\partial L}{\partial z_k} = p_k - q_k

    with :math:`0 \log 0 = 0`; :math:`q` is the one-hot label smoothed as in cross-entropy or a
    given distribution. KL = cross-entropy - entropy of :math:`q`: same gradient, but 0 at
    :math:`p = q`. For a one-hot :math:`q` it equals cross-entropy. Each term is computed as
    :math:`q_k(\log q_k - \log p_k)` from ``log_softmax``; the sum is clipped at 0 (Gibbs'
    inequality) so rounding cannot make it negative.

    References
    ----------
    Kullback & Leibler, "On information and sufficiency", Ann. Math. Statist. 22 (1951).
    """
    q = _targets(y, z.shape[1], z.dtype, label_smoothing)
    log_p = log_softmax(z)
    kl = np.sum(q * (log_or_zero(q) - log_p), axis=1)
    return np.maximum(kl, 0.0), _p_minus_targets(log_p, y, label_smoothing)


# --------------------------------------------------------------------------- regression

_SCALE = Hyperparameter(
    "scale", 1.0, 0.0, math.inf, low_open=True, high_open=True, symbol="c",
    help="residual size where the loss turns from quadratic to robust",
    ui_low=0.1, ui_high=5.0,
)  # fmt: skip


@register(
    "mse",
    "regression",
    title="Squared error (L2)",
    formula=r"L = e^2,\quad e = \hat y - y",
    grad=r"\frac{\partial L}{\partial \hat y} = 2e",
    equivalents={
        "pytorch": "torch.nn.MSELoss(reduction='none') (default reduction='mean')",
        "keras": "keras.losses.MeanSquaredError (averages over the last axis, like ours on (n, d))",
        "sklearn": "sklearn.metrics.mean_squared_error (the mean over samples and outputs)",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": False,
        "robust": False,
        "calibrated": False,
    },
    reference="Gauss (1809); Hastie, Tibshirani & Friedman, The Elements of Statistical "
    "Learning (2009), §2.4: its minimiser is the conditional mean",
)
def squared_error(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Squared error.

    .. math:: L = (\hat y - y)^2, \qquad \frac{\partial L}{\partial \hat y} = 2(\hat y - y)

    References
    ----------
    Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning* (2009), §2.4.
    """
    e = pred - y
    return e * e, 2.0 * e


@register(
    "mae",
    "regression",
    title="Absolute error (L1)",
    formula=r"L = |e|,\quad e = \hat y - y",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{sign}(e),\quad \mathrm{sign}(0) = 0",
    equivalents={
        "pytorch": "torch.nn.L1Loss(reduction='none') (its gradient at e = 0 is also 0)",
        "keras": "keras.losses.MeanAbsoluteError (averages over the last axis)",
        "sklearn": "sklearn.metrics.mean_absolute_error; QuantileRegressor(quantile=0.5) "
        "minimises it",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    reference="Laplace (1774); Hastie, Tibshirani & Friedman (2009), §10.6: its minimiser is "
    "the conditional median",
)
def absolute_error(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Absolute error.

    .. math:: L = |\hat y - y|, \qquad
              \frac{\partial L}{\partial \hat y} = \mathrm{sign}(\hat y - y)

    Subgradient :math:`\mathrm{sign}(0) = 0` at the kink.

    References
    ----------
    Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning* (2009), §10.6.
    """
    e = pred - y
    return np.abs(e), np.sign(e)


@register(
    "huber",
    "regression",
    title="Huber",
    formula=r"L = \begin{cases} e^2/2 & |e| \le \delta \\ \delta\,(|e| - \delta/2) & "
    r"\text{otherwise} \end{cases}",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{clip}(e, -\delta, \delta)",
    equivalents={
        "pytorch": "torch.nn.HuberLoss(delta=δ, reduction='none') exactly; "
        "Huber(δ) = δ · SmoothL1Loss(beta=δ)",
        "keras": "keras.losses.Huber(delta=δ) (averages over the last axis)",
        "sklearn": "SGDRegressor(loss='huber', epsilon=δ); HuberRegressor(epsilon=...) also "
        "estimates a scale, so its epsilon is in units of that scale",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "delta",
            1.0,
            0.0,
            math.inf,
            low_open=True,
            high_open=True,
            symbol=r"\delta",
            help="residual where the loss turns from quadratic to linear",
            ui_low=0.1,
            ui_high=5.0,
        ),
    ),
    reference="Huber, Robust estimation of a location parameter, Ann. Math. Statist. 35 (1964)",
)
def huber(y: Array, pred: Array, *, delta: float = 1.0) -> tuple[Array, Array]:
    r"""Huber loss: quadratic near 0, linear beyond :math:`\delta`.

    .. math:: L = \begin{cases} e^2/2 & |e| \le \delta \\
              \delta(|e| - \delta/2) & |e| > \delta \end{cases}, \qquad
              \frac{\partial L}{\partial \hat y} = \mathrm{clip}(e, -\delta, \delta)

    Continuously differentiable; equals :math:`\delta \cdot` SmoothL1 with
    :math:`\beta = \delta`.

    References
    ----------
    Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 35 (1964).
    """
    e = pred - y
    a = np.abs(e)
    values = np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))
    return values, np.clip(e, -delta, delta)


@register(
    "smooth_l1",
    "regression",
    title="Smooth L1",
    formula=r"L = \begin{cases} e^2/(2\beta) & |e| < \beta \\ |e| - \beta/2 & "
    r"\text{otherwise} \end{cases}",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{clip}(e/\beta, -1, 1)",
    equivalents={
        "pytorch": "torch.nn.SmoothL1Loss(beta=β, reduction='none') exactly (PyTorch also "
        "allows β = 0, which is L1: use mae)",
        "keras": "none: keras.losses.Huber(delta=β) divided by β",
        "sklearn": "none",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "beta",
            1.0,
            0.0,
            math.inf,
            low_open=True,
            high_open=True,
            symbol=r"\beta",
            help="residual where the loss turns from quadratic to linear (slope 1 beyond)",
            ui_low=0.1,
            ui_high=5.0,
        ),
    ),
    reference="Girshick, Fast R-CNN, ICCV 2015",
)
def smooth_l1(y: Array, pred: Array, *, beta: float = 1.0) -> tuple[Array, Array]:
    r"""Smooth L1: Huber rescaled to slope 1 in the linear part.

    .. math:: L = \begin{cases} e^2/(2\beta) & |e| < \beta \\
              |e| - \beta/2 & |e| \ge \beta \end{cases}, \qquad
              \frac{\partial L}{\partial \hat y} = \mathrm{clip}(e/\beta, -1, 1)

    References
    ----------
    Girshick, "Fast R-CNN", ICCV 2015.
    """
    e = pred - y
    a = np.abs(e)
    values = np.where(a < beta, 0.5 * e * e / beta, a - 0.5 * beta)
    return values, np.clip(e / beta, -1.0, 1.0)


@register(
    "log_cosh",
    "regression",
    title="Log-cosh",
    formula=r"L = \log\cosh(e)",
    grad=r"\frac{\partial L}{\partial \hat y} = \tanh(e)",
    equivalents={
        "pytorch": "none built in: torch.log(torch.cosh(e)) overflows beyond |e| ≈ 710; use "
        "e + softplus(-2e) - log 2",
        "keras": "keras.losses.LogCosh (computes e + softplus(-2e) - log 2, averages over the "
        "last axis)",
        "sklearn": "none",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    reference="Chen, Tan & Lu, Log hyperbolic cosine loss for variational autoencoders (2019); "
    "Barron, CVPR 2019 (a smooth Huber)",
)
def log_cosh(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Log-cosh: about :math:`e^2/2` near 0 and :math:`|e| - \log 2` far out.

    .. math:: L = \log\cosh(\hat y - y), \qquad
              \frac{\partial L}{\partial \hat y} = \tanh(\hat y - y)

    Computed by the stable ``_numerics.log_cosh`` (no ``cosh`` overflow, no cancellation for
    tiny residuals).

    References
    ----------
    Chen, Tan & Lu, "Log hyperbolic cosine loss for variational autoencoders", 2019.
    """
    e = pred - y
    return _log_cosh(e), np.tanh(e)


def _check_msle_targets(y: Array) -> None:
    if np.any(y < 0):
        raise ValueError(
            f"msle: y_true must be >= 0 (it takes log(1 + y)), got minimum {y.min():g}"
        )


@register(
    "msle",
    "regression",
    title="Squared log error",
    formula=r"L = \big(\log(1 + \max(\hat y, 0)) - \log(1 + y)\big)^2,\quad y \ge 0",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{2\,(\log(1+\hat y) - \log(1+y))}"
    r"{1 + \hat y}\ \ (\hat y \ge 0),\quad 0\ \ (\hat y < 0)",
    equivalents={
        "pytorch": "none built in: mse_loss(log1p(pred.clamp(min=0)), log1p(y))",
        "keras": "keras.losses.MeanSquaredLogarithmicError clips both y and the prediction at "
        "1e-7 instead of 0 and averages over the last axis",
        "sklearn": "sklearn.metrics.mean_squared_log_error (the mean; raises for values <= -1 "
        "instead of clipping)",
    },
    properties={
        "convex": False,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": False,
        "calibrated": False,
    },
    reference="Hyndman & Koehler, Another look at measures of forecast accuracy, "
    "Int. J. Forecasting 22 (2006)",
    check_targets=_check_msle_targets,
)
def msle(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Squared error of :math:`\log(1 + \cdot)`: relative errors for non-negative targets.

    .. math:: L = \big(\log(1 + \max(\hat y, 0)) - \log(1 + y)\big)^2, \qquad
              \frac{\partial L}{\partial \hat y} = \frac{2(\log(1+\hat y) - \log(1+y))}
              {1 + \hat y}\,[\hat y \ge 0]

    Needs :math:`y \ge 0`. Predictions below 0 are clipped to 0, where the gradient is 0
    (at :math:`\hat y = 0` the right-hand derivative is used, as PyTorch's ``clamp`` does).
    Not convex (the log flattens large predictions); the kink at 0 makes it non-smooth. For a
    fixed target the gradient is bounded by :math:`2\log(1 + y)`, but that bound grows with
    the target, so a huge target (an outlier) still pulls harder: not robust.

    References
    ----------
    Hyndman & Koehler, "Another look at measures of forecast accuracy", Int. J. Forecasting 22
    (2006).
    """
    clipped = np.maximum(pred, 0.0)
    d = np.log1p(clipped) - np.log1p(y)
    return d * d, np.where(pred >= 0, 2.0 * d / (1.0 + clipped), 0.0)


#: MAPE's floor on |y| (Keras's epsilon): keeps y = 0 finite instead of dividing by 0.
MAPE_EPSILON = 1e-7


@register(
    "mape",
    "regression",
    title="Absolute percentage error",
    formula=r"L = 100\,\frac{|e|}{\max(|y|,\ 10^{-7})}",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{100\,\mathrm{sign}(e)}{\max(|y|,\ 10^{-7})}",
    equivalents={
        "pytorch": "none built in",
        "keras": "keras.losses.MeanAbsolutePercentageError: the same percent and the same "
        "floor 1e-7 on |y|, averaged over the last axis",
        "sklearn": "sklearn.metrics.mean_absolute_percentage_error is a fraction, not a "
        "percent (ours / 100), and floors |y| at machine epsilon 2.2e-16 instead of 1e-7",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    reference="Hyndman & Koehler, Int. J. Forecasting 22 (2006); de Myttenaere et al., Mean "
    "absolute percentage error for regression models, Neurocomputing 192 (2016)",
)
def mape(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Absolute percentage error: an L1 loss weighted by :math:`100 / |y|`.

    .. math:: L = \frac{100\,|\hat y - y|}{\max(|y|, 10^{-7})}, \qquad
              \frac{\partial L}{\partial \hat y} = \frac{100\,\mathrm{sign}(\hat y - y)}
              {\max(|y|, 10^{-7})}

    In percent. :math:`\mathrm{sign}(0) = 0` at the kink. Its gradient is bounded for each
    target but huge (up to :math:`10^9`) for targets near 0, and it charges over-prediction
    of a positive target more than under-prediction (which is capped at 100 %).

    References
    ----------
    de Myttenaere, Golden, Le Grand & Rossi, "Mean absolute percentage error for regression
    models", Neurocomputing 192 (2016).
    """
    e = pred - y
    w = 100.0 / np.maximum(np.abs(y), MAPE_EPSILON)
    return w * np.abs(e), w * np.sign(e)


@register(
    "pinball",
    "regression",
    title="Pinball (quantile)",
    formula=r"L = \max\big(\tau (y - \hat y),\ (\tau - 1)(y - \hat y)\big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \begin{cases} -\tau & \hat y < y \\ "
    r"1 - \tau & \hat y > y \\ 1/2 - \tau & \hat y = y \end{cases}",
    equivalents={
        "pytorch": "none built in",
        "keras": "none built in (TensorFlow Addons had PinballLoss)",
        "sklearn": "sklearn.metrics.mean_pinball_loss(alpha=τ) (the mean); "
        "QuantileRegressor(quantile=τ) and GradientBoostingRegressor(loss='quantile', "
        "alpha=τ) minimise it",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "quantile",
            0.5,
            0.0,
            1.0,
            low_open=True,
            high_open=True,
            symbol=r"\tau",
            help="the quantile the minimiser estimates; 0.5 is half the absolute error",
            ui_low=0.05,
            ui_high=0.95,
        ),
    ),
    reference="Koenker & Bassett, Regression quantiles, Econometrica 46 (1978)",
)
def pinball(y: Array, pred: Array, *, quantile: float = 0.5) -> tuple[Array, Array]:
    r"""Pinball (check) loss; its minimiser is the :math:`\tau`-quantile.

    .. math:: L = \max(\tau r, (\tau - 1) r), \quad r = y - \hat y, \qquad
              \frac{\partial L}{\partial \hat y} = \tfrac12 - \tau
              - \tfrac12\,\mathrm{sign}(r)

    Written as :math:`|r|/2 + (\tau - 1/2) r`, the subgradient uses
    :math:`\mathrm{sign}(0) = 0`, i.e. :math:`1/2 - \tau` at the kink (0 for the median).

    References
    ----------
    Koenker & Bassett, "Regression quantiles", Econometrica 46 (1978).
    """
    r = y - pred
    return np.maximum(quantile * r, (quantile - 1.0) * r), 0.5 - quantile - 0.5 * np.sign(r)


@register(
    "epsilon_insensitive",
    "regression",
    title="ε-insensitive",
    formula=r"L = \max(0,\ |e| - \epsilon)",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{sign}(e)\,[|e| > \epsilon]",
    equivalents={
        "pytorch": "none built in",
        "keras": "none built in",
        "sklearn": "SGDRegressor(loss='epsilon_insensitive', epsilon=ε), "
        "LinearSVR(loss='epsilon_insensitive', epsilon=ε), SVR(epsilon=ε)",
    },
    properties={
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "epsilon",
            0.1,
            0.0,
            math.inf,
            high_open=True,
            symbol=r"\epsilon",
            help="half-width of the tube of residuals that cost nothing; 0 is MAE",
            ui_low=0.0,
            ui_high=2.0,
        ),
    ),
    reference="Vapnik, The Nature of Statistical Learning Theory (1995); Smola & Schölkopf, "
    "A tutorial on support vector regression, Statistics and Computing 14 (2004)",
)
def epsilon_insensitive(y: Array, pred: Array, *, epsilon: float = 0.1) -> tuple[Array, Array]:
    r"""Vapnik's :math:`\epsilon`-insensitive loss (support vector regression).

    .. math:: L = \max(0, |e| - \epsilon), \qquad
              \frac{\partial L}{\partial \hat y} = \mathrm{sign}(e)\,[|e| > \epsilon]

    Subgradient 0 at the kinks :math:`|e| = \epsilon` (and :math:`\mathrm{sign}(0) = 0`).

    References
    ----------
    Smola & Schölkopf, "A tutorial on support vector regression", Statistics and Computing 14
    (2004).
    """
    e = pred - y
    excess = np.abs(e) - epsilon
    return np.maximum(excess, 0.0), np.where(excess > 0, np.sign(e), 0.0)


@register(
    "cauchy",
    "regression",
    title="Cauchy (Lorentzian)",
    formula=r"L = \log\Big(1 + \tfrac12 (e/c)^2\Big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{e}{c^2 + e^2/2}",
    equivalents={
        "pytorch": "none built in (Barron's robust_loss_pytorch with alpha = 0)",
        "keras": "none built in",
        "sklearn": "none; scipy.optimize.least_squares(loss='cauchy', f_scale=√2·c) minimises "
        "2c² times ours",
    },
    properties={
        "convex": False,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(_SCALE,),
    reference="Barron, A general and adaptive robust loss function, CVPR 2019 (alpha = 0); "
    "Black & Anandan, CVIU 63 (1996)",
)
def cauchy(y: Array, pred: Array, *, scale: float = 1.0) -> tuple[Array, Array]:
    r"""Cauchy (Lorentzian) loss, Barron's :math:`\alpha = 0`.

    .. math:: L = \log\Big(1 + \frac{(e/c)^2}{2}\Big), \qquad
              \frac{\partial L}{\partial \hat y} = \frac{e}{c^2 + e^2/2}

    Grows only logarithmically; the gradient peaks at :math:`|e| = \sqrt2 c` and then
    redescends, so far outliers barely pull. Not convex beyond :math:`|e| = \sqrt2 c`.

    References
    ----------
    Barron, "A general and adaptive robust loss function", CVPR 2019.
    """
    x = (pred - y) / scale
    return np.log1p(0.5 * x * x), (x / scale) / (1.0 + 0.5 * x * x)


@register(
    "barron",
    "regression",
    title="Barron's general robust loss",
    formula=r"L = \frac{|\alpha-2|}{\alpha}\Big(\Big(\frac{(e/c)^2}{|\alpha-2|} + 1\Big)"
    r"^{\alpha/2} - 1\Big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{e}{c^2}\Big(\frac{(e/c)^2}{|\alpha-2|} "
    r"+ 1\Big)^{\alpha/2 - 1}",
    equivalents={
        "pytorch": "none built in (Barron's robust_loss_pytorch.general.lossfun, same "
        "formula and limits)",
        "keras": "none built in",
        "sklearn": "none",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    },
    hyperparameters=(
        Hyperparameter(
            "alpha",
            1.0,
            -math.inf,
            10.0,
            symbol=r"\alpha",
            help="shape: 2 = L2, 1 = pseudo-Huber, 0 = Cauchy, -2 = Geman-McClure, -inf = Welsch",
            ui_low=-10.0,
            ui_high=2.0,
        ),
        _SCALE,
    ),
    reference="Barron, A general and adaptive robust loss function, CVPR 2019",
)
def barron(y: Array, pred: Array, *, alpha: float = 1.0, scale: float = 1.0) -> tuple[Array, Array]:
    r"""Barron's general robust loss; one shape parameter spans L2 to Welsch.

    .. math:: L = \frac{|\alpha-2|}{\alpha}\Big(\Big(\frac{x^2}{|\alpha-2|} + 1\Big)^{\alpha/2}
              - 1\Big), \quad x = e/c, \qquad
              \frac{\partial L}{\partial \hat y} = \frac{x}{c}\Big(\frac{x^2}{|\alpha-2|}
              + 1\Big)^{\alpha/2 - 1}

    with the limits taken exactly: :math:`\alpha = 2`: :math:`x^2/2`; :math:`\alpha = 0`:
    :math:`\log(1 + x^2/2)` (Cauchy); :math:`\alpha = -\infty`: :math:`1 - e^{-x^2/2}`
    (Welsch). :math:`\alpha = 1` is pseudo-Huber / Charbonnier :math:`\sqrt{x^2+1} - 1`,
    :math:`\alpha = -2` Geman–McClure. Convex for :math:`\alpha \ge 1`, bounded gradient for
    :math:`\alpha \le 1`, redescending (robust) for :math:`\alpha < 1`; the flags describe the
    default :math:`\alpha = 1`. Evaluated as ``expm1``/``log1p`` so every :math:`\alpha` near a
    limit stays accurate; :math:`\alpha \le 10` keeps residuals of :math:`10^6` finite.

    References
    ----------
    Barron, "A general and adaptive robust loss function", CVPR 2019.
    """
    x = (pred - y) / scale
    x2 = x * x
    if alpha == 2.0:
        return 0.5 * x2, x / scale
    if alpha == 0.0:
        return np.log1p(0.5 * x2), (x / scale) / (1.0 + 0.5 * x2)
    if alpha == -math.inf:
        bump = np.exp(-0.5 * x2)
        return -np.expm1(-0.5 * x2), (x / scale) * bump
    b = abs(alpha - 2.0)
    log_base = np.log1p(x2 / b)  # log(x^2/|alpha-2| + 1)
    values = (b / alpha) * np.expm1(0.5 * alpha * log_base)
    return values, (x / scale) * np.exp((0.5 * alpha - 1.0) * log_base)


@register(
    "cosine",
    "regression",
    title="Negative cosine similarity",
    formula=r"L = -\frac{y \cdot \hat y}{\|y\|\,\|\hat y\|}",
    grad=r"\frac{\partial L}{\partial \hat y} = -\frac{1}{\|\hat y\|}\Big(\frac{y}{\|y\|} - "
    r"\cos(y, \hat y)\,\frac{\hat y}{\|\hat y\|}\Big)",
    equivalents={
        "pytorch": "torch.nn.functional.cosine_similarity(pred, y, dim=1) returns +cos (each "
        "norm clamped at eps=1e-8); CosineEmbeddingLoss uses 1 - cos",
        "keras": "keras.losses.CosineSimilarity(axis=-1) has our sign (-cos); it l2-normalises "
        "with x / sqrt(max(sum x², 1e-12)), so a zero vector gives 0 like ours, but its "
        "gradient there is huge (the epsilon), ours 0",
        "sklearn": "sklearn.metrics.pairwise.cosine_similarity gives +cos for all pairs; ours "
        "is minus its diagonal",
    },
    properties={
        "convex": False,
        "differentiable": False,
        "bounded_gradient": False,
        "robust": True,
        "calibrated": False,
    },
    reference="Salton & McGill, Introduction to Modern Information Retrieval (1983); "
    "Keras CosineSimilarity",
    elementwise=False,
)
def cosine(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Negative cosine similarity between each target vector and prediction vector (Keras's sign).

    .. math:: L = -\cos(y, \hat y) = -\frac{y \cdot \hat y}{\|y\|\,\|\hat y\|}, \qquad
              \frac{\partial L}{\partial \hat y} = -\frac{1}{\|\hat y\|}
              \Big(\frac{y}{\|y\|} - \cos(y, \hat y)\,\frac{\hat y}{\|\hat y\|}\Big)

    Rows ``(n, d)``; values in :math:`[-1, 1]`, :math:`-1` when :math:`\hat y` points along
    :math:`y`. Scale-invariant, so the gradient is orthogonal to :math:`\hat y` and grows as
    :math:`1/\|\hat y\|`. Where :math:`\hat y = 0` or :math:`y = 0` the cosine is undefined; we
    define value 0 and gradient 0 there (no direction is preferred, like
    :math:`\mathrm{sign}(0) = 0`). Keras instead divides by :math:`\sqrt{\max(\|x\|^2, 10^{-12})}`,
    which also gives value 0 but a gradient of size :math:`\|y\|/10^{-6}`-ish at 0. Rounding can
    push :math:`|\cos|` past 1 by an ulp; values are clipped to :math:`[-1, 1]`. Robust in the
    sense of ``PROPERTIES``: the value is bounded and the pull does not depend on
    :math:`\|y\|`, so a target of any size pulls no harder than a typical one.

    References
    ----------
    Salton & McGill, *Introduction to Modern Information Retrieval* (1983).
    """
    norm_y = np.sqrt(np.sum(y * y, axis=1, keepdims=True))
    norm_p = np.sqrt(np.sum(pred * pred, axis=1, keepdims=True))
    ok = (norm_y > 0) & (norm_p > 0)
    u = np.divide(y, norm_y, out=np.zeros_like(y), where=ok)  # unit target (0 where undefined)
    v = np.divide(pred, norm_p, out=np.zeros_like(pred), where=ok)
    cos = np.clip(np.sum(u * v, axis=1, keepdims=True), -1.0, 1.0)
    grad = np.divide(-(u - cos * v), norm_p, out=np.zeros_like(pred), where=ok)
    return -cos[:, 0], grad


__all__ = [
    "MAPE_EPSILON",
    "PROPERTIES",
    "TASKS",
    "Hyperparameter",
    "Loss",
    "absolute_error",
    "absolute_error_of_probabilities",
    "all_losses",
    "barron",
    "cauchy",
    "check_classification",
    "check_regression",
    "cosine",
    "cross_entropy",
    "epsilon_insensitive",
    "focal",
    "gce",
    "get",
    "hinge",
    "huber",
    "kl_div",
    "log_cosh",
    "mape",
    "msle",
    "multi_margin",
    "names",
    "pinball",
    "register",
    "smooth_l1",
    "square_logits",
    "squared_error",
    "squared_error_of_probabilities",
    "squared_hinge",
]
