"""Streamlit side of the "Loss & gradient curves" page: cached tables, charts and takeaways.

The numbers come from ``core.curves`` (which calls the loss registry); this module only caches
them, shapes them into tidy tables for Altair and CSV, and words the takeaways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core import curves, losses
from core.losses import LossParams
from present import charts, identity, state
from present.wording import REL_TOL, num, ratio, same_magnitude, verb
from present.wording import names as join  # "names" is a local variable here
from ui.charts import cached_spec

DEFAULT_LOSSES: dict[str, tuple[str, ...]] = {
    "classification": ("cross_entropy", "mse", "mae", "hinge"),
    "regression": ("mse", "mae", "huber", "log_cosh"),
}
#: The losses of the article's "who gets the gradient" claim, plus focal and GCE.
DEFAULT_WEIGHTS = ("cross_entropy", "mse", "mae", "focal", "gce")
#: Where the takeaway reads "hard" and "easy" samples off the weight curves.
P_HARD, P_EASY = 0.01, 0.99
N_POINTS = 401  # odd, so the grid contains 0 and the kinks at whole numbers for ranges like 5


def available(names: Iterable[str], task: str = "classification") -> list[str]:
    """The names that are registered for ``task``, in the given order."""
    registered = set(losses.names(task))
    return [n for n in names if n in registered]


def curve_names(task: str) -> list[str]:
    """Losses that can be drawn against a margin or residual (not the vector-valued ones)."""
    return [
        n
        for n in losses.names(task)
        if task == "classification" or losses.get(n, task=task).elementwise
    ]


def param_key(name: str, hp: str) -> str:
    """URL / widget key of a hyperparameter slider, e.g. ``huber_delta``."""
    return f"{name}_{hp}"


def slider_range(h: losses.Hyperparameter) -> tuple[float, float, float]:
    """``(low, high, step)`` for a hyperparameter slider: the loss's UI range in about 20-200
    steps of a round size (0.1, 0.01, ...)."""
    lo = h.ui_low if h.ui_low is not None else h.low
    hi = h.ui_high if h.ui_high is not None else h.high
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{h.name}: needs a finite ui_low/ui_high for a slider, got {lo}..{hi}")
    step = float(10 ** np.floor(np.log10((hi - lo) / 20)))
    return float(lo), float(hi), step


def label(task: str, name: str, params: Mapping[str, float]) -> str:
    """Legend label: the loss's short label with non-default hyperparameters, e.g.
    ``Huber (delta=2)``."""
    loss = losses.get(name, task=task)
    short = short_title(task, name)
    changed = {k: v for k, v in params.items() if v != loss.defaults.get(k)}
    if not changed:
        return short
    return f"{short} ({', '.join(f'{k}={v:g}' for k, v in changed.items())})"


def title(task: str, name: str) -> str:
    """The loss's display name (``present.identity``), for pickers."""
    return identity.title(name, task)


def short_title(task: str, name: str) -> str:
    """The loss's short label (``present.identity``: the one figures and sentences use)."""
    return identity.get(name, task).short


def _sentence_case(text: str) -> str:
    """``text`` with each sentence's first letter upper case: a short label such as "hinge"
    or "log-cosh" may open a sentence (letters outside a-z, e.g. "ε-insensitive", stay)."""
    return re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def labels(task: str, params: LossParams) -> list[str]:
    return [label(task, n, dict(p)) for n, p in params]


def colors(task: str, params: LossParams) -> dict[str, str]:
    """``{label: colour}`` of each loss, in order, from ``present.identity`` (blue is cross-entropy
    on every page)."""
    return {label(task, n, dict(p)): identity.color(n) for n, p in params}


def hyperparameters(task: str, name: str) -> tuple[losses.Hyperparameter, ...]:
    """The loss's hyperparameters (one slider each on the page)."""
    return tuple(losses.get(name, task=task).hyperparameters)


# --------------------------------------------------------------------------- controls


def _hyperparameter_defaults() -> dict[str, float]:
    """Every hyperparameter slider the page can draw (``<loss>_<name>``) and its default."""
    out = {}
    for task in ("classification", "regression"):
        for name in curve_names(task):
            for h in hyperparameters(task, name):
                lo, hi, _ = slider_range(h)
                out[param_key(name, h.name)] = float(min(max(h.default, lo), hi))
    return out


