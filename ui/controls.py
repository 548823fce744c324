"""Shared controls: the URL-bound widgets every page draws (:class:`NumberSpec` with
:func:`number`/:func:`numbers`, :func:`select`, :func:`radio`, :func:`toggle`,
:func:`vector_input`), and the sidebar's dataset and its parameters, model, optimizer, losses.

Every widget is bound to the URL (``bind="query-params"``, the key is the parameter name) and
bounded, so a hostile link cannot start unbounded work. Every widget declares its default with
``value=``/``index=``/``default=``: Streamlit drops a URL value equal to the widget's declared
default, so the page default and the widget default must agree or a link showing the widget's
own default would lose it. Bound selectboxes and multiselects have no ``format_func``: the URL
holds the displayed option, and the option is the registry name (``?losses=hinge``). Lecture
presets (``frame.presets``) set these keys in ``st.session_state``. The controls return the
frozen choices of :mod:`core.experiment` (``DataChoice``, ``ModelChoice``): hashable, so they
can key ``st.cache_data``.

Usage::

    data = controls.dataset_picker(st.sidebar, controls.datasets_2d(), default="moons")
    model = controls.model_controls({"epochs": 200, "lr": 0.01})
    chosen = controls.loss_controls(["cross_entropy", "mse"])
    ds = data.load()
    cfgs = [model.config(loss) for loss in chosen]

URL keys: ``dataset``; dataset parameters as ``<dataset>_<param>`` (e.g. ``moons_noise``;
prefixed because ranges differ between datasets); model ``layers``, ``width``, ``act``;
training ``opt``, ``lr``, ``epochs``, ``batch``, ``l2``, ``seed``; ``losses``. A page that needs
two sets of these controls passes ``prefix``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from core import cost, datasets, losses, models, optim
from core.experiment import Comparison, DataChoice, ModelChoice
from core.losses import LossParams
from present import identity, state

#: Hard limits that bound the work any URL can ask for (``EPOCHS_WIDGET_MAX``: the epochs a model
#: widget or link may ask for, far below the engine's own bound ``core.cost.MAX_EPOCHS``).
EPOCHS_WIDGET_MAX = 2000
MAX_LAYERS = 3
MAX_WIDTH = 256
MAX_SEED = 10_000
LR_RANGE = (1e-5, 10.0)
#: Classification datasets with more than two features (no decision-boundary picture).
HIGH_DIMENSIONAL = frozenset({"breast_cancer", "digits"})
BATCH_SIZES = ("full", "8", "16", "32", "64", "128", "256")

#: Model and training defaults; pages override some of them.
MODEL_DEFAULTS: dict[str, Any] = {
    "layers": 1,
    "width": 32,
    "act": "tanh",
    "opt": "adam",
    "lr": 0.01,
    "epochs": 300,
    "batch": "full",
    "l2": 0.0,
    "seed": 0,
}

OPTIMIZER_HELP = "sgd: plain gradient descent; momentum: SGD + momentum 0.9; adam: Adam"
#: Each optimizer's usual starting learning rate for this lab's small full-batch networks:
#: plain SGD 0.1; SGD with momentum 0.9 takes steps about 1 / (1 - 0.9) = 10 times larger, so
#: a tenth of that; Adam's steps are normalised by the gradient's scale, and 0.01 is the lab's
#: default (the Adam paper's own is 0.001). Switching optimizer proposes it, never sets it.
USUAL_LR = {"sgd": 0.1, "momentum": 0.01, "adam": 0.01}
BATCH_HELP = "'full' = one gradient step per epoch on all training points"


# --------------------------------------------------------------------------- URL-bound widgets


@dataclass(frozen=True)
class NumberSpec:
    """A bounded number widget: a slider, or a number input when ``slider`` is false.

    The types of ``low``, ``high`` and ``step`` are the widget's (int or float): Streamlit wants
    them alike, and a link's value is read as that type.
    """

    label: str
    low: float
    high: float
    step: float
    slider: bool = True
    format: str | None = None
    help: str | None = None


def number(box: Any, key: str, spec: NumberSpec, value: Any, **kwargs: Any) -> Any:
    """Draw ``spec`` in ``box``, bound to the URL parameter ``key``, declaring ``value`` (converted
    to the range's type) as its default; ``kwargs`` go to Streamlit (``width``, ``disabled``).

    The declared default is what a link is read against: Streamlit drops a URL value equal to
    it, so a page must declare the same default (and key, range and type) in every release.
    """
    draw = box.slider if spec.slider else box.number_input
    return draw(
        spec.label,
        min_value=spec.low,
        max_value=spec.high,
        value=type(spec.low)(value),
        step=spec.step,
        format=spec.format,
        key=key,
        help=spec.help,
        bind="query-params",
        **kwargs,
    )


def numbers(
    boxes: Any,
    specs: Mapping[str, NumberSpec],
    defaults: Mapping[str, Any],
    *,
    prefix: str = "",
    **kwargs: Any,
) -> list[Any]:
    """One :func:`number` per spec, in order: keys ``prefix + name``, defaults ``defaults[name]``.

    ``boxes`` is one container for all of them, or one each (e.g. ``st.columns(4)``).
    """
    if not isinstance(boxes, list | tuple):
        boxes = [boxes] * len(specs)
    return [
        number(box, f"{prefix}{name}", spec, defaults[name], **kwargs)
        for box, (name, spec) in zip(boxes, specs.items(), strict=True)
    ]


def toggle(box: Any, label: str, key: str, value: bool, help: str | None = None) -> bool:
    """A URL-bound on/off switch declaring ``value`` as its default (``?key=true``)."""
    return box.toggle(label, value=value, key=key, help=help, bind="query-params")


def select(
    box: Any, label: str, options: Sequence[Any], key: str, default: Any, **kwargs: Any
) -> Any:
    """A URL-bound selectbox declaring ``default`` as its default; the URL holds the option
    itself (so no ``format_func``). ``kwargs`` go to Streamlit (``help``, ``disabled``)."""
    options = list(options)
    index = options.index(default)
    return box.selectbox(label, options, index=index, key=key, bind="query-params", **kwargs)


def radio(
    box: Any,
    label: str,
    options: Sequence[str],
    key: str,
    *,
    horizontal: bool = True,
    help: str | None = None,
    on_change: Callable[[], None] | None = None,
) -> str:
    """A URL-bound radio whose default is its first option; the URL holds the option's label.
    ``on_change`` runs when the user picks another option (not when a preset sets one)."""
    return box.radio(
        label,
        list(options),
        index=0,
        key=key,
        help=help,
        horizontal=horizontal,
        bind="query-params",
        on_change=on_change,
    )


def vector_input(box: Any, label: str, key: str, value: str, help: str | None = None) -> str:
    """A URL-bound text field for a short list of numbers (``1, 2, 3``); 120 characters at most,
    so a link cannot smuggle in a long computation."""
    return box.text_input(
        label, key=key, value=value, bind="query-params", max_chars=120, help=help
    )


# --------------------------------------------------------------------------- declared defaults
# A page declares every control once, as ``{URL key: default}`` (its ``DEFAULTS``): the widgets
# take their ``value=`` from it and a lecture preset resets every key it does not name to it
# (``ui.frame.page``). The families of keys the shared controls draw are generated here, from
# the same registries the widgets read (datasets, losses), so a new dataset parameter or loss
# hyperparameter needs no page edit.


def dataset_defaults(
    names: Sequence[str], default: str, *, prefix: str = "", skip: Sequence[str] = ()
) -> dict[str, Any]:
    """The keys of :func:`dataset_picker` over ``names`` and their defaults: ``dataset`` and,
    for every dataset, ``<dataset>_<param>`` (each as its widget declares it)."""
    out: dict[str, Any] = {f"{prefix}dataset": default}
    for name in names:
        for p in datasets.info(name).params.values():
            if p.name not in skip:
                out[f"{prefix}{name}_{p.name}"] = _param_default(p)
    return out


def _param_default(p: datasets.Param) -> Any:
    """A dataset parameter's default as its widget holds it (:func:`_param_widget`)."""
    if p.choices:
        return p.default
    return int(p.default) if p.integer else float(p.default)


def model_defaults(overrides: Mapping[str, Any] | None = None, *, prefix: str = "") -> dict:
    """The keys of :func:`model_controls` and their defaults: :data:`MODEL_DEFAULTS` with a
    page's ``overrides`` (the batch size as its option's text, e.g. ``"full"``)."""
    d = {**MODEL_DEFAULTS, **(overrides or {})}
    d["batch"] = str(d["batch"])
    return {f"{prefix}{k}": v for k, v in d.items()}


def loss_param_defaults(task: str = "classification") -> dict[str, Any]:
    """The keys of :func:`loss_param_controls` for every registered loss of ``task``
    (``<loss>_<hyperparameter>``) and their defaults."""
    return {
        f"{loss.name}_{h.name}": float(h.default)
        for loss in (losses.get(n, task) for n in losses.names(task))
        for h in loss.hyperparameters
    }


# --------------------------------------------------------------------------- helpers


def datasets_2d() -> list[str]:
    """Classification datasets with two features (the ones a plane can show)."""
    return [n for n in datasets.names("classification") if n not in HIGH_DIMENSIONAL]


def dataset_picker(
    box: Any,
    names: Sequence[str],
    *,
    default: str,
    prefix: str = "",
    skip: Sequence[str] = (),
    defaults: Mapping[str, Any] | None = None,
) -> DataChoice:
    """Dataset selectbox plus one bounded widget per dataset parameter, drawn in ``box``.

    Pages reach it through :func:`ui.upload.dataset_controls` (built-in data or a CSV).

    Parameters
    ----------
    box
        Where to draw (e.g. ``st.sidebar``).
    names
        The datasets to offer (``datasets.names(...)`` or :func:`datasets_2d`).
    default
        The dataset shown when the URL names none.
    prefix
        Prepended to every key (for a second set of controls on one page).
    skip
        Parameters to leave at their defaults (not shown), e.g. ``("test_fraction",)``.
    defaults
        The page's declared defaults (:func:`dataset_defaults`, perhaps with some values of
        its own); a key it lacks takes the registry's default.
    """
    key = f"{prefix}dataset"
    defaults = defaults or {}
    about = ", ".join(f"{n}: {datasets.info(n).title}" for n in names)
    name = select(box, "Dataset", names, key, defaults.get(key, default), help=about)
    spec = datasets.info(name)
    params: dict[str, Any] = {}
    shown = [p for p in spec.params.values() if p.name not in skip]
    main = [p for p in shown if p.name not in ("seed", "test_fraction")]
    more = [p for p in shown if p.name in ("seed", "test_fraction")]
    for p in main:
        params[p.name] = _param_widget(box, name, p, prefix, defaults)
    if more:
        with box.expander("Data split and seed"):
            for p in more:
                params[p.name] = _param_widget(st, name, p, prefix, defaults)
    return DataChoice(name=name, params=tuple(sorted(params.items())))


def _param_widget(
    box: Any, dataset: str, p: datasets.Param, prefix: str, defaults: Mapping[str, Any]
) -> Any:
    """One bounded, URL-bound widget for a dataset parameter (its default from ``defaults``,
    else the registry's)."""
    key = f"{prefix}{dataset}_{p.name}"
    value = defaults.get(key, _param_default(p))
    label = p.name.replace("_", " ").capitalize()
    if p.choices:
        return select(box, label, p.choices, key, value, help=p.help)
    if p.integer:
        spec = NumberSpec(label, int(p.low), int(p.high), 1, slider=False, help=p.help)
        return int(number(box, key, spec, value))
    spec = NumberSpec(label, float(p.low), float(p.high), _step(p.low, p.high), help=p.help)
    return float(number(box, key, spec, value))


def _step(low: float, high: float) -> float:
    """A slider step giving about 100 positions, rounded to 1, 2 or 5 times a power of 10."""
    raw = (high - low) / 100
    if raw <= 0:
        return 0.01
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


#: The number widgets of :func:`model_controls` (a page may lower the epochs' maximum).
MODEL_WIDGETS = {
    "layers": NumberSpec("Hidden layers", 0, MAX_LAYERS, 1, slider=False, help="0 = linear model"),
    "width": NumberSpec("Width", 1, MAX_WIDTH, 1, slider=False, help="units per hidden layer"),
    "lr": NumberSpec("Learning rate", *LR_RANGE, 0.001, slider=False, format="%g"),
    "epochs": NumberSpec("Epochs", 1, EPOCHS_WIDGET_MAX, 10, slider=False),
    "l2": NumberSpec("L2 penalty", 0.0, 1.0, 0.001, slider=False, format="%g"),
    "seed": NumberSpec("Seed (initial weights, batch order)", 0, MAX_SEED, 1, slider=False),
}


def model_controls(
    defaults: Mapping[str, Any] | None = None,
    *,
    prefix: str = "",
    max_epochs: int = EPOCHS_WIDGET_MAX,
    container: Any = None,
    seed: bool = True,
) -> ModelChoice:
    """Model (layers, width, activation) and training (optimizer, lr, epochs, batch, L2, seed).

    ``defaults``: the page's declared defaults (keys with ``prefix``, e.g. from
    :func:`model_defaults`); a key it lacks takes :data:`MODEL_DEFAULTS`. ``max_epochs``
    bounds the epochs a URL can ask for (at most :data:`EPOCHS_WIDGET_MAX`). ``seed=False``
    leaves the seed's widget out and the choice with the declared seed: the page draws it
    with :func:`seed_control` where it comes next (a seed's change then reruns only what
    depends on it, :func:`ui.frame.part`).
    """
    box = container if container is not None else st.sidebar
    given = defaults or {}
    d = {name: given.get(f"{prefix}{name}", v) for name, v in MODEL_DEFAULTS.items()}
    w = dict(MODEL_WIDGETS)
    w["epochs"] = replace(w["epochs"], high=min(int(max_epochs), EPOCHS_WIDGET_MAX))
    k = {name: f"{prefix}{name}" for name in d}

    box.markdown("**Model**")
    c1, c2 = box.columns(2)
    layers = number(c1, k["layers"], w["layers"], d["layers"])
    width = number(c2, k["width"], w["width"], d["width"], disabled=layers == 0)
    activation = select(
        box, "Activation", models.ACTIVATIONS, k["act"], d["act"], disabled=layers == 0
    )
    box.markdown("**Training**")
    switched = f"_{prefix}opt_switched"
    optimizer = select(
        box,
        "Optimizer",
        optim.NAMES,
        k["opt"],
        d["opt"],
        help=OPTIMIZER_HELP,
        on_change=_remember_switch,
        args=(switched,),
    )
    c1, c2 = box.columns(2)
    lr = number(c1, k["lr"], w["lr"], d["lr"])
    epochs = number(c2, k["epochs"], w["epochs"], d["epochs"])
    if st.session_state.get(switched):
        _propose_lr(box, str(optimizer), float(lr), k["lr"], switched)
    c1, c2 = box.columns(2)
    batch = select(c1, "Batch size", BATCH_SIZES, k["batch"], str(d["batch"]), help=BATCH_HELP)
    l2 = number(c2, k["l2"], w["l2"], d["l2"])
    values = {"layers": layers, "width": width, "act": activation, "opt": optimizer, "lr": lr}
    values |= {"epochs": epochs, "batch": batch, "l2": l2, "seed": d["seed"]}
    if seed:
        values["seed"] = seed_control(box, given, prefix=prefix)
    return _model(values)


def seed_control(box: Any, defaults: Mapping[str, Any] | None = None, *, prefix: str = "") -> int:
    """The seed's widget of :func:`model_controls` (initial weights and batch order), in
    ``box``, declaring the page's default (``defaults``, keys with ``prefix``)."""
    default = (defaults or {}).get(f"{prefix}seed", MODEL_DEFAULTS["seed"])
    return int(number(box, f"{prefix}seed", MODEL_WIDGETS["seed"], default))


def _remember_switch(flag: str) -> None:
    # a person picked another optimizer (a preset or a link does not call this)
    st.session_state[flag] = True


def _propose_lr(box: Any, optimizer: str, lr: float, lr_key: str, flag: str) -> None:
    """After a person switched optimizer: its usual learning rate (:data:`USUAL_LR`), offered
    with a button; the value the person set stays until they take it."""
    usual = USUAL_LR[optimizer]
    if math.isclose(lr, usual):
        st.session_state.pop(flag, None)
        return
    box.caption(f"{optimizer} usually starts from learning rate {usual:g}; this view keeps {lr:g}.")
    box.button(
        f"Use learning rate {usual:g}",
        key=f"{lr_key}_usual",
        on_click=_take_lr,
        args=(lr_key, usual, flag),
        icon=":material/tune:",
    )


def _take_lr(lr_key: str, usual: float, flag: str) -> None:
    st.session_state[lr_key] = usual
    st.session_state.pop(flag, None)


def _model(v: Mapping[str, Any]) -> ModelChoice:
    """The :class:`ModelChoice` of :func:`model_controls`' values (keys as there)."""
    return ModelChoice(
        hidden=tuple([int(v["width"])] * int(v["layers"])),
        activation=str(v["act"]),
        optimizer=str(v["opt"]),
        lr=float(v["lr"]),
        epochs=int(v["epochs"]),
        batch_size=None if str(v["batch"]) == "full" else int(v["batch"]),
        l2=float(v["l2"]),
        seed=int(v["seed"]),
    )


def model_choice(defaults: Mapping[str, Any], *, prefix: str = "") -> ModelChoice:
    """The model a page's declared defaults choose: what :func:`model_controls` returns on a
    page opened without a link."""
    return _model({name: defaults.get(f"{prefix}{name}", v) for name, v in MODEL_DEFAULTS.items()})


def data_choice(
    defaults: Mapping[str, Any], *, prefix: str = "", skip: Sequence[str] = ()
) -> DataChoice:
    """The data a page's declared defaults choose: what :func:`dataset_picker` returns on a
    page opened without a link."""
    name = defaults[f"{prefix}dataset"]
    params = {
        p.name: defaults.get(f"{prefix}{name}_{p.name}", _param_default(p))
        for p in datasets.info(name).params.values()
        if p.name not in skip
    }
    return DataChoice(name=name, params=tuple(sorted(params.items())))


#: Short labels for legends and takeaway sentences: :data:`present.identity.SHORT`, the one place.
SHORT_LABELS = identity.SHORT


def short_label(name: str) -> str:
    """Short label of a loss (e.g. ``CE``), falling back to its name (:func:`identity.short`)."""
    return identity.short(name)


#: The work of one view of a comparison page: the key, its data's shape and the settings
#: of :func:`budget_settings` (plus any the page adds, e.g. ``seeds``).
ViewWork = Callable[[Comparison, cost.DataShape, Mapping[str, Any]], cost.Work]

#: The words of the over-budget message that say a view was not computed (tests look for them).
OVER_BUDGET = "one view may take"
#: Round values a suggestion may name (times powers of ten): "epochs 888 -> 200".
_LADDER = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
#: What the over-budget message calls each setting (:func:`budget_message`).
BUDGET_LABELS = {
    "epochs": "epochs",
    "width": "width",
    "layers": "hidden layers",
    "losses": "losses",
    "n_samples": "points",
    "batch": "batch size",
    "seeds": "seeds",
    "model": "model",
    "rates": "rates",
}


def round_values(current: int, low: int = 1, step: int = 1) -> list[int]:
    """Round values (:data:`_LADDER` times powers of ten, multiples of ``step``) from just
    below ``current`` down to ``low``: what a suggestion may offer instead of ``current``."""
    out: set[int] = {int(low)}
    power = 1
    while power <= current:
        out |= {int(m * power) for m in _LADDER}
        power *= 10
    return sorted((v for v in out if low <= v < current and v % step == 0), reverse=True)


def budget_settings(key: Comparison, shape: cost.DataShape) -> dict[str, Any]:
    """The settings of a comparison a user can lower to make it cheaper: epochs, width,
    hidden layers, the number of losses, the batch size and (built-in data) the points."""
    m = key.model
    out: dict[str, Any] = {
        "epochs": m.epochs,
        "width": max(m.hidden, default=0),
        "layers": len(m.hidden),
        "losses": len(key.losses),
        "batch": m.batch_size,
    }
    if "n_samples" in key.data.kwargs:
        out["n_samples"] = shape.n_train + shape.n_test
    return out


def budget_knobs(
    settings: Mapping[str, Any], *, epochs_step: int = 1, min_samples: int = 20
) -> list[cost.Knob]:
    """The :class:`core.cost.Knob` of each setting of :func:`budget_settings` (and ``seeds``),
    every value one the page's widgets accept (``epochs_step``: the epochs widget's step;
    ``min_samples``: the dataset's fewest points)."""
    knobs = []
    for name, value in settings.items():
        if name == "epochs":
            values = round_values(value, epochs_step, epochs_step)
        elif name == "width" and settings.get("layers"):
            values = round_values(value)
        elif name == "layers":
            values = list(range(value - 1, -1, -1))
        elif name in ("losses", "seeds"):
            values = list(range(value - 1, 0, -1))
        elif name == "n_samples":
            values = round_values(value, min_samples)
        elif name == "batch" and value is not None:
            values = [*(int(b) for b in BATCH_SIZES if b != "full" and int(b) > value), None]
        else:
            continue
        knobs.append(cost.Knob(name, BUDGET_LABELS.get(name, name), values))
    return knobs


def apply_settings(
    key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any]
) -> tuple[Comparison, cost.DataShape]:
    """``key`` and ``shape`` with ``settings`` (of :func:`budget_settings`) applied."""
    layers = int(settings.get("layers", len(key.model.hidden)))
    width = int(settings.get("width", max(key.model.hidden, default=0)))
    model = replace(
        key.model,
        hidden=tuple([width] * layers),
        epochs=int(settings.get("epochs", key.model.epochs)),
        batch_size=settings.get("batch", key.model.batch_size),
    )
    key = key.replace(model=model, losses=key.losses[: int(settings.get("losses", 99))])
    if "n_samples" in settings:
        shape = shape.resized(int(settings["n_samples"]))
    return key, shape


