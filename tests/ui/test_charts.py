"""``present.charts`` (the shared Altair builders) and ``ui.charts`` (their cache) do what they
promise."""

from __future__ import annotations

import pandas as pd
import pytest

from present import charts
from ui.charts import cached_spec

DF = pd.DataFrame({"x": [0.0, 1.0, 0.0, 1.0], "y": [1.0, 2.0, -1.0, 0.0], "s": list("aabb")})


def _line_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")


def test_lines_titles_axes_and_zero_rule():
    chart = charts.lines(DF, "x", "y", "s", "My title", x_title="x (units)", y_title="y")
    spec = charts.style(chart).to_dict()
    assert spec["title"] == "My title"
    enc = _line_layer(spec)["encoding"]
    assert enc["x"]["title"] == "x (units)" and enc["y"]["title"] == "y"
    assert enc["color"]["field"] == "s"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "line"]
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["config"]["axis"]["labelFontSize"] >= 14  # readable on a projector


@pytest.mark.parametrize(
    ("kwargs", "scale"),
    [
        pytest.param({"log_y": True}, {"type": "symlog"}, id="log"),
        pytest.param({"y_domain": (0.0, 4.0)}, {"domain": [0.0, 4.0]}, id="domain"),
        pytest.param({"log_y": True, "y_domain": (0.0, 4.0)}, {"type": "symlog"}, id="log-wins"),
        pytest.param({}, {"zero": False}, id="default"),
    ],
)
def test_lines_y_scale(kwargs, scale):
    enc = _line_layer(charts.lines(DF, "x", "y", "s", "t", **kwargs).to_dict())["encoding"]
    assert enc["y"]["scale"] == scale


def test_color_domain_fixes_colours_in_order():
    scale = charts.color_scale(["b", "a"])
    assert scale.to_dict() == {"domain": ["b", "a"], "range": list(charts.PALETTE[:2])}


def test_unconfigured_charts_can_be_concatenated_then_styled():
    left = charts.lines(DF, "x", "y", "s", "L", zero_rule=False)
    right = charts.lines(DF, "x", "y", "s", "R", zero_rule=False)
    spec = charts.style(left | right).to_dict()
    assert [c["title"] for c in spec["hconcat"]] == ["L", "R"]


def test_sizes_one_helper_for_both_modes():
    normal, present = charts.sizes(False), charts.sizes(True)
    assert normal["font"] == charts.FONT_SIZE and present["font"] >= 18
    assert present["title"] > normal["title"]
    # a projector is 720 px high: the figure, its legend and its takeaway share it
    assert present["height"] == round(normal["height"] * charts.PRESENT_HEIGHT_SCALE)
    assert charts.sizes() == normal  # by default: not presenting


def test_style_presenter_mode_sets_config_fonts_of_at_least_18px():
    spec = charts.style(charts.lines(DF, "x", "y", "s", "t"), present=True)
    config = spec.to_dict()["config"]
    assert config["axis"]["labelFontSize"] >= 18 and config["legend"]["labelFontSize"] >= 18
    assert config["title"]["fontSize"] >= 18 and config["header"]["labelFontSize"] >= 18
    assert config["legend"]["labelLimit"] == 0  # legends are never cut


def test_presenter_spec_enlarges_every_explicit_font_size():
    spec = {
        "encoding": {"x": {"axis": {"labelFontSize": 16, "titleFontSize": 12}}},
        "mark": {"type": "text", "fontSize": 30},
        "layer": [{"title": {"fontSize": 20}}],
        "config": {"legend": {"symbolSize": 300, "labelFontSize": 16}},
    }
    out = charts.presenter_spec(spec)
    assert out["encoding"]["x"]["axis"] == {"labelFontSize": 20, "titleFontSize": 20}
    assert out["mark"]["fontSize"] == 38 and out["layer"][0]["title"]["fontSize"] == 25
    assert out["config"]["legend"] == {"symbolSize": 300, "labelFontSize": 20}
    assert spec["encoding"]["x"]["axis"]["labelFontSize"] == 16  # the input is not changed


