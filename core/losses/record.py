r"""A loss's card: the :class:`Loss` record, its :class:`Hyperparameter` and hand-value
:class:`Example` records, and the vocabularies they use (:data:`PROPERTIES`, :data:`OUTPUTS`).

The records know nothing of the registry (:mod:`core.losses.registry` keeps the cards and looks
them up), so code that builds a card of its own — a formula typed by a student,
:mod:`core.formula` — depends on the card alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._numerics import softmax
from core.losses.checks import check_classification, check_regression

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
    "whatever its target) or to label noise (classification: symmetric, i.e. the loss summed "
    "over every possible label is the same for all logits, which makes its minimiser tolerant "
    "to uniform label noise: Ghosh, Kumar & Sastry 2017)",
    "calibrated": "classification: the minimiser of the expected loss is the true class "
    "probability, read as the loss reads its output (the softmax, or the raw outputs for "
    "output 'raw'): a strictly proper scoring rule",
}

#: What a loss reads its model's raw output as (the card's ``output``).
OUTPUTS: dict[str, str] = {
    "softmax": "classification: the loss reads the softmax of the logits, so the model's class "
    "probabilities are the softmax (its decision surface shows a probability)",
    "raw": "classification: the loss reads the raw outputs themselves; they estimate the class "
    "probabilities directly (its decision surface shows the score)",
    "margin": "classification: the loss reads margins between logits and is 0 once the true "
    "class wins by the margin; scores, no probabilities (its decision surface shows the score)",
    "prediction": "regression: the raw output is the prediction",
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


@dataclass(frozen=True)
class Example:
    """A hand-computed value of a loss at one input, with where the number comes from.

    ``y`` and ``raw`` are one sample's target and raw output (a label and a logit row, or a
    target and a prediction); ``grad`` is the gradient w.r.t. ``raw`` when it was computed too.
    """

    y: Any
    raw: Any
    value: float
    source: str
    params: Mapping[str, float] = field(default_factory=dict)
    grad: Any = None


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


@dataclass(frozen=True)
class Loss:
    """A registered loss, its card: the function plus every fact about it (see the module
    docstring).

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
    #: the label in figures and sentences (e.g. ``CE``); the title contains it
    short: str = ""
    #: the loss's colour on every page (``#rrggbb``), distinct within its task
    color: str = ""
    #: what the loss reads its raw output as, a key of :data:`OUTPUTS`
    output: str = "prediction"
    #: PyTorch per-sample loss: a function body of ``z``, ``y``, ``Y`` and the hyperparameters
    #: (:func:`torch_source`); ``None`` when there is no PyTorch counterpart
    torch: str | None = field(default=None, repr=False)
    #: hyperparameter settings every parametrised test runs (defaults first)
    grid: tuple[Mapping[str, float], ...] = ({},)
    #: hand-computed values with their source
    examples: tuple[Example, ...] = field(default=(), repr=False)
    #: regression: its values are percentages of |y| (MAPE), not in the target's units
    percent: bool = False

    @property
    def surface(self) -> str:
        """What its decision surface shows: ``"probability"`` (the loss reads the softmax),
        ``"score"`` (raw outputs or margins) or ``"prediction"`` (regression)."""
        if self.task == "regression":
            return "prediction"
        return "probability" if self.output == "softmax" else "score"

    @property
    def is_margin(self) -> bool:
        """A margin loss: 0 once the true class wins by the margin (hinge and its relatives)."""
        return self.output == "margin"

    def probabilities(self, raw: ArrayLike) -> Array:
        r"""The class probabilities a model trained with this loss estimates, read from its raw
        outputs ``(n, K)`` as the loss reads them.

        ``"softmax"``: :math:`\mathrm{softmax}(z)`. ``"raw"``: the raw outputs themselves
        (their expected-loss minimiser is :math:`z_k = P(k \mid x)`), clipped to
        :math:`[0, 1]` and renormalised so each row is a distribution (a uniform row where
        every entry clips to 0). Raises ``ValueError`` for a margin or regression loss, whose
        outputs estimate no probability.
        """
        if self.output not in ("softmax", "raw"):
            raise ValueError(
                f"{self.name}: output {self.output!r} estimates no class probabilities; "
                "only losses with output 'softmax' or 'raw' do"
            )
        z = np.asarray(raw, dtype=float)
        if self.output == "softmax":
            return softmax(z, axis=-1)
        clipped = np.clip(z, 0.0, 1.0)
        total = clipped.sum(axis=-1, keepdims=True)
        uniform = np.full_like(clipped, 1.0 / clipped.shape[-1])
        return np.divide(clipped, total, out=uniform, where=total > 0)

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
