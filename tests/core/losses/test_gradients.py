"""Exact gradients: central finite differences for every registered loss, and the subgradients.

Values of sample ``i`` depend only on row ``i``, so perturbing one column of every row at once
gives all partial derivatives of that column in two evaluations.
"""

from __future__ import annotations

import numpy as np
import pytest
from loss_cases import (
    GRID,
    grid_cases,
    grid_ids,
    logits_away_from_kinks,
    regression_away_from_kinks,
)

from core import losses

H = 1e-6


def numeric_grad(loss: losses.Loss, y, raw: np.ndarray, params) -> np.ndarray:
    """Central differences :math:`(L(x + h) - L(x - h)) / 2h` per raw entry."""
    grad = np.zeros_like(raw)
    flat = raw.reshape(raw.shape[0], -1)
    for j in range(flat.shape[1]):
        step = np.zeros_like(flat)
        step[:, j] = H
        up, _ = loss(y, (flat + step).reshape(raw.shape), **params)
        down, _ = loss(y, (flat - step).reshape(raw.shape), **params)
        grad.reshape(raw.shape[0], -1)[:, j] = (up - down) / (2 * H)
    return grad


def assert_grad_matches(loss, y, raw, params):
    _, grad = loss(y, raw, **params)
    assert grad.shape == raw.shape
    expected = numeric_grad(loss, y, raw, params)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-7 * scale)


def test_grid_covers_every_loss_and_every_hyperparameter():
    for loss in losses.all_losses():
        settings = GRID[(loss.task, loss.name)]
        varied = {name for params in settings for name in params}
        assert varied == set(loss.defaults), loss


CLS = grid_cases("classification")
REG = grid_cases("regression")


@pytest.mark.parametrize("k", [2, 3, 5], ids=lambda k: f"K{k}")
@pytest.mark.parametrize(("loss", "params"), CLS, ids=grid_ids(CLS))
def test_classification_gradient_matches_finite_differences(loss, params, k):
    rng = np.random.default_rng(k)
    z, y = logits_away_from_kinks(rng, 12, k)
    assert_grad_matches(loss, y, z, params)


SOFT = [(loss, p) for loss, p in CLS if loss.soft_targets]


@pytest.mark.parametrize(("loss", "params"), SOFT, ids=grid_ids(SOFT))
def test_soft_target_gradient_matches_finite_differences(loss, params):
    rng = np.random.default_rng(7)
    z = rng.normal(0, 2, size=(10, 4))
    q = rng.dirichlet(np.ones(4), size=10)
    assert_grad_matches(loss, q, z, params)


@pytest.mark.parametrize("shape", [(15,), (8, 3)], ids=["n", "n-by-d"])
@pytest.mark.parametrize(("loss", "params"), REG, ids=grid_ids(REG))
def test_regression_gradient_matches_finite_differences(loss, params, shape):
    rng = np.random.default_rng(len(shape))
    if not loss.elementwise:  # cosine: vectors only
        shape = (8, 3)
        y, pred = rng.normal(size=shape), rng.normal(size=shape)
    else:
        y, pred = regression_away_from_kinks(rng, shape)
    assert_grad_matches(loss, y, pred, params)


# --------------------------------------------------------------------------- kinks
# The chosen subgradient at each kink: (y, raw, params, expected gradient, comment).


def one_sided(loss, y, raw, params, direction):
    """One-sided derivatives ``(left, right)`` of sample 0 along ``direction``."""
    h = 1e-7
    f0 = loss(y, raw, **params)[0][0]
    right = (loss(y, raw + h * direction, **params)[0][0] - f0) / h
    left = (f0 - loss(y, raw - h * direction, **params)[0][0]) / h
    return left, right


KINKS = [
    # regression: residual exactly at the kink
    ("regression", "mae", {}, [1.0], [1.0], [0.0], "sign(0) = 0"),
    ("regression", "mape", {}, [2.0], [2.0], [0.0], "sign(0) = 0"),
    ("regression", "pinball", {"quantile": 0.5}, [1.0], [1.0], [0.0], "1/2 - tau"),
    ("regression", "pinball", {"quantile": 0.9}, [1.0], [1.0], [-0.4], "1/2 - tau"),
    ("regression", "pinball", {"quantile": 0.2}, [1.0], [1.0], [0.3], "1/2 - tau"),
    ("regression", "epsilon_insensitive", {"epsilon": 0.5}, [1.0], [1.5], [0.0], "tube edge"),
    ("regression", "epsilon_insensitive", {"epsilon": 0.5}, [1.0], [0.5], [0.0], "tube edge"),
    ("regression", "epsilon_insensitive", {"epsilon": 0.0}, [1.0], [1.0], [0.0], "sign(0)"),
    ("regression", "msle", {}, [np.e - 1], [0.0], [-2.0], "right derivative at 0"),
    ("regression", "msle", {}, [np.e - 1], [-3.0], [0.0], "clipped: flat"),
    # classification: margin exactly at the hinge point, and ties
    ("classification", "hinge", {}, [0], [[1.0, 0.0, -2.0]], [[0.0, 0.0, 0.0]], "m = margin"),
    ("classification", "hinge", {}, [0], [[0.5, 0.0, 0.0]], [[-1.0, 1.0, 0.0]], "first tie"),
    ("classification", "squared_hinge", {}, [0], [[1.0, 0.0, -2.0]], [[0.0, 0.0, 0.0]], "smooth"),
    (
        "classification",
        "multi_margin",
        {},
        [0],
        [[1.0, 0.0, 0.5]],
        [[-1 / 3, 0.0, 1 / 3]],
        "the term with slack exactly 0 gets 0",
    ),
]


