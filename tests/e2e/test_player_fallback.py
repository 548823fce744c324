"""Where the browser refuses the players' script, the pages fall back to the server's pictures.

How the script is refused, as a school proxy or a script blocker would
----------------------------------------------------------------------
Components v2 takes each player's JavaScript as text and loads it with ``import()`` of a
``blob:`` URL that the page makes. A ``Content-Security-Policy: script-src 'self'`` header,
which a filtering proxy may add to every page and which script blockers enforce, lets
Streamlit's own bundle run (it is served from the app's origin) and refuses that import. The
tests add the header to the page's HTML with ``page.route`` (``'unsafe-eval'`` stays allowed:
Vega-Lite compiles its expressions; the one-sample curves of the fallback are a Vega-Lite chart).

The HTML that ``page.route`` hands back has no network address of its own, and Chromium then
refuses the page's websocket to 127.0.0.1 as local-network access: these tests use their own
Chromium with that check off (``--disable-features=LocalNetworkAccessChecks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.e2e.conftest import (
    CHROMIUM_ARGS,
    VIEWPORT,
    chart_colours,
    disable_features,
    wait_for_run,
)

POLICY = "script-src 'self' 'unsafe-eval'"


@pytest.fixture(scope="module")
def strict_browser(playwright, chromium_path: str):
    args = [*CHROMIUM_ARGS, disable_features("LocalNetworkAccessChecks")]
    b = playwright.chromium.launch(executable_path=chromium_path, args=args)
    yield b
    b.close()


@pytest.fixture
def open_blocked(app_url: str, strict_browser) -> Iterator[Callable[[str], object]]:
    """Open an app page whose HTML carries :data:`POLICY`; return the page once it has run."""
    contexts = []

    def _open(path: str):
        context = strict_browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "blob:" in m.text else None)

        def with_policy(route):
            if route.request.resource_type != "document":
                return route.continue_()
            response = route.fetch()
            headers = response.headers | {"content-security-policy": POLICY}
            return route.fulfill(response=response, headers=headers)

        page.route("**/*", with_policy)
        page.goto(f"{app_url}/{path}")
        wait_for_run(page)
        page.wait_for_timeout(1000)  # the refused import has been reported
        assert refused, "the player's script was not refused: the test blocks nothing"
        return page

    yield _open
    for context in contexts:
        context.close()


def _no_error_shown(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    errors = page.locator('[data-testid="stAlertContentError"]')
    shown = [e.inner_text() for e in errors.all() if e.is_visible()]
    assert not shown, shown


def _moved(page, slider: str, key: str) -> None:
    """Press ``key`` on the Streamlit slider with key ``slider``; wait for the rerun."""
    page.locator(f".st-key-{slider} input[type='range']").focus()
    page.keyboard.press(key)
    page.wait_for_timeout(500)
    wait_for_run(page)


def test_decision_boundaries_degrade_to_the_picture_and_scrubber(open_blocked):
    page = open_blocked("Decision_boundaries")
    assert page.locator(".ll-player").count() == 0  # no player drawn
    fallback = page.locator(".st-key-player_fallback")
    assert fallback.is_visible()
    images = fallback.locator("img")
    assert images.count() == 4  # one picture per loss
    assert all(images.nth(i).evaluate("(img) => img.naturalWidth > 0") for i in range(4))
    assert "Epoch 150" in fallback.inner_text()
    _no_error_shown(page)
    before = images.first.get_attribute("src")
    shot = images.first.screenshot()

    _moved(page, "epoch", "ArrowLeft")  # the server-side scrubber, one snapshot back
    fallback = page.locator(".st-key-player_fallback")
    images = fallback.locator("img")
    assert "Epoch 150" not in fallback.inner_text()
    assert images.first.get_attribute("src") != before  # a different image
    assert images.first.screenshot() != shot
    assert page.locator(".ll-player").count() == 0
    _no_error_shown(page)


def test_landscape_maps_degrade_to_the_pictures_and_step_slider(open_blocked):
    page = open_blocked("Loss_landscape")
    assert page.locator(".ll-surface").count() == 0 and page.locator(".ll-descent").count() == 0
    fallback = page.locator(".st-key-surfaces_fallback")
    assert fallback.is_visible()
    images = fallback.locator("img")
    assert images.count() == 4  # two maps per loss
    assert "Step 300" in fallback.inner_text()
    image = images.first
    image.scroll_into_view_if_needed()
    before, shot = image.get_attribute("src"), image.screenshot()
    assert chart_colours(shot) >= 8  # drawn, not blank
    _no_error_shown(page)

    _moved(page, "t", "Home")  # the paths up to step 0: only the start
    fallback = page.locator(".st-key-surfaces_fallback")
    assert "Step 0" in fallback.inner_text()
    images = fallback.locator("img")
    assert images.first.get_attribute("src") != before  # a different picture
    assert images.first.screenshot() != shot
    _no_error_shown(page)
