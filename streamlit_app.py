"""Loss Lab home page: what changes when only the loss changes."""

import streamlit as st

from ui import boundaries as ub
from ui import controls, frame, player

LOSSES = ("cross_entropy", "mse", "mae", "hinge")
DATASETS = ("moons", "circles", "xor", "spirals")
#: One hidden layer is enough for these datasets and trains four losses in well under a second.
MODEL = controls.ModelChoice(hidden=(32,), activation="tanh", optimizer="adam", lr=0.01, epochs=300)
PITCH = (
    "Loss Lab is a lecture companion for one question: what does the choice of loss do to a "
    "model? Cross-entropy, squared and absolute error, hinge and their relatives are trained "
    "here on the same data, from the same initial weights, with the same optimizer — only the "
    "loss changes. Every curve, boundary and number is computed live by a small NumPy library "
    "with exact, tested gradients, and every view lives in its URL, so a link reproduces it."
)

with frame.page("home"):
    st.write(PITCH)
    name = st.segmented_control(
        "Dataset",
        list(DATASETS),
        default="moons",
        key="dataset",
        bind="query-params",
    )
    name = name or "moons"  # a segmented control can be cleared; fall back to the default
    data = controls.DataChoice(name)
    runs = ub.fit_runs(data, 0.0, MODEL, LOSSES)
    ds = ub.load_data(data, 0.0)
    panels = ub.compute_panels(data, 0.0, MODEL, LOSSES, MODEL.epochs, runs)
    cells, points = player.boundaries_player(
        data, 0.0, MODEL, LOSSES, MODEL.epochs, True, runs, epoch_key=None
    )
    st.caption(
        f"{ds.title}, {MODEL.describe}. Shading: predicted class, darker = more confident "
        "(hinge: score). Dots: training points, sized by how hard each pulls on the model "
        "(|∂L/∂z|); triangles: test points."
    )
    frame.takeaway(ub.takeaway(panels, flipped=False))
    c1, c2 = st.columns([1, 1])
    with c1:
        st.page_link(
            "pages/5_Decision_boundaries.py",
            label="Open this comparison on the Decision boundaries page",
            icon=":material/open_in_new:",
            query_params={"dataset": name, "layers": 1, "width": 32, "epochs": MODEL.epochs},
        )
    with c2:
        frame.csv_download(points, "home_points", label="Points CSV")

    st.subheader("Every page")
    screens = [s for group in frame.PAGES.values() for s in group if s.key != "home"]
    screens = [s for s in screens if (frame.ROOT / s.path).exists()]
    cols = st.columns(4)
    for i, s in enumerate(screens):
        with cols[i % 4].container(border=True):
            st.page_link(s.path, label=s.label, icon=s.icon)
            st.caption(s.question)
