"""Browser-test fixtures: a real ``streamlit run`` server and headless Chromium (Debian's).

``app_url``
    Session-scoped: starts ``streamlit run streamlit_app.py`` from the repository root on a
    free port (``deploy/serve.py``) without warm-up or worker processes, waits for
    ``/_stcore/health`` and returns the base URL; stops it at the end.
``open_page(path, query=None, screenshot=None)``
    A fresh browser page at ``{app_url}/{path}?{query}``; waits until the script run has
    finished, asserts there is no ``[data-testid="stException"]``; with ``screenshot``,
    asserts that every chart on the page is drawn (not blank: Vega-Lite draws some specs as an
    empty box while AppTest sees a valid spec) and, with ``LOSS_LAB_SCREENSHOTS=1``, saves a
    full-page screenshot to ``tests/e2e/screenshots/<screenshot>.png``; returns the Page.
``run_async(coro)``
    ``asyncio.run`` in a thread of its own, for the tests that speak the websocket protocol.

Chromium is found with ``shutil.which("chromium")``. Without it the tests fail under
``CI=true`` and are skipped (with the reason) elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from deploy import serve

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
#: The saved pictures are for people to look at (``LOSS_LAB_SCREENSHOTS=1``); no test reads
#: them back, and a full-page picture costs the browser a re-layout at up to 12,000 px, so a
#: plain run (CI) draws and checks every page without saving them.
SAVE_SCREENSHOTS = os.environ.get("LOSS_LAB_SCREENSHOTS") == "1"
#: The features Playwright (1.65, requirements-dev.txt) disables in the Chromium it launches
#: (but its two for Edge).
#: Chromium keeps only the last ``--disable-features`` on its command line, and Playwright's
#: comes before the caller's, so a caller's list repeats them (:func:`disable_features`).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
)
#: The address bar's suggestion popups: pages of their own (``chrome://omnibox-popup...``) that
#: Chromium's headless mode loads, in a renderer process of their own, with every new window,
#: i.e. with every browser context a test opens; no test has an address bar to type in.
NO_OMNIBOX_POPUP = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")


def disable_features(*names: str) -> str:
    """The ``--disable-features`` switch for the tests' Chromium: Playwright's features, the
    address bar's popups and ``names``."""
    return "--disable-features=" + ",".join(
        [*PLAYWRIGHT_DISABLED_FEATURES, *NO_OMNIBOX_POPUP, *names]
    )


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    disable_features(),
]
VIEWPORT = {"width": 1400, "height": 900}
#: The script has finished when the app's root reports a settled state.
DONE_STATES = ("notRunning",)
TIMEOUT_MS = 90_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """``os.environ`` with ``values`` set inside the block, as it was after it."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a ``streamlit run streamlit_app.py`` server started for this session."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    # No background warm-up: it would render every page, preset and lecture stop on a 2-core
    # machine while the tests run (one server per test process); the views the tests open are
    # computed when opened. The warm-up has its own tests (test_load_smoke, tests/serve).
    saved = os.environ.get("LOSSLAB_WARMUP")
    os.environ["LOSSLAB_WARMUP"] = "0"
    try:
        # No worker processes either: the tests' three servers already share two cores, and a
        # worker computes the same numbers to the last bit (serve/workers.py; the workers have
        # their own tests: tests/ui/test_workers.py, test_load_smoke's server). Set for this
        # server's start only, so a server a test starts itself runs as deployed.
        # If it does not start, the error ends with the server log.
        with contextlib.ExitStack() as stack:
            with _environ(LOSSLAB_WORKERS="0"):
                server = stack.enter_context(
                    serve.streamlit_run(server_args=serve.HEADLESS, log=log, timeout=90.0)
                )
            yield server.url
    finally:
        if saved is None:
            os.environ.pop("LOSSLAB_WARMUP", None)
        else:
            os.environ["LOSSLAB_WARMUP"] = saved


@pytest.fixture(scope="session")
def playwright():
    """Playwright's sync API, started once per process: a second ``sync_playwright()`` in the
    same process fails ("Sync API inside the asyncio loop"), so every browser comes from it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright, chromium_path: str):
    """One headless Chromium for the whole session."""
    b = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield b
    b.close()


def wait_for_run(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Block until the app has connected and its script run has finished."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        """(done) => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) return false;
            const state = app.getAttribute('data-test-script-state');
            if (state !== null && !done.includes(state)) return false;
            return !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        arg=list(DONE_STATES),
        timeout=timeout_ms,
        polling=200,
    )
    # Vega charts draw asynchronously after the run; let them settle before a screenshot.
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception:  # a long-poll connection may keep the network busy; charts are drawn anyway
        pass
    try:
        page.wait_for_function(DRAWN_JS, timeout=DRAW_MS, polling=50)
    except Exception:  # a chart that never draws is reported by the test's own checks
        pass
    wait_for_quiet(page)


