"""Live training in the browser: every loss panel on one epoch clock, and the data to touch.

How, and why this way
---------------------
A Streamlit **custom component, v2** (``st.components.v2.component``, Streamlit 1.67), with
hand-written JavaScript and CSS in ``ui/player/`` (no library, so nothing to vendor and no CDN).
The server sends the view's data (as loaded: after its corruption, before a student's edits),
its training configs and its grid — not trained frames. The browser's engine
(``ui/player/engine/``, a mirror of ``core`` tested against fixtures ``core`` writes) trains
every loss in lockstep from the same initial weights, in a Web Worker, and draws each epoch's
decision surfaces, accuracy curves and per-point gradient sizes as it trains; the first frame
(the initial weights) shows at once. A student can add, drag, relabel and erase training
points, and every loss retrains on one clock (from the same initial weights, or continuing
from the current ones). Playing, scrubbing and editing send nothing to the server.

Exact numbers stay ``core``'s. When the server has trained the view (``exact``), the payload
carries ``core``'s accuracy at every epoch, and the player shows those while the data are the
view as loaded; the browser's own (equal in the default view at every epoch: the engine's
tests) are shown, marked *live*, for edited data and for views the server has not trained. A
pause, a step or a released scrubber sends the epoch and the edits once (the page puts them in
its link: ``epoch`` and ``edits``, :mod:`core.edits`); "Compute exactly" asks the server to
train the edited view. Epochs the server keeps no model for (:func:`ui.comparison.kept_epochs`:
every epoch for the pages' views) settle on the nearest kept one, in the browser and on the
server alike.

The engine is one ES module text: its modules inlined in dependency order (their
``import`` lines dropped; ``tests/js/engine_shape.test.mjs`` keeps that safe), with
``worker.js`` at the end. Components v2 takes a component's script as text and imports it from
a ``blob:`` URL, where a relative ``import`` has nothing to resolve against, and serves files
from a path only for components packaged with a manifest (an installed distribution), which
this app is not. So the script carries the engine as a string; the page starts it as a module
Worker from a ``blob:`` URL, and imports the same URL itself (for the edits and, where a worker
cannot start, to train in the page).

Pacing and keys: a run plays in 20 s by default (speeds are named by the whole run's
duration; early epochs, where boundaries move most, get the most time), the accuracy curves
are drawn up to the playhead (or whole), and the player's scrubber is the page's one epoch
control. In presenter mode Space plays or pauses, the arrow keys step one epoch and the Page
keys go to the first and last epoch — except while a lecture path is active
(``document.body.dataset.llPath`` set): the arrows and Page keys are then the path's and the
player answers Space only (``ui/player/host.js``).

Fallback: where scripts cannot run, the server-drawn pictures of the panels at the page's
epoch and the epoch slider (inside a container the component's script hides) remain.

Untrusted text (loss titles, class labels and column names, which may come from uploaded CSVs)
is inserted into the DOM with ``textContent`` only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from core import boundaries, cost, edits, snapshots, train
from core.edits import Edits
from core.experiment import Comparison, ModelChoice
from present import identity, state
from ui import comparison, controls, formula_box, lecture

ASSETS = Path(__file__).resolve().parent / "player"
#: The engine's modules in dependency order (each imports only earlier ones).
ENGINE = (
    "numerics.js",
    "rng.js",
    "losses.js",
    "formula.js",
    "models.js",
    "optim.js",
    "train.js",
    "boundaries.js",
    "edits.js",
    "live.js",
)
#: Pixels per side of each panel of the server-drawn fallback picture.
FALLBACK = 200
#: Frames per second of the descent players at speed 1x.
FPS = 15
#: The default run's length when played, in seconds: long enough to narrate.
DURATION = 20
#: The durations a presenter can choose (seconds for the whole run); 0: as fast as it trains.
DURATIONS = (40, 20, 10, 5, 0)
NOTE = (
    "Filled dots: training points, sized by |∂L/∂z| (how hard each pulls on the model); "
    "hollow triangles: test points; black x: flipped label."
)
DRIVE_HELP = "point size = |∂L/∂z|, how hard each training point pulls on the model"
#: The link's key of a student's edits (core.edits' text).
EDITS_KEY = "edits"
state.LINK_KEYS.add(EDITS_KEY)  # a link key of the pages that draw an editable player
#: A what-if whose training the budget estimates at most this many server CPU seconds
#: (:meth:`core.cost.Work.seconds`) is computed exactly at once; a costlier one starts live
#: and is computed on request.
EXACT_AT_ONCE_SECONDS = 0.075

_IMPORT = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"\./[a-z]+\.js";\n', re.M)


def _strip(text: str) -> str:
    """Comments and blank lines out of a script (whole-line ``//`` comments and ``/** */``
    blocks that start a line): they are half of the engine's bytes, sent with every view."""
    out, in_doc = [], False
    for line in text.splitlines():
        t = line.strip()
        if in_doc:
            in_doc = "*/" not in t
            continue
        if t.startswith("/**") or t.startswith("/*"):
            in_doc = "*/" not in t
            continue
        if not t or t.startswith("//"):
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def engine_source() -> str:
    """The engine as one ES module text: its modules in :data:`ENGINE` order without their
    ``import`` lines, then ``worker.js`` (which starts a Trainer when run as a Worker)."""
    parts = [_IMPORT.sub("", (ASSETS / "engine" / f).read_text(encoding="utf-8")) for f in ENGINE]
    parts.append((ASSETS / "worker.js").read_text(encoding="utf-8"))
    return _strip("\n".join(parts))


