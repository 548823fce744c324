"""Training curves over several seeds: cached runs, tidy frames, Altair charts, takeaway.

One cached unit of work is one seed: every chosen loss trained in lockstep from that seed's
initial weights. The page loops over seeds (showing progress) and hands the list of
:class:`SeedRun` to the builders here; the numbers come from :mod:`core.compare`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import boundaries, compare, cost, datasets, metrics, train
from core import evidence as ev
from core.experiment import Comparison, DataChoice, ModelChoice
from core.losses import LossParams
from present import evidence, identity, wording
from present.evidence import Lesson
from present.wording import Takeaway
from serve import workers
from ui import charts, controls
from ui.comparison import load
from ui.evidence import show_strip

# --------------------------------------------------------------------------- controls

#: Datasets offered: every classification dataset (curves need no plane).
DATASETS: tuple[str, ...] = tuple(datasets.names("classification"))

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults and
#: a lecture preset resets every key it does not name to them.
DEFAULTS: dict[str, Any] = {
    **controls.dataset_defaults(DATASETS, "spirals"),
    **controls.model_defaults(
        {"layers": 2, "width": 32, "act": "tanh", "opt": "adam", "lr": 0.01, "epochs": 200}
    ),
    "losses": ["cross_entropy", "mse", "mae", "hinge"],
    **controls.loss_param_defaults("classification"),
    "seeds": 3,
    "band": "minmax",
    "target": 0.9,
    "formula": "",  # no formula of the student's
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``; the
#: curves of each average a window of seeds that holds its representative seed (:data:`PRESETS`).
_PRESETS: dict[str, dict[str, Any]] = {
    "MSE is slow (digits, plain SGD)": {
        "dataset": "digits",
        "digits_n_classes": 10,
        "losses": ["cross_entropy", "mse"],
        "layers": 0,
        "opt": "sgd",
        "lr": 0.5,
        "epochs": 60,
        "batch": "full",
        "seeds": 3,
        "target": 0.9,
    },
    # Hui & Belkin (2021): square loss on the logits is competitive with cross-entropy
    "Square loss on logits keeps up with CE (digits, Hui & Belkin 2021)": {
        "dataset": "digits",
        "digits_n_classes": 10,
        "losses": ["cross_entropy", "square_logits"],
        "layers": 1,
        "width": 64,
        "act": "tanh",
        "opt": "sgd",
        "lr": 0.1,
        "epochs": 150,
        "batch": "full",
        "seeds": 2,
        "target": 0.9,
    },
    "Hinge has no probabilities": {
        "dataset": "moons",
        "losses": ["cross_entropy", "hinge"],
        "layers": 1,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "seeds": 3,
        "target": 0.95,
    },
    "Digits, 10 classes: MAE is the slowest to 90%": {
        "dataset": "digits",
        "digits_n_classes": 10,
        "losses": ["cross_entropy", "mse", "mae", "multi_margin"],
        "layers": 1,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 60,
        "seeds": 2,
        "target": 0.9,
    },
    "Learning rate 8: square loss on logits diverges, CE does not": {
        "dataset": "moons",
        "losses": ["cross_entropy", "square_logits"],
        "layers": 0,
        "opt": "sgd",
        "lr": 8.0,
        "epochs": 100,
        "batch": "full",
        "seeds": 3,
        "target": 0.85,
    },
}

#: Training precision for the curves (float32 is faster; the curves look the same).
DTYPE = "float32"
HEIGHT = 300


@dataclass(frozen=True)
class SeedRun:
    """Plain arrays from one seed (cheap to cache): histories, divergence, test logits and
    the test log-loss at the yardstick epochs."""

    seed: int
    histories: dict[str, dict[str, np.ndarray]]
    diverged: dict[str, int | None]
    test_logits: dict[str, np.ndarray]
    yardstick_epochs: tuple[int, ...]
    test_log_loss: dict[str, np.ndarray]


def comparison(
    data: DataChoice, model: ModelChoice, loss_names: Sequence[str], params: LossParams = ()
) -> Comparison:
    """The page's widgets as one comparison key (clean data; ``model.seed`` is the first seed)."""
    return Comparison(data, model, tuple(loss_names), params)


@st.cache_data(max_entries=64, show_spinner=False)
def fit_seed(key: Comparison) -> SeedRun:
    """Train every loss from ``key.model.seed`` in lockstep and keep what the page shows."""
    ds = load(key)
    marks = compare.yardstick_epochs(key.model.epochs)
    results = workers.call(train.fit_many, ds, key.configs(dtype=DTYPE, snapshot_epochs=marks))
    named = list(zip(key.losses, results, strict=True))
    return SeedRun(
        seed=key.model.seed,
        histories={n: dict(r.history) for n, r in named},
        diverged={n: r.diverged_epoch for n, r in named},
        test_logits={
            n: np.asarray(r.model.decision_function(ds.X_test), dtype=float) for n, r in named
        },
        yardstick_epochs=marks,
        test_log_loss={
            n: compare.score_snapshots(r.snapshots, marks, ds.X_test, ds.y_test) for n, r in named
        },
    )


