"""What the parser accepts, its canonical form and keys, parameters, stable rewrites, the JSON
form and the LaTeX."""

from __future__ import annotations

import json

import pytest
from formula_cases import PARAMS, trees
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import formula
from core.formula import FormulaError, canonical, from_json, parse, parse_key, to_json
from core.formula.latex import latex
from core.formula.stable import stabilise
from core.formula.tree import Apply, Num, Param, Var, depth, size


@pytest.mark.parametrize(
    ("text", "key", "task", "variable"),
    [
        ("log(1+exp(-m))", "log(1 + exp(-m))", "classification", "m"),
        ("  max( 0 , 1-m )  ", "max(0, 1 - m)", "classification", "m"),
        ("-(1-p)**2*log(p)", "-(1 - p)**2*log(p)", "classification", "p"),
        ("+r", "r", "regression", "r"),
        ("abs(yhat - y)/(1 + abs(y))", "abs(yhat - y)/(1 + abs(y))", "regression", "r"),
        ("(yhat)**2", "yhat**2", "regression", "r"),
        ("r ** -0.5", "r**-0.5", "regression", "r"),
        ("-r**2", "-r**2", "regression", "r"),
        ("(-r)**2", "(-r)**2", "regression", "r"),
        ("m - (1 - m)", "m - (1 - m)", "classification", "m"),
        ("m/(2*m)", "m/(2*m)", "classification", "m"),
        ("2.0*m + 0.50", "2*m + 0.5", "classification", "m"),
        ("1e-7*m", "1e-07*m", "classification", "m"),
        ("max(m, 2*m, 3 - m, 0)", "max(m, 2*m, 3 - m, 0)", "classification", "m"),
        ("+".join(["m"] * 40), " + ".join(["m"] * 40), "classification", "m"),
    ],
    ids=[
        "softplus",
        "spaces",
        "focal",
        "unary-plus",
        "relative",
        "yhat-only",
        "negative-exponent",
        "minus-power",
        "power-of-minus",
        "nested-sub",
        "nested-div",
        "numbers",
        "small-number",
        "nary-max",
        "long-flat-sum",
    ],
)
def test_accepted_formula_has_its_canonical_key(text, key, task, variable) -> None:
    parsed = parse(text)
    assert (parsed.key, parsed.task, parsed.variable) == (key, task, variable)
    assert parse(parsed.key).tree == parsed.tree


def test_task_given_must_match() -> None:
    assert parse("m", task="classification").task == "classification"
    with pytest.raises(FormulaError, match="a regression loss uses r, y, yhat"):
        parse("m", task="regression")


def test_parameters_are_declared_checked_and_keyed() -> None:
    parsed = parse("abs(r) - delta", {"delta": (0.1, 5, 1), "unused": (0, 1, 0)})
    assert [p.name for p in parsed.params] == ["delta"]  # unused declarations are dropped
    assert parsed.key == "abs(r) - delta; delta = 1 in [0.1, 5]"
    again = parse_key(parsed.key)
    assert again.key == parsed.key and again.params == parsed.params


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"m": (0, 1, 0)}, "is taken"),
        ({"exp": (0, 1, 0)}, "is taken"),
        ({"lambda": (0, 1, 0)}, "is taken"),
        ({"_x": (0, 1, 0)}, "is not allowed"),
        ({"d\u0435lta": (0, 1, 0)}, "is not allowed"),
        ({"x" * 17: (0, 1, 0)}, "is not allowed"),
        ({"d": (1, 0, 0.5)}, "low must be below high"),
        ({"d": (0, 1, 2)}, "must be in [0, 1]"),
        ({"d": (0, float("inf"), 1)}, "must be finite"),
        ({"d": (0, 1e9, 1)}, "must be finite and at most"),
        ({"d": (0, 1)}, "declared as (low, high, default)"),
        ({"d": ("0", 1, 0)}, "must be a number"),
        ({f"a{i}": (0, 1, 0) for i in range(5)}, "at most 4 parameters"),
    ],
    ids=[
        "variable",
        "function",
        "keyword",
        "underscore",
        "cyrillic",
        "long",
        "reversed",
        "default-outside",
        "infinite",
        "huge",
        "two-numbers",
        "text",
        "too-many",
    ],
)
def test_bad_parameter_declarations_are_refused(params, message) -> None:
    with pytest.raises(FormulaError) as refused:
        parse("r", params)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "key",
    [
        "r; delta = 1",
        "r; delta = 1 in [0, 1]; delta = 1 in [0, 1]",
        "r; delta = x in [0, 1]",
        "r; __class__ = 1 in [0, 1]",
    ],
    ids=["no-range", "twice", "not-a-number", "dunder"],
)
def test_bad_keys_are_refused(key) -> None:
    with pytest.raises(FormulaError):
        parse_key(key)


