"""Pictures drawn on the server (Pillow): what the players draw, where their script cannot run.

The decision-boundary panels at one epoch (:func:`render_surface`, :func:`fallback_image`) and
the figure PNG a student keeps (:func:`side_by_side`); a (w, b) map of the descent player at
the step it opens at (:func:`map_picture`). Each draws what the browser draws on its canvas
(the same grid values, colours and marks), so a browser without scripts sees the same figure.
The shading of a surface is :data:`SHADE`, sent to every renderer.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core import boundaries
from present import identity

#: Shading of every decision surface: a cell is its predicted class's colour over white at
#: opacity ``floor + scale * strength`` (core.boundaries.strength). Sent to every renderer:
#: the player's canvases, the server-drawn fallback and PNG, the Altair maps.
SHADE = {"floor": 0.05, "scale": 0.5}


def shade_alpha(strength: Any) -> Any:
    """Opacity of a cell of shading ``strength`` (:data:`SHADE`)."""
    return SHADE["floor"] + SHADE["scale"] * np.asarray(strength, dtype=float)


#: Pixels per side of each panel of the server-drawn fallback picture.
FALLBACK = 200


# --------------------------------------------------------------------------- fallback picture


def render_surface(values: np.ndarray, kind: str, n_classes: int, size: int = FALLBACK):
    """``(size, size, 3)`` uint8 picture of a surface's per-class values ``(rows, cols, C)``
    (:attr:`core.boundaries.DecisionSurface.values`), as the browser draws it: bilinear values,
    class of the largest, strength (:func:`core.boundaries.strength`) over white
    (:func:`shade_alpha`), dark class changes."""
    rows, cols, ch = values.shape

    def coords(n: int, count: int):
        g = np.clip((np.arange(n) + 0.5) / n * count - 0.5, 0, count - 1)
        i0 = np.floor(g).astype(int)
        return i0, np.minimum(i0 + 1, count - 1), g - i0

    x0, x1, tx = coords(size, cols)
    y0, y1, ty = coords(size, rows)
    v = np.asarray(values, dtype=float)
    top = v[y0][:, x0] + (v[y0][:, x1] - v[y0][:, x0]) * tx[None, :, None]
    bot = v[y1][:, x0] + (v[y1][:, x1] - v[y1][:, x0]) * tx[None, :, None]
    vi = (top + (bot - top) * ty[:, None, None])[::-1]  # row 0 = top = largest y
    if ch == 1:
        label = (vi[..., 0] >= 0.5).astype(int)
        vmax = np.maximum(vi[..., 0], 1 - vi[..., 0])
    else:
        label = np.argmax(vi, axis=-1)
        vmax = vi.max(axis=-1)
    alpha = shade_alpha(boundaries.strength(vmax, kind, n_classes))[..., None]
    colors = identity.class_rgb()
    img = 255 + (colors[label % len(colors)] - 255) * alpha
    edge = np.zeros(label.shape, bool)
    edge[:, :-1] |= label[:, :-1] != label[:, 1:]
    edge[:-1, :] |= label[:-1, :] != label[1:, :]
    img[edge] = 34
    return img.astype(np.uint8)


def fallback_image(p: boundaries.Panel, ds: Any, n_classes: int, drive: bool) -> bytes:
    """One panel as a JPEG (surface, dots sized by gradient, test triangles, flipped x):
    ~12 kB, a sixth of a PNG's bytes; the browser loads it even when hidden."""
    size = FALLBACK
    g = p.surface.grid
    rows, cols = g.shape
    values = np.asarray(p.surface.values).reshape(rows, cols, -1)
    img = Image.fromarray(render_surface(values, p.surface.kind, n_classes, size))
    draw = ImageDraw.Draw(img)
    dx, dy = g.step
    x0, x1 = g.xs[0] - dx / 2, g.xs[-1] + dx / 2
    y0, y1 = g.ys[0] - dy / 2, g.ys[-1] + dy / 2
    colors = list(identity.CLASS_COLORS)
    scale = size / 300

    def xy(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * size, size - (y - y0) / (y1 - y0) * size

    grad = np.nan_to_num(np.asarray(p.gradient, float))
    gmax = grad.max(initial=0.0)
    weight = grad / gmax if gmax > 0 else np.zeros_like(grad)
    for (x, y), k, w in zip(ds.X_train, ds.y_train, weight, strict=True):
        area = 4 + 196 * float(w) if drive else 36
        r = np.sqrt(area / np.pi) * scale
        cx, cy = xy(x, y)
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=colors[int(k) % len(colors)], outline="#ffffff"
        )
    t = 4.5 * scale
    for (x, y), k in zip(ds.X_test, ds.y_test, strict=True):
        cx, cy = xy(x, y)
        draw.polygon(
            [(cx, cy - t), (cx + t, cy + 0.75 * t), (cx - t, cy + 0.75 * t)],
            outline=colors[int(k) % len(colors)],
        )
    h = 3.5 * scale
    flipped = np.zeros(len(ds.y_train), bool) if ds.corrupted is None else ds.corrupted
    for (x, y), f in zip(ds.X_train, flipped, strict=True):
        if f:
            cx, cy = xy(x, y)
            draw.line((cx - h, cy - h, cx + h, cy + h), fill="#000000", width=2)
            draw.line((cx - h, cy + h, cx + h, cy - h), fill="#000000", width=2)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def side_by_side(panels: Sequence[boundaries.Panel], images: Sequence[bytes], epoch: int) -> bytes:
    """The figure at ``epoch`` as one PNG: each panel's picture (:func:`fallback_image`) side
    by side under its loss's name and test accuracy, in the loss's colour."""
    pictures = [Image.open(io.BytesIO(b)) for b in images]
    band, gap = 48, 12
    out = Image.new(
        "RGB", (sum(p.width + gap for p in pictures) + gap, FALLBACK + band + gap), "white"
    )
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=16)
    x = gap
    for p, pic in zip(panels, pictures, strict=True):
        draw.text((x, 4), identity.short(p.loss), fill=identity.color(p.loss), font=font)
        draw.text((x, 24), f"epoch {epoch}: test {p.test_accuracy:.1%}", fill="#333333", font=font)
        out.paste(pic, (x, band))
        x += pic.width + gap
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


