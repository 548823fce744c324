"""Outlier robustness page: frozen choices, cached fits and sweeps, Altair charts, takeaways.

The numbers come from :mod:`core.robustness` (corrupt, train in lockstep, score on the clean
test split); this module arranges them in tidy frames (also offered as CSV) and draws them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import boundaries, datasets, robustness, train
from core.datasets import Dataset
from ui import boundaries as ui_boundaries
from ui import charts
from ui.controls import DataChoice, loss_title

#: Optimizers offered (SGD can diverge at a large learning rate; Adam's steps are bounded).
OPTIMIZERS = ("adam", "sgd")
#: Model choices offered (label -> hidden layer widths); "linear" is ``hidden=()``.
MODELS: dict[str, tuple[int, ...]] = {
    "linear": (),
    "16": (16,),
    "32": (32,),
    "32x32": (32, 32),
}
KIND_TITLES = {
    "response": "response (y shifted)",
    "leverage": "leverage (x shifted)",
    "symmetric": "symmetric flips",
    "pair": "pair flips (k → k+1)",
}
#: Upper bound on a sweep's work, in (training points × epochs × losses × fits × width factor):
#: ~15 s on the loaded 2-core reference machine (the default label-noise sweep is 3.2e6).
SWEEP_BUDGET = 15_000_000
RESOLUTION = 50
#: Side of a boundary map's plot in pixels (three side by side on a wide page).
MAP_SIZE = 240


@dataclass(frozen=True)
class ModelSpec:
    """Model and training settings shared by every loss (hashable, keys the caches)."""

    model: str = "linear"
    lr: float = 0.1
    epochs: int = 150
    optimizer: str = "adam"

    def configs(self, names: Sequence[str]) -> list[train.TrainConfig]:
        """One float32 config per loss; full batch; the seed is set per run."""
        return [
            train.TrainConfig(
                loss=n,
                hidden=MODELS[self.model],
                activation="tanh",
                optimizer=self.optimizer,
                lr=self.lr,
                epochs=self.epochs,
                dtype="float32",
            )
            for n in names
        ]


@dataclass(frozen=True)
class Setting:
    """A dataset, a corruption and the losses to compare."""

    data: DataChoice
    kind: str
    rate: float
    magnitude: float
    losses: tuple[str, ...]
    model: ModelSpec

    @property
    def task(self) -> str:
        return "regression" if self.kind in robustness.REGRESSION_KINDS else "classification"

    @property
    def seed(self) -> int:
        return int(self.data.kwargs.get("seed", 0))

    def load(self, seed: int | None = None) -> Dataset:
        """The clean dataset, drawn with ``seed`` (default: the chosen data seed)."""
        kwargs = self.data.kwargs | ({} if seed is None else {"seed": seed})
        return datasets.load(self.data.name, **kwargs)


# --------------------------------------------------------------------------- cached work


@st.cache_data(max_entries=16, show_spinner=False)
def corrupted(s: Setting) -> Dataset:
    """The dataset with its training split corrupted at the chosen rate."""
    return robustness.corrupt(s.load(), s.kind, s.rate, magnitude=s.magnitude, seed=s.seed)


@st.cache_data(max_entries=16, show_spinner=False)
def fits(s: Setting) -> list[train.FitResult]:
    """One model per loss on the corrupted data, in lockstep (same start, same data order)."""
    cfgs = [dataclasses.replace(c, seed=s.seed) for c in s.model.configs(s.losses)]
    return train.fit_many(corrupted(s), cfgs)


def sweep_cost(s: Setting, n_rates: int, n_seeds: int) -> int:
    """Work of a sweep in training points × epochs × losses × fits × width factor."""
    n_train = len(corrupted(s).y_train)  # cached; corruption keeps the number of points
    width = 1 + sum(MODELS[s.model.model]) / 16
    return int(n_train * s.model.epochs * len(s.losses) * n_rates * n_seeds * width)


@st.cache_data(max_entries=512, show_spinner=False)
def sweep_point(s: Setting, rate: float, seed: int) -> list[robustness.Run]:
    """One (rate, seed) cell of a sweep: every loss trained once (cached per cell)."""
    return robustness.sweep(
        lambda sd: s.load(sd),
        s.model.configs(s.losses),
        kind=s.kind,
        rates=[rate],
        seeds=[seed],
        magnitude=s.magnitude,
    )


def sweep(
    s: Setting,
    rates: Sequence[float],
    seeds: Sequence[int],
    progress: Callable[[float], Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean-test score per loss, rate and seed; and its mean with a min–max band over seeds.

    Cached cell by cell (:func:`sweep_point`), so ``progress(fraction)`` can be reported between
    cells without a Streamlit call inside a cached function. ``s.rate`` is ignored.
    """
    s = dataclasses.replace(s, rate=0.0)
    cells = [(r, sd) for sd in seeds for r in rates]
    runs: list[robustness.Run] = []
    for i, (r, sd) in enumerate(cells):
        runs.extend(sweep_point(s, float(r), int(sd)))
        if progress is not None:
            progress((i + 1) / len(cells))
    task = s.task
    raw = pd.DataFrame(
        [
            {"loss": loss_title(r.loss, task), "rate": r.rate, "seed": r.seed,
             "score": r.score, "diverged": r.diverged}
            for r in runs
        ]
    )  # fmt: skip
    agg = pd.DataFrame(
        [
            {"loss": loss_title(p.loss, task), "rate": p.rate, "mean": p.mean, "low": p.low,
             "high": p.high, "seeds": p.n, "diverged": p.n_diverged}
            for p in robustness.aggregate(runs)
        ]
    )  # fmt: skip
    return raw, agg


