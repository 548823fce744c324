"""Outlier robustness: regression outliers and classification label noise, one loss at a time."""

from typing import NamedTuple

import streamlit as st

from ui import charts, comparison, controls, evidence, formula_box, frame, player, reproduce, upload
from views import robustness as ui

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
    # 400 points (the widget's default) and 45% flips: MAE holds up best from most seeds;
    # no setting makes it lose under 10 points, so no "shrugs"
    "Under label noise MAE holds up best": {
        "task": "classification",
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


def _data_seed(values, seed):
    # the page's one seed is its data seed (data, corruption and initial weights)
    prefix = "r" if values["task"] == "regression" else "c"
    return {f"{prefix}{values[f'{prefix}dataset']}_seed": seed}


# each preset opens on its representative seed (the median run of the committed evidence)
PRESETS = evidence.with_figure_seeds(PRESETS, ui.PAGE, _data_seed)


class Corruption(NamedTuple):
    """One task's corruption controls: sidebar heading, the kind radio and the sliders."""

    prefix: str  # of the task's URL keys (rdataset, rlosses, ...)
    title: str
    kind_label: str
    kinds: tuple[str, ...]
    kind_key: str
    sliders: dict[str, controls.NumberSpec]  # rate first, then (outliers) magnitude
    losses: tuple[str, ...]


CORRUPTIONS = {
    "regression": Corruption(
        "r",
        "Outliers",
        "Kind (response: y shifted; leverage: x shifted)",
        ui.REGRESSION_KINDS,
        "okind",
        {
            "frac": controls.NumberSpec("Share of training points", 0.0, 0.45, 0.05),
            "mag": controls.NumberSpec("Magnitude (standard units)", -20.0, 20.0, 0.5),
        },
        ui.REGRESSION_LOSSES,
    ),
    "classification": Corruption(
        "c",
        "Label noise",
        "Kind (symmetric: any other class; pair: k → k+1)",
        ui.CLASSIFICATION_KINDS,
        "nkind",
        {"rate": controls.NumberSpec("Share of training labels flipped", 0.0, 0.6, 0.05)},
        ui.CLASSIFICATION_LOSSES,
    ),
}
#: The model's number widgets (URL keys with the task's prefix: rlr, cepochs, ...).
LR = controls.NumberSpec("Learning rate", 0.0001, 10.0, 0.01, slider=False, format="%.4f")
EPOCHS = controls.NumberSpec("Epochs", 10, 500, 10)

with frame.page("outlier_robustness"):
    frame.presets(PRESETS)
    # Widgets declare their defaults (value=/index=) instead of st.session_state.setdefault:
    # Streamlit drops a URL value equal to the widget's declared default, so they must agree.
    # Radios bind their *displayed* label to the URL, so their options are the short names.
    D = DEFAULTS
    task = controls.radio(st, "Task", TASKS, "task")
    sb = st.sidebar
    cor = CORRUPTIONS[task]
    prefix = cor.prefix
    if task == "regression":
        data = upload.dataset_controls(
            ui.REGRESSION_DATASETS,
            default="linear_1d",
            prefix=prefix,
            skip=("test_fraction",),
            dims=1,
            tasks=("regression",),
        )
    else:
        data = upload.dataset_controls(
            controls.datasets_2d(), default="moons", prefix=prefix, skip=("test_fraction",), dims=2
        )
    sb.markdown(f"**{cor.title}**")
    kind = controls.radio(sb, cor.kind_label, cor.kinds, cor.kind_key, horizontal=False)
    values = controls.numbers(sb, cor.sliders, D)
    rate = values[0]
    magnitude = values[1] if len(values) > 1 else 0.0  # flipped labels have no magnitude
    names = controls.loss_controls(cor.losses, task=task, key=f"{prefix}losses", container=sb)
    own = formula_box.box(task, key=f"{prefix}formula", container=sb)  # the student's formula
    names, params = formula_box.add(names, (), own)
    sb.markdown("**Model** (full batch, float32)")
    model = ui.model_choice(
        controls.select(sb, "Hidden layers", ui.MODELS, f"{prefix}model", D[f"{prefix}model"]),
        lr=controls.number(sb, f"{prefix}lr", LR, D[f"{prefix}lr"]),
        epochs=controls.number(sb, f"{prefix}epochs", EPOCHS, D[f"{prefix}epochs"]),
        optimizer=controls.select(sb, "Optimizer", ui.OPTIMIZERS, f"{prefix}opt", ui.OPTIMIZERS[0]),
        seed=data.kwargs.get("seed", 0),
    )
    if not names:
        st.warning("Choose at least one loss in the sidebar.")
        st.stop()
    key = ui.comparison(data, kind, rate, magnitude, names, model)
    key = key.replace(params=params)
    if task == "regression":  # its points can be dragged: the link holds the edits
        key = player.with_edits(key)
    exact = task != "regression" or player.exact_view(key, comparison.load(key))

    # ------------------------------------------------------------------ fits at the chosen rate
    if exact:  # a view trained live in the browser costs the server nothing
        if not ui.fit_within_budget(key):
            st.stop()
        with st.spinner("Training one model per loss…"):
            table = ui.fit_table(key)
    if task == "regression":
        player.fits_player(
            key,
            ui.configs(key),
            exact=ui.exact_fits(key, table) if exact else None,
            chart=lambda: charts.show(ui.scatter_chart(key), height="content"),
        )
        if exact:
            points, lines = ui.scatter_frames(key)
            frame.csv_downloads(
                (points, "outlier_points", "Points (CSV)"),
                (lines, "outlier_fits", "Fitted curves (CSV)"),
            )
    else:
        st.subheader(f"Decision boundaries at {rate:.0%} flipped labels")
        st.caption(ui.MAP_NOTE)
        cols = st.columns(3)
        for i, name in enumerate(key.losses):
            charts.show(ui.boundary_map(key, name), container=cols[i % 3], height="content")
        cells, pts = ui.boundary_frames(key)
        frame.csv_downloads(
            (cells, "noise_boundaries", "Boundary grid (CSV)"),
            (pts, "noise_points", "Points (CSV)"),
        )
    if exact:
        frame.table(ui.styled_table(table), width="stretch")
        frame.csv_download(table, f"{task}_scores", label="Scores (CSV)")
        entry = ui.lookup(key)
        frame.takeaway(ui.fit_page_takeaway(key, table, entry))
        if entry is not None:
            evidence.show_strip(
                entry.evidence.outcomes,
                ui.score_metric(key),
                names,
                key.data_seed,
                seed_word="data seed",
            )
        else:
            evidence.check_across_seeds(
                repr(key),
                fits_budget=lambda: ui.within_budget(key, 1, evidence.K),
                outcome=lambda s: ui.cached_outcome(key, s),
                report=ui.check_report(key),
            )
    else:
        player.live_notice()
    reproduce.for_comparison(key, comparison.load(key), ui.configs(key), table="robustness")

    # ------------------------------------------------------------------ sweep over rates and seeds
    st.subheader("Sweep: clean-test score against the corruption rate")
    c = st.columns([1, 1, 2])
    n_seeds = c[0].slider("Seeds", 1, 5, D["seeds"], key="seeds", bind="query-params")
    n_rates = c[1].slider("Rates", 3, 7, D["nrates"], key="nrates", bind="query-params")
    run = controls.toggle(c[2], "Run the sweep", "sweep", D["sweep"])
    rates = ui.rates(task, n_rates)
    seeds = tuple(range(n_seeds))
    st.caption(ui.sweep_caption(rates, seeds))
    if run and ui.within_budget(key, len(rates), len(seeds)):
        bar = st.progress(0.0, text="Sweeping…")
        raw, agg = ui.sweep(key, rates, seeds, lambda f: bar.progress(f, text=f"Sweeping… {f:.0%}"))
        bar.empty()
        charts.show(ui.sweep_chart(key, rates, seeds), height="content")
        swept = ui.sweep_lookup(key, rates)
        frame.takeaway(ui.sweep_page_takeaway(key, agg, raw, rates, swept))
        if swept is not None:
            evidence.show_strip(
                swept.evidence.outcomes, ui.SWEEP_METRIC[task], names, seeds, seed_word="data seed"
            )
        frame.csv_downloads(
            (agg, f"{task}_sweep_mean", "Sweep means (CSV)"),
            (raw, f"{task}_sweep_runs", "Every run (CSV)"),
        )
