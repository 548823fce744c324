"""Home page (AppTest): four boundaries side by side, computed takeaway, links to every page."""

from __future__ import annotations

import re

import pytest

from core import datasets, metrics, train
from tests.conftest import per_loss
from ui import player, screens
from views import home

PAGE = "streamlit_app.py"
LOSSES = ("cross_entropy", "mse", "mae", "hinge")
SHORT = {"cross_entropy": "CE", "mse": "MSE", "mae": "MAE", "hinge": "hinge"}


def core_accuracies(name: str) -> dict[str, float]:
    """Test accuracies straight from ``core`` with the home page's model (float64, seed 0)."""
    ds = datasets.load(name)
    cfgs = per_loss(LOSSES, epochs=150, dtype="float64")  # 32x32 tanh, Adam, lr 0.01: defaults
    return {
        n: metrics.accuracy(ds.y_test, r.model.decision_function(ds.X_test))
        for n, r in zip(LOSSES, train.fit_many(ds, cfgs), strict=True)
    }


@pytest.mark.parametrize("name", ["spirals", "circles"])
def test_four_boundaries_and_a_takeaway_computed_from_them(app, name):
    at = app(PAGE, None if name == "spirals" else {"dataset": name})
    acc = core_accuracies(name)
    players = at.get("bidi_component")  # the figure: ui.player's panels
    assert len(players) == 1
    view = player.read(players[0].proto)
    assert [p["name"] for p in view["panels"]] == list(LOSSES)  # one panel per loss
    assert view["epoch"] == home.MODEL.epochs  # it opens on the end of training
    assert view["editable"] is False and view["link"] is None
    for j, n in enumerate(LOSSES):
        # the panel's header at the last epoch: core's "test accuracy {exact test[-1]:.1%}"
        assert view["exact"]["test"][j][-1] == pytest.approx(acc[n], abs=1e-12)
    text = at.info[0].value
    best = max(acc.values())
    worst = min(acc.values())
    if best != worst:
        shown = re.findall(r"(\d+\.\d)%", text)[:2]
        assert shown == [f"{100 * best:.1f}", f"{100 * worst:.1f}"], text
    assert any(datasets.info(name).title in c.value for c in at.caption)


def test_opens_on_a_dataset_where_the_loss_matters(app):
    # The default view must make the point: cross-entropy wins clearly, the loser is named.
    at = app(PAGE)
    acc = core_accuracies(home.DEFAULT)
    assert home.DEFAULT == "spirals" and max(acc, key=acc.get) == "cross_entropy"
    assert acc["cross_entropy"] - min(acc.values()) > 0.2
    text = at.info[0].value
    assert text.startswith("CE wins with") and f"{SHORT[min(acc, key=acc.get)]} loses" in text
    assert at.title[0].value == "Loss Lab"


def test_links_to_every_existing_page(app):
    at = app(PAGE)
    links = at.get("page_link")
    labels = [link.proto.label for link in links]
    existing = [
        s
        for g in screens.PAGES.values()
        for s in g
        if s.key != "home" and (screens.ROOT / s.path).exists()
    ]
    for s in existing:
        assert s.label in labels
    # the "open this comparison" link carries the view to the boundary page
    deep = [link.proto for link in links if "Open this comparison" in link.proto.label]
    assert deep and "dataset=spirals" in deep[0].query_string


def test_hostile_dataset_falls_back_to_spirals_with_a_notice(app):
    at = app(PAGE, {"dataset": "digits"})
    assert any("Spirals" in c.value for c in at.caption)
    assert "`dataset=digits`" in " ".join(w.value for w in at.warning)


def test_old_moons_link_still_opens_moons(app):
    at = app(PAGE, {"dataset": "moons"})
    assert any("Two moons" in c.value for c in at.caption)
    assert not at.warning
