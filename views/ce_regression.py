r"""Streamlit side of "CE for regression?": cached numbers, charts and the page's sentences.

The numbers come from ``core.ce_regression`` (the registered losses on vectors, and the fit of
a linear model with MSE and with softmax + CE); this module caches them, draws them through
``ui.charts`` in the losses' identity colours, and words every sentence as a pure function of
its numbers (see :func:`softmax_sentence`, :func:`sum_sentence`, :func:`experiment_sentence`).

The questions come from the article "Can cross-entropy do regression, can MSE do
classification?" (its second discussion: normalise a regression target with softmax, or by its
sum, and train with CE).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import anatomy as an
from core import ce_regression as cr
from core._numerics import softmax
from present import charts, identity, untrusted
from present.wording import num
from ui.charts import cached_spec

MSE, CE = "MSE", "CE"
#: Each fit's colour, in legend order: the losses' identity colours.
COLORS = {MSE: identity.color("mse"), CE: identity.color("cross_entropy")}
TARGET = "target G"
LEGEND = "curve"
VECTOR_HELP = "2 to 10 numbers separated by commas, e.g. 1, 2"
#: Input vectors are bounded so that every number on the page stays finite.
VECTOR_LIMIT = 1e3
#: Largest sweep half-width ``core.ce_regression.gradient_sweep`` accepts.
MAX_SPAN = 1e3
#: The history chart draws at most this many epochs per loss (evenly thinned, last one kept):
#: Vega-Lite's row limit can never be reached, whatever the epochs slider says.
MAX_HISTORY_POINTS = 400
#: A diverging fit's RMSE is drawn up to this value; beyond it the sentence reports it in words.
HISTORY_CAP = 1e6
#: "Recovers G": RMSE of z within 10% (+0.01) of the least-squares linear fit's.
RECOVER_REL, RECOVER_ABS = 0.10, 0.01
#: "Matches softmax(G)": RMSE of softmax within 25% (+0.005) of the least-squares fit's.
MATCH_REL, MATCH_ABS = 0.25, 0.005

#: The tabs (their labels are the URL values of ``?part=``).
PART_SOFTMAX, PART_SUM, PART_FIT = "Softmax + CE", "Divide by the sum", "Experiment"
PARTS = (PART_SOFTMAX, PART_SUM, PART_FIT)
#: URL keys that belong to each tab: an old link that sets one opens on its tab.
PART_KEYS = {PART_SUM: ("u", "w"), PART_FIT: ("epochs", "lr", "noise", "seed")}

# --------------------------------------------------------------------------- controls

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults (so
#: a link holding one keeps it: Streamlit drops a URL value equal to a widget's own default)
#: and a lecture preset resets every key it does not name to them. The tabs' own default is
#: the tab an old link's keys belong to (:func:`opening_part`).
DEFAULTS: dict[str, object] = {
    "part": PART_SOFTMAX,
    "G": "1, 2",
    "z": "2, 3",
    "span": 10.0,
    "u": "1, 2",
    "w": "2, 4",
    "epochs": 400,
    "lr": 0.5,
    "noise": 0.1,
    "seed": 0,
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``, each
#: setting every control of its tab and opening the tab its figure is in.
PRESETS: dict[str, dict[str, object]] = {
    "Same softmax, z ≠ G: CE's gradient is 0": {
        "part": PART_SOFTMAX,
        "G": "1, 2",
        "z": "2, 3",
        "span": 10.0,
    },
    "Off by 100: CE still 0, MSE pulls with 200": {
        "part": PART_SOFTMAX,
        "G": "1, 2, 3",
        "z": "101, 102, 103",
        "span": 10.0,
    },
    "Dividing by the sum: [1, 2] and [2, 4] collide": {
        "part": PART_SUM,
        "u": "1, 2",
        "w": "2, 4",
    },
    "Dividing by the sum: a zero sum": {"part": PART_SUM, "u": "1, 2", "w": "1, -1"},
    "Only MSE recovers G": {
        "part": PART_FIT,
        "epochs": 400,
        "lr": 0.5,
        "noise": 0.1,
        "seed": 0,
    },
    "Learning rate 20: MSE diverges, CE does not": {
        "part": PART_FIT,
        "epochs": 400,
        "lr": 20.0,
        "noise": 0.1,
        "seed": 0,
    },
}


def opening_part(query: Mapping[str, object]) -> str:
    """The tab a link opens on: the first tab whose keys it sets (old links keep their view)."""
    for part in (PART_FIT, PART_SUM):
        if any(k in query for k in PART_KEYS[part]):
            return part
    return PART_SOFTMAX


def parse(text: str, name: str) -> np.ndarray:
    """A typed vector (``ValueError`` naming ``name`` for anything but 2-10 bounded numbers)."""
    return an.parse_vector(text, name, limit=VECTOR_LIMIT)


def vec(v: np.ndarray) -> str:
    """``[0.2689, 0.7311]``: a vector as the page prints it."""
    return "[" + ", ".join(num(x, ".4g") for x in v) + "]"


def fmt(v: float, digits: int = 3) -> str:
    """A metric's number: fixed decimals, never ``-0.000``; non-finite in words."""
    return num(v, f".{digits}f")


