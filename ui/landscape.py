"""Loss landscape page: frozen configs, cached computations as tables, Altair charts, takeaways.

The numbers come from :mod:`core.landscape`; this module only arranges them in data frames
(one row per grid point, path step or loss) and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import landscape
from ui import charts
from ui.controls import loss_title

#: Registered names of the losses compared by default (the article's pair).
DEFAULT_LOSSES = ("cross_entropy", "mse")
#: Probability of the true class that counts as "learned" for one sample.
TARGET_P = 0.9
#: Share of the gap to the optimum a path may leave and still count as converged.
GAP = 0.01
#: The largest step budget of the page: used to tell a plateau that delays from one that traps.
LONG_STEPS = 2000
#: Grid points per axis of the surfaces.
RESOLUTION = 41
#: Side of a square (w, b) map in pixels, and the chart height that leaves room for it.
MAP_SIZE = 330
MAP_HEIGHT = 520
FONT = {"labelFontSize": 14, "titleFontSize": 16}


@dataclass(frozen=True)
class OneSampleConfig:
    """One sample ``(x0, y0)``, the weight ``w`` of ``z = w x0`` started at ``w0``."""

    losses: tuple[str, ...]
    x0: float = 1.0
    y0: int = 0
    w0: float = 6.0
    lr: float = 0.5
    steps: int = 100
    span: float = 10.0


@dataclass(frozen=True)
class SurfaceConfig:
    """Logistic regression ``z = w x + b`` on two 1-D Gaussians; descent from ``(w0, b0)``."""

    losses: tuple[str, ...]
    n: int = 40
    separation: float = 2.0
    seed: int = 0
    w0: float = -8.0
    b0: float = 0.0
    lr: float = 1.0
    steps: int = 300
    span: float = 10.0


@dataclass(frozen=True)
class OneSampleResult:
    curves: pd.DataFrame  # loss, w, value, slope
    paths: pd.DataFrame  # loss, step, w, value, p_target
    summary: pd.DataFrame  # one row per loss


@dataclass(frozen=True)
class SurfaceResult:
    data: pd.DataFrame  # x, y
    grid: pd.DataFrame  # loss, w, b, value, min_eig
    paths: pd.DataFrame  # loss, step, w, b, value, grad_norm
    summary: pd.DataFrame  # one row per loss


@st.cache_data(max_entries=32, show_spinner=False)
def one_sample(cfg: OneSampleConfig) -> OneSampleResult:
    """Loss curves over ``w`` and descent paths for each loss (cached by the frozen config)."""
    w = np.linspace(-cfg.span, cfg.span, 401)
    curves, paths, rows = [], [], []
    for name in cfg.losses:
        r = landscape.one_sample(
            name, x0=cfg.x0, y0=cfg.y0, w=w, w0=cfg.w0, lr=cfg.lr, steps=cfg.steps, target=TARGET_P
        )
        # how long a plateau really holds: the same descent with the largest step budget
        longer = r.steps
        if r.steps is None and r.path.diverged_epoch is None and cfg.steps < LONG_STEPS:
            longer = landscape.one_sample(
                name, x0=cfg.x0, y0=cfg.y0, w=w[:2], w0=cfg.w0, lr=cfg.lr, steps=LONG_STEPS,
                target=TARGET_P, stop_at_target=True,
            ).steps  # fmt: skip
        title = loss_title(name)
        curves.append(pd.DataFrame({"loss": title, "w": r.w, "value": r.loss, "slope": r.slope}))
        p = r.path
        paths.append(
            pd.DataFrame(
                {
                    "loss": title,
                    "step": np.arange(len(p.loss)),
                    "w": p.w,
                    "value": p.loss,
                    "p_target": r.p_target,
                }
            )
        )
        rows.append(
            {
                "loss": title,
                "|slope| at start": float(p.grad_norm[0]) if len(p.loss) else np.nan,
                "w after last step": float(p.w[-1]) if len(p.loss) else np.nan,
                "loss after last step": float(p.loss[-1]) if len(p.loss) else np.nan,
                "p_t after last step": float(r.p_target[-1]) if len(p.loss) else np.nan,
                f"steps to p_t ≥ {TARGET_P}": r.steps,
                f"… within {LONG_STEPS} steps": longer,
                "diverged at step": p.diverged_epoch,
            }
        )
    return OneSampleResult(pd.concat(curves), pd.concat(paths), pd.DataFrame(rows))


def _longer(name: str, x: np.ndarray, y: np.ndarray, cfg: SurfaceConfig, s: landscape.Study):
    """Steps to converge with the largest step budget (is the plateau a trap or a delay?)."""
    if s.steps is not None or s.path.diverged_epoch is not None or cfg.steps >= LONG_STEPS:
        return s.steps
    target = s.optimum[2] + GAP * max(s.path.loss[0] - s.optimum[2], 0.0)
    path = landscape.gradient_descent(
        name, x, y, start=(cfg.w0, cfg.b0), lr=cfg.lr, steps=LONG_STEPS, stop_below=target
    )
    return landscape.steps_to_converge(path.loss, s.optimum[2], gap=GAP)


@st.cache_data(max_entries=16, show_spinner=False)
def surfaces(cfg: SurfaceConfig) -> SurfaceResult:
    """Surface, convexity map, descent path and summary for each loss (cached)."""
    x, y = landscape.two_gaussians(cfg.n, separation=cfg.separation, seed=cfg.seed)
    g = np.linspace(-cfg.span, cfg.span, RESOLUTION)
    grids, paths, rows = [], [], []
    for name in cfg.losses:
        s = landscape.study(
            name, x, y, w=g, b=g, start=(cfg.w0, cfg.b0), lr=cfg.lr, steps=cfg.steps
        )
        title = loss_title(name)
        W, B = np.meshgrid(s.surface.w, s.surface.b)
        grids.append(
            pd.DataFrame(
                {
                    "loss": title,
                    "w": W.ravel(),
                    "b": B.ravel(),
                    "value": s.surface.loss.ravel(),
                    "min_eig": s.convexity.min_eig.ravel(),
                }
            )
        )
        p = s.path
        paths.append(
            pd.DataFrame(
                {
                    "loss": title,
                    "step": np.arange(len(p.loss)),
                    "w": p.w,
                    "b": p.b,
                    "value": p.loss,
                    "grad_norm": p.grad_norm,
                }
            )
        )
        w_opt, b_opt, l_opt = s.optimum
        c = s.convexity
        rows.append(
            {
                "loss": title,
                "convex on grid": c.convex_on_grid,
                "grid points with λ_min < 0": c.n_negative,
                "share of grid": c.fraction_negative,
                "most negative λ_min": min(c.most_negative, 0.0),
                "optimum w*": w_opt,
                "optimum b*": b_opt,
                "optimum loss": l_opt,
                "loss at start": float(p.loss[0]) if len(p.loss) else np.nan,
                "loss after last step": float(p.loss[-1]) if len(p.loss) else np.nan,
                "gradient norm after last step": float(p.grad_norm[-1]) if len(p.loss) else np.nan,
                "steps to converge": s.steps,
                f"… within {LONG_STEPS} steps": _longer(name, x, y, cfg, s),
                "diverged at step": p.diverged_epoch,
            }
        )
    data = pd.DataFrame({"x": x, "y": y})
    return SurfaceResult(data, pd.concat(grids), pd.concat(paths), pd.DataFrame(rows))


# --------------------------------------------------------------------------- charts
# A scrub of the step slider must redraw in well under 0.5 s, and building Altair charts from
# data frames costs ~0.1 s each (schema validation). So the big, step-independent part of each
# chart (curves, heatmaps) is built once per config with Altair and cached as a Vega-Lite dict;
# the small descent-path layers for the chosen step are added as plain Vega-Lite dicts.

SCALE = {"nice": False, "zero": False}


def _styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Projector-sized fonts."""
    return (
        chart.configure_axis(**FONT)
        .configure_legend(labelFontSize=14, titleFontSize=15, orient="bottom", labelLimit=400)
        .configure_title(fontSize=18, subtitleFontSize=14, anchor="start")
    )


