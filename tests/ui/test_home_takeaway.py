"""``ui.home.takeaway``: the winner and the loser, true for ties, one loss and divergence."""

from __future__ import annotations

from ui.home import Outcome, takeaway


def test_names_the_winner_and_the_loser():
    text = takeaway(
        [
            Outcome("cross_entropy", 0.972),
            Outcome("mse", 0.872),
            Outcome("mae", 0.628),
            Outcome("hinge", 0.894),
        ]
    )
    assert text.startswith("CE wins with 97.2% test accuracy; MAE loses with 62.8%.")


def test_ties_share_the_win_and_the_last_place():
    text = takeaway(
        [
            Outcome("cross_entropy", 0.9),
            Outcome("hinge", 0.9),
            Outcome("mse", 0.5),
            Outcome("mae", 0.5),
        ]
    )
    assert "CE and hinge tie for the win with 90.0%" in text
    assert "MSE and MAE tie for last with 50.0%" in text
    assert "wins" not in text and "loses" not in text


def test_all_equal_says_the_score_does_not_separate_them():
    text = takeaway([Outcome("cross_entropy", 1.0), Outcome("mse", 1.0)])
    assert "Every loss reaches 100.0%" in text and "win" not in text


def test_one_loss_and_none():
    assert takeaway([Outcome("mae", 0.75)]) == "Only MAE was trained: 75.0% test accuracy."
    assert takeaway([]) == "No loss was trained."


def test_divergence_is_named_with_its_epoch():
    text = takeaway([Outcome("cross_entropy", 0.9), Outcome("mse", 0.5, diverged_epoch=12)])
    assert "MSE loses with 50.0%" in text
    assert "MSE diverged at epoch 12; its last finite model is shown and scored." in text
