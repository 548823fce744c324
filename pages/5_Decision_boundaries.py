"""Decision boundaries: the same data, model and initial weights; only the loss changes."""

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

import streamlit as st

from present import evidence
from ui import comparison, controls, formula_box, frame, player, reproduce, upload
from ui.evidence import check_across_seeds, show_strip
from views import boundaries as ub
from views import formula as uf

D = ub.DEFAULTS


def view() -> None:
    """The page's widgets and figure: a what-if (another model, other data) reruns this
    alone (:func:`ui.frame.show`), a new seed only :func:`figure`."""
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
    model = controls.model_controls(D, seed=False)
    seed_box = st.sidebar.container()  # the seed's place, drawn by figure()
    chosen = controls.loss_controls(D["losses"])
    params = controls.loss_param_controls(chosen)
    own = formula_box.box("classification", container=st.sidebar)  # the student's formula
    chosen, params = formula_box.add(chosen, params, own)
    if not chosen:
        st.warning("Choose at least one loss in the sidebar.", icon=":material/info:")
        st.stop()
    frame.part("decision_boundaries", figure, data, flip, model, chosen, params, seed_box)


def figure(
    data: controls.DataChoice | upload.UploadChoice,
    flip: float,
    model: controls.ModelChoice,
    chosen: Sequence[str],
    params: controls.LossParams,
    seed_box: Any,
) -> None:
    """The seed's widget (in ``seed_box``, its place among the model's controls) and all that
    depends on it, the figure first: a new seed reruns this alone (:func:`ui.frame.part`)."""
    model = dataclasses.replace(model, seed=controls.seed_control(seed_box, D))
    key = player.with_edits(comparison.boundary_key(data, flip, model, chosen, params))
    ds = comparison.load(key)
    if not ub.within_budget(key, ds):
        st.stop()
    entry = ub.lookup(key)
    exact = player.exact_view(key, ds)  # else the view trains live first (one click from exact)

    # The point first: the figure (its scrubber is the player's own) and its takeaway.
    with frame.key_figure():
        fig = player.boundaries_player(key, exact=exact)
    if exact:
        runs = comparison.fit_runs(key)
        panels = comparison.compute_panels(key, fig.epoch)
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
        for note in ub.divergence_notes(runs, model.lr):
            frame.notice(note)
        if entry is not None:
            show_strip(entry.evidence.outcomes, "test_accuracy", chosen, model.seed)
        else:
            # partials, not lambdas: the session keeps them, and a lambda keeps this script's
            # globals (its trained runs) alive with them
            check_across_seeds(
                repr(key),
                fits_budget=functools.partial(ub.seeds_within_budget, key, ds),
                outcome=functools.partial(ub.cached_outcome, key),
                report=ub.check_report(key),
            )
    else:
        player.live_notice()

    with frame.details():
        st.caption(ub.caption(ds, model, entry))
        st.caption(ub.SHADING_NOTE)
        if exact:
            summary = ub.summary_frame(panels, runs, base)
            frame.table(ub.styled_summary(summary))
            frame.csv_downloads(
                (summary, "boundaries_summary", "Summary CSV"),
                (fig.points, "boundaries_points", "Points + gradients CSV"),
                (fig.cells, "boundaries_grid", "Decision surface CSV"),
            )
    reproduce.for_comparison(key, ds, comparison.configs(key), table="boundaries", epoch=fig.epoch)


frame.show(
    "decision_boundaries",
    view,
    defaults=D,
    presets=ub.PRESETS | uf.boundary_presets(),
    apply=player.forget_edits,  # a preset opens on its data as loaded, exact
)
