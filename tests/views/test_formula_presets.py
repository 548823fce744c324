"""The formula presets' titles are claims that hold: of the curves on Loss & gradient curves
(computed with ``core`` at the preset's settings), and of the trained models on Decision
boundaries in every one of 10 seeds."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core import curves, formula, train
from core.experiment import Comparison, DataChoice, ModelChoice
from views import formula as uf

CURVES = uf.curve_presets()


def _preset(presets: dict, starts: str) -> dict:
    (label,) = [k for k in presets if k.startswith(starts)]
    return presets[label]


def _curve(preset: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The formula's curve as the page draws it: the preset's range, its parameters."""
    f = formula.from_key(preset["formula"])
    values = {p.name: preset.get(f"formula_{p.name}", p.default) for p in f.params}
    x = np.linspace(-preset["range"], preset["range"], 401)
    v, g = curves.margin_curve(f.name, x, values)
    return x, v, g


def test_capped_cross_entropy_is_bounded_and_far_wrong_points_stop_pulling() -> None:
    preset = _preset(CURVES, "Cross-entropy capped at 2")
    x, v, g = _curve(preset)
    assert preset["formula_cap"] == 2.0 and v.max() == pytest.approx(2.0)
    far_wrong = x <= -preset["at"]
    assert np.all(g[far_wrong] == 0) and np.all(g[x > -1] < 0)  # pulls only nearer the boundary
    ce, _ = curves.margin_curve("cross_entropy", x)
    assert np.all(ce[far_wrong] > 2)  # where CE keeps growing
    verdicts = formula.numerics(formula.from_key(preset["formula"]))
    assert verdicts["bounded_above"].holds and not verdicts["convex"].holds


def test_hinge_by_hand_has_zero_gradient_beyond_the_margin() -> None:
    x, v, g = _curve(_preset(CURVES, "Hinge by hand"))
    assert np.all(g[x > 1] == 0) and np.all(g[x < 1] == -1)
    hinge_v, hinge_g = curves.margin_curve("hinge", x, {"margin": 1.0})
    np.testing.assert_array_equal(v, hinge_v)
    np.testing.assert_array_equal(g[x != 1], hinge_g[x != 1])


def test_written_cross_entropy_overflows_as_written_and_is_ce_as_computed() -> None:
    preset = _preset(CURVES, "log(1 + exp(−m)) overflows")
    f = formula.from_key(preset["formula"])
    overflow = formula.numerics(f)["overflow"]
    assert overflow.holds is not None and "inf below m = -88.723 in float32" in overflow.sentence
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(1 + np.exp(np.float32(100.0))))  # as written, at m = -100
    assert [r.computed for r in f.rewrites] == ["softplus(-m)"]
    x, v, g = _curve(preset)
    ce_v, ce_g = curves.margin_curve("cross_entropy", x)
    np.testing.assert_allclose(v, ce_v, rtol=1e-15)
    np.testing.assert_allclose(g, ce_g, rtol=1e-15)


def test_hinge_by_hand_draws_hinges_boundary_in_every_seed() -> None:
    (label, preset) = next(iter(uf.boundary_presets().items()))
    assert f"in {uf.SEEDS} of {uf.SEEDS} seeds" in label
    model = ModelChoice(
        hidden=(preset["width"],) * preset["layers"],
        activation=preset["act"],
        optimizer=preset["opt"],
        lr=preset["lr"],
        epochs=preset["epochs"],
    )
    names = (*preset["losses"], formula.from_key(preset["formula"]).name)
    key = Comparison(DataChoice(preset["dataset"]), model, names)
    ds = key.load()
    for seed in range(uf.SEEDS):
        cfgs = key.with_seed(seed).configs(dtype="float32")
        hinge, mine = train.fit_many(ds, cfgs)[1:]
        for a, b in zip(hinge.model.params, mine.model.params, strict=True):
            np.testing.assert_array_equal(a, b, err_msg=f"seed {seed}")
        assert dataclasses.replace(hinge.config, loss=mine.config.loss) == mine.config