@contextlib.contextmanager
def section() -> Iterator[None]:
    """Show a ``ValueError`` of one page section as ``st.error`` and carry on with the next."""
    try:
        yield
    except ValueError as err:
        st.error(
            f"This part cannot be computed: {untrusted.markdown(err, limit=400)}",
            icon=":material/error:",
        )


# --------------------------------------------------------------------------- softmax + CE


@st.cache_data(max_entries=64, show_spinner=False)
def comparison(G: tuple[float, ...], z: tuple[float, ...]) -> cr.Comparison:
    return cr.compare(np.array(G), np.array(z))


def comparison_table(c: cr.Comparison) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "k": np.arange(1, c.G.size + 1),
            "G_k (target)": c.G,
            "z_k (prediction)": c.z,
            "y_k = softmax(G)_k": c.y,
            "a_k = softmax(z)_k": c.a,
            "CE dL/dz_k = a_k − y_k": c.ce_grad,
            "MSE dL/dz_k = 2(z_k − G_k)": c.mse_grad,
        }
    )


def sweep_span(G1: float, z1: float, span: float) -> float:
    """Half-width of the sweep around ``G1``: ``span``, widened to ``|z1 - G1| + span`` when
    ``z1`` lies outside ``G1 ± span`` (so the curves reach the marked prediction), at most
    :data:`MAX_SPAN`."""
    d = abs(z1 - G1)
    return float(min(span if d <= span else d + span, MAX_SPAN))


@st.cache_data(max_entries=64, show_spinner=False)
def sweep(G: tuple[float, ...], z: tuple[float, ...], span: float) -> pd.DataFrame:
    """Both gradients w.r.t. z_1 as z_1 sweeps ``G_1 ±`` :func:`sweep_span` (others fixed)."""
    s = cr.gradient_sweep(np.array(G), np.array(z), span=sweep_span(G[0], z[0], span), n=401)
    return pd.DataFrame(
        {"z_1": s["z_i"], "error": s["error"], CE: s["ce_grad"], MSE: s["mse_grad"]}
    )


@cached_spec
def sweep_chart(
    G: tuple[float, ...], z: tuple[float, ...], span: float, marks: tuple[float, float]
) -> alt.TopLevelMixin:
    """dL/dz_1 of MSE and CE along the sweep, the prediction z_1 marked."""
    return charts.curves(
        sweep(G, z, span),
        "z_1",
        {MSE: MSE, CE: CE},
        "dL/dz_1 as z_1 moves (other outputs fixed)",
        colors=COLORS,
        at=(z[0], dict(zip(COLORS, marks, strict=True))),
        x_title="z_1 (prediction of output 1)",
        y_title="dL/dz_1",
        legend_title=LEGEND,
        height=320,
    )


