r"""Seed evidence: whether a comparison of trained losses is a lesson or one run's luck.

A figure of one training run is an anecdote. A comparative claim about trained models ("CE
beats MSE", "MSE reaches the target later", "MAE holds up best under label noise") is a
lesson only if it holds from most starting points: here in at least :data:`LESSON_SHARE` of
the seeds (8 of :data:`K` = 10).

The pieces, all plain data:

- :class:`Outcome`: one seed's numbers, ``values[metric][loss]``, with the test split's
  majority-class baseline and size. The outcome builders (:func:`classification_outcome`,
  :func:`reach_outcome`, :func:`score_outcome`, :func:`sweep_outcome`) read them off trained
  runs.
- :data:`METRICS`: for each metric, which way is better, how a sentence prints it and which
  rule calls two values equal (:func:`tied`).
- Claims (:class:`Ahead`, :class:`NotBehind`, :class:`Top`, :class:`Bottom`, :class:`Level`,
  :class:`Spread`): each gives one seed's *margin* (oriented so that positive means the claim
  holds by that much) and whether the claim holds in that seed.
- :func:`check` decides a claim over seeds: a :class:`Verdict` with the seeds it held in, the
  means, the representative seed (the median margin) and whether the difference lies inside
  the measured rounding noise.

The rules every verdict keeps:

- **Ties are never ahead.** Two values a sentence would print the same (an accuracy to 0.1%)
  are tied; epochs whose ratio would print as ``1.0×`` are tied.
- **The baseline is never best.** An accuracy at or below the majority-class rate (as
  printed) has learned the class balance, not the task: it is never ahead and never on top.
- **Rounding noise is named, not ranked.** :func:`rounding_noise` measures how far a metric
  moves when the same seed is trained in the other floating-point precision; a comparison
  whose median margin is inside that spread is :attr:`Verdict.within_noise`.
- **A lesson holds in at least 8 of 10 seeds** (:func:`lesson_threshold`), is decided over at
  least two seeds, and is not within rounding noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike

from core import boundaries, compare, robustness, train
from core.datasets import Dataset

__all__ = [
    "LESSON_SHARE",
    "METRICS",
    "RATIO_TIE",
    "Ahead",
    "All",
    "Between",
    "Bottom",
    "Claim",
    "K",
    "Level",
    "Metric",
    "NotBehind",
    "Outcome",
    "Spread",
    "Top",
    "Verdict",
    "at_baseline",
    "check",
    "classification_outcome",
    "lesson_threshold",
    "majority_baseline",
    "majority_class",
    "printed",
    "reach_outcome",
    "reach_values",
    "rounding_noise",
    "same_printed",
    "same_ratio",
    "score_outcome",
    "sweep_outcome",
    "tied",
]

#: Seeds behind every lesson the app states.
K = 10
#: The share of seeds a claim must hold in to be stated as a lesson.
LESSON_SHARE = 0.8
#: Two positive numbers whose ratio is below ``1 + RATIO_TIE`` print as ``1.0×``: a tie.
RATIO_TIE = 0.05


# --------------------------------------------------------------------------- equality rules


def printed(x: float, fmt: str) -> str:
    """``format(x, fmt)`` as a sentence shows it: no negative zero, non-finite values in words
    (``"never"`` for :math:`+\\infty`, ``"not a number"`` for NaN)."""
    x = float(x)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "never" if x > 0 else "minus infinity"
    text = format(x + 0.0, fmt)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]
    return text


def same_printed(a: float, b: float, fmt: str) -> bool:
    """Equal as printed: ``a`` and ``b`` print the same with ``fmt`` (the tolerance a reader
    sees; e.g. accuracies to 0.1%)."""
    return printed(a, fmt) == printed(b, fmt)


def same_ratio(a: float, b: float, tol: float = RATIO_TIE) -> bool:
    r"""Equal as a ratio: positive ``a`` and ``b`` with :math:`\max/\min < 1 + \text{tol}`
    (their ratio would print as ``1.0×``); two equal values of any sign are equal too."""
    a, b = float(a), float(b)
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0 or b <= 0:
        return False
    return max(a, b) / min(a, b) < 1 + tol


@dataclass(frozen=True)
class Metric:
    """A number compared across losses: its label, which way is better, how a sentence prints
    it, and the rule that calls two values equal (``"printed"``: :func:`same_printed` with
    ``fmt``; ``"ratio"``: :func:`same_ratio`). ``accuracy``: the majority-class baseline
    applies (at or below it is never best)."""

    name: str
    label: str
    higher: bool
    fmt: str
    tie: str = "printed"
    accuracy: bool = False


#: Every metric an outcome may hold.
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("test_accuracy", "test accuracy", True, ".1%", accuracy=True),
        Metric("train_accuracy", "training accuracy", True, ".1%"),
        Metric("reach_epoch", "epoch the target is reached", False, ".0f", tie="ratio"),
        Metric("final_accuracy", "final test accuracy", True, ".1%", accuracy=True),
        Metric("ece", "calibration error (ECE)", False, ".3f"),
        Metric("idle", "share of training points with zero gradient", True, ".0%"),
        Metric("misclassified_share", "gradient share of misclassified points", True, ".0%"),
        Metric("flipped_share", "gradient share of flipped points", True, ".0%"),
        Metric("rmse", "clean-test RMSE", False, ".3f"),
        Metric("slope_error", "distance of the fitted slope from the clean one", False, ".2f"),
        Metric("drop", "accuracy lost to flipped labels", False, ".1%"),
        Metric("growth", "RMSE growth under outliers (×)", False, ".2f"),
        Metric("diverged", "diverged", False, ".0f"),
    )
}


def tied(metric: str, a: float, b: float) -> bool:
    """Whether ``a`` and ``b`` are equal by ``metric``'s rule (:class:`Metric`)."""
    m = METRICS[metric]
    if m.tie == "ratio":
        return same_ratio(a, b)
    return same_printed(a, b, m.fmt)


