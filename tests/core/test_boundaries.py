"""Decision surfaces, boundary cells, per-point gradient magnitudes and their summary."""

from __future__ import annotations

import numpy as np
import pytest

from core import boundaries as B
from core import losses


class Linear:
    """A fixed linear classifier z = X W + b (no training needed for these tests)."""

    def __init__(self, W, b=None):
        self.W = np.asarray(W, dtype=float)
        self.b = np.zeros(self.W.shape[1]) if b is None else np.asarray(b, dtype=float)

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.W + self.b


class Diverged:
    def decision_function(self, X):
        return np.full((len(X), 3), np.nan)


# ----------------------------------------------------------------------------- grid


def test_grid_covers_points_with_padding():
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    g = B.make_grid(X, resolution=5, padding=0.5)
    assert g.shape == (5, 5)
    np.testing.assert_allclose(g.xs, np.linspace(-1.0, 3.0, 5))  # span 2, pad 1 each side
    np.testing.assert_allclose(g.ys, np.linspace(-3.0, 5.0, 5))  # span 4, pad 2
    assert g.step == pytest.approx((1.0, 2.0))
    pts = g.points
    assert pts.shape == (25, 2)
    # row-major: x varies fastest
    np.testing.assert_allclose(pts[:5, 0], g.xs)
    np.testing.assert_allclose(pts[:5, 1], g.ys[0])


def test_grid_of_a_single_point_is_not_degenerate():
    g = B.make_grid([[1.0, 1.0]], resolution=3, padding=0.5)
    np.testing.assert_allclose(g.xs, [0.5, 1.0, 1.5])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"X": np.zeros((3, 3))}, "shape", id="three-columns"),
        pytest.param({"X": [[0.0, np.nan]]}, "finite", id="nan"),
        pytest.param({"X": np.zeros((2, 2)), "resolution": 1}, "resolution", id="res-1"),
        pytest.param({"X": np.zeros((2, 2)), "resolution": 10_000}, "resolution", id="res-huge"),
        pytest.param({"X": np.zeros((2, 2)), "padding": -1}, "padding", id="neg-padding"),
    ],
)
def test_grid_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        B.make_grid(**kwargs)


# ----------------------------------------------------------------------------- surface


def test_top_two_margin_by_hand():
    z = np.array([[3.0, 1.0, 2.5], [0.0, -2.0, 0.0], [1.0, 4.0, 0.0]])
    np.testing.assert_allclose(B.top_two_margin(z), [0.5, 0.0, 3.0])


def test_boundary_cells_mark_the_class_change():
    label = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 2, 2]])
    edge = B.boundary_cells(label.ravel(), label.shape).reshape(label.shape)
    expected = np.array(
        [
            [False, True, False, False],  # right neighbour of column 1 is class 1
            [True, True, True, True],  # row above (row 2) is class 2 everywhere
            [False, False, False, False],
        ]
    )
    np.testing.assert_array_equal(edge, expected)


def test_probability_surface_matches_softmax_by_hand():
    # two classes, z = [0, x]: p_1 = sigmoid(x); boundary at x = 0
    model = Linear([[0.0, 1.0], [0.0, 0.0]])
    g = B.Grid(xs=np.array([-2.0, -0.5, 0.5, 2.0]), ys=np.array([0.0, 1.0]))
    s = B.decision_surface(model, g, "cross_entropy")
    assert s.kind == "probability"
    np.testing.assert_array_equal(s.label, [0, 0, 1, 1] * 2)
    p1 = 1 / (1 + np.exp(-g.points[:, 0]))
    np.testing.assert_allclose(s.probability, np.maximum(p1, 1 - p1))
    # strength rescales max p from [1/2, 1] to [0, 1]
    np.testing.assert_allclose(s.strength, (np.maximum(p1, 1 - p1) - 0.5) / 0.5)
    np.testing.assert_array_equal(s.boundary.reshape(2, 4)[0], [False, True, False, False])


def test_hinge_surface_shows_the_score_clipped_at_the_margin():
    model = Linear([[0.0, 1.0], [0.0, 0.0]])  # score |z1 - z0| = |x|
    g = B.Grid(xs=np.array([-2.0, -0.5, 0.5, 2.0]), ys=np.array([0.0, 1.0]))
    s = B.decision_surface(model, g, "hinge", margin=1.0)
    assert s.kind == "score"
    np.testing.assert_allclose(s.score, np.abs(g.points[:, 0]))
    np.testing.assert_allclose(s.strength, [1.0, 0.5, 0.5, 1.0] * 2)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("cross_entropy", "probability"),
        ("mse", "probability"),
        ("mae", "probability"),
        ("hinge", "score"),
        ("multi_margin", "score"),
        ("square_logits", "score"),
    ],
)
def test_surface_kind(name, kind):
    assert B.surface_kind(name) == kind