#: Every chart shown in the main column has drawn its marks (``svg``/``canvas`` with a
#: height; charts in a closed tab are not shown) and every player (in its component's shadow
#: root) has decoded its frames (``data-ready='1'``).
DRAWN_JS = """() => {
  const deep = (root, sel) => [...root.querySelectorAll(sel),
    ...[...root.querySelectorAll('*')].filter((e) => e.shadowRoot)
      .flatMap((e) => deep(e.shadowRoot, sel))];
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const drawn = (c) => [...c.querySelectorAll('svg.marks, canvas.marks')]
    .some((m) => m.getBoundingClientRect().height > 0);
  return [...main.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .filter((c) => c.checkVisibility()).every(drawn)
    && deep(main, '.ll-player').every((p) => p.dataset.ready === '1');
}"""
#: How long :func:`wait_for_run` waits for the charts to draw before it goes on, ms.
DRAW_MS = 10_000
#: The layout is settled when nothing on the page has moved for this long, ms: longer than
#: the preset's scroll script polls (100 ms) and than Vega takes to re-lay out after a resize.
QUIET_MS = 300
#: Where everything that can move is: every element's box in the main column, the charts'
#: drawn marks, the players (in shadow roots), the scroll positions and the window's size.
#: Polled until it stops changing.
LAYOUT_JS = """([quiet, limit]) => new Promise((resolve) => {
  const deep = (root, sel) => [...root.querySelectorAll(sel),
    ...[...root.querySelectorAll('*')].filter((e) => e.shadowRoot)
      .flatMap((e) => deep(e.shadowRoot, sel))];
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height].map(Math.round).join(',');
  };
  const layout = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return 'no main';
    const scroller = document.scrollingElement;
    return [window.innerWidth, window.innerHeight, main.scrollTop, main.scrollHeight,
      scroller ? scroller.scrollTop : 0, document.body.dataset.llFigure || '',
      ...[...main.querySelectorAll('[data-testid="stElementContainer"], '
        + '[data-testid="stVegaLiteChart"] .marks')].map(box),
      ...deep(main, '.ll-player').map(box)].join(';');
  };
  const t0 = performance.now();
  let last = layout(), since = t0;
  const tick = () => {
    const now = performance.now(), here = layout();
    if (here !== last) { last = here; since = now; }
    if (now - since >= quiet || now - t0 >= limit) return resolve(now - since >= quiet);
    setTimeout(tick, 50);
  };
  setTimeout(tick, 50);
})"""


def wait_for_quiet(page, quiet_ms: int = QUIET_MS, limit_ms: int = 5_000) -> None:
    """Block until the page's layout (:data:`LAYOUT_JS`) has not changed for ``quiet_ms``:
    charts drawn and laid out, the scroll to the key figure done. A layout still moving after
    ``limit_ms`` (an animation) is measured as it is then."""
    page.evaluate(LAYOUT_JS, [quiet_ms, limit_ms])


def run_async(coro):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event
    loop running in this thread, where ``asyncio.run`` refuses to start."""
    box = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as err:  # re-raised in the test's thread
            box["error"] = err

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


#: A drawn chart has axes, labels and marks: many colours. A blank one is a flat background.
MIN_CHART_COLOURS = 8


def chart_colours(png: bytes) -> int:
    """Number of distinct colours in a PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 16)
    return len(colours) if colours is not None else 1 << 16


def assert_charts_drawn(page) -> None:
    """Every Vega-Lite chart on the page shows more than a flat background."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():  # in a tab that is not open (drawn when it is opened)
            continue
        chart.scroll_into_view_if_needed()
        n = chart_colours(chart.screenshot())
        assert n >= MIN_CHART_COLOURS, f"chart {i} on {page.url} looks blank ({n} colours)"


def save_screenshot(page, name: str) -> Path | None:
    """Save the whole page to ``tests/e2e/screenshots/<name>.png`` if :data:`SAVE_SCREENSHOTS`
    (else ``None``).

    Streamlit scrolls inside its main container, so ``full_page`` alone would capture only the
    viewport: the viewport is first grown to the content's height.
    """
    if not SAVE_SCREENSHOTS:
        return None
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']
            .map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.scrollHeight))"""
    )
    if height and height > VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height), 12_000)})
        wait_for_quiet(page)  # charts re-layout to the new size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


@pytest.fixture
def open_page(app_url: str, browser) -> Iterator[Callable[..., object]]:
    """Open an app page in a fresh browser page; see the module docstring."""
    contexts = []

    def _open(path: str, query: dict | None = None, screenshot: str | None = None):
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        url = f"{app_url}/{path.lstrip('/')}"
        if query:
            url += "?" + urlencode(query, doseq=True)
        page.goto(url, timeout=TIMEOUT_MS)
        wait_for_run(page)
        exceptions = page.locator('[data-testid="stException"]')
        if exceptions.count():
            pytest.fail(f"exception on {url}:\n" + "\n".join(exceptions.all_inner_texts()))
        if screenshot:
            save_screenshot(page, screenshot)
            assert_charts_drawn(page)
        return page

    yield _open
    for context in contexts:
        context.close()