#: A kink case's fields, and its test id (task/loss[hyperparameters]-why).
KINK_FIELDS = ("task", "name", "params", "y", "raw", "expected", "why")


def kink_id(k: tuple) -> str:
    return f"{k[0]}/{k[1]}[{','.join(f'{a}={b:g}' for a, b in k[2].items())}]-{k[6]}"


@pytest.mark.parametrize(KINK_FIELDS, KINKS, ids=[kink_id(k) for k in KINKS])
def test_subgradient_at_kink(task, name, params, y, raw, expected, why):
    loss = losses.get(name, task)
    _, grad = loss(np.array(y), np.array(raw, dtype=float), **params)
    np.testing.assert_allclose(grad, expected, atol=1e-15)


def test_every_kinked_loss_has_a_kink_test():
    kinked = {(loss.task, loss.name) for loss in losses.all_losses()}
    kinked = {key for key in kinked if not losses.get(key[1], key[0]).properties["differentiable"]}
    tested = {(k[0], k[1]) for k in KINKS}
    assert kinked - {("regression", "cosine")} <= tested  # cosine: see test_cosine_at_zero


CONVEX_KINKS = [k for k in KINKS if losses.get(k[1], k[0]).properties["convex"]]


@pytest.mark.parametrize(KINK_FIELDS, CONVEX_KINKS, ids=[kink_id(k) for k in CONVEX_KINKS])
def test_subgradient_lies_between_one_sided_derivatives(task, name, params, y, raw, expected, why):
    # for a convex loss a subgradient g satisfies left <= g . d <= right along every direction d
    loss = losses.get(name, task)
    raw = np.array(raw, dtype=float)
    _, grad = loss(np.array(y), raw, **params)
    rng = np.random.default_rng(0)
    for _ in range(20):
        d = rng.normal(size=raw.shape)
        left, right = one_sided(loss, np.array(y), raw, params, d)
        slope = float(np.sum(grad * d))
        assert left - 1e-6 <= slope <= right + 1e-6


@pytest.mark.parametrize(
    ("name", "params", "e"),
    [
        ("mae", {}, 0.0),
        ("epsilon_insensitive", {"epsilon": 0.3}, 0.3),
        ("pinball", {"quantile": 0.3}, 0.0),
        ("mape", {}, 0.0),
    ],
    ids=["mae", "epsilon_insensitive", "pinball", "mape"],
)
def test_kinks_are_real(name, params, e):
    # the losses flagged non-differentiable really have different one-sided slopes there
    loss = losses.get(name, "regression")
    left, right = one_sided(loss, np.array([1.0]), np.array([1.0 + e]), params, np.array([1.0]))
    assert right - left > 0.1


def test_hinge_kink_is_real_and_squared_hinge_is_smooth_there():
    z, y, d = np.array([[1.0, 0.0, -2.0]]), np.array([0]), np.array([[-1.0, 0.0, 0.0]])
    left, right = one_sided(losses.get("hinge", "classification"), y, z, {}, d)
    assert (left, right) == pytest.approx((0.0, 1.0), abs=1e-6)
    left, right = one_sided(losses.get("squared_hinge", "classification"), y, z, {}, d)
    assert (left, right) == pytest.approx((0.0, 0.0), abs=1e-6)


def test_huber_and_smooth_l1_are_smooth_at_their_switch():
    for name, params in [("huber", {"delta": 0.7}), ("smooth_l1", {"beta": 0.7})]:
        loss = losses.get(name, "regression")
        left, right = one_sided(loss, np.array([0.0]), np.array([0.7]), params, np.array([1.0]))
        assert left == pytest.approx(right, abs=1e-6)
        assert loss(np.array([0.0]), np.array([0.7]), **params)[1][0] == pytest.approx(right)


def test_cosine_at_zero_vectors_is_value_0_gradient_0():
    loss = losses.get("cosine", "regression")
    y = np.array([[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]])
    pred = np.array([[0.0, 0.0], [3.0, -1.0], [0.0, 0.0]])
    values, grad = loss(y, pred)
    assert values.tolist() == [0.0, 0.0, 0.0]
    assert grad.tolist() == [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
