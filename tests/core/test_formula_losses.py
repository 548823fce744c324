"""A formula as a loss: the built-ins reproduced to 1e-12, exact gradients, the kink and tie
conventions, float32, the registry name and training beside the built-ins."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from formula_cases import BUILTINS, PARAMS, formula_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from core import datasets, formula, losses, train

RNG = np.random.default_rng(20261207)


def _inputs(task: str, k: int | None, scale: float, n: int = 300):
    if task == "classification":
        return RNG.integers(0, k, n), RNG.normal(size=(n, k)) * scale
    y = RNG.normal(size=n) * scale
    return y, y + RNG.normal(size=n) * scale


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    scale = np.maximum(np.abs(b), np.finfo(float).tiny)
    return float(np.max(np.abs(a - b) / scale))


CASES = [(task, name, hp, text, decl, values, k) for (task, name, hp, text, decl, values, ks) in
         BUILTINS for k in ks]  # fmt: skip


@pytest.mark.parametrize(
    ("task", "name", "hyper", "text", "declared", "values", "k"),
    CASES,
    ids=[f"{c[1]}:{c[3]}:K={c[6]}" for c in CASES],
)
def test_formula_reproduces_the_registry(task, name, hyper, text, declared, values, k) -> None:
    """Values and gradients to 1e-12 relative, on the same inputs, from small to large
    logits / residuals (up to about 100 apart: p_t rounds to 1, 1 - p_t to e^-100)."""
    f = formula.check(text, declared, task)
    mine = losses.get(f.name, task)
    builtin = losses.get(name, task)
    for scale in (0.1, 1.0, 5.0, 30.0):
        y, raw = _inputs(task, k, scale)
        v_ref, g_ref = builtin(y, raw, **hyper)
        v, g = mine(y, raw, **values)
        assert _relative(v, v_ref) <= 1e-12, scale
        assert _relative(g, g_ref) <= 1e-12, scale


def test_float32_stays_float32_and_agrees_with_the_registry() -> None:
    for text, name in (("-log(p)", "cross_entropy"), ("max(0, 1 - m)", "hinge")):
        loss = losses.get(formula.check(text).name, "classification")
        y, z = _inputs("classification", 3, 3.0)
        z = z.astype(np.float32)
        v, g = loss(y, z)
        v_ref, g_ref = losses.get(name, "classification")(y, z)
        assert v.dtype == g.dtype == np.float32
        np.testing.assert_allclose(v, v_ref, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(g, g_ref, rtol=1e-6, atol=1e-7)


def test_kinks_use_the_midpoint_of_the_one_sided_derivatives() -> None:
    """sign(0) = 0 for abs (as the registry), H(0) = 1/2 at a tie of max/min: the registry's
    pinball agrees at its kink; its hinge takes 0 at m = margin where the formula takes
    -1/2 (both are subgradients: the slopes there are -1 and 0)."""
    mae = losses.get(formula.check("abs(r)").name, "regression")
    assert mae(np.zeros(1), np.zeros(1))[1][0] == 0.0
    f = formula.check("max(tau*(-r), (tau - 1)*(-r))", {"tau": (0, 1, 0.5)})
    pinball = losses.get(f.name, "regression")
    ref = losses.get("pinball", "regression")
    assert pinball(np.ones(1), np.ones(1), tau=0.3)[1][0] == pytest.approx(0.2)
    assert ref(np.ones(1), np.ones(1), quantile=0.3)[1][0] == pytest.approx(0.2)
    hinge = losses.get(formula.check("max(0, 1 - m)").name, "classification")
    z = np.array([[0.0, 1.0]])
    assert hinge(np.array([1]), z)[1].tolist() == [[0.5, -0.5]]
    assert losses.get("hinge", "classification")(np.array([1]), z)[1].tolist() == [[0.0, 0.0]]


def test_huber_by_min_and_max_gets_its_true_slope_where_the_pieces_meet() -> None:
    """0.5*min(|r|, delta)**2 + delta*max(|r| - delta, 0) is smooth at |r| = delta: with
    H(0) = 1/2 the two switching terms give delta/2 each, the slope itself."""
    f = formula.check(
        "0.5*min(abs(r), delta)**2 + delta*max(abs(r) - delta, 0)", {"delta": (0.1, 5, 1)}
    )
    loss = losses.get(f.name, "regression")
    r = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    v, g = loss(np.zeros(5), r, delta=1.0)
    v_ref, g_ref = losses.get("huber", "regression")(np.zeros(5), r, delta=1.0)
    np.testing.assert_array_equal(v, v_ref)
    np.testing.assert_array_equal(g, g_ref)


def test_ties_for_the_runner_up_send_the_gradient_to_the_first_as_the_hinge_does() -> None:
    z = np.array([[0.0, 2.0, 2.0], [0.5, 1.0, 1.0]])
    y = np.array([0, 0])
    for text in ("max(0, 1 - m)", "softplus(-m)", "1 - tanh(m)"):
        _, g = losses.get(formula.check(text).name, "classification")(y, z)
        assert g[:, 2].tolist() == [0.0, 0.0] and np.all(g[:, 1] != 0), text
    _, g_ref = losses.get("hinge", "classification")(y[:1], z[:1])
    assert g_ref[0, 2] == 0.0


def _numeric_gradient(loss, y, raw, params, h=1e-6):
    grad = np.zeros_like(raw)
    for idx in np.ndindex(raw.shape):
        step = np.zeros_like(raw)
        step[idx] = h * max(1.0, abs(raw[idx]))
        plus = loss(y, raw + step, **params)[0].sum()
        minus = loss(y, raw - step, **params)[0].sum()
        grad[idx] = (plus - minus) / (2 * step[idx])
    return grad


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["m", "p", "r"]).flatmap(lambda v: formula_texts(v, smooth=True)),
    st.floats(0.5, 2.0),
    st.integers(0, 2**32 - 1),
)
def test_gradient_matches_finite_differences_for_smooth_formulas(text, a, seed) -> None:
    """Random formulas without kinks: the chain rule through the margin, log p_t or the
    residual against central differences on the raw outputs (entries where the loss is not
    finite, or too large for differences to resolve, are left out)."""
    f = formula.check(text, PARAMS)
    loss = losses.get(f.name, f.task)
    rng = np.random.default_rng(seed)
    if f.task == "classification":
        y, raw = rng.integers(0, 3, 4), rng.normal(size=(4, 3))
    else:
        y = rng.normal(size=4)
        raw = y + rng.normal(size=4)
    params = {"a": a} if f.params else {}
    v, g = loss(y, raw, **params) if np.all(np.isfinite(loss.fn(y, raw, **params)[0])) else (
        None, None)  # fmt: skip
    if v is None or np.any(np.abs(v) > 1e6) or not np.all(np.isfinite(g)):
        return
    fd = _numeric_gradient(loss, y, raw, params)
    ok = np.isfinite(fd)
    np.testing.assert_allclose(g[ok], fd[ok], rtol=1e-4, atol=1e-6 * (1 + np.max(np.abs(v))))


def test_a_formula_pickles_after_use() -> None:
    f = formula.check("max(0, 1 - m)")
    y, z = _inputs("classification", 3, 2.0)
    values, _ = f.fn(y, z)
    again = pickle.loads(pickle.dumps(f))
    assert again == f
    np.testing.assert_array_equal(again.fn(y, z)[0], values)


def test_loss_record_of_a_formula() -> None:
    f = formula.check("abs(r) - delta*0", {"delta": (0.1, 5, 1)})
    loss = losses.get(f.name, "regression")
    assert loss.name == f.name == "formula:abs(r) - delta*0; delta = 1 in [0.1, 5]"
    assert loss.task == "regression" and loss.title == formula.TITLE
    assert loss.defaults == {"delta": 1.0}
    assert loss.formula_latex == r"L = \left|r\right| - \delta \cdot 0"
    assert loss.grad_latex.startswith(r"\frac{\partial L}{\partial \hat y} = ")
    assert loss.properties == {
        "convex": True,
        "differentiable": False,
        "bounded_gradient": True,
        "robust": True,
        "calibrated": False,
    }
    with pytest.raises(ValueError, match=r"delta must be in \[0.1, 5\]"):
        loss(np.zeros(2), np.ones(2), delta=9.0)
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        loss(np.zeros(2), np.ones(2), gamma=1.0)


@pytest.mark.parametrize(
    ("name", "task", "message"),
    [
        ("formula:m+1", "classification", "canonical form: formula:m + 1"),
        ("formula:m + 1", "regression", "a regression loss uses"),
        ("formula:__import__('os')", None, "names starting with _"),
        ("formula:", None, "empty"),
        ("formula:r; delta = 2 in [0, 1]", None, "must be in [0, 1]"),
    ],
    ids=["not-canonical", "wrong-task", "hostile", "empty", "bad-default"],
)
def test_bad_formula_names_are_refused_by_the_registry(name, task, message) -> None:
    with pytest.raises(ValueError) as refused:
        losses.get(name, task)
    assert message in str(refused.value)


def test_a_config_with_a_formula_is_a_picklable_value_and_checked() -> None:
    cfg = train.TrainConfig(loss="formula:max(0, 1 - m)", hidden=(4,), epochs=3)
    assert pickle.loads(pickle.dumps(cfg)) == cfg
    with pytest.raises(ValueError, match="canonical form"):
        train.TrainConfig(loss="formula:max(0,1-m)")
    with pytest.raises(ValueError, match="attribute access"):
        train.TrainConfig(loss="formula:m.__class__")


@pytest.mark.parametrize(
    ("builtin", "text", "task", "dtype"),
    [
        ("hinge", "max(0, 1 - m)", "classification", "float64"),
        ("cross_entropy", "-log(p)", "classification", "float64"),
        ("cross_entropy", "softplus(-m)", "classification", "float32"),
        ("huber", "min(abs(r), delta)*(abs(r) - min(abs(r), delta)/2)", "regression", "float64"),
    ],
    ids=["hinge", "ce-p", "ce-m-float32", "huber"],
)
def test_a_formula_trains_beside_the_builtins_like_its_builtin(builtin, text, task, dtype):
    """Same data, model and initial weights in one fit_many: the formula's run follows its
    built-in's to rounding."""
    name = "moons" if task == "classification" else "friedman1"
    ds = datasets.load(name, n_samples=200, noise=0.2, test_fraction=0.3, seed=0)
    declared = {"delta": (0.1, 5, 1)} if "delta" in text else None
    f = formula.check(text, declared)
    settings_ = {"hidden": (8,), "epochs": 30, "lr": 0.05, "dtype": dtype}
    cfgs = [
        train.TrainConfig(loss=builtin, **settings_),
        train.TrainConfig(loss=f.name, **settings_),
        train.TrainConfig(loss="mse", **settings_),
    ]
    ref, mine, _ = train.fit_many(ds, cfgs)
    rtol = 1e-9 if dtype == "float64" else 1e-4
    np.testing.assert_allclose(mine.history["train_loss"], ref.history["train_loss"], rtol=rtol)
    np.testing.assert_allclose(mine.history["test_loss"], ref.history["test_loss"], rtol=rtol)
