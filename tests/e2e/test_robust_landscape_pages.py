"""Loss landscape and Outlier robustness in a real browser: links restore the state they hold.

Each test opens a page by URL with query parameters, checks the takeaway (computed from the
restored widget values) and saves a screenshot to ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

import pytest

from tests.e2e import takeaways as boxes

pytestmark = pytest.mark.e2e


def takeaways(page) -> list[str]:
    """Each takeaway box's text: its headline and its details."""
    return boxes.texts(page)


def charts(page) -> int:
    """Vega-Lite charts and the landscape's server-drawn map pictures (its maps where the
    player's script cannot run)."""
    maps = page.locator(".st-key-surfaces_fallback img").count()
    return page.locator('[data-testid="stVegaLiteChart"]').count() + maps


#: Each page's default view: ``(path, phrases in each takeaway, charts)``, by its claim.
DEFAULT_VIEWS = {
    "landscape shows the plateau": (
        "Loss_landscape",
        [
            [
                "Cross-entropy (CE) (|slope| 0.998 at the start) did in 34 steps",
                "did not within 100 steps",
            ],
            ["did not within 300 steps", "no negative Hessian eigenvalue"],
        ],
        5,
    ),
    "outliers wreck mse": (
        "Outlier_robustness",
        [
            ["with 20% response (y shifted) outliers of size 8", "worst Squared error (MSE)"],
            ["worst for Squared error (MSE)"],
        ],
        4,  # the fits, the sweep and each one's strip of every seed
    ),
}


@pytest.mark.parametrize(
    ("path", "phrases", "n_charts"), DEFAULT_VIEWS.values(), ids=DEFAULT_VIEWS.keys()
)
def test_default_view(open_page, path, phrases, n_charts):
    page = open_page(path, screenshot=f"{path.lower()}_default")
    texts = takeaways(page)
    assert len(texts) == len(phrases), texts
    for text, expected in zip(texts, phrases, strict=True):
        for phrase in expected:
            assert phrase in text, text
    assert charts(page) == n_charts


def test_landscape_link_restores_every_control(open_page):
    query = {
        "x0": "1.5",
        "y0": "1",
        "w0": "-4",
        "lr1": "1",
        "steps1": "40",
        "t1": "20",
        "losses": ["cross_entropy", "mse", "mae"],
        "n": "30",
        "sep": "3",
        "seed": "2",
        "w": "2",
        "b": "-3",
        "lr": "2",
        "steps": "80",
        "t": "40",
        "span": "8",
    }
    page = open_page("Loss_landscape", query, screenshot="loss_landscape_link")
    one, surface = takeaways(page)
    assert "Started at w = -4 with learning rate 1" in one
    assert "(x₀ = 1.5, y₀ = 1)" in one
    assert "from (w, b) = (2, -3) with learning rate 2" in surface
    assert "Absolute error" in surface
    assert charts(page) == 1 + 2 * 3
    assert "not allowed here" not in page.content()


def test_landscape_hostile_link_gets_a_notice(open_page):
    page = open_page("Loss_landscape", {"steps": "1000000000", "lr": "-5", "losses": "nope"})
    text = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "steps=1000000000" in text and "lr=-5" in text
    assert "did not within 300 steps" in takeaways(page)[1]


def test_robustness_label_noise_link(open_page):
    query = {
        "task": "classification",
        "nkind": "symmetric",
        "rate": "0.4",
        "seeds": "1",
        "nrates": "3",
        "sweep": "true",
        "cepochs": "100",
    }
    page = open_page("Outlier_robustness", query, screenshot="outlier_robustness_noise")
    fit, sweep = takeaways(page)
    assert "with 40% symmetric flips" in fit
    assert "From 0% to 30% flipped labels (mean of 1 seed)" in sweep
    assert charts(page) == 5 + 1  # a boundary map per loss, the sweep


def test_robustness_leverage_link(open_page):
    query = {"okind": "leverage", "frac": "0.1", "mag": "5", "sweep": "false"}
    page = open_page("Outlier_robustness", query, screenshot="outlier_robustness_leverage")
    (fit,) = takeaways(page)
    assert "with 10% leverage (x shifted) outliers of size 5" in fit
    assert "Leverage points pull every fitted slope" in fit
    assert charts(page) == 1 + 1  # the fits and the strip of every seed (a preset's view)
