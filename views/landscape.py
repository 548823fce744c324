"""Loss landscape page: frozen configs, cached computations as tables, Altair charts, takeaways.

The numbers come from :mod:`core.landscape`; this module only arranges them in data frames
(one row per grid point, path step or loss) and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import landscape, losses
from present import identity, payloads, wording
from present.charts import PRESENT_FONT_SIZE
from present.pictures import map_picture
from ui import charts, player
from ui.controls import loss_title

#: Registered names of the losses compared by default (the article's pair).
DEFAULT_LOSSES = ("cross_entropy", "mse")
#: Every registered classification loss (the surfaces' picker; the URL holds these names).
LOSS_OPTIONS: tuple[str, ...] = tuple(losses.names("classification"))

# --------------------------------------------------------------------------- controls

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults and
#: a lecture preset resets every key it does not name to them. The one-sample descent's keys
#: end in ``0``/``1`` (``w0``, ``lr1``, ``steps1``, ``t1``), the surface's have none.
DEFAULTS: dict[str, Any] = {
    "x0": 1.0,
    "y0": "0",
    "w0": 6.0,
    "lr1": 0.5,
    "steps1": 100,
    "t1": 100,
    "losses": list(DEFAULT_LOSSES),
    "n": 40,
    "sep": 2.0,
    "seed": 0,
    "w": -8.0,
    "b": 0.0,
    "lr": 1.0,
    "steps": 300,
    "t": 300,
    "span": 10.0,
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``; a
#: preset that changes only the surface names its figure (``"_figure"``: the click shows it).
PRESETS: dict[str, dict[str, Any]] = {
    "MSE stalls on the plateau": {
        "x0": 1.0,
        "y0": "0",
        "w0": 6.0,
        "lr1": 0.5,
        "steps1": 100,
        "t1": 100,
        "losses": ["cross_entropy", "mse"],
        "n": 40,
        "sep": 2.0,
        "seed": 0,
        "w": -8.0,
        "b": 0.0,
        "lr": 1.0,
        "steps": 300,
        "t": 300,
        "span": 10.0,
    },
    "Both converge from the origin": {
        "x0": 1.0,
        "y0": "0",
        "w0": 0.0,
        "lr1": 0.5,
        "steps1": 100,
        "t1": 100,
        "losses": ["cross_entropy", "mse"],
        "n": 40,
        "sep": 2.0,
        "seed": 0,
        "w": 0.0,
        "b": 0.0,
        "lr": 1.0,
        "steps": 300,
        "t": 300,
        "span": 10.0,
    },
    "Confidently wrong, bigger steps": {
        "x0": 1.0,
        "y0": "0",
        "w0": 6.0,
        "lr1": 5.0,
        "steps1": 100,
        "t1": 100,
        "losses": ["cross_entropy", "mse"],
        "n": 40,
        "sep": 2.0,
        "seed": 0,
        "w": -8.0,
        "b": 0.0,
        "lr": 10.0,
        "steps": 300,
        "t": 300,
        "span": 10.0,
    },
    "Well separated classes": {
        "x0": 1.0,
        "y0": "0",
        "w0": 6.0,
        "lr1": 0.5,
        "steps1": 100,
        "t1": 100,
        "losses": ["cross_entropy", "mse"],
        "n": 40,
        "sep": 4.0,
        "seed": 0,
        "w": -6.0,
        "b": 4.0,
        "lr": 1.0,
        "steps": 300,
        "t": 300,
        "span": 10.0,
        "_figure": "surface_figure",
    },
}
ONE_SAMPLE_NOTE = (
    "The source article on softmax with cross-entropy vs MSE plots the loss of one sample "
    "against a weight of the layer before the softmax. Here the layer is a sigmoid neuron: the "
    "2-class softmax with logits [0, z], z = w·x₀ (no bias), and each loss is the registered "
    "classification loss. So cross-entropy is log(1 + eᶻ) − y z and MSE is "
    "Σₖ (pₖ − Yₖ)² = 2(σ(z) − y)², twice the single-output squared error and four times the "
    "(y − a)²/2 of the cross-entropy vs squared-loss tutorial (same shape, same plateau)."
)
SURFACE_NOTE = (
    "z = w·x + b on two overlapping 1-D Gaussian classes; the mean loss over the data as a "
    "map, gradient descent from the white circle (dots: the steps), the best value on "
    "the map at the black cross. "
    "Right: the smallest eigenvalue of the Hessian (central differences of the exact "
    "gradient) — red where the surface curves down, i.e. is not convex."
)
#: Probability of the true class that counts as "learned" for one sample.
TARGET_P = 0.9
#: Share of the gap to the optimum a path may leave and still count as converged.
GAP = 0.01
#: The largest step budget of the page: used to tell a plateau that delays from one that traps.
LONG_STEPS = 2000
#: Summary columns of the one-sample table: steps until p_t reaches TARGET_P within the chosen
#: budget, and within LONG_STEPS (also a column of the surfaces' table).
STEPS_TO_TARGET = f"steps to p_t ≥ {TARGET_P}"
WITHIN_LONG = f"… within {LONG_STEPS} steps"
#: Grid points per axis of the surfaces.
RESOLUTION = 41
#: The descent players' text (CSS pixels) and the curve's largest height in presenter mode.
PRESENT_FONT = PRESENT_FONT_SIZE
PRESENT_CURVE_HEIGHT = 300
#: The two maps drawn per loss, by the grid frame's column: the surface and its convexity.
MAPS = {
    "value": payloads.MapKind(
        "value",
        "mean loss",
        "mean loss over the data, descent path in pink",
        path="#ff2d95",
        scheme="viridis",
        reverse=True,
    ),
    "min_eig": payloads.MapKind(
        "min_eig",
        "λ_min",
        "smallest Hessian eigenvalue: red = not convex",
        path="black",
        scheme="redblue",
        centred=True,
    ),
}


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
            longer = _steps_to_target(name, cfg, cfg.w0)
        further = _further(name, cfg, longer) if longer is not None and r.steps is None else None
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
                STEPS_TO_TARGET: r.steps,
                WITHIN_LONG: longer,
                FURTHER: further,
                "diverged at step": p.diverged_epoch,
            }
        )
    return OneSampleResult(pd.concat(curves), pd.concat(paths), pd.DataFrame(rows))


#: Summary column: steps to the target from one unit of |w·x₀| further onto the wrong side.
FURTHER = "… from |w₀·x₀| + 1"
#: A start is on a plateau when its |slope| is below this share of the loss's largest |slope|
#: over the weights shown (a flat start, not merely a slow learning rate).
FLAT = 0.1


def _further(name: str, cfg: OneSampleConfig, steps: int) -> int | None:
    """Steps to the target from a start one unit of :math:`|w_0 x_0|` further onto the wrong
    side (away from the target: smaller :math:`p_t`), same learning rate, within
    :data:`LONG_STEPS`: how the delay changes with :math:`|w_0 x_0|`, measured rather than
    claimed. ``None`` if it does not get there, when ``x0 = 0`` (no start is further out) or
    when the start is on the right side (no plateau to be further out on)."""
    if cfg.x0 == 0:
        return None
    z0 = cfg.w0 * cfg.x0
    away = 1.0 if cfg.y0 == 0 else -1.0  # y = 0: p_t falls as z grows; y = 1: as z falls
    if z0 * away < 0:
        return None
    return _steps_to_target(name, cfg, (z0 + away) / cfg.x0)


def _steps_to_target(name: str, cfg: OneSampleConfig, w0: float) -> int | None:
    """Steps until :math:`p_t` reaches :data:`TARGET_P` from ``w0``, within :data:`LONG_STEPS`
    (``cfg``'s sample and learning rate); ``None`` if it does not get there. Only the path is
    read, so the loss curve is evaluated at two weights only."""
    return landscape.one_sample(
        name,
        x0=cfg.x0,
        y0=cfg.y0,
        w=np.array([w0, w0 + 1.0]),
        w0=w0,
        lr=cfg.lr,
        steps=LONG_STEPS,
        target=TARGET_P,
        stop_at_target=True,
    ).steps


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
                WITHIN_LONG: _longer(name, x, y, cfg, s),
                "diverged at step": p.diverged_epoch,
            }
        )
    data = pd.DataFrame({"x": x, "y": y})
    return SurfaceResult(data, pd.concat(grids), pd.concat(paths), pd.DataFrame(rows))


# --------------------------------------------------------------------------- controls


def learning_rate(container: Any, label: str, value: float, *, key: str) -> float:
    """The learning-rate box of a descent (bound to the URL under ``key``)."""
    return container.number_input(
        label, 0.001, 100.0, value, step=0.1, format="%.3f", key=key, bind="query-params"
    )


def step_slider(label: str, steps: int, value: int, *, key: str) -> int:
    """The "show the path up to step" slider of a descent of ``steps`` steps (bound to the URL
    under ``key``), its value clipped to ``steps`` first: a smaller budget moves it back."""
    if st.session_state.get(key, 0) > steps:
        st.session_state[key] = steps
    return st.slider(label, 0, steps, min(value, steps), key=key, bind="query-params")


# --------------------------------------------------------------------------- charts
# Building an Altair chart from a data frame is slow (schema validation), so the
# step-independent part of the one-sample chart (the curves) is built once per config through
# charts.cached_spec; the small descent-path layers for the chosen step are added to that spec
# as plain Vega-Lite dicts. The (w, b) maps without the player are pictures of the player's own
# data (present.pictures.map_picture).

SCALE = {"nice": False, "zero": False}


def _layered(base: dict, layers: list[dict]) -> dict:
    """Turn a single-view Vega-Lite spec into a layer spec with ``layers`` on top."""
    spec = dict(base)
    view = {k: spec.pop(k) for k in ("mark", "encoding", "data", "transform") if k in spec}
    spec["layer"] = [view, *layers]
    return spec


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


@charts.cached_spec(max_entries=32)
def _one_sample_base(cfg: OneSampleConfig) -> alt.Chart:
    res = one_sample(cfg)
    titles = [loss_title(n) for n in cfg.losses]
    return (
        alt.Chart(res.curves)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("w:Q", title="weight w (z = w·x₀)", scale=alt.Scale(**SCALE)),
            y=alt.Y("value:Q", title="loss of the sample"),
            color=alt.Color(
                "loss:N",
                title="Loss",
                scale=identity.scale(cfg.losses),
                sort=titles,
                legend=alt.Legend(orient="bottom", labelLimit=400),
            ),
            tooltip=["loss", "w", alt.Tooltip("value:Q", format=".4g")],
        )
        .properties(height=380)
    )


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
        {
            "data": {"values": _records(path)},
            "mark": {"type": "circle", "size": 45, "opacity": 0.55},
            "encoding": enc,
        },
        {
            "data": {"values": _records(last)},
            "mark": {
                "type": "point",
                "shape": "diamond",
                "size": 350,
                "filled": True,
                "stroke": "black",
                "strokeWidth": 1.5,
            },
            "encoding": enc,
        },
    ]
    spec = _layered(_one_sample_base(cfg), layers)
    spec["title"] = f"One sample: loss against one weight (diamonds: after {step} steps)"
    return spec


@st.cache_data(max_entries=32, show_spinner=False)
def map_pictures(cfg: SurfaceConfig, step: int) -> list[tuple[bytes, str]]:
    """Every map of :func:`maps_data` at ``step`` as the maps player draws it
    (:func:`present.pictures.map_picture`), each with its title (loss and map), loss by loss: the
    figure where the player's script cannot run."""
    data = maps_data(cfg, step)
    return [
        (map_picture(data, i), f"{data['losses'][m['loss']]['title']}: {m['subtitle']}")
        for i, m in enumerate(data["maps"])
    ]


def _half(cfg: SurfaceConfig) -> float:
    """Half a grid cell: the maps' edges lie this far beyond the outer grid points."""
    return cfg.span / (RESOLUTION - 1)


def maps_data(cfg: SurfaceConfig, step: int, *, fallback: str | None = None) -> dict:
    """The maps player's data (:func:`present.payloads.maps_payload`) of ``cfg``, opening at
    ``step``."""
    res = surfaces(cfg)
    optima = {
        r["loss"]: (float(r["optimum w*"]), float(r["optimum b*"]))
        for _, r in res.summary.iterrows()
    }
    kinds = tuple(MAPS.values())
    return payloads.maps_payload(
        res.grid, res.paths, optima, kinds, step, half=_half(cfg), fallback=fallback
    )


def _presenting() -> dict[str, int]:
    """The descent players' sizes in presenter mode (none otherwise: their own)."""
    return {"font": PRESENT_FONT, "height": PRESENT_CURVE_HEIGHT} if charts.presenting() else {}


def one_sample_figure(
    cfg: OneSampleConfig, default: int, *, key: str = "descent_one", step_key: str = "t1"
) -> int:
    """The one-sample descent, played in the browser (:func:`ui.player.descent_player`): one
    ball per loss rolling along its curve, on one step clock that the page's step widget
    ``step_key`` (bound to the link, default ``default``) shares. Below it, hidden by the
    player's script, the step slider and the curves drawn on the server at its step (where
    scripts cannot run, these are the view). Returns the step."""
    fallback = f"{key}_fallback"
    top = st.container()
    with st.container(key=fallback):
        step = step_slider("show the path up to step", cfg.steps, default, key=step_key)
        charts.show(one_sample_chart(cfg, step), height="content")
    res = one_sample(cfg)
    with top:
        player.descent_player(
            res.curves,
            res.paths,
            step,
            key=key,
            link=step_key,
            link_default=min(default, cfg.steps),
            fallback=fallback,
            **_presenting(),
        )
    return step


def surfaces_figure(
    cfg: SurfaceConfig, default: int, *, key: str = "surfaces", step_key: str = "t"
) -> int:
    """The maps of every loss with its descent path, played in the browser up to any step
    (:func:`ui.player.maps_player`) on one step clock that the page's step widget
    ``step_key`` (bound to the link, default ``default``) shares. Below it, hidden by the
    player's script, the step slider and the same maps drawn on the server at its step.
    Returns the step."""
    fallback = f"{key}_fallback"
    top = st.container()
    with st.container(key=fallback):
        step = step_slider("show the paths up to step", cfg.steps, default, key=step_key)
        st.caption(f"Step {step} (playback needs JavaScript; the step slider redraws these maps).")
        pictures = map_pictures(cfg, step)
        for row in range(0, len(pictures), len(MAPS)):
            for column, (picture, title) in zip(
                st.columns(len(MAPS)), pictures[row : row + len(MAPS)], strict=True
            ):
                column.image(picture, caption=title)
    font = _presenting().get("font")
    with top:
        player.maps_player(
            maps_data(cfg, step, fallback=fallback),
            key=key,
            link=step_key,
            link_default=min(default, cfg.steps),
            **({"font": font} if font else {}),
        )
    return step


# --------------------------------------------------------------------------- takeaways
# Every sentence here reports a run from the chosen start and says so; a correction of the
# source article reaches exactly as far as the runs behind it.

#: The source article of the one-sample view (the "plateau" claim), named by its subject.
SOURCE = "the source article on softmax with cross-entropy vs MSE"


def _steps_phrase(steps: float | None, budget: int) -> str:
    if steps is None or pd.isna(steps):
        return f"did not within {budget} steps"
    return f"did in {int(steps)} steps"


def _g(x: float) -> str:
    return wording.number(float(x), "g")


def one_sample_takeaway(res: OneSampleResult, cfg: OneSampleConfig) -> str:
    """The sentence under the one-sample chart, from the computed numbers."""
    parts = []
    for _, d in res.summary.iterrows():
        if pd.notna(d["diverged at step"]):
            parts.append(f"{d['loss']} diverged at step {int(d['diverged at step'])}")
            continue
        parts.append(
            f"{d['loss']} (|slope| {wording.number(d['|slope| at start'], '.3g')} at the start) "
            f"{_steps_phrase(d[STEPS_TO_TARGET], cfg.steps)}, ending at p_t = "
            f"{wording.number(d['p_t after last step'], '.3f')}"
        )
    steepest = _steepest(res.curves)
    return (
        f"Started at w = {_g(cfg.w0)} with learning rate {_g(cfg.lr)}, reaching p_t ≥ {TARGET_P} "
        f"for the sample (x₀ = {_g(cfg.x0)}, y₀ = {cfg.y0}): "
        + "; ".join(parts)
        + "."
        + _plateau(res.summary, STEPS_TO_TARGET, cfg.steps, "|slope| at start", steepest)
        + _delay_growth(res.summary, cfg)
    )


def _steepest(curves: pd.DataFrame | None) -> dict[str, float]:
    """Each loss's largest |slope| over the weights shown (where a start is steepest); empty
    without curves (then no cause is named)."""
    if curves is None:
        return {}
    return {str(k): float(np.nanmax(np.abs(g["slope"]))) for k, g in curves.groupby("loss")}


def _map_steepest(grid: pd.DataFrame | None, span: float) -> dict[str, float]:
    """Each loss's largest gradient norm on the map, by central differences of its values;
    empty without a map (then no cause is named)."""
    out: dict[str, float] = {}
    if grid is None:
        return out
    for k, g in grid.groupby("loss"):
        ws, bs = np.unique(g["w"]), np.unique(g["b"])
        v = g.sort_values(["b", "w"])["value"].to_numpy().reshape(len(bs), len(ws))
        db, dw = np.gradient(v, bs, ws)
        out[str(k)] = float(np.nanmax(np.hypot(dw, db)))
    return out


def _flat(d: pd.Series, start_col: str, steepest: dict[str, float]) -> bool:
    """Whether this run starts on a plateau: its |slope| (gradient norm) at the start is below
    :data:`FLAT` of the loss's largest on the curve (map)."""
    top = steepest.get(str(d["loss"]), np.nan)
    start = float(d[start_col])
    return bool(np.isfinite(top) and top > 0 and np.isfinite(start) and start < FLAT * top)


def _plateau(
    summary: pd.DataFrame,
    col: str,
    budget: int,
    start_col: str,
    steepest: dict[str, float],
) -> str:
    """Whether the runs that did not converge within ``budget`` do within LONG_STEPS, from
    this start (the only start these runs speak for), and why they were slow: a plateau only
    when the start is flat (:func:`_flat`); otherwise the start is named as steep."""
    stuck = summary[summary[col].isna() & summary["diverged at step"].isna()]
    if stuck.empty or budget >= LONG_STEPS:
        return ""
    late = stuck[stuck[WITHIN_LONG].notna()]
    never = stuck[stuck[WITHIN_LONG].isna()]
    text = ""
    if len(late):
        text += f" Given up to {LONG_STEPS} steps, " + ", ".join(
            f"{d['loss']} gets there after {int(d[WITHIN_LONG])}" for _, d in late.iterrows()
        )
        known = [d for _, d in late.iterrows() if str(d["loss"]) in steepest]
        flat = [d for d in known if _flat(d, start_col, steepest)]
        steep = [d for d in known if not _flat(d, start_col, steepest)]
        if flat:
            text += (
                f": from this start the plateau delays gradient descent on "
                f"{wording.names([str(d['loss']) for d in flat])} rather than trapping it ("
                + SOURCE
                + " says that from the plateau, with a small learning rate, it cannot reach the "
                "optimum; from this start it can, only slowly)"
            )
        if steep:
            what, where = (
                ("|slope|", "curve")
                if start_col == "|slope| at start"
                else ("gradient norm", "map")
            )
            listed = wording.names(
                [
                    f"{d['loss']} ({what} {wording.number(d[start_col], '.3g')} at the start, "
                    f"{wording.number(steepest.get(str(d['loss']), np.nan), '.3g')} at most on "
                    f"the {where})"
                    for d in steep
                ]
            )
            text += f"{';' if flat else ':'} no plateau at the start of {listed}"
        text += "."
    if len(never):
        text += f" {', '.join(never['loss'])} still not after {LONG_STEPS} steps from this start."
    return text


def _delay_growth(summary: pd.DataFrame, cfg: OneSampleConfig) -> str:
    """How the delay changes with :math:`|w_0 x_0|`: the measured steps from one unit further
    onto the wrong side, said as "grows" only when every measured start further out needs
    more steps (the derivative of the squared error through a sigmoid shrinks like
    :math:`e^{-|z|}` on the plateau, so there each unit further out costs a multiple)."""
    if FURTHER not in summary or cfg.steps >= LONG_STEPS:
        return ""
    rows = summary[summary[STEPS_TO_TARGET].isna() & summary[WITHIN_LONG].notna()]
    z0 = abs(cfg.w0 * cfg.x0)
    said, more = [], []
    for _, d in rows.iterrows():
        far = d[FURTHER]
        if pd.isna(far):
            continue
        base = float(d[WITHIN_LONG])
        more.append(float(far) > base and not wording.same_ratio(float(far), base))
        if wording.same_ratio(float(far), base):
            said.append(f"{d['loss']} needs {int(far)} steps (about as many)")
        else:
            word = "more" if far > base else "fewer"
            f = wording.factor(float(far), base)
            said.append(f"{d['loss']} needs {int(far)} steps ({wording.times(f)} {word})")
    if not said:
        return ""
    where = f"from |w₀·x₀| = {_g(z0 + 1)}, one unit further onto the wrong side"
    if all(more):
        return f" The delay grows with |w₀·x₀| (here {_g(z0)}): {where}, " + "; ".join(said) + "."
    return f" {where[0].upper()}{where[1:]}: " + "; ".join(said) + "."


def _short(title: str) -> str:
    """A loss's short label from its display title (the summary tables hold titles)."""
    return {loss_title(n): identity.short(n) for n in LOSS_OPTIONS}.get(title, title)


def one_sample_headline(res: OneSampleResult, cfg: OneSampleConfig) -> str:
    """The one-sample view in one sentence: which loss reaches the target from this start and
    in how many steps; a plateau named only where the start is flat."""
    steepest = _steepest(res.curves)
    parts, flat = [], []
    for _, d in res.summary.iterrows():
        name = _short(str(d["loss"]))
        if pd.notna(d["diverged at step"]):
            parts.append(f"{name} diverges")
        elif pd.notna(d[STEPS_TO_TARGET]):
            parts.append(f"{name} in {int(d[STEPS_TO_TARGET])}")
        else:
            parts.append(f"{name} not within {cfg.steps}")
            if _flat(d, "|slope| at start", steepest):
                flat.append(name)
    text = f"From w = {_g(cfg.w0)}, steps to p_t ≥ {TARGET_P}: " + "; ".join(parts)
    if flat:
        text += f" ({wording.names(flat)} {'starts' if len(flat) == 1 else 'start'} on a plateau)"
    text += "."
    if wording.words(text) > wording.HEADLINE_WORDS:
        text = f"From w = {_g(cfg.w0)}: " + "; ".join(parts[:3]) + "."
    return text


def surface_takeaway(res: SurfaceResult, cfg: SurfaceConfig) -> str:
    """The sentence under the surfaces: steps to converge and the convexity check, each scoped
    to what was computed (this start; this map of half-width ``span``)."""
    runs, shapes = [], []
    for _, d in res.summary.iterrows():
        if pd.notna(d["diverged at step"]):
            runs.append(f"{d['loss']} diverged at step {int(d['diverged at step'])}")
        elif pd.isna(d["steps to converge"]):
            runs.append(
                f"{d['loss']} did not within {cfg.steps} steps "
                f"(loss {wording.number(d['loss after last step'], '.3f')} vs optimum "
                f"{wording.number(d['optimum loss'], '.3f')}, gradient norm "
                f"{wording.number(d['gradient norm after last step'], '.2g')})"
            )
        else:
            runs.append(f"{d['loss']} did in {int(d['steps to converge'])} steps")
        if d["convex on grid"]:
            shapes.append(f"{d['loss']} has no negative Hessian eigenvalue on the grid of this map")
        else:
            shapes.append(
                f"{d['loss']} has negative curvature in some direction at "
                f"{wording.share(d['share of grid'])} of the grid points of this map "
                f"(most negative λ_min {wording.number(d['most negative λ_min'], '.3g')})"
            )
    return (
        f"Gradient descent from (w, b) = ({_g(cfg.w0)}, {_g(cfg.b0)}) with learning rate "
        f"{_g(cfg.lr)}, closing {1 - GAP:.0%} of the gap to each loss's optimum: "
        + "; ".join(runs)
        + "."
        + _plateau(
            _with_start_gradient(res),
            "steps to converge",
            cfg.steps,
            START_GRADIENT,
            _map_steepest(res.grid, cfg.span),
        )
        + f" Convexity check on this map (w and b within ±{_g(cfg.span)}; the share depends "
        "on the map's size): " + "; ".join(shapes) + "."
    )


START_GRADIENT = "gradient norm at start"


def _with_start_gradient(res: SurfaceResult) -> pd.DataFrame:
    """The summary with each path's gradient norm at its first step."""
    if res.paths is None:
        return res.summary.assign(**{START_GRADIENT: np.nan})
    first = res.paths[res.paths["step"] == 0].set_index("loss")["grad_norm"]
    return res.summary.assign(**{START_GRADIENT: res.summary["loss"].map(first)})


def surface_headline(res: SurfaceResult, cfg: SurfaceConfig) -> str:
    """The surfaces in one sentence: which losses are convex on this map and which converges
    first from this start."""
    rows = list(res.summary.iterrows())
    short = {str(d["loss"]): _short(str(d["loss"])) for _, d in rows}
    convex = [short[str(d["loss"])] for _, d in rows if d["convex on grid"]]
    curved = [short[str(d["loss"])] for _, d in rows if not d["convex on grid"]]
    parts = []
    if convex:
        parts.append(f"{wording.names(convex)} {'is' if len(convex) == 1 else 'are'} convex")
    if curved:
        parts.append(
            f"{wording.names(curved)} {'is' if len(curved) == 1 else 'are'} not "
            "(negative curvature)"
        )
    done = [
        (int(d["steps to converge"]), short[str(d["loss"])])
        for _, d in rows
        if pd.notna(d["steps to converge"]) and pd.isna(d["diverged at step"])
    ]
    text = "On this map " + " and ".join(parts)
    if done:
        steps, who = min(done)
        text += f"; from this start {who} converges first ({steps} steps)"
    elif rows:
        text += f"; no loss converges within {cfg.steps} steps from this start"
    text += "."
    if wording.words(text) > wording.HEADLINE_WORDS:
        text = text.split(";")[0] + "."
    return text


# --------------------------------------------------------------------------- tables

#: Summary columns that hold a step count or "never" (a missing count is shown in words).
STEP_COLUMNS = (
    STEPS_TO_TARGET,
    WITHIN_LONG,
    FURTHER,
    "steps to converge",
)


def display(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` as shown on screen: counts as whole numbers, a missing count as "never"
    ("—" for a divergence that did not happen), never ``None``."""
    out = summary.copy()
    if FURTHER in out:  # measured only for a run still on the plateau that got there later
        measured = out[STEPS_TO_TARGET].isna() & out[WITHIN_LONG].notna()
        out[FURTHER] = [
            ("never" if pd.isna(v) else str(int(v))) if m else "—"
            for v, m in zip(out[FURTHER], measured, strict=True)
        ]
    for col in (*STEP_COLUMNS, "diverged at step"):
        if col == FURTHER:
            continue
        if col in out:
            blank = "—" if col == "diverged at step" else "never"
            out[col] = [blank if pd.isna(v) else str(int(v)) for v in out[col]]
    return out
