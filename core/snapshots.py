r"""Training snapshots for playback: which epochs to keep, and what each one shows.

Playback (``ui.player``) draws every loss's decision surface and "who drives learning" dot
sizes at each kept epoch, in the browser, from numbers computed once here with the training.
Two things live in this module so that no page decides them:

:func:`schedule`
    The epochs to snapshot: every epoch while training is short, otherwise about
    :data:`FRAMES` epochs spaced quadratically (:math:`e_j = \mathrm{round}(E\,(j/(N-1))^2)`),
    so consecutive frames are one epoch apart at the start, where boundaries move most, and
    :math:`\approx 2E/N` apart at the end. The scrubber's older geometric schedule
    (:func:`core.boundaries.snapshot_epochs` with 12) is always included, so links written
    before playback (``?epoch=…``) still name a snapshot.
:func:`evaluate`
    Every snapshot of one run on a grid in a few stacked matrix products (the snapshots are
    stacked along a leading model axis, as :mod:`core.train` trains losses in lockstep), the
    per-class surface values quantised to bytes, each training point's gradient magnitude
    :math:`\lVert \partial L_i / \partial z_i \rVert_2` relative to the largest in the frame,
    and train/test accuracy per frame.

Surface values (what the browser interpolates and colours): for a *probability* surface the
softmax probabilities :math:`p_k`; for a *score* surface (margin losses, see
:func:`core.boundaries.surface_kind`) :math:`v_k = (\mathrm{clip}(s_k/\mu, -1, 1) + 1)/2` with
:math:`s_k = z_k - \max_{j \ne k} z_j` and :math:`\mu` the loss's margin. Either way the
predicted class is :math:`\arg\max_k v_k` and the shading strength is a function of
:math:`\max_k v_k` alone (:func:`strength`), so interpolating the :math:`v_k` between grid points
and colouring each screen pixel gives a smooth boundary from a coarse grid. With two classes
:math:`v_0 = 1 - v_1`, so only :math:`v_1` is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from threadpoolctl import ThreadpoolController

from core import losses
from core._numerics import softmax
from core.boundaries import Grid, correct, snapshot_epochs, surface_kind
from core.models import MLP, _act, forward

__all__ = [
    "FRAMES",
    "LEVELS",
    "MAX_FRAMES",
    "Frames",
    "evaluate",
    "nearest",
    "quantize",
    "schedule",
    "strength",
    "surface_values",
]

#: Target number of snapshots per run (the browser plays them at 15 per second: ~5 s).
FRAMES = 80
#: No schedule is longer than this (bounds the bytes shipped per view).
MAX_FRAMES = 100
#: Quantisation levels of a byte.
LEVELS = 255
#: Snapshots evaluated per stacked product (bounds the memory of one product to a few MB).
CHUNK = 16


def schedule(epochs: int, frames: int = FRAMES) -> tuple[int, ...]:
    r"""The epochs to snapshot for playback, denser early.

    All of :math:`0..E` when :math:`E + 1 \le` ``frames``; otherwise the rounded
    :math:`E (j / (N-1))^2` for the smallest :math:`N \ge` ``frames`` that gives at least
    ``frames`` distinct epochs together with :func:`core.boundaries.snapshot_epochs` ``(E, 12)``
    (kept so that older links still name a snapshot). Always contains 0 and :math:`E`; at most
    :data:`MAX_FRAMES` epochs.

    Parameters
    ----------
    epochs
        Total epochs :math:`E`, ``>= 1``.
    frames
        Target count, in ``2..MAX_FRAMES - 12`` (the older schedule may add up to 12).
    """
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    if not isinstance(frames, int | np.integer) or not 2 <= frames <= MAX_FRAMES - 12:
        raise ValueError(f"frames must be an integer in 2..{MAX_FRAMES - 12}, got {frames!r}")
    epochs, frames = int(epochs), int(frames)
    if epochs + 1 <= frames:
        return tuple(range(epochs + 1))
    legacy = set(snapshot_epochs(epochs, 12))
    n = frames
    while True:
        u = np.linspace(0.0, 1.0, n)
        chosen = legacy | set(np.round(epochs * u * u).astype(int).tolist())
        if len(chosen) >= frames:
            return tuple(sorted(chosen))
        n += 1


def nearest(epochs: Sequence[int], epoch: int) -> int:
    """The epoch of ``epochs`` closest to ``epoch`` (the earlier one on a tie)."""
    if not len(epochs):
        raise ValueError("epochs must not be empty")
    e = np.asarray(epochs)
    return int(e[np.argmin(np.abs(e - int(epoch)))])


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
    :math:`(v - 1/K)/(1 - 1/K)` for probabilities (as :func:`core.boundaries.decision_surface`),
    :math:`\mathrm{clip}(2v - 1, 0, 1) = \min(1, s/\mu)` for scores."""
    v = np.asarray(vmax, dtype=np.float64)
    if kind == "probability":
        s = (v - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
    else:
        s = 2.0 * v - 1.0
    return np.clip(s, 0.0, 1.0)


def quantize(x: ArrayLike) -> NDArray[np.uint8]:
    """Values in ``[0, 1]`` as bytes ``round(255 x)`` (NaN as 0)."""
    x = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0)
    return np.round(np.clip(x, 0.0, 1.0) * LEVELS).astype(np.uint8)


