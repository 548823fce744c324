"""Decision-boundary small multiples: one Altair chart per loss, laid out in columns.

The numbers come from :func:`core.boundaries.panel`; this module only turns a panel into tidy
frames (also offered as CSV) and draws them: the predicted class shaded by probability (or by
score for margin losses), the boundary, training points (sized by how hard they pull on the
model when "who drives learning" is on), hollow test points, and a black x over every point
whose training label was flipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import boundaries, datasets, train
from core.boundaries import Panel
from ui import charts
from ui.controls import DataChoice, LossParams, ModelChoice, params_for, short_label

#: An "x" drawn as an SVG path (Vega-Lite's "cross" is a plus sign).
X_MARK = "M-1,-1L1,1M-1,1L1,-1"
HEIGHT = 300
#: Grid cells per axis: fine enough for a smooth boundary, small enough to draw quickly.
RESOLUTION = 60
#: Roughly how many snapshots the epoch scrubber offers.
SNAPSHOTS = 12
#: Training precision for the boundary pictures (float32 is ~2x faster; the picture is the same).
DTYPE = "float32"


# --------------------------------------------------------------------------- cached work


@st.cache_data(max_entries=16, show_spinner=False)
def load_data(data: DataChoice, flip: float) -> datasets.Dataset:
    """The dataset with ``flip`` of its training labels flipped (symmetric noise)."""
    ds = data.load()
    if flip > 0:
        ds = datasets.add_label_noise(ds, flip, kind="symmetric", seed=data.kwargs.get("seed", 0))
    return ds


def configs(
    model: ModelChoice, loss_names: Sequence[str], params: LossParams = ()
) -> list[train.TrainConfig]:
    """One config per loss, same everything else, with the scrubber's snapshot epochs."""
    snaps = boundaries.snapshot_epochs(model.epochs, SNAPSHOTS)
    return [
        model.config(n, params_for(params, n), dtype=DTYPE, snapshot_epochs=snaps)
        for n in loss_names
    ]


@st.cache_data(
    max_entries=8, show_spinner="Training every loss in lockstep from the same initial weights…"
)
def fit_runs(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: tuple[str, ...],
    params: LossParams = (),
) -> dict[str, train.FitResult]:
    """Train every loss in lockstep (same initial weights and batch order), keep snapshots.

    Cached functions must not draw (Streamlit replays their elements on a hit), so progress
    is the cache's own spinner, shown only when training actually runs.
    """
    ds = load_data(data, flip)
    results = train.fit_many(ds, configs(model, loss_names, params))
    return dict(zip(loss_names, results, strict=True))


def snapshot(result: train.FitResult, epoch: int):
    """The model at ``epoch``: its snapshot, or the last finite model if the run diverged."""
    if epoch in result.snapshots:
        return result.snapshots[epoch]
    return result.model


@st.cache_data(max_entries=32, show_spinner=False)
def compute_panels(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: tuple[str, ...],
    epoch: int,
    _runs: dict[str, train.FitResult],
    resolution: int = RESOLUTION,
    params: LossParams = (),
) -> list[Panel]:
    """One :class:`core.boundaries.Panel` per loss at ``epoch``.

    ``_runs`` is :func:`fit_runs` of the same arguments (not hashed: the other arguments
    already identify it).
    """
    ds = load_data(data, flip)
    runs = _runs
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), resolution)
    return [
        boundaries.panel(
            snapshot(runs[n], epoch),
            n,
            epoch,
            grid,
            ds.X_train,
            ds.y_train,
            ds.X_test,
            ds.y_test,
            loss_params=runs[n].config.loss_params,
            flipped=ds.corrupted,
        )
        for n in loss_names
    ]


# --------------------------------------------------------------------------- takeaway


