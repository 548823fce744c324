"""Playback: every loss panel on one epoch clock, in the browser.

How, and why this way
---------------------
A Streamlit **custom component, v2** (``st.components.v2.component``, Streamlit 1.67), with
hand-written JavaScript and CSS in ``ui/player/`` (no library, so nothing to vendor and no CDN:
it works the same locally, in CI without internet and on Community Cloud). The two other
routes were weighed:

* *Vega-Lite parameters bound to a range input* scrub without Python, but playback needs a
  timer Vega-Lite does not have, and the figure would stay 14,400 rectangles per view;
* *frames as images* (one PNG per panel and epoch) cost ~10 kB each: 80 frames x 4 losses
  would be ~3 MB per view.

Instead the server evaluates every snapshot once (:func:`core.snapshots.evaluate`, cached with
the training) and ships one binary payload per view: each loss's per-class surface values on
a 40 x 40 grid and each training point's gradient weight, one byte each, per frame,
delta-coded and zlib-compressed (the browser inflates it with ``DecompressionStream``). The
browser draws each frame itself: it interpolates the values bilinearly at every screen pixel
and colours the class of the largest, so the boundary is a smooth curve at any size rather
than the staircase of a 60 x 60 grid of rectangles. Playing sends nothing to the server; a
pause, a step or a released scrubber sends the epoch once, which the page puts in its
``epoch`` URL key (existing ``?epoch=150`` links keep working: the schedule contains the old
scrubber's epochs).

Fallback: the same view is also drawn on the server as one JPEG per panel at the page's epoch
(the server-side scrubber's), inside a container that the component's script hides when it
runs. Where scripts cannot run, that picture and the epoch scrubber remain.

Untrusted text (loss titles, class labels, which may come from uploaded CSVs) is inserted
into the DOM with ``textContent`` only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from core import boundaries, snapshots, train
from core.experiment import Comparison
from serve import workers
from ui import comparison, identity

ASSETS = Path(__file__).resolve().parent / "player"
#: Grid points per axis evaluated per snapshot; the browser interpolates between them.
GRID = 40
#: Pixels per side of each panel's canvas (CSS scales it to the panel's width).
RASTER = 300
#: Pixels per side of each panel of the server-drawn fallback picture.
FALLBACK = 200
#: Frames per second at speed 1x.
FPS = 15
#: Points of each accuracy curve shipped (the curves are downsampled to this).
CURVE_POINTS = 200
NOTE = (
    "Filled dots: training points, sized by |∂L/∂z| (how hard each pulls on the model); "
    "hollow triangles: test points; black x: flipped label."
)


def _component(name: str, script: str):
    """A components v2 player: ``transport.js`` (the bar and the clock both players share)
    followed by its own script, as one module text (v2 takes the module as text and loads it
    from a ``blob:`` URL, where a relative ``import`` would have nothing to resolve against)."""
    js = "\n".join((ASSETS / f).read_text(encoding="utf-8") for f in ("transport.js", script))
    return st.components.v2.component(
        name, css=(ASSETS / "player.css").read_text(encoding="utf-8"), js=js
    )


_player = _component("loss_lab.player", "player.js")


def _mount(component: Any, key: str, data: Any, **callbacks: Any) -> None:
    """Draw ``component`` under ``key``. Where the browser refuses its script (a content
    security policy without ``blob:``, as a school proxy may send, or a script blocker),
    Streamlit puts an error box in its place; the server-drawn fallback below it is the view
    then, so the box is hidden by a style (which, unlike the script, still applies)."""
    component(key=key, data=data, **callbacks)
    st.html(f"<style>.st-key-{key} [data-testid='stAlertContainer'] {{display: none;}}</style>")


# --------------------------------------------------------------------------- payload


def _delta(a: np.ndarray, axis: int) -> np.ndarray:
    """Differences along ``axis`` modulo 256 (the first slice kept): zlib finds the
    repetition between neighbouring grid points and consecutive frames."""
    d = a.copy()
    idx = [slice(None)] * a.ndim
    lo, hi = list(idx), list(idx)
    lo[axis], hi[axis] = slice(None, -1), slice(1, None)
    d[tuple(hi)] = a[tuple(hi)] - a[tuple(lo)]
    return d


def encode_frames(frames: Sequence[snapshots.Frames]) -> bytes:
    """The body the browser inflates: per panel, its surfaces (delta-coded along x, then
    between frames) and its dot weights (delta-coded between frames), zlib-compressed."""
    parts = []
    for f in frames:
        parts.append(_delta(_delta(f.values, 2), 0).tobytes())
        parts.append(_delta(f.weight, 0).tobytes())
    return zlib.compress(b"".join(parts), 3)


def _curves(runs: dict[str, train.FitResult], frames: Sequence[snapshots.Frames]) -> dict:
    """Train/test accuracy per epoch (epoch 0 from the initial snapshot), downsampled."""
    epochs = max(r.config.epochs for r in runs.values())
    keep = np.unique(np.round(np.linspace(0, epochs, min(CURVE_POINTS, epochs + 1))).astype(int))
    out: dict[str, Any] = {"epochs": keep.tolist(), "train": [], "test": []}
    lows = []
    for r, f in zip(runs.values(), frames, strict=True):
        for split in ("train", "test"):
            hist = np.asarray(r.history[f"{split}_accuracy"], dtype=float)
            first = getattr(f, f"{split}_accuracy")[0] if f.epochs[0] == 0 else np.nan
            full = np.concatenate([[first], hist])  # index = epoch
            ys = [float(full[e]) if e < len(full) and np.isfinite(full[e]) else None for e in keep]
            out[split].append([None if y is None else round(y, 4) for y in ys])
            lows += [y for y in ys if y is not None]
    low = min(lows, default=0.0)
    out["ymin"] = float(max(0.0, np.floor(low * 10) / 10))
    out["title"] = "Accuracy (train solid, test dashed)"
    return out


@st.cache_resource(max_entries=8, show_spinner=False)  # shared: see ui.comparison
def boundary_payload(cmp: Comparison) -> tuple[dict, bytes, list[snapshots.Frames]]:
    """Header, compressed frames and the frames themselves for one boundary comparison
    (trained by :func:`ui.comparison.fit_runs`, cached)."""
    ds = comparison.load(cmp)
    _runs = comparison.fit_runs(cmp)
    loss_names = cmp.losses
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), GRID)
    first = _runs[loss_names[0]]
    epochs = list(first.config.snapshot_epochs) or [first.config.epochs]
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test)
    frames = workers.call_all(  # one loss per call: the losses spread over the workers
        [
            (
                snapshots.evaluate,
                (_runs[n].snapshots, epochs, _runs[n].model, n, grid, *xy),
                {"loss_params": _runs[n].config.loss_params},
            )
            for n in loss_names
        ]
    )
    body = encode_frames(frames)
    dx, dy = grid.step
    flipped = np.zeros(len(ds.y_train), bool) if ds.corrupted is None else np.asarray(ds.corrupted)
    header = {
        "id": hashlib.sha1(body).hexdigest()[:16],
        "epochs": [int(e) for e in epochs],
        "fps": FPS,
        "raster": RASTER,
        "note": NOTE,
        "grid": {
            "rows": grid.shape[0],
            "cols": grid.shape[1],
            "channels": int(frames[0].values.shape[-1]),
            "x": [float(grid.xs[0] - dx / 2), float(grid.xs[-1] + dx / 2)],
            "y": [float(grid.ys[0] - dy / 2), float(grid.ys[-1] + dy / 2)],
        },
        "classes": [
            {
                "label": comparison.class_name(k, ds.class_names),
                "color": identity.CLASS_COLORS[k % len(identity.CLASS_COLORS)],
            }
            for k in range(ds.n_classes)
        ],
        "points": {
            "train": {
                "x": np.round(ds.X_train[:, 0], 4).tolist(),
                "y": np.round(ds.X_train[:, 1], 4).tolist(),
                "label": [int(k) for k in ds.y_train],
                "flipped": [int(b) for b in flipped],
            },
            "test": {
                "x": np.round(ds.X_test[:, 0], 4).tolist(),
                "y": np.round(ds.X_test[:, 1], 4).tolist(),
                "label": [int(k) for k in ds.y_test],
            },
        },
        "panels": [
            {
                "name": n,
                "title": identity.short(n),
                "color": identity.color(n),
                "kind": f.kind,
                "diverged": _runs[n].diverged_epoch,
                "train": [float(a) for a in f.train_accuracy],
                "test": [float(a) for a in f.test_accuracy],
            }
            for n, f in zip(loss_names, frames, strict=True)
        ],
        "curves": _curves({n: _runs[n] for n in loss_names}, frames),
    }
    return header, body, frames


def pack(header: dict, body: bytes) -> bytes:
    """``uint32 n`` (little-endian), ``n`` bytes of JSON header, then the zlib body."""
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return struct.pack("<I", len(text)) + text + body


def unpack(data: bytes) -> tuple[dict, bytes]:
    """The header and zlib body of :func:`pack`'s bytes (for tests and benchmarks)."""
    (n,) = struct.unpack("<I", data[:4])
    return json.loads(data[4 : 4 + n].decode("utf-8")), data[4 + n :]


