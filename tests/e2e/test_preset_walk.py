"""The lecture walk in a real browser: every page, every preset in order, on a projector.

In presenter mode (``?present=1``) at 1280x720 (a common projector) each page is opened and
each "Lecture presets" entry is clicked in order, as a lecturer would; after the first open
and after every click the same view is measured again at 1920x1080 (the window resized, no
new run). At both sizes:

- no warning, error or exception element (a preset never raises the link notice);
- the key figure's top is on the first screen: ``0 <= top < height``. The key figure is the
  element marked with ``frame.key_figure()`` (``.st-key-key_figure``) or else the first
  chart; after a preset that names the figure it changes (``frame.FIGURE``), that figure;
- every legend of the key figure (Vega-Lite's, the players', a row's) ends on the first
  screen: every colour is named where the figure is seen;
- the takeaway that follows the figure starts on the first screen, its first line visible
  (``top <= height - TAKEAWAY_LINE``);
- no horizontal overflow: ``document.scrollingElement.scrollWidth <= innerWidth``, and no
  chart drawn wider than the main column (Streamlit clips those instead of scrolling);
- no tooltip of the presets menu left on the projected page (the focus returns to the menu's
  button after a click).

Each page's first open is also checked in normal mode at 1280x720 (figure on the first
screen, no overflow), and the home page, Decision boundaries and Training curves are walked
at 390x844 (a phone) in normal mode. Every problem is collected as ``page / preset: reason``
and the test fails with the whole list, so one run says everything that needs fixing.
Presenter-mode screenshots of each first open go to ``tests/e2e/screenshots/`` (with
``LOSS_LAB_SCREENSHOTS=1``, :data:`tests.e2e.conftest.SAVE_SCREENSHOTS`). The
slowest click (click -> its run finished and its figure drawn, :func:`run_settled`) is
printed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from tests.e2e.conftest import (
    DONE_STATES,
    SAVE_SCREENSHOTS,
    SCREENSHOTS,
    wait_for_quiet,
    wait_for_run,
)
from tests.e2e.conftest import DRAWN_JS as PAGE_DRAWN_JS
from tests.e2e.test_all_pages import url_path
from ui import screens

PROJECTOR = {"width": 1280, "height": 720}
WIDE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]
#: Pixels of a takeaway that must be on the first screen: its box's padding and first line.
TAKEAWAY_LINE = 48

#: Measured in the page after a run: alerts, the key figure's top, its legends' bottom, the
#: top of the takeaway that follows it, overflow.
STATE_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = document.body.dataset.llFigure;  /* set by the preset's scroll script */
  const key = (shown && document.querySelector('.st-key-' + shown))
    || document.querySelector('.st-key-key_figure')
    || [...main.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .find((c) => c.offsetHeight > 20);
  const deep = (root, sel) => [...root.querySelectorAll(sel),
    ...[...root.querySelectorAll('*')].filter((e) => e.shadowRoot)
      .flatMap((e) => deep(e.shadowRoot, sel))];
  const seen = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const legends = key ? deep(key, 'g.role-legend, .ll-legend, .ll-legend-row').filter(seen)
    .map((e) => e.getBoundingClientRect().bottom) : [];
  const figTop = key ? key.getBoundingClientRect().top : null;
  const said = [...document.querySelectorAll('[class*="st-key-takeaway_"]')].filter(seen)
    .map((e) => e.getBoundingClientRect().top).filter((t) => figTop === null || t >= figTop);
  const mainRight = main.getBoundingClientRect().right;
  const wide = [...main.querySelectorAll('[data-testid="stVegaLiteChart"] svg, '
      + '[data-testid="stVegaLiteChart"] canvas')]
    .map((e) => e.getBoundingClientRect().right - mainRight)
    .filter((d) => d > 1);
  const alerts = (sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText.trim());
  return {
    warnings: alerts('[data-testid="stAlertContentWarning"]'),
    errors: alerts('[data-testid="stAlertContentError"]'),
    exceptions: alerts('[data-testid="stException"]'),
    top: figTop,
    legendBottom: legends.length ? Math.max(...legends) : null,
    takeaway: said.length ? Math.min(...said) : null,
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    chartOverflow: wide.length ? Math.max(...wide) : 0,
    tooltips: alerts('[data-testid="stTooltipContent"]'),
  };
}"""


