"""Decision-boundary small multiples: one Altair chart per loss, laid out in columns.

The numbers come from :func:`core.boundaries.panel`; this module only turns a panel into tidy
frames (also offered as CSV) and draws them: the predicted class shaded by probability (or by
score for margin losses), the boundary, training points (sized by how hard they pull on the
model when "who drives learning" is on), hollow test points, and a black x over every point
whose training label was flipped.
"""

from __future__ import annotations

import base64
import io
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from core import boundaries, snapshots, train
from core.boundaries import Classifier, Grid, Panel
from core.datasets import Dataset
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice
from core.losses import LossParams
from serve import workers
from ui import identity, wording
from ui.comparison import load

#: An "x" drawn as an SVG path (Vega-Lite's "cross" is a plus sign).
X_MARK = "M-1,-1L1,1M-1,1L1,-1"
HEIGHT = 300
#: Grid cells per axis: fine enough for a smooth boundary, small enough to draw quickly.
RESOLUTION = 60
#: Training precision for the boundary pictures (float32 is ~2x faster; the picture is the same).
DTYPE = "float32"
#: A table made when it is asked for (see :func:`lazy_frames`).
Table = Callable[[], pd.DataFrame]


# --------------------------------------------------------------------------- cached work
# The trained runs, their panels and the player's frames are cached with st.cache_resource:
# every session gets the same objects instead of an unpickled copy (st.cache_data pickles a
# value when stored and unpickles it on every read: 0.07 s of a new view, half of a cached
# home view's script). Nothing changes these values after they are made;
# tests/app/test_shared_cache.py checks that pages leave them as trained.


def comparison(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: Sequence[str],
    params: LossParams = (),
) -> Comparison:
    """The page's widgets as one comparison key: ``flip`` is symmetric label noise."""
    corruption = Corruption("symmetric", float(flip)) if flip > 0 else Corruption()
    return Comparison(data, model, tuple(loss_names), params, corruption)


def configs(key: Comparison) -> list[train.TrainConfig]:
    """One config per loss, same everything else, with the scrubber's snapshot epochs."""
    snaps = snapshots.schedule(key.model.epochs)  # playback's frames (ui.player)
    return key.configs(dtype=DTYPE, snapshot_epochs=snaps)


#: Trained runs (their snapshots) up to this size are shared (see the note above); larger
#: ones, e.g. many losses of a 3 x 256 network (up to ~0.5 GB), are cached pickled, under
#: the byte cap of ``server.maxCacheDataSize``, so no set of links can grow memory unbounded.
SHARED_BYTES = 16 * 2**20
_SPINNER = "Training every loss in lockstep from the same initial weights…"


def fit_runs(key: Comparison) -> dict[str, train.FitResult]:
    """Train every loss in lockstep (same initial weights and batch order), keep snapshots.

    Cached functions must not draw (Streamlit replays their elements on a hit), so progress
    is the cache's own spinner, shown only when training actually runs.
    """
    if snapshot_bytes(key) <= SHARED_BYTES:
        return _fit_runs_shared(key)
    return _fit_runs_copied(key)


def snapshot_bytes(key: Comparison) -> int:
    """Bytes of the snapshots :func:`fit_runs` keeps: losses x snapshots x parameters."""
    sizes = train.layer_sizes(load(key), configs(key)[0])
    n_params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))  # weights and biases
    n_snapshots = len(snapshots.schedule(key.model.epochs)) + 1  # and the final model
    return len(key.losses) * n_snapshots * n_params * np.dtype(DTYPE).itemsize


def _train(key: Comparison) -> dict[str, train.FitResult]:
    results = workers.call(train.fit_many, load(key), configs(key))
    return dict(zip(key.losses, results, strict=True))


_fit_runs_shared = st.cache_resource(max_entries=8, show_spinner=_SPINNER)(_train)
_fit_runs_copied = st.cache_data(max_entries=8, show_spinner=_SPINNER)(_train)


def snapshot(result: train.FitResult, epoch: int):
    """The model at ``epoch``: its snapshot, or the last finite model if the run diverged."""
    if epoch in result.snapshots:
        return result.snapshots[epoch]
    return result.model


def epochs(key: Comparison) -> list[int]:
    """The epochs the scrubber offers (those with a snapshot), ascending."""
    return sorted(snapshots.schedule(key.model.epochs))


