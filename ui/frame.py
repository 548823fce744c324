"""The page frame every screen shares: config, header, navigation, presets, presenter mode,
URL notices and errors.

Usage in a page (pages stay thin)::

    D = ub.DEFAULTS                         # the page's controls, declared once in its view
    with frame.page("decision_boundaries", defaults=D, presets=ub.PRESETS):
        ...widgets, each declaring D[key] as its default; cached core calls...
        with frame.key_figure():            # optional: what a preset click brings into view
            charts.show(spec)
        frame.takeaway("CE reaches 90% before MSE in 10 of 10 seeds", details)  # ≤ 25 words

The page's title, icon and the question it answers come from :data:`ui.screens.PAGES`, the
one list of screens; the sidebar is drawn from it too.

Mechanisms every page gets from :func:`page`:

- **Compact header.** Title and question on top with little blank space; the presets menu
  sits at the right of the question, so it never pushes the figure down.
- **Declared controls**: a page hands :func:`page` its ``defaults`` (``{URL key: default}``,
  every control it draws, declared once in its view module) and its lecture ``presets``
  (``{label: {URL key: value}}``); its widgets declare the same defaults.
- **Presets that land** (:func:`presets`): a click sets the preset's values, resets every
  other control of the page to its declared default, and brings the key figure into view
  (``.st-key-key_figure`` if the page marks one, else the first chart).
- **Presenter mode** (``?present=1``, a toggle in the sidebar): sidebar collapsed, controls
  panels folded, chart text at least 18 px (:mod:`ui.charts`), the takeaway large; every
  page link made with :func:`link` or the sidebar keeps it.
- **Link notices**: a value from a hand-edited link that a widget refused is named in a
  warning (:mod:`present.state`); values set by a click or a preset never are. A value no widget
  can read (``?epochs=inf``) is taken out of the link before any widget runs, and named the
  same way; a link Streamlit drops whole (too many fields) is said to be, by the browser.
- **Nothing raw**: ``ValueError`` from ``core`` is shown as its message (escaped: it may quote
  the link, :mod:`present.untrusted`); any other exception is logged server-side and shown as a
  friendly sentence, never a traceback or a path.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import re
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from present import state, untrusted, wording
from serve import jobs, warmup
from ui import export, lecture, screens, upload

ABOUT = (
    "Loss Lab shows how cross-entropy, squared, absolute and hinge losses (and their "
    "relatives) behave: every number on screen is computed live by the `core` library."
)

#: The sentence shown for an exception nothing anticipated (tests look for it, too).
UNEXPECTED = "Loss Lab hit an unexpected problem while drawing this view"
#: Where unexpected exceptions go, with their traceback: the server log, never the page.
LOG = logging.getLogger("loss_lab")

#: Session keys of the frame itself (never URL-bound).
_PAGE = "_frame_page"
_PRESENT_TOGGLE = "_frame_present"
_SCROLL = "_frame_scroll"
_TAKEAWAYS = "_frame_takeaways"
#: The container of the link check's script (hidden by :data:`_CSS`).
_LINK_CHECK = "ll_link_check"
#: Link values taken out before the widgets ran (:func:`_drop_unreadable`), to be named.
_DROPPED = "_frame_dropped"
#: The right end of the header row (the presets menu; a page's one main control), this run.
_SLOT = "_frame_slot"
#: Set while :func:`show` runs the whole page (unset: its view reruns alone).
_WHOLE = "_frame_whole"
#: The link notices' slot drawn by a view that reruns alone (:func:`show`).
_NOTICES = "_frame_notices"
#: Set while :func:`show`'s view runs as a fragment (its parts then rerun alone, :func:`part`).
_VIEW = "_frame_view"
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
    ``st.page_link`` raises, so the links are replaced by a note. The presenter-mode toggle
    sits on top; every link carries the mode.
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
        navigation = st.empty()
        try:
            with navigation.container():
                for group, members in screens.PAGES.items():
                    existing = [s for s in members if (screens.ROOT / s.path).exists()]
                    if existing:
                        st.caption(group.upper())
                    for s in existing:
                        link(s.path, label=s.label, icon=s.icon)
        except StreamlitAPIException:  # no page but this one is known (see above)
            navigation.caption("Navigation appears when the app is started with streamlit_app.py.")
        st.divider()
        st.caption(ABOUT)


# --------------------------------------------------------------------------- styling

#: Less blank space above the title, a compact header; the header keeps a gap to the figure
#: below it (a chart's toolbar, shown on hover above its top right corner, would cover the
#: presets menu). Presenter mode: an even more compact header (the figure, its legend and the
#: takeaway share a 720 px screen with it) and a large takeaway.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.75rem; padding-bottom: 3rem;}
[data-testid="stMainBlockContainer"] h1 {padding: 0 0 0.25rem 0; font-size: 2.1rem;}
.st-key-header {margin-bottom: 1.25rem;}
[data-testid="stVegaLiteChart"], [class*="_figure"] {scroll-margin-top: 3.5rem;}
div:has(> .st-key-ll_link_check) {display: none;}
</style>
"""
_CSS_PRESENT = """
<style>
[data-testid="stHeader"] {background: transparent;}
[data-testid="stMainBlockContainer"] {
  padding-top: 2.6rem; padding-left: 2rem; padding-right: 2rem;
}
.st-key-header {margin-bottom: 1rem;}
[class*="st-key-svg_"], .st-key-player_png {display: none;}
[data-testid="stMainBlockContainer"] h1 {font-size: 2.1rem; padding-bottom: 0;}
/* downloads are behind a control on a projector: the chart's own menu (PNG) and the folded
   "Data & downloads" section */
.st-key-header p {font-size: 1.3rem;}
[class*="st-key-takeaway_"] [data-testid="stAlertContainer"] p {
  font-size: 1.5rem; line-height: 1.3;
}
</style>
"""


