"""Playback in a real browser: live training on one clock, nothing sent while playing, pause,
step, links, presenter mode and its keys; and the landscape's descent players.

The live player (``ui/player.py``) marks its root ``.ll-player`` with ``data-epoch`` (the epoch
shown), ``data-frontier`` (epochs trained in the browser), ``data-playing``, ``data-ready``
(first frame drawn), ``data-drawn`` (frames drawn while playing or training), ``data-live`` and
``data-parity`` (epochs where the browser's accuracies differ from core's / compared); the
descent players mark ``.ll-descent`` / ``.ll-surface`` with ``data-frame``, ``data-step``,
``data-playing`` and ``data-drawn``. Speed is measured in ``benchmarks/`` (``pages.py live``):
these tests assert what happens, not how fast. The descent players' frame counts below ask for
what a player that plays at all shows within a few seconds.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import VIEWPORT, wait_for_quiet, wait_for_run

#: Distinct frames shown (sampled once per animation frame) and frames the player drew
#: during two seconds of playback, and whether it was still playing at the end.
SAMPLE_FRAMES = """(root) => new Promise((done) => {
  const seen = new Set();
  const drawn = Number(root.dataset.drawn);
  const t0 = performance.now();
  function look(now) {
    seen.add(root.dataset.frame ?? root.dataset.epoch);
    if (now - t0 < 2000) requestAnimationFrame(look);
    else done({
      shown: seen.size,
      drawn: Number(root.dataset.drawn) - drawn,
      playing: root.dataset.playing === "1",
    });
  }
  requestAnimationFrame(look);
})"""
#: Frames in two seconds at 10 fps (the descent players).
MIN_FRAMES = 20


#: Milliseconds per scrubber step: ``n`` steps to positions ``0..n-1``, each as an input event.
SCRUB_MS = """(root, n) => {
  const s = root.querySelector('.ll-scrub');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    s.value = String(i);
    s.dispatchEvent(new Event('input'));
  }
  return (performance.now() - t0) / n;
}"""


def frame_rate(root) -> dict:
    """Restart the descent player ``root`` and count its frames for two seconds: the best of
    up to three windows (other processes on a shared machine can starve the browser of
    animation frames for a while). Every window must end still playing."""
    best = {"shown": 0, "drawn": 0}
    for _ in range(3):
        root.get_by_role("button", name="restart").click()
        counts = root.evaluate(SAMPLE_FRAMES)
        assert counts["playing"], counts  # 2 s is less than a full play: nothing stopped it
        best = max(best, counts, key=lambda c: min(c["shown"], c["drawn"]))
        if min(best["shown"], best["drawn"]) >= MIN_FRAMES:
            break
    return best


def assert_ten_fps(root) -> None:
    counts = frame_rate(root)
    assert counts["drawn"] >= MIN_FRAMES, f"{counts['drawn']} frames drawn in 2 s"
    assert counts["shown"] >= MIN_FRAMES, f"{counts['shown']} distinct frames shown in 2 s"


def _player(page):
    page.wait_for_selector(".ll-player[data-ready='1']", timeout=60_000)
    return page.locator(".ll-player")


def _trained(page, root, timeout_s: float = 120) -> None:
    """Wait until the browser has trained the whole run."""
    page.wait_for_function(
        "(r) => r.dataset.frontier === r.querySelector('.ll-scrub').max",
        arg=root.element_handle(),
        timeout=timeout_s * 1000,
    )


def _wait_settled(page, seconds: float = 3.0) -> None:
    """Let the rerun a pause or step asks for finish (it must not move the player)."""
    page.wait_for_timeout(int(seconds * 1000))


#: A small view for the clock's mechanics (pause, step, scrub, links): the same player and
#: clock as the default view's, with four losses on 120 moons points and an MLP of 8 units
#: for 30 epochs, which the browser trains in a moment (the default view's 4 x 150 epochs of
#: an MLP 32x32 on 420 points take it tens of seconds, for the checks below, which do not
#: depend on the model).
LIGHT = {"dataset": "moons", "moons_n_samples": 120, "layers": 1, "width": 8, "epochs": 30}


@pytest.fixture
def light(open_page):
    page = open_page("Decision_boundaries", LIGHT)
    root = _player(page)
    _trained(page, root)
    return page, root


@pytest.fixture
def boundaries(open_page):
    page = open_page("Decision_boundaries")
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    # the websocket opened before the listener: reload so that every message is seen
    page.reload()
    root = _player(page)
    _trained(page, root)
    page.wait_for_timeout(1000)  # the first run's own messages are over
    return page, root, sent


def test_the_browser_trains_core_numbers_and_plays_them_sending_nothing(boundaries):
    page, root, sent = boundaries
    # the view as loaded: every accuracy at every epoch the browser trained is core's
    assert root.get_attribute("data-live") == "0"
    off, n = map(int, root.get_attribute("data-parity").split("/"))
    assert n == 2 * 4 * 151 and off == 0, root.get_attribute("data-parity")
    before = len(sent)
    page.get_by_role("button", name="restart").click()
    counts = root.evaluate(SAMPLE_FRAMES)
    assert counts["playing"] and counts["shown"] >= 3, counts
    # paced for a talk: a whole run takes 20 s, early epochs slowest (2 s: about epoch 5)
    assert 0 < int(root.get_attribute("data-epoch")) < 10
    assert len(sent) == before, f"{len(sent) - before} websocket messages sent while playing"
    labels = root.locator(".ll-speed").first.locator("option").all_inner_texts()
    assert labels[:4] == ["run in 40 s", "run in 20 s", "run in 10 s", "run in 5 s"]


def test_pause_holds_and_step_advances_one_epoch(light):
    page, root = light
    page.get_by_role("button", name="restart").click()
    page.wait_for_timeout(3000)
    page.get_by_role("button", name="pause").click()
    assert root.get_attribute("data-playing") == "0"
    # the paused epoch: the playhead (the scrubber's value) as the click left it; the frame on
    # screen may trail it by a frame, and catches up
    epoch = int(root.locator(".ll-scrub").input_value())
    caught_up = "(a) => a[0].dataset.epoch === a[1]"
    page.wait_for_function(caught_up, arg=[root.element_handle(), str(epoch)], timeout=10_000)
    _wait_settled(page)
    root = _player(page)
    assert int(root.get_attribute("data-epoch")) == epoch  # the rerun did not move it
    assert f"epoch={epoch}" in page.url  # the link names the paused epoch
    page.get_by_role("button", name="step", exact=True).click()
    # the playhead moves at once, the shown epoch once the engine has evaluated its frame
    shown = "(a) => a[0].dataset.epoch === a[1]"
    page.wait_for_function(shown, arg=[root.element_handle(), str(epoch + 1)], timeout=10_000)
    _wait_settled(page)
    root = _player(page)
    assert int(root.get_attribute("data-epoch")) == epoch + 1
    assert f"epoch={epoch + 1}" in page.url
    assert root.get_attribute("data-playing") == "0"
    # one scrubber: the page's own epoch slider is only the fallback's (hidden here)
    assert not page.locator(".st-key-epoch").is_visible()


def test_the_scrubber_shows_any_trained_epoch(light):
    """Scrubbing draws the nearest frame at once and the scrubbed epoch's own as soon as the
    engine has evaluated it (its weights are kept for every epoch)."""
    page, root = light
    root.evaluate(SCRUB_MS, 20)
    page.wait_for_function("(r) => r.dataset.epoch === '19'", arg=root.element_handle())
    assert root.get_attribute("data-playing") == "0"


#: Counts the page's requests for an animation frame (``window.__llFrames``), from before
#: any of the page's scripts runs (the players run in the page's own window).
COUNT_FRAMES = """(() => {
  const request = window.requestAnimationFrame.bind(window);
  window.__llFrames = 0;
  window.requestAnimationFrame = (fn) => { window.__llFrames += 1; return request(fn); };
})();"""


def _frames_asked(page, ms: int) -> int:
    """Animation frames the page asks for in the next ``ms`` milliseconds."""
    before = page.evaluate("() => window.__llFrames")
    page.wait_for_timeout(ms)
    return page.evaluate("() => window.__llFrames") - before


@pytest.mark.parametrize(
    "path,selector,epochs",
    [
        (f"Decision_boundaries?{urlencode(LIGHT)}", ".ll-player", LIGHT["epochs"]),
        ("Outlier_robustness?sweep=false", ".ll-fits", 150),
    ],
    ids=["boundaries", "fits"],
)
def test_an_idle_player_asks_for_no_animation_frames(browser, app_url, path, selector, epochs):
    """A live player whose run is trained and that is not playing draws nothing until
    something changes (a student's laptop or phone keeps its CPU): the page asks for no
    animation frame. A playing clock asks for them again, and a pause stops them."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.add_init_script(COUNT_FRAMES)
    page = context.new_page()
    page.goto(f"{app_url}/{path}", timeout=90_000)
    wait_for_run(page)
    page.wait_for_selector(f"{selector}[data-ready='1']", timeout=60_000)
    root = page.locator(selector)
    page.wait_for_function(
        "([r, n]) => r.dataset.frontier === n", arg=[root.element_handle(), str(epochs)]
    )
    wait_for_quiet(page)
    assert root.get_attribute("data-playing") != "1"
    idle = _frames_asked(page, 1000)
    if selector == ".ll-player":
        page.get_by_role("button", name="restart").click()
        playing = _frames_asked(page, 1000)
        assert root.get_attribute("data-playing") == "1"
        assert playing > 0, "the clock plays without animation frames"
        page.get_by_role("button", name="pause").click()
        wait_for_run(page)  # the rerun the pause asks for
        idle = max(idle, _frames_asked(page, 1000))
    context.close()
    # a player that drew every frame would ask for about 60 a second
    assert idle <= 2, f"{idle} animation frames asked for in a second by an idle page"


def test_an_epoch_link_opens_paused_at_that_epoch(open_page):
    page = open_page("Decision_boundaries", {"epoch": 24})
    root = _player(page)
    page.wait_for_function("(r) => r.dataset.epoch === '24'", arg=root.element_handle())
    assert root.get_attribute("data-playing") == "0"
    texts = root.locator(".ll-score").all_inner_texts()
    assert len(texts) == 4 and all(t.startswith("test accuracy") for t in texts)
    assert not any("live" in t for t in texts)  # core's numbers: the view as loaded


def test_home_plays_too(open_page):
    page = open_page("")
    root = _player(page)
    page.get_by_role("button", name="restart").click()
    page.wait_for_timeout(1500)
    assert root.get_attribute("data-playing") == "1"
    # the server-drawn fallback is hidden while the script runs; the home figure has no tools
    assert not page.locator(".st-key-player_fallback").is_visible()
    assert root.locator(".ll-tools").count() == 0


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)], ids=["1280", "1920"])
def test_presenter_mode_projects_and_takes_the_keys(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{app_url}/Decision_boundaries?present=1", timeout=90_000)
    wait_for_run(page)
    root = _player(page)
    sizes = root.evaluate(
        """(r) => ['.ll-name', '.ll-score'].map((s) => Math.min(...[...r.querySelectorAll(s)]
            .map((e) => parseFloat(getComputedStyle(e).fontSize))))"""
    )
    assert min(sizes) >= 24, sizes  # panel names and accuracies
    assert int(root.get_attribute("data-tick-px")) >= 18  # the canvases' ticks
    # measured at once: the bar above the panels may still wrap while the run trains (its
    # counter says "training n…"), moving every panel between two separate measurements
    tops = root.evaluate(
        "(r) => [...r.querySelectorAll('.ll-panel')].map((p) => p.getBoundingClientRect().top)"
    )
    assert len(tops) == 4 and max(tops) - min(tops) < 1  # four losses in one row
    panels = root.locator(".ll-panels").bounding_box()
    assert panels["width"] >= 0.6 * width  # they fill the row
    _trained(page, root)
    page.evaluate("() => document.activeElement?.blur()")  # keys to the page, no widget
    page.keyboard.press("Space")
    assert root.get_attribute("data-playing") == "1"
    page.keyboard.press("Space")
    assert root.get_attribute("data-playing") == "0"
    # paused: the frame on screen catches up with the playhead (the scrubber's value) first
    caught_up = "(r) => r.dataset.epoch === r.querySelector('.ll-scrub').value"
    page.wait_for_function(caught_up, arg=root.element_handle(), timeout=10_000)
    epoch = int(root.get_attribute("data-epoch"))
    # a stepped-to epoch is drawn once the engine has evaluated its frame (live training keeps
    # weights, not frames): the playhead moves at once, the shown epoch a frame or two later
    shown = "(a) => a[0].dataset.epoch === a[1]"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(shown, arg=[root.element_handle(), str(epoch + 1)], timeout=10_000)
    page.keyboard.press("PageUp")
    page.wait_for_function(shown, arg=[root.element_handle(), "0"], timeout=10_000)
    # a lecture path owns the arrows and the Page keys; Space stays the player's
    page.evaluate("() => { document.body.dataset.llPath = 'lecture'; }")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert root.get_attribute("data-epoch") == "0"
    page.keyboard.press("Space")
    assert root.get_attribute("data-playing") == "1"
    context.close()


def test_landscape_balls_roll_on_one_clock(open_page):
    page = open_page("Loss_landscape")
    page.wait_for_selector(".ll-descent[data-ready='1']", timeout=60_000)
    root = page.locator(".ll-descent")
    assert root.get_attribute("data-step") == "100"  # opens at the end of the descent
    assert_ten_fps(root)
    page.get_by_role("button", name="pause").first.click()
    held = root.get_attribute("data-step")
    page.wait_for_timeout(500)
    assert root.get_attribute("data-step") == held
    # the default (plateau) view at its last step: cross-entropy's ball has rolled past the
    # minimum's side (w < 0), MSE's sits on the plateau near its start (w0 = 6)
    root.evaluate(
        """(root) => {
            const s = root.querySelector('.ll-scrub');
            s.value = s.max;
            s.dispatchEvent(new Event('input'));
        }"""
    )
    readouts = root.locator(".ll-key").all_inner_texts()
    w = [float(re.search(r"w = (-?[\d.]+)", t).group(1)) for t in readouts]
    assert "Cross-entropy" in readouts[0] and "Squared error" in readouts[1], readouts
    assert w[0] < 0 < 5 < w[1] <= 6, readouts


def _map_pixels(root) -> str:
    return root.locator(".ll-map-canvas").first.evaluate("(c) => c.toDataURL()")


def test_landscape_maps_play_the_descent_on_one_clock(open_page):
    page = open_page("Loss_landscape")
    page.wait_for_selector(".ll-surface[data-ready='1']", timeout=60_000)
    root = page.locator(".ll-surface")
    assert root.get_attribute("data-step") == "300"  # opens at the page's step (t = 300)
    assert root.locator(".ll-map-canvas").count() == 4  # two maps per loss
    assert not page.locator(".st-key-surfaces_fallback").is_visible()
    assert_ten_fps(root)
    # the ball moves: the readouts and the maps' pixels change while playing
    before = (root.locator(".ll-key").all_inner_texts(), _map_pixels(root))
    page.wait_for_timeout(400)
    after = (root.locator(".ll-key").all_inner_texts(), _map_pixels(root))
    assert before[0] != after[0] and before[1] != after[1]
    # the default view at its last step: cross-entropy is on its optimum's side (w > 0), MSE
    # still on the side it started from (w0 = -8)
    root.get_by_role("button", name="pause").click()
    root.evaluate(
        """(root) => {
            const s = root.querySelector('.ll-scrub');
            s.value = String(Number(root.dataset.frames) - 1);
            s.dispatchEvent(new Event('input'));
        }"""
    )
    w = [
        float(re.search(r"w = (-?[\d.]+)", t).group(1))
        for t in root.locator(".ll-key").all_inner_texts()
    ]
    assert w[0] > 0 > w[1], w


def test_step_links_open_both_players_at_their_steps(open_page):
    page = open_page("Loss_landscape", {"t": 37, "t1": 20})
    page.wait_for_selector(".ll-descent[data-ready='1']", timeout=60_000)
    one = page.locator(".ll-descent")  # the one-sample player opens at t1, paused
    assert (one.get_attribute("data-step"), one.get_attribute("data-playing")) == ("20", "0")
    page.wait_for_selector(".ll-surface[data-ready='1']", timeout=60_000)
    root = page.locator(".ll-surface")
    assert root.get_attribute("data-step") == "37"
    assert root.get_attribute("data-playing") == "0"
