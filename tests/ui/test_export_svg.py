"""ui.export: server-side SVG/PNG of a chart spec, untrusted text escaped, lazy buttons."""

from __future__ import annotations

import altair as alt
import pandas as pd
from streamlit.testing.v1 import AppTest

from present import charts
from ui import export

HOSTILE = "<img src=x onerror=alert(1)>"


def _spec(title: str = "Test accuracy (per loss)") -> dict:
    df = pd.DataFrame({"x": [0, 1, 2], "y": [0.5, 0.7, 0.9], "k": [HOSTILE, "**b**", "c"]})
    chart = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q", color="k:N")
    return charts.style(chart.properties(title=title, height=200)).to_dict()


def test_svg_is_a_document_with_escaped_text():
    svg = export.to_svg(_spec())
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<img" not in svg and "**b**" in svg


def test_png_is_a_png():
    png = export.to_png(_spec())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_container_width_is_fixed_for_a_file():
    spec = _spec()
    spec["width"] = "container"
    assert export._fixed(spec)["width"] == export.EXPORT_WIDTH
    assert spec["width"] == "container"  # the app's spec is not changed


def test_file_stem_from_the_title():
    assert export.file_stem(_spec()) == "test-accuracy-per-loss"
    assert export.file_stem({"title": {"text": "../../etc/passwd"}}) == "etc-passwd"
    assert export.file_stem({}) == "chart"


def _page() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    from present import charts
    from ui import export

    df = pd.DataFrame({"x": [0, 1], "y": [1, 2]})
    spec = charts.style(alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q")).to_dict()
    for _ in range(2):  # the same chart twice on a page: two buttons, no duplicate id
        st.vega_lite_chart(spec)
        export.svg_button(spec, name="line")


def test_buttons_for_identical_charts_do_not_collide():
    at = AppTest.from_function(_page)
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 2
    at.run()  # a rerun draws them again
    assert not at.exception and len(at.get("download_button")) == 2
