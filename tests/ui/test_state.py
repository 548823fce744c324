"""``ui.state``: which URL parameters a page refused, and the sentence that says so."""

from __future__ import annotations

import pytest

from ui import state


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


def test_describe_writes_lists_as_a_reader_would():
    text = state.describe({"losses": (["nope"], ["cross_entropy", "hinge"])})
    assert "`losses` is cross_entropy, hinge." in text and "[" not in text
    assert "`losses` is (none)." in state.describe({"losses": (["x"], [])})


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