def _shown(name: str, value: Any) -> str:
    if name == "batch":
        return "full" if value is None else str(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def budget_message(
    work: cost.Work, settings: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]
) -> str:
    """What a page says when a view is over budget: what it would take at most (the estimate
    is calibrated to be at or above what a view takes), what one view may, and the changes
    that would fit (:func:`core.cost.fitting`)."""
    text = (
        f"This view would take up to {work.seconds:,.0f} s of server time and "
        f"{work.peak / 2**20:,.0f} MB of memory; {OVER_BUDGET} {cost.MAX_SECONDS:g} s and "
        f"{cost.MAX_PEAK / 2**20:,.0f} MB, so it is not computed."
    )

    def say(change: Mapping[str, Any]) -> str:
        return ", ".join(
            f"{BUDGET_LABELS.get(k, k)} {_shown(k, settings[k])} → {_shown(k, v)}"
            for k, v in change.items()
        )

    if not changes:
        return text + " None of its settings can make it small enough: use a smaller file."
    if len(changes) == 1 and len(changes[0]) > 1:
        return text + f" Together, these would fit: {say(changes[0])}."
    return text + " Any one of these would fit: " + "; or ".join(say(c) for c in changes) + "."


def within_budget(
    key: Comparison,
    shape: cost.DataShape,
    work: ViewWork,
    *,
    extra: Mapping[str, Any] | None = None,
    epochs_step: int = 1,
    knobs: Sequence[cost.Knob] | None = None,
) -> bool:
    """Whether the view ``work(key, shape, settings)`` stays within the one budget
    (:func:`core.cost.within_budget`); if not, say so with ``st.error``, naming the settings
    that would fit (the caller then stops).

    ``extra`` adds page settings to :func:`budget_settings` (e.g. ``{"seeds": 3}``); ``knobs``
    replaces :func:`budget_knobs` (a page whose widgets take other values)."""
    settings = {**budget_settings(key, shape), **(extra or {})}
    spec = (
        datasets.info(key.data.name).params.get("n_samples") if key.data.name != "upload" else None
    )
    low = int(spec.low) if spec is not None else 20

    def estimate(s: Mapping[str, Any]) -> cost.Work:
        return work(*apply_settings(key, shape, s), s)

    total = estimate(settings)
    if cost.within_budget(total):
        return True
    if knobs is None:
        knobs = budget_knobs(settings, epochs_step=epochs_step, min_samples=low)
    changes = cost.fitting(estimate, settings, knobs)
    st.error(budget_message(total, settings, changes), icon=":material/hourglass_disabled:")
    return False


