"""Training curves page (AppTest): seeds, bands, target, tables and takeaway against core."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core import compare, datasets, metrics, train
from tests.app import takeaways
from ui import controls
from views import training

PAGE = "pages/6_Training_curves.py"
SMALL = {
    "dataset": "moons",
    "moons_n_samples": 120,
    "layers": 1,
    "width": 8,
    "epochs": 20,
    "lr": 0.05,
    "seeds": 2,
    "target": 0.8,
    "losses": ["cross_entropy", "mse"],
}
CE, MSE = "Cross-entropy (CE)", "Squared error on probabilities (MSE, Brier)"


def core_runs(losses, seeds, *, name="moons", data=None, **kw):
    """``fit_many`` per seed with the page's settings (float32), computed here with core."""
    cfg = {"hidden": (8,), "activation": "tanh", "optimizer": "adam", "lr": 0.05, "epochs": 20}
    cfg.update(kw)
    ds = datasets.load(name, **(data or {"n_samples": 120}))
    runs = [
        train.fit_many(
            ds, [train.TrainConfig(loss=n, dtype="float32", seed=s, **cfg) for n in losses]
        )
        for s in seeds
    ]
    return ds, runs


def summary(at):
    """The summary table as shown, its epochs to the target as numbers again: they are shown
    as text, "never" exactly when no seed reached the target."""
    full = at.dataframe[0].value.set_index("loss")
    # the last row is the majority-class baseline: its accuracy only
    assert full.index[-1].startswith("baseline: always class ")
    assert full.iloc[-1]["seeds reaching it"] == "—"
    t = full.iloc[:-1].copy()
    for col in [c for c in t.columns if c.startswith("epochs to ")]:
        never = t[col] == "never"
        assert list(never) == [s.startswith("0 of") for s in t["seeds reaching it"]]
        t[col] = pd.to_numeric(t[col].mask(never))
    return t


def cross(at):
    return at.dataframe[1].value.set_index("trained with")


def chart_data(at, i: int):
    """The data frame behind chart ``i`` (Streamlit ships it as Arrow next to the spec)."""
    proto = at.get("vega_lite_chart")[i].proto
    return convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


def test_small_config_tables_match_core(app):
    at = app(PAGE, SMALL)
    ds, runs = core_runs(["cross_entropy", "mse"], [0, 1])
    t = summary(at)
    for i, title in enumerate([CE, MSE]):
        finals = [r[i].history["test_accuracy"][-1] for r in runs]
        bests = [r[i].history["test_accuracy"].max() for r in runs]
        reach = [compare.epochs_to_reach(r[i].history["test_accuracy"], 0.8) for r in runs]
        assert t.loc[title, "final test accuracy"] == pytest.approx(np.mean(finals), abs=1e-12)
        assert t.loc[title, "± sd"] == pytest.approx(np.std(finals), abs=1e-12)
        assert t.loc[title, "best test accuracy"] == pytest.approx(np.mean(bests), abs=1e-12)
        hits = [e for e in reach if e is not None]
        assert t.loc[title, "seeds reaching it"] == f"{len(hits)} of 2"
        if hits:
            assert t.loc[title, "epochs to 80% (median)"] == pytest.approx(np.median(hits))
        assert t.loc[title, "diverged"] == "0 of 2"
    c = cross(at)
    for i, title in enumerate([CE, MSE]):
        z = [r[i].model.decision_function(ds.X_test).astype(float) for r in runs]
        assert c.loc[title, "Accuracy"] == pytest.approx(
            np.mean([metrics.accuracy(ds.y_test, zz) for zz in z]), abs=1e-12
        )
        assert c.loc[title, "Log-loss"] == pytest.approx(
            np.mean([metrics.log_loss(ds.y_test, zz) for zz in z]), rel=1e-9
        )
        p = [np.exp(zz) / np.exp(zz).sum(axis=1, keepdims=True) for zz in z]
        assert c.loc[title, "ECE"] == pytest.approx(
            np.mean([metrics.expected_calibration_error(ds.y_test, pp) for pp in p]), rel=1e-9
        )
    # accuracy, a loss panel per loss (two here), test log-loss, reliability
    assert len(at.get("vega_lite_chart")) == 5
    acc = chart_data(at, 0)
    ce_test = acc[(acc["loss"] == "CE")].sort_values("epoch")
    curves = [r[0].history["test_accuracy"] for r in runs]
    np.testing.assert_allclose(ce_test["mean"], np.mean(curves, axis=0), atol=1e-12)
    np.testing.assert_allclose(ce_test["lo"], np.min(curves, axis=0), atol=1e-12)


