"""Shared helpers for the loss tests (imported, not a conftest): grid, readable ids, inputs.

The grid is read from the cards, so every registered loss is gradient-checked at every
setting its card lists (``test_grid_covers_every_loss_and_every_hyperparameter`` checks that
each hyperparameter is varied).
"""

from __future__ import annotations

import numpy as np

from core import losses

#: Hyperparameter settings per loss (defaults first), from each loss's card (``Loss.grid``):
#: gradient checks, properties and identities run every one of them.
GRID: dict[tuple[str, str], list[dict[str, float]]] = {
    (loss.task, loss.name): [dict(g) for g in loss.grid] for loss in losses.all_losses()
}


def loss_id(loss: losses.Loss, params: dict[str, float]) -> str:
    """Readable test id, e.g. ``classification/focal[gamma=0.5]``."""
    inner = ",".join(f"{k}={v:g}" for k, v in params.items())
    return f"{loss.task}/{loss.name}[{inner}]"


def grid_cases(task: str | None = None) -> list[tuple[losses.Loss, dict[str, float]]]:
    """``(loss, params)`` for every registered loss (of ``task``) and every grid setting."""
    return [
        (loss, params)
        for loss in losses.all_losses()
        if task in (None, loss.task)
        for params in GRID.get((loss.task, loss.name), [{}])
    ]


def grid_ids(cases: list[tuple[losses.Loss, dict[str, float]]]) -> list[str]:
    return [loss_id(loss, params) for loss, params in cases]


def logits_away_from_kinks(
    rng: np.random.Generator, n: int, k: int, margins: tuple[float, ...] = (0.3, 0.5, 1.0, 2.0, 2.5)
) -> tuple[np.ndarray, np.ndarray]:
    """Random logits ``(n, k)`` and labels whose rows stay 0.02 away from every hinge kink.

    Kinks: a Weston–Watkins term :math:`\\Delta - z_t + z_j = 0` (which includes the
    Crammer–Singer margin) for any of ``margins``, and two wrong classes tying for the maximum.
    """
    rows_z, rows_y = [], []
    while len(rows_z) < n:
        z = rng.normal(0.0, 2.0, size=k)
        t = int(rng.integers(0, k))
        others = np.delete(z, t)
        slack = np.array([m - z[t] + others for m in margins])
        top_two = np.sort(others)[-2:] if k > 2 else np.array([0.0, 1.0])
        if np.abs(slack).min() > 0.02 and top_two[1] - top_two[0] > 0.02:
            rows_z.append(z)
            rows_y.append(t)
    return np.array(rows_z), np.array(rows_y)


def regression_away_from_kinks(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    kinks: tuple[float, ...] = (0.1, 0.5, 0.7, 1.0, 2.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Targets ``y > 0.5``, predictions ``> 0.05``, residuals 0.02 away from 0 and ``±kinks``.

    Positive predictions keep MSLE off its clipping kink at 0.
    """
    y = rng.uniform(0.5, 4.0, size=shape)
    e = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.05, 3.0, size=shape)
    for _ in range(100):
        a = np.abs(e)
        bad = (np.min(np.abs(a[..., None] - np.array(kinks)), axis=-1) < 0.02) | (y + e < 0.05)
        if not bad.any():
            break
        e[bad] = rng.uniform(0.05, 3.0, size=int(bad.sum())) * np.sign(e[bad])
    return y, y + e
