"""Training curves: which loss learns fastest, on train and test, over several seeds?"""

import streamlit as st

from core import datasets
from ui import boundaries as ub
from ui import controls, export, frame, reproduce, upload
from ui import training as ut

DEFAULT_LOSSES = ["cross_entropy", "mse", "mae", "hinge"]
MODEL = {"layers": 2, "width": 32, "act": "tanh", "opt": "adam", "lr": 0.01, "epochs": 200}
MAX_EPOCHS = 1000
MAX_SEEDS = 10

PRESETS = {
    "MSE is slow (digits, plain SGD)": {
        "dataset": "digits", "digits_n_classes": 10, "losses": ["cross_entropy", "mse"],
        "layers": 0, "opt": "sgd", "lr": 0.5, "epochs": 60, "batch": "full", "seeds": 3,
        "target": 0.9,
    },
    "Hinge has no probabilities": {
        "dataset": "moons", "losses": ["cross_entropy", "hinge"], "layers": 1, "width": 32,
        "opt": "adam", "lr": 0.01, "epochs": 300, "seeds": 3, "target": 0.95,
    },
    "Digits: 10 classes": {
        "dataset": "digits", "losses": ["cross_entropy", "mse", "mae", "multi_margin"],
        "layers": 1, "width": 32, "opt": "adam", "lr": 0.01, "epochs": 60, "seeds": 2,
        "target": 0.9,
    },
    "Too high a learning rate": {
        "dataset": "moons", "losses": ["cross_entropy", "square_logits"], "layers": 0,
        "opt": "sgd", "lr": 8.0, "epochs": 100, "seeds": 3, "target": 0.85,
    },
}  # fmt: skip

with frame.page("training_curves"):
    frame.presets(PRESETS)
    data = upload.dataset_controls(datasets.names("classification"), default="spirals")
    model = controls.model_controls(MODEL, max_epochs=MAX_EPOCHS)
    chosen = controls.loss_controls(DEFAULT_LOSSES)
    params = controls.loss_param_controls(chosen)
    st.sidebar.markdown("**Seeds and yardstick**")
    n_seeds = st.sidebar.number_input(
        "Seeds", min_value=1, max_value=MAX_SEEDS, value=3, step=1, key="seeds",
        help="each seed: other initial weights and batch order (the data stay the same)",
        bind="query-params",
    )  # fmt: skip
    spread = st.sidebar.selectbox(
        "Band over seeds", ["minmax", "sd"], index=0, key="band",
        help="minmax: from the lowest to the highest seed; sd: mean ± 1 standard deviation",
        bind="query-params",
    )  # fmt: skip
    target = st.sidebar.slider(
        "Target test accuracy", min_value=0.5, max_value=1.0, value=0.9, step=0.01,
        key="target", bind="query-params",
    )  # fmt: skip
    if not chosen:
        st.warning("Choose at least one loss in the sidebar.", icon=":material/info:")
        st.stop()

    ds = ub.load_data(data, 0.0)  # cached
    st.caption(
        f"{ds.title}: {len(ds.y_train)} training / {len(ds.y_test)} test points, "
        f"{ds.n_features} features, {ds.n_classes} classes · {model.describe} · "
        f"{n_seeds} seed(s) from {model.seed}"
    )
    if not controls.within_budget(ds, model, len(chosen) * int(n_seeds), int(n_seeds)):
        st.stop()
    runs = ut.fit_seeds(data, model, chosen, int(n_seeds), params)
    summary = ut.summaries(runs, chosen, target)
    for n, s in summary.items():
        if s.diverged:
            st.warning(
                f"{controls.loss_title(n)} diverged in {s.diverged} of {s.runs} seeds "
                f"(learning rate {model.lr:g} is too high for it); its curves stop there.",
                icon=":material/warning:",
            )
    shown = [controls.short_label(n) for n in chosen]

    acc = ut.accuracy_frame(runs, chosen, spread)
    accuracy_chart = ut.accuracy_chart(acc, shown, target)
    st.altair_chart(accuracy_chart, width="stretch")
    export.svg_button(accuracy_chart.to_dict(), name="training_accuracy")
    frame.csv_download(acc, "training_accuracy", label="Accuracy CSV")

    table = ut.summary_frame(summary, target)
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="%.3f")
            for c in ("final test accuracy", "± sd", "best test accuracy")
        },
    )
    frame.csv_download(table, "training_summary", label="Summary CSV")

    losses_df = ut.loss_frame(runs, chosen, spread)
    st.altair_chart(ut.loss_chart(losses_df, shown), width="content")
    frame.csv_download(losses_df, "training_losses", label="Loss curves CSV")

    st.subheader("Every model, every yardstick")
    cross = ut.cross_eval_frame(runs, chosen, ds.y_test)
    st.dataframe(
        cross,
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.3f") for c in cross.columns[1:]},
    )
    st.caption(
        "Final models on the test split, mean over seeds. Log-loss, Brier and ECE read "
        "softmax(logits) — for margin losses that is not a probability they were trained to give."
    )
    frame.csv_download(cross, "training_cross_evaluation", label="Cross-evaluation CSV")
    c1, c2 = st.columns(2)
    with c1:
        yard = ut.yardstick_frame(runs, chosen, spread)
        st.altair_chart(ut.yardstick_chart(yard, shown), width="stretch")
        frame.csv_download(yard, "training_test_log_loss", label="Test log-loss CSV")
    with c2:
        rel = ut.reliability_frame(runs, chosen, ds.y_test)
        if len(rel):
            st.altair_chart(ut.reliability_chart(rel, shown), width="stretch")
            frame.csv_download(rel, "training_reliability", label="Reliability CSV")

    frame.takeaway(ut.takeaway(summary, cross, chosen, target))
    reproduce.expander(
        data,
        ds,
        [model.config(n, controls.params_for(params, n), dtype=ut.DTYPE) for n in chosen],
        n_seeds=int(n_seeds),
    )
