r"""Decision surfaces on a grid and "who drives learning": per-point gradient magnitudes.

Everything here is pure: it takes a fitted model (anything with ``decision_function(X)``
returning logits ``(n, K)``) and arrays, and returns arrays. The decision-boundary screen and
the home page draw what these functions compute, and the browser's engine mirrors them
(``ui/player/engine/boundaries.js``), so the surface a student sees while training plays is
the one the server's panel, sentence and CSV are computed from.

Two kinds of surface
--------------------
Losses that pass the logits through a softmax (cross-entropy, MSE, MAE, focal, GCE, ...) fit
:math:`p = \mathrm{softmax}(z)`, so the surface shows the predicted class and its probability.
Margin losses (hinge, squared hinge, multi-margin) and square loss on logits never form a
softmax: :math:`\mathrm{softmax}(z)` is not something they estimated, so the surface shows the
*score*, the margin :math:`z_{(1)} - z_{(2)}` between the two largest logits.

One surface, one strength
-------------------------
Every cell gets per-class values :math:`v_k \in [0, 1]` (:func:`surface_values`): the softmax
probabilities :math:`p_k`, or for a score surface :math:`v_k = (\mathrm{clip}(s_k/\mu, -1, 1)
+ 1)/2` with :math:`s_k = z_k - \max_{j \ne k} z_j` and :math:`\mu` the loss's margin. The
shading strength is a function of :math:`\max_k v_k` alone (:func:`strength`), so a renderer
may interpolate the :math:`v_k` between cells and colour each pixel by the largest: a smooth
boundary from a coarse grid (:data:`GRID` cells per axis). With two classes
:math:`v_0 = 1 - v_1` and only :math:`v_1` is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core import losses
from core._numerics import softmax

#: Classification losses that never pass the logits through a softmax (each card's ``output``
#: is ``"margin"`` or ``"raw"``): their surface shows a score, not a probability.
SCORE_LOSSES: frozenset[str] = frozenset(losses.names("classification", output=("margin", "raw")))

#: Maximum grid resolution per axis (a URL cannot ask for more work than this).
MAX_RESOLUTION = 200
#: Grid cells per axis of every decision surface the pages show (server and browser alike).
GRID = 40


class Classifier(Protocol):
    """What this module needs from a model: raw outputs (logits) ``(n, K)``."""

    def decision_function(self, X: NDArray) -> NDArray: ...


@dataclass(frozen=True)
class Grid:
    """A regular grid over the plane: cell centres ``xs`` (columns) and ``ys`` (rows)."""

    xs: NDArray[np.floating]
    ys: NDArray[np.floating]

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` = ``(len(ys), len(xs))``."""
        return len(self.ys), len(self.xs)

    @property
    def points(self) -> NDArray[np.floating]:
        """Cell centres as ``(rows * columns, 2)``, row-major (``x`` varies fastest)."""
        xx, yy = np.meshgrid(self.xs, self.ys)
        return np.column_stack([xx.ravel(), yy.ravel()])

    @property
    def step(self) -> tuple[float, float]:
        """Cell width and height."""
        return float(self.xs[1] - self.xs[0]), float(self.ys[1] - self.ys[0])


