"""Loss landscape: one sample and one weight, then the (w, b) surface of logistic regression."""

import streamlit as st

from ui import controls, frame
from views import landscape as ui

D = ui.DEFAULTS

with frame.page("loss_landscape", defaults=D, presets=ui.PRESETS):
    # Every widget declares its default from D with value=/index=/default= (not setdefault):
    # Streamlit drops a URL value equal to the widget's declared default, so the two must agree.

    # ------------------------------------------------------------------ one sample, one weight
    # The player first (its own scrubber is the page's step: the link keeps it), its takeaway
    # right under it, then its controls; the same for the (w, b) maps below.
    st.subheader("One sample, one weight", anchor=False)
    one_figure = frame.key_figure()
    one_said = st.container()
    c = st.columns(5)
    x0 = c[0].number_input("input x₀", -5.0, 5.0, D["x0"], step=0.5, key="x0", bind="query-params")
    y0 = c[1].selectbox("label y₀", ["0", "1"], index=0, key="y0", bind="query-params")
    w0 = c[2].slider(
        "start weight w₀", -10.0, 10.0, D["w0"], step=0.5, key="w0", bind="query-params"
    )
    lr1 = ui.learning_rate(c[3], "learning rate", D["lr1"], key="lr1")
    steps1 = c[4].slider("steps", 1, 1000, D["steps1"], key="steps1", bind="query-params")
    one_cfg = ui.OneSampleConfig(
        losses=tuple(ui.DEFAULT_LOSSES),
        x0=float(x0),
        y0=int(y0),
        w0=float(w0),
        lr=float(lr1),
        steps=int(steps1),
    )
    one = ui.one_sample(one_cfg)
    with one_figure:
        ui.one_sample_figure(one_cfg, D["t1"])
    with one_said:
        frame.takeaway(ui.one_sample_headline(one, one_cfg), [ui.one_sample_takeaway(one, one_cfg)])
    with frame.details():
        st.caption(ui.ONE_SAMPLE_NOTE)
        frame.table(ui.display(one.summary), width="stretch")
        frame.csv_downloads(
            (one.curves, "one_sample_curves", "Curves (CSV)"),
            (one.paths, "one_sample_paths", "Descent paths (CSV)"),
            (one.summary, "one_sample_summary", "Summary (CSV)"),
        )

    # ------------------------------------------------------------------ the (w, b) surface
    st.subheader("Logistic regression: the loss surface over (w, b)", anchor=False)
    surface_figure = st.container(key="surface_figure")
    surface_said = st.container()
    c = st.columns([3, 1, 1, 1])
    chosen = controls.url_multiselect(
        "losses",
        ui.LOSS_OPTIONS,
        default=D["losses"],
        key="losses",
        format_func=controls.loss_title,
        max_selections=4,
        container=c[0],
        empty_link=True,  # ?losses= opened the empty selection when this was a bound widget
        help="Registered classification losses; the link holds their names, e.g. cross_entropy",
    )
    n = c[1].slider("points", 10, 200, D["n"], step=2, key="n", bind="query-params")
    sep = c[2].slider(
        "class separation", 0.0, 6.0, D["sep"], step=0.5, key="sep", bind="query-params"
    )
    seed = c[3].number_input("data seed", 0, 9999, D["seed"], key="seed", bind="query-params")
    c = st.columns(5)
    w = c[0].slider("start w", -10.0, 10.0, D["w"], step=0.5, key="w", bind="query-params")
    b = c[1].slider("start b", -10.0, 10.0, D["b"], step=0.5, key="b", bind="query-params")
    lr = ui.learning_rate(c[2], "learning rate ", D["lr"], key="lr")
    steps = c[3].slider("steps ", 1, 2000, D["steps"], key="steps", bind="query-params")
    span = c[4].slider(
        "map half-width", 2.0, 20.0, D["span"], step=1.0, key="span", bind="query-params"
    )
    cfg = ui.SurfaceConfig(
        losses=tuple(chosen),
        n=int(n),
        separation=float(sep),
        seed=int(seed),
        w0=float(w),
        b0=float(b),
        lr=float(lr),
        steps=int(steps),
        span=float(span),
    )
    if not cfg.losses:
        surface_figure.warning("Choose at least one loss to draw its surface.")
        st.stop()
    with st.spinner("Computing the surfaces…"):
        res = ui.surfaces(cfg)
    with surface_figure:
        st.caption(ui.SURFACE_NOTE)
        ui.surfaces_figure(cfg, D["t"])
    with surface_said:
        frame.takeaway(ui.surface_headline(res, cfg), [ui.surface_takeaway(res, cfg)])
    with frame.details():
        frame.table(ui.display(res.summary), width="stretch")
        frame.csv_downloads(
            (res.grid, "surface_grid", "Surfaces and λ_min (CSV)"),
            (res.paths, "surface_paths", "Descent paths (CSV)"),
            (res.summary, "surface_summary", "Summary (CSV)"),
            (res.data, "surface_data", "Data (CSV)"),
        )
