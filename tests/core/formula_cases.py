"""Shared cases of the formula tests: hostile inputs, the built-ins written as formulas, and
a hypothesis strategy of valid formulas."""

from __future__ import annotations

from hypothesis import strategies as st

from core.formula.parse import FormulaError, parse
from core.formula.tree import Apply, Node, Num, Param, Var, canonical, names_in

#: (hostile text, a fragment of the message refusing it); ids are the texts' first chars
HOSTILE: list[tuple[str, str]] = [
    ("__import__('os').system('echo pwned')", "attribute access (.system)"),
    ("__import__('os')", "names starting with _"),
    ("m.__class__.__bases__", "attribute access"),
    ("(1).__class__", "attribute access (.__class__)"),
    ("exp.__globals__", "attribute access (.__globals__)"),
    ("lambda m: m", "lambda is not allowed"),
    ("(lambda: 0)()", "only the functions of the table"),
    ("[m for m in range(10)]", "comprehensions are not allowed"),
    ("sum(x for x in [m])", "unknown function 'sum'"),
    ("{m: 1}", "dicts are not allowed"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("exec('m')", "unknown function 'exec'"),
    ("getattr(m, 'real')", "unknown function 'getattr'"),
    ("exp(x=m)", "keyword arguments are not allowed"),
    ("exp(*[m])", "* unpacking is not allowed"),
    ("m[0]", "subscripts"),
    ("'m'", "strings are not allowed"),
    ("f'{m}'", "strings are not allowed"),
    ("b'm'", "strings are not allowed"),
    ("9**9**9", "an exponent may not contain a power"),
    ("m**99", "exponents lie between -32 and 32; this one is 99"),
    ("(m**8)**8", "counting (x**a)**b as x**(a*b); 8*8 is 64"),
    ("m**m", "an exponent is built from numbers and parameters"),
    ("m^2", "write ** for powers"),
    ("m // 2", "floor division"),
    ("m if m > 0 else 0", "if/else is not allowed"),
    ("m > 0", "comparisons are not allowed"),
    ("m and p", "and/or are not allowed"),
    ("(m := 1)", ":= is not allowed"),
    ("1e400 * m", "numbers must be at most"),
    ("10000000 * m", "numbers must be at most"),
    ("1" + "0" * 150 + "*m", "numbers must be at most"),
    ("1e-400 * m", "numbers other than 0 must be at least"),
    ("1j * m", "complex numbers are not allowed"),
    ("True * m", "True is not a number"),
    ("None", "None is not a number"),
    ("-" * 40 + "m", "nested too deeply"),
    ("exp(" * 30 + "m" + ")" * 30, "nested too deeply"),
    ("+".join(["m"] * 60), "at most 100 terms"),
    ("m + " * 60 + "m", "at most 200 characters"),
    ("m" * 10_000, "at most 200 characters"),
    ("1 - tanh(m\u0435)", "U+0435 CYRILLIC SMALL LETTER IE"),  # Cyrillic e
    ("\uff11 - m", "U+FF11 FULLWIDTH DIGIT ONE"),
    ("m\u202e + 1", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("abs(r)\x00", "a control character (U+0000)"),
    ("m\n+ 1", "a control character (U+000A)"),
    ("\u0440", "U+0440 CYRILLIC SMALL LETTER ER"),  # looks like p
    ("cos(m)", "unknown function 'cos'"),
    ("x + m", "unknown name 'x'"),
    ("m + r", "cannot be mixed"),
    ("m + p", "use m or p, not both"),
    ("y", "does not depend on the model's output"),
    ("", "the formula is empty"),
    ("2m", "write * for products"),
    ("m; import os", "Python cannot read it"),
    ("log(0) * m", "not finite"),
    ("m / (2 - 2)", "not finite"),
    ("m*(-2)**0.5", "not finite"),
    ("(-r**2/2)**0.5", "the formula is not real"),
]

#: A built-in loss and the formula that is the same function: (task, registry name, its
#: hyperparameters, formula, declared parameters, the parameter values, class counts or
#: [None] for regression). Cross-entropy is a function of m for two classes only.
BUILTINS: list[tuple[str, str, dict, str, dict | None, dict, list]] = [
    ("classification", "cross_entropy", {}, "softplus(-m)", None, {}, [2]),
    ("classification", "cross_entropy", {}, "log(1 + exp(-m))", None, {}, [2]),
    ("classification", "cross_entropy", {}, "-log(p)", None, {}, [2, 3, 5]),
    ("classification", "hinge", {}, "max(0, 1 - m)", None, {}, [2, 3, 5]),
    (
        "classification",
        "hinge",
        {"margin": 0.5},
        "max(0, margin - m)",
        {"margin": (0.1, 3, 1)},
        {"margin": 0.5},
        [2, 3, 5],
    ),
    ("classification", "squared_hinge", {}, "max(0, 1 - m)**2", None, {}, [2, 3, 5]),
    (
        "classification",
        "focal",
        {"gamma": 2.0},
        "-(1 - p)**gamma*log(p)",
        {"gamma": (0, 5, 2)},
        {"gamma": 2.0},
        [2, 3, 5],
    ),
    (
        "classification",
        "focal",
        {"gamma": 0.5},
        "-(1 - p)**gamma*log(p)",
        {"gamma": (0, 5, 2)},
        {"gamma": 0.5},
        [2, 3, 5],
    ),
    ("classification", "mae", {}, "2*(1 - p)", None, {}, [2, 3, 5]),
    (
        "classification",
        "gce",
        {"q": 0.7},
        "(1 - p**q)/q",
        {"q": (0.05, 1, 0.7)},
        {"q": 0.7},
        [2, 5],
    ),
    ("regression", "mse", {}, "r**2", None, {}, [None]),
    ("regression", "mae", {}, "abs(r)", None, {}, [None]),
    (
        "regression",
        "huber",
        {"delta": 1.5},
        "min(abs(r), delta)*(abs(r) - min(abs(r), delta)/2)",
        {"delta": (0.1, 5, 1)},
        {"delta": 1.5},
        [None],
    ),
    (
        "regression",
        "pinball",
        {"quantile": 0.3},
        "max(tau*(-r), (tau - 1)*(-r))",
        {"tau": (0, 1, 0.5)},
        {"tau": 0.3},
        [None],
    ),
]

#: the functions without kinks or domain limits
SMOOTH = ("exp", "tanh", "sigmoid", "softplus", "logsigmoid")


@st.composite
def trees(draw, variable: str, smooth: bool = False, depth: int = 4) -> Node:
    """A random tree the parser accepts, in ``variable`` (and the parameter ``a`` in
    [0.5, 2]), of at most ``depth`` levels."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        leaf = draw(st.sampled_from(["var", "var", "param", "num"]))
        if leaf == "var":
            return Var(variable)
        if leaf == "param":
            return Param("a")
        return Num(draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.1])))
    kind = draw(st.sampled_from(["binary", "binary", "call", "neg", "pow"]))
    sub = trees(variable, smooth, depth - 1)
    if kind == "binary":
        op = draw(
            st.sampled_from(["add", "sub", "mul", "div"] if not smooth else ["add", "sub", "mul"])
        )
        return Apply(op, (draw(sub), draw(sub)))
    if kind == "neg":
        return Apply("neg", (draw(sub),))
    if kind == "pow":
        exponent = draw(st.sampled_from([Num(2.0), Num(3.0), Param("a")]))
        return Apply("pow", (draw(sub), exponent))
    functions = SMOOTH if smooth else (*SMOOTH, "abs", "max", "min", "log", "sqrt")
    fn = draw(st.sampled_from(functions))
    if fn in ("max", "min"):
        return Apply(fn, (draw(sub), draw(sub)))
    return Apply(fn, (draw(sub),))


def formula_texts(variable: str, smooth: bool = False) -> st.SearchStrategy[str]:
    """Canonical texts of random trees that use ``variable`` and fit in 200 characters."""
    return (
        trees(variable, smooth)
        .filter(lambda tree: variable in names_in(tree)[0])
        .map(canonical)
        .filter(_parses)
    )


def _parses(text: str) -> bool:
    """Whether the parser takes ``text`` (random trees can exceed the bounds: length,
    compounded exponents)."""
    try:
        parse(text, PARAMS)
    except FormulaError:
        return False
    return True


PARAMS = {"a": (0.5, 2.0, 1.0)}
