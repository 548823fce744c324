"""Cached tables and Altair charts for the teaching pages (Gradient anatomy, CE for regression).

The numbers come from ``core.anatomy`` and ``core.ce_regression`` (which evaluate the registered
losses); this module only caches them, arranges them as tidy tables and draws them.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import anatomy as an
from core import ce_regression as cr
from core import losses
from core._numerics import logit
from ui import charts
from ui.controls import loss_title

#: Series names, fixed so that a loss keeps its colour across every chart of the page.
MSE, CE = "MSE", "CE"
MSE_ARTICLE, MSE_FULL = "MSE, article 002 (path via a_p only)", "MSE, full (all K outputs)"
SIGMA_PRIME = "σ'(z) x (the MSE factor)"
#: Legend title (the series names say what they are; a non-empty title keeps Altair's default out).
LEGEND = "curve"


def fmt(v: float, digits: int = 3) -> str:
    """A number as shown on screen: fixed decimals, no ``-0.000``."""
    text = f"{v:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def cached_spec(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., dict[str, Any]]:
    """Cache a chart builder's Vega-Lite spec (for ``st.vega_lite_chart``).

    Building and validating an Altair chart costs 0.1-0.5 s per chart on a busy machine, more
    than the numbers behind it; cached, a warm rerun only sends the stored dict.
    """

    @st.cache_data(max_entries=64, show_spinner=False)
    @functools.wraps(build)
    def spec(*args: Any, **kwargs: Any) -> dict[str, Any]:
        chart = build(*args, **kwargs)
        with charts.ALTAIR_LOCK:  # Altair's settings are process-wide (see charts.to_spec)
            return chart.to_dict()

    return spec


# --------------------------------------------------------------------------- sigmoid neuron


@st.cache_data(max_entries=64, show_spinner=False)
def sigmoid_curves(y: int, x: float, z_max: float = 10.0, n: int = 401) -> pd.DataFrame:
    """Wide table over ``z``: a, σ'(z), both losses and both dC/dw (``core.anatomy``)."""
    r = an.sigmoid_neuron(np.linspace(-z_max, z_max, n), y, x)
    return pd.DataFrame(
        {
            "z": r.z,
            "a": r.a,
            "sigma_prime": r.sigma_prime,
            "mse_loss": r.mse,
            "ce_loss": r.ce,
            "mse_dC_dw": r.mse_dw,
            "ce_dC_dw": r.ce_dw,
        }
    )


@st.cache_data(max_entries=64, show_spinner=False)
def sigmoid_point(z0: float, y: int, x: float) -> dict[str, float]:
    """The neuron at ``z0`` and its "twin": where MSE's gradient is as large on the other side."""
    p = an.sigmoid_neuron([z0], y, x)
    a0 = float(p.a[0])
    twin = an.mse_gradient_twin(a0, y)
    twin_z = float(logit(twin))
    t = an.sigmoid_neuron([twin_z], y, x)
    peak = 1.0 / 3.0 if y == 1 else 2.0 / 3.0
    q = an.sigmoid_neuron([logit(peak)], y, x)
    return {
        "a": a0, "sigma_prime": float(p.sigma_prime[0]),
        "mse": float(p.mse[0]), "ce": float(p.ce[0]),
        "mse_dw": float(p.mse_dw[0]), "ce_dw": float(p.ce_dw[0]),
        "twin_a": twin, "twin_z": twin_z,
        "twin_mse_dw": float(t.mse_dw[0]), "twin_ce_dw": float(t.ce_dw[0]),
        "peak_a": peak, "peak_mse_dw": float(q.mse_dw[0]),
    }  # fmt: skip