def make_grid(X: ArrayLike, resolution: int = GRID, padding: float = 0.08) -> Grid:
    r"""A ``resolution`` x ``resolution`` grid covering the points ``X`` plus a margin.

    Each axis spans :math:`[\min - \delta, \max + \delta]` with
    :math:`\delta = \text{padding} \cdot (\max - \min)`, so no point sits on the frame.

    Parameters
    ----------
    X
        Points ``(n, 2)``.
    resolution
        Cells per axis, in ``2..MAX_RESOLUTION``.
    padding
        Margin as a fraction of the data range, ``>= 0``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must be points of shape (n, 2) with n >= 1, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite (no NaN or inf)")
    if not 2 <= int(resolution) <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be in 2..{MAX_RESOLUTION}, got {resolution!r}")
    if not padding >= 0:
        raise ValueError(f"padding must be >= 0, got {padding!r}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)  # a single point still gets a grid around it
    lo, hi = lo - padding * span, hi + padding * span
    return Grid(
        xs=np.linspace(lo[0], hi[0], int(resolution)),
        ys=np.linspace(lo[1], hi[1], int(resolution)),
    )


@dataclass(frozen=True)
class DecisionSurface:
    r"""A model's decision surface on a grid.

    Attributes
    ----------
    grid
        The grid; arrays below are flat in ``grid.points`` order.
    label
        Predicted class per cell, :math:`\arg\max_k z_k`.
    probability
        Softmax probability of the predicted class, :math:`\max_k p_k`.
    score
        Margin between the two largest logits, :math:`z_{(1)} - z_{(2)} \ge 0`.
    kind
        ``"probability"`` or ``"score"``: which of the two the picture should show.
    strength
        What the picture shades by, in ``[0, 1]`` (:func:`strength` of :math:`\max_k v_k`):
        for probabilities :math:`(\max_k p_k - 1/K) / (1 - 1/K)`; for scores
        :math:`\min(1, \text{score}/\mu)` with :math:`\mu` the loss's margin (1 by default),
        so full colour = beyond the margin.
    boundary
        Cells whose right or upper neighbour is predicted as another class.
    values
        ``(cells, C)`` the per-class values :math:`v_k` (:func:`surface_values`; ``C = 1``,
        :math:`v_1`, for two classes): what a renderer interpolates.
    """

    grid: Grid
    label: NDArray[np.intp]
    probability: NDArray[np.floating]
    score: NDArray[np.floating]
    kind: str
    strength: NDArray[np.floating]
    boundary: NDArray[np.bool_]
    values: NDArray[np.floating]


def surface_kind(loss_name: str) -> str:
    """``"score"`` for losses that never form a softmax, else ``"probability"``: the loss's card
    (``core.losses.Loss.surface``)."""
    return losses.get(loss_name, "classification").surface


def surface_values(
    z: ArrayLike, kind: str, margin: float = 1.0, *, binary: bool = False
) -> NDArray[np.floating]:
    r"""Per-class values :math:`v_k \in [0, 1]` of logits ``z`` (``(..., K)``), see the module
    docstring; non-finite logits give the undecided :math:`v_k = 1/K` (probability) or
    :math:`1/2` (score), which shade nothing.

    ``binary=True``: ``z`` is ``(..., 1)``, the logit difference :math:`z_1 - z_0` of two
    classes, and the result is :math:`v_1` alone: :math:`\sigma(z_1 - z_0)` or
    :math:`(\mathrm{clip}((z_1 - z_0)/\mu, -1, 1) + 1)/2`.
    """
    if kind not in ("probability", "score"):
        raise ValueError(f"kind must be 'probability' or 'score', got {kind!r}")
    if not margin > 0:
        raise ValueError(f"margin must be > 0, got {margin!r}")
    z = np.asarray(z)
    z = z if z.dtype in (np.float32, np.float64) else z.astype(np.float64)
    k = 2 if binary else z.shape[-1]
    finite = np.all(np.isfinite(z), axis=-1, keepdims=True)
    zf = np.where(finite, z, 0.0)
    if binary:
        with np.errstate(over="ignore"):
            v = (
                1.0 / (1.0 + np.exp(-zf))
                if kind == "probability"
                else (np.clip(zf / margin, -1.0, 1.0) + 1.0) / 2.0
            )
    elif kind == "probability":
        v = softmax(zf, axis=-1)
    else:
        # s_k = z_k - max_{j != k} z_j: the top class's margin over the runner-up, negative
        # for the others
        top2 = np.sort(zf, axis=-1)[..., -2:]
        best_other = np.where(zf >= top2[..., 1:], top2[..., :1], top2[..., 1:])
        v = (np.clip((zf - best_other) / margin, -1.0, 1.0) + 1.0) / 2.0
    return np.where(finite, v, 1.0 / k if kind == "probability" else 0.5)


def strength(vmax: ArrayLike, kind: str, n_classes: int) -> NDArray[np.floating]:
    r"""Shading strength in :math:`[0, 1]` from the top value :math:`\max_k v_k`:
    :math:`(v - 1/K)/(1 - 1/K)` for probabilities, :math:`\mathrm{clip}(2v - 1, 0, 1) =
    \min(1, s/\mu)` for scores (``NaN`` gives 0). The one formula every renderer shades by."""
    v = np.asarray(vmax, dtype=np.float64)
    if kind == "probability":
        s = (v - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
    else:
        s = 2.0 * v - 1.0
    return np.clip(np.nan_to_num(s, nan=0.0), 0.0, 1.0)


def top_two_margin(z: ArrayLike) -> NDArray[np.floating]:
    r"""Margin between the largest and second-largest logit, :math:`z_{(1)} - z_{(2)}`.

    For two classes this is :math:`|z_1 - z_0|`, the binary SVM's :math:`|f(x)|`.
    """
    z = np.asarray(z, dtype=float)
    top2 = np.partition(z, z.shape[1] - 2, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def boundary_cells(label: ArrayLike, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """Cells (flat, row-major) whose right or upper neighbour has another label."""
    lab = np.asarray(label).reshape(shape)
    edge = np.zeros(shape, dtype=bool)
    edge[:, :-1] |= lab[:, :-1] != lab[:, 1:]
    edge[:-1, :] |= lab[:-1, :] != lab[1:, :]
    return edge.ravel()


def decision_surface(
    model: Classifier, grid: Grid, loss_name: str, *, margin: float = 1.0
) -> DecisionSurface:
    r"""Evaluate ``model`` on every cell of ``grid``.

    Parameters
    ----------
    model
        A fitted classifier with ``decision_function``.
    grid
        Where to evaluate it.
    loss_name
        The loss it was trained with; decides whether the picture shows probability or score
        (:func:`surface_kind`).
    margin
        The score at which a score surface reaches full colour (the hinge margin), ``> 0``.

    Non-finite logits (a diverged run) give label ``-1``, ``NaN`` probability and score,
    undecided values and zero strength, rather than an exception.
    """
    if not margin > 0:
        raise ValueError(f"margin must be > 0, got {margin!r}")
    z = np.asarray(model.decision_function(grid.points), dtype=float)
    finite = np.all(np.isfinite(z), axis=1)
    k = z.shape[1]
    label = np.full(len(z), -1, dtype=np.intp)
    prob = np.full(len(z), np.nan)
    score = np.full(len(z), np.nan)
    if finite.any():
        zf = z[finite]
        label[finite] = np.argmax(zf, axis=1)
        prob[finite] = softmax(zf).max(axis=1)
        score[finite] = top_two_margin(zf)
    kind = surface_kind(loss_name)
    if k == 2:  # v_1 alone, from the logit difference
        values = surface_values(z[:, 1:] - z[:, :1], kind, margin, binary=True)
        vmax = np.maximum(values[:, 0], 1.0 - values[:, 0])
    else:
        values = surface_values(z, kind, margin)
        vmax = values.max(axis=1)
    return DecisionSurface(
        grid=grid,
        label=label,
        probability=prob,
        score=score,
        kind=kind,
        strength=np.where(finite, strength(vmax, kind, k), 0.0),
        boundary=boundary_cells(label, grid.shape),
        values=values,
    )


def gradient_magnitude(
    loss_name: str,
    model: Classifier,
    X: ArrayLike,
    y: ArrayLike,
    params: Mapping[str, Any] | None = None,
) -> NDArray[np.floating]:
    r"""Each point's gradient magnitude :math:`\lVert \partial L_i / \partial z_i \rVert_2`.

    This is how hard point :math:`i` pulls on the model under loss :math:`L`: backpropagation
    multiplies it into every weight update. Cross-entropy's :math:`p - Y` is largest for badly
    wrong points; hinge's is exactly zero beyond the margin; MAE's
    :math:`2 p_t (p - Y)` vanishes for points the model is sure are another class.

    Parameters
    ----------
    loss_name
        A registered classification loss.
    model
        A fitted classifier (for example a training snapshot).
    X, y
        Points ``(n, d)`` and their integer labels ``(n,)`` (the labels trained on).
    params
        The loss's hyperparameters (defaults if omitted).

    Returns
    -------
    ndarray
        ``(n,)`` non-negative magnitudes, exactly 0 only where every entry of the gradient is
        0; all ``NaN`` if the model's logits are not finite (a diverged run).

    References
    ----------
    The article “Can cross-entropy do regression, can MSE do classification?”: "which samples
    drive learning".
    """
    loss = losses.get(loss_name, task="classification")
    z = np.asarray(model.decision_function(np.asarray(X)), dtype=float)
    if not np.all(np.isfinite(z)):
        return np.full(len(z), np.nan)
    _, grad = loss(np.asarray(y), z, **dict(params or {}))
    # Scaled by the largest entry first: squaring a tiny gradient (1e-174 at a margin of 400)
    # would underflow to 0 and report a saturated point as exactly zero gradient.
    scale = np.max(np.abs(grad), axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.linalg.norm(grad / safe[:, None], axis=1)


@dataclass(frozen=True)
class Drivers:
    """Summary of who drives learning under one loss.

    Attributes
    ----------
    misclassified_share
        Fraction of the total gradient magnitude carried by misclassified points.
    misclassified_fraction
        Fraction of points that are misclassified.
    idle_fraction
        Fraction of points whose gradient is exactly zero (hinge beyond the margin).
    top_decile_share
        Fraction of the total gradient magnitude carried by the 10% largest.
    flagged_share
        Fraction carried by the flagged points (e.g. those whose label was flipped);
        ``NaN`` when no points are flagged.
    """

    misclassified_share: float
    misclassified_fraction: float
    idle_fraction: float
    top_decile_share: float
    flagged_share: float = np.nan


def drivers(magnitude: ArrayLike, correct: ArrayLike, flagged: ArrayLike | None = None) -> Drivers:
    r"""Who carries the gradient: shares of :math:`\sum_i \lVert g_i \rVert`.

    Parameters
    ----------
    magnitude
        Per-point gradient magnitudes ``(n,)`` (:func:`gradient_magnitude`), ``n >= 1``.
    correct
        Per-point booleans: is the point classified as its (training) label?
    flagged
        Optional per-point booleans, e.g. the ``corrupted`` mask of flipped labels.

    Returns
    -------
    Drivers
        Shares are ``NaN`` when every magnitude is zero or not finite.
    """
    g = np.asarray(magnitude, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if g.ndim != 1 or g.shape != ok.shape or len(g) == 0:
        raise ValueError(
            f"magnitude and correct must be 1-D of the same length >= 1, got {g.shape}, {ok.shape}"
        )
    total = g.sum()
    n = len(g)
    k = max(1, int(np.ceil(0.1 * n)))
    flag = None if flagged is None else np.asarray(flagged, dtype=bool)
    if flag is not None and flag.shape != g.shape:
        raise ValueError(f"flagged must have the shape of magnitude {g.shape}, got {flag.shape}")
    share = top = flagged_share = np.nan
    if np.isfinite(total) and total > 0:
        share = float(g[~ok].sum() / total)
        top = float(np.sort(g)[-k:].sum() / total)
        if flag is not None and flag.any():
            flagged_share = float(g[flag].sum() / total)
    return Drivers(
        misclassified_share=share,
        misclassified_fraction=float(np.mean(~ok)),
        idle_fraction=float(np.mean(g == 0)),
        top_decile_share=top,
        flagged_share=flagged_share,
    )


@dataclass(frozen=True)
class Panel:
    r"""One small multiple of the boundary screen: a model trained with ``loss`` at ``epoch``.

    Attributes
    ----------
    loss
        The loss name.
    epoch
        The training epoch of the snapshot (0 = the common initial weights).
    surface
        The decision surface on the grid.
    gradient
        Per training point :math:`\lVert \partial L_i / \partial z_i \rVert` (``NaN`` if
        the model diverged).
    train_correct, test_correct
        Whether each training point (as labelled for training) / test point is classified
        correctly.
    drivers
        :func:`drivers` of ``gradient`` (flagged = the flipped training labels).
    """

    loss: str
    epoch: int
    surface: DecisionSurface
    gradient: NDArray[np.floating]
    train_correct: NDArray[np.bool_]
    test_correct: NDArray[np.bool_]
    drivers: Drivers

    @property
    def train_accuracy(self) -> float:
        """Accuracy on the training labels (flipped ones included)."""
        return float(np.mean(self.train_correct))

    @property
    def test_accuracy(self) -> float:
        """Accuracy on the clean test split."""
        return float(np.mean(self.test_correct))


def correct(z: ArrayLike, y: ArrayLike) -> NDArray[np.bool_]:
    """Per point: finite logits whose argmax is the label (a diverged model is never right).

    The classes lie along the last axis of ``z``; leading axes (e.g. one per snapshot, as in
    :func:`core.snapshots.evaluate`) broadcast against the labels ``y``.
    """
    z = np.asarray(z)
    return np.all(np.isfinite(z), axis=-1) & (np.argmax(np.nan_to_num(z), axis=-1) == y)


def panel(
    model: Classifier,
    loss_name: str,
    epoch: int,
    grid: Grid,
    X_train: ArrayLike,
    y_train: ArrayLike,
    X_test: ArrayLike,
    y_test: ArrayLike,
    *,
    loss_params: Mapping[str, Any] | None = None,
    flipped: ArrayLike | None = None,
) -> Panel:
    """Everything one small multiple shows for ``model`` (trained with ``loss_name``).

    The surface shades by probability or score (:func:`decision_surface`, with the loss's
    ``margin`` hyperparameter when it has one); gradients are taken under the training loss
    with its hyperparameters, on the labels the model was trained on.
    """
    params = dict(loss_params or {})
    margin = float(params.get("margin", 1.0))
    Xtr, ytr = np.asarray(X_train), np.asarray(y_train)
    Xte, yte = np.asarray(X_test), np.asarray(y_test)
    gradient = gradient_magnitude(loss_name, model, Xtr, ytr, params)
    train_correct = correct(model.decision_function(Xtr), ytr)
    return Panel(
        loss=loss_name,
        epoch=int(epoch),
        surface=decision_surface(model, grid, loss_name, margin=margin),
        gradient=gradient,
        train_correct=train_correct,
        test_correct=correct(model.decision_function(Xte), yte),
        drivers=drivers(np.nan_to_num(gradient, nan=0.0), train_correct, flipped),
    )


def snapshot_epochs(epochs: int, count: int = 12) -> tuple[int, ...]:
    r"""Epochs at which to keep a copy of the model for the scrubber.

    Boundaries change fastest early, so the epochs are spaced geometrically,
    :math:`e_j \approx \text{epochs}^{j/(count-1)}`, rounded and deduplicated; epoch 0 (the
    common initial weights) and the last epoch are always included.

    Parameters
    ----------
    epochs
        Total number of epochs, ``>= 1``.
    count
        Roughly how many snapshots (besides epoch 0), ``>= 2``.
    """
    if int(epochs) < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs!r}")
    if int(count) < 2:
        raise ValueError(f"count must be >= 2, got {count!r}")
    geo = np.geomspace(1, int(epochs), int(count))
    return tuple(sorted({0, *np.round(geo).astype(int).tolist(), int(epochs)}))


__all__ = [
    "GRID",
    "MAX_RESOLUTION",
    "SCORE_LOSSES",
    "Classifier",
    "DecisionSurface",
    "Drivers",
    "Grid",
    "Panel",
    "boundary_cells",
    "correct",
    "decision_surface",
    "drivers",
    "gradient_magnitude",
    "make_grid",
    "panel",
    "snapshot_epochs",
    "strength",
    "surface_kind",
    "surface_values",
    "top_two_margin",
]
