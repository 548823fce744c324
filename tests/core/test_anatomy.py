"""core.anatomy: the seed numbers of articles 000/001/002, checked against the registry and
finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import anatomy as an
from core import losses
from core._numerics import softmax


def central_diff(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function ``f`` at ``x``."""
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1, 2", [1, 2]), ("[0.8; 0.1 0.1]", [0.8, 0.1, 0.1]), (" -3,4e-1 ", [-3, 0.4])],
    ids=["commas", "brackets-semicolons-spaces", "exponent"],
)
def test_parse_vector(text, expected):
    np.testing.assert_array_equal(an.parse_vector(text, "G"), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nan, 1", "NaN"),
        ("1, inf", "NaN, inf"),
        ("1", "has 1 entries"),
        ("a, b", "not a list of numbers"),
        ("", "has 0 entries"),
        (", ".join(["1"] * 11), "has 11 entries"),
        ("1e300, 1", "beyond"),
    ],
    ids=["nan", "inf", "too-short", "words", "empty", "too-long", "huge"],
)
def test_parse_vector_rejects(text, message):
    with pytest.raises(ValueError, match="G = ") as err:
        an.parse_vector(text, "G")
    assert message in str(err.value)


@pytest.mark.parametrize(
    "a",
    [[0.8, 0.3], [1.0, 0.0], [0.5, 0.5, 0.0], [-0.1, 1.1], [np.nan, 0.5]],
    ids=["sum-1.1", "exact-one", "exact-zero", "negative", "nan"],
)
def test_logits_from_probabilities_rejects(a):
    with pytest.raises(ValueError, match="a"):
        an.logits_from_probabilities(a)


def test_logits_from_probabilities_round_trip():
    a = np.array([0.8, 0.15, 0.05])
    np.testing.assert_allclose(softmax(an.logits_from_probabilities(a)), a, rtol=1e-15)


# --------------------------------------------------------------------------- article 000


@pytest.mark.parametrize(
    ("label", "mse_grad", "ce_grad"),
    [(1, 0.512, 0.8), (0, -0.128, -0.2)],
    ids=["y1=0", "y1=1"],
)
def test_article_000_worked_example(label, mse_grad, ce_grad):
    """Article 000: a = [0.8, 0.2]; y1 = 0 -> 0.512 / 0.8, y1 = 1 -> -0.128 / -0.2."""
    z = an.logits_from_probabilities([0.8, 0.2])
    g = an.softmax_gradients(z, label)
    assert g["mse"][1][0] == pytest.approx(mse_grad, abs=1e-12)
    assert g["cross_entropy"][1][0] == pytest.approx(ce_grad, abs=1e-12)
    y1 = 1 - label
    assert an.article_two_class_mse_grad(0.8, y1) == pytest.approx(mse_grad, abs=1e-12)


@pytest.mark.parametrize("a1", [0.01, 0.3, 0.5, 0.77, 0.99], ids=lambda v: f"a1={v}")
@pytest.mark.parametrize("y1", [0, 1], ids=["y1=0", "y1=1"])
def test_article_000_formula_matches_registry(a1, y1):
    z = an.logits_from_probabilities([a1, 1 - a1])
    g = an.softmax_gradients(z, 1 - y1)
    assert g["mse"][1][0] == pytest.approx(an.article_two_class_mse_grad(a1, y1), abs=1e-12)
    assert g["cross_entropy"][1][0] == pytest.approx(a1 - y1, abs=1e-12)


def test_softmax_gradients_rejects_bad_label():
    with pytest.raises(ValueError, match=r"label must be a class index in 0\.\.1"):
        an.softmax_gradients([0.0, 1.0], 7)


# --------------------------------------------------------------------------- article 001