def softmax_sentence(c: cr.Comparison) -> str:
    """What the table shows: equal vectors, a shifted copy (same softmax, CE gradient 0 while
    MSE pulls), or any other pair (CE's gradient bounded by 1, MSE's not)."""
    ce_max = float(np.abs(c.ce_grad).max())
    mse_max = float(np.abs(c.mse_grad).max())
    if np.array_equal(c.G, c.z):
        return f"z = G = {vec(c.G)}: both losses are at their minimum and both gradients are 0."
    if ce_max <= 1e-12:
        zero = "exactly 0" if ce_max == 0 else f"{num(ce_max, '.1e')} (0 up to rounding)"
        return (
            f"z = {vec(c.z)} and G = {vec(c.G)} have the same softmax {vec(c.a)}, so CE sits at "
            f"its minimum H(y) = {num(c.entropy, '.4f')} with a gradient of {zero} — while "
            f"MSE = {num(c.mse, '.6g')} still pulls with 2(z − G) up to {num(mse_max, '.4g')} "
            "in size."
        )
    return (
        f"For G = {vec(c.G)} and z = {vec(c.z)}: the largest CE gradient is "
        f"{num(ce_max, '.4f')} (it can never exceed 1), the largest MSE gradient "
        f"{num(mse_max, '.4g')} (2|z_k − G_k|, unbounded)."
    )


def sweep_caption(df: pd.DataFrame, G1: float, span: float, shown: float) -> str:
    """The sweep's range in numbers; says when it was widened to reach the prediction."""
    ce = df[CE]
    text = (
        f"At z_1 = G_1 ± {num(shown)} MSE's gradient is ±{num(2 * shown)}; CE's stays between "
        f"{num(ce.min(), '.3f')} and {num(ce.max(), '.3f')} and is 0 wherever the softmaxes "
        "agree — which happens on a whole line of z (z = G + c), not only at z = G."
    )
    if shown > span:
        text += f" (The sweep is widened from ±{num(span)} to reach the prediction z_1.)"
    return text


# --------------------------------------------------------------------------- divide by the sum


def sum_normalised(text: str, name: str) -> tuple[np.ndarray | None, str | None]:
    """``(v / sum(v), None)`` for the typed vector, or ``(None, why not)`` (zero sum, ...);
    the reason is markdown, the typed text in it escaped (:func:`present.untrusted.markdown`)."""
    try:
        return cr.sum_normalise(an.parse_vector(text, name), name), None
    except ValueError as err:
        return None, untrusted.markdown(err, limit=400)


def sum_sentence(
    u: np.ndarray | None, w: np.ndarray | None, nu: np.ndarray | None, nw: np.ndarray | None
) -> str | None:
    """Whether two vectors collide after division by their sums; ``None`` if one cannot be
    normalised (the page shows why instead).

    Cases: the same vector twice (nothing to tell apart), different lengths, proportional
    vectors (a collision: the point), and vectors whose normalised forms differ.
    """
    if u is None or w is None or nu is None or nw is None:
        return None
    if u.shape != w.shape:
        return (
            f"u has {u.size} entries and w has {w.size}: they normalise to vectors of different "
            "lengths, so they cannot collide."
        )
    if np.array_equal(u, w):
        return "u and w are the same vector: enter two different vectors to look for a collision."
    if np.allclose(nu, nw, rtol=1e-12, atol=0):
        return (
            f"u = {vec(u)} and w = {vec(w)} are different vectors with the same normalised form "
            f"{vec(nu)}: a loss on the normalised vectors cannot tell them apart."
        )
    return f"These two normalise to different vectors ({vec(nu)} and {vec(nw)})."


