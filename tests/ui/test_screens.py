"""The one page list (ui.screens): page files, their URL names, the pages the warm-up visits."""

from __future__ import annotations

from ui import screens


def test_page_names_are_the_url_paths():
    assert screens.page_name("streamlit_app.py") == ""
    assert screens.page_name("pages/5_Decision_boundaries.py") == "Decision_boundaries"
    assert screens.page_name("pages/8_Loss_reference.py") == "Loss_reference"


def test_every_existing_page_is_visited_home_first():
    names = screens.url_names()
    existing = [
        s for group in screens.PAGES.values() for s in group if (screens.ROOT / s.path).exists()
    ]
    assert names[0] == "" and len(names) == len(existing) == len(set(names))
