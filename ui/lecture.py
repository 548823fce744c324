"""The lecture path on every page: its bar, its keys, its QR codes and its marks.

A page shown with ``?lecture=<path>&stop=<n>`` (a built-in path's name, :data:`NAMED`, or a
lecturer's own path as :func:`present.paths.encode` wrote it) is a **stop**: :func:`bar` draws a
compact bar under the page's header — previous / next, "4 / 13", the stop's title and, once
the view is drawn, its claim — and :class:`Trail.finish` checks at the end of the run that the
view on screen is the stop's view. Only then is the claim shown (and the figure's marks, see
below): after any widget change the view is the lecturer's own, the claim gives way to "Back
to stop 4" and nothing moves. Next and previous open the other stop's link exactly: every
control of the page is cleared first (so nothing leaks from the last view) and the link
carries the stop's values, presenter mode and the path, nothing else.

Keyboard contract (with the player, which yields these keys while a path is open): while a
path is shown, ``document.body.dataset.llPath`` is set, and Page Down / → click "next",
Page Up / ← click "previous" (a presentation clicker sends the Page keys); keys typed into a
text field or with a modifier are left alone, and a focused slider keeps the arrow keys.

QR codes: every view has a "QR code" button in its header (a stop: in the bar) opening a
dialog with a large QR code of the view's link as the room opens it — the app's own address
(``st.context.url``) or the address the lecturer sets there — without presenter mode or the
path; encoded with ``segno``. The dialog can also add the view to a path being written
(the path editor page reads it).

Marks: a stop's :class:`present.paths.Mark` list points at the place in its figure the claim is
about. :func:`chart_marks` hands the marks of the next Altair chart to :func:`ui.charts.show`
(charts are counted in the order the page draws them); :func:`player_marks` gives the
playback canvas its ``annotations`` (drawn by ``ui/player/annotate.js``). Both are empty
unless the run opened on the stop's own view.
"""

from __future__ import annotations

import io
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import segno
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from present import state
from present.default_path import NAMED
from present.paths import (
    LIMITS,
    NOT_VIEW,
    PATH,
    STOP,
    Path,
    PathError,
    Stop,
    decode,
    stop_number,
    url_text,
    view_link,
)
from present.state import _same as same_value  # how a link's text is judged against a widget value
from present.untrusted import markdown as escape
from ui import screens

#: Session keys (leading ``_``: never a widget's, never cleared by a stop change).
_VIEW = "_lecture_view"  # (path, stop, page, {key: value}) of the last run shown on path
_MARKS = "_lecture_marks"  # this run's marks and the number of charts drawn so far
_QR = "_lecture_qr"  # open the QR dialog in this run
_BASE = "_lecture_base"  # the room's address the lecturer set
DRAFT = "_lecture_draft"  # [(page, query, title), ...]: views added to a path being written
#: The lecturer's own session keys, kept when the session moves to another page.
KEEP = (_BASE, DRAFT)
# a path and its stop are link keys of every page (present.state.unknown lets them through)
state.LINK_KEYS.update({PATH, STOP})
#: Widgets that move through time on one view (a scrubber, a step slider): playing or
#: scrubbing a stop's figure does not leave the path.
PLAYHEADS = frozenset({"epoch", "t", "t1"})
#: Button keys the keyboard script clicks.
NEXT, PREV = "lecture_next", "lecture_prev"

PAGES: dict[str, str] = {screens.page_name(s.path): s.path for s in screens.SCREENS.values()}
#: The path editor's URL name (it is a page, not a view to stop at).
EDITOR = "Lecture_path"


def page_names() -> list[str]:
    """URL names of the pages a stop may show (every page that exists but the editor)."""
    return [n for n in screens.url_names() if n != EDITOR]


# --------------------------------------------------------------------------- the path shown


def resolve(raw: Sequence[str]) -> tuple[str, Path]:
    """``(value, path)`` of a link's ``lecture`` values (the last counts): a built-in path's
    name or an encoded path; :class:`present.paths.PathError` if it names none."""
    value = raw[-1].strip() if raw else ""
    if value in NAMED:
        return value, NAMED[value]
    return value, decode(value, page_names())


