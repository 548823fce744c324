"""The registry API and bad input: every ValueError names the argument and what is allowed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import losses

CE = losses.get("cross_entropy", "classification")
MSE = losses.get("mse", "regression")
Z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
Y = np.array([2, 0])


# --------------------------------------------------------------------------- registry


def test_registry_order_used_for_page_defaults():
    assert losses.names("classification")[:4] == ["cross_entropy", "mse", "mae", "hinge"]
    assert losses.names("regression")[:3] == ["mse", "mae", "huber"]


def test_every_loss_of_the_design_table_is_registered():
    # the design's loss table, each by its registered name (more may be registered)
    assert set(losses.names("classification")) >= {
        "cross_entropy",
        "mse",
        "mae",
        "hinge",
        "squared_hinge",
        "multi_margin",
        "focal",
        "square_logits",
        "gce",
        "kl_div",
    }
    assert set(losses.names("regression")) >= {
        "mse",
        "mae",
        "huber",
        "smooth_l1",
        "log_cosh",
        "msle",
        "mape",
        "pinball",
        "epsilon_insensitive",
        "cauchy",
        "barron",
        "cosine",
    }


@pytest.mark.parametrize(
    ("name", "defaults"),
    [
        ("classification/cross_entropy", {"label_smoothing": 0.0}),
        ("classification/hinge", {"margin": 1.0}),
        ("classification/squared_hinge", {"margin": 1.0}),
        ("classification/multi_margin", {"margin": 1.0}),
        ("classification/focal", {"gamma": 2.0}),
        ("classification/gce", {"q": 0.7}),
        ("classification/kl_div", {"label_smoothing": 0.0}),
        ("regression/huber", {"delta": 1.0}),
        ("regression/smooth_l1", {"beta": 1.0}),
        ("regression/pinball", {"quantile": 0.5}),
        ("regression/epsilon_insensitive", {"epsilon": 0.1}),
        ("regression/cauchy", {"scale": 1.0}),
        ("regression/barron", {"alpha": 1.0, "scale": 1.0}),
        ("regression/mse", {}),
        ("classification/square_logits", {}),
    ],
)
def test_hyperparameter_names_and_defaults_as_in_the_design(name, defaults):
    task, loss_name = name.split("/")
    assert losses.get(loss_name, task).defaults == defaults


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_metadata_is_complete(loss):
    assert loss.title and loss.reference
    assert loss.formula_latex and loss.grad_latex
    assert set(loss.equivalents) == {"pytorch", "keras", "sklearn"}
    assert all(isinstance(v, str) and v for v in loss.equivalents.values())
    assert list(loss.properties) == list(losses.PROPERTIES)
    assert loss.fn.__doc__ and ".. math::" in loss.fn.__doc__ and "References" in loss.fn.__doc__
    for h in loss.hyperparameters:
        assert h.ui_low is not None and h.ui_high is not None and h.ui_low < h.ui_high
        h.check(h.ui_low, loss.name)  # slider ends lie inside the allowed interval
        h.check(h.ui_high, loss.name)
        h.check(h.default, loss.name)
        assert h.help and h.symbol


def test_get_without_task_works_for_unique_names_only():
    assert losses.get("focal").name == "focal"
    with pytest.raises(ValueError, match=r"several tasks.*task="):
        losses.get("mse")


def test_repr_and_evaluate():
    assert repr(losses.get("focal", "classification")) == "Loss(classification/focal: gamma=2)"
    v, g = losses.get("huber", "regression").evaluate(np.zeros((2, 4)), np.full((2, 4), 3.0))
    assert v.tolist() == [2.5, 2.5]  # mean over d of delta (|e| - delta / 2)
    assert g.tolist() == [[0.25] * 4] * 2  # clip(e, -1, 1) / d


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (
            lambda: losses.get("nope", "classification"),
            r"unknown classification loss 'nope'.*cross_entropy",
        ),
        (lambda: losses.get("nope"), r"unknown loss 'nope'; choose one of"),
        (
            lambda: losses.get("mse", "ranking"),
            r"task must be one of \['classification', 'regression'\], got 'ranking'",
        ),
        (lambda: losses.names("ranking"), r"task must be one of"),
    ],
    ids=["unknown-loss", "unknown-loss-any-task", "unknown-task", "names-unknown-task"],
)
def test_unknown_names(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


BAD_CLASSIFICATION = [
    (
        "labels-too-large",
        np.array([3, 0]),
        Z,
        r"y_true labels must be in 0\.\.2 .*got labels from 0 to 3",
    ),
    ("labels-negative", np.array([-1, 0]), Z, r"y_true labels must be in 0\.\.2"),
    (
        "labels-non-integer",
        np.array([0.5, 1.0]),
        Z,
        r"y_true must be integer class labels in 0\.\.2, got 0\.5",
    ),
    ("labels-nan", np.array([np.nan, 1.0]), Z, r"y_true must be integer class labels"),
    ("labels-strings", np.array(["a", "b"]), Z, r"y_true must be integer class labels.*dtype"),
    (
        "labels-wrong-length",
        np.array([0, 1, 2]),
        Z,
        r"y_true must be integer labels of shape \(2,\)",
    ),
    (
        "K-is-1",
        np.array([0, 0]),
        np.zeros((2, 1)),
        r"raw_prediction \(logits\) must have shape \(n, K\) with K >= 2, got \(2, 1\)",
    ),
    (
        "logits-1d",
        np.array([0, 0]),
        np.zeros(2),
        r"raw_prediction \(logits\) must have shape \(n, K\)",
    ),
    (
        "logits-nan",
        Y,
        np.array([[1.0, np.nan, 0.0], [0.0, 0.0, 0.0]]),
        r"raw_prediction \(logits\) must be finite.*nan at index \(0, 1\)",
    ),
    (
        "logits-inf",
        Y,
        np.array([[1.0, 0.0, 0.0], [0.0, 0.0, np.inf]]),
        r"raw_prediction \(logits\) must be finite.*inf",
    ),
    (
        "soft-wrong-shape",
        np.full((2, 2), 0.5),
        Z,
        r"y_true as a distribution must have shape \(2, 3\), got \(2, 2\)",
    ),
    (
        "labels-2d-int",
        np.zeros((2, 3, 1), dtype=int),
        Z,
        r"y_true must be integer labels of shape \(2,\) or \(2, 3\)",
    ),
    (
        "soft-not-summing-to-1",
        np.full((2, 3), 0.5),
        Z,
        r"y_true as a distribution must be non-negative rows summing to 1",
    ),
    (
        "soft-negative",
        np.array([[1.5, -0.5, 0.0]] * 2),
        Z,
        r"y_true as a distribution must be non-negative",
    ),
]


@pytest.mark.parametrize(
    ("y", "z", "pattern"),
    [c[1:] for c in BAD_CLASSIFICATION],
    ids=[c[0] for c in BAD_CLASSIFICATION],
)
def test_bad_classification_input(y, z, pattern):
    with pytest.raises(ValueError, match=pattern):
        CE(y, z)


def test_soft_targets_only_where_the_loss_supports_them():
    q = np.full((2, 3), 1 / 3)
    assert CE(q, Z)[0].shape == (2,)
    with pytest.raises(ValueError, match=r"y_true must be integer labels of shape \(2,\)"):
        losses.get("hinge", "classification")(q, Z)


BAD_REGRESSION = [
    (
        "shape-mismatch",
        np.zeros(3),
        np.zeros(4),
        r"y_true and raw_prediction must have the same shape, got \(3,\) and \(4,\)",
    ),
    ("shape-mismatch-2d", np.zeros((3, 2)), np.zeros((3, 1)), r"same shape"),
    ("3d", np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), r"y_true must have shape \(n,\) or \(n, d\)"),
    (
        "y-nan",
        np.array([1.0, np.nan]),
        np.zeros(2),
        r"y_true must be finite \(no NaN or inf\), got nan at index \(1,\)",
    ),
    (
        "pred-inf",
        np.zeros(2),
        np.array([-np.inf, 0.0]),
        r"raw_prediction must be finite.*-inf at index \(0,\)",
    ),
    ("y-strings", np.array(["1", "2"]), np.zeros(2), r"y_true must be numeric"),
]


@pytest.mark.parametrize(
    ("y", "pred", "pattern"), [c[1:] for c in BAD_REGRESSION], ids=[c[0] for c in BAD_REGRESSION]
)
def test_bad_regression_input(y, pred, pattern):
    with pytest.raises(ValueError, match=pattern):
        MSE(y, pred)


def test_msle_refuses_negative_targets_naming_y_true():
    with pytest.raises(ValueError, match=r"msle: y_true must be >= 0 .*got minimum -0\.5"):
        losses.get("msle", "regression")(np.array([1.0, -0.5]), np.array([1.0, 1.0]))


def test_cosine_needs_vectors():
    with pytest.raises(ValueError, match=r"y_true must have shape \(n, d\), got \(3,\)"):
        losses.get("cosine", "regression")(np.ones(3), np.ones(3))


BAD_HYPER = [
    (
        "classification",
        "cross_entropy",
        {"label_smoothing": 1.0},
        r"label_smoothing must be in \[0, 1\), got 1\.0",
    ),
    (
        "classification",
        "cross_entropy",
        {"label_smoothing": -0.1},
        r"label_smoothing must be in \[0, 1\)",
    ),
    ("classification", "kl_div", {"label_smoothing": 1.5}, r"label_smoothing must be in \[0, 1\)"),
    ("classification", "hinge", {"margin": 0.0}, r"margin must be in \(0, inf\), got 0\.0"),
    ("classification", "squared_hinge", {"margin": -1.0}, r"margin must be in \(0, inf\)"),
    ("classification", "multi_margin", {"margin": 0}, r"margin must be in \(0, inf\)"),
    ("classification", "focal", {"gamma": -0.5}, r"gamma must be in \[0, inf\), got -0\.5"),
    ("classification", "gce", {"q": 0.0}, r"q must be in \(0, 1\], got 0\.0"),
    ("classification", "gce", {"q": 1.2}, r"q must be in \(0, 1\]"),
    ("regression", "huber", {"delta": 0.0}, r"delta must be in \(0, inf\), got 0\.0"),
    ("regression", "smooth_l1", {"beta": -1.0}, r"beta must be in \(0, inf\)"),
    ("regression", "pinball", {"quantile": 0.0}, r"quantile must be in \(0, 1\), got 0\.0"),
    ("regression", "pinball", {"quantile": 1.0}, r"quantile must be in \(0, 1\)"),
    ("regression", "epsilon_insensitive", {"epsilon": -0.1}, r"epsilon must be in \[0, inf\)"),
    ("regression", "cauchy", {"scale": 0.0}, r"scale must be in \(0, inf\)"),
    ("regression", "barron", {"scale": -2.0}, r"scale must be in \(0, inf\)"),
    ("regression", "barron", {"alpha": 11.0}, r"alpha must be in \[-inf, 10\], got 11\.0"),
    ("regression", "barron", {"alpha": math.nan}, r"alpha must be in \[-inf, 10\], got nan"),
    ("regression", "huber", {"delta": "big"}, r"delta must be a number in \(0, inf\), got 'big'"),
    ("regression", "huber", {"delta": math.inf}, r"delta must be in \(0, inf\), got inf"),
    (
        "regression",
        "huber",
        {"beta": 1.0},
        r"huber: unknown hyperparameter\(s\) \['beta'\]; allowed: delta",
    ),
    (
        "regression",
        "mse",
        {"delta": 1.0},
        r"mse: unknown hyperparameter\(s\) \['delta'\]; allowed: none",
    ),
]


@pytest.mark.parametrize(
    ("task", "name", "params", "pattern"),
    BAD_HYPER,
    ids=[f"{c[0]}/{c[1]}[{next(iter(c[2]))}={next(iter(c[2].values()))}]" for c in BAD_HYPER],
)
def test_out_of_range_hyperparameters(task, name, params, pattern):
    loss = losses.get(name, task)
    if task == "classification":
        y, raw = Y, Z
    else:
        y, raw = np.ones((2, 2)), np.zeros((2, 2))
    with pytest.raises(ValueError, match=f"{name}: .*{pattern}" if ":" not in pattern else pattern):
        loss(y, raw, **params)


def test_limits_are_accepted_hyperparameters():
    barron = losses.get("barron", "regression")
    assert np.isfinite(barron(np.zeros(2), np.ones(2), alpha=-math.inf)[0]).all()
    assert np.isfinite(barron(np.zeros(2), np.ones(2), alpha="-inf")[0]).all()  # from a URL
    assert losses.get("focal", "classification")(Y, Z, gamma=0)[0].shape == (2,)
