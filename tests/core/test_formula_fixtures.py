"""The browser engine's formula fixture is still what ``core`` computes.

``tests/js/formula.test.mjs`` checks ``ui/player/engine/formula.js`` against
``tests/fixtures/engine/formula.json``; this test rebuilds the file with
``scripts/make_formula_fixtures.py`` and compares: the formulas' JSON forms exactly, values,
gradients and training numbers to the bounds the file's ``expect`` states (another CPU's
NumPy may round the last bit differently), so a change in ``core.formula`` (the op table, the
derivation, the stable forms, the chain rules) fails here until the fixture is rewritten, and
then the engine's tests say whether the engine follows.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.core.fixture_compare import assert_close

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "make_formula_fixtures", ROOT / "scripts" / "make_formula_fixtures.py"
)
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)


def test_the_formula_fixture_is_current() -> None:
    old = json.loads(make.PATH.read_text(encoding="utf-8"))
    new = json.loads(make.engine.dumps(make.build()))
    expect = new["expect"]
    assert old["expect"] == expect
    assert old["ops"] == new["ops"] and old["ops_covered"] == new["ops_covered"] == new["ops"]
    assert old["refused"] == new["refused"]
    assert_close(old["grids"], new["grids"], 1e-12, "grids")
    assert [c["key"] for c in old["cases"]] == [c["key"] for c in new["cases"]]
    for a, b in zip(old["cases"], new["cases"], strict=True):
        assert a["json"] == b["json"], f"{b['key']}: the JSON form changed"
        assert a["floor"] == b["floor"]
        assert_close(a["evaluations"], b["evaluations"], expect["rel"], b["key"], b["floor"])
    assert_close(old["datasets"], new["datasets"], 1e-12, "datasets")
    for i, (a, b) in enumerate(zip(old["training"], new["training"], strict=True)):
        assert a["formulas"] == b["formulas"] and a["training"] == b["training"], f"group {i}"
        assert a["initial_theta"] == b["initial_theta"], f"group {i}: initial weights"
        for ra, rb in zip(a["runs"], b["runs"], strict=True):
            where = f"group {i} {rb['loss']}"
            assert (ra["loss"], ra["diverged"], ra["epochs_run"]) == (
                rb["loss"],
                rb["diverged"],
                rb["epochs_run"],
            ), where
            assert_close(ra["theta_epoch1"], rb["theta_epoch1"], expect["theta_scaled"], where, 1.0)
            assert_close(ra["history"], rb["history"], expect["history_rel"], f"{where} history")
