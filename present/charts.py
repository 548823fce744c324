"""Chart specs without Streamlit: builders, style, sizes; readable on a projector and a phone.

Every builder takes a tidy ``pandas.DataFrame`` (one row per point) and returns a chart with a
title, axis titles (with units where there are any) and a legend, in fonts big enough for the
back of a lecture hall. Give ``colors`` (``{series: colour}``) to keep one colour per series
across charts (for losses, their ``present.identity`` colours, or :func:`present.identity.scale`).
Wide tables (one column per series) go through :func:`curves`, which can also mark a point.

The kit (:mod:`ui.charts`) caches a builder's chart as its styled Vega-Lite spec and draws it;
what the spec is comes from here: :func:`style` (fonts, fit to the container),
:func:`wrap_titles`, the presenter-mode sizes and layout (:func:`sizes`,
:func:`presenter_spec`, :func:`presenter_layout`, :func:`widen`), :func:`compact` panels and
a lecture stop's marks (:func:`annotate`). Sizes come from one place, :func:`sizes`: normal
mode 16 px text, presenter mode (``?present=1``) at least 18 px everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from present import identity

# Altair's data transformer is one setting for the whole process. It is set once, here, to
# keep every row (the builders bound their data): switching it per conversion would race
# between sessions' threads. Streamlit switches it too, but only in its Altair chart element,
# which the app never uses (charts go to st.vega_lite_chart as specs; see
# :func:`ui.charts.show`, and tests/test_streamlit_api.py).
alt.data_transformers.enable("default", max_rows=None)

#: Colour-blind-friendly categorical palette (Tableau 10), in the order series are listed.
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)

FONT_SIZE = 16
TITLE_SIZE = 20
HEIGHT = 360
#: Presenter mode: the smallest text on a chart (at least 18 px, legible on a projector).
PRESENT_FONT_SIZE = 20
PRESENT_TITLE_SIZE = 26
#: Presenter mode: a plot's height is scaled by this (a projector is 720 px high, and the
#: figure, its legend and its takeaway share the first screen with the page's header).
PRESENT_HEIGHT_SCALE = 0.62
PRESENT_HEIGHT = round(HEIGHT * PRESENT_HEIGHT_SCALE)
#: Presenter mode: legends above the plot, entries side by side in this many columns.
PRESENT_LEGEND_COLUMNS = 2


def sizes(present: bool = False) -> dict[str, int]:
    """The one font/size helper: ``{"font", "title", "height"}`` in pixels for the mode.

    ``present``: presenter mode (``?present=1``, read from the URL by
    :func:`ui.charts.presenting`).
    """
    if present:
        return {"font": PRESENT_FONT_SIZE, "title": PRESENT_TITLE_SIZE, "height": PRESENT_HEIGHT}
    return {"font": FONT_SIZE, "title": TITLE_SIZE, "height": HEIGHT}


# Sizes set on the encodings themselves: Streamlit's chart theme overrides the configure_* ones.
AXIS = alt.Axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, titleFontWeight="normal")
LEGEND = alt.Legend(
    orient="bottom",
    direction="vertical",
    columns=1,
    labelFontSize=FONT_SIZE,
    titleFontSize=FONT_SIZE,
    symbolStrokeWidth=4,
    symbolSize=300,
    labelLimit=400,
)


def color_scale(domain: Sequence[str] | None, colors: Sequence[str] | None = None) -> alt.Scale:
    """A categorical scale that gives the i-th name of ``domain`` the i-th colour of ``colors``
    (default: the palette), e.g. the losses' colours from ``present.identity``."""
    if not domain:
        return alt.Scale(range=list(colors or PALETTE))
    palette = list(colors) if colors else list(PALETTE)
    return alt.Scale(
        domain=list(domain), range=[palette[i % len(palette)] for i in range(len(domain))]
    )


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    title: str,
    *,
    x_title: str | None = None,
    y_title: str | None = None,
    log_y: bool = False,
    colors: Mapping[str, str] | None = None,
    legend_title: str | None = None,
    zero_rule: bool = True,
    y_domain: tuple[float, float] | None = None,
    height: int = HEIGHT,
    tooltip_format: str = ".4g",
) -> alt.Chart:
    """One line per value of ``color``: ``y`` against ``x``, unstyled (see
    :func:`ui.charts.cached_spec`).

    Parameters
    ----------
    df
        Tidy data with columns ``x``, ``y`` and ``color``.
    log_y
        Use a symmetric-log y axis: logarithmic for large magnitudes, linear near 0, so it
        works for gradients (negative) and losses (zero) alike.
    colors
        ``{series name: colour}`` in legend order, e.g. ``present.identity.color`` of each loss: one
        colour per series, stable across charts. ``None``: the palette, in order of appearance.
    zero_rule
        Draw the line ``y = 0`` for orientation.
    y_domain
        Fix the y range (lines leaving it are clipped), e.g. to keep an unbounded curve from
        flattening all the others; ignored with ``log_y``.
    """
    if log_y:
        scale = alt.Scale(type="symlog")
    elif y_domain is not None:
        scale = alt.Scale(domain=list(y_domain))
    else:
        scale = alt.Scale(zero=False)
    domain = list(colors) if colors else None
    base = alt.Chart(df)
    chart = base.mark_line(strokeWidth=3, clip=True).encode(
        x=alt.X(f"{x}:Q", title=x_title or x, axis=AXIS),
        y=alt.Y(f"{y}:Q", title=y_title or y, scale=scale, axis=AXIS),
        color=alt.Color(
            f"{color}:N",
            title=legend_title or color,
            scale=color_scale(domain, list(colors.values()) if colors else None),
            sort=domain,
            legend=LEGEND,
        ),
        tooltip=[
            alt.Tooltip(f"{color}:N", title=legend_title or color),
            alt.Tooltip(f"{x}:Q", title=x_title or x, format=tooltip_format),
            alt.Tooltip(f"{y}:Q", title=y_title or y, format=tooltip_format),
        ],
    )
    if zero_rule:
        rule = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888", strokeDash=[4, 4])
        chart = alt.layer(rule.encode(y="zero:Q"), chart)
    return chart.properties(title=title, height=height)


