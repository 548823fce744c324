"""Every page of ``frame.PAGES`` in a real browser: it runs, has its title, and is screenshotted."""

from __future__ import annotations

import re

import pytest

from ui import frame

SCREENS = [s for s in frame.SCREENS.values() if (frame.ROOT / s.path).exists()]


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
    assert page.title() == f"{screen.label} · Loss Lab"
    # The grouped sidebar links to every existing page.
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    existing = [s for s in frame.SCREENS.values() if (frame.ROOT / s.path).exists()]
    assert links.count() == len(existing)