def takeaway(panels: Sequence[Panel], flipped: bool) -> str:
    """The computed "what you are seeing" sentence for the boundary small multiples."""
    ranked = sorted(panels, key=lambda p: p.test_accuracy, reverse=True)
    best, worst = ranked[0], ranked[-1]
    epoch = best.epoch
    if len(ranked) == 1:
        text = (
            f"At epoch {epoch}, {short_label(best.loss)} reaches {best.test_accuracy:.1%} "
            "test accuracy."
        )
    elif best.test_accuracy == worst.test_accuracy:
        text = f"At epoch {epoch} every loss scores {best.test_accuracy:.1%} on the test points."
    else:
        text = (
            f"At epoch {epoch}, {short_label(best.loss)} scores {best.test_accuracy:.1%} on the "
            f"test points and {short_label(worst.loss)} {worst.test_accuracy:.1%}."
        )
    idle = max(panels, key=lambda p: p.drivers.idle_fraction)
    if idle.drivers.idle_fraction > 0:
        text += (
            f" Under {short_label(idle.loss)}, {idle.drivers.idle_fraction:.0%} of the training "
            "points give exactly zero gradient (they are beyond the margin)."
        )
    if flipped:
        shares = [
            (p.drivers.flagged_share, p) for p in panels if np.isfinite(p.drivers.flagged_share)
        ]
        if len(shares) >= 2:
            hi, lo = max(shares, key=lambda t: t[0]), min(shares, key=lambda t: t[0])
            text += (
                f" The flipped points carry {hi[0]:.0%} of {short_label(hi[1].loss)}'s gradient "
                f"but only {lo[0]:.0%} of {short_label(lo[1].loss)}'s."
            )
    else:
        wrong = [p for p in panels if np.isfinite(p.drivers.misclassified_share)]
        if len(wrong) >= 2 and any(p.drivers.misclassified_fraction > 0 for p in wrong):
            hi = max(wrong, key=lambda p: p.drivers.misclassified_share)
            lo = min(wrong, key=lambda p: p.drivers.misclassified_share)
            text += (
                f" Misclassified training points carry {hi.drivers.misclassified_share:.0%} of "
                f"{short_label(hi.loss)}'s gradient but {lo.drivers.misclassified_share:.0%} of "
                f"{short_label(lo.loss)}'s."
            )
    return text


def class_name(k: int) -> str:
    """Legend label of class ``k``."""
    return f"class {k}"


def cells_frame(p: Panel) -> pd.DataFrame:
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
            "predicted": [class_name(k) if k >= 0 else "none" for k in p.surface.label],
            "probability": p.surface.probability,
            "score": p.surface.score,
            "strength": p.surface.strength,
            "boundary": p.surface.boundary,
        }
    )


def points_frame(
    p: Panel,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    flipped: np.ndarray | None,
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
            "label": [class_name(int(k)) for k in np.concatenate([y_train, y_test])],
            "split": ["train"] * n_tr + ["test"] * n_te,
            "flipped": np.concatenate([flip, np.zeros(n_te, bool)]),
            "correct": np.concatenate([p.train_correct, p.test_correct]),
            "grad_norm": np.concatenate([g, np.full(n_te, np.nan)]),
            "weight": np.concatenate([np.nan_to_num(weight), np.zeros(n_te)]),
        }
    )


def panel_title(p: Panel, diverged_epoch: int | None) -> str:
    """Facet header in three short lines (``|`` separates them): the loss, its test accuracy
    and what the shading shows. Short, so the header never widens the panel."""
    if diverged_epoch is not None and p.epoch >= diverged_epoch:
        numbers = f"diverged at epoch {diverged_epoch}"
    else:
        numbers = f"test accuracy {p.test_accuracy:.1%}"
    shade = "shading: score" if p.surface.kind == "score" else "shading: probability"
    return f"{short_label(p.loss)}|{numbers}|{shade}"


