"""The texts the Loss reference page shows are checked like code: each claim of a docstring or
a card's framework note is recomputed here, numerically where it states a number.

"X minimises it" claims name the arguments that make them true (an unpenalised fit); each is
checked against scikit-learn by the optimality of the stated objective at scikit-learn's
solution, and the defaults the notes warn about are read from scikit-learn itself. PyTorch
facts come from the reference fixture (``torch_facts``, measured by
``scripts/make_reference_values.py``), so this file needs no PyTorch.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq, minimize
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    QuantileRegressor,
    RidgeClassifier,
    SGDRegressor,
)
from sklearn.svm import SVR, LinearSVC, LinearSVR

from core import losses

FACTS = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "torch_reference.json").read_text()
)["torch_facts"]
RNG = np.random.default_rng(19)


def card(name: str, task: str = "regression") -> losses.Loss:
    return losses.get(name, task)


def doc(name: str, task: str = "regression") -> str:
    """The docstring as the page's Source tab shows it (the function's own source)."""
    return " ".join(inspect.getsource(card(name, task).fn).split())


# --------------------------------------------------------------------------- MSLE's bound


def _msle_sup_gradient(y: float) -> float:
    pred = np.concatenate([[0.0], np.expm1(np.linspace(0.0, 40.0, 400_001))])
    return float(np.abs(card("msle")(np.full(len(pred), y), pred)[1]).max())


@pytest.mark.parametrize("y", [0.0, 0.1, 0.3, 0.3211, 0.5, 1.0, 10.0, 1e3])
def test_msle_gradient_bound_in_the_docstring_is_the_supremum(y):
    # max(2 log(1 + y), 2 / (e (1 + y))): the old text's 2 log(1 + y) alone fails below 0.3211
    stated = max(2 * math.log1p(y), 2 / (math.e * (1 + y)))
    assert _msle_sup_gradient(y) == pytest.approx(stated, rel=1e-6)
    assert r"2 / (e\,(1 + y))" in doc("msle") and r"2\log(1 + y)" in doc("msle")


def test_msle_crossover_of_the_two_bounds_is_the_stated_0_3211():
    crossover = brentq(lambda y: math.log1p(y) - 1 / (math.e * (1 + y)), 0.0, 1.0)
    assert f"{crossover:.4f}" == "0.3211" and "y < 0.3211" in doc("msle")


# --------------------------------------------------------------------------- log-cosh overflow


def test_log_cosh_overflow_points_stated_for_pytorch_are_measured_ones():
    text = card("log_cosh").equivalents["pytorch"]
    measured = FACTS["log_cosh_naive_first_inf"]
    f32 = re.search(r"\|e\| ≈ (\d+) in float32 \(PyTorch's default dtype\)", text)
    f64 = re.search(r"\|e\| ≈ (\d+) in float64", text)
    assert f32 and int(f32.group(1)) == round(measured["float32"])  # 88.72
    assert f64 and int(f64.group(1)) == round(measured["float64"])  # 709.78
    assert measured["torch_default_dtype"] == "float32"
    # numpy's float32 / float64 cosh overflow at the same places, give or take a unit
    e = np.float32(measured["float32"] + 1.0)
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.cosh(e))) and np.isinf(np.log(np.cosh(711.0)))
    # and the stable form the text recommends (core's) stays finite there
    v, g = card("log_cosh")(np.zeros(2), np.array([1e3, -1e6]))
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(g))


# --------------------------------------------------------------------------- MAPE


def test_mape_is_symmetric_in_the_residual_for_a_fixed_target():
    mape = card("mape")
    y = RNG.uniform(0.5, 5.0, 50) * RNG.choice([-1.0, 1.0], 50)
    e = RNG.uniform(0.0, 10.0, 50)
    np.testing.assert_allclose(mape(y, y + e)[0], mape(y, y - e)[0], rtol=1e-12)
    assert "symmetric in the residual" in doc("mape")


def test_mape_under_prediction_is_capped_at_100_only_for_non_negative_predictions():
    mape = card("mape")
    assert mape(np.array([1.0]), np.array([0.0]))[0][0] == 100.0
    assert mape(np.array([1.0]), np.array([-1.0]))[0][0] == 200.0  # nothing clips it
    assert "costs 200 %" in doc("mape") and "only for non-negative predictions" in doc("mape")


def test_mape_minimiser_over_a_spread_of_targets_is_pulled_low():
    # targets 1, 2, 3: MAE's minimiser is the median 2, MAPE's the 1/|y|-weighted median 1
    y = np.array([1.0, 2.0, 3.0])
    grid = np.linspace(0.0, 4.0, 4001)
    mean = {n: [card(n)(y, np.full(3, c))[0].mean() for c in grid] for n in ("mape", "mae")}
    assert grid[np.argmin(mean["mape"])] == pytest.approx(1.0)
    assert grid[np.argmin(mean["mae"])] == pytest.approx(2.0)
    assert "pulls the minimiser over a spread of targets low" in doc("mape")


# --------------------------------------------------------------------------- Barron's shapes

E = np.concatenate([np.linspace(-50.0, 50.0, 20001), [-1e6, 1e6]])


def _barron(alpha: float):
    return card("barron")(np.zeros(len(E)), E, alpha=alpha)


@pytest.mark.parametrize("alpha", [-math.inf, -2.0, 0.0, 0.5, 1.0, 1.5, 2.0, 4.0])
def test_barron_docstring_shapes_convex_bounded_redescending(alpha):
    # "Convex for α ≥ 1; bounded gradient ... for α ≤ 1; redescending ... for α < 1"
    _, grad = _barron(alpha)
    pull = np.abs(grad)
    assert (pull.max() <= 10.0) == (alpha <= 1)
    redescends = pull[-1] < 0.01 * pull.max()  # at 1e6 the pull has fallen back
    assert redescends == (alpha < 1)
    mid = card("barron")(np.zeros(1), np.array([20.0]), alpha=alpha)[0][0]
    ends = card("barron")(np.zeros(2), np.array([0.0, 40.0]), alpha=alpha)[0].mean()
    assert (mid <= ends + 1e-12) == (alpha >= 1)


def test_barron_flags_describe_the_default_alpha_1_as_the_docstring_says():
    b = card("barron")
    assert b.defaults["alpha"] == 1.0
    assert b.properties["convex"] and b.properties["bounded_gradient"] and b.properties["robust"]
    assert "the default :math:`\\alpha = 1`: convex, bounded pull, not redescending" in doc(
        "barron"
    )


def test_cauchy_gradient_peaks_at_sqrt2_c():
    for c in (0.5, 1.0, 3.0):
        e = np.linspace(0.0, 10 * c, 200_001)
        grad = card("cauchy")(np.zeros(len(e)), e, scale=c)[1]
        assert e[np.argmax(grad)] == pytest.approx(math.sqrt(2) * c, rel=1e-4)
    assert "peaks at :math:`|e| = \\sqrt2 c`" in doc("cauchy")


# --------------------------------------------------------------------------- PyTorch facts


def test_pytorch_notes_on_subgradients_match_pytorch():
    hinge = card("hinge", "classification").equivalents["pytorch"]
    assert "clamp(min=0) passes 1 at slack 0, amax splits ties" in hinge
    assert FACTS["clamp_min_grad_at_0"] == 1.0 and FACTS["relu_grad_at_0"] == 0.0
    assert FACTS["amax_grad_on_a_tie"] == [0.0, 0.5, 0.5]
    assert FACTS["argmax_on_a_tie"] == 1  # the first of the tied: core's convention
    assert "its gradient at e = 0 is also 0" in card("mae").equivalents["pytorch"]
    assert FACTS["l1_loss_grad_at_0"] == 0.0


def test_cosine_note_states_pytorchs_gradient_at_a_zero_row_and_ours():
    fact = FACTS["cosine_similarity_grad_at_zero_row"]
    stated = re.search(r"huge \((-?[\d.]+e\d+) for ŷ = \[0, 0\], y = \[1, 1\]", cosine_note())
    assert stated and float(stated.group(1)) == pytest.approx(fact["grad_of_minus_cos"][0], 1e-3)
    ours = card("cosine")(np.array([fact["y"]]), np.array([fact["pred"]]))[1]
    assert ours.tolist() == [[0.0, 0.0]] and "where ours is 0" in cosine_note()


def cosine_note() -> str:
    return card("cosine").equivalents["pytorch"]


# --------------------------------------------------------------------------- "X minimises it"

#: Every "minimises" in a card's scikit-learn note, with the exact spellings it must contain;
#: each is checked by a test below (a new claim without a test fails the first test).
CLAIMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("classification", "cross_entropy"): ("LogisticRegression(C=np.inf)",),
    ("classification", "square_logits"): ("RidgeClassifier(alpha=0)",),
    ("classification", "hinge"): ("LinearSVC(multi_class='crammer_singer', C=C)",),
    ("regression", "mse"): ("LinearRegression",),
    ("regression", "mae"): ("QuantileRegressor(quantile=0.5, alpha=0)",),
    ("regression", "huber"): ("SGDRegressor(loss='huber', epsilon=δ, penalty=None)",),
    ("regression", "pinball"): ("QuantileRegressor(quantile=τ, alpha=0)",),
    ("regression", "epsilon_insensitive"): (
        "SGDRegressor(loss='epsilon_insensitive', epsilon=ε, penalty=None)",
        "SVR(kernel='linear', epsilon=ε, C=C)",
        "LinearSVR(epsilon=ε, C=C)",
    ),
    ("regression", "cauchy"): ("least_squares(loss='cauchy', f_scale=√2·c)",),  # test_registry
}


def test_every_minimises_claim_is_listed_and_spelt_with_its_arguments():
    for loss in losses.all_losses():
        text = loss.equivalents["sklearn"]
        key = (loss.task, loss.name)
        assert ("minimise" in text) == (key in CLAIMS), key
        for spelling in CLAIMS.get(key, ()):
            assert spelling in text, (key, spelling)


def test_the_defaults_the_notes_warn_about_are_scikit_learns():
    # "the default C=1.0 / alpha=1.0 / penalty='l2', alpha=1e-4 adds a penalty"
    assert LogisticRegression().C == 1.0
    assert RidgeClassifier().alpha == 1.0
    assert QuantileRegressor().alpha == 1.0
    assert (SGDRegressor().penalty, SGDRegressor().alpha) == ("l2", 1e-4)
    assert "the default C=1.0" in card("cross_entropy", "classification").equivalents["sklearn"]


def _blobs(k: int, n: int = 150) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(k)
    y = rng.integers(0, k, n)
    X = rng.normal(size=(n, 2)) + 1.2 * np.eye(max(k, 2))[y][:, :2]
    return X, y


def _ce_gradient(X, y, logits_of):
    """Gradient of the mean CE over a linear model's (W, b), by the chain rule."""
    g = card("cross_entropy", "classification")(y, logits_of)[1] / len(y)
    return np.concatenate([(X.T @ g).ravel(), g.sum(axis=0)])