#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults (so
#: a link holding one keeps it: Streamlit drops a URL value equal to a widget's own default)
#: and a lecture preset resets every key it does not name to them.
def default_losses(task: str) -> list[str]:
    """The losses the page shows for ``task`` until the user picks others."""
    return available(DEFAULT_LOSSES[task], task)


#: The loss selection's old link keys, one per task (``?cls=``, ``?reg=``): old links still
#: open their view (:func:`old_links`); the key is ``losses`` on every page.
OLD_LOSS_KEYS = {"classification": "cls", "regression": "reg"}


def old_links(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """A link's query with ``cls=`` / ``reg=`` read as ``losses=`` (the one of the link's task;
    the other task's picker was not on screen, so its value never showed)."""
    task = (query.get("task") or ["classification"])[-1]
    return state.renamed(query, OLD_LOSS_KEYS.values(), "losses", OLD_LOSS_KEYS.get(task))


DEFAULTS: dict[str, object] = {
    "task": "classification",
    # the task's own default losses (default_losses): the widget works it out from the task
    "losses": None,
    "range": 5.0,
    "at": 3.0,
    "log": False,
    "y": 1.0,
    "who": available(DEFAULT_WEIGHTS),
    **_hyperparameter_defaults(),
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``, each
#: setting every control its point depends on (task, losses, range, comparison point, scale
#: and the hyperparameters of the losses it shows).
PRESETS: dict[str, dict[str, object]] = {
    # the lecture's own comparison: why cross-entropy and not squared error for classification
    "CE vs MSE: MSE barely pulls on a confidently wrong point": {
        "task": "classification",
        "losses": ["cross_entropy", "mse"],
        "cross_entropy_label_smoothing": 0.0,
        "range": 6.0,
        "at": 4.0,
        "log": False,
    },
    "Hinge ignores points beyond the margin": {
        "task": "classification",
        "losses": ["cross_entropy", "hinge"],
        "hinge_margin": 1.0,
        "cross_entropy_label_smoothing": 0.0,
        "range": 4.0,
        "at": 2.0,
        "log": False,
    },
    "Huber: quadratic near 0, MAE's slope far away": {
        "task": "regression",
        "losses": ["mse", "mae", "huber"],
        "huber_delta": 1.0,
        "range": 4.0,
        "at": 3.0,
        "log": False,
    },
    "Focal down-weights easy points": {
        "task": "classification",
        "losses": ["cross_entropy", "focal"],
        "focal_gamma": 2.0,
        "cross_entropy_label_smoothing": 0.0,
        "range": 5.0,
        "at": 2.0,
        "log": False,
    },
    "Label smoothing pushes back": {
        "task": "classification",
        "losses": ["cross_entropy"],
        "cross_entropy_label_smoothing": 0.1,
        "range": 8.0,
        "at": 6.0,
        "log": False,
    },
    "Robust losses cap the pull of outliers": {
        "task": "regression",
        "losses": ["mse", "huber", "log_cosh", "cauchy"],
        "huber_delta": 1.0,
        "cauchy_scale": 1.0,
        "range": 10.0,
        "at": 8.0,
        "log": True,
    },
}


def needs_target(task: str, names: Sequence[str]) -> bool:
    """Whether a regression loss among ``names`` depends on the target itself (MSLE, MAPE)."""
    return task == "regression" and any(curves.depends_on_target(n) for n in names)


def formulas(task: str, name: str) -> tuple[str, str, str]:
    """``(title, value LaTeX, gradient LaTeX)`` of a registered loss."""
    loss = losses.get(name, task=task)
    return loss.title, loss.formula_latex, loss.grad_latex


def frozen(task: str, names: Sequence[str], values: Mapping[str, float]) -> LossParams:
    """The hashable ``LossParams`` of ``names``: each hyperparameter from ``values`` (widget key ->
    value, e.g. ``st.session_state``), its default when absent."""
    return tuple(
        (
            n,
            tuple(
                (h.name, float(values.get(param_key(n, h.name), h.default)))
                for h in hyperparameters(task, n)
            ),
        )
        for n in names
    )


@st.cache_data(max_entries=64, show_spinner=False)
def curve_table(task: str, params: LossParams, x_max: float, target: float = 0.0) -> pd.DataFrame:
    """Value and gradient of each loss on ``N_POINTS`` margins/residuals in ``[-x_max, x_max]``.

    Columns: ``loss`` (legend label), ``name``, ``x``, ``value``, ``gradient``.
    """
    x = np.linspace(-x_max, x_max, N_POINTS)
    frames = []
    for (name, p), lab in zip(params, labels(task, params), strict=True):
        if task == "classification":
            v, g = curves.margin_curve(name, x, dict(p))
        else:
            v, g = curves.residual_curve(name, x, dict(p), target=target)
        frames.append(pd.DataFrame({"loss": lab, "name": name, "x": x, "value": v, "gradient": g}))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def probe_table(task: str, params: LossParams, at: float, target: float = 0.0) -> pd.DataFrame:
    """Value and gradient of each loss at ``-at`` and ``+at`` exactly (not interpolated)."""
    rows = []
    for (name, p), lab in zip(params, labels(task, params), strict=True):
        for x in (-at, at):
            v, g = curves.value_and_grad_at(task, name, x, dict(p), target=target)
            # + 0.0 turns a subgradient's -0.0 into 0.0 (shown as "0", not "-0")
            rows.append({"loss": lab, "name": name, "x": x, "value": v + 0.0, "gradient": g + 0.0})
    return pd.DataFrame(rows)


@st.cache_data(max_entries=64, show_spinner=False)
def weight_table(params: LossParams) -> pd.DataFrame:
    """ "Who gets the gradient": raw and normalised weights over ``p_t`` for each loss.

    Columns: ``loss``, ``name``, ``p_t``, ``dL_dpt``, ``dL_dzt`` and the same normalised to 1 at
    ``p_t = 1/2`` (``dL_dpt_rel``, ``dL_dzt_rel``).
    """
    p = curves.p_grid()
    frames = []
    for (name, hp), lab in zip(params, labels("classification", params), strict=True):
        w_p, w_z = curves.target_probability_weights(name, p, dict(hp))
        frames.append(
            pd.DataFrame(
                {
                    "loss": lab,
                    "name": name,
                    "p_t": p,
                    "dL_dpt": w_p,
                    "dL_dzt": w_z,
                    "dL_dpt_rel": curves.normalise(p, w_p),
                    "dL_dzt_rel": curves.normalise(p, w_z),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=16, show_spinner=False)
def claim_numbers() -> dict[str, dict[str, float]] | None:
    """The article's claim in numbers, for CE, MSE and MAE at their defaults.

    ``{name: {"hard": w(P_HARD), "easy": w(P_EASY), "peak_z": argmax of |dL/dz_t|,
    "hard_z": |dL/dz_t|(P_HARD) / max}}`` with ``w`` = |dL/dp_t| normalised at 1/2;
    ``None`` if one of the three losses is not registered.
    """
    names = ("cross_entropy", "mse", "mae")
    if available(names, "classification") != list(names):
        return None
    p = curves.p_grid()
    probes = np.array([P_HARD, 0.5, P_EASY])
    out = {}
    for name in names:
        w_p, _ = curves.target_probability_weights(name, probes)
        _, w_z = curves.target_probability_weights(name, p)
        _, w_z_hard = curves.target_probability_weights(name, probes[:1])
        out[name] = {
            "hard": float(w_p[0] / w_p[1]),
            "easy": float(w_p[2] / w_p[1]),
            "peak_z": curves.peak(p, w_z),
            "hard_z": float(w_z_hard[0] / np.max(w_z)),
        }
    return out


# --------------------------------------------------------------------------- charts


def loss_chart(task: str, params: LossParams, x_max: float, target: float, log_y: bool, y: str):
    """Each loss's ``y`` column of :func:`curve_table` against the margin (or residual), in its
    identity colour; ``y`` is ``"value"`` or ``"gradient"``."""
    d = "dL/dm" if task == "classification" else "dL/de"
    title, y_title = ("Loss value", "loss L") if y == "value" else (f"Gradient {d}", d)
    return charts.lines(
        curve_table(task, params, x_max, target),
        "x",
        y,
        "loss",
        title,
        x_title=margin_title(task),
        y_title=y_title,
        log_y=log_y,
        colors=colors(task, params),
        legend_title="loss",
    )


@cached_spec
def value_chart(task: str, params: LossParams, x_max: float, target: float, log_y: bool):
    """Each loss's value against the margin (or residual), in its identity colour."""
    return loss_chart(task, params, x_max, target, log_y, "value")


@cached_spec
def gradient_chart(task: str, params: LossParams, x_max: float, target: float, log_y: bool):
    """Each loss's gradient against the margin (or residual)."""
    return loss_chart(task, params, x_max, target, log_y, "gradient")


#: Linear y range of the weight charts: CE's 1/p_t (unbounded) would flatten every other curve.
WEIGHT_Y_MAX = 4.0
#: The weight charts: column of :func:`weight_table` -> (title, y-axis title).
WEIGHTS = {
    "dL_dpt_rel": ("Weight on p_t: |dL/dp_t|", "relative weight (1 at p_t = 0.5)"),
    "dL_dzt_rel": ("Push on the logit: |dL/dz_t|", "relative push (1 at p_t = 0.5)"),
}


def weight_chart(params: LossParams, column: str, log_y: bool):
    """Normalised weights (a column of :data:`WEIGHTS`) against ``p_t``; linear charts are cut
    at ``WEIGHT_Y_MAX``."""
    title, y_title = WEIGHTS[column]
    return charts.lines(
        weight_table(params),
        "p_t",
        column,
        "loss",
        title,
        x_title="target probability p_t",
        y_title=y_title,
        log_y=log_y,
        colors=colors("classification", params),
        legend_title="loss",
        zero_rule=False,
        y_domain=(0.0, WEIGHT_Y_MAX),
    )


@cached_spec
def weight_p_chart(params: LossParams, log_y: bool):
    """|dL/dp_t| of each loss, normalised to 1 at p_t = 1/2."""
    return weight_chart(params, "dL_dpt_rel", log_y)


@cached_spec
def weight_z_chart(params: LossParams, log_y: bool):
    """|dL/dz_t| of each loss, normalised to 1 at p_t = 1/2."""
    return weight_chart(params, "dL_dzt_rel", log_y)


def margin_title(task: str) -> str:
    if task == "classification":
        return "margin m = z_t − z_other (logits, K = 2)"
    return "residual e = prediction − target"


# --------------------------------------------------------------------------- takeaways

#: Margin losses: trained on scores (logits), never asked for probabilities.
MARGIN_LOSSES = frozenset(losses.names("classification", output="margin"))
#: Losses measured in percent of the target, not in the target's units.
PERCENT_LOSSES = frozenset(
    n for n in losses.names("regression") if losses.get(n, "regression").percent
)
#: From this margin on, a point is called "confidently" right or wrong (p_t = σ(2) = 0.88).
CONFIDENT_MARGIN = 2.0


@dataclass(frozen=True)
class MarginProbe:
    """One classification loss's gradient dL/dm at margins ``-at`` (wrong) and ``+at`` (right)."""

    label: str
    name: str
    wrong: float
    right: float


@dataclass(frozen=True)
class ResidualProbe:
    """One regression loss's value and gradient at residuals ``-at`` and ``+at``."""

    label: str
    name: str
    value_neg: float
    grad_neg: float
    value_pos: float
    grad_pos: float


def margin_probes(probes: pd.DataFrame, at: float) -> list[MarginProbe]:
    """The rows of :func:`probe_table` (classification) as :class:`MarginProbe` values."""
    return [
        MarginProbe(r.Index, str(r.name_pos), float(r.gradient_neg), float(r.gradient_pos))
        for r in _sides(probes, at).itertuples()
    ]


def residual_probes(probes: pd.DataFrame, at: float) -> list[ResidualProbe]:
    """The rows of :func:`probe_table` (regression) as :class:`ResidualProbe` values."""
    return [
        ResidualProbe(
            r.Index,
            str(r.name_pos),
            float(r.value_neg),
            float(r.gradient_neg),
            float(r.value_pos),
            float(r.gradient_pos),
        )
        for r in _sides(probes, at).itertuples()
    ]


def curves_takeaway(task: str, probes: pd.DataFrame, at: float) -> str:
    """The computed sentence under the curves: each loss's gradient at ``-at`` and ``+at``."""
    if task == "classification":
        return classification_sentence(margin_probes(probes, at), at)
    return regression_sentence(residual_probes(probes, at), at)


def curves_headline(task: str, probes: pd.DataFrame, at: float) -> str:
    """The curves in one sentence: which loss pushes hardest on a wrong point (or pulls
    hardest at a residual) and which ignores a right one; at most 25 words."""
    if task == "classification":
        ps = _unique(margin_probes(probes, at))
        if not ps:
            return "Choose a loss to see its gradient."
        pushing = [p for p in ps if p.wrong != 0]
        if at == 0 or not pushing:
            return (
                f"At margin {num(-at)}: "
                + "; ".join(f"{p.label} {num(p.wrong)}" for p in ps[:4])
                + "."
            )
        top = _top(pushing, lambda p: abs(p.wrong))
        text = (
            f"At margin {num(-at)} (wrong), {join([p.label for p in top])} "
            f"{verb(top, 'pushes', 'push')} hardest ({num(top[0].wrong)})"
        )
        idle = [p.label for p in ps if p.right == 0]
        if idle:
            text += (
                f"; at {num(at)} (right) {join(idle)} {verb(idle, 'ignores', 'ignore')} the point"
            )
        elif len(ps) > 1:
            low = min(ps, key=lambda p: abs(p.right))
            text += f"; at {num(at)} (right) {low.label} pushes least ({num(low.right)})"
        text += "."
        if len(text.split()) > 25:
            text = text.split(";")[0] + "."
        return text
    rs = [p for p in _unique(residual_probes(probes, at)) if p.name not in PERCENT_LOSSES]
    rs = rs or _unique(residual_probes(probes, at))
    if not rs:
        return "Choose a loss to see its gradient."
    hi = max(rs, key=lambda p: abs(p.grad_pos))
    lo = min(rs, key=lambda p: abs(p.grad_pos))
    if len(rs) == 1 or same_magnitude(hi.grad_pos, lo.grad_pos):
        who = join([p.label for p in rs])
        return f"At residual {num(at)}, {who} {verb(rs, 'pulls', 'pull')} with {num(hi.grad_pos)}."
    text = (
        f"At residual {num(at)}, {hi.label} pulls hardest ({num(hi.grad_pos)}) and {lo.label} "
        f"least ({num(lo.grad_pos)})."
    )
    if len(text.split()) > 25:
        text = f"At residual {num(at)}, {hi.label} pulls hardest ({num(hi.grad_pos)})."
    return text


def weights_headline(weights: pd.DataFrame) -> str:
    """Who pushes the hardest sample hardest through the softmax, in one sentence."""
    hardest, peaks = [], []
    for lab, d in weights.groupby("loss", sort=False):
        p, w = d["p_t"].to_numpy(), d["dL_dzt"].to_numpy()
        if not w.size or float(np.max(w)) <= 0:
            continue
        at_top = p[w >= float(np.max(w)) * (1 - 1e-9)]
        (hardest if at_top.min() == p.min() else peaks).append((str(lab), float(at_top.min())))
    if not hardest and not peaks:
        return "Through the softmax no selected loss pushes the logit anywhere."
    text = "Through the softmax, "
    if hardest:
        names = [h[0] for h in hardest]
        text += f"{join(names)} {verb(names, 'pushes', 'push')} the hardest sample hardest"
    if peaks:
        listed = join([f"{lab} at p_t = {num(x)}" for lab, x in peaks])
        text += ("; " if hardest else "the push on the logit peaks for ") + (
            f"{listed}" if not hardest else f"the push peaks for {listed}"
        )
    text += "."
    if len(text.split()) > 25:
        text = text.split(";")[0] + "."
    return text


def _at(probes: pd.DataFrame, x: float) -> pd.DataFrame:
    # At x = 0 the probes at -x and +x coincide: keep one row per loss.
    return probes[np.isclose(probes["x"], x)].drop_duplicates("loss").set_index("loss")


def _sides(probes: pd.DataFrame, at: float) -> pd.DataFrame:
    """One row per loss (the index): its probe at ``-at`` (columns ``name_neg``, ``value_neg``,
    ``gradient_neg``, ...) beside its probe at ``+at`` (``name_pos``, ...)."""
    neg, pos = _at(probes, -at), _at(probes, at)
    return neg.merge(pos, how="left", left_index=True, right_index=True, suffixes=("_neg", "_pos"))


def _unique(items: Sequence) -> list:
    """``items`` without repeated labels (a loss is never compared with itself)."""
    seen: dict[str, object] = {}
    for it in items:
        seen.setdefault(it.label, it)
    return list(seen.values())


def _coincide(items: Sequence, values) -> tuple[list, list[str]]:
    """Group items whose ``values(item)`` agree to 1e-12 (relative): one representative per
    group, and a sentence naming each group of two or more ("A and B coincide here")."""
    groups: list[list] = []
    for it in items:
        for g in groups:
            if all(
                abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1e-300)
                for a, b in zip(values(g[0]), values(it), strict=True)
            ):
                g.append(it)
                break
        else:
            groups.append([it])
    notes = [
        f"{join([x.label for x in g])} coincide here (the same gradients at both points)."
        for g in groups
        if len(g) > 1
    ]
    return [g[0] for g in groups], notes


def _top(items: Sequence, size) -> list:
    """The items tied (within ``REL_TOL``) with the largest ``size``."""
    hi = max(size(x) for x in items)
    return [x for x in items if same_magnitude(size(x), hi)]


def _compare(items: Sequence, size, verb_s: str, verb_p: str) -> str:
    """``"A pushes 24.5× as hard as B"`` between the strictly largest and smallest ``size``, or
    ``"A and B push equally hard (within 1%)"`` when those two are tied.

    ``items`` have distinct labels and non-zero sizes. Items tied (within ``REL_TOL``) with an
    extreme are named as "about as hard as" it, so no loss is hidden and none is compared with
    itself.
    """
    hi = max(items, key=size)
    lo = min(items, key=size)
    if same_magnitude(size(hi), size(lo)):
        names = [x.label for x in items]
        return f"{join(names)} {verb(names, verb_s, verb_p)} equally hard (within {REL_TOL:.0%})."
    text = f"{hi.label} {verb_s} {ratio(size(hi), size(lo))} as hard as {lo.label}"
    for end in (hi, lo):
        near = [
            x.label
            for x in items
            if x is not end and x is not hi and x is not lo and same_magnitude(size(x), size(end))
        ]
        if near:
            text += (
                f"; {join(near)} {verb(near, verb_s, verb_p)} about as hard as {end.label} "
                f"(within {REL_TOL:.0%})"
            )
    return text + "."


def classification_sentence(probes: Sequence[MarginProbe], at: float) -> str:
    """Each loss's dL/dm at margins ``-at`` and ``+at``, and what the numbers say.

    Cases: a single loss (no comparison), losses that coincide (said once, then compared as
    one), ties within ``REL_TOL`` ("equally hard"), zero gradients ("ignores"), positive
    gradients on the right point ("pushes back"), margins below :data:`CONFIDENT_MARGIN`
    (not called "confidently" right or wrong).
    """
    probes = _unique(probes)
    if at == 0:
        head = "Gradient dL/dm at margin 0 (an undecided point): "
    else:
        conf = "confidently " if at >= CONFIDENT_MARGIN else ""
        head = f"Gradient dL/dm at margin {num(-at)} ({conf}wrong) vs {num(at)} ({conf}right): "
    text = head + "; ".join(f"{p.label} {num(p.wrong)} vs {num(p.right)}" for p in probes) + "."
    if not probes:
        return text
    reps, notes = _coincide(probes, lambda p: (p.wrong, p.right))
    text += "".join(" " + n for n in notes)
    if len(reps) > 1:
        pushing = [p for p in reps if p.wrong != 0]
        if not pushing:
            text += " No loss pushes the wrong point."
        else:
            top = _top(pushing, lambda p: abs(p.wrong))
            if len(top) == len(reps):
                names = [p.label for p in reps]
                text += f" {join(names)} push the wrong point equally hard (within {REL_TOL:.0%})."
            else:
                text += (
                    f" The wrong point gets the strongest push from {join([p.label for p in top])}."
                )
    forward = [p for p in reps if p.right < 0]
    if len(forward) > 1:
        text += " On the right point, " + _compare(
            forward, lambda p: abs(p.right), "pushes", "push"
        )
    ignored = [p for p in probes if p.right == 0]
    if ignored and at != 0:
        names = [p.label for p in ignored]
        why = (
            "gradient exactly 0: the point is beyond the margin"
            if all(p.name in MARGIN_LOSSES for p in ignored)
            else "gradient exactly 0 here"
        )
        text += (
            f" {join(names)} {verb(names, 'ignores', 'ignore')} the right point entirely ({why})."
        )
    pushed_back = [p for p in probes if p.right > 0 and at != 0]
    if pushed_back:
        names = [p.label for p in pushed_back]
        text += (
            f" {join(names)} {verb(names, 'pushes', 'push')} the right point back (positive "
            "gradient: its optimum is at a finite margin)."
        )
    return _sentence_case(text)


def regression_sentence(probes: Sequence[ResidualProbe], at: float) -> str:
    """Each loss's charge and pull at residual ``at`` (and ``-at`` where it differs), compared.

    Cases: a single loss, losses that coincide, ties within ``REL_TOL``, zero pulls, and units:
    a percentage loss (MAPE) is named as such and not compared with losses in the target's
    units.
    """
    probes = _unique(probes)
    parts = []
    for p in probes:
        unit = " (in % of |y|)" if p.name in PERCENT_LOSSES else ""
        part = f"{p.label}{unit} charges {num(p.value_pos)} and pulls with {num(p.grad_pos)}"
        if not np.isclose(p.grad_neg, -p.grad_pos) or not np.isclose(p.value_neg, p.value_pos):
            part += f" (at {num(-at)}: {num(p.value_neg)}, {num(p.grad_neg)})"
        parts.append(part)
    text = f"At residual {num(at)}: " + "; ".join(parts) + "."
    same_units = [p for p in probes if p.name not in PERCENT_LOSSES]
    reps, notes = _coincide(
        same_units, lambda p: (p.value_neg, p.grad_neg, p.value_pos, p.grad_pos)
    )
    text += "".join(
        " " + n.replace("gradients at both points", "values and gradients") for n in notes
    )
    idle = [p for p in reps if p.grad_pos == 0]
    if idle and at != 0:
        names = [p.label for p in idle]
        text += f" {join(names)} {verb(names, 'does', 'do')} not pull at all at residual {num(at)}."
    pulling = [p for p in reps if p.grad_pos != 0]
    if len(pulling) > 1:
        text += f" At residual {num(at)}, " + _compare(
            pulling, lambda p: abs(p.grad_pos), "pulls", "pull"
        )
    percent = [p.label for p in probes if p.name in PERCENT_LOSSES]
    if percent and len(probes) > len(percent):
        text += (
            f" ({join(percent)} {verb(percent, 'is', 'are')} a percentage of |y|, so "
            f"{verb(percent, 'it is', 'they are')} not compared with the others.)"
        )
    return _sentence_case(text)


def weights_takeaway(weights: pd.DataFrame) -> str:
    """Where each selected loss's push through the softmax peaks, from the weight table."""
    rows = []
    for lab, d in weights.groupby("loss", sort=False):
        rows.append((str(lab), str(d["name"].iloc[0]), d["p_t"].to_numpy(), d["dL_dzt"].to_numpy()))
    return weights_sentence(rows)


def weights_sentence(rows: Sequence[tuple[str, str, np.ndarray, np.ndarray]]) -> str:
    """Where ``|dL/dz_t|`` is largest for each ``(label, name, p_t grid, |dL/dz_t|)``.

    Cases: curves that coincide (named once), a flat maximum over a range of ``p_t`` (reported
    as the range, not as a peak at its first point), a curve that is zero everywhere, a peak at
    the smallest ``p_t`` shown (the harder the sample, the harder the push), and margin losses
    (their ``p_t`` is the sigmoid of a score, not a probability they were trained to give).
    """
    groups: list[list[tuple]] = []
    for r in {r[0]: r for r in rows}.values():
        for g in groups:
            if g[0][2].shape == r[2].shape and np.allclose(g[0][3], r[3], rtol=1e-9, atol=0):
                g.append(r)
                break
        else:
            groups.append([r])
    parts, hardest = [], []
    for g in groups:
        names = [r[0] for r in g]
        p, w = g[0][2], g[0][3]
        who = join(names) + (" (identical curves)" if len(names) > 1 else "")
        top = float(np.max(w)) if w.size else 0.0
        if top <= 0:
            parts.append(f"{who}: no push anywhere")
            continue
        at_top = p[w >= top * (1 - 1e-9)]
        if at_top.size > 1 and not same_magnitude(at_top.min(), at_top.max(), 1e-9):
            parts.append(f"{who} flat from p_t = {num(at_top.min())} to {num(at_top.max())}")
        else:
            parts.append(f"{who} at p_t = {num(at_top.min())}")
        if at_top.min() == p.min():
            hardest += names
    text = "Through the softmax, the push on the logit |dL/dz_t| is largest for: "
    text += "; ".join(parts) + "."
    if hardest:
        text += (
            f" For {join(hardest)} the largest push is at the smallest p_t shown "
            f"({num(min(r[2].min() for r in rows))}): the hardest sample shown is pushed "
            "hardest."
        )
    margin = [r[0] for r in rows if r[1] in MARGIN_LOSSES]
    if margin:
        text += (
            f" {join(margin)} {verb(margin, 'is a margin loss', 'are margin losses')}: "
            "trained on scores, so p_t here is only the sigmoid of the margin, not a "
            "probability it was asked to give."
        )
    return text


def claim_text(c: Mapping[str, Mapping[str, float]]) -> str:
    """The claim of the article "Can cross-entropy do regression, can MSE do classification?"
    made precise, with the numbers from :func:`claim_numbers`.

    MSE's weight is quoted with one definition, the one plotted: :math:`|dL/dp_t| = 4(1 - p_t)`
    for :math:`\\sum_k (p_k - Y_k)^2` with :math:`K = 2`, and through the softmax
    :math:`4 p_t (1 - p_t)^2`.
    """
    ce, mse, mae = c["cross_entropy"], c["mse"], c["mae"]
    return (
        f"**The claim of the article “Can CE do regression, can MSE do classification?”, made "
        f"precise.** Looking only at the target probability "
        f"(|dL/dp_t|, normalised to 1 at p_t = 0.5), a hard sample (p_t = {P_HARD}) gets "
        f"{num(ce['hard'])}× an undecided sample's weight under CE, {num(mse['hard'])}× under "
        f"MSE and {num(mae['hard'])}× under MAE; an easy one (p_t = {P_EASY}) gets "
        f"{num(ce['easy'])}×, {num(mse['easy'])}× and {num(mae['easy'])}×. So *CE focuses on "
        f"hard samples* (1/p_t, unbounded) and *MAE treats all equally* — both true in this "
        f"view. *MSE focuses on easy samples* is loose: its weight 4(1 − p_t) also falls as p_t "
        f"rises, it just favours hard samples far less than CE does.\n\n"
        f"What training sees is the gradient on the logit, through the softmax Jacobian "
        f"p_t(1 − p_t). There the picture changes: CE's push 1 − p_t is largest for the hardest "
        f"samples (peak at p_t = {num(ce['peak_z'])}); MSE's 4p_t(1 − p_t)² peaks at "
        f"p_t = {num(mse['peak_z'])} and gives the hardest sample only {mse['hard_z']:.1%} of "
        f"that; MAE's 2p_t(1 − p_t) is **not** uniform: it peaks at p_t = {num(mae['peak_z'])} "
        f"and gives the hardest sample {mae['hard_z']:.1%} of its peak: MAE barely pushes the "
        f"points it gets badly wrong, so it fits them slowly (flipped labels included)."
    )