def loss_title(name: str, task: str = "classification") -> str:
    """The display name of a loss (the name itself if it is not registered): identity.title."""
    return identity.title(name, task)


# --------------------------------------------------------------------------- URL-managed pickers


def _from_url(raw: Sequence[str], options: Sequence[Any], format_func: Any) -> list[Any]:
    """The options a link names, in its order, without repeats; unknown values are dropped.

    A value is an option's URL form (``str(option)``) or, for links written by hand, its
    display label (``format_func(option)``).
    """
    by_text = {str(o): o for o in options}
    by_label = {str(format_func(o)): o for o in options}
    out: list[Any] = []
    for r in raw:
        o = by_text.get(r, by_label.get(r))
        if o is not None and o not in out:
            out.append(o)
    return out


def _to_url(key: str, values: Sequence[Any], default: Sequence[Any]) -> None:
    """Write ``values`` to the query parameter ``key`` (removed when it is the default)."""
    texts = [str(v) for v in values]
    if list(values) == list(default):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != texts:
        st.query_params[key] = texts


def url_multiselect(
    label: str,
    options: Sequence[Any],
    *,
    default: Sequence[Any],
    key: str,
    format_func: Any = str,
    max_selections: int | None = None,
    container: Any = None,
    empty_link: bool = False,
    **kwargs: Any,
) -> list[Any]:
    """``st.multiselect`` showing ``format_func`` labels, its URL holding the options themselves.

    The first run of a session seeds the widget from ``?key=a&key=b`` (unknown values are
    dropped, so ``frame.page`` names them in its link notice); afterwards the widget's value
    is written back to the URL (removed when it equals ``default``). ``frame.presets`` resets
    it like a bound widget (its key is in :data:`present.state.MANAGED`). ``empty_link``: an empty
    selection is a link of its own, ``?key=`` (as a widget bound to the URL wrote it), instead
    of the default with a notice.
    """
    box = container if container is not None else st
    options = list(options)
    default = [o for o in default if o in options]
    state.MANAGED.add(key)
    if key not in st.session_state:
        raw = st.query_params.get_all(key)
        if empty_link and raw == [""]:
            st.session_state[key] = []
        elif raw:
            taken = _from_url(raw, options, format_func)[:max_selections]
            st.session_state[key] = taken or list(default)
    elif any(v not in options for v in st.session_state[key]):
        # a value carried from another page's picker with other options
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = box.multiselect(
        label,
        options,
        default=default,
        key=key,
        format_func=format_func,
        max_selections=max_selections,
        **kwargs,
    )
    _to_url(key, [""] if empty_link and not value else value, default)
    return value


