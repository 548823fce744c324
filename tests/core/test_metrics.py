"""Metrics: hand-computed values and agreement with scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from core import losses, metrics
from core._numerics import softmax

Z = np.array([[2.0, 0.0, -1.0], [0.5, 1.5, 0.0], [0.0, 0.0, 3.0], [1.0, 2.0, 0.5]])
Y = np.array([0, 2, 2, 1])


def test_accuracy_and_error_rate_by_hand():
    # argmax per row: 0, 1, 2, 1 -> rows 0, 2, 3 are right
    assert metrics.accuracy(Y, Z) == 0.75
    assert metrics.accuracy(Y, np.array([0, 1, 2, 1])) == 0.75
    assert metrics.error_rate(Y, Z) == 0.25


def test_log_loss_matches_sklearn_and_is_stable():
    assert metrics.log_loss(Y, Z) == pytest.approx(
        skm.log_loss(Y, softmax(Z), labels=[0, 1, 2]), rel=1e-12
    )
    # logit 1e4 for the wrong class: a probability of e^-1e4 underflows, the log does not
    big = np.array([[1e4, 0.0]])
    assert metrics.log_loss(np.array([1]), big) == pytest.approx(1e4)


def test_brier_by_hand_and_equal_to_the_mse_loss_mean():
    p = np.array([[0.7, 0.2, 0.1], [0.0, 0.0, 1.0]])
    y = np.array([0, 2])
    # row 0: 0.3^2 + 0.2^2 + 0.1^2 = 0.14; row 1: 0
    assert metrics.brier(y, p) == pytest.approx(0.07)
    mse = losses.get("mse", "classification")
    assert metrics.brier(Y, softmax(Z)) == pytest.approx(np.mean(mse(Y, Z)[0]), rel=1e-12)


def test_binary_brier_is_twice_sklearns():
    p1 = np.array([0.9, 0.2, 0.6])
    y = np.array([1, 0, 0])
    proba = np.column_stack([1 - p1, p1])
    assert metrics.brier(y, proba) == pytest.approx(2 * skm.brier_score_loss(y, p1))


def test_multiclass_hinge_matches_sklearn():
    assert metrics.multiclass_hinge(Y, Z) == pytest.approx(
        skm.hinge_loss(Y, Z, labels=[0, 1, 2]), rel=1e-12
    )


def test_reliability_curve_by_hand():
    proba = np.array([[0.95, 0.05], [0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.5, 0.5]])
    y = np.array([0, 1, 1, 0, 0])
    curve = metrics.reliability_curve(y, proba, n_bins=5)
    # confidences 0.95, 0.9, 0.6, 0.7, 0.5 in bins (0.8,1], (0.8,1], (0.4,0.6], (0.6,0.8],
    # (0.4,0.6]; the tie 0.5/0.5 predicts class 0 (argmax takes the first) and is right
    np.testing.assert_array_equal(curve.count, [0, 0, 2, 1, 2])
    np.testing.assert_allclose(curve.confidence[2:], [0.55, 0.7, 0.925])
    np.testing.assert_allclose(curve.accuracy[2:], [1.0, 0.0, 0.5])
    assert np.all(np.isnan(curve.accuracy[:2])) and np.all(np.isnan(curve.confidence[:2]))
    np.testing.assert_allclose(curve.edges, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ece = metrics.expected_calibration_error(y, proba, n_bins=5)
    assert ece == pytest.approx((2 * 0.45 + 1 * 0.7 + 2 * 0.425) / 5)


def test_ece_is_zero_when_confidence_equals_accuracy():
    # 10 points at confidence 0.8, 8 of them right
    proba = np.tile([0.8, 0.2], (10, 1))
    y = np.array([0] * 8 + [1] * 2)
    assert metrics.expected_calibration_error(y, proba) == pytest.approx(0.0, abs=1e-15)


def test_rmse_and_mae_match_sklearn():
    rng = np.random.default_rng(0)
    y, pred = rng.standard_normal(20), rng.standard_normal(20)
    assert metrics.rmse(y, pred) == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)))
    assert metrics.mae(y, pred) == pytest.approx(skm.mean_absolute_error(y, pred))
    y2, p2 = rng.standard_normal((20, 3)), rng.standard_normal((20, 3))
    assert metrics.rmse(y2, p2) == pytest.approx(np.sqrt(skm.mean_squared_error(y2, p2)))
    assert metrics.mae(y2, p2) == pytest.approx(skm.mean_absolute_error(y2, p2))


def test_empirical_risk_is_the_mean_and_scales_the_gradient():
    values, grad = np.array([1.0, 2.0, 6.0]), np.array([3.0, -3.0, 6.0])
    risk, g = metrics.empirical_risk(values, grad)
    assert risk == 3.0
    np.testing.assert_array_equal(g, [1.0, -1.0, 2.0])
    assert metrics.empirical_risk(values) == (3.0, None)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: metrics.accuracy(Y, Z[:2]), "y_pred"),
        (lambda: metrics.brier(Y, softmax(Z)[:, :1]), "proba"),
        (lambda: metrics.brier(np.array([0, 3, 1, 1]), softmax(Z)), "labels"),
        (lambda: metrics.reliability_curve(Y, softmax(Z), n_bins=0), "n_bins"),
        (lambda: metrics.rmse(np.zeros(3), np.zeros(4)), "same shape"),
        (lambda: metrics.log_loss(Y, Z[:, :1]), "logits"),
    ],
    ids=["accuracy-rows", "brier-one-column", "brier-label-range", "bins", "rmse-shape", "logits"],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
