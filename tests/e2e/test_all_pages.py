"""Every page of ``ui.screens.PAGES`` in a real browser: it runs, has its title, and is
screenshotted."""

from __future__ import annotations

import re

import pytest

from tests.e2e import takeaways
from ui import frame, screens

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]


def url_path(path: str) -> str:
    """URL path of a page file: ``pages/5_Decision_boundaries.py`` -> ``Decision_boundaries``."""
    if path == "streamlit_app.py":
        return ""
    return re.sub(r"^\d+_", "", path.removeprefix("pages/").removesuffix(".py"))


def test_url_path():
    assert url_path("pages/5_Decision_boundaries.py") == "Decision_boundaries"
    assert url_path("streamlit_app.py") == ""


@pytest.mark.e2e
@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_page_opens(open_page, screen):
    page = open_page(url_path(screen.path), screenshot=screen.key)
    title = page.locator("h1").first.inner_text()
    assert screen.label in title
    assert page.get_by_text(screen.question, exact=True).count() == 1
    assert page.title() == frame.page_title(screen)  # "<label> · Loss Lab"; home: "Loss Lab"
    # The grouped sidebar links to every existing page.
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    existing = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]
    assert links.count() == len(existing)


@pytest.mark.e2e
def test_link_restores_the_loss_curves_view(open_page):
    query = {"task": "regression", "reg": ["huber", "mse"], "huber_delta": "2", "at": "4"}
    page = open_page("Loss_curves", query, screenshot="loss_curves_link")
    takeaway = takeaways.texts(page)[0]
    assert "Huber (delta=2) charges 6 and pulls with 2" in takeaway
    assert "MSE charges 16 and pulls with 8" in takeaway
    assert page.get_by_role("radio", name="regression").is_checked()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 2
    assert "huber_delta=2" in page.url  # the state stays in the address bar


@pytest.mark.e2e
def test_refused_link_value_is_named_on_screen(open_page):
    page = open_page("Loss_curves", {"range": "1000000000"}, screenshot="loss_curves_refused")
    notice = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "range=1000000000" in notice and "is not allowed here" in notice
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 4  # still drawn
