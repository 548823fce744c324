"""Gradient anatomy page (AppTest): the seed numbers of articles 000, 001 and 002 as displayed."""

from __future__ import annotations

import math

import pytest

from tests.app import takeaways

PAGE = "pages/2_Gradient_anatomy.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at) -> list:
    return at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")


def takeaway(at) -> str:
    return takeaways.sentences(at)[-1]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# --------------------------------------------------------------------------- article 000


def test_default_part_is_the_sigmoid_neuron(app):
    at = app(PAGE)
    assert at.radio(key="part").value == "Sigmoid neuron"
    assert "a = σ(z)" in metrics(at)


def test_default_shows_article_000_numbers(app):
    at = app(PAGE, {"part": "Softmax, 2 classes"})
    m = metrics(at)
    assert m["a = softmax(z)"] == "[0.800, 0.200]"
    assert m["MSE dL/dz1 (y1 = 0)"] == "0.512"
    assert m["CE dL/dz1 (y1 = 0)"] == "0.800"
    assert m["MSE / CE = 4·a1·a2"] == "0.640"
    table = at.dataframe[0].value.set_index("y1")
    assert table.loc[0, "MSE dL/dz1"] == pytest.approx(0.512, abs=1e-12)
    assert table.loc[0, "CE dL/dz1"] == pytest.approx(0.8, abs=1e-12)
    assert table.loc[1, "MSE dL/dz1"] == pytest.approx(-0.128, abs=1e-12)
    assert table.loc[1, "CE dL/dz1"] == pytest.approx(-0.2, abs=1e-12)
    assert table.loc[1, "closed form 4·a1·a2·(a1−y1)"] == pytest.approx(-0.128, abs=1e-12)
    text = takeaway(at)
    for number in ("0.512", "0.800", "-0.128", "-0.200", "0.640"):
        assert number in text
    assert len(charts(at)) == 1


def test_label_radio_switches_to_y1_equals_1(app):
    at = app(PAGE, {"part": "Softmax, 2 classes"})
    at.radio(key="y1").set_value("1").run()
    m = metrics(at)
    assert m["MSE dL/dz1 (y1 = 1)"] == "-0.128"
    assert m["CE dL/dz1 (y1 = 1)"] == "-0.200"


def test_logits_mode_from_url(app):
    """Equal logits: a = [0.5, 0.5]; y1 = 0 gives MSE 4·0.25·0.5 = 0.5 and CE 0.5."""
    at = app(
        PAGE, {"part": "Softmax, 2 classes", "mode": "logits", "z1": "0", "z2": "0", "y1": "0"}
    )
    m = metrics(at)
    assert m["a = softmax(z)"] == "[0.500, 0.500]"
    assert m["MSE dL/dz1 (y1 = 0)"] == "0.500"
    assert m["CE dL/dz1 (y1 = 0)"] == "0.500"
    at.number_input(key="z1").set_value(2.0).run()
    a1 = sigmoid(2.0)
    assert metrics(at)["CE dL/dz1 (y1 = 0)"] == f"{a1:.3f}"
    assert metrics(at)["MSE dL/dz1 (y1 = 0)"] == f"{4 * a1 * (1 - a1) * a1:.3f}"


def test_probability_input_changes_numbers(app):
    at = app(PAGE)
    at.radio(key="part").set_value("Softmax, 2 classes").run()
    at.number_input(key="a1").set_value(0.3).run()
    m = metrics(at)
    assert m["CE dL/dz1 (y1 = 0)"] == "0.300"
    assert m["MSE dL/dz1 (y1 = 0)"] == f"{4 * 0.3 * 0.7 * 0.3:.3f}"


# --------------------------------------------------------------------------- article 001


def test_sigmoid_neuron_confidently_wrong(app):
    at = app(PAGE, {"part": "Sigmoid neuron", "y": "1", "z0": "-6", "x": "1"})
    a = sigmoid(-6.0)
    m = metrics(at)
    assert m["a = σ(z)"] == f"{a:.4f}"
    assert m["σ'(z)"] == f"{a * (1 - a):.4f}"
    assert m["CE dC/dw"] == f"{a - 1:.4f}"
    assert m["½(y − a)² dC/dw"] == f"{(a - 1) * a * (1 - a):.4f}"
    assert "confidently wrong" in takeaway(at)
    assert "cannot tell far from near" in takeaway(at)


def test_sigmoid_controls(app):
    at = app(PAGE, {"part": "Sigmoid neuron"})
    at.number_input(key="x").set_value(2.0).run()
    a = sigmoid(-4.0)
    assert metrics(at)["CE dC/dw"] == f"{2 * (a - 1):.4f}"
    at.slider(key="z0").set_value(3.0).run()
    a = sigmoid(3.0)
    assert metrics(at)["a = σ(z)"] == f"{a:.4f}"
    at.radio(key="y").set_value("0").run()
    assert metrics(at)["CE dC/dw"] == f"{2 * a:.4f}"
    at.radio(key="axis").set_value("a").run()
    assert not at.exception
    # Loss and gradient are two charts side by side (they stack on a phone).
    assert len(charts(at)) == 2


