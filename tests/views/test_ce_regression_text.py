"""CE for regression's sentences agree with their numbers; the history chart stays bounded."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ce_regression as core_cr
from tests.views.sentence_checks import assert_clean
from views import ce_regression as cr

small = st.floats(0.0, 50.0, allow_nan=False)
vectors = st.lists(st.integers(-5, 5).map(float), min_size=2, max_size=4)


@st.composite
def fits(draw):
    if draw(st.integers(0, 4)) == 0:
        return cr.FitSummary(None, None, None, draw(st.integers(0, 3000)))
    return cr.FitSummary(draw(small), draw(st.floats(0, 1)), draw(st.floats(-5, 5)), None)


@st.composite
def experiments(draw):
    return cr.Experiment(
        mse=draw(fits()),
        ce=draw(fits()),
        best_rmse_z=draw(st.floats(0, 3)),
        best_rmse_softmax=draw(st.floats(0, 0.5)),
        mean_G=draw(st.floats(-5, 5)),
        epochs=draw(st.integers(10, 3000)),
        lr=draw(st.sampled_from([0.001, 0.5, 20.0, 50.0])),
    )


@settings(max_examples=400, deadline=None)
@given(experiments())
def test_experiment_sentence_agrees_with_its_numbers(e):
    text = cr.experiment_sentence(e)
    assert_clean(text)
    if "only MSE recovers G" in text:
        assert e.recovers(e.mse) and not e.recovers(e.ce) and e.matches_softmax(e.ce)
        assert e.matches_softmax(e.ce)
    if "both fits match softmax(G)" in text:
        assert e.matches_softmax(e.ce) and e.matches_softmax(e.mse)
    if "MSE recovers G" in text:
        assert e.recovers(e.mse)
    if "neither fit has converged" in text:
        assert not e.recovers(e.mse) and not e.matches_softmax(e.ce)
    if "diverged" in text:
        assert e.mse.diverged_epoch is not None or e.ce.diverged_epoch is not None
    else:
        assert e.mse.diverged_epoch is None and e.ce.diverged_epoch is None
    if "the CE fit matches softmax(G)" in text:
        assert e.matches_softmax(e.ce)


@settings(max_examples=200, deadline=None)
@given(vectors, vectors, st.floats(-3, 3).map(round))
def test_softmax_sentence_agrees_with_its_numbers(G, z, shift):
    if len(G) != len(z):
        z = [g + shift for g in G] if shift else G
    c = core_cr.compare(np.array(G), np.array(z))
    text = cr.softmax_sentence(c)
    assert_clean(text)
    if "same softmax" in text:
        assert np.abs(c.ce_grad).max() <= 1e-12 and not np.array_equal(c.G, c.z)
    if "exactly 0" in text:
        assert np.abs(c.ce_grad).max() == 0
    if "both gradients are 0" in text:
        assert np.array_equal(c.G, c.z)


@settings(max_examples=200, deadline=None)
@given(vectors, vectors, st.integers(1, 3))
def test_sum_sentence_agrees_with_its_numbers(u, w, k):
    if k == 2:
        w = [k * x for x in u]  # proportional: the collision
    if k == 3:
        w = list(u)  # the same vector twice
    nu, _ = cr.sum_normalised(", ".join(map(str, u)), "u")
    nw, _ = cr.sum_normalised(", ".join(map(str, w)), "w")
    text = cr.sum_sentence(np.array(u), np.array(w), nu, nw)
    if nu is None or nw is None:
        assert text is None
        return
    assert_clean(text)
    if "different vectors with the same normalised form" in text:
        assert not np.array_equal(u, w) and np.allclose(nu, nw)
    if "same vector" in text:
        assert np.array_equal(u, w)
    if "normalise to different vectors" in text:
        assert not np.allclose(nu, nw)


def test_issue10_ten_epochs_at_lr_0001_neither_fit_has_converged():
    _, _, e = cr.experiment(cr.fit_config(10, 0.001, 0.1, 0))
    text = cr.experiment_sentence(e)
    assert "neither fit has converged" in text
    assert "only MSE recovers G" not in text and "both fits match" not in text
    assert e.mse.rmse_z > 2  # MSE's RMSE of z is 2.4 there: nowhere near the 0.095 reachable


def test_default_experiment_still_says_only_mse_recovers_g():
    _, _, e = cr.experiment(cr.fit_config(400, 0.5, 0.1, 0))
    text = cr.experiment_sentence(e)
    assert "only MSE recovers G" in text and "stays where it started (0.000)" in text


def test_learning_rate_20_mse_diverges_and_ce_is_named_unconverged():
    _, hist, e = cr.experiment(cr.fit_config(400, 20.0, 0.1, 0))
    assert e.mse.diverged_epoch is not None and e.ce.diverged_epoch is None
    text = cr.experiment_sentence(e)
    assert "the MSE fit diverged at epoch" in text and "has not converged either" in text
    assert hist["RMSE of z vs G"].max() <= cr.HISTORY_CAP  # no 1e152 axis
    assert cr.metric(e.mse, "rmse_z") == "diverged"  # in words, never "inf"


def test_history_is_thinned_at_the_epochs_maximum():
    _, hist, _ = cr.experiment(cr.fit_config(3000, 0.5, 0.1, 0))
    for _, rows in hist.groupby("series"):
        assert len(rows) <= cr.MAX_HISTORY_POINTS
        assert rows["epoch"].iloc[0] == 0 and rows["epoch"].iloc[-1] == 2999


def test_off_by_100_sweep_reaches_the_prediction():
    G, z = (1.0, 2.0, 3.0), (101.0, 102.0, 103.0)
    df = cr.sweep(G, z, 10.0)
    assert df["z_1"].min() <= 101 - 10 and df["z_1"].max() >= 101 + 10
    # CE's gradient crosses 0 at the prediction itself (same softmax), where MSE's is 200.
    below, above = df[df["z_1"] < 100.5], df[df["z_1"] > 101.5]
    assert below[cr.CE].iloc[-1] < 0 < above[cr.CE].iloc[0]
    assert below[cr.MSE].iloc[-1] < 200 < above[cr.MSE].iloc[0]


def test_equal_vectors_are_not_called_different():
    u = np.array([1.0, 2.0])
    n = u / u.sum()
    assert "same vector" in cr.sum_sentence(u, u, n, n)


def test_opening_part_keeps_old_links_on_their_view():
    assert cr.opening_part({"lr": "20"}) == cr.PART_FIT
    assert cr.opening_part({"u": "0, 0"}) == cr.PART_SUM
    assert cr.opening_part({"G": "1, 2"}) == cr.PART_SOFTMAX
