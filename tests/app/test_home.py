"""Home page (AppTest): four boundaries side by side, computed takeaway, links to every page."""

from __future__ import annotations

import json
import re

import pytest

from core import datasets, metrics, train
from ui import frame

PAGE = "streamlit_app.py"
LOSSES = ("cross_entropy", "mse", "mae", "hinge")
SHORT = {"cross_entropy": "CE", "mse": "MSE", "mae": "MAE", "hinge": "hinge"}


def core_accuracies(name: str) -> dict[str, float]:
    ds = datasets.load(name)
    cfgs = [
        train.TrainConfig(loss=n, hidden=(32,), activation="tanh", optimizer="adam", lr=0.01,
                          epochs=300, dtype="float32")
        for n in LOSSES
    ]  # fmt: skip
    return {
        n: metrics.accuracy(ds.y_test, r.model.decision_function(ds.X_test))
        for n, r in zip(LOSSES, train.fit_many(ds, cfgs), strict=True)
    }


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_four_boundaries_and_a_takeaway_computed_from_them(app, name):
    at = app(PAGE, None if name == "moons" else {"dataset": name})
    acc = core_accuracies(name)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["columns"] == 4 and len(spec["facet"]["sort"]) == 4  # one panel per loss
    headers = " ".join(spec["facet"]["sort"])
    for n in LOSSES:
        assert f"test accuracy {acc[n]:.1%}" in headers
    text = at.info[0].value
    best = max(acc.values())
    worst = min(acc.values())
    if best != worst:
        shown = re.findall(r"(\d+\.\d)%", text)[:2]
        assert shown == [f"{100 * best:.1f}", f"{100 * worst:.1f}"], text
    assert any(datasets.info(name).title in c.value for c in at.caption)


def test_links_to_every_existing_page(app):
    at = app(PAGE)
    links = at.get("page_link")
    labels = [link.proto.label for link in links]
    existing = [
        s for g in frame.PAGES.values() for s in g
        if s.key != "home" and (frame.ROOT / s.path).exists()
    ]  # fmt: skip
    for s in existing:
        assert s.label in labels
    # the "open this comparison" link carries the view to the boundary page
    deep = [link.proto for link in links if "Open this comparison" in link.proto.label]
    assert deep and "dataset=moons" in deep[0].query_string


def test_hostile_dataset_falls_back_to_moons_with_a_notice(app):
    at = app(PAGE, {"dataset": "digits"})
    assert any("Two moons" in c.value for c in at.caption)
    assert "`dataset=digits`" in " ".join(w.value for w in at.warning)
