"""The lecture bar (ui.lecture) on a page, its QR codes, and the marks on charts (ui.charts).

AppTest runs the pages with a path in the link: the bar, the claim only while the widgets
show the stop's view, "Back to stop n" after a change, refusals named as for any link value.
A browser walks the path in ``tests/e2e/test_lecture.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from present import charts, paths
from present.default_path import DEFAULT
from ui import lecture

ROOT = Path(__file__).resolve().parents[2]


def page(path: str, query: dict | None = None) -> AppTest:
    """``path`` (from the repository's root) run with ``query`` in its link."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def open_stop(i: int, **extra: str) -> AppTest:
    """The page of stop ``i`` (0-based) of the default path, opened from its link."""
    s = DEFAULT.stops[i]
    query = s.params() | {paths.PATH: "default", paths.STOP: str(i + 1), **extra}
    return page(lecture.PAGES[s.page], query)


def texts(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_a_stop_shows_its_title_progress_and_claim():
    at = open_stop(1, present="1")
    s = DEFAULT.stops[1]
    assert not at.exception and not at.warning
    assert f"**2 / {len(DEFAULT)}**" in texts(at)
    assert lecture.escape(s.title) in texts(at) and lecture.escape(s.claim) in texts(at)
    keys = {b.key for b in at.button}
    assert {lecture.PREV, lecture.NEXT, "lecture_qr", "lecture_leave"} <= keys
    assert not at.button(key=lecture.PREV).disabled and not at.button(key=lecture.NEXT).disabled


def test_after_a_widget_change_the_claim_gives_way_to_back_to_the_stop():
    at = open_stop(1)
    s = DEFAULT.stops[1]
    at.number_input(key="a1").set_value(0.3).run()
    assert lecture.escape(s.claim) not in texts(at)
    assert at.button(key="lecture_back").label == "Back to stop 2"
    assert at.number_input(key="a1").value == 0.3  # the lecturer's own view stays


def test_leaving_the_path_keeps_the_view():
    at = open_stop(1)
    at.button(key="lecture_leave").click().run()
    assert paths.PATH not in at.query_params and paths.STOP not in at.query_params
    assert lecture.NEXT not in {b.key for b in at.button}
    assert at.number_input(key="a1").value == 0.8 and at.radio(key="y1").value == "0"


def test_the_first_and_last_stops_cannot_go_further():
    first = open_stop(0)
    assert first.button(key=lecture.PREV).disabled
    last = open_stop(len(DEFAULT) - 1)
    assert last.button(key=lecture.NEXT).disabled


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({paths.PATH: "nope"}, "cannot be opened"),
        ({paths.PATH: "AQ"}, "cannot be opened"),
        ({paths.PATH: "default", paths.STOP: "99"}, "is not a stop of this path"),
    ],
    ids=["unknown-name", "damaged-token", "stop-out-of-range"],
)
def test_a_refused_path_or_stop_is_named(query, says):
    at = page("pages/4_CE_for_regression.py", query)
    assert not at.exception
    assert any(says in w.value for w in at.warning)


def test_a_view_off_any_path_gets_a_qr_button_and_no_bar():
    at = page("pages/4_CE_for_regression.py")
    keys = {b.key for b in at.button}
    assert "lecture_qr_view" in keys and lecture.NEXT not in keys


def test_a_lecturers_own_path_opens_from_its_link():
    own = paths.Path(
        (
            paths.Stop(
                "CE_for_regression", (("G", "1, 2"), ("z", "2, 3")), "Mine *bold*", "[x](y)"
            ),
            paths.Stop("Loss_curves", (), "Next", "Claim"),
        )
    )
    at = page(
        "pages/4_CE_for_regression.py", {"G": "1, 2", "z": "2, 3", "lecture": paths.encode(own)}
    )
    assert not at.exception and not at.warning
    # untrusted title and claim: shown as text, never as markup
    assert lecture.escape("Mine *bold*") in texts(at) and r"\[x\]\(y\)" in texts(at)
    assert "**1 / 2**" in texts(at)


# --------------------------------------------------------------------------- helpers