@cached_spec
def sigmoid_charts(
    df: pd.DataFrame, point: Mapping[str, float], z0: float, x: float, axis: str
) -> alt.Chart:
    """Loss and dC/dw against ``z`` or ``a``, side by side, the chosen neuron marked."""
    xcol = "z" if axis == "z" else "a"
    xtitle = "pre-activation z = w·x + b" if axis == "z" else "predicted probability a = σ(z)"
    loss = _long(df, xcol, {MSE: "mse_loss", CE: "ce_loss"})
    grad = _long(df, xcol, {MSE: "mse_dC_dw", CE: "ce_dC_dw"})
    factor = pd.DataFrame({xcol: df[xcol], "series": SIGMA_PRIME, "value": df["sigma_prime"] * x})
    grad = pd.concat([grad, factor], ignore_index=True)
    domain = [MSE, CE, SIGMA_PRIME]
    x0 = z0 if axis == "z" else point["a"]
    left = _with_point(
        charts.lines(loss, xcol, "value", "series", "Loss C", x_title=xtitle, y_title="loss C",
                     color_domain=domain, legend_title=LEGEND, configure=False, height=340),
        xcol, x0, {MSE: point["mse"], CE: point["ce"]},
    ).properties(width=390)  # fmt: skip
    right = _with_point(
        charts.lines(grad, xcol, "value", "series", "Gradient dC/dw", x_title=xtitle,
                     y_title="dC/dw", color_domain=domain, legend_title=LEGEND, configure=False,
                     height=340),
        xcol, x0, {MSE: point["mse_dw"], CE: point["ce_dw"]},
    )  # fmt: skip
    # The twin: the other neuron state with exactly the same MSE gradient.
    twin = pd.DataFrame(
        {
            xcol: [point["twin_z"] if axis == "z" else point["twin_a"]],
            "value": [point["twin_mse_dw"]],
            "text": ["same MSE gradient"],
        }
    )
    ring = alt.Chart(twin).mark_point(size=220, strokeWidth=3, color="#222")
    label = alt.Chart(twin).mark_text(dy=-18, fontSize=14, color="#222")
    right = alt.layer(
        right,
        ring.encode(x=f"{xcol}:Q", y="value:Q"),
        label.encode(x=f"{xcol}:Q", y="value:Q", text="text:N"),
    ).properties(width=390)
    return _style(alt.hconcat(left, right))


# --------------------------------------------------------------------------- softmax, 2 classes


@st.cache_data(max_entries=64, show_spinner=False)
def two_class_table(logits: tuple[float, float]) -> pd.DataFrame:
    """Both label cases for logits ``[z1, z2]``: values and dL/dz1 of MSE and CE (registry)."""
    a1 = float(np.exp(logits[0] - np.logaddexp(logits[0], logits[1])))
    rows = []
    for y1 in (0, 1):
        g = an.softmax_gradients(np.array(logits), 1 - y1)  # y1 = 1 means class 1 (index 0)
        mse, ce = g["mse"], g["cross_entropy"]
        rows.append(
            {
                "y1": y1,
                "a1": a1,
                "a2": 1.0 - a1,
                "MSE loss": mse[0],
                "CE loss": ce[0],
                "MSE dL/dz1": float(mse[1][0]),
                "CE dL/dz1": float(ce[1][0]),
                "article 4·a1·a2·(a1−y1)": float(an.article_two_class_mse_grad(a1, y1)),
                "MSE / CE": float(mse[1][0] / ce[1][0]) if ce[1][0] != 0 else math.nan,
            }
        )
    return pd.DataFrame(rows)


@st.cache_data(max_entries=8, show_spinner=False)
def two_class_curves(y1: int, n: int = 199) -> pd.DataFrame:
    """dL/dz1 of MSE and CE against a1 for label ``y1`` (registry, logits log a)."""
    a1 = np.linspace(0.0, 1.0, n + 2)[1:-1]
    z = np.log(np.stack([a1, 1.0 - a1], axis=1))
    y = np.full(a1.size, 1 - y1)
    _, g_mse = losses.get("mse", "classification")(y, z)
    _, g_ce = losses.get("cross_entropy", "classification")(y, z)
    return pd.DataFrame({"a1": a1, MSE: g_mse[:, 0], CE: g_ce[:, 0]})


@cached_spec
def two_class_chart(df: pd.DataFrame, a1: float, marks: Mapping[str, float], y1: int) -> alt.Chart:
    long = _long(df, "a1", {MSE: MSE, CE: CE})
    chart = charts.lines(
        long, "a1", "value", "series", f"dL/dz1 against a1 (label y1 = {y1})",
        x_title="a1 = softmax(z)_1", y_title="dL/dz1", color_domain=[MSE, CE],
        legend_title=LEGEND, configure=False, height=340,
    )  # fmt: skip
    return _style(_with_point(chart, "a1", a1, marks))


# --------------------------------------------------------------------------- softmax, K classes