# --------------------------------------------------------------------------- the experiment


@dataclass(frozen=True)
class FitSummary:
    """One loss's fit at the last epoch (``None`` where it diverged)."""

    rmse_z: float | None
    rmse_softmax: float | None
    mean_z: float | None
    diverged_epoch: int | None


@dataclass(frozen=True)
class Experiment:
    """Everything the experiment's sentence is about: both fits, the best linear fit's RMSEs
    (least squares: what "converged" is measured against) and the run's settings."""

    mse: FitSummary
    ce: FitSummary
    best_rmse_z: float
    best_rmse_softmax: float
    mean_G: float
    epochs: int
    lr: float
    #: The learning rate from which the MSE fit diverges
    #: (:func:`core.ce_regression.mse_step_limit`).
    mse_limit: float = np.inf
    #: The MSE fit's growth per epoch along its steepest direction (above 1: diverging).
    mse_growth: float = 0.0

    @property
    def mse_unstable(self) -> bool:
        """Whether the learning rate is above MSE's stability limit (its error grows
        geometrically, whether or not it has overflowed yet)."""
        return self.lr > self.mse_limit

    def recovers(self, f: FitSummary) -> bool:
        """RMSE of z within ``RECOVER_REL`` (+``RECOVER_ABS``) of the best linear fit's."""
        return f.rmse_z is not None and f.rmse_z <= (
            (1 + RECOVER_REL) * self.best_rmse_z + RECOVER_ABS
        )

    def matches_softmax(self, f: FitSummary) -> bool:
        """RMSE of softmax within ``MATCH_REL`` (+``MATCH_ABS``) of the best linear fit's."""
        return f.rmse_softmax is not None and f.rmse_softmax <= (
            (1 + MATCH_REL) * self.best_rmse_softmax + MATCH_ABS
        )


def fit_config(epochs: int, lr: float, noise: float, seed: int) -> cr.FitConfig:
    return cr.FitConfig(epochs=int(epochs), lr=float(lr), noise=float(noise), seed=int(seed))


def _summary(r: cr.VectorRegressionFit) -> FitSummary:
    if r.diverged_epoch is not None:
        return FitSummary(None, None, None, int(r.diverged_epoch))
    return FitSummary(float(r.rmse_z[-1]), float(r.rmse_softmax[-1]), float(np.mean(r.z)), None)


def _best_linear_fit(x: np.ndarray, G: np.ndarray) -> tuple[float, float]:
    """RMSE of z and of softmax of the least-squares line through ``G`` (the best any linear
    model can reach on z, and a reference for the softmax)."""
    A = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(A, G, rcond=None)
    z = A @ coef
    rmse_z = float(np.sqrt(np.mean((z - G) ** 2)))
    rmse_s = float(np.sqrt(np.mean((softmax(z, axis=1) - softmax(G, axis=1)) ** 2)))
    return rmse_z, rmse_s


@st.cache_data(max_entries=32, show_spinner="Fitting the linear model with MSE and with CE…")
def experiment(cfg: cr.FitConfig) -> tuple[pd.DataFrame, pd.DataFrame, Experiment]:
    """``(fit table, thinned history table, summary)`` of the CE-vs-MSE regression fit."""
    x, _, G, res = cr.fit_vector_regression(cfg)
    fit = pd.DataFrame({"x": x, "G_1": G[:, 0], "G_2": G[:, 1]})
    hist = []
    for name, label in (("mse", MSE), ("cross_entropy", CE)):
        r = res[name]
        fit[f"{label} z_1"] = r.z[:, 0]
        fit[f"{label} z_2"] = r.z[:, 1]
        hist.append(history_rows(label, r.rmse_z, r.rmse_softmax))
    best_z, best_s = _best_linear_fit(x, G)
    summary = Experiment(
        mse=_summary(res["mse"]),
        ce=_summary(res["cross_entropy"]),
        best_rmse_z=best_z,
        best_rmse_softmax=best_s,
        mean_G=float(np.mean(G)),
        epochs=cfg.epochs,
        lr=cfg.lr,
        mse_limit=cr.mse_step_limit(cfg),
        mse_growth=cr.mse_growth(cfg),
    )
    return fit, pd.concat(hist, ignore_index=True), summary


