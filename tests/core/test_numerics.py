"""The stable primitives of ``core._numerics``: exact where naive formulas lose digits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from core import _numerics as nx


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_logsumexp_matches_the_naive_formula_where_it_is_safe_and_survives_where_it_is_not():
    z = np.array([[0.1, -1.2, 2.0], [3.0, 3.0, 3.0]])
    np.testing.assert_allclose(nx.logsumexp(z), np.log(np.exp(z).sum(axis=1)), rtol=1e-15)
    assert nx.logsumexp(np.array([1e4, 1e4])) == pytest.approx(1e4 + math.log(2), rel=1e-15)
    assert nx.logsumexp(np.array([-1e4, -1e4 - 1])) == pytest.approx(
        -1e4 + math.log1p(math.exp(-1)), rel=1e-15
    )


def test_logsumexp_axis_and_keepdims():
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(nx.logsumexp(z, axis=0), np.log(np.exp(z).sum(axis=0)))
    assert nx.logsumexp(z, axis=0, keepdims=True).shape == (1, 3)


def test_log_softmax_keeps_the_digits_of_a_dominant_class():
    # log p_0 = -log(1 + e^-40) = -e^-40 (to 1e-35); z - logsumexp(z) would give exactly 0
    lp = nx.log_softmax(np.array([[40.0, 0.0]]))
    assert lp[0, 0] == pytest.approx(-math.exp(-40), rel=1e-15)
    assert lp[0, 1] == pytest.approx(-40 - math.exp(-40), rel=1e-15)


def test_log_softmax_is_finite_where_softmax_underflows():
    lp = nx.log_softmax(np.array([[1e4, -1e4, 0.0]]))
    assert lp.tolist() == [[0.0, -2e4, -1e4]]
    np.testing.assert_allclose(nx.softmax(np.array([[1e4, -1e4, 0.0]])), [[1.0, 0.0, 0.0]])


def test_softmax_rows_sum_to_one_and_are_shift_invariant():
    z = np.random.default_rng(0).normal(0, 5, size=(20, 4))
    p = nx.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(nx.softmax(z + 1000.0), p, rtol=1e-12)


@pytest.mark.parametrize("x", [-1e4, -50.0, -1.0, 0.0, 1e-10, 3.0, 50.0, 1e4])
def test_softplus_sigmoid_log_sigmoid(x):
    assert nx.softplus(x) == pytest.approx(max(x, 0) + math.log1p(math.exp(-abs(x))), rel=1e-15)
    expected_sigmoid = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    assert nx.sigmoid(np.array(x)) == pytest.approx(expected_sigmoid, rel=1e-15, abs=1e-300)
    assert nx.log_sigmoid(x) == pytest.approx(-nx.softplus(-x), rel=1e-15)
    assert np.isfinite(nx.log_sigmoid(x))


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 0.0),
        (1e-8, 5e-17),  # x^2/2: log(cosh(1e-8)) gives 0
        (1e-3, 4.999999166666889e-07),  # mpmath at 40 digits: log(cosh(0.001))
        (1.0, 0.4337808304830272),  # mpmath at 40 digits
        (-2.5, 1.8135681679291729),  # mpmath at 40 digits: log(cosh(2.5))
        (800.0, 800.0 - math.log(2)),  # cosh(800) overflows
        (-1e6, 1e6 - math.log(2)),
    ],
)
def test_log_cosh(x, expected):
    assert nx.log_cosh(np.array(x)) == pytest.approx(expected, rel=1e-15, abs=0)


def test_one_minus_exp_keeps_digits_near_1():
    assert nx.one_minus_exp(-1e-20) == pytest.approx(1e-20, rel=1e-15)  # 1 - exp() gives 0
    assert nx.one_minus_exp(-1e4) == 1.0


def test_log_or_zero_gives_0_log_0_without_a_warning():
    x = np.array([0.0, 0.5, 1.0])
    out = nx.log_or_zero(x)
    assert out.tolist() == [0.0, math.log(0.5), 0.0]
    assert (x * out).tolist()[0] == 0.0


def test_one_hot_and_its_dtype():
    out = nx.one_hot(np.array([2, 0]), 3, dtype=np.float32)
    assert out.dtype == np.float32
    assert out.tolist() == [[0, 0, 1], [1, 0, 0]]


def test_primitives_keep_float32():
    z = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    for f in (nx.log_softmax, nx.softmax, nx.logsumexp, nx.log_cosh, nx.softplus, nx.sigmoid):
        assert f(z).dtype == np.float32, f.__name__


def test_logit_inverts_sigmoid_and_keeps_tiny_probabilities():
    p = np.array([1e-300, 1e-12, 0.2, 0.5, 0.8, 1 - 1e-12])
    np.testing.assert_allclose(nx.sigmoid(nx.logit(p)), p, rtol=1e-4)
    assert nx.logit(1e-300) == pytest.approx(np.log(1e-300), rel=1e-15)
    assert nx.logit(0.5) == 0.0


def test_two_class_logits_softmax_is_one_minus_sigmoid_and_sigmoid():
    z = np.array([-3.0, 0.0, 2.5])
    logits = nx.two_class_logits(z)
    assert logits.shape == (3, 2) and np.all(logits[:, 0] == 0.0)
    np.testing.assert_allclose(nx.softmax(logits)[:, 1], nx.sigmoid(z), rtol=1e-15)
