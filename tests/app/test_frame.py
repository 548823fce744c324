"""The frame under AppTest: every existing page runs from the home page via ``switch_page``."""

from __future__ import annotations

import pytest

from ui import frame, screens

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]


def test_pages_list_is_consistent():
    keys = [s.key for group in screens.PAGES.values() for s in group]
    assert len(keys) == len(set(keys)), "screen keys must be unique"
    assert screens.SCREENS["home"].path == "streamlit_app.py"
    for s in screens.SCREENS.values():
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
    existing = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]
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


# --------------------------------------------------------------------------- presets

PROBE = """
import streamlit as st
from ui import frame, screens

D = {"n": 2, "c": "x", "ls": ["p"]}
PRESETS = {"A": {"n": 5}, "B": {"c": "y"}, "C": {"ls": ["q", "r"]}}
with frame.page("loss_curves", defaults=D, presets=PRESETS):
    n = st.slider("n", 0, 10, D["n"], key="n", bind="query-params")
    c = st.selectbox("c", ["x", "y", "z"], key="c", bind="query-params")
    ls = st.multiselect("ls", ["p", "q", "r"], default=D["ls"], key="ls", bind="query-params")
    if st.query_params.get("boom"):
        raise RuntimeError("/srv/secret/path.py exploded")
    st.write(f"n={n} c={c} ls={ls}")
"""