def history_rows(label: str, rmse_z: np.ndarray, rmse_softmax: np.ndarray) -> pd.DataFrame:
    """At most :data:`MAX_HISTORY_POINTS` epochs (evenly spaced, first and last kept) of one
    fit's history, and only values up to :data:`HISTORY_CAP` (a diverging fit's overflow is
    reported in words, not drawn as a 1e152 axis)."""
    n = rmse_z.size
    keep = np.unique(np.linspace(0, n - 1, min(n, MAX_HISTORY_POINTS)).round().astype(int))
    keep = keep[(rmse_z[keep] <= HISTORY_CAP) & np.isfinite(rmse_softmax[keep])] if n else keep
    return pd.DataFrame(
        {
            "epoch": keep,
            "series": label,
            "RMSE of z vs G": rmse_z[keep],
            "RMSE of softmax(z) vs softmax(G)": rmse_softmax[keep],
        }
    )


@cached_spec
def experiment_chart(fit: pd.DataFrame, summary: Experiment, k: int) -> alt.TopLevelMixin:
    """Output ``k``: targets (grey dots) and each converged loss's fitted line (one chart per
    output, so the two wrap on a narrow screen)."""
    fits = {MSE: summary.mse, CE: summary.ce}
    # The legend lists only what is drawn: a diverged fit has no line (and no legend entry).
    drawn = [(s, c) for s, c in COLORS.items() if fits[s].diverged_epoch is None]
    scale = alt.Scale(
        domain=[f"fit with {s}" for s, _ in drawn] + [TARGET],
        range=[c for _, c in drawn] + [identity.NEUTRAL],
    )
    color = alt.Color("series:N", scale=scale, title="", legend=alt.Legend(orient="bottom"))
    dots = pd.DataFrame({"x": fit["x"], "value": fit[f"G_{k}"], "series": TARGET})
    layers = [
        alt.Chart(dots)
        .mark_circle(size=50, opacity=0.6)
        .encode(
            x=alt.X("x:Q", title="input x"), y=alt.Y("value:Q", title=f"output {k}"), color=color
        )
    ]
    lines = [
        pd.DataFrame({"x": fit["x"], "value": fit[f"{s} z_{k}"], "series": f"fit with {s}"})
        for s in (MSE, CE)
        if fits[s].diverged_epoch is None
    ]
    if lines:
        layers.append(
            alt.Chart(pd.concat(lines))
            .mark_line(strokeWidth=3)
            .encode(x="x:Q", y="value:Q", color=color)
        )
    return alt.layer(*layers).properties(title=f"Output {k}", height=260)


@cached_spec
def history_chart(hist: pd.DataFrame, column: str) -> alt.TopLevelMixin:
    return charts.lines(
        hist,
        "epoch",
        column,
        "series",
        column,
        x_title="epoch",
        y_title=column,
        log_y=True,
        colors=COLORS,
        legend_title=LEGEND,
        zero_rule=False,
        height=260,
    )


def any_diverged(e: Experiment) -> bool:
    """Whether either fit diverged or is diverging (then the RMSE histories are the key
    figure)."""
    return e.mse.diverged_epoch is not None or e.ce.diverged_epoch is not None or e.mse_unstable


def metric(f: FitSummary, field: str) -> str:
    """A fit's RMSE as a metric: the number, or "diverged" in words."""
    if f.diverged_epoch is not None:
        return "diverged"  # the epoch is in the warning above: a metric must fit a phone
    return fmt(getattr(f, field))