# --------------------------------------------------------------------------- the page

APP = "Loss Lab"


def page_title(screen: screens.Screen) -> str:
    """The browser tab's title: ``Decision boundaries · Loss Lab``; the home page: ``Loss Lab``."""
    return APP if screen.label == APP else f"{screen.label} · {APP}"


class _Top(NamedTuple):
    """What the frame drew above a page's view, for the end of its run (:func:`_end`)."""

    before: dict[str, list[str]]  #: the link as the run started
    settled: set[str]  #: session keys held before the run (set by a click or a preset)
    trail: lecture.Trail  #: the lecture bar, completed at the end of the run
    notices: Any  #: the link notices' slot (``None``: the view draws it, see :func:`show`)


def _top(
    key: str,
    *,
    defaults: Mapping[str, Any] | None,
    presets: Mapping[str, Mapping[str, Any]] | None,
    apply: Callable[[Mapping[str, Any]], None] | None,
    old_links: Callable[[dict[str, list[str]]], dict[str, list[str]]] | None,
    wide: bool,
    notices: bool = True,
) -> _Top:
    """Everything the frame draws above the page's view (see :func:`page`)."""
    screen = screens.SCREENS[key]
    present = presenting()
    st.set_page_config(
        page_title=page_title(screen),
        page_icon=screen.icon,
        layout="wide" if wide else "centered",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    _arrive(key)
    # Keys the session held before this run took their values from a click or a preset, not
    # from the link: only the others can have been refused (see present.state.refused).
    settled = set(st.session_state.keys())
    # before any widget reads the link; a declared text default marks a text field
    _drop_unreadable({k for k, v in (defaults or {}).items() if isinstance(v, str)})
    _new_run()
    st.html(_CSS + (_CSS_PRESENT if present else ""))
    st.title(screen.label, anchor=False)
    header = st.container(horizontal=True, vertical_alignment="center", key="header")
    header.markdown(f"**{screen.question}**", width="stretch")
    st.session_state[_SLOT] = header.container(
        horizontal=True, width="content", vertical_alignment="center"
    )
    if presets:
        _presets(st.session_state[_SLOT], presets, defaults or {}, apply)
    slot = st.empty() if notices else None
    if old_links is not None:
        _rewrite(old_links)
    # the lecture bar judges a stop's view by the page's declared defaults (None: the widget
    # works its default out, so any value is the stop's)
    declared = {k: v for k, v in (defaults or {}).items() if v is not None}
    trail = lecture.bar(screens.page_name(screen.path), header, lambda: declared)
    with st.container(key=_LINK_CHECK):  # hidden: the script takes no room on the page
        st.html(_link_check_js(), unsafe_allow_javascript=True)
    before = _query_params()
    warmup.start(lecture.warm_up_urls)  # once per process: every default view, preset, stop
    return _Top(before, settled, trail, slot)


def _new_run() -> None:
    """Per-run counters start afresh (takeaway boxes, export buttons: unique keys per run)."""
    st.session_state[_TAKEAWAYS] = 0
    export.new_run()


@contextlib.contextmanager
def _guarded(key: str) -> Iterator[None]:
    """Show what the block raises as :func:`page` promises: ``ValueError`` as its message,
    anything else as :data:`UNEXPECTED` (the traceback in the server log)."""
    try:
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


def _end(top: _Top, defaults: Mapping[str, Any] | None) -> None:
    """The end of a page's run: name the link's refused and unknown values, scroll to the
    figure a preset changed, complete the lecture bar."""
    st.session_state.pop(_SLOT, None)
    refusals = _refusals(top.before, top.settled, st.session_state.pop(_DROPPED, {}))
    strange: dict[str, list[str]] = {}
    if defaults is not None:
        strange = state.unknown(top.before, set(defaults) | set(st.session_state.keys()))
        for k in strange:  # said once; a copied link no longer carries it
            with contextlib.suppress(StreamlitAPIException, KeyError):
                del st.query_params[k]
    drawn = st.session_state.pop(_NOTICES, None)  # this run's, if the view drew it
    notices = top.notices if top.notices is not None else drawn
    if (refusals or strange) and notices is not None:
        notices.warning(state.describe(refusals, strange), icon=":material/link_off:")
    _scroll_to_key_figure()
    top.trail.finish()


@contextlib.contextmanager
def page(
    key: str,
    *,
    defaults: Mapping[str, Any] | None = None,
    presets: Mapping[str, Mapping[str, Any]] | None = None,
    apply: Callable[[Mapping[str, Any]], None] | None = None,
    old_links: Callable[[dict[str, list[str]]], dict[str, list[str]]] | None = None,
    wide: bool = True,
) -> Iterator[None]:
    """Frame a screen: config, sidebar, compact header, presets, URL notices, friendly errors.

    Parameters
    ----------
    key
        The screen's key in :data:`ui.screens.SCREENS`.
    defaults
        Every control of the page, ``{URL key: default}``: the values its widgets declare and
        a preset resets (see :func:`presets`; ``None``: a default that depends on other
        controls, which the widget works out). A link parameter that is not among them nor
        drawn by the page is named in the link notice, like a refused value, and dropped.
    presets
        The page's lecture presets, ``{label: {URL key: value}}``: a menu in the header.
    apply
        Called with a preset's values after a click has set them.
    old_links
        Rewrites a link's query (``{key: [values]}``) written with the page's old keys into
        its present keys (e.g. :func:`present.state.renamed`), before anything reads it: links are
        a public interface, and an old one keeps opening its view.

    A ``ValueError`` raised by ``core`` inside the block (bad input reaches the library only
    from the URL or an extreme widget combination) is shown as ``st.error`` with its message;
    any other exception is logged with its traceback on the server and shown as
    :data:`UNEXPECTED`. The widgets and everything drawn before it stay on the page.
    """
    top = _top(key, defaults=defaults, presets=presets, apply=apply, old_links=old_links, wide=wide)
    try:
        with _guarded(key), _turn(key):
            yield
    finally:
        _end(top, defaults)


@contextlib.contextmanager
def _turn(key: str) -> Iterator[None]:
    """The page's turn: it waits here, with its place in line shown and, after a few seconds,
    the navigation (a student in line can go elsewhere); a page served at once draws the
    navigation in its turn (sixty sessions drawing its 18 links at once would share the GIL
    and all be late)."""
    with jobs.view(key, waiting=sidebar) as drawn:
        if not drawn:
            sidebar()
        yield


def show(
    key: str,
    view: Callable[[], None],
    *,
    defaults: Mapping[str, Any] | None = None,
    presets: Mapping[str, Mapping[str, Any]] | None = None,
    apply: Callable[[Mapping[str, Any]], None] | None = None,
    old_links: Callable[[dict[str, list[str]]], dict[str, list[str]]] | None = None,
    wide: bool = True,
) -> None:
    """:func:`page` for a screen whose ``view()`` (its widgets, sidebar ones too, and all it
    draws) reruns alone: a change to one of its widgets reruns ``view`` only (a Streamlit
    fragment, in its own turn), not the frame's header, presets, lecture bar and navigation,
    which it leaves as they are; a part of the view drawn with :func:`part` reruns alone in
    turn when only its own widgets change. The screen looks and answers as under
    :func:`page` (the same errors, link notices, turn); while a lecture path is open its bar
    follows every change, so the whole page reruns then, and in presenter mode (the
    presenter's keys stay with the player a rerun draws). Arguments as for :func:`page`."""
    alone = not st.query_params.get_all(lecture.PATH) and not presenting()
    st.session_state.pop(_NOTICES, None)
    top = _top(
        key,
        defaults=defaults,
        presets=presets,
        apply=apply,
        old_links=old_links,
        wide=wide,
        notices=not alone,
    )
    try:
        with _guarded(key), _turn(key):
            if alone:
                st.session_state[_WHOLE] = True
                _alone(key, view)
            else:
                view()
    finally:
        st.session_state.pop(_WHOLE, None)
        _end(top, defaults)


@st.fragment
def _alone(key: str, view: Callable[[], None]) -> None:
    """``view()`` as a fragment (see :func:`show`). In the page's whole run it runs within
    the page's turn; rerun alone, it takes a turn of its own (:func:`_rerun_alone`). The link
    notices' slot is its first element, so that the next run clears a notice, whole or
    alone."""
    st.session_state[_VIEW] = True
    try:
        _fragment_body(key, _WHOLE, view)
    finally:
        st.session_state.pop(_VIEW, None)


def part(key: str, body: Callable[..., None], *args: Any) -> None:
    """``body(*args)``, a part of the view of page ``key`` shown by :func:`show`, that reruns
    alone when one of its own widgets changes (a fragment within the view's): a widget that
    changes only this part (a seed) then costs only this part's run, not the view's other
    widgets. ``args`` are what the part takes from the rest of the view (its other widgets'
    values, a sidebar container to draw a widget in): a change to one of those reruns the
    view, and the part with it. Rerun alone, the part takes its turn, shows errors and names
    refused link values as the view does (:func:`_rerun_alone`); where the page reruns whole
    (a lecture path, presenter mode: see :func:`show`) it is simply part of the run."""
    if st.session_state.get(_VIEW):
        _part(key, body, *args)
    else:
        body(*args)


@st.fragment
def _part(key: str, body: Callable[..., None], *args: Any) -> None:
    """:func:`part` as a fragment: within the view's run, ``body(*args)``; rerun alone, the
    same in a turn of its own. Its first element is the link notices' slot (of the view's run
    too), so that a notice goes with the next run of the part, as with the view's."""
    _fragment_body(key, _VIEW, body, *args)


def _fragment_body(key: str, within: str, body: Callable[..., None], *args: Any) -> None:
    """A fragment's run of ``body(*args)`` (:func:`_alone`, :func:`_part`): its first element is
    the link notices' slot, so that the next run, whole or alone, clears a notice. Within the
    run that holds it (session key ``within`` set) it runs in that run's turn, its errors shown
    here (Streamlit would show an exception leaving a fragment as its own, raw); rerun alone,
    in a turn of its own (:func:`_rerun_alone`)."""
    st.session_state[_NOTICES] = st.empty()
    with _guarded(key) if st.session_state.get(within) else _rerun_alone(key):
        body(*args)


@contextlib.contextmanager
def _rerun_alone(key: str) -> Iterator[None]:
    """A fragment's rerun alone, as :func:`page` runs a page: fresh per-run counters, a turn of
    its own in the queue, what it raises shown as :func:`page` does; a value of the link that
    a widget first drawn in this run refused is named in the run's link notices' slot (the
    page's end, :func:`_end`, runs only with the whole page)."""
    before = _query_params()
    settled = set(st.session_state.keys())
    _new_run()
    try:
        with _guarded(key), jobs.view(key):
            yield
    finally:
        refusals = _refusals(before, settled)
        notices = st.session_state.get(_NOTICES)
        if refusals and notices is not None:
            notices.warning(state.describe(refusals, {}), icon=":material/link_off:")


def _refusals(
    before: dict[str, list[str]], settled: set[str], dropped: Mapping[str, Any] | None = None
) -> dict[str, tuple[Any, Any]]:
    """The link's values refused in this run (:func:`present.state.refused`; ``before``: the
    link as the run started, ``settled``: the session keys held before it), with ``dropped``,
    the values taken out before any widget read them (:func:`_drop_unreadable`)."""
    values = dict(st.session_state)
    refusals = {k: (raw, values[k]) for k, raw in (dropped or {}).items() if k in values}
    refusals |= state.refused(before, _query_params(), values, settled)
    # The frame's own session keys (``_frame_*``) never come from a link.
    return {k: v for k, v in refusals.items() if not k.startswith("_")}


def _rewrite(old_links: Callable[[dict[str, list[str]]], dict[str, list[str]]]) -> None:
    """Put the page's present keys into a link written with old ones (see :func:`page`)."""
    query = _query_params()
    new = old_links(query)
    if new == query:
        return
    with contextlib.suppress(StreamlitAPIException):  # a key bound to a drawn widget stays
        for k in query.keys() - new.keys():
            del st.query_params[k]
        for k, v in new.items():
            if query.get(k) != v:
                st.query_params[k] = v


#: Session keys that survive a move to another page on purpose: the frame's own, the
#: student's uploaded CSV (each page with a data switch says so next to "Your CSV") and the
#: lecturer's (the room's address for QR codes, a path being written).
SHARED = (upload.STORE, *lecture.KEEP)


def _arrive(key: str) -> None:
    """On arriving from another page of the session, forget every setting of that page.

    Streamlit keeps a URL-bound widget's value under its key when the widget leaves the
    page, and a widget with the same key on the next page takes it: Decision boundaries'
    learning rate 0.01 became Loss landscape's, whose descent needs 1, and the link then
    said ``lr=0.01``. A page opens with its own defaults or its own link's values; only
    presenter mode (in the link every page link carries) and :data:`SHARED` move across.
    """
    last = st.session_state.get(_PAGE)
    if last is not None and last != key:
        for k in list(st.session_state.keys()):
            if not str(k).startswith("_frame_") and k not in SHARED:
                del st.session_state[k]
    st.session_state[_PAGE] = key


def _query_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _drop_unreadable(text: Collection[str]) -> None:
    """Take the link's values no widget can read (:func:`present.state.unreadable`; the keys of
    ``text`` take text) out of the URL and run the page again: a widget reads the link as the
    run started, so only a new run sees it without them. The frame names them after that run
    (:data:`_DROPPED`)."""
    bad = state.unreadable(_query_params(), text)
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
#: count is a number) when the page's own link is over :data:`present.state.MAX_FIELDS` or
#: :data:`present.state.MAX_LENGTH` (:func:`_link_check_js`).
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
    """:data:`_LINK_CHECK_TEMPLATE` with the limits and the notice of :mod:`present.state`."""
    return _LINK_CHECK_TEMPLATE % {
        "fields": state.MAX_FIELDS,
        "length": state.MAX_LENGTH,
        "text": json.dumps(state.OVERFLOW_NOTICE),
    }


def header_slot() -> Any:
    """The right end of the header row, beside the question: for a page's one main control
    (the home page's dataset), which then costs no height above the figure."""
    return st.session_state.get(_SLOT) or st.container()


def controls_panel(label: str = "Controls", *, expanded: bool = True) -> Any:
    """A collapsible panel for controls drawn in the main column; folded in presenter mode."""
    return st.expander(label, expanded=expanded and not presenting(), icon=":material/tune:")


def key_figure(key: str = KEY_FIGURE) -> Any:
    """A container marking the page's key figure: what a preset click brings into view.

    Without it the first chart of the page is the key figure.
    """
    return st.container(key=key)


class Stage(NamedTuple):
    """A screen's point in reading order (see :func:`stage`)."""

    controls: Any  #: the controls that change the figure
    figure: Any  #: the key figure (``.st-key-key_figure``) with its legend
    takeaway: Any  #: the sentence that says what the figure shows


def stage(figure_key: str = KEY_FIGURE) -> Stage:
    """Containers for a screen's point, in the order the mode reads them.

    Normally the controls come first, then the figure they change and its takeaway. In
    presenter mode the figure and its takeaway come first, so that both are on the projected
    screen, and the controls follow (a lecturer changes a view with a preset). Whatever a
    page draws after the stage comes below all three; captions, tables and downloads go into
    :func:`details`.
    """
    if presenting():
        figure, takeaway = key_figure(figure_key), st.container()
        return Stage(st.container(), figure, takeaway)
    controls = st.container()
    return Stage(controls, key_figure(figure_key), st.container())


def details(label: str = "Data & downloads") -> Any:
    """The place for what a view is made of rather than what it shows: its configuration
    caption, tables and CSV downloads. Open below the takeaway; folded in presenter mode, so
    that the next figure follows the takeaway on a projector. (Streamlit does not nest
    expanders: one inside goes after it.)"""
    return st.expander(label, expanded=not presenting(), icon=":material/table_view:")


def notice(text: str) -> None:
    """A result the room should notice (a run diverged), drawn as information, not a warning.

    Warnings are for something wrong with the page or the link; a diverging run is a result
    (a lecture preset may show it on purpose) and reads as part of the lesson.
    """
    st.info(text, icon=":material/warning:")


def takeaway(headline: str | wording.Takeaway, details: Sequence[str] = ()) -> None:
    """The computed "what you are seeing" box: one headline sentence, the answer to the
    page's question (large in presenter mode), and ``details`` folded under it.

    ``headline`` may be a :class:`present.wording.Takeaway` (its headline and details).
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
    spreadsheet would evaluate as a formula are neutralised (:func:`present.untrusted.csv_text`:
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


def presets(
    options: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Any],
    *,
    key: str = "preset",
    apply: Callable[[Mapping[str, Any]], None] | None = None,
    container: Any = None,
) -> None:
    """One-click lecture presets in a compact menu (:func:`page` draws it in the header).

    ``options`` maps a button label (the claim the figure shows) to ``{URL key: value}``;
    ``defaults`` is the page's declared ``{URL key: default}``. A click sets the preset's
    values and resets every other key of ``defaults`` to its default, writes to the link the
    values of controls the previous run did not draw (Streamlit writes the others), closes
    the menu (in the browser, with the scroll script: the menu opens without a rerun) and
    brings the key figure into view; ``apply(values)`` runs after the values are set. It must
    run before the widgets it sets (Streamlit forbids changing a widget's state after the
    widget ran).
    """
    box = container if container is not None else st
    _presets(box, options, defaults, apply, key=key)


def _presets(
    box: Any,
    options: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Any],
    apply: Callable[[Mapping[str, Any]], None] | None,
    *,
    key: str = "preset",
) -> None:
    menu = f"{key}_menu"

    def _set(preset: Mapping[str, Any]) -> None:
        values = {k: v for k, v in preset.items() if k != FIGURE}
        for k, v in defaults.items():
            if k in values:
                continue
            if v is None:  # the widget works its default out: let it
                st.session_state.pop(k, None)
            else:
                st.session_state[k] = copy.copy(v)
        for k, v in values.items():
            st.session_state[k] = copy.copy(v)
            if k not in defaults or v != defaults[k]:
                _link(k, v)
        st.session_state[_SCROLL] = preset.get(FIGURE, KEY_FIGURE)
        if apply is not None:
            apply(values)

    # the explanation sits in the menu, not in a tooltip: after a click the focus returns to
    # the menu's button, and its tooltip then stayed on the projected page
    with box.popover("Lecture presets", icon=":material/co_present:", key=menu):
        st.caption(PRESETS_NOTE)
        for i, (label, values) in enumerate(options.items()):
            st.button(label, key=f"{key}_{i}", on_click=_set, args=(values,), width="stretch")


def _link(key: str, value: Any) -> None:
    """Put a preset's ``value`` of control ``key`` into the link.

    Streamlit writes a bound widget's value set from code into the URL only if the widget
    was drawn in the previous run; a control the preset brings onto the page (another task,
    part or dataset) would be left out, and the link would open another view. A key still
    bound to a widget of the previous run is refused here, and Streamlit writes it itself.
    """
    text = [_url_text(v) for v in value] if isinstance(value, list | tuple) else _url_text(value)
    with contextlib.suppress(StreamlitAPIException):
        st.query_params[key] = text


def _url_text(value: Any) -> str:
    """A control's value as a link writes it (``true``/``false`` for a switch)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


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
