"""A what-if on Decision boundaries (a new seed) in a real browser: the page's view reruns alone.

The page's view is a fragment (:func:`ui.frame.show`): a change to one of its widgets makes the
browser ask for a rerun of that fragment only (``rerun_script.fragment_id`` in the websocket
message it sends), and the frame around it (header, presets, navigation) stays as drawn. What
a student sees must not change: the link names the new seed and keeps the rest, a link notice
from the page's opening goes at the next run as before, and while a lecture path is open the
whole page reruns (its bar follows the change).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from present.default_path import DEFAULT
from tests.e2e.conftest import TIMEOUT_MS, VIEWPORT, wait_for_run

pytestmark = pytest.mark.e2e

SEED = "Seed (initial weights, batch order)"


def _open(browser, url: str):
    """A fresh page at ``url`` once it has run, and the list its websocket's sent frames
    fill (listening from before the socket opens)."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    sent: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)))
    page.goto(url, timeout=TIMEOUT_MS)
    wait_for_run(page)
    page.wait_for_selector(".ll-player[data-ready='1']", timeout=TIMEOUT_MS)
    return page, sent


def _reruns(frames: list) -> list[str]:
    """The reruns among websocket frames the page sent: each one's fragment id ("" for the
    whole page)."""
    out = []
    for f in frames:
        msg = BackMsg()
        msg.ParseFromString(f if isinstance(f, bytes) else f.encode("latin-1"))
        if msg.WhichOneof("type") == "rerun_script":
            out.append(msg.rerun_script.fragment_id)
    return out


def _what_if(page, sent: list, seed: int) -> list[str]:
    """Type ``seed`` into the seed input; return the reruns it sent once the page has run."""
    n = len(sent)
    box = page.get_by_label(SEED)
    box.fill(str(seed))
    box.press("Enter")
    page.wait_for_function(
        "(s) => new URLSearchParams(location.search).get('seed') === s", arg=str(seed)
    )
    wait_for_run(page)
    return _reruns(sent[n:])


def _notices(page, text: str) -> int:
    """How many alerts on the page say ``text``."""
    return page.locator('[data-testid="stAlertContainer"]', has_text=text).count()


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.evaluate("location.href")).query)


def test_a_seed_what_if_reruns_the_view_alone(app_url, browser):
    page, sent = _open(browser, f"{app_url}/Decision_boundaries?width=16&bogus=1")
    assert _notices(page, "bogus") == 1, "the link notice names the unknown key"
    links = page.locator('[data-testid="stSidebar"] a').count()
    assert links > 0
    reruns = _what_if(page, sent, 5)
    assert reruns and all(reruns), f"the seed reran the whole page: {reruns}"
    q = _query(page)
    assert q.get("seed") == ["5"] and q.get("width") == ["16"] and "bogus" not in q, q
    assert _notices(page, "bogus") == 0, "the link notice stayed"
    assert page.get_by_text("trains live in your browser").count() == 1
    # the frame around the view is as the page opened it
    assert page.get_by_role("heading", name="Decision boundaries").count() == 1
    assert page.get_by_role("button", name="Lecture presets").count() == 1
    assert page.locator('[data-testid="stSidebar"] a').count() == links
    page.context.close()


def test_on_a_lecture_path_a_what_if_reruns_the_whole_page(app_url, browser):
    stop = next(i for i, s in enumerate(DEFAULT.stops) if s.page == "Decision_boundaries")
    url = f"{app_url}/{DEFAULT.stops[stop].link()}&lecture=default&stop={stop + 1}"
    page, sent = _open(browser, url)
    page.locator(".st-key-lecture_claim").wait_for(timeout=TIMEOUT_MS)
    reruns = _what_if(page, sent, 5)
    assert reruns == [""], f"a what-if on a path reran a fragment: {reruns}"
    page.locator(".st-key-lecture_off").wait_for(timeout=TIMEOUT_MS)  # "This view is yours now"
    assert page.locator(".st-key-lecture_claim").count() == 0
    q = _query(page)
    assert q.get("seed") == ["5"] and q.get("stop") == [str(stop + 1)], q
    page.context.close()
