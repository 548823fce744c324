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

import functools
import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core import boundaries, cost, edits, snapshots, train
from core.edits import Edits
from core.experiment import Comparison, ModelChoice
from present import identity, payloads, pictures, state
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


# --------------------------------------------------------------------------- the players' data


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
    record = payloads.data_record(base)
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
        "axes": payloads.axis_labels(base),
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
    records = [payloads.config_record(c) for c in cfgs]
    how = json.dumps(records, separators=(",", ":"))
    kept = list(comparison.kept_epochs(key))
    return {
        **loaded,
        # the data (a config change keeps a student's edits) and the data with its training
        "id": hashlib.sha1((loaded["dataId"] + how).encode()).hexdigest()[:16],
        "task": "classification",
        "configs": records,
        "formulas": formula_box.engine_formulas([c.loss for c in cfgs]),
        "shade": pictures.SHADE,
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
    data = payloads.data_record(base)
    x = np.concatenate([base.X_train[:, 0], base.X_test[:, 0]])
    y = np.concatenate([base.y_train, base.y_test])
    pad = lambda lo, hi, f: [float(lo - f * (hi - lo)), float(hi + f * (hi - lo))]  # noqa: E731
    xr, yr = pad(x.min(), x.max(), 0.04), pad(y.min(), y.max(), 0.08)
    where = json.dumps([data, xr, yr], separators=(",", ":"))
    how = json.dumps([payloads.config_record(c) for c in configs], separators=(",", ":"))
    return {
        "dataId": hashlib.sha1(where.encode()).hexdigest()[:16],
        "id": hashlib.sha1((where + how).encode()).hexdigest()[:16],
        "task": "regression",
        "data": data,
        "configs": [payloads.config_record(c) for c in configs],
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
        _mount(_fits, name, payloads.pack(view), on_view_change=lambda: _sync(name, None))


@comparison.shared(max_entries=16)  # shared, within the shared byte budget: see ui.comparison
def _fallback_images(cmp: Comparison, epoch: int, drive: bool) -> list[bytes]:
    ds = comparison.load(cmp)
    return [
        pictures.fallback_image(p, ds, ds.n_classes, drive)
        for p in comparison.compute_panels(cmp, epoch)
    ]


@st.cache_data(max_entries=16, show_spinner=False)
def figure_png(cmp: Comparison, epoch: int, drive: bool) -> bytes:
    """The figure at ``epoch`` as one PNG to keep: every panel side by side under its loss's
    name and test accuracy (:func:`present.pictures.side_by_side` of the server-drawn pictures
    of the fallback, so the export needs no browser)."""
    panels = comparison.compute_panels(cmp, epoch)
    return pictures.side_by_side(panels, _fallback_images(cmp, epoch, drive), epoch)


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
    data = payloads.pack(rest, loaded=_loaded_text(cmp.data, cmp.corruption))
    with slot:
        _mount(_player, key, data, on_view_change=lambda: _sync(key, epoch_key))
    with box:
        if exact:
            st.caption(
                f"Epoch {epoch} (live training needs JavaScript; the slider redraws this picture)."
            )
            images = _fallback_images(cmp, epoch, drive)
            st.image(images, caption=[p["title"] for p in view["panels"]], width=pictures.FALLBACK)
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
    :func:`present.payloads.descent_payload` for the frames and :func:`_mount_descent` for
    ``view``."""
    _mount_descent(key, payloads.descent_payload(curves, paths, step), **view)


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


def maps_player(data: dict, *, key: str = "descent_maps", **view: Any) -> None:
    """Play the descent paths over their (w, b) maps: one ball per loss and map on one step
    clock, in the browser (:func:`present.payloads.maps_payload` gives ``data``; ``view`` as for
    :func:`_mount_descent`)."""
    _mount_descent(key, data, **view)
