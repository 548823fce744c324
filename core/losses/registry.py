r"""The loss registry: the :class:`Loss` record, :func:`register`, :func:`get` and :func:`names`.

A loss is a small pure function ``f(y_true, raw, *, hyper...) -> (values, grad)`` in
:mod:`core.losses.classification` or :mod:`core.losses.regression`, named by its registered
name and registered right below its definition with its metadata. The formula, the gradient
and the reference are written once, in that ``register`` call: the function's docstring (what
``help`` shows) gets them appended from there, and the reference page reads them from the
registry.

The package :mod:`core.losses` re-exports the public names (its ``__all__`` is the one list).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core.losses.checks import check_classification, check_regression
from core.losses.equivalents import EQUIVALENTS

Task = Literal["classification", "regression"]
TASKS: tuple[str, ...] = ("classification", "regression")
#: A loss name starting with this is a formula typed by a student (:mod:`core.formula`):
#: :func:`get` builds its :class:`Loss` on demand from the rest of the name, its key.
FORMULA_PREFIX = "formula:"

#: The property flags every loss declares, in display order, with their meaning.
#: Flags hold for the default hyperparameters; the loss's docstring says where others differ.
#: ``tests/core/losses/test_properties.py`` checks each flag against the loss's behaviour.
PROPERTIES: dict[str, str] = {
    "convex": "convex in the raw output (logits or prediction)",
    "differentiable": "differentiable everywhere (no kink)",
    "bounded_gradient": "gradient w.r.t. the raw output stays bounded over every target and "
    "every raw output (logits or prediction)",
    "robust": "robust to outliers (regression: an outlier's pull on the prediction is bounded "
    "whatever its target) or to label noise (classification: a bounded, noise-tolerant loss, "
    "Ghosh et al. 2017)",
    "calibrated": "classification: the minimiser of the expected loss is the true class "
    "probability, so softmax outputs are calibrated (a strictly proper scoring rule)",
}

Array = NDArray[np.floating]
LossFn = Callable[..., tuple[Array, Array]]
#: Hyperparameters chosen per loss, hashable (so views can cache on it):
#: ``((loss, ((name, value), ...)), ...)``; a loss that is absent takes its defaults.
LossParams = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]


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


def hyperparameter(
    name: str, default: float, interval: str, symbol: str, ui: tuple[float, float], help: str
) -> Hyperparameter:
    """A :class:`Hyperparameter` from its allowed ``interval`` in the usual notation (e.g.
    ``"(0, inf)"``, ``"[0, 1)"``) and its slider range ``ui``."""
    low, high = (float(v) for v in interval[1:-1].split(","))
    return Hyperparameter(
        name,
        default,
        low,
        high,
        low_open=interval[0] == "(",
        high_open=interval[-1] == ")",
        symbol=symbol,
        help=help,
        ui_low=ui[0],
        ui_high=ui[1],
    )


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
    fn: LossFn,
    task: Task,
    *,
    title: str,
    formula: str,
    grad: str,
    properties: tuple[str, ...],
    reference: str,
    hyperparameters: tuple[Hyperparameter, ...] = (),
    soft_targets: bool = False,
    elementwise: bool = True,
    check_targets: Callable[[Array], None] | None = None,
) -> Loss:
    """Register ``fn`` under ``(task, fn.__name__)`` and return its :class:`Loss`.

    ``properties`` names the flags of :data:`PROPERTIES` that hold (the others do not).
    ``formula`` and ``grad`` (LaTeX) and ``reference`` are the one place each is written:
    they are appended to ``fn``'s docstring here, and the pages read them from the registry.
    The framework equivalents come from :data:`core.losses.equivalents.EQUIVALENTS`.
    """
    name = fn.__name__
    unknown = set(properties) - set(PROPERTIES)
    if unknown:
        raise ValueError(f"{name}: unknown properties {sorted(unknown)}; known: {list(PROPERTIES)}")
    fn.__doc__ = (
        f"{inspect.cleandoc(fn.__doc__ or '')}\n\n"
        f"Notes\n-----\n.. math:: {formula}\n\n.. math:: {grad}\n\n"
        f"References\n----------\n{reference}\n"
    )
    loss = Loss(
        name=name,
        task=task,
        title=title,
        fn=fn,
        formula_latex=formula,
        grad_latex=grad,
        equivalents=dict(EQUIVALENTS[(task, name)]),
        properties={k: k in properties for k in PROPERTIES},
        hyperparameters=hyperparameters,
        reference=reference,
        soft_targets=soft_targets,
        elementwise=elementwise,
        check_targets=check_targets,
    )
    _REGISTRY[(task, name)] = loss
    return loss


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
    Raises ``ValueError`` listing the valid names for an unknown name. A name starting with
    :data:`FORMULA_PREFIX` is a formula, checked and derived at each call (not cached).
    """
    if isinstance(name, str) and name.startswith(FORMULA_PREFIX):
        return _formula_loss(name, task if task is None else _check_task(task))
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


def _formula_loss(name: str, task: str | None) -> Loss:
    """The :class:`Loss` of a formula's name (:data:`FORMULA_PREFIX` + key,
    :mod:`core.formula`), checked and derived in this thread (the app checks a formula under
    the time limit before it names it). Titled ``core.formula.TITLE``; its hyperparameters are
    the declared parameters over their declared ranges; its property flags come from the
    numerics on the grid, computed when first read."""
    from core import formula  # SymPy loads only for a formula

    f = formula.from_key(formula.check_name(name), task, time_limit=None)
    hyper = tuple(
        Hyperparameter(
            p.name,
            p.default,
            p.low,
            p.high,
            symbol=p.name,
            help="a parameter declared with the formula",
            ui_low=p.low,
            ui_high=p.high,
        )
        for p in f.params
    )
    return Loss(
        name=f.name,
        task=f.task,
        title=formula.TITLE,
        fn=f.fn,
        formula_latex=f.latex,
        grad_latex=f.grad_latex,
        equivalents={},
        properties=formula.PropertyFlags(f),
        hyperparameters=hyper,
    )


def all_losses() -> list[Loss]:
    """Every registered loss, classification first, in registry order."""
    return [_REGISTRY[(t, n)] for t in TASKS for n in names(t)]
