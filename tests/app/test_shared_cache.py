"""The boundary views' cached work is shared by reference (``st.cache_resource``): every
session gets the same objects, so no page may change them. Render the views that read them,
then compare what the cache holds with a fresh computation of the same key."""

from __future__ import annotations

import gc
import pickle
from multiprocessing.reduction import ForkingPickler

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import train
from core.experiment import DataChoice, ModelChoice
from serve import warmup
from ui import comparison, player
from views import home

PAGE = "pages/5_Decision_boundaries.py"


def _same_model(a, b) -> None:
    assert len(a.params) == len(b.params)
    for p, q in zip(a.params, b.params, strict=True):
        np.testing.assert_array_equal(p, q)


def test_pages_leave_the_shared_runs_panels_and_pictures_as_computed(app):
    key = comparison.boundary_key(DataChoice(home.DEFAULT), 0.0, home.MODEL, home.LOSSES)
    app("streamlit_app.py")  # trains the key, sends core's scores to the player
    at = app(PAGE, dict(home.deep_link(home.DEFAULT)))  # the same key, opened on the page
    for epoch in (0, 40):  # other epochs: other panels and fallback pictures, same runs
        at = at.select_slider(key="epoch").set_value(epoch).run()
        assert not at.exception
    at = at.toggle(key="drive").set_value(False).run()
    assert not at.exception

    runs = comparison.fit_runs(key)
    assert comparison.fit_runs(key) is runs  # shared, not a copy per read
    fresh = dict(zip(key.losses, train.fit_many(key.load(), comparison.configs(key)), strict=True))
    for name, run in runs.items():
        again = fresh[name]
        assert run.diverged_epoch == again.diverged_epoch
        assert run.history.keys() == again.history.keys()
        for k, v in run.history.items():
            np.testing.assert_array_equal(v, again.history[k])
        _same_model(run.model, again.model)
        assert sorted(run.snapshots) == sorted(again.snapshots)
        for epoch, model in run.snapshots.items():
            _same_model(model, again.snapshots[epoch])

    for epoch in (0, 40):  # the fallback's pictures, made from the shared panels
        assert player._fallback_images(key, epoch, True) == player._fallback_images.__wrapped__(
            key, epoch, True
        )

    for epoch in (0, 40, home.MODEL.epochs):
        for p, q in zip(
            comparison.compute_panels(key, epoch),
            comparison.compute_panels.__wrapped__(key, epoch),
            strict=True,
        ):
            np.testing.assert_array_equal(p.surface.label, q.surface.label)
            np.testing.assert_array_equal(p.surface.probability, q.surface.probability)
            np.testing.assert_array_equal(p.gradient, q.gradient)
            assert p.test_accuracy == q.test_accuracy


def _keys(n: int) -> list:
    """``n`` small boundary views that differ only in the model seed."""
    return [
        comparison.boundary_key(
            DataChoice("moons", (("n_samples", 120),)),
            0.0,
            ModelChoice(hidden=(8,), epochs=20, seed=seed),
            ("cross_entropy", "hinge"),
        )
        for seed in range(n)
    ]


