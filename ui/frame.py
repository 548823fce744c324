"""The page frame every screen shares: config, header, navigation, presets, presenter mode,
URL notices and errors.

Usage in a page (pages stay thin)::

    with frame.page("decision_boundaries"):
        frame.presets(PRESETS)              # a compact "Lecture presets" menu in the header
        ...widgets (in the sidebar or frame.controls_panel()), cached core calls...
        with frame.key_figure():            # optional: what a preset click brings into view
            charts.show(spec)
        frame.takeaway("CE reaches 90% before MSE in 10 of 10 seeds", details)  # ≤ 25 words

The page's title, icon and the question it answers come from :data:`ui.screens.PAGES`, the
one list of screens; the sidebar is drawn from it too.

Mechanisms every page gets from :func:`page`:

- **Compact header.** Title and question on top with little blank space; the presets menu
  sits at the right of the question, so it never pushes the figure down.
- **Presets that land** (:func:`presets`): a click sets the preset's values, resets every
  other URL-bound control of the page to its declared default, and brings the key figure
  into view (``.st-key-key_figure`` if the page marks one, else the first chart).
- **Presenter mode** (``?present=1``, a toggle in the sidebar): sidebar collapsed, controls
  panels folded, chart text at least 18 px (:mod:`ui.charts`), the takeaway large; every
  page link made with :func:`link` or the sidebar keeps it.
- **Link notices**: a value from a hand-edited link that a widget refused is named in a
  warning (:mod:`ui.state`); values set by a click or a preset never are. A value no widget
  can read (``?epochs=inf``) is taken out of the link before any widget runs, and named the
  same way; a link Streamlit drops whole (too many fields) is said to be, by the browser.
- **Nothing raw**: ``ValueError`` from ``core`` is shown as its message (escaped: it may quote
  the link, :mod:`ui.untrusted`); any other exception is logged server-side and shown as a
  friendly sentence, never a traceback or a path.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from serve import jobs, warmup
from ui import lecture, screens, state, untrusted, wording

ABOUT = (
    "Loss Lab shows how cross-entropy, squared, absolute and hinge losses (and their "
    "relatives) behave: every number on screen is computed live by the `core` library."
)

#: The sentence shown for an exception nothing anticipated (tests look for it, too).
UNEXPECTED = "Loss Lab hit an unexpected problem while drawing this view"
#: Where unexpected exceptions go, with their traceback: the server log, never the page.
LOG = logging.getLogger("loss_lab")

#: Session keys of the frame itself (never URL-bound).
_PRESENT_TOGGLE = "_frame_present"
_SCROLL = "_frame_scroll"
_TAKEAWAYS = "_frame_takeaways"
#: The container of the link check's script (hidden by :data:`_CSS`).
_LINK_CHECK = "ll_link_check"
#: Link values taken out before the widgets ran (:func:`_drop_unreadable`), to be named.
_DROPPED = "_frame_dropped"
#: The header slot :func:`presets` draws into (set by :func:`page` for the current run).
_SLOT = "_frame_slot"
#: The container key a page gives its key figure (CSS class ``st-key-key_figure``).
KEY_FIGURE = "key_figure"
#: A preset's entry naming the container (key ending in ``_figure``) of the figure it changes,
#: when that is not the key figure: the click brings that figure into view instead.
FIGURE = "_figure"


# --------------------------------------------------------------------------- presenter mode


def presenting() -> bool:
    """Whether the page is in presenter mode (``?present=1`` in the URL)."""
    return state.presenting(st.query_params.get_all(state.PRESENT))


def _toggle_present() -> None:
    # The URL is the one source of truth: a copied link lands in the same mode.
    if st.session_state.get(_PRESENT_TOGGLE):
        st.query_params[state.PRESENT] = "1"
    else:
        st.query_params.pop(state.PRESENT, None)


def carried(query_params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``query_params`` plus ``present=1`` in presenter mode: what a page link should carry."""
    out = dict(query_params or {})
    if presenting():
        out[state.PRESENT] = "1"
    return out


def link(
    path: str,
    *,
    label: str,
    icon: str | None = None,
    query_params: Mapping | None = None,
    container: Any = None,
    **kwargs: Any,
) -> None:
    """``st.page_link`` that keeps presenter mode (and any ``query_params``) across pages."""
    box = container if container is not None else st
    params = carried(query_params) or None
    box.page_link(path, label=label, icon=icon, query_params=params, **kwargs)