@pytest.mark.parametrize(
    ("text", "params", "exponent"),
    [
        ("r**gamma", {"gamma": (0, 32, 2)}, None),
        ("r**(2*gamma)", {"gamma": (0, 17, 2)}, "from 0 to 34"),
        ("r**(1/gamma)", {"gamma": (-1, 1, 0.5)}, "divide by something that can be 0"),
        ("(r**gamma)**2", {"gamma": (0, 16, 2)}, None),
        ("(r**gamma)**3", {"gamma": (0, 16, 2)}, "from 0 to 48"),
    ],
    ids=["param", "param-times-two", "param-divisor", "nested-ok", "nested-too-big"],
)
def test_exponents_are_bounded_over_the_parameter_ranges(text, params, exponent) -> None:
    if exponent is None:
        assert parse(text, params).key.startswith(text.replace(" ", ""))
    else:
        with pytest.raises(FormulaError, match=exponent.replace("(", r"\(")):
            parse(text, params)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["m", "p", "r"]).flatmap(trees))
def test_canonical_text_parses_back_to_the_same_tree(tree) -> None:
    text = canonical(tree)
    assume(len(text) <= 200)
    try:
        parsed = parse(text, PARAMS)
    except FormulaError as refused:  # bounds: exponents compound, a tree without the variable
        assume(not any(w in str(refused) for w in ("exponents", "depend", "p is not")))
        raise
    assert parsed.tree == tree
    assert canonical(parsed.tree) == text


@pytest.mark.parametrize(
    ("text", "computed", "said"),
    [
        ("log(1 + exp(-m))", "softplus(-m)", "softplus(-m)"),
        ("log(exp(-m) + 1)", "softplus(-m)", "softplus(-m)"),
        ("log1p(exp(2*m))", "softplus(2*m)", "softplus(2*m)"),
        ("1/(1 + exp(-m))", "sigmoid(m)", "sigmoid(m)"),
        ("1/(1 + exp(m))", "sigmoid(-m)", "sigmoid(-m)"),
        ("exp(m)/(1 + exp(m))", "sigmoid(m)", "sigmoid(m)"),
        ("1 - sigmoid(m)", "sigmoid(-m)", "sigmoid(-m)"),
        ("-log(sigmoid(m))", "-logsigmoid(m)", "logsigmoid(m)"),
        ("-log(1/(1 + exp(-m)))", "-logsigmoid(m)", "logsigmoid(m)"),
        ("log(1 - sigmoid(m))", "logsigmoid(-m)", "logsigmoid(-m)"),
        ("log(exp(m))", "m", "m"),
        ("-log(p)", "-log_p", "log_softmax(z)[t]"),
        ("2*(1 - p)", "2*one_minus_p", "-expm1(log_softmax(z)[t])"),
        ("log1p(-p)", "log(one_minus_p)", "log(-expm1(log_softmax(z)[t]))"),
    ],
    ids=[
        "softplus",
        "softplus-swapped",
        "softplus-log1p",
        "sigmoid",
        "sigmoid-minus",
        "sigmoid-ratio",
        "sigmoid-rest",
        "logsigmoid",
        "logsigmoid-nested",
        "logsigmoid-rest",
        "log-exp",
        "log-p",
        "one-minus-p",
        "log1p-minus-p",
    ],
)
def test_stable_rewrites_are_made_and_said(text, computed, said) -> None:
    stable, notes = stabilise(parse(text).tree)
    assert canonical(stable) == computed
    assert notes and said in notes[-1].sentence


def test_a_formula_without_a_rewrite_is_left_as_written() -> None:
    tree = parse("1 - tanh(m) + log(2 + exp(m))").tree
    assert stabilise(tree) == (tree, ())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["m", "p", "r"]).flatmap(trees))
def test_json_form_round_trips_through_text(tree) -> None:
    text = json.dumps(to_json(tree))
    assert from_json(json.loads(text), PARAMS) == tree


