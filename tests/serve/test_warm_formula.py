"""The warm-up starts the formula helper before any page, and a helper that cannot start costs
no warm-up (it is recorded, the pages are still warmed)."""

from __future__ import annotations

import pytest

from core import formula
from serve import warmup


def test_the_warm_up_derives_a_formula_first(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(formula, "check", lambda text, *a, **k: calls.append(text))
    warmup._warm_formula()
    assert calls == ["softplus(-m)"]


def test_a_helper_that_fails_is_recorded_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(formula, "check", broken)
    monkeypatch.setitem(warmup.STATUS, "errors", [])
    warmup._warm_formula()
    assert warmup.STATUS["errors"] == ["formula helper: OSError: no processes here"]
