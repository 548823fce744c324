r"""Your loss: the formula box of the pages that choose losses.

A student types a loss as a formula in the variables the app defines (classification: the
margin ``m`` or the target's probability ``p``; regression: the residual ``r``, ``y``,
``yhat``), optionally followed by its parameters' declarations, e.g.
``abs(r) - delta; delta = 1 in [0.1, 5]``. :func:`box` draws the text field (bound to the
link), checks the text with :mod:`core.formula` and returns an :class:`Own`: the checked
formula and the values of its parameters' sliders (the student's ranges). The formula is then
a loss like any other, named ``"formula:" + key`` (:attr:`core.formula.Formula.name`): pages
append it to the losses they draw or train (:func:`add`), so it trains beside the built-ins on
the same data, model and initial weights, and every cache keyed by a comparison keys it by its
canonical form. Its identity is :mod:`present.identity`'s "Your loss".

Safety: the text reaches nothing but :func:`core.formula.from_key` (parse against an
allow-list, never evaluated; the derivation under the time limit in a helper process). A
refusal is shown as its message, escaped (:func:`present.untrusted.markdown`), and the page goes on
without the formula; a refused formula from a link is also named like any refused link
value. Outcomes, refusals included, are cached by the text, so a hostile formula costs its
time limit once per server process.

Usage::

    own = formula_box.box("classification", container=st.sidebar)   # None: no formula
    # or, with the field and the sliders apart:
    f = formula_box.field("classification", container=top_row)
    own = formula_box.sliders(f, slider_row)
    names, params = formula_box.add(names, params, own)
    formula_box.details(own)                                        # LaTeX and numerics

URL keys: ``formula`` (or ``key``) holds the text as typed; each parameter's slider
``formula_<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core import formula, losses
from core.formula.parse import MAX_CHARS, MAX_PARAMS
from core.losses import LossParams
from present.untrusted import markdown as escape
from ui import controls

#: The URL key of the formula's text.
KEY = "formula"
#: The longest text the box (and a link) takes: a formula and its parameters' declarations.
MAX_TEXT = MAX_CHARS + MAX_PARAMS * 80
#: The box's label, on every page.
LABEL = "Your loss (a formula)"
PLACEHOLDER = {
    "classification": "e.g. 1 - tanh(m)",
    "regression": "e.g. log(1 + r**2/2)",
    None: "e.g. 1 - tanh(m) or abs(r)",
}
#: What the box accepts, in its tooltip.
HELP = (
    "Write a loss in m (the margin z_t − max of the other logits) or p (the target's softmax "
    "probability) for classification, or r (the residual ŷ − y), y and yhat for regression. "
    "Functions: " + ", ".join(formula.FUNCTIONS) + "; + − * / and ** for powers. "
    "Parameters get a slider: declare each after a semicolon with its default and range, e.g. "
    "`abs(r) - delta; delta = 1 in [0.1, 5]`. Loss Lab derives the exact gradient and "
    "trains it beside the other losses; the formula is kept in the link."
)
#: The verdicts' topics as the box names them.
TOPICS = {
    "grid": "Grid",
    "finite": "Finite",
    "overflow": "Overflow",
    "kinks": "Kinks",
    "bounded_below": "Bounded below",
    "bounded_above": "Bounded above",
    "bounded_gradient": "Gradient",
    "convex": "Convex",
    "calibrated": "Calibrated",
    "finite_differences": "Gradient check",
}


@dataclass(frozen=True)
class Outcome:
    """What checking a text gave: the formula, or the message refusing it."""

    formula: formula.Formula | None = None
    refusal: str | None = None


@dataclass(frozen=True)
class Own:
    """The student's formula as the page uses it, with its parameters' slider values."""

    formula: formula.Formula
    values: tuple[tuple[str, float], ...] = ()

    @property
    def name(self) -> str:
        """The loss name, ``"formula:" + key``."""
        return self.formula.name

    @property
    def task(self) -> str:
        return self.formula.task

    @property
    def loss_params(self) -> LossParams:
        """The ``LossParams`` entry of the sliders that differ from the declared defaults
        (none at the defaults, as the built-in losses' sliders do)."""
        defaults = self.formula.defaults
        changed = tuple((k, v) for k, v in self.values if v != defaults[k])
        return ((self.name, changed),) if changed else ()

    @property
    def all_params(self) -> LossParams:
        """The ``LossParams`` entry with every parameter (a curve's legend names none)."""
        return ((self.name, self.values),)


@st.cache_data(max_entries=256, show_spinner=False)
def checked(text: str, task: str | None) -> Outcome:
    """``text`` (a formula, then ``; name = default in [low, high]`` declarations) checked
    and derived for ``task`` (``None``: either), under :data:`core.formula.TIME_LIMIT_S`.

    Cached by the text, refusals too (a hostile text is deterministic: it would be refused,
    or run out of time, again). Never raises for any text.
    """
    try:
        return Outcome(formula.from_key(text, task))
    except formula.FormulaError as err:
        return Outcome(refusal=str(err))


def check(text: str, task: str | None) -> Outcome:
    """:func:`checked`, with texts longer than :data:`MAX_TEXT` refused before the cache
    hashes them (a link can carry anything)."""
    if len(text) > MAX_TEXT:
        return Outcome(
            refusal=f"a formula has at most {MAX_TEXT} characters; this one has {len(text)}"
        )
    return checked(text, task)


@st.cache_resource(max_entries=32, show_spinner=False)
def loss(name: str) -> Any:
    """The formula's registry :class:`~core.losses.Loss` (a closure: shared, not pickled),
    by its loss name, for a card."""
    return losses.get(name)


@st.cache_data(max_entries=64, show_spinner=False)
def verdicts(key: str, values: tuple[tuple[str, float], ...] = ()) -> list[tuple[str, str]]:
    """``(topic title, sentence)`` of every numerics verdict on the formula ``key``, at the
    parameter ``values`` (:func:`core.formula.numerics`)."""
    f = check(key, None).formula
    if f is None:  # a key comes from a checked formula: this cannot be refused
        return []
    at = formula.with_defaults(f, dict(values))
    return [(TOPICS.get(v.topic, v.topic), v.sentence) for v in formula.numerics(at).verdicts]


def warm() -> None:
    """Start the derivation's helper process (SymPy imported) before a student waits for it."""
    formula.check("softplus(-m)")


# --------------------------------------------------------------------------- the box


def box(
    task: str | None,
    *,
    key: str = KEY,
    container: Any = None,
    slider_width: int | str = "stretch",
) -> Own | None:
    """:func:`field` and, under it, :func:`sliders`, in ``container`` (default: the main
    column). In the sidebar, the formula is also written above the page's figure (what "your
    loss" is must be seen where it is drawn). Returns ``None`` when the field is empty or
    refused."""
    where = container if container is not None else st
    own = sliders(field(task, key=key, container=where), where, key=key, width=slider_width)
    if own is not None and where is st.sidebar:
        st.caption(echo(own))
    return own


def echo(own: Own) -> str:
    """One line naming the student's formula, for above a figure: its LaTeX (built from the
    checked tree: nothing typed reaches it as text) and its parameters' values."""
    values = ", ".join(f"{n} = {v:g}" for n, v in own.values)
    return f"**{formula.TITLE}** (black): ${own.formula.latex}$" + (
        f" at {escape(values)}" if values else ""
    )


def field(task: str | None, *, key: str = KEY, container: Any = None) -> formula.Formula | None:
    """The formula's text field, bound to the URL key ``key``, checked for ``task`` (the
    page's; ``None``: either; a formula of the other task is refused, saying so).

    A refusal is shown escaped: under the field in the sidebar, else in the main column after
    the field's row; a refused formula from the link is named there as a link notice (from a
    sidebar field, both), like any refused link value. Call it before the page's figure.
    Returns the checked formula, or ``None``.
    """
    where = container if container is not None else st
    raw = st.query_params.get_all(key)
    from_link = key not in st.session_state and bool(raw)
    text = where.text_input(
        LABEL,
        value="",
        key=key,
        max_chars=MAX_TEXT,
        placeholder=PLACEHOLDER.get(task, PLACEHOLDER[None]),
        help=HELP,
        bind="query-params",
    )
    if not text.strip():
        return None
    outcome = check(text, task)
    if from_link and len(raw[-1]) > MAX_TEXT:
        # the field keeps its first MAX_TEXT characters and the frame's link notice names the
        # parameter; the field's message says how long the link's text was
        outcome = Outcome(
            refusal=f"a formula has at most {MAX_TEXT} characters; the link's has {len(raw[-1])}"
        )
        from_link = False
    if outcome.formula is not None:
        return outcome.formula
    message = escape(outcome.refusal or "not a formula")
    if from_link:
        st.warning(
            f"The link's formula (`{key}`) cannot be used, so the page shows the other losses: "
            f"{message}",
            icon=":material/link_off:",
        )
    if from_link and where is not st.sidebar:
        return None  # the notice above is under the field already
    # under the field: in the sidebar, or in the main column after the field's row (a narrow
    # column would stretch its row)
    box_ = where if where is st.sidebar else st
    box_.error(f"Your loss is not used: {message}", icon=":material/function:")
    return None


def sliders(
    f: formula.Formula | None,
    container: Any = None,
    *,
    key: str = KEY,
    width: int | str = "stretch",
) -> Own | None:
    """One slider per declared parameter of ``f`` over the student's range, starting at its
    default (URL keys :func:`param_key`); ``None`` without a formula."""
    if f is None:
        return None
    where = container if container is not None else st
    values = []
    for p in f.params:
        k = param_key(key, p.name)
        held = st.session_state.get(k)
        if held is not None and not p.low <= held <= p.high:
            del st.session_state[k]  # the range was edited: start at the new default
        spec = controls.NumberSpec(
            f"Your loss: {escape(p.name)}",
            float(p.low),
            float(p.high),
            controls._step(p.low, p.high),
            help=f"declared as {p.declaration}",
        )
        values.append((p.name, float(controls.number(where, k, spec, p.default, width=width))))
    return Own(f, tuple(values))


def param_key(key: str, name: str) -> str:
    """The URL key of a parameter's slider, e.g. ``formula_delta``."""
    return f"{key}_{name}"


def add(
    names: Sequence[str], params: LossParams, own: Own | None
) -> tuple[tuple[str, ...], LossParams]:
    """``names`` and ``params`` with the student's formula appended (unchanged without one)."""
    if own is None:
        return tuple(names), tuple(params)
    return (*names, own.name), (*params, *own.loss_params)


# --------------------------------------------------------------------------- what it is


def details(own: Own, *, container: Any = None) -> None:
    """The formula and its exact derivative (LaTeX), how it is computed, and what the
    numerics found, at the sliders' values."""
    where = container if container is not None else st
    f = own.formula
    left, right = where.columns([2, 3])
    with left:
        st.markdown(
            "**Your loss and its exact gradient** (derived by SymPy from the checked formula)"
        )
        st.latex(f.latex)
        st.latex(f.grad_latex)
        for r in f.rewrites:
            st.caption(escape(r.sentence))
        if f.params:
            st.caption(
                "Parameters: "
                + escape("; ".join(f"{n} = {v:g}" for n, v in own.values))
                + escape(f" (declared {'; '.join(p.declaration for p in f.params)})")
            )
    with right:
        st.markdown("**What Loss Lab found** on a grid out to 10⁴, in float64 and float32")
        st.markdown(verdict_list(verdicts(f.key, own.values)))


def verdict_list(items: Sequence[tuple[str, str]]) -> str:
    """Verdicts as a Markdown list, each sentence escaped (it quotes the formula)."""
    return "\n".join(f"- **{title}:** {escape(sentence)}" for title, sentence in items)


def card(own: Own, *, badges: Any = None, expanded: bool = True) -> None:
    """The Loss reference's card for the student's formula, shaped like the registered
    losses' cards: property flags (``badges(loss)``, from the numerics on the grid), formula
    and exact gradient, parameters, what the numerics found, and the forms it is computed in.
    """
    f = own.formula
    with st.expander(f"**{formula.TITLE}** · `{f.task}`", expanded=expanded):
        if badges is not None:
            st.markdown(badges(loss(own.name)))
        maths, found, names, forms = st.tabs(
            ["Formula & gradient", "Numerics", "Frameworks", "Computed as"]
        )
        with maths:
            st.latex(f.latex)
            st.latex(f.grad_latex)
            if f.params:
                st.caption(escape("Parameters: " + "; ".join(p.declaration for p in f.params)))
            else:
                st.caption("No parameters.")
            st.caption("Reference: yours (the property flags are what the grid shows).")
        with found:
            st.markdown(verdict_list(verdicts(f.key, own.values)))
        with names:
            st.markdown(FRAMEWORKS_NOTE)
        with forms:
            st.caption(
                "Its name (the canonical form and its parameters), the form computed and its "
                "gradient, in Loss Lab's variables: log_p = log p_t from log-softmax, "
                "one_minus_p = 1 − p_t by expm1, yhat = ŷ."
            )
            st.code(
                f"loss name: {f.name}\n"
                f"computed:  {formula.canonical(f.stable)}\n"
                f"gradient:  {formula.canonical(f.grad)}   (d/d{GRAD_WRT[f.variable]})",
                language=None,
            )


#: What the card says of frameworks: no framework has a student's formula built in.
FRAMEWORKS_NOTE = (
    "No framework has this loss built in. In PyTorch or Keras, write the *computed* form "
    "(tab “Computed as”) with the framework's functions (`torch.nn.functional.softplus`, "
    "`torch.sigmoid`, `torch.maximum`, …); autograd then gives the gradient shown here, except "
    "perhaps at kinks, where frameworks pick their own subgradients."
)
#: What the gradient tree is the derivative with respect to, as the card writes it.
GRAD_WRT = {"m": "m", "p": "log p", "r": "yhat"}


def engine_formulas(names: Sequence[str]) -> list[dict[str, Any]]:
    """The JSON forms (:meth:`core.formula.Formula.to_json`) of the formula losses among
    ``names``, for a player that trains in the browser: it registers each with the engine's
    ``registerFormula(json)`` (``ui/player/engine/formula.js``) before it trains the configs
    that name them. Empty when no name is a formula's."""
    out = []
    for name in names:
        if formula.is_formula_name(name):
            f = check(formula.check_name(name), None).formula
            if f is not None:  # a loss name comes from a checked formula
                out.append(f.to_json())
    return out
