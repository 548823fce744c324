"""Small pure helpers for the sentences pages compute: numbers, shares, ratios, ties, lists.

Every computed sentence is a function of its numbers; these helpers keep the rules that keep a
sentence true in one place, so that no sentence prints ``nan``, ``inf``, ``None``, ``-0.000``,
a ``1×`` comparison, or compares a thing with itself:

- :func:`num` formats a finite number (``-0`` becomes ``0``) and names a non-finite one in
  words; :func:`number` and :func:`pct` format values a caller has already checked finite;
- three rules for "equal", each named for what it compares:

  * :func:`same_printed` — **equal as printed**: two results a sentence prints with the same
    format are tied (accuracies to 0.1%, RMSE to 0.001, ECE to 0.001). For trained outcomes,
    which carry rounding and seed noise, what the reader sees is the tolerance.
  * :func:`same_ratio` — **equal as a ratio**: two positive counts (epochs, steps) whose
    ratio would print as ``1.0×`` (below ``1 +`` :data:`RATIO_TIE`) are tied.
  * :func:`same_magnitude` — **equal magnitudes**: two exactly computed magnitudes (a loss's
    value or gradient at a point) within :data:`REL_TOL` (1%) of each other are tied; used
    where the sentence writes "equally hard (within 1%)".

  The first two are :mod:`core.evidence`'s (the seed-evidence verdicts use the same rules);
- :func:`ratio` words the ratio of two magnitudes that are not :func:`same_magnitude`,
  :func:`times` a factor already known to be at least ``1 + RATIO_TIE``;
- :func:`share` never rounds a non-zero share to "0%" or one below one to "100%";
- :func:`names` lists names ("A", "A and B", "A, B and C"); :func:`clean` is the test every
  sentence must pass;
- :class:`Takeaway` is what a takeaway box shows: a headline of at most
  :data:`HEADLINE_WORDS` words and details folded under it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

# The two rules for trained outcomes are core.evidence's: the seed-evidence verdicts and the
# sentences must call the same numbers equal.
from core.evidence import RATIO_TIE as RATIO_TIE
from core.evidence import same_printed as same_printed
from core.evidence import same_ratio as same_ratio

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


def same_magnitude(a: float, b: float, rel_tol: float = REL_TOL) -> bool:
    r"""Equal magnitudes: :math:`\bigl||a| - |b|\bigr| \le \text{tol} \cdot \max(|a|, |b|)`
    (two zeros are equal)."""
    a, b = abs(float(a)), abs(float(b))
    return abs(a - b) <= rel_tol * max(a, b)


def ratio(big: float, small: float) -> str:
    """``"24.5×"`` for ``|big| / |small|``; callers ensure the two are not
    :func:`same_magnitude` and
    ``small`` is not zero, so the ratio is at least ``1 + REL_TOL`` (never ``1×``)."""
    big, small = abs(float(big)), abs(float(small))
    if small == 0.0 or same_magnitude(big, small) or big < small:
        raise ValueError(f"ratio needs big > small > 0 and not tied, got {big!r} and {small!r}")
    r = big / small
    if r >= HUGE_RATIO:
        return f"more than {HUGE_RATIO:.0f}×"
    text = num(r)
    # .3g of a ratio in [1.01, 1.015) could print "1.01"; below REL_TOL it is a tie
    # (see same_magnitude).
    return f"{text}×"


def verb(items: Sequence[str], singular: str, plural: str) -> str:
    """``singular`` for one item, ``plural`` for several."""
    return singular if len(items) == 1 else plural


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


def factor(a: float, b: float) -> float | None:
    """How many times ``a`` is ``b`` or ``b`` is ``a`` (always >= 1); ``None`` if either is not
    a positive finite number."""
    if not (finite(a) and finite(b)) or a <= 0 or b <= 0:
        return None
    return max(a, b) / min(a, b)


def times(f: float) -> str:
    """A ratio >= ``1 + RATIO_TIE`` as ``'2.3×'`` (callers report smaller ratios as ties,
    :func:`same_ratio`)."""
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


def clause(text: str) -> str:
    """A sentence continued after a colon: its first word lower-cased when it is an ordinary
    capitalised word ("At epoch 5" -> "at epoch 5"), kept when it is a name ("CE", "MSE",
    "Cauchy (Lorentzian)" stays: a proper noun may be capitalised, so only the words a
    sentence starts with are lowered)."""
    first = text.split(" ", 1)[0]
    if first in CLAUSE_STARTS:
        return text[:1].lower() + text[1:]
    return text


#: Sentence openings :func:`clause` lowers.
CLAUSE_STARTS = frozenset(
    {"At", "With", "Every", "No", "Only", "From", "Under", "Misclassified", "The", "Diverged"}
)


def never(epoch: int | None) -> str:
    """A table cell for "diverged at epoch": the epoch, or "never" (no ``None`` on screen)."""
    return "never" if epoch is None else str(int(epoch))


#: The most words a takeaway's headline may have: one sentence a room reads at a glance.
HEADLINE_WORDS = 25


def words(text: str) -> int:
    """Words of a sentence as a reader counts them (numbers and symbols included)."""
    return len(text.split())


@dataclass(frozen=True)
class Takeaway:
    """What a page's takeaway box shows: one headline sentence that answers the page's
    question (at most :data:`HEADLINE_WORDS` words) and the details folded under it."""

    headline: str
    details: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Headline and details as one paragraph (what a test reads whole)."""
        return " ".join([self.headline, *self.details])