@st.cache_data(max_entries=64, show_spinner=False)
def k_class_table(
    a: tuple[float, ...], b: tuple[float, ...], label: int, names: tuple[str, ...]
) -> pd.DataFrame:
    """Rows ``a``, ``b`` and ``a`` with uniform wrong classes: entries, losses, dL/dz_t.

    Losses and full gradients come from the registry; "article path" is article 002's
    :math:`-2 a_t (1 - a_t)^2`.
    """
    k = len(a)
    if len(b) != k:
        raise ValueError(f"a and b must have the same number of classes, got {k} and {len(b)}")
    for title, v in (("a", a), ("b", b)):
        an.logits_from_probabilities(v, title)  # a clear message before anything else
    uniform = tuple(an.uniform_wrong(a[label], k, label)) if 0 <= label < k else a
    rows = []
    for title, v in (("a", a), ("b", b), ("a, wrong classes made uniform", uniform)):
        z = an.logits_from_probabilities(v, title)
        g = an.softmax_gradients(z, label, tuple(dict.fromkeys(("mse", "cross_entropy", *names))))
        row = {"vector": title, "probabilities": "[" + ", ".join(f"{p:.4g}" for p in v) + "]"}
        row |= {f"{loss_title(n)} loss": g[n][0] for n in names}
        row["MSE dL/dz_t (full)"] = float(g["mse"][1][label])
        row["MSE dL/dz_t (article path)"] = float(an.mse_grad_through_target(v[label]))
        row["CE dL/dz_t"] = float(g["cross_entropy"][1][label])
        rows.append(row)
    return pd.DataFrame(rows)


@st.cache_data(max_entries=16, show_spinner=False)
def target_curves(k: int) -> pd.DataFrame:
    c = an.target_gradient_curves(k)
    return pd.DataFrame(
        {"a_p": c["a_t"], CE: c["ce"], MSE_ARTICLE: c["mse_article"], MSE_FULL: c["mse_full"]}
    )


@cached_spec
def target_chart(df: pd.DataFrame, k: int, a_p: float) -> alt.Chart:
    long = _long(df, "a_p", {CE: CE, MSE_ARTICLE: MSE_ARTICLE, MSE_FULL: MSE_FULL})
    marks = {s: float(np.interp(a_p, df["a_p"], df[s])) for s in (CE, MSE_ARTICLE, MSE_FULL)}
    chart = charts.lines(
        long, "a_p", "value", "series",
        f"dL/dz_p against a_p ({k} classes)",
        x_title="a_p (probability of the true class)", y_title="dL/dz_p",
        color_domain=[MSE_FULL, CE, MSE_ARTICLE], legend_title=LEGEND, configure=False, height=340,
    )  # fmt: skip
    return _style(_with_point(chart, "a_p", a_p, marks))


@st.cache_data(max_entries=32, show_spinner=False)
def split_curve(a_t: float) -> pd.DataFrame:
    c = an.nontarget_split(a_t)
    return pd.DataFrame({"s": c["s"], MSE: c["mse"], CE: c["cross_entropy"]})


@cached_spec
def split_chart(df: pd.DataFrame, a_t: float) -> alt.Chart:
    long = _long(df, "s", {MSE: MSE, CE: CE})
    i = int(np.argmin(df[MSE]))
    chart = charts.lines(
        long, "s", "value", "series",
        f"3 classes, a_t = {a_t:.3g}: wrong mass split",
        x_title="share s of the wrong mass on class 2", y_title="loss",
        color_domain=[MSE, CE], legend_title=LEGEND, zero_rule=False, configure=False, height=340,
    )  # fmt: skip
    return _style(_with_point(chart, "s", float(df["s"][i]), {MSE: float(df[MSE][i])}))


@st.cache_data(max_entries=32, show_spinner=False)
def simplex_table(label: int, names: tuple[str, ...], cells: int = 56) -> pd.DataFrame:
    s = an.simplex_losses(label, names, cells)
    h = float(s["half"])
    df = pd.DataFrame(
        {
            "x0": s["x"] - h, "x1": s["x"] + h, "y0": s["y"] - h, "y1": s["y"] + h,
            "a1": s["a"][:, 0], "a2": s["a"][:, 1], "a3": s["a"][:, 2],
        }
    )  # fmt: skip
    for n in names:
        df[n] = s[n]
    return df


