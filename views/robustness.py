"""Outlier robustness page: frozen choices, cached fits and sweeps, Altair charts, takeaways.

The numbers come from :mod:`core.robustness` (corrupt, train in lockstep, score on the clean
test split); this module arranges them in tidy frames (also offered as CSV) and draws them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import boundaries, robustness, train
from core.datasets import Dataset
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice
from serve import workers
from ui import charts, controls, identity, state, wording
from ui.comparison import (
    class_name,
    dataset_panel,
    load,
    panel_frames,
    surface_extent,
    surface_image,
)

#: Optimizers offered (SGD can diverge at a large learning rate; Adam's steps are bounded).
OPTIMIZERS = ("adam", "sgd")
#: Model choices offered (label -> hidden layer widths); "linear" is ``hidden=()``.
MODELS: dict[str, tuple[int, ...]] = {
    "linear": (),
    "16": (16,),
    "32": (32,),
    "32x32": (32, 32),
}
REGRESSION_DATASETS = ("linear_1d", "sine_1d")
REGRESSION_KINDS = robustness.REGRESSION_KINDS
CLASSIFICATION_KINDS = robustness.CLASSIFICATION_KINDS
REGRESSION_LOSSES = robustness.REGRESSION_LOSSES
CLASSIFICATION_LOSSES = robustness.CLASSIFICATION_LOSSES
MAP_NOTE = (
    "Shading: the predicted class (darker = more confident); dots: training points "
    "coloured by their label as trained on; black ×: a flipped label. Accuracy is on "
    "the clean test split."
)
#: An "x" drawn as an SVG path (Vega-Lite's "cross" is a plus sign): a flipped label.
X_MARK = "M-1,-1L1,1M-1,1L1,-1"
#: Largest corruption rate a sweep goes to, per task.
MAX_RATE = {"regression": 0.4, "classification": 0.6}
KIND_TITLES = {
    "response": "response (y shifted)",
    "leverage": "leverage (x shifted)",
    "symmetric": "symmetric flips",
    "pair": "pair flips (k → k+1)",
}
RESOLUTION = 50
#: Side of a boundary map's plot in pixels (three side by side on a wide page).
MAP_SIZE = 240
#: Training precision of every fit and sweep on this page.
DTYPE = "float32"

# --------------------------------------------------------------------------- controls

#: The losses each task compares until the user picks others.
TASK_LOSSES = {"regression": REGRESSION_LOSSES, "classification": CLASSIFICATION_LOSSES}
#: The loss selection's old link keys, one per task (``?rlosses=``, ``?closses=``): old links
#: still open their view (:func:`old_links`); the key is ``losses`` on every page.
OLD_LOSS_KEYS = {"regression": "rlosses", "classification": "closses"}


def old_links(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """A link's query with ``rlosses=`` / ``closses=`` read as ``losses=`` (the one of the
    link's task; the other task's picker was not on screen)."""
    task = (query.get("task") or ["regression"])[-1]
    return state.renamed(query, OLD_LOSS_KEYS.values(), "losses", OLD_LOSS_KEYS.get(task))


#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults and
#: a lecture preset resets every key it does not name to them. Each task's own controls
#: carry its prefix (``r``: regression, ``c``: classification); the loss selection is the
#: task's (``losses``: :data:`TASK_LOSSES`, here the default task's).
DEFAULTS: dict[str, Any] = {
    "task": "regression",
    "losses": list(TASK_LOSSES["regression"]),
    # regression: outliers
    **controls.dataset_defaults(
        REGRESSION_DATASETS, "linear_1d", prefix="r", skip=("test_fraction",)
    ),
    "okind": "response",
    "frac": 0.2,
    "mag": 8.0,
    "rmodel": "linear",
    "rlr": 0.1,
    "repochs": 150,
    "ropt": "adam",
    # classification: label noise
    **controls.dataset_defaults(
        controls.datasets_2d(), "moons", prefix="c", skip=("test_fraction",)
    ),
    "cmoons_n_samples": 200,  # half the dataset's default: a faster sweep
    "nkind": "symmetric",
    "rate": 0.4,
    "cmodel": "16",
    "clr": 0.05,
    "cepochs": 150,
    "copt": "adam",
    # the sweep
    "seeds": 3,
    "nrates": 5,
    "sweep": True,
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``.
PRESETS: dict[str, dict[str, Any]] = {
    "Outliers wreck MSE": {
        "task": "regression",
        "losses": ["mse", "mae", "huber", "log_cosh", "cauchy"],
        "okind": "response",
        "frac": 0.2,
        "mag": 8.0,
        "rmodel": "linear",
        "rdataset": "linear_1d",
        "rlr": 0.1,
        "repochs": 150,
        "ropt": "adam",
        "sweep": True,
    },
    "Leverage points fool even MAE": {
        "task": "regression",
        "losses": ["mse", "mae", "huber", "log_cosh", "cauchy"],
        "okind": "leverage",
        "frac": 0.1,
        "mag": 5.0,
        "rmodel": "linear",
        "rdataset": "linear_1d",
        "rlr": 0.1,
        "repochs": 150,
        "ropt": "adam",
        "sweep": False,
    },
    "MAE shrugs off label noise": {
        "task": "classification",
        "losses": ["cross_entropy", "mse", "mae", "hinge", "gce"],
        "nkind": "symmetric",
        "rate": 0.4,
        "cmodel": "16",
        "cdataset": "moons",
        "clr": 0.05,
        "cepochs": 150,
        "copt": "adam",
        "sweep": True,
    },
    # three classes: on two, a pair flip (k -> k+1) is the same as a symmetric one
    "Past 50% pair flips fool every loss (3 classes)": {
        "task": "classification",
        "losses": ["cross_entropy", "mse", "mae", "hinge", "gce"],
        "nkind": "pair",
        "rate": 0.6,
        "cmodel": "16",
        "cdataset": "blobs",
        "cblobs_n_classes": 3,
        "cblobs_n_samples": 200,
        "cblobs_noise": 1.0,
        "clr": 0.05,
        "cepochs": 150,
        "copt": "adam",
        "sweep": False,
    },
}


def model_choice(
    label: str = "linear",
    lr: float = 0.1,
    epochs: int = 150,
    optimizer: str = "adam",
    seed: int = 0,
) -> ModelChoice:
    """The page's model widgets as a :class:`core.experiment.ModelChoice`: ``label`` from
    :data:`MODELS`, tanh, full batch, no L2; ``seed`` is the data seed (one seed per view)."""
    return ModelChoice(
        hidden=MODELS[label],
        activation="tanh",
        optimizer=optimizer,
        lr=float(lr),
        epochs=int(epochs),
        batch_size=None,
        l2=0.0,
        seed=int(seed),
    )


def comparison(
    data: DataChoice,
    kind: str,
    rate: float,
    magnitude: float,
    loss_names: Sequence[str],
    model: ModelChoice,
) -> Comparison:
    """The page's widgets as one comparison key (the corruption drawn with the data seed)."""
    corruption = Corruption(kind, float(rate), float(magnitude))
    return Comparison(data, model, tuple(loss_names), (), corruption)