def _layered(base: dict, layers: list[dict]) -> dict:
    """Turn a single-view Vega-Lite spec into a layer spec with ``layers`` on top."""
    spec = dict(base)
    view = {k: spec.pop(k) for k in ("mark", "encoding", "data", "transform") if k in spec}
    spec["layer"] = [view, *layers]
    return spec


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


@st.cache_data(max_entries=32, show_spinner=False)
def _one_sample_base(cfg: OneSampleConfig) -> dict:
    res = one_sample(cfg)
    titles = [loss_title(n) for n in cfg.losses]
    chart = (
        alt.Chart(res.curves)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("w:Q", title="weight w (z = w·x₀)", scale=alt.Scale(**SCALE)),
            y=alt.Y("value:Q", title="loss of the sample"),
            color=alt.Color("loss:N", title="Loss", scale=charts.color_scale(titles), sort=titles),
            tooltip=["loss", "w", alt.Tooltip("value:Q", format=".4g")],
        )
        .properties(height=380)
    )
    with charts.ALTAIR_LOCK:  # Altair's settings are process-wide (see charts.to_spec)
        return _styled(chart).to_dict()


def one_sample_chart(cfg: OneSampleConfig, step: int) -> dict:
    """Loss against the weight for each loss, with the descent path up to ``step``."""
    res = one_sample(cfg)
    path = res.paths[res.paths["step"] <= step]
    last = path.sort_values("step").groupby("loss", as_index=False).last()
    enc = {
        "x": {"field": "w", "type": "quantitative"},
        "y": {"field": "value", "type": "quantitative"},
        "color": {"field": "loss", "type": "nominal"},
        "tooltip": [{"field": f} for f in ("loss", "step", "w", "value", "p_target")],
    }
    layers = [
        {"data": {"values": _records(path)}, "mark": {"type": "circle", "size": 45,
                                                       "opacity": 0.55}, "encoding": enc},
        {"data": {"values": _records(last)}, "mark": {"type": "point", "shape": "diamond",
         "size": 350, "filled": True, "stroke": "black", "strokeWidth": 1.5}, "encoding": enc},
    ]  # fmt: skip
    spec = _layered(_one_sample_base(cfg), layers)
    spec["title"] = f"One sample: loss against one weight (diamonds: after {step} steps)"
    return spec


