"""Lecture paths as values: stops, their links, and the one-link encoding of a whole path.

A **stop** is one view of one page (its URL name and query parameters) with a one-line title,
the claim its figure shows, and optional marks (:class:`Mark`) that point at the place in the
figure the claim is about. A **path** is an ordered list of stops. Nothing here touches
Streamlit: :mod:`ui.lecture` draws a path, :mod:`present.default_path` holds the built-in one.

A lecturer's own path travels in one link, with no server storage (it survives restarts and
works on any replica): :func:`encode` writes the canonical JSON of the path (page, query,
title and claim of each stop; marks are the built-in path's own and are not carried),
compresses it with zlib and writes ``bytes([VERSION]) + compressed`` as URL-safe base64
without padding. :func:`decode` reverses it and refuses, with a sentence a lecturer can act
on (:class:`PathError`), anything malformed, over :data:`LIMITS` or of another version.

Links pasted into the path editor go through :func:`parse_link`: only ``http``/``https``
links to one of the app's own hosts (or a bare ``/Page?query``) naming one of the app's pages
are taken; ``present``, ``lecture`` and ``stop`` are dropped (a display mode and the path's own
state, not the view).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

#: Query key of the path a page is shown in: a built-in path's name or an :func:`encode` token.
PATH = "lecture"
#: Query key of the stop (1-based) the page shows.
STOP = "stop"
#: Query keys that are not part of a view: presenter mode and the path's own state.
NOT_VIEW = frozenset({"present", PATH, STOP})
#: The encoding's version: the first byte of every token.
VERSION = 1

#: Bounds of a path (a link is a public interface: nothing in it may ask for unbounded work).
LIMITS = {
    "stops": 30,
    "title": 80,
    "claim": 300,
    "params": 40,
    "key": 40,
    "value": 200,
    "token": 8000,  # characters of the encoded path in the link
    "json": 65536,  # bytes of the decompressed JSON (a zip bomb stops here)
}
_KEY = re.compile(r"^[A-Za-z0-9_]+$")
_PAGE = re.compile(r"^[A-Za-z0-9_]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


class PathError(ValueError):
    """A path link or pasted link that is refused; the message says why and what is allowed."""


@dataclass(frozen=True)
class Mark:
    """Where a stop's claim points in its figure, in the figure's data coordinates.

    ``on`` names the figure: ``"chart"`` (the ``chart``-th Altair chart the page draws, 0 =
    the first) or ``"player"`` (the playback canvas; ``panel`` names the loss panel of a
    boundary player, ``None`` for the descent player's curve). ``x`` alone draws a vertical
    rule, ``y`` alone a horizontal one, both a point; ``text`` is the label beside it, on
    its ``side`` (``"right"`` or ``"left"``: towards the middle of the figure).
    """

    text: str
    x: float | None = None
    y: float | None = None
    on: str = "chart"
    chart: int = 0
    panel: str | None = None
    side: str = "right"

    def __post_init__(self) -> None:
        if self.on not in ("chart", "player"):
            raise ValueError(f"on must be 'chart' or 'player', got {self.on!r}")
        if self.side not in ("right", "left"):
            raise ValueError(f"side must be 'right' or 'left', got {self.side!r}")

    def as_dict(self) -> dict[str, Any]:
        """The mark as the player's ``annotations`` entries and the chart helper read it."""
        return {"text": self.text, "x": self.x, "y": self.y, "panel": self.panel, "side": self.side}


Query = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Stop:
    """One view of a page with its title and claim: ``page`` is the URL name (``""`` for the
    home page), ``query`` the view's parameters as URL text, in order (a key repeats for a
    list, e.g. ``losses``)."""

    page: str
    query: Query
    title: str
    claim: str = ""
    marks: tuple[Mark, ...] = ()

    def link(self) -> str:
        """The view's link relative to the app's address: ``Decision_boundaries?dataset=...``."""
        return view_link(self.page, self.query)

    def params(self) -> dict[str, list[str]]:
        """The query as ``{key: [values]}`` (what ``st.switch_page`` takes)."""
        out: dict[str, list[str]] = {}
        for k, v in self.query:
            out.setdefault(k, []).append(v)
        return out


@dataclass(frozen=True)
class Path:
    """An ordered list of stops."""

    stops: tuple[Stop, ...]

    def __len__(self) -> int:
        return len(self.stops)


def url_text(value: Any) -> list[str]:
    """A widget value as the URL holds it: lists repeat their key, booleans are ``true`` /
    ``false`` (as ``bind="query-params"`` writes them), numbers their shortest repr."""
    if isinstance(value, list | tuple):
        return [t for v in value for t in url_text(v)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def stop(page: str, title: str, claim: str, *, marks: Sequence[Mark] = (), **params: Any) -> Stop:
    """A :class:`Stop` from widget values by URL key (``losses=["cross_entropy", "mse"]``)."""
    query = tuple((k, t) for k, v in params.items() for t in url_text(v))
    return Stop(page, query, title, claim, tuple(marks))


def view_link(page: str, query: Iterable[tuple[str, str]]) -> str:
    """``page?k=v&...`` (no leading slash; just ``page`` without parameters)."""
    pairs = [(k, v) for k, v in query if k not in NOT_VIEW]
    text = urlencode(pairs, quote_via=quote)
    return f"{quote(page)}?{text}" if text else quote(page)


# --------------------------------------------------------------------------- pasted links


def parse_link(
    text: str, pages: Collection[str], hosts: Collection[str] = (), base: str = ""
) -> tuple[str, Query]:
    """``(page, query)`` of a Loss Lab link, or :class:`PathError` saying why it is refused.

    Taken: ``https://<one of hosts><base>/<page>?<query>`` (``http`` too), or a link without
    scheme and host (``/Decision_boundaries?dataset=moons``, ``Loss_curves``). ``base`` is the
    path the app is served under (``""`` at the root); the page must be one of ``pages`` (URL
    names; ``""`` is the home page). Refused: other schemes (``javascript:``, ``data:``),
    other hosts, user names, unknown pages, fragments, and queries over :data:`LIMITS`.
    ``present``, ``lecture`` and ``stop`` are dropped from the query.
    """
    raw = text.strip()
    if not raw:
        raise PathError("The link is empty.")
    if len(raw) > 2 * LIMITS["token"]:
        raise PathError(f"The link is longer than {2 * LIMITS['token']} characters.")
    if any(ord(c) < 32 or c.isspace() for c in raw):
        raise PathError("A link has no spaces or control characters.")
    parts = urlsplit(raw)
    where = parts.path
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in ("http", "https"):
            raise PathError("Only http and https links to this Loss Lab are taken.")
        if parts.username or parts.password:
            raise PathError("A Loss Lab link has no user name or password.")
        host = (parts.hostname or "").lower()
        allowed = {h.lower() for h in hosts}
        if host not in allowed:
            shown = ", ".join(sorted(allowed)) or "none known"
            raise PathError(
                f"The link points to another site ({host or 'no host'}); this Loss Lab is at "
                f"{shown}. Paste links of this app, or set its address as the room's address."
            )
        prefix = "/" + base.strip("/") if base.strip("/") else ""
        if prefix and not (where == prefix or where.startswith(prefix + "/")):
            raise PathError(f"The link is not under this Loss Lab's address ({prefix}).")
        where = where[len(prefix) :]
    if parts.fragment:
        raise PathError("A Loss Lab link has no '#' part.")
    page = where.strip("/")
    if page not in set(pages):
        raise PathError(f"'{page[:60]}' is not a Loss Lab page.")
    query = tuple(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in NOT_VIEW
    )
    check_query(query)
    return page, query


def check_query(query: Query) -> None:
    """:class:`PathError` if the query is over :data:`LIMITS` or has a key that is no
    widget's (keys are letters, digits and ``_``)."""
    if len(query) > LIMITS["params"]:
        raise PathError(f"A view has at most {LIMITS['params']} parameters, this one {len(query)}.")
    for k, v in query:
        if not _KEY.match(k) or len(k) > LIMITS["key"]:
            raise PathError(
                f"'{k[:40]}' is not a Loss Lab parameter (letters, digits and _, at most "
                f"{LIMITS['key']})."
            )
        if len(v) > LIMITS["value"]:
            raise PathError(f"The value of '{k}' is longer than {LIMITS['value']} characters.")


def clean_text(text: str, limit: int, what: str) -> str:
    """``text`` on one line (runs of whitespace become one space, control characters go),
    or :class:`PathError` if it is longer than ``limit`` characters."""
    out = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    if len(out) > limit:
        raise PathError(f"A stop's {what} has at most {limit} characters, this one {len(out)}.")
    return out


# --------------------------------------------------------------------------- the link


def canonical(path: Path) -> bytes:
    """The canonical JSON of a path: ``{"s": [[page, [[key, value], ...], title, claim],
    ...]}`` in UTF-8, no spaces, keys sorted (one path, one text, one token)."""
    doc = {"s": [[s.page, [list(p) for p in s.query], s.title, s.claim] for s in path.stops]}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def encode(path: Path) -> str:
    """The path as one URL-safe token: base64url (no padding) of the version byte followed by
    the zlib-compressed :func:`canonical` JSON. Checks the path first (:func:`check`)."""
    check(path)
    raw = bytes([VERSION]) + zlib.compress(canonical(path), 9)
    token = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    if len(token) > LIMITS["token"]:
        raise PathError(
            f"This path needs {len(token)} characters in its link, more than {LIMITS['token']}: "
            "use fewer stops or shorter titles and claims."
        )
    return token


def decode(token: str, pages: Collection[str]) -> Path:
    """The path a token carries, or :class:`PathError` saying why it cannot be opened."""
    if not token or len(token) > LIMITS["token"] or not _TOKEN.match(token):
        raise PathError(
            "The lecture path in this link is damaged or too long (a path link holds letters, "
            f"digits, - and _, at most {LIMITS['token']} of them)."
        )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise PathError("The lecture path in this link is damaged (not base64).") from None
    if not raw:
        raise PathError("The lecture path in this link is empty.")
    if raw[0] != VERSION:
        raise PathError(
            f"This lecture path was written by another version of Loss Lab (format {raw[0]}; "
            f"this one reads format {VERSION})."
        )
    inflate = zlib.decompressobj()
    try:
        text = inflate.decompress(raw[1:], LIMITS["json"] + 1)
    except zlib.error:
        raise PathError("The lecture path in this link is damaged (not compressed data).") from None
    if len(text) > LIMITS["json"] or inflate.unconsumed_tail:
        raise PathError("The lecture path in this link is too large.")
    try:
        doc = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PathError("The lecture path in this link is damaged (not a path).") from None
    path = _from_doc(doc)
    check(path, pages)
    return path


def _from_doc(doc: Any) -> Path:
    """The :class:`Path` of a decoded JSON document, or :class:`PathError`."""
    bad = PathError("The lecture path in this link is damaged (unexpected content).")
    if not isinstance(doc, dict) or set(doc) != {"s"} or not isinstance(doc["s"], list):
        raise bad
    stops = []
    for item in doc["s"]:
        if not (isinstance(item, list) and len(item) == 4):
            raise bad
        page, query, title, claim = item
        if not (isinstance(page, str) and isinstance(title, str) and isinstance(claim, str)):
            raise bad
        if not isinstance(query, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p)
            for p in query
        ):
            raise bad
        stops.append(Stop(page, tuple((k, v) for k, v in query), title, claim))
    return Path(tuple(stops))


def check(path: Path, pages: Collection[str] | None = None) -> None:
    """:class:`PathError` if the path breaks :data:`LIMITS` or names a page not in ``pages``
    (``None``: any page name)."""
    if not path.stops:
        raise PathError("A lecture path has at least one stop.")
    if len(path.stops) > LIMITS["stops"]:
        raise PathError(
            f"A lecture path has at most {LIMITS['stops']} stops, this one {len(path.stops)}."
        )
    for i, s in enumerate(path.stops, 1):
        if not _PAGE.match(s.page) or (pages is not None and s.page not in pages):
            raise PathError(f"Stop {i} names a page Loss Lab does not have ({s.page[:40]!r}).")
        check_query(s.query)
        if s.title != clean_text(s.title, LIMITS["title"], "title"):
            raise PathError(f"Stop {i}'s title must be one line of plain text.")
        if s.claim != clean_text(s.claim, LIMITS["claim"], "claim"):
            raise PathError(f"Stop {i}'s claim must be one line of plain text.")


def stop_number(raw: Sequence[str], n: int) -> int:
    """The 0-based stop a link's ``stop`` values name (the last one counts; ``1`` when
    absent), or :class:`PathError` for anything but a whole number in ``1..n``."""
    if not raw:
        return 0
    text = raw[-1].strip()
    if not text.isdigit() or not 1 <= int(text) <= n:
        raise PathError(f"`stop={raw[-1][:20]}` is not a stop of this path (1 to {n}).")
    return int(text) - 1


def same_view(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two snapshots of widget values (``{key: value}``) show the same view."""
    return dict(a) == dict(b)
