"""Decision boundaries: the same data, model and initial weights; only the loss changes."""

import streamlit as st

from ui import comparison, controls, evidence, formula_box, frame, player, reproduce, upload
from views import boundaries as ub
from views import formula as uf

DEFAULT_LOSSES = ["cross_entropy", "mse", "mae", "hinge"]
MODEL = {"layers": 2, "width": 32, "act": "tanh", "opt": "adam", "lr": 0.01, "epochs": 150}

PRESETS = {
    # three arms: CE has converged by epoch 150 and MSE has not, from every seed
    "MSE is slow on 3-arm spirals": {
        "dataset": "spirals",
        "spirals_n_classes": 3,
        "losses": ["cross_entropy", "mse"],
        "layers": 2,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 150,
        "flip": 0.0,
        "drive": True,
    },
    "Hinge has no probabilities": {**controls.HINGE_PRESET, "flip": 0.0, "drive": True},
    "3 classes: hinge stops pulling on over a third of the points, CE on none": {
        "dataset": "blobs",
        "blobs_n_classes": 3,
        "blobs_noise": 1.5,
        "losses": ["cross_entropy", "hinge", "multi_margin"],
        "layers": 0,
        "opt": "adam",
        "lr": 0.05,
        "epochs": 200,
        "flip": 0.0,
        "drive": True,
    },
    # two hidden layers: with one, MAE's lead came from one particular draw of flipped labels
    "Label noise: MAE holds up best": {
        "dataset": "moons",
        "losses": ["cross_entropy", "mse", "mae", "gce"],
        "layers": 2,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "flip": 0.3,
        "drive": True,
    },
}
# each preset opens on its representative seed (the median run of the committed evidence)
PRESETS = evidence.with_figure_seeds(PRESETS, ub.PAGE)


def _reset_view(_values) -> None:
    # a preset shows the end of training on its data as loaded, computed exactly
    st.session_state.pop("epoch", None)
    player.forget_edits()


with frame.page("decision_boundaries"):
    frame.presets(PRESETS | uf.boundary_presets(), apply=_reset_view)
    data = upload.dataset_controls(controls.datasets_2d(), default="spirals", dims=2)
    flip = st.sidebar.slider(
        "Flip training labels (fraction)",
        min_value=0.0,
        max_value=0.6,
        value=0.0,
        step=0.05,
        key="flip",
        help="symmetric label noise on the training split; flipped points get a black x",
        bind="query-params",
    )
    model = controls.model_controls(MODEL)
    chosen = controls.loss_controls(DEFAULT_LOSSES)
    params = controls.loss_param_controls(chosen)
    own = formula_box.box("classification", container=st.sidebar)  # the student's formula
    chosen, params = formula_box.add(chosen, params, own)
    if not chosen:
        st.warning("Choose at least one loss in the sidebar.", icon=":material/info:")
        st.stop()

    key = player.with_edits(comparison.boundary_key(data, flip, model, chosen, params))
    ds = comparison.load(key)
    if not ub.within_budget(key, ds):
        st.stop()
    entry = ub.lookup(key)
    st.caption(ub.caption(ds, model, entry))
    exact = player.exact_view(key, ds)  # else the view trains live first (one click from exact)
    with frame.key_figure():  # the key figure; its scrubber is the player's own
        fig = player.boundaries_player(key, exact=exact)
    if exact:
        runs = comparison.fit_runs(key)
        for note in ub.divergence_notes(runs, model.lr):
            frame.notice(note)
        panels = comparison.compute_panels(key, fig.epoch)
        st.caption(ub.SHADING_NOTE)
        diverged = {n: r.diverged_epoch for n, r in runs.items()}
        base = evidence.baseline(ds)
        frame.takeaway(
            ub.page_takeaway(
                panels,
                ds.corrupted is not None,
                diverged,
                seed=model.seed,
                baseline=None if base is None else base.test,
                flip_share=ub.flip_share(ds),
                entry=entry,
            )
        )
        if entry is not None:
            evidence.show_strip(entry.evidence.outcomes, "test_accuracy", chosen, model.seed)
        else:
            evidence.check_across_seeds(
                repr(key),
                fits_budget=lambda: ub.seeds_within_budget(key, ds),
                outcome=lambda s: ub.cached_outcome(key, s),
                report=ub.check_report(key),
            )
        summary = ub.summary_frame(panels, runs, base)
        frame.table(ub.styled_summary(summary))
        frame.csv_downloads(
            (summary, "boundaries_summary", "Summary CSV"),
            (fig.points, "boundaries_points", "Points + gradients CSV"),
            (fig.cells, "boundaries_grid", "Decision surface CSV"),
        )
    else:
        st.caption(ub.SHADING_NOTE)
        player.live_notice()
    reproduce.for_comparison(key, ds, comparison.configs(key), table="boundaries", epoch=fig.epoch)