def problems(state: dict, height: int, *, point: bool = False) -> list[str]:
    """What is wrong on screen, in words (empty: all good). ``point``: presenter mode, where
    the figure's legends and its takeaway belong on the first screen too."""
    out = [f"warning: {w[:160]}" for w in state["warnings"]]
    out += [f"error: {e[:160]}" for e in state["errors"]]
    out += [f"exception: {e[:160]}" for e in state["exceptions"]]
    if state["top"] is None:
        out.append("no chart on the page")
    elif not 0 <= state["top"] < height:
        out.append(f"key figure's top at {state['top']:.0f} px (first screen: < {height})")
    if point and state["legendBottom"] is not None and state["legendBottom"] > height:
        out.append(f"a legend ends at {state['legendBottom']:.0f} px (first screen: {height})")
    if point and state["takeaway"] is None:
        out.append("no takeaway under the key figure")
    elif point and state["takeaway"] > height - TAKEAWAY_LINE:
        out.append(
            f"the takeaway starts at {state['takeaway']:.0f} px "
            f"(its first line on the first screen: <= {height - TAKEAWAY_LINE})"
        )
    if state["scrollWidth"] > state["innerWidth"]:
        out.append(f"page scrolls sideways ({state['scrollWidth']} > {state['innerWidth']} px)")
    if state["chartOverflow"] > 0:
        out.append(f"a chart is {state['chartOverflow']:.0f} px wider than the main column")
    out += [f"tooltip left on screen: {t[:80]}" for t in state["tooltips"] if "preset" in t]
    return out


#: The click's run has finished and drawn its figure: the app reports a settled script state
#: with no running icon or skeleton, and the page is drawn (:data:`conftest.DRAWN_JS`: every
#: Vega chart shown in the main column has its marks, every player has decoded its frames).
DRAWN_JS = f"""(done) => {{
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app && app.getAttribute('data-test-script-state');
  if (!app || (state !== null && !done.includes(state))) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], '
      + '[data-testid="stSkeleton"]')) return false;
  return ({PAGE_DRAWN_JS})();
}}"""


def run_settled(page, click) -> float:
    """Do ``click`` (a preset); seconds from the click until its run has finished and drawn
    the key figure (:data:`DRAWN_JS`, polled every 50 ms). Then, untimed, the waits that let
    the page settle before it is measured (network idle, the scroll to the key figure).

    The preset's run closes its menu when it has reached the browser: the menu disappearing
    is the sign that the click's run has started (on a busy machine it may start seconds
    late), so a settled state before it is never mistaken for the click's run.
    """
    start = time.monotonic()
    click()
    page.locator('[data-testid="stPopoverBody"]').last.wait_for(state="hidden", timeout=90_000)
    page.wait_for_function(DRAWN_JS, arg=list(DONE_STATES), timeout=90_000, polling=50)
    took = time.monotonic() - start
    wait_for_run(page)
    settle(page)
    return took


#: The figure a preset click scrolls to is laid out: the element the app's scroll script
#: (``frame._SCROLL_JS``) waits for before it scrolls, at least 20 px tall. That is the figure
#: the click names (``document.body.dataset.llFigure``), else the key figure, else the first
#: chart; a page whose key figure is a table or a player has no Vega chart on its first screen.
FIGURE_SHOWN_JS = """() => {
  const shown = document.body.dataset.llFigure;
  const el = (shown && document.querySelector('.st-key-' + shown))
    || document.querySelector('.st-key-key_figure')
    || document.querySelector('[data-testid="stMain"] [data-testid="stVegaLiteChart"]');
  return Boolean(el) && el.getBoundingClientRect().height > 20;
}"""


def settle(page) -> None:
    """After :func:`wait_for_run` (the charts drawn): wait until the figure a preset scrolls
    to is laid out (:data:`FIGURE_SHOWN_JS`) and the layout is quiet, the scroll done."""
    try:
        page.wait_for_function(FIGURE_SHOWN_JS, timeout=5_000, polling=50)
    except Exception:  # a page without a figure: reported by problems()
        pass
    wait_for_quiet(page)  # the key figure is scrolled into view once it is laid out


