r"""Text to checked tree: a loss formula read by Python's parser, never run.

:func:`parse` reads the text with ``ast.parse(text, mode="eval")`` (which builds a syntax tree
and executes nothing) and walks that tree against an allow-list; everything not on it is
refused with a :class:`FormulaError` saying what is wrong, where, and what is allowed. What
passes becomes a :mod:`core.formula.tree` tree. The text itself is never evaluated, compiled,
handed to ``sympify``/``parse_expr`` or used to name anything outside the app's tables.

Allowed:

* the variables of one task: classification ``m`` (the margin :math:`z_t - \max_{j \ne t} z_j`)
  *or* ``p`` (the target's softmax probability :math:`p_t`), not both (for more than two
  classes :math:`p_t` is not a function of :math:`m`, so the loss would not be a curve in
  one variable; for two classes write ``p`` as ``sigmoid(m)``); regression ``r``
  (:math:`\hat y - y`), ``y`` and ``yhat`` (:math:`\hat y`), with ``r`` or ``yhat`` present
  (else the loss does not depend on the prediction);
* declared parameters (:class:`ParamSpec`): at most :data:`MAX_PARAMS`, each a plain ASCII
  name with a finite range and a default in it;
* numbers: 0 or between :data:`MIN_NUMBER` and :data:`MAX_NUMBER` in size (no complex, no
  ``True``);
* ``+ - * /``, unary minus (and plus), ``**`` whose exponent is built from numbers and
  parameters with ``+ - * /`` and lies within :math:`\pm` :data:`MAX_EXPONENT` over the
  parameters' ranges;
* calls of :data:`~core.formula.tree.FUNCTIONS`: one argument each, ``max``/``min`` 2 to
  :data:`MAX_ARGS`; no keyword arguments.

Bounds: at most :data:`MAX_CHARS` characters, all printable ASCII; at most :data:`MAX_NODES`
nodes, :data:`MAX_DEPTH` levels. So the work on any accepted text is bounded before SymPy
sees it.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.formula.tree import (
    FUNCTIONS,
    OPS,
    VARIABLES,
    Apply,
    Node,
    Num,
    Param,
    Var,
    canonical,
    names_in,
    walk,
)
from core.formula.tree import format_number as _fmt

__all__ = [
    "MAX_ARGS",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_NUMBER",
    "MAX_PARAMS",
    "MIN_NUMBER",
    "TASK_VARIABLES",
    "FormulaError",
    "ParamSpec",
    "Parsed",
    "check_params",
    "parse",
    "parse_key",
]

MAX_CHARS = 200
MAX_NODES = 100
MAX_DEPTH = 24
MAX_NUMBER = 1e6
MIN_NUMBER = 1e-30
MAX_EXPONENT = 32.0
MAX_ARGS = 8
MAX_PARAMS = 4
#: a parameter's range must lie within +-this
MAX_PARAM_RANGE = 1e6
_PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")

#: The variables a student may type, per task, each with what it means.
TASK_VARIABLES: dict[str, dict[str, str]] = {
    "classification": {
        "m": "the margin z_t - max_{j != t} z_j",
        "p": "the softmax probability of the target class",
    },
    "regression": {"r": "the residual yhat - y", "y": "the target", "yhat": "the prediction"},
}
_TYPED = {v for names in TASK_VARIABLES.values() for v in names}
_RESERVED = set(VARIABLES) | set(OPS) | _TYPED


class FormulaError(ValueError):
    """A refused formula: the message says what is wrong and what is allowed.

    ``position`` is the 1-based character where the problem is, when there is one.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class ParamSpec:
    """A declared parameter: its name, its allowed range ``[low, high]`` and default."""

    name: str
    low: float
    high: float
    default: float

    @property
    def declaration(self) -> str:
        """Canonical text, e.g. ``delta = 1 in [0.1, 5]``."""
        return f"{self.name} = {_fmt(self.default)} in [{_fmt(self.low)}, {_fmt(self.high)}]"


