""" "Reproduce this view": the core snippet a page shows, executed, gives the page's numbers."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from tests.app.uploads import CSV_3_CLASSES, with_upload


def _snippet_scores(at) -> dict[str, float]:
    codes = [c.value for c in at.code if "fit_many" in c.value]
    assert len(codes) == 1, "one core snippet per page"
    namespace: dict = {}
    exec(compile(codes[0], "<snippet>", "exec"), namespace)
    return namespace["scores"]


def _column(at, name: str) -> list[float]:
    """A table's column for the losses (its majority-class baseline row left out)."""
    for df in at.dataframe:
        if name in df.value.columns:
            rows = df.value[~df.value.iloc[:, 0].astype(str).str.startswith("baseline: ")]
            return [float(v) for v in rows[name]]
    raise AssertionError(f"no table with column {name!r}")


BOUNDARY_VIEWS = {
    "moons": {
        "dataset": "moons",
        "losses": ["cross_entropy", "mse", "hinge"],
        "layers": "1",
        "width": "8",
        "epochs": "40",
    },
    "blobs with flips": {
        "dataset": "blobs",
        "losses": ["cross_entropy", "mae"],
        "layers": "0",
        "epochs": "30",
        "flip": "0.2",
        "lr": "0.05",
    },
}


@pytest.mark.parametrize("view", list(BOUNDARY_VIEWS), ids=list(BOUNDARY_VIEWS))
def test_boundaries_snippet_gives_the_page_numbers(app, view):
    at = app("pages/5_Decision_boundaries.py", BOUNDARY_VIEWS[view])
    scores = _snippet_scores(at)
    assert list(scores) == BOUNDARY_VIEWS[view]["losses"]
    np.testing.assert_allclose(list(scores.values()), _column(at, "test accuracy"), atol=1e-12)


def test_training_curves_snippet_gives_the_page_numbers(app):
    query = {
        "dataset": "moons",
        "losses": ["cross_entropy", "mse"],
        "layers": "1",
        "width": "8",
        "epochs": "30",
        "seeds": "2",
    }
    at = app("pages/6_Training_curves.py", query)
    scores = _snippet_scores(at)
    np.testing.assert_allclose(
        list(scores.values()), _column(at, "final test accuracy"), atol=1e-12
    )


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_robustness_snippet_gives_the_page_numbers(app, task):
    query = {"task": task, "sweep": "false", "repochs": "40", "cepochs": "40"}
    at = app("pages/7_Outlier_robustness.py", query)
    scores = _snippet_scores(at)
    metric = "clean-test RMSE (std. units)" if task == "regression" else "clean-test accuracy"
    np.testing.assert_allclose(list(scores.values()), _column(at, metric), rtol=1e-9)


def test_uploaded_csv_snippet_reads_the_file_by_name(app, tmp_path, monkeypatch):
    at = with_upload(
        "pages/5_Decision_boundaries.py", CSV_3_CLASSES, {"epochs": "20", "layers": "0"}
    )
    code = next(c.value for c in at.code if "fit_many" in c.value)
    assert "ds = tabular.load_csv(\n    'my data.csv'," in code
    # run it where the file is, as a student would
    (tmp_path / "my data.csv").write_bytes(CSV_3_CLASSES)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "<snippet>", "exec"), namespace)
    np.testing.assert_allclose(
        list(namespace["scores"].values()), _column(at, "test accuracy"), atol=1e-12
    )


# --------------------------------------------------------------------------- the fixture's views

_check_spec = importlib.util.spec_from_file_location(
    "check_reproduce", Path(__file__).resolve().parents[2] / "scripts" / "check_reproduce.py"
)
check = importlib.util.module_from_spec(_check_spec)
_check_spec.loader.exec_module(check)
FIXTURE = json.loads(check.OUT.read_text(encoding="utf-8"))["views"]


@pytest.mark.parametrize(
    "view", FIXTURE, ids=[f"{Path(v['page']).stem[2:]}:{v['view']}" for v in FIXTURE]
)
def test_each_page_still_shows_the_views_the_reproduce_fixture_checks(app, monkeypatch, view):
    # tests/ui/test_reproduce_fixture.py runs these views' snippets; here the page must still
    # train exactly that view (a changed preset means: rerun scripts/check_reproduce.py) and
    # its table must show the numbers the snippets are compared with
    check.RECORDED.clear()
    monkeypatch.setattr(check.reproduce, "expander", check.reproduce.expander)
    check.record_expander()
    at = app(view["page"], timeout=600)
    if view["view"] != "default":
        labels = [b.label for b in at.button]
        at = at.button[labels.index(view["view"])].click().run()
        assert not at.exception
    assert check.RECORDED[-1] == view["spec"]
    assert check.table_numbers(at, view["spec"]) == view["table"]
    shown = check.shown_snippets(at)
    assert [check.sha(s + "\n") for s in shown] == [view["core_sha256"], view["torch_sha256"]]