def metric_name(task: str) -> str:
    return "clean-test RMSE (std. units)" if task == "regression" else "clean-test accuracy"


# --------------------------------------------------------------------------- regression


def fit_table(s: Setting, results: Sequence[train.FitResult]) -> pd.DataFrame:
    """Per loss: clean-test score, and slope and intercept for a linear model; divergence."""
    ds = corrupted(s)
    rows = []
    for name, r in zip(s.losses, results, strict=True):
        row: dict[str, Any] = {"loss": loss_title(name, s.task)}
        row[metric_name(s.task)] = robustness.clean_score(r, ds)
        if s.task == "regression" and not MODELS[s.model.model] and not r.diverged:
            row["slope"], row["intercept"] = robustness.line_fit(r)
        row["diverged at epoch"] = r.diverged_epoch
        rows.append(row)
    return pd.DataFrame(rows)


def scatter_frames(
    s: Setting, results: Sequence[train.FitResult]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points (train clean / outlier / test) and each loss's fitted curve on a grid."""
    ds = corrupted(s)
    flagged = np.zeros(len(ds.y_train), bool) if ds.corrupted is None else ds.corrupted
    role = np.where(flagged, "outlier (train)", "clean train")
    points = pd.DataFrame(
        {
            "x": np.concatenate([ds.X_train[:, 0], ds.X_test[:, 0]]),
            "y": np.concatenate([ds.y_train, ds.y_test]),
            "point": np.concatenate([role, np.full(len(ds.y_test), "clean test")]),
        }
    )
    lo, hi = float(points["x"].min()), float(points["x"].max())
    grid = np.linspace(lo, hi, 200)
    ok = [(n, r) for n, r in zip(s.losses, results, strict=True) if not r.diverged]
    pred = robustness.curves([r for _, r in ok], grid) if ok else np.empty((0, grid.size))
    lines = pd.DataFrame(
        [
            {"loss": loss_title(n, s.task), "x": float(x), "prediction": float(v)}
            for (n, _), row in zip(ok, pred, strict=True)
            for x, v in zip(grid, row, strict=True)
        ]
    )
    return points, lines


def scatter_chart(points: pd.DataFrame, lines: pd.DataFrame, order: Sequence[str]) -> alt.Chart:
    """The data with outliers marked and every loss's fitted curve."""
    shapes = alt.Scale(
        domain=["clean train", "outlier (train)", "clean test"],
        range=["circle", "M-1,-1L1,1M-1,1L1,-1", "triangle-up"],
    )
    pts = (
        alt.Chart(points)
        .mark_point(size=70, filled=False, strokeWidth=2)
        .encode(
            x=alt.X("x:Q", title="x (standardised)"),
            y=alt.Y("y:Q", title="y (standard units)"),
            shape=alt.Shape("point:N", title="Point", scale=shapes),
            color=alt.Color(
                "point:N",
                title="Point",
                scale=alt.Scale(
                    domain=["clean train", "outlier (train)", "clean test"],
                    range=["#9e9e9e", "#d62728", "#636363"],
                ),
            ),
            tooltip=["point", alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")],
        )
    )
    fitted = (
        alt.Chart(lines)
        .mark_line(strokeWidth=3.5)
        .encode(
            x="x:Q",
            y="prediction:Q",
            color=alt.Color(
                "loss:N",
                title="Fit",
                scale=charts.color_scale(list(order)),
                sort=list(order),
                legend=alt.Legend(labelLimit=400),
            ),
            strokeDash=alt.StrokeDash("loss:N", sort=list(order), legend=None),
            tooltip=[
                "loss",
                alt.Tooltip("x:Q", format=".3g"),
                alt.Tooltip("prediction:Q", format=".3g"),
            ],
        )
    )
    chart = alt.layer(pts, fitted).resolve_scale(color="independent", shape="independent")
    return charts.style(chart.properties(height=420, title="Fits on the corrupted training data"))


# --------------------------------------------------------------------------- classification


@st.cache_data(max_entries=8, show_spinner=False)
def panels(s: Setting) -> list[boundaries.Panel]:
    """Decision-boundary panels (H5's :func:`core.boundaries.panel`) for every loss."""
    ds = corrupted(s)
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), RESOLUTION)
    return [
        boundaries.panel(
            r.model, n, r.epochs_run, grid, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
            flipped=ds.corrupted,
        )
        for n, r in zip(s.losses, fits(s), strict=True)
    ]  # fmt: skip