def _component(name: str, *scripts: str):
    """A components v2 player: ``transport.js`` (the bar and the clock every player shares),
    ``annotate.js`` (a lecture stop's marks) and its own scripts, as one module text (v2 takes
    the module as text and loads it from a ``blob:`` URL); a live player gets the engine's
    text first (:func:`engine_source`)."""
    js = "\n".join(
        _strip((ASSETS / f).read_text(encoding="utf-8"))
        for f in ("transport.js", "annotate.js", *scripts)
    )
    if "host.js" in scripts:
        js = f"const ENGINE_SOURCE = {json.dumps(engine_source())};\n" + js
    return st.components.v2.component(
        name, css=(ASSETS / "player.css").read_text(encoding="utf-8"), js=js
    )


_player = _component("loss_lab.player", "host.js", "player.js")
_fits = _component("loss_lab.fits", "host.js", "fits.js")


def read(proto: Any) -> dict:
    """The data a mounted live player carries (its element's proto: JSON bytes, see
    :func:`pack`): for tests, the views' dump and the benchmarks."""
    return json.loads(proto.bytes.decode("utf-8") if proto.bytes else proto.json)


def pack(view: dict, *, loaded: str = "{}") -> bytes:
    """A player's data as JSON bytes: ``loaded`` (the JSON text of the part that depends on
    the data as loaded only, built once per data) merged with ``view``. Bytes pass through
    Streamlit as they are (a dict is dumped twice more per run, once sorted for its identity:
    the larger part of a what-if's server time)."""
    tail = json.dumps(view, separators=(",", ":"), allow_nan=False)
    inner = loaded[1:-1]
    return ("{" + inner + ("," if inner and tail != "{}" else "") + tail[1:]).encode("utf-8")


def _mount(component: Any, key: str, data: Any, **callbacks: Any) -> None:
    """Draw ``component`` under ``key``. Where the browser refuses its script (a content
    security policy without ``blob:``, as a school proxy may send, or a script blocker),
    Streamlit puts an error box in its place; the server-drawn fallback below it is the view
    then, so the box is hidden by a style (which, unlike the script, still applies)."""
    component(key=key, data=data, **callbacks)
    st.html(f"<style>.st-key-{key} [data-testid='stAlertContainer'] {{display: none;}}</style>")


# --------------------------------------------------------------------------- edits in the link


