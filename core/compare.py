r"""Comparing training runs: seed bands, epochs to reach an accuracy, cross-evaluation.

Pure functions over per-epoch histories and fitted models; the training-curves screen draws
what they return. Diverged runs are part of the data: their histories may be shorter or hold
``NaN``/``inf``, and every function here treats such values as missing instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import metrics
from core._numerics import softmax

SPREADS: tuple[str, ...] = ("minmax", "sd")


@dataclass(frozen=True)
class Band:
    """Per-epoch summary of one quantity over several seeds.

    ``mean``, ``lo``, ``hi`` are ``NaN`` at epochs where no run has a finite value;
    ``count`` says how many runs contributed at each epoch.
    """

    mean: NDArray[np.floating]
    lo: NDArray[np.floating]
    hi: NDArray[np.floating]
    count: NDArray[np.intp]


def _stack(curves: Sequence[ArrayLike]) -> NDArray[np.floating]:
    """Curves of possibly different lengths as rows of a NaN-padded matrix; non-finite -> NaN."""
    if len(curves) == 0:
        raise ValueError("curves must hold at least one curve, got none")
    rows = [np.asarray(c, dtype=float).ravel() for c in curves]
    out = np.full((len(rows), max(len(r) for r in rows)), np.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = np.where(np.isfinite(r), r, np.nan)
    return out


def seed_band(curves: Sequence[ArrayLike], spread: str = "minmax") -> Band:
    r"""Mean curve over seeds with a band around it.

    .. math:: \bar c_e = \frac{1}{n_e}\sum_{s} c_{s,e}

    over the :math:`n_e` runs with a finite value at epoch :math:`e`; the band is
    :math:`[\min_s c_{s,e}, \max_s c_{s,e}]` (``spread="minmax"``) or
    :math:`\bar c_e \pm \sigma_e` with the population standard deviation (``spread="sd"``).

    Parameters
    ----------
    curves
        One per-epoch array per seed; shorter arrays (a run that stopped) are padded as missing.
    spread
        ``"minmax"`` or ``"sd"``.
    """
    if spread not in SPREADS:
        raise ValueError(f"spread must be one of {list(SPREADS)}, got {spread!r}")
    m = _stack(curves)
    ok = np.isfinite(m)
    count = ok.sum(axis=0)
    has = count > 0
    filled = np.where(ok, m, 0.0)
    mean = np.full(m.shape[1], np.nan)
    mean[has] = filled.sum(axis=0)[has] / count[has]
    lo = np.full(m.shape[1], np.nan)
    hi = np.full(m.shape[1], np.nan)
    if spread == "minmax":
        lo[has] = np.where(ok, m, np.inf).min(axis=0)[has]
        hi[has] = np.where(ok, m, -np.inf).max(axis=0)[has]
    else:
        dev = np.where(ok, m - np.where(has, mean, 0.0), 0.0)
        sd = np.sqrt((dev**2).sum(axis=0)[has] / count[has])
        lo[has], hi[has] = mean[has] - sd, mean[has] + sd
    return Band(mean=mean, lo=lo, hi=hi, count=count.astype(np.intp))


def epochs_to_reach(curve: ArrayLike, target: float, epochs: ArrayLike | None = None) -> int | None:
    """The first epoch at which ``curve`` reaches ``target`` (``>=``), or ``None`` if never.

    Parameters
    ----------
    curve
        Per-epoch values (e.g. test accuracy); ``NaN`` never counts as reached.
    target
        The level to reach.
    epochs
        The epoch number of each entry; ``1, 2, ..., len(curve)`` if omitted (entry ``i`` is
        the value after epoch ``i + 1``).
    """
    c = np.asarray(curve, dtype=float).ravel()
    e = np.arange(1, len(c) + 1) if epochs is None else np.asarray(epochs).ravel()
    if len(e) != len(c):
        raise ValueError(f"epochs must have the curve's length {len(c)}, got {len(e)}")
    hit = np.flatnonzero(np.nan_to_num(c, nan=-np.inf) >= target)
    return int(e[hit[0]]) if len(hit) else None


@dataclass(frozen=True)
class Summary:
    """One loss over several seeds: the numbers of the training-curves table.

    ``final``/``best`` are means over the runs that did not diverge (``NaN`` if all did);
    ``reach_epochs`` is the median epoch at which the target was reached over the runs that
    reached it (``None`` if none did), ``reached`` how many runs reached it.
    """

    runs: int
    final_mean: float
    final_sd: float
    best_mean: float
    reach_epochs: float | None
    reached: int
    diverged: int


def summarize(
    curves: Sequence[ArrayLike],
    diverged: Sequence[bool],
    target: float,
    epochs: ArrayLike | None = None,
) -> Summary:
    r"""Final and best value, epochs to reach ``target`` and divergences over seeds.

    Parameters
    ----------
    curves
        Per-epoch accuracy (or any higher-is-better metric), one array per seed.
    diverged
        Whether each run diverged; a diverged run counts in ``diverged`` only.
    target
        The level for :func:`epochs_to_reach`.
    epochs
        Epoch numbers of the entries (see :func:`epochs_to_reach`).
    """
    if len(curves) != len(diverged) or not curves:
        raise ValueError(
            f"curves and diverged must have the same length >= 1, got {len(curves)} and "
            f"{len(diverged)}"
        )
    fine = [np.asarray(c, dtype=float) for c, d in zip(curves, diverged, strict=True) if not d]
    finals = np.array([c[-1] for c in fine if len(c)], dtype=float)
    bests = np.array([np.nanmax(c) for c in fine if np.isfinite(c).any()], dtype=float)
    hits = [epochs_to_reach(c, target, epochs) for c in fine]
    hits = [h for h in hits if h is not None]
    return Summary(
        runs=len(curves),
        final_mean=float(finals.mean()) if len(finals) else np.nan,
        final_sd=float(finals.std()) if len(finals) else np.nan,
        best_mean=float(bests.mean()) if len(bests) else np.nan,
        reach_epochs=float(np.median(hits)) if hits else None,
        reached=len(hits),
        diverged=int(sum(bool(d) for d in diverged)),
    )


def reach_ratios(reach: Mapping[str, float | None], baseline: str) -> dict[str, float | None]:
    r"""How many times later each run reached the target than ``baseline``:
    :math:`e_\text{loss} / e_\text{baseline}`.

    ``None`` where either never reached it.
    """
    if baseline not in reach:
        raise ValueError(f"baseline must be one of {sorted(reach)}, got {baseline!r}")
    base = reach[baseline]
    return {
        k: (None if v is None or base is None or base <= 0 else float(v) / float(base))
        for k, v in reach.items()
    }


# --------------------------------------------------------------------------- cross-evaluation

#: Every metric of the cross-evaluation table: ``(title, higher is better, fn(y, logits))``.
#: Brier score and ECE read ``softmax(logits)`` -- for a hinge model that is not a probability
#: it estimated, which is exactly what the table is there to show.
METRICS: dict[str, tuple[str, bool, Callable[[NDArray, NDArray], float]]] = {
    "accuracy": ("Accuracy", True, metrics.accuracy),
    "log_loss": ("Log-loss", False, metrics.log_loss),
    "brier": ("Brier score", False, lambda y, z: metrics.brier(y, softmax(z))),
    "hinge": ("Hinge", False, metrics.multiclass_hinge),
    "ece": ("ECE", False, lambda y, z: metrics.expected_calibration_error(y, softmax(z))),
}


def cross_evaluate(logits: Mapping[str, ArrayLike], y: ArrayLike) -> dict[str, dict[str, float]]:
    r"""Score every model under every metric of :data:`METRICS`.

    A model trained with one loss is judged by all the others' yardsticks, e.g. the hinge
    model by log-loss and expected calibration error.

    Parameters
    ----------
    logits
        ``{model name: logits (n, K)}`` on the same evaluation set.
    y
        Integer labels ``(n,)``.

    Returns
    -------
    dict
        ``{model name: {metric: value}}``; every metric is ``NaN`` for non-finite logits
        (a diverged model).
    """
    y = np.asarray(y)
    out = {}
    for name, z in logits.items():
        z = np.asarray(z, dtype=float)
        if not np.all(np.isfinite(z)):
            out[name] = {m: np.nan for m in METRICS}
            continue
        out[name] = {m: float(fn(y, z)) for m, (_, _, fn) in METRICS.items()}
    return out


def mean_scores(
    runs: Sequence[Mapping[str, Mapping[str, float]]],
) -> dict[str, dict[str, float]]:
    """Average :func:`cross_evaluate` tables over seeds, ignoring ``NaN`` (diverged) entries."""
    if not runs:
        raise ValueError("runs must hold at least one table, got none")
    out: dict[str, dict[str, float]] = {}
    for name in runs[0]:
        out[name] = {}
        for m in runs[0][name]:
            vals = np.array([r[name][m] for r in runs], dtype=float)
            vals = vals[np.isfinite(vals)]
            out[name][m] = float(vals.mean()) if len(vals) else np.nan
    return out


def yardstick_epochs(epochs: int, count: int = 25) -> tuple[int, ...]:
    """About ``count`` evenly spaced epochs from 0 to ``epochs`` (both included), for metrics
    that need the model itself rather than the per-epoch history."""
    if int(epochs) < 1 or int(count) < 2:
        raise ValueError(f"epochs must be >= 1 and count >= 2, got {epochs!r}, {count!r}")
    return tuple(int(e) for e in np.unique(np.round(np.linspace(0, int(epochs), int(count)))))


def score_snapshots(
    snapshots: Mapping[int, object],
    epochs: Sequence[int],
    X: ArrayLike,
    y: ArrayLike,
    metric: str = "log_loss",
) -> NDArray[np.floating]:
    """One metric of :data:`METRICS` for the snapshot model at each epoch.

    ``NaN`` where there is no snapshot (the run diverged before it) or the logits are not
    finite.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {list(METRICS)}, got {metric!r}")
    fn = METRICS[metric][2]
    out = np.full(len(epochs), np.nan)
    for i, e in enumerate(epochs):
        model = snapshots.get(int(e))
        if model is None:
            continue
        z = np.asarray(model.decision_function(np.asarray(X)), dtype=float)
        if np.all(np.isfinite(z)):
            out[i] = fn(np.asarray(y), z)
    return out


def reliability(logits: ArrayLike, y: ArrayLike, n_bins: int = 10) -> metrics.ReliabilityCurve:
    """Reliability diagram data of ``softmax(logits)`` (:func:`core.metrics.reliability_curve`)."""
    return metrics.reliability_curve(y, softmax(np.asarray(logits, dtype=float)), n_bins)
