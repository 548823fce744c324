"""Altair chart builders shared by the pages: data in, ``alt.Chart`` out, readable on a projector.

Every builder takes a tidy ``pandas.DataFrame`` (one row per point) and returns a chart with a
title, axis titles (with units where there are any) and a legend, in fonts big enough for the
back of a lecture hall. Give a ``color_domain`` to keep one colour per series across charts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements.vega_charts import _altair_globals_lock as ALTAIR_LOCK

#: Colour-blind-friendly categorical palette (Tableau 10), in the order series are listed.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip

FONT_SIZE = 16
TITLE_SIZE = 20
HEIGHT = 360
# Sizes set on the encodings themselves: Streamlit's chart theme overrides the configure_* ones.
AXIS = alt.Axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, titleFontWeight="normal")
LEGEND = alt.Legend(
    orient="bottom", direction="vertical", columns=1, labelFontSize=FONT_SIZE,
    titleFontSize=FONT_SIZE, symbolStrokeWidth=4, symbolSize=300, labelLimit=400,
)  # fmt: skip


def color_scale(domain: Sequence[str] | None) -> alt.Scale:
    """A categorical scale that gives the i-th name of ``domain`` the i-th palette colour."""
    if not domain:
        return alt.Scale(range=list(PALETTE))
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    return alt.Scale(domain=list(domain), range=colors)


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
    color_domain: Sequence[str] | None = None,
    legend_title: str | None = None,
    zero_rule: bool = True,
    y_domain: tuple[float, float] | None = None,
    height: int = HEIGHT,
    tooltip_format: str = ".4g",
    configure: bool = True,
) -> alt.Chart:
    """One line per value of ``color``: ``y`` against ``x``.

    Parameters
    ----------
    df
        Tidy data with columns ``x``, ``y`` and ``color``.
    log_y
        Use a symmetric-log y axis: logarithmic for large magnitudes, linear near 0, so it
        works for gradients (negative) and losses (zero) alike.
    color_domain
        Series names in the order that fixes their colours (stable across charts).
    zero_rule
        Draw the line ``y = 0`` for orientation.
    y_domain
        Fix the y range (lines leaving it are clipped), e.g. to keep an unbounded curve from
        flattening all the others; ignored with ``log_y``.
    configure
        Apply :func:`style` (fonts, legend). Pass ``False`` to combine several charts with
        ``alt.hconcat``/``alt.vconcat`` first and call :func:`style` on the result.
    """
    if log_y:
        scale = alt.Scale(type="symlog")
    elif y_domain is not None:
        scale = alt.Scale(domain=list(y_domain))
    else:
        scale = alt.Scale(zero=False)
    base = alt.Chart(df)
    chart = base.mark_line(strokeWidth=3, clip=True).encode(
        x=alt.X(f"{x}:Q", title=x_title or x, axis=AXIS),
        y=alt.Y(f"{y}:Q", title=y_title or y, scale=scale, axis=AXIS),
        color=alt.Color(
            f"{color}:N",
            title=legend_title or color,
            scale=color_scale(color_domain),
            sort=list(color_domain) if color_domain else None,
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
    chart = chart.properties(title=title, height=height)
    return style(chart) if configure else chart


#: Composite charts: Vega-Lite cannot "fit" them to the container (they come out blank in a
#: browser, while AppTest sees a valid spec), so they keep the fixed sizes of their panels.
COMPOSITE = (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart, alt.FacetChart)


def style(chart: alt.TopLevelMixin, **legend: object) -> alt.TopLevelMixin:
    """Top-level settings: projector-sized fonts, and a plot area that keeps its height.

    A single or layered chart gets ``fit-x`` with ``contains="padding"``: as wide as its
    Streamlit container while ``height`` stays the height of the plot itself, so a tall legend
    below it does not squeeze the plot (Streamlit's default fits everything into ``height``).
    Concatenated and faceted charts keep their panels' fixed sizes (see ``COMPOSITE``).
    ``legend`` adds or overrides legend settings, e.g. ``orient="bottom", columns=4``.
    """
    autosize = (
        alt.AutoSizeParams(type="pad")
        if isinstance(chart, COMPOSITE)
        else alt.AutoSizeParams(type="fit-x", contains="padding")
    )
    return (
        chart.properties(autosize=autosize)
        .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_title(fontSize=TITLE_SIZE, anchor="start", offset=12)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, **legend)
    )


# --------------------------------------------------------------------------- the one pipeline

Spec = dict[str, Any]


def cached_spec(
    build: Callable[..., alt.TopLevelMixin] | None = None, *, max_entries: int = 64
) -> Any:
    """Cache a chart builder as its styled Vega-Lite spec: the one way pages get a chart.

    Building and validating an Altair chart costs 0.1-0.5 s per chart on a busy machine, more
    than the numbers behind it; cached, a warm rerun only sends the stored dict. The builder
    returns an unstyled chart; :func:`style` is applied here, once. Arguments must be hashable
    (frozen choices) as for ``st.cache_data``. Use as ``@cached_spec`` or
    ``@cached_spec(max_entries=8)``.
    """

    def wrap(fn: Callable[..., alt.TopLevelMixin]) -> Callable[..., Spec]:
        @st.cache_data(max_entries=max_entries, show_spinner=False)
        @functools.wraps(fn)
        def spec(*args: Any, **kwargs: Any) -> Spec:
            return to_spec(style(fn(*args, **kwargs)))

        return spec

    return wrap(build) if build is not None else wrap


def to_spec(chart: alt.TopLevelMixin) -> Spec:
    """The chart's Vega-Lite dict, with its data inline and no row limit.

    Altair's active data transformer is one setting for the whole process, and
    ``st.altair_chart`` switches it in one session's thread while another converts a chart
    here; so the switch and the conversion hold Streamlit's own lock for those settings
    (unguarded, a conversion could use the other's transformer or fail with "dictionary
    changed size during iteration", as it did with 30 sessions in ``benchmarks/load.py``).
    """
    # Data are bounded by the builders themselves; no row limit should cut a figure.
    with ALTAIR_LOCK, alt.data_transformers.enable("default", max_rows=None):
        return chart.to_dict()


def show(spec: Spec, *, container: Any = None, height: int | None = None) -> None:
    """Draw a spec from :func:`cached_spec` as wide as its container."""
    box = container if container is not None else st
    box.vega_lite_chart(spec, width="stretch", height=height)