# --------------------------------------------------------------------------- article 002


def test_k_classes_article_002_numbers(app):
    at = app(PAGE, {"part": "Softmax, K classes"})
    m = metrics(at)
    assert (m["MSE(a)"], m["MSE(b)"], m["CE(a)"], m["CE(b)"]) == (
        "0.060",
        "0.065",
        "0.223",
        "0.223",
    )
    table = at.dataframe[0].value
    assert table["MSE dL/dz_t (article path)"].iloc[0] == pytest.approx(-0.064, abs=1e-12)
    assert table["MSE dL/dz_t (full)"].iloc[0] == pytest.approx(-0.096, abs=1e-12)
    assert table["CE dL/dz_t"].iloc[0] == pytest.approx(-0.2, abs=1e-12)
    text = takeaway(at)
    assert "prefers a" in text and "the same" in text
    assert "-0.0640" in text and "-0.0960" in text
    # one simplex heatmap per loss (CE, MSE; they wrap on a phone) + the two curve charts
    assert len(charts(at)) == 4


def test_k_classes_controls(app):
    at = app(PAGE, {"part": "Softmax, K classes"})
    at.multiselect(key="losses").set_value(["cross_entropy", "mse", "mae"]).run()
    assert "Absolute error on probabilities (MAE) loss" in at.dataframe[0].value.columns
    at.text_input(key="a").set_value("0.6, 0.3, 0.1").run()
    assert metrics(at)["CE(a)"] == f"{-math.log(0.6):.3f}"
    at.selectbox(key="t").set_value("2").run()
    assert metrics(at)["CE(a)"] == f"{-math.log(0.3):.3f}"
    assert "True class 2" in takeaway(at)


def test_k_classes_four_classes_has_no_heatmap(app):
    at = app(
        PAGE, {"part": "Softmax, K classes", "a": "0.7, 0.1, 0.1, 0.1", "b": "0.7, 0.2, 0.05, 0.05"}
    )
    assert metrics(at)["MSE(a)"] == f"{0.09 + 0.03:.3f}"
    assert any("need K = 3" in c.value for c in at.caption)
    assert len(charts(at)) == 2


def test_preset_completely_wrong(app):
    at = app(PAGE)
    labels = [b.label for b in at.button]
    at.button[labels.index("Completely wrong (a_t ≈ 0): MSE's push vanishes")].click().run()
    assert at.radio(key="part").value == "Softmax, K classes"
    assert metrics(at)["CE(a)"] == f"{-math.log(0.02):.3f}"


# --------------------------------------------------------------------------- hostile URLs


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"part": "Softmax, K classes", "a": "nan, 1, 0"}, "NaN"),
        ({"part": "Softmax, K classes", "a": "0.5, 0.6, 0.1"}, "sums to"),
        ({"part": "Softmax, K classes", "b": "0.5, 0.5"}, "same number of classes"),
        ({"part": "Softmax, K classes", "a": "1, 0, 0"}, "strictly between 0 and 1"),
        ({"part": "Softmax, K classes", "a": "<script>"}, "not a list of numbers"),
    ],
    ids=["nan", "bad-sum", "length-mismatch", "exact-zero", "script"],
)
def test_bad_vectors_give_friendly_error(app, query, message):
    at = app(PAGE, query)
    assert any(message in e.value for e in at.error)
    assert at.text_input(key="a") is not None  # widgets stay usable


@pytest.mark.parametrize(
    ("query", "metric", "expected"),
    [
        ({"part": "Sigmoid neuron", "z0": "-10"}, "a = σ(z)", f"{sigmoid(-10.0):.4f}"),
        (
            {"part": "Sigmoid neuron", "z0": "-4", "x": "-5"},
            "CE dC/dw",
            f"{-5 * (sigmoid(-4.0) - 1):.4f}",
        ),
        ({"part": "Softmax, 2 classes", "a1": "0.001"}, "CE dL/dz1 (y1 = 0)", "0.001"),
    ],
    ids=["z0=min", "x=min", "a1=min"],
)
def test_url_values_at_the_range_ends_are_kept(app, query, metric, expected):
    """A link with a widget's minimum (Streamlit's implicit default) must not lose it."""
    at = app(PAGE, query)
    assert not at.warning
    assert metrics(at)[metric] == expected


@pytest.mark.parametrize(
    "query",
    [
        {"part": "Sigmoid neuron", "z0": "10", "x": "5", "y": "0"},
        {"part": "Softmax, 2 classes", "a1": "0.999"},
        {"part": "Softmax, 2 classes", "mode": "logits", "z1": "30", "z2": "-30", "y1": "1"},
    ],
    ids=["sigmoid-max", "a1-max", "logits-max"],
)
def test_every_control_at_its_maximum_renders(app, query):
    at = app(PAGE, query)
    assert not at.exception and not at.error and not at.warning
    assert all(v not in ("nan", "inf", "None") for v in metrics(at).values())
    assert "nan" not in takeaway(at)