def work(key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any]) -> cost.Work:
    """The work of one Training-curves view of ``settings["seeds"]`` seeds: per seed, every
    loss trained with the yardstick snapshots (:func:`fit_seed`) and its runs sent back from
    a worker, the snapshots and the final models scored on the test split; the charts."""
    marks = compare.yardstick_epochs(key.model.epochs)
    cfgs = key.configs(dtype=DTYPE, snapshot_epochs=marks)
    sizes = shape.sizes(key.model.hidden)
    itemsize = np.dtype(DTYPE).itemsize
    fit = cost.fit_cost(shape, cfgs)
    scored = cost.evaluation_cost(
        sizes, shape.n_test, len(marks) + 1, len(cfgs), itemsize, scored=shape.n_test
    )
    one = fit + scored + cost.Work(moved=2 * fit.kept)
    return int(settings["seeds"]) * one + cost.Work(views=1)


def within_budget(key: Comparison, ds: datasets.Dataset, n_seeds: int) -> bool:
    """Whether ``n_seeds`` seeds of ``key`` on ``ds`` fit the one budget (:func:`work`); if
    not, the page says so and what would fit (:func:`ui.controls.within_budget`)."""
    shape = cost.DataShape.of(ds)
    return controls.within_budget(key, shape, work, extra={"seeds": int(n_seeds)})


def seeds(key: Comparison, n_seeds: int) -> list[Comparison]:
    """The keys of seeds ``key.model.seed .. key.model.seed + n_seeds - 1``."""
    return [key.with_seed(key.model.seed + i) for i in range(int(n_seeds))]


def runs(key: Comparison, n_seeds: int) -> list[SeedRun]:
    """Every seed's run (each cached; trains what is not cached yet, silently)."""
    return [fit_seed(k) for k in seeds(key, n_seeds)]


def fit_seeds(key: Comparison, n_seeds: int) -> list[SeedRun]:
    """:func:`runs` with a progress bar (seed by seed: each seed is one cache entry)."""
    bar = st.progress(0.0, text=f"Training {len(key.losses)} losses × {n_seeds} seeds…")
    out = []
    for i, k in enumerate(seeds(key, n_seeds)):
        out.append(fit_seed(k))
        bar.progress((i + 1) / n_seeds, text=f"Seed {i + 1} of {n_seeds} trained")
    bar.empty()
    return out


# --------------------------------------------------------------------------- frames


