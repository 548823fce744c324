"""Tables on the comparison pages never show ``None``: a missing count reads "never",
an undefined or diverged score "—", and the scores behind them stay numbers. In the browser a
missing cell is drawn as ``ui.frame.table``'s placeholder (a dash) whatever the Styler says, so
a count that never happened is written out as text ("never")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from present import wording
from views import boundaries, landscape, robustness, training


def cells(styler) -> list[str]:
    html = styler.to_html()
    return [c.split(">")[-1] for c in html.split("</td>")[:-1]]


def test_training_summary_shows_never_and_dash():
    t = pd.DataFrame(
        {
            "loss": ["CE", "MSE"],
            "final test accuracy": [0.977777, np.nan],
            "± sd": [0.1, np.nan],
            "best test accuracy": [0.9, np.nan],
            "epochs to 90% (median)": [12.5, np.nan],
            "seeds reaching it": ["1 of 1", "0 of 1"],
            "diverged": ["0 of 1", "1 of 1"],
        }
    )
    shown = cells(training.styled_summary(t))
    assert shown[:5] == ["CE", "0.978", "0.100", "0.900", "12.5"]
    assert shown[8:11] == ["—", "—", "—"] and shown[11] == "never"
    assert not any(c in ("None", "nan") for c in shown)
    # as the page builds it (a median that does not exist is None), the cell is text: the
    # browser's grid draws every missing cell as the same dash, whatever the Styler says
    t["epochs to 90% (median)"] = pd.Series([12.0, None], dtype=object)
    styled = training.styled_summary(t)
    assert list(styled.data["epochs to 90% (median)"]) == ["12", "never"]
    assert list(t["epochs to 90% (median)"]) == [12.0, None]  # the CSV keeps the numbers
    cross = pd.DataFrame({"trained with": ["CE", "MSE"], "ECE": [0.0251, np.nan]})
    assert cells(training.styled_cross(cross)) == ["CE", "0.025", "MSE", "—"]


def test_boundary_and_robustness_tables_have_no_none():
    assert wording.never(None) == "never" and wording.never(12) == "12"
    t = pd.DataFrame(
        {"loss": ["CE"], "test accuracy": [0.85], "gradient share of misclassified": [np.nan]}
    )
    assert cells(boundaries.styled_summary(t)) == ["CE", "85.0%", "—"]
    r = pd.DataFrame(
        {"loss": ["MSE"], "clean-test RMSE (std. units)": [np.nan], "diverged at epoch": ["3"]}
    )
    assert cells(robustness.styled_table(r)) == ["MSE", "—", "3"]


def test_landscape_counts_read_never_or_dash():
    s = pd.DataFrame(
        {
            "loss": ["CE", "MSE"],
            "steps to p_t ≥ 0.9": [34, None],
            f"… within {landscape.LONG_STEPS} steps": [34, 249],
            landscape.FURTHER: [None, None],
            "diverged at step": [None, None],
        }
    )
    d = landscape.display(s)
    assert list(d["steps to p_t ≥ 0.9"]) == ["34", "never"]
    assert list(d[landscape.FURTHER]) == ["—", "never"]  # measured only for the stuck run
    assert list(d["diverged at step"]) == ["—", "—"]
