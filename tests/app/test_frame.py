"""The frame under AppTest: every existing page runs from the home page via ``switch_page``."""

from __future__ import annotations

import pytest

from ui import frame

SCREENS = [s for s in frame.SCREENS.values() if (frame.ROOT / s.path).exists()]


def test_pages_list_is_consistent():
    keys = [s.key for group in frame.PAGES.values() for s in group]
    assert len(keys) == len(set(keys)), "screen keys must be unique"
    assert frame.SCREENS["home"].path == "streamlit_app.py"
    for s in frame.SCREENS.values():
        assert s.icon.startswith(":material/"), s.key
        assert s.question.endswith("?") or s.question.endswith("."), s.key
        assert s.path == "streamlit_app.py" or s.path.startswith("pages/"), s.key


@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_page_runs_from_home(app, screen):
    at = app("streamlit_app.py")
    at.switch_page(screen.path).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == screen.label
    assert any(screen.question in m.value for m in at.markdown)
    links = at.sidebar.get("page_link")
    existing = [s for s in frame.SCREENS.values() if (frame.ROOT / s.path).exists()]
    assert [link.proto.label for link in links] == [s.label for s in existing]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_page_reruns_from_its_cache(app, screen):
    # The second run hits every st.cache_data entry of the first: a cached function that drew
    # on a container created outside it fails only now (CacheReplayClosureError), and in the
    # browser that is the first click after the page loaded.
    at = app(screen.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == screen.label
