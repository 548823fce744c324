"""A what-if on Decision boundaries (a new seed) in a real browser: the page's view reruns alone.

The page's view is a fragment (:func:`ui.frame.show`): a change to one of its widgets makes the
browser ask for a rerun of that fragment only (``rerun_script.fragment_id`` in the websocket
message it sends), and the frame around it (header, presets, navigation) stays as drawn; the
seed's widget belongs to a smaller fragment within it (:func:`ui.frame.part`: the figure and
what depends on the seed), so a seed reruns less than another control. What a student sees
must not change: the link names the new seed and keeps the rest, a link notice from the page's
opening goes at the next run as before, a link value refused in a fragment's rerun is named
as in a whole run, and while a lecture path is open the whole page reruns (its bar follows
the change).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg

from present.default_path import DEFAULT
from tests.e2e.conftest import TIMEOUT_MS, VIEWPORT, wait_for_run

pytestmark = pytest.mark.e2e

SEED = "Seed (initial weights, batch order)"
SIDEBAR = '[data-testid="stSidebar"]'


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


def _pick(page, sent: list, label: str, option: str) -> list[str]:
    """Choose ``option`` in the sidebar's selectbox ``label``; the reruns it sent once the page
    has run."""
    n = len(sent)
    box = page.locator(SIDEBAR).get_by_role("combobox", name=label)
    menu = page.locator('[data-testid="stSelectboxVirtualDropdown"]')
    for _ in range(10):  # a click while the page is still settling can leave the menu shut
        box.click()
        try:
            menu.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    menu.wait_for(timeout=TIMEOUT_MS)
    menu.get_by_role("option").filter(has_text=re.compile(f"^{re.escape(option)}$")).click()
    page.wait_for_function(
        "(o) => new URLSearchParams(location.search).get('dataset') === o", arg=option
    )
    wait_for_run(page)
    return _reruns(sent[n:])


def test_a_seed_reruns_less_than_the_view_and_every_control_stays(app_url, browser):
    """A seed reruns its part of the view (the figure and what depends on it), not the view's
    other controls; the controls stay as drawn, the seed in its place among them."""
    page, sent = _open(browser, f"{app_url}/Decision_boundaries")
    inputs = page.locator(f"{SIDEBAR} input")
    labels = [inputs.nth(i).get_attribute("aria-label") for i in range(inputs.count())]
    assert SEED in labels
    seed = _what_if(page, sent, 7)
    width = _what_if_box(page, sent, "Width", 16, "width")
    assert len(seed) == len(width) == 1 and seed[0] and width[0], (seed, width)
    assert seed != width, "the seed reran the whole view, not its part"
    assert [inputs.nth(i).get_attribute("aria-label") for i in range(inputs.count())] == labels
    q = _query(page)
    assert q.get("seed") == ["7"] and q.get("width") == ["16"], q
    page.context.close()


def _what_if_box(page, sent: list, label: str, value: int, key: str) -> list[str]:
    """Type ``value`` into the sidebar's number input ``label`` (link key ``key``); the reruns
    it sent once the page has run."""
    n = len(sent)
    box = page.locator(SIDEBAR).get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_function(
        "([k, v]) => new URLSearchParams(location.search).get(k) === v", arg=[key, str(value)]
    )
    wait_for_run(page)
    return _reruns(sent[n:])


def test_a_value_refused_while_the_view_reruns_alone_is_named(app_url, browser):
    """A link value first read by a widget the view draws in a rerun of its own (the noise of
    another dataset) and refused there is named in the link notice, as in a whole run."""
    page, sent = _open(browser, f"{app_url}/Decision_boundaries?moons_noise=5")
    assert _notices(page, "moons_noise") == 0  # no widget read it yet
    reruns = _pick(page, sent, "Dataset", "moons")
    assert reruns and all(reruns), f"the dataset reran the whole page: {reruns}"
    assert _notices(page, "moons_noise") == 1, "the refused noise is not named"
    assert "moons_noise" not in _query(page)
    _what_if(page, sent, 3)  # the next run clears it, as after a whole run
    assert _notices(page, "moons_noise") == 0
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
