"""The background warm-up (serve.warmup) and its browser client (serve.session): the message a
tab sends, which views the warm-up visits, and when it runs at all."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from serve import warmup
from serve.session import Session


def test_the_rerun_message_is_what_a_browser_sends():
    s = Session("http://127.0.0.1:1", "Decision_boundaries", "seed=3")
    s.cache["abc"] = None  # a message this tab already holds
    msg = s._rerun_message([("$$ID-1-preset_0", True)])
    cs = msg.rerun_script
    assert (cs.page_name, cs.query_string) == ("Decision_boundaries", "seed=3")
    assert list(cs.cached_message_hashes) == ["abc"]
    assert cs.context_info.url == "http://127.0.0.1:1/Decision_boundaries?seed=3"
    (w,) = cs.widget_states.widgets
    assert (w.id, w.trigger_value) == ("$$ID-1-preset_0", True)


def _page() -> None:
    import streamlit as st

    from serve import warmup

    st.write(f"enabled {warmup.enabled()}")


def test_no_warm_up_under_apptest(monkeypatch):
    monkeypatch.delenv("LOSSLAB_WARMUP", raising=False)
    at = AppTest.from_function(_page)
    at.run()
    assert at.markdown[0].value == "enabled False"


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("LOSSLAB_WARMUP", "0")
    assert not warmup.enabled()


def test_a_name_with_a_query_is_one_view_without_its_presets(monkeypatch):
    opened: list[tuple[str, str]] = []

    class FakeSession:
        def __init__(self, base_url, page="", query="", timeout=0.0, cookie=None):
            # every warm-up session says it is the warm-up, with this process's secret
            assert cookie == f"{warmup.COOKIE}={warmup._SECRET}"
            opened.append((page, query))
            self.buttons = {"preset_0": "$$ID-1-preset_0"}

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return None

        async def render(self, widgets=()):
            return 0.0, 0.0

    monkeypatch.setattr(warmup, "Session", FakeSession)
    from tests.e2e.conftest import run_async

    done = run_async(warmup.warm("http://127.0.0.1:1", ["Loss_curves", "Loss_curves?cls=hinge"]))
    # the page, its preset in a fresh session, then the one view of the link
    assert opened == [("Loss_curves", ""), ("Loss_curves", ""), ("Loss_curves", "cls=hinge")]
    assert done == 3


def test_only_a_session_with_the_secret_is_the_warm_up(monkeypatch):
    cookies: dict[str, str] = {}
    monkeypatch.setattr(warmup.st, "context", type("Context", (), {"cookies": cookies})())
    assert not warmup.warming()
    cookies[warmup.COOKIE] = "guessed"
    assert not warmup.warming()
    cookies[warmup.COOKIE] = warmup._SECRET
    assert warmup.warming()