@pytest.mark.parametrize("k", [2, 3])
def test_logistic_regression_with_c_inf_minimises_cross_entropy(k):
    X, y = _blobs(k)
    fit = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    default = LogisticRegression().fit(X, y)

    def logits(m):
        z = m.decision_function(X)
        return np.column_stack([np.zeros(len(z)), z]) if z.ndim == 1 else z

    if k == 2:  # binary: the logit f on [0, f]; W's first column is 0
        W = lambda m: np.column_stack([np.zeros(2), m.coef_[0]])  # noqa: E731
        b = lambda m: np.array([0.0, m.intercept_[0]])  # noqa: E731
    else:
        W, b = (lambda m: m.coef_.T), (lambda m: m.intercept_)
    for m in (fit, default):
        np.testing.assert_allclose(X @ W(m) + b(m), logits(m), rtol=1e-10, atol=1e-10)
    grad = _ce_gradient(X, y, logits(fit))
    grad_default = _ce_gradient(X, y, logits(default))
    if k == 2:  # only the logit of class 1 moves: its column of W and its bias
        grad, grad_default = grad[1::2], grad_default[1::2]
    assert np.abs(grad).max() < 1e-6
    assert np.abs(grad_default).max() > 1e-3  # C = 1 stops short of the minimiser


def test_ridge_classifier_with_alpha_0_minimises_square_loss_with_targets_pm1():
    X, y = _blobs(3)
    A = np.column_stack([X, np.ones(len(X))])
    ours = np.linalg.lstsq(A, np.eye(3)[y], rcond=None)[0]  # minimises sum (z - Y)^2
    fit = RidgeClassifier(alpha=0.0).fit(X, y)
    np.testing.assert_allclose(fit.decision_function(X), 2 * (A @ ours) - 1, atol=1e-9)
    assert np.array_equal(fit.predict(X), np.argmax(A @ ours, axis=1))
    default = RidgeClassifier().fit(X, y)
    assert not np.allclose(default.decision_function(X), 2 * (A @ ours) - 1, atol=1e-4)


