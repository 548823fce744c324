"""Streamlit side of the "Loss & gradient curves" page: cached tables, charts and takeaways.

The numbers come from ``core.curves`` (which calls the loss registry); this module only caches
them, shapes them into tidy tables for Altair and CSV, and words the takeaways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import curves, losses
from core.losses import LossParams
from ui import charts

#: Frozen hyperparameters, hashable for the cache: ``((loss, ((hp, value), ...)), ...)``.

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


def presets() -> dict[str, dict[str, object]]:
    """The page's lecture presets: ``{button label: {widget key: value}}``."""
    cls, reg = available, lambda names: available(names, "regression")
    return {
        "Hinge ignores points beyond the margin": {
            "task": "classification", "cls": cls(["cross_entropy", "hinge"]),
            "hinge_margin": 1.0, "range": 4.0, "at": 2.0,
        },
        "Huber = MSE near 0, MAE far away": {
            "task": "regression", "reg": reg(["mse", "mae", "huber"]),
            "huber_delta": 1.0, "range": 4.0, "at": 3.0, "log": False,
        },
        "Focal down-weights easy points": {
            "task": "classification", "cls": cls(["cross_entropy", "focal"]),
            "focal_gamma": 2.0, "range": 5.0, "at": 2.0, "log": False,
        },
        "Label smoothing pushes back": {
            "task": "classification", "cls": cls(["cross_entropy"]),
            "cross_entropy_label_smoothing": 0.1, "range": 8.0, "at": 6.0,
        },
        "Robust losses cap the pull of outliers": {
            "task": "regression", "reg": reg(["mse", "huber", "log_cosh", "cauchy"]),
            "range": 10.0, "at": 8.0, "log": True,
        },
    }  # fmt: skip


def curve_names(task: str) -> list[str]:
    """Losses that can be drawn against a margin or residual (not the vector-valued ones)."""
    return [
        n for n in losses.names(task)
        if task == "classification" or losses.get(n, task=task).elementwise
    ]  # fmt: skip


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
    """Legend label: the loss's short title with non-default hyperparameters, e.g.
    ``Huber (delta=2)``."""
    loss = losses.get(name, task=task)
    short = short_title(task, name)
    changed = {k: v for k, v in params.items() if v != loss.defaults.get(k)}
    if not changed:
        return short
    return f"{short} ({', '.join(f'{k}={v:g}' for k, v in changed.items())})"


def short_title(task: str, name: str) -> str:
    """The title without its parenthesis, unless that would clash with another loss's."""
    title = losses.get(name, task=task).title
    short = title.split(" (")[0]
    others = [losses.get(n, task=task).title.split(" (")[0] for n in losses.names(task)]
    return short if others.count(short) == 1 else title


def labels(task: str, params: LossParams) -> list[str]:
    return [label(task, n, dict(p)) for n, p in params]


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


def value_chart(df: pd.DataFrame, task: str, *, log_y: bool, domain: Sequence[str]) -> alt.Chart:
    x_title = margin_title(task)
    return charts.lines(
        df, "x", "value", "loss", "Loss value", x_title=x_title, y_title="loss L",
        log_y=log_y, color_domain=domain, legend_title="loss",
    )  # fmt: skip


def gradient_chart(df: pd.DataFrame, task: str, *, log_y: bool, domain: Sequence[str]) -> alt.Chart:
    d = "dL/dm" if task == "classification" else "dL/de"
    return charts.lines(
        df, "x", "gradient", "loss", f"Gradient {d}", x_title=margin_title(task), y_title=d,
        log_y=log_y, color_domain=domain, legend_title="loss",
    )  # fmt: skip


#: Linear y range of the weight charts: CE's 1/p_t (unbounded) would flatten every other curve.
WEIGHT_Y_MAX = 4.0


def weight_chart(df: pd.DataFrame, column: str, title: str, y_title: str, *, log_y: bool):
    """Normalised weights against ``p_t``; linear charts are cut at ``WEIGHT_Y_MAX``."""
    return charts.lines(
        df, "p_t", column, "loss", title, x_title="target probability p_t", y_title=y_title,
        log_y=log_y, color_domain=list(dict.fromkeys(df["loss"])), legend_title="loss",
        zero_rule=False, y_domain=(0.0, WEIGHT_Y_MAX),
    )  # fmt: skip


@st.cache_data(max_entries=64, show_spinner=False)
def curve_specs(
    task: str, params: LossParams, x_max: float, target: float, log_y: bool
) -> tuple[dict, dict]:
    """Vega-Lite specs of the value and gradient charts, cached: building and validating them
    with Altair costs more than computing the numbers."""
    table = curve_table(task, params, x_max, target)
    domain = labels(task, params)
    with charts.ALTAIR_LOCK:  # Altair's settings are process-wide (see charts.to_spec)
        return (
            value_chart(table, task, log_y=log_y, domain=domain).to_dict(),
            gradient_chart(table, task, log_y=log_y, domain=domain).to_dict(),
        )


@st.cache_data(max_entries=64, show_spinner=False)
def weight_specs(params: LossParams, log_y: bool) -> tuple[dict, dict]:
    """Vega-Lite specs of the two "who gets the gradient" charts (cached like ``curve_specs``)."""
    weights = weight_table(params)
    with charts.ALTAIR_LOCK:  # Altair's settings are process-wide (see charts.to_spec)
        return (
            weight_chart(weights, "dL_dpt_rel", "Weight on p_t: |dL/dp_t|",
                         "relative weight (1 at p_t = 0.5)", log_y=log_y).to_dict(),
            weight_chart(weights, "dL_dzt_rel", "Push on the logit: |dL/dz_t|",
                         "relative push (1 at p_t = 0.5)", log_y=log_y).to_dict(),
        )  # fmt: skip


