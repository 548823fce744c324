"""``views.home.takeaway``: the winner and the loser, true for ties, one loss and divergence."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from present import identity, wording
from views.home import LOSSES, Outcome, takeaway


def test_names_the_winner_and_the_loser():
    text = takeaway(
        [
            Outcome("cross_entropy", 0.972),
            Outcome("mse", 0.872),
            Outcome("mae", 0.628),
            Outcome("hinge", 0.894),
        ]
    )
    assert text.startswith("CE scores best with 97.2% test accuracy; MAE worst with 62.8%.")
    based = takeaway([Outcome("cross_entropy", 0.972), Outcome("mae", 0.628)], baseline=0.5)
    assert based.endswith("MAE worst with 62.8% (majority-class baseline 50.0%).")


def test_ties_share_the_win_and_the_last_place():
    text = takeaway(
        [
            Outcome("cross_entropy", 0.9),
            Outcome("hinge", 0.9),
            Outcome("mse", 0.5),
            Outcome("mae", 0.5),
        ]
    )
    assert "CE and hinge tie for best with 90.0%" in text
    assert "MSE and MAE tie for worst with 50.0%" in text
    assert "scores best" not in text and "; MSE worst" not in text


def test_all_equal_says_the_score_does_not_separate_them():
    text = takeaway([Outcome("cross_entropy", 1.0), Outcome("mse", 1.0)])
    assert "Every loss reaches 100.0%" in text and "best" not in text


def test_one_loss_and_none():
    assert takeaway([Outcome("mae", 0.75)]) == "Only MAE was trained: 75.0% test accuracy."
    assert takeaway([]) == "No loss was trained."


def test_divergence_is_named_with_its_epoch():
    text = takeaway([Outcome("cross_entropy", 0.9), Outcome("mse", 0.5, diverged_epoch=12)])
    assert "MSE worst with 50.0%" in text
    assert "MSE diverged at epoch 12; its last finite model is shown and scored." in text


def test_accuracies_that_print_the_same_tie():
    text = takeaway([Outcome("cross_entropy", 0.97201), Outcome("mse", 0.97199)])
    assert "Every loss reaches 97.2%" in text and "best" not in text


outcomes = st.lists(
    st.builds(
        Outcome,
        st.sampled_from(LOSSES),
        st.floats(0, 1),
        st.one_of(st.none(), st.integers(1, 300)),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda o: o.loss,
)


@given(outcomes)
def test_the_winner_and_the_loser_agree_with_the_numbers(results):
    """Whoever is named as winning shows the highest printed accuracy, whoever loses the
    lowest; nobody both wins and loses; no nan, inf, None, -0 or 1x in the text."""
    text = takeaway(results)
    assert wording.clean(text), text
    shown = {r.loss: f"{r.accuracy:.1%}" for r in results}
    best = max(shown.values(), key=lambda t: float(t[:-1]))
    worst = min(shown.values(), key=lambda t: float(t[:-1]))
    if len(results) > 1 and best != worst:
        win = re.match(r"(.+?) (scores best|tie for best) with ([\d.]+%)", text)
        lose = re.search(r"; (.+?) (worst|tie for worst) with ([\d.]+%)", text)
        assert win and lose, text
        assert win.group(3) == best and lose.group(3) == worst
        winners = [r.loss for r in results if shown[r.loss] == best]
        losers = [r.loss for r in results if shown[r.loss] == worst]
        assert win.group(1) == wording.names([identity.short(n) for n in winners])
        assert lose.group(1) == wording.names([identity.short(n) for n in losers])
        assert not set(winners) & set(losers)
    for r in results:
        if r.diverged_epoch is not None:
            assert f"diverged at epoch {r.diverged_epoch}" in text