def test_linear_regression_minimises_squared_error():
    X, y = RNG.normal(size=(80, 2)), RNG.normal(size=80)
    fit = LinearRegression().fit(X, y)
    g = card("mse")(y, fit.predict(X))[1]
    assert np.abs(np.concatenate([X.T @ g, [g.sum()]])).max() < 1e-10


def _regression_data(n: int = 150) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, 2))
    return X, X @ [1.5, -2.0] + 0.5 + rng.standard_t(2, size=n)


def _no_descent(objective, w: np.ndarray, step: float = 1e-3, tries: int = 400) -> float:
    """The largest decrease of ``objective`` over random perturbations of ``w`` (0 at a
    minimiser of a convex objective)."""
    rng = np.random.default_rng(0)
    base = objective(w)
    return max(base - objective(w + step * rng.normal(size=w.shape)) for _ in range(tries))


@pytest.mark.parametrize(("name", "quantile"), [("mae", 0.5), ("pinball", 0.2), ("pinball", 0.8)])
def test_quantile_regressor_with_alpha_0_minimises_pinball_and_mae(name, quantile):
    X, y = _regression_data()
    params = {"quantile": quantile} if name == "pinball" else {}

    def mean_loss(wb):
        return card(name)(y, X @ wb[:2] + wb[2], **params)[0].mean()

    fit = QuantileRegressor(quantile=quantile, alpha=0.0).fit(X, y)
    wb = np.append(fit.coef_, fit.intercept_)
    assert _no_descent(mean_loss, wb) <= 1e-12
    default = QuantileRegressor(quantile=quantile).fit(X, y)
    assert np.all(default.coef_ == 0) and mean_loss(np.append(default.coef_, 0.0)) > mean_loss(wb)