@st.cache_data(max_entries=8, show_spinner=False)
def boundary_figures(s: Setting) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """One small boundary map per loss as Vega-Lite dicts, and the frames behind them.

    The frames come from the Decision boundaries page (:func:`ui.boundaries.cells_frame`,
    :func:`ui.boundaries.points_frame`); each map shades the predicted class (darker = more
    confident), draws the training points by their (possibly flipped) label and marks flipped
    points with a black x. Cached as dicts: building Altair charts is the slow part of a rerun.
    """
    ds = corrupted(s)
    results = dict(zip(s.losses, fits(s), strict=True))
    ps = panels(s)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test, ds.corrupted)
    cells = pd.concat([ui_boundaries.cells_frame(p) for p in ps], ignore_index=True)
    points = pd.concat([ui_boundaries.points_frame(p, *xy) for p in ps], ignore_index=True)
    classes = [ui_boundaries.class_name(k) for k in range(ds.n_classes)]
    colors = charts.color_scale(classes)
    specs = []
    for p in ps:
        c = cells[cells["loss"] == p.loss]
        pts = points[(points["loss"] == p.loss) & (points["split"] == "train")]
        heat = (
            alt.Chart(c)
            .mark_rect()
            .encode(
                x=alt.X("x1_lo:Q", title="x₁", scale=alt.Scale(nice=False, zero=False)),
                x2="x1_hi",
                y=alt.Y("x2_lo:Q", title="x₂", scale=alt.Scale(nice=False, zero=False)),
                y2="x2_hi",
                color=alt.Color("predicted:N", scale=colors, legend=None),
                opacity=alt.Opacity("strength:Q", legend=None, scale=alt.Scale(range=[0.1, 0.6])),
            )
        )
        dots = (
            alt.Chart(pts)
            .mark_circle(size=28, opacity=0.9, stroke="white", strokeWidth=0.5)
            .encode(x="x1:Q", y="x2:Q", color=alt.Color("label:N", scale=colors, legend=None))
        )
        flips = (
            alt.Chart(pts[pts["flipped"]])
            .mark_point(shape=ui_boundaries.X_MARK, size=45, color="black", strokeWidth=1.5)
            .encode(x="x1:Q", y="x2:Q")
        )
        acc = p.test_accuracy
        diverged = results[p.loss].diverged_epoch
        sub = f"diverged at epoch {diverged}" if diverged else f"clean-test accuracy {acc:.1%}"
        chart = alt.layer(heat, dots, flips).properties(
            title={"text": loss_title(p.loss), "subtitle": sub, "limit": MAP_SIZE},
            width=MAP_SIZE,
            height=MAP_SIZE,
        )
        specs.append(charts.to_spec(charts.style(chart)))  # thread-safe, no row limit
    return specs, cells, points


# --------------------------------------------------------------------------- sweep chart


def sweep_chart(agg: pd.DataFrame, task: str, order: Sequence[str]) -> alt.Chart:
    """Mean clean-test score against the corruption rate, with the min–max band over seeds."""
    x_title = (
        "share of training points moved" if task == "regression" else "share of labels flipped"
    )
    scale = charts.color_scale(list(order))
    legend = alt.Legend(labelLimit=320, orient="right")
    color = alt.Color("loss:N", title="Loss", scale=scale, sort=list(order), legend=legend)
    rates = sorted(agg["rate"].unique().tolist())
    axis = alt.Axis(format="%", values=rates)
    base = alt.Chart(agg).encode(x=alt.X("rate:Q", title=x_title, axis=axis))
    # the band's colour field is a copy of "loss": Vega-Lite would merge (and then hide) the
    # legends of two channels on the same field
    band = (
        base.transform_calculate(band="datum.loss")
        .mark_area(opacity=0.15)
        .encode(y="low:Q", y2="high:Q", fill=alt.Fill("band:N", scale=scale, legend=None))
    )
    fmt = ".3f" if task == "regression" else ".1%"
    line = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70)).encode(
        color=color,
        y=alt.Y(
            "mean:Q",
            title=metric_name(task),
            axis=alt.Axis(format="%") if task == "classification" else alt.Axis(),
        ),
        tooltip=["loss", alt.Tooltip("rate:Q", format=".0%"), alt.Tooltip("mean:Q", format=fmt),
                 alt.Tooltip("low:Q", format=fmt), alt.Tooltip("high:Q", format=fmt), "seeds",
                 "diverged"],
    )  # fmt: skip
    seeds = int(agg["seeds"].max()) if len(agg) else 0
    title = f"Clean-test score against corruption (mean and min–max over {seeds} seeds)"
    return charts.style(alt.layer(band, line).properties(height=400, title=title))


