"""Gradient anatomy: why MSE learns slowly through a sigmoid or a softmax (articles 000-002)."""

import streamlit as st

from core import anatomy as an
from core import losses
from ui import anatomy as ua
from ui import controls, frame

# URL values of bound radios are their labels (``?part=Sigmoid+neuron``), so no format_func;
# each radio's default is its first option (index 0).
SIGMOID, SOFTMAX2, SOFTMAXK = "Sigmoid neuron", "Softmax, 2 classes", "Softmax, K classes"
A_DEFAULT, B_DEFAULT = "0.8, 0.1, 0.1", "0.8, 0.15, 0.05"
Z_DEFAULT = [float(v) for v in an.logits_from_probabilities([0.8, 0.2])]
# Widget defaults, declared on the widgets: Streamlit drops a URL value equal to the widget's
# own default, so the two must agree (presets still set any key via st.session_state).
D = {
    "part": SIGMOID,
    "y": "1", "x": 1.0, "z0": -4.0, "axis": "z",
    "mode": "probabilities", "a1": 0.8, "z1": Z_DEFAULT[0], "z2": Z_DEFAULT[1], "y1": "0",
    "a": A_DEFAULT, "b": B_DEFAULT, "t": "1", "maps": ["cross_entropy", "mse"],
}  # fmt: skip

