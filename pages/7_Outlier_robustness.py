"""Outlier robustness: regression outliers and classification label noise, one loss at a time."""

import streamlit as st

from ui import charts, controls, frame, reproduce, upload
from ui import robustness as ui

TASKS = ["regression", "classification"]
DEFAULTS = {
    "task": "regression",
    "sweep": True,
    "seeds": 3,
    "nrates": 5,
    "okind": "response",
    "frac": 0.2,
    "mag": 8.0,
    "rmodel": "linear",
    "rlr": 0.1,
    "repochs": 150,
    "nkind": "symmetric",
    "rate": 0.4,
    "cmodel": "16",
    "clr": 0.05,
    "cepochs": 150,
}
PRESETS = {
    "Outliers wreck MSE": {
        "task": "regression",
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

with frame.page("outlier_robustness"):
    frame.presets(PRESETS)
    # Widgets declare their defaults (value=/index=) instead of st.session_state.setdefault:
    # Streamlit drops a URL value equal to the widget's declared default, so they must agree.
    # Radios bind their *displayed* label to the URL, so their options are the short names.
    D = DEFAULTS
    task = st.radio("Task", TASKS, index=0, horizontal=True, key="task", bind="query-params")
    sb = st.sidebar
    if task == "regression":
        data = upload.dataset_controls(
            ui.REGRESSION_DATASETS,
            default="linear_1d",
            prefix="r",
            skip=("test_fraction",),
            dims=1,
            tasks=("regression",),
        )
        sb.markdown("**Outliers**")
        kind = sb.radio(
            "Kind (response: y shifted; leverage: x shifted)",
            ui.REGRESSION_KINDS,
            index=0,
            key="okind",
            bind="query-params",
        )
        rate = sb.slider(
            "Share of training points",
            0.0,
            0.45,
            D["frac"],
            step=0.05,
            key="frac",
            bind="query-params",
        )
        magnitude = sb.slider(
            "Magnitude (standard units)",
            -20.0,
            20.0,
            D["mag"],
            step=0.5,
            key="mag",
            bind="query-params",
        )
        names = controls.loss_controls(
            ui.REGRESSION_LOSSES, task="regression", key="rlosses", container=sb
        )
        prefix = "r"
    else:
        st.session_state.setdefault("cmoons_n_samples", 200)  # half the default: a faster sweep
        data = upload.dataset_controls(
            controls.datasets_2d(), default="moons", prefix="c", skip=("test_fraction",), dims=2
        )
        sb.markdown("**Label noise**")
        kind = sb.radio(
            "Kind (symmetric: any other class; pair: k → k+1)",
            ui.CLASSIFICATION_KINDS,
            index=0,
            key="nkind",
            bind="query-params",
        )
        rate = sb.slider(
            "Share of training labels flipped",
            0.0,
            0.6,
            D["rate"],
            step=0.05,
            key="rate",
            bind="query-params",
        )
        magnitude = 0.0
        names = controls.loss_controls(
            ui.CLASSIFICATION_LOSSES, task="classification", key="closses", container=sb
        )
        prefix = "c"
    sb.markdown("**Model** (full batch, float32)")
    models = list(ui.MODELS)
    model = ui.model_choice(
        sb.selectbox(
            "Hidden layers",
            models,
            index=models.index(D[f"{prefix}model"]),
            key=f"{prefix}model",
            bind="query-params",
        ),
        lr=sb.number_input(
            "Learning rate",
            0.0001,
            10.0,
            D[f"{prefix}lr"],
            step=0.01,
            format="%.4f",
            key=f"{prefix}lr",
            bind="query-params",
        ),
        epochs=sb.slider(
            "Epochs",
            10,
            500,
            D[f"{prefix}epochs"],
            step=10,
            key=f"{prefix}epochs",
            bind="query-params",
        ),
        optimizer=sb.selectbox(
            "Optimizer", ui.OPTIMIZERS, index=0, key=f"{prefix}opt", bind="query-params"
        ),
        seed=data.kwargs.get("seed", 0),
    )
    if not names:
        st.warning("Choose at least one loss in the sidebar.")
        st.stop()
    key = ui.comparison(data, kind, rate, magnitude, names, model)

    # ------------------------------------------------------------------ fits at the chosen rate
    with st.spinner("Training one model per loss…"):
        table = ui.fit_table(key)
    if task == "regression":
        st.subheader("Fits with outliers")
        charts.show(ui.scatter_chart(key), height="content")
        points, lines = ui.scatter_frames(key)
        c = st.columns(2)
        with c[0]:
            frame.csv_download(points, "outlier_points", label="Points (CSV)")
        with c[1]:
            frame.csv_download(lines, "outlier_fits", label="Fitted curves (CSV)")
    else:
        st.subheader(f"Decision boundaries at {rate:.0%} flipped labels")
        st.caption(ui.MAP_NOTE)
        cols = st.columns(3)
        for i, name in enumerate(key.losses):
            charts.show(ui.boundary_map(key, name), container=cols[i % 3], height="content")
        cells, pts = ui.boundary_frames(key)
        c = st.columns(2)
        with c[0]:
            frame.csv_download(cells, "noise_boundaries", label="Boundary grid (CSV)")
        with c[1]:
            frame.csv_download(pts, "noise_points", label="Points (CSV)")
    st.dataframe(ui.styled_table(table), hide_index=True, width="stretch")
    frame.csv_download(table, f"{task}_scores", label="Scores (CSV)")
    frame.takeaway(ui.fit_takeaway(key, table))
    reproduce.for_comparison(key, key.load(), ui.configs(key))

    # ------------------------------------------------------------------ sweep over rates and seeds
    st.subheader("Sweep: clean-test score against the corruption rate")
    c = st.columns([1, 1, 2])
    n_seeds = c[0].slider("Seeds", 1, 5, D["seeds"], key="seeds", bind="query-params")
    n_rates = c[1].slider("Rates", 3, 7, D["nrates"], key="nrates", bind="query-params")
    run = c[2].toggle("Run the sweep", D["sweep"], key="sweep", bind="query-params")
    rates = ui.rates(task, n_rates)
    seeds = tuple(range(n_seeds))
    st.caption(ui.sweep_caption(rates, seeds))
    if run and ui.within_budget(key, len(rates), len(seeds)):
        bar = st.progress(0.0, text="Sweeping…")
        raw, agg = ui.sweep(key, rates, seeds, lambda f: bar.progress(f, text=f"Sweeping… {f:.0%}"))
        bar.empty()
        charts.show(ui.sweep_chart(key, rates, seeds), height="content")
        frame.takeaway(ui.sweep_takeaway(agg, task, ui.flip_limit(key)))
        c = st.columns(2)
        with c[0]:
            frame.csv_download(agg, f"{task}_sweep_mean", label="Sweep means (CSV)")
        with c[1]:
            frame.csv_download(raw, f"{task}_sweep_runs", label="Every run (CSV)")