def margin_title(task: str) -> str:
    if task == "classification":
        return "margin m = z_t − z_other (logits, K = 2)"
    return "residual e = prediction − target"


# --------------------------------------------------------------------------- takeaways


def curves_takeaway(task: str, probes: pd.DataFrame, at: float) -> str:
    """The computed sentence under the curves: each loss's gradient at ``-at`` and ``+at``."""
    if task == "classification":
        return _classification_takeaway(probes, at)
    return _regression_takeaway(probes, at)


def _at(probes: pd.DataFrame, x: float) -> pd.DataFrame:
    # At x = 0 the probes at -x and +x coincide: keep one row per loss.
    return probes[np.isclose(probes["x"], x)].drop_duplicates("loss").set_index("loss")


def _classification_takeaway(probes: pd.DataFrame, at: float) -> str:
    wrong, right = _at(probes, -at), _at(probes, at)
    parts = [
        f"{lab} {wrong.at[lab, 'gradient']:.3g} vs {right.at[lab, 'gradient']:.3g}"
        for lab in wrong.index
    ]
    text = (
        f"Gradient dL/dm at margin {-at:g} (confidently wrong) vs {at:g} (confidently right): "
        + "; ".join(parts)
        + "."
    )
    strongest = wrong["gradient"].abs().idxmax()
    text += f" The wrong point gets the strongest push from {strongest}."
    pushing = right["gradient"].abs()
    pushing = pushing[pushing > 0]
    if len(pushing) > 1:
        text += (
            f" On the right point, {pushing.idxmax()} pushes "
            f"{pushing.max() / pushing.min():.3g}× as hard as {pushing.idxmin()}."
        )
    ignored = [lab for lab in right.index if right.at[lab, "gradient"] == 0]
    if ignored:
        text += f" {_join(ignored)} ignore{'s' if len(ignored) == 1 else ''} the right point "
        text += "entirely (gradient exactly 0 beyond the margin)."
    pushed_back = [lab for lab in right.index if right.at[lab, "gradient"] > 0]
    if pushed_back:
        text += f" {_join(pushed_back)} push{'es' if len(pushed_back) == 1 else ''} the right "
        text += "point back (positive gradient: its target is not certainty)."
    return text


def _regression_takeaway(probes: pd.DataFrame, at: float) -> str:
    neg, pos = _at(probes, -at), _at(probes, at)
    parts = [
        f"{lab} charges {pos.at[lab, 'value']:.3g} and pulls with {pos.at[lab, 'gradient']:.3g}"
        + (
            ""
            if np.isclose(neg.at[lab, "gradient"], -pos.at[lab, "gradient"])
            else f" (at {-at:g}: {neg.at[lab, 'value']:.3g}, {neg.at[lab, 'gradient']:.3g})"
        )
        for lab in pos.index
    ]
    text = f"At residual {at:g}: " + "; ".join(parts) + "."
    g = pos["gradient"].abs()
    if len(g) > 1 and g.min() > 0:
        text += (
            f" On a point that far off, {g.idxmax()} pulls {g.max() / g.min():.3g}× as hard as "
            f"{g.idxmin()}."
        )
    return text


def weights_takeaway(weights: pd.DataFrame) -> str:
    """Where each selected loss's push through the softmax peaks, from the weight table."""
    parts = []
    for lab, d in weights.groupby("loss", sort=False):
        p_peak = curves.peak(d["p_t"], d["dL_dzt"])
        parts.append(f"{lab} at p_t = {p_peak:.3g}")
    return (
        "Through the softmax, the push on the logit |dL/dz_t| is largest for: "
        + "; ".join(parts)
        + ". (A peak at the smallest p_t shown means: the harder the sample, the harder the push.)"
    )


def claim_text(c: Mapping[str, Mapping[str, float]]) -> str:
    """The article's claim made precise, with the numbers from :func:`claim_numbers`."""
    ce, mse, mae = c["cross_entropy"], c["mse"], c["mae"]
    return (
        f"**The article's claim, made precise.** Looking only at the target probability "
        f"(|dL/dp_t|, normalised to 1 at p_t = 0.5), a hard sample (p_t = {P_HARD}) gets "
        f"{ce['hard']:.3g}× an undecided sample's weight under CE, {mse['hard']:.3g}× under MSE "
        f"and {mae['hard']:.3g}× under MAE; an easy one (p_t = {P_EASY}) gets {ce['easy']:.3g}×, "
        f"{mse['easy']:.3g}× and {mae['easy']:.3g}×. So *CE focuses on hard samples* (1/p_t, "
        f"unbounded) and *MAE treats all equally* — both true in this view. *MSE focuses on easy "
        f"samples* is loose: its weight 2(1 − p_t) also falls as p_t rises, it just favours hard "
        f"samples far less than CE does.\n\n"
        f"What training sees is the gradient on the logit, through the softmax Jacobian "
        f"p_t(1 − p_t). There the picture changes: CE's push 1 − p_t is largest for the hardest "
        f"samples (peak at p_t = {ce['peak_z']:.3g}); MSE's 4p_t(1 − p_t)² peaks at "
        f"p_t = {mse['peak_z']:.3g} and gives the hardest sample only {mse['hard_z']:.1%} of that; "
        f"MAE's 2p_t(1 − p_t) is **not** uniform: it peaks at p_t = {mae['peak_z']:.3g} and "
        f"gives the hardest sample {mae['hard_z']:.1%} of its peak — which is why MAE tolerates "
        f"flipped labels and fits clean data slowly."
    )


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