def _drawn(defaults: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """``{key: (value, declared default)}`` of the page's controls that hold a value in this
    session (not the playheads). ``defaults`` is the page's declared ``{key: default}``
    (:func:`ui.frame.page`); a stop is opened in a cleared session (:func:`_navigate`) and a
    move to another page clears it too, so the values held are this page's."""
    return {
        k: (st.session_state[k], d)
        for k, d in defaults.items()
        if k not in PLAYHEADS and k in st.session_state
    }


def on_view(stop_: Stop, drawn: Mapping[str, tuple[Any, Any]]) -> bool:
    """Whether the widgets drawn show ``stop_``'s view: each the stop's value where the stop
    names it, else its declared default (numbers compared to 1e-9, lists as sets or in order,
    as :func:`present.state.refused` judges a link)."""
    named = stop_.params()
    for key, (value, default) in drawn.items():
        if key in named:
            if not same_value(named[key], value):
                return False
        elif not (value == default or same_value(url_text(default), value)):
            return False
    return True


def texts_match(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two lists of URL values name the same value (numbers compared as numbers,
    repeated keys in any order)."""
    if sorted(a) == sorted(b):
        return True
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        try:
            if not math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-12):
                return False
        except ValueError:
            if x != y:
                return False
    return True


def presenting() -> bool:
    return state.presenting(st.query_params.get_all(state.PRESENT))


def _go(value: str, i: int) -> None:
    """A button's callback: open stop ``i`` of the path ``value`` names."""
    _, path = resolve([value])
    if 0 <= i < len(path):
        _navigate(value, path, i)


def _navigate(value: str, path: Path, i: int) -> None:
    """Open stop ``i`` of ``path`` (shown as ``?lecture=value``) as a fresh tab would open its
    link: every control of the session is cleared and every link parameter unbound from the
    last page's widgets (Streamlit drops a parameter bound on the page being left, and would
    refuse to set one bound on this page), then the stop's page runs with its link's values,
    presenter mode if on, and the path — nothing of the last view leaks into this one."""
    for key in list(st.session_state.keys()):
        if not key.startswith("_"):
            del st.session_state[key]
    st.session_state.pop(_VIEW, None)
    ctx = get_script_run_ctx()
    if ctx is not None:
        with ctx.session_state.query_params() as qp:
            qp.remove_stale_bindings(frozenset())  # no widget is active: unbind them all
    target = path.stops[i]
    params = target.params() | {PATH: [value], STOP: [str(i + 1)]}
    if presenting():
        params[state.PRESENT] = ["1"]
    st.switch_page(PAGES[target.page], query_params=params)


def _leave() -> None:
    for key in (PATH, STOP):
        st.query_params.pop(key, None)
    st.session_state.pop(_VIEW, None)


def _open_qr() -> None:
    st.session_state[_QR] = True


# --------------------------------------------------------------------------- the bar


@dataclass
class Trail:
    """What :func:`bar` drew; :meth:`finish` completes it at the end of the page's run."""

    defaults: Callable[[], Mapping[str, Any]]
    value: str = ""
    path: Path | None = None
    index: int = 0
    claim: Any = None  # the placeholder of the claim (or of "back to the stop")
    marks: bool = False  # whether this run draws the stop's marks
    page: str = ""

    def finish(self) -> None:
        """Check the view against the stop, show the claim or "back to the stop", remember
        the view, and open the QR dialog if its button was pressed."""
        try:
            self._finish()
        except Exception:  # the bar must never break a page
            import logging

            logging.getLogger("loss_lab").exception("lecture bar")

    def _finish(self) -> None:
        stop_ = self.path.stops[self.index] if self.path is not None else None
        if stop_ is not None and self.claim is not None:
            drawn = _drawn(self.defaults())
            here = stop_.page == self.page and on_view(stop_, drawn)
            if here:
                st.session_state[_VIEW] = (self.value, self.index, self.page, _values(drawn))
                if stop_.claim:
                    with self.claim.container(key="lecture_claim"):
                        st.markdown(escape(stop_.claim))
            else:
                st.session_state.pop(_VIEW, None)
                with self.claim.container(key="lecture_off"):
                    c1, c2 = st.columns([4, 1], vertical_alignment="center")
                    c1.caption(
                        "This view is yours now: the stop's claim is about the view it opened with."
                    )
                    c2.button(
                        f"Back to stop {self.index + 1}",
                        key="lecture_back",
                        on_click=_go,
                        args=(self.value, self.index),
                        icon=":material/undo:",
                    )
        if st.session_state.pop(_QR, False):
            here_link = (
                stop_.link()
                if stop_ is not None and st.session_state.get(_VIEW)
                else view_link(self.page, _query())
            )
            _qr_dialog(here_link, self.page, stop_.title if stop_ is not None else "")
        st.session_state.pop(_MARKS, None)


def _values(drawn: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    return {k: v for k, (v, _) in drawn.items()}


def _query() -> list[tuple[str, str]]:
    """The current link's view parameters, in order."""
    return [
        (k, v) for k in st.query_params for v in st.query_params.get_all(k) if k not in NOT_VIEW
    ]


def bar(page: str, header: Any, defaults: Callable[[], Mapping[str, Any]]) -> Trail:
    """Draw the lecture bar (when the link opens a path) or the QR button (always); return
    the :class:`Trail` whose ``finish()`` the frame calls at the end of the run.

    ``page`` is the page's URL name, ``header`` the page header's row (the QR button goes at
    its right), ``defaults`` the page's declared defaults (a function, read at the end of the
    run). A link whose path or stop is refused gets a warning naming what is wrong, like any
    refused link value, and shows the page without a bar.
    """
    trail = Trail(defaults, page=page)
    raw = st.query_params.get_all(PATH) if page != EDITOR else []
    if not raw:
        _keys(False)
        if page == EDITOR:
            return trail
        header.button(
            "QR code", key="lecture_qr_view", on_click=_open_qr, icon=":material/qr_code_2:"
        )
        return trail
    try:
        value, path = resolve(raw)
    except PathError as err:
        _keys(False)
        st.warning(f"This link's lecture path cannot be opened: {err}", icon=":material/link_off:")
        return trail
    try:
        index = stop_number(st.query_params.get_all(STOP), len(path))
    except PathError as err:
        index = 0
        st.warning(f"{err} The path opens at stop 1.", icon=":material/link_off:")
    trail.value, trail.path, trail.index = value, path, index
    stop_ = path.stops[index]
    last = st.session_state.get(_VIEW)
    trail.marks = _still(last, value, index, page) or (last is None and _link_is(stop_, page))
    st.session_state[_MARKS] = {"charts": 0, "marks": stop_.marks if trail.marks else ()}
    _keys(True)
    st.html(_CSS_PRESENT if presenting() else _CSS)
    with st.container(key="lecture_bar"):
        row = st.container(horizontal=True, vertical_alignment="center", key="lecture_row")
        row.button(
            "Previous",
            key=PREV,
            on_click=_go,
            args=(value, index - 1),
            disabled=index == 0,
            icon=":material/chevron_left:",
        )
        row.markdown(f"**{index + 1} / {len(path)}**", width="content")
        row.button(
            "Next",
            key=NEXT,
            on_click=_go,
            args=(value, index + 1),
            disabled=index + 1 >= len(path),
            icon=":material/chevron_right:",
        )
        row.markdown(f"**{escape(stop_.title)}**", width="stretch")
        row.button("QR code", key="lecture_qr", on_click=_open_qr, icon=":material/qr_code_2:")
        row.button("Leave the path", key="lecture_leave", on_click=_leave, icon=":material/close:")
        trail.claim = st.empty()
    return trail


def _still(last: Any, value: str, index: int, page: str) -> bool:
    """Whether the last run was on this stop's view and no widget has changed since."""
    if not (isinstance(last, tuple) and len(last) == 4 and last[:3] == (value, index, page)):
        return False
    return all(k in st.session_state and st.session_state[k] == v for k, v in last[3].items())


def _link_is(stop_: Stop, page: str) -> bool:
    """Whether the link names ``stop_``'s view: its page, and no view parameter that the stop
    gives another value (parameters at their defaults may be missing from the link)."""
    if stop_.page != page:
        return False
    named = stop_.params()
    here: dict[str, list[str]] = {}
    for k, v in _query():
        here.setdefault(k, []).append(v)
    for k, values in here.items():
        if k not in named or not texts_match(named[k], values):
            return False
    return True


# --------------------------------------------------------------------------- marks


def chart_marks() -> list[dict[str, Any]]:
    """The marks of the next chart :func:`ui.charts.show` draws (counted in drawing order),
    as dicts (:meth:`present.paths.Mark.as_dict`); empty off a stop's own view."""
    slot = st.session_state.get(_MARKS)
    if not isinstance(slot, dict):
        return []
    i = slot["charts"]
    slot["charts"] = i + 1
    return [m.as_dict() for m in slot["marks"] if m.on == "chart" and m.chart == i]


def player_marks() -> dict[str, list[dict[str, Any]]]:
    """``{"annotations": marks}`` for the playback canvas's payload (drawn by
    ``ui/player/annotate.js``), ``{}`` off a stop's own view (the payload stays as it was)."""
    slot = st.session_state.get(_MARKS)
    if not isinstance(slot, dict):
        return {}
    marks = [m.as_dict() for m in slot["marks"] if m.on == "player"]
    return {"annotations": marks} if marks else {}


# --------------------------------------------------------------------------- QR codes


def app_address(page: str) -> str:
    """The app's own address as the browser shows it (``st.context.url`` without the page),
    or the one the lecturer set; ``""`` outside a browser session."""
    base = st.session_state.get(_BASE)
    if base:
        return str(base)
    url = st.context.url or ""
    root = url.split("?", 1)[0].rstrip("/")
    if page and root.endswith("/" + page):
        root = root[: -len(page) - 1]
    return root


def full_link(relative: str, base: str) -> str:
    """``base/relative`` (one slash between)."""
    return base.rstrip("/") + "/" + relative.lstrip("/")


def qr_png(text: str, scale: int = 10) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno; error correction M, raised when the symbol
    has room; a 4-module quiet zone, which phones need)."""
    code = segno.make_qr(text, error="m", boost_error=True)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def check_base(text: str) -> str:
    """A room address the lecturer typed, as a base for links, or :class:`PathError`."""
    raw = text.strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PathError("The address starts with http:// or https:// and names a host.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise PathError("The address is the app's own: no ?, # or user name.")
    if len(raw) > 200:
        raise PathError("The address has at most 200 characters.")
    return raw.rstrip("/")


@st.dialog("Scan to open this view", width="large")
def _qr_dialog(relative: str, page: str, title: str) -> None:
    base = app_address(page)
    link = full_link(relative, base)
    code, side = st.columns([3, 2], vertical_alignment="top")
    code.image(qr_png(link), width=540)
    side.markdown("**Scan to open this view** (as the room sees it: not in presenter mode).")
    side.code(link, language=None, wrap_lines=True)
    typed = side.text_input(
        "The room opens Loss Lab at",
        value=base,
        key="_lecture_base_input",
        max_chars=200,
        help="The app's address as students type it, e.g. https://losslab.streamlit.app",
    )
    if typed.strip() and typed.strip().rstrip("/") != base:
        try:
            st.session_state[_BASE] = check_base(typed)
            st.rerun(scope="fragment")
        except PathError as err:
            side.warning(str(err), icon=":material/link_off:")
    if side.button("Add this view to my lecture path", icon=":material/playlist_add:"):
        page_, _, query = relative.partition("?")
        draft = [
            *st.session_state.get(DRAFT, []),
            (unquote(page_), parse_qsl(query, keep_blank_values=True), title),
        ]
        st.session_state[DRAFT] = draft[-LIMITS["stops"] :]
        side.success(f"Added: your path has {len(draft)} stop(s); open the Lecture path page.")


# --------------------------------------------------------------------------- warm-up


def warm_up_urls() -> list[str]:
    """What the warm-up visits (:func:`serve.warmup.start`): every page (and its presets),
    then each stop of the built-in paths as the lecturer opens it (presenter mode, on the
    path) and as the room opens it from its QR code (``page?query``)."""
    out = list(screens.url_names())
    for name, path in NAMED.items():
        for i, s in enumerate(path.stops, 1):
            on_path = [*s.query, (state.PRESENT, "1"), (PATH, name), (STOP, str(i))]
            out.append(view_link(s.page, ()) + "?" + urlencode(on_path, quote_via=quote))
            out.append(s.link() if s.query else s.link() + "?")
    return out


# --------------------------------------------------------------------------- keys and style


_KEYS_JS = """
<script>
/* %(nonce)s */
(function () {
  if (%(on)s) document.body.dataset.llPath = "1"; else delete document.body.dataset.llPath;
  if (window.llPathKeys) return;
  window.llPathKeys = true;
  document.addEventListener("keydown", function (e) {
    if (!document.body.dataset.llPath || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const page = e.key === "PageDown" || e.key === "PageUp";
    const next = e.key === "PageDown" || e.key === "ArrowRight";
    const prev = e.key === "PageUp" || e.key === "ArrowLeft";
    if (!next && !prev) return;
    /* the element the key was typed in, inside a component's shadow root too */
    const t = (e.composedPath && e.composedPath()[0]) || e.target;
    if (t && t.closest) {
      const text = t.isContentEditable || t.closest("textarea, select, [role='listbox'], "
        + "[role='dialog']") || (t.tagName === "INPUT" && t.type !== "range");
      /* a slider keeps the arrow keys; a clicker's Page keys still move the path */
      const slider = t.closest("input[type='range'], [role='slider']");
      if (text || (slider && !page)) return;
    }
    const b = document.querySelector(".st-key-%(next)s button");
    const a = document.querySelector(".st-key-%(prev)s button");
    const button = next ? b : a;
    if (!button || button.disabled) return;
    e.preventDefault();
    e.stopPropagation();
    button.click();
  }, true);
})();
</script>
"""


def _keys(on: bool) -> None:
    """Set or clear ``document.body.dataset.llPath`` and install the key handler once."""
    script = _KEYS_JS % {
        "nonce": uuid.uuid4().hex if on else "off",
        "on": "true" if on else "false",
        "next": NEXT,
        "prev": PREV,
    }
    st.html(script, unsafe_allow_javascript=True)


_CSS = """
<style>
.st-key-lecture_bar {gap: 0.35rem; margin-bottom: 0.25rem;}
.st-key-lecture_claim, .st-key-lecture_off {
  border-left: 6px solid #4e79a7; background: #f0f4fa; padding: 0.35rem 0.75rem 0.5rem;
}
.st-key-lecture_claim p {font-size: 1.2rem; line-height: 1.35; margin: 0 !important;}
</style>
"""
#: Presenter mode: the stop's title and claim in projector sizes; the page's question gives
#: way to the stop's title (one line less above the figure).
_CSS_PRESENT = """
<style>
.st-key-lecture_bar {gap: 0.35rem; margin-bottom: 0.25rem;}
.st-key-lecture_row [data-testid="stMarkdownContainer"] p {font-size: 1.45rem;}
.st-key-lecture_claim, .st-key-lecture_off {
  border-left: 8px solid #4e79a7; background: #f0f4fa; padding: 0.35rem 0.9rem 0.6rem;
}
.st-key-lecture_claim p {font-size: 1.6rem; line-height: 1.3; margin: 0 !important;}
.st-key-header {display: none;}
</style>
"""
