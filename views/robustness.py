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

from core import boundaries, cost, robustness, train
from core import evidence as ev
from core.datasets import Dataset
from core.edits import Edits
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice
from present import evidence, identity, state, wording
from present.evidence import Lesson
from present.wording import Takeaway
from serve import workers
from ui import charts, controls
from ui.comparison import (
    class_name,
    dataset_panel,
    load,
    panel_frames,
    surface_extent,
    surface_image,
)
from ui.evidence import show_strip

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
RESOLUTION = boundaries.GRID  # the one surface resolution (core.boundaries)
#: Side of a boundary map's plot in pixels (three side by side on a wide page).
MAP_SIZE = 240
#: Training precision of every fit and sweep on this page.
DTYPE = "float32"
#: How many rates a sweep may have (the page's slider).
RATE_COUNTS = range(3, 8)

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
    "losses": None,  # the task's own (TASK_LOSSES): the widget works it out from the task
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
    "nkind": "symmetric",
    "rate": 0.4,
    "cmodel": "16",
    "clr": 0.05,
    "cepochs": 150,
    "copt": "adam",
    "rformula": "",  # no formula of the student's, either task
    "cformula": "",
    # the sweep
    "seeds": 3,
    "nrates": 5,
    "sweep": True,
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``; each
#: opens on its representative data seed, the median run of the committed evidence
#: (:data:`PRESETS`).
_PRESETS: dict[str, dict[str, Any]] = {
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
    # 400 points (the dataset's default) and 45% flips: MAE holds up best from most seeds;
    # no setting makes it lose under 10 points, so no "shrugs"
    "Under label noise MAE holds up best": {
        "task": "classification",
        "losses": ["cross_entropy", "mse", "mae", "hinge", "gce"],
        "nkind": "symmetric",
        "rate": 0.45,
        "cmodel": "16",
        "cdataset": "moons",
        "cmoons_n_samples": 400,
        "clr": 0.05,
        "cepochs": 150,
        "copt": "adam",
        "sweep": True,
    },
    # three classes: on two, a pair flip (k -> k+1) is the same as a symmetric one
    "Past 50% pair flips leave every loss at or below chance (3 classes)": {
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
    """The sweep's key: the chosen rate and a student's edits play no part in it (a sweep
    draws its own corruption at each rate and seed)."""
    return key.replace(corruption=dataclasses.replace(key.corruption, rate=0.0), edits=Edits())


def _with_model(key: Comparison, settings: Mapping[str, Any]) -> Comparison:
    """``key`` with the model of ``settings["model"]`` (a label of :data:`MODELS`)."""
    model = dataclasses.replace(key.model, hidden=MODELS[settings["model"]])
    return key.replace(model=model)


def fit_work(key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any]) -> cost.Work:
    """The work of the page's fit at the chosen rate: every loss trained once (:func:`fits`),
    sent back from a worker; for label noise, every boundary map on its grid; the charts."""
    key = _with_model(key, settings)
    cfgs = configs(key)
    fit = cost.fit_cost(shape, cfgs)
    back = cost.Work(moved=2 * fit.kept, views=1)
    if task(key) == "regression":
        return fit + back
    sizes = shape.sizes(key.model.hidden)
    points = RESOLUTION**2 + shape.n_train + shape.n_test
    maps = cost.evaluation_cost(sizes, points, 1, len(cfgs), 4, scored=shape.n_train)
    return fit + back + maps


def view_work(key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any]) -> cost.Work:
    """The work of the whole view: the fit (:func:`fit_work`) and the sweep of
    ``settings["rates"]`` rates x ``settings["seeds"]`` seeds (:func:`sweep_point`: every loss
    trained once per cell) with its chart."""
    cells = int(settings["rates"]) * int(settings["seeds"])
    cell = cost.fit_cost(shape, configs(_with_model(key, settings)))
    return fit_work(key, shape, settings) + cells * cell


