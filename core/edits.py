r"""Edits a student makes to a comparison's training points, and their text in a link.

On the boundary and regression canvases a student adds a point, drags one, flips a label or
erases one; the browser retrains on the edited data at once, and the link carries the edits
so that the server (sentences, tables, downloads, "Reproduce") and anyone opening the link
compute on exactly the same data. This module is that shared definition: :func:`decode` and
:func:`encode` are the link's text, :func:`apply` the edited dataset. The browser's
``ui/player/engine/edits.js`` mirrors it op for op (tested against fixtures this module
writes, ``scripts/make_engine_fixtures.py``).

The operations, applied in order to the *training* split (the test split stays as drawn), each
to the dataset the previous ones left (indices are positions at that moment):

===========  =================  ==========================================================
op           text               effect
===========  =================  ==========================================================
add          ``a{x}_{y}_{k}``   append the point :math:`(x, y)` with class :math:`k`
                                (regression: ``a{x}_{y}``, feature :math:`x`, target
                                :math:`y`)
move         ``m{i}_{x}_{y}``   move training point :math:`i` to :math:`(x, y)`
                                (regression: feature and target)
relabel      ``l{i}_{k}``       give training point :math:`i` the class :math:`k`
delete       ``d{i}``           remove training point :math:`i`
===========  =================  ==========================================================

Coordinates are integers in thousandths of the data's (standardised) units, so a link holds
them exactly: the value used is ``x / 1000`` in both Python and JavaScript, the same double.
The text is ``1`` (the format's version) followed by ``.op`` per operation, e.g.
``1.a1200_-345_1.m3_100_200.l7_0.d31``; it is bounded (:data:`MAX_OPS` operations,
:data:`MAX_CHARS` characters, :data:`MAX_COORD` per coordinate) and canonical (no leading
zeros or ``-0``: one text per edit list), so a malformed or oversized link is refused, never
guessed at.

Flipped points: after the edits, a classification training point is marked as corrupted
(``Dataset.corrupted``, the black x) when its label differs from its clean label
(``y_train_clean``; an added point's clean label is the one it was added with).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from core.datasets import Dataset

__all__ = [
    "MAX_CHARS",
    "MAX_COORD",
    "MAX_OPS",
    "QUANTUM",
    "VERSION",
    "Edits",
    "apply",
    "decode",
    "encode",
]

#: The format's version, the text's first character.
VERSION = "1"
#: Coordinates are stored as integers in units of 1 / QUANTUM.
QUANTUM = 1000
#: The largest |coordinate| in those units (1000 standard units: far beyond any data).
MAX_COORD = 1_000_000
#: The most operations one link may carry.
MAX_OPS = 200
#: The longest text accepted (200 of the longest operations fit).
MAX_CHARS = 5000
#: Fields of each operation: classification and regression forms of add and move.
_FIELDS = {"a": (2, 3), "m": (3,), "l": (2,), "d": (1,)}
_OP = re.compile(r"([amld])(-?\d+(?:_-?\d+)*)")


@dataclass(frozen=True)
class Edits:
    """A list of edit operations, hashable (a comparison key holds it).

    ``ops``: tuples ``("a", x, y[, k])``, ``("m", i, x, y)``, ``("l", i, k)``, ``("d", i)``
    of integers (coordinates in units of :data:`QUANTUM`).
    """

    ops: tuple[tuple, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    @property
    def text(self) -> str:
        """:func:`encode` of these edits (``""`` for none)."""
        return encode(self)


def _int(text: str) -> int:
    if text != str(int(text)):  # leading zeros, "-0": not the one text of this number
        raise ValueError(f"edits must write integers without leading zeros, got {text!r}")
    return int(text)


def decode(text: str) -> Edits:
    """The edits written as ``text`` (see the module docstring); ``""`` is no edit.

    Raises ``ValueError`` naming ``edits`` and what is allowed for any other text: too long,
    another version, an unknown operation, a wrong number of fields, a coordinate beyond
    :data:`MAX_COORD`, a negative index or class, more than :data:`MAX_OPS` operations.
    """
    if not isinstance(text, str):
        raise ValueError(f"edits must be text, got {type(text).__name__}")
    if text == "":
        return Edits()
    if len(text) > MAX_CHARS:
        raise ValueError(f"edits must be at most {MAX_CHARS} characters, got {len(text)}")
    version, *parts = text.split(".")
    if version != VERSION:
        raise ValueError(f"edits must start with the version {VERSION!r}, got {version[:8]!r}")
    if len(parts) > MAX_OPS:
        raise ValueError(f"edits may hold at most {MAX_OPS} operations, got {len(parts)}")
    ops = []
    for part in parts:
        m = _OP.fullmatch(part)
        if m is None:
            raise ValueError(
                "edits must be operations a (add), m (move), l (relabel) or d (delete) followed "
                f"by integers joined by _, got {part[:24]!r}"
            )
        kind, fields = m.group(1), [_int(f) for f in m.group(2).split("_")]
        if len(fields) not in _FIELDS[kind]:
            raise ValueError(
                f"edits: operation {kind!r} takes {' or '.join(map(str, _FIELDS[kind]))} "
                f"numbers, got {len(fields)}"
            )
        coords = {"a": fields[:2], "m": fields[1:], "l": [], "d": []}[kind]
        if any(abs(c) > MAX_COORD for c in coords):
            raise ValueError(f"edits: coordinates must be within ±{MAX_COORD}, got {part[:24]!r}")
        indices = {"a": fields[2:], "m": fields[:1], "l": fields, "d": fields}[kind]
        if any(v < 0 for v in indices):
            raise ValueError(f"edits: indices and classes must be >= 0, got {part[:24]!r}")
        ops.append((kind, *fields))
    return Edits(tuple(ops))


def encode(edits: Edits) -> str:
    """The link's text of ``edits`` (``""`` for none); ``decode(encode(e)) == e``."""
    if not edits.ops:
        return ""
    return VERSION + "".join(
        "." + op[0] + "_".join(str(int(v)) for v in op[1:]) for op in edits.ops
    )


