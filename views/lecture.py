"""The path editor's view: pasted links and added views become stops; stops become one link.

A lecturer writes a path on the Lecture path page: pastes Loss Lab links (one per line; a
path link brings all its stops), adds views from any page's "QR code" dialog, or starts from
the default lecture; titles and claims each stop; orders them; and gets one link that opens
the path at its first stop (:func:`path_link`). Nothing is stored on a server: the link is the
path (:func:`present.paths.encode`). Every refusal is a sentence (:func:`add_links`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pandas as pd

from present.paths import (
    LIMITS,
    PATH,
    STOP,
    Path,
    PathError,
    Stop,
    clean_text,
    encode,
    parse_link,
    view_link,
)
from present.untrusted import markdown as _escape
from ui import lecture

#: The editor's table columns, in order.
COLUMNS = ("order", "title", "claim", "page", "link")
#: The page a stop on the home page is listed as.
HOME = "Loss Lab (home)"

#: The editor's start when a link names none: no stops.
EMPTY = "empty"
#: Every control of the editor bound to its link, ``{URL key: default}``.
DEFAULTS: dict[str, str] = {"start": EMPTY}


def page_title(page: str) -> str:
    """A stop's page as the table shows it: its URL name, the home page by name."""
    return page or HOME


def rows(stops: Sequence[Stop]) -> pd.DataFrame:
    """The editor's table: one row per stop (``order`` from 1, title, claim, page, link)."""
    return pd.DataFrame(
        {
            "order": list(range(1, len(stops) + 1)),
            "title": [s.title for s in stops],
            "claim": [s.claim for s in stops],
            "page": [page_title(s.page) for s in stops],
            "link": [s.link() for s in stops],
        },
        columns=list(COLUMNS),
    )


def from_rows(table: pd.DataFrame, stops: Sequence[Stop]) -> list[Stop]:
    """The stops in the order the table gives them, with its titles and claims.

    ``table`` is :func:`rows` after the lecturer edited it (rows may have been deleted; the
    ``link`` column names each row's view, so it is matched back to ``stops``). Ties in
    ``order`` keep the table's order; a missing order goes last. Titles and claims are
    made one line (:func:`present.paths.clean_text`); too long raises :class:`PathError`.
    """
    by_link: dict[str, list[Stop]] = {}
    for s in stops:
        by_link.setdefault(s.link(), []).append(s)
    out: list[tuple[float, int, Stop]] = []
    for i, row in enumerate(table.to_dict("records")):
        found = by_link.get(str(row.get("link", "")))
        if not found:
            continue
        base = found.pop(0)
        order = pd.to_numeric(row.get("order"), errors="coerce")
        title = clean_text(_text(row.get("title")), LIMITS["title"], "title")
        claim = clean_text(_text(row.get("claim")), LIMITS["claim"], "claim")
        key = float(order) if pd.notna(order) else float("inf")
        out.append((key, i, Stop(base.page, base.query, title, claim)))
    return [s for _, _, s in sorted(out, key=lambda t: (t[0], t[1]))]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def add_links(
    text: str, pages: Collection[str], hosts: Collection[str], base: str = ""
) -> tuple[list[Stop], list[str]]:
    """Stops from pasted lines (one link each; blank lines skipped) and one sentence per
    refused line. A line that opens a path (``?lecture=...``) brings all of that path's
    stops; any other link is one stop titled after its page (the lecturer retitles it)."""
    stops: list[Stop] = []
    refused: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for n, line in enumerate(lines[: 2 * LIMITS["stops"]], 1):
        try:
            whole = _path_of(line, pages, hosts, base)
            if whole is not None:
                stops.extend(whole.stops)
                continue
            page, query = parse_link(line, pages, hosts, base)
            stops.append(Stop(page, query, page_title(page).replace("_", " ")))
        except PathError as err:
            refused.append(f"Line {n}: {err}")
    if len(lines) > 2 * LIMITS["stops"]:
        refused.append(f"Only the first {2 * LIMITS['stops']} lines were read.")
    return stops, refused


def _path_of(line: str, pages: Collection[str], hosts: Collection[str], base: str) -> Path | None:
    """The path a pasted path link carries (``None`` for a plain view link)."""
    values = [v for k, v in parse_qsl(urlsplit(line).query) if k == PATH]
    if not values:
        return None
    parse_link(line, pages, hosts, base)  # the same checks as a view link: host, page
    return lecture.resolve(values[-1:])[1]


def path_link(address: str, path: Path, *, present: bool = True) -> str:
    """The link that opens ``path`` at its first stop: the stop's own link, the encoded path
    and ``stop=1`` (and ``present=1`` for a projector)."""
    first = path.stops[0]
    query: list[tuple[str, str]] = [*first.query, (PATH, encode(path)), (STOP, "1")]
    if present:
        query.append(("present", "1"))
    relative = view_link(first.page, ()) + "?" + urlencode(query, quote_via=quote)
    return lecture.full_link(relative, address)


def hosts_of(addresses: Iterable[str]) -> list[str]:
    """The host names of the app's addresses (its own and the one the lecturer set)."""
    return sorted({(urlsplit(a).hostname or "").lower() for a in addresses if a} - {""})


def base_path(address: str) -> str:
    """The path the app is served under (``""`` at a host's root), from its address."""
    return urlsplit(address).path.rstrip("/")


def from_draft(added: Iterable[tuple[str, Sequence[tuple[str, str]], str]]) -> list[Stop]:
    """Stops from the views added with a QR dialog's button: ``(page, query, title)`` each
    (a view's title is its stop's if it was one, else its page's)."""
    out = []
    for page, query, title in added:
        name = clean_text(title or page_title(page).replace("_", " "), LIMITS["title"], "title")
        out.append(Stop(page, tuple((str(k), str(v)) for k, v in query), name))
    return out


def summary(path: Path, length: int) -> str:
    """What the link holds, in one sentence."""
    untitled = sum(1 for s in path.stops if not s.claim)
    text = (
        f"This link holds {len(path)} stop{'s' if len(path) != 1 else ''} in {length} "
        "characters; it opens at stop 1 and needs no account or server storage."
    )
    if untitled:
        text += f" {untitled} stop{'s have' if untitled != 1 else ' has'} no claim yet."
    return text


def escape(text: str) -> str:
    """Untrusted text (a pasted link, a title) for a markdown element
    (:func:`present.untrusted.markdown`)."""
    return _escape(text)


def fingerprint(stops: Sequence[Stop]) -> str:
    """A short digest of the stops (the editor's table starts afresh when they change)."""
    return hashlib.sha1(repr(stops).encode()).hexdigest()[:12]
