"""The committed seed-evidence table is current: what the pages train now is what it holds.

``scripts/make_evidence.py`` writes ``present/seed_evidence.json`` from the pages themselves. These
checks are cheap: every entry is well formed and keyed by the pages' current precision; one
seed of every entry (its figure seed, in the page's precision) is trained again and must give
the stored numbers. ``tests/app/test_preset_evidence.py`` clicks every preset and checks the
page finds its entry (the keys match what the page trains). When a test here fails, rerun
``python scripts/make_evidence.py``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys

import pytest

from core import evidence as ev
from present import evidence
from ui import comparison
from views import robustness, training

ROOT = evidence.TABLE.parent.parent
_spec = importlib.util.spec_from_file_location(
    "make_evidence", ROOT / "scripts" / "make_evidence.py"
)
make = importlib.util.module_from_spec(_spec)
sys.modules["make_evidence"] = make  # its dataclasses look their module up
_spec.loader.exec_module(make)

ENTRIES = evidence.entries()
#: What each page trains in now: a table made in another precision is out of date.
DTYPES = {
    "boundaries": comparison.DTYPE,
    "training": training.DTYPE,
    "robustness": robustness.DTYPE,
}
STALE = "out of date: rerun python scripts/make_evidence.py"


def test_the_table_holds_the_home_page_and_every_preset():
    assert ENTRIES, "present/seed_evidence.json is missing: run python scripts/make_evidence.py"
    titles = {(e.page, e.title) for e in ENTRIES}
    for name in ("spirals", "moons", "circles", "xor"):
        assert ("boundaries", f"Home page: {name}") in titles
    for page, lessons in make.LESSONS.items():
        for title in lessons:
            assert (page, title) in titles, f"{title}: {STALE}"
    for title in robustness.SWEEP_LESSONS:
        assert ("robustness", title + robustness.SWEEP) in titles, f"{title}: {STALE}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_entry_is_well_formed_and_in_the_pages_precision(entry):
    body = json.loads(entry.key)
    assert body["page"] == entry.page and body["dtype"] == entry.dtype
    assert entry.dtype == DTYPES[entry.page], STALE
    assert entry.other_dtype != entry.dtype
    assert (
        evidence.view_key(entry.page, evidence.comparison_of(entry.key), entry.dtype, **entry.extra)
        == entry.key
    )
    e = entry.evidence
    assert [o.seed for o in e.outcomes] == list(range(ev.K))
    assert [o.seed for o in e.other] == list(range(ev.K))
    assert [o.seed for o in e.data] == (list(range(ev.K)) if entry.seed_kind == "model" else [])
    assert entry.figure_seed in entry.seeds
    losses = list(json.loads(entry.key)["losses"])
    for o in (*e.outcomes, *e.other, *e.data):
        for metric, values in o.values.items():
            assert metric in ev.METRICS and list(values) == losses


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_one_seed_of_every_entry_trains_to_the_stored_numbers(entry):
    seed = entry.figure_seed
    stored = entry.evidence.outcomes[seed]
    again = make.outcome(make.probe_of(entry), seed, entry.dtype)
    assert again.baseline == pytest.approx(stored.baseline, nan_ok=True)
    for metric, values in stored.values.items():
        for loss, v in values.items():
            w = again.value(metric, loss)
            if math.isnan(v) or math.isinf(v):
                assert (math.isnan(v) and math.isnan(w)) or v == w, (metric, loss, STALE)
            else:
                assert w == pytest.approx(v, rel=1e-8, abs=1e-12), (metric, loss, STALE)