@dataclass(frozen=True)
class Frames:
    r"""One run's snapshots, ready to ship.

    Attributes
    ----------
    epochs
        ``(F,)`` the epoch of each frame.
    values
        ``(F, rows, cols, C)`` bytes: the quantised surface values, ``C = 1`` (:math:`v_1`)
        for two classes, else ``C = K``; rows bottom to top as ``grid.ys``.
    weight
        ``(F, n_train)`` bytes: :math:`\lVert g_i \rVert / \max_j \lVert g_j \rVert` per
        training point and frame (0 when every gradient is 0 or not finite).
    gradient
        ``(F, n_train)`` the gradient magnitudes themselves.
    train_accuracy, test_accuracy
        ``(F,)`` as :attr:`core.boundaries.Panel.train_accuracy` / ``test_accuracy``.
    kind
        ``"probability"`` or ``"score"``.
    """

    epochs: NDArray[np.int64]
    values: NDArray[np.uint8]
    weight: NDArray[np.uint8]
    gradient: NDArray[np.floating]
    train_accuracy: NDArray[np.float64]
    test_accuracy: NDArray[np.float64]
    kind: str

    @property
    def nbytes(self) -> int:
        """Bytes of the two arrays that are shipped per frame (values and weights)."""
        return int(self.values.nbytes + self.weight.nbytes)


_BLAS: ThreadpoolController | None = None


def _grid_logits(models: Sequence[MLP], grid: Grid) -> NDArray:
    """Logits ``(F, rows * cols, K)`` of every model on the grid, in ``grid.points`` order.

    BLAS runs single-threaded here, as in training: these products are small, and a BLAS
    thread pool competing with other sessions on 2 cores is several times slower.
    """
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas"):
        out = [_chunk_logits(models[s : s + CHUNK], grid) for s in range(0, len(models), CHUNK)]
    return np.concatenate(out)


def _point_logits(models: Sequence[MLP], X: NDArray) -> NDArray:
    """Logits ``(F, n, K)`` of every model on the points ``X``, stacked products."""
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    X = np.asarray(X, dtype=models[0].dtype)
    out = []
    with _BLAS.limit(limits=1, user_api="blas"):
        for s in range(0, len(models), CHUNK):
            chunk = models[s : s + CHUNK]
            params = [np.stack([m.params[i] for m in chunk]) for i in range(len(chunk[0].params))]
            params = [p if i % 2 == 0 else p[:, None, :] for i, p in enumerate(params)]
            out.append(forward(params, X, chunk[0].activation)[0])
    return np.concatenate(out)


