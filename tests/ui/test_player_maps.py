"""The (w, b) maps player's data (what descent.js draws) and the shared script it runs with."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest

from core import snapshots
from present import identity, payloads, pictures
from ui import player
from views import landscape as ul

SMALL = ul.SurfaceConfig(losses=("cross_entropy", "mse"), n=20, steps=120, span=4.0)


@pytest.fixture(scope="module")
def small():
    return ul.surfaces(SMALL)


def test_maps_hold_the_grid_one_byte_per_point(small):
    data = ul.maps_data(SMALL, 37)
    g = data["grid"]
    assert (g["rows"], g["cols"]) == (ul.RESOLUTION, ul.RESOLUTION)
    half = SMALL.span / (ul.RESOLUTION - 1)
    assert g["w"] == pytest.approx([-4 - half, 4 + half]) and g["b"] == g["w"]
    assert g["ticks"] == [[-4.0, 0.0, 4.0]] * 2
    assert [(m["loss"], m["subtitle"]) for m in data["maps"]] == [
        (j, k.subtitle) for j in range(2) for k in ul.MAPS.values()
    ]
    each = [(title, field) for title in small.summary["loss"] for field in ul.MAPS]
    for m, (title, field) in zip(data["maps"], each, strict=True):
        values = small.grid.loc[small.grid["loss"] == title, field].to_numpy()
        cells = np.frombuffer(base64.b64decode(m["cells"]), dtype=np.uint8)
        assert cells.size == ul.RESOLUTION**2
        lo, hi = m["domain"]
        # the browser's colour index is the value quantised over the scale's domain
        step = (hi - lo) / 255
        np.testing.assert_allclose(lo + cells * step, values, atol=step / 2 + 1e-12)
    value, eig = data["maps"][:2]
    assert value["stops"][0] == payloads.SCHEMES["viridis"][-1]  # reversed: low loss is yellow
    assert eig["domain"][0] == -eig["domain"][1]  # centred on 0: red = negative curvature
    assert eig["stops"] == list(payloads.SCHEMES["redblue"])


def test_paths_play_the_schedule_and_open_at_the_linked_step(small):
    data = ul.maps_data(SMALL, 37)
    last = int(small.paths["step"].max())
    assert set(snapshots.schedule(last)) <= set(data["steps"])
    assert data["steps"][data["start"]] == 37  # a link with t=37 opens at step 37
    paths = small.paths.groupby("loss", sort=False)  # 5 significant digits shipped
    for loss, (title, path) in zip(data["losses"], paths, strict=True):
        assert loss["title"] == title
        assert loss["color"] == identity.color("cross_entropy" if "Cross" in title else "mse")
        at = path.set_index("step").loc[data["steps"]]
        assert loss["path"]["w"] == pytest.approx(at["w"].tolist(), rel=1e-4, abs=1e-9)
        assert loss["path"]["b"] == pytest.approx(at["b"].tolist(), rel=1e-4, abs=1e-9)
        assert loss["path"]["v"] == pytest.approx(at["value"].tolist(), rel=1e-4)
        row = small.summary.set_index("loss").loc[title]
        assert loss["optimum"] == pytest.approx([row["optimum w*"], row["optimum b*"]])
    # beyond the last step: the last; a new step: a new id (the player's clock starts there)
    far = ul.maps_data(SMALL, 10**6)
    assert far["steps"][far["start"]] == last == far["steps"][-1]
    assert ul.maps_data(SMALL, 0)["start"] == 0
    assert ul.maps_data(SMALL, 0)["id"] != data["id"]


@pytest.mark.parametrize(
    ("v", "shown"),
    [
        (150.5, "1.5e+2"),
        (-250.2, "-2.5e+2"),
        (1234.5, "1.2e+3"),
        (0.005, "0.0050"),
        (-0.0042, "-0.0042"),
        (2.5e-5, "0.000025"),
        (0.00999, "0.010"),
        (99.996, "100.00"),
        (13.2167, "13.22"),
        (0.25, "0.25"),
        (10.0, "10"),
        (3.3e-7, "0"),
    ],
    ids=str,
)
def test_picture_numbers_are_written_as_the_player_writes_them(v, shown):
    """Hand values: what ``fmt`` in descent.js gives (JavaScript's ``toFixed(2)`` and
    ``toPrecision(2)``, run in Node)."""
    assert pictures._precise(v) == shown


def test_lut_runs_through_the_stops():
    stops = payloads.SCHEMES["redblue"]
    lut = pictures._lut(stops)
    rgb = [[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in (stops[0], stops[-1])]
    assert lut.shape == (256, 3) and lut[0].tolist() == rgb[0] and lut[-1].tolist() == rgb[1]


def test_map_pictures_are_the_players_maps_at_the_linked_step(small):
    from PIL import Image

    drawn = ul.map_pictures(SMALL, 37)
    data = ul.maps_data(SMALL, 37)
    assert [t for _, t in drawn] == [
        f"{data['losses'][m['loss']]['title']}: {m['subtitle']}" for m in data["maps"]
    ]
    for (jpeg, _), m in zip(drawn, data["maps"], strict=True):
        img = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"), dtype=int)
        assert img.shape[1] == pictures.MAP_WIDTH
        # a cell far from the paths and the optimum: its colour is the cell's byte's
        left, top = round(2.2 * 12 + 22), 8
        s = pictures.MAP_WIDTH - left - 12
        cells = np.frombuffer(base64.b64decode(m["cells"]), np.uint8).reshape(
            ul.RESOLUTION, ul.RESOLUTION
        )
        r, c = ul.RESOLUTION - 1, 0  # the top-left cell (largest b, smallest w)
        y, x = top + round(s / ul.RESOLUTION / 2), left + round(s / ul.RESOLUTION / 2)
        want = pictures._lut(m["stops"])[cells[r, c]]
        assert np.abs(img[y, x] - want).max() <= 12, (img[y, x], want)  # JPEG's error
    assert ul.map_pictures(SMALL, 0)[0][0] != drawn[0][0]  # another step, another path


def test_bytes_per_view_are_bounded():
    """The default view with the most losses the picker allows (4) and the largest budget."""
    cfg = ul.SurfaceConfig(losses=ul.LOSS_OPTIONS[:4], steps=2000)
    text = json.dumps(ul.maps_data(cfg, 2000), separators=(",", ":"))
    assert len(text) < 32_000, len(text)  # 29 kB when written


def test_the_players_share_their_parts_and_insert_text_only():
    names = ("transport.js", "host.js", "player.js", "fits.js", "descent.js", "worker.js")
    js = {f: (player.ASSETS / f).read_text(encoding="utf-8") for f in names}
    for name, text in js.items():
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", text), name
    # the descent players' bar and clock are written once, in transport.js; the live players'
    # bar, clock, edit bar and session once, in host.js
    once = {
        "function transport(": "transport.js",
        "function el(": "transport.js",
        "function liveBar(": "host.js",
        "function clockTick(": "host.js",
        "function editBar(": "host.js",
        "function liveSession(": "host.js",
    }
    for needle, home in once.items():
        assert [f for f, text in js.items() if needle in text] == [home], needle
    assert "export default" not in js["transport.js"] + js["host.js"]


def test_the_descent_player_opens_at_the_linked_step():
    """The one-sample player opens where the page's ``t1`` says, like the maps' ``t``."""
    one = ul.one_sample(ul.OneSampleConfig(losses=tuple(ul.DEFAULT_LOSSES), steps=100))
    at = payloads.descent_payload(one.curves, one.paths, 37)
    assert at["steps"][at["start"]] == 37
    last = payloads.descent_payload(one.curves, one.paths)
    assert last["steps"][last["start"]] == 100 == last["steps"][-1]
    far = payloads.descent_payload(one.curves, one.paths, 10**6)
    assert far["start"] == last["start"] and far["id"] == last["id"]
    assert at["id"] != last["id"]  # a new step restarts the player's clock there