def apply(ds: Dataset, edits: Edits) -> Dataset:
    """``ds`` with ``edits`` applied to its training split, in order (see the module
    docstring); ``ds`` itself is not changed.

    Classification takes 2-feature data and the three-number add; regression 1-feature data
    with one target and the two-number add (feature, target). Raises ``ValueError`` naming
    ``edits`` when an operation does not fit the data: an index past the training points, a
    class the data do not have, the other task's add, fewer than 2 training points left.
    """
    if not edits.ops:
        return ds
    classification = ds.task == "classification"
    want = 2 if classification else 1
    if ds.X_train.shape[1] != want or (not classification and np.ndim(ds.y_train) != 1):
        raise ValueError(
            f"edits apply to {'2-feature classification' if classification else '1-feature'} "
            f"data, got {ds.X_train.shape[1]} features"
        )
    X = [list(map(float, row)) for row in ds.X_train]
    y = list(ds.y_train.tolist())
    clean = list((ds.y_train if ds.y_train_clean is None else ds.y_train_clean).tolist())
    flag = [False] * len(y) if ds.corrupted is None else list(map(bool, ds.corrupted))

    def point(i: int, op: tuple) -> int:
        if i >= len(y):
            raise ValueError(f"edits: {op[0]}{op[1]} names training point {i} of {len(y)}")
        return i

    def label(k: int) -> int:
        if not classification:
            raise ValueError("edits: regression data have no classes to relabel")
        if k >= ds.n_classes:
            raise ValueError(f"edits: class {k} is not one of the data's {ds.n_classes}")
        return k

    for op in edits.ops:
        kind, *f = op
        if kind == "a":
            if (len(f) == 3) != classification:
                raise ValueError(
                    "edits: an added point takes x, y and a class for classification, x and a "
                    f"target for regression, got {len(f)} numbers"
                )
            if classification:
                k = label(f[2])
                X.append([f[0] / QUANTUM, f[1] / QUANTUM])
                y.append(k)
                clean.append(k)
            else:
                X.append([f[0] / QUANTUM])
                y.append(f[1] / QUANTUM)
                clean.append(f[1] / QUANTUM)
            flag.append(False)
        elif kind == "m":
            i = point(f[0], op)
            if classification:
                X[i] = [f[1] / QUANTUM, f[2] / QUANTUM]
            else:
                X[i] = [f[1] / QUANTUM]
                y[i] = f[2] / QUANTUM
        elif kind == "l":
            y[point(f[0], op)] = label(f[1])
        else:
            i = point(f[0], op)
            for column in (X, y, clean, flag):
                del column[i]
            if len(y) < 2:
                raise ValueError("edits must leave at least 2 training points")
    if classification:  # flipped: the label differs from the clean one
        flag = [a != b for a, b in zip(y, clean, strict=True)]
    marked = any(flag)
    return dataclasses.replace(
        ds,
        X_train=np.asarray(X, dtype=ds.X_train.dtype).reshape(len(y), want),
        y_train=np.asarray(y, dtype=ds.y_train.dtype),
        y_train_clean=(
            np.asarray(clean, dtype=ds.y_train.dtype)
            if marked or ds.y_train_clean is not None
            else None
        ),
        corrupted=np.asarray(flag, dtype=bool) if marked else None,
    )
