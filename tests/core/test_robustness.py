"""Outlier and label-noise robustness: corruption, clean scoring, sweeps, and the lecture claims.

The claims are asserted only on fixed settings where they hold with a wide margin.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import datasets, robustness, train


def configs(names, **kw):
    base = dict(hidden=(), optimizer="adam", lr=0.1, epochs=150, dtype="float64")
    return [train.TrainConfig(loss=n, **(base | kw)) for n in names]


def line(seed=0):
    return datasets.load("linear_1d", n_samples=100, seed=seed)


# --------------------------------------------------------------------------- corruption


@pytest.mark.parametrize("kind", ["response", "leverage"])
def test_corrupt_regression_marks_the_share_and_keeps_test_clean(kind):
    ds = robustness.corrupt(line(), kind, 0.2, magnitude=8.0, seed=3)
    assert ds.corrupted.sum() == round(0.2 * len(ds.y_train))
    np.testing.assert_array_equal(ds.y_test, line().y_test)
    if kind == "response":
        np.testing.assert_allclose(ds.y_train[ds.corrupted] - ds.y_train_clean[ds.corrupted], 8.0)
    else:
        np.testing.assert_allclose(ds.X_train[ds.corrupted] - line().X_train[ds.corrupted], 8.0)


def test_corrupt_classification_flips_labels():
    clean = datasets.load("moons", n_samples=200, seed=0)
    ds = robustness.corrupt(clean, "pair", 0.3, seed=1)
    flipped = ds.corrupted
    assert flipped.sum() == round(0.3 * len(clean.y_train))
    np.testing.assert_array_equal(ds.y_train[flipped], (clean.y_train[flipped] + 1) % 2)


def test_corrupt_rate_zero_is_the_clean_dataset():
    ds = line()
    assert robustness.corrupt(ds, "response", 0.0, magnitude=5.0) is ds


def test_corrupt_unknown_kind_names_the_choices():
    with pytest.raises(ValueError, match="kind must be one of"):
        robustness.corrupt(line(), "sideways", 0.1)


# --------------------------------------------------------------------------- scoring and sweeps


def test_clean_score_is_rmse_on_the_clean_test_split():
    ds = robustness.corrupt(line(), "response", 0.2, magnitude=8.0)
    (res,) = train.fit_many(ds, configs(["mse"]))
    pred = res.model.predict(ds.X_test)
    assert robustness.clean_score(res, ds) == pytest.approx(
        math.sqrt(np.mean((pred - ds.y_test) ** 2)), rel=1e-12
    )


def test_clean_score_of_a_diverged_run_is_nan():
    (res,) = train.fit_many(line(), configs(["mse"], optimizer="sgd", lr=50.0, epochs=30))
    assert res.diverged
    assert math.isnan(robustness.clean_score(res, line()))


def test_sweep_shape_progress_and_seeds():
    seen = []
    runs = robustness.sweep(
        line,
        configs(["mse", "mae"], epochs=20),
        kind="response",
        rates=[0.0, 0.2],
        seeds=[0, 1],
        magnitude=5.0,
        progress=seen.append,
    )
    assert len(runs) == 2 * 2 * 2
    assert seen == [0.25, 0.5, 0.75, 1.0]
    assert {(r.loss, r.rate, r.seed) for r in runs} == {
        (n, rate, s) for n in ("mse", "mae") for rate in (0.0, 0.2) for s in (0, 1)
    }
    # the same (loss, seed) at rate 0 equals a direct fit with that seed
    (direct,) = train.fit_many(line(1), configs(["mae"], epochs=20, seed=1))
    run = next(r for r in runs if (r.loss, r.rate, r.seed) == ("mae", 0.0, 1))
    assert run.score == pytest.approx(robustness.clean_score(direct, line(1)), rel=1e-12)


@pytest.mark.parametrize(
    ("rates", "seeds", "match"),
    [
        ([], [0], "rates"),
        ([0.1] * 14, [0], "rates"),
        ([0.1], [], "seeds"),
        ([0.1], range(11), "seeds"),
    ],
    ids=["no-rates", "too-many-rates", "no-seeds", "too-many-seeds"],
)
def test_sweep_refuses_unbounded_grids(rates, seeds, match):
    with pytest.raises(ValueError, match=match):
        robustness.sweep(line, configs(["mse"]), kind="response", rates=rates, seeds=seeds)


def test_aggregate_mean_band_and_diverged_runs():
    runs = [
        robustness.Run("mse", 0.0, 0, 1.0, False),
        robustness.Run("mse", 0.0, 1, 3.0, False),
        robustness.Run("mse", 0.0, 2, float("nan"), True),
        robustness.Run("mae", 0.1, 0, 2.0, False),
        robustness.Run("mae", 0.0, 0, 0.5, False),
    ]
    points = robustness.aggregate(runs)
    assert [(p.loss, p.rate) for p in points] == [("mse", 0.0), ("mae", 0.0), ("mae", 0.1)]
    p = points[0]
    assert (p.mean, p.low, p.high, p.n, p.n_diverged) == (2.0, 1.0, 3.0, 3, 1)


def test_line_fit_reads_slope_and_intercept():
    (res,) = train.fit_many(line(), configs(["mse"], epochs=300))
    slope, intercept = robustness.line_fit(res)
    grid = robustness.curves([res], [-1.0, 2.0])[0]
    np.testing.assert_allclose(grid, [intercept - slope, intercept + 2 * slope], rtol=1e-12)
    # least squares on standardised data: slope = correlation, intercept = 0
    ds = line()
    r = np.corrcoef(ds.X_train[:, 0], ds.y_train)[0, 1]
    assert slope == pytest.approx(r, abs=1e-3) and intercept == pytest.approx(0.0, abs=1e-3)


# --------------------------------------------------------------------------- the lecture claims


def test_response_outliers_wreck_mse_but_not_mae_or_cauchy():
    # 20% of the training targets moved up by 8 standard deviations
    clean = line()
    ds = robustness.corrupt(clean, "response", 0.2, magnitude=8.0)
    names = ["mse", "mae", "cauchy"]
    fits = dict(zip(names, train.fit_many(ds, configs(names)), strict=True))
    refs = dict(zip(names, train.fit_many(clean, configs(names)), strict=True))
    rmse = {n: robustness.clean_score(r, ds) for n, r in fits.items()}
    assert rmse["mse"] > 2.5 * rmse["mae"] and rmse["mse"] > 2.5 * rmse["cauchy"]
    # the damage is the intercept: MSE's moves by ~ 0.2 * 8 = 1.6, MAE's far less
    shift = {
        n: abs(robustness.line_fit(fits[n])[1] - robustness.line_fit(refs[n])[1]) for n in names
    }
    assert shift["mse"] > 1.2 and shift["mae"] < 0.4 * shift["mse"]


def test_leverage_points_fool_mse_and_mae_alike():
    clean = line()
    ds = robustness.corrupt(clean, "leverage", 0.1, magnitude=5.0)
    names = ["mse", "mae"]
    slopes = [robustness.line_fit(r)[0] for r in train.fit_many(ds, configs(names))]
    clean_slopes = [robustness.line_fit(r)[0] for r in train.fit_many(clean, configs(names))]
    for s, s0 in zip(slopes, clean_slopes, strict=True):
        assert s < 0.5 * s0


def test_mae_shrugs_off_symmetric_label_noise_where_cross_entropy_does_not():
    # moons, one hidden layer of 16, 40% symmetric flips, mean over 3 seeds
    names = ["cross_entropy", "mae"]
    runs = robustness.sweep(
        lambda s: datasets.load("moons", seed=s),
        configs(names, hidden=(16,), lr=0.05, epochs=150, dtype="float32"),
        kind="symmetric",
        rates=[0.4],
        seeds=[0, 1, 2],
    )
    acc = {p.loss: p.mean for p in robustness.aggregate(runs)}
    assert acc["mae"] > acc["cross_entropy"] + 0.04