def preset_buttons(page):
    """Open the presets menu; its buttons."""
    body = page.locator('[data-testid="stPopoverBody"]').last
    for _ in range(3):  # a click while the page is redrawn may be lost
        page.get_by_role("button", name="Lecture presets").click()
        try:
            body.wait_for(state="visible", timeout=15_000)
            break
        except Exception:
            wait_for_run(page)
    body.wait_for(state="visible", timeout=15_000)
    return body.locator("button")


def measure(page, viewports: Sequence[dict], *, point: bool) -> list[tuple[str, list[str]]]:
    """The view's problems at each viewport (the window resized, the view re-laid out; no
    new run), back at the first one afterwards: ``[(size, problems)]``."""
    out = []
    for i, viewport in enumerate(viewports):
        if i:
            page.set_viewport_size(viewport)
            wait_for_quiet(page)
        state = page.evaluate(STATE_JS)
        size = f"{viewport['width']}x{viewport['height']}"
        out.append((size, problems(state, viewport["height"], point=point)))
    if len(viewports) > 1:
        page.set_viewport_size(viewports[0])
        wait_for_quiet(page)
    return out


def walk(
    browser,
    app_url: str,
    screen,
    viewport: dict,
    *,
    present: bool = False,
    also: Sequence[dict] = (),
    screenshot: str | None = None,
) -> tuple[list[str], list[tuple]]:
    """Open ``screen`` (in presenter mode if ``present``) and click every preset; each view
    is measured at ``viewport`` and at every size of ``also``. ``screenshot``: a name for
    the first screen of the first open, at each size. ``(problems, [(preset, seconds)])``."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    found, timings = [], []
    sizes = [viewport, *also]

    def check(what: str) -> None:
        for size, wrong in measure(page, sizes, point=present):
            found.extend(f"{screen.key} / {what} ({size}): {p}" for p in wrong)

    try:
        query = "?present=1" if present else ""
        page.goto(f"{app_url}/{url_path(screen.path)}{query}", timeout=90_000)
        wait_for_run(page)
        settle(page)
        if screenshot and SAVE_SCREENSHOTS:
            for size in sizes:
                page.set_viewport_size(size)
                wait_for_quiet(page)
                name = f"{screenshot}_{size['width']}x{size['height']}"
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            page.set_viewport_size(viewport)
            wait_for_quiet(page)
        check("first open")
        if page.get_by_role("button", name="Lecture presets").count() == 0:
            return found, timings
        n = preset_buttons(page).count()
        page.keyboard.press("Escape")
        for i in range(n):
            button = preset_buttons(page).nth(i)
            label = button.inner_text().strip()
            took = run_settled(page, button.click)
            timings.append((f"{screen.key} / {label}", took))
            check(label)
    finally:
        context.close()
    return found, timings


def first_open(browser, app_url: str, screen, viewport: dict) -> list[str]:
    """Open ``screen`` in normal mode: its problems on the first screen."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{url_path(screen.path)}", timeout=90_000)
        wait_for_run(page)
        settle(page)
        state = page.evaluate(STATE_JS)
    finally:
        context.close()
    return [f"{screen.key} / normal mode: {p}" for p in problems(state, viewport["height"])]


#: The views (the lecture path's editor is a page to write a path, with no figure of its own).
VIEWS = [s for s in SCREENS if s.key != "lecture_path"]


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(900)
@pytest.mark.parametrize("screen", VIEWS, ids=[s.key for s in VIEWS])
def test_preset_walk_on_a_projector(browser, app_url, screen):
    found, timings = walk(
        browser,
        app_url,
        screen,
        PROJECTOR,
        present=True,
        also=[WIDE],
        screenshot=f"presenter_{screen.key}",
    )
    found += first_open(browser, app_url, screen, PROJECTOR)
    if timings:
        slowest = max(timings, key=lambda t: t[1])
        print(f"slowest click: {slowest[0]} {slowest[1]:.1f} s over {len(timings)} clicks")
    assert not found, "\n".join(found)


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(900)
@pytest.mark.parametrize("key", ["home", "decision_boundaries", "training_curves"])
def test_preset_walk_on_a_phone(browser, app_url, key):
    found, _ = walk(browser, app_url, screens.SCREENS[key], PHONE)
    assert not found, "\n".join(found)
