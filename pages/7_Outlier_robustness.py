"""Outlier robustness: regression outliers and classification label noise, one loss at a time."""

import functools
from typing import NamedTuple

import streamlit as st

from present import evidence
from present.charts import compact
from ui import charts, comparison, controls, formula_box, frame, player, reproduce, upload
from ui.evidence import check_across_seeds, show_strip
from views import robustness as ui

TASKS = ["regression", "classification"]
D = ui.DEFAULTS


class Corruption(NamedTuple):
    """One task's corruption controls: sidebar heading, the kind radio and the sliders."""

    prefix: str  # of the task's URL keys (rdataset, rlosses, ...)
    title: str
    kind_label: str
    kinds: tuple[str, ...]
    kind_key: str
    sliders: dict[str, controls.NumberSpec]  # rate first, then (outliers) magnitude


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
    ),
    "classification": Corruption(
        "c",
        "Label noise",
        "Kind (symmetric: any other class; pair: k → k+1)",
        ui.CLASSIFICATION_KINDS,
        "nkind",
        {"rate": controls.NumberSpec("Share of training labels flipped", 0.0, 0.6, 0.05)},
    ),
}
#: The model's number widgets (URL keys with the task's prefix: rlr, cepochs, ...).
LR = controls.NumberSpec("Learning rate", 0.0001, 10.0, 0.01, slider=False, format="%.4f")
EPOCHS = controls.NumberSpec("Epochs", 10, 500, 10)


def _new_task() -> None:
    # the other task has other losses: its picker starts from that task's defaults
    st.session_state["losses"] = list(ui.TASK_LOSSES[st.session_state["task"]])