# --------------------------------------------------------------------------- sidebar


def sidebar() -> None:
    """Grouped navigation with ``st.page_link`` (Streamlit's own list is hidden by config).

    Groups without an existing page are left out. When a page runs as the app's entry point
    itself (``AppTest.from_file("pages/...")``), Streamlit knows no other pages and
    ``st.page_link`` would raise, so the links are replaced by a note. The presenter-mode
    toggle sits on top; every link carries the mode.
    """
    with st.sidebar:
        st.session_state[_PRESENT_TOGGLE] = presenting()
        st.toggle(
            "Presenter mode",
            key=_PRESENT_TOGGLE,
            on_change=_toggle_present,
            help="For a projector: sidebar folded, figures full width, large chart text. "
            "Kept in the link (?present=1) and across pages.",
        )
        if _entry_point_is_home():
            for group, members in screens.PAGES.items():
                existing = [s for s in members if (screens.ROOT / s.path).exists()]
                if existing:
                    st.caption(group.upper())
                for s in existing:
                    link(s.path, label=s.label, icon=s.icon)
        else:
            st.caption("Navigation appears when the app is started with streamlit_app.py.")
        st.divider()
        st.caption(ABOUT)


def _entry_point_is_home() -> bool:
    ctx = get_script_run_ctx()
    return ctx is None or Path(ctx.main_script_path).name == screens.SCREENS["home"].path


# --------------------------------------------------------------------------- styling

#: Less blank space above the title, a compact header; bigger takeaway in presenter mode.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.75rem; padding-bottom: 3rem;}
[data-testid="stMainBlockContainer"] h1 {padding: 0 0 0.25rem 0; font-size: 2.1rem;}
[data-testid="stVegaLiteChart"], [class*="_figure"] {scroll-margin-top: 3.5rem;}
div:has(> .st-key-ll_link_check) {display: none;}
</style>
"""
_CSS_PRESENT = """
<style>
[data-testid="stMainBlockContainer"] {padding-left: 2rem; padding-right: 2rem;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.6rem;}
.st-key-header p {font-size: 1.3rem;}
[class*="st-key-takeaway_"] [data-testid="stAlertContainer"] p {
  font-size: 1.6rem; line-height: 1.35;
}
</style>
"""


# --------------------------------------------------------------------------- the page

APP = "Loss Lab"


def page_title(screen: screens.Screen) -> str:
    """The browser tab's title: ``Decision boundaries · Loss Lab``; the home page: ``Loss Lab``."""
    return APP if screen.label == APP else f"{screen.label} · {APP}"


