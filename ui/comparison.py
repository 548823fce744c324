"""The comparison pages' cached work: one :class:`core.experiment.Comparison` in, runs,
decision-boundary panels and their frames out.

A comparison (:mod:`core.experiment`) is a frozen, hashable key, so the caches here key on it
and no cache can be handed results that were trained with other settings. Views load a key's
data with :func:`load` (cached), not ``key.load()``.

What the Decision boundaries page and the home page share with the player (:mod:`ui.player`):
their key (:func:`boundary_key`), the runs trained with playback's snapshots
(:func:`fit_runs`), the panels at an epoch (:func:`compute_panels`) and the panels' tables
(cells and points, made only when a CSV button asks: :func:`lazy_frames`).

Usage::

    key = Comparison(data, model, ("cross_entropy", "mse"), params, Corruption("symmetric", 0.2))
    ds = comparison.load(key)           # cached: the data with the corruption applied
    results = train.fit_many(ds, key.configs(dtype="float64"))
"""

from __future__ import annotations

import base64
import functools
import io
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from core import boundaries, datasets, edits, snapshots, train
from core.boundaries import Classifier, Grid, Panel
from core.datasets import Dataset
from core.edits import Edits
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice, corrupt
from core.losses import LossParams
from present import identity
from present.pictures import shade_alpha
from serve import jobs, warmup, workers

#: How ``st.cache_data`` keys the data choices: by their ``repr`` (frozen dataclasses of
#: strings, numbers and tuples, so the text names the value exactly); Streamlit's own hashing
#: walks the objects field by field, which cost more than reading the cached data back.
_BY_REPR = {DataChoice: repr, Corruption: repr}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=_BY_REPR)
def corrupted(data: DataChoice, corruption: Corruption) -> datasets.Dataset:
    """``data`` loaded, with ``corruption`` applied (:func:`core.experiment.corrupt`), cached."""
    return corrupt(data, corruption)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=_BY_REPR)
def edited(data: DataChoice, corruption: Corruption, changes: Edits) -> datasets.Dataset:
    """:func:`corrupted` with a student's ``changes`` applied (:func:`core.edits.apply`)."""
    return edits.apply(corrupted(data, corruption), changes)


def load(key: Comparison) -> datasets.Dataset:
    """``key.load()``, cached: the dataset with the corruption, then the edits, applied to its
    training split."""
    if not key.edits:
        return corrupted(key.data, key.corruption)
    return edited(key.data, key.corruption, key.edits)


def as_loaded(key: Comparison) -> datasets.Dataset:
    """The data the view starts from, before any edit: what the player sends the browser."""
    return corrupted(key.data, key.corruption)


def grid(key: Comparison) -> Grid:
    """The view's surface grid (:data:`core.boundaries.GRID` cells per axis) over its data as
    loaded: edits move no panel's frame, so the browser and the server evaluate the same cells."""
    ds = as_loaded(key)
    return boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), boundaries.GRID)


#: Grid cells per axis of every decision surface (one definition: core.boundaries.GRID).
RESOLUTION = boundaries.GRID
#: Training precision of the boundary runs: float64, core's exact mode, which the browser's
#: engine (``ui/player/engine``) reproduces, so the numbers it trains live and the server's
#: sentences and tables agree (float32's rounding would show other accuracies for hinge).
DTYPE = "float64"
#: A table made when it is asked for (see :func:`lazy_frames`).
Table = Callable[[], pd.DataFrame]


# --------------------------------------------------------------------------- cached work
# The trained runs, their panels and the player's frames are cached with st.cache_resource:
# every session gets the same objects instead of an unpickled copy (st.cache_data pickles a
# value when stored and unpickles it on every read, a cost every cached view would pay again).
# Nothing changes these values after they are made; tests/app/test_shared_cache.py checks
# that pages leave them as trained. st.cache_resource bounds a cache by its entries only, so
# every shared cache here is held to one byte budget as well (:data:`SHARED`, :func:`shared`).


