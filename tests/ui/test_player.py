"""The live player's payload (what the browser trains on), its engine text, its fallback picture
and its scripts' rules."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from core import boundaries, edits, snapshots, train
from core.experiment import DataChoice, ModelChoice
from present import identity, pictures
from ui import comparison, player

SCRIPTS = ("transport.js", "host.js", "player.js", "fits.js", "worker.js")
#: The player's payload for the default view before it trained live (frames of a 40 x 40 grid
#: per snapshot, zlib; benchmarks/README.md): the live payload may not be larger.
OLD_PAYLOAD_BYTES = 226_951


@pytest.fixture(scope="module")
def key():
    data = DataChoice("moons", (("n_samples", 120),))
    return comparison.boundary_key(
        data, 0.2, ModelChoice(hidden=(8,), epochs=40), ("cross_entropy", "hinge")
    )


@pytest.fixture(scope="module")
def view(key):
    return player.boundary_view(
        key, 40, True, exact=True, link="epoch", fallback="f", editable=True
    )


def test_the_browser_gets_the_data_as_loaded_exactly_and_core_configs(key, view):
    ds = comparison.as_loaded(key)
    assert view["data"]["X_train"] == ds.X_train.tolist()  # every float64, not rounded
    assert view["data"]["X_test"] == ds.X_test.tolist()
    assert view["data"]["y_train"] == ds.y_train.tolist()
    assert view["data"]["y_train_clean"] == ds.y_train_clean.tolist()  # the flips are known
    assert view["data"]["corrupted"] == ds.corrupted.tolist()
    cfgs = comparison.configs(key)
    for sent, cfg in zip(view["configs"], cfgs, strict=True):
        assert sent["loss"] == cfg.loss and sent["seed"] == cfg.seed and sent["lr"] == cfg.lr
        assert sent["hidden"] == list(cfg.hidden) and "snapshot_epochs" not in sent
        assert "dtype" not in sent  # the engine computes in float64, as the server here
    g = comparison.grid(key)
    assert view["grid"]["xs"] == g.xs.tolist() and view["grid"]["ys"] == g.ys.tolist()
    assert len(g.xs) == boundaries.GRID


def test_core_scores_at_every_epoch_and_the_panels(key, view):
    runs = comparison.fit_runs(key)
    ds = comparison.load(key)
    for j, n in enumerate(key.losses):
        r = runs[n]
        assert view["exact"]["test"][j][1:] == list(r.history["test_accuracy"])
        assert view["exact"]["train"][j][1:] == list(r.history["train_accuracy"])
        first = r.snapshots[0].decision_function(ds.X_test).argmax(axis=1)
        assert view["exact"]["test"][j][0] == np.mean(first == ds.y_test)
    assert [p["title"] for p in view["panels"]] == ["CE", "hinge"]
    assert [p["kind"] for p in view["panels"]] == ["probability", "score"]
    assert [p["color"] for p in view["panels"]] == [
        identity.color("cross_entropy"),
        identity.color("hinge"),
    ]
    colors = [c["color"] for c in view["classes"]]
    assert colors == list(identity.CLASS_COLORS[:2])
    assert not set(colors) & set(identity.COLORS.values())  # never a loss colour
    assert view["shade"] == pictures.SHADE  # the shading constants every renderer uses


def test_every_epoch_is_kept_for_the_pages_views_and_links_settle_on_kept_ones(key, view):
    assert view["kept"] is None  # None: every epoch 0..E
    assert comparison.kept_epochs(key) == tuple(range(41))
    big = key.replace(model=ModelChoice(hidden=(256, 256, 256), epochs=2000))
    kept = comparison.kept_epochs(big)
    assert len(kept) == snapshots.FRAMES and kept[-1] == 2000


def test_the_payload_is_smaller_than_the_frames_it_replaces():
    """The default view (spirals, 4 losses, 150 epochs): data and configs, not frames."""
    default = comparison.boundary_key(
        DataChoice("spirals"),
        0.0,
        ModelChoice(hidden=(32, 32), epochs=150),
        ("cross_entropy", "mse", "mae", "hinge"),
    )
    view = player.boundary_view(
        default, 150, True, exact=True, link="epoch", fallback="f", editable=True
    )
    size = len(json.dumps(view, separators=(",", ":")))
    assert size < OLD_PAYLOAD_BYTES / 4, size


def test_a_config_change_keeps_the_data_identity(key, view):
    other = player.boundary_view(
        key.with_seed(3), 40, True, exact=False, link="epoch", fallback="f", editable=True
    )
    assert other["dataId"] == view["dataId"] and other["id"] != view["id"]
    assert other["exact"] is None


def test_the_engine_ships_as_one_module_in_dependency_order():
    text = player.engine_source()
    assert not re.search(r"^import\b", text, re.M)  # siblings inlined: no import is left
    positions = [text.index(f"export class {c}") for c in ("Lockstep", "LiveRun", "Trainer")]
    assert positions == sorted(positions)
    assert "WorkerGlobalScope" in text  # worker.js last: it starts a Trainer in a worker
    assert len(text) < 80_000  # comments stripped: it goes with every view


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_shipped_engine_runs(tmp_path):
    """The inlined, comment-stripped text is a module that trains (node imports it)."""
    path = tmp_path / "engine.mjs"
    path.write_text(player.engine_source(), encoding="utf-8")
    probe = (
        f"const m = await import({json.dumps(path.as_uri())});"
        "const d = {n_classes: 2, X_train: [[0,0],[1,1],[0,1],[1,0]], y_train: [0,1,0,1],"
        " X_test: [[0,0],[1,1]], y_test: [0,1]};"
        "const c = {loss: 'cross_entropy', hidden: [3], epochs: 5, loss_params: {}};"
        "const r = new m.LiveRun({task: 'classification', data: d, configs: [c],"
        " grid: {xs: [0,1], ys: [0,1]}});"
        "while (r.step()); console.log(r.frontier, r.frame(5).values[0].length,"
        " m.encodeEdits(m.decodeEdits('1.d1')));"
    )
    out = subprocess.run(
        ["node", "--input-type=module", "-e", probe], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5", "4", "1.d1"]


def test_untrusted_text_reaches_the_dom_as_text_only():
    """Class labels and column names can come from user CSVs: no script parses them as HTML."""
    for name in SCRIPTS:
        js = (player.ASSETS / name).read_text(encoding="utf-8")
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", js), name
    assert "textContent" in (player.ASSETS / "transport.js").read_text(encoding="utf-8")


def test_the_keyboard_yields_to_a_lecture_path():
    """Presenter keys: with a lecture path active the arrows and Page keys are the path's."""
    js = (player.ASSETS / "host.js").read_text(encoding="utf-8")
    assert "document.body.dataset.llPath" in js
    at = js.index('if (e.key === " ")')
    assert js.index("else if (path) return;") > at
    assert js.index("else if (path) return;") < js.index('e.key === "ArrowRight"')


