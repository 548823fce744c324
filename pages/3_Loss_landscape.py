"""Loss landscape: one sample and one weight, then the (w, b) surface of logistic regression."""

import streamlit as st

from core import losses
from ui import frame
from ui import landscape as ui

PLATEAU = {
    "x0": 1.0, "y0": "0", "w0": 6.0, "lr1": 0.5, "steps1": 100, "t1": 100,
    "losses": list(ui.DEFAULT_LOSSES), "n": 40, "sep": 2.0, "seed": 0,
    "w": -8.0, "b": 0.0, "lr": 1.0, "steps": 300, "t": 300, "span": 10.0,
}  # fmt: skip
PRESETS = {
    "MSE stalls on the plateau": PLATEAU,
    "Both converge from the origin": PLATEAU | {"w0": 0.0, "w": 0.0, "b": 0.0},
    "Confidently wrong, bigger steps": PLATEAU | {"lr1": 5.0, "lr": 10.0},
    "Well separated classes": PLATEAU | {"sep": 4.0, "w": -6.0, "b": 4.0},
}

with frame.page("loss_landscape"):
    frame.presets(PRESETS)
    for key, value in PLATEAU.items():
        st.session_state.setdefault(key, value)

    # ------------------------------------------------------------------ one sample, one weight
    st.header("One sample, one weight")
    st.caption(
        "Article 000 (update 1) plots the loss of one sample against a weight of the layer "
        "before the softmax. Here the layer is a sigmoid neuron: the 2-class softmax with "
        "logits [0, z], z = w·x₀ (no bias), and each loss is the registered classification "
        "loss. So cross-entropy is log(1 + eᶻ) − y z and MSE is Σₖ (pₖ − Yₖ)² = 2(σ(z) − y)², "
        "twice the single-output squared error and four times article 001's (y − a)²/2 "
        "(same shape, same plateau)."
    )
    c = st.columns(5)
    c[0].number_input("input x₀", -5.0, 5.0, step=0.5, key="x0", bind="query-params")
    c[1].selectbox("label y₀", ["0", "1"], key="y0", bind="query-params")
    c[2].slider("start weight w₀", -10.0, 10.0, step=0.5, key="w0", bind="query-params")
    c[3].number_input(
        "learning rate", 0.001, 100.0, step=0.1, format="%.3f", key="lr1", bind="query-params"
    )
    c[4].slider("steps", 1, 1000, key="steps1", bind="query-params")
    one_cfg = ui.OneSampleConfig(
        losses=tuple(ui.DEFAULT_LOSSES),
        x0=float(st.session_state["x0"]),
        y0=int(st.session_state["y0"]),
        w0=float(st.session_state["w0"]),
        lr=float(st.session_state["lr1"]),
        steps=int(st.session_state["steps1"]),
    )
    if st.session_state["t1"] > one_cfg.steps:
        st.session_state["t1"] = one_cfg.steps
    t1 = st.slider("show the path up to step", 0, one_cfg.steps, key="t1", bind="query-params")
    one = ui.one_sample(one_cfg)
    st.vega_lite_chart(spec=ui.one_sample_chart(one_cfg, t1), width="stretch")
    st.dataframe(one.summary, hide_index=True, width="stretch")
    frame.takeaway(ui.one_sample_takeaway(one, one_cfg))
    d = st.columns(3)
    with d[0]:
        frame.csv_download(one.curves, "one_sample_curves", label="Curves (CSV)")
    with d[1]:
        frame.csv_download(one.paths, "one_sample_paths", label="Descent paths (CSV)")
    with d[2]:
        frame.csv_download(one.summary, "one_sample_summary", label="Summary (CSV)")

    # ------------------------------------------------------------------ the (w, b) surface
    st.header("Logistic regression: the loss surface over (w, b)")
    st.caption(
        "z = w·x + b on two overlapping 1-D Gaussian classes; the mean loss over the data as a "
        "map, gradient descent from the orange circle (white dots: the steps), the best value on "
        "the map at the black cross. "
        "Right: the smallest eigenvalue of the Hessian (central differences of the exact "
        "gradient) — red where the surface curves down, i.e. is not convex."
    )
    c = st.columns([3, 1, 1, 1])
    c[0].multiselect(
        "losses",
        losses.names("classification"),
        format_func=ui.loss_title,
        max_selections=4,
        key="losses",
        bind="query-params",
    )
    c[1].slider("points", 10, 200, step=2, key="n", bind="query-params")
    c[2].slider("class separation", 0.0, 6.0, step=0.5, key="sep", bind="query-params")
    c[3].number_input("data seed", 0, 9999, key="seed", bind="query-params")
    c = st.columns(5)
    c[0].slider("start w", -10.0, 10.0, step=0.5, key="w", bind="query-params")
    c[1].slider("start b", -10.0, 10.0, step=0.5, key="b", bind="query-params")
    c[2].number_input(
        "learning rate ", 0.001, 100.0, step=0.1, format="%.3f", key="lr", bind="query-params"
    )
    c[3].slider("steps ", 1, 2000, key="steps", bind="query-params")
    c[4].slider("map half-width", 2.0, 20.0, step=1.0, key="span", bind="query-params")
    cfg = ui.SurfaceConfig(
        losses=tuple(st.session_state["losses"]),
        n=int(st.session_state["n"]),
        separation=float(st.session_state["sep"]),
        seed=int(st.session_state["seed"]),
        w0=float(st.session_state["w"]),
        b0=float(st.session_state["b"]),
        lr=float(st.session_state["lr"]),
        steps=int(st.session_state["steps"]),
        span=float(st.session_state["span"]),
    )
    if st.session_state["t"] > cfg.steps:
        st.session_state["t"] = cfg.steps
    t = st.slider("show the paths up to step", 0, cfg.steps, key="t", bind="query-params")
    if not cfg.losses:
        st.warning("Choose at least one loss to draw its surface.")
        st.stop()
    with st.spinner("Computing the surfaces…"):
        res = ui.surfaces(cfg)
    for name in res.summary["loss"]:
        left, right = st.columns(2)
        left.vega_lite_chart(spec=ui.surface_chart(cfg, name, t), width="stretch")
        right.vega_lite_chart(spec=ui.convexity_chart(cfg, name, t), width="stretch")
    st.dataframe(res.summary, hide_index=True, width="stretch")
    frame.takeaway(ui.surface_takeaway(res, cfg))
    d = st.columns(4)
    with d[0]:
        frame.csv_download(res.grid, "surface_grid", label="Surfaces and λ_min (CSV)")
    with d[1]:
        frame.csv_download(res.paths, "surface_paths", label="Descent paths (CSV)")
    with d[2]:
        frame.csv_download(res.summary, "surface_summary", label="Summary (CSV)")
    with d[3]:
        frame.csv_download(res.data, "surface_data", label="Data (CSV)")