def nbytes(value: Any, _seen: set[int] | None = None) -> int:
    """Bytes of the arrays, byte strings and text held by ``value``, following containers,
    dataclasses and objects' attributes (each object once): what keeping it costs."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        # An array that does not own its memory keeps the buffer it looks into alive: that
        # buffer is counted (once, whichever array holds it). Arrays unpickled from a worker
        # process look into the pickle's bytes.
        base = value.base
        if base is None or not isinstance(base, np.ndarray | bytes | bytearray | memoryview):
            return int(value.nbytes)
        return nbytes(base, seen)
    if isinstance(value, memoryview):
        return int(value.nbytes)
    if isinstance(value, bytes | bytearray | str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(nbytes(k, seen) + nbytes(v, seen) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(nbytes(v, seen) for v in value)
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(deep=True).sum())
    inner = getattr(value, "__dict__", None)
    if inner is not None:
        return nbytes(inner, seen)
    return 0


class SharedBytes:
    """One byte budget for the shared caches (:func:`shared`): each value a cache computes is
    counted; when the count goes over ``cap``, the values used longest ago are dropped from
    their caches (``cached.clear(*args)``) until it is under again. A value larger than
    ``cap`` is returned to its caller but not kept.

    Pinned values (:meth:`pin`: what the warm-up computed, the views a whole room shares)
    count against the same budget but are never dropped, and are held here too, so that a
    cache's own entry limit cannot drop them either; together they take at most
    ``pinned_share`` of the budget. Thread-safe."""

    def __init__(self, cap: int, pinned_share: float = 0.5) -> None:
        self.cap = cap
        self.pinned_share = pinned_share
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[Any, tuple, int]] = OrderedDict()
        self._pinned: dict[tuple, Any] = {}

    @property
    def total(self) -> int:
        """Bytes counted now."""
        with self._lock:
            return sum(n for _, _, n in self._entries.values())

    def kept(self, cache: Any, args: tuple, size: int) -> bool:
        """``cache`` computed ``cache(*args)``, of ``size`` bytes: drop what no longer fits
        (never a pinned value); whether the new value may stay (``False``: larger than the
        budget left beside the pinned values)."""
        drop = []
        with self._lock:
            if size > self.cap - self._pinned_bytes():
                return False
            entry = (id(cache), _hashable(args))
            self._entries[entry] = (cache, args, size)
            self._entries.move_to_end(entry)
            unpinned = (e for e in list(self._entries) if e not in self._pinned)
            while sum(n for _, _, n in self._entries.values()) > self.cap:
                c, a, _ = self._entries.pop(next(unpinned))
                drop.append((c, a))
        for c, a in drop:
            c.clear(*a)
        return True

    def pin(self, cache: Any, args: tuple, value: Any) -> None:
        """Keep ``cache(*args)`` (counted by :meth:`kept`), ``value``, for good, if the pinned
        values' share of the budget leaves room for it."""
        with self._lock:
            entry = (id(cache), _hashable(args))
            if entry in self._pinned or entry not in self._entries:
                return
            if self._pinned_bytes() + self._entries[entry][2] <= self.pinned_share * self.cap:
                self._pinned[entry] = value

    def _pinned_bytes(self) -> int:
        """Bytes of the pinned values (the caller holds the lock)."""
        return sum(self._entries[e][2] for e in self._pinned if e in self._entries)

    def pinned(self, cache: Any, args: tuple) -> Any:
        """The pinned value of ``cache(*args)``, or :data:`NOT_PINNED`."""
        with self._lock:
            return self._pinned.get((id(cache), _hashable(args)), NOT_PINNED)

    def used(self, cache: Any, args: tuple) -> None:
        """``cache(*args)`` was read: it is the most recently used."""
        with self._lock:
            entry = (id(cache), _hashable(args))
            if entry in self._entries:
                self._entries.move_to_end(entry)

    def forget(self) -> None:
        """Count and keep nothing (the caches were cleared)."""
        with self._lock:
            self._entries.clear()
            self._pinned.clear()


