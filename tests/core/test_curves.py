"""``core.curves``: curves come from the registry; "who gets the gradient" weights are right.

Analytic weights (K = 2, logits [0, m], p_t = sigmoid(m)), derived by hand:
CE ``L = -log p_t``: dL/dp_t = -1/p_t, dL/dm = -(1 - p_t);
MSE ``L = sum_k (p_k - Y_k)^2 = 2 (1 - p_t)^2``: dL/dp_t = -4 (1 - p_t), dL/dm = -4 p_t (1 - p_t)^2;
MAE ``L = sum_k |p_k - Y_k| = 2 (1 - p_t)``: dL/dp_t = -2, dL/dm = -2 p_t (1 - p_t);
focal ``L = -(1 - p)^g log p``: dL/dp = g (1 - p)^(g-1) log p - (1 - p)^g / p (Lin et al. 2017);
GCE ``L = (1 - p^q) / q``: dL/dp = -p^(q - 1) (Zhang & Sabuncu 2018, eq. 4).
"""

from __future__ import annotations

import numpy as np
import pytest

from core import curves, losses

CLS = losses.names("classification")
REG = [n for n in losses.names("regression") if losses.get(n, task="regression").elementwise]
P = curves.p_grid(41, p_min=0.02)


def _hyper_cases(task: str, names: list[str]):
    """Every loss at its defaults and at the ends of each hyperparameter's UI range."""
    for n in names:
        loss = losses.get(n, task=task)
        yield pytest.param(n, {}, id=f"{n}-defaults")
        for h in loss.hyperparameters:
            for v in (h.ui_low, h.ui_high):
                if v is not None:
                    yield pytest.param(n, {h.name: v}, id=f"{n}-{h.name}={v:g}")


@pytest.mark.parametrize(("name", "params"), list(_hyper_cases("classification", CLS)))
def test_margin_curve_is_the_registered_loss_on_logits_0_m(name, params):
    m = np.array([-3.0, -0.4, 0.3, 2.5])
    values, grad = curves.margin_curve(name, m, params)
    v_ref, g_ref = losses.get(name, task="classification")(
        np.ones(4, dtype=int), np.column_stack([np.zeros(4), m]), **params
    )
    np.testing.assert_array_equal(values, v_ref)
    np.testing.assert_array_equal(grad, g_ref[:, 1])


