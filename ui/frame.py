"""The page frame every screen shares: config, grouped sidebar navigation, URL notices, errors.

Usage in a page (pages stay thin)::

    with frame.page("decision_boundaries"):
        ...widgets, cached core calls, charts...
        frame.takeaway(f"MSE reached 95% test accuracy {r:.1f}x later than CE")

The page's title, icon and the question it answers come from ``PAGES``, the one list of
screens; the sidebar is drawn from it too.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import jobs, state, warmup

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Screen:
    """One screen: its file, menu label, material icon and the question it answers."""

    key: str
    path: str
    label: str
    icon: str
    question: str


# fmt: off
PAGES: dict[str, list[Screen]] = {
    "Start": [
        Screen("home", "streamlit_app.py", "Home", ":material/home:",
               "What changes when only the loss changes?"),
    ],
    "Losses up close": [
        Screen("loss_curves", "pages/1_Loss_curves.py", "Loss & gradient curves",
               ":material/show_chart:",
               "What does each loss charge for a margin or residual, and what gradient does it "
               "give back?"),
        Screen("gradient_anatomy", "pages/2_Gradient_anatomy.py", "Gradient anatomy",
               ":material/biotech:",
               "Why does MSE learn slowly through a sigmoid or softmax?"),
        Screen("loss_landscape", "pages/3_Loss_landscape.py", "Loss landscape",
               ":material/landscape:",
               "Is the problem convex, and where does gradient descent get stuck?"),
        Screen("ce_for_regression", "pages/4_CE_for_regression.py", "CE for regression?",
               ":material/help:",
               "Why can't softmax + cross-entropy replace MSE for regression?"),
    ],
    "Train and compare": [
        Screen("decision_boundaries", "pages/5_Decision_boundaries.py", "Decision boundaries",
               ":material/scatter_plot:",
               "What boundary does each loss draw on the same data, model and start?"),
        Screen("training_curves", "pages/6_Training_curves.py", "Training curves",
               ":material/trending_down:",
               "Which loss learns fastest, on train and test, over several seeds?"),
        Screen("outlier_robustness", "pages/7_Outlier_robustness.py", "Outlier robustness",
               ":material/shield:",
               "What do outliers and flipped labels do to each loss?"),
    ],
    "Reference": [
        Screen("loss_reference", "pages/8_Loss_reference.py", "Loss reference",
               ":material/menu_book:",
               "Every loss: formula, gradient, properties and its names in PyTorch, Keras and "
               "scikit-learn."),
    ],
}
# fmt: on

SCREENS: dict[str, Screen] = {s.key: s for group in PAGES.values() for s in group}

ABOUT = (
    "Loss Lab shows how cross-entropy, squared, absolute and hinge losses (and their "
    "relatives) behave: every number on screen is computed live by the `core` library."
)


def sidebar() -> None:
    """Grouped navigation with ``st.page_link`` (Streamlit's own list is hidden by config).

    Groups without an existing page are left out. When a page runs as the app's entry point
    itself (``AppTest.from_file("pages/...")``), Streamlit knows no other pages and
    ``st.page_link`` would raise, so the links are replaced by a note.
    """
    with st.sidebar:
        if _entry_point_is_home():
            for group, screens in PAGES.items():
                existing = [s for s in screens if (ROOT / s.path).exists()]
                if existing:
                    st.caption(group.upper())
                for s in existing:
                    st.page_link(s.path, label=s.label, icon=s.icon)
        else:
            st.caption("Navigation appears when the app is started with streamlit_app.py.")
        st.divider()
        st.caption(ABOUT)


def _entry_point_is_home() -> bool:
    ctx = get_script_run_ctx()
    return ctx is None or Path(ctx.main_script_path).name == SCREENS["home"].path


@contextlib.contextmanager
def page(key: str, *, wide: bool = True) -> Iterator[None]:
    """Frame a screen: config, sidebar, title and question, URL notices, friendly errors.

    A ``ValueError`` raised by ``core`` inside the block (bad input reaches the library only
    from the URL or an extreme widget combination) is shown as ``st.error``; the widgets and
    everything drawn before it stay on the page.
    """
    screen = SCREENS[key]
    st.set_page_config(
        page_title=f"{screen.label} · Loss Lab",
        page_icon=screen.icon,
        layout="wide" if wide else "centered",
    )
    sidebar()
    st.title(screen.label)
    st.markdown(f"**{screen.question}**")
    notices = st.empty()
    before = _query_params()
    warmup.start()  # once per process: every default view and preset, in the background
    try:
        with jobs.view(key):  # the page waits its turn here, with its place in line shown
            yield
    except ValueError as err:
        st.error(f"Loss Lab could not compute this view: {err}", icon=":material/error:")
    finally:
        refusals = state.refused(before, _query_params(), dict(st.session_state))
        if refusals:
            notices.warning(state.describe(refusals), icon=":material/link_off:")


def _query_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def takeaway(text: str) -> None:
    """The computed "what you are seeing" sentence that ends a page."""
    st.info(text, icon=":material/lightbulb:")


def csv_download(df: pd.DataFrame, name: str, *, label: str = "Download CSV") -> None:
    """A download button for the numbers behind a chart or table."""
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    st.download_button(
        label, buf.getvalue(), file_name=f"{name}.csv", mime="text/csv",
        icon=":material/download:", key=f"csv_{name}",
    )  # fmt: skip


def presets(
    options: Mapping[str, Mapping[str, Any]],
    *,
    key: str = "preset",
    apply: Callable[[Mapping[str, Any]], None] | None = None,
) -> None:
    """One-click presets: each button writes its widget values into ``st.session_state``.

    Must be drawn before the widgets it sets (Streamlit forbids changing a widget's state after
    the widget ran). ``options`` maps a button label to ``{widget key: value}``.
    """

    def _set(values: Mapping[str, Any]) -> None:
        for k, v in values.items():
            st.session_state[k] = v
        if apply is not None:
            apply(values)

    st.caption("Lecture presets")
    # A wrapping row of buttons sized to their labels: long lecture titles stay readable.
    row = st.container(horizontal=True, wrap=True, gap="small")
    for i, (label, values) in enumerate(options.items()):
        row.button(label, key=f"{key}_{i}", on_click=_set, args=(values,), width="content")