#: What :meth:`SharedBytes.pinned` returns for a value it does not hold.
NOT_PINNED = object()


def _hashable(args: tuple) -> Any:
    try:
        hash(args)
        return args
    except TypeError:
        return repr(args)


#: The shared caches' byte budget: the runs, panels and player frames of every boundary view
#: cached at once together hold at most this much (one admitted view keeps far less:
#: ``core.cost.MAX_PEAK``).
SHARED_CAP = 192 * 2**20
SHARED = SharedBytes(SHARED_CAP)


def shared(
    fn: Callable | None = None, *, max_entries: int, show_spinner: bool | str = False
) -> Any:
    """``st.cache_resource`` (shared by reference, at most ``max_entries`` values) whose values
    also count against :data:`SHARED`'s byte budget. Use as
    ``@shared(max_entries=8)``; ``.clear()`` works as Streamlit's."""

    def wrap(f: Callable) -> Callable:
        too_big: set[Any] = set()  # keys of values not to keep (larger than the budget)

        @functools.wraps(f)
        def compute(*args: Any) -> Any:
            jobs.computing()  # a quick look that misses takes its turn with computing views
            value = f(*args)
            if not SHARED.kept(cached, args, nbytes(value)):
                too_big.add(_hashable(args))
            return value

        cached = st.cache_resource(max_entries=max_entries, show_spinner=show_spinner)(compute)

        @functools.wraps(f)
        def call(*args: Any) -> Any:
            value = SHARED.pinned(cached, args)
            if value is not NOT_PINNED:
                return value
            value = cached(*args)
            if _hashable(args) in too_big:
                # Streamlit stored it as it returned: drop it again, it was for this run only
                too_big.discard(_hashable(args))
                cached.clear(*args)
            else:
                SHARED.used(cached, args)
                if warmup.warming():  # a view the whole room shares: no what-if pushes it out
                    SHARED.pin(cached, args, value)
            return value

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap(fn) if fn is not None else wrap


def boundary_key(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: Sequence[str],
    params: LossParams = (),
) -> Comparison:
    """The Decision boundaries page's widgets as one comparison key (the home page's figure
    is one of them): ``flip`` is symmetric label noise."""
    corruption = Corruption("symmetric", float(flip)) if flip > 0 else Corruption()
    return Comparison(data, model, tuple(loss_names), params, corruption)


#: Bytes of kept models per view: every epoch is kept while they fit (a pause anywhere then
#: has its exact panel and table), else :data:`core.snapshots.FRAMES` epochs.
SNAPSHOT_BUDGET = 8 * 2**20


def kept_epochs(key: Comparison) -> tuple[int, ...]:
    """The epochs whose models :func:`fit_runs` keeps: the epochs the page can show exactly
    (:func:`core.snapshots.schedule`, every epoch while :data:`SNAPSHOT_BUDGET` allows)."""
    # the model seed changes no size: one entry serves every seed of a view (a room's what-ifs)
    return _kept_epochs(key.with_seed(0))