def test_band_control_switches_to_one_standard_deviation(app):
    at = app(PAGE, {**SMALL, "band": "sd"})
    _, runs = core_runs(["cross_entropy", "mse"], [0, 1])
    acc = chart_data(at, 0)
    mse = acc[acc["loss"] == "MSE"].sort_values("epoch")
    curves = np.array([r[1].history["test_accuracy"] for r in runs])
    np.testing.assert_allclose(mse["hi"], curves.mean(0) + curves.std(0), atol=1e-12)
    at = at.selectbox(key="band").set_value("minmax").run()
    mse = chart_data(at, 0).query("loss == 'MSE'").sort_values("epoch")
    np.testing.assert_allclose(mse["hi"], curves.max(0), atol=1e-12)


def test_one_seed_has_no_spread_and_seeds_count(app):
    at = app(PAGE, SMALL)
    at = at.number_input(key="seeds").set_value(1).run()
    t = summary(at)
    assert (t["± sd"] == 0).all()
    assert set(t["diverged"]) == {"0 of 1"}


def test_target_slider_moves_the_reach_column_and_the_takeaway(app):
    at = app(PAGE, SMALL)
    at = at.slider(key="target").set_value(0.7).run()
    _, runs = core_runs(["cross_entropy", "mse"], [0, 1])
    t = summary(at)
    col = "epochs to 70% (median)"
    med = {}
    for i, title in enumerate([CE, MSE]):
        hits = [compare.epochs_to_reach(r[i].history["test_accuracy"], 0.7) for r in runs]
        hits = [h for h in hits if h is not None]
        med[title] = np.median(hits) if hits else None
        if hits:
            assert t.loc[title, col] == pytest.approx(med[title])
    text = takeaways.text(at)
    if med[CE] is not None and med[MSE] is not None:
        m = re.search(r"\(median epoch (\S+) vs (\S+)\)", text)
        assert m, text
        assert float(m.group(2)) == pytest.approx(med[CE])
        assert float(m.group(1)) == pytest.approx(med[MSE])
        ratio = med[MSE] / med[CE]
        factor = ratio if ratio >= 1 else 1 / ratio
        if factor < 1.05:  # a tie is said in words, never "1.0× later"
            assert "1.0×" not in text and ("same median epoch" in text or "about as" in text)
        else:
            assert f"{factor:.1f}×" in text


def test_high_dimensional_dataset_digits(app):
    q = {**SMALL, "dataset": "digits", "digits_n_classes": 3, "epochs": 5, "seeds": 1}
    q.pop("moons_n_samples")
    at = app(PAGE, q)
    assert any("64 features, 3 classes" in c.value for c in at.caption)
    _, runs = core_runs(
        ["cross_entropy", "mse"], [0], name="digits", data={"n_classes": 3}, epochs=5
    )
    t = summary(at)
    assert t.loc[CE, "final test accuracy"] == pytest.approx(
        runs[0][0].history["test_accuracy"][-1], abs=1e-12
    )


def test_diverging_learning_rate_is_reported(app):
    q = {
        **SMALL,
        "layers": 0,
        "opt": "sgd",
        "lr": 8.0,
        "losses": ["cross_entropy", "square_logits"],
    }
    at = app(PAGE, q)
    _, runs = core_runs(["square_logits"], [0, 1], hidden=(), optimizer="sgd", lr=8.0)
    assert all(r[0].diverged for r in runs)
    infos = [i.value for i in at.info]  # a diverged run is a result: frame.notice, not a warning
    assert not at.warning
    assert any(
        "Square loss on logits (Hui & Belkin) diverged in 2 of 2 seeds" in i for i in infos
    ), infos
    assert summary(at).loc["Square loss on logits (Hui & Belkin)", "diverged"] == "2 of 2"
    assert "Diverged: square loss on logits in 2 of 2 seeds" in takeaways.text(at)
    cr = cross(at)  # a diverged model is no trained result: left out of the cross-evaluation
    assert cr.loc["Square loss on logits (Hui & Belkin)"].isna().all()
    assert cr.loc[CE, "Accuracy"] > 0.5
    # the loss panel whose curve was cut says so; CE's does not
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    subtitles = {
        s["title"]["text"]: s["title"]["subtitle"]
        for s in specs
        if "train solid" in str(s.get("title", ""))
    }
    cut = {t for t, sub in subtitles.items() if training.DIVERGED_NOTE in str(sub)}
    assert set(subtitles) == {"CE", "square loss on logits"} and cut == {"square loss on logits"}


