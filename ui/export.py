"""Chart export: SVG (and PNG) files rendered on the server from the chart's Vega-Lite spec.

Streamlit embeds Vega with ``actions: false``, so Vega's own "..." export menu never shows;
Streamlit's chart toolbar (shown on hover, also with ``client.toolbarMode = "minimal"``) has a
"Download as PNG" button but no SVG. :func:`svg_button` adds the SVG: a download button
whose file is rendered by ``vl-convert`` (Vega's own renderer, bundled in its wheel) only
when it is clicked, so drawing a page costs nothing.

Text in the spec (titles, legends, an uploaded file's class names) is written into the SVG
as escaped XML text by Vega, never as markup.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

import streamlit as st

#: Width given to charts that fill their container in the app (a file has no container).
EXPORT_WIDTH = 760


def _fixed(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with a fixed width where the app lets the container decide it."""
    out = copy.deepcopy(spec)
    if out.get("width") in (None, "container") and not any(
        k in out for k in ("facet", "hconcat", "vconcat", "concat", "repeat")
    ):
        out["width"] = EXPORT_WIDTH
    return out


@st.cache_data(max_entries=16, show_spinner=False)
def to_svg(spec: dict[str, Any]) -> str:
    """The chart as an SVG document (Vega's renderer, through ``vl-convert``)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(_fixed(spec))


@st.cache_data(max_entries=16, show_spinner=False)
def to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """The chart as a PNG image at ``scale`` times its size."""
    import vl_convert

    return vl_convert.vegalite_to_png(_fixed(spec), scale=scale)


def file_stem(spec: dict[str, Any], default: str = "chart") -> str:
    """A file name from the chart's title: lower case, letters, digits and dashes only."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    stem = re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:60]
    return stem or default


def svg_button(spec: dict[str, Any], *, name: str | None = None, container: Any = None) -> None:
    """A small "SVG" download button for ``spec``; the SVG is made when it is clicked."""
    box = container if container is not None else st
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    box.download_button(
        "SVG",
        data=lambda: to_svg(spec),
        file_name=f"{name or file_stem(spec)}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        type="tertiary",
        icon=":material/download:",
        help="Download this chart as a vector image (PNG: the chart's own toolbar, on hover)",
        key=f"svg_{digest[:16]}_{_count(digest)}",
    )


#: Session-state key of the buttons drawn per spec digest in the current script run.
_SEEN = "_export_seen"


def new_run() -> None:
    """Start counting buttons afresh: called once per script run (by ``ui.frame.page``)."""
    st.session_state[_SEEN] = {}


def _count(digest: str) -> int:
    """How many buttons for the same spec this run has drawn before (unique widget keys)."""
    seen = st.session_state.setdefault(_SEEN, {})
    seen[digest] = seen.get(digest, -1) + 1
    return seen[digest]
