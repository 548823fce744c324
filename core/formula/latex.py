r"""LaTeX of a checked tree, printed by Loss Lab over the fixed op table.

SymPy's printer orders the terms of a sum by evaluating its numeric parts, which for a
power of a numeric sum expands it first (a 150-character formula took minutes); this
printer is one pass over the tree. Variables: ``yhat`` is :math:`\hat y`, ``log_p``
:math:`\log p` (and :math:`e^{k \log p}` is :math:`p^k`), ``one_minus_p`` :math:`1 - p`; a
parameter named after a Greek letter is that letter (``delta`` :math:`\delta`), any other
is set upright.
"""

from __future__ import annotations

from core.formula.tree import Apply, Node, Num, Param, Var, format_number

__all__ = ["latex"]

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega",
}  # fmt: skip
_VARS = {
    "m": "m",
    "p": "p",
    "r": "r",
    "y": "y",
    "yhat": r"\hat{y}",
    "log_p": r"\log\left(p\right)",
    "one_minus_p": "1 - p",
}
_FUNCTIONS = {
    "log": r"\log",
    "tanh": r"\tanh",
    "sigmoid": r"\sigma",
    "softplus": r"\operatorname{softplus}",
    "logsigmoid": r"\log\sigma",
    "sign": r"\operatorname{sign}",
    "heaviside": "H",
    "max": r"\max",
    "min": r"\min",
}
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


def _number(value: float) -> str:
    text = format_number(abs(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        text = power if mantissa == "1" else rf"{mantissa} \cdot {power}"
    return text


def _param(name: str) -> str:
    if name in _GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    escaped = name.replace("_", r"\_")
    return rf"\mathrm{{{escaped}}}"


def _negated(node: Node) -> Node | None:
    """``x`` when ``node`` reads as :math:`-x` (a minus sign or a negative number)."""
    if isinstance(node, Apply) and node.op == "neg":
        return node.args[0]
    if isinstance(node, Num) and node.value < 0:
        return Num(-node.value)
    return None


def _power_of_p(node: Node) -> Node | None:
    r"""``k`` when ``node`` is :math:`k \log p` (a product with ``log_p``), else None."""
    if isinstance(node, Apply) and node.op == "mul" and Var("log_p") in node.args:
        rest = list(node.args)
        rest.remove(Var("log_p"))
        return rest[0] if len(rest) == 1 else Apply("mul", tuple(rest))
    return None


def _tex(node: Node) -> tuple[str, int]:
    if isinstance(node, Num):
        sign = "-" if node.value < 0 else ""
        return sign + _number(node.value), (_UNARY if node.value < 0 else _ATOM)
    if isinstance(node, Var):
        return _VARS[node.name], (_SUM if node.name == "one_minus_p" else _ATOM)
    if isinstance(node, Param):
        return _param(node.name), _ATOM
    op, args = node.op, node.args
    if op in ("add", "sub"):
        parts = [_at(args[0], _SUM)]
        for k, a in enumerate(args[1:]):
            minus = op == "sub"
            inner = _negated(a)
            if inner is not None:
                a, minus = inner, not minus
            level = _PRODUCT if minus or (op == "sub" and k == 0) else _SUM
            parts.append((" - " if minus else " + ") + _at(a, level))
        return "".join(parts), _SUM
    if op == "mul":  # a later factor with a sign of its own is bracketed: a (-b)
        factors = [_at(args[0], _PRODUCT)] + [_at(a, _POWER) for a in args[1:]]
        text = factors[0]
        for f in factors[1:]:
            text += (r" \cdot " if f[:1].isdigit() else " ") + f
        return text, _PRODUCT
    if op == "div":
        return rf"\frac{{{_tex(args[0])[0]}}}{{{_tex(args[1])[0]}}}", _ATOM
    if op == "neg":  # -(a b) is written -a b; -(a + b) keeps its brackets
        return "-" + _at(args[0], _PRODUCT), _UNARY
    if op == "pow":
        return f"{_at(args[0], _ATOM)}^{{{_tex(args[1])[0]}}}", _POWER
    if op == "exp":
        power = _power_of_p(args[0])
        if power is not None:  # exp(k log p) is p^k
            return f"p^{{{_tex(power)[0]}}}", _POWER
        return f"e^{{{_tex(args[0])[0]}}}", _POWER
    if op == "expm1":
        return f"e^{{{_tex(args[0])[0]}}} - 1", _SUM
    if op == "sqrt":
        return rf"\sqrt{{{_tex(args[0])[0]}}}", _ATOM
    if op == "abs":
        return rf"\left|{_tex(args[0])[0]}\right|", _ATOM
    if op == "log1p":
        return rf"\log\left(1 + {_at(args[0], _SUM + 1)}\right)", _ATOM
    inner = ", ".join(_tex(a)[0] for a in args)
    return rf"{_FUNCTIONS[op]}\left({inner}\right)", _ATOM


def _at(node: Node, at_least: int) -> str:
    text, level = _tex(node)
    return text if level >= at_least else rf"\left({text}\right)"


def latex(node: Node) -> str:
    """The tree in LaTeX (parentheses only where the tree needs them)."""
    return _tex(node)[0]
