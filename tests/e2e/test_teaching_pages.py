"""Teaching pages in a real browser: opened by URL with query parameters, state restored,
the seed numbers on screen, screenshots saved (tests/e2e/screenshots/teaching_*.png)."""

from __future__ import annotations

import pytest

from core import losses
from tests.e2e import takeaways

pytestmark = pytest.mark.e2e


def metric_values(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def assert_charts_drawn(page, n: int) -> None:
    """``n`` charts, each drawn on a canvas of real size (a blank chart has no or a 0-px one)."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == n
    for i in range(n):
        canvas = charts.nth(i).locator("canvas, svg.marks").first
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200, (i, box)


def checked_radio(page, label: str) -> str:
    """The selected option's text of the radio group whose label contains ``label``."""
    group = page.locator('[data-testid="stRadio"]').filter(has_text=label).first
    return group.locator("label:has(input:checked)").inner_text().strip()


def test_gradient_anatomy_two_classes_from_url(open_page):
    page = open_page(
        "Gradient_anatomy",
        {"part": "Softmax, 2 classes", "a1": "0.8", "y1": "0"},
        screenshot="teaching_anatomy_softmax2",
    )
    assert checked_radio(page, "Part") == "Softmax, 2 classes"
    values = metric_values(page)
    assert values[:4] == ["[0.800, 0.200]", "0.512", "0.800", "0.640"]
    text = takeaways.texts(page)[-1]
    assert "-0.128" in text and "-0.200" in text
    assert_charts_drawn(page, 1)


def test_gradient_anatomy_sigmoid_from_url(open_page):
    page = open_page(
        "Gradient_anatomy",
        {"part": "Sigmoid neuron", "y": "1", "z0": "-6", "x": "1", "axis": "a"},
        screenshot="teaching_anatomy_sigmoid",
    )
    assert checked_radio(page, "Horizontal axis") == "a"
    assert metric_values(page)[0] == "0.0025"
    assert (
        "confidently wrong" in page.locator('[data-testid="stAlertContentInfo"]').last.inner_text()
    )


def test_gradient_anatomy_k_classes_from_url(open_page):
    page = open_page(
        "Gradient_anatomy",
        {"part": "Softmax, K classes", "a": "0.8, 0.1, 0.1", "b": "0.8, 0.15, 0.05", "t": "1"},
        screenshot="teaching_anatomy_softmaxK",
    )
    assert metric_values(page)[:4] == ["0.060", "0.065", "0.223", "0.223"]
    assert_charts_drawn(page, 4)  # one simplex per loss (they wrap on a phone) + two curves


def test_gradient_anatomy_hostile_url_shows_notice(open_page):
    page = open_page(
        "Gradient_anatomy",
        {"part": "Softmax, 2 classes", "a1": "2", "y1": "7"},
        screenshot="teaching_anatomy_hostile",
    )
    notice = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "a1=2" in notice and "y1=7" in notice
    assert metric_values(page)[1] == "0.512"  # defaults used instead


def test_ce_for_regression_from_url(open_page):
    page = open_page(
        "CE_for_regression",
        {"G": "1, 2", "z": "2, 3", "span": "20"},
        screenshot="teaching_ce_regression",
    )
    assert page.locator('[data-testid="stTextInput"] input').first.input_value() == "1, 2"
    values = metric_values(page)
    assert values[2] == "0.0000"  # largest |CE gradient|
    assert values[3] == "2.0000"  # MSE
    # One tab per question (figure first): the first tab's takeaway and its sweep chart.
    assert "exactly 0" in takeaways.texts(page)[0]
    assert_charts_drawn(page.locator('[data-testid="stTabPanel"]').first, 1)


def test_ce_for_regression_bad_vector_is_friendly(open_page):
    page = open_page(
        "CE_for_regression", {"G": "nan", "w": "1, -1"}, screenshot="teaching_ce_regression_bad"
    )
    # "nan" in a text field is text: the page judges it and says what to enter instead
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert any("G = 'nan' contains NaN" in t and "finite numbers" in t for t in errors), errors
    assert page.get_by_label("Target G", exact=True).input_value() == "nan"  # still in its field
    # The zero sum is explained in the sum tab's takeaway (the lesson, not a page fault).
    assert any("sums to 0" in t for t in takeaways.texts(page))


def test_loss_reference_filters_from_url(open_page):
    page = open_page(
        "Loss_reference",
        {"tasks": "regression", "props": "robust"},
        screenshot="teaching_reference_robust",
    )
    n = sum(x.task == "regression" and x.properties["robust"] for x in losses.all_losses())
    assert page.get_by_text(f"{n} of {len(losses.all_losses())} losses").count() == 1
    # one card per loss shown (the "Download" expander is not a card)
    cards = page.locator('[data-testid="stExpander"] summary').filter(has_text="· short label")
    assert cards.count() == n


def test_loss_reference_open_card(open_page):
    page = open_page(
        "Loss_reference", {"q": "huber", "open": "true"}, screenshot="teaching_reference_huber"
    )
    assert page.locator('[data-testid="stExpander"]').count() >= 2
    assert page.locator(".katex").count() >= 4  # formula and gradient rendered
