"""Small pure helpers for the sentences pages compute: numbers, shares, ratios, ties, lists.

Every computed sentence is a function of its numbers; these helpers keep the rules that keep a
sentence true in one place, so that no sentence prints ``nan``, ``inf``, ``None``, ``-0.000``,
a ``1×`` comparison, or compares a thing with itself:

- :func:`num` formats a finite number (``-0`` becomes ``0``) and names a non-finite one in
  words; :func:`number` and :func:`pct` format values a caller has already checked finite;
- two tie rules, each for its kind of number: :func:`tied` calls magnitudes within
  :data:`REL_TOL` (1%) equal (curves and gradients, compared exactly), :func:`is_tie` calls
  ratios that would print as ``1.0×`` (:data:`RATIO_TIE`) a tie (training outcomes, printed
  to one decimal); :func:`same` asks whether two values print the same;
- :func:`ratio` words the ratio of two magnitudes that are not tied, :func:`times` a factor
  already known to be at least ``1 + RATIO_TIE``;
- :func:`share` never rounds a non-zero share to "0%" or one below one to "100%";
- :func:`names` lists names ("A", "A and B", "A, B and C"); :func:`clean` is the test every
  sentence must pass.
"""

from __future__ import annotations

import math
import re
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


def ratio(big: float, small: float) -> str:
    """``"24.5×"`` for ``|big| / |small|``; callers ensure the two are not :func:`tied` and
    ``small`` is not zero, so the ratio is at least ``1 + REL_TOL`` (never ``1×``)."""
    big, small = abs(float(big)), abs(float(small))
    if small == 0.0 or tied(big, small) or big < small:
        raise ValueError(f"ratio needs big > small > 0 and not tied, got {big!r} and {small!r}")
    r = big / small
    if r >= HUGE_RATIO:
        return f"more than {HUGE_RATIO:.0f}×"
    text = num(r)
    # .3g of a ratio in [1.01, 1.015) could print "1.01"; below REL_TOL it is a tie (see tied).
    return f"{text}×"


def verb(items: Sequence[str], singular: str, plural: str) -> str:
    """``singular`` for one item, ``plural`` for several."""
    return singular if len(items) == 1 else plural


#: Two ratios closer to 1 than this print as "1.0×" and are reported as a tie instead.
RATIO_TIE = 0.05


def finite(x: object) -> bool:
    """Whether ``x`` is a real, finite number (``None`` and ``NaN`` are not)."""
    try:
        return x is not None and math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def number(x: float, fmt: str) -> str:
    """``format(x, fmt)`` without a negative zero (``-0.000`` prints as ``0.000``)."""
    text = format(x, fmt)
    stripped = text.lstrip("-")
    if text.startswith("-") and not any(c in "123456789" for c in stripped):
        return stripped
    return text


def pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage, e.g. ``0.9512 -> '95.1%'``."""
    return number(x, f".{digits}%")


def share(x: float) -> str:
    """A share in [0, 1] as a whole percentage that never rounds a non-zero share to "0%" or a
    share below one to "100%"."""
    if x <= 0:
        return "0%"
    if x >= 1:
        return "100%"
    if x < 0.005:
        return "under 1%"
    if x > 0.995:
        return "over 99%"
    return f"{x:.0%}"


def same(a: float, b: float, fmt: str) -> bool:
    """Whether ``a`` and ``b`` print the same with ``fmt`` (the tolerance a reader sees)."""
    return number(a, fmt) == number(b, fmt)


def factor(a: float, b: float) -> float | None:
    """How many times ``a`` is ``b`` or ``b`` is ``a`` (always >= 1); ``None`` if either is not
    a positive finite number."""
    if not (finite(a) and finite(b)) or a <= 0 or b <= 0:
        return None
    return max(a, b) / min(a, b)


def is_tie(a: float, b: float) -> bool:
    """``a`` and ``b`` (positive) within :data:`RATIO_TIE` of each other, i.e. their ratio
    would print as ``1.0×``."""
    f = factor(a, b)
    return f is not None and f < 1 + RATIO_TIE


def times(f: float) -> str:
    """A ratio >= 1.05 as ``'2.3×'`` (callers report smaller ratios as ties)."""
    return f"{f:.1f}×"


def names(items: Sequence[str]) -> str:
    """``'A'``, ``'A and B'``, ``'A, B and C'``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def possessive(name: str) -> str:
    """``"CE's"``, ``"square loss on logits'"``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def plural(n: int, one: str, many: str | None = None) -> str:
    """``'1 seed'``, ``'3 seeds'``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def clean(text: str) -> bool:
    """Whether ``text`` holds none of the tokens a computed sentence must never show: ``nan``,
    ``inf``, ``None`` (as words), a negative zero (``-0``, ``-0.000``, ``-0%``) or a "1×" /
    "1.0×" comparative."""
    words = re.split(r"[\s(),;:]+", text.lower())
    if {"nan", "inf", "-inf", "none", "nan%", "inf%"} & set(words):
        return False
    if re.search(r"(?<![\d.])-0(?:\.0+)?(?![\d.])|-0(?:\.0+)?%", text):
        return False
    return not re.search(r"(?<![\d.])1(?:\.0)?×", text)


def never(epoch: int | None) -> str:
    """A table cell for "diverged at epoch": the epoch, or "never" (no ``None`` on screen)."""
    return "never" if epoch is None else str(int(epoch))
