"""CE for regression? page (AppTest): article 000's discussion 2, numbers as displayed."""

from __future__ import annotations

import math

import pytest

from core import ce_regression as cr
from tests.app import takeaways
from views import ce_regression as ui_cr

PAGE = "pages/4_CE_for_regression.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def takeaway(at) -> str:
    # One takeaway per tab (under its figure): the page's sentences, joined.
    return " ".join(takeaways.headlines(at) + takeaways.details(at))


def test_article_example_zero_ce_gradient(app):
    at = app(PAGE)
    m = metrics(at)
    assert m["largest |CE gradient|"] == "0.0000"
    assert m["MSE loss Σ(z − G)²"] == "2.0000"
    assert m["CE loss"] == m["CE minimum H(y)"]
    table = at.dataframe[0].value
    e = math.e
    assert table["y_k = softmax(G)_k"].tolist() == pytest.approx([1 / (1 + e), e / (1 + e)])
    assert table["a_k = softmax(z)_k"].tolist() == table["y_k = softmax(G)_k"].tolist()
    assert table["CE dL/dz_k = a_k − y_k"].tolist() == [0.0, 0.0]  # exactly
    assert table["MSE dL/dz_k = 2(z_k − G_k)"].tolist() == [2.0, 2.0]
    assert "gradient of exactly 0" in takeaway(at)


def test_sum_normalisation_collision(app):
    at = app(PAGE)
    m = metrics(at)
    assert m["u / sum(u)"] == m["w / sum(w)"] == "[0.3333, 0.6667]"
    assert "same normalised form" in takeaway(at)


def test_experiment_numbers_come_from_core(app):
    at = app(PAGE)
    _, _, _, res = cr.fit_vector_regression(cr.FitConfig())
    m = metrics(at)
    assert m["MSE fit: RMSE of z"] == f"{res['mse'].rmse_z[-1]:.3f}"
    assert m["CE fit: RMSE of z"] == f"{res['cross_entropy'].rmse_z[-1]:.3f}"
    assert m["CE fit: RMSE of softmax"] == f"{res['cross_entropy'].rmse_softmax[-1]:.3f}"
    assert float(m["CE fit: RMSE of z"]) > 5 * float(m["MSE fit: RMSE of z"])
    assert "only MSE recovers G" in takeaway(at)
    assert "stays where it started (0.000)" in takeaway(at)


def test_text_inputs_and_slider(app):
    at = app(PAGE)
    at.text_input(key="z").set_value("5, 0").run()
    table = at.dataframe[0].value
    assert table["MSE dL/dz_k = 2(z_k − G_k)"].tolist() == [8.0, -4.0]
    assert max(abs(v) for v in table["CE dL/dz_k = a_k − y_k"]) < 1
    assert "can never exceed 1" in takeaway(at)
    at.slider(key="span").set_value(40.0).run()
    assert any("±80" in c.value for c in at.caption)


def test_experiment_controls(app):
    at = app(PAGE)
    before = metrics(at)["MSE fit: RMSE of z"]
    at.slider(key="noise").set_value(0.5).run()
    noisy = metrics(at)["MSE fit: RMSE of z"]
    assert float(noisy) > float(before)
    at.number_input(key="seed").set_value(3).run()
    assert metrics(at)["MSE fit: RMSE of z"] != noisy
    at.slider(key="epochs").set_value(1000).run()
    _, _, _, res = cr.fit_vector_regression(cr.FitConfig(epochs=1000, noise=0.5, seed=3))
    assert metrics(at)["CE fit: RMSE of softmax"] == f"{res['cross_entropy'].rmse_softmax[-1]:.3f}"
    at.number_input(key="lr").set_value(0.05).run()
    assert not at.exception


def test_presets(app):
    at = app(PAGE)
    labels = [b.label for b in at.button]
    at.button[labels.index("Off by 100: CE still 0, MSE pulls with 200")].click().run()
    assert at.dataframe[0].value["CE dL/dz_k = a_k − y_k"].tolist() == [0.0, 0.0, 0.0]
    assert metrics(at)["MSE loss Σ(z − G)²"] == "30000.0000"
    at.button[labels.index("Learning rate 20: MSE diverges, CE does not")].click().run()
    # Divergence and a zero sum are the presets' lessons: said in a caption and in the takeaway,
    # not as yellow warnings (which read as faults of the page in a lecture).
    assert any("diverged at epoch" in c.value for c in at.caption)
    assert "diverged" in takeaway(at)
    at.button[labels.index("Dividing by the sum: a zero sum")].click().run()
    assert "sums to 0" in takeaway(at)
    assert metrics(at)["w / sum(w)"] == "—"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"G": "nan"}, "NaN"),  # text in a text field: the page judges it, not the link notice
        ({"G": "nan, 1"}, "NaN"),
        ({"z": "1, 2, 3"}, "same length"),
        ({"G": "<script>alert(1)</script>"}, "not a list of numbers"),
        ({"z": "1e308, 1"}, "beyond"),
    ],
    ids=["G=nan", "G=nan,1", "length", "script", "huge"],
)
def test_bad_vectors_give_friendly_error_and_the_rest_works(app, query, message):
    at = app(PAGE, query)
    assert any(message in e.value for e in [*at.error, *at.warning])
    assert metrics(at)["u / sum(u)"] == "[0.3333, 0.6667]"  # later sections still work
    assert "MSE fit: RMSE of z" in metrics(at)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1e999"])
def test_a_non_finite_number_in_a_text_field_stays_in_the_link(app, raw):
    at = app(PAGE, {"G": raw})
    assert at.query_params["G"] == raw  # not taken out of the link as a number widget's is
    assert not [w.value for w in at.warning if "is not allowed here" in w.value]
    assert any("G \\=" in e.value and "finite numbers" in e.value for e in at.error)


def test_zero_sum_from_url(app):
    at = app(PAGE, {"u": "0, 0"})
    assert "sums to 0" in takeaway(at)
    assert not at.error


def test_url_values_at_the_range_ends_are_kept(app):
    at = app(PAGE, {"lr": "0.001", "epochs": "10", "span": "1"})
    assert not at.warning
    assert at.number_input(key="lr").value == 0.001
    assert at.slider(key="epochs").value == 10
    assert any("G_1 ± 1:" in c.value or "±2" in c.value for c in at.caption)


def test_every_slider_at_its_maximum_renders(app):
    # Epochs past 2,500 would raise Altair's MaxRowsError if the history were not thinned.
    at = app(PAGE, {"epochs": "3000", "noise": "2", "span": "50", "seed": "999", "lr": "50"})
    assert not at.exception and not at.error
    assert at.slider(key="epochs").value == 3000
    assert len(at.get("vega_lite_chart")) == 5  # sweep, two outputs, two histories


@pytest.mark.parametrize("index", range(6))
def test_each_preset_opens_its_tab_without_warnings_of_the_link(app, index):
    at = app(PAGE)
    at.button(key=f"preset_{index}").click().run()
    assert not at.exception
    assert not [w for w in at.warning if "link asked" in w.value]
    expected = list(ui_cr.PRESETS.values())[index]["part"]
    assert at.session_state["part"] == expected
