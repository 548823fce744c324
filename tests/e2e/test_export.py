"""Chart export in a real browser: PNG from the chart's own toolbar, SVG from the server.

Streamlit embeds Vega without its "..." export menu (``actions: false``), whatever
``client.toolbarMode`` says; its element toolbar, shown on hover, has "Download as PNG".
The SVG comes from the "SVG" button under each chart (``ui.export``, rendered by vl-convert).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_png_in_the_toolbar_and_svg_under_the_chart(open_page):
    page = open_page("Training_curves", {"epochs": 30, "seeds": 1})
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.hover()
    # Vega's own menu is not there; Streamlit's toolbar offers the PNG
    assert page.locator(".vega-embed .vega-actions").count() == 0
    png = page.get_by_role("button", name="Download as PNG").first
    assert png.is_visible()
    with page.expect_download() as png_download:
        png.click()
    assert png_download.value.suggested_filename.endswith(".png")
    # the SVG: rendered on the server when clicked
    svg_button = page.get_by_role("button", name="SVG").first
    with page.expect_download(timeout=60_000) as svg_download:
        svg_button.click()
    download = svg_download.value
    assert download.suggested_filename.endswith(".svg")
    text = open(download.path(), encoding="utf-8").read()
    assert text.lstrip().startswith("<svg") and "test accuracy" in text
