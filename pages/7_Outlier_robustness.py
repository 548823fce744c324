"""Outlier robustness: regression outliers and classification label noise, one loss at a time."""

import dataclasses

import numpy as np
import streamlit as st

from core import robustness
from ui import controls, frame, reproduce, upload
from ui import robustness as ui

TASKS = ["regression", "classification"]
DEFAULTS = {
    "task": "regression", "sweep": True, "seeds": 3, "nrates": 5,
    "okind": "response", "frac": 0.2, "mag": 8.0, "rmodel": "linear", "rlr": 0.1, "repochs": 150,
    "nkind": "symmetric", "rate": 0.4, "cmodel": "16", "clr": 0.05, "cepochs": 150,
}  # fmt: skip
MAX_RATE = {"regression": 0.4, "classification": 0.6}
PRESETS = {
    "Outliers wreck MSE": {
        "task": "regression", "okind": "response", "frac": 0.2, "mag": 8.0, "rmodel": "linear",
        "rdataset": "linear_1d", "sweep": True,
    },
    "Leverage points fool even MAE": {
        "task": "regression", "okind": "leverage", "frac": 0.1, "mag": 5.0, "rmodel": "linear",
        "rdataset": "linear_1d", "sweep": False,
    },
    "MAE shrugs off label noise": {
        "task": "classification", "nkind": "symmetric", "rate": 0.4, "cmodel": "16",
        "cdataset": "moons", "sweep": True,
    },
    "Pair flips fool every loss": {
        "task": "classification", "nkind": "pair", "rate": 0.4, "cmodel": "16",
        "cdataset": "moons", "sweep": False,
    },
}  # fmt: skip

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
            ["linear_1d", "sine_1d"],
            default="linear_1d",
            prefix="r",
            skip=("test_fraction",),
            dims=1,
            tasks=("regression",),
        )
        sb.markdown("**Outliers**")
        kind = sb.radio(
            "Kind (response: y shifted; leverage: x shifted)", robustness.REGRESSION_KINDS,
            index=0, key="okind", bind="query-params",
        )  # fmt: skip
        rate = sb.slider("Share of training points", 0.0, 0.45, D["frac"], step=0.05,
                         key="frac", bind="query-params")  # fmt: skip
        magnitude = sb.slider("Magnitude (standard units)", -20.0, 20.0, D["mag"], step=0.5,
                              key="mag", bind="query-params")  # fmt: skip
        names = controls.loss_controls(
            robustness.REGRESSION_LOSSES, task="regression", key="rlosses", container=sb
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
            robustness.CLASSIFICATION_KINDS, index=0, key="nkind", bind="query-params",
        )  # fmt: skip
        rate = sb.slider("Share of training labels flipped", 0.0, 0.6, D["rate"], step=0.05,
                         key="rate", bind="query-params")  # fmt: skip
        magnitude = 0.0
        names = controls.loss_controls(
            robustness.CLASSIFICATION_LOSSES, task="classification", key="closses", container=sb
        )
        prefix = "c"
    sb.markdown("**Model** (full batch, float32)")
    models = list(ui.MODELS)
    model = ui.ModelSpec(
        model=sb.selectbox("Hidden layers", models, index=models.index(D[f"{prefix}model"]),
                           key=f"{prefix}model", bind="query-params"),
        lr=sb.number_input("Learning rate", 0.0001, 10.0, D[f"{prefix}lr"], step=0.01,
                           format="%.4f", key=f"{prefix}lr", bind="query-params"),
        epochs=sb.slider("Epochs", 10, 500, D[f"{prefix}epochs"], step=10,
                         key=f"{prefix}epochs", bind="query-params"),
        optimizer=sb.selectbox("Optimizer", ui.OPTIMIZERS, index=0, key=f"{prefix}opt",
                               bind="query-params"),
    )  # fmt: skip
    if not names:
        st.warning("Choose at least one loss in the sidebar.")
        st.stop()
    setting = ui.Setting(data, kind, float(rate), float(magnitude), names, model)
    order = [controls.loss_title(n, task) for n in names]

    # ------------------------------------------------------------------ fits at the chosen rate
    with st.spinner("Training one model per loss…"):
        results = ui.fits(setting)
    table = ui.fit_table(setting, results)
    if task == "regression":
        st.subheader("Fits with outliers")
        points, lines = ui.scatter_frames(setting, results)
        st.altair_chart(ui.scatter_chart(points, lines, order), width="stretch")
        c = st.columns(2)
        with c[0]:
            frame.csv_download(points, "outlier_points", label="Points (CSV)")
        with c[1]:
            frame.csv_download(lines, "outlier_fits", label="Fitted curves (CSV)")
    else:
        st.subheader(f"Decision boundaries at {rate:.0%} flipped labels")
        st.caption(
            "Shading: the predicted class (darker = more confident); dots: training points "
            "coloured by their label as trained on; black ×: a flipped label. Accuracy is on "
            "the clean test split."
        )
        specs, cells, pts = ui.boundary_figures(setting)
        cols = st.columns(3)
        for i, spec in enumerate(specs):
            cols[i % 3].vega_lite_chart(spec=spec, width="content", height="content")
        c = st.columns(2)
        with c[0]:
            frame.csv_download(cells, "noise_boundaries", label="Boundary grid (CSV)")
        with c[1]:
            frame.csv_download(pts, "noise_points", label="Points (CSV)")
    st.dataframe(table, hide_index=True, width="stretch")
    frame.csv_download(table, f"{task}_scores", label="Scores (CSV)")
    frame.takeaway(ui.fit_takeaway(setting, table))
    reproduce.expander(
        data,
        ui.corrupted(setting),
        [dataclasses.replace(c, seed=setting.seed) for c in model.configs(names)],
        corruption={
            "kind": kind,
            "rate": float(rate),
            "magnitude": float(magnitude),
            "seed": setting.seed,
        },
    )

    # ------------------------------------------------------------------ sweep over rates and seeds
    st.subheader("Sweep: clean-test score against the corruption rate")
    c = st.columns([1, 1, 2])
    n_seeds = c[0].slider("Seeds", 1, 5, D["seeds"], key="seeds", bind="query-params")
    n_rates = c[1].slider("Rates", 3, 7, D["nrates"], key="nrates", bind="query-params")
    run = c[2].toggle("Run the sweep", D["sweep"], key="sweep", bind="query-params")
    rates = tuple(float(r) for r in np.round(np.linspace(0, MAX_RATE[task], n_rates), 3))
    seeds = tuple(range(n_seeds))
    st.caption(
        f"Rates {', '.join(f'{r:.0%}' for r in rates)}; seeds {', '.join(map(str, seeds))} "
        "(each seed draws new data, corruption and initial weights; the test split is clean)."
    )
    if run:
        cost = ui.sweep_cost(setting, len(rates), len(seeds))
        if cost > ui.SWEEP_BUDGET:
            st.warning(
                f"This sweep would take too long ({cost / ui.SWEEP_BUDGET:.1f}× the budget): "
                "use fewer seeds, rates, epochs or points, or a smaller model."
            )
        else:
            bar = st.progress(0.0, text="Sweeping…")
            raw, agg = ui.sweep(
                setting, rates, seeds, lambda f: bar.progress(f, text=f"Sweeping… {f:.0%}")
            )
            bar.empty()
            st.altair_chart(ui.sweep_chart(agg, task, order), width="stretch")
            limit = (
                None
                if task == "regression"
                else robustness.flip_limit(kind, ui.corrupted(setting).n_classes)
            )
            frame.takeaway(ui.sweep_takeaway(agg, task, limit))
            c = st.columns(2)
            with c[0]:
                frame.csv_download(agg, f"{task}_sweep_mean", label="Sweep means (CSV)")
            with c[1]:
                frame.csv_download(raw, f"{task}_sweep_runs", label="Every run (CSV)")