# --------------------------------------------------------------------------- fallback picture


def render_surface(values: np.ndarray, kind: str, n_classes: int, size: int = RASTER):
    """``(size, size, 3)`` uint8 picture of one frame's surface values, as the browser draws
    it (bilinear values, class of the largest, strength over white, dark class changes)."""
    rows, cols, ch = values.shape

    def coords(n: int, count: int):
        g = np.clip((np.arange(n) + 0.5) / n * count - 0.5, 0, count - 1)
        i0 = np.floor(g).astype(int)
        return i0, np.minimum(i0 + 1, count - 1), g - i0

    x0, x1, tx = coords(size, cols)
    y0, y1, ty = coords(size, rows)
    v = values.astype(float) / snapshots.LEVELS
    top = v[y0][:, x0] + (v[y0][:, x1] - v[y0][:, x0]) * tx[None, :, None]
    bot = v[y1][:, x0] + (v[y1][:, x1] - v[y1][:, x0]) * tx[None, :, None]
    vi = (top + (bot - top) * ty[:, None, None])[::-1]  # row 0 = top = largest y
    if ch == 1:
        label = (vi[..., 0] >= 0.5).astype(int)
        vmax = np.maximum(vi[..., 0], 1 - vi[..., 0])
    else:
        label = np.argmax(vi, axis=-1)
        vmax = vi.max(axis=-1)
    s = snapshots.strength(vmax, kind, n_classes)
    alpha = (0.05 + 0.5 * s)[..., None]
    colors = identity.class_rgb()
    img = 255 + (colors[label % len(colors)] - 255) * alpha
    edge = np.zeros(label.shape, bool)
    edge[:, :-1] |= label[:, :-1] != label[:, 1:]
    edge[:-1, :] |= label[:-1, :] != label[1:, :]
    img[edge] = 34
    return img.astype(np.uint8)


