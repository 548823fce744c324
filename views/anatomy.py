"""Cached tables, Altair charts and sentences of the Gradient anatomy page.

The numbers come from ``core.anatomy`` (which evaluates the registered losses); this module
caches them, arranges them as tidy tables, draws them through ``ui.charts`` in the losses'
identity colours, and words every sentence as a pure function of its numbers.

The page's three parts follow three articles, named here by their subjects (``SOURCES``): the
sigmoid neuron of "Cross-entropy vs squared loss for classification", the two-class softmax of
"Can cross-entropy do regression, can MSE do classification?" and the K-class softmax of "Why
classification uses cross-entropy, not MSE, intuitively". Notation: ``t`` is the target class,
``a_t`` its probability.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import anatomy as an
from core import losses
from core._numerics import logit
from present import charts, identity, state
from present.wording import num
from ui.charts import cached_spec

#: The articles behind the three parts, by title (in English) and subject.
SOURCES = {
    "sigmoid": "“Cross-entropy vs squared loss for classification” (a sigmoid neuron)",
    "softmax2": "“Can cross-entropy do regression, can MSE do classification?” (2-class softmax)",
    "softmaxk": "“Why classification uses cross-entropy, not MSE, intuitively” (K classes)",
}

#: Series names, fixed so that a loss keeps its colour across every chart of the page. The
#: softmax parts' MSE is the registry's (squared error summed over the classes, up to 2); the
#: sigmoid neuron's squared error is another quantity, ½(y − a)² on one output (up to 0.5),
#: and its name says so.
MSE, CE = identity.short("mse"), identity.short("cross_entropy")
SIGMOID_SE = "squared error ½(y − a)²"
MSE_TARGET_PATH, MSE_FULL = (
    "MSE, through a_t only (the article's formula)",
    "MSE, full (all K outputs)",
)
SIGMA_PRIME = "σ'(z)·x (the factor the squared error adds)"
#: Legend title (the series names say what they are; a non-empty title keeps Altair's default out).
LEGEND = "curve"
#: Colours: CE blue and MSE vermillion as on every page; partial paths and factors are neutral.
COLORS = {
    MSE: identity.color("mse"),
    SIGMOID_SE: identity.color("mse"),
    CE: identity.color("cross_entropy"),
    MSE_FULL: identity.color("mse"),
    MSE_TARGET_PATH: identity.NEUTRAL,
    SIGMA_PRIME: identity.NEUTRAL,
}
#: The page's curves: :func:`present.charts.curves` in its colours and legend, 300 px high
#: unless told.
_curves = functools.partial(charts.curves, colors=COLORS, legend_title=LEGEND, height=300)

#: Radio options (their labels are the URL values of ``?part=``).
SIGMOID, SOFTMAX2, SOFTMAXK = "Sigmoid neuron", "Softmax, 2 classes", "Softmax, K classes"
PARTS = (SIGMOID, SOFTMAX2, SOFTMAXK)
A_DEFAULT, B_DEFAULT = "0.8, 0.1, 0.1", "0.8, 0.15, 0.05"
Z_DEFAULT = [float(v) for v in an.logits_from_probabilities([0.8, 0.2])]
# --------------------------------------------------------------------------- controls


def old_links(query: dict[str, list[str]]) -> dict[str, list[str]]:
    """A link's query with the K-class part's old key for its losses, ``maps=``, read as
    ``losses=`` (the key of the loss selection on every page)."""
    return state.renamed(query, ("maps",), "losses", "maps")


#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults (so
#: a link holding one keeps it: Streamlit drops a URL value equal to a widget's own default)
#: and a lecture preset resets every key it does not name to them.
DEFAULTS: dict[str, object] = {
    "part": SIGMOID,
    "y": "1",
    "x": 1.0,
    "z0": -4.0,
    "axis": "z",
    "mode": "probabilities",
    "a1": 0.8,
    "z1": Z_DEFAULT[0],
    "z2": Z_DEFAULT[1],
    "y1": "0",
    "a": A_DEFAULT,
    "b": B_DEFAULT,
    "t": "1",
    "losses": ["cross_entropy", "mse"],
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``, each
#: setting every control of its part.
PRESETS: dict[str, dict[str, object]] = {
    "a = [0.8, 0.2]: MSE pushes 0.64× as hard as CE": {
        "part": SOFTMAX2,
        "mode": "probabilities",
        "a1": 0.8,
        "y1": "0",
    },
    "Confidently wrong neuron: MSE barely learns": {
        "part": SIGMOID,
        "y": "1",
        "x": 1.0,
        "z0": -6.0,
        "axis": "z",
    },
    "MSE prefers uniform wrong classes, CE cannot tell": {
        "part": SOFTMAXK,
        "a": "0.8, 0.1, 0.1",
        "b": "0.8, 0.15, 0.05",
        "t": "1",
        "losses": ["cross_entropy", "mse"],
    },
    "Completely wrong (a_t ≈ 0): MSE's push vanishes": {
        "part": SOFTMAXK,
        "a": "0.02, 0.49, 0.49",
        "b": "0.02, 0.9, 0.08",
        "t": "1",
        "losses": ["cross_entropy", "mse"],
    },
}


def fmt(v: float, digits: int = 3) -> str:
    """A number as shown on screen: fixed decimals, no ``-0.000``, non-finite in words."""
    return num(v, f".{digits}f")


def parse(text: str, name: str) -> np.ndarray:
    """A typed probability vector (``ValueError`` naming ``name`` if it is not one)."""
    v = an.parse_vector(text, name)
    an.logits_from_probabilities(v, name)  # a clear message for a non-probability vector
    return v


def logits(a1: float) -> tuple[float, float]:
    """Logits of the probabilities ``[a1, 1 - a1]``."""
    return tuple(float(v) for v in an.logits_from_probabilities([a1, 1.0 - a1]))


def loss_names() -> list[str]:
    """Registered classification losses (the K-class part's picker)."""
    return losses.names("classification")


def loss_title(name: str) -> str:
    return identity.title(name)


# --------------------------------------------------------------------------- sigmoid neuron


@st.cache_data(max_entries=64, show_spinner=False)
def sigmoid_curves(y: int, x: float, z_max: float = 10.0, n: int = 401) -> pd.DataFrame:
    """Wide table over ``z``: a, σ'(z), both losses and both dC/dw (``core.anatomy``)."""
    r = an.sigmoid_neuron(np.linspace(-z_max, z_max, n), y, x)
    return pd.DataFrame(
        {
            "z": r.z,
            "a": r.a,
            "sigma_prime": r.sigma_prime,
            "mse_loss": r.mse,
            "ce_loss": r.ce,
            "mse_dC_dw": r.mse_dw,
            "ce_dC_dw": r.ce_dw,
        }
    )


@st.cache_data(max_entries=64, show_spinner=False)
def sigmoid_point(z0: float, y: int, x: float) -> dict[str, float]:
    """The neuron at ``z0`` and its "twin": where MSE's gradient is as large on the other side."""
    p = an.sigmoid_neuron([z0], y, x)
    a0 = float(p.a[0])
    twin = an.mse_gradient_twin(a0, y)
    twin_z = float(logit(twin))
    t = an.sigmoid_neuron([twin_z], y, x)
    peak = 1.0 / 3.0 if y == 1 else 2.0 / 3.0
    q = an.sigmoid_neuron([logit(peak)], y, x)
    return {
        "a": a0,
        "sigma_prime": float(p.sigma_prime[0]),
        "mse": float(p.mse[0]),
        "ce": float(p.ce[0]),
        "mse_dw": float(p.mse_dw[0]),
        "ce_dw": float(p.ce_dw[0]),
        "twin_a": twin,
        "twin_z": twin_z,
        "twin_mse_dw": float(t.mse_dw[0]),
        "twin_ce_dw": float(t.ce_dw[0]),
        "peak_a": peak,
        "peak_mse_dw": float(q.mse_dw[0]),
    }


@cached_spec
def sigmoid_loss_chart(y: int, x: float, z0: float, axis: str) -> alt.TopLevelMixin:
    """Loss C of the squared error ½(y − a)² and CE against ``z`` or ``a``, the neuron marked."""
    df, point = sigmoid_curves(y, x), sigmoid_point(z0, y, x)
    xcol, xtitle, x0 = _sigmoid_axis(axis, z0, point)
    return _curves(
        df,
        xcol,
        {SIGMOID_SE: "mse_loss", CE: "ce_loss"},
        "Loss C",
        x_title=xtitle,
        y_title="loss C",
        at=(x0, {SIGMOID_SE: point["mse"], CE: point["ce"]}),
    )


@cached_spec
def sigmoid_gradient_chart(y: int, x: float, z0: float, axis: str) -> alt.TopLevelMixin:
    """dC/dw of the squared error and CE (and the factor σ'(z)·x), the neuron and its twin
    (the same squared-error gradient) marked."""
    df, point = sigmoid_curves(y, x), sigmoid_point(z0, y, x)
    xcol, xtitle, x0 = _sigmoid_axis(axis, z0, point)
    chart = _curves(
        df.assign(factor=df["sigma_prime"] * x),
        xcol,
        {SIGMOID_SE: "mse_dC_dw", CE: "ce_dC_dw", SIGMA_PRIME: "factor"},
        "Gradient dC/dw",
        x_title=xtitle,
        y_title="dC/dw",
        at=(x0, {SIGMOID_SE: point["mse_dw"], CE: point["ce_dw"]}),
    )
    # The twin: the other neuron state with exactly the same squared-error gradient.
    twin = pd.DataFrame(
        {
            xcol: [point["twin_z"] if axis == "z" else point["twin_a"]],
            "value": [point["twin_mse_dw"]],
            "text": ["same squared-error gradient"],
        }
    )
    ring = alt.Chart(twin).mark_point(size=220, strokeWidth=3, color="#222")
    label = alt.Chart(twin).mark_text(dy=-18, fontSize=14, color="#222")
    return alt.layer(
        chart,
        ring.encode(x=f"{xcol}:Q", y="value:Q"),
        label.encode(x=f"{xcol}:Q", y="value:Q", text="text:N"),
    )


def _sigmoid_axis(axis: str, z0: float, point: Mapping[str, float]) -> tuple[str, str, float]:
    if axis == "z":
        return "z", "pre-activation z = w·x + b", z0
    return "a", "predicted probability a = σ(z)", point["a"]


def neuron_state(a: float, y: int) -> str:
    """How right a sigmoid neuron's output ``a`` is for target ``y``, in words."""
    err = abs(a - y)
    if err > 0.9:
        return "confidently wrong"
    if err > 0.5:
        return "wrong"
    if err < 0.1:
        return "nearly right"
    return "unsure"


def sigmoid_sentence(p: Mapping[str, float], y: int, z0: float, x: float) -> str:
    """The neuron's gradients, and its twin with the same MSE gradient.

    Cases: ``x = 0`` (both gradients are 0 whatever ``z``), the neuron at MSE's peak (its twin
    is itself: no "twin" comparison), twin and neuron on opposite sides of "half right" (a
    small MSE gradient cannot tell far from near) or on the same side.
    """
    state = neuron_state(p["a"], y)
    text = (
        f"With y = {y} and z = {num(z0, '.1f')} the neuron outputs a = {num(p['a'], '.3f')} "
        f"({state}). "
    )
    if x == 0:
        return text + (
            "With input x = 0 both dC/dw are 0 whatever z is (each carries the factor x): "
            "choose x ≠ 0 to compare the losses."
        )
    text += (
        f"CE's dC/dw is {fmt(p['ce_dw'], 4)}; the squared error's is {fmt(p['mse_dw'], 4)}, "
        "CE's times "
        f"σ'(z) = {num(p['sigma_prime'])}. "
    )
    if abs(p["twin_a"] - p["a"]) < 1e-3:
        return text + (
            "Here the squared error's gradient is at its largest "
            f"(a = {num(p['peak_a'], '.3f')}); every smaller size occurs twice, once far from "
            "the target and once near it."
        )
    twin_state = neuron_state(p["twin_a"], y)
    text += (
        f"The squared error's gradient is exactly as large at a = {num(p['twin_a'])}, where "
        f"the neuron is {twin_state} (CE's there: {fmt(p['twin_ce_dw'], 4)})"
    )
    far = abs(p["a"] - y) > 0.5
    if far != (abs(p["twin_a"] - y) > 0.5):
        return text + ": a small squared-error gradient cannot tell far from near."
    return text + "."


def sigmoid_headline(p: Mapping[str, float], y: int, x: float) -> str:
    """The neuron in one sentence: MSE's gradient is CE's times σ'(z), never above a quarter
    (at most 25 words)."""
    if x == 0:
        return "With input x = 0 both gradients are 0: choose x ≠ 0 to compare the losses."
    s = p["sigma_prime"]
    state = neuron_state(p["a"], y)
    text = f"MSE's dC/dw is CE's times σ'(z) = {num(s, '.3g')}, never more than 0.25"
    if "wrong" in state and s < 0.05:
        text += f": this {state} neuron barely learns under MSE"
    return text + "."


def two_class_headline(table: pd.DataFrame, y1: int) -> str:
    """The 2-class softmax in one sentence: MSE's push is CE's times 4·a1·a2 ≤ 1."""
    a1 = float(table.iloc[0]["a1"])
    if abs(a1 - 0.5) < 1e-12:
        return "At a1 = 0.5 MSE's push equals CE's; anywhere else it is smaller."
    ratio = float(table[table["y1"] == y1].iloc[0]["MSE / CE"])
    return (
        f"MSE's push is CE's times 4·a1·a2 = {fmt(ratio)}: below 1, and smallest when the softmax "
        "is confident, right or wrong."
    )


def k_class_headline(table: pd.DataFrame, a: np.ndarray, t: int) -> str:
    """K classes in one sentence: MSE's push on the true logit vanishes as a_t → 0, CE's
    tends to −1."""
    ra = table.iloc[0]
    return (
        f"At a_t = {num(float(a[t - 1]), 'g')} MSE's dL/dz_t is {fmt(ra['MSE dL/dz_t (full)'], 4)} "
        f"and CE's {fmt(ra['CE dL/dz_t'], 4)}: as a_t → 0 MSE's vanishes, CE's tends to −1."
    )


def sigmoid_caption(p: Mapping[str, float], y: int) -> str:
    """The sigmoid article's "small either way", made precise."""
    return (
        f"The article {SOURCES['sigmoid']} says the squared error's gradient is small 'either "
        "way'. "
        f"Precisely: for y = {y} |dC/dz| = |a − y|·a·(1 − a) peaks at a = "
        f"{num(p['peak_a'], '.3f')} (|dC/dw| = {fmt(abs(p['peak_mse_dw']), 4)} here) and falls "
        "to 0 at both ends, so every smaller value occurs twice — once badly wrong, once nearly "
        "right. CE's |a − y| only shrinks as the error does."
    )


# --------------------------------------------------------------------------- softmax, 2 classes


@st.cache_data(max_entries=64, show_spinner=False)
def two_class_table(logits: tuple[float, float]) -> pd.DataFrame:
    """Both label cases for logits ``[z1, z2]``: values and dL/dz1 of MSE and CE (registry)."""
    a1 = float(np.exp(logits[0] - np.logaddexp(logits[0], logits[1])))
    rows = []
    for y1 in (0, 1):
        g = an.softmax_gradients(np.array(logits), 1 - y1)  # y1 = 1 means class 1 (index 0)
        mse, ce = g["mse"], g["cross_entropy"]
        rows.append(
            {
                "y1": y1,
                "a1": a1,
                "a2": 1.0 - a1,
                "MSE loss": mse[0],
                "CE loss": ce[0],
                "MSE dL/dz1": float(mse[1][0]),
                "CE dL/dz1": float(ce[1][0]),
                "closed form 4·a1·a2·(a1−y1)": float(an.article_two_class_mse_grad(a1, y1)),
                # MSE's dL/dz1 = CE's times 4 a1 a2; where CE's is 0 that limit, not NaN.
                "MSE / CE": float(mse[1][0] / ce[1][0]) if ce[1][0] != 0 else 4 * a1 * (1 - a1),
            }
        )
    return pd.DataFrame(rows)


@st.cache_data(max_entries=8, show_spinner=False)
def two_class_curves(y1: int, n: int = 199) -> pd.DataFrame:
    """dL/dz1 of MSE and CE against a1 for label ``y1`` (registry, logits log a)."""
    a1 = np.linspace(0.0, 1.0, n + 2)[1:-1]
    z = np.log(np.stack([a1, 1.0 - a1], axis=1))
    y = np.full(a1.size, 1 - y1)
    _, g_mse = losses.get("mse", "classification")(y, z)
    _, g_ce = losses.get("cross_entropy", "classification")(y, z)
    return pd.DataFrame({"a1": a1, MSE: g_mse[:, 0], CE: g_ce[:, 0]})


@cached_spec
def two_class_chart(y1: int, a1: float, marks: tuple[float, float]) -> alt.TopLevelMixin:
    """dL/dz1 of MSE and CE against a1 for label ``y1``, the chosen a1 marked."""
    return _curves(
        two_class_curves(y1),
        "a1",
        {MSE: MSE, CE: CE},
        f"dL/dz1 against a1 (label y1 = {y1})",
        x_title="a1 = softmax(z)_1",
        y_title="dL/dz1",
        at=(a1, dict(zip([MSE, CE], marks, strict=True))),
        height=320,
    )


def two_class_sentence(table: pd.DataFrame, y1: int) -> str:
    """Both labels' gradients and the factor 4·a1·a2 that makes MSE's smaller."""
    r0, r1 = table.iloc[0], table.iloc[1]
    a1 = float(r0["a1"])
    ratio = float(table[table["y1"] == y1].iloc[0]["MSE / CE"])
    text = (
        f"a = [{fmt(a1)}, {fmt(1 - a1)}]: for y1 = 0 MSE's dL/dz1 is {fmt(r0['MSE dL/dz1'])} "
        f"and CE's {fmt(r0['CE dL/dz1'])}; for y1 = 1 they are {fmt(r1['MSE dL/dz1'])} and "
        f"{fmt(r1['CE dL/dz1'])}. "
    )
    if abs(a1 - 0.5) < 1e-12:
        return text + (
            "At a1 = 0.5 MSE's push equals CE's (4·a1·a2 = 1, its largest); anywhere else it "
            "is smaller, and smallest when the softmax is confident — right or wrong."
        )
    return text + (
        f"Either way MSE's push is CE's times 4·a1·a2 = {fmt(ratio)}, less than 1 (it reaches "
        "1 only at a1 = 0.5), and smallest when the softmax is confident — right or wrong."
    )


# --------------------------------------------------------------------------- softmax, K classes


@st.cache_data(max_entries=64, show_spinner=False)
def k_class_table(
    a: tuple[float, ...], b: tuple[float, ...], label: int, names: tuple[str, ...]
) -> pd.DataFrame:
    """Rows ``a``, ``b`` and ``a`` with uniform wrong classes: entries, losses, dL/dz_t.

    Losses and full gradients come from the registry; "article path" is the formula of the article
    "Why classification uses cross-entropy, not MSE, intuitively": :math:`-2 a_t (1 - a_t)^2`,
    the path through :math:`a_t` only.
    """
    k = len(a)
    if len(b) != k:
        raise ValueError(f"a and b must have the same number of classes, got {k} and {len(b)}")
    for title, v in (("a", a), ("b", b)):
        an.logits_from_probabilities(v, title)  # a clear message before anything else
    uniform = tuple(an.uniform_wrong(a[label], k, label)) if 0 <= label < k else a
    rows = []
    for title, v in (("a", a), ("b", b), ("a, wrong classes made uniform", uniform)):
        z = an.logits_from_probabilities(v, title)
        g = an.softmax_gradients(z, label, tuple(dict.fromkeys(("mse", "cross_entropy", *names))))
        row = {"vector": title, "probabilities": "[" + ", ".join(f"{p:.4g}" for p in v) + "]"}
        row |= {f"{identity.title(n)} loss": g[n][0] for n in names}
        row["MSE dL/dz_t (full)"] = float(g["mse"][1][label])
        row["MSE dL/dz_t (article path)"] = float(an.mse_grad_through_target(v[label]))
        row["CE dL/dz_t"] = float(g["cross_entropy"][1][label])
        rows.append(row)
    return pd.DataFrame(rows)


@st.cache_data(max_entries=16, show_spinner=False)
def target_curves(k: int) -> pd.DataFrame:
    c = an.target_gradient_curves(k)
    return pd.DataFrame(
        {"a_t": c["a_t"], CE: c["ce"], MSE_TARGET_PATH: c["mse_article"], MSE_FULL: c["mse_full"]}
    )


@cached_spec
def target_chart(k: int, a_t: float) -> alt.TopLevelMixin:
    """dL/dz_t against a_t: CE, MSE in full and MSE through a_t only."""
    df = target_curves(k)
    series = [MSE_FULL, CE, MSE_TARGET_PATH]
    marks = {s: float(np.interp(a_t, df["a_t"], df[s])) for s in series}
    return _curves(
        df,
        "a_t",
        {s: s for s in series},
        f"dL/dz_t against a_t ({k} classes)",
        x_title="a_t (probability of the true class t)",
        y_title="dL/dz_t",
        at=(a_t, marks),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def split_curve(a_t: float) -> pd.DataFrame:
    c = an.nontarget_split(a_t)
    return pd.DataFrame({"s": c["s"], MSE: c["mse"], CE: c["cross_entropy"]})


@cached_spec
def split_chart(a_t: float) -> alt.TopLevelMixin:
    """3 classes: each loss as the wrong mass 1 − a_t is split between the two wrong classes."""
    df = split_curve(a_t)
    i = int(np.argmin(df[MSE]))
    return _curves(
        df,
        "s",
        {MSE: MSE, CE: CE},
        f"3 classes, a_t = {num(a_t)}: wrong mass split",
        x_title="share s of the wrong mass on the first wrong class",
        y_title="loss",
        at=(float(df["s"][i]), {MSE: float(df[MSE][i])}),
        zero_rule=False,
    )


def k_class_sentence(
    table: pd.DataFrame, a: np.ndarray, b: np.ndarray, t: int, mse_col: str, ce_col: str
) -> str:
    """MSE's and CE's verdicts on ``a`` and ``b`` (true class ``t``, 1-based), and dL/dz_t.

    Cases: the same vector twice, MSE's scores tied (to 1e-12) or not, CE's scores equal (same
    a_t) or not.
    """
    ra, rb = table.iloc[0], table.iloc[1]
    at, bt = float(a[t - 1]), float(b[t - 1])
    if a.shape == b.shape and np.array_equal(a, b):
        verdict = (
            f"True class {t}: a and b are the same vector, so every loss scores them the same "
            f"(MSE {fmt(ra[mse_col])}, CE {fmt(ra[ce_col])})."
        )
    else:
        d = float(ra[mse_col] - rb[mse_col])
        prefer = (
            "scores them equal"
            if abs(d) <= 1e-12 * max(abs(ra[mse_col]), 1e-300)
            else "prefers a"
            if d < 0
            else "prefers b"
        )
        same = abs(float(ra[ce_col] - rb[ce_col])) <= 1e-12 * max(abs(float(ra[ce_col])), 1e-300)
        ce_part = (
            f"the same, since it only reads a_t (both {num(at, 'g')})"
            if same
            else f"differently, because a_t differs ({num(at, 'g')} and {num(bt, 'g')})"
        )
        verdict = (
            f"True class {t}: MSE scores a at {fmt(ra[mse_col])} and b at {fmt(rb[mse_col])} "
            f"({prefer}); CE scores them {fmt(ra[ce_col])} and {fmt(rb[ce_col])} — {ce_part}."
        )
    return verdict + (
        f" At a_t = {num(at, 'g')} the source article on K-class softmax gives −2·a_t·(1 − a_t)² = "
        f"{fmt(ra['MSE dL/dz_t (article path)'], 4)} is only the path through a_t; MSE's full "
        f"dL/dz_t for a is {fmt(ra['MSE dL/dz_t (full)'], 4)}. Both vanish as a_t → 0, while "
        f"CE's a_t − 1 = {fmt(ra['CE dL/dz_t'], 4)} tends to −1."
    )


@st.cache_data(max_entries=32, show_spinner=False)
def simplex_table(label: int, names: tuple[str, ...], cells: int = 56) -> pd.DataFrame:
    s = an.simplex_losses(label, names, cells)
    h = float(s["half"])
    df = pd.DataFrame(
        {
            "x0": s["x"] - h,
            "x1": s["x"] + h,
            "y0": s["y"] - h,
            "y1": s["y"] + h,
            "a1": s["a"][:, 0],
            "a2": s["a"][:, 1],
            "a3": s["a"][:, 2],
        }
    )
    for n in names:
        df[n] = s[n]
    return df


@cached_spec(max_entries=16)
def simplex_chart(
    label: int, name: str, shown: tuple[str, ...], points: tuple[tuple[str, tuple[float, ...]], ...]
) -> alt.TopLevelMixin:
    """One loss's ternary heatmap over every 3-class prediction, the label's corner and ``points``
    marked (one chart per loss, so that the panels wrap on a narrow screen)."""
    df = simplex_table(label, shown)
    corners = pd.DataFrame(
        {
            "x": an.CORNERS[:, 0],
            "y": an.CORNERS[:, 1] + np.array([-0.06, -0.06, 0.04]),
            "text": [f"class {k + 1}" + (" (label)" if k == label else "") for k in range(3)],
        }
    )
    # The line of uniform wrong classes: from the label's corner to the opposite edge's middle.
    others = [k for k in range(3) if k != label]
    mid = an.CORNERS[others].mean(axis=0)
    uniform = pd.DataFrame(
        {"x": [an.CORNERS[label, 0], mid[0]], "y": [an.CORNERS[label, 1], mid[1]]}
    )
    pts = pd.DataFrame(
        [{"name": n, "x": p[0], "y": p[1]} for n, v in points for p in [an.to_plane(v)]]
    )
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    xs = alt.Scale(domain=[-0.12, 1.12], nice=False)
    ys = alt.Scale(domain=[-0.12, 0.95], nice=False)
    n = name
    heat = (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("x0:Q", axis=axis, scale=xs),
            x2="x1:Q",
            y=alt.Y("y0:Q", axis=axis, scale=ys),
            y2="y1:Q",
            color=alt.Color(
                f"{n}:Q",
                title="loss",
                scale=alt.Scale(scheme="viridis", reverse=True),
                legend=alt.Legend(orient="right", gradientLength=200),
            ),
            tooltip=[
                alt.Tooltip("a1:Q", format=".3f"),
                alt.Tooltip("a2:Q", format=".3f"),
                alt.Tooltip("a3:Q", format=".3f"),
                alt.Tooltip(f"{n}:Q", title="loss", format=".4f"),
            ],
        )
    )
    line = alt.Chart(uniform).mark_line(color="white", strokeDash=[6, 4], strokeWidth=2)
    text = alt.Chart(corners).mark_text(fontSize=15, fontWeight="bold")
    # The two predictions are not losses: black with a white ring, on any heatmap colour.
    dots = alt.Chart(pts).mark_point(filled=True, size=140, color="#111", stroke="white")
    names_ = alt.Chart(pts).mark_text(dx=12, dy=-10, fontSize=16, color="#111")
    return alt.layer(
        heat,
        line.encode(x="x:Q", y="y:Q"),
        text.encode(x="x:Q", y="y:Q", text="text:N"),
        dots.encode(x="x:Q", y="y:Q", tooltip=["name:N"]),
        names_.encode(x="x:Q", y="y:Q", text="name:N"),
    ).properties(title=_title_lines(identity.title(n)), height=300)


# --------------------------------------------------------------------------- helpers


def _title_lines(title: str) -> list[str]:
    """A long title as two lines at its parenthesis, so a phone-wide chart shows all of it."""
    head, sep, tail = title.partition(" (")
    return [head, f"({tail}"] if sep and len(title) > 28 else [title]
