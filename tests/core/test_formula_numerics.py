"""Numerics verdicts: the issue's three examples, and every verdict true of its numbers."""

from __future__ import annotations

import numpy as np
import pytest
from formula_cases import BUILTINS, PARAMS, formula_texts
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import formula, losses
from core.formula.numerics import GRID, X_MAX, fmt, fmt_bound, numerics


def _curve(f, written=False, dtype=np.float64, y=0.0):
    """The formula's values and derivative along its variable, as numerics evaluates them."""
    fn = f.written_fn if written else f.fn

    def at(x):
        x = np.atleast_1d(np.asarray(x, dtype=dtype))
        if f.task == "classification":
            v, g = fn(np.ones(x.size, dtype=int), np.stack([np.zeros_like(x), x], 1), **f.defaults)
            return v, g[:, 1]
        return fn(np.full_like(x, y), y + x, **f.defaults)

    return at


def test_softplus_written_as_a_log_overflows_where_the_issue_says() -> None:
    f = formula.check("log(1 + exp(-m))")
    v = numerics(f)["overflow"]
    assert v.holds is False
    [(lo64, hi64)], [(lo32, hi32)] = v.data["thresholds"].values()
    assert lo64 == lo32 == -X_MAX
    assert -709.79 < hi64 < -709.78 and -88.73 < hi32 < -88.72
    for hi, dtype in ((hi64, np.float64), (hi32, np.float32)):
        written, stable = _curve(f, True, dtype), _curve(f, False, dtype)
        assert np.isinf(written(hi)[0][0]) and np.isfinite(stable(hi)[0][0])
        assert np.isfinite(written(np.nextafter(dtype(hi), dtype(0)))[0][0])
    assert v.data["agreement"] <= 4.5e-16
    assert v.sentence.startswith(
        "As written, log(1 + exp(-m)) is inf below m = -709.79 in float64 and inf below "
        "m = -88.723 in float32; it loses its digits (relative error above 0.1%) at "
    )
    assert "Loss Lab computes log(1 + exp(-m)) as softplus(-m)" in v.sentence
    assert "Where both are finite they agree to 2.2e-16" in v.sentence
    report = numerics(f)
    assert report["convex"].holds and report["bounded_gradient"].holds
    assert report["calibrated"].holds is True
    assert "slope -0.5 < 0" in report["calibrated"].sentence


def test_one_minus_tanh_is_bounded_and_not_convex() -> None:
    report = numerics(formula.check("1 - tanh(m)"))
    assert report["overflow"].holds is None
    assert report["bounded_below"].holds and report["bounded_below"].data["extreme"] == 0
    assert report["bounded_above"].holds and report["bounded_above"].data["extreme"] == 2
    assert report["bounded_gradient"].holds and report["bounded_gradient"].data["max"] == 1
    assert report["convex"].holds is False and report["convex"].sentence.startswith(
        "Not convex: at m = "
    )
    assert report["calibrated"].holds is None
    assert report["calibrated"].sentence.startswith("Not decided by Bartlett")
    # bounded, but a loss of m is not symmetric for three classes or more (the registry's
    # "robust" for classification), so the flag is not claimed
    assert not report.properties["robust"] and not report.properties["convex"]


@pytest.mark.parametrize(
    ("text", "robust"),
    [("2*(1 - p)", True), ("1 - p", True), ("-log(p)", False), ("(1 - p)**2", False)],
    ids=["mae", "one-minus-p", "log-p", "one-minus-p-squared"],
)
def test_robust_flag_is_symmetry_in_p(text, robust) -> None:
    """Symmetric (Ghosh et al. 2017) for every K exactly when the loss is affine in p_t."""
    assert numerics(formula.check(text)).properties["robust"] is robust


def test_absolute_error_has_one_kink_with_the_zero_subgradient() -> None:
    report = numerics(formula.check("abs(r)"))
    (kink,) = report["kinks"].data["kinks"]
    assert (kink["at"], kink["fn"], kink["used"]) == (0.0, "abs", 0.0)
    assert kink["left"] == pytest.approx(-1) and kink["right"] == pytest.approx(1)
    assert kink["between"] and kink["midpoint"]
    assert report["kinks"].sentence == (
        "1 kink: a kink at r = 0 (abs): one-sided slopes -1 and 1; the gradient used there is "
        "0, their midpoint, a subgradient."
    )
    assert report["convex"].holds and report["bounded_gradient"].holds
    assert report["bounded_above"].holds is False
    assert "calibrated" not in [v.topic for v in report.verdicts]