def url_selectbox(
    label: str,
    options: Sequence[Any],
    *,
    default: Any,
    key: str,
    format_func: Any = str,
    container: Any = None,
    **kwargs: Any,
) -> Any:
    """``st.selectbox`` showing ``format_func`` labels, its URL holding the option itself.

    The single-choice twin of :func:`url_multiselect`.
    """
    box = container if container is not None else st
    options = list(options)
    state.MANAGED.add(key)
    if key not in st.session_state:
        raw = st.query_params.get_all(key)
        if raw:
            taken = _from_url(raw[-1:], options, format_func)
            st.session_state[key] = taken[0] if taken else default
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    value = box.selectbox(
        label,
        options,
        index=options.index(default),
        key=key,
        format_func=format_func,
        **kwargs,
    )
    _to_url(key, [value], [default])
    return value


def loss_param_controls(
    names: Sequence[str], *, task: str = "classification", container: Any = None
) -> LossParams:
    """One slider per hyperparameter of the chosen losses, in an expander.

    URL keys are ``<loss>_<hyperparameter>`` (``focal_gamma``, ``hinge_margin``); the range is
    the registry's sensible ``ui_low..ui_high`` inside the allowed interval.
    """
    box = container if container is not None else st.sidebar
    tunable = [losses.get(n, task) for n in names if losses.get(n, task).hyperparameters]
    if not tunable:
        return ()
    out = []
    with box.expander("Loss hyperparameters"):
        for loss in tunable:
            chosen = []
            for h in loss.hyperparameters:
                lo = h.low if h.ui_low is None else h.ui_low
                hi = h.high if h.ui_high is None else h.ui_high
                label = f"{short_label(loss.name)}: {h.name.replace('_', ' ')}"
                spec = NumberSpec(label, float(lo), float(hi), _step(lo, hi), help=h.help or None)
                value = number(st, f"{loss.name}_{h.name}", spec, h.default)
                if value != h.default:
                    chosen.append((h.name, float(value)))
            if chosen:
                out.append((loss.name, tuple(chosen)))
    return tuple(out)


def loss_controls(
    default: Sequence[str],
    *,
    task: str = "classification",
    key: str = "losses",
    label: str = "Losses to compare",
    max_selections: int | None = 8,
    container: Any = None,
) -> tuple[str, ...]:
    """A multiselect of registered losses showing their display names (URL key ``losses``,
    values the registry names); returns names in registry order."""
    box = container if container is not None else st.sidebar
    options = losses.names(task)
    chosen = url_multiselect(
        label,
        options,
        default=default,
        key=key,
        format_func=lambda n: identity.title(n, task),
        max_selections=max_selections,
        container=box,
        help="In the link: " + ", ".join(options),
    )
    return tuple(n for n in options if n in chosen)
