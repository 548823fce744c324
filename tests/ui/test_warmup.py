"""The background warm-up (ui.warmup): which views it visits, and when it runs at all."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import frame, warmup


def test_page_names_are_the_url_paths():
    assert warmup.page_name("streamlit_app.py") == ""
    assert warmup.page_name("pages/5_Decision_boundaries.py") == "Decision_boundaries"
    assert warmup.page_name("pages/8_Loss_reference.py") == "Loss_reference"


def test_every_existing_page_is_visited_home_first():
    names = warmup.pages()
    existing = [
        s for group in frame.PAGES.values() for s in group if (frame.ROOT / s.path).exists()
    ]
    assert names[0] == "" and len(names) == len(existing) == len(set(names))


def test_the_rerun_message_is_what_a_browser_sends():
    s = warmup.Session("http://127.0.0.1:1", "Decision_boundaries", "seed=3")
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

    from ui import warmup

    st.write(f"enabled {warmup.enabled()}")


def test_no_warm_up_under_apptest(monkeypatch):
    monkeypatch.delenv("LOSSLAB_WARMUP", raising=False)
    at = AppTest.from_function(_page)
    at.run()
    assert at.markdown[0].value == "enabled False"


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setenv("LOSSLAB_WARMUP", "0")
    assert not warmup.enabled()
