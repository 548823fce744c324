"""Comparing a committed fixture with the one a script writes now (the engine's and the
formula's fixtures): same structure, numbers within a stated relative bound."""

from __future__ import annotations

import math
from typing import Any

#: How the fixtures write non-finite numbers (JSON has none).
NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, int | float):
        return float(x)
    return NON_FINITE.get(x) if isinstance(x, str) else None


def assert_close(old: Any, new: Any, rel: float, where: str = "", floor: float = 0.0) -> None:
    """Same structure, strings, flags and integers; numbers within ``rel`` of the fresh ones,
    :math:`|a - b| \\le \\mathrm{rel} \\cdot \\max(|b|, \\mathrm{floor})` (non-finite: equal)."""
    if isinstance(new, dict):
        assert isinstance(old, dict) and old.keys() == new.keys(), f"{where}: keys differ"
        for k in new:
            assert_close(old[k], new[k], rel, f"{where}.{k}", floor)
        return
    if isinstance(new, list):
        assert isinstance(old, list) and len(old) == len(new), f"{where}: lengths differ"
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            assert_close(a, b, rel, f"{where}[{i}]", floor)
        return
    a, b = _number(old), _number(new)
    is_float = isinstance(new, float) or isinstance(old, float)
    if a is None or b is None or not is_float or not (math.isfinite(a) and math.isfinite(b)):
        same = old == new or (a is not None and b is not None and math.isnan(a) and math.isnan(b))
        assert same, f"{where}: {old!r} != {new!r}"
        return
    assert abs(a - b) <= rel * max(abs(b), floor), f"{where}: {a!r} vs {b!r} (rel {rel})"
