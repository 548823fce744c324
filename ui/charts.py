"""The one chart pipeline: cache a builder's spec, draw it; readable on a projector and a phone.

The builders and everything a spec is made of (style, sizes, presenter layout, marks) are
:mod:`present.charts`; this is their Streamlit side. For every chart of every page::

    @charts.cached_spec                       # styled once, cached as a Vega-Lite dict
    def my_chart(choice: FrozenChoice) -> alt.Chart:
        return alt.Chart(...)                 # unstyled, data bounded by the builder

    charts.show(my_chart(choice))             # as wide as its container

Presenter mode (``?present=1``, :func:`presenting`) is part of the cache key:
:func:`cached_spec` styles the spec in that mode's sizes and enlarges every font the builder
set (see :func:`present.charts.presenter_spec`).

Responsive layout: a single or layered chart fills its container's width (``fit-x``).
Composite charts (facets, concatenations) cannot, and a fixed-size row of panels overflows a
phone and stays small on a large screen. For small multiples draw one chart per panel with
:func:`panels`: they sit side by side in ``st.columns`` (each panel as wide as its column,
so they grow at 1920 px) and stack one per row on a narrow screen (Streamlit stacks columns
below 640 px), so nothing is clipped at 390 px.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import streamlit as st

from present import state
from present.charts import (
    TITLE_CHARS,
    Spec,
    annotate,
    presenter_layout,
    presenter_spec,
    style,
    to_spec,
    widen,
    wrap_titles,
)
from ui import lecture


def presenting() -> bool:
    """Whether the current page is in presenter mode (``?present=1``); False outside a run."""
    try:
        return state.presenting(st.query_params.get_all(state.PRESENT))
    except Exception:  # no script run (a builder called from a plain test)
        return False


def legend_row(entries: Sequence[tuple[str, ...]], *, container: Any = None) -> None:
    """One legend for a row of panels drawn without their own: each entry ``(label, colour)``
    a dot in the colour and its label, ``(label, colour, "x")`` a cross. Labels may come from
    a user's file: they are escaped, never markup."""
    box = container if container is not None else st

    def mark(color: str, shape: str) -> str:
        if shape == "x":
            return f'<span style="color:{color};font-weight:700">&#x2715;</span>'
        return (
            f'<span style="width:0.9em;height:0.9em;border-radius:50%;background:{color}"></span>'
        )

    items = "".join(
        '<span style="display:inline-flex;align-items:center;gap:0.35rem">'
        f"{mark(color, shape[0] if shape else 'dot')}{html.escape(str(label))}</span>"
        for label, color, *shape in entries
        if _COLOR.fullmatch(color)
    )
    box.html(f'<div class="ll-legend-row" style="{_ROW_STYLE}">{items}</div>')


_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}")
_ROW_STYLE = "display:flex;flex-wrap:wrap;gap:0.3rem 1.2rem;font-size:1.25rem"


# --------------------------------------------------------------------------- the one pipeline


def cached_spec(
    build: Callable[..., alt.TopLevelMixin] | None = None, *, max_entries: int = 64
) -> Any:
    """Cache a chart builder as its styled Vega-Lite spec: the one way pages get a chart.

    Building and validating an Altair chart often costs more than the numbers behind it;
    cached, a warm rerun only sends the stored dict. The builder
    returns an unstyled chart; :func:`present.charts.style` is applied here, once, in the
    sizes of the current mode (presenter mode is part of the cache key, see
    :func:`present.charts.presenter_spec`).
    Arguments must be hashable (frozen choices) as for ``st.cache_data``. Use as
    ``@cached_spec`` or ``@cached_spec(max_entries=8)``.

    Row limits: Altair's ``MaxRowsError`` is switched off (:mod:`present.charts`) because the
    data are bounded by the builders (a builder that draws one row per epoch must thin its
    rows); a figure is never cut by a row limit at a slider's maximum
    (``tests/app/test_slider_maxima.py``).
    """

    def wrap(fn: Callable[..., alt.TopLevelMixin]) -> Callable[..., Spec]:
        # The mode is a keyword the builder never sees; its name has no leading underscore
        # because st.cache_data does not hash those.
        @functools.wraps(fn)
        def spec(*args: Any, charts_presenter_mode: bool = False, **kwargs: Any) -> Spec:
            out = to_spec(style(fn(*args, **kwargs), present=charts_presenter_mode))
            out = wrap_titles(out, TITLE_CHARS - 8 * charts_presenter_mode)
            return presenter_layout(presenter_spec(out)) if charts_presenter_mode else out

        cached = st.cache_data(max_entries=max_entries, show_spinner=False)(spec)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Spec:
            return cached(*args, charts_presenter_mode=presenting(), **kwargs)

        call.clear = cached.clear  # type: ignore[attr-defined]
        return call

    return wrap(build) if build is not None else wrap


def show(
    spec: Spec,
    *,
    container: Any = None,
    height: int | str | None = "content",
    wide: bool = False,
) -> None:
    """Draw a spec from :func:`cached_spec` as wide as its container.

    Composite specs (facets, concatenations) keep their panels' sizes and are drawn at their
    own width (stretching them leaves them blank in a browser); prefer :func:`panels`.
    ``height`` is Streamlit's: ``"content"`` (the spec's own height) or pixels. ``wide``: the
    chart has a row of the page to itself, so in presenter mode its legends may be wider and
    shorter (:func:`widen`). On a lecture stop's own view the stop's marks for this chart are
    drawn on it (:func:`annotate`).
    """
    if wide and presenting():
        spec = widen(spec)
    box = container if container is not None else st
    spec = annotate(spec, lecture.chart_marks(), presenting())
    composite = any(k in spec for k in ("facet", "hconcat", "vconcat", "concat"))
    # Streamlit 1.67 refuses height=None: None means the spec's own height, as "content" does.
    box.vega_lite_chart(
        spec, width="content" if composite else "stretch", height=height or "content"
    )
    from ui import export  # vl-convert is imported only when a download is clicked

    export.svg_button(spec, container=box)


def panels(
    specs: Sequence[Spec],
    *,
    columns: int = 4,
    container: Any = None,
    height: int | str = "content",
) -> None:
    """Responsive small multiples: one single (non-composite) spec per panel, in a grid.

    Up to ``columns`` panels share a row of ``st.columns`` (each panel fills its column:
    about 220 px per panel at 1280 px with the sidebar open, 400 px at 1920 px); more panels
    wrap onto further rows; on a screen narrower than 640 px Streamlit stacks the columns, so
    each panel takes the full width of a phone. Put a legend shared by all panels on one
    panel (e.g. the last) or under the grid, and give each panel its own title.

    Parameters
    ----------
    specs
        Specs from :func:`cached_spec` whose builders return single or layered charts with a
        height and no width (they fit their column).
    columns
        Panels per row on a wide screen (fewer panels: as many columns as panels).
    """
    box = container if container is not None else st
    per_row = max(1, min(columns, len(specs)))
    for start in range(0, len(specs), per_row):
        row = box.columns(per_row, gap="small")
        for col, spec in zip(row, specs[start : start + per_row], strict=False):
            show(spec, container=col, height=height)