def _chunk_logits(models: Sequence[MLP], grid: Grid) -> NDArray:
    # first layer on a grid: z = x W[0] + y W[1] + b, an outer sum of a row term and a column
    # term (no product over the rows * cols points at all)
    dtype = models[0].dtype
    params = [np.stack([m.params[i] for m in models]) for i in range(len(models[0].params))]
    W, b = params[0], params[1]
    xs, ys = grid.xs.astype(dtype), grid.ys.astype(dtype)
    col = xs[None, :, None] * W[:, None, 0, :]  # (m, cols, h)
    row = ys[None, :, None] * W[:, None, 1, :] + b[:, None, :]  # (m, rows, h)
    z = (row[:, :, None, :] + col[:, None, :, :]).reshape(len(models), -1, W.shape[-1])
    rest = [p if i % 2 == 0 else p[:, None, :] for i, p in enumerate(params[2:])]
    if not rest:
        return z
    out, _ = forward(rest, _act(models[0].activation, z), models[0].activation)
    return out


def evaluate(
    snapshots: Mapping[int, MLP],
    epochs: Sequence[int],
    fallback: MLP,
    loss_name: str,
    grid: Grid,
    X_train: ArrayLike,
    y_train: ArrayLike,
    X_test: ArrayLike,
    y_test: ArrayLike,
    *,
    loss_params: Mapping[str, Any] | None = None,
) -> Frames:
    """Every frame of one run: surface values, dot weights and accuracies.

    Parameters
    ----------
    snapshots
        ``{epoch: model}`` kept during training (``FitResult.snapshots``).
    epochs
        The frames' epochs; one missing from ``snapshots`` (the run diverged before it) shows
        ``fallback``, the last finite model, as the scrubber does.
    loss_name, loss_params
        The training loss: decides probability or score shading (with its ``margin``) and
        gives the gradients, taken on the labels trained on.
    grid
        Where to evaluate the surface.
    """
    if not len(epochs):
        raise ValueError("epochs must not be empty")
    params = dict(loss_params or {})
    margin = float(params.get("margin", 1.0))
    kind = surface_kind(loss_name)
    models = [snapshots.get(int(e), fallback) for e in epochs]
    Xtr, ytr = np.asarray(X_train), np.asarray(y_train)
    Xte, yte = np.asarray(X_test), np.asarray(y_test)
    n_tr = len(ytr)
    rows, cols = grid.shape
    # the picture from the grid's outer sums; the numbers (accuracy, gradients) from stacked
    # products, which compute every model exactly as its own decision_function does (as
    # core.train's lockstep training relies on; tested against the boundary panels)
    z_grid = _grid_logits(models, grid)
    z_pts = _point_logits(models, np.vstack([Xtr, Xte]))
    z_tr, z_te = z_pts[:, :n_tr], z_pts[:, n_tr:]
    k = z_grid.shape[-1]
    if k == 2:  # v_1 alone, from the logit difference (the same numbers, less work)
        v = surface_values(z_grid[..., 1:] - z_grid[..., :1], kind, margin, binary=True)
    else:
        v = surface_values(z_grid, kind, margin)
    values = quantize(v).reshape(len(models), rows, cols, v.shape[-1])

    loss = losses.get(loss_name, task="classification")
    zt = np.asarray(z_tr, dtype=np.float64)
    finite = np.all(np.isfinite(zt), axis=(1, 2))
    gradient = np.full((len(models), n_tr), np.nan)
    if finite.any():
        _, g = loss(np.tile(ytr, int(finite.sum())), zt[finite].reshape(-1, k), **params)
        gradient[finite] = np.linalg.norm(g, axis=1).reshape(-1, n_tr)
    gmax = np.nanmax(np.where(np.isfinite(gradient), gradient, np.nan), axis=1, initial=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(gmax[:, None] > 0, gradient / gmax[:, None], 0.0)

    return Frames(
        epochs=np.asarray(epochs, dtype=np.int64),
        values=values,
        weight=quantize(rel),
        gradient=gradient,
        train_accuracy=correct(z_tr, ytr).mean(axis=1),
        test_accuracy=correct(z_te, yte).mean(axis=1),
        kind=kind,
    )