def long_format(df: pd.DataFrame, x: str, series: Mapping[str, str]) -> pd.DataFrame:
    """Tidy ``(x, "series", "value")`` rows from wide columns ``{series name: column}``."""
    return pd.concat(
        [pd.DataFrame({x: df[x], "series": s, "value": df[c]}) for s, c in series.items()],
        ignore_index=True,
    )


def with_point(chart: alt.Chart, x: str, x0: float, marks: Mapping[str, float]) -> alt.LayerChart:
    """``chart`` with a dashed vertical rule at ``x0`` and a dot per series at its value there."""
    rule = (
        alt.Chart(pd.DataFrame({x: [x0]}))
        .mark_rule(color=identity.NEUTRAL, strokeDash=[3, 3], strokeWidth=1.5)
        .encode(x=f"{x}:Q")
    )
    dots = pd.DataFrame(
        {x: [x0] * len(marks), "series": list(marks), "value": list(marks.values())}
    )
    points = (
        alt.Chart(dots)
        .mark_point(filled=True, size=120, color="#222")
        .encode(x=f"{x}:Q", y="value:Q", tooltip=["series:N", alt.Tooltip("value:Q", format=".4g")])
    )
    return alt.layer(chart, rule, points)


def curves(
    wide: pd.DataFrame,
    x: str,
    series: Mapping[str, str],
    title: str,
    *,
    colors: Mapping[str, str],
    at: tuple[float, Mapping[str, float]] | None = None,
    **options: Any,
) -> alt.Chart | alt.LayerChart:
    """:func:`lines` of wide columns ``{series name: column}`` against ``x``, marked at a point.

    Parameters
    ----------
    colors
        The colour of every series name (a page's whole set; only ``series`` are drawn).
    at
        ``(x0, {series name: value})``: a dashed rule at ``x0`` and a dot per value
        (:func:`with_point`); ``None`` draws the lines only.
    options
        Further :func:`lines` options: axis and legend titles, height, zero rule.
    """
    chart = lines(
        long_format(wide, x, series),
        x,
        "value",
        "series",
        title,
        colors={s: colors[s] for s in series},
        **options,
    )
    return chart if at is None else with_point(chart, x, *at)


