"""Properties every loss must have, identities between losses, stability, honest metadata flags."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from loss_cases import grid_cases, grid_ids

from core import losses
from core._numerics import log_softmax, softmax

CASES = grid_cases()
CLS = grid_cases("classification")
REG = grid_cases("regression")


def get(name: str, task: str = "classification") -> losses.Loss:
    return losses.get(name, task)


# --------------------------------------------------------------------------- hypothesis inputs

logit = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
residual = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def classification_inputs(draw):
    k = draw(st.integers(2, 5))
    n = draw(st.integers(1, 6))
    z = draw(hnp.arrays(np.float64, (n, k), elements=logit))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return y, z


@st.composite
def regression_inputs(draw):
    d = draw(st.sampled_from([None, 2, 3]))
    shape = (draw(st.integers(1, 6)),) + ((d,) if d else ())
    y = draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1e6)))
    pred = draw(hnp.arrays(np.float64, shape, elements=residual))
    return y, pred


@settings(max_examples=60, deadline=None)
@given(classification_inputs())
def test_classification_values_non_negative_and_finite(data):
    y, z = data
    for loss, params in CLS:
        values, grad = loss(y, z, **params)
        assert values.shape == (len(y),) and grad.shape == z.shape
        assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad)), loss
        assert np.all(values >= 0), loss


@settings(max_examples=60, deadline=None)
@given(regression_inputs())
def test_regression_values_non_negative_and_finite(data):
    y, pred = data
    for loss, params in REG:
        if not loss.elementwise and y.ndim == 1:
            continue  # cosine: vectors only (its own test below)
        values, grad = loss(y, pred, **params)
        assert values.shape == (len(y),) and grad.shape == pred.shape
        assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad)), loss
        if loss.name == "cosine":
            assert np.all((values >= -1) & (values <= 1))
        else:
            assert np.all(values >= 0), loss


# --------------------------------------------------------------------------- extremes


EXTREME_LOGITS = np.array(
    [[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 0.0], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4]]
)
EXTREME_LABELS = np.array([0, 0, 2, 1, 1])
EXTREME_Y = np.array([0.0, 1.0, 1e6, 0.0, 2.0, 1e-9])
EXTREME_PRED = np.array([1e6, -1e6, 0.0, -1e6, 2.0, 1e6])


@pytest.mark.parametrize(("loss", "params"), CASES, ids=grid_ids(CASES))
def test_finite_without_any_warning_at_logits_1e4_and_residuals_1e6(loss, params):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning (overflow, divide, invalid) fails
        if loss.task == "classification":
            values, grad = loss(EXTREME_LABELS, EXTREME_LOGITS, **params)
            soft = softmax(np.ones((5, 3)))
            if loss.soft_targets:
                values2, grad2 = loss(soft, EXTREME_LOGITS, **params)
                assert np.all(np.isfinite(values2)) and np.all(np.isfinite(grad2))
        elif loss.elementwise:
            values, grad = loss(EXTREME_Y, EXTREME_PRED, **params)
        else:
            values, grad = loss(EXTREME_Y.reshape(3, 2), EXTREME_PRED.reshape(3, 2), **params)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad))


def test_extreme_logits_give_the_exact_limits():
    # p_t = 1 exactly: every loss without a margin is 0; p_t = e^-2e4: CE is 2e4
    z = np.array([[1e4, -1e4], [-1e4, 1e4]])
    y = np.array([0, 0])
    ce, g = get("cross_entropy")(y, z)
    assert ce.tolist() == [0.0, 2e4]
    assert g.tolist() == [[0.0, 0.0], [-1.0, 1.0]]
    assert get("mae")(y, z)[0].tolist() == [0.0, 2.0]
    assert get("mse")(y, z)[0].tolist() == [0.0, 2.0]
    assert get("focal")(y, z)[0].tolist() == [0.0, 2e4]
    assert get("gce")(y, z, q=0.5)[0].tolist() == [0.0, 2.0]
    assert get("hinge")(y, z)[0].tolist() == [0.0, 2e4 + 1]


# --------------------------------------------------------------------------- perfect prediction


def perfect_logits(k: int, y: np.ndarray) -> np.ndarray:
    z = np.full((len(y), k), -1e4)
    z[np.arange(len(y)), y] = 1e4
    return z


@pytest.mark.parametrize(("loss", "params"), CLS, ids=grid_ids(CLS))
def test_classification_zero_at_perfect_prediction(loss, params):
    y = np.array([0, 1, 2])
    if loss.name == "square_logits":
        z = np.eye(3)[y]  # logits equal to the one-hot
    elif params.get("label_smoothing"):
        eps = params["label_smoothing"]
        q = (1 - eps) * np.eye(3)[y] + eps / 3
        z = np.log(q)  # softmax(z) = q: KL is 0, CE is the entropy of q
        if loss.name == "cross_entropy":
            values, grad = loss(y, z, **params)
            np.testing.assert_allclose(values, -np.sum(q * np.log(q), axis=1), rtol=1e-13)
            np.testing.assert_allclose(grad, 0.0, atol=1e-15)
            return
    else:
        z = perfect_logits(3, y)
    values, grad = loss(y, z, **params)
    np.testing.assert_allclose(values, 0.0, atol=1e-15)
    np.testing.assert_allclose(grad, 0.0, atol=1e-15)
    assert not np.any(np.signbit(values)), "values should be +0.0, not -0.0"


@pytest.mark.parametrize(("loss", "params"), REG, ids=grid_ids(REG))
def test_regression_zero_at_perfect_prediction(loss, params):
    y = np.array([[0.0, 1.5], [3.0, 0.25], [1e6, 7.0]])
    values, grad = loss(y, y.copy(), **params)
    expected = -1.0 if loss.name == "cosine" else 0.0  # cosine's minimum is -1
    np.testing.assert_allclose(values, expected, atol=1e-15)
    # pinball's documented subgradient at its kink is 1/2 - tau (0 for the median)
    kink_grad = 0.5 - params.get("quantile", 0.5) if loss.name == "pinball" else 0.0
    np.testing.assert_allclose(grad, kink_grad / y.shape[1], atol=1e-15)
    assert not np.any(np.signbit(values)) or loss.name == "cosine"


# --------------------------------------------------------------------------- identities

RNG = np.random.default_rng(11)
Z = RNG.normal(0, 3, size=(40, 4))
Y = RNG.integers(0, 4, size=40)
E_Y = RNG.uniform(0.5, 3, size=40)
E_PRED = E_Y + RNG.normal(0, 3, size=40)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_focal_with_gamma_0_is_cross_entropy(k):
    z, y = Z[:, :k], Y % k
    v, g = get("focal")(y, z, gamma=0.0)
    v_ce, g_ce = get("cross_entropy")(y, z)
    np.testing.assert_allclose(v, v_ce, rtol=1e-15)
    np.testing.assert_allclose(g, g_ce, rtol=1e-15)


@pytest.mark.parametrize("delta", [0.1, 1.0, 3.7])
def test_huber_is_delta_times_smooth_l1_with_beta_delta(delta):
    v_h, g_h = get("huber", "regression")(E_Y, E_PRED, delta=delta)
    v_s, g_s = get("smooth_l1", "regression")(E_Y, E_PRED, beta=delta)
    np.testing.assert_allclose(v_h, delta * v_s, rtol=1e-14)
    np.testing.assert_allclose(g_h, delta * g_s, rtol=1e-14)


@pytest.mark.parametrize("margin", [0.5, 1.0, 2.0])
def test_squared_hinge_is_hinge_squared(margin):
    v_h, g_h = get("hinge")(Y, Z, margin=margin)
    v_s, g_s = get("squared_hinge")(Y, Z, margin=margin)
    np.testing.assert_allclose(v_s, v_h**2, rtol=1e-15)
    np.testing.assert_allclose(g_s, 2 * v_h[:, None] * g_h, rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-50, 50)))
def test_mae_summed_over_all_labels_is_constant_ghosh_symmetry(z):
    # Ghosh et al. 2017: sum_{t=1}^{K} L(t, z) = 2 (K - 1) for every z
    k = z.shape[1]
    total = sum(get("mae")(np.full(3, t), z)[0] for t in range(k))
    np.testing.assert_allclose(total, 2 * (k - 1), rtol=1e-12)


def test_cross_entropy_is_not_symmetric():
    # the contrast to Ghosh's symmetry: CE summed over labels depends on z
    totals = [
        sum(get("cross_entropy")(np.array([t]), z)[0][0] for t in range(3))
        for z in (np.zeros((1, 3)), np.array([[5.0, 0.0, 0.0]]))
    ]
    assert abs(totals[0] - totals[1]) > 1.0


def test_kl_with_one_hot_target_is_cross_entropy():
    v_kl, g_kl = get("kl_div")(Y, Z)
    v_ce, g_ce = get("cross_entropy")(Y, Z)
    np.testing.assert_allclose(v_kl, v_ce, rtol=1e-15)
    np.testing.assert_allclose(g_kl, g_ce, rtol=1e-15)
    v_soft, _ = get("kl_div")(np.eye(4)[Y], Z)  # the same one-hot as a distribution
    np.testing.assert_allclose(v_soft, v_ce, rtol=1e-15)


@pytest.mark.parametrize("eps", [0.05, 0.3, 0.9])
def test_label_smoothing_identities(eps):
    k = Z.shape[1]
    ce = get("cross_entropy")
    v, g = ce(Y, Z, label_smoothing=eps)
    v0, g0 = ce(Y, Z)
    # CE_eps = (1 - eps) CE(y) + eps * mean_k CE(k)
    mean_over_labels = np.mean([ce(np.full(len(Y), t), Z)[0] for t in range(k)], axis=0)
    np.testing.assert_allclose(v, (1 - eps) * v0 + eps * mean_over_labels, rtol=1e-13)
    # gradient: p - q_eps = (p - Y) + eps (Y - 1/K)
    np.testing.assert_allclose(g, g0 + eps * (np.eye(k)[Y] - 1 / k), rtol=1e-12, atol=1e-15)
    # the same smoothing given as a target distribution
    q = (1 - eps) * np.eye(k)[Y] + eps / k
    v_q, g_q = ce(q, Z)
    np.testing.assert_allclose(v_q, v, rtol=1e-13)
    np.testing.assert_allclose(g_q, g, rtol=1e-12, atol=1e-15)
    # KL = CE - entropy(q): same gradient, shifted value
    v_kl, g_kl = get("kl_div")(Y, Z, label_smoothing=eps)
    np.testing.assert_allclose(v_kl, v + np.sum(q * np.log(q), axis=1), rtol=1e-12)
    np.testing.assert_allclose(g_kl, g, rtol=1e-12, atol=1e-15)


def test_gce_limits_are_mae_over_2_and_cross_entropy():
    np.testing.assert_allclose(get("gce")(Y, Z, q=1.0)[0], get("mae")(Y, Z)[0] / 2, rtol=1e-13)
    np.testing.assert_allclose(
        get("gce")(Y, Z, q=1e-7)[0], get("cross_entropy")(Y, Z)[0], rtol=1e-5
    )


def test_hinge_with_two_classes_is_the_binary_svm_hinge():
    z = Z[:, :2]
    y = Y % 2
    s = 2 * y - 1  # ±1
    np.testing.assert_allclose(
        get("hinge")(y, z)[0], np.maximum(0, 1 - s * (z[:, 1] - z[:, 0])), rtol=1e-15
    )


def test_pinball_median_is_half_mae_and_epsilon_0_is_mae():
    mae = get("mae", "regression")(E_Y, E_PRED)
    pin = get("pinball", "regression")(E_Y, E_PRED, quantile=0.5)
    eps0 = get("epsilon_insensitive", "regression")(E_Y, E_PRED, epsilon=0.0)
    np.testing.assert_allclose(pin[0], mae[0] / 2, rtol=1e-15)
    np.testing.assert_allclose(pin[1], mae[1] / 2, rtol=1e-15)
    np.testing.assert_allclose(eps0[0], mae[0], rtol=1e-15)
    np.testing.assert_allclose(eps0[1], mae[1], rtol=1e-15)


@pytest.mark.parametrize("scale", [0.3, 1.0, 4.0])
def test_barron_special_cases(scale):
    barron = get("barron", "regression")
    x = (E_PRED - E_Y) / scale
    cauchy = get("cauchy", "regression")(E_Y, E_PRED, scale=scale)
    np.testing.assert_allclose(barron(E_Y, E_PRED, alpha=0.0, scale=scale)[0], cauchy[0])
    np.testing.assert_allclose(barron(E_Y, E_PRED, alpha=0.0, scale=scale)[1], cauchy[1])
    np.testing.assert_allclose(barron(E_Y, E_PRED, alpha=2.0, scale=scale)[0], x**2 / 2)
    np.testing.assert_allclose(
        barron(E_Y, E_PRED, alpha=1.0, scale=scale)[0], np.sqrt(x**2 + 1) - 1, rtol=1e-13
    )
    np.testing.assert_allclose(
        barron(E_Y, E_PRED, alpha=-2.0, scale=scale)[0], 2 * x**2 / (x**2 + 4), rtol=1e-13
    )
    np.testing.assert_allclose(
        barron(E_Y, E_PRED, alpha=-math.inf, scale=scale)[0], 1 - np.exp(-(x**2) / 2)
    )


@pytest.mark.parametrize(
    ("limit", "near"), [(0.0, 1e-9), (0.0, -1e-9), (2.0, 2 - 1e-9), (-math.inf, -1e12)]
)
def test_barron_is_continuous_at_its_limits(limit, near):
    barron = get("barron", "regression")
    v_lim, g_lim = barron(E_Y, E_PRED, alpha=limit)
    v_near, g_near = barron(E_Y, E_PRED, alpha=near)
    np.testing.assert_allclose(v_near, v_lim, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(g_near, g_lim, rtol=1e-7, atol=1e-12)


ELEMENTWISE = [(loss, p) for loss, p in REG if loss.elementwise]  # not cosine: whole vectors


@pytest.mark.parametrize(("loss", "params"), ELEMENTWISE, ids=grid_ids(ELEMENTWISE))
def test_multi_output_regression_is_the_mean_over_outputs(loss, params):
    y = E_Y.reshape(10, 4)
    pred = E_PRED.reshape(10, 4)
    v, g = loss(y, pred, **params)
    columns = [loss(y[:, j], pred[:, j], **params) for j in range(4)]
    np.testing.assert_allclose(v, np.mean([c[0] for c in columns], axis=0), rtol=1e-14)
    np.testing.assert_allclose(g, np.column_stack([c[1] for c in columns]) / 4, rtol=1e-14)


def test_cosine_is_scale_invariant_and_its_gradient_orthogonal_to_the_prediction():
    cos = get("cosine", "regression")
    y = RNG.normal(size=(6, 3))
    pred = RNG.normal(size=(6, 3))
    v, g = cos(y, pred)
    v7, g7 = cos(5 * y, 7 * pred)
    np.testing.assert_allclose(v7, v, rtol=1e-14)
    np.testing.assert_allclose(g7, g / 7, rtol=1e-13)
    np.testing.assert_allclose(np.sum(g * pred, axis=1), 0.0, atol=1e-14)


# --------------------------------------------------------------------------- float32


@pytest.mark.parametrize(("loss", "params"), CASES, ids=grid_ids(CASES))
def test_fn_works_on_float32_and_keeps_the_dtype(loss, params):
    if loss.task == "classification":
        y, raw = Y, Z
    else:
        y, raw = E_Y.reshape(20, 2), E_PRED.reshape(20, 2)
    hyper = {**loss.defaults, **params}
    v64, g64 = loss.fn(y, raw, **hyper)
    y32 = y if loss.task == "classification" else y.astype(np.float32)
    v32, g32 = loss.fn(y32, raw.astype(np.float32), **hyper)
    assert v32.dtype == np.float32 and g32.dtype == np.float32
    np.testing.assert_allclose(v32, v64, rtol=2e-4, atol=1e-4)
    np.testing.assert_allclose(g32, g64, rtol=2e-4, atol=1e-4)
    ve, ge = loss.evaluate(y32, raw.astype(np.float32), **params)  # defaults + d-averaging
    assert ve.shape == (raw.shape[0],) and ge.dtype == np.float32


# --------------------------------------------------------------------------- honest flags


def _pairs(loss: losses.Loss, rng: np.random.Generator, n: int = 4000):
    """Random pairs of raw outputs for one fixed target, wide enough to expose non-convexity."""
    if loss.task == "classification":
        y = np.zeros(n, dtype=int)
        return y, rng.normal(0, 4, size=(n, 3)), rng.normal(0, 4, size=(n, 3))
    if not loss.elementwise:
        y = np.tile([1.0, 2.0, -1.0], (n, 1))
        return y, rng.normal(0, 3, size=(n, 3)), rng.normal(0, 3, size=(n, 3))
    y = np.full(n, 1.0)
    return y, rng.uniform(-30, 30, size=n), rng.uniform(-30, 30, size=n)


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_convex_flag_is_honest(loss):
    # convex: f(midpoint) <= mean of the ends for every pair; not convex: a pair that violates it
    y, a, b = _pairs(loss, np.random.default_rng(0))
    fa, fb, fm = loss(y, a)[0], loss(y, b)[0], loss(y, (a + b) / 2)[0]
    gap = fm - (fa + fb) / 2
    tol = 1e-9 * (1 + np.abs(fa) + np.abs(fb))
    if loss.properties["convex"]:
        assert np.all(gap <= tol)
    else:
        assert np.any(gap > 1e-6)


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_bounded_gradient_flag_is_honest(loss):
    # gradient over logits up to ±1e4 / residuals up to ±1e6, for every target: a target of
    # 1, one near 0 (MAPE divides by it) and a huge one (MSLE's pull grows as log(1 + y)),
    # each with the prediction 0 too: bounded or not
    rng = np.random.default_rng(1)
    if loss.task == "classification":
        z = np.vstack([rng.normal(0, 3, (50, 3)), EXTREME_LOGITS])
        grad = loss(np.zeros(len(z), dtype=int), z)[1]
    elif loss.elementwise:
        e = np.concatenate([rng.normal(0, 3, 50), [1e6, -1e6, 1e3, -1e3]])
        y = np.repeat([1.0, 1e-6, 1e300], len(e) + 1)
        pred = np.concatenate([np.append(t + e, 0.0) for t in (1.0, 1e-6, 1e300)])
        with np.errstate(over="ignore", invalid="ignore"):  # values of 1e600 are inf
            grad = loss(y, pred)[1]
    else:
        pred = np.vstack([rng.normal(0, 3, (50, 2)), [[1e-6, 0], [0, -1e-6], [1e6, 1e6]]])
        grad = loss(np.tile([1.0, 2.0], (len(pred), 1)), pred)[1]
    biggest = float(np.abs(grad).max())
    if loss.properties["bounded_gradient"]:
        assert biggest <= 200.0  # 100 / |y| for mape with y = 1; 2 for most
    else:
        assert biggest > 1e3


@pytest.mark.parametrize(
    "loss",
    [x for x in losses.all_losses() if x.task == "regression"],
    ids=lambda x: f"regression/{x.name}",
)
def test_regression_robust_flag_is_honest(loss):
    # robust: an outlier (residual 1e6, a target 1e6 away or a target near 0) pulls at most
    # 10x a typical sample (residual 3); not robust: it pulls more
    def pull(y, pred):
        if not loss.elementwise:
            y, pred = np.array([[y, 1.0]]), np.array([[pred, 1.0]])
        else:
            y, pred = np.array([y]), np.array([pred])
        return float(np.abs(loss(y, pred)[1]).max())

    typical = max(pull(1.0, 4.0), pull(1.0, -2.0))
    # a target near 0 is an outlier for a relative loss: MAPE pulls it with 100 / |y|
    outlier = max(pull(1.0, 1e6), pull(1.0, -1e6), pull(1e6, 1.0), pull(1e6, 0.0), pull(1e-6, 1.0))
    assert (outlier <= 10 * typical) == loss.properties["robust"]


@pytest.mark.parametrize(
    "loss",
    [x for x in losses.all_losses() if x.task == "classification"],
    ids=lambda x: f"classification/{x.name}",
)
def test_classification_robust_only_if_bounded(loss):
    # noise tolerance needs a bounded loss (Ghosh et al. 2017): robust => bounded;
    # an unbounded loss (CE: 2e4 at the extremes) must not claim robustness
    worst = float(loss(np.array([0]), np.array([[-1e4, 1e4, 0.0]]))[0][0])
    if loss.properties["robust"]:
        assert worst <= 1 / 0.05 + 1e-9  # gce's 1/q with q >= 0.05; mae's 2
    if worst > 100:
        assert not loss.properties["robust"]


@pytest.mark.parametrize(
    "loss",
    [x for x in losses.all_losses() if x.task == "classification"],
    ids=lambda x: f"classification/{x.name}",
)
def test_classification_robust_flag_is_ghosh_symmetry(loss):
    # PROPERTIES: robust (classification) = symmetric in Ghosh et al.'s sense: the loss summed
    # over every possible label is one constant for all logits. GCE is bounded but not
    # symmetric (the sum moves with z), so it is not flagged; CE is not even bounded
    rng = np.random.default_rng(3)
    z = np.vstack([rng.normal(0, 3, size=(200, 3)), [[0.0, 0.0, 0.0], [8.0, -8.0, 0.0]]])
    totals = sum(loss(np.full(len(z), t), z)[0] for t in range(3))
    spread = float(totals.max() - totals.min())
    if loss.properties["robust"]:
        assert spread < 1e-12 * max(1.0, float(totals.max()))
    else:
        assert spread > 0.1


def test_gce_is_bounded_by_one_over_q_but_not_symmetric():
    # its docstring: bounded by 1/q (a mislabelled point costs at most that), not symmetric
    gce = losses.get("gce", "classification")
    z = np.array([[-1e4, 1e4, 0.0], [0.0, 0.0, 0.0], [5.0, -5.0, 0.0]])
    for q in (0.05, 0.7):
        assert gce(np.zeros(3, dtype=int), z, q=q)[0].max() <= 1 / q
        totals = sum(gce(np.full(3, t), z, q=q)[0] for t in range(3))
        assert totals.max() - totals.min() > 0.05


@pytest.mark.parametrize(
    "loss",
    [x for x in losses.all_losses() if x.task == "classification"],
    ids=lambda x: f"classification/{x.name}",
)
def test_calibrated_flag_is_honest(loss):
    # minimise the expected loss sum_t eta_t L(t, z) over z by gradient descent: a strictly
    # proper loss lands on eta, read as the loss reads its output (the softmax, or the raw
    # outputs for square loss on logits); the others land elsewhere
    eta = np.array([0.6, 0.3, 0.1])
    z = np.zeros(3)
    labels = np.arange(3)  # one row per possible label, all with the same logits
    for _ in range(1000):
        z = z - 0.5 * eta @ loss.evaluate(labels, np.tile(z, (3, 1)))[1]
    read = softmax(z) if loss.is_margin else loss.probabilities(z[None, :])[0]
    error = float(np.abs(read - eta).max())
    if loss.properties["calibrated"]:
        assert error < 1e-3
    else:
        assert error > 0.02


def test_square_loss_on_logits_is_calibrated_raw_and_not_through_a_softmax():
    # its expected-loss minimiser is z = eta itself; the softmax of those numbers in [0, 1]
    # is pulled towards uniform, so reading it through a softmax misstates every probability
    loss = losses.get("square_logits", "classification")
    eta = np.array([0.6, 0.3, 0.1])
    z = np.zeros(3)
    for _ in range(200):
        z = z - 0.25 * eta @ loss.evaluate(np.arange(3), np.tile(z, (3, 1)))[1]
    np.testing.assert_allclose(z, eta, atol=1e-12)
    np.testing.assert_allclose(loss.probabilities(z[None])[0], eta, atol=1e-12)
    through_softmax = softmax(z)
    assert through_softmax.max() < 0.45 and through_softmax.min() > 0.25  # near 1/3 each


def test_focal_minimiser_is_under_confident():
    # its docstring: not strictly proper, its minimiser under-confident
    loss = losses.get("focal", "classification")
    eta = np.array([0.6, 0.3, 0.1])
    z = np.zeros(3)
    for _ in range(3000):
        z = z - 0.5 * eta @ loss.evaluate(np.arange(3), np.tile(z, (3, 1)))[1]
    p = softmax(z)
    assert p.max() < eta.max() - 0.02 and p.min() > eta.min() + 0.02


def test_regression_losses_never_claim_calibration():
    assert not any(
        x.properties["calibrated"] for x in losses.all_losses() if x.task == "regression"
    )


def test_log_softmax_used_everywhere_keeps_cross_entropy_exact_for_a_dominant_class():
    # 1 - p_t = e^-40 is far below float64's resolution of 1: -log p_t must still be e^-40
    z = np.array([[40.0, 0.0]])
    assert get("cross_entropy")(np.array([0]), z)[0][0] == pytest.approx(math.exp(-40), rel=1e-14)
    assert log_softmax(z)[0, 0] == pytest.approx(-math.exp(-40), rel=1e-14)


def _slider_corners(loss: losses.Loss) -> list[dict[str, float]]:
    """Every combination of the slider ends (and the allowed limits such as alpha = -inf, 10)."""
    corners: list[dict[str, float]] = [{}]
    for h in loss.hyperparameters:
        ends = {h.ui_low, h.ui_high, h.default}
        ends |= {v for v in (h.low, h.high) if math.isfinite(v) or v == -math.inf}
        ends = {v for v in ends if not _refused(h, v)}
        corners = [{**c, h.name: v} for c in corners for v in sorted(ends)]
    return corners


def _refused(h: losses.Hyperparameter, v: float) -> bool:
    try:
        h.check(v, "test")
    except ValueError:
        return True
    return False


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_finite_at_every_slider_corner_and_allowed_limit(loss):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for params in _slider_corners(loss):
            if loss.task == "classification":
                values, grad = loss(EXTREME_LABELS, EXTREME_LOGITS, **params)
            elif loss.elementwise:
                values, grad = loss(EXTREME_Y, EXTREME_PRED, **params)
            else:
                values, grad = loss(EXTREME_Y.reshape(3, 2), EXTREME_PRED.reshape(3, 2))
            assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad)), params


def _kink_candidates(loss: losses.Loss) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(y, raw, direction): points where some loss has a kink (residual 0, every residual
    scale, a Crammer–Singer slack of 0, tied logits, a zero row, a prediction at 0)."""
    if loss.task == "classification":
        rows = [
            ([1.0, 0.0, -2.0], 0),
            ([0.5, 0.0, 0.0], 0),
            ([0.0, 0.0, 0.0], 1),
            ([2.0, 1.0, 0.5], 0),
        ]
        out = []
        for z, t in rows:
            for d in ([-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, 0.5]):
                out.append((np.array([t]), np.array([z]), np.array([d])))
        return out
    if not loss.elementwise:
        y = np.array([[1.0, 2.0]])
        return [(y, np.array([[0.0, 0.0]]), np.array([d])) for d in ([1.0, 0.0], [0.3, -1.0])]
    scales = {v for g in loss.grid for v in g.values() if math.isfinite(v) and v > 0}
    scales |= {1.0, math.sqrt(2.0)} | {h.default for h in loss.hyperparameters if h.default > 0}
    return [
        (np.array([1.0]), np.array([1.0 + s * e]), np.array([1.0]))
        for e in (-1.0, 0.0, 1.0)
        for s in sorted(scales)
    ] + [(np.array([1.0]), np.array([0.0]), np.array([1.0]))]  # MSLE's clip at prediction 0


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_differentiable_flag_is_honest(loss):
    # PROPERTIES: differentiable everywhere (no kink): one-sided slopes agree at every point
    # where any loss has a kink; not differentiable: they differ (or blow up) at one of them
    jumps = []
    for y, raw, d in _kink_candidates(loss):
        h = 1e-7
        f0 = loss(y, raw)[0][0]
        right = (loss(y, raw + h * d)[0][0] - f0) / h
        left = (f0 - loss(y, raw - h * d)[0][0]) / h
        blows_up = max(abs(left), abs(right)) > 1e5  # no finite slope (cosine at a zero row)
        jumps.append(1.0 if blows_up else abs(right - left) / (1.0 + abs(right)))
    if loss.properties["differentiable"]:
        assert max(jumps) < 1e-4
    else:
        assert max(jumps) > 0.05