def test_diverged_model_gives_an_empty_surface_not_an_error():
    g = B.make_grid([[0.0, 0.0], [1.0, 1.0]], resolution=4)
    s = B.decision_surface(Diverged(), g, "cross_entropy")
    assert (s.label == -1).all()
    assert np.isnan(s.probability).all()
    assert (s.strength == 0).all()
    assert not s.boundary.any()


def test_surface_rejects_a_non_positive_margin():
    g = B.make_grid([[0.0, 0.0], [1.0, 1.0]], resolution=4)
    with pytest.raises(ValueError, match="margin"):
        B.decision_surface(Linear(np.eye(2)), g, "hinge", margin=0.0)


# ----------------------------------------------------------------------------- values and strength


def test_probability_values_are_the_softmax():
    z = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    v = B.surface_values(z, "probability")
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(v, e / e.sum(axis=1, keepdims=True))


def test_score_values_map_the_margin_over_the_best_other_class():
    # z = (3, 1, 0): s = (2, -2, -3); margin 1 -> clipped to (1, -1, -1) -> v = (1, 0, 0)
    v = B.surface_values(np.array([[3.0, 1.0, 0.0]]), "score", margin=1.0)
    np.testing.assert_allclose(v, [[1.0, 0.0, 0.0]])
    # margin 4: s / 4 = (0.5, -0.5, -0.75) -> v = (0.75, 0.25, 0.125)
    v = B.surface_values(np.array([[3.0, 1.0, 0.0]]), "score", margin=4.0)
    np.testing.assert_allclose(v, [[0.75, 0.25, 0.125]])


@pytest.mark.parametrize("kind", ["probability", "score"])
def test_binary_values_equal_class_one_of_the_general_formula(kind):
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=(50, 2))
    full = B.surface_values(z, kind, margin=1.5)
    binary = B.surface_values(z[:, 1:] - z[:, :1], kind, margin=1.5, binary=True)
    np.testing.assert_allclose(binary[:, 0], full[:, 1], atol=1e-12)
    np.testing.assert_allclose(full.sum(axis=1), 1.0)


@pytest.mark.parametrize("kind", ["probability", "score"])
def test_strength_of_the_top_value_matches_the_boundary_surface(kind):
    """Every renderer shades by strength(max v): decision_surface's strength, label and
    values are that one surface."""
    rng = np.random.default_rng(1)
    W = rng.normal(size=(2, 3))

    class Lin:
        def decision_function(self, X):
            return np.asarray(X) @ W

    grid = B.make_grid(rng.normal(size=(20, 2)), 12)
    loss = "cross_entropy" if kind == "probability" else "hinge"
    surf = B.decision_surface(Lin(), grid, loss, margin=1.0)
    v = B.surface_values(Lin().decision_function(grid.points), kind)
    np.testing.assert_allclose(B.strength(v.max(axis=1), kind, 3), surf.strength, atol=1e-12)
    np.testing.assert_array_equal(np.argmax(v, axis=1), surf.label)
    np.testing.assert_array_equal(surf.values, v)
    # the strength is the old direct formulas: rescaled max p, or min(1, score / margin)
    direct = (
        (surf.probability - 1 / 3) / (1 - 1 / 3)
        if kind == "probability"
        else np.minimum(surf.score / 1.0, 1.0)
    )
    np.testing.assert_allclose(surf.strength, np.clip(direct, 0, 1), atol=1e-12)


def test_two_class_surfaces_keep_v1_alone():
    model = Linear([[0.0, 1.0], [0.0, 0.0]])
    g = B.Grid(xs=np.array([-2.0, -0.5, 0.5, 2.0]), ys=np.array([0.0, 1.0]))
    s = B.decision_surface(model, g, "cross_entropy")
    assert s.values.shape == (8, 1)
    np.testing.assert_allclose(s.values[:, 0], 1 / (1 + np.exp(-g.points[:, 0])))


def test_non_finite_logits_are_undecided():
    z = np.array([[np.nan, 1.0], [np.inf, 0.0]])
    np.testing.assert_allclose(B.surface_values(z, "probability"), 0.5)
    np.testing.assert_allclose(B.surface_values(z, "score"), 0.5)


def test_surface_values_reject_bad_input():
    with pytest.raises(ValueError, match="kind"):
        B.surface_values(np.zeros((1, 2)), "margin")
    with pytest.raises(ValueError, match="margin"):
        B.surface_values(np.zeros((1, 2)), "score", margin=0.0)


# ----------------------------------------------------------------------------- gradients


def test_cross_entropy_gradient_magnitude_is_norm_of_p_minus_y():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    y = np.array([0, 0, 2])
    W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5]])
    model = Linear(W)
    z = X @ W
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(3), y] -= 1.0
    got = B.gradient_magnitude("cross_entropy", model, X, y)
    np.testing.assert_allclose(got, np.linalg.norm(p, axis=1), rtol=1e-12)