@contextlib.contextmanager
def page(key: str, *, wide: bool = True) -> Iterator[None]:
    """Frame a screen: config, sidebar, compact header, URL notices, friendly errors.

    A ``ValueError`` raised by ``core`` inside the block (bad input reaches the library only
    from the URL or an extreme widget combination) is shown as ``st.error`` with its message;
    any other exception is logged with its traceback on the server and shown as
    :data:`UNEXPECTED`. The widgets and everything drawn before it stay on the page.
    """
    screen = screens.SCREENS[key]
    present = presenting()
    st.set_page_config(
        page_title=page_title(screen),
        page_icon=screen.icon,
        layout="wide" if wide else "centered",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    # Keys the session held before this run took their values from a click or a preset, not
    # from the link: only the others can have been refused (see ui.state.refused).
    settled = set(st.session_state.keys())
    _drop_unreadable()  # before any widget reads the link
    st.session_state[_TAKEAWAYS] = 0
    st.html(_CSS + (_CSS_PRESENT if present else ""))
    st.title(screen.label, anchor=False)
    header = st.container(horizontal=True, vertical_alignment="center", key="header")
    header.markdown(f"**{screen.question}**", width="stretch")
    st.session_state[_SLOT] = header.container(width="content")
    notices = st.empty()
    trail = lecture.bar(screens.page_name(screen.path), header, control_defaults)
    with st.container(key=_LINK_CHECK):  # hidden: the script takes no room on the page
        st.html(_link_check_js(), unsafe_allow_javascript=True)
    before = _query_params()
    warmup.start(lecture.warm_up_urls)  # once per process: every default view, preset, stop
    try:
        # the page waits its turn here, with its place in line shown and, after a few
        # seconds, the navigation (a student in line can go elsewhere)
        with jobs.view(key, waiting=sidebar) as drawn:
            if not drawn:
                # drawn in the page's turn: sixty sessions drawing its 18 links at once would
                # share the GIL and all be late
                sidebar()
            yield
    except ValueError as err:
        st.error(
            f"Loss Lab could not compute this view: {untrusted.markdown(err, limit=400)}",
            icon=":material/error:",
        )
    except Exception:
        ref = uuid.uuid4().hex[:8]
        LOG.exception("unexpected error on page %s (ref %s)", key, ref)
        st.error(
            f"{UNEXPECTED}. Try other settings or a preset; if it persists, report reference "
            f"`{ref}`.",
            icon=":material/error:",
        )
    finally:
        st.session_state.pop(_SLOT, None)
        values = dict(st.session_state)
        dropped = st.session_state.pop(_DROPPED, {})
        refusals = {k: (raw, values[k]) for k, raw in dropped.items() if k in values}
        refusals |= state.refused(before, _query_params(), values, settled)
        # The frame's own session keys (``_frame_*``) never come from a link.
        refusals = {k: v for k, v in refusals.items() if not k.startswith("_")}
        if refusals:
            notices.warning(state.describe(refusals), icon=":material/link_off:")
        _scroll_to_key_figure()
        trail.finish()


def _query_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _drop_unreadable() -> None:
    """Take the link's values no widget can read (:func:`ui.state.unreadable`) out of the URL
    and run the page again: a widget reads the link as the run started, so only a new run
    sees it without them. The frame names them after that run (:data:`_DROPPED`)."""
    bad = state.unreadable(_query_params())
    if not bad:
        return
    for key in bad:
        # a key bound by an earlier run reads the session's value, never the link's
        with contextlib.suppress(Exception):
            del st.query_params[key]
    st.session_state[_DROPPED] = {**st.session_state.get(_DROPPED, {}), **bad}
    st.rerun()


#: Streamlit's browser side drops a link with too many fields (or characters) before the server
#: sees it, so only the browser can tell: this script says so in a banner (text only, the
#: count is a number) when the page's own link is over :data:`ui.state.MAX_FIELDS` or
#: :data:`ui.state.MAX_LENGTH` (:func:`_link_check_js`).
_LINK_CHECK_TEMPLATE = """
<script>
(function () {
  const q = window.location.search.replace(/^\\?/, "");
  const fields = q ? q.split("&").length : 0;
  if ((fields <= %(fields)d && q.length <= %(length)d) || document.getElementById("ll-link")) {
    return;
  }
  const box = document.createElement("div");
  box.id = "ll-link";
  box.setAttribute("role", "alert");
  box.style.cssText = "position:fixed;top:3.75rem;left:50%%;transform:translateX(-50%%);" +
    "z-index:1000;max-width:46rem;padding:0.75rem 2.5rem 0.75rem 1rem;border-radius:0.5rem;" +
    "background:#fffce7;color:#926c05;font:1rem/1.4 sans-serif;box-shadow:0 2px 8px #0003";
  box.textContent = %(text)s.replace("{n}", fields.toLocaleString("en-US"));
  const close = document.createElement("button");
  close.textContent = "\u00d7";
  close.setAttribute("aria-label", "Close");
  close.style.cssText = "position:absolute;top:0.4rem;right:0.6rem;border:0;background:none;" +
    "color:inherit;font-size:1.2rem;cursor:pointer";
  close.onclick = () => box.remove();
  box.appendChild(close);
  document.body.appendChild(box);
})();
</script>
"""


def _link_check_js() -> str:
    """:data:`_LINK_CHECK_TEMPLATE` with the limits and the notice of :mod:`ui.state`."""
    return _LINK_CHECK_TEMPLATE % {
        "fields": state.MAX_FIELDS,
        "length": state.MAX_LENGTH,
        "text": json.dumps(state.OVERFLOW_NOTICE),
    }


def controls_panel(label: str = "Controls", *, expanded: bool = True) -> Any:
    """A collapsible panel for controls drawn in the main column; folded in presenter mode."""
    return st.expander(label, expanded=expanded and not presenting(), icon=":material/tune:")


def key_figure() -> Any:
    """A container marking the page's key figure: what a preset click brings into view.

    Without it the first chart of the page is the key figure.
    """
    return st.container(key=KEY_FIGURE)


def notice(text: str) -> None:
    """A result the room should notice (a run diverged), drawn as information, not a warning.

    Warnings are for something wrong with the page or the link; a diverging run is a result
    (a lecture preset may show it on purpose) and reads as part of the lesson.
    """
    st.info(text, icon=":material/warning:")


def takeaway(headline: str | wording.Takeaway, details: Sequence[str] = ()) -> None:
    """The computed "what you are seeing" box: one headline sentence, the answer to the
    page's question (large in presenter mode), and ``details`` folded under it.

    ``headline`` may be a :class:`ui.wording.Takeaway` (its headline and details).
    """
    if isinstance(headline, wording.Takeaway):
        headline, details = headline.headline, (*headline.details, *details)
    n = st.session_state.get(_TAKEAWAYS, 0) + 1
    st.session_state[_TAKEAWAYS] = n
    with st.container(key=f"takeaway_{n}"):  # keys are unique per run; CSS matches the prefix
        st.info(headline, icon=":material/lightbulb:")
        if details:
            with st.expander("Details and numbers", icon=":material/subject:"):
                for line in details:
                    st.markdown(line)


def csv_download(
    df: pd.DataFrame | Callable[[], pd.DataFrame], name: str, *, label: str = "Download CSV"
) -> None:
    """A download button for the numbers behind a chart or table.

    The CSV is written when the button is clicked, not on every run (writing a comparison
    view's CSVs is a large share of the view's time), and the click does not rerun the page.
    ``df`` may be a function that makes the table: then the table, too, is made only on a
    click (a boundary view's grid table has a row per cell of every loss's map). Text cells a
    spreadsheet would evaluate as a formula are neutralised (:func:`ui.untrusted.csv_text`:
    class labels and names may come from an uploaded file).
    """
    st.download_button(
        label,
        data=lambda: untrusted.csv_text(df() if callable(df) else df),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"csv_{name}",
    )


def csv_downloads(*tables: tuple[pd.DataFrame | Callable[[], pd.DataFrame], str, str]) -> None:
    """Download buttons side by side, one per ``(df, name, label)`` (see :func:`csv_download`)."""
    for column, (df, name, label) in zip(st.columns(len(tables)), tables, strict=True):
        with column:
            csv_download(df, name, label=label)


# --------------------------------------------------------------------------- tables


#: What a missing value reads as in a table.
DASH = "—"


def number_table(
    df: pd.DataFrame, name: str, columns: Collection[str], fmt: str, *, label: str = "Table (CSV)"
) -> None:
    """``df`` full width (:func:`table`), its ``columns`` shown with the printf format ``fmt``
    (e.g. ``%.4f``), and its CSV download (:func:`csv_download` as ``name``, ``label``)."""
    formats = {c: st.column_config.NumberColumn(format=fmt) for c in columns}
    table(df, width="stretch", column_config=formats)
    csv_download(df, name, label=label)


def table(data: Any, *, container: Any = None, **kwargs: Any) -> None:
    """``st.dataframe`` of ``data`` (a frame or a pandas ``Styler``) without its index, each
    missing value drawn as :data:`DASH`.

    Streamlit's grid draws a missing cell as "None" whatever a ``Styler``'s ``na_rep`` says
    (it draws the values, and a missing one has no text); its ``placeholder`` is what it
    draws instead. A missing value that means "did not happen" is written out as "never"
    by the table's builder (e.g. :func:`views.training.styled_summary`)."""
    box = container if container is not None else st
    box.dataframe(data, hide_index=True, placeholder=DASH, **kwargs)


# --------------------------------------------------------------------------- presets


def control_defaults() -> dict[str, Any]:
    """``{key: declared default}`` of every URL-bound widget the current page drew.

    Each widget declares its default (``value=``, ``index=``, ``default=``); Streamlit keeps
    it in the widget's metadata (``deserializer(None)`` is the value the widget has with no
    state and no URL value). Reading it there means a page declares its controls once, on
    the widgets, and a preset can reset everything it does not name. Widgets whose URL
    parameter the app manages itself (pickers that show display names) are included via
    :data:`ui.state.MANAGED`. Streamlit is pinned; ``tests/app/test_frame.py`` breaks if
    this internal API moves.
    """
    from streamlit.runtime.state import get_session_state

    inner = getattr(get_session_state(), "_state", None)
    mapper = getattr(inner, "_key_id_mapper", None)
    if inner is None or mapper is None:
        return {}
    out: dict[str, Any] = {}
    for wid, key in dict(mapper.id_key_mapping).items():
        meta = inner.get_widget_metadata(wid)
        if meta is None or key.startswith("_"):
            continue
        if meta.bind == "query-params" or key in state.MANAGED:
            out[key] = meta.deserializer(None)
    return out


def presets(
    options: Mapping[str, Mapping[str, Any]],
    *,
    key: str = "preset",
    apply: Callable[[Mapping[str, Any]], None] | None = None,
) -> None:
    """One-click lecture presets in a compact menu at the top right of the page.

    A click sets the preset's values, resets every other URL-bound control of the page to its
    declared default (:func:`control_defaults`), closes the menu (in the browser, with the
    scroll script: the menu opens without a rerun) and brings the key figure into view.
    ``options`` maps a button label (the claim the figure shows) to ``{widget key:
    value}``; ``apply(values)`` runs after the values are set. Must be called before the
    widgets it sets (Streamlit forbids changing a widget's state after the widget ran).
    """
    menu = f"{key}_menu"

    def _set(preset: Mapping[str, Any]) -> None:
        values = {k: v for k, v in preset.items() if k != FIGURE}
        for k, v in control_defaults().items():
            if k not in values:
                st.session_state[k] = v
        for k, v in values.items():
            st.session_state[k] = v
        st.session_state[_SCROLL] = preset.get(FIGURE, KEY_FIGURE)
        if apply is not None:
            apply(values)

    slot = st.session_state.get(_SLOT) or st.container()
    # the explanation sits in the menu, not in a tooltip: after a click the focus returns to
    # the menu's button, and its tooltip then stayed on the projected page
    with slot.popover("Lecture presets", icon=":material/co_present:", key=menu):
        st.caption(PRESETS_NOTE)
        for i, (label, values) in enumerate(options.items()):
            st.button(label, key=f"{key}_{i}", on_click=_set, args=(values,), width="stretch")


#: What the presets menu says above its buttons.
PRESETS_NOTE = "Each preset sets the controls for one claim and resets the others."

_SCROLL_JS = """
<script>
/* nonce %(nonce)s: a new element each time, so the browser runs it after every preset click */
(function () {
  document.body.dataset.llFigure = "%(figure)s";  /* the figure the click shows (for tests) */
  const t0 = Date.now();
  /* close the presets menu (it stays open while its buttons rerun the page) */
  const menu = document.querySelector('[data-testid="stPopoverBody"]');
  if (menu) {
    const esc = {key: "Escape", code: "Escape", keyCode: 27, bubbles: true};
    menu.dispatchEvent(new KeyboardEvent("keydown", esc));
    document.dispatchEvent(new KeyboardEvent("keydown", esc));
  }
  function go() {
    const el = document.querySelector('.st-key-%(figure)s')
      || document.querySelector('[data-testid="stMain"] [data-testid="stVegaLiteChart"]');
    if (!el || el.getBoundingClientRect().height < 20) {
      if (Date.now() - t0 < 4000) setTimeout(go, 100);
      return;
    }
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > 0.45 * window.innerHeight) el.scrollIntoView({block: "start"});
  }
  go();
})();
</script>
"""


def _scroll_to_key_figure() -> None:
    """After a preset click, bring the figure it changes (the key figure unless the preset
    names another, :data:`FIGURE`) to the top of the screen (if it is not)."""
    figure = st.session_state.pop(_SCROLL, None)
    if figure:
        if not re.fullmatch(r"\w+", str(figure)):  # a CSS class name, never markup
            figure = KEY_FIGURE
        script = _SCROLL_JS % {"nonce": uuid.uuid4().hex, "figure": figure}
        st.html(script, unsafe_allow_javascript=True)
