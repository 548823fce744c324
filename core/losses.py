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
checked entry point. Training code may call ``Loss.fn`` directly after checking once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._numerics import log_softmax, one_hot

Task = Literal["classification", "regression"]
TASKS: tuple[str, ...] = ("classification", "regression")

#: The property flags every loss declares, in display order, with their meaning.
PROPERTIES: dict[str, str] = {
    "convex": "convex in the raw output (logits or prediction)",
    "differentiable": "differentiable everywhere (no kink)",
    "bounded_gradient": "gradient w.r.t. the raw output is bounded",
    "robust": "robust to outliers (regression) or label noise (classification)",
    "calibrated": "minimiser gives calibrated probabilities (a proper scoring rule)",
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

    def __call__(self, y_true: ArrayLike, raw_prediction: ArrayLike, **params: Any):
        """Checked per-sample values and gradient w.r.t. ``raw_prediction``."""
        hyper = self.resolve(params)
        if self.task == "classification":
            y, z = check_classification(y_true, raw_prediction, soft=self.soft_targets)
            return self.fn(y, z, **hyper)
        y, pred = check_regression(y_true, raw_prediction, elementwise=self.elementwise)
        if self.check_targets is not None:
            self.check_targets(y)
        values, grad = self.fn(y, pred, **hyper)
        if y.ndim == 2 and self.elementwise:
            return values.mean(axis=1), grad / y.shape[1]
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
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{arg} must be numeric, got dtype {a.dtype}")
    a = a.astype(np.float64, copy=False) if a.dtype.kind != "f" else a
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{arg} must be finite (no NaN or inf)")
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
        if np.any(q < 0) or not np.allclose(q.sum(axis=1), 1.0, atol=1e-6):
            raise ValueError("y_true as a distribution must be non-negative rows summing to 1")
        return q, z
    if y.ndim != 1 or y.shape[0] != n:
        shape = f"({n},) or ({n}, {k})" if soft else f"({n},)"
        raise ValueError(f"y_true must be integer labels of shape {shape}, got {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("y_true must be integer class labels, got non-integer values")
    elif y.dtype.kind not in "iub":
        raise ValueError(f"y_true must be integer class labels, got dtype {y.dtype}")
    if n and (y.min() < 0 or y.max() > k - 1):
        raise ValueError(f"y_true labels must be in 0..{k - 1} (K = {k}), got {y.min()}..{y.max()}")
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


def _targets(y: NDArray, k: int, label_smoothing: float = 0.0) -> Array:
    r"""Target distribution :math:`q = (1-\varepsilon) Y + \varepsilon / K` from labels or rows."""
    q = y if y.ndim == 2 else one_hot(y, k)
    return (1.0 - label_smoothing) * q + label_smoothing / k if label_smoothing else q


@register(
    "cross_entropy",
    "classification",
    title="Cross-entropy (softmax)",
    formula=r"L = -\sum_k q_k \log p_k,\quad q = (1-\varepsilon)\,Y + \varepsilon/K",
    grad=r"\frac{\partial L}{\partial z_k} = p_k - q_k",
    equivalents={
        "pytorch": "torch.nn.CrossEntropyLoss(label_smoothing=ε) on logits, reduction='none'",
        "keras": "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) on "
        "one-hot targets (SparseCategoricalCrossentropy for integer labels has no label "
        "smoothing); Keras's default from_logits=False expects probabilities and clips them",
        "sklearn": "sklearn.metrics.log_loss (takes probabilities, returns the mean); "
        "LogisticRegression minimises it",
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
    r"""Softmax cross-entropy.

    .. math:: L = -\sum_k q_k \log p_k, \qquad
              \frac{\partial L}{\partial z_k} = p_k - q_k

    with :math:`p = \mathrm{softmax}(z)` and :math:`q = (1-\varepsilon)Y + \varepsilon/K`
    (or the given target distribution). Stable through ``log_softmax``.
    """
    q = _targets(y, z.shape[1], label_smoothing)
    log_p = log_softmax(z)
    return -np.sum(q * log_p, axis=1), np.exp(log_p) - q


# --------------------------------------------------------------------------- regression


@register(
    "mse",
    "regression",
    title="Mean squared error (L2)",
    formula=r"L = e^2,\quad e = \hat y - y",
    grad=r"\frac{\partial L}{\partial \hat y} = 2e",
    equivalents={
        "pytorch": "torch.nn.MSELoss(reduction='none')",
        "keras": "keras.losses.MeanSquaredError (averages over the last axis)",
        "sklearn": "sklearn.metrics.mean_squared_error (the mean over samples)",
    },
    properties={
        "convex": True,
        "differentiable": True,
        "bounded_gradient": False,
        "robust": False,
        "calibrated": False,
    },
    reference="Gauss (1809); the conditional-mean estimator",
)
def squared_error(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Squared error.

    .. math:: L = (\hat y - y)^2, \qquad \frac{\partial L}{\partial \hat y} = 2(\hat y - y)
    """
    e = pred - y
    return e * e, 2.0 * e


__all__ = [
    "PROPERTIES",
    "TASKS",
    "Hyperparameter",
    "Loss",
    "all_losses",
    "check_classification",
    "check_regression",
    "cross_entropy",
    "get",
    "names",
    "register",
    "squared_error",
]
