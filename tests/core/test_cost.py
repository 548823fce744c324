"""The work estimate and the one budget every view is held to (``core.cost``)."""

from __future__ import annotations

import math

import pytest

from core import cost as C
from core import datasets, train
from core.train import TrainConfig


def test_training_cost_by_hand():
    # widths 2-3-2: 2*3 + 3*2 = 12 weights; 10 points, 5 eval points, 4 epochs, 2 models
    cost = C.training_cost(10, (2, 3, 2), 4, runs=2, n_eval=5, steps=7)
    assert cost == 4 * 2 * 12 * (3 * 10 + 5) + 7 * C.STEP_OVERHEAD


def test_training_cost_rejects_nonsense():
    with pytest.raises(ValueError, match="sizes"):
        C.training_cost(10, (2,), 1)
    with pytest.raises(ValueError, match="epochs=-1"):
        C.training_cost(10, (2, 2), -1)


def test_fit_cost_counts_each_config_and_each_lockstep_groups_steps_once():
    ds = datasets.load("moons")
    n, n_eval = len(ds.y_train), len(ds.y_train) + len(ds.y_test)
    cfgs = [TrainConfig(loss=name, hidden=(8,), epochs=30) for name in ("mse", "hinge")]
    one = C.training_cost(n, (2, 8, 2), 30, runs=2, n_eval=n_eval, steps=30)
    assert C.fit_cost(ds, cfgs) == pytest.approx(one, rel=1e-15)
    # another seed is another lockstep group: its steps count again
    other = [TrainConfig(loss="mse", hidden=(8,), epochs=30, seed=1, batch_size=64)]
    extra = C.training_cost(n, (2, 8, 2), 30, n_eval=n_eval, steps=30 * math.ceil(n / 64))
    assert C.fit_cost(ds, cfgs + other) == pytest.approx(one + extra, rel=1e-15)


def test_budget_admits_the_default_views_and_refuses_runaway_jobs():
    ds = datasets.load("spirals")
    default = [TrainConfig(loss=n, hidden=(32, 32), epochs=200) for n in ("mse", "mae")]
    assert C.within_budget(C.fit_cost(ds, default))
    huge = [TrainConfig(loss="mse", hidden=(4096, 4096), epochs=train.MAX_EPOCHS)]
    assert not C.within_budget(C.fit_cost(ds, huge))
    assert C.within_budget(C.MAX_WORK) and not C.within_budget(C.MAX_WORK * 1.001)


def test_one_epoch_limit_for_every_training_loop():
    assert train.MAX_EPOCHS is C.MAX_EPOCHS
    with pytest.raises(ValueError, match=str(C.MAX_EPOCHS)):
        TrainConfig(epochs=C.MAX_EPOCHS + 1)
