"""Loss reference: every registered loss with formula, gradient, properties and framework names."""

import streamlit as st

from ui import controls, formula_box, frame
from views import reference as ref

D = ref.DEFAULTS

with frame.page("loss_reference", defaults=D, presets=ref.PRESETS):
    view = frame.stage()  # presenter mode: the table and its takeaway first
    c1, c2, c3, c4 = view.controls.columns([2, 2, 3, 1])
    query = c1.text_input(
        "Search",
        key="q",
        value=D["q"],
        bind="query-params",
        max_chars=60,
        placeholder="name, framework or paper, e.g. keras huber",
    )
    tasks = c2.multiselect(
        "Task", list(ref.TASKS), key="tasks", default=D["tasks"], bind="query-params"
    )
    props = c3.multiselect(
        "Must be",
        list(ref.PROPERTIES),
        format_func=ref.PROPERTY_TITLES.get,
        key="props",
        default=D["props"],
        bind="query-params",
    )
    expand = controls.toggle(c4, "Expand all", "open", D["open"])

    every = ref.all_losses()
    shown = [loss for loss in every if ref.matches(loss, query, tasks, props)]
    table = ref.summary_table(shown)
    survey = ref.survey_table()
    with view.figure:
        st.subheader(f"{len(shown)} of {len(every)} losses", anchor=False)
        if shown:
            frame.table(
                table,
                width="stretch",
                column_order=ref.PRESENTER_COLUMNS if frame.presenting() else None,
                column_config={
                    ref.PROPERTY_TITLES[p]: st.column_config.CheckboxColumn()
                    for p in ref.PROPERTIES
                },
            )
        else:
            st.warning("No registered loss matches these filters; clear the search or a filter.")
    with view.takeaway:
        frame.takeaway(ref.reference_sentence(shown, len(every), survey))
    if shown:
        with frame.details("Download"):
            frame.csv_download(table, "loss_reference", label="Loss table (CSV)")

    own = formula_box.box(None)  # the student's formula, as a card before the others
    if own is not None:
        formula_box.card(own, badges=ref.badges)
    for loss in shown:
        head = f"**{loss.title}** · short label {loss.short} · `{loss.task}/{loss.name}`"
        with st.expander(head, expanded=expand):
            st.markdown(ref.badges(loss))
            maths, names, code = st.tabs(["Formula & gradient", "Frameworks", "Source"])
            with maths:
                st.latex(loss.formula_latex)
                st.latex(loss.grad_latex)
                if loss.hyperparameters:
                    frame.table(ref.hyper_table(loss), width="stretch")
                else:
                    st.caption("No hyperparameters.")
                st.caption(f"Reads its output: {ref.output_text(loss)}")
                st.caption(f"Reference: {loss.reference or '—'}")
            with names:
                for k, title in ref.FRAMEWORKS.items():
                    st.markdown(f"**{title}:** {loss.equivalents.get(k, '—')}")
                code_text = ref.torch_code(loss)
                if code_text is None:
                    st.caption(
                        "No PyTorch code: Reproduce this view trains this loss with core only."
                    )
                else:
                    st.caption("PyTorch per-sample loss, as Reproduce this view runs it:")
                    st.code(code_text, language="python")
            with code:
                st.code(ref.source(loss.task, loss.name), language="python")

    st.subheader("The survey's loss APIs, as Loss Lab knows them")
    st.caption(f"From {ref.SURVEY}.")
    st.table(survey.set_index(ref.SURVEY_API))  # wraps the long notes, unlike a dataframe
    frame.csv_download(survey, "survey_loss_names", label="Survey (CSV)")
