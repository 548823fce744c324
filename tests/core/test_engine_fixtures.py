"""The browser engine's fixtures are still what ``core`` computes.

``tests/js/`` checks the engine (``ui/player/engine/``) against ``tests/fixtures/engine/*.json``;
these tests rebuild every file with ``scripts/make_engine_fixtures.py`` and compare, so a change
in ``core`` (a loss, the registry, the initialisation, the training loop, a page's default view)
fails here until the fixtures are rewritten — and then the engine's tests say whether the engine
follows. Numbers are compared to the bounds each file's ``expect`` states (the same the engine
must meet), since another CPU's BLAS and SIMD functions round differently; RNG outputs exactly.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.core.fixture_compare import assert_close

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "make_engine_fixtures", ROOT / "scripts" / "make_engine_fixtures.py"
)
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)


def committed(name: str) -> Any:
    return json.loads((make.FIXTURES / name).read_text(encoding="utf-8"))


def fresh(build: Callable[[], dict[str, Any]]) -> Any:
    """What the script would write now, read back as the committed file is."""
    return json.loads(make.dumps(build()))


def _same_run_facts(old: dict, new: dict, where: str) -> None:
    for key in ("loss", "loss_params", "diverged", "diverged_epoch", "epochs_run"):
        assert old[key] == new[key], f"{where}.{key}: {old[key]!r} != {new[key]!r}"


def _history_as_expected(old: dict, new: dict, expect: dict, where: str) -> None:
    """A whole run's history against its rebuilt self, as its group's ``expect`` says."""
    until = expect.get("until", len(new["train_loss"]))
    assert old.keys() == new.keys(), where
    for key in new:
        a, b = old[key][:until], new[key][:until]
        if key.endswith(("accuracy", "rmse")):
            if expect.get("score") == "equal":
                assert a == b, f"{where}.{key}"
            else:
                assert_close(a, b, expect["score_rel"], f"{where}.{key}")
        else:
            rel = expect["grad_norm_rel"] if key == "grad_norm" else expect["loss_rel"]
            assert_close(a, b, rel, f"{where}.{key}")
        if until < len(new[key]) and key.endswith("accuracy"):
            gap = max(abs(x - y) for x, y in zip(old[key][until:], new[key][until:], strict=True))
            assert gap <= expect["after_score_abs"], f"{where}.{key} after epoch {until}"


def check_losses(old: dict, new: dict) -> None:
    assert_close(old, new, new["expect"]["rel"], "losses")


def check_rng(old: dict, new: dict) -> None:
    assert old == new


def check_training(old: dict, new: dict) -> None:
    expect = new["expect"]
    assert old["expect"] == expect
    assert_close(old["datasets"], new["datasets"], 1e-12, "datasets")
    assert len(old["cases"]) == len(new["cases"])
    for i, (a, b) in enumerate(zip(old["cases"], new["cases"], strict=True)):
        assert (a["dataset"], a["training"]) == (b["dataset"], b["training"]), f"case {i}"
        assert a["initial_theta"] == b["initial_theta"], f"case {i}: initial weights"
        assert len(a["runs"]) == len(b["runs"]), f"case {i}: losses differ"
        for ra, rb in zip(a["runs"], b["runs"], strict=True):
            where = f"case {i} {rb['loss']}"
            _same_run_facts(ra, rb, where)
            theta_a, theta_b = ra["theta_epoch1"], rb["theta_epoch1"]
            assert (theta_a is None) == (theta_b is None), where
            if theta_b is not None:
                assert_close(theta_a, theta_b, expect["theta_scaled"], f"{where} theta", 1.0)
            assert_close(ra["history"], rb["history"], expect["history_rel"], f"{where} history")
    assert len(old["diverging"]) == len(new["diverging"])
    for a, b in zip(old["diverging"], new["diverging"], strict=True):
        assert (a["dataset"], a["training"]) == (b["dataset"], b["training"])
        for ra, rb in zip(a["runs"], b["runs"], strict=True):
            _same_run_facts(ra, rb, f"diverging {rb['loss']}")


def check_runs(old: dict, new: dict) -> None:
    assert_close(old["datasets"], new["datasets"], 1e-12, "datasets")
    assert old["initial_theta"] == new["initial_theta"]
    assert len(old["runs"]) == len(new["runs"])
    for a, b in zip(old["runs"], new["runs"], strict=True):
        settings = {k: v for k, v in b.items() if k != "runs"}
        assert {k: v for k, v in a.items() if k != "runs"} == settings
        assert len(a["runs"]) == len(b["runs"])
        for ra, rb in zip(a["runs"], b["runs"], strict=True):
            where = f"{b['dataset']} {b['training']['optimizer']} {rb['loss']}"
            _same_run_facts(ra, rb, where)
            _history_as_expected(ra["history"], rb["history"], b["expect"], where)


def check_live(old: dict, new: dict) -> None:
    expect = new["expect"]
    assert old["expect"] == expect
    assert_close(old["surfaces"], new["surfaces"], expect["values_rel"], "surfaces")
    assert_close(old["gradients"], new["gradients"], expect["gradient_rel"], "gradients")
    assert old["edits"]["refused"] == new["edits"]["refused"]
    assert_close(old["edits"], new["edits"], 0.0, "edits")  # exact: x / 1000 both sides
    for i, (a, b) in enumerate(zip(old["views"], new["views"], strict=True)):
        settings = ("edits", "training", "configs")
        assert {k: a[k] for k in settings} == {k: b[k] for k in settings}, f"view {i}"
        assert_close(a["data"], b["data"], 1e-12, f"view {i} data")
        assert a["histories"] == b["histories"], f"view {i}: accuracies"
        assert_close(a["panels"], b["panels"], expect["panel_abs"], f"view {i} panels", 1.0)
    a, b = old["regression"], new["regression"]
    assert_close(a, b, expect["fit_rel"], "regression", 1e-3)


CHECKS = {
    "losses.json": check_losses,
    "rng.json": check_rng,
    "training.json": check_training,
    "runs.json": check_runs,
    "live.json": check_live,
}


#: Engine fixtures another script writes and another test checks (students' formulas:
#: ``scripts/make_formula_fixtures.py``, ``tests/core/test_formula_fixtures.py``).
ELSEWHERE = {"formula.json"}


def test_every_fixture_file_is_built_and_checked() -> None:
    assert set(CHECKS) == set(make.BUILDERS)
    assert {p.name for p in make.FIXTURES.glob("*.json")} == set(make.BUILDERS) | ELSEWHERE


@pytest.mark.parametrize("name", list(CHECKS))
def test_fixture_is_what_core_computes_now(name: str) -> None:
    CHECKS[name](committed(name), fresh(make.BUILDERS[name]))


def test_the_comparison_can_fail() -> None:
    """The checks above would notice a changed number, a missing case or a changed flag."""
    with pytest.raises(AssertionError):
        assert_close([1.0, 2.0], [1.0, 2.0 + 1e-9], 1e-12)
    with pytest.raises(AssertionError):
        assert_close({"cases": [1]}, {"cases": [1, 2]}, 1.0)
    with pytest.raises(AssertionError):
        assert_close({"diverged": False}, {"diverged": True}, 1.0)
    assert_close([1.0, "inf", 0.0], [1.0 + 1e-13, "inf", 0.0], 1e-12)
    expect = {"score": "equal", "loss_rel": 1e-9, "grad_norm_rel": 1e-7}
    history = {"train_accuracy": [0.5, 0.75], "train_loss": [1.0, 0.5], "grad_norm": [1.0, 1.0]}
    flipped = {**history, "train_accuracy": [0.5, 0.7]}
    with pytest.raises(AssertionError):
        _history_as_expected(flipped, history, expect, "run")