def facet_width(n_panels: int, columns: int = 4) -> int:
    """Pixel width of one square panel so a row (plus the y axis) fits the main column of a
    wide Streamlit page on a 1400 px screen with the sidebar open (about 880 px)."""
    return int(min(300, (860 // min(columns, max(1, n_panels))) - 12))


def boundaries_chart(
    cells: pd.DataFrame,
    points: pd.DataFrame,
    titles: dict[str, str],
    *,
    n_classes: int,
    drive: bool,
    columns: int = 4,
) -> alt.FacetChart:
    """All panels as one faceted chart (one spec for any number of losses: fast to draw).

    Parameters
    ----------
    cells, points
        :func:`cells_frame` and :func:`points_frame` of every panel, concatenated.
    titles
        ``{loss: header}`` from :func:`panel_title`; the order is the panel order.
    drive
        Size training points by their gradient magnitude (relative within the panel).
    """
    classes = [class_name(k) for k in range(n_classes)]
    order = list(titles)
    cell_cols = ["loss", "x1_lo", "x1_hi", "x2_lo", "x2_hi", "label", "strength",
                 "probability", "score", "boundary"]  # fmt: skip
    c = cells.rename(columns={"predicted": "label"})[cell_cols].assign(layer="cell")
    pt_cols = ["loss", "x1", "x2", "label", "split", "flipped", "grad_norm", "weight"]
    df = pd.concat([c, points[pt_cols].assign(layer=points["split"])], ignore_index=True)
    df["panel"] = df["loss"].map(titles)

    x_dom = [float(cells["x1_lo"].min()), float(cells["x1_hi"].max())]
    y_dom = [float(cells["x2_lo"].min()), float(cells["x2_hi"].max())]
    x_scale = alt.Scale(domain=x_dom, nice=False, zero=False)
    y_scale = alt.Scale(domain=y_dom, nice=False, zero=False)
    x = alt.X("x1:Q", title="x₁ (standardised)", scale=x_scale)
    y = alt.Y("x2:Q", title="x₂ (standardised)", scale=y_scale)
    rect = {
        "x": alt.X("x1_lo:Q", title="x₁ (standardised)", scale=x_scale),
        "x2": "x1_hi:Q",
        "y": alt.Y("x2_lo:Q", title="x₂ (standardised)", scale=y_scale),
        "y2": "x2_hi:Q",
    }
    color = alt.Color(
        "label:N", scale=charts.color_scale(classes), legend=alt.Legend(title="Class")
    )
    base = alt.Chart()
    shade = (
        base.transform_filter("datum.layer == 'cell'")
        .mark_rect()
        .encode(
            **rect,
            color=color,
            opacity=alt.Opacity(
                "strength:Q", scale=alt.Scale(domain=[0, 1], range=[0.05, 0.55]), legend=None
            ),
            tooltip=[
                alt.Tooltip("label:N", title="predicted"),
                alt.Tooltip("probability:Q", format=".3f"),
                alt.Tooltip("score:Q", format=".3f"),
            ],
        )
    )
    edge = (
        base.transform_filter("datum.layer == 'cell' && datum.boundary")
        .mark_rect(color="#222222", opacity=0.85)
        .encode(**rect)
    )
    tips = [
        alt.Tooltip("label:N", title="label"),
        alt.Tooltip("split:N"),
        alt.Tooltip("flipped:N"),
        alt.Tooltip("grad_norm:Q", title="|∂L/∂z|", format=".4f"),
    ]
    size = (
        alt.Size(
            "weight:Q",
            scale=alt.Scale(domain=[0, 1], range=[4, 200]),
            legend=alt.Legend(title="|∂L/∂z| (relative)", values=[0.1, 0.5, 1.0]),
        )
        if drive
        else alt.value(36)
    )
    train_pts = (
        base.transform_filter("datum.layer == 'train'")
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(x=x, y=y, color=color, size=size, tooltip=tips)
    )
    test_pts = (
        base.transform_filter("datum.layer == 'test'")
        .mark_point(shape="triangle-up", filled=False, strokeWidth=1.6, size=40)
        .encode(x=x, y=y, color=color, tooltip=tips)
    )
    flips = (
        base.transform_filter("datum.layer == 'train' && datum.flipped")
        .mark_point(shape=X_MARK, color="black", strokeWidth=1.8, size=60)
        .encode(x=x, y=y, tooltip=tips)
    )
    w = facet_width(len(order), columns)
    layered = alt.layer(shade, edge, train_pts, test_pts, flips).properties(width=w, height=w)
    return alt.FacetChart(
        data=df,
        spec=layered,
        facet=alt.Facet(
            "panel:N",
            sort=[titles[k] for k in order],
            header=alt.Header(
                title=None,
                labelExpr="split(datum.value, '|')",
                labelFontSize=16,
                labelFontWeight="bold",
                labelLimit=w,
            ),
        ),
        columns=columns,
        spacing=12,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def figure(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: tuple[str, ...],
    epoch: int,
    drive: bool,
    _runs: dict[str, train.FitResult],
    columns: int = 4,
    params: LossParams = (),
) -> tuple[alt.FacetChart, pd.DataFrame, pd.DataFrame]:
    """The faceted chart and its cells/points frames (cached: building it is the slow part
    of a rerun). ``_runs`` is :func:`fit_runs` of the same arguments."""
    ds = load_data(data, flip)
    panels = compute_panels(data, flip, model, loss_names, epoch, _runs, params=params)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test, ds.corrupted)
    cells = pd.concat([cells_frame(p) for p in panels], ignore_index=True)
    points = pd.concat([points_frame(p, *xy) for p in panels], ignore_index=True)
    titles = {p.loss: panel_title(p, _runs[p.loss].diverged_epoch) for p in panels}
    chart = boundaries_chart(
        cells, points, titles, n_classes=ds.n_classes, drive=drive, columns=columns
    )
    return charts.style(chart, orient="bottom", columns=4), cells, points


def show(
    data: DataChoice,
    flip: float,
    model: ModelChoice,
    loss_names: tuple[str, ...],
    epoch: int,
    drive: bool,
    runs: dict[str, train.FitResult],
    params: LossParams = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the small multiples; return the cells and points frames (for CSV).

    ``params`` must be those ``runs`` were trained with (they key the caches)."""
    chart, cells, points = figure(data, flip, model, loss_names, epoch, drive, runs, params=params)
    st.altair_chart(chart, width="content")
    return cells, points
