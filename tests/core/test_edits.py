"""``core.edits``: the link's text of a student's edits and the edited dataset."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import datasets, edits, robustness
from core.edits import Edits

COORD = st.integers(-edits.MAX_COORD, edits.MAX_COORD)
INDEX = st.integers(0, 10**6)
OPS = st.one_of(
    st.tuples(st.just("a"), COORD, COORD, st.integers(0, 9)),
    st.tuples(st.just("a"), COORD, COORD),
    st.tuples(st.just("m"), INDEX, COORD, COORD),
    st.tuples(st.just("l"), INDEX, st.integers(0, 9)),
    st.tuples(st.just("d"), INDEX),
)


@given(st.lists(OPS, max_size=edits.MAX_OPS))
def test_every_edit_list_round_trips_through_its_text(ops):
    e = Edits(tuple(ops))
    text = edits.encode(e)
    assert len(text) <= edits.MAX_CHARS
    assert edits.decode(text) == e
    assert set(text) <= set("0123456789-_.amld")  # unreserved in a URL: no escaping


def test_the_documented_example():
    e = edits.decode("1.a1200_-345_1.m3_100_200.l7_0.d31")
    assert e.ops == (("a", 1200, -345, 1), ("m", 3, 100, 200), ("l", 7, 0), ("d", 31))
    assert e.text == "1.a1200_-345_1.m3_100_200.l7_0.d31"
    assert edits.decode("") == Edits() and not Edits() and Edits().text == ""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2.a1_2_0", id="other-version"),
        pytest.param("1.", id="empty-op"),
        pytest.param("1.x3", id="unknown-op"),
        pytest.param("1.a1", id="too-few-fields"),
        pytest.param("1.m1_2_3_4", id="too-many-fields"),
        pytest.param("1.d-3", id="negative-index"),
        pytest.param("1.l2_-1", id="negative-class"),
        pytest.param("1.d03", id="leading-zero"),
        pytest.param("1.a-0_1", id="minus-zero"),
        pytest.param("1.a1000001_0", id="coordinate-too-large"),
        pytest.param("1.a1.5_2", id="decimal"),
        pytest.param("1.a1_2_0 ", id="trailing-space"),
        pytest.param("1" + ".d1" * (edits.MAX_OPS + 1), id="too-many-ops"),
        pytest.param("1.d" + "1" * edits.MAX_CHARS, id="too-long"),
        pytest.param("<script>", id="markup"),
    ],
)
def test_malformed_or_oversized_text_is_refused_naming_edits(text):
    with pytest.raises(ValueError, match="edits"):
        edits.decode(text)


@pytest.fixture(scope="module")
def moons():
    return datasets.load("moons", n_samples=60)


def test_operations_apply_in_order_to_the_training_split(moons):
    n = len(moons.y_train)
    k0 = int(moons.y_train[0])
    e = edits.decode(f"1.a1500_-250_1.m0_100_-200.l1_{1 - int(moons.y_train[1])}.d2")
    out = edits.apply(moons, e)
    assert len(out.y_train) == n  # one added, one deleted
    np.testing.assert_array_equal(out.X_train[0], [0.1, -0.2])  # exactly x / 1000
    assert out.y_train[0] == k0
    np.testing.assert_array_equal(out.X_train[-1], [1.5, -0.25])
    assert out.y_train[-1] == 1
    np.testing.assert_array_equal(out.X_train[2], moons.X_train[3])  # row 2 deleted
    np.testing.assert_array_equal(out.X_test, moons.X_test)  # the test split is untouched
    # the relabelled point is the one flipped (black x); the added one is not
    assert out.corrupted is not None and np.flatnonzero(out.corrupted).tolist() == [1]
    assert out.y_train_clean[1] == moons.y_train[1]
    np.testing.assert_array_equal(moons.X_train[0], datasets.load("moons", n_samples=60).X_train[0])


def test_flipped_marks_follow_the_labels_after_label_noise(moons):
    noisy = robustness.corrupt(moons, "symmetric", 0.3, seed=0)
    i = int(np.flatnonzero(noisy.corrupted)[0])
    back = edits.apply(noisy, Edits((("l", i, int(noisy.y_train_clean[i])),)))
    assert not back.corrupted[i]  # relabelled to its clean class: no longer flipped
    assert back.corrupted.sum() == noisy.corrupted.sum() - 1


def test_regression_edits_move_feature_and_target():
    ds = datasets.load("linear_1d")
    out = edits.apply(ds, Edits((("m", 4, 500, 7000), ("a", -1000, 250))))
    assert out.X_train[4, 0] == 0.5 and out.y_train[4] == 7.0
    assert out.X_train[-1, 0] == -1.0 and out.y_train[-1] == 0.25
    assert len(out.y_train) == len(ds.y_train) + 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        pytest.param("1.d999", "names training point", id="index-past-the-end"),
        pytest.param("1.l0_5", "class 5", id="class-not-in-data"),
        pytest.param("1.a1_2", "added point", id="regression-add-on-classification"),
    ],
)
def test_operations_that_do_not_fit_the_data_are_refused(moons, text, match):
    with pytest.raises(ValueError, match=match):
        edits.apply(moons, edits.decode(text))


def test_at_least_two_training_points_stay(moons):
    n = len(moons.y_train)
    with pytest.raises(ValueError, match="at least 2"):
        edits.apply(moons, Edits((("d", 0),) * (n - 1)))


def test_no_edits_is_the_dataset_itself(moons):
    assert edits.apply(moons, Edits()) is moons
