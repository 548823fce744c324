"""The Loss reference page's content: registry metadata as tables and cards, and the losses
named in DengBoCong's survey of loss functions (:data:`SURVEY`) mapped onto the registry.

Everything shown is read from each loss's card in ``core.losses`` (formulas, gradients,
properties, what the loss reads its output as, framework equivalents, the PyTorch code the
"Reproduce this view" loops run, hyperparameters, references and the source of each loss
function); the worked examples in the survey table are computed by the registered losses when
the page runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core import losses

FRAMEWORKS = {"pytorch": "PyTorch", "keras": "Keras", "sklearn": "scikit-learn"}
#: The survey article whose TensorFlow/PyTorch names the page maps, by its subject and author.
SURVEY = "DengBoCong's survey of loss functions and their TensorFlow/PyTorch APIs"
#: Column of the survey table naming the APIs.
SURVEY_API = "API named in the survey"
TASKS = tuple(losses.TASKS)
PROPERTIES = tuple(losses.PROPERTIES)
PROPERTY_TITLES = {
    "convex": "convex",
    "differentiable": "differentiable",
    "bounded_gradient": "bounded gradient",
    "robust": "robust",
    "calibrated": "calibrated",
}


def all_losses() -> list[losses.Loss]:
    """Every registered loss, in registry order."""
    return list(losses.all_losses())


#: The summary table's columns on a projector (1280 px wide): each loss, its flags and its
#: PyTorch name; the registry name, hyperparameters, Keras and scikit-learn stay in the CSV
#: and in each loss's card below.
PRESENTER_COLUMNS = ("title", "task", *PROPERTY_TITLES.values(), FRAMEWORKS["pytorch"])

# --------------------------------------------------------------------------- controls

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults (so
#: a link holding one keeps it: Streamlit drops a URL value equal to a widget's own default)
#: and a lecture preset resets every key it does not name to them.
DEFAULTS: dict[str, object] = {"q": "", "tasks": list(TASKS), "props": [], "open": False}

#: Lecture presets: ``{button label: {URL key: value}}``, each setting every filter.
PRESETS: dict[str, dict[str, object]] = {
    "Robust regression losses": {
        "q": "",
        "tasks": ["regression"],
        "props": ["robust"],
        "open": False,
    },
    "Calibrated classification losses": {
        "q": "",
        "tasks": ["classification"],
        "props": ["calibrated"],
        "open": False,
    },
    "Huber vs Smooth L1": {"q": "huber", "tasks": ["regression"], "props": [], "open": True},
    "Every loss": {"q": "", "tasks": ["classification", "regression"], "props": [], "open": False},
}


def badges(loss: losses.Loss) -> str:
    """The loss's property flags as Markdown badges (green: has it; grey: has not)."""
    return " ".join(
        f":green-badge[{PROPERTY_TITLES[p]}]"
        if loss.properties[p]
        else f":gray-badge[not {PROPERTY_TITLES[p]}]"
        for p in PROPERTIES
    )


def reference_sentence(
    shown: Sequence[losses.Loss], total: int, survey: pd.DataFrame | None = None
) -> str:
    """How many losses match, how many have each property, which are convex and robust at once,
    and how the survey's names map onto the registry.

    Cases: nothing matches (no counts listed), no loss or several convex and robust at once.
    """
    n = len(shown)
    counts = {PROPERTY_TITLES[p]: sum(bool(x.properties[p]) for x in shown) for p in PROPERTIES}
    both = [
        f"{x.title} ({x.task})" for x in shown if x.properties["convex"] and x.properties["robust"]
    ]
    if n == 0:
        text = f"No loss among the {total} registered ones matches these filters."
    else:
        text = (
            f"{n} of {total} registered losses match: "
            + ", ".join(f"{c} {p}" for p, c in counts.items())
            + ". Convex and robust at once: "
            + (", ".join(both) if both else "none")
            + "."
        )
    if survey is not None:
        text += (
            f" All {len(SURVEY_NAMES)} losses named in the survey map onto "
            f"{survey['Loss Lab'].nunique()} registered ones."
        )
    return text


def output_text(loss: losses.Loss) -> str:
    """What the loss reads its raw output as (the card's ``output``), for its card."""
    text = losses.OUTPUTS[loss.output].split(": ", 1)[1]
    return text[0].upper() + text[1:] + "."


def torch_code(loss: losses.Loss) -> str | None:
    """The card's PyTorch per-sample loss as a function (``None``: no PyTorch counterpart)."""
    return losses.torch_source(loss, name=loss.name)


def hyper_text(loss: losses.Loss) -> str:
    """``"delta = 1 in (0, inf)"`` for each hyperparameter, or ``"—"``."""
    return (
        "; ".join(f"{h.name} = {h.default:g} in {h.interval}" for h in loss.hyperparameters) or "—"
    )