def test_on_view_compares_values_as_the_link_would():
    s = paths.stop("P", "t", "c", lr=0.01, losses=["mse", "cross_entropy"], drive=True)
    drawn = {"lr": (0.010000000001, 0.5), "losses": (["cross_entropy", "mse"], []), "seed": (0, 0)}
    assert lecture.on_view(s, drawn | {"drive": (True, False)})
    assert not lecture.on_view(s, drawn | {"drive": (False, False)})
    assert not lecture.on_view(s, drawn | {"seed": (3, 0)})  # a control not named left default


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(["0.01"], ["0.010"], True), (["mse", "mae"], ["mae", "mse"], True), (["1"], ["2"], False)],
    ids=["number", "order", "different"],
)
def test_link_values_match_as_values(a, b, same):
    assert lecture.texts_match(a, b) is same


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://losslab.example.org/", "https://losslab.example.org"),
        ("http://10.0.0.5:8501/lab", "http://10.0.0.5:8501/lab"),
        ("javascript:alert(1)", None),
        ("https://x.org/?a=1", None),
        ("losslab.example.org", None),
    ],
    ids=["https", "lan-with-path", "javascript", "query", "no-scheme"],
)
def test_the_rooms_address_is_checked(text, ok):
    if ok is None:
        with pytest.raises(paths.PathError):
            lecture.check_base(text)
    else:
        assert lecture.check_base(text) == ok


def test_a_qr_code_decodes_to_its_link():
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg (Debian's zbar-tools) is needed to read the QR code back")
    link = lecture.full_link(DEFAULT.stops[5].link(), "https://losslab.example.org")
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", "-"], input=lecture.qr_png(link), capture_output=True
    )
    assert out.stdout.decode().strip() == link


def test_annotate_layers_marks_on_the_charts_own_scales():
    spec = {
        "mark": "line",
        "encoding": {"x": {"field": "w", "type": "quantitative"}},
        "data": {"values": [{"w": 1}]},
        "title": "t",
    }
    marks = [
        {"text": "rule", "x": 2.0, "y": None},
        {"text": "ring", "x": 1.0, "y": 3.0, "side": "left"},
        {"text": "level", "x": None, "y": 0.9},
        {"text": "corner"},
    ]
    out = charts.annotate(spec, marks, present=True)
    assert out["title"] == "t" and out["layer"][0]["mark"] == "line"
    texts_ = [
        layer
        for layer in out["layer"]
        if isinstance(layer["mark"], dict) and layer["mark"].get("type") == "text"
    ]
    assert {t["mark"]["text"] for t in texts_} == {"rule", "ring", "level", "corner"}
    assert all(t["mark"]["fontSize"] >= 18 for t in texts_)
    assert out["layer"][1]["encoding"] == {"x": {"datum": 2.0}}
    ring = next(t for t in texts_ if t["mark"]["text"] == "ring")
    assert ring["mark"]["align"] == "right" and ring["mark"]["dx"] < 0
    assert charts.annotate(spec, []) is spec
    assert charts.annotate({"hconcat": []}, marks) == {"hconcat": []}


def test_a_stop_marks_its_chart_and_nothing_else():
    at = open_stop(1)
    (chart,) = at.get("vega_lite_chart")
    spec = chart.proto.spec
    assert "MSE: 0.512" in spec and "CE: 0.8" in spec
    off = page("pages/2_Gradient_anatomy.py", DEFAULT.stops[1].params())
    assert all("MSE: 0.512" not in c.proto.spec for c in off.get("vega_lite_chart"))


# --------------------------------------------------------------------------- the editor


def test_the_editor_turns_pasted_links_into_one_path_link():
    at = page("pages/9_Lecture_path.py")
    lines = "\n".join(
        [
            "/Decision_boundaries?dataset=moons&flip=0.2&present=1",
            "https://evil.example/Loss_curves",
            "javascript:alert(1)",
            "/Loss_curves?task=regression",
        ]
    )
    at.text_area(key="_lecture_paste").input(lines)
    at.button[-1].click().run()  # the form's "Add these links"
    refused = [w.value for w in at.warning]
    assert any("Line 2" in w and "another site" in w for w in refused)
    assert any("Line 3" in w and "Only http and https" in w for w in refused)
    (link,) = [c.value for c in at.code]
    token = dict(parse_qsl(urlsplit(link).query))[paths.PATH]
    path = paths.decode(token, lecture.page_names())
    assert [(s.page, s.query) for s in path.stops] == [
        ("Decision_boundaries", (("dataset", "moons"), ("flip", "0.2"))),
        ("Loss_curves", (("task", "regression"),)),
    ]
    assert urlsplit(link).path.endswith("/Decision_boundaries") and "stop=1" in link


def test_the_editor_opens_on_the_default_lecture_from_its_link():
    at = page("pages/9_Lecture_path.py", {"start": "default"})
    (link,) = [c.value for c in at.code]
    token = dict(parse_qsl(urlsplit(link).query))[paths.PATH]
    assert paths.decode(token, lecture.page_names()).stops == tuple(
        paths.Stop(s.page, s.query, s.title, s.claim) for s in DEFAULT.stops
    )
