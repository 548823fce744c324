"""Every loss whose card has PyTorch code against that code under PyTorch 2.13 autograd.

The fixture ``tests/fixtures/torch_reference.json`` was written by
``scripts/make_reference_values.py`` (torch version and command inside) from each card's
``torch`` code at each setting of its ``grid``; it holds the inputs and the code, so this test
needs NumPy only and fails when a card's code changed after the fixture was written. Values
and gradients must agree to 1e-10 relative. A loss without PyTorch code is checked against the
hand values on its card (``test_values.py``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from core import losses

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "torch_reference.json"
DOC = json.loads(FIXTURE.read_text())
CASES = DOC["cases"]


def _params(case: dict) -> dict[str, float]:
    return {k: (-math.inf if v == "-inf" else v) for k, v in case["params"].items()}


def _id(case: dict) -> str:
    params = ",".join(f"{k}={v}" for k, v in case["params"].items())
    y = np.asarray(case["y"])
    raw = np.asarray(case["raw"])
    shape = "soft" if case["task"] == "classification" and y.ndim == 2 else f"{raw.shape}"
    return f"{case['task']}/{case['loss']}[{params}]-{shape}"


def test_fixture_documents_its_origin():
    assert DOC["torch_version"].startswith("2.13")
    assert "make_reference_values.py" in DOC["command"]
    assert DOC["dtype"] == "float64"


def test_fixture_covers_every_card_with_torch_code_at_every_grid_setting():
    covered = {(c["task"], c["loss"], json.dumps(c["params"], sort_keys=True)) for c in CASES}
    wanted = {
        (x.task, x.name, json.dumps(_stored(g), sort_keys=True))
        for x in losses.all_losses()
        if x.torch is not None
        for g in x.grid
    }
    assert wanted == covered


def _stored(params) -> dict:
    return {k: ("-inf" if v == -math.inf else v) for k, v in params.items()}


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_fixture_was_made_with_the_cards_current_torch_code(case):
    loss = losses.get(case["loss"], case["task"])
    assert case["expression"] == losses.torch_source(loss, _params(case), name="per_sample")


def test_losses_without_torch_code_have_hand_values_instead():
    for loss in losses.all_losses():
        if loss.torch is None:
            assert loss.examples, f"{loss.task}/{loss.name}: no reference values at all"


def test_extreme_inputs_are_in_the_fixture():
    logits = np.concatenate([np.ravel(c["raw"]) for c in CASES if c["task"] == "classification"])
    residuals = np.concatenate(
        [
            np.ravel(np.subtract(c["raw"], c["y"]))
            for c in CASES
            if c["loss"] in ("mse", "huber") and c["task"] == "regression"
        ]
    )
    assert np.abs(logits).max() == 1e4
    assert np.abs(residuals).max() > 9.9e5


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_pytorch(case):
    loss = losses.get(case["loss"], case["task"])
    y = np.asarray(case["y"])
    if case["task"] == "classification" and y.ndim == 1:
        y = y.astype(int)
    values, grad = loss(y, np.asarray(case["raw"]), **_params(case))
    np.testing.assert_allclose(values, case["values"], rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-10, atol=1e-14)


HIGH = DOC["high_precision"]


@pytest.mark.parametrize("case", HIGH, ids=[_id(c) for c in HIGH])
def test_matches_50_digit_values_where_float64_formulas_lose_digits(case):
    # rows with 1 - p_t ~ 1e-9..1e-16, residuals from 1e-12 to 800, alpha next to its limits:
    # the naive formulas (log(sum exp), 1 - p, log(cosh e), pow(.) - 1) fail these at 1e-10
    loss = losses.get(case["loss"], case["task"])
    y = np.asarray(case["y"])
    values, grad = loss(y, np.asarray(case["raw"]), **_params(case))
    np.testing.assert_allclose(values, case["values"], rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-10, atol=1e-300)