#: Composite charts: Vega-Lite cannot "fit" them to the container (they come out blank in a
#: browser, while AppTest sees a valid spec), so they keep the fixed sizes of their panels.
COMPOSITE = (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart, alt.FacetChart)


def style(
    chart: alt.TopLevelMixin, *, present: bool = False, **legend: object
) -> alt.TopLevelMixin:
    """Top-level settings: projector-sized fonts, and a plot area that keeps its height.

    A single or layered chart gets ``fit-x`` with ``contains="padding"``: as wide as its
    Streamlit container while ``height`` stays the height of the plot itself, so a tall legend
    below it does not squeeze the plot (Streamlit's default fits everything into ``height``).
    Concatenated and faceted charts keep their panels' fixed sizes (see ``COMPOSITE``; use
    :func:`ui.charts.panels` for responsive small multiples). Titles and legend labels may wrap
    or use the full width (no truncation with an ellipsis). ``present`` picks presenter-mode sizes
    (:func:`sizes`). ``legend`` adds or overrides legend settings, e.g. ``orient="bottom"``.
    """
    autosize = (
        alt.AutoSizeParams(type="pad")
        if isinstance(chart, COMPOSITE)
        else alt.AutoSizeParams(type="fit-x", contains="padding")
    )
    size = sizes(present)
    font, title = size["font"], size["title"]
    legend = {"labelLimit": 0, "titleLimit": 0, **legend}
    return (
        chart.properties(autosize=autosize)
        .configure_axis(labelFontSize=font, titleFontSize=font, titleLimit=0)
        .configure_header(labelFontSize=font, titleFontSize=font, labelLimit=0)
        .configure_title(fontSize=title, subtitleFontSize=font, anchor="start", offset=12, limit=0)
        .configure_legend(labelFontSize=font, titleFontSize=font, **legend)
    )


#: Characters per line of a chart title before it wraps (about 400 px at 20 px): a title that
#: does not fit its chart is wrapped onto more lines, never cut with an ellipsis.
TITLE_CHARS = 44
#: Spec keys whose value is a list of charts (a title of one of them is a chart title).
_CHART_LISTS = ("layer", "hconcat", "vconcat", "concat")


