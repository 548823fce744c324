"""Seed evidence on screen: the strip chart of every seed, and the check across seeds.

The table, its lookup and the sentences are :mod:`present.evidence`; this is their Streamlit
side: :func:`show_strip` draws :func:`present.evidence.strip_spec` (cached as every chart is)
and :func:`check_across_seeds` trains a one-run view from every seed when asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import streamlit as st

from core import evidence as ev
from present import evidence, identity
from present.evidence import capitalised, seeds_span, strip_rows
from ui import charts

#: :func:`present.evidence.strip_spec`, cached and styled as every chart is.
strip_spec = charts.cached_spec(max_entries=64)(evidence.strip_spec)


def show_strip(
    outcomes: Sequence[ev.Outcome],
    metric: str,
    losses: Sequence[str],
    shown: int | Sequence[int],
    *,
    title: str | None = None,
    seed_word: str = "seed",
) -> None:
    """Draw :func:`strip_spec` of ``outcomes``: the spread of every seed at a glance, the
    figure's seed (or seeds) ringed; values that are not finite (a target never reached, a
    diverged run) are counted in the subtitle. ``seed_word`` names the seed ("data seed"
    where it draws the data too)."""
    if not outcomes:
        return
    seeds = (shown,) if isinstance(shown, int) else tuple(int(s) for s in shown)
    base = [o.baseline for o in outcomes if math.isfinite(o.baseline)]
    span = seeds_span([o.seed for o in outcomes])
    title = title or capitalised(ev.METRICS[metric].label)
    which = f"{seed_word} {seeds[0]}" if len(seeds) == 1 else f"{seed_word}s {seeds_span(seeds)}"
    sub = [f"every {seed_word}, {span}; ringed: {which}, the figure"]
    for n in losses:
        missing = sum(
            not math.isfinite(o.values.get(metric, {}).get(n, math.nan)) for o in outcomes
        )
        if missing:
            none = "never" if ev.METRICS[metric].tie == "ratio" else "no value"
            sub.append(f"{identity.short(n)}: {none} in {missing}")
    spec = strip_spec(
        strip_rows(outcomes, metric, losses),
        metric,
        tuple(losses),
        seeds,
        float(sum(base) / len(base)) if base else math.nan,
        title,
        "; ".join(sub),
    )
    charts.show(spec)


# --------------------------------------------------------------------------- on demand


def check_across_seeds(
    token: str,
    *,
    fits_budget: Callable[[], bool],
    outcome: Callable[[int], ev.Outcome],
    report: Callable[[list[ev.Outcome]], None],
    seeds: Iterable[int] = range(ev.K),
) -> None:
    """A "Check across seeds" button under a one-run view: on a click it trains the view from
    every seed of ``seeds`` (one cached ``outcome(seed)`` each, with a progress bar) and hands
    the outcomes to ``report``. It runs as a fragment, so the click reruns only this part: the
    figure above stays as it is. ``fits_budget()`` refuses (and says why) when the seeds
    would be too much work; ``token`` names the view, so a result never outlives it. The
    session keeps the three callables as long as it lives: pass functions of the view's key
    (``functools.partial``), not lambdas of a page script, whose globals would live as long."""
    seeds = list(seeds)

    @st.fragment
    def body() -> None:
        state = "_evidence_check"
        if st.button(
            f"Check across seeds ({seeds_span(seeds)})",
            key="evidence_check",
            icon=":material/stacked_line_chart:",
            help="Train this view from every seed and count how often its ranking holds.",
        ):
            st.session_state[state] = token
        if st.session_state.get(state) != token:
            return
        if not fits_budget():
            return
        bar = st.progress(0.0, text=f"Training from {len(seeds)} seeds…")
        outs = []
        for i, s in enumerate(seeds):
            outs.append(outcome(s))
            bar.progress((i + 1) / len(seeds), text=f"Seed {s} done ({i + 1} of {len(seeds)})")
        bar.empty()
        report(outs)

    body()
