"""The boundary views' cached work is shared by reference (``st.cache_resource``): every
session gets the same objects, so no page may change them. Render the views that read them,
then compare what the cache holds with a fresh computation of the same key."""

from __future__ import annotations

import numpy as np

from core import train
from core.experiment import DataChoice, ModelChoice
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


def test_only_small_runs_are_shared_and_their_size_is_known_before_training(monkeypatch):
    key = comparison.boundary_key(
        DataChoice("moons", (("n_samples", 120),)),
        0.0,
        ModelChoice(hidden=(8,), epochs=20),
        ("cross_entropy", "hinge"),
    )
    runs = comparison.fit_runs(key)
    models = [m for r in runs.values() for m in (*r.snapshots.values(), r.model)]
    assert comparison.snapshot_bytes(key) == sum(p.nbytes for m in models for p in m.params)
    assert comparison.fit_runs(key) is runs  # small: shared
    monkeypatch.setattr(comparison, "SHARED_BYTES", comparison.snapshot_bytes(key) - 1)
    copied = comparison.fit_runs(key)  # too big to share: a pickled copy per read, bytes capped
    assert copied is not comparison.fit_runs(key)
    for name, run in copied.items():
        np.testing.assert_array_equal(run.history["test_loss"], runs[name].history["test_loss"])
