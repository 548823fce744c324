"""The Loss & gradient curves page under AppTest: the numbers shown are those core computes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core import curves, losses
from tests.app import takeaways
from views import curves as uc

PAGE = "pages/1_Loss_curves.py"


def g3(x: float) -> str:
    """How the page formats a number (3 significant digits, no negative zero)."""
    return f"{x + 0.0:.3g}"


def infos(at) -> list[str]:
    return takeaways.sentences(at)


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def chart_titles(at) -> list[str]:
    return [spec["title"] for spec in charts(at)]


def test_default_view_shows_curves_weights_and_core_numbers(app):
    at = app(PAGE)
    assert chart_titles(at) == [
        "Loss value",
        "Gradient dL/dm",
        "Weight on p_t: |dL/dp_t|",
        "Push on the logit: |dL/dz_t|",
    ]
    takeaway = infos(at)[0]
    for name, label in [("cross_entropy", "CE"), ("mse", "MSE")]:
        (_, g_wrong), (_, g_right) = (
            curves.value_and_grad_at("classification", name, x) for x in (-3.0, 3.0)
        )
        assert f"{g3(g_wrong)} vs {g3(g_right)}" in takeaway, (label, takeaway)
    assert "-0.953 vs -0.0474" in takeaway  # CE: -(1 - sigmoid(-3)) and -(1 - sigmoid(3))
    assert "hinge -1 vs 0" in takeaway
    assert "ignores the right point entirely" in takeaway
    # Formulas: value and gradient for each of the four default losses.
    assert len(at.get("latex")) == 2 * 4
    assert {b.proto.label for b in at.get("download_button")} == {
        "Download the curves (CSV)",
        "Download the weights (CSV)",
        "SVG",  # one per chart drawn by charts.show (ui.export)
    }


def test_who_gets_the_gradient_numbers_are_core_numbers(app):
    at = app(PAGE)
    weights_takeaway = infos(at)[1]
    p = curves.p_grid()
    for name, label in [("mse", "MSE"), ("mae", "MAE")]:
        _, w_z = curves.target_probability_weights(name, p)
        assert f"{label}" in weights_takeaway
        assert f"p_t = {curves.peak(p, w_z):.3g}" in weights_takeaway
    assert "MSE at p_t = 0.333" in weights_takeaway
    assert "MAE at p_t = 0.5" in weights_takeaway
    weights = chart_data(at, 3)
    mae = weights[weights["name"] == "mae"]
    _, w_z = curves.target_probability_weights("mae", mae["p_t"].to_numpy())
    np.testing.assert_allclose(mae["dL_dzt_rel"], w_z / 0.5)  # 2 p (1 - p) is 0.5 at p = 1/2
    claim = next(m.value for m in at.markdown if "made precise" in m.value)
    # CE's weight 1/p_t normalised at 1/2 is 1/(2 p_t): 50x at p_t = 0.01; MSE's 2(1 - p_t): 1.98x
    assert "gets 50× an undecided sample's weight under CE, 1.98× under MSE and 1× under MAE" in (
        claim
    )
    assert "MSE's 4p_t(1 − p_t)² peaks at p_t = 0.333" in claim
    assert "MAE's 2p_t(1 − p_t) is **not** uniform: it peaks at p_t = 0.5" in claim


def test_hyperparameter_slider_moves_the_numbers(app):
    at = app(PAGE, {"losses": ["cross_entropy", "hinge"], "at": "2"})
    assert "hinge -1 vs 0." in infos(at)[0]
    assert "ignores the right point" in infos(at)[0]
    at.slider(key="hinge_margin").set_value(2.5).run()
    assert not at.exception
    takeaway = infos(at)[0]
    # margin 2.5 > 2: the right point is inside the margin now and still pushed.
    assert "hinge (margin=2.5) -1 vs -1." in takeaway
    assert "ignores" not in takeaway


def test_focal_gamma_changes_the_weights(app):
    at = app(PAGE, {"losses": ["focal"], "who": ["focal"], "at": "2"})
    _, g = curves.value_and_grad_at("classification", "focal", 2.0, {"gamma": 2.0})
    assert f"vs {g3(g)}." in infos(at)[0]
    at.slider(key="focal_gamma").set_value(0.0).run()
    # Focal with gamma = 0 is cross-entropy.
    _, g_wrong = curves.value_and_grad_at("classification", "cross_entropy", -2.0)
    _, g_right = curves.value_and_grad_at("classification", "cross_entropy", 2.0)
    assert f"focal (gamma=0) {g3(g_wrong)} vs {g3(g_right)}." in infos(at)[0]
    assert "focal (gamma=0) at p_t = 0.005" in infos(at)[1]


def test_regression_task_by_radio(app):
    at = app(PAGE)
    at.radio(key="task").set_value("regression").run()
    assert not at.exception
    assert chart_titles(at) == ["Loss value", "Gradient dL/de"]
    takeaway = infos(at)[0]
    assert takeaway.startswith("At residual 3:")
    assert "MSE charges 9 and pulls with 6" in takeaway
    assert "MAE charges 3 and pulls with 1" in takeaway
    assert "Huber charges 2.5 and pulls with 1" in takeaway
    assert f"log-cosh charges {g3(np.log(np.cosh(3.0)))} and pulls with {g3(np.tanh(3.0))}" in (
        takeaway
    )
    assert f"MSE pulls {g3(6 / np.tanh(3.0))}× as hard as log-cosh" in takeaway


def test_loss_multiselect_range_and_log_toggle(app):
    at = app(PAGE)
    at.multiselect(key="losses").set_value(["cross_entropy"]).run()
    data = chart_data(at, 0)
    assert set(data["loss"]) == {"CE"}
    v, g = curves.margin_curve("cross_entropy", data["x"].to_numpy())
    np.testing.assert_array_equal(data["value"], v)  # the chart shows core's numbers, exactly
    np.testing.assert_array_equal(data["gradient"], g)
    at.slider(key="range").set_value(2.0).run()
    xs = chart_data(at, 0)["x"]
    assert xs.min() == -2.0 and xs.max() == 2.0
    at.toggle(key="log").set_value(True).run()
    assert _y_scale(charts(at)[0]) == "symlog"
    at.multiselect(key="losses").set_value([]).run()
    assert not at.exception
    assert "Choose at least one loss" in at.warning[0].value


def test_compare_at_slider(app):
    at = app(PAGE, {"losses": ["cross_entropy"]})
    at.slider(key="at").set_value(0.5).run()
    _, g = curves.value_and_grad_at("classification", "cross_entropy", -0.5)
    # Margin ±0.5 (p_t = 0.38 / 0.62) is not "confident": the sentence must not call it so.
    assert "margin -0.5 (wrong) vs 0.5 (right)" in infos(at)[0]
    assert g3(g) in infos(at)[0]


def test_url_restores_a_regression_view(app):
    at = app(PAGE, {"task": "regression", "reg": ["huber", "mse"], "huber_delta": "2", "at": "4"})
    assert at.radio(key="task").value == "regression"
    assert at.slider(key="huber_delta").value == 2.0
    takeaway = infos(at)[0]
    v, g = curves.value_and_grad_at("regression", "huber", 4.0, {"delta": 2.0})
    assert (v, g) == (6.0, 2.0)  # delta (|e| - delta/2) and delta sign(e)
    assert "Huber (delta=2) charges 6 and pulls with 2" in takeaway
    assert "MSE charges 16 and pulls with 8" in takeaway
    assert not at.warning
    # an old link (?reg=, before one key for the loss selection) now reads as losses=
    assert at.query_params["losses"] == ["huber", "mse"] and "reg" not in at.query_params


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        pytest.param({"cls": ["hinge", "mse"]}, ["hinge", "mse"], id="cls"),
        pytest.param({"task": "regression", "reg": ["mae"]}, ["mae"], id="reg"),
        # the other task's old picker was not on screen: its value never showed
        pytest.param({"task": "regression", "cls": ["hinge"]}, None, id="cls-under-regression"),
        pytest.param({"losses": ["focal"], "cls": ["hinge"]}, ["focal"], id="losses-wins"),
    ],
)
def test_old_loss_keys_still_open_their_view(app, query, shown):
    at = app(PAGE, query)
    task = query.get("task", "classification")
    expected = shown if shown is not None else uc.default_losses(task)
    assert at.multiselect(key="losses").value == expected
    assert not at.warning
    assert "cls" not in at.query_params and "reg" not in at.query_params


def test_switching_the_task_starts_from_its_default_losses(app):
    at = app(PAGE, {"losses": ["hinge"]})
    at.radio(key="task").set_value("regression").run()
    assert at.multiselect(key="losses").value == uc.default_losses("regression")
    at.radio(key="task").set_value("classification").run()
    assert at.multiselect(key="losses").value == uc.default_losses("classification")


def test_an_unknown_link_key_gets_the_refused_values_notice(app):
    at = app(PAGE, {"lossez": ["mse"], "range": "2"})
    (notice,) = [w.value for w in at.warning]
    assert notice.startswith("The link asked for values this page cannot use:")
    assert "`lossez=mse` is not allowed here: this page has no setting `lossez`." in notice
    assert at.slider(key="range").value == 2.0  # the rest of the link is used
    assert "lossez" not in at.query_params


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"range": "1"}, id="slider-minimum"),
        pytest.param({"at": "0.1"}, id="compare-at-minimum"),
        pytest.param({"losses": ["focal"], "focal_gamma": "0"}, id="hyperparameter-minimum"),
        pytest.param({"log": "true"}, id="toggle-on"),
    ],
)
def test_url_values_at_the_widget_edges_are_restored(app, query):
    # Streamlit drops a URL value equal to a widget's declared default: a widget whose default
    # lived only in session state lost links to its minimum (e.g. focal with gamma = 0 = CE).
    at = app(PAGE, query)
    for key, raw in query.items():
        if key == "losses":
            assert at.multiselect(key=key).value == raw
        elif key == "log":
            assert at.toggle(key=key).value is True
        else:
            assert at.slider(key=key).value == float(raw)
    assert not at.warning


def test_target_slider_only_for_target_dependent_losses(app):
    at = app(PAGE, {"task": "regression", "losses": ["mse"]})
    assert not [s for s in at.slider if s.key == "y"]
    at = app(PAGE, {"task": "regression", "losses": ["mape"], "y": "2", "at": "1"})
    assert at.slider(key="y").value == 2.0
    v, g = curves.value_and_grad_at("regression", "mape", 1.0, target=2.0)
    assert (v, g) == pytest.approx((50.0, 50.0))  # 100 |e| / |y|
    assert f"charges {g3(v)} and pulls with {g3(g)}" in infos(at)[0]


@pytest.mark.parametrize("label", list(uc.PRESETS), ids=lambda s: s.split()[0].lower())
def test_presets_set_the_view(app, label):
    at = app(PAGE)
    values = uc.PRESETS[label]
    index = list(uc.PRESETS).index(label)
    at.button(key=f"preset_{index}").click().run()
    assert not at.exception
    assert at.radio(key="task").value == values["task"]
    assert at.multiselect(key="losses").value == values["losses"]
    assert at.slider(key="at").value == values["at"]
    assert infos(at)[0].startswith(
        "Gradient dL/dm at margin" if values["task"] == "classification" else "At residual"
    )


def test_hinge_preset_shows_zero_gradient_beyond_the_margin(app):
    at = app(PAGE)
    labels = list(uc.PRESETS)
    at.button(key=f"preset_{labels.index('Hinge ignores points beyond the margin')}").click().run()
    assert "hinge -1 vs 0." in infos(at)[0]
    assert "ignores the right point entirely" in infos(at)[0]


def chart_data(at, index: int) -> pd.DataFrame:
    """The table behind chart ``index`` (Streamlit ships it as Arrow next to the spec)."""
    element = at.get("vega_lite_chart")[index]
    for d in element.proto.datasets:
        df = convert_arrow_bytes_to_pandas_df(d.data.data)
        if "loss" in df.columns:
            return df
    raise AssertionError("no data with a 'loss' column in the chart")


def _y_scale(spec: dict) -> str | None:
    for layer in spec.get("layer", [spec]):
        y = layer.get("encoding", {}).get("y", {})
        if "scale" in y and "type" in y["scale"]:
            return y["scale"]["type"]
    return None


def test_label_smoothing_preset_pushes_the_right_point_back(app):
    at = app(PAGE)
    labels = list(uc.PRESETS)
    at.button(key=f"preset_{labels.index('Label smoothing pushes back')}").click().run()
    _, g = curves.value_and_grad_at(
        "classification", "cross_entropy", 6.0, {"label_smoothing": 0.1}
    )
    assert g == pytest.approx(0.05 - 1 / (1 + np.exp(6.0)))  # p_t - q_t, q_t = 1 - eps/2
    takeaway = infos(at)[0]
    assert f"vs {g3(g)}." in takeaway
    assert "CE (label_smoothing=0.1) pushes the right point back" in takeaway


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_registered_loss_can_be_drawn_with_its_sliders(app, task):
    names = uc.curve_names(task)
    at = app(PAGE, {"task": task, "losses": names})
    assert at.multiselect(key="losses").value == names
    assert len(chart_data(at, 0)["name"].unique()) == len(names)
    expected = {
        uc.param_key(n, h.name) for n in names for h in losses.get(n, task=task).hyperparameters
    }
    assert expected <= {s.key for s in at.slider}
    # Every hyperparameter slider at the top of its range still draws finite curves.
    for s in at.slider:
        if s.key in expected:
            s.set_value(s.max)
    at.run()
    assert not at.exception and not at.error
    data = chart_data(at, 1)
    assert np.all(np.isfinite(data["gradient"]))


def test_focal_preset_quantifies_the_down_weighting(app):
    at = app(PAGE)
    labels = list(uc.PRESETS)
    at.button(key=f"preset_{labels.index('Focal down-weights easy points')}").click().run()
    _, g_ce = curves.value_and_grad_at("classification", "cross_entropy", 2.0)
    _, g_focal = curves.value_and_grad_at("classification", "focal", 2.0, {"gamma": 2.0})
    # p = sigmoid(2) = 0.8808: CE -(1 - p) = -0.1192; focal (gamma = 2)
    # [2 (1 - p) log p - (1 - p)^2 / p] p (1 - p) = -0.004871, so 24.47x smaller.
    assert g_ce / g_focal == pytest.approx(24.47, abs=0.01)
    assert f"On the right point, CE pushes {g3(g_ce / g_focal)}× as hard as focal." in infos(at)[0]


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_view_slider_at_its_maximum_renders(app, task):
    query = {"task": task, "losses": uc.curve_names(task), "range": "20", "at": "20", "y": "10"}
    at = app(PAGE, query)
    assert not at.exception and not at.error
    assert at.slider(key="range").value == 20.0 and at.slider(key="at").value == 20.0
    assert "nan" not in infos(at)[0] and "inf" not in infos(at)[0].replace("infinite", "")


def test_the_ce_vs_mse_preset_shows_mse_saturating_on_a_wrong_point(app):
    at = app(PAGE)
    label = "CE vs MSE: MSE barely pulls on a confidently wrong point"
    at.button(key=f"preset_{list(uc.PRESETS).index(label)}").click().run()
    assert at.multiselect(key="losses").value == ["cross_entropy", "mse"]
    _, g_ce = curves.value_and_grad_at("classification", "cross_entropy", -4.0)
    _, g_mse = curves.value_and_grad_at("classification", "mse", -4.0)
    # at margin -4 (p_t = 0.018) CE still pulls with about 1, MSE with about 0.07
    assert abs(g_ce) > 0.98 and abs(g_mse) < 0.07
    assert abs(g_ce) / abs(g_mse) > 10
    assert f"{g3(g_ce)}" in infos(at)[0] and f"{g3(g_mse)}" in infos(at)[0]
