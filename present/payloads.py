"""The players' data (JSON for the browser's players), built without Streamlit.

:func:`pack` and :func:`read`: a player's data as the bytes its component carries. The
boundary and fits players (:mod:`ui.player`) send the training configs and the data as loaded
as the browser's engine takes them (:func:`config_record`, :func:`data_record`,
:func:`axis_labels`); the descent player plays :func:`descent_payload` (a loss's curve) and
:func:`maps_payload` (its (w, b) maps, :class:`MapKind`), one frame per step of
:func:`_frames`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from core import snapshots, train
from present import identity

#: Frames per second of the descent players at speed 1x.
FPS = 15


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


# --------------------------------------------------------------------------- payload


def config_record(cfg: train.TrainConfig) -> dict:
    """A ``TrainConfig`` as the engine takes it (core's field names; no snapshots; the engine
    computes in float64 whatever the server's precision)."""
    skip = ("snapshot_epochs", "dtype")
    out = {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.name not in skip}
    out["hidden"] = list(out["hidden"])
    out["loss_params"] = dict(out["loss_params"])
    return out


def data_record(ds: Any) -> dict:
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