def band_frame(
    runs: Sequence[SeedRun], loss_names: Sequence[str], key: str, spread: str
) -> pd.DataFrame:
    """Mean and band over seeds of history ``key`` per loss: loss, epoch, mean, lo, hi."""
    rows = []
    for n in loss_names:
        b = compare.seed_band([r.histories[n][key] for r in runs], spread)
        rows.append(
            pd.DataFrame(
                {
                    "loss": identity.short(n),
                    "epoch": np.arange(1, len(b.mean) + 1),
                    "mean": b.mean,
                    "lo": b.lo,
                    "hi": b.hi,
                    "seeds": b.count,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def loss_frame(runs: Sequence[SeedRun], loss_names: Sequence[str], spread: str) -> pd.DataFrame:
    """Train and test loss bands, each loss measured by itself (``split`` column)."""
    parts = []
    for split in ("train", "test"):
        parts.append(band_frame(runs, loss_names, f"{split}_loss", spread).assign(split=split))
    return pd.concat(parts, ignore_index=True)


def accuracy_frame(runs: Sequence[SeedRun], loss_names: Sequence[str], spread: str) -> pd.DataFrame:
    """Train and test accuracy bands (``split`` column)."""
    parts = []
    for split in ("train", "test"):
        df = band_frame(runs, loss_names, f"{split}_accuracy", spread)
        parts.append(df.assign(split=split))
    return pd.concat(parts, ignore_index=True)


def yardstick_frame(
    runs: Sequence[SeedRun], loss_names: Sequence[str], spread: str
) -> pd.DataFrame:
    """Test log-loss of every model at the yardstick epochs (one common scale)."""
    epochs = runs[0].yardstick_epochs
    rows = []
    for n in loss_names:
        b = compare.seed_band([r.test_log_loss[n] for r in runs], spread)
        rows.append(
            pd.DataFrame(
                {"loss": identity.short(n), "epoch": epochs, "mean": b.mean, "lo": b.lo, "hi": b.hi}
            )
        )
    return pd.concat(rows, ignore_index=True)


def summaries(
    runs: Sequence[SeedRun], loss_names: Sequence[str], target: float
) -> dict[str, compare.Summary]:
    """:func:`core.compare.summarize` of test accuracy per loss."""
    return {
        n: compare.summarize(
            [r.histories[n]["test_accuracy"] for r in runs],
            [r.diverged[n] is not None for r in runs],
            target,
        )
        for n in loss_names
    }


def summary_frame(
    summary: dict[str, compare.Summary],
    target: float,
    base: evidence.Baseline | None = None,
) -> pd.DataFrame:
    """The table under the curves: one row per loss, and the majority-class baseline as the
    last row (its test accuracy only)."""
    rows = []
    for n, s in summary.items():
        rows.append(
            {
                "loss": identity.title(n),
                "final test accuracy": s.final_mean,
                "± sd": s.final_sd,
                "best test accuracy": s.best_mean,
                f"epochs to {target:.0%} (median)": s.reach_epochs,
                "seeds reaching it": f"{s.reached} of {s.runs}",
                "diverged": f"{s.diverged} of {s.runs}",
            }
        )
    if base is not None and rows:
        reach = "from the start" if ev.at_baseline(target, base.test) else "never"
        rows.append(
            {
                "loss": base.row_name,
                "final test accuracy": base.test,
                "± sd": 0.0,
                "best test accuracy": base.test,
                f"epochs to {target:.0%} (median)": reach,
                "seeds reaching it": "—",
                "diverged": "—",
            }
        )
    return pd.DataFrame(rows)


def _final_logits(run: SeedRun, name: str) -> np.ndarray:
    """Test logits of the final model, all ``NaN`` if the run diverged."""
    z = run.test_logits[name]
    return np.full_like(z, np.nan) if run.diverged[name] is not None else z


def cross_eval_frame(runs: Sequence[SeedRun], loss_names: Sequence[str], y_test) -> pd.DataFrame:
    """Every final model under every metric (mean over seeds): the cross-evaluation table.

    A diverged run's last finite model is not a trained result, so it is left out (a loss
    that diverged in every seed gets ``NaN``)."""
    tables = [
        compare.cross_evaluate({n: _final_logits(r, n) for n in loss_names}, y_test) for r in runs
    ]
    mean = compare.mean_scores(tables)
    rows = []
    for n in loss_names:
        row = {"trained with": identity.title(n)}
        for m, (title, _, _) in compare.METRICS.items():
            row[title] = mean[n][m]
        rows.append(row)
    return pd.DataFrame(rows)


def reliability_frame(
    runs: Sequence[SeedRun], loss_names: Sequence[str], y_test, n_bins: int = 10
) -> pd.DataFrame:
    """Reliability diagram data per loss, test points pooled over seeds (diverged runs left out)."""
    rows = []
    for n in loss_names:
        z = [_final_logits(r, n) for r in runs]
        z = [zz for zz in z if np.all(np.isfinite(zz))]
        if not z:
            continue
        curve = compare.reliability(np.vstack(z), np.tile(np.asarray(y_test), len(z)), n_bins)
        keep = curve.count > 0
        rows.append(
            pd.DataFrame(
                {
                    "loss": identity.short(n),
                    "confidence": curve.confidence[keep],
                    "accuracy": curve.accuracy[keep],
                    "points": curve.count[keep],
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


# --------------------------------------------------------------------------- page text


def other_page_note(
    key: Comparison,
    n_seeds: int,
    runs: Sequence[SeedRun],
    other: Comparison,
    page: str,
    other_dtype: str = DTYPE,
) -> str | None:
    """When another page shows this comparison trained for fewer epochs (``other``, e.g.
    Decision boundaries' default view: the same spirals, model and losses, 150 epochs, one
    seed): the first seed's test accuracy here at that page's last epoch, which is the
    accuracy that page shows (same data, start and batches), and how this view differs. A
    student comparing the two tabs sees where each number comes from. When that page trains
    in another precision (``other_dtype``), its numbers are not this page's: the note says
    so and quotes none. ``None`` otherwise."""
    same = (key.data, key.losses, key.params) == (other.data, other.losses, other.params)
    epochs = other.model.epochs
    model = dataclasses.replace(key.model, epochs=epochs)
    if not same or model != other.model or epochs >= key.model.epochs or not runs:
        return None
    if other_dtype != DTYPE:
        return (
            f"{page} shows these losses on the same data and model, trained from seed "
            f"{key.model.seed} for {epochs} epochs in {other_dtype}; this page trains in "
            f"{DTYPE} (faster over several seeds), so its seed {key.model.seed} at epoch "
            f"{epochs} can differ from that page's accuracies by rounding alone (hinge's "
            f"most). Here training goes on to epoch {key.model.epochs}, and the curves are "
            f"the mean over {n_seeds} seed{'s' if n_seeds != 1 else ''}."
        )
    first = runs[0]
    shown = ", ".join(
        f"{identity.short(n)} {wording.pct(first.histories[n]['test_accuracy'][epochs - 1])}"
        for n in key.losses
        if len(first.histories[n]["test_accuracy"]) >= epochs
    )
    return (
        f"{page} shows these losses on the same data and model, trained from seed "
        f"{key.model.seed} for {epochs} epochs: test accuracy {shown}. Those are this page's "
        f"seed {key.model.seed} at epoch {epochs}; here training goes on to epoch "
        f"{key.model.epochs}, and the curves are the mean over {n_seeds} seed"
        f"{'s' if n_seeds != 1 else ''}."
    )


CROSS_NOTE = (
    "Final models on the test split, mean over seeds. Log-loss, Brier and ECE read "
    "softmax(logits) — for margin losses that is not a probability they were trained to give."
)


def caption(ds: datasets.Dataset, model: ModelChoice, n_seeds: int) -> str:
    """The line above the curves: data, model and seeds."""
    return (
        f"{ds.title}: {len(ds.y_train)} training / {len(ds.y_test)} test points, "
        f"{ds.n_features} features, {ds.n_classes} classes · {model.describe} · "
        f"{n_seeds} seed(s) from {model.seed}"
    )


def divergence_notes(summary: Mapping[str, compare.Summary], lr: float) -> list[str]:
    """One warning per loss that diverged in some seed."""
    return [
        f"{identity.title(n)} diverged in {s.diverged} of {s.runs} seeds "
        f"(learning rate {lr:g} is too high for it); its curves stop there."
        for n, s in summary.items()
        if s.diverged
    ]


def styled_summary(table: pd.DataFrame) -> Any:
    """:func:`summary_frame` for :func:`ui.frame.table`: three decimals, "never" for a target no
    seed reached and "—" for a diverged loss's scores (never ``None``). The epochs to the
    target are written out as text: the browser's grid draws every missing cell as the same
    dash, and "never reached" is not "not defined"."""
    reach = [c for c in table.columns if c.startswith("epochs to ")]
    scores = [c for c in ("final test accuracy", "± sd", "best test accuracy") if c in table]
    shown = table.assign(
        **{
            c: [v if isinstance(v, str) else "never" if pd.isna(v) else f"{v:g}" for v in table[c]]
            for c in reach
        }
    )
    return shown.style.format("{:.3f}", subset=scores, na_rep="—").hide(axis="index")


def styled_cross(cross: pd.DataFrame) -> Any:
    """:func:`cross_eval_frame` for :func:`ui.frame.table`: three decimals, "—" for a
    diverged model."""
    cols = list(cross.columns[1:])
    return cross.style.format("{:.3f}", subset=cols, na_rep="—").hide(axis="index")


# --------------------------------------------------------------------------- charts

DIVERGED_NOTE = "diverged: cut at 10× its start"
#: A diverging curve is cut where it first exceeds this many times its starting value: the
#: axis stays readable and the divergence is reported in words (the warning and takeaway).
BLOWUP = 10.0


def cut_divergence(
    df: pd.DataFrame, diverged: Sequence[str], factor: float = BLOWUP
) -> pd.DataFrame:
    """``df`` (a band frame) with the curves of the ``diverged`` losses (short labels) blanked
    from the first epoch where their band exceeds ``factor`` times its first finite value.

    A run that blows up reaches ~1e150 before it overflows; drawn, it flattens every other
    value on the axis to zero.
    """
    out = df.copy()
    for (loss, *_), g in out.groupby(["loss", *(["split"] if "split" in out else [])]):
        if loss not in diverged:
            continue
        g = g.sort_values("epoch")
        top = g[["mean", "hi"]].abs().max(axis=1)
        start = top[np.isfinite(top)]
        if start.empty:
            continue
        limit = factor * max(float(start.iloc[0]), 1e-12)
        over = g.index[~(top <= limit)]
        if len(over):
            first = g.loc[over, "epoch"].min()
            cut = g.index[g["epoch"] >= first]
            out.loc[cut, ["mean", "lo", "hi"]] = np.nan
    return out


def _band_lines(
    df: pd.DataFrame,
    loss_names: Sequence[str],
    y_title: str,
    *,
    log_y: bool = False,
    dash: bool = False,
    dash_legend: bool = True,
) -> alt.LayerChart:
    """Mean line and seed band per loss, coloured by the loss's identity; ``dash``: train solid,
    test dashed (a ``split`` column), with its own legend unless ``dash_legend`` is false."""
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    colors = identity.scale(loss_names, short_labels=True)
    order = [identity.short(n) for n in loss_names]
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="epoch"))
    # the band's colour field is a copy of "loss": two channels on one field would merge (and
    # then hide) the line's legend
    band = (
        base.transform_calculate(band="datum.loss")
        .mark_area(opacity=0.18)
        .encode(
            y=alt.Y("lo:Q", title=y_title, scale=scale),
            y2="hi:Q",
            fill=alt.Fill("band:N", scale=colors, legend=None),
            detail="split:N" if dash else alt.Detail("loss:N"),
        )
    )
    enc = {
        "y": alt.Y("mean:Q", title=y_title, scale=scale),
        "color": alt.Color(
            "loss:N",
            scale=colors,
            sort=order,
            title="Loss",
            legend=None if dash else alt.Legend(orient="bottom", columns=4),
        ),
        "tooltip": [
            alt.Tooltip("loss:N"),
            alt.Tooltip("epoch:Q"),
            alt.Tooltip("mean:Q", format=".4f"),
            alt.Tooltip("lo:Q", format=".4f"),
            alt.Tooltip("hi:Q", format=".4f"),
        ],
    }
    if dash:
        enc["strokeDash"] = alt.StrokeDash(
            "split:N",
            title="split",
            scale=alt.Scale(domain=["train", "test"], range=[[1, 0], [6, 4]]),
            legend=alt.Legend(orient="bottom", symbolStrokeColor="#444") if dash_legend else None,
        )
    line = base.mark_line(strokeWidth=3).encode(**enc)
    return alt.layer(band, line)


def _diverged(rs: Sequence[SeedRun], loss_names: Sequence[str]) -> list[str]:
    """Short labels of the losses that diverged in some seed."""
    return [identity.short(n) for n in loss_names if any(r.diverged[n] is not None for r in rs)]


@charts.cached_spec(max_entries=64)
def loss_panel(key: Comparison, n_seeds: int, spread: str, name: str) -> alt.LayerChart:
    """Train (solid) and test (dashed) loss per epoch of the loss ``name``, mean and band over
    seeds, on its own y scale: one panel of :func:`show_loss_panels`. A curve cut where it
    diverged says so in the subtitle (a panel that looks empty would say nothing)."""
    rs = runs(key, n_seeds)
    gone = _diverged(rs, [name])
    df = cut_divergence(loss_frame(rs, [name], spread), gone)
    subtitle = "train solid, test dashed"
    title = {
        "text": identity.short(name),
        "subtitle": f"{DIVERGED_NOTE}; {subtitle}" if gone else subtitle,
    }
    lines = _band_lines(df, [name], "loss (its own units)", dash=True, dash_legend=False)
    return lines.properties(data=df, height=200, title=title)


def show_loss_panels(key: Comparison, n_seeds: int, spread: str) -> None:
    """Each loss by itself: its train and test loss in a panel of its own (:func:`loss_panel`),
    two per row, one per row on a phone (:func:`ui.charts.panels`; a faceted chart of fixed
    width was clipped on a phone)."""
    st.markdown("**Each loss by itself**, in its own units: mean over the seeds and its band")
    charts.panels([loss_panel(key, n_seeds, spread, n) for n in key.losses], columns=2)


@charts.cached_spec(max_entries=16)
def accuracy_chart(key: Comparison, n_seeds: int, spread: str, target: float) -> alt.LayerChart:
    """Test accuracy per epoch for every loss on one axis, with the target as a dashed line."""
    df = accuracy_frame(runs(key, n_seeds), key.losses, spread)
    test = df[df["split"] == "test"]
    lines = _band_lines(test, key.losses, "test accuracy")
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(color=identity.NEUTRAL, strokeDash=[6, 4], strokeWidth=2)
        .encode(y="target:Q")
    )
    return alt.layer(lines, rule, data=test).properties(
        title={
            "text": "Test accuracy",
            "subtitle": f"the common yardstick; dashed: target {target:.0%}",
        },
        height=HEIGHT,
    )


@charts.cached_spec(max_entries=16)
def yardstick_chart(key: Comparison, n_seeds: int, spread: str) -> alt.LayerChart:
    """Test log-loss of every model on one log axis."""
    rs = runs(key, n_seeds)
    df = cut_divergence(yardstick_frame(rs, key.losses, spread), _diverged(rs, key.losses))
    finite = df[np.isfinite(df["mean"]) & (df["mean"] > 0)]
    return (
        _band_lines(finite, key.losses, "test log-loss (nats, log scale)", log_y=True)
        .properties(data=finite)
        .properties(title="Test log-loss (one rule for all)", height=HEIGHT)
    )


@charts.cached_spec(max_entries=16)
def reliability_chart(key: Comparison, n_seeds: int) -> alt.LayerChart:
    """Reliability diagram: accuracy against confidence per bin; the diagonal is calibrated."""
    df = reliability_frame(runs(key, n_seeds), key.losses, load(key).y_test)
    order = [identity.short(n) for n in key.losses]
    diag = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color=identity.NEUTRAL, strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    color = alt.Color(
        "loss:N",
        title="Loss",
        scale=identity.scale(key.losses, short_labels=True),
        sort=order,
        legend=alt.Legend(orient="bottom", columns=4),
    )
    x = alt.X("confidence:Q", title="confidence max p (softmax)", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("accuracy:Q", title="accuracy in the bin", scale=alt.Scale(domain=[0, 1]))
    line = alt.Chart(df).mark_line(strokeWidth=2.5, clip=True).encode(x=x, y=y, color=color)
    dots = (
        alt.Chart(df)
        .mark_circle(opacity=0.9, clip=True)
        .encode(
            x=x,
            y=y,
            color=color,
            size=alt.Size(
                "points:Q",
                title="test points",
                scale=alt.Scale(range=[20, 300]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                "loss:N",
                alt.Tooltip("confidence:Q", format=".3f"),
                alt.Tooltip("accuracy:Q", format=".3f"),
                "points:Q",
            ],
        )
    )
    return alt.layer(diag, line, dots).properties(
        title="Reliability (diagonal: calibrated)", height=HEIGHT
    )


# --------------------------------------------------------------------------- takeaway

#: Losses trained on scores (margins or raw logits): their softmax is no probability they were
#: asked to give, so calibration sentences do not call it one.
SCORE_LOSSES = boundaries.SCORE_LOSSES


def _seeds_note(s: compare.Summary) -> str:
    return f"{s.reached} of {s.runs}"


def reach_sentence(
    summary: Mapping[str, compare.Summary], loss_names: Sequence[str], target: float
) -> str:
    """Who reached ``target`` test accuracy, when, and how much sooner or later than the
    baseline (CE if it got there, else the fastest).

    Cases: no loss reached it; one loss; ties (medians within :data:`present.wording.RATIO_TIE`,
    said as "about as soon as", never "1.0×"); every other loss compared with the baseline
    (the fastest and the slowest are both named); losses that never got there; medians over
    fewer seeds than were run.
    """
    goal = wording.pct(target, 0)
    reach = {n: summary[n].reach_epochs for n in loss_names}
    reached = {n: e for n, e in reach.items() if e is not None}
    never = [n for n in loss_names if reach[n] is None]
    parts = []
    if not reached:
        if len(loss_names) > 1:
            return f"No loss reached {goal} test accuracy in any seed within these epochs."
        return (
            f"{identity.short(loss_names[0])} did not reach {goal} test accuracy in any seed "
            "within these epochs."
        )
    base = "cross_entropy" if "cross_entropy" in reached else min(reached, key=reached.get)
    others = sorted(
        (n for n in reached if n != base), key=lambda n: (-reached[n], loss_names.index(n))
    )
    b = summary[base]
    if not others:
        seeds = "" if b.reached == b.runs else f"; reached in {_seeds_note(b)} seeds"
        parts.append(
            f"{identity.short(base)} reached {goal} test accuracy at epoch {reached[base]:g} "
            f"(median over seeds{seeds})."
        )
    clauses = []
    for i, n in enumerate(others):
        s, e, eb = summary[n], reached[n], reached[base]
        seeds = ""
        if s.reached < s.runs or b.reached < b.runs:
            seeds = f"; reached in {_seeds_note(s)} vs {_seeds_note(b)} seeds"
        if wording.same_ratio(e, eb):
            how = "at the same median epoch as" if e == eb else "about as soon as"
        else:
            f = wording.factor(e, eb)
            how = f"{wording.times(f)} {'later' if e > eb else 'sooner'} than"
        if i == 0:
            clauses.append(
                f"{identity.short(n)} reached {goal} test accuracy {how} "
                f"{identity.short(base)} (median epoch {e:g} vs {eb:g}{seeds})"
            )
        else:
            clauses.append(
                f"{identity.short(n)} {how} {identity.short(base)} (median epoch {e:g}{seeds})"
            )
    if clauses:
        parts.append("; ".join(clauses) + ".")
    if never:
        parts.append(
            f"{wording.names([identity.short(n) for n in never])}: not reached in any seed."
        )
    return " ".join(parts)


#: Losses whose raw outputs estimate the class probabilities: the minimiser of
#: :math:`\mathbb{E} \sum_k (z_k - Y_k)^2` is :math:`z_k = P(k \mid x)`, so their softmax is
#: the wrong reading of them, not a probability they failed to give.
RAW_PROBABILITY_LOSSES = frozenset({"square_logits"})


def clipped_probabilities(z: np.ndarray) -> np.ndarray:
    """Raw outputs read as probabilities: clipped to [0, 1] and each row renormalised to sum
    to 1 (a row clipped to all zeros becomes uniform)."""
    p = np.clip(np.asarray(z, dtype=float), 0.0, 1.0)
    total = p.sum(axis=1, keepdims=True)
    uniform = np.full_like(p, 1.0 / p.shape[1])
    return np.where(total > 0, p / np.where(total > 0, total, 1.0), uniform)


def raw_output_ece(runs: Sequence[SeedRun], name: str, y_test) -> float:
    """Mean over the seeds that did not diverge of the calibration error of ``name``'s raw
    outputs read as probabilities (:func:`clipped_probabilities`); NaN if every seed
    diverged."""
    vals = [
        metrics.expected_calibration_error(y_test, clipped_probabilities(r.test_logits[name]))
        for r in runs
        if r.diverged[name] is None and np.all(np.isfinite(r.test_logits[name]))
    ]
    return float(np.mean(vals)) if vals else float("nan")


def calibration_sentence(
    ece: Mapping[str, float], raw_ece: Mapping[str, float] | None = None
) -> str:
    """Expected calibration error of each loss's softmax, with the right word for it.

    Losses trained for probabilities are compared by "probabilities are off by" (the best and
    the worst; a tie when they print the same); losses trained on scores (margins,
    :data:`SCORE_LOSSES` without :data:`RAW_PROBABILITY_LOSSES`) are reported separately as
    softmax "read as probabilities", never as probabilities they were asked to give; a loss
    whose raw outputs estimate the probabilities (square loss on logits) is reported with the
    error of those raw outputs (``raw_ece``, clipped and renormalised) and of its softmax, the
    wrong reading. Non-finite values (diverged runs) are left out.
    """
    ece = {n: v for n, v in ece.items() if wording.finite(v)}
    raw = {n: v for n, v in (raw_ece or {}).items() if wording.finite(v)}
    direct = {n: v for n, v in ece.items() if n in RAW_PROBABILITY_LOSSES}
    probs = {n: v for n, v in ece.items() if n not in SCORE_LOSSES}
    scores = {n: v for n, v in ece.items() if n in SCORE_LOSSES and n not in direct}
    if not ece:
        return ""
    fmt = ".3f"

    def off(v: float) -> str:
        return wording.number(v, fmt)

    parts = []
    if probs:
        lo, hi = min(probs, key=probs.get), max(probs, key=probs.get)
        if len(probs) == 1:
            own = wording.possessive(identity.short(lo))
            parts.append(f"{own} probabilities are off by {off(probs[lo])} (ECE)")
        elif wording.same_printed(probs[lo], probs[hi], fmt):
            who = wording.names([identity.short(n) for n in probs])
            parts.append(
                f"{wording.possessive(who)} probabilities are all off by {off(probs[lo])} (ECE)"
            )
        else:
            parts.append(
                f"{wording.possessive(identity.short(lo))} probabilities are off by "
                f"{off(probs[lo])} (ECE), {wording.possessive(identity.short(hi))} by "
                f"{off(probs[hi])}"
            )
    for n, v in direct.items():
        own = wording.possessive(identity.short(n))
        if n in raw:
            parts.append(
                f"{own} raw outputs estimate the probabilities (clipped to [0, 1], off by "
                f"{off(raw[n])}); read through a softmax, which is not how they are meant, "
                f"off by {off(v)}"
            )
        else:
            parts.append(
                f"{own} raw outputs, not their softmax, estimate the probabilities; read "
                f"through a softmax they are off by {off(v)}"
            )
    if scores:
        who = wording.names([identity.short(n) for n in scores])
        verb = "is" if len(scores) == 1 else "are"
        if probs or direct:
            listed = ", ".join(
                f"{wording.possessive(identity.short(n))} by {off(v)}" for n, v in scores.items()
            )
            parts.append(
                f"read as probabilities ({who} {verb} trained for scores, not probabilities), "
                f"{listed}"
            )
        else:
            listed = wording.names([f"{off(v)} ({identity.short(n)})" for n, v in scores.items()])
            parts.append(
                f"{who} {verb} trained for scores, not probabilities; read as probabilities, "
                f"the softmax is off by {listed} (ECE)"
            )
    return "Calibration: " + "; ".join(parts) + "."


def target_note(target: float, base: evidence.Baseline | None) -> str:
    """A warning when the target is at or below the majority-class baseline (reaching it
    shows nothing learned); empty otherwise."""
    if base is None or not ev.at_baseline(target, base.test):
        return ""
    return (
        f"The target {wording.pct(target, 0)} is at or below the majority-class baseline "
        f"({wording.pct(base.test)}): always predicting {base.label} reaches it, so reaching "
        "it shows nothing learned. Raise the target."
    )


def takeaway(
    summary: dict[str, compare.Summary],
    cross: pd.DataFrame,
    loss_names: Sequence[str],
    target: float,
    raw_ece: Mapping[str, float] | None = None,
) -> str:
    """The curves' seeds in words: who reached the target how much sooner or later,
    calibration, divergence (each part a pure function of its numbers)."""
    loss_names = list(loss_names)
    parts = [reach_sentence(summary, loss_names, target)]
    if "ECE" in cross:
        cal = calibration_sentence(dict(zip(loss_names, cross["ECE"], strict=True)), raw_ece)
        if cal:
            parts.append(cal)
    diverged = [n for n in loss_names if summary[n].diverged]
    if diverged:
        parts.append(
            "Diverged: "
            + ", ".join(
                f"{identity.short(n)} in {summary[n].diverged} of {summary[n].runs} seeds"
                for n in diverged
            )
            + "."
        )
    return " ".join(parts)


# --------------------------------------------------------------------------- seed evidence

#: The page's name in the evidence table.
PAGE = "training"
#: Each lecture preset's claims, by the preset's label: the title's claim first (the
#: headline), then the takeaway's (``tests/views/test_preset_claims.py`` checks each).
LESSONS: dict[str, tuple[Lesson, ...]] = {
    "MSE is slow (digits, plain SGD)": (
        Lesson(
            ev.Ahead("cross_entropy", "mse", "reach_epoch"),
            "CE reaches 90% test accuracy before MSE",
        ),
    ),
    "Square loss on logits keeps up with CE (digits, Hui & Belkin 2021)": (
        Lesson(
            ev.NotBehind("square_logits", "cross_entropy", "final_accuracy", 0.02),
            "square loss on logits ends at most 2 points below CE's test accuracy",
        ),
    ),
    # The title is a fact of the loss (hinge trains scores); the claim is what it costs.
    "Hinge has no probabilities": (
        Lesson(
            ev.Ahead("cross_entropy", "hinge", "ece"),
            "CE's probabilities are better calibrated than hinge's softmax (lower ECE)",
        ),
    ),
    "Digits, 10 classes: MAE is the slowest to 90%": (
        Lesson(ev.Bottom("mae", "reach_epoch", alone=True), "MAE reaches 90% last"),
        Lesson(ev.Ahead("cross_entropy", "mae", "reach_epoch"), "CE reaches 90% before MAE"),
    ),
    "Learning rate 8: square loss on logits diverges, CE does not": (
        Lesson(
            ev.All(
                (
                    ev.Level("diverged", ">=", 1.0, ("square_logits",)),
                    ev.Level("diverged", "<=", 0.0, ("cross_entropy",)),
                )
            ),
            "square loss on logits diverges and CE does not",
        ),
    ),
}


def seed_outcomes(
    runs: Sequence[SeedRun], loss_names: Sequence[str], target: float, ds: datasets.Dataset
) -> list[ev.Outcome]:
    """The page's own seeds as outcomes (no training: read off their histories and logits)."""
    base = ev.majority_baseline(ds.y_train, ds.y_test, ds.n_classes)
    return [
        ev.Outcome(
            r.seed,
            ev.reach_values(
                {n: r.histories[n]["test_accuracy"] for n in loss_names},
                {n: r.diverged[n] is not None for n in loss_names},
                {n: r.test_logits[n] for n in loss_names},
                ds.y_test,
                target,
            ),
            base,
            len(ds.y_test),
        )
        for r in runs
    ]


def outcome(
    key: Comparison,
    seed: int,
    *,
    target: float,
    dtype: str | None = None,
    data_seed: bool = False,
) -> ev.Outcome:
    """The view trained from ``seed`` in the page's configs (``dtype`` if given):
    :func:`core.evidence.reach_outcome`. ``data_seed``: data and initial weights drawn from
    ``seed``."""
    if data_seed:
        params = tuple(sorted((key.data.kwargs | {"seed": int(seed)}).items()))
        key = key.replace(data=dataclasses.replace(key.data, params=params))
    k = key.with_seed(seed)
    ds = k.load()
    results = workers.call(train.fit_many, ds, k.configs(dtype=dtype or DTYPE))
    return ev.reach_outcome(seed, ds, dict(zip(k.losses, results, strict=True)), target)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_outcome(key: Comparison, seed: int, target: float) -> ev.Outcome:
    """:func:`outcome` in the page's precision, cached per seed (the on-demand check)."""
    return outcome(key, seed, target=target)


def lookup(key: Comparison, target: float) -> evidence.Entry | None:
    """The committed seed evidence of this view and target, if any."""
    return evidence.lookup(PAGE, key, DTYPE, target=float(target))


def window(first: int, n_seeds: int) -> tuple[int, ...]:
    """The seeds the curves average: ``first`` and the ``n_seeds - 1`` after it."""
    return tuple(range(int(first), int(first) + int(n_seeds)))


def figure_start(representative: int, n_seeds: int) -> int:
    """The first seed of a window of ``n_seeds`` inside seeds ``0..K-1`` that holds
    ``representative`` (a preset's curves average the median run and its neighbours)."""
    return max(0, min(int(representative), ev.K - int(n_seeds)))


def strip_metric(entry: evidence.Entry) -> str:
    """The metric the strip chart shows: the title claim's, else the epochs to the target."""
    lessons = LESSONS.get(entry.title)
    return lessons[0].claim.metric if lessons else "reach_epoch"


def page_takeaway(
    runs: Sequence[SeedRun],
    summary: dict[str, compare.Summary],
    cross: pd.DataFrame,
    loss_names: Sequence[str],
    target: float,
    ds: datasets.Dataset,
    *,
    entry: evidence.Entry | None,
    raw_ece: Mapping[str, float] | None = None,
) -> Takeaway:
    """The page's takeaway: with seed evidence, how often the preset's claims (or the ranking
    by epochs to the target) held over the seeds; without, the ranking over the page's own
    seeds, with how often. A target at or below the baseline is the headline itself."""
    base = evidence.baseline(ds)
    note = target_note(target, base)
    seeds = [r.seed for r in runs]
    curves = takeaway(summary, cross, loss_names, target, raw_ece)
    shown = (
        f"In the curves' {wording.plural(len(seeds), 'seed')} "
        f"({evidence.seeds_span(seeds)}): {curves}"
    )
    what = f"epochs to {wording.pct(target, 0)} test accuracy"
    if entry is None:
        outs = seed_outcomes(runs, loss_names, target, ds)
        t = evidence.standing_sentences(outs, "reach_epoch", what=what)
        more = (
            "A ranking from one seed is one run, not a lesson: check it across seeds below."
            if len(runs) == 1
            else "Check across 10 seeds below before teaching it as a lesson."
        )
        details = (*t.details, shown, more)
        head = t.headline
    else:
        e = entry.evidence
        lessons = LESSONS.get(entry.title)
        rep = entry.figure_seed
        where = (
            f"The curves: seeds {evidence.seeds_span(seeds)} of "
            f"{evidence.seeds_span(entry.seeds)}"
            + (f" (seed {rep}, the median run, among them)." if rep in seeds else ".")
        )
        noise = evidence.noisy_losses(e.noise("final_accuracy"), "final_accuracy")
        if lessons:
            t = evidence.lesson_takeaway(lessons, e, details=(where, shown, noise))
        else:
            t = evidence.standing_sentences(e.outcomes, "reach_epoch", what=what)
            t = Takeaway(t.headline, (*t.details, where, shown, noise))
        head, details = t.headline, t.details
    if note:
        return Takeaway(note.split(": ")[0] + ".", (note, head, *details))
    return Takeaway(head, tuple(x for x in details if x))


def check_report(key: Comparison, target: float) -> Any:
    """What the check across seeds draws: the ranking by epochs to the target over the seeds
    and the strip of every seed (the curves' first seed ringed)."""

    def report(outs: list[ev.Outcome]) -> None:
        what = f"epochs to {wording.pct(target, 0)} test accuracy"
        t = evidence.standing_sentences(outs, "reach_epoch", what=what)
        st.info(t.headline, icon=":material/stacked_line_chart:")
        for line in t.details:
            st.markdown(line)
        show_strip(outs, "final_accuracy", key.losses, key.model.seed)

    return report


# each preset's curves average a window of seeds that holds its representative seed
PRESETS = evidence.with_figure_seeds(
    _PRESETS, PAGE, lambda v, rep: {"seed": figure_start(rep, v.get("seeds", 3))}
)
