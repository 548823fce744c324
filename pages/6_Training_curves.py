"""Training curves: which loss learns fastest, on train and test, over several seeds?"""

import functools

import streamlit as st

from present import evidence
from ui import charts, comparison, controls, formula_box, frame, reproduce, upload
from ui.evidence import check_across_seeds, show_strip
from views import boundaries as ub
from views import training as ut

D = ut.DEFAULTS
#: This page's cap on the epochs a link may ask for (every one trains several seeds).
TRAINING_CURVES_MAX_EPOCHS = 1000
MAX_SEEDS = 10
SEEDS_HELP = "each seed: other initial weights and batch order (the data stay the same)"
SEEDS = controls.NumberSpec("Seeds", 1, MAX_SEEDS, 1, slider=False, help=SEEDS_HELP)
TARGET = controls.NumberSpec("Target test accuracy", 0.5, 1.0, 0.01)
BANDS = ["minmax", "sd"]
BAND_HELP = "minmax: from the lowest to the highest seed; sd: mean ± 1 standard deviation"

with frame.page("training_curves", defaults=D, presets=ut.PRESETS):
    data = upload.dataset_controls(ut.DATASETS, default=D["dataset"], defaults=D)
    model = controls.model_controls(D, max_epochs=TRAINING_CURVES_MAX_EPOCHS)
    chosen = controls.loss_controls(D["losses"])
    params = controls.loss_param_controls(chosen)
    own = formula_box.box("classification", container=st.sidebar)  # the student's formula
    chosen, params = formula_box.add(chosen, params, own)
    st.sidebar.markdown("**Seeds and yardstick**")
    n_seeds = controls.number(st.sidebar, "seeds", SEEDS, D["seeds"])
    spread = controls.select(
        st.sidebar, "Band over seeds", BANDS, "band", D["band"], help=BAND_HELP
    )
    target = controls.number(st.sidebar, "target", TARGET, D["target"])
    if not chosen:
        st.warning("Choose at least one loss in the sidebar.", icon=":material/info:")
        st.stop()

    key = ut.comparison(data, model, chosen, params)
    n_seeds = int(n_seeds)
    ds = comparison.load(key)
    if not ut.within_budget(key, ds, n_seeds):
        st.stop()
    runs = ut.fit_seeds(key, n_seeds)
    summary = ut.summaries(runs, chosen, target)
    cross = ut.cross_eval_frame(runs, chosen, ds.y_test)

    # The point first: the accuracy race and its takeaway; then the numbers behind them.
    with frame.key_figure():
        charts.show(ut.accuracy_chart(key, n_seeds, spread, target), height="content")
    entry = ut.lookup(key, target)
    raw = {
        n: ut.raw_output_ece(runs, n, ds.y_test) for n in chosen if n in ut.RAW_PROBABILITY_LOSSES
    }
    frame.takeaway(
        ut.page_takeaway(runs, summary, cross, chosen, target, ds, entry=entry, raw_ece=raw)
    )
    for note in ut.divergence_notes(summary, model.lr):
        frame.notice(note)
    if entry is not None:
        show_strip(
            entry.evidence.outcomes, ut.strip_metric(entry), chosen, ut.window(model.seed, n_seeds)
        )
    else:
        # partials, not lambdas: the session keeps them, and a lambda keeps this script's
        # globals (its trained runs) alive with them
        check_across_seeds(
            repr((key, target)),
            fits_budget=functools.partial(ut.within_budget, key, ds, evidence.K),
            outcome=functools.partial(ut.cached_outcome, key, target=target),
            report=ut.check_report(key, target),
        )
    # Decision boundaries' default view is this one's comparison with fewer epochs and seeds
    other = ut.comparison(
        controls.data_choice(ub.DEFAULTS), controls.model_choice(ub.DEFAULTS), ub.DEFAULTS["losses"]
    )
    if note := ut.other_page_note(
        key, n_seeds, runs, other, "Decision boundaries", other_dtype=comparison.DTYPE
    ):
        st.caption(f":material/compare_arrows: {note}")
    with frame.details():
        st.caption(ut.caption(ds, model, n_seeds))
        table = ut.summary_frame(summary, target, evidence.baseline(ds))
        frame.table(ut.styled_summary(table))
        frame.csv_downloads(
            (ut.accuracy_frame(runs, chosen, spread), "training_accuracy", "Accuracy CSV"),
            (table, "training_summary", "Summary CSV"),
        )

    ut.show_loss_panels(key, n_seeds, spread)
    frame.csv_download(
        ut.loss_frame(runs, chosen, spread), "training_losses", label="Loss curves CSV"
    )

    st.subheader("Every model, every yardstick")
    frame.table(ut.styled_cross(cross))
    st.caption(ut.CROSS_NOTE)
    frame.csv_download(cross, "training_cross_evaluation", label="Cross-evaluation CSV")
    c1, c2 = st.columns(2)
    with c1:
        charts.show(ut.yardstick_chart(key, n_seeds, spread), container=c1, height="content")
        frame.csv_download(
            ut.yardstick_frame(runs, chosen, spread),
            "training_test_log_loss",
            label="Test log-loss CSV",
        )
    with c2:
        rel = ut.reliability_frame(runs, chosen, ds.y_test)
        if len(rel):
            charts.show(ut.reliability_chart(key, n_seeds), container=c2, height="content")
            frame.csv_download(rel, "training_reliability", label="Reliability CSV")

    reproduce.for_comparison(
        key, comparison.load(key), key.configs(dtype=ut.DTYPE), n_seeds=n_seeds, table="training"
    )
