"""Every page survives a hostile link: every URL-bound widget set to an absurd value at once.

A link is user input. Whatever it holds (negative or huge numbers, NaN, markup, empty values),
the page must not raise, must not start unbounded work (the AppTest time limit bounds the run),
must still draw its title and, for values no widget accepts, must name what it refused. Which
widgets a page has is read from its default view, so a new control is covered without editing
this file.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import screens

#: AppTest accessors of the widgets a link can set.
WIDGETS = (
    "slider",
    "select_slider",
    "number_input",
    "selectbox",
    "multiselect",
    "radio",
    "toggle",
    "checkbox",
    "text_input",
    "text_area",
    "button_group",
    "tabs",
    "expander",
)

HOSTILE = {
    "huge": "1e9",
    "negative": "-1e9",
    "nan": "nan",
    "markup": "<script>alert(1)</script>",
    "empty": "",
}

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]


def bound_keys(at: AppTest) -> list[str]:
    """User-given keys of the widgets on the page (Streamlit's own ids start with ``$$``)."""
    keys = {w.key for kind in WIDGETS for w in getattr(at, kind) if w.key}
    return sorted(k for k in keys if not k.startswith("$$"))


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_every_widget_at_a_hostile_value(app, screen, value):
    keys = bound_keys(app(screen.path))
    assert keys, f"{screen.key} has no URL-bound widgets"
    at = app(screen.path, {k: value for k in keys}, timeout=90)
    assert at.title and at.title[0].value == screen.label
    if value in (HOSTILE["huge"], HOSTILE["negative"], HOSTILE["markup"]):
        # no widget here takes all of these, so the page names what it refused
        notices = [w.value for w in at.warning if "is not allowed here" in w.value]
        assert notices, f"{screen.key}: no notice for {value!r}"