def _precise(v: float) -> str:
    """``v`` as the players write an axis number (``fmt`` in ``descent.js``): 0 below 1e-6,
    integers whole, else two decimals, or two significant digits (JavaScript's
    ``toPrecision(2)``) from 100 up and below 0.01."""
    if abs(v) < 1e-6:
        return "0"
    if float(v).is_integer():
        return str(int(v))
    if 0.01 <= abs(v) < 100:
        return f"{v:.2f}"
    mantissa, exponent = f"{v:.1e}".split("e")
    e = int(exponent)
    if -7 < e < 2:  # toPrecision writes these positionally: 0.0050, not 5.0e-3
        return f"{v:.{1 - e}f}"
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _lut(stops: Sequence[str]) -> np.ndarray:
    """256 colours ``(256, 3)`` linearly interpolated between ``stops`` (``lut`` in
    ``descent.js``: the byte a cell carries picks its colour)."""
    c = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in stops], dtype=float)
    t = np.arange(256) / 255 * (len(c) - 1)
    k = np.minimum(np.floor(t).astype(int), len(c) - 2)
    u = (t - k)[:, None]
    return (c[k] + (c[k + 1] - c[k]) * u).astype(np.uint8)


#: CSS pixels of a map picture's width (the fallback's maps; the player sizes its own).
MAP_WIDTH = 300


