"""Playback snapshots: the schedule, surface values, and frames equal to the boundary panels."""

from __future__ import annotations

import numpy as np
import pytest

from core import boundaries as B
from core import datasets, train
from core import snapshots as S

# ----------------------------------------------------------------------------- schedule


@pytest.mark.parametrize("epochs", [1, 5, 79])
def test_short_training_keeps_every_epoch(epochs):
    assert S.schedule(epochs) == tuple(range(epochs + 1))


@pytest.mark.parametrize("epochs", [80, 100, 150, 300, 1000, 5000, 100_000])
def test_long_training_keeps_60_to_100_epochs_denser_early(epochs):
    s = S.schedule(epochs)
    assert 60 <= len(s) <= S.MAX_FRAMES
    assert s[0] == 0 and s[-1] == epochs
    assert list(s) == sorted(set(s))
    gaps = np.diff(s)
    # denser early: the first gaps are the smallest, the last ones the largest
    assert gaps[:10].max() <= gaps[-10:].min()
    # the older scrubber's epochs stay, so links written before playback still work
    assert set(B.snapshot_epochs(epochs, 12)) <= set(s)


def test_schedule_of_the_default_boundary_view():
    s = S.schedule(150)
    assert s[:18] == tuple(range(18))  # one epoch apart at the start
    assert 150 in s and 24 in s and 95 in s


@pytest.mark.parametrize(
    ("args", "match"),
    [
        pytest.param((0,), "epochs", id="zero-epochs"),
        pytest.param((True,), "epochs", id="bool"),
        pytest.param((2.5,), "epochs", id="float"),
        pytest.param((100, 1), "frames", id="one-frame"),
        pytest.param((100, 500), "frames", id="too-many-frames"),
    ],
)
def test_schedule_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        S.schedule(*args)


def test_nearest():
    assert S.nearest((0, 5, 10), 7) == 5
    assert S.nearest((0, 5, 10), 8) == 10
    assert S.nearest((0, 5, 10), 500) == 10
    with pytest.raises(ValueError, match="empty"):
        S.nearest((), 3)


# ----------------------------------------------------------------------------- values


def test_probability_values_are_the_softmax():
    z = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    v = S.surface_values(z, "probability")
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(v, e / e.sum(axis=1, keepdims=True))


def test_score_values_map_the_margin_over_the_best_other_class():
    # z = (3, 1, 0): s = (2, -2, -3); margin 1 -> clipped to (1, -1, -1) -> v = (1, 0, 0)
    v = S.surface_values(np.array([[3.0, 1.0, 0.0]]), "score", margin=1.0)
    np.testing.assert_allclose(v, [[1.0, 0.0, 0.0]])
    # margin 4: s / 4 = (0.5, -0.5, -0.75) -> v = (0.75, 0.25, 0.125)
    v = S.surface_values(np.array([[3.0, 1.0, 0.0]]), "score", margin=4.0)
    np.testing.assert_allclose(v, [[0.75, 0.25, 0.125]])


@pytest.mark.parametrize("kind", ["probability", "score"])
def test_binary_values_equal_class_one_of_the_general_formula(kind):
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=(50, 2))
    full = S.surface_values(z, kind, margin=1.5)
    binary = S.surface_values(z[:, 1:] - z[:, :1], kind, margin=1.5, binary=True)
    np.testing.assert_allclose(binary[:, 0], full[:, 1], atol=1e-12)
    np.testing.assert_allclose(full.sum(axis=1), 1.0)


@pytest.mark.parametrize("kind", ["probability", "score"])
def test_strength_of_the_top_value_matches_the_boundary_surface(kind):
    """The browser shades by strength(max v): the same as decision_surface's strength."""
    rng = np.random.default_rng(1)
    W = rng.normal(size=(2, 3))

    class Lin:
        def decision_function(self, X):
            return np.asarray(X) @ W

    grid = B.make_grid(rng.normal(size=(20, 2)), 12)
    loss = "cross_entropy" if kind == "probability" else "hinge"
    surf = B.decision_surface(Lin(), grid, loss, margin=1.0)
    v = S.surface_values(Lin().decision_function(grid.points), kind)
    np.testing.assert_allclose(S.strength(v.max(axis=1), kind, 3), surf.strength, atol=1e-12)
    np.testing.assert_array_equal(np.argmax(v, axis=1), surf.label)


def test_non_finite_logits_are_undecided():
    z = np.array([[np.nan, 1.0], [np.inf, 0.0]])
    np.testing.assert_allclose(S.surface_values(z, "probability"), 0.5)
    np.testing.assert_allclose(S.surface_values(z, "score"), 0.5)


