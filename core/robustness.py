r"""What outliers (regression) and flipped labels (classification) do to each loss.

The experiment is always the same: load a dataset, corrupt its *training* split
(:func:`core.datasets.add_outliers` or :func:`core.datasets.add_label_noise`; the test split
stays clean), train one model per loss in lockstep (:func:`core.train.fit_many`: same initial
weights and batch order, only the loss differs), and score every model on the **clean** test
split: RMSE for regression (in standard units of the training target), accuracy for
classification. A sweep repeats this over corruption rates and seeds.

Why the losses differ: a loss's gradient is the pull of one sample on the fit. MSE's pull
:math:`2e` grows with the residual, so a few far outliers dominate; MAE's is bounded
(:math:`\mathrm{sign}\,e`) and Cauchy's even falls back to 0 for large residuals (Huber,
*Robust Statistics*, 1981; Barron, CVPR 2019). With flipped labels, a symmetric loss such as
MAE (:math:`\sum_k L(z, k)` constant) has the same minimiser with and without symmetric noise
(Ghosh, Kumar & Sastry, AAAI 2017), while cross-entropy's unbounded pull on confidently
"wrong" (flipped) points lets it fit the noise; GCE interpolates (Zhang & Sabuncu, 2018).
Leverage points (outliers in :math:`x`) are different: they move the fit through the model
itself, and bounded-influence losses do not protect a linear fit from them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import compare, datasets, metrics, train
from core.datasets import Dataset

__all__ = [
    "CLASSIFICATION_KINDS",
    "CLASSIFICATION_LOSSES",
    "REGRESSION_KINDS",
    "REGRESSION_LOSSES",
    "Point",
    "Run",
    "aggregate",
    "clean_score",
    "corrupt",
    "curves",
    "flip_limit",
    "line_fit",
    "mean_score",
    "sweep",
]

#: The default losses compared on each task (registry names).
REGRESSION_LOSSES = ("mse", "mae", "huber", "log_cosh", "cauchy")
CLASSIFICATION_LOSSES = ("cross_entropy", "mse", "mae", "hinge", "gce")
REGRESSION_KINDS = ("response", "leverage")
CLASSIFICATION_KINDS = ("symmetric", "pair")
#: Upper bounds that keep any sweep a page can ask for small.
MAX_RATES = 13
MAX_SEEDS = 10


def corrupt(
    ds: Dataset, kind: str, rate: float, *, magnitude: float = 0.0, seed: int = 0
) -> Dataset:
    """``ds`` with a share ``rate`` of its training split corrupted.

    ``kind`` is ``"response"`` or ``"leverage"`` (regression outliers of size ``magnitude``,
    in standard units) or ``"symmetric"`` or ``"pair"`` (label flips). ``rate = 0`` returns
    ``ds`` unchanged.
    """
    if kind in REGRESSION_KINDS:
        return datasets.add_outliers(ds, rate, magnitude, kind=kind, seed=seed) if rate else ds
    if kind in CLASSIFICATION_KINDS:
        return datasets.add_label_noise(ds, rate, kind=kind, seed=seed) if rate else ds
    raise ValueError(
        f"kind must be one of {list(REGRESSION_KINDS + CLASSIFICATION_KINDS)}, got {kind!r}"
    )


def clean_score(result: train.FitResult, ds: Dataset) -> float:
    r"""Score of a trained model on the clean test split.

    Regression: :math:`\mathrm{RMSE} = \sqrt{\frac1n \sum_i (\hat y_i - y_i)^2}`; classification:
    accuracy. A diverged run scores ``nan`` (its kept model is only the last finite one, so a
    number would hide the divergence); so do non-finite outputs.
    """
    if result.diverged:
        return float("nan")
    pred = result.model.decision_function(ds.X_test)
    if not np.all(np.isfinite(pred)):
        return float("nan")
    if ds.task == "regression":
        return metrics.rmse(ds.y_test, pred)
    return metrics.accuracy(ds.y_test, np.argmax(pred, axis=1))


@dataclass(frozen=True)
class Run:
    """One trained model in a sweep: its loss, corruption rate, seed and clean-test score."""

    loss: str
    rate: float
    seed: int
    score: float
    diverged: bool


def _check_grid(rates: Sequence[float], seeds: Sequence[int]) -> tuple[list[float], list[int]]:
    rates = [float(r) for r in rates]
    seeds = [int(s) for s in seeds]
    if not 1 <= len(rates) <= MAX_RATES:
        raise ValueError(f"rates must hold 1..{MAX_RATES} values, got {len(rates)}")
    if not 1 <= len(seeds) <= MAX_SEEDS:
        raise ValueError(f"seeds must hold 1..{MAX_SEEDS} values, got {len(seeds)}")
    return rates, seeds


def sweep(
    load: Callable[[int], Dataset],
    cfgs: Sequence[train.TrainConfig],
    *,
    kind: str,
    rates: Sequence[float],
    seeds: Sequence[int],
    magnitude: float = 0.0,
    progress: Callable[[float], Any] | None = None,
) -> list[Run]:
    """Clean-test score of every loss at every corruption rate, for every seed.

    For each seed ``s``: ``load(s)`` gives the clean dataset (data and split drawn with ``s``),
    :func:`corrupt` corrupts it with seed ``s``, and the configs are trained in lockstep with
    initialisation seed ``s``. ``progress(fraction)`` is called after each (seed, rate).
    """
    rates, seeds = _check_grid(rates, seeds)
    cfgs = list(cfgs)
    if not cfgs:
        raise ValueError("cfgs must hold at least one TrainConfig")
    runs: list[Run] = []
    done, total = 0, len(rates) * len(seeds)
    for s in seeds:
        clean = load(s)
        for rate in rates:
            ds = corrupt(clean, kind, rate, magnitude=magnitude, seed=s)
            results = train.fit_many(ds, [dataclasses.replace(c, seed=s) for c in cfgs])
            for cfg, res in zip(cfgs, results, strict=True):
                runs.append(Run(cfg.loss, rate, s, clean_score(res, ds), bool(res.diverged)))
            done += 1
            if progress is not None:
                progress(done / total)
    return runs


@dataclass(frozen=True)
class Point:
    """Mean, min and max clean-test score of one loss at one rate over the seeds."""

    loss: str
    rate: float
    mean: float
    low: float
    high: float
    n: int
    n_diverged: int


def aggregate(runs: Iterable[Run]) -> list[Point]:
    """Mean and min–max band over seeds per (loss, rate), ignoring diverged (``nan``) runs.

    Order: losses in order of first appearance, rates ascending.
    """
    groups: dict[tuple[str, float], list[Run]] = {}
    for r in runs:
        groups.setdefault((r.loss, r.rate), []).append(r)
    order = list(dict.fromkeys(k[0] for k in groups))
    points = []
    for (loss, rate), rs in sorted(
        groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])
    ):
        # one aggregation over seeds for the whole app: each run is a one-epoch "curve"
        band = compare.seed_band([[r.score] for r in rs], "minmax")
        stat = (float(band.mean[0]), float(band.lo[0]), float(band.hi[0]))
        points.append(Point(loss, rate, *stat, n=len(rs), n_diverged=sum(r.diverged for r in rs)))
    return points


def curves(results: Sequence[train.FitResult], x: ArrayLike) -> NDArray[np.floating]:
    """Predictions of 1-D-input regression models on the points ``x``, ``(len(results), m)``."""
    X = np.asarray(x, dtype=float).reshape(-1, 1)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.stack(
            [np.asarray(r.model.decision_function(X), float).reshape(-1) for r in results]
        )


def line_fit(result: train.FitResult) -> tuple[float, float]:
    r"""Slope and intercept of a linear 1-D regression model, read off at :math:`x = 0, 1`.

    .. math:: b = f(0), \qquad a = f(1) - f(0)
    """
    f0, f1 = curves([result], [0.0, 1.0])[0]
    return float(f1 - f0), float(f0)


def flip_limit(kind: str, n_classes: int) -> float:
    r"""The flip rate beyond which wrong labels outnumber the true label at a point.

    Symmetric flips spread a share :math:`r` over the :math:`K-1` other classes, so the true
    class stays the most frequent label while :math:`1 - r > r/(K-1)`, i.e.
    :math:`r < (K-1)/K`; pair flips move all of :math:`r` onto one class: :math:`r < 1/2`.
    Beyond the limit no loss can recover the clean labels (Ghosh et al., AAAI 2017, Thm. 1
    assumes :math:`r < (K-1)/K`).
    """
    if kind == "symmetric":
        return (n_classes - 1) / n_classes
    if kind == "pair":
        return 0.5
    raise ValueError(f"kind must be 'symmetric' or 'pair', got {kind!r}")


def mean_score(points: Iterable[Point], *, below: float = np.inf) -> dict[str, float]:
    """Each loss's mean clean-test score averaged over the rates ``< below`` (its robustness)."""
    by_loss: dict[str, list[float]] = {}
    for p in points:
        if p.rate < below:
            by_loss.setdefault(p.loss, []).append(p.mean)
    return {
        loss: float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")
        for loss, v in by_loss.items()
    }
