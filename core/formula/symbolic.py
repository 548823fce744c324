r"""SymPy from the checked tree, the symbolic derivative, and the derivative read back.

The SymPy expression is built node by node from a :mod:`core.formula.tree` tree with symbols
the app names (``m`` real, ``p`` positive, ``r``/``y``/``yhat`` real, a parameter positive
or non-negative when its declared range says so); no user text reaches SymPy. Subtrees of
numbers alone are folded to their float64 value first (:func:`fold`).

Every function of the table is an opaque ``sympy.Function`` here (:data:`FUNCTIONS`) that
never evaluates itself and declares no assumptions, with its derivative rule:

* ``abs``: :math:`\mathrm{sign}(x)`, :math:`\mathrm{sign}(0) = 0` (SymPy's own ``Abs``
  differentiates through ``re``/``im`` when it cannot prove its argument real);
* ``max``/``min`` of two arguments: :math:`\partial_a \max(a, b) = H(a - b)` with
  :math:`H(0) = 1/2`, the midpoint of the one-sided derivatives at a tie (n-ary calls
  nest: ``max(a, b, c) = max(max(a, b), c)``);
* ``sigmoid``: :math:`\sigma(x)\sigma(-x)` (no :math:`1 - \sigma` cancellation);
  ``softplus``: :math:`\sigma(x)`; ``logsigmoid``: :math:`\sigma(-x)`; ``tanh``:
  :math:`1 - \tanh^2 x`; ``log1p``: :math:`1/(1 + x)`; the others as usual.

SymPy's own functions are avoided on purpose: asking them about their arguments (is it
real? imaginary? an integer?) took seconds for 60-character formulas and, through
``Heaviside``, expanded a power of a sum into a polynomial of degree 1024.

:func:`derive` differentiates with ``sympy.diff`` and reads the result back into a tree
through the same table (:func:`to_tree`); anything outside it is refused. The derivative
it returns for evaluation is the one the chain rule to the raw outputs needs:
:math:`dL/dm` (margin), :math:`dL/d\log p_t` (probability; computed as
:math:`d L(e^s)/ds`, so no :math:`1/p` appears) or :math:`\partial L/\partial r +
\partial L/\partial \hat y` (regression, :math:`d/d\hat y` at fixed :math:`y`). No
``simplify`` is run. LaTeX comes from :mod:`core.formula.latex`, not SymPy's printer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from core.formula.evaluate import compile_tree
from core.formula.latex import latex
from core.formula.parse import FormulaError, ParamSpec, Parsed
from core.formula.stable import one_minus_p, stabilise
from core.formula.tree import Apply, Node, Num, Param, Var, canonical

__all__ = [
    "FUNCTIONS",
    "MAX_DERIVATIVE_NODES",
    "Derivation",
    "derive",
    "fold",
    "to_sympy",
    "to_tree",
]

#: a derivative read back with more nodes than this is refused (the product rule can grow
#: a tree; this keeps evaluation and the browser's compile small)
MAX_DERIVATIVE_NODES = 2000


# --------------------------------------------------------------------------- functions


class _Function(sp.Function):
    """A function of the table as an opaque SymPy function: it never evaluates itself and
    declares no assumptions, so SymPy's assumption system (which for its own ``tanh``,
    ``Abs`` or ``Heaviside`` can take seconds, or expand a power of a sum into a polynomial
    of huge degree) has nothing to explore; its derivative is :data:`_DERIVATIVES`' rule."""

    nargs = 1
    op = ""

    @classmethod
    def eval(cls, *args: sp.Expr) -> None:
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _DERIVATIVES[self.op](*self.args, argindex)


def _function(op: str) -> type[_Function]:
    return type(op.capitalize(), (_Function,), {"op": op, "nargs": 2 if op in _BINARY else 1})


