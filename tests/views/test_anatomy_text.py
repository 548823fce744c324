"""Gradient anatomy's and Loss reference's sentences agree with their numbers, for every input."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core import losses
from tests.views.sentence_checks import assert_clean
from views import anatomy as ua
from views import reference as ref

MSE_COL = f"{ua.loss_title('mse')} loss"
CE_COL = f"{ua.loss_title('cross_entropy')} loss"


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-10, 10).map(lambda v: round(v, 1)),
    st.sampled_from([0, 1]),
    st.sampled_from([-5.0, -1.0, 0.0, 0.1, 1.0, 5.0]),
)
def test_sigmoid_sentence_agrees_with_its_numbers(z0, y, x):
    p = ua.sigmoid_point(z0, y, x)
    text = ua.sigmoid_sentence(p, y, z0, x)
    assert_clean(text)
    assert_clean(ua.sigmoid_caption(p, y))
    if x == 0:
        assert "both dC/dw are 0" in text and "exactly as large" not in text
    if "cannot tell far from near" in text:
        assert (abs(p["a"] - y) > 0.5) != (abs(p["twin_a"] - y) > 0.5)
    if "exactly as large at" in text:
        assert abs(p["twin_a"] - p["a"]) >= 1e-3  # never the neuron compared with itself
    assert f"({ua.neuron_state(p['a'], y)})" in text


@settings(max_examples=150, deadline=None)
@given(st.floats(0.001, 0.999), st.sampled_from([0, 1]))
def test_two_class_sentence_agrees_with_its_numbers(a1, y1):
    table = ua.two_class_table(ua.logits(a1))
    text = ua.two_class_sentence(table, y1)
    assert_clean(text)
    ratio = float(table["MSE / CE"].iloc[0])
    assert ratio <= 1 + 1e-12
    if "less than 1" in text:
        assert ratio < 1


def test_two_class_ratio_is_never_nan_at_extreme_logits():
    table = ua.two_class_table((30.0, -30.0))
    assert np.all(np.isfinite(table["MSE / CE"]))
    assert_clean(ua.two_class_sentence(table, 1))


probabilities = st.lists(st.integers(1, 20), min_size=3, max_size=3).map(
    lambda v: tuple(float(x) / sum(v) for x in v)
)


@settings(max_examples=150, deadline=None)
@given(probabilities, probabilities, st.integers(1, 3), st.booleans())
def test_k_class_sentence_agrees_with_its_numbers(a, b, t, same):
    if same:
        b = a
    table = ua.k_class_table(a, b, t - 1, ("mse", "cross_entropy"))
    text = ua.k_class_sentence(table, np.array(a), np.array(b), t, MSE_COL, CE_COL)
    assert_clean(text)
    ma, mb = table[MSE_COL].iloc[0], table[MSE_COL].iloc[1]
    if "prefers a" in text:
        assert ma < mb
    if "prefers b" in text:
        assert mb < ma
    if "the same, since it only reads a_t" in text:
        assert np.isclose(a[t - 1], b[t - 1])
    if "same vector" in text:
        assert a == b


def test_issue10_k_classes_same_vector_is_not_a_preference():
    a = (0.8, 0.1, 0.1)
    table = ua.k_class_table(a, a, 0, ("mse", "cross_entropy"))
    text = ua.k_class_sentence(table, np.array(a), np.array(a), 1, MSE_COL, CE_COL)
    assert "same vector" in text and "prefers" not in text


def test_sigmoid_at_msEs_peak_has_no_twin_comparison():
    # For y = 1 MSE's |dC/dz| peaks at a = 1/3, z = -ln 2: the twin is the neuron itself.
    z0 = float(-np.log(2.0))
    p = ua.sigmoid_point(z0, 1, 1.0)
    text = ua.sigmoid_sentence(p, 1, z0, 1.0)
    assert "at its largest" in text and "exactly as large" not in text


def test_no_source_is_called_by_its_file_number():
    texts = [ua.sigmoid_caption(ua.sigmoid_point(-4.0, 1, 1.0), 1), *ua.SOURCES.values()]
    texts += [ua.MSE_TARGET_PATH, *ua.PRESETS]
    for text in texts:
        assert "article 00" not in text.lower() and "seed" not in text.lower(), text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(losses.all_losses()), unique_by=lambda x: (x.task, x.name)))
def test_reference_sentence_counts_what_it_shows(shown):
    text = ref.reference_sentence(shown, len(losses.all_losses()))
    assert_clean(text)
    if not shown:
        assert text.startswith("No loss among the")
        return
    for p in ref.PROPERTIES:
        n = sum(bool(x.properties[p]) for x in shown)
        assert f"{n} {ref.PROPERTY_TITLES[p]}" in text
    both = [x for x in shown if x.properties["convex"] and x.properties["robust"]]
    assert ("Convex and robust at once: none" in text) == (not both)