@cached_spec
def simplex_charts(
    df: pd.DataFrame, names: Sequence[str], label: int, points: Mapping[str, Sequence[float]]
) -> alt.Chart:
    """One ternary heatmap per loss (own colour scale), the label's corner and ``points`` marked."""
    corners = pd.DataFrame(
        {
            "x": an.CORNERS[:, 0],
            "y": an.CORNERS[:, 1] + np.array([-0.06, -0.06, 0.04]),
            "text": [f"class {k + 1}" + (" (label)" if k == label else "") for k in range(3)],
        }
    )
    # The line of uniform wrong classes: from the label's corner to the opposite edge's middle.
    others = [k for k in range(3) if k != label]
    mid = an.CORNERS[others].mean(axis=0)
    uniform = pd.DataFrame(
        {"x": [an.CORNERS[label, 0], mid[0]], "y": [an.CORNERS[label, 1], mid[1]]}
    )
    pts = pd.DataFrame(
        [{"name": n, "x": p[0], "y": p[1]} for n, v in points.items() for p in [an.to_plane(v)]]
    )
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    xs = alt.Scale(domain=[-0.12, 1.12], nice=False)
    ys = alt.Scale(domain=[-0.12, 0.95], nice=False)
    panels = []
    for n in names:
        heat = (
            alt.Chart(df)
            .mark_rect()
            .encode(
                x=alt.X("x0:Q", axis=axis, scale=xs),
                x2="x1:Q",
                y=alt.Y("y0:Q", axis=axis, scale=ys),
                y2="y1:Q",
                color=alt.Color(
                    f"{n}:Q", title="loss", scale=alt.Scale(scheme="viridis", reverse=True),
                    legend=alt.Legend(orient="right", gradientLength=220),
                ),
                tooltip=[
                    alt.Tooltip("a1:Q", format=".3f"),
                    alt.Tooltip("a2:Q", format=".3f"),
                    alt.Tooltip("a3:Q", format=".3f"),
                    alt.Tooltip(f"{n}:Q", title="loss", format=".4f"),
                ],
            )
        )  # fmt: skip
        line = alt.Chart(uniform).mark_line(color="white", strokeDash=[6, 4], strokeWidth=2)
        text = alt.Chart(corners).mark_text(fontSize=15, fontWeight="bold")
        dots = alt.Chart(pts).mark_point(filled=True, size=140, color="#e15759", stroke="white")
        names_ = alt.Chart(pts).mark_text(dx=12, dy=-10, fontSize=15, color="#e15759")
        panels.append(
            alt.layer(
                heat,
                line.encode(x="x:Q", y="y:Q"),
                text.encode(x="x:Q", y="y:Q", text="text:N"),
                dots.encode(x="x:Q", y="y:Q", tooltip=["name:N"]),
                names_.encode(x="x:Q", y="y:Q", text="name:N"),
            ).properties(title=loss_title(n), width=380, height=340)
        )
    return _style(alt.hconcat(*panels).resolve_scale(color="independent"))


# --------------------------------------------------------------------------- CE for regression


@st.cache_data(max_entries=64, show_spinner=False)
def comparison(G: tuple[float, ...], z: tuple[float, ...]) -> cr.Comparison:
    return cr.compare(np.array(G), np.array(z))


def comparison_table(c: cr.Comparison) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "k": np.arange(1, c.G.size + 1),
            "G_k (target)": c.G,
            "z_k (prediction)": c.z,
            "y_k = softmax(G)_k": c.y,
            "a_k = softmax(z)_k": c.a,
            "CE dL/dz_k = a_k − y_k": c.ce_grad,
            "MSE dL/dz_k = 2(z_k − G_k)": c.mse_grad,
        }
    )


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(G: tuple[float, ...], z: tuple[float, ...], span: float) -> pd.DataFrame:
    s = cr.gradient_sweep(np.array(G), np.array(z), span=span)
    return pd.DataFrame(
        {"z_1": s["z_i"], "error": s["error"], CE: s["ce_grad"], MSE: s["mse_grad"]}
    )


@cached_spec
def sweep_chart(df: pd.DataFrame, z1: float, marks: Mapping[str, float]) -> alt.Chart:
    long = _long(df, "z_1", {MSE: MSE, CE: CE})
    chart = charts.lines(
        long, "z_1", "value", "series", "dL/dz_1 as z_1 moves (other outputs fixed)",
        x_title="z_1 (prediction of the first output)", y_title="dL/dz_1",
        color_domain=[MSE, CE], legend_title=LEGEND, configure=False, height=340,
    )  # fmt: skip
    return _style(_with_point(chart, "z_1", z1, marks))


@st.cache_data(max_entries=32, show_spinner="Fitting the linear model with MSE and with CE…")
def experiment(cfg: cr.FitConfig) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict]]:
    """``(fit table, history table, summary per loss)`` of the CE-vs-MSE regression fit."""
    x, _, G, res = cr.fit_vector_regression(cfg)
    fit = pd.DataFrame({"x": x, "G_1": G[:, 0], "G_2": G[:, 1]})
    hist = []
    summary = {}
    for name, r in res.items():
        label = MSE if name == "mse" else CE
        fit[f"{label} z_1"] = r.z[:, 0]
        fit[f"{label} z_2"] = r.z[:, 1]
        hist.append(
            pd.DataFrame(
                {
                    "epoch": np.arange(r.objective.size),
                    "series": label,
                    "RMSE of z vs G": r.rmse_z,
                    "RMSE of softmax(z) vs softmax(G)": r.rmse_softmax,
                }
            )
        )
        summary[label] = {
            "rmse_z": float(r.rmse_z[-1]) if r.rmse_z.size else math.nan,
            "rmse_softmax": float(r.rmse_softmax[-1]) if r.rmse_softmax.size else math.nan,
            "mean_z": float(np.mean(r.z)) if np.all(np.isfinite(r.z)) else math.nan,
            "diverged_at": r.diverged_epoch,
        }
    summary["mean_G"] = {"value": float(np.mean(G))}
    return fit, pd.concat(hist, ignore_index=True), summary


