"""Every CSV a page offers, downloaded after a hostile upload: no cell a spreadsheet would
evaluate as a formula, numbers still numbers (``ui.frame.csv_download``, ``present.untrusted``).

The download buttons write their CSV when clicked (a callable); the test records each button
a page draws and calls it, as a click does.
"""

from __future__ import annotations

import csv
import io

import pytest
import streamlit as st

from present import untrusted
from tests.app.uploads import blobs_csv, with_upload

#: Class labels a spreadsheet would run (OWASP's examples), from an uploaded CSV.
FORMULAS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)")
FAST = {"epochs": "20", "layers": "0"}


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``{file name: CSV text}`` of every CSV download button the pages draw."""
    seen: dict[str, str] = {}
    real = st.download_button

    def record(label, data, file_name=None, *args, **kwargs):
        if file_name and file_name.endswith(".csv"):
            body = data() if callable(data) else data
            seen[file_name] = body.decode() if isinstance(body, bytes) else body
        return real(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    return seen


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_safe(name: str, text: str) -> None:
    rows = _cells(text)
    for row in rows:
        for cell in row:
            if cell.startswith(untrusted.FORMULA_START):
                float(cell)  # only a plain number may start so (-0.5); it must parse
    # every formula label is there, neutralised
    labels = {c for row in rows[1:] for c in row}
    for f in FORMULAS:
        if f in {c.lstrip("'") for c in labels}:
            assert "'" + f in labels and f not in labels, (name, f)


CASES = {
    "decision_boundaries": ("pages/5_Decision_boundaries.py", FAST, ""),
    "training_curves": ("pages/6_Training_curves.py", {**FAST, "seeds": "1"}, ""),
    "outlier_robustness": (
        "pages/7_Outlier_robustness.py",
        {"task": "classification", "cepochs": "20", "seeds": "1", "nrates": "3"},
        "c",
    ),
}


@pytest.mark.parametrize("page", list(CASES))
def test_every_csv_after_a_hostile_upload_is_spreadsheet_safe(app, downloads, page):
    path, query, prefix = CASES[page]
    at = with_upload(path, blobs_csv(n=80, labels=FORMULAS), query, prefix=prefix)
    assert not at.error, [e.value for e in at.error]
    assert downloads, "the page drew no CSV button"
    labelled = 0
    for name, text in downloads.items():
        _assert_safe(name, text)
        labelled += any("'=1+1" in c for row in _cells(text) for c in row)
    if page != "training_curves":  # its tables hold losses and numbers, not class labels
        assert labelled >= 2, list(downloads)
    # numbers stay numbers: a numeric column of the points table reads back as numbers
    for text in downloads.values():
        rows = _cells(text)
        if "x1" in rows[0]:
            i = rows[0].index("x1")
            assert all(isinstance(float(r[i]), float) for r in rows[1:])