def _score(metric: str, v: float) -> float:
    """``v`` oriented so that larger is better; a missing value (NaN: diverged, undefined) is
    the worst possible."""
    v = float(v)
    if math.isnan(v):
        return -math.inf
    return v if METRICS[metric].higher else -v


def _diff(a: float, b: float) -> float:
    """``a - b`` of two oriented scores, 0 for two equal infinities (never NaN)."""
    if a == b:
        return 0.0
    return a - b


# --------------------------------------------------------------------------- baselines


def majority_class(y_train: ArrayLike, n_classes: int) -> int:
    """The training split's most frequent class (the first of several equally frequent)."""
    y_tr = np.asarray(y_train, dtype=np.intp)
    if len(y_tr) == 0:
        raise ValueError("y_train must be non-empty")
    return int(np.argmax(np.bincount(y_tr, minlength=int(n_classes))))


def majority_baseline(y_train: ArrayLike, y_test: ArrayLike, n_classes: int) -> float:
    """The test accuracy of always predicting :func:`majority_class`: what a model learns from
    the class balance alone."""
    y_te = np.asarray(y_test, dtype=np.intp)
    if len(y_te) == 0:
        raise ValueError("y_test must be non-empty")
    return float(np.mean(y_te == majority_class(y_train, n_classes)))


