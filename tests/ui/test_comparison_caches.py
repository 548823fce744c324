"""The process caches in front of a boundary view's configs, kept epochs and data: each entry
answers for its own key only (a what-if is a new key every time: another seed, edits, losses)."""

from __future__ import annotations

import pytest

from core import edits
from core.experiment import Corruption, DataChoice, ModelChoice
from ui import comparison

BASE = comparison.boundary_key(
    DataChoice("moons", (("n_samples", 120),)),
    0.0,
    ModelChoice(hidden=(8,), epochs=40),
    ("cross_entropy", "hinge"),
)
#: Keys that differ from BASE in one thing each, asked in turn so a wrong key would hand one of
#: them another's entry.
KEYS = {
    "base": BASE,
    "another seed": BASE.with_seed(7),
    "a third seed": BASE.with_seed(8),
    "more epochs": BASE.replace(model=ModelChoice(hidden=(8,), epochs=60, seed=7)),
    "a wider model": BASE.replace(model=ModelChoice(hidden=(256, 256, 256), epochs=2000)),
    "other losses": BASE.replace(losses=("mse",)),
    "a loss parameter": BASE.replace(params=(("hinge", (("margin", 2.0),)),)),
    "flipped labels": BASE.replace(corruption=Corruption("symmetric", 0.2)),
    "edits": BASE.replace(edits=edits.decode("1.a500_500_1.d0")),
}


@pytest.mark.parametrize("name", list(KEYS))
def test_each_key_gets_its_own_configs_and_kept_epochs(name):
    for other in KEYS.values():  # fill the caches with every neighbour first
        comparison.configs(other)
    key = KEYS[name]
    kept = comparison._kept_epochs.__wrapped__(key)  # computed afresh, this key's own seed
    assert comparison.kept_epochs(key) == kept
    assert comparison.configs(key) == key.configs(dtype=comparison.DTYPE, snapshot_epochs=kept)
    assert {c.seed for c in comparison.configs(key)} == {key.model.seed}


def test_the_cached_configs_are_a_new_list_each_time():
    first = comparison.configs(BASE)
    first.append(None)  # a caller's own list: the next caller still gets the view's configs
    assert len(comparison.configs(BASE)) == len(BASE.losses)


@pytest.mark.parametrize(
    ("data", "corruption"),
    [
        pytest.param(DataChoice("moons", (("n_samples", 120),)), Corruption(), id="moons-120"),
        pytest.param(DataChoice("moons", (("n_samples", 140),)), Corruption(), id="moons-140"),
        pytest.param(
            DataChoice("moons", (("n_samples", 120), ("seed", 3))), Corruption(), id="data-seed"
        ),
        pytest.param(DataChoice("blobs", (("n_samples", 120),)), Corruption(), id="blobs"),
        pytest.param(
            DataChoice("moons", (("n_samples", 120),)),
            Corruption("symmetric", 0.2),
            id="flipped-0.2",
        ),
        pytest.param(
            DataChoice("moons", (("n_samples", 120),)),
            Corruption("symmetric", 0.25),
            id="flipped-0.25",
        ),
    ],
)
def test_the_cached_data_are_those_of_their_choice(data, corruption):
    key = comparison.boundary_key(data, 0.0, ModelChoice(), ("cross_entropy",))
    key = key.replace(corruption=corruption)
    got, want = comparison.load(key), key.load()
    assert (got.X_train == want.X_train).all() and (got.y_train == want.y_train).all()
    assert (got.X_test == want.X_test).all() and (got.y_test == want.y_test).all()
