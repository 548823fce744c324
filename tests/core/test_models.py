"""Models: whole-model gradients by central differences for every registered loss; the API."""

from __future__ import annotations

import numpy as np
import pytest

from core import losses, train
from core._numerics import softmax
from core.models import ACTIVATIONS, MLP, Workspace, backward, forward, init_params

RNG = np.random.default_rng(20260101)
N, D, K = 7, 3, 4
X = RNG.standard_normal((N, D))
Y_CLASS = np.array([0, 1, 2, 3, 1, 0, 2])
Y_REG = RNG.uniform(0.2, 2.0, N)  # >= 0 so that MSLE applies too
Y_REG2 = RNG.uniform(0.2, 2.0, (N, 2))


def _model(task: str, hidden: tuple[int, ...], activation: str, n_out: int, squeeze: bool):
    params = init_params((D, *hidden, n_out), activation, seed=3)
    # non-zero biases, so that a bug in the bias gradient cannot hide behind b = 0
    params = [p + 0.1 * RNG.standard_normal(p.shape) if p.ndim == 1 else p for p in params]
    return MLP(params, activation, task, squeeze=squeeze)


def _finite_differences(model: MLP, y, loss: str, l2: float, h: float = 1e-6) -> list:
    grads = []
    for p in model.params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up, _ = train.objective(model, X, y, loss, l2=l2)
            p[idx] = old - h
            down, _ = train.objective(model, X, y, loss, l2=l2)
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def _cases():
    for loss in losses.all_losses():
        targets = [("2d", Y_REG2, False)]
        if loss.task == "classification":
            targets = [("labels", Y_CLASS, False)]
        elif loss.elementwise:
            targets.insert(0, ("1d", Y_REG, True))
        for label, y, squeeze in targets:
            for hidden, act in (((), "identity"), ((5, 4), "tanh"), ((6,), "sigmoid")):
                name = f"{loss.task}-{loss.name}-{label}-{'x'.join(map(str, hidden)) or 'linear'}"
                yield pytest.param(loss, y, squeeze, hidden, act, id=f"{name}-{act}")


@pytest.mark.parametrize(("loss", "y", "squeeze", "hidden", "activation"), list(_cases()))
def test_objective_gradient_matches_central_differences(loss, y, squeeze, hidden, activation):
    n_out = K if loss.task == "classification" else (1 if squeeze else y.shape[1])
    model = _model(loss.task, hidden, activation, n_out, squeeze)
    _, analytic = train.objective(model, X, y, loss.name, l2=0.3)
    numeric = _finite_differences(model, y, loss.name, l2=0.3)
    for a, f in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(a, f, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_of_every_activation(activation):
    # relu has a kink at 0 that random inputs do not hit
    model = _model("classification", (5, 5), activation, K, squeeze=False)
    _, analytic = train.objective(model, X, Y_CLASS, "cross_entropy")
    numeric = _finite_differences(model, Y_CLASS, "cross_entropy", l2=0.0)
    for a, f in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(a, f, rtol=1e-5, atol=1e-8)


def test_stacked_forward_backward_equals_each_model_alone():
    models = [_model("classification", (5, 4), "tanh", K, False) for _ in range(3)]
    for i, m in enumerate(models):  # make them different
        m.params[0] += i
    stacked = [
        np.stack([m.params[k] if k % 2 == 0 else m.params[k][None] for m in models])
        for k in range(len(models[0].params))
    ]
    out, inputs = forward(stacked, X, "tanh")
    d_out = RNG.standard_normal(out.shape)
    grads = backward(stacked, inputs, d_out, "tanh")
    for i, m in enumerate(models):
        out_i, inputs_i = forward(m.params, X, "tanh")
        np.testing.assert_array_equal(out[i], out_i)
        for g, g_i in zip(grads, backward(m.params, inputs_i, d_out[i], "tanh"), strict=True):
            np.testing.assert_array_equal(g[i].reshape(g_i.shape), g_i)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_workspace_gives_the_same_bits_as_fresh_arrays(activation):
    """The training loop's path (preallocated arrays, gradients written in place) and the
    plain one (``decision_function``, ``objective``) compute the same numbers."""
    models = [_model("classification", (5, 4), activation, K, False) for _ in range(2)]
    params = [
        np.stack([m.params[k] if k % 2 == 0 else m.params[k][None] for m in models])
        for k in range(len(models[0].params))
    ]
    out, inputs = forward(params, X, activation)
    d_out = RNG.standard_normal(out.shape)
    grads = backward(params, inputs, d_out, activation)
    ws = Workspace.like(params, N)
    out_ws, inputs_ws = forward(params, X, activation, ws)
    into = [np.full_like(p, np.nan) for p in params]
    grads_ws = backward(params, inputs_ws, d_out, activation, into, ws)
    np.testing.assert_array_equal(out_ws, out)
    assert out_ws.base is ws.z[-1] or out_ws is ws.z[-1]  # no fresh array
    for g, g_ws, target in zip(grads, grads_ws, into, strict=True):
        np.testing.assert_array_equal(g_ws, g)
        np.testing.assert_array_equal(target, g)  # written where the caller said


def test_initialisation_is_seeded_glorot():
    a = init_params((2, 32, 3), "tanh", seed=0)
    b = init_params((2, 32, 3), "tanh", seed=0)
    c = init_params((2, 32, 3), "tanh", seed=1)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])
    assert [p.shape for p in a] == [(2, 32), (32,), (32, 3), (3,)]
    assert np.abs(a[0]).max() <= np.sqrt(6 / 34) and np.abs(a[2]).max() <= np.sqrt(6 / 35)
    assert np.abs(a[0]).max() > 0.8 * np.sqrt(6 / 34)  # uniform over the whole interval
    assert not np.any(a[1]) and not np.any(a[3])
    relu = init_params((2, 32, 3), "relu", seed=0)
    assert np.abs(relu[0]).max() > np.sqrt(6 / 34)  # He: sqrt(6 / fan_in) = sqrt(3)


def test_classifier_api():
    model = _model("classification", (5,), "relu", K, squeeze=False)
    z = model.decision_function(X)
    assert z.shape == (N, K)
    np.testing.assert_allclose(model.predict_proba(X), softmax(z))
    np.testing.assert_array_equal(model.predict(X), np.argmax(z, axis=1))
    assert model.n_params == D * 5 + 5 + 5 * K + K
    assert model.sizes == (D, 5, K)
    assert repr(model) == "MLP(3-5-4, relu, classification, float64)"


def test_linear_regressor_api():
    model = _model("regression", (), "identity", 1, squeeze=True)
    pred = model.predict(X)
    assert pred.shape == (N,)
    W, b = model.params
    np.testing.assert_allclose(pred, X @ W[:, 0] + b[0])
    assert repr(model) == "Linear(3-1, regression, float64)"
    with pytest.raises(ValueError, match="predict_proba"):
        model.predict_proba(X)


def test_decision_function_rejects_wrong_width():
    model = _model("classification", (), "identity", K, squeeze=False)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        model.decision_function(np.zeros((2, 4)))