def fallback_image(header: dict, frame: snapshots.Frames, index: int, drive: bool) -> bytes:
    """One panel at frame ``index`` as a JPEG (surface, dots, triangles, flipped x): ~12 kB,
    a sixth of a PNG's bytes and faster to encode; the browser loads it even when hidden."""
    size = FALLBACK
    img = Image.fromarray(
        render_surface(frame.values[index], frame.kind, len(header["classes"]), size)
    )
    draw = ImageDraw.Draw(img)
    (x0, x1), (y0, y1) = header["grid"]["x"], header["grid"]["y"]
    colors = [c["color"] for c in header["classes"]]
    scale = size / 300

    def xy(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * size, size - (y - y0) / (y1 - y0) * size

    tr, te = header["points"]["train"], header["points"]["test"]
    for i, (x, y, k) in enumerate(zip(tr["x"], tr["y"], tr["label"], strict=True)):
        area = 4 + 196 * float(frame.weight[index, i]) / snapshots.LEVELS if drive else 36
        r = np.sqrt(area / np.pi) * scale
        cx, cy = xy(x, y)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colors[k], outline="#ffffff")
    t = 4.5 * scale
    for x, y, k in zip(te["x"], te["y"], te["label"], strict=True):
        cx, cy = xy(x, y)
        draw.polygon(
            [(cx, cy - t), (cx + t, cy + 0.75 * t), (cx - t, cy + 0.75 * t)], outline=colors[k]
        )
    h = 3.5 * scale
    for x, y, f in zip(tr["x"], tr["y"], tr["flipped"], strict=True):
        if f:
            cx, cy = xy(x, y)
            draw.line((cx - h, cy - h, cx + h, cy + h), fill="#000000", width=2)
            draw.line((cx - h, cy + h, cx + h, cy - h), fill="#000000", width=2)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


@st.cache_resource(max_entries=16, show_spinner=False)  # shared: see ui.comparison
def _fallback_images(cmp: Comparison, epoch: int, drive: bool) -> list[bytes]:
    header, _, frames = boundary_payload(cmp)
    i = header["epochs"].index(snapshots.nearest(header["epochs"], epoch))
    return [fallback_image(header, f, i, drive) for f in frames]


