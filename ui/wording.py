"""Small pure helpers for computed sentences: numbers, shares, ratios, lists, ties.

Every takeaway on the comparison pages is built from these, so the rules that keep a sentence
true live in one place:

- a value is printed with the precision it is compared at, and two values that print the same
  are a tie (never "1.0× later", never "X carries 40% but only 40%");
- a share is never printed as "0%" or "100%" unless it is exactly that;
- no ``nan``, ``inf``, ``None`` or ``-0.000`` reaches the text (callers leave such values out
  and say why in words).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

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