_EDITS = "_player_edits"  # the edits the page computes with (core.edits' text)
_EDITS_REV = "_player_edits_rev"  # bumped whenever the server sets them (the browser adopts)
_EXACT_NEXT = "_player_exact_next"  # the next run computes exactly (a preset, a request)
_EXACT_KEYS = "_player_exact_keys"  # views this session asked to compute exactly
_OPENED = "_player_opened"  # the session's first run is over
#: Views computed exactly in this process lately (anyone's): computing them again is a hit.
_RECENT: OrderedDict[Comparison, None] = OrderedDict()
_RECENT_SIZE = 64


def _set_edits(text: str) -> None:
    st.session_state[_EDITS] = text
    st.session_state[_EDITS_REV] = st.session_state.get(_EDITS_REV, 0) + 1


def forget_edits(_preset: Mapping[str, Any] | None = None) -> None:
    """Drop the edits (a preset starts from its data as loaded) and compute the next view
    exactly (a lecture preset is a view the room expects to be exact). A page hands it to
    :func:`ui.frame.page` as a preset's ``apply`` (which passes the preset's values)."""
    _set_edits("")
    st.session_state[_EXACT_NEXT] = True


def with_edits(key: Comparison) -> Comparison:
    """``key`` with the edits the page computes with: the player's last (sent with a pause,
    a step or "Compute exactly"), else the link's ``?edits=``. A link's edits that are
    malformed, oversized or do not fit the data are refused with the link notice, and the
    view is the data as loaded."""
    ss = st.session_state
    if _EDITS not in ss:
        ss[_EDITS] = st.query_params.get(EDITS_KEY, "")
        ss[_EDITS_REV] = 1
    text = ss[_EDITS]
    try:
        changes = edits.decode(text)
        if changes:
            edits.apply(comparison.as_loaded(key), changes)  # fits these data?
    except ValueError:
        shown = text if len(text) <= 60 else text[:57] + "…"
        st.warning(state.describe({EDITS_KEY: ([shown], "")}), icon=":material/link_off:")
        _set_edits("")
        changes = Edits()
    if changes.text:
        st.query_params[EDITS_KEY] = changes.text
    elif EDITS_KEY in st.query_params:
        del st.query_params[EDITS_KEY]
    return key.replace(edits=changes)


def exact_view(key: Comparison, ds: Any) -> bool:
    """Whether the server computes ``key``'s numbers now: the session's first view (a link
    opens as it did), a preset or a "Compute exactly" click, a view computed lately in this
    process (a cache hit), or one cheap enough (:data:`EXACT_AT_ONCE_SECONDS`: the work of
    training ``key`` on ``ds``, its data). Otherwise the view starts live in the browser, its
    numbers marked live, one click from exact."""
    ss = st.session_state
    asked = ss.pop(_EXACT_NEXT, False)
    first = not ss.get(_OPENED, False)
    ss[_OPENED] = True
    mine = ss.setdefault(_EXACT_KEYS, set())
    cheap = cost.fit_cost(ds, key.configs()).seconds <= EXACT_AT_ONCE_SECONDS
    exact = first or asked or key in mine or key in _RECENT or cheap
    if exact:
        if asked:
            mine.add(key)
        _RECENT[key] = None
        _RECENT.move_to_end(key)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return bool(exact)


def ask_exact() -> None:
    """Compute the next view exactly (the "Compute exactly" button's callback)."""
    st.session_state[_EXACT_NEXT] = True


def live_notice(*, key: str = "exact_view") -> None:
    """What a view started live says where its sentence and table would be, and the button
    that computes them (it works where scripts are blocked, too)."""
    st.info(
        "This what-if trains live in your browser: the panels' accuracies and curves are the "
        "browser's (float64, the same computation as the server's, marked live). The sentence, "
        "the table and the downloads are computed on the server.",
        icon=":material/bolt:",
    )
    st.button(
        "Compute this view exactly on the server",
        key=key,
        on_click=ask_exact,
        icon=":material/calculate:",
    )


# --------------------------------------------------------------------------- payload