def test_gradient_boosting_lowers_pinball_stagewise_from_the_quantile():
    X, y = _regression_data()
    fit = GradientBoostingRegressor(loss="quantile", alpha=0.8, n_estimators=40, random_state=0)
    fit.fit(X, y)
    stages = [card("pinball")(y, p, quantile=0.8)[0].mean() for p in fit.staged_predict(X)]
    assert np.all(np.diff(stages) <= 1e-12) and stages[-1] < 0.6 * stages[0]
    assert fit.init_.predict(X[:1])[0] == pytest.approx(np.quantile(y, 0.8))


@pytest.mark.parametrize(
    ("name", "params"), [("huber", {"delta": 1.0}), ("epsilon_insensitive", {"epsilon": 0.3})]
)
def test_sgd_regressor_without_penalty_approaches_the_minimiser_of_the_mean(name, params):
    X, y = _regression_data(400)
    k = next(iter(params))

    def mean_loss(wb):
        return card(name)(y, X @ wb[:2] + wb[2], **params)[0].mean()

    best = minimize(mean_loss, np.zeros(3), method="Powell", options={"xtol": 1e-10, "ftol": 1e-14})
    fit = SGDRegressor(
        loss=name, epsilon=params[k], penalty=None, max_iter=3000, tol=None, random_state=0
    ).fit(X, y)
    reached = mean_loss(np.append(fit.coef_, fit.intercept_))
    assert reached <= best.fun * 1.002  # stochastic steps: within 0.2% of the minimum


