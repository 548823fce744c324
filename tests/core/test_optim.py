"""Optimizers: hand-computed steps, the stated conventions, per-model learning rates."""

from __future__ import annotations

import numpy as np
import pytest

from core import optim

G1 = np.array([[0.5, -2.0]])
G2 = np.array([[-1.0, 0.25]])


def _run(opt: optim.Optimizer, grads: list[np.ndarray]) -> list[np.ndarray]:
    state = opt.init([np.zeros_like(grads[0])])
    steps = []
    for g in grads:
        (u,), state = opt.update([g], state)
        steps.append(u)
    return steps


def test_sgd_steps_against_the_gradient():
    (u,) = _run(optim.sgd(0.1), [G1])
    np.testing.assert_array_equal(u, [[-0.05, 0.2]])


def test_momentum_is_heavy_ball_without_dampening():
    # v1 = g1, v2 = 0.9 g1 + g2 (PyTorch SGD(momentum=0.9)); u = -lr v
    u1, u2 = _run(optim.momentum(0.1), [G1, G2])
    np.testing.assert_allclose(u1, -0.1 * G1)
    np.testing.assert_allclose(u2, -0.1 * (0.9 * G1 + G2))
    np.testing.assert_allclose(u2, [[-0.1 * (0.45 - 1.0), -0.1 * (-1.8 + 0.25)]])


def test_adam_first_step_is_lr_times_sign():
    # m1 = (1-b1) g, v1 = (1-b2) g^2 ; bias corrections give m^ = g, v^ = g^2,
    # so u1 = -lr g / (|g| + eps) = -lr sign(g) up to eps.
    (u,) = _run(optim.adam(0.01), [G1])
    np.testing.assert_allclose(u, -0.01 * np.sign(G1), rtol=1e-7)


def test_adam_matches_kingma_ba_algorithm_1():
    lr, b1, b2, eps = 0.003, 0.9, 0.999, 1e-8
    grads = [G1, G2, 3 * G1]
    m = v = np.zeros_like(G1)
    expected = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        expected.append(-lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps))
    for u, e in zip(_run(optim.adam(lr), grads), expected, strict=True):
        np.testing.assert_allclose(u, e, rtol=1e-14)


@pytest.mark.parametrize("name", optim.NAMES)
def test_minimises_a_quadratic(name):
    # f(x) = 1/2 x^T A x with minimum at 0
    A = np.diag([1.0, 4.0])
    x = np.array([[3.0, -2.0]])
    opt = optim.get(name, 0.05)
    state = opt.init([x])
    for _ in range(2000):
        (u,), state = opt.update([x @ A], state)
        x = x + u
    assert np.abs(x).max() < 1e-3


@pytest.mark.parametrize("name", optim.NAMES)
def test_per_model_learning_rates_broadcast(name):
    # lockstep training stacks models on axis 0 and gives each its own rate
    g = np.stack([G1, G1])
    lr = np.array([0.1, 0.2]).reshape(2, 1, 1)
    opt = optim.get(name, lr)
    (u,), _ = opt.update([g], opt.init([np.zeros_like(g)]))
    np.testing.assert_allclose(u[1], 2 * u[0])
    (alone,), _ = optim.get(name, 0.1).update([G1], optim.get(name, 0.1).init([G1 * 0]))
    np.testing.assert_array_equal(u[0], alone)


def test_float32_stays_float32():
    g = G1.astype(np.float32)
    for name in optim.NAMES:
        opt = optim.get(name, np.float32(0.1))
        (u,), _ = opt.update([g], opt.init([g]))
        assert u.dtype == np.float32, name


def test_unknown_optimizer():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optim.get("rmsprop", 0.1)