def _knobs(settings: Mapping[str, Any], sweep: bool) -> list[cost.Knob]:
    """What the page's widgets can lower: epochs (a multiple of 10, at least 10), the model,
    the losses, the points of built-in data, and the sweep's seeds and rates."""
    cheaper = list(MODELS)[: list(MODELS).index(settings["model"])][::-1]
    knobs = [k for k in controls.budget_knobs(settings, epochs_step=10) if k.name != "batch"]
    knobs = [k for k in knobs if k.name not in ("width", "layers", "seeds")]
    knobs.insert(1, cost.Knob("model", controls.BUDGET_LABELS["model"], cheaper))
    if sweep:
        low = min(RATE_COUNTS)
        knobs.append(cost.Knob("seeds", "seeds", list(range(settings["seeds"] - 1, 0, -1))))
        knobs.append(cost.Knob("rates", "rates", list(range(settings["rates"] - 1, low - 1, -1))))
    return knobs


def _model_label(key: Comparison) -> str:
    return next(label for label, hidden in MODELS.items() if hidden == key.model.hidden)


def fit_within_budget(key: Comparison) -> bool:
    """Whether the page's fit fits the one budget (:func:`fit_work`); if not, the page says so
    and what would fit (:func:`ui.controls.within_budget`)."""
    shape = cost.DataShape.of(load(key))
    settings = {**controls.budget_settings(key, shape), "model": _model_label(key)}
    extra = {"model": settings["model"]}
    knobs = _knobs(settings, sweep=False)
    return controls.within_budget(key, shape, fit_work, extra=extra, knobs=knobs)


def within_budget(key: Comparison, n_rates: int, n_seeds: int) -> bool:
    """Whether the whole view, the fit and the sweep of ``n_rates`` x ``n_seeds`` cells, fits
    the one budget (:func:`view_work`); if not, the page says so and what would fit."""
    shape = cost.DataShape.of(load(key))
    extra = {"model": _model_label(key), "rates": int(n_rates), "seeds": int(n_seeds)}
    settings = {**controls.budget_settings(key, shape), **extra}
    knobs = _knobs(settings, sweep=True)
    return controls.within_budget(key, shape, view_work, extra=extra, knobs=knobs)


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
    r"""Least-squares slope of the clean training points of a 1-D regression dataset
    (:func:`core.evidence.clean_slope`); ``None`` if fewer than two distinct x remain."""
    slope = ev.clean_slope(ds)
    return None if np.isnan(slope) else slope


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
    base = evidence.baseline(ds)
    if base is not None:
        rows.append({"loss": base.row_name, metric_name(t): base.test, "diverged at epoch": "—"})
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


def exact_fits(key: Comparison, table: pd.DataFrame) -> dict:
    """What the live fits show for the view as loaded: each loss's clean-test RMSE and
    divergence epoch, the numbers of :func:`fit_table` (the server's)."""
    col = metric_name("regression")
    return {
        "rmse": [None if not wording.finite(v) else float(v) for v in table[col]],
        "diverged": [r.diverged_epoch for r in fits(key)],
    }


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
    # the short label: a full title ("Squared error on probabilities (MSE, Brier)") is cut off
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


