"""Hand-computed loss values (with where each number comes from) and scikit-learn parity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics

from core import losses
from core._numerics import softmax


def get(name: str, task: str = "classification") -> losses.Loss:
    return losses.get(name, task)


# --------------------------------------------------------------------------- seed articles


def logits_of(probabilities) -> np.ndarray:
    """Logits whose softmax is ``probabilities`` (one row)."""
    return np.log(np.atleast_2d(np.asarray(probabilities, dtype=float)))


@pytest.mark.parametrize(
    ("y1", "mse_grad", "ce_grad"),
    [(0, 0.512, 0.8), (1, -0.128, -0.2)],
    ids=["y1=0", "y1=1"],
)
def test_seed_000_gradients_through_softmax(y1, mse_grad, ce_grad):
    # seed 000_e08f18f0f940bc66.txt: a = [0.8, 0.2]; dL/dz1 = 4 a1 a2 (a1 - y1) for MSE and
    # a1 - y1 for CE: 4 * 0.8 * 0.2 * 0.8 = 0.512, 4 * 0.8 * 0.2 * (-0.2) = -0.128
    z = logits_of([0.8, 0.2])
    label = np.array([0 if y1 == 1 else 1])  # y1 is the one-hot entry of class 0
    _, g_mse = get("mse")(label, z)
    _, g_ce = get("cross_entropy")(label, z)
    assert g_mse[0, 0] == pytest.approx(mse_grad, abs=1e-12)
    assert g_ce[0, 0] == pytest.approx(ce_grad, abs=1e-12)
    assert g_mse[0, 0] == pytest.approx(4 * 0.8 * 0.2 * (0.8 - y1), abs=1e-12)


def test_seed_002_mse_prefers_uniform_wrong_classes_and_ce_does_not_care():
    # seed 002_392c063690c257c5.txt: label [1, 0, 0]; MSE of [0.8, 0.1, 0.1] is
    # 0.2^2 + 0.1^2 + 0.1^2 = 0.060 and of [0.8, 0.15, 0.05] is 0.04 + 0.0225 + 0.0025 = 0.065;
    # CE is -ln 0.8 = 0.2231 for both
    z = np.vstack([logits_of([0.8, 0.1, 0.1]), logits_of([0.8, 0.15, 0.05])])
    y = np.array([0, 0])
    mse, _ = get("mse")(y, z)
    ce, _ = get("cross_entropy")(y, z)
    np.testing.assert_allclose(mse, [0.060, 0.065], atol=1e-12)
    np.testing.assert_allclose(ce, [-math.log(0.8)] * 2, atol=1e-12)
    assert round(ce[0], 3) == 0.223


def test_seed_000_softmax_shift_invariance_zeroes_the_ce_gradient():
    # seed 000, discussion 2: G = [1, 2] and z = [2, 3] give the same softmax, so CE against
    # softmax(G) has zero gradient (and KL zero value) although z != G
    q = softmax(np.array([[1.0, 2.0]]))
    z = np.array([[2.0, 3.0]])
    _, grad = get("cross_entropy")(q, z)
    kl, _ = get("kl_div")(q, z)
    np.testing.assert_allclose(grad, 0.0, atol=1e-15)
    assert kl[0] == pytest.approx(0.0, abs=1e-15)


# --------------------------------------------------------------------------- hand-computed


CLS_VALUES = [
    # (name, params, label, probabilities or logits, expected, source)
    (
        "cross_entropy",
        {"label_smoothing": 0.2},
        0,
        [0.8, 0.2],
        0.9 * -math.log(0.8) + 0.1 * -math.log(0.2),
        "q = 0.8 [1, 0] + 0.2 / 2 = [0.9, 0.1]",
    ),
    (
        "focal",
        {"gamma": 2.0},
        0,
        [0.9, 0.1],
        -(0.1**2) * math.log(0.9),
        "Lin et al. 2017 eq. 4 with p_t = 0.9: 0.01 * 0.10536",
    ),
    (
        "gce",
        {"q": 0.7},
        0,
        [0.5, 0.5],
        (1 - 0.5**0.7) / 0.7,
        "Zhang & Sabuncu 2018 eq. 6 with p_t = 0.5: 0.54918",
    ),
    ("mae", {}, 1, [0.7, 0.2, 0.1], 1.6, "|0.7| + |0.2 - 1| + |0.1| = 2 (1 - 0.2)"),
    (
        "kl_div",
        {"label_smoothing": 0.5},
        0,
        [0.8, 0.2],
        0.75 * math.log(0.75 / 0.8) + 0.25 * math.log(0.25 / 0.2),
        "q = [0.75, 0.25]: 0.007382",
    ),
]


@pytest.mark.parametrize(
    ("name", "params", "label", "probs", "expected", "source"),
    CLS_VALUES,
    ids=[f"{c[0]}-{c[5][:20]}" for c in CLS_VALUES],
)
def test_classification_hand_values(name, params, label, probs, expected, source):
    values, _ = get(name)(np.array([label]), logits_of(probs), **params)
    assert values[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)


LOGIT_VALUES = [
    # Crammer–Singer: margin m = z_t - max_{j != t} z_j
    ("hinge", {}, 1, [2.0, 1.0, 0.5], 2.0, "m = 1 - 2 = -1, max(0, 1 - (-1)) = 2"),
    ("hinge", {"margin": 3.0}, 0, [2.0, 1.0, 0.5], 2.0, "m = 1, max(0, 3 - 1) = 2"),
    ("squared_hinge", {}, 1, [2.0, 1.0, 0.5], 4.0, "2^2"),
    # Weston–Watkins / K: (1/3) (max(0, 1 - 1 + 2) + max(0, 1 - 1 + 0.5)) = 2.5 / 3
    ("multi_margin", {}, 1, [2.0, 1.0, 0.5], 2.5 / 3, "torch MultiMarginLoss docs formula"),
    ("square_logits", {}, 0, [2.0, 1.0, 0.5], 1.0 + 1.0 + 0.25, "(2-1)^2 + 1^2 + 0.5^2"),
]


@pytest.mark.parametrize(
    ("name", "params", "label", "z", "expected", "source"),
    LOGIT_VALUES,
    ids=[f"{c[0]}-{c[5][:16]}" for c in LOGIT_VALUES],
)
def test_classification_hand_values_on_logits(name, params, label, z, expected, source):
    values, _ = get(name)(np.array([label]), np.array([z]), **params)
    assert values[0] == pytest.approx(expected, rel=1e-14)


def test_cosine_hand_values():
    # Keras CosineSimilarity sign: -cos; [1, 0] vs [1, 1] is 45 degrees
    y = np.array([[1.0, 0.0], [1.0, 2.0], [1.0, 2.0]])
    pred = np.array([[1.0, 1.0], [2.0, 4.0], [-1.0, -2.0]])
    values, _ = get("cosine", "regression")(y, pred)
    np.testing.assert_allclose(values, [-1 / math.sqrt(2), -1.0, 1.0], rtol=1e-15)


# --------------------------------------------------------------------------- scikit-learn


@pytest.fixture
def classification_data():
    rng = np.random.default_rng(42)
    z = rng.normal(0, 2, size=(50, 4))
    y = np.concatenate([np.arange(4), rng.integers(0, 4, size=46)])
    return y, z


def test_cross_entropy_mean_is_sklearn_log_loss(classification_data):
    y, z = classification_data
    values, _ = get("cross_entropy")(y, z)
    assert values.mean() == pytest.approx(metrics.log_loss(y, softmax(z)), rel=1e-12)


def test_mse_mean_is_sklearn_multiclass_brier_score(classification_data):
    y, z = classification_data
    values, _ = get("mse")(y, z)
    expected = metrics.brier_score_loss(y, softmax(z), labels=range(4), scale_by_half=False)
    assert values.mean() == pytest.approx(expected, rel=1e-12)


def test_hinge_mean_is_sklearn_multiclass_hinge_loss(classification_data):
    y, z = classification_data
    values, _ = get("hinge")(y, z)
    assert values.mean() == pytest.approx(metrics.hinge_loss(y, z, labels=range(4)), rel=1e-12)


def test_hinge_with_two_classes_is_sklearn_binary_hinge_loss():
    rng = np.random.default_rng(3)
    f = rng.normal(0, 2, size=40)  # one decision value, positive class 1
    y_pm = rng.choice([-1, 1], size=40)
    z = np.column_stack([np.zeros(40), f])
    values, _ = get("hinge")((y_pm + 1) // 2, z)
    assert values.mean() == pytest.approx(metrics.hinge_loss(y_pm, f), rel=1e-12)
    np.testing.assert_allclose(values, np.maximum(0, 1 - y_pm * f), rtol=1e-15)


@pytest.fixture(params=[(60,), (30, 3)], ids=["n", "n-by-d"])
def regression_data(request):
    rng = np.random.default_rng(5)
    y = rng.uniform(0.1, 5.0, size=request.param)
    pred = np.abs(y + rng.normal(0, 1.5, size=request.param))
    return y, pred


@pytest.mark.parametrize(
    ("name", "params", "metric", "factor"),
    [
        ("mse", {}, metrics.mean_squared_error, 1.0),
        ("mae", {}, metrics.mean_absolute_error, 1.0),
        ("msle", {}, metrics.mean_squared_log_error, 1.0),
        ("mape", {}, metrics.mean_absolute_percentage_error, 100.0),
        ("pinball", {"quantile": 0.5}, lambda y, p: metrics.mean_pinball_loss(y, p), 1.0),
        (
            "pinball",
            {"quantile": 0.1},
            lambda y, p: metrics.mean_pinball_loss(y, p, alpha=0.1),
            1.0,
        ),
        (
            "pinball",
            {"quantile": 0.8},
            lambda y, p: metrics.mean_pinball_loss(y, p, alpha=0.8),
            1.0,
        ),
    ],
    ids=[
        "mean_squared_error",
        "mean_absolute_error",
        "mean_squared_log_error",
        "mean_absolute_percentage_error_x100",
        "mean_pinball_loss",
        "mean_pinball_loss-0.1",
        "mean_pinball_loss-0.8",
    ],
)
def test_regression_mean_matches_sklearn_metric(regression_data, name, params, metric, factor):
    y, pred = regression_data
    values, _ = get(name, "regression")(y, pred, **params)
    assert values.mean() == pytest.approx(factor * metric(y, pred), rel=1e-12)


# --------------------------------------------------------------------------- the cards' own values

CARD_EXAMPLES = [(loss, ex) for loss in losses.all_losses() for ex in loss.examples]


@pytest.mark.parametrize(
    ("loss", "example"),
    CARD_EXAMPLES,
    ids=[f"{x.task}/{x.name}-{ex.source[:28]}" for x, ex in CARD_EXAMPLES],
)
def test_hand_values_on_the_card(loss, example):
    # a loss's card carries hand-computed values with their source (its reference when it
    # has no PyTorch counterpart); value and gradient of one sample
    y, raw = np.array([example.y]), np.array([example.raw], dtype=float)
    if loss.task == "classification":
        y = y.astype(int)
    values, grad = loss(y, raw, **example.params)
    assert values[0] == pytest.approx(example.value, rel=1e-13, abs=1e-300)
    if example.grad is not None:
        np.testing.assert_allclose(grad[0], example.grad, rtol=1e-13, atol=1e-300)
