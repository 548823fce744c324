r"""Design your own loss: a formula typed by a student, checked, derived and evaluated safely.

::

    from core import formula

    f = formula.check("log(1 + exp(-m))")           # FormulaError (a ValueError) if refused
    f.latex, f.grad_latex, f.key, f.rewrites        # what it is, how it is computed
    values, grad = f.fn(y, logits)                  # the registry's loss signature
    formula.numerics(f).sentences                   # what it does on a grid up to 1e4
    losses.get(f.name, task=f.task)                 # a Loss like any other ("formula:" + key)
    f.to_json()                                     # the tree the browser engine compiles

The text is read by Python's parser into a syntax tree and checked against an allow-list
(:mod:`~core.formula.parse`); it is never evaluated, compiled to code, or given to
``sympify``/``parse_expr``/``lambdify``. SymPy gets an expression built node by node from the
checked tree (:mod:`~core.formula.symbolic`), under a hard time limit in a helper process
(:mod:`~core.formula.deadline`); NumPy evaluates the trees through a fixed op table
(:mod:`~core.formula.evaluate`). Modules: :mod:`~core.formula.tree` (nodes, canonical text,
JSON schema), :mod:`~core.formula.stable` (overflow-free rewrites),
:mod:`~core.formula.latex` (LaTeX from a tree), :mod:`~core.formula.check`
(:class:`Formula`, the loss), :mod:`~core.formula.numerics` (verdicts). Nothing here
caches: the app caches by :attr:`Formula.key`.
"""

from core.formula.check import (
    COLOR,
    PREFIX,
    SHORT,
    TITLE,
    Formula,
    PropertyFlags,
    as_loss,
    check,
    check_name,
    from_key,
    is_formula_name,
    loss_from_name,
    with_defaults,
)
from core.formula.deadline import TIME_LIMIT_S
from core.formula.numerics import Numerics, Verdict, numerics
from core.formula.parse import FormulaError, ParamSpec, Parsed, parse, parse_key
from core.formula.tree import FUNCTIONS, canonical, from_json, to_json

__all__ = [
    "COLOR",
    "FUNCTIONS",
    "PREFIX",
    "SHORT",
    "TIME_LIMIT_S",
    "TITLE",
    "Formula",
    "FormulaError",
    "Numerics",
    "ParamSpec",
    "Parsed",
    "PropertyFlags",
    "Verdict",
    "as_loss",
    "canonical",
    "check",
    "check_name",
    "from_json",
    "from_key",
    "is_formula_name",
    "loss_from_name",
    "numerics",
    "parse",
    "parse_key",
    "to_json",
    "with_defaults",
]
