"""Decision boundaries page: the takeaway, the caption, the divergence notes and the summary
table under the small multiples.

The runs, panels and their tables come from :mod:`ui.comparison` (shared with the home page
and the player), the figure from :mod:`ui.player`; this module says what the panels show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core import train
from core.boundaries import Panel
from core.experiment import ModelChoice
from ui import controls, identity, wording

# --------------------------------------------------------------------------- controls

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults and
#: a lecture preset resets every key it does not name to them.
DEFAULTS: dict[str, Any] = {
    **controls.dataset_defaults(controls.datasets_2d(), "spirals"),
    "flip": 0.0,
    **controls.model_defaults(
        {"layers": 2, "width": 32, "act": "tanh", "opt": "adam", "lr": 0.01, "epochs": 150}
    ),
    "losses": ["cross_entropy", "mse", "mae", "hinge"],
    **controls.loss_param_defaults("classification"),
    "epoch": None,  # the last snapshot of the run the other controls ask for
    "drive": True,
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``.
PRESETS: dict[str, dict[str, Any]] = {
    "MSE is slow on spirals": {
        "dataset": "spirals",
        "spirals_n_classes": 2,
        "losses": ["cross_entropy", "mse"],
        "layers": 2,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 100,
        "flip": 0.0,
        "drive": True,
    },
    "Hinge has no probabilities": {
        "dataset": "moons",
        "losses": ["cross_entropy", "hinge"],
        "layers": 1,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "flip": 0.0,
        "drive": True,
    },
    "3 classes: hinge stops pulling on half the points, CE on none": {
        "dataset": "blobs",
        "blobs_n_classes": 3,
        "blobs_noise": 1.5,
        "losses": ["cross_entropy", "hinge", "multi_margin"],
        "layers": 0,
        "opt": "adam",
        "lr": 0.05,
        "epochs": 200,
        "flip": 0.0,
        "drive": True,
    },
    "Label noise: MAE shrugs": {
        "dataset": "moons",
        "losses": ["cross_entropy", "mse", "mae", "gce"],
        "layers": 1,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "flip": 0.3,
        "drive": True,
    },
}

# --------------------------------------------------------------------------- takeaway


#: Losses whose exact zeros come from a margin (a point beyond it gives no gradient).
MARGIN_LOSSES = frozenset({"hinge", "squared_hinge", "multi_margin"})


def _extremes(values: dict[str, float], fmt: str) -> tuple[list[str], list[str]] | None:
    """The losses at the top and at the bottom of ``values`` (ties as printed with ``fmt``);
    ``None`` when every value prints the same."""
    hi, lo = max(values.values()), min(values.values())
    if wording.same(hi, lo, fmt):
        return None
    top = [n for n, v in values.items() if wording.same(v, hi, fmt)]
    bottom = [n for n, v in values.items() if wording.same(v, lo, fmt)]
    return top, bottom


def _who(losses: Sequence[str]) -> str:
    return wording.names([identity.short(n) for n in losses])


def _idle_sentences(panels: Sequence[Panel]) -> list[str]:
    """Which losses leave training points with exactly zero gradient, and why: beyond the
    margin (margin losses) or a saturated softmax (the others); the losses under which every
    point still pulls are named as the contrast."""
    idle = {p.loss: p.drivers.idle_fraction for p in panels}
    out = []
    idle_now = [n for n, x in idle.items() if x > 0]
    for group, why in (
        ([n for n in idle_now if n in MARGIN_LOSSES], "they are beyond the margin"),
        ([n for n in idle_now if n not in MARGIN_LOSSES], "the softmax has saturated there"),
    ):
        if not group:
            continue
        shares = wording.names([wording.share(idle[n]) for n in group])
        out.append(
            f"Under {_who(group)}, {shares} of the training points give exactly zero gradient "
            f"({why})."
        )
    pulling = [n for n, x in idle.items() if x == 0]
    if out and pulling:
        out.append(f"Under {_who(pulling)} every training point still pulls on the model.")
    return out


def takeaway(
    panels: Sequence[Panel],
    flipped: bool,
    diverged: dict[str, int | None] | None = None,
) -> str:
    """The computed "what you are seeing" sentence for the boundary small multiples.

    Cases: one loss; every loss at the same (printed) test accuracy; runs that diverged by
    this epoch (named, not ranked: their last finite model is no trained result); ties at the
    top or bottom (all tied losses named); exact-zero gradients explained by the margin only
    for margin losses (elsewhere a saturated softmax); gradient shares compared only when they
    differ as printed.
    """
    diverged = diverged or {}
    epoch = panels[0].epoch if panels else 0
    gone = [
        p.loss for p in panels if diverged.get(p.loss) is not None and epoch >= diverged[p.loss]
    ]
    ranked = [p for p in panels if p.loss not in gone]
    parts: list[str] = []
    if not ranked:
        parts.append(f"At epoch {epoch} every run has diverged: lower the learning rate.")
    elif len(ranked) == 1:
        p = ranked[0]
        parts.append(
            f"At epoch {epoch}, {identity.short(p.loss)} reaches {wording.pct(p.test_accuracy)} "
            "test accuracy."
        )
    else:
        acc = {p.loss: p.test_accuracy for p in ranked}
        ends = _extremes(acc, ".1%")
        if ends is None:
            some = "every loss" if not gone else "every loss that did not diverge"
            parts.append(
                f"At epoch {epoch} {some} scores {wording.pct(ranked[0].test_accuracy)} on the "
                "test points."
            )
        else:
            top, bottom = ends
            best, worst = acc[top[0]], acc[bottom[0]]
            if len(ranked) == 2:
                parts.append(
                    f"At epoch {epoch}, {_who(top)} scores {wording.pct(best)} on the test points "
                    f"and {_who(bottom)} {wording.pct(worst)}."
                )
            else:
                parts.append(
                    f"At epoch {epoch}, {_who(top)} {'score' if len(top) > 1 else 'scores'} best "
                    f"({wording.pct(best)} on the test points) and {_who(bottom)} worst "
                    f"({wording.pct(worst)})."
                )
    if gone:
        parts.append(
            "Diverged (last finite model shown, not ranked): "
            + ", ".join(f"{identity.short(n)} at epoch {diverged[n]}" for n in gone)
            + "."
        )
    if ranked:
        parts.extend(_idle_sentences(ranked))
    if flipped:
        field, what, only = "flagged_share", "The flipped points carry", "but only"
    else:
        field, what, only = "misclassified_share", "Misclassified training points carry", "but"
    shares = {p.loss: getattr(p.drivers, field) for p in ranked}
    shares = {n: v for n, v in shares.items() if np.isfinite(v)}
    relevant = flipped or any(
        p.drivers.misclassified_fraction > 0 for p in ranked if p.loss in shares
    )
    if len(shares) >= 2 and relevant:
        ends = _extremes(shares, ".0%")
        if ends is None:
            v = next(iter(shares.values()))
            parts.append(f"{what} {wording.share(v)} of every loss's gradient.")
        else:
            top, bottom = ends
            parts.append(
                f"{what} {wording.share(shares[top[0]])} of {_who(top)}'s gradient {only} "
                f"{wording.share(shares[bottom[0]])} of {_who(bottom)}'s."
            )
    return " ".join(parts)


# --------------------------------------------------------------------------- page text and table


def caption(ds, model: ModelChoice) -> str:
    """The line under the controls: data size, classes, model, same start."""
    return (
        f"{ds.title}: {len(ds.y_train)} training / {len(ds.y_test)} test points, "
        f"{ds.n_classes} classes · {model.describe} · the same initial weights for every loss"
    )


def divergence_notes(runs: dict[str, train.FitResult], lr: float) -> list[str]:
    """One warning per diverged run: when, and that its last finite model is shown."""
    return [
        f"{identity.title(n)} diverged at epoch {r.diverged_epoch} (learning rate {lr:g} is "
        "too high for it); its last finite model is shown."
        for n, r in runs.items()
        if r.diverged
    ]


def summary_frame(panels: Sequence[Panel], runs: dict[str, train.FitResult]) -> pd.DataFrame:
    """The table under the panels: accuracies and who drives learning, one row per loss."""
    table = pd.DataFrame(
        {
            "loss": [identity.title(p.loss) for p in panels],
            "epoch": [p.epoch for p in panels],
            "test accuracy": [p.test_accuracy for p in panels],
            "train accuracy": [p.train_accuracy for p in panels],
            "zero-gradient points": [p.drivers.idle_fraction for p in panels],
            "gradient share of misclassified": [p.drivers.misclassified_share for p in panels],
            "gradient share of flipped": [p.drivers.flagged_share for p in panels],
            "diverged at epoch": [wording.never(runs[p.loss].diverged_epoch) for p in panels],
        }
    )
    # without flipped labels the column would be empty: leave it out rather than show blanks
    if table["gradient share of flipped"].isna().all():
        table = table.drop(columns="gradient share of flipped")
    return table


#: Columns of :func:`summary_frame` shown as percentages.
PERCENT_COLUMNS = (
    "test accuracy",
    "train accuracy",
    "zero-gradient points",
    "gradient share of misclassified",
    "gradient share of flipped",
)


def styled_summary(table: pd.DataFrame) -> Any:
    """:func:`summary_frame` for :func:`ui.frame.table`: shares as percentages, "—" where a share is
    undefined (no gradient at all), never ``None``; the numbers stay numbers."""
    cols = [c for c in PERCENT_COLUMNS if c in table]
    return table.style.format("{:.1%}", subset=cols, na_rep="—").hide(axis="index")


SHADING_NOTE = (
    "Shading: predicted class, darker = more confident (probability; for margin losses the "
    "score up to the margin). Dark cells: the boundary. Filled dots: training points; "
    "hollow triangles: test points; black x: flipped label."
)
