"""Gradient anatomy: why MSE learns slowly through a sigmoid or a softmax (see ``views.anatomy``
for the three articles behind its three parts)."""

import streamlit as st

from ui import charts, controls, frame
from views import anatomy as ua

D = ua.DEFAULTS
#: The bounded number widgets (URL keys; their defaults are ``ua.DEFAULTS``).
SIGMOID_WIDGETS = {
    "x": controls.NumberSpec("Input x", -5.0, 5.0, 0.1, slider=False),
    "z0": controls.NumberSpec("Pre-activation z of this neuron", -10.0, 10.0, 0.1),
}
A1 = controls.NumberSpec("a1 (a2 = 1 − a1)", 0.001, 0.999, 0.01, slider=False, format="%.3f")
LOGIT_WIDGETS = {
    z: controls.NumberSpec(z, -30.0, 30.0, 0.1, slider=False, format="%.4f") for z in ("z1", "z2")
}
A_HELP = "K = 2..10 numbers in (0, 1) summing to 1, e.g. 0.8, 0.1, 0.1"
B_HELP = "same number of classes as a"

with frame.page("gradient_anatomy", defaults=D, presets=ua.PRESETS, old_links=ua.old_links):
    # URL values of bound radios are their labels (``?part=Sigmoid+neuron``), so no format_func;
    # each radio's default is its first option (index 0).
    view = frame.stage()  # presenter mode: the figure and its takeaway first
    part = controls.radio(view.controls, "Part", ua.PARTS, "part")

    if part == ua.SIGMOID:
        # Figure first: one row of controls, the two charts, then numbers and formulas.
        c1, c2, c3, c4 = view.controls.columns(4)
        y = int(controls.radio(c1, "Target y", ["1", "0"], "y"))
        x, z0 = controls.numbers([c2, c3], SIGMOID_WIDGETS, D)
        axis = controls.radio(
            c4, "Horizontal axis: pre-activation z or probability a", ["z", "a"], "axis"
        )
        p = ua.sigmoid_point(z0, y, x)
        left, right = view.figure.columns(2)
        charts.show(ua.sigmoid_loss_chart(y, x, z0, axis), container=left)
        charts.show(ua.sigmoid_gradient_chart(y, x, z0, axis), container=right)
        with view.takeaway:
            frame.takeaway(ua.sigmoid_headline(p, y, x), [ua.sigmoid_sentence(p, y, z0, x)])
        m = st.columns(4)
        m[0].metric("a = σ(z)", ua.fmt(p["a"], 4))
        m[1].metric("σ'(z)", ua.fmt(p["sigma_prime"], 4))
        m[2].metric("½(y − a)² dC/dw", ua.fmt(p["mse_dw"], 4))
        m[3].metric("CE dC/dw", ua.fmt(p["ce_dw"], 4))
        st.latex(
            r"a = \sigma(z),\ z = w x + b:\quad C_{\text{SE}} = \tfrac12 (y-a)^2:\ "
            r"\frac{\partial C}{\partial w} = (a-y)\,\sigma'(z)\,x \qquad "
            r"C_{\text{CE}} = -y\log a-(1-y)\log(1-a):\ \frac{\partial C}{\partial w} = (a-y)\,x"
        )
        with frame.details():
            st.caption(ua.sigmoid_caption(p, y))
            frame.csv_download(ua.sigmoid_curves(y, x), "sigmoid_neuron", label="Curves (CSV)")

    elif part == ua.SOFTMAX2:
        c1, c2, c3, c4 = view.controls.columns([1.2, 1, 1, 1])
        mode = controls.radio(c1, "Enter", ["probabilities", "logits"], "mode")
        if mode == "probabilities":
            logits = ua.logits(controls.number(c2, "a1", A1, D["a1"]))
        else:
            logits = tuple(controls.numbers([c2, c3], LOGIT_WIDGETS, D))
        y1 = int(controls.radio(c4, "Label y1", ["0", "1"], "y1"))
        table = ua.two_class_table(logits)
        row = table[table["y1"] == y1].iloc[0]
        a1 = float(row["a1"])
        marks = (float(row["MSE dL/dz1"]), float(row["CE dL/dz1"]))
        charts.show(ua.two_class_chart(y1, a1, marks), container=view.figure)
        with view.takeaway:
            frame.takeaway(ua.two_class_headline(table, y1), [ua.two_class_sentence(table, y1)])
        m = st.columns(4)
        m[0].metric("a = softmax(z)", f"[{ua.fmt(a1)}, {ua.fmt(1 - a1)}]")
        m[1].metric(f"MSE dL/dz1 (y1 = {y1})", ua.fmt(row["MSE dL/dz1"]))
        m[2].metric(f"CE dL/dz1 (y1 = {y1})", ua.fmt(row["CE dL/dz1"]))
        m[3].metric("MSE / CE = 4·a1·a2", ua.fmt(row["MSE / CE"]))
        st.latex(
            r"\frac{\partial L_{\text{MSE}}}{\partial z_1} = 4\,a_1 a_2\,(a_1-y_1) \qquad "
            r"\frac{\partial L_{\text{CE}}}{\partial z_1} = a_1 - y_1"
        )
        st.caption(f"From the article {ua.SOURCES['softmax2']}.")
        with frame.details():
            frame.number_table(table, "softmax_two_classes", table.columns.drop("y1"), "%.4f")
            frame.csv_download(
                ua.two_class_curves(y1), "softmax_two_classes_curves", label="Curves (CSV)"
            )

    else:
        c1, c2, c3, c4 = view.controls.columns([2, 2, 1, 3])
        a_text = controls.vector_input(c1, "Probabilities a", "a", D["a"], help=A_HELP)
        b_text = controls.vector_input(c2, "Probabilities b", "b", D["b"], help=B_HELP)
        a = ua.parse(a_text, "a")
        b = ua.parse(b_text, "b")
        k = a.size
        t = int(
            c3.selectbox(
                "True class t", [str(i) for i in range(1, k + 1)], key="t", bind="query-params"
            )
        )
        maps = controls.url_multiselect(
            "Losses to compare",
            ua.loss_names(),
            format_func=ua.loss_title,
            key="losses",
            default=D["losses"],
            max_selections=4,
            container=c4,
        )
        names = tuple(dict.fromkeys(("mse", "cross_entropy", *maps)))
        table = ua.k_class_table(tuple(a), tuple(b), t - 1, names)
        mse_col = f"{ua.loss_title('mse')} loss"
        ce_col = f"{ua.loss_title('cross_entropy')} loss"

        figure = view.figure
        if k == 3:
            shown = tuple(n for n in names if n in maps) or ("cross_entropy", "mse")
            points = (("a", tuple(a)), ("b", tuple(b)))
            # One chart per loss, two per row: they wrap on a narrow screen.
            for i in range(0, len(shown), 2):
                cols = figure.columns(2)
                for col, name in zip(cols, shown[i : i + 2], strict=False):
                    charts.show(ua.simplex_chart(t - 1, name, shown, points), container=col)
            figure.caption(
                "Each triangle is every 3-class prediction (corners: all mass on one class); "
                "yellow is low loss, dark is high. The dashed white line is 'wrong classes "
                "uniform'. CE's colour bands run parallel to the opposite edge: it only sees a_t."
            )
        else:
            figure.caption(f"The probability-triangle heatmaps need K = 3 classes (a has K = {k}).")
        with view.takeaway:
            frame.takeaway(
                ua.k_class_headline(table, a, t),
                [ua.k_class_sentence(table, a, b, t, mse_col, ce_col)],
            )
        ra, rb = table.iloc[0], table.iloc[1]
        m = st.columns(4)
        m[0].metric("MSE(a)", ua.fmt(ra[mse_col]))
        m[1].metric("MSE(b)", ua.fmt(rb[mse_col]))
        m[2].metric("CE(a)", ua.fmt(ra[ce_col]))
        m[3].metric("CE(b)", ua.fmt(rb[ce_col]))
        left, right = st.columns(2)
        charts.show(ua.target_chart(k, float(a[t - 1])), container=left)
        charts.show(ua.split_chart(float(a[t - 1])), container=right)
        st.latex(
            r"L_{\text{CE}} = -\log a_t \qquad L_{\text{MSE}} = (1-a_t)^2 + \sum_{k\ne t} a_k^2"
            r"\qquad \frac{\partial L_{\text{CE}}}{\partial z_t} = a_t - 1"
        )
        st.caption(f"From the article {ua.SOURCES['softmaxk']}.")
        with frame.details():
            frame.number_table(table, "softmax_k_classes", table.columns[2:], "%.4f")
            if k == 3:
                frame.csv_download(
                    ua.simplex_table(t - 1, shown), "simplex_losses", label="Simplex losses (CSV)"
                )
            frame.csv_download(
                ua.target_curves(k), "target_gradient_curves", label="Target gradient curves (CSV)"
            )
            frame.csv_download(
                ua.split_curve(float(a[t - 1])), "nontarget_split", label="Non-target split (CSV)"
            )
