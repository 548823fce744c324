"""Loss & gradient curves: what each loss charges for a margin or residual, and its gradient."""

import streamlit as st

from ui import charts, controls, formula_box, frame
from views import curves as uc
from views import formula as uf

# Loss pickers show display names while links keep registry names (controls.url_multiselect);
# the task radio has plain option names (Streamlit 1.67 writes a format_func label into the URL).
TASKS = ("classification", "regression")
TASKS_HELP = "Classification: against the margin m = z_t − z_other; regression: the residual."
SLIDER_PX = 230
RANGE_HELP = "The margin (or residual) axis runs from minus to plus this value."
AT_HELP = "The takeaway compares every loss at this margin (or residual) and its negative."
TARGET_HELP = "MSLE and MAPE depend on the target itself, not only on the residual."
#: The view's sliders and their defaults (URL keys ``range``, ``at`` and ``y``).
VIEW_WIDGETS = {
    "range": controls.NumberSpec("Plot range ±", 1.0, 20.0, 0.5, help=RANGE_HELP),
    "at": controls.NumberSpec("Compare at ±", 0.1, 20.0, 0.1, help=AT_HELP),
}
TARGET = controls.NumberSpec("Target y (MSLE, MAPE)", 0.0, 10.0, 0.1, help=TARGET_HELP)
D = uc.DEFAULTS
LOG_HELP = "Symmetric log y axis: logarithmic for large magnitudes, linear near 0."


def _new_task() -> None:
    # the other task has other losses: its picker starts from that task's defaults
    st.session_state["losses"] = uc.default_losses(st.session_state["task"])


with frame.page(
    "loss_curves", defaults=D, presets=uc.PRESETS | uf.curve_presets(), old_links=uc.old_links
):
    # Every widget declares its default (value=/index=/default=): Streamlit 1.67 drops a URL value
    # equal to the widget's *declared* default, so a default set only in session state would
    # make links to the slider minimum or the first option lose their value.
    view = frame.stage()  # presenter mode: the curves and their takeaway first
    c_task, c_losses, c_own = view.controls.columns([1, 3, 2], vertical_alignment="bottom")
    task = controls.radio(c_task, "Task", TASKS, "task", help=TASKS_HELP, on_change=_new_task)
    # Display names in the picker, registry names in the link (controls.url_multiselect).
    names = controls.url_multiselect(
        "Losses",
        uc.curve_names(task),
        default=uc.default_losses(task),
        format_func=lambda n: uc.title(task, n),
        key="losses",
        container=c_losses,
    )
    yours = formula_box.field(task, container=c_own)  # before the figure: a link's refusal
    # Figure first: the curves come right under the loss picker, then their takeaway; the
    # view settings and each loss's hyperparameters sit in one wrapping row of fixed-width
    # sliders below them.
    sliders = st.container(horizontal=True, wrap=True, gap="medium", vertical_alignment="center")
    x_max, at = controls.numbers(sliders, VIEW_WIDGETS, D, width=SLIDER_PX)
    own_area = st.container()  # the student's formula: LaTeX, gradient, numerics
    log_y = controls.toggle(sliders, "Log scale", "log", D["log"], help=LOG_HELP)
    own = formula_box.sliders(yours, sliders, width=SLIDER_PX)

    # Display order: curves, sliders, "who gets the gradient"; the "who" menu runs first so the
    # sliders cover its losses too (on a first load the URL's value is known only after it ran).
    drawn = bool(names) or own is not None
    downloads = frame.details() if drawn else None
    who_area = st.container()
    who: list[str] = []
    if task == "classification":
        with who_area:
            st.subheader("Who gets the gradient?")
            st.caption(
                "How hard each loss pushes a sample, against the probability p_t the model gives "
                "its true class (K = 2, logits [0, m]): small p_t = a hard or mislabelled sample, "
                "p_t near 1 = an easy one. Each curve is divided by its value at p_t = 0.5 "
                "(an undecided sample; by its maximum where that value is 0), so 2 means "
                "“twice the push of an undecided sample”. "
                f"Linear axes stop at {uc.WEIGHT_Y_MAX:g} (CE's 1/p_t is unbounded); switch on "
                "the log scale to see everything."
            )
            who = controls.url_multiselect(
                "Losses to compare",
                uc.curve_names("classification"),
                default=D["who"],
                format_func=lambda n: uc.title("classification", n),
                key="who",
            )

    # Hyperparameter sliders for every loss on screen.
    for n in dict.fromkeys(names + who):
        for h in uc.hyperparameters(task, n):
            label = f"{uc.short_title(task, n)}: {h.name.replace('_', ' ')}"
            spec = controls.NumberSpec(label, *uc.slider_range(h), help=h.help or None)
            key = uc.param_key(n, h.name)
            controls.number(sliders, key, spec, D[key], width=SLIDER_PX)
    target = D["y"]
    if uc.needs_target(task, [*names, *([own.name] if own else [])]):
        target = controls.number(sliders, "y", TARGET, D["y"], width=SLIDER_PX)

    if not drawn:
        view.figure.warning("Choose at least one loss to draw.", icon=":material/touch_app:")
    else:
        params = uc.frozen(task, names, st.session_state) + (own.all_params if own else ())
        left, right = view.figure.columns(2)
        charts.show(uc.value_chart(task, params, x_max, target, log_y), container=left)
        charts.show(uc.gradient_chart(task, params, x_max, target, log_y), container=right)
        probes = uc.probe_table(task, params, at, target)
        with view.takeaway:
            frame.takeaway(
                uc.curves_headline(task, probes, at), [uc.curves_takeaway(task, probes, at)]
            )
        with downloads:
            table = uc.curve_table(task, params, x_max, target)
            frame.csv_download(table, f"loss_curves_{task}", label="Download the curves (CSV)")
    if own is not None:
        formula_box.details(own, container=own_area)
    if names:
        with st.expander("Formulas", expanded=True, icon=":material/function:"):
            for name in names:
                title, value_tex, grad_tex = uc.formulas(task, name)
                # Name beside value and gradient stacked: long gradients keep their width.
                c_name, c_formulas = st.columns([1, 4], vertical_alignment="center")
                c_name.markdown(f"**{title}**")
                c_formulas.latex(value_tex)
                c_formulas.latex(grad_tex)

    if who:
        with who_area:
            frozen_who = uc.frozen(task, who, st.session_state)
            weights = uc.weight_table(frozen_who)
            left, right = st.columns(2)
            charts.show(uc.weight_p_chart(frozen_who, log_y), container=left)
            charts.show(uc.weight_z_chart(frozen_who, log_y), container=right)
            frame.takeaway(uc.weights_headline(weights), [uc.weights_takeaway(weights)])
            frame.csv_download(weights, "who_gets_the_gradient", label="Download the weights (CSV)")
    if task == "classification" and (claim := uc.claim_numbers()) is not None:
        with who_area:
            st.markdown(uc.claim_text(claim))
