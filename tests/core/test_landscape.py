"""Loss landscapes of a sigmoid neuron: the registry mapping, gradients, convexity, descent."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from core import landscape as L

Z = np.array([-30.0, -4.0, -1.0, -0.25, 0.0, 0.3, 1.0, 4.0, 30.0])
GRID = np.linspace(-10, 10, 41)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture(scope="module")
def data():
    return L.two_gaussians(40, separation=2.0, seed=0)


# --------------------------------------------------------------------------- registry mapping


@pytest.mark.parametrize("label", [0, 1], ids=["y=0", "y=1"])
def test_cross_entropy_of_logits_0_z_is_binary_cross_entropy_with_logits(label):
    # BCEWithLogits: log(1 + e^z) - y z, derivative sigma(z) - y
    y = np.full(Z.shape, label)
    values, dz = L.neuron_loss("cross_entropy", y, Z)
    # log(1 + e^z) - z = log(1 + e^-z), written without cancellation
    expected_values = np.logaddexp(0.0, -Z) if label else np.logaddexp(0.0, Z)
    np.testing.assert_allclose(values, expected_values, rtol=1e-12, atol=1e-15)
    # sigma(z) - 1 = -sigma(-z), written without cancellation
    expected = -sigmoid(-Z) if label else sigmoid(Z)
    # the registry forms p - q, so near p = 1 its error is absolute (~1e-16), not relative
    np.testing.assert_allclose(dz, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("label", [0, 1], ids=["y=0", "y=1"])
def test_mse_of_logits_0_z_is_twice_the_squared_error_of_the_sigmoid(label):
    # sum_k (p_k - Y_k)^2 with p = [1 - s, s] is 2 (s - y)^2; d/dz = 4 (s - y) s (1 - s)
    y = np.full(Z.shape, label)
    s, e = sigmoid(Z), (-sigmoid(-Z) if label else sigmoid(Z))  # e = s - y without cancellation
    values, dz = L.neuron_loss("mse", y, Z)
    np.testing.assert_allclose(values, 2 * e**2, rtol=1e-10, atol=1e-15)
    # absolute error ~1e-15 where the registry forms 1 - p near p = 1 (see the CE test)
    np.testing.assert_allclose(dz, 4 * e * s * sigmoid(-Z), rtol=1e-10, atol=1e-14)


def test_article_001_sigma_prime_factor():
    # article 001: with C = (y - a)^2 / 2, dC/dz = (a - y) sigma'(z); ours is 4x that
    z, label = 2.0, 0
    a = sigmoid(z)
    _, dz = L.neuron_loss("mse", [label], [z])
    assert dz[0] == pytest.approx(4 * (a - label) * a * (1 - a), rel=1e-12)


# --------------------------------------------------------------------------- surface and Hessian


@pytest.mark.parametrize("name", ["cross_entropy", "mse"])
def test_surface_gradient_matches_central_differences(data, name):
    x, y = data
    w = np.array([-3.0, 0.5, 2.0])
    b = np.array([1.0, -0.5, 0.2])
    h = 1e-6
    s = L.surface(name, x, y, w, b)
    sw_p = L.surface(name, x, y, w + h, b).loss
    sw_m = L.surface(name, x, y, w - h, b).loss
    sb_p = L.surface(name, x, y, w, b + h).loss
    sb_m = L.surface(name, x, y, w, b - h).loss
    np.testing.assert_allclose(s.grad_w, (sw_p - sw_m) / (2 * h), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(s.grad_b, (sb_p - sb_m) / (2 * h), rtol=1e-6, atol=1e-9)


def test_surface_rows_follow_b_and_columns_follow_w(data):
    x, y = data
    s = L.surface("cross_entropy", x, y, [1.0, 2.0, 3.0], [-1.0, 0.0])
    assert s.loss.shape == (2, 3)
    direct = np.mean(np.logaddexp(0.0, 3.0 * x - 1.0) - y * (3.0 * x - 1.0))
    assert s.loss[0, 2] == pytest.approx(direct, rel=1e-12)


def test_cross_entropy_hessian_matches_the_analytic_one(data):
    # H = mean sigma(z)(1 - sigma(z)) [x, 1][x, 1]^T (Bishop, PRML eq. 4.97)
    x, y = data
    w, b = np.array([0.7, -2.0]), np.array([0.3, 1.5])
    hww, hwb, hbb = L.hessian("cross_entropy", x, y, w, b)
    for k in range(2):
        s = sigmoid(w[k] * x + b[k])
        r = s * (1 - s)
        np.testing.assert_allclose(
            [hww[k], hwb[k], hbb[k]],
            [np.mean(r * x * x), np.mean(r * x), np.mean(r)],
            rtol=1e-6,
        )


def test_min_eigenvalue_matches_numpy():
    rng = np.random.default_rng(3)
    a, c, d = rng.normal(size=(3, 50))
    expected = [
        np.linalg.eigvalsh([[ai, ci], [ci, di]])[0] for ai, ci, di in zip(a, c, d, strict=True)
    ]
    np.testing.assert_allclose(L.min_eigenvalue(a, c, d), expected, rtol=1e-12, atol=1e-14)


def test_cross_entropy_surface_is_convex_and_mse_is_not(data):
    x, y = data
    ce = L.convexity("cross_entropy", x, y, GRID, GRID)
    mse = L.convexity("mse", x, y, GRID, GRID)
    assert ce.convex_on_grid and ce.n_negative == 0
    assert ce.most_negative > -ce.tol
    assert not mse.convex_on_grid
    assert mse.fraction_negative > 0.2
    assert mse.most_negative < -0.1


# --------------------------------------------------------------------------- descent and optimum


def test_gradient_descent_first_step_is_minus_lr_times_gradient(data):
    x, y = data
    path = L.gradient_descent("mse", x, y, start=(1.0, -2.0), lr=0.3, steps=1)
    s = L.surface("mse", x, y, [1.0], [-2.0])
    assert path.w[1] == pytest.approx(1.0 - 0.3 * s.grad_w[0, 0], rel=1e-12)
    assert path.b[1] == pytest.approx(-2.0 - 0.3 * s.grad_b[0, 0], rel=1e-12)
    assert path.loss[0] == pytest.approx(s.loss[0, 0], rel=1e-12)
    assert len(path.loss) == 2 and path.diverged_epoch is None


def test_gradient_descent_with_fixed_bias_keeps_the_bias(data):
    x, y = data
    path = L.gradient_descent(
        "cross_entropy", x, y, start=(0.0, 1.5), lr=1.0, steps=5, fit_bias=False
    )
    assert np.all(path.b == 1.5)
    assert path.w[-1] != 0.0


def test_huge_learning_rate_is_reported_as_divergence(data):
    x, y = data
    path = L.gradient_descent("cross_entropy", x, y, start=(0.0, 0.0), lr=1e9, steps=50)
    assert path.diverged_epoch == 1
    assert len(path.loss) == 1


def test_minimise_matches_sklearn_logistic_regression(data):
    x, y = data
    w, b, value = L.minimise("cross_entropy", x, y, start=(0.0, 0.0))
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x[:, None], y)
    assert w == pytest.approx(ref.coef_[0, 0], rel=1e-4)
    assert b == pytest.approx(ref.intercept_[0], abs=1e-4)
    assert value == pytest.approx(L.surface("cross_entropy", x, y, [w], [b]).loss[0, 0])


def test_minimise_stays_in_the_box(data):
    x, y = data
    w, b, _ = L.minimise("cross_entropy", x, y, start=(0.0, 0.0), box=1.0)
    assert w == pytest.approx(1.0) and abs(b) <= 1.0


def test_steps_to_converge():
    assert L.steps_to_converge([10.0, 5.0, 1.05, 1.0], optimum=1.0, gap=0.01) == 2
    assert L.steps_to_converge([10.0, 9.0, 8.0], optimum=1.0) is None
    assert L.steps_to_converge([], optimum=1.0) is None


def test_preset_mse_stalls_on_the_plateau_and_cross_entropy_converges(data):
    x, y = data
    kw = dict(w=GRID, b=GRID, start=(-8.0, 0.0), lr=1.0, steps=300)
    ce = L.study("cross_entropy", x, y, **kw)
    mse = L.study("mse", x, y, **kw)
    assert ce.steps is not None and ce.steps < 30
    assert mse.steps is None
    assert mse.path.loss[-1] > 0.9 > 10 * mse.optimum[2]


def test_one_sample_plateau(data):
    kw = dict(x0=1.0, y0=0, w=np.linspace(-10, 10, 201), w0=6.0, lr=0.5, steps=100)
    ce = L.one_sample("cross_entropy", **kw)
    mse = L.one_sample("mse", **kw)
    assert ce.steps is not None and ce.steps < 50 and ce.p_target[ce.steps] >= 0.9
    assert mse.steps is None and mse.p_target[-1] < 0.01
    # the slope at the start: MSE's plateau vs CE's steady slope sigma(6) ~ 0.998
    at6 = np.argmin(np.abs(kw["w"] - 6.0))
    assert abs(mse.slope[at6]) < 0.01 < 0.99 < ce.slope[at6]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x, y: L.surface("nope", x, y, [0.0], [0.0]), "unknown classification loss"),
        (lambda x, y: L.surface("mse", x, y + 1, [0.0], [0.0]), "binary labels"),
        (lambda x, y: L.surface("mse", x[:3], y, [0.0], [0.0]), "same length"),
        (lambda x, y: L.gradient_descent("mse", x, y, start=(0, 0), lr=0.0, steps=3), "lr"),
        (lambda x, y: L.gradient_descent("mse", x, y, start=(0, 0), lr=1, steps=10**6), "steps"),
        (lambda x, y: L.two_gaussians(10**6), "n must be"),
        (lambda x, y: L.two_gaussians(10, separation=-1), "separation"),
    ],
    ids=[
        "unknown-loss",
        "labels-not-binary",
        "length-mismatch",
        "lr-zero",
        "steps-huge",
        "n-huge",
        "separation-negative",
    ],
)
def test_bad_input_raises_value_error(data, call, match):
    with pytest.raises(ValueError, match=match):
        call(*data)


def test_stop_below_ends_the_path_at_the_first_step_at_or_under_the_value(data):
    x, y = data
    full = L.gradient_descent("mse", x, y, start=(-8.0, 0.0), lr=1.0, steps=600)
    cut = L.gradient_descent("mse", x, y, start=(-8.0, 0.0), lr=1.0, steps=600, stop_below=0.5)
    first = int(np.flatnonzero(full.loss <= 0.5)[0])
    assert len(cut.loss) == first + 1
    np.testing.assert_array_equal(cut.loss, full.loss[: first + 1])


def test_one_sample_stop_at_target_gives_the_same_step_count():
    kw = dict(x0=1.0, y0=0, w=np.linspace(-10, 10, 11), w0=6.0, lr=0.5, steps=1000)
    for name in ("cross_entropy", "mse", "mae"):
        full = L.one_sample(name, **kw)
        cut = L.one_sample(name, **kw, stop_at_target=True)
        assert cut.steps == full.steps is not None
        assert len(cut.path.loss) == cut.steps + 1
