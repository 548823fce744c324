"""Home, decision boundaries and training curves in a real browser: links restore the view."""

from __future__ import annotations

import pytest

from present import identity
from tests.e2e import takeaways

pytestmark = pytest.mark.e2e

INFO = '[data-testid="stAlertContentInfo"]'
WARNING = '[data-testid="stAlertContentWarning"]'
CHART = '[data-testid="stVegaLiteChart"]'
#: The boundary figure: ui.player's panels, decoded and drawn (``data-ready``).
PLAYER = ".ll-player[data-ready='1']"
SIDEBAR = '[data-testid="stSidebar"]'


def takeaway(page) -> str:
    """The first takeaway box: its headline and its details."""
    return takeaways.texts(page)[0]


def dataset_shown(page) -> str:
    """The dataset selectbox's displayed title (a combobox input's value)."""
    return page.get_by_role("combobox", name="Dataset").input_value()


def test_home_default(open_page):
    page = open_page("", screenshot="compare_home")
    page.wait_for_selector(PLAYER)
    assert page.locator(PLAYER).count() == 1
    assert page.locator(f"{PLAYER} .ll-panel").count() == 4
    head = takeaways.headline(page)
    assert head.startswith("Test accuracy, 10 seeds: CE best or tied in ") and "baseline" in head
    assert "the median run" in takeaway(page)
    cards = page.locator('[data-testid="stMain"] [data-testid="stPageLink"]')
    assert cards.count() >= 3  # the deep link plus one card per existing page


def test_home_link_restores_the_dataset(open_page):
    page = open_page("", {"dataset": "circles"}, screenshot="compare_home_circles")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Concentric circles" in main
    assert "dataset=circles" in page.url


def test_decision_boundaries_default(open_page):
    page = open_page("Decision_boundaries", screenshot="compare_boundaries_default")
    page.wait_for_selector(PLAYER)
    assert page.locator(PLAYER).count() == 1
    assert page.locator(f"{PLAYER} .ll-panel").count() == 4
    assert "at epoch 150" in takeaway(page)
    assert dataset_shown(page) == "spirals"


def test_decision_boundaries_link_restores_three_classes_with_label_noise(open_page):
    query = {
        "dataset": "blobs",
        "blobs_n_classes": "3",
        "layers": "0",
        "epochs": "60",
        "lr": "0.05",
        "losses": ["cross_entropy", "hinge", "multi_margin"],
        "flip": "0.2",
        "epoch": "60",
    }
    page = open_page("Decision_boundaries", query, screenshot="compare_boundaries_blobs_noise")
    assert dataset_shown(page) == "blobs"
    sidebar = page.locator(SIDEBAR).inner_text()
    for name in ("cross_entropy", "hinge", "multi_margin"):
        assert identity.title(name) in sidebar  # the picker shows display names
    assert "The flipped points are 20% of the training points and carry" in takeaway(page)
    assert page.locator(WARNING).count() == 0  # every value in the link was taken
    rows = page.locator('[data-testid="stDataFrame"]').first
    assert rows.is_visible()
    assert "3 classes" in page.locator('[data-testid="stMain"]').inner_text()
    # the address bar keeps the view (values equal to a widget's default are left out)
    for part in ("dataset=blobs", "layers=0", "flip=0.2", "losses=hinge", "epochs=60"):
        assert part in page.url


def test_training_curves_link(open_page):
    query = {
        "dataset": "breast_cancer",
        "losses": ["cross_entropy", "hinge"],
        "layers": "1",
        "width": "16",
        "epochs": "40",
        "seeds": "3",
        "target": "0.95",
    }
    page = open_page("Training_curves", query, screenshot="compare_training_breast_cancer")
    # accuracy, a loss panel per loss, test log-loss, reliability
    assert page.locator(CHART).count() == 3 + len(query["losses"])
    assert dataset_shown(page) == "breast_cancer"
    assert "dataset=breast_cancer" in page.url and "losses=hinge" in page.url
    text = takeaway(page)
    assert "Calibration:" in text and "95%" in text
    assert page.locator(WARNING).count() == 0


def test_training_curves_refused_value_is_named(open_page):
    query = {"dataset": "moons", "epochs": "999999", "seeds": "1", "layers": "1", "width": "8"}
    page = open_page("Training_curves", query, screenshot="compare_training_refused")
    notice = page.locator(WARNING).first.inner_text()
    assert "epochs=999999" in notice and "is not allowed here" in notice
    assert page.locator(CHART).count() == 3 + 4  # the default four losses, a panel each