def losses_only(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`fit_table` without its baseline row."""
    return table[~table["loss"].str.startswith("baseline: ")]


def fit_takeaway(key: Comparison, table: pd.DataFrame) -> str:
    """The sentence under the fits/boundaries (:func:`fit_sentence` of the page's numbers)."""
    table = losses_only(table)
    t = task(key)
    c = key.corruption
    col = metric_name(t)
    slopes = None
    clean = None
    if "slope" in table and c.kind == "leverage":
        slopes = dict(zip(table["loss"], table["slope"], strict=True))
        clean = clean_slope(load(key))
    limit = flip_limit(key)
    base = evidence.baseline(load(key))
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
        baseline=None if base is None else base.test,
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
    baseline: float | None = None,
) -> str:
    """The clean-test scores at one corruption rate, in words (a pure function of them).

    ``scores`` maps each loss's title to its clean-test score (``NaN``: diverged; RMSE for
    regression, lower is better; accuracy for classification). Cases: every run diverged; one
    loss; every loss at the same printed score; ties at the top or bottom (all named);
    "× larger" only for a positive best RMSE and a ratio that does not print as 1.0; leverage
    ``slopes`` compared with the ``clean`` points' least-squares slope, and called "pulled"
    only when every fitted slope is off it by more than 0.1; a flip ``rate`` at or past the
    ``limit`` said to be unrecoverable (no loss is guaranteed to recover); an accuracy at or
    below the majority-class ``baseline`` is never called best, and the baseline is printed
    beside the accuracies.
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
    base = "" if baseline is None or t == "regression" else f"; baseline {wording.pct(baseline)}"
    prior = (
        []
        if baseline is None or t == "regression"
        else [n for n, v in ok.items() if ev.at_baseline(v, baseline)]
    )
    if len(ok) == 1:
        text = f"With {what}, {col}: {top[0]} {_fmt(t, best_v)}{base}."
    elif _fmt(t, best_v) == _fmt(t, worst_v):
        text = f"With {what}, {col}: every loss {_fmt(t, best_v)}{base}."
    elif prior and len(prior) == len(ok):
        text = (
            f"With {what}, {col}: no loss beats the majority-class baseline "
            f"({wording.pct(baseline)}; best {_fmt(t, best_v)})."
        )
    else:
        text = (
            f"With {what}, {col}: best {wording.names(top)} ({_fmt(t, best_v)}), "
            f"worst {wording.names(bottom)} ({_fmt(t, worst_v)}"
        )
        if t == "regression" and best_v > 0 and not wording.same_ratio(worst_v, best_v):
            text += f", {wording.times(worst_v / best_v)} larger"
        text += f"){base}."
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
            f"the true one (from {limit:.0%} on for this kind{classes}): no loss is "
            "guaranteed to recover the clean labels."
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


# --------------------------------------------------------------------------- seed evidence

#: The page's name in the evidence table.
PAGE = "robustness"


def _data_seed(values: Mapping[str, Any], seed: int) -> dict[str, int]:
    # the page's one seed is its data seed (data, corruption and initial weights)
    prefix = "r" if values["task"] == "regression" else "c"
    return {f"{prefix}{values[f'{prefix}dataset']}_seed": seed}


PRESETS = evidence.with_figure_seeds(_PRESETS, PAGE, _data_seed)
#: Each lecture preset's claims about its fit at the chosen rate, by the preset's label: the
#: title's claim first (``tests/views/test_preset_claims.py`` checks each).
LESSONS: dict[str, tuple[Lesson, ...]] = {
    "Outliers wreck MSE": (
        Lesson(ev.Bottom("mse", "rmse", alone=True), "MSE has the worst clean-test RMSE"),
        Lesson(ev.Top("cauchy", "rmse"), "Cauchy has the best, alone or tied"),
    ),
    "Leverage points fool even MAE": (
        Lesson(
            ev.Level("slope_error", ">", 0.1, ("mae",)),
            "MAE's fitted slope is more than 0.1 off the clean points' slope",
        ),
        Lesson(ev.Level("slope_error", ">", 0.1), "so is every loss's"),
        Lesson(ev.Top("mae", "rmse", alone=True), "MAE still has the best clean-test RMSE"),
    ),
    "Under label noise MAE holds up best": (
        Lesson(
            ev.Top("mae", "test_accuracy", alone=True),
            "with 45% of the labels flipped, MAE has the best clean-test accuracy",
        ),
    ),
    "Past 50% pair flips leave every loss at or below chance (3 classes)": (
        Lesson(
            ev.Level("test_accuracy", "<=", 1 / 3),
            "with 60% pair flips every loss scores at or below chance (33.3%)",
        ),
    ),
}
#: Claims about a preset's sweep (each seed's own sweep), by the preset's label.
SWEEP_LESSONS: dict[str, tuple[Lesson, ...]] = {
    "Outliers wreck MSE": (
        Lesson(
            ev.Bottom("mse", "growth", alone=True),
            "from 0% to 40% outliers MSE's clean-test RMSE grows the most",
        ),
        Lesson(ev.Top("cauchy", "growth"), "Cauchy's the least, alone or tied"),
    ),
    "Under label noise MAE holds up best": (
        Lesson(
            ev.Top("mae", "drop", alone=True),
            "from 0% to 45% flipped labels MAE loses the least clean-test accuracy",
        ),
    ),
}
#: What a sweep entry's title adds to its preset's.
SWEEP = " (sweep)"
#: How a sweep's ranking names the two ends.
SWEEP_METRIC = {"regression": "growth", "classification": "drop"}


def seeded(key: Comparison, seed: int) -> Comparison:
    """``key`` drawn from seed ``seed``: the page's one seed draws the data, the corruption and
    the initial weights."""
    params = tuple(sorted((key.data.kwargs | {"seed": int(seed)}).items()))
    return key.replace(data=dataclasses.replace(key.data, params=params)).with_seed(seed)


def outcome(key: Comparison, seed: int, *, dtype: str | None = None) -> ev.Outcome:
    """The fit at the key's rate from seed ``seed`` (data, corruption and initial weights),
    in the page's configs (``dtype`` if given): :func:`core.evidence.score_outcome`."""
    k = seeded(key, seed)
    ds = k.load()
    cfgs = [dataclasses.replace(c, dtype=dtype or c.dtype) for c in configs(k)]
    results = workers.call(train.fit_many, ds, cfgs)
    return ev.score_outcome(seed, ds, dict(zip(k.losses, results, strict=True)))


def sweep_outcome(
    key: Comparison, seed: int, *, rates: Sequence[float], dtype: str | None = None
) -> ev.Outcome:
    """Seed ``seed``'s own sweep over ``rates`` (as the page sweeps: new data, corruption and
    initial weights per seed), summarised by :func:`core.evidence.sweep_outcome` below the
    flip limit."""
    k = sweep_key(key)
    cfgs = [dataclasses.replace(c, dtype=dtype or c.dtype) for c in configs(k)]
    runs = robustness.sweep(
        lambda sd: load_seed(k, sd),
        cfgs,
        kind=k.corruption.kind,
        rates=list(rates),
        seeds=[int(seed)],
        magnitude=k.corruption.magnitude,
    )
    limit = flip_limit(k)
    return ev.sweep_outcome(seed, runs, task(k), below=np.inf if limit is None else limit - 1e-9)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_outcome(key: Comparison, seed: int) -> ev.Outcome:
    """:func:`outcome` in the page's precision, cached per seed (the on-demand check)."""
    return outcome(key, seed)


def lookup(key: Comparison) -> evidence.Entry | None:
    """The committed seed evidence of the fit at the key's rate, if any."""
    return evidence.lookup(PAGE, key, DTYPE)


def sweep_lookup(key: Comparison, rates: Sequence[float]) -> evidence.Entry | None:
    """The committed seed evidence of the sweep over ``rates``, if any."""
    return evidence.lookup(PAGE, sweep_key(key), DTYPE, rates=[float(r) for r in rates])


def score_metric(key: Comparison) -> str:
    """The fit's metric in the evidence: clean-test RMSE or accuracy."""
    return "rmse" if task(key) == "regression" else "test_accuracy"


def fit_page_takeaway(
    key: Comparison, table: pd.DataFrame, entry: evidence.Entry | None
) -> Takeaway:
    """The fit's takeaway: with seed evidence, how often the preset's claims (or the ranking)
    held over the seeds, the figure's seed named; without, the one run, said to be one."""
    figure = fit_takeaway(key, table)
    seed = key.data_seed
    metric = score_metric(key)
    label = f"{metric_name(task(key))} at {key.corruption.rate:.0%}"
    if entry is None:
        rows = losses_only(table)
        names = {identity.title(n, task(key)): n for n in key.losses}
        col = metric_name(task(key))
        o = ev.Outcome(
            seed,
            {metric: {names[t]: float(v) for t, v in zip(rows["loss"], rows[col], strict=True)}},
        )
        head = evidence.standing_sentences([o], metric, what=label).headline
        return Takeaway(
            head,
            (
                f"In the figure (data seed {seed}): {wording.clause(figure)}",
                "A ranking from one seed is one run, not a lesson: check it across seeds below.",
            ),
        )
    e = entry.evidence
    fig = (
        evidence.figure_note(seed, entry.figure_seed, entry.seeds).replace("seed", "data seed", 1),
        f"In the figure (data seed {seed}): {wording.clause(figure)}",
    )
    noise = evidence.noisy_losses(e.noise(metric), metric)
    lessons = LESSONS.get(entry.title)
    if lessons:
        return evidence.lesson_takeaway(lessons, e, details=(*fig, noise))
    t = evidence.standing_sentences(e.outcomes, metric, noise=e.noise(metric), what=label)
    return Takeaway(t.headline, tuple(x for x in (*t.details, *fig, noise) if x))


def sweep_outcomes(key: Comparison, raw: pd.DataFrame, rates: Sequence[float]) -> list[ev.Outcome]:
    """The page's own sweep seeds as outcomes (read off its runs, no training)."""
    t = task(key)
    by_title = {identity.title(n, t): n for n in key.losses}
    runs = [
        robustness.Run(
            by_title[r.loss], float(r.rate), int(r.seed), float(r.score), bool(r.diverged)
        )
        for r in raw.itertuples()
    ]
    limit = flip_limit(key)
    below = np.inf if limit is None else limit - 1e-9
    return [ev.sweep_outcome(s, runs, t, below) for s in sorted({r.seed for r in runs})]


def sweep_label(key: Comparison, rates: Sequence[float]) -> str:
    """``"accuracy lost from 0% to 45% flipped labels"`` (the rates below the flip limit)."""
    limit = flip_limit(key)
    inside = [r for r in rates if limit is None or r < limit - 1e-9]
    lo, hi = min(inside), max(inside)
    if task(key) == "regression":
        return f"clean-test RMSE growth (×) from {lo:.0%} to {hi:.0%} outliers"
    return f"accuracy lost from {lo:.0%} to {hi:.0%} flipped labels"


def sweep_page_takeaway(
    key: Comparison,
    agg: pd.DataFrame,
    raw: pd.DataFrame,
    rates: Sequence[float],
    entry: evidence.Entry | None,
) -> Takeaway:
    """The sweep's takeaway: who holds up best over the seeds, with how often (the committed
    10 seeds when the sweep is a preset's, else the page's own seeds); the page's mean
    sentence folded under it."""
    t = task(key)
    metric = SWEEP_METRIC[t]
    means = sweep_takeaway(agg, t, flip_limit(key))
    label = sweep_label(key, rates)
    if entry is None:
        outs = sweep_outcomes(key, raw, rates)
        s = evidence.standing_sentences(outs, metric, what=label)
        return Takeaway(s.headline, (*s.details, means))
    e = entry.evidence
    lessons = SWEEP_LESSONS.get(entry.title.removesuffix(SWEEP))
    if lessons:
        return evidence.lesson_takeaway(lessons, e, details=(f"On the page's seeds: {means}",))
    s = evidence.standing_sentences(e.outcomes, metric, noise=e.noise(metric), what=label)
    return Takeaway(s.headline, (*s.details, f"On the page's seeds: {means}"))


def check_report(key: Comparison) -> Any:
    """What the check across seeds draws for the fit: the ranking over the seeds and the
    strip of every seed (the figure's data seed ringed)."""

    def report(outs: list[ev.Outcome]) -> None:
        metric = score_metric(key)
        label = f"{metric_name(task(key))} at {key.corruption.rate:.0%}"
        s = evidence.standing_sentences(outs, metric, what=label)
        st.info(s.headline, icon=":material/stacked_line_chart:")
        for line in s.details:
            st.markdown(line)
        show_strip(outs, metric, key.losses, key.data_seed, seed_word="data seed")

    return report
