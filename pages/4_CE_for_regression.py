"""CE for regression? Softmax + cross-entropy cannot replace MSE (article 000, discussion 2)."""

import numpy as np
import streamlit as st

from core import anatomy as an
from core import ce_regression as cr
from ui import anatomy as ua
from ui import frame

# Widget defaults, declared on the widgets: Streamlit drops a URL value equal to the widget's
# own default, so the two must agree (presets still set any key via st.session_state).
D = {
    "G": "1, 2", "z": "2, 3", "span": 10.0, "u": "1, 2", "w": "2, 4",
    "epochs": 400, "lr": 0.5, "noise": 0.1, "seed": 0,
}  # fmt: skip
VECTOR_HELP = "2 to 10 numbers separated by commas, e.g. 1, 2"


def vec(v: np.ndarray) -> str:
    return "[" + ", ".join(f"{x:.4g}" for x in v) + "]"


with frame.page("ce_for_regression"):
    frame.presets(
        {
            "Article: G = [1, 2], z = [2, 3]": {"G": "1, 2", "z": "2, 3"},
            "Off by 100, same softmax": {"G": "1, 2, 3", "z": "101, 102, 103"},
            "Sum normalisation: zero sum": {"u": "1, 2", "w": "1, -1"},
            "Learning rate too high": {"lr": 20.0, "epochs": 400},
        }
    )
    takeaways = []

    st.subheader("1 · Normalise both with softmax, then use CE?")
    st.latex(
        r"y = \mathrm{softmax}(G),\ a = \mathrm{softmax}(z):\quad "
        r"\frac{\partial L_{\text{CE}}}{\partial z_k} = a_k - y_k \in [-1, 1] \qquad "
        r"\frac{\partial L_{\text{MSE}}}{\partial z_k} = 2\,(z_k - G_k)"
    )
    c1, c2 = st.columns(2)
    G_text = c1.text_input(
        "Target G", key="G", value=D["G"], bind="query-params", max_chars=120, help=VECTOR_HELP
    )
    z_text = c2.text_input(
        "Prediction z", key="z", value=D["z"], bind="query-params", max_chars=120, help=VECTOR_HELP
    )
    with ua.section():
        G = an.parse_vector(G_text, "G", limit=1e3)
        z = an.parse_vector(z_text, "z", limit=1e3)
        c = ua.comparison(tuple(G), tuple(z))
        m = st.columns(4)
        m[0].metric("CE loss", ua.fmt(c.ce, 4))
        m[1].metric("CE minimum H(y)", ua.fmt(c.entropy, 4))
        m[2].metric("largest |CE gradient|", ua.fmt(float(np.abs(c.ce_grad).max()), 4))
        m[3].metric("MSE loss Σ(z − G)²", ua.fmt(c.mse, 4))
        table = ua.comparison_table(c)
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={col: st.column_config.NumberColumn(format="%.6f")
                           for col in table.columns[1:]},
        )  # fmt: skip
        frame.csv_download(table, "ce_vs_mse_gradients")
        ce_max, mse_max = float(np.abs(c.ce_grad).max()), float(np.abs(c.mse_grad).max())
        if ce_max == 0.0 and not np.array_equal(G, z):
            takeaways.append(
                f"z = {vec(z)} and G = {vec(G)} have the same softmax {vec(c.a)}, so CE sits at "
                f"its minimum H(y) = {c.entropy:.4f} with a gradient of exactly 0 — while MSE = "
                f"{c.mse:.4g} still pulls with 2(z − G) up to {mse_max:.4g} in size."
            )
        else:
            takeaways.append(
                f"For G = {vec(G)} and z = {vec(z)}: the largest CE gradient is {ce_max:.4f} "
                f"(it can never exceed 1), the largest MSE gradient {mse_max:.4g}."
            )

        st.subheader("2 · Bounded versus unbounded gradient")
        span = st.slider(
            "Sweep z_1 over G_1 ± span", min_value=1.0, max_value=50.0, step=1.0, key="span",
            value=D["span"], bind="query-params",
        )  # fmt: skip
        sw = ua.sweep(tuple(G), tuple(z), span)
        marks = {ua.MSE: float(c.mse_grad[0]), ua.CE: float(c.ce_grad[0])}
        st.vega_lite_chart(ua.sweep_chart(sw, float(z[0]), marks), width="stretch")
        frame.csv_download(sw, "gradient_sweep")
        st.caption(
            f"At z_1 = G_1 ± {span:g} MSE's gradient is ±{2 * span:g}; CE's stays between "
            f"{sw[ua.CE].min():.3f} and {sw[ua.CE].max():.3f} and is 0 wherever the softmaxes "
            "agree — which happens on a whole line of z, not only at z = G."
        )

    st.subheader("3 · Divide by the sum instead of softmax?")
    c1, c2 = st.columns(2)
    u_text = c1.text_input("Vector u", key="u", value=D["u"], bind="query-params", max_chars=120)
    w_text = c2.text_input("Vector w", key="w", value=D["w"], bind="query-params", max_chars=120)
    nu, why_u = ua.sum_normalised(u_text, "u")
    nw, why_w = ua.sum_normalised(w_text, "w")
    c1.metric("u / sum(u)", vec(nu) if nu is not None else "—")
    c2.metric("w / sum(w)", vec(nw) if nw is not None else "—")
    for why in (why_u, why_w):
        if why:
            st.warning(why, icon=":material/warning:")
    if nu is not None and nw is not None:
        if nu.shape == nw.shape and np.allclose(nu, nw, rtol=1e-12, atol=0):
            st.info(
                f"u = {u_text} and w = {w_text} are different vectors with the same normalised "
                "form: a loss on the normalised vectors cannot tell them apart."
            )
        else:
            st.caption("These two normalise to different vectors.")

    st.subheader("4 · Experiment: fit a linear model with MSE and with softmax + CE")
    st.caption(
        "A linear model z = W·x + b with two outputs is fitted to G(x) = [1 + 2x, 2 − x] + noise "
        "on 64 points x ∈ [−2, 2], by full-batch gradient descent from W = b = 0, once with MSE on "
        "z and once with CE between softmax(z) and softmax(G). What it shows: CE learns what "
        "softmax can see (the difference z_1 − z_2), never the level of z. What it does not "
        "test: encoding a bounded scalar target as a distribution such as [y, 1 − y], which is "
        "logistic regression with soft labels and a different question."
    )
    c1, c2, c3, c4 = st.columns(4)
    epochs = c1.slider(
        "Epochs",
        min_value=10,
        max_value=3000,
        step=10,
        key="epochs",
        value=D["epochs"],
        bind="query-params",
    )
    lr = c2.number_input(
        "Learning rate", min_value=0.001, max_value=50.0, step=0.1, format="%.3f", key="lr",
        value=D["lr"], bind="query-params",
    )  # fmt: skip
    noise = c3.slider(
        "Noise σ",
        min_value=0.0,
        max_value=2.0,
        step=0.05,
        key="noise",
        value=D["noise"],
        bind="query-params",
    )
    seed = c4.number_input(
        "Seed", min_value=0, max_value=999, step=1, key="seed", value=D["seed"], bind="query-params"
    )
    fit, hist, summary = ua.experiment(
        cr.FitConfig(epochs=int(epochs), lr=float(lr), noise=float(noise), seed=int(seed))
    )
    mse_s, ce_s = summary[ua.MSE], summary[ua.CE]
    m = st.columns(4)
    m[0].metric("MSE fit: RMSE of z", ua.fmt(mse_s["rmse_z"]))
    m[1].metric("CE fit: RMSE of z", ua.fmt(ce_s["rmse_z"]))
    m[2].metric("MSE fit: RMSE of softmax", ua.fmt(mse_s["rmse_softmax"]))
    m[3].metric("CE fit: RMSE of softmax", ua.fmt(ce_s["rmse_softmax"]))
    for label, s in ((ua.MSE, mse_s), (ua.CE, ce_s)):
        if s["diverged_at"] is not None:
            st.warning(
                f"The {label} fit diverged at epoch {s['diverged_at']} (the loss overflowed): "
                f"learning rate {lr:g} is too high for it. Its curve is left out.",
                icon=":material/warning:",
            )
    st.vega_lite_chart(ua.experiment_chart(fit, summary), width="stretch")
    frame.csv_download(fit, "experiment_fit")
    h1, h2 = st.columns(2)
    h1.vega_lite_chart(ua.history_chart(hist, "RMSE of z vs G"), width="stretch")
    h2.vega_lite_chart(ua.history_chart(hist, "RMSE of softmax(z) vs softmax(G)"), width="stretch")
    frame.csv_download(hist, "experiment_history")
    if mse_s["diverged_at"] is None and ce_s["diverged_at"] is None:
        takeaways.append(
            f"In the experiment both fits match softmax(G) (RMSE {ce_s['rmse_softmax']:.3f} with "
            f"CE, {mse_s['rmse_softmax']:.3f} with MSE), but only MSE recovers G: the RMSE of z "
            f"is {mse_s['rmse_z']:.3f} with MSE and {ce_s['rmse_z']:.3f} with CE. CE's gradient "
            f"sums to 0 over the outputs, so the mean output stays where it started "
            f"({ce_s['mean_z']:.3f}) while the targets' mean is {summary['mean_G']['value']:.3f}."
        )
    else:
        bad = [k for k, s in ((ua.MSE, mse_s), (ua.CE, ce_s)) if s["diverged_at"] is not None]
        takeaways.append(
            f"With learning rate {lr:g} the {' and '.join(bad)} fit diverged; "
            "lower it to compare the fits."
        )
    frame.takeaway(" ".join(takeaways))