def _lines(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def wrap_titles(spec: Spec, width: int = TITLE_CHARS) -> Spec:
    """``spec`` with every chart title longer than ``width`` characters split into lines.

    Streamlit cuts a title wider than its chart with an ellipsis ("Squared error on
    probabi…"); Vega-Lite draws a list of strings as lines, so long titles wrap instead.
    Titles of layers and concatenated or faceted members are wrapped too; axis and legend
    titles are left alone (their limits are lifted in :func:`style`).
    """

    def title(t: Any) -> Any:
        if isinstance(t, str) and len(t) > width:
            return _lines(t, width)
        if isinstance(t, dict) and isinstance(t.get("text"), str) and len(t["text"]) > width:
            return {**t, "text": _lines(t["text"], width)}
        return t

    def chart(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if "title" in out:
            out["title"] = title(out["title"])
        for key in _CHART_LISTS:
            if isinstance(out.get(key), list):
                out[key] = [chart(c) for c in out[key]]
        if isinstance(out.get("spec"), dict):
            out["spec"] = chart(out["spec"])
        return out

    return chart(spec)


#: Spec keys that hold a font size (Vega-Lite axis, legend, header, title, text marks).
_FONT_KEYS = frozenset({"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"})


def presenter_spec(spec: Spec, minimum: int = PRESENT_FONT_SIZE) -> Spec:
    """A copy of ``spec`` whose every explicit font size is scaled to at least ``minimum``.

    Builders set sizes on encodings (``charts.AXIS``, ``labelFontSize=16`` on a header);
    those win over ``config``, so presenter mode scales them here: each size becomes
    ``max(minimum, round(size * minimum / FONT_SIZE))`` (16 px -> 20 px, 20 px -> 25 px).
    """
    factor = minimum / FONT_SIZE

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    max(minimum, round(v * factor))
                    if k in _FONT_KEYS and isinstance(v, int | float) and not isinstance(v, bool)
                    else walk(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def presenter_layout(spec: Spec, scale: float = PRESENT_HEIGHT_SCALE) -> Spec:
    """A copy of ``spec`` laid out for a projector: every legend above its plot, its title at
    the left of its entries and the entries side by side (seen before the plot, and short), and
    every plot height scaled by ``scale``, except where the width is fixed too (a square map
    keeps its shape). Only the layout changes: data, scales and marks are the same."""
    legend = {
        "orient": "top",
        "direction": "horizontal",
        "columns": PRESENT_LEGEND_COLUMNS,
        "titleOrient": "left",
    }

    def walk(node: Any, chart: bool) -> Any:
        if isinstance(node, list):
            return [walk(v, chart) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for k, v in node.items():
            if k == "legend" and isinstance(v, dict):
                domain = (node.get("scale") or {}).get("domain")
                out[k] = {**walk(v, False), **legend, "columns": _legend_columns(domain)}
            elif k in _CHART_LISTS or k == "spec":
                out[k] = walk(v, True)
            else:
                out[k] = walk(v, False)
        height, width = out.get("height"), out.get("width")
        if chart and _number(height) and not _number(width):
            out["height"] = round(height * scale)
        return out

    out = walk(spec, True)
    config = dict(out.get("config", {}))
    config["legend"] = {**config.get("legend", {}), **legend}
    out["config"] = config
    return out


#: Presenter mode: the width a legend's entries may take above a plot (half the page at
#: 1280 px, two charts side by side, less the legend's title at their left) and the width of
#: a legend entry's symbol and gaps, in pixels.
PRESENT_LEGEND_WIDTH = 480
#: The same for a chart as wide as the page (two legends side by side).
PRESENT_WIDE_LEGEND_WIDTH = 560
_ENTRY_EXTRA = 44


def _legend_columns(
    labels: Any, font: int = PRESENT_FONT_SIZE, width: int = PRESENT_LEGEND_WIDTH
) -> int:
    """Legend columns above a plot: every entry in one row when the labels fit ``width``
    pixels (about 0.55 em per character), else as many columns as fit, at least one;
    :data:`PRESENT_LEGEND_COLUMNS` when the labels are not in the spec."""
    if not isinstance(labels, list) or not labels:
        return PRESENT_LEGEND_COLUMNS
    widths = [0.55 * font * len(str(t)) + _ENTRY_EXTRA for t in labels]
    if sum(widths) <= width:
        return len(labels)
    return max(1, int(width // max(widths)))


def widen(spec: Spec, width: int = PRESENT_WIDE_LEGEND_WIDTH) -> Spec:
    """A copy of a presenter-mode ``spec`` whose legends may each take ``width`` pixels above
    the plot (:func:`_legend_columns`): for a chart as wide as the page, where two legends
    fit side by side in fewer rows."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        if isinstance(out.get("legend"), dict):
            domain = (node.get("scale") or {}).get("domain")
            out["legend"] = {**out["legend"], "columns": _legend_columns(domain, width=width)}
        return out

    return walk(spec)


def compact(spec: Spec, *, legend: bool = True, title_chars: int = 16) -> Spec:
    """A copy of ``spec`` for a narrow panel of a row (small multiples on a projector): its
    title and subtitle wrapped at ``title_chars`` characters; its legends one entry a row, or
    dropped when ``legend`` is false (the row shows them once, on one panel)."""

    def lines(t: Any) -> Any:
        return _lines(t, title_chars) if isinstance(t, str) and len(t) > title_chars else t

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for k, v in node.items():
            if k == "legend" and isinstance(v, dict):
                out[k] = {**v, "columns": 1} if legend else None
            elif k == "title" and isinstance(v, dict) and "subtitle" in v:
                out[k] = {**v, "text": lines(v.get("text")), "subtitle": lines(v["subtitle"])}
            elif k == "title":
                out[k] = lines(v)
            else:
                out[k] = walk(v)
        return out

    return walk(spec)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- the one pipeline

Spec = dict[str, Any]


def to_spec(chart: alt.TopLevelMixin) -> Spec:
    """The chart's Vega-Lite dict, with its data inline and no row limit (the data
    transformer this module sets once for the process)."""
    return chart.to_dict()


#: Spec keys that belong to a single view (they move into its layer when marks are added).
_VIEW_KEYS = ("mark", "encoding", "data", "transform", "params", "projection")


def annotate(spec: Spec, marks: Sequence[Mapping[str, Any]], present: bool = False) -> Spec:
    """``spec`` with ``marks`` drawn on top: ``{"text", "x", "y", "side"}`` in the chart's
    data coordinates (``x`` alone: a dashed vertical rule, ``y`` alone: a horizontal one, both:
    a ringed point), each labelled on its ``side`` (``"left"`` or right) in bold at the font
    size of the mode plus 2 px (at least 18 px), white-haloed. The marks use ``datum``
    encodings, so they share the chart's scales whatever its fields are called. Composite
    specs are returned unchanged."""
    if not marks or any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat")):
        return spec
    out = dict(spec)
    if "layer" not in out:
        out["layer"] = [{k: out.pop(k) for k in _VIEW_KEYS if k in out}]
    else:
        out["layer"] = list(out["layer"])
    size = sizes(present)["font"] + 2
    one = {"values": [{}]}  # one mark per layer, whatever data the chart has
    for m in marks:
        x = {"datum": m["x"]} if m.get("x") is not None else None
        y = {"datum": m["y"]} if m.get("y") is not None else None
        left = m.get("side") == "left"
        side = {"align": "right", "dx": -1} if left else {"align": "left", "dx": 1}
        rule = {"type": "rule", "color": "#111", "strokeWidth": 3, "strokeDash": [8, 5]}
        if x and not y:
            out["layer"].append({"data": one, "mark": rule, "encoding": {"x": x}})
            at = {"x": x, "y": {"value": 4}}
            align = {"baseline": "top", "dx": 6}
        elif y and not x:
            out["layer"].append({"data": one, "mark": rule, "encoding": {"y": y}})
            at = {"x": {"value": 6}, "y": y}
            align = {"baseline": "bottom", "dy": -4}
        elif x and y:
            ring = {"type": "point", "size": 900, "strokeWidth": 3, "color": "#111"}
            out["layer"].append({"data": one, "mark": ring, "encoding": {"x": x, "y": y}})
            at = {"x": x, "y": y}
            align = {"baseline": "middle", "dx": 22}
        else:
            at = {"x": {"value": 6}, "y": {"value": 4}}
            align = {"baseline": "top", "dx": 0}
        align = {**align, "align": side["align"], "dx": side["dx"] * align.get("dx", 0)}
        text = {"type": "text", "text": str(m.get("text", "")), "fontSize": size,
                "fontWeight": "bold", **align}  # fmt: skip
        halo = {**text, "stroke": "white", "strokeWidth": 5, "strokeJoin": "round"}
        out["layer"].append({"data": one, "mark": halo, "encoding": at})
        out["layer"].append({"data": one, "mark": {**text, "color": "#111"}, "encoding": at})
    return out
