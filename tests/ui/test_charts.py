"""``ui.charts``: the shared Altair builders produce what they promise."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import charts

DF = pd.DataFrame({"x": [0.0, 1.0, 0.0, 1.0], "y": [1.0, 2.0, -1.0, 0.0], "s": list("aabb")})


def _line_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")


def test_lines_titles_axes_and_zero_rule():
    spec = charts.lines(DF, "x", "y", "s", "My title", x_title="x (units)", y_title="y").to_dict()
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
    left = charts.lines(DF, "x", "y", "s", "L", configure=False, zero_rule=False)
    right = charts.lines(DF, "x", "y", "s", "R", configure=False, zero_rule=False)
    spec = charts.style(left | right).to_dict()
    assert [c["title"] for c in spec["hconcat"]] == ["L", "R"]
