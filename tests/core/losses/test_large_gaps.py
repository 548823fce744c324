"""Every classification loss where the logits are far apart, against 50-digit values.

The fixture ``tests/fixtures/large_gap_reference.json`` was written by
``scripts/make_large_gap_reference.py`` (mpmath, 50 digits, each number rounded to float64
once; derivatives by numerical differentiation of the value, so no gradient formula is shared
with ``core``). Gaps run from 5 to 700 logits, with two and three classes and every label.
Each value and each gradient entry must be relatively exact: within 1e-12 of the reference,
relative, down to 1e-305 (below that, float64 itself is subnormal and has fewer digits).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core import losses

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "large_gap_reference.json"
CASES = json.loads(FIXTURE.read_text())["cases"]
RTOL, ATOL = 1e-12, 1e-305


def _id(case: dict) -> str:
    params = ",".join(f"{k}={v:g}" for k, v in case["params"].items())
    return f"{case['loss']}[{params}]-z={case['z']}-t={case['y']}"


def test_fixture_covers_every_classification_loss_at_gaps_up_to_700():
    assert {c["loss"] for c in CASES} == set(losses.names("classification"))
    assert max(max(c["z"]) - min(c["z"]) for c in CASES) >= 700


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_value_and_gradient_are_relatively_exact(case):
    loss = losses.get(case["loss"], "classification")
    values, grad = loss(np.array([case["y"]]), np.array([case["z"]], dtype=float), **case["params"])
    want_v, want_g = case["value"], np.array(case["grad"])
    assert abs(values[0] - want_v) <= RTOL * abs(want_v) + ATOL
    np.testing.assert_allclose(grad[0], want_g, rtol=RTOL, atol=ATOL)


def test_mse_gradient_on_a_far_wrong_class_is_not_rounded_to_zero():
    # the example: z = [0, 40], label 0: dL/dz_1 = 4 p_0 p_1^2 ~ 1.7e-17, not 0
    grad = losses.get("mse", "classification")(np.array([0]), np.array([[0.0, 40.0]]))[1]
    assert grad[0, 1] == pytest.approx(4 * np.exp(-40) / (1 + np.exp(-40)) ** 3, rel=1e-14)
    assert grad[0, 0] == -grad[0, 1]


def test_mse_gradient_in_float32_keeps_its_digits_too():
    z = np.array([[0.0, 30.0]], dtype=np.float32)
    grad = losses.get("mse", "classification")(np.array([0]), z)[1]
    assert grad.dtype == np.float32
    assert grad[0, 1] == pytest.approx(4 * np.exp(-30.0), rel=1e-5)
