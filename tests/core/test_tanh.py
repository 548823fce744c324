"""``core._numerics.tanh``: the table-driven float64 tanh the training engine uses.

Reference values: ``tests/fixtures/tanh_reference.json`` (mpmath, 50 digits, rounded once;
written by ``scripts/make_tanh_reference.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core._numerics import tanh

FIXTURE = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "tanh_reference.json").read_text()
)
X = np.array(FIXTURE["x"])
REFERENCE = np.array(FIXTURE["tanh"])


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Error in units of the last place of the correctly rounded value."""
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_within_one_ulp_of_50_digit_values():
    err = ulps(tanh(X), REFERENCE)
    assert err.max() <= 1.0
    assert err.mean() <= 0.05  # correctly rounded almost everywhere (measured: 0.01)


@pytest.mark.parametrize(
    ("x", "want"),
    [
        (0.0, 0.0),
        (-0.0, -0.0),
        (5e-324, 5e-324),
        (-5e-324, -5e-324),
        (1e-200, 1e-200),
        (20.0, 1.0),
        (-20.0, -1.0),
        (1e308, 1.0),
        (-1e308, -1.0),
        (np.inf, 1.0),
        (-np.inf, -1.0),
    ],
    ids=["0", "-0", "min-subnormal", "-min-subnormal", "tiny", "20", "-20", "huge", "-huge",
         "inf", "-inf"],
)  # fmt: skip
def test_special_values_exact_with_their_sign(x, want):
    got = tanh(np.array([x]))[0]
    assert got == want
    assert np.signbit(got) == np.signbit(want)


def test_nan_stays_nan():
    assert np.isnan(tanh(np.array([np.nan, 1.0, np.nan]))[[0, 2]]).all()


def test_odd_exactly():
    x = np.random.default_rng(0).normal(0, 5, 10_000)
    np.testing.assert_array_equal(tanh(-x), -tanh(x))


def test_in_place_with_work_buffer_equals_fresh_arrays():
    """The training loop's call: ``out`` is the input, scratch preallocated, stacked shape."""
    z = np.random.default_rng(1).normal(0, 2, (3, 50, 7))
    fresh = tanh(z)
    same = z.copy()
    assert tanh(same, out=same, work=np.empty((4, *z.shape))) is same
    np.testing.assert_array_equal(same, fresh)
    np.testing.assert_array_equal(z, np.random.default_rng(1).normal(0, 2, (3, 50, 7)))


def test_other_dtypes_use_numpy():
    z = np.linspace(-3, 3, 101, dtype=np.float32)
    got = tanh(z)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.tanh(z))
