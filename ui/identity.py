"""One identity per loss: display name, short label and colour, used by every page.

Every picker, legend, table, sentence and chart asks this module how to show a loss, so
"cross-entropy" looks the same everywhere in a lecture. Loss colours come from a
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


#: Colour per registered name. A name shared by both tasks (``mse``, ``mae``) keeps its colour.
COLORS: dict[str, str] = {
    "cross_entropy": "#0072B2",  # blue
    "mse": "#D55E00",  # vermillion
    "mae": "#009E73",  # bluish green
    "hinge": "#CC79A7",  # reddish purple
    "squared_hinge": "#882255",  # wine
    "multi_margin": "#E69F00",  # orange
    "focal": "#56B4E9",  # sky blue
    "square_logits": "#999933",  # olive
    "gce": "#332288",  # indigo
    "kl_div": "#44AA99",  # teal
    "huber": "#E69F00",
    "smooth_l1": "#CC79A7",
    "log_cosh": "#56B4E9",
    "msle": "#882255",
    "mape": "#999933",
    "pinball": "#332288",
    "epsilon_insensitive": "#44AA99",
    "cauchy": "#0072B2",
    "barron": "#AA4499",
    "cosine": "#117733",  # Tol green
}

#: Short labels for legends of many series and for sentences.
SHORT: dict[str, str] = {
    "cross_entropy": "CE",
    "mse": "MSE",
    "mae": "MAE",
    "hinge": "hinge",
    "squared_hinge": "squared hinge",
    "multi_margin": "multi-margin",
    "focal": "focal",
    "square_logits": "square loss on logits",
    "gce": "GCE",
    "kl_div": "KL",
    "huber": "Huber",
    "smooth_l1": "Smooth L1",
    "log_cosh": "log-cosh",
    "msle": "MSLE",
    "mape": "MAPE",
    "pinball": "pinball",
    "epsilon_insensitive": "ε-insensitive",
    "cauchy": "Cauchy",
    "barron": "Barron",
    "cosine": "cosine",
}

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
FORMULA_COLOR = "#000000"


def _formula(name: str, task: str) -> Identity | None:
    """The identity of a formula's loss name (``formula:...``): "Your loss", in black; one
    formula is shown per view, its expression beside the figure."""
    if not formula.is_formula_name(name):
        return None
    return Identity(name, task, formula.TITLE, formula.TITLE.lower(), FORMULA_COLOR)


def get(name: str, task: str = "classification") -> Identity:
    """The identity of a registered loss; an unknown name is shown as itself, in grey."""
    if (own := _formula(name, task)) is not None:
        return own
    try:
        title = losses.get(name, task).title
    except ValueError:
        title = name
    return Identity(name, task, title, SHORT.get(name, name), COLORS.get(name, NEUTRAL))


def title(name: str, task: str = "classification") -> str:
    """Display name for pickers, legends and table headers."""
    return get(name, task).title


def short(name: str) -> str:
    """Short label for sentences and crowded legends (e.g. ``CE``)."""
    if (own := _formula(name, "")) is not None:
        return own.short
    return SHORT.get(name, name)


def color(name: str) -> str:
    """The loss's colour, the same on every page."""
    if (own := _formula(name, "")) is not None:
        return own.color
    return COLORS.get(name, NEUTRAL)


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
