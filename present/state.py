"""URL state: which query parameters a page refused, and why; link values no widget can read.

Widgets bound with ``bind="query-params"`` read their value from the URL; Streamlit silently
drops a value that is out of range or not an option (``?epochs=1000000000`` falls back to the
default). A copied link that silently shows something else is worse than an error, so every page
snapshots the raw query string before its widgets run and, afterwards, names each parameter
whose value was not taken (:func:`refused`, :func:`describe`).

Two kinds of link never reach the widgets, so the frame checks for them first:

* a value that reads as a number but is not finite (``inf``, ``-inf``, ``nan``, ``1e309``):
  a number widget converting it to an integer raises ``OverflowError`` while reading the
  link, which would end the page; :func:`unreadable` finds them, and the frame removes them
  from the link before any widget runs, then names them like any refused value;
* a link with more fields than Streamlit reads (:data:`MAX_FIELDS`) or longer than it reads
  (:data:`MAX_LENGTH`): Streamlit's browser side drops it whole, so the server never sees it;
  the frame's script says so in the browser (:func:`overflow_notice`, the same limits as
  :func:`overflowing`) instead of silently opening the defaults.

Everything here is pure and tested without Streamlit; values from the link are shown through
:mod:`present.untrusted` (code spans, shortened).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from present import untrusted

RawParams = dict[str, list[str]]


def _same(raw: list[str], value: Any) -> bool:
    """Whether the URL strings ``raw`` denote the widget value ``value``."""
    if isinstance(value, list | tuple):
        return sorted(map(str, raw)) == sorted(_text(v) for v in value) or (
            len(raw) == len(value) and all(_same([r], v) for r, v in zip(raw, value, strict=True))
        )
    if len(raw) != 1:
        return False
    text = raw[0]
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            return math.isclose(float(text), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return text == _text(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _shown(value: Any) -> str:
    """A value as a reader would write it: lists comma-separated, never Python's repr."""
    if isinstance(value, list | tuple):
        return ", ".join(map(_text, value)) if value else "(none)"
    return _text(value)


def refused(
    before: Mapping[str, list[str]],
    after: Mapping[str, list[str]],
    values: Mapping[str, Any],
    settled: Collection[str] = (),
) -> dict[str, tuple[list[str], Any]]:
    """Query parameters whose value the page did not take.

    Only a value that came from the link can be refused: a key already held by the session
    when the run started (``settled``) took its value from a click, a preset or the previous
    run, and the URL still shows the previous value until this run rewrites it. Judging those
    keys is what made every preset click name the *previous* preset's values.

    Parameters
    ----------
    before, after
        The raw query parameters before and after the widgets ran.
    values
        The widget values by key (``st.session_state``).
    settled
        Keys that ``st.session_state`` held before the run started; never refused.

    Returns
    -------
    dict
        ``{key: (raw strings in the URL, value used instead)}`` for each bound key whose URL
        value was dropped or changed. Keys that are not widgets are left alone.
    """
    out = {}
    for key, raw in before.items():
        if key not in values or key in settled:
            continue
        if after.get(key) == raw or _same(raw, values[key]):
            continue
        out[key] = (raw, values[key])
    return out


#: The URL key of presenter mode (``?present=1``), carried by every page link.
PRESENT = "present"
_TRUE = frozenset({"1", "true", "yes", "on"})


def presenting(raw: Sequence[str]) -> bool:
    """Whether the URL values of ``present`` ask for presenter mode (``1``, ``true``, ...)."""
    return bool(raw) and raw[-1].strip().lower() in _TRUE


#: Refused parameters a notice names one by one; the others are counted.
NAMED = 5


#: Link keys that are no page's widget but mean something on every page that registers them
#: (presenter mode here; a lecture path and its stop, a student's edits: their modules add
#: theirs when imported). A page's link may carry them; any other key must be a setting.
LINK_KEYS: set[str] = {PRESENT}


def unknown(query: Mapping[str, list[str]], known: Collection[str]) -> dict[str, list[str]]:
    """The query parameters that name no setting of the page (``known``: its keys) and are
    none of :data:`LINK_KEYS`."""
    return {k: v for k, v in query.items() if k not in known and k not in LINK_KEYS}


