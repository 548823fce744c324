"""The training-curves takeaway states how many seeds a median of "epochs to reach" rests on."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.views.sentence_checks import summary
from views import training

CROSS = pd.DataFrame({"ECE": [0.03, 0.05]})


@pytest.mark.parametrize(
    ("ce_reached", "expected"),
    [
        pytest.param(3, "(median epoch 25 vs 20).", id="every-seed"),
        pytest.param(1, "(median epoch 25 vs 20; reached in 3 of 3 vs 1 of 3 seeds).", id="some"),
    ],
)
def test_reach_ratio_names_the_seeds_behind_the_medians(ce_reached, expected):
    text = training.takeaway(
        {"cross_entropy": summary(20, ce_reached), "hinge": summary(25, 3)},
        CROSS,
        ["cross_entropy", "hinge"],
        0.95,
    )
    assert text.startswith("hinge reached 95% test accuracy 1.2× later than CE " + expected)
