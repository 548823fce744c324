"""``present.untrusted``: text from links, files and exceptions shown literally, shortened, and CSV
cells a spreadsheet would evaluate neutralised."""

from __future__ import annotations

import csv
import io
import re
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from present import untrusted

#: Payloads a link or a file may carry (markdown, HTML, Streamlit's own markup, autolinks).
HOSTILE = {
    "link": "[Sign in again](https://evil.example/login)",
    "image": "![t](https://evil.example/pixel.png)",
    "autolink": "<https://evil.example/auto>",
    "bare-url": "see https://evil.example/bare now",
    "www": "www.evil.example",
    "email": "mail me@evil.example",
    "html": '<img src=x onerror="alert(1)"><b>bold</b>',
    "backtick-break": "1`![t](https://evil.example/p.png)",
    "double-backticks": "a``b` ```c",
    "streamlit": ":red[x] :material/home: :smile: $x^2$",
    "heading-list": "# heading\n- item\n\n> quote",
    "escapes": "a\\*b \\` \\\\",
    "entity": "&lt;b&gt; &#x3C;",
}
#: The starts of GitHub-flavoured markdown's autolink literals.
AUTOLINK_STARTS = re.compile(r"://|(?i:www)\.|@[A-Za-z0-9]")


def _unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md).replace("\u2060", "")


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_escapes_every_punctuation_character_and_breaks_autolinks(text):
    out = untrusted.markdown(text)
    # every ASCII punctuation character is preceded by a backslash (pairs are escapes)
    unescaped = re.sub(r"\\.", "", out)
    assert not any(c in string.punctuation for c in unescaped), out
    assert "\n" not in out
    # no autolink literal can start: the renderer resolves escapes before it looks for them
    assert not AUTOLINK_STARTS.search(re.sub(r"\\(.)", r"\1", out)), out
    # removing the escapes and the word joiners gives the text back, one line
    assert _unescape(out) == " ".join(text.split())


@given(st.text(max_size=200))
def test_markdown_round_trips_any_text(text):
    out = untrusted.markdown(text)
    assert not any(c in string.punctuation for c in re.sub(r"\\.", "", out))
    assert _unescape(out) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_code_span_fence_is_longer_than_any_backtick_run_inside(text):
    out = untrusted.code(text)
    fence = re.match(r"`+", out).group()
    assert out.endswith(fence) and len(out) > 2 * len(fence)
    inner = out[len(fence) : -len(fence)]
    assert all(len(run) < len(fence) for run in re.findall(r"`+", inner))
    # CommonMark strips one space each side when both are there: exactly the text remains
    shown = (
        inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else inner
    )
    assert shown == untrusted.short(text)


@given(st.text(alphabet="`a ", min_size=1, max_size=40))
def test_code_span_holds_any_backticks(text):
    out = untrusted.code(text, limit=100)
    fence = re.match(r"`+", out).group()
    inner = out[len(fence) : -len(fence)]
    assert all(len(run) < len(fence) for run in re.findall(r"`+", inner))
    assert not inner.strip("` ") or inner.strip() == inner.strip()  # padded, never cut


def test_short_bounds_the_length_and_says_the_full_one():
    value = "9" * 10_000
    out = untrusted.short(value)
    assert len(out) < untrusted.LIMIT + 40
    assert out.startswith("9" * untrusted.LIMIT) and "(10,000 characters)" in out
    assert untrusted.short("a\n\n  b") == "a b"
    assert len(untrusted.markdown(value, limit=50)) < 100
    assert len(untrusted.code(value)) < untrusted.LIMIT + 40


FORMULAS = [
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=1",
    "-",
    "+",
]
PLAIN = ["setosa", "class 0", "-1", "+2.5", "-0.5e3", ".5", "1e-3", "a=b", " =x", ""]


def test_spreadsheet_safe_prefixes_formula_cells_and_keeps_numbers():
    df = pd.DataFrame(
        {
            "label": FORMULAS + PLAIN[: len(FORMULAS)],
            "x": np.arange(2 * len(FORMULAS), dtype=float) - 3,
            "k": np.arange(2 * len(FORMULAS)) - 5,
            "=name": ["a"] * (2 * len(FORMULAS)),
        }
    )
    out = untrusted.spreadsheet_safe(df)
    assert list(out["label"][: len(FORMULAS)]) == ["'" + f for f in FORMULAS]
    assert list(out["label"][len(FORMULAS) :]) == PLAIN[: len(FORMULAS)]
    assert out["x"].dtype == float and out["k"].dtype == df["k"].dtype
    np.testing.assert_array_equal(out["x"], df["x"])
    assert "'=name" in out.columns and "=name" in df.columns  # a copy: df is unchanged
    assert df["label"][0] == FORMULAS[0]
    # the CSV a student downloads: no cell starts with a formula character
    rows = list(csv.reader(io.StringIO(untrusted.csv_text(df), newline="")))
    assert rows[0][3] == "'=name"
    for cell in [r[0] for r in rows[1:]]:
        assert not cell.startswith(untrusted.FORMULA_START) or re.fullmatch(r"[-+.\de]+", cell)


def test_a_line_break_in_a_cell_cannot_start_a_row():
    text = untrusted.csv_text(pd.DataFrame({"c": ["a\r=1+1", "b\n@SUM(1)", "c"], "x": [1, 2, 3]}))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["c", "x"], ["a\r=1+1", "1"], ["b\n@SUM(1)", "2"], ["c", "3"]]
    assert [line[:1] for line in text.split("\r\n")[1:-1]] == ['"', '"', "c"]


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_spreadsheet_safe_leaves_no_text_cell_a_formula(cells):
    out = untrusted.spreadsheet_safe(pd.DataFrame({"c": cells}))
    for before, after in zip(cells, out["c"], strict=True):
        if before.startswith(untrusted.FORMULA_START):
            assert after == "'" + before or re.fullmatch(r"[-+]?[\d.]+(e[-+]?\d+)?", before, re.I)
        else:
            assert after == before