@st.cache_data(max_entries=16, show_spinner=False)
def figure_png(cmp: Comparison, epoch: int, drive: bool) -> bytes:
    """The played figure at ``epoch`` as one PNG to keep: every panel side by side under its
    loss's name and test accuracy, in the loss's colour (the server-drawn pictures of the
    fallback, so the export needs no browser)."""
    header, _, _ = boundary_payload(cmp)
    i = header["epochs"].index(snapshots.nearest(header["epochs"], epoch))
    panels = [Image.open(io.BytesIO(b)) for b in _fallback_images(cmp, epoch, drive)]
    band, gap = 48, 12
    out = Image.new(
        "RGB", (sum(p.width + gap for p in panels) + gap, FALLBACK + band + gap), "white"
    )
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=16)
    x = gap
    for meta, pic in zip(header["panels"], panels, strict=True):
        draw.text((x, 4), meta["title"], fill=meta["color"], font=font)
        draw.text(
            (x, 24),
            f"epoch {header['epochs'][i]}: test {meta['test'][i]:.1%}",
            fill="#333333",
            font=font,
        )
        out.paste(pic, (x, band))
        x += pic.width + gap
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


# --------------------------------------------------------------------------- drawing


def _sync(key: str, epoch_key: str, field: str = "epoch") -> None:
    """The player's trigger: put its epoch (or step: ``field``) into the page's widget (the
    takeaway and table follow it; the script updates the link itself, see ``player.js``)."""
    value = st.session_state.get(key)
    epoch = None if value is None else value.get(field)
    if isinstance(epoch, int) and not isinstance(epoch, bool):
        st.session_state[epoch_key] = epoch


def boundaries_player(
    cmp: Comparison,
    epoch: int,
    drive: bool,
    *,
    key: str = "player",
    epoch_key: str | None = "epoch",
) -> tuple[comparison.Table, comparison.Table]:
    """Draw the playable small multiples at ``epoch``; return the cells and points frames
    of that epoch, each made when a CSV button asks (:func:`ui.comparison.lazy_frames`).

    ``epoch_key``: the page's epoch widget (bound to the URL); a pause, step or released
    scrubber sets it, so the link names the epoch on screen. ``None``: no link (home).
    """
    header, body, _ = boundary_payload(cmp)
    epoch = snapshots.nearest(header["epochs"], epoch)
    fallback = f"{key}_fallback"
    view = header | {
        "epoch": int(epoch),
        "drive": bool(drive),
        "link": epoch_key,
        "fallback": fallback,
    }
    callbacks = {}
    if epoch_key is not None:
        callbacks["on_epoch_change"] = lambda: _sync(key, epoch_key)
    _mount(_player, key, pack(view, body), **callbacks)
    with st.container(key=fallback):
        st.caption(
            f"Epoch {epoch} (playback needs JavaScript; the epoch slider redraws this picture)."
        )
        images = _fallback_images(cmp, epoch, drive)
        st.image(images, caption=[p["title"] for p in header["panels"]], width=FALLBACK)
    st.download_button(
        f"Figure PNG (epoch {epoch})",
        data=lambda: figure_png(cmp, epoch, drive),  # drawn when clicked, not on every run
        file_name=f"boundaries_epoch_{epoch}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_png",
    )
    return comparison.lazy_frames(cmp, epoch)


# --------------------------------------------------------------------------- descent paths


_descent = _component("loss_lab.descent", "descent.js")


def _loss_name(title: str) -> str:
    """The registered name behind a display title (titles are what the landscape frames
    hold); a title no loss has is kept as its own name (drawn in the neutral colour)."""
    for task in ("classification", "regression"):
        for name in identity.COLORS:
            if identity.title(name, task) == title:
                return name
    return title


def _finite_or_none(values: Sequence[float], digits: int | None = None) -> list[float | None]:
    """``values`` as JSON numbers (``None`` where not finite), to ``digits`` significant
    digits if given."""
    if digits is not None:
        values = [float(f"{v:.{digits}g}") for v in values]
    return [float(v) if np.isfinite(v) else None for v in values]


