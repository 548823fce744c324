"""Decision boundaries: the same data, model and initial weights; only the loss changes."""

import streamlit as st

from ui import comparison, controls, frame, player, reproduce, upload
from views import boundaries as ub

D = ub.DEFAULTS
DRIVE_HELP = "point size = |∂L/∂z|, how hard each training point pulls on the model"


with frame.page("decision_boundaries", defaults=D, presets=ub.PRESETS):
    data = upload.dataset_controls(
        controls.datasets_2d(),
        default=D["dataset"],
        dims=2,
        defaults=D,
        resets={"flip": D["flip"]},  # label flips chosen for other data
    )
    flip = st.sidebar.slider(
        "Flip training labels (fraction)",
        min_value=0.0,
        max_value=0.6,
        value=D["flip"],
        step=0.05,
        key="flip",
        help="symmetric label noise on the training split; flipped points get a black x",
        bind="query-params",
    )
    model = controls.model_controls(D)
    chosen = controls.loss_controls(D["losses"])
    params = controls.loss_param_controls(chosen)
    if not chosen:
        st.warning("Choose at least one loss in the sidebar.", icon=":material/info:")
        st.stop()

    key = comparison.boundary_key(data, flip, model, chosen, params)
    ds = comparison.load(key)
    if not controls.within_budget(ds, model, len(chosen)):
        st.stop()
    runs = comparison.fit_runs(key)

    # The point first: the figure and its takeaway, then the scrubber and the rest.
    figure = frame.key_figure()
    said = st.container()
    options = comparison.epochs(key)
    if "epoch" in st.session_state and st.session_state["epoch"] not in options:
        del st.session_state["epoch"]  # other epochs, other snapshots: start at the end
    c1, c2 = st.columns([3, 1])
    epoch = c1.select_slider(
        "Epoch (scrub through training snapshots)",
        options=options,
        value=options[-1],
        key="epoch",
        bind="query-params",
    )
    drive = controls.toggle(c2, "Who drives learning", "drive", D["drive"], help=DRIVE_HELP)

    panels = comparison.compute_panels(key, epoch)
    with figure:
        cells, points = player.boundaries_player(key, epoch, drive)
    with said:
        diverged = {n: r.diverged_epoch for n, r in runs.items()}
        frame.takeaway(ub.takeaway(panels, flipped=ds.corrupted is not None, diverged=diverged))
        for note in ub.divergence_notes(runs, model.lr):
            frame.notice(note)

    with frame.details():
        st.caption(ub.caption(ds, model))
        st.caption(ub.SHADING_NOTE)
        summary = ub.summary_frame(panels, runs)
        frame.table(ub.styled_summary(summary))
        frame.csv_downloads(
            (summary, "boundaries_summary", "Summary CSV"),
            (points, "boundaries_points", "Points + gradients CSV"),
            (cells, "boundaries_grid", "Decision surface CSV"),
        )
    reproduce.for_comparison(key, ds, comparison.configs(key))