def test_hinge_kink_and_calibration() -> None:
    report = numerics(formula.check("max(0, 1 - m)"))
    (kink,) = report["kinks"].data["kinks"]
    assert (kink["at"], kink["used"]) == (1.0, -0.5)
    assert report["calibrated"].holds is True


def test_a_convex_loss_kinked_at_0_is_not_calibrated() -> None:
    report = numerics(formula.check("max(0, -m)"))
    assert report["calibrated"].holds is False
    assert "kink at m = 0" in report["calibrated"].sentence


def test_huber_pieces_meet_smoothly() -> None:
    """abs switches at 0 and min/max at |r| = delta, but the loss is smooth at all three."""
    f = formula.check(
        "0.5*min(abs(r), delta)**2 + delta*max(abs(r) - delta, 0)", {"delta": (0.1, 5, 1)}
    )
    kinks = numerics(f)["kinks"]
    assert kinks.holds is False and kinks.sentence.startswith(
        "No kinks: min switches at r = -1 but the loss is smooth"
    )
    assert [(k["at"], k["used"]) for k in kinks.data["kinks"]] == [(-1, -1), (0, 0), (1, 1)]
    assert not any(k["kink"] for k in kinks.data["kinks"])


def test_a_loss_undefined_somewhere_says_where() -> None:
    report = numerics(formula.check("log(m)"))
    assert report["finite"].holds is False
    assert "NaN in float64 for m from -10000 to -0.01" in report["finite"].sentence
    assert report["bounded_below"].holds is False
    assert report["bounded_gradient"].holds is None


def test_a_regression_loss_using_y_is_judged_at_each_target() -> None:
    report = numerics(formula.check("abs(r)/(1 + abs(y))"))
    kinks = report["kinks"].data["kinks"]
    assert [k["y"] for k in kinks] == [-10.0, -1.0, 0.0, 1.0, 10.0]
    assert "(y = -10)" in report["kinks"].sentence


def test_rounding_of_printed_bounds_keeps_claims_true() -> None:
    assert fmt_bound(-709.7827, up=False) == "-709.79"
    assert fmt_bound(-709.7827, up=True) == "-709.78"
    assert fmt_bound(88.7228, up=True) == "88.723"
    assert fmt(10000.0) == "10000" and fmt(2.2e-16, 2) == "2.2e-16"


def _checked(text: str) -> formula.Formula:
    """The formula of a random text; a constant part that is not finite (log of a negative
    number) is refused, and such texts are not the subject here."""
    try:
        return formula.check(text, PARAMS)
    except formula.FormulaError as refused:
        assume("not finite" not in str(refused))
        raise


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["m", "p", "r"]).flatmap(lambda v: formula_texts(v, smooth=False)))
def test_every_verdict_is_true_of_its_numbers(text: str) -> None:
    f = _checked(text)
    report = numerics(f)
    curve = _curve(f)
    v, g = curve(GRID)
    finite = np.isfinite(v) & np.isfinite(g)
    v32, g32 = _curve(f, dtype=np.float32)(GRID)
    assert report["finite"].holds == bool(
        finite.all() and np.all(np.isfinite(v32) & np.isfinite(g32))
    )
    below, above = report["bounded_below"], report["bounded_above"]
    if below.holds:
        assert np.all(v[np.isfinite(v)] >= below.data["extreme"]) and fmt(
            below.data["extreme"]
        ) in (below.sentence)
    if above.holds:
        assert np.all(v[np.isfinite(v)] <= above.data["extreme"])
    for verdict, sign in ((below, -1), (above, 1)):
        if verdict.holds is False and verdict.data["escaping"]:
            x_edge, _, edge, _ = verdict.data["escaping"][0]
            half = curve(GRID[np.argmin(np.abs(GRID - x_edge / 2))])[0][0]
            assert sign * (edge - half) > 0
    grad = report["bounded_gradient"]
    if grad.holds:
        assert np.all(np.abs(g[finite]) <= grad.data["max"]) and fmt(grad.data["max"]) in (
            grad.sentence
        )
    convex = report["convex"]
    if convex.holds is False:
        d = convex.data
        c, h = d["center"], d["half_width"]
        fa, fc, fb = curve(np.array([c - h, c, c + h]))[0]
        assert fc > (fa + fb) / 2 and (fa, fc, fb) == (d["left"], d["value"], d["right"])
    elif finite.all():
        rng = np.random.default_rng(0)
        for _ in range(200):
            a, c, b = np.sort(rng.choice(GRID.size, 3, replace=False))
            t = (GRID[b] - GRID[c]) / (GRID[b] - GRID[a])
            chord = t * v[a] + (1 - t) * v[b]
            assert v[c] <= chord + 1e-7 * (1 + abs(v[a]) + abs(v[b]) + abs(v[c]))
    for k in report["kinks"].data.get("kinks", []):
        assert np.array_equal(curve(k["at"])[1][:1], [k["used"]], equal_nan=True)
        lo, hi = sorted((k["left"], k["right"]))
        if k["between"]:
            assert (
                lo - 1e-4 * max(1, abs(lo), abs(hi))
                <= k["used"]
                <= hi + 1e-4 * max(1, abs(lo), abs(hi))
            )
    if "calibrated" in [x.topic for x in report.verdicts]:
        cal = report["calibrated"]
        assert (cal.holds is None) == (convex.holds is False)
        if cal.holds:
            assert curve(0.0)[1][0] < 0
    fd = report["finite_differences"]
    assert fd.holds == (not fd.data["disagree"])
    assert f"at {fd.data['checked']} sample points" in fd.sentence or "disagree" in fd.sentence


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["m", "p", "r"]).flatmap(lambda v: formula_texts(v, smooth=True)))
def test_symbolic_gradient_and_finite_differences_agree_without_kinks(text: str) -> None:
    fd = numerics(_checked(text))["finite_differences"]
    assert fd.holds, fd.sentence