@pytest.mark.parametrize("kind", ["SVR", "LinearSVR"])
def test_svr_minimises_half_norm_plus_c_times_the_sum(kind):
    # SVR: ||w||²/2 + C Σ ours, intercept free; LinearSVR penalises the intercept as a weight
    X, y = _regression_data()
    y = y + 3.0  # an intercept large enough that penalising it or not tells the two apart
    C, eps = 1.0, 0.3
    if kind == "SVR":
        fit = SVR(kernel="linear", epsilon=eps, C=C, tol=1e-8).fit(X, y)
    else:
        fit = LinearSVR(epsilon=eps, C=C, tol=1e-10, max_iter=1_000_000, dual=True).fit(X, y)
    wb = np.append(np.ravel(fit.coef_), np.ravel(fit.intercept_)[0])

    def objective(wb, intercept_penalised):
        reg = wb[:2] @ wb[:2] + (wb[2] ** 2 if intercept_penalised else 0.0)
        return (
            0.5 * reg + C * card("epsilon_insensitive")(y, X @ wb[:2] + wb[2], epsilon=eps)[0].sum()
        )

    stated = kind == "LinearSVR"
    assert _no_descent(lambda v: objective(v, stated), wb) <= 1e-9
    assert _no_descent(lambda v: objective(v, not stated), wb) > 1e-6  # the other convention
    assert (
        "LinearSVR penalises its intercept too"
        in card("epsilon_insensitive").equivalents["sklearn"]
    )


def test_crammer_singer_svc_minimises_half_norm_plus_c_times_the_sum_intercept_penalised():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 150)
    X = rng.normal(size=(150, 2)) + 2.0 * np.eye(3)[y][:, :2]
    y[X[:, 0] > 1.5] = 0
    fit = LinearSVC(multi_class="crammer_singer", C=1.0, tol=1e-12, max_iter=1_000_000)
    fit.fit(X, y)
    hinge = card("hinge", "classification")

    def objective(v, intercept_penalised):
        W, b = v[:6].reshape(2, 3), v[6:]
        reg = np.sum(W * W) + (np.sum(b * b) if intercept_penalised else 0.0)
        return 0.5 * reg + hinge(y, X @ W + b)[0].sum()

    v = np.concatenate([fit.coef_.T.ravel(), fit.intercept_])
    assert _no_descent(lambda u: objective(u, True), v, tries=2000) <= 1e-9
    assert _no_descent(lambda u: objective(u, False), v, tries=2000) > 1e-5


def test_tukey_default_c_keeps_95_percent_efficiency_under_normal_noise():
    # the hyperparameter's help: asymptotic efficiency (E ψ')² / E ψ² at N(0, 1), ψ = dL/de
    tukey = card("tukey")
    c = tukey.defaults["c"]
    e = np.linspace(-c, c, 400_001)
    psi = tukey(np.zeros(len(e)), e)[1]
    dpsi = np.gradient(psi, e)
    density = np.exp(-0.5 * e * e) / math.sqrt(2 * math.pi)
    efficiency = np.trapezoid(dpsi * density, e) ** 2 / np.trapezoid(psi**2 * density, e)
    assert efficiency == pytest.approx(0.95, abs=0.001)
    assert "4.685 keeps 95% efficiency" in tukey.hyperparameters[0].help
