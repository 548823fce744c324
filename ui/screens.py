"""The app's screens: the one list of pages, as data (no Streamlit).

Each :class:`Screen` is a page file, its menu label, icon and the question it answers;
:data:`PAGES` groups them as the sidebar shows them. The frame (:mod:`ui.frame`) draws the
title, the browser tab and the navigation from it, the home page its "Every page" cards, and
the warm-up (:mod:`serve.warmup`) visits the pages :func:`url_names` lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Screen:
    """One screen: its file, menu label, material icon, the question it answers and its view
    module (``views.<view>``: composition, sentences, and the page's ``DEFAULTS`` and
    ``PRESETS``)."""

    key: str
    path: str
    label: str
    icon: str
    question: str
    view: str


# fmt: off
PAGES: dict[str, list[Screen]] = {
    "Start": [
        Screen("home", "streamlit_app.py", "Loss Lab", ":material/home:",
               "What changes when only the loss changes?", "home"),
    ],
    "Losses up close": [
        Screen("loss_curves", "pages/1_Loss_curves.py", "Loss & gradient curves",
               ":material/show_chart:",
               "What does each loss charge for a margin or residual, and what gradient does it "
               "give back?", "curves"),
        Screen("gradient_anatomy", "pages/2_Gradient_anatomy.py", "Gradient anatomy",
               ":material/biotech:",
               "Why does MSE learn slowly through a sigmoid or softmax?", "anatomy"),
        Screen("loss_landscape", "pages/3_Loss_landscape.py", "Loss landscape",
               ":material/landscape:",
               "Is the problem convex, and where does gradient descent get stuck?", "landscape"),
        Screen("ce_for_regression", "pages/4_CE_for_regression.py", "CE for regression?",
               ":material/help:",
               "Why can't softmax + cross-entropy replace MSE for regression?", "ce_regression"),
    ],
    "Train and compare": [
        Screen("decision_boundaries", "pages/5_Decision_boundaries.py", "Decision boundaries",
               ":material/scatter_plot:",
               "What boundary does each loss draw on the same data, model and start?",
               "boundaries"),
        Screen("training_curves", "pages/6_Training_curves.py", "Training curves",
               ":material/trending_down:",
               "Which loss learns fastest, on train and test, over several seeds?", "training"),
        Screen("outlier_robustness", "pages/7_Outlier_robustness.py", "Outlier robustness",
               ":material/shield:",
               "What do outliers and flipped labels do to each loss?", "robustness"),
    ],
    "Reference": [
        Screen("loss_reference", "pages/8_Loss_reference.py", "Loss reference",
               ":material/menu_book:",
               "Every loss: formula, gradient, properties and its names in PyTorch, Keras and "
               "scikit-learn.", "reference"),
        Screen("lecture_path", "pages/9_Lecture_path.py", "Lecture path",
               ":material/route:",
               "Which views, in which order, with which claims? One link carries the path.",
               "lecture"),
    ],
}
# fmt: on

SCREENS: dict[str, Screen] = {s.key: s for group in PAGES.values() for s in group}


def page_name(path: str) -> str:
    """The URL name of a page file: ``pages/5_Decision_boundaries.py`` -> ``Decision_boundaries``
    (Streamlit drops the number prefix); the main script is ``""``."""
    if path == SCREENS["home"].path:
        return ""
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return re.sub(r"^\d+_", "", stem)


def url_names() -> list[str]:
    """URL names of every page that exists, home first."""
    return [
        page_name(s.path) for group in PAGES.values() for s in group if (ROOT / s.path).exists()
    ]
