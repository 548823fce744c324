"""Hand-edited links with values a page cannot use (AppTest), every page in one table.

A refused value is named in the page's notice (``ui.frame``: "`key=value` ... is not allowed
here"), the widget falls back to its default, and the rest of the page still works. What
"still works" means differs by page: :data:`STILL_WORKS` says it for each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

#: Each page's file, the query a case is added to (small views, fast), and what must still be
#: on the page after the refusal.
STILL_WORKS: dict[str, tuple[str, Mapping[str, str], Callable]] = {
    "loss_curves": (
        "pages/1_Loss_curves.py",
        {},
        lambda at: len(at.get("vega_lite_chart")) >= 2,  # the charts, with the defaults
    ),
    "gradient_anatomy": ("pages/2_Gradient_anatomy.py", {}, lambda at: len(at.metric) == 4),
    "loss_landscape": (
        "pages/3_Loss_landscape.py",
        {"n": "20", "steps": "30", "t": "30", "span": "4", "steps1": "20", "t1": "20"},
        lambda at: len(at.info) == 2,  # both sections' takeaways
    ),
    "ce_for_regression": (
        "pages/4_CE_for_regression.py",
        {},
        # the first section's result at its defaults: CE's gradient is exactly 0
        lambda at: {m.label: m.value for m in at.metric}["largest |CE gradient|"] == "0.0000",
    ),
    "outlier_robustness": (
        "pages/7_Outlier_robustness.py",
        {"repochs": "40", "seeds": "1", "nrates": "3", "sweep": "false"},
        lambda at: len(at.info) == 1,  # the fit's takeaway
    ),
}

CASES = [
    pytest.param("loss_curves", {"range": "1000000000"}, "range", id="curves-range-huge"),
    pytest.param("loss_curves", {"task": "astrology"}, "task", id="curves-unknown-task"),
    pytest.param(
        "loss_curves", {"losses": ["cross_entropy", "nonsense"]}, "losses", id="curves-loss"
    ),
    pytest.param("loss_curves", {"cls": ["nonsense"]}, "losses", id="curves-old-loss-key"),
    pytest.param("loss_curves", {"colour": "red"}, "colour", id="curves-unknown-key"),
    pytest.param("outlier_robustness", {"rlosses": ["nope"]}, "losses", id="robust-old-key"),
    pytest.param("gradient_anatomy", {"bogus": "1"}, "bogus", id="anatomy-unknown-key"),
    pytest.param("loss_curves", {"focal_gamma": "99"}, "focal_gamma", id="curves-gamma-99"),
    pytest.param("gradient_anatomy", {"part": "Softmax, 2 classes", "a1": "2"}, "a1", id="a1=2"),
    pytest.param("gradient_anatomy", {"part": "bogus"}, "part", id="part=bogus"),
    pytest.param("gradient_anatomy", {"part": "Softmax, 2 classes", "y1": "7"}, "y1", id="y1=7"),
    pytest.param("gradient_anatomy", {"part": "Softmax, K classes", "t": "7"}, "t", id="t=7"),
    pytest.param("gradient_anatomy", {"part": "Sigmoid neuron", "z0": "1e9"}, "z0", id="z0-huge"),
    pytest.param("loss_landscape", {"steps": "1000000000"}, "steps", id="landscape-steps"),
    pytest.param("loss_landscape", {"lr": "-5"}, "lr", id="landscape-lr-negative"),
    pytest.param("loss_landscape", {"n": "99999"}, "n", id="landscape-n-huge"),
    pytest.param("loss_landscape", {"span": "1e9"}, "span", id="landscape-span-huge"),
    pytest.param("loss_landscape", {"losses": "nope"}, "losses", id="landscape-unknown-loss"),
    pytest.param("loss_landscape", {"y0": "7"}, "y0", id="landscape-label-7"),
    pytest.param("ce_for_regression", {"lr": "1e9"}, "lr", id="ce-lr-huge"),
    pytest.param("ce_for_regression", {"epochs": "99999999"}, "epochs", id="ce-epochs-huge"),
    pytest.param("ce_for_regression", {"seed": "-4"}, "seed", id="ce-seed-negative"),
    pytest.param("ce_for_regression", {"span": "abc"}, "span", id="ce-span-text"),
    pytest.param("outlier_robustness", {"frac": "5"}, "frac", id="robust-frac"),
    pytest.param("outlier_robustness", {"mag": "1e9"}, "mag", id="robust-magnitude"),
    pytest.param("outlier_robustness", {"seeds": "100"}, "seeds", id="robust-seeds"),
    pytest.param("outlier_robustness", {"nrates": "99"}, "nrates", id="robust-rates"),
    pytest.param("outlier_robustness", {"repochs": "1000000000"}, "repochs", id="robust-epochs"),
    pytest.param("outlier_robustness", {"task": "evil"}, "task", id="robust-task"),
    pytest.param("outlier_robustness", {"okind": "sideways"}, "okind", id="robust-kind"),
]


@pytest.mark.parametrize(("page", "query", "refused"), CASES)
def test_refused_link_values_are_named_and_the_page_still_works(app, page, query, refused):
    path, base, still_works = STILL_WORKS[page]
    at = app(path, {**base, **query})
    notices = [w.value for w in at.warning]
    assert any(f"`{refused}=" in n and "is not allowed here" in n for n in notices), notices
    assert still_works(at)
