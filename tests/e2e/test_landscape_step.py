"""Loss landscape in a real browser: one step control, shared by the player and the link.

The page's step widgets (``t1``: one sample, ``t``: the maps) live in the server-drawn
fallback that the players' script hides; each player's own scrubber is the step control. A
pause puts the step into the link, and the link opens the player at that step.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_run


def _pause_at(root, frame: int) -> str:
    """Scrub ``root``'s player to ``frame`` and release it there; the step it shows."""
    root.evaluate(
        """(root, frame) => {
            const s = root.querySelector('.ll-scrub');
            s.value = String(frame);
            s.dispatchEvent(new Event('input'));
            s.dispatchEvent(new Event('change'));
        }""",
        frame,
    )
    return root.get_attribute("data-step")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("player", "key"), [(".ll-descent", "t1"), (".ll-surface", "t")], ids=["one-sample", "maps"]
)
def test_the_players_step_is_the_links_step(open_page, player, key):
    page = open_page("Loss_landscape")
    page.wait_for_selector(f"{player}[data-ready='1']", timeout=60_000)
    root = page.locator(player)
    # the step sliders are the fallback's: hidden while the players run
    assert not page.locator(
        f".st-key-{'descent_one' if key == 't1' else 'surfaces'}_fallback"
    ).is_visible()
    step = _pause_at(root, 7)
    page.wait_for_function(
        "([key, step]) => new URL(location.href).searchParams.get(key) === step",
        arg=[key, step],
        timeout=30_000,
    )
    wait_for_run(page)  # the page's widget took the step: a rerun keeps it in the link
    assert f"{key}={step}" in page.url
    assert root.get_attribute("data-step") == step
    reopened = open_page("Loss_landscape", {key: step})
    reopened.wait_for_selector(f"{player}[data-ready='1']", timeout=60_000)
    again = reopened.locator(player)
    assert (again.get_attribute("data-step"), again.get_attribute("data-playing")) == (step, "0")