with frame.page(
    "outlier_robustness",
    defaults=D,
    presets=ui.PRESETS,
    apply=player.forget_edits,  # a preset opens on its data as loaded, exact
    old_links=ui.old_links,
):
    # Widgets declare their defaults (value=/index=) from D instead of setting session state:
    # Streamlit drops a URL value equal to the widget's declared default, so they must agree.
    # Radios bind their *displayed* label to the URL, so their options are the short names.
    view = frame.stage()  # the figure and its takeaway first in presenter mode
    task = controls.radio(view.controls, "Task", TASKS, "task", on_change=_new_task)
    sb = st.sidebar
    cor = CORRUPTIONS[task]
    prefix = cor.prefix
    if task == "regression":
        data = upload.dataset_controls(
            ui.REGRESSION_DATASETS,
            default=D["rdataset"],
            prefix=prefix,
            skip=("test_fraction",),
            dims=1,
            tasks=("regression",),
            defaults=D,
            resets={k: D[k] for k in ("okind", "frac", "mag")},  # outliers chosen for other data
        )
    else:
        data = upload.dataset_controls(
            controls.datasets_2d(),
            default=D["cdataset"],
            prefix=prefix,
            skip=("test_fraction",),
            dims=2,
            defaults=D,
            resets={k: D[k] for k in ("nkind", "rate")},  # flips chosen for other data
        )
    sb.markdown(f"**{cor.title}**")
    kind = controls.radio(sb, cor.kind_label, cor.kinds, cor.kind_key, horizontal=False)
    values = controls.numbers(sb, cor.sliders, D)
    rate = values[0]
    magnitude = values[1] if len(values) > 1 else 0.0  # flipped labels have no magnitude
    names = controls.loss_controls(ui.TASK_LOSSES[task], task=task, container=sb)
    own = formula_box.box(task, key=f"{prefix}formula", container=sb)  # the student's formula
    names, params = formula_box.add(names, (), own)
    sb.markdown("**Model** (full batch, float32)")
    model = ui.model_choice(
        controls.select(sb, "Hidden layers", ui.MODELS, f"{prefix}model", D[f"{prefix}model"]),
        lr=controls.number(sb, f"{prefix}lr", LR, D[f"{prefix}lr"]),
        epochs=controls.number(sb, f"{prefix}epochs", EPOCHS, D[f"{prefix}epochs"]),
        optimizer=controls.select(
            sb, "Optimizer", ui.OPTIMIZERS, f"{prefix}opt", D[f"{prefix}opt"]
        ),
        seed=data.kwargs.get("seed", 0),
    )
    if not names:
        st.warning("Choose at least one loss in the sidebar.")
        st.stop()
    key = ui.comparison(data, kind, rate, magnitude, names, model).replace(params=params)
    if task == "regression":  # its points can be dragged: the link holds the edits
        key = player.with_edits(key)
    exact = task != "regression" or player.exact_view(key, comparison.load(key))

    # ------------------------------------------------------------------ fits at the chosen rate
    if exact:  # a view trained live in the browser costs the server nothing
        if not ui.fit_within_budget(key):
            st.stop()
        with st.spinner("Training one model per loss…"):
            table = ui.fit_table(key)
    with view.figure:
        if task == "regression":
            # the live fits (drag a point: every loss retrains in the browser); the server's
            # chart is their fallback where scripts cannot run
            player.fits_player(
                key,
                ui.configs(key),
                exact=ui.exact_fits(key, table) if exact else None,
                chart=lambda: charts.show(ui.scatter_chart(key), height="content", wide=True),
            )
        else:
            st.subheader(f"Decision boundaries at {rate:.0%} flipped labels")
            # a projector shows every map in one row under one legend (classes and flips);
            # otherwise three per row, each with its legend, under the note on the marks
            present = frame.presenting()
            per_row = len(key.losses) if present else 3
            if present:
                charts.legend_row(ui.class_legend(key))
            else:
                st.caption(ui.MAP_NOTE)
            cols = st.columns(per_row)
            for i, name in enumerate(key.losses):
                spec = ui.boundary_map(key, name)
                if present:
                    spec = compact(spec, legend=False)
                charts.show(spec, container=cols[i % per_row], height="content")
    with view.takeaway:
        if exact:
            entry = ui.lookup(key)
            frame.takeaway(ui.fit_page_takeaway(key, table, entry))
            if entry is not None:
                show_strip(
                    entry.evidence.outcomes,
                    ui.score_metric(key),
                    names,
                    key.data_seed,
                    seed_word="data seed",
                )
            else:
                # partials, not lambdas: the session keeps them, and a lambda keeps this script's
                # globals (its trained runs) alive with them
                check_across_seeds(
                    repr(key),
                    fits_budget=functools.partial(ui.within_budget, key, 1, evidence.K),
                    outcome=functools.partial(ui.cached_outcome, key),
                    report=ui.check_report(key),
                )
        else:
            player.live_notice()
    if exact:
        with frame.details():
            if task == "classification" and frame.presenting():
                st.caption(ui.MAP_NOTE)
            frame.table(ui.styled_table(table), width="stretch")
            if task == "regression":
                points, lines = ui.scatter_frames(key)
                downloads = [
                    (points, "outlier_points", "Points (CSV)"),
                    (lines, "outlier_fits", "Fitted curves (CSV)"),
                ]
            else:
                cells, pts = ui.boundary_frames(key)
                downloads = [
                    (cells, "noise_boundaries", "Boundary grid (CSV)"),
                    (pts, "noise_points", "Points (CSV)"),
                ]
            frame.csv_downloads(*downloads, (table, f"{task}_scores", "Scores (CSV)"))
    reproduce.for_comparison(key, comparison.load(key), ui.configs(key), table="robustness")

    # ------------------------------------------------------------------ sweep over rates and seeds
    st.subheader("Sweep: clean-test score against the corruption rate")
    sweep_figure, sweep_said = st.container(key="sweep_figure"), st.container()
    c = st.columns([1, 1, 2])
    n_seeds = c[0].slider("Seeds", 1, 5, D["seeds"], key="seeds", bind="query-params")
    n_rates = c[1].slider("Rates", 3, 7, D["nrates"], key="nrates", bind="query-params")
    run = controls.toggle(c[2], "Run the sweep", "sweep", D["sweep"])
    rates = ui.rates(task, n_rates)
    seeds = tuple(range(n_seeds))
    st.caption(ui.sweep_caption(rates, seeds))
    if run and ui.within_budget(key, len(rates), len(seeds)):
        with sweep_figure:
            bar = st.progress(0.0, text="Sweeping…")
            raw, agg = ui.sweep(
                key, rates, seeds, lambda f: bar.progress(f, text=f"Sweeping… {f:.0%}")
            )
            bar.empty()
            charts.show(ui.sweep_chart(key, rates, seeds), height="content")
        with sweep_said:
            swept = ui.sweep_lookup(key, rates)
            frame.takeaway(ui.sweep_page_takeaway(key, agg, raw, rates, swept))
            if swept is not None:
                show_strip(
                    swept.evidence.outcomes,
                    ui.SWEEP_METRIC[task],
                    names,
                    seeds,
                    seed_word="data seed",
                )
        frame.csv_downloads(
            (agg, f"{task}_sweep_mean", "Sweep means (CSV)"),
            (raw, f"{task}_sweep_runs", "Every run (CSV)"),
        )