_BINARY = ("max", "min")
FUNCTIONS: dict[str, type[_Function]] = {
    op: _function(op)
    for op in (
        "exp",
        "log",
        "log1p",
        "sqrt",
        "abs",
        "tanh",
        "sigmoid",
        "softplus",
        "logsigmoid",
        "sign",
        "heaviside",
        "expm1",
        "max",
        "min",
    )
}
F = FUNCTIONS


def _extreme(sign: int) -> Any:
    r""":math:`\partial_a \max(a, b) = H(a - b)` (``min``: :math:`H(b - a)`), and
    :math:`H(0) = 1/2`: at a tie the midpoint of the two one-sided derivatives."""

    def rule(a: sp.Expr, b: sp.Expr, i: int) -> sp.Expr:
        first, second = (a, b) if i == 1 else (b, a)
        return F["heaviside"](sign * (first - second))

    return rule


_DERIVATIVES: dict[str, Any] = {
    "exp": lambda x, i: F["exp"](x),
    "expm1": lambda x, i: F["exp"](x),
    "log": lambda x, i: 1 / x,
    "log1p": lambda x, i: 1 / (1 + x),
    "sqrt": lambda x, i: 1 / (2 * F["sqrt"](x)),
    "abs": lambda x, i: F["sign"](x),
    "tanh": lambda x, i: 1 - F["tanh"](x) ** 2,
    "sigmoid": lambda x, i: F["sigmoid"](x) * F["sigmoid"](-x),  # no 1 - sigmoid cancellation
    "softplus": lambda x, i: F["sigmoid"](x),
    "logsigmoid": lambda x, i: F["sigmoid"](-x),
    "sign": lambda x, i: sp.Integer(0),
    "heaviside": lambda x, i: sp.Integer(0),
    "max": _extreme(1),
    "min": _extreme(-1),
}


# --------------------------------------------------------------------------- symbols


def _param_symbol(spec: ParamSpec) -> sp.Symbol:
    if spec.low > 0:
        return sp.Symbol(spec.name, positive=True)
    if spec.low >= 0:
        return sp.Symbol(spec.name, nonnegative=True)
    return sp.Symbol(spec.name, real=True)


M = sp.Symbol("m", real=True)
P = sp.Symbol("p", positive=True)
#: log p_t: the variable of the probability losses' derivative
S = sp.Symbol("s", nonpositive=True)
R = sp.Symbol("r", real=True)
Y = sp.Symbol("y", real=True)
YHAT = sp.Symbol("yhat", real=True)
_VARS = {"m": M, "p": P, "r": R, "y": Y, "yhat": YHAT, "log_p": F["log"](P), "one_minus_p": 1 - P}
#: the probability variables written in s = log p_t, for dL/ds: no 1/p can appear in it
_VARS_IN_S = {"p": F["exp"](S), "log_p": S, "one_minus_p": 1 - F["exp"](S)}


def _rational(value: float) -> sp.Rational:
    """The number as written: the exact rational of its shortest decimal (0.1 is 1/10)."""
    f = Fraction(repr(float(value)))
    return sp.Rational(f.numerator, f.denominator)


def fold(tree: Node) -> Node:
    """``tree`` with every subtree of numbers alone replaced by its float64 value, so SymPy
    sees no numeric expression to evaluate exactly (``sqrt(log(2))**-32`` as an exact number
    is what makes SymPy slow). Raises :class:`FormulaError` for one that is not finite."""
    if not isinstance(tree, Apply):
        return tree
    args = tuple(fold(a) for a in tree.args)
    node = Apply(tree.op, args)
    if not all(isinstance(a, Num) for a in args):
        return node
    with np.errstate(all="ignore"):
        value = float(compile_tree(node)({}, {}, float))
    if not math.isfinite(value):
        raise FormulaError(
            f"the formula is not finite: {canonical(tree)} is {value} (a division by 0, or a "
            "log, sqrt or power outside its domain?)"
        )
    return Num(value)


