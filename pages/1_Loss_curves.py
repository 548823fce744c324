"""Loss & gradient curves: what each loss charges for a margin or residual, and its gradient."""

import streamlit as st

from core import curves, losses
from ui import curves as uc
from ui import frame

# No format_func on option widgets: Streamlit 1.67 writes the *formatted* label into the URL,
# so links stay short and stable only with plain option names.
TASKS = ("classification", "regression")
TASKS_HELP = "Classification: against the margin m = z_t − z_other; regression: the residual."
LOSS_KEY = {"classification": "cls", "regression": "reg"}
SLIDER_PX = 230

with frame.page("loss_curves"):
    cls_names, reg_names = uc.curve_names("classification"), uc.curve_names("regression")
    frame.presets(uc.presets())

    # Every widget declares its default (value=/index=/default=): Streamlit 1.67 drops a URL value
    # equal to the widget's *declared* default, so a default set only in session state would
    # make links to the slider minimum or the first option lose their value.
    task = st.radio(
        "Task", list(TASKS), index=0, key="task", bind="query-params", horizontal=True,
        help=TASKS_HELP,
    )  # fmt: skip
    names = st.multiselect(
        "Losses",
        cls_names if task == "classification" else reg_names,
        default=uc.available(uc.DEFAULT_LOSSES[task], task),
        help="Registry names (they are what the link holds); the legends show full titles.",
        key=LOSS_KEY[task],
        bind="query-params",
    )
    # One wrapping row of fixed-width sliders: view settings, then each loss's hyperparameters.
    sliders = st.container(horizontal=True, wrap=True, gap="medium", vertical_alignment="center")
    x_max = sliders.slider(
        "Plot range ±", 1.0, 20.0, 5.0, step=0.5, key="range", bind="query-params", width=SLIDER_PX,
        help="The margin (or residual) axis runs from minus to plus this value.",
    )  # fmt: skip
    at = sliders.slider(
        "Compare at ±", 0.1, 20.0, 3.0, step=0.1, key="at", bind="query-params", width=SLIDER_PX,
        help="The takeaway compares every loss at this margin (or residual) and its negative.",
    )  # fmt: skip
    log_y = sliders.toggle(
        "Log scale", value=False, key="log", bind="query-params",
        help="Symmetric log y axis: logarithmic for large magnitudes, linear near 0.",
    )  # fmt: skip

    # Display order: sliders, curves, "who gets the gradient"; the "who" menu runs first so the
    # sliders cover its losses too (on a first load the URL's value is known only after it ran).
    curves_area, who_area = st.container(), st.container()
    who: list[str] = []
    if task == "classification":
        with who_area:
            st.subheader("Who gets the gradient?")
            st.caption(
                "How hard each loss pushes a sample, against the probability p_t the model gives "
                "its true class (K = 2, logits [0, m]): small p_t = a hard or mislabelled sample, "
                "p_t near 1 = an easy one. Each curve is divided by its value at p_t = 0.5 "
                "(an undecided sample), so 2 means “twice the push of an undecided sample”. "
                f"Linear axes stop at {uc.WEIGHT_Y_MAX:g} (CE's 1/p_t is unbounded); switch on "
                "the log scale to see everything."
            )
            who = st.multiselect(
                "Losses to compare", cls_names, default=uc.available(uc.DEFAULT_WEIGHTS), key="who",
                bind="query-params",
            )  # fmt: skip

    # Hyperparameter sliders for every loss on screen.
    shown = list(dict.fromkeys(names + who))
    hyper = [(n, h) for n in shown for h in losses.get(n, task=task).hyperparameters]
    target = 1.0
    needs_target = task == "regression" and any(curves.depends_on_target(n) for n in names)
    for n, h in hyper:
        key = uc.param_key(n, h.name)
        lo, hi, step = uc.slider_range(h)
        sliders.slider(
            f"{uc.short_title(task, n)}: {h.name.replace('_', ' ')}", lo, hi,
            min(max(h.default, lo), hi), step=step, key=key,
            bind="query-params", help=h.help or None, width=SLIDER_PX,
        )  # fmt: skip
    if needs_target:
        target = sliders.slider(
            "Target y (MSLE, MAPE)", 0.0, 10.0, 1.0, step=0.1, key="y", bind="query-params",
            help="MSLE and MAPE depend on the target itself, not only on the residual.",
            width=SLIDER_PX,
        )  # fmt: skip

    def frozen(selected: list[str]) -> losses.LossParams:
        return tuple(
            (n, tuple((h.name, float(st.session_state.get(uc.param_key(n, h.name), h.default)))
                      for h in losses.get(n, task=task).hyperparameters))
            for n in selected
        )  # fmt: skip

    with curves_area:
        if not names:
            st.warning("Choose at least one loss to draw.", icon=":material/touch_app:")
        else:
            params = frozen(names)
            table = uc.curve_table(task, params, x_max, target)
            value_spec, gradient_spec = uc.curve_specs(task, params, x_max, target, log_y)
            left, right = st.columns(2)
            left.vega_lite_chart(value_spec, width="stretch")
            right.vega_lite_chart(gradient_spec, width="stretch")
            probes = uc.probe_table(task, params, at, target)
            frame.takeaway(uc.curves_takeaway(task, probes, at))
            frame.csv_download(table, f"loss_curves_{task}", label="Download the curves (CSV)")
            with st.expander("Formulas", expanded=True, icon=":material/function:"):
                for name in names:
                    loss = losses.get(name, task=task)
                    # Name beside value and gradient stacked: long gradients keep their width.
                    c_name, c_formulas = st.columns([1, 4], vertical_alignment="center")
                    c_name.markdown(f"**{loss.title}**")
                    c_formulas.latex(loss.formula_latex)
                    c_formulas.latex(loss.grad_latex)

    if who:
        with who_area:
            weights = uc.weight_table(frozen(who))
            p_spec, z_spec = uc.weight_specs(frozen(who), log_y)
            left, right = st.columns(2)
            left.vega_lite_chart(p_spec, width="stretch")
            right.vega_lite_chart(z_spec, width="stretch")
            frame.takeaway(uc.weights_takeaway(weights))
            frame.csv_download(weights, "who_gets_the_gradient", label="Download the weights (CSV)")
    if task == "classification" and (claim := uc.claim_numbers()) is not None:
        with who_area:
            st.markdown(uc.claim_text(claim))
