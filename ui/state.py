"""URL state: which query parameters Streamlit's ``bind="query-params"`` refused, and why.

Widgets bound with ``bind="query-params"`` read their value from the URL; Streamlit silently
drops a value that is out of range or not an option (``?epochs=1000000000`` falls back to the
default). A copied link that silently shows something else is worse than an error, so every page
snapshots the raw query string before its widgets run and, afterwards, names each parameter
whose value was not taken. The comparison is pure and tested without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

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


def unknown(query: Mapping[str, list[str]], known: Collection[str]) -> dict[str, list[str]]:
    """The query parameters that name no setting of the page (``known``: its keys)."""
    return {k: v for k, v in query.items() if k not in known and k != PRESENT}


def describe(
    refusals: Mapping[str, tuple[list[str], Any]],
    unknown: Mapping[str, list[str]] | None = None,
) -> str:
    """One friendly sentence per refused parameter and per parameter the page does not have
    (``unknown``), for ``st.warning``."""
    parts = []
    for key, (raw, used) in refusals.items():
        shown = ", ".join(raw) if raw else "(empty)"
        parts.append(f"`{key}={shown}` is not allowed here, so `{key}` is {_shown(used)}.")
    for key, raw in (unknown or {}).items():
        shown = ", ".join(raw) if raw else "(empty)"
        parts.append(f"`{key}={shown}` is not allowed here: this page has no setting `{key}`.")
    return "The link asked for values this page cannot use: " + " ".join(parts)


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
