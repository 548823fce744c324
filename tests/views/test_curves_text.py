"""The Loss curves page's computed sentences agree with their numbers, for every input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import curves
from present.wording import REL_TOL, same_magnitude
from tests.views.sentence_checks import assert_clean, ratios
from views import curves as uc

NAMES = ["cross_entropy", "mse", "mae", "hinge", "squared_hinge", "focal", "gce", "square_logits"]
REG_NAMES = ["mse", "mae", "huber", "log_cosh", "mape", "msle", "epsilon_insensitive", "cauchy"]
grads = st.one_of(
    st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 1.0, -1.0, 0.5, -0.5]),
    st.floats(-50, 50, allow_nan=False, allow_subnormal=False),
)
ats = st.one_of(st.sampled_from([0.1, 1.0, 2.0, 3.0, 20.0]), st.floats(0.1, 20.0))


@st.composite
def margin_probes(draw):
    n = draw(st.integers(0, 5))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=n, max_size=n))
    probes = []
    for i, name in enumerate(names):
        wrong = draw(grads)
        # Repeat an earlier loss's numbers sometimes: coinciding losses (focal at gamma = 0).
        if probes and draw(st.booleans()):
            other = draw(st.sampled_from(probes))
            probes.append(uc.MarginProbe(f"L{i}", name, other.wrong, other.right))
        else:
            probes.append(uc.MarginProbe(f"L{i}", name, wrong, draw(grads)))
    return probes


@st.composite
def residual_probes(draw):
    n = draw(st.integers(0, 5))
    probes = []
    for i in range(n):
        name = draw(st.sampled_from(REG_NAMES))
        if probes and draw(st.booleans()):
            o = draw(st.sampled_from(probes))
            probes.append(
                uc.ResidualProbe(f"L{i}", name, o.value_neg, o.grad_neg, o.value_pos, o.grad_pos)
            )
        else:
            v = draw(st.floats(0, 1e4))
            probes.append(uc.ResidualProbe(f"L{i}", name, v, -draw(grads), v, draw(grads)))
    return probes


def checked_sentence(sentence, probes, at):
    """``sentence(probes, at)``, checked clean, and the probes by label (the sentence names
    each loss by its label)."""
    text = sentence(probes, at)
    assert_clean(text)
    return text, {p.label: p for p in probes}


def checked_ratios(text, verb, size):
    """The ``(a, ratio, b)`` comparisons of ``text`` (:func:`ratios`), each checked against
    ``size(label)``: two different losses (none compared with itself), ``a``'s size larger
    and not tied, the ratio as computed."""
    for a, r, b in ratios(text, verb):
        assert a != b, text
        ga, gb = size(a), size(b)
        assert ga > gb and not same_magnitude(ga, gb), text
        if r is not None:
            assert r == pytest.approx(ga / gb, rel=5e-3), text
        yield a, r, b


@settings(max_examples=300, deadline=None)
@given(margin_probes(), ats)
def test_classification_sentence_agrees_with_its_numbers(probes, at):
    text, by = checked_sentence(uc.classification_sentence, probes, at)
    for _, r, _ in checked_ratios(text, "push", lambda lab: abs(by[lab].right)):
        if r is not None:
            assert r >= 1 + REL_TOL - 5e-3
    if m := re.search(r"strongest push from ((?:L\d(?:, | and )?)+)\.", text):
        top = max(abs(p.wrong) for p in probes)
        for lab in re.findall(r"L\d", m.group(1)):
            assert same_magnitude(abs(by[lab].wrong), top), text
    for lab in re.findall(r"(L\d) ignores", text):
        assert by[lab].right == 0
    if "pushes the right point back" in text or "push the right point back" in text:
        assert any(p.right > 0 for p in probes)
    if at < uc.CONFIDENT_MARGIN:
        assert "confidently" not in text


@settings(max_examples=300, deadline=None)
@given(residual_probes(), ats)
def test_regression_sentence_agrees_with_its_numbers(probes, at):
    text, by = checked_sentence(uc.regression_sentence, probes, at)
    for a, _, b in checked_ratios(text, "pull", lambda lab: abs(by[lab].grad_pos)):
        # A percentage (MAPE) is never compared with losses in the target's units.
        assert "mape" not in (by[a].name, by[b].name), text
    for lab in re.findall(r"(L\d)(?: and L\d)* (?:does|do) not pull", text):
        assert by[lab].grad_pos == 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(["ramp", "flat", "zero", "hump"])),
        min_size=1,
        max_size=4,
    )
)
def test_weights_sentence_agrees_with_its_curves(specs):
    p = curves.p_grid()
    shapes = {
        "ramp": 1 - p,
        "flat": np.minimum(1.0, 2 * (1 - p)),
        "zero": np.zeros_like(p),
        "hump": p * (1 - p) ** 2,
    }
    rows = [(f"L{i}", name, p, shapes[s]) for i, (name, s) in enumerate(specs)]
    text = uc.weights_sentence(rows)
    assert_clean(text)
    kinds = {s for _, s in specs}
    if "hump" in kinds:
        assert "at p_t = 0.333" in text, text
    if "flat" in kinds:
        assert "flat from p_t = 0.005 to 0.5" in text, text
    if "zero" in kinds:
        assert "no push anywhere" in text, text
    if kinds == {"zero"}:
        assert "harder" not in text


# --------------------------------------------------------------------------- named regressions


def _probes(task, names, params, at, target=1.0):
    frozen = uc.frozen(task, names, params)
    return uc.curves_takeaway(task, uc.probe_table(task, frozen, at, target), at)


def test_issue10_ce_and_focal_at_gamma_0_coincide_not_1x():
    text = _probes("classification", ["cross_entropy", "focal"], {"focal_gamma": 0.0}, 3.0)
    assert "1×" not in text and "as hard as CE" not in text
    assert "CE and focal (gamma=0) coincide here" in text


def test_issue10_three_losses_name_the_extremes_and_the_ties():
    text = _probes("regression", ["mse", "mae", "huber", "log_cosh"], {}, 3.0)
    assert "MSE pulls 6.03× as hard as log-cosh" in text
    assert "MAE and Huber pull about as hard as log-cosh (within 1%)" in text


def test_mape_is_a_percentage_and_not_compared():
    text = _probes("regression", ["mse", "mape"], {}, 1.0, target=2.0)
    assert "MAPE (in % of |y|) charges 50" in text
    assert "as hard as" not in text
    assert "is a percentage of |y|, so it is not compared" in text


def test_small_margins_are_not_called_confident():
    text = _probes("classification", ["cross_entropy"], {}, 0.5)
    assert "(wrong) vs 0.5 (right)" in text and "confidently" not in text


def test_hinge_family_tie_on_the_right_point_is_equal_not_1x():
    text = _probes("classification", ["hinge", "multi_margin"], {"multi_margin_margin": 1.0}, 0.5)
    # K = 2: Crammer-Singer -1 and Weston-Watkins -1/2 inside the margin: 2x, not a tie.
    assert "pushes 2× as hard as" in text
    text = _probes("classification", ["hinge", "squared_hinge"], {}, 0.5)
    assert "Squared hinge (Crammer–Singer) pushes the wrong point" not in text
    assert_clean(text)