def _frames(paths: pd.DataFrame, step: int | None) -> tuple[list[int], int]:
    """The steps played and the one the player opens at: :func:`core.snapshots.schedule` of
    the paths' steps (every step up to 79, else ~80 steps, denser early), with ``step`` (the
    page's own, clipped to the last; ``None``: the last) among them so that the player can
    open exactly where a link says."""
    last = int(paths["step"].max()) if len(paths) else 0
    start = last if step is None else min(max(int(step), 0), last)
    steps = set(snapshots.schedule(last)) if last >= 1 else {0}
    return sorted(steps | {start}), start


def _losses(
    paths: pd.DataFrame, steps: list[int], axes: Sequence[str], digits: int | None = None
) -> list[dict]:
    """Per loss (in the frame's order): title, colour and its path's ``axes`` and loss value
    at ``steps`` (``None`` where the path has stopped, e.g. after diverging), to ``digits``
    significant digits if given."""
    out = []
    for title, path in paths.groupby("loss", sort=False):
        at = path.set_index("step").reindex(steps)
        xy = {a: _finite_or_none(at[a], digits) for a in axes}
        out.append(
            {
                "title": str(title),
                "color": identity.color(_loss_name(str(title))),
                "path": xy | {"v": _finite_or_none(at["value"], digits)},
            }
        )
    return out


def _view(kind: str, steps: list[int], losses: list[dict], start: int, **rest: Any) -> dict:
    """The descent player's data: an ``id`` from what is drawn (a new id restarts its clock
    at step ``start``, one of ``steps``), the steps, the losses, the frame rate and the rest
    of ``kind``'s view."""
    text = json.dumps([kind, steps, losses, start, rest], separators=(",", ":"), allow_nan=False)
    return {
        "id": hashlib.sha1(text.encode()).hexdigest()[:16],
        "kind": kind,
        "steps": steps,
        "start": steps.index(start),
        "losses": losses,
        "fps": FPS,
        **rest,
    }


def descent_payload(curves: pd.DataFrame, paths: pd.DataFrame, step: int | None = None) -> dict:
    """Curves (``loss, w, value``) and descent paths (``loss, step, w, value``) of each loss
    as the descent player's data, the paths at :func:`_frames` of their steps; it opens at
    ``step`` (clipped to the paths' last step; ``None``: the last)."""
    steps, start = _frames(paths, step)
    losses = _losses(paths, steps, ["w"])
    for loss, (_, curve) in zip(losses, curves.groupby("loss", sort=False), strict=True):
        loss["curve"] = {"w": _finite_or_none(curve["w"]), "v": _finite_or_none(curve["value"])}
    return _view("curve", steps, losses, start, xlabel="weight w (z = w·x₀)")


def descent_player(
    curves: pd.DataFrame,
    paths: pd.DataFrame,
    step: int | None = None,
    *,
    key: str = "descent",
    **view: Any,
) -> None:
    """Play the descent paths on their curves: one ball per loss on one step clock, in the
    browser, opening at ``step`` (a link's ``t1``; ``None``: the last). See
    :func:`descent_payload` for the frames and :func:`_mount_descent` for ``view``."""
    _mount_descent(key, descent_payload(curves, paths, step), **view)


def _mount_descent(
    key: str,
    data: dict,
    *,
    link: str | None = None,
    link_default: int | None = None,
    fallback: str | None = None,
    font: int | None = None,
    height: int | None = None,
) -> None:
    """Draw the descent player with ``data``. ``link``: the page's step widget (bound to the
    URL, default ``link_default``): a pause, step or released scrubber sets it, so the link
    names the step on screen and the player and the page share one step. ``fallback``: the
    key of the container the script hides (the server-drawn figure and the step slider, for a
    browser where the script cannot run). ``font``: the text size in CSS pixels (larger in
    presenter mode); ``height``: the curve's largest height in CSS pixels."""
    extra = {
        "link": link,
        "linkDefault": link_default,
        "fallback": fallback,
        "font": font,
        "height": height,
    }
    data = data | {k: v for k, v in extra.items() if v is not None}
    callbacks = {}
    if link is not None:
        callbacks["on_step_change"] = lambda: _sync(key, link, "step")
    _mount(_descent, key, data, **callbacks)


# --------------------------------------------------------------------------- (w, b) maps

