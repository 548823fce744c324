"""Shared checks for computed sentences: nothing raw, no 1× comparisons, nothing vs itself;
and :func:`summary`, the training-curves input they are computed from."""

from __future__ import annotations

import re

from core.compare import Summary

RAW = re.compile(r"\b(nan|NaN|inf|Inf|None)\b|-0\.0+\b(?![1-9])|-0(?![.\d])")
ONE_TIMES = re.compile(r"(?<![\d.])1(\.0+)?×")


def assert_clean(text: str) -> None:
    """No ``nan``/``inf``/``None``, no ``-0``/``-0.000``, no ``1×``/``1.0×`` comparison."""
    assert not RAW.search(text), (RAW.search(text).group(0), text)
    assert not ONE_TIMES.search(text), text


def ratios(text: str, verb: str) -> list[tuple[str, float | None, str]]:
    """``(subject, ratio or None for 'more than 1000×', object)`` of each
    ``"<subject> <verb> <ratio>× as hard as <object>"`` in ``text`` (labels are ``L<digit>``)."""
    out = []
    pattern = (
        rf"(L\d)(?: and L\d)* {verb}e?s? (?:about )?(more than 1000|[\d.e+]+)× as hard as (L\d)"
    )
    for m in re.finditer(pattern, text):
        r = None if m.group(2) == "more than 1000" else float(m.group(2))
        out.append((m.group(1), r, m.group(3)))
    return out


def summary(reach: float | None, reached: int = 3, runs: int = 3, diverged: int = 0) -> Summary:
    """One loss's training-curves summary: ``reached`` of ``runs`` seeds reached the target,
    their median at epoch ``reach`` (the final and best accuracies are fixed)."""
    return Summary(
        runs=runs,
        final_mean=0.9,
        final_sd=0.01,
        best_mean=0.92,
        reach_epochs=reach,
        reached=reached,
        diverged=diverged,
    )