def experiment_sentence(e: Experiment) -> str:
    r"""What the experiment shows, only as far as its numbers go.

    Cases: one or both fits overflowed; the MSE fit diverging (learning rate above its
    stability limit :math:`2/\lambda_{\max}`: its error grows geometrically, and the remedy
    is a learning rate below the limit); neither converged (the remedy is more epochs: both
    objectives are convex and the learning rate is stable); only one converged; both
    converged (CE matches softmax(G) but cannot recover G, MSE recovers G). "Recovers" and
    "matches" are measured against the least-squares line with the tolerances above. Large
    numbers are printed to three significant digits.
    """
    run = f"after {e.epochs} epochs at learning rate {num(e.lr)}"
    limit = num(e.mse_limit, ".3g")
    bad = [(lab, f) for lab, f in ((MSE, e.mse), (CE, e.ce)) if f.diverged_epoch is not None]
    if bad:
        text = " and ".join(f"the {lab} fit diverged at epoch {f.diverged_epoch}" for lab, f in bad)
        text = f"With learning rate {num(e.lr)} {text} (its loss overflowed)"
        if len(bad) == 1:
            other_label = CE if bad[0][0] == MSE else MSE
            other = e.ce if other_label == CE else e.mse
            state = "matches softmax(G)" if e.matches_softmax(other) else "has not converged either"
            text += (
                f"; the {other_label} fit did not diverge and {state} (RMSE of softmax "
                f"{num(other.rmse_softmax, '.3g')})"
            )
            if bad[0][0] == MSE:
                text += ": CE's gradient is bounded by 1, MSE's grows with the error"
        fix = f"below {limit}" if bad[0][0] == MSE or len(bad) == 2 else "it"
        return text + f". Lower the learning rate ({fix}) to compare the fits."
    if e.mse_unstable:
        ce_state = "matches softmax(G)" if e.matches_softmax(e.ce) else "has not converged yet"
        return (
            f"With learning rate {num(e.lr)} the MSE fit diverges: the rate is above MSE's "
            f"stability limit {limit} (2/λ_max of its curvature), so its error grows "
            f"×{num(e.mse_growth, '.3g')} per epoch (RMSE of z {num(e.mse.rmse_z, '.3g')} {run}). "
            f"The CE fit {ce_state} (RMSE of softmax {num(e.ce.rmse_softmax, '.3g')}): its "
            f"gradient is bounded by 1. Lower the learning rate below {limit} to compare the fits."
        )
    mse_ok, ce_ok = e.recovers(e.mse), e.matches_softmax(e.ce)
    best = (
        f"the best linear fit reaches an RMSE of z of {num(e.best_rmse_z, '.3g')} and of "
        f"softmax of {num(e.best_rmse_softmax, '.3g')}"
    )
    mean = (
        f"CE's gradient sums to 0 over the outputs, so the mean output stays where it started "
        f"({num(e.ce.mean_z, '.3f')}) while the targets' mean is {num(e.mean_G, '.3f')}"
    )
    if not mse_ok and not ce_ok:
        return (
            f"{run[0].upper()}{run[1:]} neither fit has converged: MSE's RMSE of z is "
            f"{num(e.mse.rmse_z, '.3g')} and CE's RMSE of softmax "
            f"{num(e.ce.rmse_softmax, '.3g')}, while {best}. Add epochs before comparing them "
            f"(the rate is below MSE's stability limit {limit}). Already true: {mean}."
        )
    if mse_ok and not ce_ok:
        return (
            f"In the experiment ({run}) MSE recovers G (RMSE of z {num(e.mse.rmse_z, '.3g')}, "
            f"as good as the best linear fit), while the CE fit has not converged yet (RMSE of "
            f"softmax {num(e.ce.rmse_softmax, '.3g')}; {best}). Wherever it ends, {mean}."
        )
    if ce_ok and not mse_ok:
        return (
            f"In the experiment ({run}) the CE fit matches softmax(G) (RMSE "
            f"{num(e.ce.rmse_softmax, '.3g')}), while the MSE fit has not converged yet (RMSE of "
            f"z {num(e.mse.rmse_z, '.3g')}; {best}). CE cannot recover G: {mean}."
        )
    if e.recovers(e.ce):
        return (
            f"In the experiment ({run}) both fits recover G (RMSE of z "
            f"{num(e.mse.rmse_z, '.3g')} with MSE, {num(e.ce.rmse_z, '.3g')} with CE): these "
            f"targets' mean output is already where CE's starts. {mean[0].upper()}{mean[1:]}."
        )
    if e.matches_softmax(e.mse):
        match = (
            f"both fits match softmax(G) (RMSE {num(e.ce.rmse_softmax, '.3g')} with CE, "
            f"{num(e.mse.rmse_softmax, '.3g')} with MSE)"
        )
    else:
        match = f"the CE fit matches softmax(G) (RMSE {num(e.ce.rmse_softmax, '.3g')})"
    return (
        f"In the experiment {match}, but only MSE recovers G: the RMSE of z is "
        f"{num(e.mse.rmse_z, '.3g')} with MSE and {num(e.ce.rmse_z, '.3g')} with CE. "
        f"{mean[0].upper()}{mean[1:]}."
    )


