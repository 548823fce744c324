r"""The checked expression tree of a loss formula, its canonical text and its JSON form.

A tree is made of four node types: :class:`Num` (a finite number), :class:`Var` (a variable the
app defines), :class:`Param` (a parameter the student declared) and :class:`Apply` (an
operation of :data:`OPS` applied to argument trees). Trees are frozen, hashable and
picklable; they are built only by :mod:`core.formula.parse` (from checked text),
:mod:`core.formula.stable` (identities) and :mod:`core.formula.symbolic` (SymPy's derivative,
read back through the same table). Nothing in a tree is ever executed: :mod:`~core.formula.
evaluate` interprets it with NumPy.

JSON form (:func:`to_json`, :func:`from_json`), what the browser engine compiles::

    node := {"num": <finite float>}
          | {"var": "m" | "p" | "log_p" | "one_minus_p" | "r" | "y" | "yhat"}
          | {"param": <declared name>}
          | {"op": <name in OPS>, "args": [node, ...]}

The operations, each with its arity and its exact meaning (elementwise, IEEE float):

=============  =====  ==================================================================
op             args   value
=============  =====  ==================================================================
``add``        >= 2   :math:`a_1 + a_2 + \dots` (left to right)
``mul``        >= 2   :math:`a_1 a_2 \cdots` (left to right)
``sub``        2      :math:`a - b`
``div``        2      :math:`a / b`
``neg``        1      :math:`-a`
``pow``        2      :math:`a^b` (NaN for a negative base and a non-integer exponent)
``exp``        1      :math:`e^a`
``log``        1      :math:`\log a` (NaN below 0, :math:`-\infty` at 0)
``log1p``      1      :math:`\log(1 + a)`, accurate for tiny :math:`a`
``sqrt``       1      :math:`\sqrt a`
``abs``        1      :math:`|a|`
``tanh``       1      :math:`\tanh a`
``sigmoid``    1      :math:`1/(1 + e^{-a})`, computed from :math:`e^{-|a|}` (no overflow)
``softplus``   1      :math:`\log(1 + e^a)`, computed as ``logaddexp(0, a)``
``logsigmoid`` 1      :math:`\log\sigma(a) = -\mathrm{softplus}(-a)`
``max``        >= 2   the largest argument
``min``        >= 2   the smallest argument
``sign``       1      :math:`\mathrm{sign}(a)`, with :math:`\mathrm{sign}(0) = 0`
``heaviside``  1      :math:`H(a)`: 1 for :math:`a > 0`, 0 for :math:`a < 0`, :math:`1/2` at 0
``expm1``      1      :math:`e^a - 1`, accurate for tiny :math:`a`
=============  =====  ==================================================================

``sign``, ``heaviside`` and ``expm1`` never come from the student's text: the first two
appear in derivatives (of ``abs``, ``max`` and ``min``), ``expm1`` in stable rewrites. At a
kink the derivative used is the midpoint of the two one-sided derivatives:
:math:`\mathrm{sign}(0) = 0` for ``abs``, :math:`H(0) = 1/2` for a tie of ``max``/``min``
(an n-ary ``max`` is differentiated as nested binary ones).

The variables: ``m`` is the margin :math:`z_t - \max_{j \ne t} z_j`; ``p`` is :math:`p_t`,
the softmax probability of the target, ``log_p`` is :math:`\log p_t` (from ``log_softmax``,
never the log of a rounded ``p``) and ``one_minus_p`` is :math:`1 - p_t` (as
:math:`-\mathrm{expm1}(\log p_t)`); ``r`` is the residual :math:`\hat y - y`, ``y`` the
target and ``yhat`` the prediction :math:`\hat y`. ``log_p`` and ``one_minus_p`` are never
typed: they come from stable rewrites (:mod:`core.formula.stable`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FUNCTIONS",
    "OPS",
    "VARIABLES",
    "Apply",
    "Node",
    "Num",
    "Param",
    "Var",
    "canonical",
    "depth",
    "from_json",
    "names_in",
    "size",
    "to_json",
    "walk",
]

#: Every operation a tree may hold: ``name -> (min args, max args or None for n-ary)``.
OPS: dict[str, tuple[int, int | None]] = {
    "add": (2, None),
    "mul": (2, None),
    "sub": (2, 2),
    "div": (2, 2),
    "neg": (1, 1),
    "pow": (2, 2),
    "exp": (1, 1),
    "log": (1, 1),
    "log1p": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "tanh": (1, 1),
    "sigmoid": (1, 1),
    "softplus": (1, 1),
    "logsigmoid": (1, 1),
    "max": (2, None),
    "min": (2, None),
    "sign": (1, 1),
    "heaviside": (1, 1),
    "expm1": (1, 1),
}

#: The functions a student may call, in the order menus and messages list them.
FUNCTIONS: tuple[str, ...] = (
    "exp",
    "log",
    "log1p",
    "sqrt",
    "abs",
    "max",
    "min",
    "tanh",
    "sigmoid",
    "softplus",
    "logsigmoid",
)

#: Every variable a tree may hold (the typed ones and the two that stable rewrites introduce).
VARIABLES: tuple[str, ...] = ("m", "p", "log_p", "one_minus_p", "r", "y", "yhat")


@dataclass(frozen=True)
class Num:
    """A finite number."""

    value: float


@dataclass(frozen=True)
class Var:
    """A variable the app defines (one of :data:`VARIABLES`)."""

    name: str


@dataclass(frozen=True)
class Param:
    """A parameter the student declared, by name."""

    name: str


@dataclass(frozen=True)
class Apply:
    """An operation of :data:`OPS` applied to its arguments."""

    op: str
    args: tuple[Node, ...]


Node = Num | Var | Param | Apply


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Apply):
            stack.extend(reversed(n.args))


def size(node: Node) -> int:
    """The number of nodes."""
    return sum(1 for _ in walk(node))


def depth(node: Node) -> int:
    """The number of nodes on the longest path from the root to a leaf."""
    if isinstance(node, Apply):
        return 1 + max(depth(a) for a in node.args)
    return 1


def names_in(node: Node) -> tuple[set[str], set[str]]:
    """``(variables, parameters)`` the tree uses."""
    variables = {n.name for n in walk(node) if isinstance(n, Var)}
    params = {n.name for n in walk(node) if isinstance(n, Param)}
    return variables, params


# --------------------------------------------------------------------------- canonical text

#: Python's binding strength of each printed form: a child binding weaker than its slot
#: needs parentheses.
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


def format_number(value: float) -> str:
    """The shortest text that reads back as ``value``: integral values without ``.0``."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _text(node: Node) -> tuple[str, int]:
    """Canonical text of ``node`` and how strongly it binds."""
    if isinstance(node, Num):
        text = format_number(node.value)
        return text, _UNARY if node.value < 0 else _ATOM
    if isinstance(node, Var | Param):
        return node.name, _ATOM
    op, args = node.op, node.args
    if op in ("add", "sub", "mul", "div"):
        level = _SUM if op in ("add", "sub") else _PRODUCT
        sep = {"add": " + ", "sub": " - ", "mul": "*", "div": "/"}[op]
        parts = [_wrap(args[0], level)]
        parts += [_wrap(a, level + 1) for a in args[1:]]  # left-associative: a - (b - c)
        return sep.join(parts), level
    if op == "neg":
        return "-" + _wrap(args[0], _POWER), _UNARY
    if op == "pow":
        return f"{_wrap(args[0], _ATOM)}**{_wrap(args[1], _UNARY)}", _POWER
    return f"{op}({', '.join(_wrap(a, _SUM) for a in args)})", _ATOM


