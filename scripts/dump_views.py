"""Dump every page view the app offers to one JSON file, to show a refactoring changed nothing.

    python scripts/dump_views.py before.json   # on the old code
    python scripts/dump_views.py after.json    # on the new code
    cmp before.json after.json

Drives the page files only (``streamlit_app.py`` and ``pages/*.py``) with Streamlit's
``AppTest``, so it runs on any layout of the modules behind them. For every page: its default
view, every lecture preset (each clicked in a fresh session, as a student would) and the
extra links of :data:`EXTRA`. For each view it writes the link the page ends on and every
element in page order: its proto as JSON, with chart specs parsed, the tables Streamlit ships
as Arrow (dataframes, chart datasets) written out as values, the players' payloads
(``present.payloads.pack``'s binary header unpacked, its compressed body as a hash) and each
widget's current value; a download button's file (computed when clicked) as the hash of its bytes.
The output is deterministic: keys sorted, the per-click nonce of the scroll script and a
pandas Styler's random id blanked. Runs in one process, without worker processes or warm-up.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import struct
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LOSSLAB_WORKERS"] = "0"  # the same numbers, computed in this process
os.environ["LOSSLAB_WARMUP"] = "0"

import pyarrow as pa  # noqa: E402
from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

#: Links besides each page's default view and presets: ``(page file, query)``.
EXTRA: list[tuple[str, Mapping[str, Any]]] = [
    ("streamlit_app.py", {"dataset": "circles"}),
    ("streamlit_app.py", {"dataset": "blobs"}),
    ("streamlit_app.py", {"present": "1"}),
    ("pages/2_Gradient_anatomy.py", {"part": "Softmax, 2 classes"}),
    ("pages/2_Gradient_anatomy.py", {"part": "Softmax, K classes"}),
    ("pages/5_Decision_boundaries.py", {"epoch": "50", "drive": "false", "seed": "3"}),
    ("pages/5_Decision_boundaries.py", {"dataset": "nonsense", "lr": "99"}),
    ("pages/6_Training_curves.py", {"seeds": "2", "dataset": "moons"}),
    ("pages/7_Outlier_robustness.py", {"sweep": "true", "seeds": "1", "nrates": "3"}),
    ("pages/8_Loss_reference.py", {"open": "true"}),
]
#: Deferred downloads (``st.download_button(data=callable)``) by file id: the dump holds
#: what a click would download, not the per-run id.
DEFERRED: dict[str, Any] = {}
_add_deferred = MediaFileManager.add_deferred


def _recording_add_deferred(self: MediaFileManager, data_callable: Any, *args, **kwargs) -> str:
    file_id = _add_deferred(self, data_callable, *args, **kwargs)
    DEFERRED[file_id] = data_callable
    return file_id


MediaFileManager.add_deferred = _recording_add_deferred
PRESET_KEY = re.compile(r"^preset_\d+$")
NONCE = re.compile(r"nonce [0-9a-f]{32}")


def pages() -> list[str]:
    """The home page and every page file, in menu order."""
    return ["streamlit_app.py", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("pages/*.py"))]


def arrow_records(data: bytes) -> Any:
    """An Arrow IPC stream as ``{"columns": [...], "rows": [...]}`` (values as Python)."""
    table = pa.ipc.open_stream(io.BytesIO(data)).read_all()
    return {
        "columns": [f"{f.name}: {f.type}" for f in table.schema],
        "rows": [list(r.values()) for r in table.to_pylist()],
    }


def player_payload(data: bytes) -> Any:
    """``present.payloads.pack``'s bytes: the JSON header and a hash of the compressed body."""
    (n,) = struct.unpack("<I", data[:4])
    header = json.loads(data[4 : 4 + n].decode("utf-8"))
    return {"header": header, "body_sha256": hashlib.sha256(data[4 + n :]).hexdigest()}