def experiment_headline(e: Experiment) -> str:
    """The experiment's answer in one sentence (at most 25 words): why CE cannot replace MSE
    here, or what keeps the run from showing it."""
    if e.mse.diverged_epoch is not None or e.mse_unstable:
        return (
            f"Learning rate {num(e.lr)} is above MSE's stability limit "
            f"({num(e.mse_limit, '.3g')}): its fit diverges while CE's bounded gradient does not."
        )
    if e.ce.diverged_epoch is not None:
        return f"The CE fit diverged at learning rate {num(e.lr)}: lower the learning rate."
    if not e.recovers(e.mse) and not e.matches_softmax(e.ce):
        return f"Neither fit has converged after {e.epochs} epochs: add epochs to compare them."
    if e.recovers(e.ce):
        return "Both fits recover G here: these targets' mean output is already where CE starts."
    if e.recovers(e.mse):
        return (
            "MSE recovers G; CE cannot: its gradient sums to 0, so the mean output never moves "
            "from where it started."
        )
    return (
        "CE matches softmax(G) but cannot recover G: its gradient sums to 0, so the mean output "
        "never moves."
    )


def softmax_headline(c: cr.Comparison) -> str:
    """The softmax comparison in one sentence: CE's gradient is bounded and vanishes on a
    whole line of predictions; MSE's grows with the error."""
    ce_max = float(np.abs(c.ce_grad).max())
    mse_max = float(np.abs(c.mse_grad).max())
    if np.array_equal(c.G, c.z):
        return "z = G: both losses are at their minimum and both gradients are 0."
    if ce_max <= 1e-12:
        return (
            "Same softmax, different vectors: CE's gradient is 0 while MSE still pulls "
            f"(up to {num(mse_max, '.3g')}) — CE cannot see the difference."
        )
    return (
        f"CE's gradient never exceeds 1 (here {num(ce_max, '.3g')}); MSE's grows with the error "
        f"(here {num(mse_max, '.3g')})."
    )


def sum_headline(u, w, nu, nw) -> str | None:
    """Whether two vectors collide after division by their sums, in one short sentence."""
    if u is None or w is None or nu is None or nw is None:
        return None
    if u.shape != w.shape:
        return "Different lengths normalise to different vectors: no collision."
    if np.array_equal(u, w):
        return "u and w are the same vector: enter two different vectors."
    if np.allclose(nu, nw, rtol=1e-12, atol=0):
        return (
            "Different vectors, same normalised form: a loss on normalised vectors cannot tell "
            "them apart."
        )
    return "These two normalise to different vectors: no collision here."
