"""Lecture paths as values (present.paths): the one-link encoding, its bounds and refusals, and
which pasted links are taken."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from present import paths
from present.paths import LIMITS, Path, PathError, Stop, decode, encode, parse_link

PAGES = ["", "Loss_curves", "Decision_boundaries", "Training_curves"]
HOSTS = ["losslab.example.org", "127.0.0.1"]


def token_of(doc: object, version: int = paths.VERSION) -> str:
    raw = bytes([version]) + zlib.compress(json.dumps(doc).encode())
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def two_stops() -> Path:
    return Path(
        (
            paths.stop("Decision_boundaries", "Hinge", "Hinge idles.", dataset="moons", flip=0.2),
            paths.stop("", "Home", "", losses=["cross_entropy", "mse"], drive=True),
        )
    )


# --------------------------------------------------------------------------- the encoding


def test_a_path_survives_its_link_and_starts_with_the_version_byte():
    path = two_stops()
    token = encode(path)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))[0] == paths.VERSION
    assert decode(token, PAGES) == path
    assert encode(decode(token, PAGES)) == token  # canonical: one path, one token


def test_values_are_written_as_the_url_holds_them():
    s = paths.stop(
        "Training_curves", "t", "c", losses=["cross_entropy", "mse"], drive=False, lr=0.5
    )
    assert s.query == (
        ("losses", "cross_entropy"),
        ("losses", "mse"),
        ("drive", "false"),
        ("lr", "0.5"),
    )
    assert s.params() == {"losses": ["cross_entropy", "mse"], "drive": ["false"], "lr": ["0.5"]}
    assert s.link() == "Training_curves?losses=cross_entropy&losses=mse&drive=false&lr=0.5"


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PAGES),
            st.lists(
                st.tuples(
                    st.from_regex(r"[a-z_]{1,12}", fullmatch=True), _text.map(lambda t: t[:50])
                ),
                max_size=6,
            ),
            _text.map(lambda t: paths.clean_text(t, 10**6, "title")[:80].strip()),
            _text.map(lambda t: paths.clean_text(t, 10**6, "claim")[:300].strip()),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_bounded_path_round_trips(items):
    path = Path(tuple(Stop(p, tuple(q), title, claim) for p, q, title, claim in items))
    assert decode(encode(path), PAGES) == path


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("", "damaged or too long"),
        ("abc def", "damaged or too long"),
        ("a" * (LIMITS["token"] + 1), "damaged or too long"),
        ("javascript:alert(1)", "damaged or too long"),
        ("A", "not base64"),
        (token_of({"s": []}, version=2), "another version"),
        (base64.urlsafe_b64encode(b"\x01not zlib").decode().rstrip("="), "not compressed"),
        (token_of([1, 2, 3]), "unexpected content"),
        (token_of({"s": [["", [], "t"]]}), "unexpected content"),
        (token_of({"s": [["", [["k", 1]], "t", "c"]]}), "unexpected content"),
        (token_of({"s": []}), "at least one stop"),
        (token_of({"s": [["Nope", [], "t", "c"]]}), "page Loss Lab does not have"),
        (token_of({"s": [["", [["a b", "1"]], "t", "c"]]}), "not a Loss Lab parameter"),
        (token_of({"s": [["", [], "t" * 81, "c"]]}), "at most 80"),
        (token_of({"s": [["", [], "t", "line\nbreak"]]}), "one line"),
        (token_of({"s": [["", [], "t", "c"]] * (LIMITS["stops"] + 1)}), "at most 30 stops"),
    ],
    ids=[
        "empty",
        "space",
        "too-long",
        "javascript",
        "not-base64",
        "other-version",
        "not-zlib",
        "not-a-dict",
        "three-fields",
        "non-text-value",
        "no-stop",
        "unknown-page",
        "bad-key",
        "long-title",
        "two-line-claim",
        "too-many-stops",
    ],
)
def test_a_damaged_or_foreign_path_is_refused_with_a_reason(token, says):
    with pytest.raises(PathError, match=says):
        decode(token, PAGES)


def test_a_zip_bomb_stops_at_the_size_limit():
    doc = {"s": [["", [], "t", "c" * 200_000]]}
    token = token_of(doc)
    assert len(token) < LIMITS["token"]  # small in the link, huge inflated
    with pytest.raises(PathError, match="too large"):
        decode(token, PAGES)


def test_encode_refuses_a_path_over_the_limits():
    long = Path(tuple(Stop("", (), "t", "c") for _ in range(LIMITS["stops"] + 1)))
    with pytest.raises(PathError, match="at most 30 stops"):
        encode(long)
    with pytest.raises(PathError, match="at most 300"):
        encode(Path((Stop("", (), "t", "c" * 301),)))


@pytest.mark.parametrize(
    ("raw", "n", "index"),
    [([], 4, 0), (["1"], 4, 0), (["4"], 4, 3), (["9", "2"], 4, 1), ([" 3 "], 4, 2)],
    ids=["absent", "first", "last", "last-value-counts", "spaces"],
)
def test_the_stop_number_is_one_based(raw, n, index):
    assert paths.stop_number(raw, n) == index


@pytest.mark.parametrize("raw", [["0"], ["5"], ["-1"], ["two"], [""], ["1e1"]])
def test_a_stop_outside_the_path_is_refused(raw):
    with pytest.raises(PathError, match="not a stop of this path"):
        paths.stop_number(raw, 4)


# --------------------------------------------------------------------------- pasted links


@pytest.mark.parametrize(
    ("link", "page", "query"),
    [
        (
            "https://losslab.example.org/Decision_boundaries?dataset=moons&present=1&stop=2",
            "Decision_boundaries",
            (("dataset", "moons"),),
        ),
        ("http://127.0.0.1/Loss_curves", "Loss_curves", ()),
        ("https://losslab.example.org/", "", ()),
        ("https://LOSSLAB.example.org", "", ()),
        (
            "/Training_curves?losses=mse&losses=mae",
            "Training_curves",
            (("losses", "mse"), ("losses", "mae")),
        ),
        ("Loss_curves?cls=", "Loss_curves", (("cls", ""),)),
        ("  /?dataset=xor  ", "", (("dataset", "xor"),)),
    ],
    ids=[
        "https-own-host",
        "http-loopback",
        "home",
        "host-case",
        "bare-path",
        "bare-name",
        "spaces",
    ],
)
def test_links_of_this_app_are_taken_without_mode_or_path(link, page, query):
    assert parse_link(link, PAGES, HOSTS) == (page, query)


def test_an_app_under_a_base_path_keeps_it_in_front():
    assert parse_link("https://host.org/lab/Loss_curves", PAGES, ["host.org"], "/lab") == (
        "Loss_curves",
        (),
    )
    with pytest.raises(PathError, match="not under this Loss Lab"):
        parse_link("https://host.org/Loss_curves", PAGES, ["host.org"], "/lab")


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("", "empty"),
        ("javascript:alert(1)", "Only http and https"),
        ("JAVASCRIPT://losslab.example.org/%0aalert(1)", "Only http and https"),
        ("data:text/html,<b>x</b>", "Only http and https"),
        ("ftp://losslab.example.org/Loss_curves", "Only http and https"),
        ("https://evil.example/Loss_curves", "another site"),
        ("https://losslab.example.org.evil.example/", "another site"),
        ("https://user:pw@losslab.example.org/", "no user name"),
        ("//evil.example/Loss_curves", "Only http and https"),
        ("https://losslab.example.org/Nope", "not a Loss Lab page"),
        ("/Loss_curves/../../etc/passwd", "not a Loss Lab page"),
        ("/Loss_curves#top", "no '#' part"),
        ("/Loss_curves?a b=1", "no spaces"),
        ("/Loss_curves?x=" + "9" * 201, "longer than 200"),
        ("/Loss_curves?" + "&".join(f"k{i}=1" for i in range(41)), "at most 40 parameters"),
        ("/Loss_curves?%3Cscript%3E=1", "not a Loss Lab parameter"),
    ],
    ids=[
        "empty",
        "javascript",
        "javascript-upper",
        "data",
        "ftp",
        "other-host",
        "lookalike-host",
        "credentials",
        "scheme-relative",
        "unknown-page",
        "dot-dot",
        "fragment",
        "space",
        "long-value",
        "many-params",
        "markup-key",
    ],
)
def test_foreign_or_malformed_links_are_refused_with_a_reason(link, says):
    with pytest.raises(PathError, match=says):
        parse_link(link, PAGES, HOSTS)


def test_clean_text_makes_one_line_and_bounds_it():
    assert paths.clean_text("  two\nlines\t here\x00 ", 80, "title") == "two lines here"
    with pytest.raises(PathError, match="title has at most 3"):
        paths.clean_text("four", 3, "title")