def test_surface_values_reject_bad_input():
    with pytest.raises(ValueError, match="kind"):
        S.surface_values(np.zeros((1, 2)), "margin")
    with pytest.raises(ValueError, match="margin"):
        S.surface_values(np.zeros((1, 2)), "score", margin=0.0)


def test_quantize():
    np.testing.assert_array_equal(
        S.quantize([0.0, 0.5, 1.0, 1.5, -1.0, np.nan]), [0, 128, 255, 255, 0, 0]
    )


# ----------------------------------------------------------------------------- frames


@pytest.fixture(scope="module")
def runs():
    ds = datasets.load("moons", n_samples=200, noise=0.2, seed=0)
    ds = datasets.add_label_noise(ds, 0.2, kind="symmetric", seed=0)
    sched = S.schedule(40)
    cfgs = [
        train.TrainConfig(loss=n, hidden=(8,), epochs=40, dtype="float32", snapshot_epochs=sched)
        for n in ("cross_entropy", "hinge")
    ]
    return ds, sched, train.fit_many(ds, cfgs)


def test_every_frame_equals_the_boundary_panel_at_that_epoch(runs):
    """Accuracies and gradients bit for bit what the scrubber's panels show; the picture's
    class and shading those of the panel's own surface."""
    ds, sched, results = runs
    grid = B.make_grid(np.vstack([ds.X_train, ds.X_test]), 16)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test)
    for r in results:
        f = S.evaluate(r.snapshots, sched, r.model, r.config.loss, grid, *xy)
        assert f.values.shape == (len(sched), 16, 16, 1)
        assert f.weight.shape == (len(sched), len(ds.y_train))
        assert f.kind == B.surface_kind(r.config.loss)
        for i, e in enumerate(sched):
            p = B.panel(r.snapshots[e], r.config.loss, e, grid, *xy, flipped=ds.corrupted)
            assert f.train_accuracy[i] == p.train_accuracy
            assert f.test_accuracy[i] == p.test_accuracy
            np.testing.assert_array_equal(f.gradient[i], p.gradient)
            g = p.gradient
            np.testing.assert_array_equal(f.weight[i], S.quantize(g / g.max()))
            v1 = f.values[i].reshape(-1) / S.LEVELS
            label = (v1 >= 0.5).astype(int)
            sure = np.abs(v1 - 0.5) > 2 / S.LEVELS  # away from the boundary's rounding
            np.testing.assert_array_equal(label[sure], p.surface.label[sure])
            strength = S.strength(np.maximum(v1, 1 - v1), f.kind, 2)
            np.testing.assert_allclose(strength, p.surface.strength, atol=2.5 / S.LEVELS)


def test_frames_after_divergence_show_the_last_finite_model(runs):
    ds, sched, results = runs
    r = results[0]
    grid = B.make_grid(ds.X_train, 8)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test)
    kept = {e: m for e, m in r.snapshots.items() if e <= 10}
    f = S.evaluate(kept, sched, r.model, r.config.loss, grid, *xy)
    last = S.evaluate({}, [40], r.model, r.config.loss, grid, *xy)
    after = [i for i, e in enumerate(sched) if e > 10]
    np.testing.assert_array_equal(f.values[after], np.repeat(last.values, len(after), axis=0))
    assert np.all(f.test_accuracy[after] == last.test_accuracy[0])


def test_three_classes_store_one_value_per_class():
    ds = datasets.load("blobs", n_samples=150, n_classes=3, seed=0)
    cfg = train.TrainConfig(loss="multi_margin", hidden=(), epochs=5, snapshot_epochs=(0, 5))
    r = train.fit(ds, cfg)
    grid = B.make_grid(ds.X_train, 10)
    f = S.evaluate(
        r.snapshots,
        (0, 5),
        r.model,
        "multi_margin",
        grid,
        ds.X_train,
        ds.y_train,
        ds.X_test,
        ds.y_test,
    )
    assert f.values.shape == (2, 10, 10, 3)
    surf = B.decision_surface(r.snapshots[5], grid, "multi_margin")
    v = f.values[1].reshape(-1, 3).astype(float)
    top = np.sort(v, axis=1)
    sure = top[:, -1] - top[:, -2] > 2  # no tie after rounding
    np.testing.assert_array_equal(np.argmax(v, axis=1)[sure], surf.label[sure])


def test_evaluate_needs_epochs(runs):
    ds, _, results = runs
    with pytest.raises(ValueError, match="epochs"):
        S.evaluate(
            {},
            [],
            results[0].model,
            "cross_entropy",
            B.make_grid(ds.X_train, 4),
            ds.X_train,
            ds.y_train,
            ds.X_test,
            ds.y_test,
        )
