"""The blank-chart check behind every screenshot: it tells a flat box from a drawn chart."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from tests.e2e.conftest import MIN_CHART_COLOURS, chart_colours


def _png(draw: bool) -> bytes:
    img = Image.new("RGB", (200, 120), "white")
    if draw:
        pen = ImageDraw.Draw(img)
        for i, colour in enumerate(["#0072B2", "#D55E00", "#009E73", "#CC79A7"]):
            pen.line([(0, 20 * i), (199, 119 - 10 * i)], fill=colour, width=3)
        pen.text((10, 100), "epoch 150", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_a_blank_box_is_blank():
    assert chart_colours(_png(draw=False)) < MIN_CHART_COLOURS


def test_a_drawn_chart_has_many_colours():
    assert chart_colours(_png(draw=True)) >= MIN_CHART_COLOURS