@st.cache_data(max_entries=64, show_spinner=False)
def _heatmap(cfg: SurfaceConfig, name: str, field: str) -> dict:
    """Grid cells as rectangles centred on the grid points (exact, no binning)."""
    res = surfaces(cfg)
    # only three columns travel to the browser; the cell edges are computed there
    grid = res.grid.loc[res.grid["loss"] == name, ["w", "b", field]].round(6)
    half = cfg.span / (RESOLUTION - 1)
    if field == "value":
        scale = alt.Scale(scheme="viridis", reverse=True)
        title = "mean loss"
    else:
        bound = float(max(np.abs(grid[field]).max(), 1e-12))
        scale = alt.Scale(scheme="redblue", domain=[-bound, bound], domainMid=0)
        title = "λ_min"
    chart = (
        alt.Chart(grid)
        .transform_calculate(
            w0=f"datum.w - {half}",
            w1=f"datum.w + {half}",
            b0=f"datum.b - {half}",
            b1=f"datum.b + {half}",
        )
        .mark_rect()
        .encode(
            x=alt.X("w0:Q", title="weight w", scale=alt.Scale(**SCALE)),
            x2="w1",
            y=alt.Y("b0:Q", title="bias b", scale=alt.Scale(**SCALE)),
            y2="b1",
            color=alt.Color(f"{field}:Q", title=title, scale=scale),
            tooltip=[
                alt.Tooltip("w:Q"),
                alt.Tooltip("b:Q"),
                alt.Tooltip(f"{field}:Q", format=".4g"),
            ],
        )
        .properties(width=MAP_SIZE, height=MAP_SIZE)
    )
    with charts.ALTAIR_LOCK:  # Altair's settings are process-wide (see charts.to_spec)
        return _styled(chart).to_dict()


def _path_layers(res: SurfaceResult, name: str, step: int, color: str) -> list[dict]:
    path = res.paths[(res.paths["loss"] == name) & (res.paths["step"] <= step)]
    row = res.summary[res.summary["loss"] == name].iloc[0]
    xy = {"x": {"field": "w", "type": "quantitative"}, "y": {"field": "b", "type": "quantitative"}}
    tips = [{"field": f} for f in ("step", "w", "b", "value", "grad_norm")]
    start = _records(path.head(1))
    optimum = [{"w": row["optimum w*"], "b": row["optimum b*"], "value": row["optimum loss"]}]
    return [
        {"data": {"values": _records(path)}, "mark": {"type": "line", "color": color,
         "strokeWidth": 3}, "encoding": {**xy, "order": {"field": "step"}}},
        {"data": {"values": _records(path)}, "mark": {"type": "circle", "color": "white",
         "size": 40, "stroke": color, "strokeWidth": 1.5, "opacity": 1},
         "encoding": {**xy, "tooltip": tips}},
        {"data": {"values": start}, "mark": {"type": "circle", "color": "orange", "size": 320,
         "stroke": "black", "strokeWidth": 1.5, "opacity": 1}, "encoding": {**xy, "tooltip": tips}},
        {"data": {"values": optimum}, "mark": {"type": "point", "shape": "cross", "size": 320,
         "filled": True, "color": "black", "opacity": 1},
         "encoding": {**xy, "tooltip": [{"field": f} for f in ("w", "b", "value")]}},
    ]  # fmt: skip


