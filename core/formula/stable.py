r"""Stable forms: rewrite a checked tree into the same function computed without overflow.

Each rule is an identity on the reals, applied bottom-up, and each application is reported
(:class:`Rewrite`), so the app can say which form it evaluates and why:

=============================================  ======================  =========================
written                                        computed as             why
=============================================  ======================  =========================
``log(1 + exp(x))``, ``log1p(exp(x))``         ``softplus(x)``         ``exp(x)`` overflows
``1/(1 + exp(x))``                             ``sigmoid(-x)``         ``exp(x)`` overflows
``exp(x)/(1 + exp(x))``                        ``sigmoid(x)``          ``exp(x)`` overflows
``1 - sigmoid(x)``                             ``sigmoid(-x)``         ``1 - sigmoid`` cancels
``log(sigmoid(x))``                            ``logsigmoid(x)``       ``sigmoid`` underflows
``log(1 - sigmoid(x))``                        ``logsigmoid(-x)``      (both of the above)
``log(exp(x))``                                ``x``                   ``exp(x)`` overflows
``log(p)``                                     ``log_p``               ``p`` underflows to 0
``1 - p``                                      ``one_minus_p``         ``1 - p`` cancels
``log1p(-p)``                                  ``log(one_minus_p)``    ``p`` rounds to 1
``exp(x) - 1``, ``1 - exp(x)``                 ``expm1(x)``, ``-...``  cancels for small ``x``
``1 - p**x``                                   ``-expm1(x*log_p)``     cancels for ``p`` near 1
=============================================  ======================  =========================

``1 + exp(x)`` may be written either way round. ``log_p`` is :math:`\log p_t` from
``log_softmax`` and ``one_minus_p`` is :math:`-\mathrm{expm1}(\log p_t)`
(:mod:`core.formula.tree`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.formula.tree import Apply, Node, Num, Var, canonical

__all__ = ["Rewrite", "one_minus_p", "shown", "stabilise"]

ONE = Num(1.0)


@dataclass(frozen=True)
class Rewrite:
    """One rule applied: the text as written, the form computed instead, and why."""

    written: str
    computed: str
    reason: str

    @property
    def sentence(self) -> str:
        return f"{self.written} is computed as {self.computed}: {self.reason}."


def _neg(x: Node) -> Node:
    """:math:`-x`, without a double minus."""
    if isinstance(x, Apply) and x.op == "neg":
        return x.args[0]
    return Apply("neg", (x,))


def _is(node: Node, op: str) -> bool:
    return isinstance(node, Apply) and node.op == op


def _one_plus_exp(node: Node) -> Node | None:
    """``x`` when ``node`` is ``1 + exp(x)`` or ``exp(x) + 1``."""
    if _is(node, "add") and len(node.args) == 2:
        a, b = node.args
        if a == ONE and _is(b, "exp"):
            return b.args[0]
        if b == ONE and _is(a, "exp"):
            return a.args[0]
    return None


def shown(node: Node) -> str:
    """Display text of a node: the internal leaves as what they compute."""
    text = canonical(node)
    return text.replace("one_minus_p", "-expm1(log_p)").replace("log_p", "log_softmax(z)[t]")


_OVERFLOW = "the same function, without forming exp({x}), which overflows"
_REASONS = {
    "softplus": _OVERFLOW,
    "sigmoid": _OVERFLOW,
    "sigmoid_rest": "the same function, without the cancellation in 1 - sigmoid({x})",
    "logsigmoid": "the same function, finite where sigmoid({x}) underflows to 0",
    "log_exp": "log(exp(x)) is x, and exp({x}) overflows for large {x}",
    "log_p": "log p from the logits, finite where p underflows to 0",
    "one_minus_p": "1 - p from log p, which keeps its digits where p is close to 1",
    "expm1": "the same function, without the cancellation of exp({x}) against 1 for small {x}",
    "one_minus_power": "1 - p**{x} from log p, which keeps its digits where p is close to 1",
}


def _rule(node: Apply) -> tuple[Node, str, str] | None:
    """``(replacement, reason key, x)`` for the first rule matching ``node``, else None."""
    op, args = node.op, node.args
    if op == "log":
        (a,) = args
        x = _one_plus_exp(a)
        if x is not None:
            return Apply("softplus", (x,)), "softplus", canonical(x)
        if _is(a, "sigmoid"):
            return Apply("logsigmoid", a.args), "logsigmoid", canonical(a.args[0])
        if _is(a, "exp"):
            return a.args[0], "log_exp", canonical(a.args[0])
        if a == Var("p"):
            return Var("log_p"), "log_p", "p"
    if op == "log1p":
        (a,) = args
        if _is(a, "exp"):
            return Apply("softplus", a.args), "softplus", canonical(a.args[0])
        if a == Apply("neg", (Var("p"),)):
            return Apply("log", (Var("one_minus_p"),)), "one_minus_p", "p"
    if op == "div":
        a, b = args
        x = _one_plus_exp(b)
        if x is not None and a == ONE:
            return Apply("sigmoid", (_neg(x),)), "sigmoid", canonical(x)
        if x is not None and a == Apply("exp", (x,)):
            return Apply("sigmoid", (x,)), "sigmoid", canonical(x)
    if op == "sub" and args[0] == ONE:
        b = args[1]
        if _is(b, "sigmoid"):
            return Apply("sigmoid", (_neg(b.args[0]),)), "sigmoid_rest", canonical(b.args[0])
        if b == Var("p"):
            return Var("one_minus_p"), "one_minus_p", "p"
        if _is(b, "exp"):
            return _neg(Apply("expm1", b.args)), "expm1", canonical(b.args[0])
        if _is(b, "pow") and b.args[0] == Var("p"):
            x = b.args[1]
            scaled = Apply("mul", (x, Var("log_p")))
            return _neg(Apply("expm1", (scaled,))), "one_minus_power", canonical(x)
    if op == "sub" and args[1] == ONE and _is(args[0], "exp"):
        return Apply("expm1", args[0].args), "expm1", canonical(args[0].args[0])
    return None


def stabilise(tree: Node) -> tuple[Node, tuple[Rewrite, ...]]:
    """``tree`` with every rule of the table applied (bottom-up, repeatedly at each node),
    and the rewrites made, in order, without repeats."""
    notes: list[Rewrite] = []

    def visit(node: Node) -> Node:
        if not isinstance(node, Apply):
            return node
        node = Apply(node.op, tuple(visit(a) for a in node.args))
        while isinstance(node, Apply):
            found = _rule(node)
            if found is None:
                break
            new, reason, x = found
            note = Rewrite(shown(node), shown(new), _REASONS[reason].format(x=x))
            if note not in notes:
                notes.append(note)
            node = visit(new) if isinstance(new, Apply) else new
        return node

    return visit(tree), tuple(notes)


def one_minus_p(node: Node) -> Node:
    r"""``node`` with every sum :math:`c + k p` where :math:`k = -c` written
    :math:`c\,(1 - p)` (``one_minus_p``), bottom-up: how derivatives in :math:`p` that SymPy
    expands (``2*p - 2``) keep the digits of :math:`1 - p`."""
    if not isinstance(node, Apply):
        return node
    node = Apply(node.op, tuple(one_minus_p(a) for a in node.args))
    if node.op != "add":
        return node
    terms = list(node.args)
    consts = [i for i, t in enumerate(terms) if isinstance(t, Num)]
    for i in consts:
        c = terms[i].value
        for j, t in enumerate(terms):
            if _coefficient_of_p(t) == -c:
                q = Var("one_minus_p")
                scaled = q if c == 1 else Apply("mul", (Num(c), q))
                rest = [x for k, x in enumerate(terms) if k not in (i, j)]
                return Apply("add", (*rest, scaled)) if rest else scaled
    return node


def _coefficient_of_p(term: Node) -> float | None:
    """``k`` when ``term`` is :math:`k p` (``p``, ``-p`` or ``k*p``), else None."""
    if term == Var("p"):
        return 1.0
    if _is(term, "neg"):
        inner = _coefficient_of_p(term.args[0])
        return None if inner is None else -inner
    if _is(term, "mul") and len(term.args) == 2:
        a, b = term.args
        if isinstance(a, Num) and b == Var("p"):
            return a.value
    return None
