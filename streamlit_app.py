"""Loss Lab home page: what changes when only the loss changes."""

import streamlit as st

from ui import frame, screens
from views import home

PITCH = (
    "Loss Lab is a lecture companion for one question: what does the choice of loss do to a "
    "model? Cross-entropy, squared and absolute error, hinge and their relatives are trained "
    "here on the same data, from the same initial weights, with the same optimizer — only the "
    "loss changes. Every curve, boundary and number is computed live by a small NumPy library "
    "with exact, tested gradients, and every view lives in its URL, so a link reproduces it."
)

with frame.page("home", defaults=home.DEFAULTS):
    # the page's one control sits in the header row, beside the question
    name = frame.header_slot().segmented_control(
        "Dataset",
        list(home.DATASETS),
        default=home.DEFAULTS["dataset"],
        key="dataset",
        bind="query-params",
        label_visibility="collapsed",
    )
    name = name or home.DEFAULT  # a segmented control can be cleared; fall back to the default
    with frame.key_figure():
        points = home.show(name)
    frame.takeaway(home.takeaway(home.outcomes(name)))
    c1, c2 = st.columns([1, 1])
    with c1:
        frame.link(
            "pages/5_Decision_boundaries.py",
            label="Open this comparison on the Decision boundaries page",
            icon=":material/open_in_new:",
            query_params=home.deep_link(name),
        )
    with c2:
        frame.csv_download(points, "home_points", label="Points CSV")
    st.caption(home.caption(name))
    st.write(PITCH)

    st.subheader("Every page")
    others = [s for group in screens.PAGES.values() for s in group if s.key != "home"]
    others = [s for s in others if (screens.ROOT / s.path).exists()]
    cols = st.columns(4)
    for i, s in enumerate(others):
        with cols[i % 4].container(border=True):
            frame.link(s.path, label=s.label, icon=s.icon)
            st.caption(s.question)
