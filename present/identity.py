"""One identity per loss: display name, short label and colour, used by every page.

Every picker, legend, table, sentence and chart asks this module how to show a loss, so
"cross-entropy" looks the same everywhere in a lecture. The three are written on the loss's
card (``core.losses``: ``Loss.title``, ``Loss.short``, ``Loss.color``); the title contains the
short label ("Cross-entropy (CE)" and "CE"), so a table and a figure name one loss. Loss
colours come from a
colour-blind-safe set (Okabe & Ito 2008, extended with Paul Tol's muted scheme); classes use a
separate palette of greys and earth tones that no loss uses, and train/test are told apart by
line style (solid / dashed), never by colour.

References
----------
Okabe, M. & Ito, K. (2008). *Color Universal Design*. https://jfly.uni-koeln.de/color/
Tol, P. (2021). *Colour schemes*. https://personal.sron.nl/~pault/
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np

from core import formula, losses

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Identity:
    """How one loss is shown: ``title`` in pickers and legends, ``short`` in sentences."""

    name: str
    task: str
    title: str
    short: str
    color: str


def _card(name: str, task: str | None = None) -> losses.Loss | None:
    """The registered loss ``name`` (of ``task``, or of either task: a name shared by both
    tasks, ``mse`` and ``mae``, has one short label and one colour), or ``None``."""
    for t in (task,) if task else TASKS:
        try:
            return losses.get(name, t)
        except ValueError:
            continue
    return None


#: Colour per registered name, read from each loss's card (``Loss.color``).
COLORS: dict[str, str] = {x.name: x.color for x in losses.all_losses() if x.color}
#: Short label per registered name (figures, crowded legends, sentences): ``Loss.short``.
SHORT: dict[str, str] = {x.name: x.short for x in losses.all_losses()}

#: Classes (decision-boundary shading, scatter points): no colour here is a loss colour.
CLASS_COLORS: tuple[str, ...] = (
    "#4D4D4D",  # dark grey
    "#B8860B",  # dark goldenrod
    "#8C564B",  # brown
    "#A0A0A0",  # light grey
    "#6B8E23",  # olive drab
)
#: Neutral colour for references that are not a loss (targets, ideal curves, y = 0).
NEUTRAL = "#666666"
#: The student's own formula ("your loss", :mod:`ui.formula_box`): black, which no loss, no
#: class and no reference line uses, and which every kind of colour vision tells apart.
FORMULA_COLOR = formula.COLOR


def _formula(name: str, task: str) -> Identity | None:
    """The identity of a formula's loss name (``formula:...``): "Your loss", in black; one
    formula is shown per view, its expression beside the figure."""
    if not formula.is_formula_name(name):
        return None
    return Identity(name, task, formula.TITLE, formula.SHORT, FORMULA_COLOR)


def get(name: str, task: str = "classification") -> Identity:
    """The identity of a registered loss; an unknown name is shown as itself, in grey."""
    if (own := _formula(name, task)) is not None:
        return own
    card = _card(name, task)
    if card is None:
        return Identity(name, task, name, short(name), color(name))
    return Identity(name, task, card.title, card.short, card.color or NEUTRAL)


def title(name: str, task: str = "classification") -> str:
    """Display name for pickers, legends and table headers."""
    return get(name, task).title


def short(name: str) -> str:
    """Short label for sentences and crowded legends (e.g. ``CE``)."""
    if (own := _formula(name, "")) is not None:
        return own.short
    card = _card(name)
    return card.short if card is not None else name


def color(name: str) -> str:
    """The loss's colour, the same on every page."""
    if (own := _formula(name, "")) is not None:
        return own.color
    card = _card(name)
    return card.color if card is not None and card.color else NEUTRAL


def scale(names: Sequence[str], task: str = "classification", *, short_labels: bool = False):
    """An Altair colour scale whose domain is the losses' titles (or short labels)."""
    ids = [get(n, task) for n in names]
    domain = [i.short if short_labels else i.title for i in ids]
    return alt.Scale(domain=domain, range=[i.color for i in ids])


def class_rgb() -> np.ndarray:
    """:data:`CLASS_COLORS` as an ``(n, 3)`` float array of 0-255 channels, for rasters."""
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLORS], float)


def class_scale(labels: Sequence[str]) -> alt.Scale:
    """Colour scale for class labels, from :data:`CLASS_COLORS` (never a loss colour)."""
    colors = [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(len(labels))]
    return alt.Scale(domain=list(labels), range=colors)
