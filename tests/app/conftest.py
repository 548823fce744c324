"""AppTest helper: run a page headlessly (no browser) and fail on any exception it shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """``app(path, query=None)``: run ``path`` (relative to the repo root) and return the AppTest.

    ``query`` sets URL query parameters before the first run (values may be lists for
    multiselects). The run must not raise; a page's ``st.exception`` or the frame's message for
    an unexpected exception fails the test.
    """
    monkeypatch.chdir(ROOT)

    def _run(path: str, query: Mapping[str, object] | None = None, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
        for key, value in (query or {}).items():
            at.query_params[key] = value if isinstance(value, list) else str(value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        # frame.page shows an unexpected exception as a friendly error (the traceback goes to
        # the server log): for a test that is still a failure.
        unexpected = [e.value for e in at.error if frame.UNEXPECTED in e.value]
        assert not unexpected, unexpected
        return at

    return _run
