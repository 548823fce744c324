"""The sweep takeaway names the loss that holds up best and worst, without claiming a drop
where the score rose."""

from __future__ import annotations

import pandas as pd

from views.robustness import sweep_takeaway


def sweep(scores: dict[str, tuple[float, float]], rates=(0.0, 0.3)) -> pd.DataFrame:
    rows = [
        {"loss": loss, "rate": rate, "mean": score, "seeds": 1, "diverged": 0}
        for loss, pair in scores.items()
        for rate, score in zip(rates, pair, strict=True)
    ]
    return pd.DataFrame(rows)


def test_accuracy_that_rises_is_not_said_to_drop():
    agg = sweep({"Brier": (0.950, 0.967), "CE": (0.960, 0.850), "MAE": (0.880, 0.840)})
    text = sweep_takeaway(agg, "classification")
    assert "holds up best for Brier (95.0% → 96.7%, +1.7 points)" in text
    assert "worst for CE (96.0% → 85.0%, -11.0 points)" in text
    assert "drops" not in text


def test_rmse_that_shrinks_is_not_said_to_grow():
    agg = sweep({"Huber": (0.50, 0.45), "MSE": (0.50, 1.50)}, rates=(0.0, 0.2))
    text = sweep_takeaway(agg, "regression")
    assert "holds up best for Huber (0.500 → 0.450, ×0.90)" in text
    assert "worst for MSE (0.500 → 1.500, ×3.00)" in text
    assert "grows" not in text