@pytest.mark.parametrize(
    "obj",
    [
        {"op": "eval", "args": [{"num": 1}]},
        {"op": "exp", "args": [{"num": 1}, {"num": 2}]},
        {"op": "max", "args": [{"num": 1}]},
        {"var": "__import__"},
        {"param": "delta"},
        {"num": float("nan")},
        {"num": True},
        {"num": 1, "var": "m"},
        ["m"],
    ],
    ids=[
        "unknown-op",
        "arity",
        "nary-arity",
        "unknown-var",
        "undeclared",
        "nan",
        "bool",
        "two-kinds",
        "list",
    ],
)
def test_json_outside_the_table_is_refused(obj) -> None:
    with pytest.raises(ValueError):
        from_json(obj)


def test_formula_json_has_the_documented_fields() -> None:
    f = formula.check("-(1 - p)**gamma*log(p)", {"gamma": (0, 5, 2)})
    data = f.to_json()
    assert set(data) == {
        "version",
        "key",
        "task",
        "variable",
        "grad_wrt",
        "params",
        "value",
        "grad",
    }
    assert (data["variable"], data["grad_wrt"]) == ("p", "log_p")
    assert data["params"] == [{"name": "gamma", "low": 0.0, "high": 5.0, "default": 2.0}]
    assert from_json(data["value"], {"gamma": 0}) == f.stable
    assert from_json(data["grad"], {"gamma": 0}) == f.grad


@pytest.mark.parametrize(
    ("tree", "tex"),
    [
        (parse("log(1 + exp(-m))").tree, r"\log\left(1 + e^{-m}\right)"),
        (parse("max(0, 1 - m)").tree, r"\max\left(0, 1 - m\right)"),
        (parse("abs(yhat - y)").tree, r"\left|\hat{y} - y\right|"),
        (parse("-(1 - p)**gamma*log(p)", {"gamma": (0, 5, 2)}).tree,
         r"-\left(1 - p\right)^{\gamma} \log\left(p\right)"),
        (parse("r/(2*delta)", {"delta": (0.1, 5, 1)}).tree, r"\frac{r}{2 \delta}"),
        (parse("m - (1 - m)").tree, r"m - \left(1 - m\right)"),
        (parse("2*(-m)").tree, r"2 \left(-m\right)"),
        (parse("1e-07*m").tree, r"10^{-7} m"),
        (Apply("add", (Num(-1.0), Apply("neg", (Var("m"),)))), "-1 - m"),
        (Apply("heaviside", (Apply("sub", (Param("a"), Var("r"))),)), r"H\left(a - r\right)"),
    ],
    ids=["softplus", "hinge", "abs", "focal", "frac", "brackets", "neg-factor", "small",
         "negative-terms", "heaviside"],
)  # fmt: skip
def test_latex_of_a_tree(tree, tex) -> None:
    assert latex(tree) == tex


def test_sizes_of_a_tree() -> None:
    tree = parse("max(0, 1 - m)").tree
    assert (size(tree), depth(tree)) == (5, 3)


def test_an_undeclared_name_says_how_to_declare_it() -> None:
    with pytest.raises(formula.FormulaError) as refused:
        formula.parse_key("abs(r) - delta")
    message = str(refused.value)
    assert "unknown name 'delta'" in message
    assert "'; delta = 1 in [0, 2]'" in message
    # the declaration it suggests is accepted as written
    assert formula.parse_key("abs(r) - delta; delta = 1 in [0, 2]").params[0].high == 2
    with pytest.raises(formula.FormulaError) as refused:
        formula.parse("m + lambda_")  # a name that could be declared: the hint is given
    assert "declare it" in str(refused.value)


@pytest.mark.parametrize(
    "key",
    [
        "m; [click](https://example.com) = 1 in [0, 1]",
        "m*a; a = 1 in [0, 2]; <b>bold</b> = 1 in [0, 1]",
        "m*a; a = 1 in [0, 2]; b = 1.2.3e in [0, 2]",
    ],
    ids=["link", "markup-second", "bad-number"],
)
def test_a_refused_declaration_is_named_by_its_place_not_quoted(key) -> None:
    """What a refusal shows of the text is names, numbers and single characters: a declaration
    is named by its place (a link's declaration could hold any printable text)."""
    with pytest.raises(formula.FormulaError) as refused:
        formula.parse_key(key)
    message = str(refused.value)
    bad = key.split(";")[-1].strip()
    assert bad not in message and "declaration" in message
    assert refused.value.position == key.rindex(";") + 2
    assert f"at character {refused.value.position}" in message
