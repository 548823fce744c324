"""Loss Lab home page: what changes when only the loss changes."""

import streamlit as st

from ui import controls, frame, screens
from views import home

PITCH = (
    "Loss Lab is a lecture companion for one question: what does the choice of loss do to a "
    "model? Cross-entropy, squared and absolute error, hinge and their relatives are trained "
    "here on the same data, from the same initial weights, with the same optimizer — only the "
    "loss changes. Every curve, boundary and number is computed live by a small NumPy library "
    "with exact, tested gradients, and every view lives in its URL, so a link reproduces it."
)

with frame.page("home", defaults=home.DEFAULTS):
    # the page's controls sit in the header row, beside the question
    slot = frame.header_slot()
    name = slot.segmented_control(
        "Dataset",
        list(home.DATASETS),
        default=home.DEFAULTS["dataset"],
        key="dataset",
        bind="query-params",
        label_visibility="collapsed",
    )
    name = name or home.DEFAULT  # a segmented control can be cleared; fall back to the default
    choice = controls.select(
        slot,
        "Seed shown",
        home.SEED_OPTIONS,
        "seed",
        home.DEFAULTS["seed"],
        help="The figure's seed: the median run of seeds 0–9 (the sentence counts them all), "
        "or one of them.",
    )
    seed = home.seed(name, choice)
    with frame.key_figure():
        points = home.show(name, seed)
    frame.takeaway(home.page_takeaway(name, seed))
    home.strip(name, seed)
    c1, c2 = st.columns([1, 1])
    with c1:
        frame.link(
            "pages/5_Decision_boundaries.py",
            label="Open this comparison on the Decision boundaries page",
            icon=":material/open_in_new:",
            query_params=home.deep_link(name, seed),
        )
    with c2:
        frame.csv_download(points, "home_points", label="Points CSV")
    st.caption(home.caption(name, seed))
    st.write(PITCH)

    st.subheader("Every page")
    others = [s for group in screens.PAGES.values() for s in group if s.key != "home"]
    others = [s for s in others if (screens.ROOT / s.path).exists()]
    cols = st.columns(4)
    for i, s in enumerate(others):
        with cols[i % 4].container(border=True):
            frame.link(s.path, label=s.label, icon=s.icon)
            st.caption(s.question)