def describe(
    refusals: Mapping[str, tuple[list[str], Any]],
    unknown: Mapping[str, list[str]] | None = None,
    limit: int = untrusted.LIMIT,
) -> str:
    """One friendly sentence per refused parameter and per parameter the page does not have
    (``unknown``), for ``st.warning``: the first :data:`NAMED` named with their link value
    (shortened to ``limit`` characters, as a code span), the others counted."""
    parts = []
    items = [(k, raw, used, True) for k, (raw, used) in refusals.items()]
    items += [(k, raw, None, False) for k, raw in (unknown or {}).items()]
    for key, raw, used, refused in items[:NAMED]:
        shown = untrusted.short(", ".join(raw), limit) if raw else "(empty)"
        asked = untrusted.code(f"{key}={shown}", limit=len(key) + len(shown) + 1)
        if refused:
            value = untrusted.markdown(_shown(used), limit)
            parts.append(
                f"{asked} is not allowed here, so {untrusted.code(key, limit)} is {value}."
            )
        else:
            name = untrusted.code(key, limit)
            parts.append(f"{asked} is not allowed here: this page has no setting {name}.")
    if len(items) > NAMED:
        more = len(items) - NAMED
        parts.append(f"{more:,} more {'value was' if more == 1 else 'values were'} refused too.")
    return "The link asked for values this page cannot use: " + " ".join(parts)


def _non_finite_number(text: str) -> bool:
    """Whether ``text`` reads as a number (``float``) that is not finite."""
    try:
        return not math.isfinite(float(text))
    except (ValueError, OverflowError):
        return False


def unreadable(
    params: Mapping[str, Sequence[str]], text: Collection[str] = ()
) -> dict[str, list[str]]:
    """The parameters of ``params`` (``{key: values}``) holding a value that reads as a
    non-finite number (``inf``, ``-Infinity``, ``nan``, ``1e309``): no number widget can take
    one, and an integer widget fails while reading it. The keys of ``text`` (widgets that take
    text, where ``nan`` is text like any other and the page judges it) are left out."""
    return {
        k: list(v)
        for k, v in params.items()
        if k not in text and any(_non_finite_number(x) for x in v)
    }


#: Streamlit reads a link of at most this many fields (``&``-separated) and characters; a
#: longer one is dropped whole (Streamlit's query-params module).
MAX_FIELDS = 1000
MAX_LENGTH = 512 * 1024


def overflowing(query_string: str) -> int | None:
    """The number of fields of ``query_string`` if Streamlit drops it whole (more than
    :data:`MAX_FIELDS` fields or :data:`MAX_LENGTH` characters), else ``None``."""
    if not query_string:
        return None
    fields = query_string.count("&") + 1
    if fields > MAX_FIELDS or len(query_string) > MAX_LENGTH:
        return fields
    return None


#: What a page says when Streamlit dropped its link whole; ``{n}``: the link's field count.
OVERFLOW_NOTICE = (
    f"The link has {{n}} fields, more than the {MAX_FIELDS:,} (or {MAX_LENGTH:,} characters) a "
    "page reads, so none of its values were used: the page shows its defaults."
)


def overflow_notice(fields: int) -> str:
    """:data:`OVERFLOW_NOTICE` for a link of ``fields`` fields (:func:`overflowing`)."""
    return OVERFLOW_NOTICE.replace("{n}", f"{fields:,}")


def renamed(
    query: Mapping[str, list[str]], old: Collection[str], new: str, pick: str | None
) -> dict[str, list[str]]:
    """``query`` with a setting's old link keys read as its key ``new``: the values of the old
    key ``pick`` (the one the link's view used; ``None``: none) move to ``new`` unless the link
    already has ``new``, and every key of ``old`` is dropped.

    A link written before the setting had its present key keeps opening the same view: e.g.
    the loss selection was ``cls=`` (classification) and ``reg=`` (regression) on Loss curves,
    one picker per task, and is ``losses=`` on every page.
    """
    out = {k: list(v) for k, v in query.items() if k not in old}
    if new not in out and pick in query:
        out[new] = list(query[pick])
    return out


#: URL keys whose query parameter the app writes itself instead of ``bind="query-params"``
#: (pickers that show display names but keep registry names in the link; see
#: ``ui.controls.url_multiselect``). Filled as those widgets are drawn.
MANAGED: set[str] = set()