def _config_record(cfg: train.TrainConfig) -> dict:
    """A ``TrainConfig`` as the engine takes it (core's field names; no snapshots; the engine
    computes in float64 whatever the server's precision)."""
    skip = ("snapshot_epochs", "dtype")
    out = {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.name not in skip}
    out["hidden"] = list(out["hidden"])
    out["loss_params"] = dict(out["loss_params"])
    return out


def _data_record(ds: Any) -> dict:
    """The data as loaded, exactly (JSON keeps every float64), with the clean labels and the
    corrupted marks the edits and the black x's need."""
    y_clean = ds.y_train if ds.y_train_clean is None else ds.y_train_clean
    flagged = np.zeros(len(ds.y_train), bool) if ds.corrupted is None else ds.corrupted
    y = (
        (lambda a: [int(v) for v in a])
        if ds.task == "classification"
        else (lambda a: [float(v) for v in a])
    )
    return {
        "n_classes": int(ds.n_classes),
        "X_train": np.asarray(ds.X_train, float).tolist(),
        "y_train": y(ds.y_train),
        "y_train_clean": y(y_clean),
        "corrupted": [bool(b) for b in flagged],
        "X_test": np.asarray(ds.X_test, float).tolist(),
        "y_test": y(ds.y_test),
    }


def axis_labels(ds: Any) -> list[str]:
    """The axes' titles: the columns' names (standardised on the training split, the
    data's unit), or x₁, x₂ for generated data."""
    generic = {"x1": "x₁", "x2": "x₂", "x": "x"}
    names = list(ds.feature_names) or ["x1", "x2"]
    return [generic.get(n, f"{n} (standardised)") for n in names]


def _exact_scores(key: Comparison, runs: dict[str, train.FitResult]) -> dict:
    """``core``'s accuracy at every epoch (0: the initial weights) and each run's divergence:
    what the player shows while the data are the view as loaded."""
    ds = comparison.load(key)
    out: dict[str, Any] = {"train": [], "test": [], "diverged": []}
    for n in key.losses:
        r = runs[n]
        first = r.snapshots.get(0)
        for split, X, y in (("train", ds.X_train, ds.y_train), ("test", ds.X_test, ds.y_test)):
            a0 = (
                None
                if first is None
                else float(boundaries.correct(first.decision_function(X), y).mean())
            )
            hist = [float(v) for v in r.history[f"{split}_accuracy"]]
            out[split].append([a0, *hist])
        out["diverged"].append(r.diverged_epoch)
    return out


@functools.lru_cache(maxsize=32)  # every run of a view sends it: built once per data
def _loaded_view(data: Any, corruption: Any) -> dict:
    """The part of the boundary player's data that depends on the data as loaded only: the
    data record, the grid, the axes' titles, the classes and their identity. Read-only."""
    key = Comparison(data, ModelChoice(), ("cross_entropy",), corruption=corruption)
    base = comparison.as_loaded(key)
    g = comparison.grid(key)
    dx, dy = g.step
    record = _data_record(base)
    where = json.dumps([record, g.xs.tolist(), g.ys.tolist()], separators=(",", ":"))
    return {
        "dataId": hashlib.sha1(where.encode()).hexdigest()[:16],
        "data": record,
        "grid": {
            "xs": g.xs.tolist(),
            "ys": g.ys.tolist(),
            "x": [float(g.xs[0] - dx / 2), float(g.xs[-1] + dx / 2)],
            "y": [float(g.ys[0] - dy / 2), float(g.ys[-1] + dy / 2)],
        },
        "axes": axis_labels(base),
        "classes": [
            {
                "label": comparison.class_name(k, base.class_names),
                "color": identity.CLASS_COLORS[k % len(identity.CLASS_COLORS)],
            }
            for k in range(base.n_classes)
        ],
    }


@functools.lru_cache(maxsize=32)
def _loaded_text(data: Any, corruption: Any) -> str:
    """:func:`_loaded_view` as JSON text (the bytes a view sends each run)."""
    return json.dumps(_loaded_view(data, corruption), separators=(",", ":"), allow_nan=False)