def test_shared_caches_keep_at_most_their_byte_budget(monkeypatch):
    st.cache_resource.clear()
    comparison.SHARED.forget()
    keys = _keys(3)
    first = comparison.fit_runs(keys[0])
    assert comparison.fit_runs(keys[0]) is first  # shared, not a copy per read
    one = comparison.SHARED.total
    models = [m for r in first.values() for m in (*r.snapshots.values(), r.model)]
    assert one >= sum(p.nbytes for m in models for p in m.params)  # the snapshots counted
    monkeypatch.setattr(comparison.SHARED, "cap", int(1.5 * one))
    second = comparison.fit_runs(keys[1])  # over the budget: the first run is dropped
    assert comparison.SHARED.total <= comparison.SHARED.cap
    assert comparison.fit_runs(keys[1]) is second
    again = comparison.fit_runs(keys[0])
    assert again is not first  # trained again, the same numbers
    for name, run in again.items():
        np.testing.assert_array_equal(run.history["test_loss"], first[name].history["test_loss"])
    monkeypatch.setattr(comparison.SHARED, "cap", one // 2)
    big = comparison.fit_runs(keys[2])  # larger than the whole budget: returned, never kept
    assert comparison.fit_runs(keys[2]) is not big
    assert comparison.SHARED.total <= one  # what was kept before, nothing more
    st.cache_resource.clear()
    comparison.SHARED.forget()


def test_runs_from_a_worker_count_the_memory_they_hold():
    """A worker's results come back pickled (``multiprocessing``'s pickler): unpickled arrays
    of more than a few hundred bytes look into the received bytes instead of owning memory.
    They are counted all the same, and each buffer once however many arrays look into it."""
    key = comparison.boundary_key(
        DataChoice("moons", (("n_samples", 120),)),
        0.0,
        ModelChoice(hidden=(32, 32), epochs=20),  # weights of kilobytes: not copied
        ("cross_entropy", "hinge"),
    )
    runs = dict(zip(key.losses, train.fit_many(key.load(), comparison.configs(key)), strict=True))
    received = pickle.loads(ForkingPickler.dumps(runs))
    params = [
        p for r in received.values() for m in (*r.snapshots.values(), r.model) for p in m.params
    ]
    assert any(p.base is not None for p in params)  # what the count used to skip
    assert comparison.nbytes(received) == comparison.nbytes(runs)
    assert comparison.nbytes(received) >= sum(p.nbytes for p in params)
    whole = np.zeros((100, 8))
    assert comparison.nbytes([whole[:50], whole[50:], whole.T]) == whole.nbytes


#: A one-run view (no committed seed evidence): the page draws "Check across seeds", a
#: fragment its session keeps for the button's reruns.
ONE_RUN = {"dataset": "moons", "moons_n_samples": 120, "layers": 1, "width": 8, "epochs": 30}


def _runs_alive() -> int:
    gc.collect()
    return sum(isinstance(o, train.FitResult) for o in gc.get_objects())


def _another_script() -> None:
    """Run another script: the process's ``__main__`` is the last script run's module."""
    AppTest.from_string("import streamlit as st\n\nst.write('next')").run()


def _drop_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
    comparison.SHARED.forget()


def test_a_session_keeps_no_trained_run_once_the_caches_dropped_it(app):
    """A session (kept by Streamlit while it is open and two minutes after) keeps what its
    fragments need, not the page's trained runs: once the shared caches have dropped them
    they are freed, however many sessions viewed them."""
    _another_script()
    _drop_caches()
    before = _runs_alive()
    at = app(PAGE, ONE_RUN)
    assert at.button(key="evidence_check")  # the fragment is drawn
    assert _runs_alive() > before  # the view trained
    _another_script()
    _drop_caches()
    assert _runs_alive() == before
    assert at.button(key="evidence_check")  # the session (and its fragment) is alive


class _Cache:
    """A stand-in for a shared cache: records what the budget drops."""

    def __init__(self) -> None:
        self.dropped: list[tuple] = []

    def clear(self, *args) -> None:
        self.dropped.append(args)


def test_pinned_values_stay_within_their_share_and_are_never_dropped():
    budget, cache = comparison.SharedBytes(100, pinned_share=0.5), _Cache()
    assert budget.kept(cache, ("home",), 30)
    budget.pin(cache, ("home",), "home's runs")
    assert budget.kept(cache, ("preset",), 30)
    budget.pin(cache, ("preset",), "preset's runs")  # 60 > 50: over the pinned share
    assert budget.pinned(cache, ("preset",)) is comparison.NOT_PINNED
    for seed in range(5):  # a room's what-ifs: the oldest unpinned go, never home's
        assert budget.kept(cache, (seed,), 30)
        assert budget.total <= 100
    assert ("home",) not in cache.dropped and ("preset",) in cache.dropped
    assert budget.pinned(cache, ("home",)) == "home's runs"
    assert not budget.kept(cache, ("big",), 71)  # more than the budget beside the pinned
    assert budget.kept(cache, ("fits",), 70)
    budget.forget()
    assert budget.total == 0 and budget.pinned(cache, ("home",)) is comparison.NOT_PINNED


def test_a_pinned_value_is_served_after_its_cache_dropped_it(monkeypatch):
    """What the warm-up computed is read from the pin, whatever the cache's own entry limit
    dropped; nobody else's view pins anything."""
    st.cache_resource.clear()
    comparison.SHARED.forget()
    keys = _keys(2)
    monkeypatch.setattr(warmup, "warming", lambda: True)
    first = comparison.fit_runs(keys[0])
    monkeypatch.setattr(warmup, "warming", lambda: False)
    other = comparison.fit_runs(keys[1])
    st.cache_resource.clear()  # the caches forget everything (their entry limits, say)
    assert comparison.fit_runs(keys[0]) is first
    assert comparison.fit_runs(keys[1]) is not other  # trained again: not pinned
    comparison.SHARED.forget()
    st.cache_resource.clear()