def test_long_titles_wrap_instead_of_being_cut():
    long = "Squared error on probabilities judged by the same score as cross-entropy"
    spec = {
        "title": long,
        "hconcat": [{"title": {"text": long}}, {"title": "short"}],
        "encoding": {"x": {"title": long}},
    }
    out = charts.wrap_titles(spec, 30)
    assert isinstance(out["title"], list) and all(len(line) <= 30 for line in out["title"])
    assert " ".join(out["title"]) == long
    assert out["hconcat"][0]["title"]["text"] == out["title"]
    assert out["hconcat"][1]["title"] == "short"
    assert out["encoding"]["x"]["title"] == long  # axis titles are not chart titles


def test_cached_spec_is_styled_and_keyed_on_presenter_mode(monkeypatch):
    calls = []

    @cached_spec
    def build(n: int):
        calls.append(n)
        return charts.lines(DF.head(n), "x", "y", "s", "t")

    build.clear()
    normal = build(4)
    monkeypatch.setattr("ui.charts.presenting", lambda: True)
    present = build(4)
    assert calls == [4, 4]  # the mode is part of the cache key
    assert normal["config"]["axis"]["labelFontSize"] == charts.FONT_SIZE
    assert present["config"]["axis"]["labelFontSize"] >= 18
    assert build(4) == present and calls == [4, 4]  # cached


def test_presenter_layout_puts_legends_above_and_shortens_plots_only():
    spec = charts.to_spec(charts.style(charts.lines(DF, "x", "y", "s", "t"), present=True))
    out = charts.presenter_layout(spec)
    legends = [v for k, v in _items(out) if k == "legend" and isinstance(v, dict)]
    assert legends and all(g["orient"] == "top" and g["direction"] == "horizontal" for g in legends)
    assert out["height"] == round(spec["height"] * charts.PRESENT_HEIGHT_SCALE)
    # only the layout: data, marks and scales are the spec's
    strip = {"height", "legend", "config"}
    assert _without(out, strip) == _without(spec, strip)
    square = {**spec, "width": 240, "height": 240}  # a map keeps its shape
    assert charts.presenter_layout(square)["height"] == 240


@pytest.mark.parametrize(
    ("labels", "width", "columns"),
    [
        (["CE", "MSE", "MAE", "hinge"], charts.PRESENT_LEGEND_WIDTH, 4),  # one row
        (["Squared error on probabilities (Brier)"] * 4, charts.PRESENT_LEGEND_WIDTH, 1),
        (["Squared error (L2)"] * 5, charts.PRESENT_WIDE_LEGEND_WIDTH, 2),
        (None, charts.PRESENT_LEGEND_WIDTH, charts.PRESENT_LEGEND_COLUMNS),
    ],
)
def test_legend_columns_fit_the_width(labels, width, columns):
    assert charts._legend_columns(labels, width=width) == columns


def test_compact_drops_legends_and_wraps_titles():
    spec = {
        "title": {"text": "CE", "subtitle": "clean-test accuracy 63.3%"},
        "encoding": {"color": {"legend": {"title": "Label"}}},
    }
    out = charts.compact(spec, legend=False)
    assert out["encoding"]["color"]["legend"] is None
    assert out["title"]["subtitle"] == ["clean-test", "accuracy 63.3%"]
    kept = charts.compact(spec)
    assert kept["encoding"]["color"]["legend"]["columns"] == 1


def test_legend_row_escapes_labels():
    from streamlit.testing.v1 import AppTest

    script = """
from ui import charts
charts.legend_row([("<b>x</b>", "#123456"), ("flip", "#000000", "x"), ("bad", "red;x")])
"""
    at = AppTest.from_string(script).run()
    (body,) = [h.proto.body for h in at.get("html")]
    assert "&lt;b&gt;x&lt;/b&gt;" in body and "<b>" not in body
    assert "#123456" in body and "&#x2715;" in body
    assert "bad" not in body  # not a colour: left out


def _items(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _items(v)
    elif isinstance(node, list):
        for v in node:
            yield from _items(v)


def _without(node, keys):
    if isinstance(node, dict):
        return {k: _without(v, keys) for k, v in node.items() if k not in keys}
    if isinstance(node, list):
        return [_without(v, keys) for v in node]
    return node
