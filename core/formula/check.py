r"""A checked formula, end to end: :func:`check` text, get a :class:`Formula`, use it as a loss.

:func:`check` parses the text against the allow-list (:mod:`~core.formula.parse`), rewrites
it into stable forms (:mod:`~core.formula.stable`), derives it with SymPy under a hard time
limit (:mod:`~core.formula.deadline`, :mod:`~core.formula.symbolic`) and returns a
:class:`Formula`: the trees, LaTeX, the loss function (:mod:`~core.formula.evaluate`) and
the JSON form for the browser.

A formula is a loss like any other under the name ``"formula:" + key``
(:data:`PREFIX`, :attr:`Formula.key`): ``core.losses.get(name, task)`` builds its
:class:`~core.losses.Loss` (titled :data:`TITLE`, flagged by :class:`PropertyFlags`), so
``TrainConfig(loss=name, loss_params={...})`` trains it, pickles and hashes like any config.
``core.formula`` imports nothing of ``core.losses`` (the registry knows formula names, not the
other way round). Nothing here caches: each call parses and derives again (the app caches
by the key).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from core.formula import deadline
from core.formula.evaluate import margin_loss, probability_loss, regression_loss
from core.formula.parse import FormulaError, ParamSpec, Parsed, check_params, parse, parse_key
from core.formula.stable import Rewrite, stabilise
from core.formula.tree import Node, to_json

if TYPE_CHECKING:  # SymPy is imported only when a formula is derived
    from core.formula.symbolic import Derivation

__all__ = [
    "COLOR",
    "JSON_VERSION",
    "PREFIX",
    "SHORT",
    "TITLE",
    "Formula",
    "PropertyFlags",
    "as_loss",
    "check",
    "check_name",
    "from_key",
    "is_formula_name",
    "loss_from_name",
    "with_defaults",
]

#: the prefix of a formula's loss name: ``"formula:" + key``
PREFIX = "formula:"
#: the display name of a formula's loss: one formula is shown per view, as the student's own
#: (its expression is in its name and its LaTeX)
TITLE = "Your loss"
#: Its label in figures and sentences, and its colour (black: no loss and no class uses it).
SHORT = "your loss"
COLOR = "#000000"
#: What a formula in each variable reads the model's raw output as (the card's ``output``).
OUTPUT = {"m": "margin", "p": "softmax", "r": "prediction"}
JSON_VERSION = 1
#: what the gradient tree is the derivative with respect to, per variable
GRAD_WRT = {"m": "m", "p": "log_p", "r": "yhat"}
_GRAD_SYMBOL = {"m": "m", "p": "p_t", "r": r"\hat y"}


@dataclass(frozen=True)
class Formula:
    """A checked, derived formula.

    ``parsed``: the checked tree as written and what it is (task, variable, parameters);
    ``stable``: the tree evaluated (stable rewrites applied, each listed in ``rewrites``);
    ``derivation``: the derivative trees and the LaTeX.
    """

    parsed: Parsed
    stable: Node
    rewrites: tuple[Rewrite, ...]
    derivation: Derivation

    @property
    def key(self) -> str:
        """The canonical expression and parameter declarations: the formula's identity."""
        return self.parsed.key

    @property
    def name(self) -> str:
        """The loss name, ``"formula:" + key``."""
        return PREFIX + self.key

    @property
    def task(self) -> str:
        return self.parsed.task

    @property
    def variable(self) -> str:
        """``m``, ``p`` or ``r``: the variable the loss is a curve in."""
        return self.parsed.variable

    @property
    def params(self) -> tuple[ParamSpec, ...]:
        return self.parsed.params

    @property
    def expression(self) -> str:
        return self.parsed.expression

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    @property
    def grad(self) -> Node:
        """The derivative tree: :math:`dL/dm`, :math:`dL/d\\log p_t` or :math:`dL/d\\hat y`."""
        return self.derivation.grad

    @property
    def latex(self) -> str:
        """``L = ...`` as written."""
        return f"L = {self.derivation.latex}"

    @property
    def grad_latex(self) -> str:
        """The derivative in the formula's own variable, from the stable form."""
        symbol = _GRAD_SYMBOL[self.variable]
        return rf"\frac{{\partial L}}{{\partial {symbol}}} = {self.derivation.grad_latex}"

    @cached_property
    def fn(self) -> Any:
        """The loss function ``f(y, raw, **params) -> (values, grad)`` (registry signature)."""
        return _loss_fn(self.variable, self.stable, self.grad)

    @cached_property
    def written_fn(self) -> Any:
        """The values as written (no stable rewrites), for showing what they would cost;
        its gradient entry is the stable one."""
        return _loss_fn(self.variable, self.parsed.tree, self.grad)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the compiled functions (closures), which are rebuilt on use."""
        return {k: v for k, v in self.__dict__.items() if k not in ("fn", "written_fn")}

    def to_json(self) -> dict[str, Any]:
        """The JSON form the browser engine compiles (schema: :mod:`core.formula.tree`)::

            {"version": 1, "key": ..., "task": ..., "variable": "m" | "p" | "r",
             "grad_wrt": "m" | "log_p" | "yhat",
             "params": [{"name", "low", "high", "default"}, ...],
             "value": node, "grad": node}

        ``value`` is the stable form; ``grad`` the derivative w.r.t. ``grad_wrt``; the chain
        rule to the raw outputs is :mod:`core.formula.evaluate`'s.
        """
        return {
            "version": JSON_VERSION,
            "key": self.key,
            "task": self.task,
            "variable": self.variable,
            "grad_wrt": GRAD_WRT[self.variable],
            "params": [
                {"name": p.name, "low": p.low, "high": p.high, "default": p.default}
                for p in self.params
            ],
            "value": to_json(self.stable),
            "grad": to_json(self.grad),
        }


def _loss_fn(variable: str, value: Node, grad: Node) -> Any:
    build = {"m": margin_loss, "p": probability_loss, "r": regression_loss}[variable]
    return build(value, grad)


def _derived(parsed: Parsed, time_limit: float | None) -> Formula:
    stable, rewrites = stabilise(parsed.tree)
    return Formula(parsed, stable, rewrites, deadline.derive(parsed, stable, time_limit))


def check(
    text: Any,
    params: Mapping[str, Any] | None = None,
    task: str | None = None,
    *,
    time_limit: float | None = deadline.TIME_LIMIT_S,
) -> Formula:
    """Check and derive a formula typed by a student.

    ``params`` declares parameters ``{name: (low, high, default)}``; ``task``, when given,
    must match the variables used. The derivation runs under a hard ``time_limit`` in
    seconds (``None``: in this thread, no clock). Raises :class:`FormulaError` (a
    ``ValueError``) with a message for every refusal; nothing in ``text`` is executed.
    """
    return _derived(parse(text, params, task), time_limit)


def from_key(
    key: Any, task: str | None = None, *, time_limit: float | None = deadline.TIME_LIMIT_S
) -> Formula:
    """The formula of a key (:attr:`Formula.key`, e.g. from a link), checked like
    :func:`check`, under the same time limit by default."""
    return _derived(parse_key(key, task), time_limit)


def with_defaults(formula: Formula, values: Mapping[str, float]) -> Formula:
    """``formula`` with its parameters' defaults set to ``values`` (the others kept): what
    :func:`~core.formula.numerics.numerics` judges at a slider's setting. The derivation is
    the same (it depends on the parameters' ranges, never on their defaults); the key, which
    names the defaults, changes. Raises :class:`FormulaError` for an unknown parameter or a
    value outside its range."""
    specs = {p.name: p for p in formula.params}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise FormulaError(f"unknown parameter(s) {', '.join(unknown)}; declared: {list(specs)}")
    new = dict(specs)
    for name, value in values.items():
        spec = check_params({name: (specs[name].low, specs[name].high, value)})[name]
        new[name] = spec
    parsed = dataclasses.replace(formula.parsed, params=tuple(new.values()))
    return dataclasses.replace(formula, parsed=parsed)


def is_formula_name(name: Any) -> bool:
    """Whether ``name`` is a formula's loss name (``"formula:..."``); says nothing of its
    validity."""
    return isinstance(name, str) and name.startswith(PREFIX)


class PropertyFlags(Mapping[str, bool]):
    """The property flags of a formula's loss (:data:`core.losses.PROPERTIES`), from the
    numerics verdicts on the grid (:func:`core.formula.numerics.numerics`), computed when
    first read (training never reads them)."""

    def __init__(self, formula: Formula) -> None:
        self._formula = formula
        self._flags: dict[str, bool] | None = None

    def _read(self) -> dict[str, bool]:
        if self._flags is None:
            from core.formula.numerics import numerics

            self._flags = numerics(self._formula).properties
        return self._flags

    def __getitem__(self, key: str) -> bool:
        return self._read()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())

    def __repr__(self) -> str:
        return repr(self._read())


def as_loss(formula: Formula) -> Any:
    """The formula as a registry :class:`~core.losses.Loss` named ``formula.name``.

    Its hyperparameters are the declared parameters; its property flags come from the
    numerics verdicts on the grid (:func:`core.formula.numerics.numerics`), computed when
    first read.
    """
    from core.losses.record import Hyperparameter, Loss

    hyper = tuple(
        Hyperparameter(
            p.name,
            p.default,
            p.low,
            p.high,
            symbol=p.name,
            help="a parameter declared with the formula",
            ui_low=p.low,
            ui_high=p.high,
        )
        for p in formula.params
    )
    return Loss(
        name=formula.name,
        task=formula.task,
        title=TITLE,
        fn=formula.fn,
        formula_latex=formula.latex,
        grad_latex=formula.grad_latex,
        equivalents={},
        properties=PropertyFlags(formula),
        hyperparameters=hyper,
        reference="",
        short=SHORT,
        color=COLOR,
        output=OUTPUT[formula.variable],
    )


def loss_from_name(name: str, task: str | None = None) -> Any:
    """The :class:`~core.losses.Loss` of a formula's loss name (``core.losses.get``'s path for
    ``"formula:..."`` names). Derives in the calling thread: the app checks a formula with
    :func:`check` (under the time limit) before it builds its name."""
    return as_loss(from_key(check_name(name), task, time_limit=None))


def check_name(name: Any) -> str:
    """The key of a formula's loss name, checked without SymPy: the name must start with
    :data:`PREFIX` and its key be canonical (:attr:`Formula.key`), so one loss has one name.
    Raises :class:`FormulaError` otherwise, naming the canonical form."""
    if not is_formula_name(name):
        raise FormulaError(f"a formula loss name starts with {PREFIX!r}, got {name!r:.60}")
    key = name[len(PREFIX) :]
    canonical_key = parse_key(key).key
    if key != canonical_key:
        raise FormulaError(f"write the formula's name in canonical form: {PREFIX}{canonical_key}")
    return key
