"""The work model, the one budget every view is held to, and the settings that fit it
(``core.cost``)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cost as C
from core import datasets, train
from core.train import TrainConfig

SHAPE = C.DataShape(n_train=10, n_test=5, n_features=2, n_outputs=2)


def test_fit_cost_by_hand_full_batch():
    # widths 2-3-2: W = 2*3 + 3*2 = 12 weights, P = 3*3 + 4*2 = 17 parameters
    cfgs = [
        TrainConfig(loss=n, hidden=(3,), epochs=4, snapshot_epochs=(0, 2, 4))
        for n in ("mse", "mae")
    ]
    w = C.fit_cost(SHAPE, cfgs)
    assert w.macs == 2 * 4 * 12 * (3 * 10 + 5)
    assert w.activations == 2 * 4 * (3 + 2) * (3 * 10 + 5)
    assert w.class_samples == 2 * 4 * (10 + 5) * 2 and w.samples == 0
    assert w.jobs == 1
    assert w.updates == 2 * 4 * 17 * (1 + 2)
    assert (w.steps, w.model_steps) == (0, 0)
    assert w.kept == w.moved == 2 * 3 * 17 * 8  # float64 snapshots
    assert w.transient == 3 * 2 * 15 * (3 + 2) * 8


def test_fit_cost_counts_mini_batches_and_each_lockstep_group():
    mini = TrainConfig(loss="mse", hidden=(3,), epochs=4, batch_size=4, dtype="float32")
    w = C.fit_cost(SHAPE, [mini])
    steps = math.ceil(10 / 4)
    assert w.macs == 4 * 12 * (6 * 10 + 5)  # the batches' passes and the evaluation pass
    assert w.class_samples == 4 * (2 * 10 + 5) * 2
    assert w.updates == 4 * 17 * (steps + 2)
    assert (w.steps, w.model_steps) == (4 * steps, 4 * steps)
    # another seed is another lockstep group: it counts again, its working arrays do not add
    other = dataclasses.replace(mini, seed=1)
    both = C.fit_cost(SHAPE, [mini, other])
    assert both.macs == 2 * w.macs and both.steps == 2 * w.steps and both.jobs == 1
    assert both.transient == w.transient
    # a batch as large as the data is full-batch training
    full = C.fit_cost(SHAPE, [dataclasses.replace(mini, batch_size=64)])
    assert full.steps == 0 and full.macs == 4 * 12 * (3 * 10 + 5)


def test_fit_cost_of_a_dataset_is_that_of_its_shape():
    ds = datasets.load("moons")
    cfgs = [TrainConfig(loss=n, hidden=(8,), epochs=30) for n in ("mse", "hinge")]
    shape = C.DataShape.of(ds)
    assert (shape.n_train, shape.n_test) == (len(ds.y_train), len(ds.y_test))
    assert C.fit_cost(ds, cfgs) == C.fit_cost(shape, cfgs)


def test_work_adds_and_repeats():
    a = C.Work(macs=1, kept=10, transient=5)
    b = C.Work(macs=2, kept=1, transient=7)
    assert a + b == C.Work(macs=3, kept=11, transient=7)  # one after another: not at once
    assert 3 * a == C.Work(macs=3, kept=30, transient=5)
    assert (a + b).seconds == pytest.approx(a.seconds + b.seconds)


def test_evaluation_cost_by_hand():
    w = C.evaluation_cost((2, 4, 3), points=100, snapshots=20, models=2, itemsize=4, scored=30)
    assert w.macs == 2 * 20 * 100 * (2 * 4 + 4 * 3)
    assert w.activations == 2 * 20 * 100 * (4 + 3)
    assert w.class_samples == 2 * 20 * 30 * 3
    assert w.moved == 2 * 20 * (3 * 4 + 5 * 3) * 4
    assert w.kept == 2 * 20 * (100 + 9 * 30)
    assert w.transient == max(2 * C.EVALUATION_CHUNK * 100 * (4 + 3) * 4, 8 * 20 * 30 * 3 * 8)


def test_budget_admits_the_default_views_and_refuses_runaway_jobs():
    ds = datasets.load("spirals")
    default = [
        TrainConfig(loss=n, hidden=(32, 32), epochs=200, dtype="float32") for n in ("mse", "mae")
    ]
    assert C.within_budget(C.fit_cost(ds, default))
    huge = [TrainConfig(loss="mse", hidden=(4096, 4096), epochs=train.MAX_EPOCHS)]
    assert not C.within_budget(C.fit_cost(ds, huge))
    at_limit = C.Work(model_steps=C.MAX_SECONDS / C.SECONDS_PER["model_steps"])
    assert C.within_budget(at_limit) and not C.within_budget(1.001 * at_limit)
    heavy = C.Work(kept=C.MAX_PEAK / C.PEAK_PER_KEPT * 1.001)
    assert heavy.seconds < C.MAX_SECONDS and not C.within_budget(heavy)


def test_one_epoch_limit_for_every_training_loop():
    assert train.MAX_EPOCHS is C.MAX_EPOCHS
    with pytest.raises(ValueError, match=str(C.MAX_EPOCHS)):
        TrainConfig(epochs=C.MAX_EPOCHS + 1)


# --------------------------------------------------------------------------- what would fit


def _estimate(s):
    """A view of ``epochs`` x ``width``^2 x ``losses``: 4e-8 s each (whatever the
    coefficients), so 888 x 256^2 x 8 is 18.6 s."""
    seconds = s["epochs"] * s["width"] ** 2 * s["losses"] * 4e-8
    return C.Work(macs=seconds / C.SECONDS_PER["macs"])


KNOBS = [
    C.Knob("width", "width", list(range(255, 0, -1))),
    C.Knob("epochs", "epochs", list(range(887, 0, -1))),
    C.Knob("losses", "losses", [7, 6, 5, 4, 3, 2, 1]),
]


def test_fitting_names_the_largest_value_of_each_setting_that_fits():
    settings_ = {"width": 256, "epochs": 888, "losses": 8}
    assert not C.within_budget(_estimate(settings_))
    changes = C.fitting(_estimate, settings_, KNOBS)
    assert [list(c) for c in changes] == [["width"], ["epochs"], ["losses"]]
    for change in changes:
        ((name, value),) = change.items()
        assert C.within_budget(_estimate({**settings_, **change}))
        one_more = {**settings_, name: value + 1}
        assert not C.within_budget(_estimate(one_more))  # the largest that fits


def test_fitting_combines_settings_when_none_fits_alone():
    settings_ = {"width": 256, "epochs": 888, "losses": 8}
    small = [C.Knob("width", "width", [200]), C.Knob("epochs", "epochs", [800, 400])]
    (change,) = C.fitting(_estimate, settings_, small)
    assert set(change) == {"width", "epochs"}
    assert C.within_budget(_estimate({**settings_, **change}))
    assert change == {"width": 200, "epochs": 400}
    assert C.fitting(_estimate, settings_, [C.Knob("losses", "losses", [7])]) == []


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(1, 256),
    epochs=st.integers(1, 2000),
    losses=st.integers(1, 8),
)
def test_every_suggestion_fits(width, epochs, losses):
    s = {"width": width, "epochs": epochs, "losses": losses}
    knobs = [
        C.Knob("width", "width", list(range(width - 1, 0, -1))),
        C.Knob("epochs", "epochs", list(range(epochs - 1, 0, -1))),
        C.Knob("losses", "losses", list(range(losses - 1, 0, -1))),
    ]
    for change in C.fitting(_estimate, s, knobs):
        assert C.within_budget(_estimate({**s, **change}))