@st.cache_resource(max_entries=32, show_spinner=False)
def compute_panels(key: Comparison, epoch: int, resolution: int = RESOLUTION) -> list[Panel]:
    """One :class:`core.boundaries.Panel` per loss at ``epoch``, from :func:`fit_runs` of
    the same key (a cache hit: the runs are always those of ``key``)."""
    ds = load(key)
    runs = fit_runs(key)
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), resolution)
    return [
        dataset_panel(snapshot(runs[n], epoch), n, epoch, ds, grid, runs[n].config.loss_params)
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


# --------------------------------------------------------------------------- takeaway


#: Losses whose exact zeros come from a margin (a point beyond it gives no gradient).
MARGIN_LOSSES = frozenset({"hinge", "squared_hinge", "multi_margin"})


def _extremes(values: dict[str, float], fmt: str) -> tuple[list[str], list[str]] | None:
    """The losses at the top and at the bottom of ``values`` (ties as printed with ``fmt``);
    ``None`` when every value prints the same."""
    hi, lo = max(values.values()), min(values.values())
    if wording.same(hi, lo, fmt):
        return None
    top = [n for n, v in values.items() if wording.same(v, hi, fmt)]
    bottom = [n for n, v in values.items() if wording.same(v, lo, fmt)]
    return top, bottom


def _who(losses: Sequence[str]) -> str:
    return wording.names([identity.short(n) for n in losses])


def _idle_sentences(panels: Sequence[Panel]) -> list[str]:
    """Which losses leave training points with exactly zero gradient, and why: beyond the
    margin (margin losses) or a saturated softmax (the others); the losses under which every
    point still pulls are named as the contrast."""
    idle = {p.loss: p.drivers.idle_fraction for p in panels}
    out = []
    idle_now = [n for n, x in idle.items() if x > 0]
    for group, why in (
        ([n for n in idle_now if n in MARGIN_LOSSES], "they are beyond the margin"),
        ([n for n in idle_now if n not in MARGIN_LOSSES], "the softmax has saturated there"),
    ):
        if not group:
            continue
        shares = wording.names([wording.share(idle[n]) for n in group])
        out.append(
            f"Under {_who(group)}, {shares} of the training points give exactly zero gradient "
            f"({why})."
        )
    pulling = [n for n, x in idle.items() if x == 0]
    if out and pulling:
        out.append(f"Under {_who(pulling)} every training point still pulls on the model.")
    return out


def takeaway(
    panels: Sequence[Panel],
    flipped: bool,
    diverged: dict[str, int | None] | None = None,
) -> str:
    """The computed "what you are seeing" sentence for the boundary small multiples.

    Cases: one loss; every loss at the same (printed) test accuracy; runs that diverged by
    this epoch (named, not ranked: their last finite model is no trained result); ties at the
    top or bottom (all tied losses named); exact-zero gradients explained by the margin only
    for margin losses (elsewhere a saturated softmax); gradient shares compared only when they
    differ as printed.
    """
    diverged = diverged or {}
    epoch = panels[0].epoch if panels else 0
    gone = [
        p.loss for p in panels if diverged.get(p.loss) is not None and epoch >= diverged[p.loss]
    ]
    ranked = [p for p in panels if p.loss not in gone]
    parts: list[str] = []
    if not ranked:
        parts.append(f"At epoch {epoch} every run has diverged: lower the learning rate.")
    elif len(ranked) == 1:
        p = ranked[0]
        parts.append(
            f"At epoch {epoch}, {identity.short(p.loss)} reaches {wording.pct(p.test_accuracy)} "
            "test accuracy."
        )
    else:
        acc = {p.loss: p.test_accuracy for p in ranked}
        ends = _extremes(acc, ".1%")
        if ends is None:
            some = "every loss" if not gone else "every loss that did not diverge"
            parts.append(
                f"At epoch {epoch} {some} scores {wording.pct(ranked[0].test_accuracy)} on the "
                "test points."
            )
        else:
            top, bottom = ends
            best, worst = acc[top[0]], acc[bottom[0]]
            if len(ranked) == 2:
                parts.append(
                    f"At epoch {epoch}, {_who(top)} scores {wording.pct(best)} on the test points "
                    f"and {_who(bottom)} {wording.pct(worst)}."
                )
            else:
                parts.append(
                    f"At epoch {epoch}, {_who(top)} {'score' if len(top) > 1 else 'scores'} best "
                    f"({wording.pct(best)} on the test points) and {_who(bottom)} worst "
                    f"({wording.pct(worst)})."
                )
    if gone:
        parts.append(
            "Diverged (last finite model shown, not ranked): "
            + ", ".join(f"{identity.short(n)} at epoch {diverged[n]}" for n in gone)
            + "."
        )
    if ranked:
        parts.extend(_idle_sentences(ranked))
    if flipped:
        field, what, only = "flagged_share", "The flipped points carry", "but only"
    else:
        field, what, only = "misclassified_share", "Misclassified training points carry", "but"
    shares = {p.loss: getattr(p.drivers, field) for p in ranked}
    shares = {n: v for n, v in shares.items() if np.isfinite(v)}
    relevant = flipped or any(
        p.drivers.misclassified_fraction > 0 for p in ranked if p.loss in shares
    )
    if len(shares) >= 2 and relevant:
        ends = _extremes(shares, ".0%")
        if ends is None:
            v = next(iter(shares.values()))
            parts.append(f"{what} {wording.share(v)} of every loss's gradient.")
        else:
            top, bottom = ends
            parts.append(
                f"{what} {wording.share(shares[top[0]])} of {_who(top)}'s gradient {only} "
                f"{wording.share(shares[bottom[0]])} of {_who(bottom)}'s."
            )
    return " ".join(parts)


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


#: Pixels per grid cell side in :func:`surface_image` (60 cells x 4 = a 240-px map's width).
CELL_PX = 4


def surface_image(p: Panel) -> str:
    r"""The panel's decision surface as one PNG (a ``data:`` URI) instead of a rectangle per
    grid cell: each cell is its predicted class's colour over white at opacity
    :math:`0.1 + 0.5\,s` (:math:`s` the cell's strength, darker = more confident), a
    :data:`CELL_PX`-pixel square, row 0 at the top (largest :math:`x_2`). Cells no class is
    predicted in (a diverged model) are left white. 3,600 rectangles cost the browser seconds
    to draw on a projector laptop; one image costs nothing and looks the same."""
    rows, cols = p.surface.grid.shape
    label = np.asarray(p.surface.label).reshape(rows, cols)[::-1]
    alpha = (0.1 + 0.5 * np.asarray(p.surface.strength).reshape(rows, cols)[::-1])[..., None]
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


# --------------------------------------------------------------------------- page text and table


def caption(ds, model: ModelChoice) -> str:
    """The line under the controls: data size, classes, model, same start."""
    return (
        f"{ds.title}: {len(ds.y_train)} training / {len(ds.y_test)} test points, "
        f"{ds.n_classes} classes · {model.describe} · the same initial weights for every loss"
    )


def divergence_notes(runs: dict[str, train.FitResult], lr: float) -> list[str]:
    """One warning per diverged run: when, and that its last finite model is shown."""
    return [
        f"{identity.title(n)} diverged at epoch {r.diverged_epoch} (learning rate {lr:g} is "
        "too high for it); its last finite model is shown."
        for n, r in runs.items()
        if r.diverged
    ]


def never(epoch: int | None) -> str:
    """A table cell for "diverged at epoch": the epoch, or "never" (no ``None`` on screen)."""
    return "never" if epoch is None else str(int(epoch))


def summary_frame(panels: Sequence[Panel], runs: dict[str, train.FitResult]) -> pd.DataFrame:
    """The table under the panels: accuracies and who drives learning, one row per loss."""
    table = pd.DataFrame(
        {
            "loss": [identity.title(p.loss) for p in panels],
            "epoch": [p.epoch for p in panels],
            "test accuracy": [p.test_accuracy for p in panels],
            "train accuracy": [p.train_accuracy for p in panels],
            "zero-gradient points": [p.drivers.idle_fraction for p in panels],
            "gradient share of misclassified": [p.drivers.misclassified_share for p in panels],
            "gradient share of flipped": [p.drivers.flagged_share for p in panels],
            "diverged at epoch": [never(runs[p.loss].diverged_epoch) for p in panels],
        }
    )
    # without flipped labels the column would be empty: leave it out rather than show blanks
    if table["gradient share of flipped"].isna().all():
        table = table.drop(columns="gradient share of flipped")
    return table


#: Columns of :func:`summary_frame` shown as percentages.
PERCENT_COLUMNS = (
    "test accuracy",
    "train accuracy",
    "zero-gradient points",
    "gradient share of misclassified",
    "gradient share of flipped",
)


def styled_summary(table: pd.DataFrame) -> Any:
    """:func:`summary_frame` for :func:`ui.frame.table`: shares as percentages, "—" where a share is
    undefined (no gradient at all), never ``None``; the numbers stay numbers."""
    cols = [c for c in PERCENT_COLUMNS if c in table]
    return table.style.format("{:.1%}", subset=cols, na_rep="—").hide(axis="index")


SHADING_NOTE = (
    "Shading: predicted class, darker = more confident (probability; for margin losses the "
    "score up to the margin). Dark cells: the boundary. Filled dots: training points; "
    "hollow triangles: test points; black x: flipped label."
)
