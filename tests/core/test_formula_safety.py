"""Hostile formulas: each refused with its message, within the time limit, and nothing runs.

The refusals go through :func:`core.formula.check`, the app's entry point (parse, then the
derivation in the helper process under the time limit), so a text that parses but cannot be
derived is refused too.
"""

from __future__ import annotations

import ast
import builtins
import os
import re

import pytest
from formula_cases import HOSTILE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import formula
from core.formula import FormulaError, deadline

#: reading a formula never makes Python warn (about strings, escapes or number literals)
pytestmark = pytest.mark.filterwarnings("error::SyntaxWarning", "error::DeprecationWarning")


def _id(text: str) -> str:
    shown = "".join(c if c.isascii() and c.isprintable() else "?" for c in text)
    return shown[:32] or "empty"


@pytest.mark.parametrize(("text", "fragment"), HOSTILE, ids=[_id(t) for t, _ in HOSTILE])
def test_hostile_text_is_refused_with_its_message(text: str, fragment: str) -> None:
    with pytest.raises(FormulaError) as refused:
        formula.check(text)
    assert fragment in str(refused.value)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("m + cos(m)", 5),
        ("1 - tanh(m\u0435)", 11),
        ("   m^2", 4),
        ("m.real", 2),
        ("exp(m) + exp(m, m)", 10),
        ("2**m", 4),
    ],
    ids=["call", "cyrillic", "leading-spaces", "attribute", "arity", "exponent"],
)
def test_a_refusal_names_the_character_where_the_problem_is(text: str, position: int) -> None:
    with pytest.raises(FormulaError) as refused:
        formula.parse(text)
    assert refused.value.position == position
    assert f"character {position}" in str(refused.value)


def test_a_refused_name_lists_what_is_allowed() -> None:
    with pytest.raises(FormulaError) as refused:
        formula.parse("delta*abs(r) + x", {"delta": (0.1, 5, 1)})
    message = str(refused.value)
    for allowed in ("m, p", "r, y, yhat", "delta", "exp, log, log1p", "logsigmoid"):
        assert allowed in message


def test_nothing_in_the_text_runs(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A canary the text calls, eval/exec that fail if used, and compile allowed only to
    build a syntax tree: refusing hostile texts and deriving a valid one (in this process,
    through SymPy) calls none of them and creates no file."""
    monkeypatch.chdir(tmp_path)
    formula.check("softplus(-m)", time_limit=None)  # imports (which exec modules) done before
    called: list[object] = []
    real_compile = builtins.compile

    def canary(*args: object, **kwargs: object) -> int:
        called.append(("canary", args))
        return 0

    def ast_only(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            called.append(("compile", source))
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def forbidden(*args: object, **kwargs: object) -> None:
        called.append(("eval/exec", args))
        raise AssertionError("eval or exec was called")

    monkeypatch.setattr(builtins, "canary", canary, raising=False)
    monkeypatch.setattr(builtins, "compile", ast_only)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    hostile = [
        "canary()",
        "m + canary(m)",
        "exp(canary)",
        "__import__('os').system('touch pwned')",
        "open('pwned', 'w')",
        "exp(m).__class__.__init__.__globals__",
        "max(m, canary(), 0)",
    ]
    for text in hostile:
        with pytest.raises(FormulaError):
            formula.check(text, time_limit=None)
    f = formula.check("max(0, 1 - m) + softplus(-m)*delta", {"delta": (0, 1, 0.5)}, time_limit=None)
    assert formula.canonical(f.grad)  # derived here, under the same guards
    assert called == []
    assert not os.path.exists(tmp_path / "pwned")


_PIECES = [
    "__",
    "import",
    "os",
    ".",
    "(",
    ")",
    "[",
    "]",
    "lambda",
    ":",
    "for",
    "in",
    "'",
    '"',
    "\x00",
    "\u0435",
    "\uff10",
    "**",
    "^",
    "9",
    "1e999",
    "m",
    "p",
    "r",
    "exp(",
    "max(",
    ",",
    "-",
    "+",
    "*",
    "/",
    " ",
    "system",
    "eval",
    "getattr",
    "=",
    ";",
    "\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_hostile_fragments_are_formulas_or_refusals(text: str) -> None:
    """Any text built from hostile fragments is either a checked formula or refused with a
    message (a :class:`FormulaError`); nothing else escapes, and nothing hangs (the
    derivation runs under the time limit)."""
    try:
        f = formula.check(text)
    except FormulaError as refused:
        assert str(refused)
        return
    assert f.key and re.fullmatch(r"[ -~]*", f.key)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250))
def test_arbitrary_text_is_parsed_or_refused(text: str) -> None:
    try:
        formula.parse(text)
    except FormulaError as refused:
        assert str(refused)


@settings(max_examples=50, deadline=None)
@given(st.integers(201, 5000), st.sampled_from(["m", "(", "-", "\u0435", "\x00", "9"]))
def test_long_input_is_refused_before_anything_else(n: int, char: str) -> None:
    with pytest.raises(FormulaError, match="at most 200 characters"):
        formula.parse(char * n)


def test_a_derivation_over_the_time_limit_is_stopped_and_the_next_one_works() -> None:
    """The helper process is killed when it is late (a limit shorter than a pipe's round
    trip), the refusal says so, and the next derivation starts a new helper."""
    with pytest.raises(FormulaError, match="took longer than"):
        formula.check("softplus(-m)", time_limit=1e-9)
    assert formula.check("softplus(-m)").key == "softplus(-m)"
    deadline.stop()
    assert formula.check("1 - tanh(m)").key == "1 - tanh(m)"
