"""Every page renders with its sliders at their extremes: no exception, no friendly error.

A slider's maximum is one drag away for every user (CE for regression's epochs at 5,000 once
crashed with Altair's ``MaxRowsError`` and a traceback). Which sliders a page has is read from
its default view, so a new control is covered without editing this file. Two kinds of run:

- every slider, select slider and number input at its maximum (then its minimum) at once;
- each slider and select slider alone at its maximum (all at once, the work budget may stop a
  page early and hide what one slider does on its own).

A run passes when the page raises nothing, shows no ``frame.UNEXPECTED`` message (the
``app`` fixture checks both) and keeps its title. A page may refuse a combination in words
(the work budget's message): that is an answer, not a failure.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import frame, screens

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]
#: The AppTest time limit of one run: a slider at its maximum must not start unbounded work.
TIMEOUT_S = 120


def extreme(widget, which: str):
    """The widget's value at ``which`` ("max" or "min"); None if it has no such bound."""
    kind = type(widget).__name__
    if kind == "SelectSlider":
        option = widget.options[-1 if which == "max" else 0]
        return (option, option) if isinstance(widget.value, tuple | list) else option
    bound = getattr(widget, which)
    if bound is None:
        return None
    if kind == "Slider" and isinstance(widget.value, tuple | list):
        return (bound, bound)
    return bound


def sliders(at: AppTest, numbers: bool) -> list:
    kinds = ["slider", "select_slider"] + (["number_input"] if numbers else [])
    return [w for kind in kinds for w in getattr(at, kind)]


def fresh(app, path: str) -> AppTest:
    return app(path, timeout=TIMEOUT_S)


def failures_of(at: AppTest, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Exceptions on the page and unexpected errors (with the logged exception behind them)."""
    logged = [
        f"{r.exc_info[0].__name__}: {r.exc_info[1]}"[:300]
        for r in caplog.records
        if r.name == "loss_lab" and r.exc_info
    ]
    out = [e.value[:300] for e in at.exception]
    if any(frame.UNEXPECTED in e.value for e in at.error):
        out += logged or ["unexpected error (nothing logged)"]
    return out


@pytest.mark.parametrize("which", ["max", "min"])
@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_every_slider_at_its_extreme_at_once(app, caplog, screen, which):
    # A page without sliders (home, Loss reference) is rerun as it is: it must still render.
    at = fresh(app, screen.path)
    for w in sliders(at, numbers=True):
        v = extreme(w, which)
        if v is not None:
            w.set_value(v)
    caplog.clear()
    at.run(timeout=TIMEOUT_S)
    assert not failures_of(at, caplog), failures_of(at, caplog)
    assert at.title and at.title[0].value == screen.label


@pytest.mark.slow
@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_each_slider_alone_at_its_maximum(app, caplog, screen):
    n = len(sliders(fresh(app, screen.path), numbers=False))
    failures = []
    for i in range(n):
        at = fresh(app, screen.path)
        w = sliders(at, numbers=False)[i]
        label = f"{w.label} = {extreme(w, 'max')}"
        w.set_value(extreme(w, "max"))
        caplog.clear()
        at.run(timeout=TIMEOUT_S)
        problems = failures_of(at, caplog)
        if problems:
            failures.append(f"{label}: {problems[0][:300]}")
    assert not failures, f"{screen.key}: " + "; ".join(failures)
