"""core.ce_regression: article 000's discussion 2 (softmax + CE for regression), exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import ce_regression as cr


def test_article_example_equal_softmaxes_zero_gradient():
    """G = [1, 2], z = [2, 3]: both softmax to [1/(1+e), e/(1+e)]; CE gradient exactly 0."""
    c = cr.compare([1, 2], [2, 3])
    e = math.e
    np.testing.assert_allclose(c.y, [1 / (1 + e), e / (1 + e)], rtol=1e-15)
    np.testing.assert_array_equal(c.y, c.a)
    np.testing.assert_array_equal(c.ce_grad, [0.0, 0.0])
    # CE sits at its minimum, the entropy of y, while z != G; MSE sees the error.
    assert c.ce == c.entropy
    assert c.entropy == pytest.approx(-(c.y @ np.log(c.y)), rel=1e-14)
    assert c.mse == pytest.approx(2.0, abs=1e-15)
    np.testing.assert_array_equal(c.mse_grad, [2.0, 2.0])


@pytest.mark.parametrize("shift", [-7.5, 0.3, 100.0], ids=lambda s: f"shift={s}")
def test_any_shift_gives_zero_ce_gradient(shift):
    """Zero up to rounding of ``G + shift`` (exactly zero when the shift is exact)."""
    G = np.array([0.5, -1.0, 2.0])
    c = cr.compare(G, G + shift)
    np.testing.assert_allclose(c.ce_grad, 0.0, atol=1e-15)
    assert c.mse == pytest.approx(3 * shift**2, rel=1e-12)


def test_compare_gradients_match_finite_differences():
    G = np.array([0.2, 1.5, -0.7])
    z = np.array([1.0, -0.5, 0.3])
    c = cr.compare(G, z)
    h = 1e-6
    for i in range(3):
        e = np.zeros(3)
        e[i] = h
        fd_ce = (cr.compare(G, z + e).ce - cr.compare(G, z - e).ce) / (2 * h)
        fd_mse = (cr.compare(G, z + e).mse - cr.compare(G, z - e).mse) / (2 * h)
        assert c.ce_grad[i] == pytest.approx(fd_ce, abs=1e-8)
        assert c.mse_grad[i] == pytest.approx(fd_mse, abs=1e-6)


def test_gradient_sweep_bounded_vs_unbounded():
    s = cr.gradient_sweep([1, 2], [2, 3], span=50)
    assert np.all(np.abs(s["ce_grad"]) <= 1)
    assert s["ce_grad"].min() < -0.26 and s["ce_grad"].max() > 0.73  # reaches a_1 - y_1 limits
    np.testing.assert_allclose(s["mse_grad"], 2 * s["error"], rtol=1e-12)
    assert s["mse_grad"].max() == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"index": 2}, "index must be in 0..1"), ({"span": 0}, "span must be in")],
    ids=["index", "span"],
)
def test_gradient_sweep_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cr.gradient_sweep([1, 2], [2, 3], **kwargs)


def test_sum_normalise_collides():
    np.testing.assert_allclose(cr.sum_normalise([1, 2]), [1 / 3, 2 / 3], rtol=1e-15)
    np.testing.assert_array_equal(cr.sum_normalise([1, 2]), cr.sum_normalise([2, 4]))


@pytest.mark.parametrize(
    ("v", "message"),
    [([1, -1], "sums to 0"), ([0, 0], "sums to 0"), ([2, -1], "negative"), ([1, np.nan], "finite")],
    ids=["zero-sum", "all-zero", "negative", "nan"],
)
def test_sum_normalise_rejects(v, message):
    with pytest.raises(ValueError, match=message):
        cr.sum_normalise(v, "v")


@pytest.mark.parametrize(
    ("G", "z"), [([1, 2], [1, 2, 3]), ([1], [1]), ([1, np.inf], [0, 0])], ids=["len", "1d", "inf"]
)
def test_compare_rejects(G, z):
    with pytest.raises(ValueError, match=r"G|z"):
        cr.compare(G, z)


def test_experiment_ce_matches_shape_but_not_values():
    _, _, G, res = cr.fit_vector_regression(cr.FitConfig(epochs=400, lr=0.5))
    mse, ce = res["mse"], res["cross_entropy"]
    assert mse.diverged_epoch is None and ce.diverged_epoch is None
    # CE's gradient sums to 0 over outputs: the mean output never leaves its start, 0.
    np.testing.assert_allclose(ce.z.mean(axis=1), 0.0, atol=1e-12)
    # Both fit softmax(G) about equally well; only MSE fits G itself.
    assert ce.rmse_softmax[-1] < 0.05 and mse.rmse_softmax[-1] < 0.05
    assert mse.rmse_z[-1] < 0.2
    assert ce.rmse_z[-1] > 1.0
    # The mean of G is 1.5 + 0.5 x: its RMS over x is the floor of CE's error in z.
    floor = np.sqrt(np.mean(G.mean(axis=1) ** 2))
    assert ce.rmse_z[-1] >= floor - 1e-9


def test_experiment_divergence_is_reported():
    _, _, _, res = cr.fit_vector_regression(cr.FitConfig(lr=50, epochs=300))
    assert res["mse"].diverged_epoch is not None
    # Training stopped at the first non-finite objective, which is the last one recorded.
    assert res["mse"].objective.size == res["mse"].diverged_epoch + 1
    assert not np.isfinite(res["mse"].objective[-1])
    assert np.all(np.isfinite(res["mse"].objective[:-1]))


@pytest.mark.parametrize(
    "kwargs",
    [{"lr": 0}, {"n": 2}, {"epochs": 0}, {"noise": -1}, {"g": (1, 2, 3)}],
    ids=["lr", "n", "epochs", "noise", "g"],
)
def test_fit_config_rejects(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        cr.FitConfig(**kwargs)
