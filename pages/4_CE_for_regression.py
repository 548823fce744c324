"""CE for regression? Softmax + cross-entropy cannot replace MSE (the article "Can
cross-entropy do regression, can MSE do classification?", its second discussion)."""

import streamlit as st

from ui import charts, controls, frame
from views import ce_regression as cr

D = cr.DEFAULTS
#: The bounded number widgets (URL keys; their defaults are ``cr.DEFAULTS``).
SPAN = controls.NumberSpec("Sweep z_1 over G_1 ± span", 1.0, 50.0, 1.0)
FIT_WIDGETS = {
    "epochs": controls.NumberSpec("Epochs", 10, 3000, 10),
    "lr": controls.NumberSpec("Learning rate", 0.001, 50.0, 0.1, slider=False, format="%.3f"),
    "noise": controls.NumberSpec("Noise σ", 0.0, 2.0, 0.05),
    "seed": controls.NumberSpec("Seed", 0, 999, 1, slider=False),
}

with frame.page("ce_for_regression", defaults=D, presets=cr.PRESETS):
    # One tab per question, the figure at the top of each: a preset opens its tab. An old link
    # without ?part opens on the tab whose values it sets (see cr.opening_part).
    if "_part_default" not in st.session_state:
        st.session_state["_part_default"] = cr.opening_part(st.query_params)
    active = st.session_state.get("part", st.session_state["_part_default"])

    def stage(part: str) -> frame.Stage:
        """A tab's figure, takeaway and controls (:func:`ui.frame.stage`); the open tab's
        figure is the page's key figure (where a preset click scrolls)."""
        name = part.split()[0].lower()
        return frame.stage(frame.KEY_FIGURE if part == active else f"{name}_figure")

    soft_tab, sum_tab, fit_tab = st.tabs(
        list(cr.PARTS), key="part", bind="query-params", default=st.session_state["_part_default"]
    )

    with soft_tab:
        view = stage(cr.PART_SOFTMAX)
        c1, c2, c3 = view.controls.columns([2, 2, 3], vertical_alignment="bottom")
        G_text = controls.vector_input(c1, "Target G", "G", D["G"], help=cr.VECTOR_HELP)
        z_text = controls.vector_input(c2, "Prediction z", "z", D["z"], help=cr.VECTOR_HELP)
        span = controls.number(c3, "span", SPAN, D["span"])
        with cr.section():
            G, z = tuple(cr.parse(G_text, "G")), tuple(cr.parse(z_text, "z"))
            c = cr.comparison(G, z)
            marks = (float(c.mse_grad[0]), float(c.ce_grad[0]))
            charts.show(cr.sweep_chart(G, z, span, marks), container=view.figure)
            sw = cr.sweep(G, z, span)
            with view.takeaway:
                frame.takeaway(cr.softmax_headline(c), [cr.softmax_sentence(c)])
            st.caption(cr.sweep_caption(sw, G[0], span, cr.sweep_span(G[0], z[0], span)))
            st.latex(
                r"y = \mathrm{softmax}(G),\ a = \mathrm{softmax}(z):\quad "
                r"\frac{\partial L_{\text{CE}}}{\partial z_k} = a_k - y_k \in [-1, 1] \qquad "
                r"\frac{\partial L_{\text{MSE}}}{\partial z_k} = 2\,(z_k - G_k)"
            )
            m = st.columns(4)
            m[0].metric("CE loss", cr.fmt(c.ce, 4))
            m[1].metric("CE minimum H(y)", cr.fmt(c.entropy, 4))
            m[2].metric("largest |CE gradient|", cr.fmt(float(abs(c.ce_grad).max()), 4))
            m[3].metric("MSE loss Σ(z − G)²", cr.fmt(c.mse, 4))
            with frame.details():
                table = cr.comparison_table(c)
                frame.number_table(table, "ce_vs_mse_gradients", table.columns[1:], "%.6f")
                frame.csv_download(sw, "gradient_sweep", label="Download the sweep (CSV)")

    with sum_tab:
        # No chart here: the two vectors and their normalised forms are the figure.
        view = stage(cr.PART_SUM)
        c1, c2 = view.figure.columns(2)
        u_text = controls.vector_input(c1, "Vector u", "u", D["u"])
        w_text = controls.vector_input(c2, "Vector w", "w", D["w"])
        nu, why_u = cr.sum_normalised(u_text, "u")
        nw, why_w = cr.sum_normalised(w_text, "w")
        c1.metric("u / sum(u)", cr.vec(nu) if nu is not None else "—")
        c2.metric("w / sum(w)", cr.vec(nw) if nw is not None else "—")
        # A vector that cannot be divided by its sum is the lesson here, not a fault of the
        # page: it is explained in the takeaway's blue box, not raised as a warning.
        with view.takeaway:
            for why in (why_u, why_w):
                if why:
                    frame.takeaway("Dividing by the sum is not always possible.", [f"{why}."])
            with cr.section():
                sentence = cr.sum_sentence(cr.parse(u_text, "u"), cr.parse(w_text, "w"), nu, nw)
                if sentence is not None:
                    frame.takeaway(
                        cr.sum_headline(cr.parse(u_text, "u"), cr.parse(w_text, "w"), nu, nw),
                        [sentence],
                    )

    with fit_tab:
        view = stage(cr.PART_FIT)
        epochs, lr, noise, seed = controls.numbers(view.controls.columns(4), FIT_WIDGETS, D)
        fit, hist, summary = cr.experiment(cr.fit_config(epochs, lr, noise, seed))
        # The key figure: the fitted lines, or (when a fit diverged, which the lines cannot
        # show) the RMSE histories, where the diverging fit climbs until it overflows.
        first, second = view.figure, st.container()
        fits_box, hist_box = (second, first) if cr.any_diverged(summary) else (first, second)
        o1, o2 = fits_box.columns(2)
        h1, h2 = hist_box.columns(2)
        charts.show(cr.history_chart(hist, "RMSE of z vs G"), container=h1)
        charts.show(cr.history_chart(hist, "RMSE of softmax(z) vs softmax(G)"), container=h2)
        charts.show(cr.experiment_chart(fit, summary, 1), container=o1)
        charts.show(cr.experiment_chart(fit, summary, 2), container=o2)
        with view.takeaway:
            frame.takeaway(cr.experiment_headline(summary), [cr.experiment_sentence(summary)])
            # Divergence is what the "learning rate 20" preset shows: said in words, in a caption
            # under the takeaway (a yellow warning would read as a fault of the page).
            for label, f in ((cr.MSE, summary.mse), (cr.CE, summary.ce)):
                if f.diverged_epoch is not None:
                    st.caption(
                        f":material/warning: The {label} fit diverged at epoch "
                        f"{f.diverged_epoch} (the loss overflowed): learning rate {lr:g} is too "
                        "high for it. Its curve is left out of the fit and its history stops "
                        "before the overflow."
                    )
        m = st.columns(4)
        m[0].metric("MSE fit: RMSE of z", cr.metric(summary.mse, "rmse_z"))
        m[1].metric("CE fit: RMSE of z", cr.metric(summary.ce, "rmse_z"))
        m[2].metric("MSE fit: RMSE of softmax", cr.metric(summary.mse, "rmse_softmax"))
        m[3].metric("CE fit: RMSE of softmax", cr.metric(summary.ce, "rmse_softmax"))
        with frame.details():
            frame.csv_download(fit, "experiment_fit", label="Fit (CSV)")
            frame.csv_download(hist, "experiment_history", label="History (CSV)")
        st.caption(
            "A linear model z = W·x + b with two outputs is fitted to G(x) = [1 + 2x, 2 − x] + "
            "noise on 64 points x ∈ [−2, 2], by full-batch gradient descent from W = b = 0, once "
            "with MSE on z and once with CE between softmax(z) and softmax(G). What it shows: CE "
            "learns what softmax can see (the difference z_1 − z_2), never the level of z. What "
            "it does not test: encoding a bounded scalar target as a distribution such as "
            "[y, 1 − y], which is logistic regression with soft labels and a different question. "
            f"“Recovers G” means an RMSE of z within {cr.RECOVER_REL:.0%} of the best linear "
            f"fit's; “matches softmax(G)”, an RMSE of softmax within {cr.MATCH_REL:.0%} of it."
        )
