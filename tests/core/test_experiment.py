"""What a comparison trains (``core.experiment``): the key's fields, its data, configs and cost."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core import cost, datasets, train
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice, params_for

MOONS = DataChoice("moons", (("n_samples", 200), ("noise", 0.2), ("seed", 3)))
MODEL = ModelChoice(hidden=(8,), epochs=20, lr=0.05)


def test_corruption_names_the_allowed_kinds():
    with pytest.raises(ValueError, match=r"kind must be one of \['none', 'symmetric'"):
        Corruption("astrology", 0.1)


@pytest.mark.parametrize(
    ("corruption", "clean"),
    [
        (Corruption(), True),
        (Corruption("symmetric", 0.0), True),
        (Corruption("none", 0.3), True),
        (Corruption("pair", 0.1), False),
    ],
    ids=["default", "rate-0", "kind-none", "pair-flips"],
)
def test_corruption_is_clean_at_rate_zero_or_kind_none(corruption, clean):
    assert corruption.clean is clean


def test_data_choice_loads_its_dataset_with_its_parameters():
    ds = MOONS.load()
    ref = datasets.load("moons", n_samples=200, noise=0.2, seed=3)
    assert np.array_equal(ds.X_train, ref.X_train) and np.array_equal(ds.y_test, ref.y_test)


def test_configs_share_the_model_and_give_each_loss_its_own_hyperparameters():
    params = (("focal", (("gamma", 3.0),)),)
    key = Comparison(MOONS, MODEL, ("cross_entropy", "focal"), params)
    ce, focal = key.configs(dtype="float32")
    assert (ce.loss, ce.loss_params, focal.loss, focal.loss_params) == (
        "cross_entropy",
        {},
        "focal",
        {"gamma": 3.0},
    )
    for cfg in (ce, focal):
        assert (cfg.hidden, cfg.epochs, cfg.lr, cfg.dtype) == ((8,), 20, 0.05, "float32")
    assert params_for(params, "focal") == {"gamma": 3.0} and params_for(params, "mse") == {}


def test_load_flips_labels_with_the_data_seed():
    key = Comparison(MOONS, MODEL, ("cross_entropy",), corruption=Corruption("symmetric", 0.2))
    ds, again = key.load(), key.load()
    assert ds.corrupted is not None and ds.corrupted.any()
    assert np.array_equal(ds.y_train, again.y_train)  # one key, one set of flipped labels
    assert not np.array_equal(ds.y_train, MOONS.load().y_train)
    assert np.array_equal(ds.y_test, MOONS.load().y_test)  # the test split stays clean
    other = key.replace(data=DataChoice("moons", (("n_samples", 200), ("noise", 0.2))))
    assert not np.array_equal(other.load().corrupted, ds.corrupted)  # seed 0, other flips


def test_cost_is_the_fit_cost_of_its_configs():
    key = Comparison(MOONS, MODEL, ("cross_entropy", "mse", "hinge"))
    assert key.cost() == cost.fit_cost(key.load(), key.configs())
    # the three losses train in lockstep: their steps count once
    assert key.cost().seconds < 3 * Comparison(MOONS, MODEL, ("mse",)).cost().seconds
    assert key.with_seed(1).cost() == key.cost()


def test_keys_are_values():
    a = Comparison(MOONS, MODEL, ("cross_entropy", "mse"))
    b = Comparison(DataChoice(MOONS.name, MOONS.params), dataclasses.replace(MODEL), a.losses)
    assert a == b and hash(a) == hash(b)
    seeded = a.with_seed(7)
    assert seeded != a and seeded.model.seed == 7 and seeded.replace(model=a.model) == a
    assert a.data_seed == 3 and a.task == "classification"


def test_model_choice_describes_itself_and_makes_train_configs():
    assert MODEL.describe == "MLP 8 tanh, Adam lr 0.05, 20 epochs, full batch, L2 0, seed 0"
    linear = ModelChoice(hidden=(), optimizer="sgd", batch_size=32)
    assert linear.describe.startswith("linear model, SGD lr 0.01, 300 epochs, batch 32")
    cfg = MODEL.config("mse", {"x": 1.0}, epochs=5)
    assert isinstance(cfg, train.TrainConfig)
    assert (cfg.loss, cfg.loss_params, cfg.epochs, cfg.hidden) == ("mse", {"x": 1.0}, 5, (8,))
