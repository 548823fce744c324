"""The app uses Streamlit's public API only: no private module, attribute or lock.

A private name moves or disappears in any Streamlit release, and the app would break on the
upgrade with nothing in its own code changed. The exceptions are named in :data:`ALLOWED`
with their reasons.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Names of Streamlit internals (and ``st.altair_chart``, which switches Altair's process-wide
#: data transformer that ``present.charts`` sets once).
PRIVATE = re.compile(
    r"streamlit\.runtime|_key_id_mapper|get_session_state|get_script_run_ctx"
    r"|_altair_globals_lock|streamlit\.elements|st\.altair_chart|streamlit\.proto"
)
CODE = sorted(
    [ROOT / "streamlit_app.py"]
    + [
        p
        for d in ("pages", "present", "ui", "views", "serve", "core")
        for p in (ROOT / d).rglob("*.py")
    ]
)
#: File -> why it may use a private name.
ALLOWED = {
    # a student waiting in line whose browser has gone must leave the line, and only the
    # runtime knows whether a session is still connected (no public API says so)
    "serve/jobs.py": "Runtime.is_active_session and the script run's session id",
    # a websocket client of the server (warm-up, load benchmark): it speaks the browser's
    # wire protocol, whose messages are Streamlit's protobufs
    "serve/session.py": "streamlit.proto BackMsg / ForwardMsg",
    # a lecture stop is opened from a button's callback with st.switch_page(query_params=...),
    # which refuses a parameter still bound to a widget of the page being left: the bindings
    # are dropped first (QueryParams.remove_stale_bindings; no public API unbinds them)
    "ui/lecture.py": "the script run's session state query params (remove_stale_bindings)",
}


@pytest.mark.parametrize("path", CODE, ids=[str(p.relative_to(ROOT)) for p in CODE])
def test_no_private_streamlit_api(path):
    name = str(path.relative_to(ROOT))
    hits = [
        f"{name}:{i}: {line.strip()}"
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    if name in ALLOWED:
        assert hits, f"{name} no longer needs its exception; remove it from ALLOWED"
    else:
        assert not hits, "\n".join(hits)
