r"""Gradient-descent optimizers in optax's shape: ``init(params) -> state`` and
``update(grads, state) -> (updates, state)``; the caller applies ``params + updates``.

* ``sgd``: :math:`u = -\eta g`.
* ``momentum`` (heavy ball, PyTorch's convention, no dampening):
  :math:`v \leftarrow \mu v + g,\ u = -\eta v` with :math:`\mu = 0.9`.
  (Sutskever et al.'s form :math:`v \leftarrow \mu v - \eta g` is the same for constant
  :math:`\eta`.)
* ``adam`` (Kingma & Ba, ICLR 2015, Algorithm 1):
  :math:`m \leftarrow \beta_1 m + (1-\beta_1) g,\ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\
  u = -\eta\, \hat m / (\sqrt{\hat v} + \epsilon)` with bias corrections
  :math:`\hat m = m / (1-\beta_1^t)`, :math:`\hat v = v / (1-\beta_2^t)`,
  :math:`\beta_1 = 0.9, \beta_2 = 0.999, \epsilon = 10^{-8}` (the defaults of PyTorch and optax).

The learning rate may be an array that broadcasts against the parameters (one rate per
stacked model in lockstep training).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NAMES", "Optimizer", "adam", "get", "momentum", "sgd"]

Array = NDArray[np.floating]
Params = Sequence[Array]

NAMES = ("sgd", "momentum", "adam")


@dataclass(frozen=True)
class Optimizer:
    """A pair of pure functions, as in optax."""

    name: str
    init: Callable[[Params], Any]
    update: Callable[[Params, Any], tuple[list[Array], Any]]

    def __repr__(self) -> str:
        return f"Optimizer({self.name})"


def sgd(lr: ArrayLike) -> Optimizer:
    r"""Plain gradient descent, :math:`u = -\eta g`."""

    def init(params: Params) -> tuple:
        return ()

    def update(grads: Params, state: tuple) -> tuple[list[Array], tuple]:
        return [-lr * g for g in grads], state

    return Optimizer("sgd", init, update)


def momentum(lr: ArrayLike, mu: float = 0.9) -> Optimizer:
    r"""Heavy-ball momentum, :math:`v \leftarrow \mu v + g,\ u = -\eta v` (PyTorch's SGD)."""

    def init(params: Params) -> list[Array]:
        return [np.zeros_like(p) for p in params]

    def update(grads: Params, state: list[Array]) -> tuple[list[Array], list[Array]]:
        velocity = [mu * v + g for v, g in zip(state, grads, strict=True)]
        return [-lr * v for v in velocity], velocity

    return Optimizer("momentum", init, update)


@dataclass(frozen=True)
class AdamState:
    """Step count and the first and second moment estimates."""

    count: int
    mu: list[Array]
    nu: list[Array]


def adam(lr: ArrayLike, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    r"""Adam, :math:`u = -\eta\, \hat m / (\sqrt{\hat v} + \epsilon)` (Kingma & Ba 2015)."""

    def init(params: Params) -> AdamState:
        return AdamState(0, [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params])

    def update(grads: Params, state: AdamState) -> tuple[list[Array], AdamState]:
        t = state.count + 1
        mu = [b1 * m + (1 - b1) * g for m, g in zip(state.mu, grads, strict=True)]
        nu = [b2 * v + (1 - b2) * (g * g) for v, g in zip(state.nu, grads, strict=True)]
        c1, c2 = 1 - b1**t, 1 - b2**t
        updates = [-lr * (m / c1) / (np.sqrt(v / c2) + eps) for m, v in zip(mu, nu, strict=True)]
        return updates, AdamState(t, mu, nu)

    return Optimizer("adam", init, update)


_FACTORIES = {"sgd": sgd, "momentum": momentum, "adam": adam}


def get(name: str, lr: ArrayLike) -> Optimizer:
    """The optimizer ``name`` (one of ``NAMES``) with learning rate ``lr``."""
    if name not in _FACTORIES:
        raise ValueError(f"optimizer must be one of {list(NAMES)}, got {name!r}")
    return _FACTORIES[name](lr)