def task(key: Comparison) -> str:
    """``"regression"`` for outliers, ``"classification"`` for label flips."""
    kind = key.corruption.kind
    return "regression" if kind in robustness.REGRESSION_KINDS else "classification"


def load_seed(key: Comparison, seed: int) -> Dataset:
    """The clean dataset of ``key`` drawn with data seed ``seed`` (a sweep's seed)."""
    params = tuple(sorted((key.data.kwargs | {"seed": int(seed)}).items()))
    return dataclasses.replace(key.data, params=params).load()  # built-in or uploaded CSV


def configs(key: Comparison) -> list[train.TrainConfig]:
    """One float32 config per loss (full batch; the seed is the data seed)."""
    return key.configs(dtype=DTYPE)


# --------------------------------------------------------------------------- cached work


@st.cache_data(max_entries=16, show_spinner=False)
def fits(key: Comparison) -> list[train.FitResult]:
    """One model per loss on the corrupted data, in lockstep (same start, same data order)."""
    return workers.call(train.fit_many, load(key), configs(key))


@st.cache_data(max_entries=512, show_spinner=False)
def sweep_point(key: Comparison, rate: float, seed: int) -> list[robustness.Run]:
    """One (rate, seed) cell of a sweep: every loss trained once (cached per cell)."""
    return robustness.sweep(
        lambda sd: load_seed(key, sd),
        configs(key),
        kind=key.corruption.kind,
        rates=[rate],
        seeds=[seed],
        magnitude=key.corruption.magnitude,
    )