def at_baseline(value: float, baseline: float, fmt: str = ".1%") -> bool:
    """Whether an accuracy is at or below the baseline as printed (NaN counts as at it)."""
    v, b = float(value), float(baseline)
    if math.isnan(b):
        return False
    return math.isnan(v) or v < b or same_printed(v, b, fmt)


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """One seed's numbers: ``values[metric][loss]`` (NaN: undefined, e.g. a diverged run;
    ``inf`` epochs: never reached), the majority-class ``baseline`` accuracy of the test split
    (NaN for regression) and the number of test points ``n_test``."""

    seed: int
    values: Mapping[str, Mapping[str, float]]
    baseline: float = math.nan
    n_test: int = 0

    def value(self, metric: str, loss: str) -> float:
        return float(self.values[metric][loss])

    def losses(self, metric: str) -> tuple[str, ...]:
        return tuple(self.values[metric])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``None`` for NaN, the string ``"inf"`` for never; values to ten
        significant digits, far below any difference a sentence prints)."""

        def enc(v: float) -> Any:
            v = float(v)
            if math.isnan(v):
                return None
            if math.isinf(v):
                return "inf" if v > 0 else "-inf"
            return float(f"{v:.10g}")

        return {
            "seed": int(self.seed),
            "baseline": enc(self.baseline),
            "n_test": int(self.n_test),
            "values": {m: {n: enc(v) for n, v in d.items()} for m, d in self.values.items()},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Outcome:
        """The inverse of :meth:`to_dict`."""

        def dec(v: Any) -> float:
            return math.nan if v is None else float(v)

        return cls(
            seed=int(d["seed"]),
            values={m: {n: dec(v) for n, v in x.items()} for m, x in d["values"].items()},
            baseline=dec(d.get("baseline")),
            n_test=int(d.get("n_test", 0)),
        )


def _model_at(result: train.FitResult, epoch: int) -> Any:
    """The model after ``epoch`` (a snapshot, or the final model); ``None`` if the run had
    diverged by then."""
    if result.diverged_epoch is not None and epoch >= result.diverged_epoch:
        return None
    if epoch in result.snapshots:
        return result.snapshots[epoch]
    if epoch == result.epochs_run:
        return result.model
    raise ValueError(f"no model kept at epoch {epoch}: add it to the config's snapshot_epochs")


def classification_outcome(
    seed: int,
    ds: Dataset,
    results: Mapping[str, train.FitResult],
    epoch: int,
) -> Outcome:
    """A classification comparison at ``epoch``: test and training accuracy of each loss's
    model (:func:`core.boundaries.correct`, as the boundary panels count them), who carries
    the gradient (:func:`core.boundaries.drivers`: zero-gradient share, gradient share of the
    misclassified and of the flipped points) and divergence (a run diverged by ``epoch`` has
    NaN metrics and ``diverged = 1``)."""
    keys = ("test_accuracy", "train_accuracy", "idle", "misclassified_share", "flipped_share")
    values: dict[str, dict[str, float]] = {k: {} for k in (*keys, "diverged")}
    for name, r in results.items():
        model = _model_at(r, epoch)
        values["diverged"][name] = float(model is None)
        if model is None:
            for k in keys:
                values[k][name] = math.nan
            continue
        z_test = model.decision_function(ds.X_test)
        z_train = model.decision_function(ds.X_train)
        ok = boundaries.correct(z_train, ds.y_train)
        g = boundaries.gradient_magnitude(name, model, ds.X_train, ds.y_train, r.config.loss_params)
        d = boundaries.drivers(np.nan_to_num(g, nan=0.0), ok, ds.corrupted)
        values["test_accuracy"][name] = float(np.mean(boundaries.correct(z_test, ds.y_test)))
        values["train_accuracy"][name] = float(np.mean(ok))
        values["idle"][name] = d.idle_fraction
        values["misclassified_share"][name] = d.misclassified_share
        values["flipped_share"][name] = d.flagged_share
    return Outcome(
        seed=int(seed),
        values=values,
        baseline=majority_baseline(ds.y_train, ds.y_test, ds.n_classes),
        n_test=len(ds.y_test),
    )


def reach_values(
    curves: Mapping[str, ArrayLike],
    diverged: Mapping[str, bool],
    logits: Mapping[str, ArrayLike],
    y_test: ArrayLike,
    target: float,
) -> dict[str, dict[str, float]]:
    """Per loss: the first epoch its test-accuracy curve reaches ``target`` (``inf``: never, a
    diverged run included), its final test accuracy and the calibration error of its final
    model's softmax (:func:`core.compare.cross_evaluate`; NaN for a diverged run)."""
    values: dict[str, dict[str, float]] = {
        k: {} for k in ("reach_epoch", "final_accuracy", "ece", "diverged")
    }
    for name, curve in curves.items():
        gone = bool(diverged[name])
        values["diverged"][name] = float(gone)
        if gone:
            values["reach_epoch"][name] = math.inf
            values["final_accuracy"][name] = math.nan
            values["ece"][name] = math.nan
            continue
        c = np.asarray(curve, dtype=float)
        hit = compare.epochs_to_reach(c, target)
        values["reach_epoch"][name] = math.inf if hit is None else float(hit)
        values["final_accuracy"][name] = float(c[-1])
        z = np.asarray(logits[name], dtype=float)
        values["ece"][name] = compare.cross_evaluate({name: z}, y_test)[name]["ece"]
    return values


