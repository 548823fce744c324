"""Outlier robustness page (AppTest): the scores shown are those ``core.robustness`` computes.

Small configurations come in through the URL (few epochs, seeds and rates) to keep this fast;
the first test checks the default view itself.
"""

from __future__ import annotations

import math

import pytest

from core import datasets, robustness, train
from tests.app import takeaways as boxes
from tests.conftest import per_loss
from ui import controls

PAGE = "pages/7_Outlier_robustness.py"
SMALL_REG = {"repochs": "40", "seeds": "1", "nrates": "3"}
SMALL_CLS = {
    "task": "classification",
    "cmoons_n_samples": "100",
    "cepochs": "30",
    "seeds": "1",
    "nrates": "3",
}
RMSE = "clean-test RMSE (std. units)"
ACC = "clean-test accuracy"


def takeaways(at) -> list[str]:
    """Each takeaway box's text: headline and details."""
    return boxes.boxes(at)


def table(at):
    """The scores table's loss rows (a classification table ends with its baseline row)."""
    full = at.dataframe[0].value.set_index("loss")
    if full.index[-1].startswith("baseline: "):
        assert ACC in full and full.index[-1].startswith("baseline: always class ")
        return full.iloc[:-1]
    return full


def charts(at) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


def fit(name, kind, rate, magnitude, names, *, hidden=(), lr=0.1, epochs=150, **data):
    """The page's computation, written out with core: corrupt, train in lockstep, score."""
    seed = data.get("seed", 0)
    clean = datasets.load(name, **data)
    ds = robustness.corrupt(clean, kind, rate, magnitude=magnitude, seed=seed)
    # tanh and Adam, as on the page, are TrainConfig's defaults
    cfgs = per_loss(names, hidden=hidden, lr=lr, epochs=epochs, dtype="float32", seed=seed)
    return ds, train.fit_many(ds, cfgs)


def test_default_view_outliers_wreck_mse(app):
    at = app(PAGE)
    ds, results = fit("linear_1d", "response", 0.2, 8.0, robustness.REGRESSION_LOSSES)
    t = table(at)
    for i, res in enumerate(results):
        row = t.iloc[i]
        assert row[RMSE] == pytest.approx(robustness.clean_score(res, ds), rel=1e-12)
        slope, _ = robustness.line_fit(res)
        assert row["slope"] == pytest.approx(slope, rel=1e-9)
    mse, mae = t.loc["Squared error (MSE)", RMSE], t.loc["Absolute error (MAE)", RMSE]
    assert mse > 3 * mae
    fit_text, sweep_text = takeaways(at)
    assert "with 20% response (y shifted) outliers of size 8" in fit_text
    assert f"worst Squared error (MSE) ({mse:.3f}" in fit_text
    assert "worst for Squared error (MSE)" in sweep_text
    # the sweep: 0..40% in 5 rates, 3 seeds; MSE's mean RMSE at 40% matches core
    runs = robustness.sweep(
        lambda s: datasets.load("linear_1d", n_samples=100, noise=0.5, seed=s),
        [r.config for r in results[:1]],
        kind="response",
        rates=[0.0, 0.4],
        seeds=[0, 1, 2],
        magnitude=8.0,
    )
    mean = {p.rate: p.mean for p in robustness.aggregate(runs)}
    assert f"Squared error (MSE) ({mean[0.0]:.3f} → {mean[0.4]:.3f}" in sweep_text
    # the fits, the sweep, and each one's strip of every seed (the default is a preset's view)
    assert charts(at) == 4
    assert not at.warning and not at.error


def test_every_kind_of_control_regression(app):
    at = app(PAGE, SMALL_REG)
    assert charts(at) == 2
    # radio + sliders: 10% leverage points of size 5 flatten every slope
    at.radio(key="okind").set_value("leverage")
    at.slider(key="frac").set_value(0.1)
    at.slider(key="mag").set_value(5.0)
    at.run()
    text = takeaways(at)[0]
    assert "with 10% leverage (x shifted) outliers of size 5" in text
    slopes = table(at)["slope"]
    assert f"slope to {slopes.min():.2f}–{slopes.max():.2f}" in text
    assert slopes.max() < 0.5
    # toggle: no sweep -> one chart, one takeaway
    at.toggle(key="sweep").set_value(False).run()
    assert charts(at) == 1 and len(takeaways(at)) == 1
    # selectbox + number input: an MLP has no slope column; its scores match core
    at.selectbox(key="rmodel").set_value("16")
    at.number_input(key="rlr").set_value(0.05)
    at.run()
    t = table(at)
    assert "slope" not in t.columns
    ds, results = fit("linear_1d", "leverage", 0.1, 5.0, ["mse"], hidden=(16,), lr=0.05, epochs=40)
    assert t.loc["Squared error (MSE)", RMSE] == pytest.approx(
        robustness.clean_score(results[0], ds), rel=1e-9
    )
    # multiselect: fewer losses -> fewer rows
    at.multiselect(key="losses").set_value(["mse", "mae"]).run()
    assert list(table(at).index) == ["Squared error (MSE)", "Absolute error (MAE)"]


