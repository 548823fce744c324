"""Seed bands, epochs to reach an accuracy, run summaries and the cross-evaluation table."""

from __future__ import annotations

import numpy as np
import pytest

from core import compare as C

# ----------------------------------------------------------------------------- bands


def test_minmax_band_by_hand():
    b = C.seed_band([[1.0, 2.0, 3.0], [3.0, 2.0, 5.0]], spread="minmax")
    np.testing.assert_allclose(b.mean, [2.0, 2.0, 4.0])
    np.testing.assert_allclose(b.lo, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(b.hi, [3.0, 2.0, 5.0])
    np.testing.assert_array_equal(b.count, [2, 2, 2])


def test_sd_band_is_population_sd():
    b = C.seed_band([[1.0, 0.0], [3.0, 0.0], [5.0, 6.0]], spread="sd")
    np.testing.assert_allclose(b.mean, [3.0, 2.0])
    sd = np.array([np.std([1, 3, 5]), np.std([0, 0, 6])])
    np.testing.assert_allclose(b.lo, b.mean - sd)
    np.testing.assert_allclose(b.hi, b.mean + sd)


def test_band_treats_short_and_non_finite_runs_as_missing():
    # seed 2 diverged after one epoch: shorter history, and an inf in seed 3
    b = C.seed_band([[1.0, 2.0, 3.0], [5.0], [3.0, np.inf, 1.0]])
    np.testing.assert_allclose(b.mean, [3.0, 2.0, 2.0])
    np.testing.assert_allclose(b.lo, [1.0, 2.0, 1.0])
    np.testing.assert_array_equal(b.count, [3, 1, 2])


def test_band_with_no_finite_value_at_an_epoch_is_nan_not_a_warning():
    b = C.seed_band([[1.0, np.nan], [2.0, np.nan]], spread="sd")
    assert np.isnan(b.mean[1]) and np.isnan(b.lo[1]) and b.count[1] == 0
    assert b.mean[0] == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("curves", "spread", "match"),
    [
        pytest.param([], "minmax", "at least one", id="no-curves"),
        pytest.param([[1.0]], "iqr", "spread", id="unknown-spread"),
    ],
)
def test_band_rejects_bad_input(curves, spread, match):
    with pytest.raises(ValueError, match=match):
        C.seed_band(curves, spread=spread)


# ----------------------------------------------------------------------------- reach


@pytest.mark.parametrize(
    ("curve", "target", "epochs", "expected"),
    [
        pytest.param([0.5, 0.8, 0.96, 0.9], 0.95, None, 3, id="third-epoch"),
        pytest.param([0.5, 0.95], 0.95, None, 2, id="equal-counts"),
        pytest.param([0.5, 0.8], 0.95, None, None, id="never"),
        pytest.param([np.nan, 0.99], 0.95, None, 2, id="nan-never-counts"),
        pytest.param([0.1, 0.97, 0.99], 0.95, [0, 10, 20], 10, id="explicit-epochs"),
    ],
)
def test_epochs_to_reach(curve, target, epochs, expected):
    assert C.epochs_to_reach(curve, target, epochs) == expected


def test_epochs_to_reach_rejects_mismatched_epoch_axis():
    with pytest.raises(ValueError, match="epochs"):
        C.epochs_to_reach([0.1, 0.2], 0.5, [1, 2, 3])


def test_summarize_by_hand():
    curves = [[0.5, 0.9, 0.95, 0.93], [0.6, 0.96, 0.97, 0.98], [0.5, np.nan], [0.4, 0.5, 0.6, 0.7]]
    s = C.summarize(curves, diverged=[False, False, True, False], target=0.95)
    assert s.runs == 4 and s.diverged == 1
    assert s.final_mean == pytest.approx((0.93 + 0.98 + 0.7) / 3)
    assert s.final_sd == pytest.approx(np.std([0.93, 0.98, 0.7]))
    assert s.best_mean == pytest.approx((0.95 + 0.98 + 0.7) / 3)
    assert s.reached == 2
    assert s.reach_epochs == pytest.approx(2.5)  # median of 3 and 2