def to_sympy(tree: Node, params: tuple[ParamSpec, ...], in_s: bool = False) -> sp.Expr:
    """The SymPy expression of a checked tree, built node by node (no text is parsed);
    ``in_s``: ``p`` as :math:`e^s`, ``log_p`` as :math:`s`."""
    symbols = {spec.name: _param_symbol(spec) for spec in params}
    variables = _VARS | _VARS_IN_S if in_s else _VARS

    def build(node: Node) -> sp.Expr:
        if isinstance(node, Num):
            return _rational(node.value)
        if isinstance(node, Var):
            return variables[node.name]
        if isinstance(node, Param):
            return symbols[node.name]
        args = [build(a) for a in node.args]
        op = node.op
        if op == "add":
            return sp.Add(*args)
        if op == "mul":
            return sp.Mul(*args)
        if op == "sub":
            return args[0] - args[1]
        if op == "div":
            return args[0] / args[1]
        if op == "neg":
            return -args[0]
        if op == "pow":
            return args[0] ** args[1]
        if op in _BINARY:  # n-ary max/min nest: max(a, b, c) = max(max(a, b), c)
            out = args[0]
            for a in args[1:]:
                out = F[op](out, a)
            return out
        return F[op](args[0])

    return build(tree)


# --------------------------------------------------------------------------- back to a tree

#: SymPy's own functions that its automatic simplification can introduce, read as ours
#: (for real arguments, which are all the app has)
_SYMPY_OWN = {sp.Abs: "abs", sp.sign: "sign"}


def to_tree(expr: sp.Expr, params: tuple[ParamSpec, ...]) -> Node:
    r"""A SymPy expression read back into a tree through the fixed table.

    ``p`` is read as the variable ``p``, ``exp(s)`` as ``p`` and ``s`` as ``log_p``; nested
    binary ``max``/``min`` stay binary; the stable rewrites apply (``log(p)`` is ``log_p``,
    :math:`c - c\,p` is :math:`c\,(1 - p)`). Raises :class:`FormulaError` for anything outside
    the table (infinities, NaN, functions the table lacks) or a tree larger than
    :data:`MAX_DERIVATIVE_NODES`.
    """
    names: dict[sp.Symbol, Node] = {_param_symbol(spec): Param(spec.name) for spec in params}
    names |= {M: Var("m"), P: Var("p"), R: Var("r"), Y: Var("y"), YHAT: Var("yhat")}
    names[S] = Var("log_p")
    budget = [MAX_DERIVATIVE_NODES]

    def read(x: sp.Expr) -> Node:
        budget[0] -= 1
        if budget[0] < 0:
            raise FormulaError(
                f"the derivative is too large (more than {MAX_DERIVATIVE_NODES} terms); "
                "write a shorter formula"
            )
        if x is sp.I:  # SymPy writes (-delta)**0.5 as I*sqrt(delta) for delta > 0
            raise FormulaError(
                "the formula is not real: it takes a square root or fractional power of a "
                "quantity that is never positive"
            )
        if x.is_Number:
            value = float(x) if x.is_finite else math.inf
            if not math.isfinite(value):
                raise FormulaError(
                    "the formula is not finite (does it divide by 0 or take log(0)?)"
                )
            return Num(value)
        if isinstance(x, sp.Symbol):
            if x not in names:
                raise FormulaError(f"the derivative has an unknown symbol {x}")
            return names[x]
        if isinstance(x, sp.Add):
            return Apply("add", tuple(read(a) for a in x.args))
        if isinstance(x, sp.Mul):
            return product(x)
        if isinstance(x, sp.Pow):
            return power(x)
        if isinstance(x, _Function):
            if x.op == "exp" and x.args[0] == S:
                return Var("p")
            return Apply(x.op, tuple(read(a) for a in x.args))
        if x.func in _SYMPY_OWN:  # SymPy writes (r**2)**a as Abs(r)**(2*a) for real r
            return Apply(_SYMPY_OWN[x.func], (read(x.args[0]),))
        raise FormulaError(
            f"the derivative uses {type(x).__name__}, which Loss Lab cannot evaluate"
        )

    def power(x: sp.Pow) -> Node:
        base, e = x.args
        if e.is_Number and e < 0:
            return Apply("div", (Num(1.0), read(base ** (-e))))
        return Apply("pow", (read(base), read(e)))

    def product(x: sp.Mul) -> Node:
        coeff, factors = x.as_coeff_mul()
        top = [f for f in factors if not (isinstance(f, sp.Pow) and f.exp.is_Number and f.exp < 0)]
        bottom = [1 / f for f in factors if f not in top]
        # SymPy differentiates b**g as g*b**g*b'/b: read b**g/b as b**(g - 1), which stays
        # finite where b = 0 (e.g. (1 - p)**gamma as p rounds to 1) for g >= 1
        for i, f in enumerate(top):
            base, e = f.as_base_exp()
            for j, g in enumerate(bottom):
                gb, ge = g.as_base_exp()
                if gb == base and not e.is_Number and ge.is_Number:
                    top[i], bottom[j] = sp.Pow(base, e - ge, evaluate=False), sp.Integer(1)
                    break
        bottom = [g for g in bottom if g != 1]
        num = [read(f) for f in top]
        if coeff not in (1, -1) or not num:
            num.insert(0, read(abs(coeff)))
        out = num[0] if len(num) == 1 else Apply("mul", tuple(num))
        if bottom:
            den = [read(f) for f in bottom]
            out = Apply("div", (out, den[0] if len(den) == 1 else Apply("mul", tuple(den))))
        return Apply("neg", (out,)) if coeff.is_negative else out

    tree, _ = stabilise(one_minus_p(read(expr)))  # e.g. log(exp(s)) = log p is log_p
    return tree