def test_sigmoid_neuron_matches_finite_differences():
    z = np.array([-6.0, -2.0, -0.3, 0.0, 1.5, 5.0])
    x = 1.7
    for y in (0, 1):
        n = an.sigmoid_neuron(z, y, x)

        def c_mse(w, zz, y=y):  # z = w x with b = zz - w x fixed
            a = 1 / (1 + math.exp(-(zz + (w - 1.0) * x)))
            return 0.5 * (y - a) ** 2

        def c_ce(w, zz, y=y):
            a = 1 / (1 + math.exp(-(zz + (w - 1.0) * x)))
            return -(y * math.log(a) + (1 - y) * math.log(1 - a))

        for i, zz in enumerate(z):
            w0 = np.array([1.0])
            fd_mse = central_diff(lambda w, zz=zz: c_mse(w[0], zz), w0)[0]
            fd_ce = central_diff(lambda w, zz=zz: c_ce(w[0], zz), w0)[0]
            assert n.mse_dw[i] == pytest.approx(fd_mse, rel=1e-6, abs=1e-10)
            assert n.ce_dw[i] == pytest.approx(fd_ce, rel=1e-6, abs=1e-10)
            assert n.mse[i] == pytest.approx(c_mse(1.0, zz), rel=1e-12)
            assert n.ce[i] == pytest.approx(c_ce(1.0, zz), rel=1e-12)