def from_bytes(data: bytes) -> Any:
    """Bytes in a proto: an Arrow table, a player payload, or else their hash."""
    if not data:
        return ""
    for read in (arrow_records, player_payload):
        try:
            return read(data)
        except Exception:  # not this format
            continue
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def from_text(name: str, text: str) -> Any:
    """Strings in a proto: JSON parsed, the scroll script's nonce blanked, long ones hashed."""
    if name == "deferred_file_id":
        data = DEFERRED[text]()
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if name in ("spec", "json"):
        with contextlib.suppress(json.JSONDecodeError):
            return json.loads(text)
    if name == "uuid":  # a pandas Styler's random id (for its CSS selectors)
        return "-"
    text = NONCE.sub("nonce -", text)
    if len(text) > 4000 and name not in ("body",):  # scripts, styles, inline images
        return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text)}
    return text


def from_proto(msg: Any) -> dict[str, Any]:
    """A proto message as a dict of its set fields, bytes and embedded JSON written out."""
    out: dict[str, Any] = {}
    for field, value in msg.ListFields():
        repeated = field.is_repeated
        values = list(value) if repeated else [value]
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            out[field.name] = {
                k: _value(field.message_type.fields_by_name["value"], k, v)
                for k, v in value.items()
            }
            continue
        conv = [_value(field, field.name, v) for v in values]
        out[field.name] = conv if repeated else conv[0]
    return out


def _value(field: Any, name: str, value: Any) -> Any:
    if field.type == field.TYPE_MESSAGE:
        return from_proto(value)
    if field.type == field.TYPE_BYTES:
        return from_bytes(value)
    if field.type == field.TYPE_STRING:
        return from_text(field.name, value)
    return value


def elements(node: Any, path: str = "") -> Iterator[dict]:
    """Every element and block under ``node``, in page order."""
    children = getattr(node, "children", None)
    proto = getattr(node, "proto", None)
    kind = getattr(node, "type", type(node).__name__)
    if children is not None:
        if proto is not None:
            yield {"path": path, "block": kind, "proto": from_proto(proto)}
        for i in sorted(children):
            yield from elements(children[i], f"{path}/{i}")
        return
    out: dict[str, Any] = {"path": path, "type": kind}
    if proto is not None:
        out["proto"] = from_proto(proto)
    if hasattr(node, "_widget_state"):
        try:
            value = node.value
        except Exception as err:  # a widget AppTest cannot read: say so
            value = f"<unreadable: {type(err).__name__}>"
        out["value"] = value if _jsonable(value) else repr(value)
    yield out


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def view(at: AppTest) -> dict:
    """One view: its link, its elements, and any exception."""
    return {
        "query": {k: at.query_params[k] for k in sorted(at.query_params)},
        "exceptions": [e.value for e in at.exception],
        "elements": list(elements(at._tree)),
    }


def run(path: str, query: Mapping[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=600)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def dump() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in pages():
        t0 = time.perf_counter()
        at = run(path)
        out[f"{path} | default"] = view(at)
        presets = sorted(
            (b.key for b in at.button if b.key and PRESET_KEY.match(b.key)),
            key=lambda k: int(k.split("_")[1]),
        )
        for key in presets:
            at = run(path)
            label = at.button(key=key).label
            at.button(key=key).click().run()
            out[f"{path} | {key}: {label}"] = view(at)
        for extra_path, query in EXTRA:
            if extra_path == path:
                out[f"{path} | ?{json.dumps(dict(query), sort_keys=True)}"] = view(run(path, query))
        print(f"{path}: {1 + len(presets)} views + extras, {time.perf_counter() - t0:.0f} s")
    return out


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.chdir(ROOT)
    views = dump()
    text = json.dumps(views, sort_keys=True, indent=1, default=_bytes)
    Path(sys.argv[1]).write_text(text + "\n", encoding="utf-8")
    print(f"{len(views)} views, {len(text)} characters -> {sys.argv[1]}")


def _bytes(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return repr(value)


if __name__ == "__main__":
    main()