@cached_spec
def experiment_chart(fit: pd.DataFrame, summary: Mapping[str, Mapping]) -> alt.Chart:
    """Targets (dots) and the fitted outputs of each loss (lines), one panel per output."""
    panels = []
    for k in (1, 2):
        dots = pd.DataFrame({"x": fit["x"], "value": fit[f"G_{k}"], "series": "target G"})
        lines = [
            pd.DataFrame({"x": fit["x"], "value": fit[f"{s} z_{k}"], "series": f"fit with {s}"})
            for s in (MSE, CE)
            if summary[s]["diverged_at"] is None
        ]
        # MSE and CE keep their colours from the other charts; the data is grey.
        scale = alt.Scale(
            domain=[f"fit with {MSE}", f"fit with {CE}", "target G"],
            range=[charts.PALETTE[0], charts.PALETTE[1], "#8c8c8c"],
        )
        layers = [
            alt.Chart(dots)
            .mark_circle(size=50, opacity=0.6)
            .encode(
                x=alt.X("x:Q", title="input x"),
                y=alt.Y("value:Q", title=f"output {k}"),
                color=alt.Color("series:N", scale=scale, title=""),
            )
        ]
        if lines:
            layers.append(
                alt.Chart(pd.concat(lines))
                .mark_line(strokeWidth=3)
                .encode(x="x:Q", y="value:Q", color=alt.Color("series:N", scale=scale, title=""))
            )
        panels.append(alt.layer(*layers).properties(title=f"Output {k}", width=370, height=320))
    return _style(alt.hconcat(*panels))


@cached_spec
def history_chart(hist: pd.DataFrame, column: str) -> alt.Chart:
    return _style(
        charts.lines(
            hist, "epoch", column, "series", column, x_title="epoch", y_title=column,
            log_y=True, color_domain=[MSE, CE], legend_title=LEGEND, zero_rule=False,
            height=300, configure=False,
        )
    )  # fmt: skip


# --------------------------------------------------------------------------- helpers


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """:func:`ui.charts.style` with a one-column legend (long series names)."""
    return charts.style(
        chart, orient="bottom", direction="vertical", symbolStrokeWidth=4, labelLimit=0
    )


def _long(df: pd.DataFrame, x: str, series: Mapping[str, str]) -> pd.DataFrame:
    """Tidy ``(x, series, value)`` rows from wide columns ``{series name: column}``."""
    return pd.concat(
        [pd.DataFrame({x: df[x], "series": s, "value": df[c]}) for s, c in series.items()],
        ignore_index=True,
    )


def _with_point(chart: alt.Chart, x: str, x0: float, marks: Mapping[str, float]) -> alt.Chart:
    """``chart`` with a dashed vertical rule at ``x0`` and a dot per series at its value there."""
    rule = (
        alt.Chart(pd.DataFrame({x: [x0]}))
        .mark_rule(color="#333", strokeDash=[3, 3], strokeWidth=1.5)
        .encode(x=f"{x}:Q")
    )
    dots = pd.DataFrame(
        {x: [x0] * len(marks), "series": list(marks), "value": list(marks.values())}
    )
    points = (
        alt.Chart(dots)
        .mark_point(filled=True, size=120, color="#222")
        .encode(x=f"{x}:Q", y="value:Q", tooltip=["series:N", alt.Tooltip("value:Q", format=".4g")])
    )
    return alt.layer(chart, rule, points)


@contextlib.contextmanager
def section() -> Iterator[None]:
    """Show a ``ValueError`` of one page section as ``st.error`` and carry on with the next."""
    try:
        yield
    except ValueError as err:
        st.error(f"This part cannot be computed: {err}", icon=":material/error:")


def sum_normalised(text: str, name: str) -> tuple[np.ndarray | None, str | None]:
    """``(v / sum(v), None)`` for the typed vector, or ``(None, why not)`` (zero sum, ...)."""
    try:
        return cr.sum_normalise(an.parse_vector(text, name), name), None
    except ValueError as err:
        return None, str(err)
