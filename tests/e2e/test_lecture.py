"""The lecture path in a real browser: walked with the keyboard on a projector, opened cold
from a lecturer's own link, and its QR code read back from a screenshot.

At 1280x720 in presenter mode the default path is walked with Page Down (one step back with
←, then on with →), as a presentation clicker sends them; once, an arrow key on a focused
slider moves the slider (the view becomes the lecturer's own) and Page Down still goes on.
At each stop: the URL is the stop's (its page, ``lecture=default&stop=n&present=1``, and no
parameter with another value than the stop's: values at their defaults may be left out by
Streamlit), the claim and the top of the figure are on the first screen, and there is no
warning, error or exception. Every problem is collected and the test fails with the whole
list; the seconds from the key to the stop's figure drawn are printed (a busy machine's;
benchmarks/pages.py measures them).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from present import paths
from present.default_path import DEFAULT
from tests.e2e.conftest import DONE_STATES, TIMEOUT_MS, wait_for_run
from tests.e2e.test_preset_walk import DRAWN_JS
from ui import lecture

PROJECTOR = {"width": 1280, "height": 720}

#: Where the stop's claim and figure are, and what would be wrong on screen.
STOP_JS = """() => {
  const deep = (root, sel) => [...root.querySelectorAll(sel),
    ...[...root.querySelectorAll('*')].filter((e) => e.shadowRoot)
      .flatMap((e) => deep(e.shadowRoot, sel))];
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = (e) => e.getBoundingClientRect().height > 20 && e.checkVisibility();
  const figures = [...main.querySelectorAll('[data-testid="stVegaLiteChart"]'),
                   ...deep(main, '.ll-player')].filter(shown)
    .map((e) => e.getBoundingClientRect().top);
  const claim = document.querySelector('.st-key-lecture_claim');
  const alerts = (sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText.trim());
  return {
    url: location.href,
    path: document.body.dataset.llPath || null,
    claim: claim ? claim.innerText.trim() : null,
    claimBottom: claim ? claim.getBoundingClientRect().bottom : null,
    figureTop: figures.length ? Math.min(...figures) : null,
    warnings: alerts('[data-testid="stAlertContentWarning"]'),
    errors: alerts('[data-testid="stAlertContentError"]'),
    exceptions: alerts('[data-testid="stException"]'),
  };
}"""


def problems(state: dict, i: int, base: str) -> list[str]:
    """What is wrong at stop ``i`` (0-based), in words."""
    s = DEFAULT.stops[i]
    out = [
        f"{kind}: {t[:120]}" for kind in ("warnings", "errors", "exceptions") for t in state[kind]
    ]
    url = urlsplit(state["url"])
    if url.path.rstrip("/") != urlsplit(base).path.rstrip("/") + ("/" + s.page if s.page else ""):
        out.append(f"page {url.path!r}, the stop names {s.page!r}")
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    want = {paths.PATH: "default", paths.STOP: str(i + 1), "present": "1"}
    out += [f"{k}={query.get(k)!r}, not {v!r}" for k, v in want.items() if query.get(k) != v]
    named, here = s.params(), {}
    for k, v in parse_qsl(url.query, keep_blank_values=True):
        here.setdefault(k, []).append(v)
    for k, values in here.items():
        if k not in paths.NOT_VIEW and not lecture.texts_match(named.get(k, []), values):
            out.append(f"the URL has {k}={values}, the stop {named.get(k)}")
    if state["path"] is None:
        out.append("document.body.dataset.llPath is not set")
    if state["claim"] != s.claim:
        out.append(f"claim shown: {state['claim']!r}")
    elif state["claimBottom"] > PROJECTOR["height"]:
        out.append(f"claim ends at {state['claimBottom']:.0f} px")
    if state["figureTop"] is None:
        out.append("no figure drawn")
    elif not 0 <= state["figureTop"] < PROJECTOR["height"] - 120:
        out.append(f"figure's top at {state['figureTop']:.0f} px")
    return [f"stop {i + 1} ({s.title}): {p}" for p in out]


def arrive(page, i: int) -> None:
    """Wait until stop ``i`` (0-based) is shown, drawn and its claim checked (a claim is shown
    at the end of the stop's run, once its view is confirmed); the checks follow."""
    page.wait_for_function(
        "(n) => new URL(location.href).searchParams.get('stop') === n",
        arg=str(i + 1),
        timeout=TIMEOUT_MS,
        polling=50,
    )
    page.wait_for_function(DRAWN_JS, arg=list(DONE_STATES), timeout=TIMEOUT_MS, polling=50)
    try:
        page.wait_for_function(
            """(claim) => {
              const box = document.querySelector('.st-key-lecture_claim');
              return box && box.innerText.trim() === claim;
            }""",
            arg=DEFAULT.stops[i].claim,
            timeout=30_000,
            polling=50,
        )
    except Exception:  # reported by problems() with what is shown instead
        pass


@pytest.fixture
def projector(app_url, browser):
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
    yield context.new_page()
    context.close()


@pytest.mark.slow
def test_the_default_path_walked_with_the_keyboard(app_url, projector):
    page = projector
    page.goto(f"{app_url}/?lecture=default&stop=1&present=1", timeout=TIMEOUT_MS)
    wait_for_run(page)
    arrive(page, 0)
    found, took = problems(page.evaluate(STOP_JS), 0, app_url), []
    for i in range(1, len(DEFAULT)):
        start = time.monotonic()
        page.keyboard.press("PageDown")
        arrive(page, i)
        took.append(time.monotonic() - start)
        wait_for_run(page)  # and the charts have settled after the run
        found += problems(page.evaluate(STOP_JS), i, app_url)
        if i == 2:  # one step back and on again, with the arrow keys
            page.keyboard.press("ArrowLeft")
            arrive(page, 1)
            page.keyboard.press("ArrowRight")
            arrive(page, 2)
        if i == 3:  # a focused slider keeps the arrow keys: the view becomes the lecturer's
            # the first slider shown: the page's playhead sliders (t, t1) are the players'
            # fallback, hidden while the players run, and a hidden slider takes no focus
            page.locator('[data-testid="stSlider"] input[type="range"]').filter(
                visible=True
            ).first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_selector(".st-key-lecture_off", timeout=TIMEOUT_MS)
            if "stop=4" not in page.url:
                found.append(f"an arrow key on a slider moved the path: {page.url}")
    print("seconds from the key to the stop drawn (busy machine):", [f"{t:.1f}" for t in took])
    # the last stop: the next key does nothing (the path ends there)
    page.keyboard.press("PageDown")
    page.wait_for_timeout(1500)
    assert f"stop={len(DEFAULT)}" in page.url
    assert not found, "\n".join(found)


def test_a_lecturers_path_link_opened_cold(app_url, projector):
    own = paths.Path(
        (
            paths.Stop(
                "CE_for_regression", (("G", "1, 2"), ("z", "2, 3")), "Shift <b>me</b>", "*One*."
            ),
            paths.Stop("Loss_curves", (("task", "regression"),), "Two", "Second claim."),
        )
    )
    link = (
        f"{app_url}/CE_for_regression?G=1%2C+2&z=2%2C+3&lecture={paths.encode(own)}&stop=1"
        "&present=1"
    )
    page = projector
    page.goto(link, timeout=TIMEOUT_MS)
    wait_for_run(page)
    bar = page.locator(".st-key-lecture_row").inner_text()
    assert "1 / 2" in bar and "Shift <b>me</b>" in bar  # untrusted text stays text
    assert page.locator(".st-key-lecture_claim").inner_text().strip() == "*One*."
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => location.pathname.endsWith('/Loss_curves')", timeout=TIMEOUT_MS, polling=50
    )
    wait_for_run(page)
    assert "task=regression" in page.url and "stop=2" in page.url
    assert page.locator(".st-key-lecture_claim").inner_text().strip() == "Second claim."
    # leaving the path by a widget change keeps the view and offers the way back
    page.locator('[data-testid="stRadio"] label').filter(has_text="classification").first.click()
    wait_for_run(page)
    page.locator(".st-key-lecture_back button").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".st-key-lecture_claim").count() == 0
    assert "Back to stop 2" in page.locator(".st-key-lecture_back button").inner_text()
    assert "Loss_curves" in page.url


def test_the_qr_code_of_a_stop_is_its_link(app_url, projector, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg (Debian's zbar-tools) is needed to read the QR code back")
    i = 3  # the plateau
    s = DEFAULT.stops[i]
    page = projector
    page.goto(f"{app_url}/{s.page}?lecture=default&stop={i + 1}&present=1", timeout=TIMEOUT_MS)
    wait_for_run(page)
    page.locator(".st-key-lecture_qr button").click()
    image = page.locator('[data-testid="stDialog"] img')
    image.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    shot = tmp_path / "qr.png"
    page.screenshot(path=str(shot))  # the whole projected screen, as a phone would see it
    read = subprocess.run([zbarimg, "-q", "--raw", str(shot)], capture_output=True, text=True)
    assert read.stdout.strip() == f"{app_url}/{s.link()}"
    box = image.bounding_box()
    assert box["height"] >= 400  # large enough for the back row
