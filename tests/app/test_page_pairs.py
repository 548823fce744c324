"""No setting leaks from one page to the next: every ordered pair of pages, walked.

A session moves from page to page as a lecturer does: on each page it changes the controls
(a lecture preset, or the home page's dataset) and toggles presenter mode, then follows a
sidebar link, which carries ``present=1`` and nothing else. The next page must open with its
own declared defaults (``views.<view>.DEFAULTS``) and a link holding presenter mode alone.

The walk is an Eulerian circuit of the complete directed graph on the pages: each ordered
pair (A, B) is one step, walked once. It is cut into one test per page (its steps start
there), each from a fresh session, so the walk is spread over the test workers.
"""

from __future__ import annotations

import importlib
from itertools import count, pairwise

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT
from tests.app.test_presets import same, widgets
from ui import frame, lecture, screens

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]
KEYS = [s.key for s in SCREENS]


def circuit(nodes: list[str]) -> list[str]:
    """An Eulerian circuit of the complete digraph on ``nodes`` (Hierholzer), from the first:
    consecutive entries are every ordered pair of distinct nodes exactly once."""
    unused = {a: [b for b in reversed(nodes) if b != a] for a in nodes}
    stack, out = [nodes[0]], []
    while stack:
        node = stack[-1]
        if unused[node]:
            stack.append(unused[node].pop())
        else:
            out.append(stack.pop())
    return out[::-1]


WALK = circuit(KEYS)
STEPS = len(KEYS) - 1
#: One segment per page: ``STEPS`` consecutive pairs of the circuit.
SEGMENTS = [WALK[i * STEPS : (i + 1) * STEPS + 1] for i in range(len(KEYS))]


def test_the_walk_covers_every_ordered_pair_once():
    pairs = [(a, b) for seg in SEGMENTS for a, b in pairwise(seg)]
    assert len(pairs) == len(set(pairs)) == len(KEYS) * (len(KEYS) - 1)


def change_controls(at: AppTest, screen: screens.Screen, visit: int, present: bool) -> None:
    """Change the page's controls (its next preset in turn; home: another dataset) and set
    presenter mode to ``present``, in one run, as a click and a toggle would."""
    presets = list(getattr(importlib.import_module(f"views.{screen.view}"), "PRESETS", {}))
    if presets:
        at.button(key=f"preset_{visit % len(presets)}").click()
    elif screen.key == "lecture_path":  # the path editor: start from the default lecture
        at.selectbox(key="start").set_value("default")
    else:
        control = at.segmented_control(key="dataset")
        control.set_value(control.options[1 + visit % (len(control.options) - 1)])
    at.toggle(key="_frame_present").set_value(present)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert dict(at.query_params).get("present") == ("1" if present else None)


def arrive(at: AppTest, screen: screens.Screen, present: bool) -> list[str]:
    """Follow a sidebar link to ``screen``; what it shows that is not its own default view."""
    at.query_params = {"present": "1"} if present else {}
    at.switch_page(screen.path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == screen.label
    declared = importlib.import_module(f"views.{screen.view}").DEFAULTS
    shown = widgets(at)
    found = [
        f"{k} = {v!r} (its default: {declared[k]!r})"
        for k, v in shown.items()
        if declared.get(k) is not None and not same(v, declared[k])
    ]
    link = dict(at.query_params)
    if link != ({"present": "1"} if present else {}):
        found.append(f"the link is {link}")
    found += [w.value for w in at.warning if "The link asked for" in w.value]
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    "segment", SEGMENTS, ids=[f"part{i}-from-{seg[0]}" for i, seg in enumerate(SEGMENTS)]
)
def test_pages_open_with_their_own_defaults(monkeypatch, segment):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception
    visits = count()
    present = False
    problems = []
    for i, key in enumerate(segment):
        screen = screens.SCREENS[key]
        if i == 0:
            if key != "home":
                problems += [f"→ {key}: {p}" for p in arrive(at, screen, present)]
        else:
            problems += [f"{segment[i - 1]} → {key}: {p}" for p in arrive(at, screen, present)]
        if i < len(segment) - 1:
            present = not present
            change_controls(at, screen, next(visits), present)
    assert not problems, "\n".join(problems)


def test_a_shared_upload_stays_but_its_choice_does_not(monkeypatch):
    """The uploaded CSV is kept for the session on purpose; the data switch is the page's."""
    from ui import upload

    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    at.switch_page("pages/5_Decision_boundaries.py").run()
    at.session_state[upload.STORE] = {"name": "mine.csv", "data": b"x,y\n1,0\n2,1\n"}
    at.session_state["source"] = upload.OWN
    at.switch_page("pages/6_Training_curves.py").run()
    assert at.session_state[upload.STORE]["name"] == "mine.csv"
    assert at.segmented_control(key="source").value == upload.BUILT_IN
    # only the upload and the lecturer's own keys (the room's address, a path being written)
    assert frame.SHARED == (upload.STORE, *lecture.KEEP)
