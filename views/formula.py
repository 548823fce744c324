"""Your loss on the pages: the lecture presets that make a student's formula the lesson.

Each preset sets the formula box (:mod:`ui.formula_box`, URL key ``formula``) with every
other control its point depends on; its label is a claim its figure shows. Loss curves'
claims are about the curves on screen; Decision boundaries' one is about trained models and
holds in every one of 10 seeds. ``tests/views/test_formula_presets.py`` checks each with
``core``.
"""

from __future__ import annotations

#: The formulas of the presets, by what they show.
CAPPED_CE = "min(log(1 + exp(-m)), cap); cap = 2 in [0.5, 10]"
HINGE_BY_HAND = "max(0, 1 - m)"
WRITTEN_CE = "log(1 + exp(-m))"


def curve_presets() -> dict[str, dict[str, object]]:
    """Loss & gradient curves' presets with a formula: ``{label: {widget key: value}}``."""
    return {
        "Cross-entropy capped at 2: bounded, and far-wrong points stop pulling": {
            "task": "classification",
            "losses": ["cross_entropy"],
            "cross_entropy_label_smoothing": 0.0,
            "formula": CAPPED_CE,
            "formula_cap": 2.0,
            "range": 5.0,
            "at": 3.0,
            "log": False,
        },
        "Hinge by hand, max(0, 1 − m): zero gradient beyond the margin": {
            "task": "classification",
            "losses": ["cross_entropy", "hinge"],
            "cross_entropy_label_smoothing": 0.0,
            "hinge_margin": 1.0,
            "formula": HINGE_BY_HAND,
            "range": 4.0,
            "at": 2.0,
            "log": False,
        },
        "log(1 + exp(−m)) overflows as written; computed as softplus(−m) it is CE": {
            "task": "classification",
            "losses": ["cross_entropy"],
            "cross_entropy_label_smoothing": 0.0,
            "formula": WRITTEN_CE,
            "range": 20.0,
            "at": 10.0,
            "log": False,
        },
    }


#: Decision boundaries' preset: the seeds over which its claim is checked.
SEEDS = 10


def boundary_presets() -> dict[str, dict[str, object]]:
    """Decision boundaries' preset with a formula: hinge written by hand trains to the built-in
    hinge's weights (the same arithmetic from the same start: identical in 10 of 10 seeds)."""
    return {
        "Hinge by hand, max(0, 1 − m), draws hinge's boundary (identical in 10 of 10 seeds)": {
            "dataset": "moons",
            "losses": ["cross_entropy", "hinge"],
            "hinge_margin": 1.0,
            "formula": HINGE_BY_HAND,
            "layers": 1,
            "width": 32,
            "act": "tanh",
            "opt": "adam",
            "lr": 0.01,
            "epochs": 300,
            "flip": 0.0,
            "drive": True,
        },
    }
