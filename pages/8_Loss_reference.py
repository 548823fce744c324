"""Loss reference: every registered loss with formula, gradient, properties and framework names."""

import streamlit as st

from core import losses
from ui import frame
from ui import reference as ref

# Widget defaults, declared on the widgets: Streamlit drops a URL value equal to the widget's
# own default, so the two must agree (presets still set any key via st.session_state).
D = {"q": "", "tasks": list(losses.TASKS), "props": [], "open": False}

with frame.page("loss_reference"):
    frame.presets(
        {
            "Robust regression losses": {"q": "", "tasks": ["regression"], "props": ["robust"]},
            "Calibrated classification": {
                "q": "", "tasks": ["classification"], "props": ["calibrated"],
            },
            "Huber vs SmoothL1": {"q": "huber", "tasks": ["regression"], "props": []},
            "Every loss": {"q": "", "tasks": list(losses.TASKS), "props": []},
        }
    )  # fmt: skip
    c1, c2, c3, c4 = st.columns([2, 2, 3, 1])
    query = c1.text_input(
        "Search", key="q", value=D["q"], bind="query-params", max_chars=60,
        placeholder="name, framework or paper, e.g. keras huber",
    )  # fmt: skip
    tasks = c2.multiselect(
        "Task", list(losses.TASKS), key="tasks", default=D["tasks"], bind="query-params"
    )
    props = c3.multiselect(
        "Must be", list(losses.PROPERTIES), format_func=ref.PROPERTY_TITLES.get, key="props",
        default=D["props"], bind="query-params",
    )  # fmt: skip
    expand = c4.toggle("Expand all", key="open", value=D["open"], bind="query-params")

    every = losses.all_losses()
    shown = [loss for loss in every if ref.matches(loss, query, tasks, props)]
    table = ref.summary_table(shown)
    st.subheader(f"{len(shown)} of {len(every)} losses")
    if shown:
        st.dataframe(
            table, hide_index=True, width="stretch",
            column_config={ref.PROPERTY_TITLES[p]: st.column_config.CheckboxColumn()
                           for p in losses.PROPERTIES},
        )  # fmt: skip
        frame.csv_download(table, "loss_reference")
    else:
        st.warning("No registered loss matches these filters; clear the search or a filter.")

    for loss in shown:
        tags = " ".join(
            f":green-badge[{ref.PROPERTY_TITLES[p]}]" if loss.properties[p]
            else f":gray-badge[not {ref.PROPERTY_TITLES[p]}]"
            for p in losses.PROPERTIES
        )  # fmt: skip
        with st.expander(f"**{loss.title}** · `{loss.task}/{loss.name}`", expanded=expand):
            st.markdown(tags)
            maths, names, code = st.tabs(["Formula & gradient", "Frameworks", "Source"])
            with maths:
                st.latex(loss.formula_latex)
                st.latex(loss.grad_latex)
                if loss.hyperparameters:
                    st.dataframe(ref.hyper_table(loss), hide_index=True, width="stretch")
                else:
                    st.caption("No hyperparameters.")
                st.caption(f"Reference: {loss.reference or '—'}")
            with names:
                for k, title in ref.FRAMEWORKS.items():
                    st.markdown(f"**{title}:** {loss.equivalents.get(k, '—')}")
            with code:
                st.code(ref.source(loss.task, loss.name), language="python")

    st.subheader("Article 004's losses, as Loss Lab knows them")
    article = ref.article_table()
    st.table(article.set_index("article 004 API"))  # wraps the long notes, unlike a dataframe
    frame.csv_download(article, "article_004_names")

    convex_robust = [f"{x.title} ({x.task})" for x in shown
                     if x.properties["convex"] and x.properties["robust"]]  # fmt: skip
    counts = {ref.PROPERTY_TITLES[p]: int(table[ref.PROPERTY_TITLES[p]].sum()) if shown else 0
              for p in losses.PROPERTIES}  # fmt: skip
    frame.takeaway(
        f"{len(shown)} of {len(every)} registered losses match: "
        + ", ".join(f"{n} {p}" for p, n in counts.items())
        + ". Convex and robust at once: "
        + (", ".join(convex_robust) if convex_robust else "none")
        + f". All {len(ref.ARTICLE_004)} losses named in article 004 map onto "
        f"{article['Loss Lab'].nunique()} registered ones."
    )
