"""Playback in a real browser: frames per second, nothing sent while playing, pause, step, link.

The player (``ui/player.py``) marks its root ``.ll-player`` with ``data-frame`` (snapshot
index), ``data-epoch``, ``data-playing`` and ``data-ready`` (frames decoded); the counts below
read those attributes from inside the page, once per animation frame.
"""

from __future__ import annotations

import re
import time

import pytest

from core import snapshots

#: Distinct frames shown during two seconds of playback, once per animation frame.
SAMPLE_FRAMES = """(root) => new Promise((done) => {
  const seen = new Set();
  const t0 = performance.now();
  function look(now) {
    seen.add(root.dataset.frame);
    if (now - t0 < 2000) requestAnimationFrame(look);
    else done(seen.size);
  }
  requestAnimationFrame(look);
})"""


def _player(page):
    page.wait_for_selector(".ll-player[data-ready='1']", timeout=60_000)
    return page.locator(".ll-player")


def _wait_settled(page, seconds: float = 3.0) -> None:
    """Let the rerun a pause or step asks for finish (it must not move the player)."""
    page.wait_for_timeout(int(seconds * 1000))


@pytest.fixture
def boundaries(open_page):
    page = open_page("Decision_boundaries")
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    # the websocket opened before the listener: reload so that every message is seen
    page.reload()
    root = _player(page)
    page.wait_for_timeout(1500)  # the first run's own messages are over
    return page, root, sent


def test_play_shows_ten_frames_per_second_and_sends_nothing(boundaries):
    page, root, sent = boundaries
    frames = int(root.get_attribute("data-frames"))
    assert frames >= 60  # 150 epochs: 60-100 snapshots
    before = len(sent)
    page.get_by_role("button", name="restart").click()
    distinct = root.evaluate(SAMPLE_FRAMES)
    assert root.get_attribute("data-playing") == "1"
    assert distinct >= 20, f"{distinct} distinct frames in 2 s"
    assert len(sent) == before, f"{len(sent) - before} websocket messages sent while playing"


def test_pause_holds_and_step_advances_one_snapshot(boundaries):
    page, root, _ = boundaries
    page.get_by_role("button", name="restart").click()
    page.wait_for_timeout(700)
    page.get_by_role("button", name="pause").click()
    held = root.get_attribute("data-frame")
    epoch = int(root.get_attribute("data-epoch"))
    assert root.get_attribute("data-playing") == "0"
    _wait_settled(page)
    root = _player(page)
    assert root.get_attribute("data-frame") == held  # the rerun did not move it
    assert f"epoch={epoch}" in page.url  # the link names the paused epoch

    page.get_by_role("button", name="step").click()
    assert int(root.get_attribute("data-frame")) == int(held) + 1
    schedule = snapshots.schedule(150)
    stepped = int(root.get_attribute("data-epoch"))
    assert stepped == schedule[schedule.index(epoch) + 1]
    _wait_settled(page)
    root = _player(page)
    assert int(root.get_attribute("data-epoch")) == stepped
    assert f"epoch={stepped}" in page.url
    assert root.get_attribute("data-playing") == "0"


def test_scrubber_answers_in_a_tenth_of_a_second(boundaries):
    _, root, _ = boundaries
    ms = root.evaluate(
        """(root) => {
            const s = root.querySelector('.ll-scrub');
            const t0 = performance.now();
            for (let i = 0; i < 20; i++) {
                s.value = String(i);
                s.dispatchEvent(new Event('input'));
            }
            return (performance.now() - t0) / 20;
        }"""
    )
    assert root.get_attribute("data-frame") == "19"
    assert ms < 100, f"{ms:.1f} ms per scrubber step"


def test_an_epoch_link_opens_paused_at_that_epoch(open_page):
    page = open_page("Decision_boundaries", {"epoch": 24})
    root = _player(page)
    assert root.get_attribute("data-epoch") == "24"
    assert root.get_attribute("data-playing") == "0"
    texts = root.locator(".ll-score").all_inner_texts()
    assert len(texts) == 4 and all(t.startswith("test accuracy") for t in texts)


def test_home_plays_too(open_page):
    page = open_page("")
    root = _player(page)
    page.get_by_role("button", name="restart").click()
    assert root.evaluate(SAMPLE_FRAMES) >= 20
    # the server-drawn fallback is hidden while the script runs
    assert not page.locator(".st-key-player_fallback").is_visible()


def test_landscape_balls_roll_on_one_clock(open_page):
    page = open_page("Loss_landscape")
    page.wait_for_selector(".ll-descent[data-ready='1']", timeout=60_000)
    root = page.locator(".ll-descent")
    assert root.get_attribute("data-step") == "100"  # opens at the end of the descent
    page.get_by_role("button", name="restart").first.click()
    assert root.evaluate(SAMPLE_FRAMES) >= 20
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
