"""``ui.comparison.surface_image``: a boundary map's surface as one PNG, cell for cell."""

from __future__ import annotations

import base64
import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from core.boundaries import Grid
from present import identity
from ui.comparison import CELL_PX, shade_alpha, surface_extent, surface_image


def _panel(label, strength, xs=(0.0, 1.0, 2.0), ys=(10.0, 20.0)):
    grid = Grid(np.array(xs), np.array(ys))
    surface = SimpleNamespace(grid=grid, label=np.array(label), strength=np.array(strength))
    return SimpleNamespace(surface=surface)


def _pixels(uri: str) -> np.ndarray:
    head, data = uri.split(",", 1)
    assert head == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], float)


@pytest.mark.parametrize("strength", [0.0, 0.5, 1.0], ids=["s=0", "s=0.5", "s=1"])
def test_each_cell_is_its_class_colour_at_its_strength(strength):
    # 2 rows x 3 columns, flat in grid.points order (x fastest, y = 10 first)
    label = [0, 1, 2, 1, 0, -1]
    img = _pixels(surface_image(_panel(label, [strength] * 6)))
    assert img.shape == (2 * CELL_PX, 3 * CELL_PX, 3)
    alpha = shade_alpha(strength)  # the shading every renderer uses
    for flat, k in enumerate(label):
        row, col = divmod(flat, 3)
        top = (1 - row) * CELL_PX  # row 0 of the grid (smallest y) is drawn at the bottom
        block = img[top : top + CELL_PX, col * CELL_PX : (col + 1) * CELL_PX]
        want = (
            np.full(3, 255.0)
            if k < 0  # no class predicted (a diverged model): white
            else 255 + (_rgb(identity.CLASS_COLORS[k]) - 255) * alpha
        )
        assert np.abs(block.astype(float) - want).max() <= 0.5, (flat, k)


def test_extent_is_the_grids_outer_edges():
    extent = surface_extent(_panel([0] * 6, [1.0] * 6))
    assert extent == {"x1_lo": -0.5, "x1_hi": 2.5, "x2_lo": 5.0, "x2_hi": 25.0}
