"""The live player's bar keeps its shape while a run trains.

While the browser trains, the counter reads "epoch 30 / 150 · training 84…"; if the bar gave it
room only as it grew, the bar would wrap to another row and every panel below would jump by a
row's height, under a finger that is dragging a point. The counter keeps the room of its
longest text (``ui/player/host.js``), so the bar is as tall with the longest text as at rest.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

#: The bar's height, the first panel's top and the counter's width, at rest and with the
#: counter's longest text (the player is paused: nothing redraws the counter meanwhile).
SHAPES = """(root) => {
  const bar = root.querySelector('.ll-bar');
  const counter = root.querySelector('.ll-epoch');
  const panel = root.querySelector('.ll-panel');
  const shape = () => [bar.getBoundingClientRect().height,
                       panel.getBoundingClientRect().top - bar.getBoundingClientRect().top];
  const end = root.querySelector('.ll-scrub').max;
  const text = counter.textContent;
  const rest = shape();
  counter.textContent = `epoch ${end} / ${end} · training ${end}…`;
  const longest = shape();
  const fits = counter.scrollWidth <= counter.clientWidth;
  counter.textContent = text;
  return {rest, longest, fits};
}"""


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 720}, {"width": 390, "height": 844}],
    ids=["1280x720", "390x844"],
)
@pytest.mark.parametrize("epochs", [150, 1000], ids=["150_epochs", "1000_epochs"])
def test_the_counter_never_rewraps_the_bar(browser, app_url, viewport, epochs):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    # a linear model on 100 points: the browser trains 1,000 epochs in a moment, and the bar
    # is the same bar whatever it trains
    query = f"layers=0&spirals_n_samples=100&epochs={epochs}"
    page.goto(f"{app_url}/Decision_boundaries?{query}", timeout=90_000)
    page.wait_for_selector(".ll-player[data-ready='1']", timeout=60_000)
    root = page.locator(".ll-player")
    # trained and at rest: the counter is short ("epoch 150 / 150") and nothing redraws it
    rested = """(r) => r.dataset.frontier === r.querySelector('.ll-scrub').max
        && r.dataset.playing === '0' && !r.querySelector('.ll-epoch').textContent.includes('·')"""
    page.wait_for_function(rested, arg=root.element_handle(), timeout=120_000)
    shapes = root.evaluate(SHAPES)
    assert shapes["longest"] == shapes["rest"], shapes  # no row added, no panel moved
    assert shapes["fits"], shapes  # and the longest text fits its room on one line
    context.close()