@functools.lru_cache(maxsize=64)  # a few tuples of ints per key
def _kept_epochs(key: Comparison) -> tuple[int, ...]:
    sizes = train.layer_sizes(load(key), key.configs()[0])
    n_params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))  # weights and biases
    per_epoch = len(key.losses) * n_params * np.dtype(DTYPE).itemsize
    frames = min(snapshots.MAX_FRAMES, max(snapshots.FRAMES, SNAPSHOT_BUDGET // per_epoch))
    return snapshots.schedule(key.model.epochs, int(frames))


def configs(key: Comparison) -> list[train.TrainConfig]:
    """One config per loss, same everything else, keeping the models of :func:`kept_epochs`."""
    return list(_configs(key))


@functools.lru_cache(maxsize=64)  # a run asks three times (budget, player, Reproduce)
def _configs(key: Comparison) -> tuple[train.TrainConfig, ...]:
    # frozen configs, shared read-only: each one validates its 150-odd snapshot epochs
    return tuple(key.configs(dtype=DTYPE, snapshot_epochs=kept_epochs(key)))


@shared(
    max_entries=8, show_spinner="Training every loss in lockstep from the same initial weights…"
)
def fit_runs(key: Comparison) -> dict[str, train.FitResult]:
    """Train every loss in lockstep (same initial weights and batch order), keep snapshots.

    Cached functions must not draw (Streamlit replays their elements on a hit), so progress
    is the cache's own spinner, shown only when training actually runs.
    """
    results = workers.call(train.fit_many, load(key), configs(key))
    return dict(zip(key.losses, results, strict=True))


def snapshot(result: train.FitResult, epoch: int):
    """The model at ``epoch``: its snapshot, or the last finite model if the run diverged."""
    if epoch in result.snapshots:
        return result.snapshots[epoch]
    return result.model


def epochs(key: Comparison) -> list[int]:
    """The epochs the page can show exactly (those with a kept model), ascending."""
    return sorted(kept_epochs(key))


@shared(max_entries=32)
def compute_panels(key: Comparison, epoch: int) -> list[Panel]:
    """One :class:`core.boundaries.Panel` per loss at ``epoch`` on the view's :func:`grid`,
    from :func:`fit_runs` of the same key (a cache hit: the runs are always those of ``key``):
    the one surface the figure, the sentence and the CSV are made from."""
    ds = load(key)
    runs = fit_runs(key)
    g = grid(key)
    return [
        dataset_panel(snapshot(runs[n], epoch), n, epoch, ds, g, runs[n].config.loss_params)
        for n in key.losses
    ]


def dataset_panel(
    model: Classifier,
    loss_name: str,
    epoch: int,
    ds: Dataset,
    grid: Grid,
    loss_params: Mapping[str, Any] | None = None,
) -> Panel:
    """:func:`core.boundaries.panel` of ``model`` on ``ds``'s splits, the training rows that
    were corrupted marked as flipped."""
    return boundaries.panel(
        model,
        loss_name,
        epoch,
        grid,
        ds.X_train,
        ds.y_train,
        ds.X_test,
        ds.y_test,
        loss_params=loss_params,
        flipped=ds.corrupted,
    )


# --------------------------------------------------------------------------- frames


def class_name(k: int, names: Sequence[str] = ()) -> str:
    """Legend label of class ``k``: its name from an uploaded CSV, else ``class k``."""
    return str(names[k]) if k < len(names) else f"class {k}"


def cells_frame(p: Panel, names: Sequence[str] = ()) -> pd.DataFrame:
    """One row per grid cell: centre, edges, predicted class, probability, score, shading."""
    g = p.surface.grid
    pts = g.points
    dx, dy = g.step
    return pd.DataFrame(
        {
            "loss": p.loss,
            "epoch": p.epoch,
            "x1": pts[:, 0],
            "x2": pts[:, 1],
            "x1_lo": pts[:, 0] - dx / 2,
            "x1_hi": pts[:, 0] + dx / 2,
            "x2_lo": pts[:, 1] - dy / 2,
            "x2_hi": pts[:, 1] + dy / 2,
            "predicted": [class_name(k, names) if k >= 0 else "none" for k in p.surface.label],
            "probability": p.surface.probability,
            "score": p.surface.score,
            "strength": p.surface.strength,
            "boundary": p.surface.boundary,
        }
    )


#: Pixels per grid cell side in :func:`surface_image` (40 cells x 6 = a 240-px map's width).
CELL_PX = 6


def surface_image(p: Panel) -> str:
    r"""The panel's decision surface as one PNG (a ``data:`` URI) instead of a rectangle per
    grid cell: each cell is its predicted class's colour over white at opacity
    :func:`shade_alpha` of its strength (darker = more confident), a :data:`CELL_PX`-pixel
    square, row 0 at the top (largest :math:`x_2`). Cells no class is predicted in (a
    diverged model) are left white. A rectangle per cell is slow for a browser to draw (a
    projector laptop's above all); one image is not, and looks the same."""
    rows, cols = p.surface.grid.shape
    label = np.asarray(p.surface.label).reshape(rows, cols)[::-1]
    alpha = shade_alpha(np.asarray(p.surface.strength).reshape(rows, cols)[::-1])[..., None]
    palette = identity.class_rgb()
    rgb = 255 + (palette[np.maximum(label, 0) % len(palette)] - 255) * alpha
    rgb[label < 0] = 255
    big = np.repeat(np.repeat(rgb.round().astype(np.uint8), CELL_PX, 0), CELL_PX, 1)
    buf = io.BytesIO()
    Image.fromarray(big).save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def surface_extent(p: Panel) -> dict[str, float]:
    """The outer edges of the panel's grid: where :func:`surface_image` is drawn."""
    g = p.surface.grid
    dx, dy = g.step
    return {
        "x1_lo": float(g.xs[0] - dx / 2),
        "x1_hi": float(g.xs[-1] + dx / 2),
        "x2_lo": float(g.ys[0] - dy / 2),
        "x2_hi": float(g.ys[-1] + dy / 2),
    }


def points_frame(
    p: Panel,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    flipped: np.ndarray | None,
    names: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per data point: coordinates, label, split, flipped, correct, gradient magnitude.

    ``weight`` is the gradient magnitude relative to the largest in this panel (what the
    point size shows); test points have no gradient (they do not drive learning).
    """
    g = np.asarray(p.gradient, dtype=float)
    gmax = np.nanmax(g) if np.isfinite(g).any() else 0.0
    weight = g / gmax if gmax > 0 else np.zeros_like(g)
    n_tr, n_te = len(y_train), len(y_test)
    flip = np.zeros(n_tr, bool) if flipped is None else np.asarray(flipped, bool)
    return pd.DataFrame(
        {
            "loss": p.loss,
            "epoch": p.epoch,
            "x1": np.concatenate([X_train[:, 0], X_test[:, 0]]),
            "x2": np.concatenate([X_train[:, 1], X_test[:, 1]]),
            "label": [class_name(int(k), names) for k in np.concatenate([y_train, y_test])],
            "split": ["train"] * n_tr + ["test"] * n_te,
            "flipped": np.concatenate([flip, np.zeros(n_te, bool)]),
            "correct": np.concatenate([p.train_correct, p.test_correct]),
            "grad_norm": np.concatenate([g, np.full(n_te, np.nan)]),
            "weight": np.concatenate([np.nan_to_num(weight), np.zeros(n_te)]),
        }
    )


def panel_frames(ds: Dataset, panels: Sequence[Panel]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells and points frames of ``panels`` on ``ds``, one after another (class names
    from ``ds``: an uploaded CSV's own)."""
    return panel_cells(ds, panels), panel_points(ds, panels)


def panel_cells(ds: Dataset, panels: Sequence[Panel]) -> pd.DataFrame:
    """:func:`cells_frame` of every panel, one after another."""
    return pd.concat([cells_frame(p, ds.class_names) for p in panels], ignore_index=True)


def panel_points(ds: Dataset, panels: Sequence[Panel]) -> pd.DataFrame:
    """:func:`points_frame` of every panel, one after another."""
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test, ds.corrupted)
    return pd.concat([points_frame(p, *xy, ds.class_names) for p in panels], ignore_index=True)


def lazy_frames(key: Comparison, epoch: int) -> tuple[Table, Table]:
    """The cells and the points frame at ``epoch`` as two functions that make each when
    called: a CSV button calls one on its click, so a view builds no grid rows nobody
    downloads. They hold the view's data and panels (shared, see above), so a click after
    the caches moved on never trains again outside the page's turn."""
    ds, panels = load(key), compute_panels(key, epoch)
    return (lambda: panel_cells(ds, panels)), (lambda: panel_points(ds, panels))