def test_fallback_picture_is_the_panels_surface(key):
    from PIL import Image

    ds = comparison.load(key)
    p = comparison.compute_panels(key, 40)[0]
    jpeg = pictures.fallback_image(p, ds, 2, drive=True)
    img = Image.open(io.BytesIO(jpeg))
    assert img.format == "JPEG" and img.size == (pictures.FALLBACK, pictures.FALLBACK)
    g = p.surface.grid
    values = p.surface.values.reshape(*g.shape, -1)
    pic = pictures.render_surface(values, p.surface.kind, 2).astype(int)
    v1 = values[:, :, 0]
    r, c = np.unravel_index(np.argmax(v1), v1.shape)  # the most confident class-1 grid point
    px = int((c + 0.5) / g.shape[1] * pictures.FALLBACK)
    py = pictures.FALLBACK - 1 - int((r + 0.5) / g.shape[0] * pictures.FALLBACK)
    gold = np.array([int(identity.CLASS_COLORS[1][i : i + 2], 16) for i in (1, 3, 5)])
    s = boundaries.strength(max(v1[r, c], 1 - v1[r, c]), p.surface.kind, 2)
    expect = 255 + (gold - 255) * pictures.shade_alpha(s)
    np.testing.assert_allclose(pic[py, px], expect, atol=3)


def test_figure_png_is_every_panel_under_its_name(key):
    from PIL import Image

    png = player.figure_png.__wrapped__(key, 40, True)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.width == 2 * (pictures.FALLBACK + 12) + 12  # two panels and their gaps
        band = np.asarray(img.convert("RGB"))[:48]
        for name in ("cross_entropy", "hinge"):
            rgb = np.array([int(identity.color(name)[i : i + 2], 16) for i in (1, 3, 5)])
            assert (np.abs(band - rgb).sum(axis=-1) < 40).any(), name


def test_the_runs_keep_every_epoch_the_page_can_show(key):
    cfg = comparison.configs(key)[0]
    assert cfg.snapshot_epochs == comparison.kept_epochs(key)
    short = key.replace(model=ModelChoice(hidden=(8,), epochs=3))
    assert set(train.fit(short.load(), comparison.configs(short)[0]).snapshots) == {0, 1, 2, 3}


def test_an_edited_key_trains_on_the_edited_data_on_the_same_grid(key):
    e = edits.decode("1.a500_500_1.d0")
    edited = key.replace(edits=e)
    ds = comparison.load(edited)
    assert len(ds.y_train) == len(comparison.as_loaded(key).y_train)
    assert ds.X_train[-1].tolist() == [0.5, 0.5]
    g, h = comparison.grid(edited), comparison.grid(key)  # edits move no panel's frame
    np.testing.assert_array_equal(g.xs, h.xs)
    np.testing.assert_array_equal(g.ys, h.ys)
