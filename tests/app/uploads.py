"""Shared CSV files and a helper to open a page with one of them uploaded (AppTest)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from ui import upload

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)>"


def blobs_csv(n: int = 90, labels: tuple[str, ...] = ("setosa", "**bold**", HOSTILE)) -> bytes:
    """Three separable Gaussian blobs in 3 features (a, b, c) with text class labels."""
    rng = np.random.default_rng(0)
    rows = ["a,b,c,species"]
    for i in range(n):
        k = i % len(labels)
        v = rng.normal(size=3) + 3 * k
        label = f'"{labels[k]}"' if "," in labels[k] else labels[k]
        rows.append(f"{v[0]:.4f},{v[1]:.4f},{v[2]:.4f},{label}")
    return ("\n".join(rows) + "\n").encode()


def regression_csv(n: int = 80) -> bytes:
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, size=(n, 2))
    y = 2 * x[:, 0] + 0.3 * rng.normal(size=n) + 10
    rows = ["x,z,price"] + [f"{a:.4f},{b:.4f},{c:.4f}" for (a, b), c in zip(x, y, strict=True)]
    return ("\n".join(rows) + "\n").encode()


CSV_3_CLASSES = blobs_csv()


def with_upload(
    page: str,
    content: bytes,
    query: Mapping[str, object] | None = None,
    name: str = "my data.csv",
    prefix: str = "",
    state: Mapping[str, object] | None = None,
) -> AppTest:
    """Open ``page`` with ``content`` uploaded in this session and the CSV source chosen.

    The uploader's ``on_change`` stores the file in ``st.session_state[upload.STORE]``; the
    test puts it there directly (what the callback does) before the first run. The run must
    not raise.
    """
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value if isinstance(value, list) else str(value)
    at.session_state[f"{prefix}source"] = upload.OWN
    at.session_state[upload.STORE] = {"name": name, "data": content}
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