@dataclass(frozen=True)
class Parsed:
    """A checked formula before derivation.

    ``variable`` is the one the loss is a curve in: ``m``, ``p`` or ``r`` (regression, even
    where the text uses only ``yhat``). ``params`` are the declared parameters the formula
    uses, in declaration order (unused declarations are dropped). ``key`` is the canonical
    text plus the parameters' declarations, ``"; "``-separated: the formula's identity.
    """

    text: str
    tree: Node
    task: str
    variable: str
    params: tuple[ParamSpec, ...]

    @property
    def expression(self) -> str:
        """The canonical text of the formula alone."""
        return canonical(self.tree)

    @property
    def key(self) -> str:
        return "; ".join([self.expression, *(p.declaration for p in self.params)])


def _number(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise FormulaError(f"{what} must be a number, got {x!r:.40}")
    v = float(x)
    if not math.isfinite(v) or abs(v) > MAX_PARAM_RANGE:
        raise FormulaError(f"{what} must be finite and at most {MAX_PARAM_RANGE:g} in size")
    return v


def check_params(params: Mapping[str, Any] | None) -> dict[str, ParamSpec]:
    """Declared parameters ``{name: (low, high, default)}`` checked, as :class:`ParamSpec`.

    A name is plain ASCII (a letter, then letters, digits or ``_``, at most 16 characters),
    not a variable, function or Python keyword; ``low < high`` and ``low <= default <=
    high``, all finite. Raises :class:`FormulaError` otherwise.
    """
    params = dict(params or {})
    if len(params) > MAX_PARAMS:
        raise FormulaError(f"at most {MAX_PARAMS} parameters, got {len(params)}")
    out: dict[str, ParamSpec] = {}
    for name, spec in params.items():
        if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
            raise FormulaError(
                f"parameter name {name!r:.40} is not allowed: a letter, then letters, digits "
                "or _ (plain ASCII, at most 16 characters)"
            )
        if name in _RESERVED or keyword.iskeyword(name):
            raise FormulaError(
                f"parameter name {name!r} is taken (a variable, function or Python keyword)"
            )
        try:
            low, high, default = spec
        except (TypeError, ValueError):
            raise FormulaError(
                f"parameter {name} must be declared as (low, high, default), got {spec!r:.60}"
            ) from None
        low, high = _number(low, f"{name}'s low"), _number(high, f"{name}'s high")
        default = _number(default, f"{name}'s default")
        if not low < high:
            raise FormulaError(f"parameter {name}: low must be below high, got [{low}, {high}]")
        if not low <= default <= high:
            raise FormulaError(
                f"parameter {name}: default {default:g} must be in [{low:g}, {high:g}]"
            )
        out[name] = ParamSpec(name, low, high, default)
    return out


# --------------------------------------------------------------------------- characters


def _describe_char(ch: str) -> str:
    """A character for a message: shown only when it is visible (never a control character,
    a combining mark or an invisible format character such as a bidi override)."""
    code = f"U+{ord(ch):04X}"
    name = unicodedata.name(ch, "")
    if ord(ch) < 128 or not name:
        return f"a control character ({code})"
    if unicodedata.category(ch)[0] in "LNPS":
        return f"{ch!r} ({code} {name}), not plain ASCII"
    return f"{code} {name}, not plain ASCII"


def _check_characters(text: str) -> None:
    for i, ch in enumerate(text, start=1):
        if ch == "\t" or " " <= ch <= "~":
            continue
        raise FormulaError(
            f"character {i} is {_describe_char(ch)}. Type the formula with plain ASCII "
            "letters, digits, spaces and + - * / ( ) , .",
            i,
        )


#: a number written straight against a name: 2m, 1e5x (Python warns, then refuses it); an
#: imaginary literal (1j) is left for the walk to refuse as a complex number
_NUMBER_THEN_NAME = re.compile(
    r"(?<![A-Za-z_\d.])(?>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"(?=[A-Za-z_])(?![jJ](?![A-Za-z_\d]))"
)


def _check_tokens(text: str) -> None:
    """Refusals found before Python's parser reads the text, which would warn about them: a
    backslash (an escape in a string), a number written against a name."""
    if "\\" in text:
        i = text.index("\\") + 1
        raise FormulaError(f"\\ is not allowed (at character {i})", i)
    match = _NUMBER_THEN_NAME.search(text)
    if match:
        i = match.end() + 1
        raise FormulaError(
            f"not a formula: write * for products (2*m, not 2m) (at character {i})", i
        )


# --------------------------------------------------------------------------- the walk

_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_REFUSED_BINOPS = {
    ast.BitXor: "^ is not a power here: write ** for powers (m**2)",
    ast.FloorDiv: "// (floor division) is not allowed: write / for division",
    ast.Mod: "% (remainder) is not allowed",
    ast.MatMult: "@ (matrix product) is not allowed",
    ast.BitAnd: "& (bitwise and) is not allowed",
    ast.BitOr: "| (bitwise or) is not allowed",
    ast.LShift: "<< (bit shift) is not allowed",
    ast.RShift: ">> (bit shift) is not allowed",
}
_REFUSED_NODES = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Compare: "comparisons are not allowed: write piecewise losses with max, min and abs",
    ast.BoolOp: "and/or are not allowed: write piecewise losses with max, min and abs",
    ast.IfExp: "if/else is not allowed: write piecewise losses with max, min and abs",
    ast.NamedExpr: ":= is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed (a stray comma?)",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Starred: "* unpacking is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


def _family(op: ast.operator) -> str:
    return {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}.get(
        type(op), type(op).__name__
    )


class _Walker:
    def __init__(self, source: str, lead: int, params: dict[str, ParamSpec]) -> None:
        self.source = source  # the text without leading spaces, which Python refuses
        self.lead = lead  # how many were cut: added back to every position reported
        self.params = params
        self.nodes = 0

    def allowed_names(self) -> str:
        variables = "; ".join(
            f"{task}: {', '.join(names)}" for task, names in TASK_VARIABLES.items()
        )
        declared = ", ".join(self.params) or "none declared"
        return f"variables ({variables}); parameters ({declared}); functions {', '.join(FUNCTIONS)}"

    def refuse(self, message: str, node: ast.AST | None) -> FormulaError:
        col = getattr(node, "col_offset", None)
        if isinstance(node, ast.Attribute) and node.end_col_offset is not None:
            col = node.end_col_offset - len(node.attr) - 1  # the dot, not the object
        pos = None if col is None else self.lead + col + 1
        return FormulaError(message + (f" (at character {pos})" if pos else ""), pos)

    def visit(self, node: ast.AST, level: int) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(f"the formula is too long: at most {MAX_NODES} terms", node)
        if level > MAX_DEPTH:
            raise self.refuse(f"the formula is nested too deeply: at most {MAX_DEPTH} levels", node)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.refuse(_REFUSED_BINOPS.get(type(node.op), "operator not allowed"), node)
            # a chain a + b - c + ... (or a * b / c ...) is one level, however long: Python
            # nests it to the left, a reader sees a flat sum
            chain = isinstance(node.left, ast.BinOp) and _family(node.left.op) == _family(node.op)
            left = self.visit(node.left, level if chain else level + 1)
            right = self.visit(node.right, level + 1)
            if op == "pow":
                self.check_exponent(node.right, right, left)
            return Apply(op, (left, right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.visit(node.operand, level + 1)
            if isinstance(node.op, ast.USub):
                return Apply("neg", (self.visit(node.operand, level + 1),))
            word = "not" if isinstance(node.op, ast.Not) else "~"
            raise self.refuse(f"{word} is not allowed", node)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Call):
            return self.call(node, level)
        message = _REFUSED_NODES.get(type(node), f"{type(node).__name__} is not allowed")
        if isinstance(node, ast.Attribute):
            message = f"attribute access (.{node.attr}) is not allowed"
        raise self.refuse(message, node)

    def number(self, node: ast.Constant) -> Num:
        v = node.value
        if isinstance(v, str | bytes):
            raise self.refuse("strings are not allowed", node)
        if isinstance(v, bool) or v is None or v is Ellipsis:
            raise self.refuse(f"{v!r} is not a number", node)
        if isinstance(v, complex):
            raise self.refuse("complex numbers are not allowed", node)
        if isinstance(v, int) and abs(v) > MAX_NUMBER:
            raise self.refuse(f"numbers must be at most {MAX_NUMBER:,.0f} in size", node)
        x = float(v)
        if not math.isfinite(x) or abs(x) > MAX_NUMBER:
            raise self.refuse(f"numbers must be at most {MAX_NUMBER:,.0f} in size", node)
        if x == 0 and isinstance(v, float) and not self.is_zero_text(node):
            raise self.refuse(f"numbers other than 0 must be at least {MIN_NUMBER:g}", node)
        if x != 0 and abs(x) < MIN_NUMBER:
            raise self.refuse(f"numbers other than 0 must be at least {MIN_NUMBER:g}", node)
        return Num(x)

    def is_zero_text(self, node: ast.Constant) -> bool:
        end = getattr(node, "end_col_offset", None)
        literal = self.source[node.col_offset : end] if end is not None else ""
        mantissa = re.split(r"[eE]", literal)[0]
        return not re.search(r"[1-9]", mantissa)

    def name(self, node: ast.Name) -> Node:
        name = node.id
        if name.startswith("_"):
            raise self.refuse(
                f"names starting with _ (like {name}) are not allowed; allowed: "
                + self.allowed_names(),
                node,
            )
        if name in _TYPED:
            return Var(name)
        if name in self.params:
            return Param(name)
        if name in FUNCTIONS:
            raise self.refuse(f"{name} is a function: write {name}(...)", node)
        declare = ""
        if _PARAM_NAME.fullmatch(name) and not keyword.iskeyword(name):
            declare = (
                f"; to make {name} a parameter with a slider, declare it after a semicolon: "
                f"'; {name} = 1 in [0, 2]' (default 1, range 0 to 2)"
            )
        raise self.refuse(f"unknown name {name!r}{declare}; allowed: " + self.allowed_names(), node)

    def call(self, node: ast.Call, level: int) -> Node:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self.refuse(f"attribute access (.{node.func.attr}) is not allowed", node.func)
            raise self.refuse("only the functions of the table can be called", node)
        fn = node.func.id
        if fn.startswith("_"):
            raise self.refuse(
                f"names starting with _ (like {fn}) are not allowed; allowed: "
                + self.allowed_names(),
                node,
            )
        if fn not in FUNCTIONS:
            what = (
                f"{fn} is a variable or parameter, not a function"
                if fn in _TYPED or fn in self.params
                else f"unknown function {fn!r}"
            )
            raise self.refuse(f"{what}; the functions are {', '.join(FUNCTIONS)}", node)
        if node.keywords:
            raise self.refuse(f"keyword arguments are not allowed in {fn}(...)", node)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse("* unpacking is not allowed", node)
        n = len(node.args)
        if fn in ("max", "min"):
            if not 2 <= n <= MAX_ARGS:
                raise self.refuse(f"{fn} takes 2 to {MAX_ARGS} arguments, got {n}", node)
        elif n != 1:
            raise self.refuse(f"{fn} takes one argument, got {n}", node)
        return Apply(fn, tuple(self.visit(a, level + 1) for a in node.args))

    def check_exponent(self, node: ast.AST, tree: Node, base: Node) -> None:
        if any(isinstance(n, Apply) and n.op == "pow" for n in walk(tree)):
            raise self.refuse(
                f"an exponent may not contain a power ({canonical(tree)}): a**b**c means "
                f"a**(b**c); exponents lie between -{MAX_EXPONENT:g} and {MAX_EXPONENT:g}",
                node,
            )
        low, high = self.interval(node, tree)
        factors = [tree]
        while isinstance(base, Apply) and base.op == "pow":  # (x**a)**b is x**(a*b)
            a, b = self.interval(node, base.args[1])
            products = [u * v for u in (a, b) for v in (low, high)]
            low, high = min(products), max(products)
            factors.insert(0, base.args[1])
            base = base.args[0]
        if low >= -MAX_EXPONENT and high <= MAX_EXPONENT:
            return
        text = "*".join(_wrap_factor(f) for f in factors) if len(factors) > 1 else canonical(tree)
        value = f"{low:g}" if low == high else f"from {low:g} to {high:g}"
        nested = ", counting (x**a)**b as x**(a*b)" if len(factors) > 1 else ""
        raise self.refuse(
            f"exponents lie between -{MAX_EXPONENT:g} and {MAX_EXPONENT:g}{nested}; "
            + (f"this one is {value}" if text == value else f"{text} is {value}"),
            node,
        )

    def interval(self, node: ast.AST, tree: Node) -> tuple[float, float]:
        """The range of an exponent over the parameters' ranges (interval arithmetic)."""
        if isinstance(tree, Num):
            return tree.value, tree.value
        if isinstance(tree, Param):
            spec = self.params[tree.name]
            return spec.low, spec.high
        rule = (
            "an exponent is built from numbers and parameters with + - * / "
            "(for a variable exponent write exp(... * log(base)))"
        )
        if isinstance(tree, Var) or tree.op not in ("add", "sub", "mul", "div", "neg"):
            raise self.refuse(rule, node)
        parts = [self.interval(node, a) for a in tree.args]
        if tree.op == "neg":
            (lo, hi) = parts[0]
            return -hi, -lo
        (a, b), (c, d) = parts
        if tree.op == "add":
            return a + c, b + d
        if tree.op == "sub":
            return a - d, b - c
        if tree.op == "div":
            if c <= 0 <= d:
                raise self.refuse("an exponent must not divide by something that can be 0", node)
            c, d = 1 / d, 1 / c
        products = (a * c, a * d, b * c, b * d)
        return min(products), max(products)


def _wrap_factor(tree: Node) -> str:
    text = canonical(tree)
    return f"({text})" if isinstance(tree, Apply) else text


def _syntax_message(text: str, lead: int, err: SyntaxError) -> FormulaError:
    pos = lead + err.offset if err.offset and err.offset <= len(text) + 1 else None
    if re.search(r"(?<![A-Za-z_\d.])\d+(\.\d*)?[A-Za-z_(]", text) and not re.search(
        r"\d[eE][+-]?\d", text
    ):
        hint = "write * for products (2*m, not 2m)"
    elif "=" in text:
        hint = "= is not allowed: a formula is an expression (comparisons are not allowed)"
    else:
        hint = f"Python cannot read it ({err.msg})"
    where = f" (at character {pos})" if pos else ""
    return FormulaError(f"not a formula: {hint}{where}", pos)


def _task_of(variables: set[str], task: str | None) -> tuple[str, str]:
    """``(task, variable)`` of a formula using ``variables``; :class:`FormulaError` otherwise."""
    cls = variables & set(TASK_VARIABLES["classification"])
    reg = variables & set(TASK_VARIABLES["regression"])
    if cls and reg:
        raise FormulaError(
            f"{', '.join(sorted(cls))} (classification) and {', '.join(sorted(reg))} "
            "(regression) cannot be mixed: a loss is for one task"
        )
    if cls == {"m", "p"}:
        raise FormulaError(
            "use m or p, not both: for more than two classes p is not a function of m "
            "(for two classes, write p as sigmoid(m))"
        )
    found = "classification" if cls else "regression" if reg else None
    if found is None or (found == "regression" and not reg & {"r", "yhat"}):
        raise FormulaError(
            "the formula does not depend on the model's output: use m or p (classification) "
            "or r or yhat (regression)"
        )
    if task is not None and task != found:
        allowed = ", ".join(TASK_VARIABLES[task])
        raise FormulaError(f"a {task} loss uses {allowed}; this formula is for {found}")
    return found, (next(iter(cls)) if cls else "r")


def parse(text: Any, params: Mapping[str, Any] | None = None, task: str | None = None) -> Parsed:
    """Check ``text`` against the allow-list and return its tree; nothing is executed.

    ``params`` declares the parameters ``{name: (low, high, default)}``; ``task``
    (``"classification"``/``"regression"``), when given, must match the variables used.
    Raises :class:`FormulaError` (a ``ValueError``) with a message for every refusal.
    """
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise FormulaError(
            f"a formula has at most {MAX_CHARS} characters; this one has {len(text)}"
        )
    _check_characters(text)
    _check_tokens(text)
    if not text.strip():
        raise FormulaError("the formula is empty: write a loss in m, p or r")
    if task is not None and task not in TASK_VARIABLES:
        raise FormulaError(f"task must be one of {list(TASK_VARIABLES)}, got {task!r}")
    specs = check_params(params)
    source = text.strip()
    lead = len(text) - len(text.lstrip())
    try:
        expr = ast.parse(source, mode="eval")  # a syntax tree only: nothing runs
    except SyntaxError as err:
        raise _syntax_message(source, lead, err) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("not a formula Python can read") from None
    tree = _Walker(source, lead, specs).visit(expr.body, 1)
    used_vars, used_params = names_in(tree)
    found, variable = _task_of(used_vars, task)
    kept = tuple(s for name, s in specs.items() if name in used_params)
    return Parsed(text=text, tree=tree, task=found, variable=variable, params=kept)


_DECLARATION = re.compile(
    r"\s*(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*=\s*(?P<default>[-+0-9.eE]+)\s+in\s*"
    r"\[\s*(?P<low>[-+0-9.eE]+)\s*,\s*(?P<high>[-+0-9.eE]+)\s*\]\s*"
)


def parse_key(key: Any, task: str | None = None) -> Parsed:
    """A formula from its key (:attr:`Parsed.key`): the expression, then ``"; "``-separated
    declarations ``name = default in [low, high]``. Checked like :func:`parse`."""
    if not isinstance(key, str):
        raise FormulaError(f"a formula must be text, got {type(key).__name__}")
    if len(key) > MAX_CHARS + MAX_PARAMS * 80:
        raise FormulaError(f"a formula key has at most {MAX_CHARS + MAX_PARAMS * 80} characters")
    _check_characters(key)
    expression, *declarations = key.split(";")
    params: dict[str, tuple[float, float, float]] = {}
    start = len(expression) + 2  # where the declaration after each ';' starts, 1-based
    for i, text in enumerate(declarations, start=1):
        # the messages name the declaration by its place, never quote it: a refusal shows
        # nothing typed but names, numbers and single characters
        where = f"declaration {i} (after ';' number {i}, at character {start})"
        match = _DECLARATION.fullmatch(text)
        if match is None:
            raise FormulaError(
                f"{where} is not of the form 'name = default in [low, high]', "
                "e.g. 'delta = 1 in [0.1, 5]'",
                start,
            )
        try:
            low, high, default = (float(match[k]) for k in ("low", "high", "default"))
        except ValueError:
            raise FormulaError(f"{where} has a number Python cannot read", start) from None
        start += len(text) + 1
        if match["name"] in params:
            raise FormulaError(f"parameter {match['name']} is declared twice")
        params[match["name"]] = (low, high, default)
    return parse(expression, params, task)