def boundary_view(
    key: Comparison,
    epoch: int,
    drive: bool,
    *,
    exact: bool,
    link: str | None,
    fallback: str,
    editable: bool,
) -> dict:
    """The player's data: the view as loaded (:func:`_loaded_view`), its configs, grid,
    shading and the edits; ``core``'s scores when ``exact`` (the runs are then trained and
    cached)."""
    loaded = _loaded_view(key.data, key.corruption)
    cfgs = comparison.configs(key)
    records = [_config_record(c) for c in cfgs]
    how = json.dumps(records, separators=(",", ":"))
    kept = list(comparison.kept_epochs(key))
    return {
        **loaded,
        # the data (a config change keeps a student's edits) and the data with its training
        "id": hashlib.sha1((loaded["dataId"] + how).encode()).hexdigest()[:16],
        "task": "classification",
        "configs": records,
        "formulas": formula_box.engine_formulas([c.loss for c in cfgs]),
        "shade": comparison.SHADE,
        "panels": [
            {
                "name": c.loss,
                "title": identity.short(c.loss),
                "color": identity.color(c.loss),
                "kind": boundaries.surface_kind(c.loss),
            }
            for c in cfgs
        ],
        "epochs": key.model.epochs,
        "kept": None if kept == list(range(key.model.epochs + 1)) else kept,
        "epoch": int(epoch),
        "edits": key.edits.text,
        "editsRev": int(st.session_state.get(_EDITS_REV, 0)),
        "editable": editable,
        "exact": _exact_scores(key, comparison.fit_runs(key)) if exact else None,
        "drive": bool(drive),
        "link": link,
        "fallback": fallback,
        "present": bool(state.presenting(st.query_params.get_all(state.PRESENT))),
        "durations": list(DURATIONS),
        "duration": DURATION,
        "note": NOTE,
    }


def fits_view(
    key: Comparison,
    configs: Sequence[train.TrainConfig],
    *,
    exact: dict | None,
    fallback: str,
    axes: Sequence[str],
) -> dict:
    """The live fits' data (Outlier robustness, regression): the data as loaded with their
    outliers marked, the configs, the x positions of the curves and the view's frame (edits
    move neither); ``exact``: the server's clean-test RMSE and divergence per loss."""
    base = comparison.as_loaded(key)
    data = _data_record(base)
    x = np.concatenate([base.X_train[:, 0], base.X_test[:, 0]])
    y = np.concatenate([base.y_train, base.y_test])
    pad = lambda lo, hi, f: [float(lo - f * (hi - lo)), float(hi + f * (hi - lo))]  # noqa: E731
    xr, yr = pad(x.min(), x.max(), 0.04), pad(y.min(), y.max(), 0.08)
    where = json.dumps([data, xr, yr], separators=(",", ":"))
    how = json.dumps([_config_record(c) for c in configs], separators=(",", ":"))
    return {
        "dataId": hashlib.sha1(where.encode()).hexdigest()[:16],
        "id": hashlib.sha1((where + how).encode()).hexdigest()[:16],
        "task": "regression",
        "data": data,
        "configs": [_config_record(c) for c in configs],
        "formulas": formula_box.engine_formulas([c.loss for c in configs]),
        "grid": {"xs": np.linspace(xr[0], xr[1], 200).tolist()},
        "range": {"x": xr, "y": yr},
        "axes": list(axes),
        "panels": [
            {
                "name": c.loss,
                "title": identity.title(c.loss, "regression"),
                "color": identity.color(c.loss),
            }
            for c in configs
        ],
        "epochs": key.model.epochs,
        "kept": None,
        "epoch": key.model.epochs,
        "edits": key.edits.text,
        "editsRev": int(st.session_state.get(_EDITS_REV, 0)),
        "editable": True,
        "exact": exact,
        "fallback": fallback,
        "present": bool(state.presenting(st.query_params.get_all(state.PRESENT))),
        "durations": list(DURATIONS),
        "duration": DURATION,
    }