def probe(query=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(PROBE, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def shown(at) -> str:
    return at.markdown[-1].value


def link_notices(at) -> list[str]:
    return [w.value for w in at.warning if "The link asked for values" in w.value]


def test_a_preset_resets_every_control_it_does_not_name():
    at = probe({"n": "7", "c": "z"})
    assert shown(at) == "n=7 c=z ls=['p']"
    at.button(key="preset_2").click().run()  # C names only ls
    assert shown(at) == "n=2 c=x ls=['q', 'r']"
    assert dict(at.query_params) == {"ls": ["q", "r"]}  # defaults leave the URL
    at.button(key="preset_0").click().run()  # A names only n: ls back to its default
    assert shown(at) == "n=5 c=x ls=['p']"
    assert not link_notices(at)


def test_preset_clicks_never_raise_the_link_notice_but_a_bad_link_does():
    at = probe({"n": "70", "ls": ["q", "zz"]})
    assert link_notices(at) == [
        "The link asked for values this page cannot use: `n=70` is not allowed here, so `n` "
        "is 2. `ls=q, zz` is not allowed here, so `ls` is q."
    ]
    for key in ("preset_0", "preset_1", "preset_2", "preset_0"):
        at.button(key=key).click().run()
        assert not link_notices(at), key


def test_a_preset_closes_its_menu_and_asks_for_the_key_figure():
    at = probe()
    # the menu says what a preset does (in the menu: a tooltip stayed on the projected page)
    assert frame.PRESETS_NOTE in [c.value for c in at.caption]
    at.button(key="preset_1").click().run()
    scripts = [h for h in at.get("html") if "scrollIntoView" in h.proto.body]
    assert len(scripts) == 1 and "st-key-key_figure" in scripts[0].proto.body
    assert '"Escape"' in scripts[0].proto.body  # closes the menu in the browser
    at.run()  # a rerun that is not a preset click neither scrolls nor closes anything
    assert not [h for h in at.get("html") if "scrollIntoView" in h.proto.body]


def test_a_preset_that_names_its_figure_brings_that_one_into_view():
    from streamlit.testing.v1 import AppTest

    probe_c = PROBE.replace('"C": {', '"C": {frame.FIGURE: "other_figure", ')
    assert probe_c != PROBE
    at = AppTest.from_string(probe_c, default_timeout=30).run()
    at.button(key="preset_2").click().run()
    (script,) = [h.proto.body for h in at.get("html") if "scrollIntoView" in h.proto.body]
    assert "st-key-other_figure" in script and "st-key-key_figure" not in script
    assert "_figure" not in at.session_state  # not a control: never set, never in the link
    assert at.multiselect(key="ls").value == ["q", "r"]  # the preset's controls were set


def test_a_preset_resets_to_the_pages_declared_defaults():
    at = probe({"n": "7"})
    at.button(key="preset_1").click().run()
    assert shown(at) == "n=2 c=y ls=['p']"


def test_an_unexpected_exception_is_friendly_and_logged(caplog):
    with caplog.at_level("ERROR", logger="loss_lab"):
        at = probe({"boom": "1"})
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith(frame.UNEXPECTED)
    assert "/srv" not in error.value and "Traceback" not in error.value
    assert "/srv/secret/path.py exploded" in caplog.text  # the server log has it


# --------------------------------------------------------------------------- presenter mode


def test_presenter_mode_is_carried_by_every_sidebar_link(app):
    at = app("streamlit_app.py", {"present": "1"})
    assert at.toggle(key="_frame_present").value is True
    links = at.sidebar.get("page_link")
    assert links and all("present=1" in link.proto.query_string for link in links)
    plain = app("streamlit_app.py")
    assert plain.toggle(key="_frame_present").value is False
    assert all("present" not in link.proto.query_string for link in plain.sidebar.get("page_link"))


def test_presenter_toggle_writes_the_url(app):
    at = app("streamlit_app.py")
    at.toggle(key="_frame_present").set_value(True).run()
    assert at.query_params["present"] in ("1", ["1"])
    at.toggle(key="_frame_present").set_value(False).run()
    assert "present" not in at.query_params


# --------------------------------------------------------------------------- loss pickers


def test_loss_picker_shows_titles_and_keeps_registry_names_in_the_link(app):
    from present import identity

    at = app("pages/5_Decision_boundaries.py", {"losses": ["cross_entropy", "hinge"]})
    picker = at.multiselect(key="losses")
    assert picker.value == ["cross_entropy", "hinge"]
    assert identity.title("hinge") in picker.options  # the picker shows display names
    assert at.query_params["losses"] == ["cross_entropy", "hinge"]  # the link keeps names
    assert not at.warning


def test_loss_picker_refuses_unknown_names_by_name(app):
    at = app("pages/5_Decision_boundaries.py", {"losses": ["mse", "nope"]})
    assert at.multiselect(key="losses").value == ["mse"]
    notice = " ".join(w.value for w in at.warning)
    assert "`losses=mse, nope` is not allowed here, so `losses` is mse." in notice


def test_page_titles_name_the_app_once():
    assert frame.page_title(screens.SCREENS["home"]) == "Loss Lab"
    assert frame.page_title(screens.SCREENS["decision_boundaries"]) == (
        "Decision boundaries · Loss Lab"
    )


# --------------------------------------------------------------------------- waiting in line


@pytest.mark.parametrize(
    "wait_s", [0.0, 0.3, None], ids=["served_at_once", "short_wait", "waits_in_line"]
)
def test_the_navigation_is_drawn_once_and_while_waiting_in_line(app, monkeypatch, wait_s):
    """A view that waits its turn long enough shows the navigation while it waits (a student
    in line can go elsewhere); a view served at once draws it in its turn. Either way once: a
    second presenter toggle would be a duplicate widget. ``wait_s``: when the view ahead
    leaves (``None``: only once the navigation is drawn, so the check holds on a busy
    machine)."""
    import threading

    from serve import jobs

    queue = jobs.JobQueue(slots=1)
    monkeypatch.setattr(jobs, "QUEUE", queue)
    monkeypatch.setattr(jobs, "_costs", {})  # not a quick look: it waits in QUEUE
    monkeypatch.setattr(jobs, "NAVIGATION_AFTER_S", 0.5)
    left = threading.Event()  # the view ahead has left the line
    drawn: list[bool] = []  # for each navigation drawn: whether the view ahead had left
    real = frame.sidebar

    def sidebar() -> None:
        drawn.append(left.is_set())
        real()

    monkeypatch.setattr(frame, "sidebar", sidebar)
    blocker = queue.enter("someone else's view")

    def leave() -> None:
        if wait_s is None:  # bounded, so a page that never draws it fails instead of hanging
            for _ in range(1200):
                if drawn:
                    break
                threading.Event().wait(0.05)
        else:
            threading.Event().wait(wait_s)
        left.set()
        queue.leave(blocker)

    timer = threading.Thread(target=leave)
    timer.start()
    at = app("streamlit_app.py")
    timer.join()
    assert len(drawn) == 1
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert links == [s.label for s in SCREENS]
    # waiting in line: drawn before its turn came; otherwise drawn in its turn
    assert drawn == [wait_s is not None]
    assert len(at.sidebar.get("toggle")) == 1


# --------------------------------------------------------------------------- tables


#: The pages that show tables (st.dataframe), with the link to a view that has them.
TABLES = {
    "gradient_anatomy": {"part": "Softmax, 2 classes"},
    "loss_landscape": {},
    "ce_for_regression": {},
    "decision_boundaries": {},
    "training_curves": {},
    "outlier_robustness": {},
    "loss_reference": {},
}


@pytest.mark.parametrize("key", TABLES)
def test_every_table_draws_a_missing_value_as_a_dash(app, key):
    """Streamlit's grid draws a missing cell as "None" whatever a Styler's na_rep says; the
    tables go through frame.table, whose placeholder is what the browser draws instead."""
    at = app(screens.SCREENS[key].path, TABLES[key])
    assert at.dataframe, "the page shows a table"
    assert [t.proto.placeholder for t in at.dataframe] == [frame.DASH] * len(at.dataframe)
