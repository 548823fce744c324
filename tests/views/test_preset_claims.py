"""Every lecture preset's title is a claim that holds: decided over the committed seeds.

Each preset's claims (``LESSONS`` of ``views.boundaries``, ``views.training`` and
``views.robustness``; the title's claim first) must hold in at least 8 of 10 seeds in the
page's precision, in the other precision and, where the page's seed is the model's, with new
data draws too; none may be inside the rounding noise. The takeaway a preset shows states
each of them with its count. Titles that state a fact of the loss rather than a training
outcome are checked against that fact.
"""

from __future__ import annotations

import pytest

from core import boundaries as cb
from core import evidence as ev
from present import evidence, wording
from views import boundaries, robustness, training

CASES = [
    (page, title, lessons)
    for page, table in (
        ("boundaries", boundaries.LESSONS),
        ("training", training.LESSONS),
        ("robustness", robustness.LESSONS),
    )
    for title, lessons in table.items()
] + [
    ("robustness", title + robustness.SWEEP, lessons)
    for title, lessons in robustness.SWEEP_LESSONS.items()
]


@pytest.mark.parametrize(("page", "title", "lessons"), CASES, ids=[c[1] for c in CASES])
def test_every_claim_holds_in_8_of_10_seeds_everywhere(page, title, lessons):
    entry = evidence.by_title(page, title)
    assert entry is not None, "no seed evidence: rerun python scripts/make_evidence.py"
    e = entry.evidence
    for ls in lessons:
        v = e.check(ls.claim)
        assert v.n == ev.K and v.lesson, (ls.says, v.k, v.within_noise)
        assert ev.check(ls.claim, e.other).k >= 8, (ls.says, entry.other_dtype)
        if e.data:
            assert ev.check(ls.claim, e.data).k >= 8, (ls.says, "new data draws")
    # the figure is the representative seed of the title's claim
    assert entry.figure_seed == e.check(lessons[0].claim).representative


@pytest.mark.parametrize(("page", "title", "lessons"), CASES, ids=[c[1] for c in CASES])
def test_the_takeaway_states_each_claim_with_its_count(page, title, lessons):
    e = evidence.by_title(page, title).evidence
    t = evidence.lesson_takeaway(lessons, e)
    assert wording.words(t.headline) <= wording.HEADLINE_WORDS, t.headline
    for ls, line in zip(lessons, (t.headline, *t.details), strict=False):
        v = e.check(ls.claim)
        assert f"in {v.k} of {v.n} seeds" in line and "Depends" not in line, line
        assert line.lower().startswith(ls.says.lower()[:20]), line
    assert wording.clean(t.text)


def test_titles_that_state_a_fact_of_the_loss():
    """ "Hinge has no probabilities" (both pages): hinge never forms a softmax, so its panel
    shades a score and the calibration sentence never calls its softmax a probability."""
    assert cb.surface_kind("hinge") == "score" and "hinge" in training.SCORE_LOSSES
    assert "hinge" not in training.RAW_PROBABILITY_LOSSES