def fits_player(
    key: Comparison,
    configs: Sequence[train.TrainConfig],
    *,
    exact: dict | None,
    chart: Callable[[], None],
    axes: Sequence[str] = ("x (standardised)", "y (standard units)"),
    name: str = "fits",
) -> None:
    """Draw the live fits (drag a point and every loss retrains at once); ``chart()`` draws
    the server's figure, the fallback where scripts cannot run (hidden where they do)."""
    slot = st.container()
    fallback = f"{name}_fallback"
    with st.container(key=fallback):
        chart()
    view = fits_view(key, configs, exact=exact, fallback=fallback, axes=axes)
    view |= lecture.player_marks()  # a lecture stop's marks on the canvas (annotate.js)
    with slot:
        _mount(_fits, name, pack(view), on_view_change=lambda: _sync(name, None))


# --------------------------------------------------------------------------- fallback picture


def render_surface(values: np.ndarray, kind: str, n_classes: int, size: int = FALLBACK):
    """``(size, size, 3)`` uint8 picture of a surface's per-class values ``(rows, cols, C)``
    (:attr:`core.boundaries.DecisionSurface.values`), as the browser draws it: bilinear values,
    class of the largest, strength (:func:`core.boundaries.strength`) over white
    (:func:`ui.comparison.shade_alpha`), dark class changes."""
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
    alpha = comparison.shade_alpha(boundaries.strength(vmax, kind, n_classes))[..., None]
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


@comparison.shared(max_entries=16)  # shared, within the shared byte budget: see ui.comparison
def _fallback_images(cmp: Comparison, epoch: int, drive: bool) -> list[bytes]:
    ds = comparison.load(cmp)
    return [
        fallback_image(p, ds, ds.n_classes, drive) for p in comparison.compute_panels(cmp, epoch)
    ]


@st.cache_data(max_entries=16, show_spinner=False)
def figure_png(cmp: Comparison, epoch: int, drive: bool) -> bytes:
    """The figure at ``epoch`` as one PNG to keep: every panel side by side under its loss's
    name and test accuracy, in the loss's colour (the server-drawn pictures of the fallback,
    so the export needs no browser)."""
    panels = comparison.compute_panels(cmp, epoch)
    pictures = [Image.open(io.BytesIO(b)) for b in _fallback_images(cmp, epoch, drive)]
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


# --------------------------------------------------------------------------- drawing


def _sync(key: str, epoch_key: str | None) -> None:
    """The player's trigger: a pause, step or released scrubber (``epoch`` and ``edits``), or
    "Compute exactly" (``exact``): the page's epoch widget and edits follow, so the link names
    what is on screen."""
    value = st.session_state.get(key)
    view = None if value is None else value.get("view")
    if not isinstance(view, dict):
        return
    epoch = view.get("epoch")
    if epoch_key is not None and isinstance(epoch, int) and not isinstance(epoch, bool):
        st.session_state[epoch_key] = epoch
    text = view.get("edits")
    if (
        isinstance(text, str)
        and len(text) <= edits.MAX_CHARS
        and text != st.session_state.get(_EDITS)
    ):
        st.session_state[_EDITS] = text  # checked by with_edits; the browser holds them already
    if view.get("exact") is True:
        ask_exact()


def _sync_step(key: str, step_key: str) -> None:
    """A descent or maps player's trigger: its step into the page's step widget (the
    takeaway and table follow it; the script updates the link itself)."""
    value = st.session_state.get(key)
    step = None if value is None else value.get("step")
    if isinstance(step, int) and not isinstance(step, bool):
        st.session_state[step_key] = step


@dataclass(frozen=True)
class Figure:
    """What the boundary figure left for the page: the epoch it shows, and when computed
    exactly, its panels' cells and points tables (made when a CSV button asks)."""

    epoch: int
    exact: bool
    cells: comparison.Table | None = None
    points: comparison.Table | None = None