@pytest.mark.parametrize(("name", "params"), list(_hyper_cases("classification", CLS)))
def test_margin_gradient_is_the_derivative_of_the_margin_value(name, params):
    # Margins away from the kinks of hinge-type losses (margin parameter 0.1, 1 or 3).
    m = np.array([-2.3, -0.55, 0.37, 1.63, 2.21])
    h = 1e-6
    v_plus, _ = curves.margin_curve(name, m + h, params)
    v_minus, _ = curves.margin_curve(name, m - h, params)
    _, grad = curves.margin_curve(name, m, params)
    np.testing.assert_allclose(grad, (v_plus - v_minus) / (2 * h), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(("name", "params"), list(_hyper_cases("regression", REG)))
def test_residual_gradient_is_the_derivative_of_the_residual_value(name, params):
    e = np.array([-2.3, -0.55, 0.37, 1.63, 2.21])
    h = 1e-6
    v_plus, _ = curves.residual_curve(name, e + h, params, target=1.5)
    v_minus, _ = curves.residual_curve(name, e - h, params, target=1.5)
    _, grad = curves.residual_curve(name, e, params, target=1.5)
    np.testing.assert_allclose(grad, (v_plus - v_minus) / (2 * h), rtol=1e-5, atol=1e-7)


def test_residual_curve_values_by_hand():
    e = np.array([-3.0, 0.5, 3.0])
    v, g = curves.residual_curve("mse", e)
    np.testing.assert_allclose(v, [9.0, 0.25, 9.0])
    np.testing.assert_allclose(g, [-6.0, 1.0, 6.0])
    v, g = curves.residual_curve("huber", e, {"delta": 1.0})
    np.testing.assert_allclose(v, [2.5, 0.125, 2.5])  # delta (|e| - delta / 2) and e^2 / 2
    np.testing.assert_allclose(g, [-1.0, 0.5, 1.0])


def test_cross_entropy_at_margin_3_by_hand():
    v, g = curves.margin_curve("cross_entropy", [3.0, -3.0])
    np.testing.assert_allclose(v, np.log1p(np.exp([-3.0, 3.0])))  # softplus(-m)
    np.testing.assert_allclose(g, -1 / (1 + np.exp([3.0, -3.0])))  # -(1 - sigmoid(m))
    assert round(g[0], 4) == -0.0474


@pytest.mark.parametrize("name", REG, ids=REG)
def test_only_msle_and_mape_depend_on_the_target(name):
    assert curves.depends_on_target(name) == (name in {"msle", "mape"})


@pytest.mark.parametrize(
    ("name", "dL_dp", "dL_dz"),
    [
        pytest.param("cross_entropy", 1 / P, 1 - P, id="cross_entropy"),
        pytest.param("mse", 4 * (1 - P), 4 * P * (1 - P) ** 2, id="mse"),
        pytest.param("mae", np.full_like(P, 2.0), 2 * P * (1 - P), id="mae"),
        pytest.param(
            "focal",
            np.abs(2 * (1 - P) * np.log(P) - (1 - P) ** 2 / P),
            np.abs(2 * (1 - P) * np.log(P) - (1 - P) ** 2 / P) * P * (1 - P),
            id="focal-gamma=2",
        ),
        pytest.param("gce", P ** (0.7 - 1), P**0.7 * (1 - P), id="gce-q=0.7"),
    ],
)
def test_weights_match_the_analytic_formulas(name, dL_dp, dL_dz):
    w_p, w_z = curves.target_probability_weights(name, P)
    np.testing.assert_allclose(w_p, dL_dp, rtol=1e-9)
    np.testing.assert_allclose(w_z, dL_dz, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(("name", "params"), list(_hyper_cases("classification", CLS)))
def test_weight_is_the_finite_difference_of_the_loss_in_p_t(name, params):
    # |dL/dp_t| against central differences of the registry's value as a function of p_t.
    p = np.array([0.07, 0.23, 0.41, 0.58, 0.83])
    p = p[np.all(np.abs(np.log(p / (1 - p))[:, None] - [0.1, 1.0, 3.0]) > 0.05, axis=1)]
    h = 1e-7

    def value(q):
        return curves.margin_curve(name, np.log(q / (1 - q)), params)[0]

    w_p, _ = curves.target_probability_weights(name, p, params)
    np.testing.assert_allclose(w_p, np.abs((value(p + h) - value(p - h)) / (2 * h)), rtol=1e-5)


def test_the_article_view_target_entry_only_differs_by_a_constant_factor():
    # Article 000: MSE on the target entry alone, (1 - p_t)^2, has weight 2 (1 - p_t); the full
    # K = 2 sum has 4 (1 - p_t): the same after normalisation.
    w_p, _ = curves.target_probability_weights("mse", P)
    np.testing.assert_allclose(curves.normalise(P, w_p), 2 * (1 - P), rtol=1e-6)


def test_normalise_divides_by_the_value_at_one_half():
    w_p, _ = curves.target_probability_weights("cross_entropy", P)
    rel = curves.normalise(P, w_p)
    assert 0.5 in P
    assert rel[P == 0.5][0] == pytest.approx(1.0)
    np.testing.assert_allclose(rel, 1 / (2 * P), rtol=1e-9)


def test_normalise_falls_back_to_the_maximum_when_the_reference_is_zero():
    x = np.array([0.1, 0.5, 0.9])
    np.testing.assert_allclose(curves.normalise(x, [4.0, 0.0, 2.0]), [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(curves.normalise(x, [0.0, 0.0, 0.0]), [0.0, 0.0, 0.0])


def test_peaks_of_the_logit_push():
    p = curves.p_grid(2001)
    _, ce = curves.target_probability_weights("cross_entropy", p)
    _, mse = curves.target_probability_weights("mse", p)
    _, mae = curves.target_probability_weights("mae", p)
    assert curves.peak(p, ce) == p[0]  # the hardest sample gets the biggest push
    assert curves.peak(p, mse) == pytest.approx(1 / 3, abs=2e-3)  # d/dp p(1-p)^2 = 0
    assert curves.peak(p, mae) == pytest.approx(0.5, abs=1e-12)


def test_p_grid_is_symmetric_and_sorted():
    p = curves.p_grid(11, p_min=0.01)
    assert p[0] == pytest.approx(0.01) and p[-1] == pytest.approx(0.99)
    np.testing.assert_allclose(p + p[::-1], 1.0)
    assert np.all(np.diff(p) > 0)


def test_extreme_margins_stay_finite():
    m = np.array([-1e4, 1e4])
    for name in CLS:
        v, g = curves.margin_curve(name, m)
        assert np.all(np.isfinite(v)) and np.all(np.isfinite(g)), name


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: curves.margin_curve("nope", [0.0]), "unknown classification loss", id="name"
        ),
        pytest.param(
            lambda: curves.margin_curve("cross_entropy", [[0.0]]),
            "margins must be a 1-D",
            id="shape",
        ),
        pytest.param(
            lambda: curves.residual_curve("mse", [np.nan]), "residuals must be finite", id="nan"
        ),
        pytest.param(
            lambda: curves.target_probability_weights("mae", [0.0, 0.5]), "p_t must lie", id="p=0"
        ),
        pytest.param(
            lambda: curves.margin_curve("focal", [0.0], {"gamma": -1}), "gamma", id="hyper"
        ),
        pytest.param(lambda: curves.p_grid(5, p_min=0.7), "p_min must be in", id="p_min"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
