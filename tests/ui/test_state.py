"""``present.state``: which URL parameters a page refused, and the sentence that says so."""

from __future__ import annotations

import re

import pytest

from present import state, untrusted


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param(["50"], 50, id="int"),
        pytest.param(["0.1"], 0.1, id="float"),
        pytest.param(["1e-3"], 0.001, id="float-exponent"),
        pytest.param(["true"], True, id="bool-true"),
        pytest.param(["False"], False, id="bool-false-capitalised"),
        pytest.param(["moons"], "moons", id="str"),
        pytest.param(["mse", "cross_entropy"], ["cross_entropy", "mse"], id="list-any-order"),
        pytest.param(["0.5", "2"], (0.5, 2.0), id="range-slider-tuple"),
    ],
)
def test_taken_values_are_not_refused(raw, value):
    assert state.refused({"k": raw}, {"k": raw}, {"k": value}) == {}
    # Streamlit may rewrite the URL in its own spelling; the value still matches.
    assert state.refused({"k": raw}, {}, {"k": value}) == {}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        pytest.param(["1000000000"], 300, id="out-of-range-int"),
        pytest.param(["abc"], 0.1, id="not-a-number"),
        pytest.param(["yes"], False, id="bad-bool"),
        pytest.param(["spirals9"], "moons", id="not-an-option"),
        pytest.param(["mse", "nope"], ["mse"], id="list-with-unknown"),
        pytest.param(["0.5", "2"], 0.5, id="two-values-for-scalar"),
    ],
)
def test_dropped_values_are_refused(raw, value):
    out = state.refused({"k": raw}, {}, {"k": value})
    assert out == {"k": (raw, value)}


def test_unchanged_url_is_never_refused():
    # If the URL still holds the raw value after the run, the widget took it.
    assert state.refused({"k": ["x"]}, {"k": ["x"]}, {"k": "y"}) == {}


def test_non_widget_parameters_are_ignored():
    assert state.refused({"utm_source": ["mail"]}, {}, {"epochs": 10}) == {}


def test_only_refused_keys_are_reported():
    before = {"epochs": ["1000000000"], "lr": ["0.01"]}
    out = state.refused(before, {"lr": ["0.01"]}, {"epochs": 300, "lr": 0.01})
    assert list(out) == ["epochs"]


def test_describe_names_parameter_raw_value_and_value_used():
    text = state.describe({"epochs": (["1000000000"], 300)})
    assert "`epochs=1000000000`" in text
    assert "`epochs` is 300" in text
    assert text.startswith("The link asked for values this page cannot use:")


def test_describe_lists_every_refusal_and_empty_values():
    text = state.describe({"a": (["1", "2"], 3), "b": ([], "x")})
    assert "`a=1, 2`" in text
    assert "`b=(empty)`" in text
    assert text.count("is not allowed here") == 2


def test_keys_the_session_already_held_are_never_refused():
    # After a preset click the URL still holds the previous preset's values while the widget
    # took the preset's: that is not a refused link value.
    before = {"losses": ["cross_entropy", "hinge"], "epochs": ["1000000000"]}
    out = state.refused(before, {}, {"losses": ["mse"], "epochs": 300}, settled={"losses"})
    assert list(out) == ["epochs"]


