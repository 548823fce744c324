"""The formula box in a real browser: a student types a loss on Loss & gradient curves and its
curve is drawn in its own colour (black, which nothing else on the charts uses), its formula
and derivative typeset, the formula kept in the link."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest

from present import identity
from tests.e2e.conftest import save_screenshot, wait_for_run

pytestmark = pytest.mark.e2e


def black_pixels(png: bytes) -> int:
    """Pixels of the formula's colour (pure black) in a screenshot."""
    from PIL import Image

    rgb = tuple(int(identity.FORMULA_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(io.BytesIO(png)) as img:
        return sum(n for n, colour in img.convert("RGB").getcolors(1 << 20) if colour == rgb)


def test_typing_a_formula_draws_its_curve(open_page):
    page = open_page("Loss_curves")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    before = black_pixels(chart.screenshot())
    field = page.get_by_role("textbox", name="Your loss (a formula)")
    field.fill("1 - tanh(m)")
    field.press("Enter")
    # the rerun puts the formula in the link; waiting for the run before it starts would
    # read the chart as it was
    page.wait_for_function("() => location.search.includes('formula=')", timeout=60_000)
    wait_for_run(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    after = black_pixels(chart.screenshot())
    for _ in range(20):  # a busy browser may draw the new curve a moment after the run
        if after > before + 200:
            break
        page.wait_for_timeout(250)
        after = black_pixels(chart.screenshot())
    assert after > before + 200, (before, after)  # a curve across the chart, in black
    assert "Your loss" in chart.inner_text() or "Your loss" in page.inner_text("body")
    assert parse_qs(urlparse(page.url).query)["formula"] == ["1 - tanh(m)"]
    maths = page.locator(".katex").all_inner_texts()
    assert any("tanh" in m for m in maths)
    assert page.get_by_text("What Loss Lab found").count() == 1
    save_screenshot(page, "formula_box_curves")


def test_a_refused_formula_in_a_link_leaves_a_working_page(open_page):
    page = open_page("Loss_curves", {"formula": "<b>x</b>; __import__('os')"})
    notice = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "The link's formula (formula) cannot be used" in notice
    assert page.locator("b", has_text="x").count() == 0  # the markup stayed text
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
