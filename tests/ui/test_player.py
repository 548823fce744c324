"""The player's payload (what the browser decodes), its fallback picture and its script's rules."""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
import pytest

from core import boundaries, snapshots, train
from core.experiment import DataChoice, ModelChoice
from ui import comparison, identity, player

JS = (player.ASSETS / "player.js").read_text(encoding="utf-8")


def _undelta(a: np.ndarray, axis: int) -> np.ndarray:
    """What player.js does: running sums modulo 256 along ``axis``."""
    return np.cumsum(a.astype(np.int64), axis=axis) % 256


@pytest.fixture(scope="module")
def view():
    data = DataChoice("moons", (("n_samples", 120),))
    model = ModelChoice(hidden=(8,), epochs=40)
    names = ("cross_entropy", "hinge")
    cmp = comparison.boundary_key(data, 0.0, model, names)
    ds = cmp.load()
    runs = comparison.fit_runs(cmp)  # float32, every epoch of snapshots.schedule(40)
    assert list(runs[names[0]].config.snapshot_epochs) == list(snapshots.schedule(40))
    header, body, frames = player.boundary_payload.__wrapped__(cmp)
    return ds, runs, header, body, frames


def test_body_decodes_to_the_frames(view):
    """Delta coding along x and between frames, then zlib: undone as the browser does."""
    _, _, header, body, frames = view
    raw = np.frombuffer(zlib.decompress(body), dtype=np.uint8)
    g = header["grid"]
    n_train = len(header["points"]["train"]["x"])
    F = len(header["epochs"])
    per = F * (g["rows"] * g["cols"] * g["channels"] + n_train)
    assert raw.size == per * len(frames)
    for j, f in enumerate(frames):
        part = raw[j * per : (j + 1) * per]
        vals = part[: f.values.size].reshape(f.values.shape)
        np.testing.assert_array_equal(_undelta(_undelta(vals, 0), 2), f.values)
        w = part[f.values.size :].reshape(f.weight.shape)
        np.testing.assert_array_equal(_undelta(w, 0), f.weight)


def test_pack_round_trip_and_header_contents(view):
    ds, runs, header, body, _ = view
    back, rest = player.unpack(player.pack(header | {"epoch": 7}, body))
    assert rest == body and back["epoch"] == 7
    assert back["epochs"] == list(snapshots.schedule(40))
    assert [p["title"] for p in back["panels"]] == ["CE", "hinge"]
    assert [p["color"] for p in back["panels"]] == [
        identity.color("cross_entropy"),
        identity.color("hinge"),
    ]
    class_colors = [c["color"] for c in back["classes"]]
    assert class_colors == list(identity.CLASS_COLORS[:2])
    assert not set(class_colors) & set(identity.COLORS.values())  # never a loss colour
    # the last frame is the trained model: the numbers the page's table shows
    for n, p in zip(("cross_entropy", "hinge"), back["panels"], strict=True):
        final = runs[n].model.decision_function(ds.X_test).argmax(axis=1)
        assert p["test"][-1] == np.mean(final == ds.y_test)
    assert len(back["curves"]["epochs"]) <= player.CURVE_POINTS


def test_payload_is_bounded(view):
    """Bytes per view: one byte per grid value and per training point and frame, at most."""
    _, _, header, body, frames = view
    bound = sum(f.nbytes for f in frames)
    assert len(body) < bound
    assert len(header["epochs"]) <= snapshots.MAX_FRAMES


def test_untrusted_text_reaches_the_dom_as_text_only():
    """Class labels can come from user CSVs: the script never parses payload text as HTML."""
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", JS)
    assert "textContent" in JS


def test_fallback_picture_matches_the_surface(view):
    from PIL import Image

    ds, _, header, _, frames = view
    jpeg = player.fallback_image(header, frames[0], len(header["epochs"]) - 1, drive=True)
    img = Image.open(io.BytesIO(jpeg))
    assert img.format == "JPEG"
    assert img.size == (player.FALLBACK, player.FALLBACK)
    # the raster itself: class colours where the model is sure, white-ish where undecided
    f = frames[0]
    pic = player.render_surface(f.values[-1], f.kind, 2).astype(int)
    assert pic.shape == (player.RASTER, player.RASTER, 3)
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), player.GRID)
    v1 = f.values[-1, :, :, 0]
    r, c = np.unravel_index(np.argmax(v1), v1.shape)  # most confident class-1 grid point
    px = int((c + 0.5) / grid.shape[1] * player.RASTER)
    py = player.RASTER - 1 - int((r + 0.5) / grid.shape[0] * player.RASTER)
    gold = np.array([int(identity.CLASS_COLORS[1][i : i + 2], 16) for i in (1, 3, 5)])
    expect = 255 + (gold - 255) * (0.05 + 0.5 * snapshots.strength(v1[r, c] / 255, f.kind, 2))
    np.testing.assert_allclose(pic[py, px], expect, atol=3)


def test_schedule_reaches_training(view):
    """The page's runs keep playback's snapshots (ui.comparison.configs)."""
    moons = DataChoice("moons", (("n_samples", 60),))
    cfg = comparison.configs(comparison.boundary_key(moons, 0.0, ModelChoice(epochs=150), ["mse"]))[
        0
    ]
    assert cfg.snapshot_epochs == snapshots.schedule(150)
    short = comparison.boundary_key(moons, 0.0, ModelChoice(epochs=3), ["mse"])
    assert set(train.fit(short.load(), comparison.configs(short)[0]).snapshots) == {0, 1, 2, 3}


def test_figure_png_is_every_panel_under_its_name(view):
    """The export of the played figure: one PNG, the panels side by side under a title band."""
    from PIL import Image

    ds = view[0]
    cmp = comparison.boundary_key(
        DataChoice("moons", (("n_samples", 120),)),
        0.0,
        ModelChoice(hidden=(8,), epochs=40),
        ("cross_entropy", "hinge"),
    )
    assert len(cmp.load().y_train) == len(ds.y_train)
    png = player.figure_png.__wrapped__(cmp, 40, True)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.width == 2 * (player.FALLBACK + 12) + 12  # two panels and their gaps
        assert img.height > player.FALLBACK
        # the title band carries each loss's colour (its name is drawn in it)
        band = np.asarray(img.convert("RGB"))[:48]
        for name in ("cross_entropy", "hinge"):
            rgb = np.array([int(identity.color(name)[i : i + 2], 16) for i in (1, 3, 5)])
            assert (np.abs(band - rgb).sum(axis=-1) < 40).any(), name