def matches(loss: losses.Loss, query: str, tasks: Sequence[str], props: Sequence[str]) -> bool:
    """Whether ``loss`` is of one of ``tasks``, has every property in ``props`` and mentions
    every word of ``query`` (case-insensitive) in its name, title, framework names or reference."""
    if loss.task not in tasks or not all(loss.properties.get(p, False) for p in props):
        return False
    text = " ".join(
        [loss.name, loss.title, loss.short, loss.task, loss.reference, *loss.equivalents.values()]
    ).lower()
    return all(word in text for word in query.lower().split())


def summary_table(selected: Sequence[losses.Loss]) -> pd.DataFrame:
    """One row per loss: task, name, title, the property flags, hyperparameters, framework names."""
    rows = []
    for loss in selected:
        row = {"task": loss.task, "name": loss.name, "title": loss.title}
        row |= {PROPERTY_TITLES[p]: bool(loss.properties[p]) for p in losses.PROPERTIES}
        row["hyperparameters"] = hyper_text(loss)
        row |= {title: loss.equivalents.get(k, "—") for k, title in FRAMEWORKS.items()}
        rows.append(row)
    return pd.DataFrame(rows)


def hyper_table(loss: losses.Loss) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"name": h.name, "default": h.default, "allowed": h.interval, "meaning": h.help}
            for h in loss.hyperparameters
        ]
    )


@st.cache_data(max_entries=64, show_spinner=False)
def source(task: str, name: str) -> str:
    """The loss function's own source code (``inspect.getsource``)."""
    return inspect.getsource(losses.get(name, task).fn)


# --------------------------------------------------------------------------- the survey's names


@dataclass(frozen=True)
class SurveyName:
    """A loss API named in the survey (:data:`SURVEY`) and where it lives in Loss Lab."""

    apis: str
    task: str
    name: str
    note: str
    example: Callable[[], str] | None = None


def _huber_vs_smooth_l1() -> str:
    y, e = np.zeros(1), np.full(1, 3.0)
    h = losses.get("huber", "regression")(y, e, delta=2.0)[0][0]
    s = losses.get("smooth_l1", "regression")(y, e, beta=2.0)[0][0]
    return f"residual 3, δ = β = 2: Huber = {h:g}, SmoothL1 = {s:g} (ratio {h / s:g} = δ)"


def _cosine_range() -> str:
    v = losses.get("cosine", "regression")(np.array([[1.0, 0.0]]), np.array([[-1.0, 0.0]]))[0][0]
    return f"y = [1, 0], ŷ = [−1, 0] gives {v:+g}: the value lies in [−1, 1], not only [−1, 0]"


def _mape_percent() -> str:
    v = losses.get("mape", "regression")(np.array([2.0]), np.array([3.0]))[0][0]
    return f"y = 2, ŷ = 3 gives {v:g} (a percent; scikit-learn reports {v / 100:g})"


def _kl_is_ce_minus_entropy() -> str:
    y = np.array([0])
    ce_loss = losses.get("cross_entropy", "classification")
    kl_loss = losses.get("kl_div", "classification")
    gaps, same = [], True
    for z in (np.array([[2.0, 0.0, -1.0]]), np.array([[-3.0, 1.0, 0.5]])):
        ce, kl = ce_loss(y, z, label_smoothing=0.1), kl_loss(y, z, label_smoothing=0.1)
        gaps.append(ce[0][0] - kl[0][0])
        same = same and np.allclose(ce[1], kl[1], rtol=1e-12, atol=1e-15)
    return (
        f"label 0, ε = 0.1: CE − KL = {gaps[0]:.4f} at logits [2, 0, −1] and {gaps[1]:.4f} at "
        f"[−3, 1, 0.5] (the target's entropy, whatever the logits); gradients "
        f"{'identical' if same else 'differ'}"
    )


def _binary_is_two_class() -> str:
    f = 1.5
    v = losses.get("cross_entropy", "classification")(np.array([1]), np.array([[0.0, f]]))
    return f"logit f = {f}, label 1: −log σ(f) = {v[0][0]:.4f} = 2-class CE on [0, f]"


def _hinge_binary() -> str:
    z = np.array([[0.2, 0.9]])
    v = losses.get("hinge", "classification")(np.array([1]), z)[0][0]
    return f"K = 2, logits [0.2, 0.9], label 1: max(0, 1 − (z₁ − z₀)) = {v:g}"