def _wrap(node: Node, at_least: int) -> str:
    text, level = _text(node)
    return text if level >= at_least else f"({text})"


def canonical(node: Node) -> str:
    """The tree as normalised text: Python syntax that parses back to the same tree.

    Spaces around ``+`` and ``-``, none around ``*``, ``/`` and ``**``, ``", "`` between
    arguments, only the parentheses the tree needs, numbers in their shortest form.
    """
    return _text(node)[0]


# --------------------------------------------------------------------------- JSON


def to_json(node: Node) -> dict[str, Any]:
    """The tree as JSON-ready dicts (see the module docstring for the schema)."""
    if isinstance(node, Num):
        return {"num": float(node.value)}
    if isinstance(node, Var):
        return {"var": node.name}
    if isinstance(node, Param):
        return {"param": node.name}
    return {"op": node.op, "args": [to_json(a) for a in node.args]}


def check_op(op: str, n_args: int) -> None:
    """``ValueError`` unless ``op`` is in :data:`OPS` and takes ``n_args`` arguments."""
    if op not in OPS:
        raise ValueError(f"unknown operation {op!r}; known: {', '.join(OPS)}")
    low, high = OPS[op]
    if n_args < low or (high is not None and n_args > high):
        want = f"{low}" if low == high else f"at least {low}"
        raise ValueError(f"operation {op!r} takes {want} argument(s), got {n_args}")


def from_json(obj: Any, params: Mapping[str, Any] | None = None, _depth: int = 0) -> Node:
    """A tree from its JSON form, checked against the op table, :data:`VARIABLES` and the
    declared ``params`` (names); ``ValueError`` for anything else."""
    if _depth > 200:
        raise ValueError("JSON formula tree is nested too deeply")
    if not isinstance(obj, dict) or len(obj) not in (1, 2):
        raise ValueError(f"a formula node must be a dict with one kind key, got {obj!r:.80}")
    if set(obj) == {"num"}:
        v = obj["num"]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"num must be a finite number, got {v!r:.40}")
        return Num(float(v))
    if set(obj) == {"var"}:
        if obj["var"] not in VARIABLES:
            raise ValueError(f"var must be one of {list(VARIABLES)}, got {obj['var']!r:.40}")
        return Var(obj["var"])
    if set(obj) == {"param"}:
        if params is None or obj["param"] not in params:
            raise ValueError(f"param {obj['param']!r:.40} is not declared")
        return Param(obj["param"])
    if set(obj) == {"op", "args"} and isinstance(obj["args"], list):
        check_op(obj["op"], len(obj["args"]))
        return Apply(obj["op"], tuple(from_json(a, params, _depth + 1) for a in obj["args"]))
    raise ValueError(f"unknown formula node {obj!r:.80}")