def reach_outcome(
    seed: int, ds: Dataset, results: Mapping[str, train.FitResult], target: float
) -> Outcome:
    """A training-curves comparison of one seed: :func:`reach_values` of its runs."""
    values = reach_values(
        {n: r.history["test_accuracy"] for n, r in results.items()},
        {n: r.diverged for n, r in results.items()},
        {n: r.model.decision_function(ds.X_test) for n, r in results.items() if not r.diverged},
        ds.y_test,
        target,
    )
    return Outcome(
        seed=int(seed),
        values=values,
        baseline=majority_baseline(ds.y_train, ds.y_test, ds.n_classes),
        n_test=len(ds.y_test),
    )


def clean_slope(ds: Dataset) -> float:
    r"""Least-squares slope of the clean (not corrupted) training points of a 1-D regression
    dataset, :math:`\operatorname{cov}(x, y) / \operatorname{var}(x)`; NaN if fewer than two
    distinct x remain."""
    keep = np.ones(len(ds.y_train), bool) if ds.corrupted is None else ~np.asarray(ds.corrupted)
    x, y = ds.X_train[keep, 0].astype(float), np.asarray(ds.y_train, float)[keep]
    if len(x) < 2 or np.ptp(x) == 0:
        return math.nan
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


def score_outcome(seed: int, ds: Dataset, results: Mapping[str, train.FitResult]) -> Outcome:
    """A robustness fit on corrupted data: each loss's clean-test score
    (:func:`core.robustness.clean_score`: ``rmse`` for regression, ``test_accuracy`` for
    classification), for a linear 1-D regression model the distance of its slope from the
    clean points' least-squares slope (``slope_error``), and divergence."""
    regression = ds.task == "regression"
    metric = "rmse" if regression else "test_accuracy"
    values: dict[str, dict[str, float]] = {metric: {}, "diverged": {}}
    ref = clean_slope(ds) if regression and ds.n_features == 1 else math.nan
    for name, r in results.items():
        values[metric][name] = robustness.clean_score(r, ds)
        values["diverged"][name] = float(r.diverged)
        if regression and not r.config.hidden and ds.n_features == 1:
            slope = robustness.line_fit(r)[0] if not r.diverged else math.nan
            values.setdefault("slope_error", {})[name] = abs(slope - ref)
    baseline = math.nan if regression else majority_baseline(ds.y_train, ds.y_test, ds.n_classes)
    return Outcome(seed=int(seed), values=values, baseline=baseline, n_test=len(ds.y_test))