def test_sigmoid_neuron_mse_is_a_quarter_of_registry_two_class_mse():
    """C = (y-a)^2/2 is the registry's sum_k (p_k - Y_k)^2 on logits [0, z], divided by 4."""
    z = np.linspace(-8, 8, 33)
    for y in (0, 1):
        n = an.sigmoid_neuron(z, y)
        logits = np.stack([np.zeros_like(z), z], axis=1)
        v, g = losses.get("mse", "classification")(np.full(z.size, y), logits)
        np.testing.assert_allclose(n.mse, v / 4, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(n.mse_dz, g[:, 1] / 4, rtol=1e-9, atol=1e-15)


def test_sigmoid_neuron_mse_stalls_when_confidently_wrong():
    """y = 1, z = -8: MSE's dC/dz is sigma'(z) ~ 3e-4 times CE's, which is about -1."""
    n = an.sigmoid_neuron([-8.0], 1)
    assert n.ce_dz[0] == pytest.approx(-1.0, abs=1e-3)
    assert abs(n.mse_dz[0]) < 4e-4
    assert n.mse_dz[0] / n.ce_dz[0] == pytest.approx(n.sigma_prime[0], rel=1e-12)


def test_sigmoid_neuron_mse_gradient_peaks_at_a_one_third():
    """For y = 1, |(a-1) a (1-a)| is largest at a = 1/3 (value 4/27): small on both sides."""
    z = np.linspace(-10, 10, 200_001)
    n = an.sigmoid_neuron(z, 1)
    i = np.argmax(np.abs(n.mse_dz))
    assert n.a[i] == pytest.approx(1 / 3, abs=1e-4)
    assert abs(n.mse_dz[i]) == pytest.approx(4 / 27, rel=1e-6)


@pytest.mark.parametrize("y", [0, 1], ids=["y=0", "y=1"])
@pytest.mark.parametrize("a0", [0.01, 0.2, 0.5, 0.9, 0.999], ids=lambda a: f"a0={a}")
def test_mse_gradient_twin_has_equal_gradient_on_other_side(a0, y):
    twin = an.mse_gradient_twin(a0, y)
    peak = 1 / 3 if y == 1 else 2 / 3
    assert (twin - peak) * (a0 - peak) <= 0
    z0, z1 = math.log(a0 / (1 - a0)), math.log(twin / (1 - twin))
    g = an.sigmoid_neuron([z0, z1], y).mse_dz
    assert g[1] == pytest.approx(g[0], rel=1e-9)


def test_mse_gradient_twin_article_001_example():
    """y = 1: a = 0.018 (badly wrong) and a ~ 0.86 (nearly right) get the same MSE gradient."""
    twin = an.mse_gradient_twin(0.018, 1)
    assert 0.85 < twin < 0.87


@pytest.mark.parametrize(("y", "x"), [(2, 1.0), (1, math.nan)], ids=["y=2", "x=nan"])
def test_sigmoid_neuron_rejects(y, x):
    with pytest.raises(ValueError, match="must be"):
        an.sigmoid_neuron([0.0], y, x)


# --------------------------------------------------------------------------- article 002


@pytest.mark.parametrize(
    ("a", "mse", "ce"),
    [([0.8, 0.1, 0.1], 0.060, 0.223), ([0.8, 0.15, 0.05], 0.065, 0.223)],
    ids=["uniform-wrong", "skewed-wrong"],
)
def test_article_002_values(a, mse, ce):
    v = an.probability_losses(a, 0, ["mse", "cross_entropy"])
    assert v["mse"] == pytest.approx(mse, abs=1e-12)
    assert v["cross_entropy"] == pytest.approx(-math.log(0.8), abs=1e-12)
    assert round(v["cross_entropy"], 3) == ce


def test_uniform_wrong_minimises_mse_for_fixed_target():
    curve = an.nontarget_split(0.8)
    i = np.argmin(curve["mse"])
    assert curve["s"][i] == pytest.approx(0.5, abs=1e-12)
    assert curve["mse"][i] == pytest.approx(0.06, abs=1e-12)
    np.testing.assert_allclose(curve["cross_entropy"], -math.log(0.8), rtol=1e-12)
    a = an.uniform_wrong(0.8, 3, 0)
    np.testing.assert_allclose(a, [0.8, 0.1, 0.1], rtol=1e-15)


@pytest.mark.parametrize("k", [2, 3, 5, 10], ids=lambda k: f"K={k}")
def test_target_gradient_curves(k):
    c = an.target_gradient_curves(k, n=49)
    a_p = c["a_t"]
    np.testing.assert_allclose(c["ce"], a_p - 1, atol=1e-12)
    np.testing.assert_allclose(c["mse_article"], -2 * a_p * (1 - a_p) ** 2, rtol=1e-12)
    # The full derivative adds -2 a_p sum_{k != p} a_k^2 (uniform: (1-a_p)^2 / (K-1)).
    full = c["mse_article"] - 2 * a_p * (1 - a_p) ** 2 / (k - 1)
    np.testing.assert_allclose(c["mse_full"], full, rtol=1e-9, atol=1e-12)
    if k == 2:
        np.testing.assert_allclose(c["mse_full"], 2 * c["mse_article"], rtol=1e-9)


def test_full_mse_gradient_against_finite_differences():
    a = np.array([0.6, 0.25, 0.15])
    z = an.logits_from_probabilities(a)
    _, g = an.softmax_gradients(z, 0)["mse"]

    def f(zz):
        return float(np.sum((softmax(zz) - np.array([1.0, 0, 0])) ** 2))

    np.testing.assert_allclose(g, central_diff(f, z), rtol=1e-7, atol=1e-10)
    assert g[0] != pytest.approx(an.mse_grad_through_target(0.6))


# --------------------------------------------------------------------------- simplex


def test_simplex_grid_is_inside_and_maps_back():
    g = an.simplex_grid(40)
    a = g["a"]
    assert np.all(a > 0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(an.to_plane(a), np.stack([g["x"], g["y"]], axis=1), atol=1e-12)
    # Cells of area 1/40^2 covering the triangle of area sqrt(3)/4: about 693 of them.
    assert a.shape[0] == pytest.approx(40 * 40 * math.sqrt(3) / 4, rel=0.05)


def test_simplex_losses_match_registry_and_minimum_at_label_corner():
    s = an.simplex_losses(2, ["mse", "cross_entropy"], cells=30)
    i = np.argmax(s["a"][:, 2])
    assert np.argmin(s["cross_entropy"]) == i
    assert s["mse"].min() == pytest.approx(s["mse"][i], rel=1e-12)  # mirror cells tie
    np.testing.assert_allclose(s["cross_entropy"], -np.log(s["a"][:, 2]), rtol=1e-12)


@pytest.mark.parametrize("cells", [0, 1000], ids=["zero", "huge"])
def test_simplex_grid_rejects(cells):
    with pytest.raises(ValueError, match=r"cells must be in 5\.\.200"):
        an.simplex_grid(cells)