# --------------------------------------------------------------------------- takeaways


def _fmt(task: str, v: float) -> str:
    return f"{v:.3f}" if task == "regression" else f"{v:.1%}"


def fit_takeaway(s: Setting, table: pd.DataFrame) -> str:
    """The sentence under the fits/boundaries, from the clean-test scores."""
    col = metric_name(s.task)
    ok = table[table[col].notna()]
    diverged = table.loc[table[col].isna(), "loss"].tolist()
    what = (
        f"{s.rate:.0%} {KIND_TITLES[s.kind]} outliers of size {s.magnitude:g}"
        if s.task == "regression"
        else f"{s.rate:.0%} {KIND_TITLES[s.kind]}"
    )
    if ok.empty:
        return f"With {what}, every run diverged: lower the learning rate."
    better_high = s.task == "classification"
    ranked = ok.sort_values(col, ascending=not better_high)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    text = (
        f"With {what}, {col}: best {best['loss']} ({_fmt(s.task, best[col])}), "
        f"worst {worst['loss']} ({_fmt(s.task, worst[col])}"
    )
    if s.task == "regression" and best[col] > 0:
        text += f", {worst[col] / best[col]:.1f}× larger"
    text += ")."
    if "slope" in table and s.kind == "leverage":
        slopes = ok["slope"].dropna()
        if len(slopes):
            text += (
                f" Leverage points pull every fitted slope to {slopes.min():.2f}–{slopes.max():.2f}"
                " — bounded-influence losses do not protect a line from outliers in x."
            )
    if diverged:
        text += f" Diverged (reported, not scored): {', '.join(diverged)}."
    return text


def sweep_takeaway(agg: pd.DataFrame, task: str, limit: float | None = None) -> str:
    """Which loss's clean-test score suffers least and most from the lowest to the highest rate
    (below ``limit``, the flip rate beyond which no loss can recover)."""
    if agg.empty:
        return "The sweep produced no scores."
    below = np.inf if limit is None else limit - 1e-9
    inside = agg[(agg["rate"] < below) & agg["mean"].notna()]
    if inside.empty:
        return "Every run of the sweep diverged: lower the learning rate."
    lo, hi = inside["rate"].min(), inside["rate"].max()
    start = inside[inside["rate"] == lo].set_index("loss")["mean"]
    end = inside[inside["rate"] == hi].set_index("loss")["mean"]
    both = start.index.intersection(end.index)
    seeds = int(agg["seeds"].max())
    if task == "regression":
        change = (end[both] / start[both]).sort_values()

        def say(loss: str) -> str:
            return f"{loss} ({start[loss]:.3f} → {end[loss]:.3f}, ×{change[loss]:.2f})"

        text = (
            f"From {lo:.0%} to {hi:.0%} outliers (mean of {seeds} seeds), the clean-test RMSE "
            f"holds up best for {say(change.index[0])} and worst for {say(change.index[-1])}."
        )
    else:
        change = (start[both] - end[both]).sort_values()

        def say(loss: str) -> str:
            return (
                f"{loss} ({start[loss]:.1%} → {end[loss]:.1%}, {-100 * change[loss]:+.1f} points)"
            )

        text = (
            # "holds up best", not "drops least": with few seeds a loss can gain a little
            f"From {lo:.0%} to {hi:.0%} flipped labels (mean of {seeds} seeds), the clean-test "
            f"accuracy holds up best for {say(change.index[0])} and worst for "
            f"{say(change.index[-1])}."
        )
    beyond = agg[(agg["rate"] >= below) & agg["mean"].notna()]
    if limit is not None and len(beyond):
        top = beyond.loc[beyond["mean"].idxmax()]
        text += (
            f" From {limit:.0%} flips on, wrong labels outnumber the true one and no loss can "
            f"recover (best at {top['rate']:.0%}: {top['loss']}, {top['mean']:.1%})."
        )
    diverged = int(agg["diverged"].sum())
    if diverged:
        text += f" {diverged} runs diverged (reported, not scored)."
    return text