def sweep_outcome(
    seed: int, runs: Sequence[robustness.Run], task: str, below: float = math.inf
) -> Outcome:
    """One seed's own sweep over corruption rates: how much each loss's clean-test score moved
    from the lowest rate to the highest rate under ``below`` (``drop``: accuracy lost, for
    classification; ``growth``: the RMSE's ratio, for regression). NaN where either end
    diverged."""
    mine = [r for r in runs if r.seed == seed and r.rate < below]
    if not mine:
        raise ValueError(f"runs hold no rate below {below} for seed {seed}")
    lo, hi = min(r.rate for r in mine), max(r.rate for r in mine)
    start = {r.loss: r.score for r in mine if r.rate == lo}
    end = {r.loss: r.score for r in mine if r.rate == hi}
    metric = "growth" if task == "regression" else "drop"
    values: dict[str, float] = {}
    for loss in start:
        a, b = float(start[loss]), float(end.get(loss, math.nan))
        if task == "regression":
            values[loss] = b / a if a > 0 else math.nan
        else:
            values[loss] = a - b
    return Outcome(seed=int(seed), values={metric: values})


# --------------------------------------------------------------------------- claims


class Claim(Protocol):
    """A claim about one seed's outcome: its metric, its margin (positive: holds by that
    much, in the metric's units oriented so that more is better) and whether it holds."""

    metric: str

    def margin(self, o: Outcome) -> float: ...

    def holds(self, o: Outcome) -> bool: ...

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]: ...


def _others(o: Outcome, metric: str, x: str) -> list[str]:
    return [n for n in o.losses(metric) if n != x]


def _nearest(outcomes: Sequence[Outcome], metric: str, x: str) -> tuple[str, ...]:
    """``x`` and the other loss whose mean (oriented) is closest to ``x``'s."""
    means = _means(outcomes, metric)
    others = [n for n in outcomes[0].losses(metric) if n != x]
    if not others:
        return (x,)
    mx = means.get(x, math.nan)
    near = min(others, key=lambda n: abs(means.get(n, math.inf) - mx))
    return (x, near)


@dataclass(frozen=True)
class Ahead:
    """``x`` is better than ``y`` on ``metric``: not tied by the metric's rule, and (for an
    accuracy) above the baseline."""

    x: str
    y: str
    metric: str

    def margin(self, o: Outcome) -> float:
        return _diff(
            _score(self.metric, o.value(self.metric, self.x)),
            _score(self.metric, o.value(self.metric, self.y)),
        )

    def holds(self, o: Outcome) -> bool:
        vx, vy = o.value(self.metric, self.x), o.value(self.metric, self.y)
        if self.margin(o) <= 0 or tied(self.metric, vx, vy):
            return False
        return not (METRICS[self.metric].accuracy and at_baseline(vx, o.baseline))

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return (self.x, self.y)


@dataclass(frozen=True)
class NotBehind:
    """``x`` is at most ``by`` worse than ``y`` on ``metric`` ("keeps up"); for an accuracy,
    ``x`` must also be above the baseline."""

    x: str
    y: str
    metric: str
    by: float

    def margin(self, o: Outcome) -> float:
        sx = _score(self.metric, o.value(self.metric, self.x))
        sy = _score(self.metric, o.value(self.metric, self.y))
        return _diff(sx + self.by, sy)

    def holds(self, o: Outcome) -> bool:
        vx = o.value(self.metric, self.x)
        if METRICS[self.metric].accuracy and at_baseline(vx, o.baseline):
            return False
        # the tolerance as printed: a margin that prints as -0.0 is kept
        return self.margin(o) >= 0 or same_printed(self.margin(o), 0.0, ".4f")

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return ()  # a tolerance, not a ranking


@dataclass(frozen=True)
class Top:
    """``x`` is the best on ``metric`` among every loss of the outcome (tied with others if
    not ``alone``); never at or below the baseline."""

    x: str
    metric: str
    alone: bool = False

    def margin(self, o: Outcome) -> float:
        sx = _score(self.metric, o.value(self.metric, self.x))
        others = [
            _score(self.metric, o.value(self.metric, n)) for n in _others(o, self.metric, self.x)
        ]
        return _diff(sx, max(others)) if others else math.inf

    def holds(self, o: Outcome) -> bool:
        vx = o.value(self.metric, self.x)
        if math.isnan(vx):
            return False
        if METRICS[self.metric].accuracy and at_baseline(vx, o.baseline):
            return False
        sx = _score(self.metric, vx)
        for n in _others(o, self.metric, self.x):
            v = o.value(self.metric, n)
            if tied(self.metric, vx, v):
                if self.alone:
                    return False
            elif _score(self.metric, v) > sx:
                return False
        return True

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        # a ranking that allows ties is no strict ranking: rounding noise cannot reverse it
        return _nearest(outcomes, self.metric, self.x) if self.alone else ()