#: where a formula's flags differ from the built-in it reproduces, and why: softplus(-m) is
#: cross-entropy for two classes only (for more, the runner-up max has kinks where wrong
#: classes tie); the grid never establishes a strictly proper scoring rule
FLAG_DIFFERENCES = {
    "softplus(-m)": {"differentiable", "calibrated"},
    "log(1 + exp(-m))": {"differentiable", "calibrated"},
    "-log(p)": {"calibrated"},
}


@pytest.mark.parametrize(
    ("task", "name", "text", "declared"),
    [(c[0], c[1], c[3], c[4]) for c in BUILTINS],
    ids=[f"{c[1]}:{c[3]}" for c in BUILTINS],
)
def test_flags_of_a_formula_match_its_builtin(task, name, text, declared) -> None:
    mine = losses.get(formula.check(text, declared, task).name, task).properties
    builtin = losses.get(name, task).properties
    differ = {k for k in builtin if mine[k] != builtin[k]}
    assert differ == FLAG_DIFFERENCES.get(text, set())


@pytest.mark.parametrize(
    ("text", "convex"),
    [("m**2", False), ("max(0, 1 - m)**2", True), ("-log(p)", True), ("(1 - p)**2", False)],
    ids=["m-squared", "squared-hinge", "log-p", "one-minus-p-squared"],
)
def test_convex_flag_holds_for_every_number_of_classes(text, convex) -> None:
    """m**2 is convex in m but not in the logits for three classes (m is concave there):
    z = (2, 1, -1) and (2, -1, 1) both give m = 1, their midpoint m = 2."""
    assert numerics(formula.check(text)).properties["convex"] is convex
    if text == "m**2":
        loss = losses.get(formula.check(text).name, "classification")
        a, b = np.array([[2.0, 1.0, -1.0]]), np.array([[2.0, -1.0, 1.0]])
        values = [loss(np.array([0]), z)[0][0] for z in (a, b, (a + b) / 2)]
        assert values[2] > (values[0] + values[1]) / 2


def test_numerics_at_other_parameter_values() -> None:
    f = formula.from_key("abs(r) - delta; delta = 1 in [0.1, 5]")
    at = formula.with_defaults(f, {"delta": 2.5})
    assert at.defaults == {"delta": 2.5} and at.grad == f.grad and at.stable == f.stable
    assert at.key == "abs(r) - delta; delta = 2.5 in [0.1, 5]"
    assert formula.numerics(at)["bounded_below"].data["extreme"] == -2.5
    assert formula.numerics(f)["bounded_below"].data["extreme"] == -1.0
    with pytest.raises(formula.FormulaError, match=r"must be in \[0.1, 5\]"):
        formula.with_defaults(f, {"delta": 9.0})
    with pytest.raises(formula.FormulaError, match="unknown parameter"):
        formula.with_defaults(f, {"gamma": 1.0})