with frame.page("gradient_anatomy"):
    frame.presets(
        {
            "Article 000: a = [0.8, 0.2]": {"part": SOFTMAX2, "mode": "probabilities",
                                            "a1": 0.8, "y1": "0"},
            "Confidently wrong neuron": {"part": SIGMOID, "y": "1", "z0": -6.0, "x": 1.0,
                                         "axis": "z"},
            "Article 002: uniform wrong classes": {"part": SOFTMAXK, "a": A_DEFAULT,
                                                   "b": B_DEFAULT, "t": "1"},
            "Completely wrong (a_t ≈ 0)": {"part": SOFTMAXK, "a": "0.02, 0.49, 0.49",
                                           "b": "0.02, 0.9, 0.08", "t": "1"},
        }
    )  # fmt: skip
    part = st.radio(
        "Part (articles 001, 000, 002)", [SIGMOID, SOFTMAX2, SOFTMAXK], horizontal=True,
        key="part", bind="query-params",
    )  # fmt: skip

    if part == SIGMOID:
        st.subheader("One sigmoid neuron: a = σ(z), z = w·x + b")
        st.latex(
            r"C_{\text{MSE}} = \tfrac12 (y-a)^2:\ \frac{\partial C}{\partial w} = (a-y)\,"
            r"\sigma'(z)\,x \qquad C_{\text{CE}} = -y\log a-(1-y)\log(1-a):\ "
            r"\frac{\partial C}{\partial w} = (a-y)\,x"
        )
        c1, c2, c3, c4 = st.columns(4)
        y = int(c1.radio("Target y", ["1", "0"], horizontal=True, key="y", bind="query-params"))
        x = c2.number_input(
            "Input x",
            min_value=-5.0,
            max_value=5.0,
            step=0.1,
            key="x",
            value=D["x"],
            bind="query-params",
        )
        z0 = c3.slider(
            "Pre-activation z of this neuron", min_value=-10.0, max_value=10.0, step=0.1,
            key="z0", value=D["z0"], bind="query-params",
        )  # fmt: skip
        axis = c4.radio(
            "Horizontal axis: pre-activation z or probability a", ["z", "a"], horizontal=True,
            key="axis", bind="query-params",
        )  # fmt: skip
        p = ua.sigmoid_point(z0, y, x)
        m = st.columns(4)
        m[0].metric("a = σ(z)", ua.fmt(p["a"], 4))
        m[1].metric("σ'(z)", ua.fmt(p["sigma_prime"], 4))
        m[2].metric("MSE dC/dw", ua.fmt(p["mse_dw"], 4))
        m[3].metric("CE dC/dw", ua.fmt(p["ce_dw"], 4))
        curves = ua.sigmoid_curves(y, x)
        st.vega_lite_chart(ua.sigmoid_charts(curves, p, z0, x, axis), width="stretch")
        frame.csv_download(curves, "sigmoid_neuron")
        err = abs(p["a"] - y)
        state = (
            "confidently wrong" if err > 0.9 else "wrong" if err > 0.5
            else "nearly right" if err < 0.1 else "unsure"
        )  # fmt: skip
        twin_state = "nearly right" if abs(p["twin_a"] - y) < 0.5 else "badly wrong"
        frame.takeaway(
            f"With y = {y} and z = {z0:.1f} the neuron outputs a = {p['a']:.3f} ({state}). "
            f"CE's dC/dw is {ua.fmt(p['ce_dw'], 4)}; MSE's is {ua.fmt(p['mse_dw'], 4)}, CE's "
            f"times σ'(z) = {p['sigma_prime']:.3g}. MSE's gradient is exactly as large at "
            f"a = {p['twin_a']:.3g}, where the neuron is {twin_state} (CE's there: "
            f"{ua.fmt(p['twin_ce_dw'], 4)}): a small MSE gradient cannot tell far from near."
        )
        st.caption(
            f"Article 001 says MSE's gradient is small 'either way'. Precisely: for y = {y} "
            f"|dC/dz| = |a − y|·a·(1 − a) peaks at a = {p['peak_a']:.3f} (|dC/dw| = "
            f"{abs(p['peak_mse_dw']):.4f} here) and falls to 0 at both ends, so every smaller "
            "value occurs twice — once badly wrong, once nearly right. CE's |a − y| only shrinks "
            "as the error does."
        )

    elif part == SOFTMAX2:
        st.subheader("Two classes through a softmax: who gets the bigger push on z1?")
        st.latex(
            r"\frac{\partial L_{\text{MSE}}}{\partial z_1} = 4\,a_1 a_2\,(a_1-y_1) \qquad "
            r"\frac{\partial L_{\text{CE}}}{\partial z_1} = a_1 - y_1"
        )
        c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1])
        mode = c1.radio(
            "Enter", ["probabilities", "logits"], horizontal=True, key="mode",
            bind="query-params",
        )  # fmt: skip
        if mode == "probabilities":
            a1 = c2.number_input(
                "a1 (a2 = 1 − a1)", min_value=0.001, max_value=0.999, step=0.01, format="%.3f",
                key="a1", value=D["a1"], bind="query-params",
            )  # fmt: skip
            logits = tuple(float(v) for v in an.logits_from_probabilities([a1, 1.0 - a1]))
        else:
            z1 = c2.number_input(
                "z1", min_value=-30.0, max_value=30.0, step=0.1, format="%.4f", key="z1",
                value=D["z1"], bind="query-params",
            )  # fmt: skip
            z2 = c3.number_input(
                "z2", min_value=-30.0, max_value=30.0, step=0.1, format="%.4f", key="z2",
                value=D["z2"], bind="query-params",
            )  # fmt: skip
            logits = (z1, z2)
        y1 = int(c4.radio("Label y1", ["0", "1"], horizontal=True, key="y1", bind="query-params"))
        table = ua.two_class_table(logits)
        row = table[table["y1"] == y1].iloc[0]
        a1 = float(row["a1"])
        m = st.columns(4)
        m[0].metric("a = softmax(z)", f"[{a1:.3f}, {1 - a1:.3f}]")
        m[1].metric(f"MSE dL/dz1 (y1 = {y1})", ua.fmt(row["MSE dL/dz1"]))
        m[2].metric(f"CE dL/dz1 (y1 = {y1})", ua.fmt(row["CE dL/dz1"]))
        m[3].metric("MSE / CE = 4·a1·a2", ua.fmt(row["MSE / CE"]))
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%.4f")
                           for c in table.columns if c != "y1"},
        )  # fmt: skip
        frame.csv_download(table, "softmax_two_classes")
        curves = ua.two_class_curves(y1)
        marks = {ua.MSE: float(row["MSE dL/dz1"]), ua.CE: float(row["CE dL/dz1"])}
        st.vega_lite_chart(ua.two_class_chart(curves, a1, marks, y1), width="stretch")
        frame.csv_download(curves, "softmax_two_classes_curves")
        r0, r1 = table.iloc[0], table.iloc[1]
        frame.takeaway(
            f"a = [{a1:.3f}, {1 - a1:.3f}]: for y1 = 0 MSE's dL/dz1 is {ua.fmt(r0['MSE dL/dz1'])} "
            f"and CE's {ua.fmt(r0['CE dL/dz1'])}; for y1 = 1 they are "
            f"{ua.fmt(r1['MSE dL/dz1'])} and {ua.fmt(r1['CE dL/dz1'])}. Either way MSE's push is "
            f"CE's times 4·a1·a2 = {ua.fmt(row['MSE / CE'])}, never more than 1 (only at "
            "a1 = 0.5), and smallest when the softmax is confident — right or wrong."
        )

    else:
        st.subheader("K classes: MSE cares how the wrong probability is spread, CE does not")
        st.latex(
            r"L_{\text{CE}} = -\log a_t \qquad L_{\text{MSE}} = (1-a_t)^2 + \sum_{k\ne t} a_k^2"
            r"\qquad \frac{\partial L_{\text{CE}}}{\partial z_t} = a_t - 1"
        )
        c1, c2, c3 = st.columns([2, 2, 1])
        a_text = c1.text_input(
            "Probabilities a", key="a", value=D["a"], bind="query-params", max_chars=120,
            help="K = 2..10 numbers in (0, 1) summing to 1, e.g. 0.8, 0.1, 0.1",
        )  # fmt: skip
        b_text = c2.text_input(
            "Probabilities b", key="b", value=D["b"], bind="query-params", max_chars=120,
            help="same number of classes as a",
        )  # fmt: skip
        a = an.parse_vector(a_text, "a")
        b = an.parse_vector(b_text, "b")
        k = a.size
        t = int(
            c3.selectbox(
                "True class t", [str(i) for i in range(1, k + 1)], key="t", bind="query-params"
            )
        )
        cls = losses.names("classification")
        maps = st.multiselect(
            "Losses to compare", cls, format_func=controls.loss_title, key="maps",
            default=D["maps"], bind="query-params", max_selections=4,
        )  # fmt: skip
        names = tuple(dict.fromkeys(("mse", "cross_entropy", *maps)))
        table = ua.k_class_table(tuple(a), tuple(b), t - 1, names)
        ra, rb = table.iloc[0], table.iloc[1]
        mse_col = f"{controls.loss_title('mse')} loss"
        ce_col = f"{controls.loss_title('cross_entropy')} loss"
        m = st.columns(4)
        m[0].metric("MSE(a)", ua.fmt(ra[mse_col]))
        m[1].metric("MSE(b)", ua.fmt(rb[mse_col]))
        m[2].metric("CE(a)", ua.fmt(ra[ce_col]))
        m[3].metric("CE(b)", ua.fmt(rb[ce_col]))
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%.4f")
                           for c in table.columns[2:]},
        )  # fmt: skip
        frame.csv_download(table, "softmax_k_classes")

        if k == 3:
            shown = [n for n in names if n in maps] or ["cross_entropy", "mse"]
            simplex = ua.simplex_table(t - 1, tuple(shown))
            st.vega_lite_chart(
                ua.simplex_charts(simplex, shown, t - 1, {"a": a, "b": b}), width="content"
            )
            st.caption(
                "Each triangle is every 3-class prediction (corners: all mass on one class); "
                "yellow is low loss, dark is high. The dashed white line is 'wrong classes "
                "uniform'. CE's colour bands run parallel to the opposite edge: it only sees a_t."
            )
            frame.csv_download(simplex, "simplex_losses")
        else:
            st.caption(f"The probability-triangle heatmaps need K = 3 classes (a has K = {k}).")

        left, right = st.columns(2)
        with left:
            curves = ua.target_curves(k)
            st.vega_lite_chart(ua.target_chart(curves, k, float(a[t - 1])), width="stretch")
            frame.csv_download(curves, "target_gradient_curves")
        with right:
            split = ua.split_curve(float(a[t - 1]))
            st.vega_lite_chart(ua.split_chart(split, float(a[t - 1])), width="stretch")
            frame.csv_download(split, "nontarget_split")

        prefer = (
            "prefers a" if ra[mse_col] < rb[mse_col]
            else "prefers b" if rb[mse_col] < ra[mse_col] else "scores them equal"
        )  # fmt: skip
        same = "the same" if round(ra[ce_col], 12) == round(rb[ce_col], 12) else "differently"
        frame.takeaway(
            f"True class {t}: MSE scores a at {ua.fmt(ra[mse_col])} and b at "
            f"{ua.fmt(rb[mse_col])} ({prefer}); CE scores them {ua.fmt(ra[ce_col])} and "
            f"{ua.fmt(rb[ce_col])} — {same}, since it only reads a_t "
            f"({a[t - 1]:g} and {b[t - 1]:g}). At a_t = {a[t - 1]:g} article 002's "
            f"−2·a_t·(1 − a_t)² = {ua.fmt(ra['MSE dL/dz_t (article path)'], 4)} is only the path "
            f"through a_t; MSE's full dL/dz_t for a is {ua.fmt(ra['MSE dL/dz_t (full)'], 4)}. "
            f"Both vanish as a_t → 0, while CE's a_t − 1 = {ua.fmt(ra['CE dL/dz_t'], 4)} "
            "tends to −1."
        )
