"""Downloads written when clicked: the CSVs behind a figure and the boundary figure's PNG.

``ui.frame.csv_download`` and the player's "Figure PNG" button pass a callable to
``st.download_button``: the file is made on the click, not on every run, and the click does
not rerun the page. These tests check that the browser still receives the right file.
"""

from __future__ import annotations

import csv
import io

import pytest

from ui import comparison

pytestmark = pytest.mark.e2e


def _download(page, name: str) -> tuple[str, bytes]:
    button = page.get_by_role("button", name=name).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as got:
        button.click()
    download = got.value
    with open(download.path(), "rb") as f:
        return download.suggested_filename, f.read()


def test_csv_and_png_are_made_on_click(open_page):
    page = open_page("Decision_boundaries", {"epoch": 40})
    name, body = _download(page, "Summary CSV")
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows and "loss" in rows[0]  # one row per loss, named
    # the grid and points tables are themselves made on the click (ui.comparison.lazy_frames)
    name, body = _download(page, "Decision surface CSV")
    cells = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert name == "boundaries_grid.csv"
    assert len(cells) == 4 * comparison.RESOLUTION**2  # every cell of every loss's map
    assert {r["epoch"] for r in cells} == {"40"}
    name, body = _download(page, "Points + gradients CSV")
    points = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert name == "boundaries_points.csv"
    assert points and {"grad_norm", "flipped", "split"} <= set(points[0])
    name, body = _download(page, "Figure PNG (epoch 40)")
    assert name == "boundaries_epoch_40.png"
    assert body.startswith(b"\x89PNG\r\n\x1a\n") and len(body) > 10_000
    # neither click reran the page into an error
    assert page.locator('[data-testid="stException"]').count() == 0