# --------------------------------------------------------------------------- derivation


@dataclass(frozen=True)
class Derivation:
    r"""What the derivation gives for a formula.

    ``grad``: the derivative tree the chain rule needs (:math:`dL/dm`, :math:`dL/d\log p_t`
    or :math:`dL/d\hat y`); ``shown``: the derivative in the formula's own variable
    (:math:`dL/dm`, :math:`dL/dp` or :math:`dL/d\hat y`) for display; ``latex`` and
    ``grad_latex``: the formula as written and ``shown`` in LaTeX.
    """

    grad: Node
    shown: Node
    latex: str
    grad_latex: str


def _infinite(expr: sp.Expr) -> bool:
    return expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan)


def derive(parsed: Parsed, stable: Node) -> Derivation:
    """The derivative of a checked formula (its ``stable`` form) with ``sympy.diff``.

    Raises :class:`FormulaError` when the formula is not finite as a whole or its
    derivative falls outside the table.
    """
    params = parsed.params
    expr = to_sympy(fold(stable), params, in_s=parsed.variable == "p")
    if _infinite(expr):
        raise FormulaError("the formula is not finite (does it divide by 0 or take log(0)?)")
    if parsed.variable == "m":
        shown = grad = sp.diff(expr, M)
    elif parsed.variable == "p":
        grad = sp.diff(expr, S)
        # dL/dp = (dL/ds)/p, for display: distributed over the top sum so p cancels
        shown = sp.expand(grad / F["exp"](S), deep=False, mul=True, multinomial=False,
                          power_exp=False, power_base=False, log=False)  # fmt: skip
    else:
        grad = sp.diff(expr, R) + sp.diff(expr, YHAT)
        shown = grad
    if _infinite(grad) or _infinite(shown):
        raise FormulaError("the derivative is not finite (does it divide by 0?)")
    grad_tree = to_tree(grad, params)
    shown_tree = grad_tree if shown is grad else to_tree(shown, params)
    return Derivation(
        grad=grad_tree,
        shown=shown_tree,
        latex=latex(parsed.tree),
        grad_latex=latex(shown_tree),
    )
