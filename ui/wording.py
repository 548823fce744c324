"""Small pure helpers for the sentences pages compute: numbers, ratios, ties and lists.

Every computed sentence is a function of its numbers; these helpers keep the shared rules in one
place so that no sentence prints ``nan``, ``inf``, ``-0``, a ``1×`` comparison or compares a
thing with itself:

- :func:`num` formats a finite number (``-0`` becomes ``0``) and names a non-finite one in words;
- :func:`tied` is the one tie rule: two magnitudes within :data:`REL_TOL` of each other are
  "equal" in a sentence, so a ratio printed as ``R×`` is always at least ``1 + REL_TOL``;
- :func:`times` words a ratio of two magnitudes that are not tied;
- :func:`join` lists names ("A", "A and B", "A, B and C").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Relative tolerance of a tie: magnitudes closer than 1% are called equal in a sentence.
REL_TOL = 0.01
#: Ratios at or above this are written as "more than 1000×" (their digits mean nothing aloud).
HUGE_RATIO = 1000.0


def num(x: float, spec: str = ".3g") -> str:
    """``x`` formatted with ``spec``; never ``-0``/``-0.000``, ``nan`` or ``inf``.

    A value that rounds to zero is printed without its sign; non-finite values are named in
    words ("not a number", "infinite"), since a sentence should never show raw ``nan``/``inf``.
    """
    x = float(x)
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinite" if x > 0 else "minus infinite"
    text = format(x + 0.0, spec)
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


def tied(a: float, b: float, rel_tol: float = REL_TOL) -> bool:
    r"""Whether two magnitudes count as equal in a sentence: :math:`|a - b| \le \text{tol}
    \cdot \max(|a|, |b|)` (two zeros are tied)."""
    a, b = abs(float(a)), abs(float(b))
    return abs(a - b) <= rel_tol * max(a, b)


def times(big: float, small: float) -> str:
    """``"24.5×"`` for ``|big| / |small|``; callers ensure the two are not :func:`tied` and
    ``small`` is not zero, so the ratio is at least ``1 + REL_TOL`` (never ``1×``)."""
    big, small = abs(float(big)), abs(float(small))
    if small == 0.0 or tied(big, small) or big < small:
        raise ValueError(f"times needs big > small > 0 and not tied, got {big!r} and {small!r}")
    r = big / small
    if r >= HUGE_RATIO:
        return f"more than {HUGE_RATIO:.0f}×"
    text = num(r)
    # .3g of a ratio in [1.01, 1.015) could print "1.01"; below REL_TOL it is a tie (see tied).
    return f"{text}×"


def join(items: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``."""
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def verb(items: Sequence[str], singular: str, plural: str) -> str:
    """``singular`` for one item, ``plural`` for several."""
    return singular if len(items) == 1 else plural