@dataclass(frozen=True)
class Bottom:
    """``x`` is the worst on ``metric`` among every loss of the outcome (tied with others if
    not ``alone``)."""

    x: str
    metric: str
    alone: bool = False

    def margin(self, o: Outcome) -> float:
        sx = _score(self.metric, o.value(self.metric, self.x))
        others = [
            _score(self.metric, o.value(self.metric, n)) for n in _others(o, self.metric, self.x)
        ]
        return _diff(min(others), sx) if others else math.inf

    def holds(self, o: Outcome) -> bool:
        vx = o.value(self.metric, self.x)
        sx = _score(self.metric, vx)
        for n in _others(o, self.metric, self.x):
            v = o.value(self.metric, n)
            both_missing = math.isnan(vx) and math.isnan(v)
            if both_missing or tied(self.metric, vx, v):
                if self.alone:
                    return False
            elif _score(self.metric, v) < sx:
                return False
        return True

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        # a ranking that allows ties is no strict ranking: rounding noise cannot reverse it
        return _nearest(outcomes, self.metric, self.x) if self.alone else ()


_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda v, level: v <= level,
    ">=": lambda v, level: v >= level,
    "<": lambda v, level: v < level,
    ">": lambda v, level: v > level,
}


@dataclass(frozen=True)
class Level:
    """Every loss of ``losses`` (all of the outcome's if empty) has ``metric`` ``op`` ``level``
    (``"<="``, ``">="``, ``"<"``, ``">"``); ``"<="`` and ``">="`` include a value that prints as
    ``level``. ``level`` may be ``"baseline"`` (the outcome's majority-class rate). NaN never
    satisfies a level."""

    metric: str
    op: str
    level: float | str
    losses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {list(_OPS)}, got {self.op!r}")

    def _level(self, o: Outcome) -> float:
        return o.baseline if self.level == "baseline" else float(self.level)

    def _names(self, o: Outcome) -> tuple[str, ...]:
        return self.losses or o.losses(self.metric)

    def margin(self, o: Outcome) -> float:
        level = self._level(o)
        gaps = []
        for n in self._names(o):
            v = o.value(self.metric, n)
            if math.isnan(v):
                return -math.inf
            gaps.append(level - v if self.op in ("<=", "<") else v - level)
        return min(gaps)

    def holds(self, o: Outcome) -> bool:
        level = self._level(o)
        fmt = METRICS[self.metric].fmt
        for n in self._names(o):
            v = o.value(self.metric, n)
            if math.isnan(v):
                return False
            equal = same_printed(v, level, fmt)
            if self.op in ("<=", ">=") and equal:
                continue
            if self.op in ("<", ">") and equal:
                return False
            if not _OPS[self.op](v, level):
                return False
        return True

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Spread:
    """The losses of ``losses`` (all if empty) lie within ``points`` test points of each
    other on an accuracy metric, or within ``width`` of each other otherwise (NaN: not)."""

    metric: str
    points: int | None = None
    width: float | None = None
    losses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.points is None) == (self.width is None):
            raise ValueError("give exactly one of points and width")

    def _width(self, o: Outcome) -> float:
        if self.points is not None:
            return self.points / o.n_test if o.n_test else math.nan
        return float(self.width)

    def margin(self, o: Outcome) -> float:
        vals = [o.value(self.metric, n) for n in (self.losses or o.losses(self.metric))]
        if any(math.isnan(v) for v in vals):
            return -math.inf
        return self._width(o) - (max(vals) - min(vals))

    def holds(self, o: Outcome) -> bool:
        m = self.margin(o)
        return m >= 0 or same_printed(m, 0.0, ".6f")

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Between:
    """Every loss of ``losses`` (all if empty) has ``metric`` in ``[low, high]`` (a value that
    prints as an end counts as inside)."""

    metric: str
    low: float
    high: float
    losses: tuple[str, ...] = ()

    def margin(self, o: Outcome) -> float:
        return min(
            Level(self.metric, ">=", self.low, self.losses).margin(o),
            Level(self.metric, "<=", self.high, self.losses).margin(o),
        )

    def holds(self, o: Outcome) -> bool:
        return Level(self.metric, ">=", self.low, self.losses).holds(o) and Level(
            self.metric, "<=", self.high, self.losses
        ).holds(o)

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class All:
    """Every claim of ``claims`` at once (their metric is the first one's); the margin is the
    smallest margin."""

    claims: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not self.claims:
            raise ValueError("claims must hold at least one claim")

    @property
    def metric(self) -> str:
        return self.claims[0].metric

    def margin(self, o: Outcome) -> float:
        return min(c.margin(o) for c in self.claims)

    def holds(self, o: Outcome) -> bool:
        return all(c.holds(o) for c in self.claims)

    def compared(self, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
        return tuple(n for c in self.claims for n in c.compared(outcomes))


# --------------------------------------------------------------------------- verdicts


def lesson_threshold(n: int) -> int:
    """Seeds out of ``n`` a claim must hold in to be a lesson: :math:`\\lceil 0.8 n \\rceil`
    (8 of 10)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return math.ceil(LESSON_SHARE * n - 1e-9)


def _means(outcomes: Sequence[Outcome], metric: str) -> dict[str, float]:
    """Each loss's mean of ``metric`` over the seeds where it is finite (NaN if none)."""
    out = {}
    for n in outcomes[0].losses(metric):
        v = np.array([o.value(metric, n) for o in outcomes], dtype=float)
        v = v[np.isfinite(v)]
        out[n] = float(v.mean()) if len(v) else math.nan
    return out


@dataclass(frozen=True)
class Verdict:
    """A claim decided over seeds.

    ``seeds``, ``held`` and ``margins`` are per seed (in order); ``means`` the metric's mean
    per loss; ``medians`` its median per loss (``inf`` allowed: never reached);
    ``noise`` the largest measured rounding spread of the losses the claim compares (0 when
    none was measured); ``baseline`` the mean majority-class rate.
    """

    claim: Claim
    seeds: tuple[int, ...]
    held: tuple[bool, ...]
    margins: tuple[float, ...]
    means: Mapping[str, float]
    medians: Mapping[str, float]
    noise: float = 0.0
    baseline: float = math.nan

    @property
    def k(self) -> int:
        """Seeds the claim held in."""
        return int(sum(self.held))

    @property
    def n(self) -> int:
        """Seeds the claim was decided over."""
        return len(self.seeds)

    @property
    def representative(self) -> int:
        """The seed with the median margin (the lower median; among equal margins the lowest
        seed): the run a figure of the claim should show."""
        order = sorted(range(self.n), key=lambda i: (self.margins[i], self.seeds[i]))
        m = self.margins[order[(self.n - 1) // 2]]
        return min(s for s, x in zip(self.seeds, self.margins, strict=True) if x == m)

    @property
    def median_margin(self) -> float:
        """The lower median of the margins (the representative seed's margin)."""
        return sorted(self.margins)[(self.n - 1) // 2]

    @property
    def within_noise(self) -> bool:
        """Whether the claim ranks losses strictly (:class:`Ahead`, :class:`Top` or
        :class:`Bottom` alone) and its median margin is no larger than the measured rounding
        noise of the losses it compares."""
        return self.noise > 0 and abs(self.median_margin) <= self.noise

    @property
    def lesson(self) -> bool:
        """Held in at least :func:`lesson_threshold` of at least two seeds, outside the
        rounding noise."""
        return self.n >= 2 and self.k >= lesson_threshold(self.n) and not self.within_noise


def check(
    claim: Claim,
    outcomes: Sequence[Outcome],
    noise: Mapping[str, float] | None = None,
) -> Verdict:
    """Decide ``claim`` over ``outcomes`` (one per seed).

    ``noise`` maps a loss to the measured rounding spread of the claim's metric
    (:func:`rounding_noise`); the largest among the losses the claim compares is kept.
    """
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("outcomes must hold at least one seed")
    metric = claim.metric
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got {metric!r}")
    compared = claim.compared(outcomes)
    bound = max((float((noise or {}).get(n, 0.0)) for n in compared), default=0.0)
    medians = {}
    for n in outcomes[0].losses(metric):
        v = np.array([o.value(metric, n) for o in outcomes], dtype=float)
        medians[n] = float(np.median(v[~np.isnan(v)])) if (~np.isnan(v)).any() else math.nan
    base = np.array([o.baseline for o in outcomes], dtype=float)
    return Verdict(
        claim=claim,
        seeds=tuple(o.seed for o in outcomes),
        held=tuple(bool(claim.holds(o)) for o in outcomes),
        margins=tuple(float(claim.margin(o)) for o in outcomes),
        means=_means(outcomes, metric),
        medians=medians,
        noise=bound if math.isfinite(bound) else 0.0,
        baseline=float(base.mean()) if np.isfinite(base).any() else math.nan,
    )


def rounding_noise(
    outcomes: Sequence[Outcome], other: Sequence[Outcome], metric: str
) -> dict[str, float]:
    """Per loss, the largest change of ``metric`` between the same seeds trained in two
    precisions (float32 and float64): how much of a difference rounding alone makes. Seeds
    where either value is not finite are skipped (0 if no seed is left)."""
    by_seed = {o.seed: o for o in other}
    out: dict[str, float] = {}
    for o in outcomes:
        p = by_seed.get(o.seed)
        if p is None or metric not in o.values or metric not in p.values:
            continue
        for n in o.losses(metric):
            a, b = o.value(metric, n), p.values[metric].get(n, math.nan)
            if math.isfinite(a) and math.isfinite(b):
                out[n] = max(out.get(n, 0.0), abs(a - b))
            else:
                out.setdefault(n, 0.0)
    return out


@dataclass(frozen=True)
class Standing:
    """How one loss ranks on a metric over seeds: :func:`check` of :class:`Top` (ties
    allowed), of :class:`Top` alone and of :class:`Bottom` (ties allowed)."""

    loss: str
    top: Verdict
    alone: Verdict
    bottom: Verdict


def standings(
    outcomes: Sequence[Outcome], metric: str, noise: Mapping[str, float] | None = None
) -> list[Standing]:
    """Every loss's :class:`Standing` on ``metric``, in the outcomes' loss order."""
    return [
        Standing(
            n,
            check(Top(n, metric), outcomes, noise),
            check(Top(n, metric, alone=True), outcomes, noise),
            check(Bottom(n, metric), outcomes, noise),
        )
        for n in outcomes[0].losses(metric)
    ]


@dataclass(frozen=True)
class Evidence:
    """A comparison's outcomes over seeds: ``outcomes`` in the page's precision, ``other`` the
    same seeds in the other precision (for :func:`rounding_noise`), ``data`` with new data
    draws (data seed = model seed), any of them possibly empty."""

    outcomes: tuple[Outcome, ...]
    other: tuple[Outcome, ...] = ()
    data: tuple[Outcome, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def noise(self, metric: str) -> dict[str, float]:
        return rounding_noise(self.outcomes, self.other, metric) if self.other else {}

    def check(self, claim: Claim) -> Verdict:
        return check(claim, self.outcomes, self.noise(claim.metric))