def sweep_key(key: Comparison) -> Comparison:
    """The sweep's key: the chosen rate plays no part in it (a sweep sets its own rates)."""
    return key.replace(corruption=dataclasses.replace(key.corruption, rate=0.0))


def within_budget(key: Comparison, n_rates: int, n_seeds: int) -> bool:
    """Whether the sweep stays within the one work budget (:func:`ui.controls.within_budget`).

    A sweep cell trains its losses in lockstep, but small models spend their time in
    per-step overhead that grows with the number of models (about
    ``core.cost.STEP_OVERHEAD`` per model-step: ``benchmarks/README.md``), so every model
    counts as its own group of steps.
    """
    runs = len(key.losses) * int(n_rates) * int(n_seeds)
    return controls.within_budget(load(key), key.model, runs, runs)


def sweep(
    key: Comparison,
    rates: Sequence[float],
    seeds: Sequence[int],
    progress: Callable[[float], Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean-test score per loss, rate and seed; and its mean with a min–max band over seeds.

    Cached cell by cell (:func:`sweep_point`), so ``progress(fraction)`` can be reported between
    cells without a Streamlit call inside a cached function. The key's own rate is ignored.
    """
    key = sweep_key(key)
    cells = [(r, sd) for sd in seeds for r in rates]
    runs: list[robustness.Run] = []
    for i, (r, sd) in enumerate(cells):
        runs.extend(sweep_point(key, float(r), int(sd)))
        if progress is not None:
            progress((i + 1) / len(cells))
    t = task(key)
    raw = pd.DataFrame(
        [
            {
                "loss": identity.title(r.loss, t),
                "rate": r.rate,
                "seed": r.seed,
                "score": r.score,
                "diverged": r.diverged,
            }
            for r in runs
        ]
    )
    agg = pd.DataFrame(
        [
            {
                "loss": identity.title(p.loss, t),
                "rate": p.rate,
                "mean": p.mean,
                "low": p.low,
                "high": p.high,
                "seeds": p.n,
                "diverged": p.n_diverged,
            }
            for p in robustness.aggregate(runs)
        ]
    )
    return raw, agg


def metric_name(task: str) -> str:
    return "clean-test RMSE (std. units)" if task == "regression" else "clean-test accuracy"


# --------------------------------------------------------------------------- regression


def styled_table(table: pd.DataFrame) -> Any:
    """:func:`fit_table` for :func:`ui.frame.table`: four decimals (as Streamlit showed them), "—"
    for a diverged run's score, never ``None``; the numbers stay numbers."""
    cols = [c for c in table.columns if c in ("slope", "intercept") or c.startswith("clean")]
    return table.style.format("{:.4f}", subset=cols, na_rep="—").hide(axis="index")


def clean_slope(ds: Dataset) -> float | None:
    r"""Least-squares slope of the clean training points of a 1-D regression dataset,
    :math:`\hat a = \operatorname{cov}(x, y) / \operatorname{var}(x)` over the rows that were
    not corrupted (``None`` if fewer than two distinct x remain)."""
    keep = np.ones(len(ds.y_train), bool) if ds.corrupted is None else ~np.asarray(ds.corrupted)
    x, y = ds.X_train[keep, 0].astype(float), np.asarray(ds.y_train, float)[keep]
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


@st.cache_data(max_entries=16, show_spinner=False)
def fit_table(key: Comparison) -> pd.DataFrame:
    """Per loss: clean-test score, and slope and intercept for a linear model; divergence."""
    ds = load(key)
    t = task(key)
    rows = []
    for name, r in zip(key.losses, fits(key), strict=True):
        row: dict[str, Any] = {"loss": identity.title(name, t)}
        row[metric_name(t)] = robustness.clean_score(r, ds)
        if t == "regression" and not key.model.hidden and not r.diverged:
            row["slope"], row["intercept"] = robustness.line_fit(r)
        row["diverged at epoch"] = wording.never(r.diverged_epoch)
        rows.append(row)
    return pd.DataFrame(rows)


@st.cache_data(max_entries=16, show_spinner=False)
def scatter_frames(key: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points (train clean / outlier / test) and each loss's fitted curve on a grid."""
    ds = load(key)
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
    ok = [(n, r) for n, r in zip(key.losses, fits(key), strict=True) if not r.diverged]
    pred = robustness.curves([r for _, r in ok], grid) if ok else np.empty((0, grid.size))
    lines = pd.DataFrame(
        [
            {"loss": identity.title(n, "regression"), "x": float(x), "prediction": float(v)}
            for (n, _), row in zip(ok, pred, strict=True)
            for x, v in zip(grid, row, strict=True)
        ],
        columns=["loss", "x", "prediction"],
    )
    return points, lines


#: Point roles: greys and black, never a loss colour; outliers also get an x.
ROLES = ("clean train", "outlier (train)", "clean test")
ROLE_COLORS = ("#A0A0A0", "#000000", "#4D4D4D")


@charts.cached_spec(max_entries=16)
def scatter_chart(key: Comparison) -> alt.LayerChart:
    """The data with outliers marked and every loss's fitted curve."""
    points, lines = scatter_frames(key)
    shapes = alt.Scale(domain=list(ROLES), range=["circle", X_MARK, "triangle-up"])
    pts = (
        alt.Chart(points)
        .mark_point(size=70, filled=False, strokeWidth=2)
        .encode(
            x=alt.X("x:Q", title="x (standardised)"),
            y=alt.Y("y:Q", title="y (standard units)"),
            shape=alt.Shape(
                "point:N",
                title="Point",
                scale=shapes,
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            color=alt.Color(
                "point:N",
                title="Point",
                scale=alt.Scale(domain=list(ROLES), range=list(ROLE_COLORS)),
                legend=alt.Legend(orient="bottom", columns=2),  # two per row: fits a phone
            ),
            tooltip=["point", alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")],
        )
    )
    order = [identity.title(n, "regression") for n in key.losses]
    fitted = (
        alt.Chart(lines)
        .mark_line(strokeWidth=3.5)
        .encode(
            x="x:Q",
            y="prediction:Q",
            color=alt.Color(
                "loss:N",
                title="Fit",
                scale=identity.scale(key.losses, "regression"),
                sort=order,
                legend=alt.Legend(labelLimit=400, orient="bottom", columns=2),
            ),
            strokeDash=alt.StrokeDash("loss:N", sort=order, legend=None),
            tooltip=[
                "loss",
                alt.Tooltip("x:Q", format=".3g"),
                alt.Tooltip("prediction:Q", format=".3g"),
            ],
        )
    )
    chart = alt.layer(pts, fitted).resolve_scale(color="independent", shape="independent")
    # 320 px: the fits, their axis and most of the legend on a projector's first screen
    title = {"text": "Fits with outliers", "subtitle": "each loss's fit on the corrupted data"}
    return chart.properties(height=320, title=title)


# --------------------------------------------------------------------------- classification


@st.cache_data(max_entries=8, show_spinner=False)
def panels(key: Comparison) -> list[boundaries.Panel]:
    """Decision-boundary panels (:func:`core.boundaries.panel`) for every loss."""
    ds = load(key)
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), RESOLUTION)
    return [
        dataset_panel(r.model, n, r.epochs_run, ds, grid)
        for n, r in zip(key.losses, fits(key), strict=True)
    ]


@st.cache_data(max_entries=8, show_spinner=False)
def boundary_frames(key: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells and points of every boundary map (the Decision boundaries page's frames:
    :func:`ui.comparison.cells_frame`, :func:`ui.comparison.points_frame`)."""
    return panel_frames(load(key), panels(key))


def map_title(loss: str, test_accuracy: float, diverged_epoch: int | None) -> dict:
    """A boundary map's title: the loss and its clean-test accuracy (or its divergence)."""
    sub = (
        f"diverged at epoch {diverged_epoch}"
        if diverged_epoch is not None
        else f"clean-test accuracy {wording.pct(test_accuracy)}"
    )
    # the short label: a full title ("Squared error on probabilities (Brier)") is cut off
    # above a 240-px map; the table below gives the full names
    return {"text": identity.short(loss), "subtitle": sub}


def class_legend(key: Comparison) -> list[tuple[str, ...]]:
    """The maps' legend as :func:`boundary_map` draws them: ``(class name, colour)`` of each
    class and ``(…, "x")`` for a flipped label (one legend for a row of maps drawn without
    theirs; :func:`ui.charts.legend_row`)."""
    ds = load(key)
    classes = [class_name(k, ds.class_names) for k in range(ds.n_classes)]
    return [
        *zip(classes, identity.class_scale(classes).range, strict=True),
        ("flipped label", "#000000", "x"),
    ]


@charts.cached_spec(max_entries=32)
def boundary_map(key: Comparison, loss: str) -> alt.LayerChart:
    """One small boundary map: the predicted class shaded (darker = more confident), the
    training points by their (possibly flipped) label, a black x on every flipped point."""
    ds = load(key)
    _, points = boundary_frames(key)
    i = key.losses.index(loss)
    p = panels(key)[i]
    classes = [class_name(k, ds.class_names) for k in range(ds.n_classes)]
    colors = identity.class_scale(classes)
    pts = points[(points["loss"] == loss) & (points["split"] == "train")]
    # the surface as one image over the grid's extent (not a rectangle per cell)
    surface = pd.DataFrame([{"url": surface_image(p), **surface_extent(p)}])
    heat = (
        alt.Chart(surface)
        .mark_image(aspect=False)
        .encode(
            x=alt.X("x1_lo:Q", title="x₁", scale=alt.Scale(nice=False, zero=False)),
            x2="x1_hi",
            y=alt.Y("x2_lo:Q", title="x₂", scale=alt.Scale(nice=False, zero=False)),
            y2="x2_hi",
            url="url:N",
        )
    )
    dots = (
        alt.Chart(pts)
        .mark_circle(size=28, opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(
            x="x1:Q",
            y="x2:Q",
            color=alt.Color(
                "label:N",
                scale=colors,
                # two classes a row: three in one row are cut off under a 240-px map
                legend=alt.Legend(title="Label", orient="bottom", columns=2),
            ),
        )
    )
    flips = (
        alt.Chart(pts[pts["flipped"]])
        .mark_point(shape=X_MARK, size=45, color="black", strokeWidth=1.5)
        .encode(x="x1:Q", y="x2:Q")
    )
    title = map_title(loss, p.test_accuracy, fits(key)[i].diverged_epoch)
    return alt.layer(heat, dots, flips).properties(title=title, height=MAP_SIZE)


# --------------------------------------------------------------------------- sweep chart


@charts.cached_spec(max_entries=16)
def sweep_chart(key: Comparison, rates: tuple[float, ...], seeds: tuple[int, ...]) -> alt.Chart:
    """Mean clean-test score against the corruption rate, with the min–max band over seeds."""
    _, agg = sweep(key, rates, seeds)
    t = task(key)
    order = [identity.title(n, t) for n in key.losses]
    x_title = "share of training points moved" if t == "regression" else "share of labels flipped"
    scale = identity.scale(key.losses, t)
    legend = alt.Legend(labelLimit=320, orient="bottom", columns=2)
    color = alt.Color("loss:N", title="Loss", scale=scale, sort=order, legend=legend)
    axis = alt.Axis(format="%", values=sorted(agg["rate"].unique().tolist()))
    base = alt.Chart(agg).encode(x=alt.X("rate:Q", title=x_title, axis=axis))
    # the band's colour field is a copy of "loss": Vega-Lite would merge (and then hide) the
    # legends of two channels on the same field
    band = (
        base.transform_calculate(band="datum.loss")
        .mark_area(opacity=0.15)
        .encode(y="low:Q", y2="high:Q", fill=alt.Fill("band:N", scale=scale, legend=None))
    )
    fmt = ".3f" if t == "regression" else ".1%"
    line = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70)).encode(
        color=color,
        y=alt.Y(
            "mean:Q",
            title=metric_name(t),
            axis=alt.Axis(format="%") if t == "classification" else alt.Axis(),
        ),
        tooltip=[
            "loss",
            alt.Tooltip("rate:Q", format=".0%"),
            alt.Tooltip("mean:Q", format=fmt),
            alt.Tooltip("low:Q", format=fmt),
            alt.Tooltip("high:Q", format=fmt),
            "seeds",
            "diverged",
        ],
    )
    n = int(agg["seeds"].max()) if len(agg) else 0
    over = wording.plural(n, "seed")
    title = {"text": "Score against corruption", "subtitle": f"mean and min–max over {over}"}
    return alt.layer(band, line).properties(height=400, title=title)


def flip_limit(key: Comparison) -> float | None:
    """The flip rate from which no loss can recover the clean labels (classification only)."""
    if task(key) == "regression":
        return None
    return robustness.flip_limit(key.corruption.kind, load(key).n_classes)


def rates(task_name: str, n_rates: int) -> tuple[float, ...]:
    """``n_rates`` evenly spaced corruption rates from 0 to the page's maximum for the task."""
    top = MAX_RATE[task_name]
    return tuple(float(r) for r in np.round(np.linspace(0, top, int(n_rates)), 3))


def sweep_caption(rates_: Sequence[float], seeds: Sequence[int]) -> str:
    return (
        f"Rates {', '.join(f'{r:.0%}' for r in rates_)}; seeds {', '.join(map(str, seeds))} "
        "(each seed draws new data, corruption and initial weights; the test split is clean)."
    )


# --------------------------------------------------------------------------- takeaways


def _fmt(task_name: str, v: float) -> str:
    return wording.number(v, ".3f") if task_name == "regression" else wording.pct(v)


def fit_takeaway(key: Comparison, table: pd.DataFrame) -> str:
    """The sentence under the fits/boundaries (:func:`fit_sentence` of the page's numbers)."""
    t = task(key)
    c = key.corruption
    col = metric_name(t)
    slopes = None
    clean = None
    if "slope" in table and c.kind == "leverage":
        slopes = dict(zip(table["loss"], table["slope"], strict=True))
        clean = clean_slope(load(key))
    limit = flip_limit(key)
    return fit_sentence(
        t,
        c.kind,
        c.rate,
        c.magnitude,
        dict(zip(table["loss"], table[col], strict=True)),
        slopes=slopes,
        clean=clean,
        limit=limit,
        n_classes=None if limit is None else load(key).n_classes,
    )


def fit_sentence(
    task_name: str,
    kind: str,
    rate: float,
    magnitude: float,
    scores: Mapping[str, float],
    *,
    slopes: Mapping[str, float] | None = None,
    clean: float | None = None,
    limit: float | None = None,
    n_classes: int | None = None,
) -> str:
    """The clean-test scores at one corruption rate, in words (a pure function of them).

    ``scores`` maps each loss's title to its clean-test score (``NaN``: diverged; RMSE for
    regression, lower is better; accuracy for classification). Cases: every run diverged; one
    loss; every loss at the same printed score; ties at the top or bottom (all named);
    "× larger" only for a positive best RMSE and a ratio that does not print as 1.0; leverage
    ``slopes`` compared with the ``clean`` points' least-squares slope, and called "pulled"
    only when every fitted slope is off it by more than 0.1; a flip ``rate`` at or past the
    ``limit`` said to be unrecoverable.
    """
    t = task_name
    col = metric_name(t)
    ok = {n: float(v) for n, v in scores.items() if wording.finite(v)}
    diverged = [n for n, v in scores.items() if not wording.finite(v)]
    what = (
        f"{rate:.0%} {KIND_TITLES[kind]} outliers of size {wording.number(magnitude, 'g')}"
        if t == "regression"
        else f"{rate:.0%} {KIND_TITLES[kind]}"
    )
    if not ok:
        return f"With {what}, every run diverged: lower the learning rate."
    better_high = t == "classification"
    best_v = max(ok.values()) if better_high else min(ok.values())
    worst_v = min(ok.values()) if better_high else max(ok.values())
    top = [n for n, v in ok.items() if _fmt(t, v) == _fmt(t, best_v)]
    bottom = [n for n, v in ok.items() if _fmt(t, v) == _fmt(t, worst_v)]
    if len(ok) == 1:
        text = f"With {what}, {col}: {top[0]} {_fmt(t, best_v)}."
    elif _fmt(t, best_v) == _fmt(t, worst_v):
        text = f"With {what}, {col}: every loss {_fmt(t, best_v)}."
    else:
        text = (
            f"With {what}, {col}: best {wording.names(top)} ({_fmt(t, best_v)}), "
            f"worst {wording.names(bottom)} ({_fmt(t, worst_v)}"
        )
        if t == "regression" and best_v > 0 and not wording.is_tie(worst_v, best_v):
            text += f", {wording.times(worst_v / best_v)} larger"
        text += ")."
    fitted = [float(v) for n, v in (slopes or {}).items() if n in ok and wording.finite(v)]
    if kind == "leverage" and fitted and clean is not None and wording.finite(clean):
        lo, hi = wording.number(min(fitted), ".2f"), wording.number(max(fitted), ".2f")
        span = lo if lo == hi else f"{lo}–{hi}"
        ref = wording.number(clean, ".2f")
        if rate > 0 and min(abs(v - clean) for v in fitted) > 0.1:
            text += (
                f" Leverage points pull every fitted slope to {span}, away from the clean "
                f"points' least-squares slope {ref} — bounded-influence losses do not "
                "protect a line from outliers in x."
            )
        else:
            text += f" Fitted slopes {span}; the clean points' least-squares slope is {ref}."
    if limit is not None and rate >= limit - 1e-9:
        classes = "" if n_classes is None else f" and {n_classes} classes"
        text += (
            f" At {rate:.0%} {KIND_TITLES[kind]} the wrong labels are at least as common as "
            f"the true one (from {limit:.0%} on for this kind{classes}): no loss can recover "
            "the clean labels."
        )
    if diverged:
        text += f" Diverged (reported, not scored): {', '.join(diverged)}."
    return text


def sweep_takeaway(agg: pd.DataFrame, task: str, limit: float | None = None) -> str:
    """Which loss's clean-test score holds up best and worst from the lowest to the highest
    rate (below ``limit``, the flip rate from which no loss can recover).

    Cases: no scores; every run diverged; fewer than two rates with scores; one loss (its
    change only); every loss changing alike as printed (a tie, no best/worst); a start of 0
    RMSE (no ratio); divergences counted.
    """
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
    seeds = wording.plural(int(agg["seeds"].max()), "seed")
    regression = task == "regression"
    if lo == hi or len(both) == 0:
        text = f"Scores at {lo:.0%} only: too few rates without divergence to compare."
    else:
        if regression:
            usable = [n for n in both if start[n] > 0]
            change = (end[usable] / start[usable]).sort_values()

            def say(loss: str) -> str:
                return (
                    f"{loss} ({_fmt(task, start[loss])} → {_fmt(task, end[loss])}, "
                    f"×{wording.number(change[loss], '.2f')})"
                )

            what = f"From {lo:.0%} to {hi:.0%} outliers (mean of {seeds}), the clean-test RMSE"
            key_of = {n: f"{change[n]:.2f}" for n in change.index}
        else:
            change = (start[both] - end[both]).sort_values()

            def say(loss: str) -> str:
                delta = wording.number(-100 * change[loss], "+.1f")
                return (
                    f"{loss} ({_fmt(task, start[loss])} → {_fmt(task, end[loss])}, {delta} points)"
                )

            # "holds up best", not "drops least": with few seeds a loss can gain a little
            what = (
                f"From {lo:.0%} to {hi:.0%} flipped labels (mean of {seeds}), the clean-test "
                "accuracy"
            )
            key_of = {n: f"{-100 * change[n]:+.1f}" for n in change.index}
        if len(change) == 0:
            text = f"{what} starts at 0 for every loss: no ratio to report."
        elif len(change) == 1:
            text = f"{what} goes for {say(change.index[0])}."
        elif key_of[change.index[0]] == key_of[change.index[-1]]:
            text = f"{what} holds up alike for every loss (e.g. {say(change.index[0])})."
        else:
            text = (
                f"{what} holds up best for {say(change.index[0])} and worst for "
                f"{say(change.index[-1])}."
            )
    beyond = agg[(agg["rate"] >= below) & agg["mean"].notna()]
    if limit is not None and len(beyond):
        top = beyond.loc[beyond["mean"].idxmax()]
        text += (
            f" From {limit:.0%} flips on, wrong labels outnumber the true one or tie with it, so "
            f"no loss is guaranteed to recover (best at {top['rate']:.0%}: {top['loss']}, "
            f"{_fmt(task, top['mean'])})."
        )
    diverged = int(agg["diverged"].sum())
    if diverged:
        text += f" {wording.plural(diverged, 'run')} diverged (reported, not scored)."
    return text