def test_gradient_magnitude_uses_the_loss_hyperparameters():
    X = np.array([[1.0, 0.0]])
    model = Linear(np.eye(2))
    plain = B.gradient_magnitude("cross_entropy", model, X, [0])
    smooth = B.gradient_magnitude("cross_entropy", model, X, [0], {"label_smoothing": 0.5})
    p0 = 1 / (1 + np.exp(-1.0))
    assert plain[0] == pytest.approx(np.sqrt(2) * (1 - p0))
    # q = [0.75, 0.25]: |p - q| = sqrt(2) |p0 - 0.75|
    assert smooth[0] == pytest.approx(np.sqrt(2) * abs(p0 - 0.75))


def test_hinge_gradient_is_exactly_zero_beyond_the_margin():
    # binary logits [0, x]: margin for label 1 is x; hinge gradient is zero for x >= 1
    X = np.array([[3.0, 0.0], [0.5, 0.0], [-2.0, 0.0]])
    model = Linear([[0.0, 1.0], [0.0, 0.0]])
    g = B.gradient_magnitude("hinge", model, X, [1, 1, 1])
    assert g[0] == 0.0
    assert g[1] > 0 and g[2] > 0


def test_gradient_magnitude_of_a_diverged_model_is_nan():
    g = B.gradient_magnitude("cross_entropy", Diverged(), np.zeros((4, 2)), np.zeros(4, int))
    assert np.isnan(g).all()


def test_unknown_loss_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="no_such_loss"):
        B.gradient_magnitude("no_such_loss", Linear(np.eye(2)), np.zeros((1, 2)), [0])


def test_drivers_by_hand():
    g = np.array([0.0, 0.0, 1.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0])
    correct = np.array([True] * 10 + [False, False])
    d = B.drivers(g, correct)
    assert d.misclassified_share == pytest.approx(4.0 / 8.0)
    assert d.misclassified_fraction == pytest.approx(2 / 12)
    assert d.idle_fraction == pytest.approx(9 / 12)
    # top 10% of 12 points = ceil(1.2) = 2 points: 4 + 3
    assert d.top_decile_share == pytest.approx(7.0 / 8.0)


def test_drivers_of_all_zero_gradients_are_nan_shares():
    d = B.drivers(np.zeros(5), np.ones(5, bool))
    assert np.isnan(d.misclassified_share) and np.isnan(d.top_decile_share)
    assert d.idle_fraction == 1.0


def test_drivers_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        B.drivers(np.zeros(3), np.ones(2, bool))


# ----------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("epochs", [1, 2, 7, 150, 2000])
def test_snapshot_epochs_start_at_zero_end_at_epochs_and_increase(epochs):
    s = B.snapshot_epochs(epochs, count=12)
    assert s[0] == 0 and s[-1] == epochs
    assert list(s) == sorted(set(s))
    assert len(s) <= 13


def test_snapshot_epochs_rejects_zero_epochs():
    with pytest.raises(ValueError, match="epochs"):
        B.snapshot_epochs(0)


def test_all_registered_classification_losses_give_finite_magnitudes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = rng.integers(0, 3, size=20)
    model = Linear(rng.normal(size=(2, 3)))
    for name in losses.names("classification"):
        g = B.gradient_magnitude(name, model, X, y)
        assert g.shape == (20,) and np.all(np.isfinite(g)) and np.all(g >= 0), name


def test_panel_collects_accuracies_gradients_and_flipped_share():
    X_train = np.array([[2.0, 0.0], [-2.0, 0.0], [0.5, 0.0], [-0.5, 0.0]])
    y_train = np.array([1, 0, 0, 0])  # the third point is "flipped": the model says class 1
    X_test = np.array([[1.0, 0.0], [-1.0, 0.0]])
    y_test = np.array([1, 1])
    model = Linear([[0.0, 1.0], [0.0, 0.0]])  # z = [0, x]
    grid = B.make_grid(np.vstack([X_train, X_test]), 8)
    flipped = np.array([False, False, True, False])
    p = B.panel(
        model,
        "hinge",
        7,
        grid,
        X_train,
        y_train,
        X_test,
        y_test,
        loss_params={"margin": 2.0},
        flipped=flipped,
    )
    assert p.epoch == 7 and p.loss == "hinge"
    assert p.train_accuracy == pytest.approx(3 / 4)
    assert p.test_accuracy == pytest.approx(1 / 2)
    expected = B.gradient_magnitude("hinge", model, X_train, y_train, {"margin": 2.0})
    np.testing.assert_allclose(p.gradient, expected)
    # margin 2: points 0 and 1 (margins z_t - z_other = 2) sit exactly at the margin, where the
    # documented subgradient is 0; points 2 and 3 (margins -0.5 and 0.5) pull
    assert p.drivers.idle_fraction == pytest.approx(2 / 4)
    assert (expected[2:] > 0).all()
    assert p.drivers.flagged_share == pytest.approx(expected[2] / expected.sum())
    assert p.surface.kind == "score"
    # the score surface saturates at the margin passed in (2), not at 1
    assert p.surface.strength.max() == pytest.approx(min(1.0, grid.xs.max() / 2.0))