def test_summarize_all_diverged_gives_nan_not_an_error():
    s = C.summarize([[np.nan], [np.nan]], [True, True], 0.9)
    assert np.isnan(s.final_mean) and np.isnan(s.best_mean)
    assert s.reach_epochs is None and s.diverged == 2


def test_summarize_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        C.summarize([[0.1]], [False, True], 0.5)


def test_reach_ratios():
    r = C.reach_ratios({"cross_entropy": 10, "mse": 31, "mae": None}, "cross_entropy")
    assert r == {"cross_entropy": 1.0, "mse": pytest.approx(3.1), "mae": None}
    assert C.reach_ratios({"a": None, "b": 4}, "a") == {"a": None, "b": None}
    with pytest.raises(ValueError, match="baseline"):
        C.reach_ratios({"a": 1}, "b")


# ----------------------------------------------------------------------------- cross-eval


def test_cross_evaluate_by_hand():
    y = np.array([0, 1])
    z = np.array([[2.0, 0.0], [0.0, -1.0]])  # second sample misclassified
    table = C.cross_evaluate({"m": z}, y)["m"]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert table["accuracy"] == pytest.approx(0.5)
    assert table["log_loss"] == pytest.approx(-(np.log(p[0, 0]) + np.log(p[1, 1])) / 2)
    assert table["brier"] == pytest.approx(
        (((p[0] - [1, 0]) ** 2).sum() + ((p[1] - [0, 1]) ** 2).sum()) / 2
    )
    # Crammer-Singer hinge: margins 2 and -1 -> max(0, 1 - 2) = 0, max(0, 1 + 1) = 2
    assert table["hinge"] == pytest.approx(1.0)
    assert set(table) == set(C.METRICS)


def test_cross_evaluate_a_diverged_model_is_all_nan():
    table = C.cross_evaluate({"bad": np.full((2, 2), np.nan)}, np.array([0, 1]))
    assert all(np.isnan(v) for v in table["bad"].values())


def test_mean_scores_ignores_nan():
    runs = [
        {"a": {"accuracy": 0.8, "ece": np.nan}},
        {"a": {"accuracy": 0.6, "ece": 0.1}},
    ]
    m = C.mean_scores(runs)
    assert m["a"]["accuracy"] == pytest.approx(0.7)
    assert m["a"]["ece"] == pytest.approx(0.1)


def test_reliability_of_confident_correct_logits():
    z = np.array([[10.0, 0.0], [0.0, 10.0], [10.0, 0.0]])
    r = C.reliability(z, [0, 1, 0], n_bins=10)
    assert r.count.sum() == 3 and r.count[-1] == 3
    assert r.accuracy[-1] == pytest.approx(1.0)


# ----------------------------------------------------------------------------- snapshots


class _Linear:
    def __init__(self, W):
        self.W = np.asarray(W, dtype=float)

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.W


@pytest.mark.parametrize("epochs", [1, 7, 200, 1000])
def test_yardstick_epochs_cover_the_run(epochs):
    e = C.yardstick_epochs(epochs, 25)
    assert e[0] == 0 and e[-1] == epochs
    assert list(e) == sorted(set(e)) and len(e) <= 25


def test_score_snapshots_by_hand_with_missing_epochs_as_nan():
    from core import metrics

    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 1])
    snaps = {0: _Linear(np.zeros((2, 2))), 5: _Linear([[2.0, 0.0], [0.0, 1.0]])}
    got = C.score_snapshots(snaps, (0, 5, 10), X, y, "log_loss")
    assert got[0] == pytest.approx(np.log(2))  # uniform softmax
    assert got[1] == pytest.approx(metrics.log_loss(y, snaps[5].decision_function(X)))
    assert np.isnan(got[2])  # diverged before epoch 10: no snapshot
    acc = C.score_snapshots(snaps, (5,), X, y, "accuracy")
    assert acc[0] == pytest.approx(2 / 3)  # [1,1] ties -> argmax 0, wrong
    with pytest.raises(ValueError, match="metric"):
        C.score_snapshots(snaps, (0,), X, y, "f1")