def _plain(markdown: str) -> str:
    """Markdown with its backslash escapes resolved (what a reader sees)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_describe_writes_lists_as_a_reader_would():
    text = _plain(state.describe({"losses": (["nope"], ["cross_entropy", "hinge"])}))
    assert "`losses` is cross_entropy, hinge." in text and "[" not in text
    assert "`losses` is (none)." in _plain(state.describe({"losses": (["x"], [])}))


@pytest.mark.parametrize(
    ("raw", "on"),
    [
        ([], False),
        (["1"], True),
        (["true"], True),
        (["True "], True),
        (["0"], False),
        (["no"], False),
        (["1", "0"], False),
        (["<script>"], False),
    ],
)
def test_presenting_reads_the_last_url_value(raw, on):
    assert state.presenting(raw) is on


#: Link values that would draw markup in the notice if it were not escaped.
HOSTILE = [
    "[Sign in again](https://evil.example/login)",
    "1`![t](https://evil.example/p.png)",
    "<https://evil.example/auto>",
    "https://evil.example/bare www.evil.example me@evil.example",
    "<img src=x onerror=alert(1)>",
    "``a` ```",
    ":red[x] $x$ :material/home:",
    "line\n\n# heading",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_describe_shows_a_hostile_value_as_one_code_span(value):
    text = state.describe({"epochs": ([value], 150)})
    # the value sits in a code span whose fence no backtick run inside can close
    assert untrusted.code(f"epochs={untrusted.short(value)}", limit=1000) in text
    rest = text.replace(untrusted.code(f"epochs={untrusted.short(value)}", limit=1000), "")
    assert "evil" not in rest and "<" not in rest and "\n" not in text


def test_describe_shortens_long_values_and_counts_the_refusals_it_does_not_name():
    text = state.describe({"epochs": (["9" * 10_000], 150)})
    assert len(text) < 300 and "(10,000 characters)" in text
    many = {f"k{i}": (["x" * 5000], 0) for i in range(900)}
    text = state.describe(many)
    assert len(text) < 2000
    assert text.count("is not allowed here") == state.NAMED
    assert "895 more values were refused too." in text


@pytest.mark.parametrize(
    "raw",
    ["inf", "-inf", "Infinity", "+INF", "nan", "NaN", "1e309", "-1e999", " inf ", "9" * 400],
)
def test_non_finite_numbers_are_unreadable(raw):
    assert state.unreadable({"epochs": [raw]}) == {"epochs": [raw]}
    assert state.unreadable({"losses": ["mse", raw]}) == {"losses": ["mse", raw]}


def test_text_fields_keep_non_finite_numbers():
    params = {"epochs": ["inf"], "G": ["nan"], "q": ["inf", "nan"]}
    assert state.unreadable(params, text={"G", "q"}) == {"epochs": ["inf"]}
    assert state.unreadable(params, text=params.keys()) == {}


@pytest.mark.parametrize("raw", ["150", "-3", "1e308", "0.5", "abc", "", "moons", "1, 2", "infer"])
def test_finite_numbers_and_text_are_left_to_the_widgets(raw):
    assert state.unreadable({"k": [raw]}) == {}


def test_overflowing_links_are_the_ones_streamlit_drops_whole():
    assert state.overflowing("") is None
    assert state.overflowing("&".join(f"k{i}=1" for i in range(state.MAX_FIELDS))) is None
    assert state.overflowing("&".join(f"k{i}=1" for i in range(1001))) == 1001
    assert state.overflowing("a=" + "x" * state.MAX_LENGTH) == 1
    assert "1,001 fields" in state.overflow_notice(1001)


def test_unknown_keys_are_those_the_page_does_not_have():
    query = {"lr": ["1"], "lossez": ["mse"], "present": ["1"]}
    assert state.unknown(query, {"lr", "losses"}) == {"lossez": ["mse"]}
    text = state.describe({}, {"lossez": ["mse"]})
    assert text.startswith("The link asked for values this page cannot use:")
    assert "`lossez=mse` is not allowed here: this page has no setting `lossez`." in text


@pytest.mark.parametrize(
    ("query", "pick", "out"),
    [
        ({"cls": ["a", "b"], "at": ["2"]}, "cls", {"at": ["2"], "losses": ["a", "b"]}),
        ({"cls": ["a"], "reg": ["b"]}, "reg", {"losses": ["b"]}),
        ({"cls": ["a"]}, "reg", {}),  # the other task's old key: dropped
        ({"cls": ["a"], "losses": ["c"]}, "cls", {"losses": ["c"]}),  # the present key wins
        ({"at": ["2"]}, "cls", {"at": ["2"]}),
        ({"cls": ["a"]}, None, {}),
    ],
)
def test_renamed_reads_an_old_key_as_the_present_one(query, pick, out):
    assert state.renamed(query, ("cls", "reg"), "losses", pick) == out
    assert query.get("cls") in (None, ["a"], ["a", "b"])  # the input is left alone