#: Colour stops of the Vega schemes the maps use (the browser interpolates between them):
#: viridis, and redblue (ColorBrewer's RdBu, red for the lowest values).
SCHEMES = {
    "viridis": (
        "#440154",
        "#472c7a",
        "#3b518b",
        "#2c718e",
        "#21908d",
        "#27ad81",
        "#5cc863",
        "#aadc32",
        "#fde725",
    ),
    "redblue": (
        "#67001f",
        "#b2182b",
        "#d6604d",
        "#f4a582",
        "#fddbc7",
        "#f7f7f7",
        "#d1e5f0",
        "#92c5de",
        "#4393c3",
        "#2166ac",
        "#053061",
    ),
}


@dataclass(frozen=True)
class MapKind:
    """One kind of (w, b) map: the grid frame's ``field``, its legend and subtitle, the colour
    of the path drawn over it, and its Vega colour scheme (``reverse``: the scheme's last
    colour for the lowest value; ``centred``: the domain symmetric about 0)."""

    field: str
    legend: str
    subtitle: str
    path: str
    scheme: str
    reverse: bool = False
    centred: bool = False

    def domain(self, values: np.ndarray) -> tuple[float, float]:
        """The colour scale's domain over ``values`` (the finite ones)."""
        v = values[np.isfinite(values)]
        if self.centred:
            bound = float(max(np.abs(v).max(initial=0.0), 1e-12))
            return -bound, bound
        return float(v.min(initial=0.0)), float(v.max(initial=1.0))


def _cells(values: np.ndarray, lo: float, hi: float) -> str:
    """Grid values as one byte each (0 = ``lo``, 255 = ``hi``), base64: 1.3 bytes a cell."""
    q = np.clip(np.round((values - lo) / (hi - lo or 1.0) * 255), 0, 255)
    return base64.b64encode(np.nan_to_num(q).astype(np.uint8).tobytes()).decode("ascii")


def maps_payload(
    grid: pd.DataFrame,
    paths: pd.DataFrame,
    optima: dict[str, tuple[float, float]],
    kinds: Sequence[MapKind],
    step: int,
    *,
    half: float,
    fallback: str | None = None,
) -> dict:
    """The (w, b) maps of each loss and its descent path, as the descent player's data.

    ``grid``: ``loss, w, b`` and each kind's field, one row per grid point (``b`` slowest);
    ``paths``: ``loss, step, w, b, value``; ``optima``: each loss's best ``(w, b)`` on the map;
    ``half``: half a grid cell (the map's edge lies that far beyond the outer grid points);
    ``fallback``: the key of the container of the server-drawn maps, which the script hides.
    The player opens at ``step`` (clipped to the paths' last step).

    Bytes per view: each map ships one byte per grid point (41 x 41 -> 2.2 kB as base64),
    each path ~80 steps of three numbers to 5 digits: 15 kB for the default view (2 losses),
    29 kB for 4 losses.
    """
    steps, start = _frames(paths, step)
    # 5 significant digits: the readouts show 2, and the path's width on a map is > 1/1000
    losses = _losses(paths, steps, ["w", "b"], digits=5)
    ws, bs = np.unique(grid["w"]), np.unique(grid["b"])
    maps = []
    for j, (title, g) in enumerate(grid.groupby("loss", sort=False)):
        for kind in kinds:
            values = g[kind.field].to_numpy(dtype=float)
            lo, hi = kind.domain(values)
            stops = SCHEMES[kind.scheme]
            maps.append(
                {
                    "loss": j,
                    "subtitle": kind.subtitle,
                    "legend": kind.legend,
                    "path": kind.path,
                    "stops": list(stops[::-1] if kind.reverse else stops),
                    "domain": [lo, hi],
                    "cells": _cells(values, lo, hi),
                }
            )
        losses[j]["optimum"] = list(optima[str(title)])
    return _view(
        "maps",
        steps,
        losses,
        start,
        maps=maps,
        grid={
            "rows": len(bs),
            "cols": len(ws),
            "w": [float(ws[0] - half), float(ws[-1] + half)],
            "b": [float(bs[0] - half), float(bs[-1] + half)],
            # the outer grid points and the middle: round numbers on the page's maps
            "ticks": [[float(a[0]), float((a[0] + a[-1]) / 2), float(a[-1])] for a in (ws, bs)],
        },
        labels=["weight w", "bias b"],
        fallback=fallback,
    )


def maps_player(data: dict, *, key: str = "descent_maps", **view: Any) -> None:
    """Play the descent paths over their (w, b) maps: one ball per loss and map on one step
    clock, in the browser (:func:`maps_payload` gives ``data``; ``view`` as for
    :func:`_mount_descent`)."""
    _mount_descent(key, data, **view)
