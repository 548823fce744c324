"""Training curves over several seeds: cached runs, tidy frames, Altair charts, takeaway.

One cached unit of work is one seed: every chosen loss trained in lockstep from that seed's
initial weights. The page loops over seeds (showing progress) and hands the list of
:class:`SeedRun` to the builders here; the numbers come from :mod:`core.compare`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import compare, train
from ui import charts
from ui.controls import (
    DataChoice,
    LossParams,
    ModelChoice,
    loss_title,
    params_for,
    short_label,
)

#: Training precision for the curves (float32 is ~2x faster; the curves look the same).
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


@st.cache_data(max_entries=64, show_spinner=False)
def fit_seed(
    data: DataChoice, model: ModelChoice, loss_names: tuple[str, ...], params: LossParams = ()
) -> SeedRun:
    """Train every loss from ``model.seed`` in lockstep and keep what the page shows."""
    ds = data.load()
    marks = compare.yardstick_epochs(model.epochs)
    cfgs = [
        model.config(n, params_for(params, n), dtype=DTYPE, snapshot_epochs=marks)
        for n in loss_names
    ]
    results = train.fit_many(ds, cfgs)
    return SeedRun(
        seed=model.seed,
        histories={n: dict(r.history) for n, r in zip(loss_names, results, strict=True)},
        diverged={n: r.diverged_epoch for n, r in zip(loss_names, results, strict=True)},
        test_logits={
            n: np.asarray(r.model.decision_function(ds.X_test), dtype=float)
            for n, r in zip(loss_names, results, strict=True)
        },
        yardstick_epochs=marks,
        test_log_loss={
            n: compare.score_snapshots(r.snapshots, marks, ds.X_test, ds.y_test)
            for n, r in zip(loss_names, results, strict=True)
        },
    )


def fit_seeds(
    data: DataChoice,
    model: ModelChoice,
    loss_names: tuple[str, ...],
    n_seeds: int,
    params: LossParams = (),
) -> list[SeedRun]:
    """Seeds ``model.seed .. model.seed + n_seeds - 1``, each cached, with a progress bar."""
    bar = st.progress(0.0, text=f"Training {len(loss_names)} losses × {n_seeds} seeds…")
    runs = []
    for i in range(n_seeds):
        seeded = dataclasses.replace(model, seed=model.seed + i)
        runs.append(fit_seed(data, seeded, loss_names, params))
        bar.progress((i + 1) / n_seeds, text=f"Seed {i + 1} of {n_seeds} trained")
    bar.empty()
    return runs


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
                    "loss": short_label(n),
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
                {"loss": short_label(n), "epoch": epochs, "mean": b.mean, "lo": b.lo, "hi": b.hi}
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


def summary_frame(summary: dict[str, compare.Summary], target: float) -> pd.DataFrame:
    """The table under the curves: one row per loss."""
    rows = []
    for n, s in summary.items():
        rows.append(
            {
                "loss": loss_title(n),
                "final test accuracy": s.final_mean,
                "± sd": s.final_sd,
                "best test accuracy": s.best_mean,
                f"epochs to {target:.0%} (median)": s.reach_epochs,
                "seeds reaching it": f"{s.reached} of {s.runs}",
                "diverged": f"{s.diverged} of {s.runs}",
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
        row = {"trained with": loss_title(n)}
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
                    "loss": short_label(n),
                    "confidence": curve.confidence[keep],
                    "accuracy": curve.accuracy[keep],
                    "points": curve.count[keep],
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


# --------------------------------------------------------------------------- charts


def _band_lines(
    df: pd.DataFrame, color: str, domain: Sequence[str], y_title: str, *, log_y: bool = False
) -> alt.LayerChart:
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    enc_color = alt.Color(f"{color}:N", scale=charts.color_scale(domain), sort=list(domain),
                          title=color)  # fmt: skip
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="epoch"))
    # the band takes the colour without a legend: the legend shows the (opaque) lines
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("lo:Q", title=y_title, scale=scale),
        y2="hi:Q",
        color=alt.Color(f"{color}:N", scale=charts.color_scale(domain), legend=None),
    )
    line = base.mark_line(strokeWidth=3).encode(
        y=alt.Y("mean:Q", title=y_title, scale=scale),
        color=enc_color,
        tooltip=[
            alt.Tooltip(f"{color}:N"),
            alt.Tooltip("epoch:Q"),
            alt.Tooltip("mean:Q", format=".4f"),
            alt.Tooltip("lo:Q", format=".4f"),
            alt.Tooltip("hi:Q", format=".4f"),
        ],
    )
    return alt.layer(band, line)


def loss_chart(df: pd.DataFrame, losses_shown: Sequence[str], columns: int = 4) -> alt.FacetChart:
    """Train and test loss per epoch, one panel per loss, each on its own y scale."""
    # each panel has its own y axis (independent scales): leave room for it
    w = int(min(320, 860 // min(columns, max(1, len(losses_shown))) - 75))
    layer = _band_lines(df, "split", ["train", "test"], "loss (its own units)").properties(
        width=w, height=220
    )
    return (
        alt.FacetChart(
            data=df,
            spec=layer,
            facet=alt.Facet(
                "loss:N",
                sort=list(losses_shown),
                title=None,
                header=alt.Header(labelFontSize=16, labelFontWeight="bold"),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
        .properties(
            title="Each loss measured by itself: train (blue) and test (orange), mean and band "
            "over seeds"
        )
        .configure_legend(
            orient="bottom", labelFontSize=charts.FONT_SIZE, titleFontSize=charts.FONT_SIZE
        )
    )


def accuracy_chart(df: pd.DataFrame, losses_shown: Sequence[str], target: float) -> alt.LayerChart:
    """Test accuracy per epoch for every loss on one axis, with the target as a dashed line."""
    test = df[df["split"] == "test"]
    lines = _band_lines(test, "loss", losses_shown, "test accuracy")
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(color="#555", strokeDash=[6, 4], strokeWidth=2)
        .encode(y="target:Q")
    )
    return alt.layer(lines, rule, data=test).properties(
        title=f"Test accuracy (the common yardstick); dashed: target {target:.0%}",
        height=HEIGHT,
        width="container",
    )


def yardstick_chart(df: pd.DataFrame, losses_shown: Sequence[str]) -> alt.LayerChart:
    """Test log-loss of every model on one log axis."""
    finite = df[np.isfinite(df["mean"]) & (df["mean"] > 0)]
    return (
        _band_lines(finite, "loss", losses_shown, "test log-loss (nats, log scale)", log_y=True)
        .properties(data=finite)
        .properties(
            title="Test log-loss: every model judged by the same scoring rule",
            height=HEIGHT,
            width="container",
        )
    )


def reliability_chart(df: pd.DataFrame, losses_shown: Sequence[str]) -> alt.LayerChart:
    """Reliability diagram: accuracy against confidence per bin; the diagonal is calibrated."""
    diag = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color="#888", strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    color = alt.Color("loss:N", scale=charts.color_scale(losses_shown), sort=list(losses_shown))
    x = alt.X("confidence:Q", title="confidence max p (softmax)", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("accuracy:Q", title="accuracy in the bin", scale=alt.Scale(domain=[0, 1]))
    line = alt.Chart(df).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color)
    dots = (
        alt.Chart(df)
        .mark_circle(opacity=0.9)
        .encode(
            x=x,
            y=y,
            color=color,
            size=alt.Size("points:Q", title="test points", scale=alt.Scale(range=[20, 300])),
            tooltip=[
                "loss:N",
                alt.Tooltip("confidence:Q", format=".3f"),
                alt.Tooltip("accuracy:Q", format=".3f"),
                "points:Q",
            ],
        )
    )
    return alt.layer(diag, line, dots).properties(
        title="Reliability: on the diagonal = calibrated probabilities",
        height=HEIGHT,
        width="container",
    )


# --------------------------------------------------------------------------- takeaway


def takeaway(
    summary: dict[str, compare.Summary],
    cross: pd.DataFrame,
    loss_names: Sequence[str],
    target: float,
) -> str:
    """The computed sentence: who reached the target how much later, and calibration."""
    reach = {n: s.reach_epochs for n, s in summary.items()}
    reached = {n: e for n, e in reach.items() if e is not None}
    parts = []
    if not reached:
        parts.append(f"No loss reached {target:.0%} test accuracy in this many epochs.")
    else:
        base = (
            "cross_entropy"
            if "cross_entropy" in reached
            else min(reached, key=lambda n: reached[n])
        )
        ratios = compare.reach_ratios(reach, base)
        others = [(r, n) for n, r in ratios.items() if n != base and r is not None]
        never = [n for n in loss_names if reach[n] is None]
        if others:
            r, n = max(others)
            word = "later" if r >= 1 else "sooner"
            factor = r if r >= 1 else 1 / r
            # A median over the seeds that got there: say how many did when not all of them.
            seeds = ""
            if any(summary[k].reached < summary[k].runs for k in (n, base)):
                seeds = (
                    f"; reached in {summary[n].reached} of {summary[n].runs} vs "
                    f"{summary[base].reached} of {summary[base].runs} seeds"
                )
            parts.append(
                f"{short_label(n)} reached {target:.0%} test accuracy {factor:.1f}× {word} than "
                f"{short_label(base)} (median epoch {reach[n]:g} vs {reach[base]:g}{seeds})."
            )
        else:
            parts.append(
                f"{short_label(base)} reached {target:.0%} test accuracy at epoch "
                f"{reach[base]:g} (median over seeds)."
            )
        if never:
            parts.append(f"{' and '.join(short_label(n) for n in never)}: not reached in any seed.")
    ece = dict(zip(loss_names, cross["ECE"], strict=True)) if "ECE" in cross else {}
    ece = {n: v for n, v in ece.items() if np.isfinite(v)}
    if len(ece) >= 2:
        lo, hi = min(ece, key=ece.get), max(ece, key=ece.get)
        parts.append(
            f"Calibration: {short_label(lo)}'s probabilities are off by {ece[lo]:.3f} (ECE), "
            f"{short_label(hi)}'s by {ece[hi]:.3f}."
        )
    diverged = [n for n, s in summary.items() if s.diverged]
    if diverged:
        parts.append(
            "Diverged: "
            + ", ".join(f"{short_label(n)} in {summary[n].diverged} of {summary[n].runs} seeds"
                        for n in diverged) + "."
        )  # fmt: skip
    return " ".join(parts)