@functools.cache
def _map_font(size: int) -> tuple[Any, bool]:
    """The pictures' font at ``size`` px and whether it has Greek letters: DejaVu Sans where
    the system has it (as Debian does), else Pillow's own (Latin only)."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def map_picture(data: dict, index: int, *, width: int = MAP_WIDTH) -> bytes:
    """Map ``index`` of :func:`present.payloads.maps_payload`'s ``data`` at the step it opens
    at, as a JPEG: what the maps player draws on its canvas (``drawMapBase`` and ``draw`` in
    ``descent.js``: the same quantised cells and colours, axes, colour bar, optimum, start,
    the path so far cut at the map's edge, the loss's ball), drawn on the server for a
    browser where the player's script cannot run."""
    m = data["maps"][index]
    loss = data["losses"][m["loss"]]
    grid = data["grid"]
    rows, cols = grid["rows"], grid["cols"]
    f = 12  # the player's map font (CSS px) outside presenter mode
    left, right, top = 2.2 * f + 22, 12, 8
    s = round(width - left - right)
    height = round(top + s + 6.3 * f + 4)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font, greek = _map_font(f)

    def text(t: str) -> str:  # a font without Greek letters would draw boxes
        return t if greek else t.replace("λ", "lambda")

    (w0, w1), (b0, b1) = grid["w"], grid["b"]

    def X(w: float) -> float:
        return left + (w - w0) / (w1 - w0) * s

    def Y(b: float) -> float:
        return top + s - (b - b0) / (b1 - b0) * s

    lut = _lut(m["stops"])
    cells = np.frombuffer(base64.b64decode(m["cells"]), dtype=np.uint8).reshape(rows, cols)
    raster = Image.fromarray(lut[cells[::-1]])  # image row 0 is the top: the largest b
    img.paste(raster.resize((s, s), Image.Resampling.BILINEAR), (round(left), top))
    draw.rectangle((left, top, left + s, top + s), outline="#bbbbbb")
    w_ticks, b_ticks = grid["ticks"]
    for w in w_ticks:
        t = _precise(w)
        tw = draw.textlength(t, font=font)
        draw.text(
            (min(max(X(w) - tw / 2, 0), width - tw), top + s + 2), t, fill="#333333", font=font
        )
    for b in b_ticks:
        t = _precise(b)
        draw.text(
            (left - draw.textlength(t, font=font) - 4, Y(b) + 0.35 * f),
            t,
            fill="#333333",
            font=font,
            anchor="ls",
        )
    xl, yl = (text(t) for t in data["labels"])
    draw.text((left + s / 2, top + s + 1.3 * f + 2), xl, fill="#333333", font=font, anchor="mt")
    label = Image.new("RGBA", (round(draw.textlength(yl, font=font)) + 2, f + 4), (0, 0, 0, 0))
    ImageDraw.Draw(label).text((1, 0), yl, fill="#333333", font=font)
    label = label.rotate(90, expand=True)
    img.paste(label, (2, round(top + (s - label.height) / 2)), label)
    # the colour bar under the map: the scale's domain, low to high, and its name below
    bar_y = round(top + s + 2.9 * f)
    bar = Image.fromarray(np.repeat(lut[None, :, :], 10, axis=0)).resize((s, 10))
    img.paste(bar, (round(left), bar_y))
    lo, hi = (_precise(v) for v in m["domain"])
    draw.text((left, bar_y + 11), lo, fill="#333333", font=font)
    draw.text(
        (left + s - draw.textlength(hi, font=font), bar_y + 11), hi, fill="#333333", font=font
    )
    draw.text(
        (left + s / 2, bar_y + 13 + f), text(m["legend"]), fill="#333333", font=font, anchor="mt"
    )
    ow, ob = loss["optimum"]
    draw.line((X(ow) - 7, Y(ob), X(ow) + 7, Y(ob)), fill="black", width=3)
    draw.line((X(ow), Y(ob) - 7, X(ow), Y(ob) + 7), fill="black", width=3)
    ws, bs = loss["path"]["w"], loss["path"]["b"]
    if ws[0] is not None:
        draw.ellipse(
            (X(ws[0]) - 9, Y(bs[0]) - 9, X(ws[0]) + 9, Y(bs[0]) + 9),
            fill="white",
            outline="black",
            width=2,
        )
    # the path up to the opening frame on a layer of its own, cut at the map's edge
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    frame = data["start"]
    points: list[tuple[float, float]] = []
    for w, b in [*zip(ws[: frame + 1], bs[: frame + 1], strict=True), (None, None)]:
        if w is None or b is None:
            if len(points) > 1:
                pen.line(points, fill=m["path"], width=3, joint="curve")
            points = []
        else:
            points.append((X(w), Y(b)))
    for w, b in zip(ws[1:frame], bs[1:frame], strict=True):
        if w is not None and b is not None:
            pen.ellipse(
                (X(w) - 3.5, Y(b) - 3.5, X(w) + 3.5, Y(b) + 3.5),
                fill="white",
                outline=m["path"],
                width=1,
            )
    if ws[frame] is not None and bs[frame] is not None:
        x, y = X(ws[frame]), Y(bs[frame])
        pen.ellipse((x - 9, y - 9, x + 9, y + 9), fill=loss["color"], outline="black", width=1)
    box = (round(left), top, round(left) + s, top + s)
    cut = layer.crop(box)
    img.paste(cut, box[:2], cut)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()
