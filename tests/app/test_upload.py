"""Uploading a CSV on the comparison pages (AppTest): good files train, bad files get a message
and a working page (never a traceback), untrusted names are shown escaped."""

from __future__ import annotations

import re

import pytest

from present import untrusted
from tests.app.uploads import CSV_3_CLASSES, HOSTILE, blobs_csv, regression_csv, with_upload
from ui import controls, upload

BOUNDARIES = "pages/5_Decision_boundaries.py"
CURVES = "pages/6_Training_curves.py"
ROBUSTNESS = "pages/7_Outlier_robustness.py"
FAST = {"epochs": "20", "layers": "0"}


def _messages(at) -> str:
    return " | ".join(e.value for e in [*at.error, *at.warning, *at.info])


def _rows(n: int, line) -> bytes:
    return ("\n".join(line(i) for i in range(n)) + "\n").encode()


# Bad files a user may upload, and the message each must give on the page.
BAD = {
    "empty file": (b"", "The file is empty"),
    "header only": (b"a,b,species\n", "no data rows"),
    "binary (NUL bytes)": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not a text file"),
    "semicolon-separated": (
        b"a;b;species\n" + _rows(30, lambda i: f"{i};{i};{i % 2}"),
        "semicolon-separated",
    ),
    "not UTF-8 (Latin-1)": ("a,b,espèce\n1,2,x\n".encode("latin-1"), "not UTF-8"),
    "duplicated header names": (b"a,a,species\n1,2,x\n", "repeats column name"),
    "empty header name": (b"a,,species\n1,2,x\n", "empty column name"),
    "too many rows": (
        b"a,species\n" + _rows(20_001, lambda i: f"{i},{i % 2}"),
        "more than 20,000 data rows; Loss Lab takes at most 20,000 rows and 50 columns",
    ),
    "too many columns": (
        (",".join(f"c{i}" for i in range(60)) + "\n" + ",".join(["1"] * 60) + "\n").encode(),
        "The file has 60 columns; Loss Lab takes at most 50 columns and 20,000 rows",
    ),
    "above the upload size": (
        b"a,b\n" + b"1,2\n" * (3 * 2**20),
        "Loss Lab takes files up to 10 MB",
    ),
    "non-numeric features": (
        b"a,colour,species\n" + _rows(30, lambda i: f"{i},red,{i % 2}"),
        "'colour' are not numeric",
    ),
    "missing values": (
        b"a,b,species\n" + _rows(30, lambda i: f"{'' if i < 3 else i},{i},{i % 2}"),
        "3 missing values in 3 rows",
    ),
    "one class": (b"a,b,species\n" + _rows(30, lambda i: f"{i},{i},same"), "a single class"),
    "more than 20 classes": (
        b"a,b,species\n" + _rows(66, lambda i: f"{i},{i},k{i % 22}"),
        "has 22 classes; Loss Lab shows at most 20",
    ),
    "fewer than 20 rows": (
        b"a,b,species\n" + _rows(19, lambda i: f"{i},{i},{'xy'[i % 2]}"),
        "19 rows; Loss Lab needs at least 20",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_file_gets_a_message_and_a_working_page(app, case):
    content, expected = BAD[case]
    at = with_upload(BOUNDARIES, content, FAST)
    messages = _messages(at)
    # the message is escaped markdown: compare without the backslashes
    assert expected in messages.replace("\\", ""), messages
    assert not at.exception
    # the page stopped before training: no result table, no snippet
    assert not at.dataframe and not at.code
    # the sidebar still works: switch back to the built-in data
    at.session_state["source"] = upload.BUILT_IN
    at.run()
    assert not at.exception and at.dataframe


def test_missing_values_can_be_dropped(app):
    content, _ = BAD["missing values"]
    at = with_upload(BOUNDARIES, content, FAST)
    drop = [c for c in at.sidebar.checkbox if c.label == "Drop rows with missing values"]
    assert len(drop) == 1
    drop[0].check().run()
    assert not at.exception and not at.warning
    # 30 rows - 3 with a missing value = 27: ceil(0.3 * 27) = 9 test, 18 training
    assert any("18 training / 9 test rows" in c.value for c in at.caption)
    assert at.dataframe  # trained


def test_upload_trains_and_keeps_class_names(app):
    at = with_upload(BOUNDARIES, CSV_3_CLASSES, FAST)
    assert not at.error and not at.warning
    text = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "3 classes: **bold**, <img src=x onerror=alert(1)>, setosa" in text
    assert "first two principal components of 3 features" in text and "projection" in text
    rows = at.dataframe[0].value["loss"].tolist()
    assert len(rows) == 5  # one row per default loss, then the majority-class baseline
    assert rows[-1].startswith("baseline: always ")
    # the class balance and the baseline every accuracy stands beside
    assert "Class balance (training/test rows): " in text
    assert "an accuracy at or below it learned only the class balance" in text


def test_rows_repeated_across_the_split_are_flagged(app):
    """Issue 19: an upload warns about rows duplicated across the train/test split (the test
    score on them measures memory)."""
    clean = with_upload(BOUNDARIES, CSV_3_CLASSES, FAST)
    assert not any("repeat the inputs of a training row" in w.value for w in clean.warning)
    lines = CSV_3_CLASSES.decode().strip().split("\n")
    doubled = ("\n".join([lines[0], *lines[1:], *lines[1:]]) + "\n").encode()
    at = with_upload(BOUNDARIES, doubled, FAST)
    warned = [w.value for w in at.warning if "repeat the inputs of a training row" in w.value]
    assert warned and "measures memory, not generalisation" in warned[0]


def test_untrusted_text_reaches_markdown_only_escaped(app):
    """Every markdown element holding a name from the file has it backslash-escaped."""
    csv = blobs_csv(labels=("**bold**", HOSTILE, ":red[x] $x$")).replace(b"a,b,c", b"a,[l](u),c")
    at = with_upload(BOUNDARIES, csv, FAST, name="**x**.csv")
    markdown = [e.value for e in [*at.caption, *at.markdown, *at.error, *at.warning, *at.info]]
    joined = " ".join(markdown)
    for raw in ("**bold**", "<img", "**x**", ":red[", "$x$", "[l](u)"):
        # present only with its first character escaped (shown literally)
        assert not re.search(r"(?<!\\)" + re.escape(raw), joined), raw
    assert untrusted.markdown(HOSTILE) in joined
    # widget labels never carry file text; options do (plain text there)
    labels = [w.label for w in at.sidebar.selectbox] + [w.label for w in at.sidebar.multiselect]
    assert not any("bold" in lbl or "<img" in lbl for lbl in labels)


def test_two_column_view_says_what_the_plane_is(app):
    at = with_upload(
        BOUNDARIES, CSV_3_CLASSES, FAST, state={f"up_view_{_digest(CSV_3_CLASSES)}": "Two columns"}
    )
    text = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "the two columns a (x₁) and b (x₂) only" in text


def _digest(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()[:12]


def test_regression_target_on_a_classification_page_says_where_to_go(app):
    at = with_upload(BOUNDARIES, regression_csv(), FAST)
    assert "Outlier robustness" in _messages(at)
    assert not at.dataframe


def test_one_feature_on_a_plane_page_is_explained(app):
    at = with_upload(BOUNDARIES, b"x,grade\n" + _rows(40, lambda i: f"{i},{i % 2}"), FAST)
    assert "needs 2 feature columns besides the target; the file has 1" in _messages(at)
    assert not at.dataframe


def test_task_override_makes_a_numeric_target_classes(app):
    rows = _rows(60, lambda i: f"{i % 7},{i % 5},{i % 3}")
    at = with_upload(BOUNDARIES, b"x,z,grade\n" + rows, FAST)
    task = next(r for r in at.sidebar.radio if r.label == "Task")
    assert task.value == "classification"  # inferred: three whole numbers
    task.set_value("regression").run()
    assert "Outlier robustness" in _messages(at)


def test_training_curves_with_an_upload(app):
    at = with_upload(CURVES, CSV_3_CLASSES, {**FAST, "seeds": "2"})
    assert not at.error and at.dataframe
    assert any("3 features" in c.value for c in at.caption)


def test_robustness_regression_with_an_upload(app):
    query = {"task": "regression", "sweep": "false", "repochs": "30"}
    at = with_upload(ROBUSTNESS, regression_csv(), query, prefix="r")
    assert not at.error and not at.warning, _messages(at)
    assert at.dataframe


def test_robustness_classification_with_an_upload(app):
    query = {"task": "classification", "sweep": "false", "cepochs": "30"}
    at = with_upload(ROBUSTNESS, CSV_3_CLASSES, query, prefix="c")
    assert not at.error and at.dataframe


def test_no_file_yet_shows_how_to_upload(app):
    at = app(BOUNDARIES, FAST)
    at.sidebar.button_group(key="source").set_value(upload.OWN).run()
    assert "Upload a CSV file" in _messages(at)
    assert not at.dataframe and not at.exception


def test_built_in_default_and_links_unchanged(app):
    at = app(BOUNDARIES, {"dataset": "moons", **FAST})
    assert at.sidebar.selectbox(key="dataset").value == "moons"
    assert upload.STORE not in at.session_state
    assert at.dataframe and not at.warning


def test_the_file_stays_in_its_session(app):
    with_upload(BOUNDARIES, CSV_3_CLASSES, FAST)
    other = app(BOUNDARIES, FAST)  # another session, same server process
    assert upload.STORE not in other.session_state
    other.sidebar.button_group(key="source").set_value(upload.OWN).run()
    assert "Upload a CSV file" in _messages(other)


def _big_csv(n: int = 20_000) -> bytes:
    return b"a,b,c,species\n" + _rows(n, lambda i: f"{i % 97},{i % 89},{i % 83},{'xy'[i % 2]}")


def test_20000_rows_over_the_work_budget_get_a_clear_limit(app):
    """The default Training curves view (3 seeds x 4 losses, 200 epochs) on 20 000 rows is
    over the work budget: refused with a sentence, before any training."""
    at = with_upload(CURVES, _big_csv())
    assert any(controls.OVER_BUDGET in e.value for e in at.error), _messages(at)
    assert not at.dataframe
    assert "14,000 training / 6,000 test rows" in " ".join(c.value for c in at.caption)


def test_switching_to_the_csv_and_a_preset_switching_back(app):
    at = app(BOUNDARIES, {"dataset": "moons", **FAST})
    at.sidebar.button_group(key="source").set_value(upload.OWN).run()
    assert "Upload a CSV file" in _messages(at)  # the switch stuck (no flip back)
    at.session_state[upload.STORE] = {"name": "x.csv", "data": CSV_3_CLASSES}
    at.run()
    assert at.dataframe and not at.error
    # a lecture preset sets the dataset (frame.presets writes the bound keys): built-in again
    at.session_state["dataset"] = "moons"
    at.run()
    assert at.session_state["source"] == upload.BUILT_IN
    assert at.sidebar.selectbox(key="dataset").value == "moons"