def epoch_slider(key: Comparison, epoch_key: str) -> int:
    """The server-side epoch control (in the fallback: the player's scrubber replaces it where
    scripts run), bound to the link; an epoch the view keeps no model for (an older link) is
    taken to the nearest kept one."""
    options = comparison.epochs(key)
    ss = st.session_state
    if epoch_key in ss and ss[epoch_key] not in options:
        ss[epoch_key] = snapshots.nearest(options, int(ss[epoch_key]))
    elif epoch_key not in ss:
        raw = st.query_params.get(epoch_key)
        if raw is not None and raw.lstrip("-").isdigit() and int(raw) not in options:
            ss[epoch_key] = snapshots.nearest(options, int(raw))
    return st.select_slider(
        "Epoch (scrub through training)",
        options=options,
        value=options[-1],
        key=epoch_key,
        bind="query-params",
    )


def boundaries_player(
    cmp: Comparison,
    *,
    exact: bool,
    key: str = "player",
    epoch_key: str | None = "epoch",
    drive_key: str | None = "drive",
    epoch: int | None = None,
    editable: bool = True,
) -> Figure:
    """Draw the live small multiples (one panel per loss, one epoch clock) and their fallback.

    ``epoch_key``: the page's epoch widget, bound to the URL, drawn in the fallback (``None``:
    no link, the figure opens at ``epoch`` or the end). ``drive_key``: the "who drives
    learning" switch (``None``: on). ``exact``: the server trains the view now
    (:func:`exact_view`), so the figure carries ``core``'s numbers and the fallback its pictures.
    """
    slot = st.container()
    fallback = f"{key}_fallback"
    box = st.container(key=fallback)
    with box:
        if epoch_key is not None:
            epoch = epoch_slider(cmp, epoch_key)
    epoch = cmp.model.epochs if epoch is None else int(epoch)
    drive = (
        True
        if drive_key is None
        else controls.toggle(st, "Who drives learning", drive_key, True, help=DRIVE_HELP)
    )
    view = boundary_view(
        cmp, epoch, drive, exact=exact, link=epoch_key, fallback=fallback, editable=editable
    )
    view |= lecture.player_marks()  # a lecture stop's marks on the canvas (annotate.js)
    loaded = _loaded_view(cmp.data, cmp.corruption)
    rest = {k: v for k, v in view.items() if k not in loaded}
    data = pack(rest, loaded=_loaded_text(cmp.data, cmp.corruption))
    with slot:
        _mount(_player, key, data, on_view_change=lambda: _sync(key, epoch_key))
    with box:
        if exact:
            st.caption(
                f"Epoch {epoch} (live training needs JavaScript; the slider redraws this picture)."
            )
            images = _fallback_images(cmp, epoch, drive)
            st.image(images, caption=[p["title"] for p in view["panels"]], width=FALLBACK)
        else:
            st.caption("Live training needs JavaScript: compute this view on the server to see it.")
    if not exact:
        return Figure(epoch, False)
    st.download_button(
        f"Figure PNG (epoch {epoch})",
        data=lambda: figure_png(cmp, epoch, drive),  # drawn when clicked, not on every run
        file_name=f"boundaries_epoch_{epoch}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_png",
    )
    cells, points = comparison.lazy_frames(cmp, epoch)
    return Figure(epoch, True, cells, points)


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
        callbacks["on_step_change"] = lambda: _sync_step(key, link)
    _mount(_descent, key, data | lecture.player_marks(), **callbacks)


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
    """Map ``index`` of :func:`maps_payload`'s ``data`` at the step it opens at, as a JPEG:
    what the maps player draws on its canvas (``drawMapBase`` and ``draw`` in
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


def maps_player(data: dict, *, key: str = "descent_maps", **view: Any) -> None:
    """Play the descent paths over their (w, b) maps: one ball per loss and map on one step
    clock, in the browser (:func:`maps_payload` gives ``data``; ``view`` as for
    :func:`_mount_descent`)."""
    _mount_descent(key, data, **view)