def surface_chart(cfg: SurfaceConfig, name: str, step: int) -> dict:
    """Heatmap of the mean loss over ``(w, b)`` with the descent path up to ``step``."""
    spec = _layered(
        _heatmap(cfg, name, "value"), _path_layers(surfaces(cfg), name, step, "#ff2d95")
    )
    spec["title"] = {"text": name, "subtitle": "mean loss over the data, descent path in pink"}
    return spec


def convexity_chart(cfg: SurfaceConfig, name: str, step: int) -> dict:
    """Map of the smallest Hessian eigenvalue (red where the surface curves down), with the path."""
    spec = _layered(
        _heatmap(cfg, name, "min_eig"), _path_layers(surfaces(cfg), name, step, "black")
    )
    spec["title"] = {"text": name, "subtitle": "smallest Hessian eigenvalue: red = not convex"}
    return spec


# --------------------------------------------------------------------------- takeaways


def _steps_phrase(steps: float | None, budget: int) -> str:
    if steps is None or pd.isna(steps):
        return f"did not within {budget} steps"
    return f"did in {int(steps)} steps"


def one_sample_takeaway(res: OneSampleResult, cfg: OneSampleConfig) -> str:
    """The sentence under the one-sample chart, from the computed numbers."""
    col = f"steps to p_t ≥ {TARGET_P}"
    parts = []
    for _, d in res.summary.iterrows():
        if pd.notna(d["diverged at step"]):
            parts.append(f"{d['loss']} diverged at step {int(d['diverged at step'])}")
            continue
        parts.append(
            f"{d['loss']} (|slope| {d['|slope| at start']:.3g} at the start) "
            f"{_steps_phrase(d[col], cfg.steps)}, ending at p_t = {d['p_t after last step']:.3f}"
        )
    return (
        f"Started at w = {cfg.w0:g} with learning rate {cfg.lr:g}, reaching p_t ≥ {TARGET_P} "
        f"for the sample (x₀ = {cfg.x0:g}, y₀ = {cfg.y0}): "
        + "; ".join(parts)
        + "."
        + _plateau(res.summary, col, cfg.steps)
    )


def _plateau(summary: pd.DataFrame, col: str, budget: int) -> str:
    """Whether the runs that did not converge within ``budget`` do within LONG_STEPS."""
    longer = f"… within {LONG_STEPS} steps"
    stuck = summary[summary[col].isna() & summary["diverged at step"].isna()]
    if stuck.empty or budget >= LONG_STEPS:
        return ""
    late = stuck[stuck[longer].notna()]
    never = stuck[stuck[longer].isna()]
    text = ""
    if len(late):
        text += (
            f" Given up to {LONG_STEPS} steps, "
            + ", ".join(
                f"{d['loss']} gets there after {int(d[longer])}" for _, d in late.iterrows()
            )
            + ": the plateau delays gradient descent rather than trapping it (article 000 says "
            "that from the plateau, with a small learning rate, it cannot reach the optimum: "
            "it can, only slowly)."
        )
    if len(never):
        text += f" {', '.join(never['loss'])} still not after {LONG_STEPS} steps."
    return text


def surface_takeaway(res: SurfaceResult, cfg: SurfaceConfig) -> str:
    """The sentence under the surfaces: steps to converge and the convexity check."""
    runs, shapes = [], []
    for _, d in res.summary.iterrows():
        if pd.notna(d["diverged at step"]):
            runs.append(f"{d['loss']} diverged at step {int(d['diverged at step'])}")
        elif pd.isna(d["steps to converge"]):
            runs.append(
                f"{d['loss']} did not within {cfg.steps} steps "
                f"(loss {d['loss after last step']:.3f} vs optimum {d['optimum loss']:.3f}, "
                f"gradient norm {d['gradient norm after last step']:.2g})"
            )
        else:
            runs.append(f"{d['loss']} did in {int(d['steps to converge'])} steps")
        if d["convex on grid"]:
            shapes.append(f"{d['loss']} has no negative Hessian eigenvalue on the grid")
        else:
            shapes.append(
                f"{d['loss']} curves down at {d['share of grid']:.0%} of the grid points "
                f"(most negative λ_min {d['most negative λ_min']:.3g})"
            )
    return (
        f"Gradient descent from (w, b) = ({cfg.w0:g}, {cfg.b0:g}) with learning rate {cfg.lr:g}, "
        f"closing {1 - GAP:.0%} of the gap to each loss's optimum: "
        + "; ".join(runs)
        + "."
        + _plateau(res.summary, "steps to converge", cfg.steps)
        + " Convexity check: "
        + "; ".join(shapes)
        + "."
    )