def test_hostile_url_is_bounded(app):
    q = {
        **SMALL,
        "seeds": 1000,
        "epochs": 10**6,
        "band": "<script>",
        "target": 7,
        "losses": ["cross_entropy", "evil"],
    }
    q["epochs"] = 10**6
    at = app(PAGE, {**q, "layers": 1, "width": 4})
    assert at.number_input(key="seeds").value == 3
    assert at.number_input(key="epochs").value == 200
    assert at.selectbox(key="band").value == "minmax"
    assert at.slider(key="target").value == pytest.approx(0.9)
    notice = " ".join(w.value for w in at.warning)
    for key in ("seeds", "epochs", "band", "target", "losses"):
        assert f"`{key}=" in notice, notice


def test_preset_hinge_has_no_probabilities(app):
    at = app(PAGE, SMALL)
    labels = [b.label for b in at.button]
    at = at.button[labels.index("Hinge has no probabilities")].click().run()
    assert not at.exception
    assert at.selectbox(key="dataset").value == "moons"
    assert at.number_input(key="epochs").value == 300
    c = cross(at)
    hinge = "Multiclass hinge (Crammer–Singer)"
    assert list(c.index) == [CE, hinge]
    # the lecture point: same accuracy, but only CE's softmax is calibrated
    assert abs(c.loc[CE, "Accuracy"] - c.loc[hinge, "Accuracy"]) < 0.03
    assert c.loc[hinge, "ECE"] > 1.5 * c.loc[CE, "ECE"]
    text = takeaways.text(at)
    assert f"CE's probabilities are off by {c.loc[CE, 'ECE']:.3f} (ECE)" in text
    assert f"hinge's by {c.loc[hinge, 'ECE']:.3f}" in text


def test_default_view(app):
    """The real default (slower): spirals, four losses, three seeds; MAE never gets there."""
    at = app(PAGE)
    t = summary(at)
    assert len(t) == 4
    assert t.loc["Absolute error on probabilities (MAE)", "seeds reaching it"] == "0 of 3"
    assert t.loc[CE, "seeds reaching it"] == "3 of 3"
    assert "MAE: not reached in any seed." in takeaways.text(at)
    assert len([d for d in at.get("download_button") if d.label != "SVG"]) == 6  # CSVs
    # one per chart: accuracy, the strip of every seed, four loss panels, test log-loss,
    # reliability
    assert [d.label for d in at.get("download_button")].count("SVG") == 8


def test_in_range_but_huge_work_is_refused_before_training(app):
    q = {"dataset": "digits", "layers": 3, "width": 256, "epochs": 1000, "seeds": 10}
    at = app(PAGE, q, timeout=20)
    errors = [e.value for e in at.error]
    assert errors and controls.OVER_BUDGET in errors[0] and " → " in errors[0]
    assert not at.dataframe


def test_preset_mse_is_slow_reproduces_the_article(app):
    """Seed articles 000/001: through a softmax, MSE's gradient is discounted, so it learns
    later than CE. On digits with plain SGD the page must show it, with computed numbers."""
    at = app(PAGE, SMALL)
    labels = [b.label for b in at.button]
    at = at.button[labels.index("MSE is slow (digits, plain SGD)")].click().run()
    assert not at.exception
    t = summary(at)
    ce, mse = t.loc[CE, "epochs to 90% (median)"], t.loc[MSE, "epochs to 90% (median)"]
    assert mse > 2 * ce
    text = takeaways.text(at)
    assert f"{mse / ce:.1f}× later than CE (median epoch {mse:g} vs {ce:g})" in text


def test_each_loss_has_its_own_panel_and_a_cut_curve_says_so(app):
    """One panel per loss (not a faceted chart of fixed width, which a phone clipped), titled
    by the loss, on its own y scale; a curve cut where it diverged says so in its panel."""
    at = app(PAGE, SMALL)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    shown = [i for i, s in enumerate(specs) if "train solid" in str(s.get("title", ""))]
    assert [specs[i]["title"]["text"] for i in shown] == ["CE", "MSE"]
    for i in shown:
        spec = specs[i]
        assert not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat"))
        assert "diverged" not in str(spec["title"]["subtitle"])
        data = chart_data(at, i)  # the panel draws its own loss's train and test curves
        assert set(data["loss"]) == {spec["title"]["text"]}
        assert set(data["split"]) == {"train", "test"} and data["mean"].notna().all()