def test_label_noise_view_and_sweep(app):
    at = app(PAGE, SMALL_CLS | {"rate": "0.4", "sweep": "true"})
    ds, results = fit(
        "moons",
        "symmetric",
        0.4,
        0.0,
        robustness.CLASSIFICATION_LOSSES,
        hidden=(16,),
        lr=0.05,
        epochs=30,
        n_samples=100,
        noise=0.2,
        seed=0,
    )
    t = table(at)
    assert t[ACC].tolist() == pytest.approx([robustness.clean_score(r, ds) for r in results])
    fit_text, sweep_text = takeaways(at)
    assert "with 40% symmetric flips" in fit_text
    assert "From 0% to 30% flipped labels (mean of 1 seed)" in sweep_text
    assert "From 50% flips on, wrong labels outnumber the true one" in sweep_text
    assert charts(at) == len(robustness.CLASSIFICATION_LOSSES) + 1
    # radio: pair flips at 30%
    at.radio(key="nkind").set_value("pair")
    at.slider(key="rate").set_value(0.3)
    at.run()
    assert "with 30% pair flips (k → k+1)" in takeaways(at)[0]


def test_presets(app):
    at = app(PAGE, SMALL_CLS | {"sweep": "false"})
    # "Past 50% pair flips leave every loss at or below chance (3 classes)"
    at.button(key="preset_3").click().run()
    assert at.radio(key="nkind").value == "pair" and at.slider(key="rate").value == 0.6
    assert at.selectbox(key="cdataset").value == "blobs"
    assert at.number_input(key="cblobs_n_classes").value == 3  # pair != symmetric on 3 classes
    assert "with 60% pair flips" in takeaways(at)[0]
    # the claim: every loss learns the shifted labels (no better than chance on 3 classes) —
    # in 9 of 10 seeds; the preset shows the median run
    assert (table(at)[ACC] <= 1 / 3).all(), table(at)
    assert "at or below chance (33.3%) in 9 of 10 seeds" in takeaways(at)[0]
    assert "no loss is guaranteed to recover" in takeaways(at)[0]
    at.button(key="preset_1").click().run()  # "Leverage points fool even MAE"
    assert at.radio(key="task").value == "regression"
    assert "Leverage points pull every fitted slope" in takeaways(at)[0]


def test_diverging_runs_are_reported_not_crashed(app):
    at = app(PAGE, SMALL_REG | {"ropt": "sgd", "rlr": "5", "sweep": "false"})
    t = table(at)
    diverged = t[t["diverged at epoch"] != "never"]  # "never", not None, on screen
    assert len(diverged), t
    assert all(math.isnan(v) for v in diverged[RMSE])
    assert "Diverged (reported, not scored)" in takeaways(at)[0]


def test_too_large_a_sweep_is_refused(app):
    at = app(PAGE, {"rlinear_1d_n_samples": "5000", "repochs": "500", "seeds": "5", "nrates": "7"})
    # the one work budget (ui.controls.within_budget) refuses it, as every other view
    assert any(controls.OVER_BUDGET in e.value for e in at.error)
    assert charts(at) == 1


def test_sweep_reports_progress_cell_by_cell():
    from core.experiment import DataChoice
    from views import robustness as ui

    data = DataChoice("linear_1d", (("n_samples", 40), ("noise", 0.5), ("seed", 0)))
    s = ui.comparison(data, "response", 0.3, 8.0, ("mse", "mae"), ui.model_choice(epochs=20))
    seen: list[float] = []
    raw, agg = ui.sweep(s, (0.0, 0.2), (0, 1), seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]
    assert len(raw) == 2 * 2 * 2 and len(agg) == 2 * 2
    assert set(agg["seeds"]) == {2}