SURVEY_NAMES: tuple[SurveyName, ...] = (
    SurveyName(
        "TF BinaryCrossentropy, binary_crossentropy; PyTorch BCELoss, BCEWithLogitsLoss",
        "classification",
        "cross_entropy",
        "Binary CE on one logit f is 2-class softmax CE on [0, f]. BCELoss takes probabilities "
        "(log clamped at −100); BCEWithLogitsLoss and Keras from_logits=True take the logit and "
        "are the stable ones.",
        _binary_is_two_class,
    ),
    SurveyName(
        "TF CategoricalCrossentropy, categorical_crossentropy; PyTorch CrossEntropyLoss",
        "classification",
        "cross_entropy",
        "One-hot (or soft) targets. PyTorch takes logits; Keras takes probabilities unless "
        "from_logits=True. Both average over the batch by default; label smoothing as ε.",
    ),
    SurveyName(
        "TF SparseCategoricalCrossentropy, sparse_categorical_crossentropy",
        "classification",
        "cross_entropy",
        "The same loss with integer labels instead of one-hot rows (no label smoothing in Keras).",
    ),
    SurveyName(
        "TF KLD, KLDivergence; PyTorch KLDivLoss",
        "classification",
        "kl_div",
        "KL = CE − entropy of the target: same gradient as CE. KLDivLoss wants log-probabilities "
        "as input; its default reduction='mean' divides by n·K, use 'batchmean'.",
        _kl_is_ce_minus_entropy,
    ),
    SurveyName(
        "TF MAE, MeanAbsoluteError; PyTorch L1Loss, l1_loss",
        "regression",
        "mae",
        "Constant-size gradient sign(e), kink at 0 (subgradient 0 there).",
    ),
    SurveyName(
        "TF MAPE, MeanAbsolutePercentageError",
        "regression",
        "mape",
        "A percent: 100·|e|/|y| (|y| floored at 1e-7); scikit-learn's MAPE is a fraction.",
        _mape_percent,
    ),
    SurveyName(
        "TF Huber",
        "regression",
        "huber",
        "Quadratic up to δ, then linear with slope δ.",
    ),
    SurveyName(
        "PyTorch SmoothL1Loss, smooth_l1_loss",
        "regression",
        "smooth_l1",
        "The survey calls it 'also known as Huber': it is Huber divided by its threshold, "
        "Huber_δ = δ·SmoothL1_β=δ; the two agree only at δ = β = 1.",
        _huber_vs_smooth_l1,
    ),
    SurveyName(
        "TF MSE, MeanSquaredError; PyTorch MSELoss, mse_loss",
        "regression",
        "mse",
        "Gradient 2e shrinks near the target and grows with outliers.",
    ),
    SurveyName(
        "TF MSLE, MeanSquaredLogarithmicError",
        "regression",
        "msle",
        "Squared error of log(1 + ·): relative errors; targets must be ≥ 0.",
    ),
    SurveyName(
        "TF Hinge, hinge",
        "classification",
        "hinge",
        "Keras's Hinge is binary with labels ±1 (0/1 are mapped to ±1); for K = 2 our "
        "Crammer–Singer hinge is that hinge on f = z₁ − z₀.",
        _hinge_binary,
    ),
    SurveyName(
        "TF SquaredHinge, squared_hinge",
        "classification",
        "squared_hinge",
        "The hinge squared: differentiable at the margin, harsher on large violations.",
    ),
    SurveyName(
        "TF CategoricalHinge, categorical_hinge",
        "classification",
        "hinge",
        "Keras's categorical hinge is Crammer–Singer with Δ = 1, except that it differs when all "
        "wrong-class scores are negative (the masked target counts as 0).",
    ),
    SurveyName(
        "PyTorch HingeEmbeddingLoss (listed by the survey under hinge)",
        "classification",
        "multi_margin",
        "Not a classification hinge: it scores a distance x with labels ±1 (x if y = 1, "
        "max(0, Δ − x) if y = −1). PyTorch's multiclass hinge is MultiMarginLoss (Weston–Watkins).",
    ),
    SurveyName(
        "TF CosineSimilarity, cosine_similarity; PyTorch CosineEmbeddingLoss",
        "regression",
        "cosine",
        "Keras returns the negative similarity; the survey says it lies in [−1, 0], but it lies "
        "in [−1, 1]. CosineEmbeddingLoss uses 1 − cos.",
        _cosine_range,
    ),
)


@st.cache_data(max_entries=4, show_spinner=False)
def survey_table() -> pd.DataFrame:
    """The survey's APIs mapped onto registered losses, with live worked examples."""
    rows = []
    for a in SURVEY_NAMES:
        loss = losses.get(a.name, a.task)  # ValueError if the registry lacks it
        rows.append(
            {
                SURVEY_API: a.apis,
                "Loss Lab": f"{loss.title} ({a.task}/{a.name})",
                "what differs": a.note,
                "worked example (computed now)": a.example() if a.example else "",
            }
        )
    return pd.DataFrame(rows)
