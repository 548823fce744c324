"""``core.evidence``: claims over seeds, with ties, baselines, rounding noise and the median run.

Hand cases first (each rule with the numbers it is about), then properties over random
outcomes (hypothesis), then the outcome builders against the numbers the pages compute.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import boundaries, compare, datasets, robustness, train
from core import evidence as ev

SETTINGS = settings(max_examples=100, deadline=None)


def out(seed: int, acc: dict[str, float], baseline: float = 0.5, n_test: int = 120):
    return ev.Outcome(seed, {"test_accuracy": acc}, baseline, n_test)


# --------------------------------------------------------------------------- rules


def test_equal_as_printed_and_as_a_ratio():
    assert ev.same_printed(0.97201, 0.97199, ".1%")
    assert not ev.same_printed(0.972, 0.971, ".1%")
    assert ev.same_printed(-0.0001, 0.0, ".2f")  # no negative zero
    assert ev.same_printed(math.nan, math.nan, ".1%")
    assert ev.same_ratio(40, 41) and not ev.same_ratio(40, 42.1)
    assert ev.same_ratio(math.inf, math.inf) and not ev.same_ratio(math.inf, 10)
    assert ev.tied("reach_epoch", 100, 104) and not ev.tied("reach_epoch", 100, 106)
    assert ev.tied("test_accuracy", 0.9667, 0.96671)


def test_majority_baseline_is_the_training_majority_on_the_test_split():
    # training: class 1 is the majority; the test split has 3 of 4 in class 1
    assert ev.majority_baseline([1, 1, 0], [1, 0, 1, 1], 2) == 0.75
    # ties go to the first class
    assert ev.majority_class([0, 1], 2) == 0
    with pytest.raises(ValueError, match="y_train"):
        ev.majority_class([], 2)
    assert ev.at_baseline(0.5, 0.5) and ev.at_baseline(0.4, 0.5) and ev.at_baseline(0.50001, 0.5)
    assert not ev.at_baseline(0.52, 0.5) and not ev.at_baseline(0.4, math.nan)


def test_a_tie_as_printed_is_never_ahead():
    o = out(0, {"cross_entropy": 0.9667, "mse": 0.96668})
    assert not ev.Ahead("cross_entropy", "mse", "test_accuracy").holds(o)
    assert not ev.Ahead("mse", "cross_entropy", "test_accuracy").holds(o)
    assert ev.NotBehind("mse", "cross_entropy", "test_accuracy", 0.0).holds(o)


def test_the_baseline_is_never_best():
    """Issue 19: on 192 "common" and 8 "rare" rows, losses at the always-"common" rate were
    called best."""
    o = out(0, {"cross_entropy": 0.967, "mse": 0.95, "mae": 0.967}, baseline=0.967)
    assert not ev.Top("cross_entropy", "test_accuracy").holds(o)
    assert not ev.Ahead("cross_entropy", "mse", "test_accuracy").holds(o)
    assert ev.Bottom("mse", "test_accuracy").holds(o)


def test_a_diverged_run_is_worst():
    o = out(0, {"cross_entropy": 0.8, "mse": math.nan})
    assert ev.Ahead("cross_entropy", "mse", "test_accuracy").holds(o)
    assert ev.Bottom("mse", "test_accuracy", alone=True).holds(o)
    assert not ev.Top("mse", "test_accuracy").holds(o)


def test_epochs_never_reached_are_last_and_ratios_within_5_percent_tie():
    o = ev.Outcome(0, {"reach_epoch": {"cross_entropy": 40.0, "mse": 41.0, "mae": math.inf}})
    assert not ev.Ahead("cross_entropy", "mse", "reach_epoch").holds(o)  # 1.0× is a tie
    assert ev.Ahead("cross_entropy", "mae", "reach_epoch").holds(o)
    assert ev.Bottom("mae", "reach_epoch", alone=True).holds(o)
    assert ev.Top("cross_entropy", "reach_epoch").holds(o)
    assert not ev.Top("cross_entropy", "reach_epoch", alone=True).holds(o)


def test_levels_between_spread_and_all():
    o = ev.Outcome(
        0,
        {"idle": {"hinge": 0.52, "cross_entropy": 0.0}, "test_accuracy": {"a": 0.85, "b": 0.8417}},
        n_test=120,
    )
    assert ev.Level("idle", ">", 1 / 3, ("hinge",)).holds(o)
    assert ev.Level("idle", "<=", 0.0, ("cross_entropy",)).holds(o)
    assert not ev.Level("idle", "<=", 0.0).holds(o)  # every loss: hinge is not
    assert ev.Between("idle", 0.4, 0.6, ("hinge",)).holds(o)
    assert ev.Spread("test_accuracy", points=1).holds(o)  # one test point = 0.83 pp
    assert not ev.Spread("test_accuracy", width=0.005).holds(o)
    both = ev.All((ev.Level("idle", ">", 1 / 3, ("hinge",)), ev.Level("idle", ">", 0.1)))
    assert not both.holds(o) and both.metric == "idle"
    # a value that prints as the level counts as at it for <= and >=, never for < and >
    p = ev.Outcome(0, {"test_accuracy": {"a": 0.33334}})
    assert ev.Level("test_accuracy", "<=", 1 / 3).holds(p)
    assert not ev.Level("test_accuracy", "<", 1 / 3).holds(p)
    with pytest.raises(ValueError, match="op"):
        ev.Level("idle", "==", 0)
    with pytest.raises(ValueError, match="exactly one"):
        ev.Spread("idle")


# --------------------------------------------------------------------------- verdicts


def test_verdict_counts_and_names_the_median_run():
    """The home page's spirals over seeds 0-9 (float32; the audit's numbers): CE at the top
    with ties in 9, alone in 4; the median of CE's lead is 0, first reached at seed 1."""
    ce = [97.2, 96.7, 97.8, 93.3, 89.4, 97.2, 97.2, 97.8, 96.7, 92.8]
    mse = [87.2, 96.7, 97.8, 90.0, 95.6, 97.2, 97.2, 97.8, 92.8, 91.1]
    outs = [
        out(s, {"cross_entropy": a / 100, "mse": b / 100}, n_test=180)
        for s, (a, b) in enumerate(zip(ce, mse, strict=True))
    ]
    top = ev.check(ev.Top("cross_entropy", "test_accuracy"), outs)
    alone = ev.check(ev.Ahead("cross_entropy", "mse", "test_accuracy"), outs)
    assert (top.k, top.n, alone.k) == (9, 10, 4)
    assert top.lesson and not alone.lesson
    assert top.representative == 1
    assert top.means["cross_entropy"] == pytest.approx(0.9561, abs=1e-4)
    assert top.baseline == 0.5


def test_lesson_threshold_is_8_of_10_and_needs_two_seeds():
    assert [ev.lesson_threshold(n) for n in (1, 2, 3, 5, 10)] == [1, 2, 3, 4, 8]
    one = ev.check(ev.Top("a", "test_accuracy"), [out(0, {"a": 0.9, "b": 0.8})])
    assert one.k == one.n == 1 and not one.lesson
    with pytest.raises(ValueError, match="at least one seed"):
        ev.check(ev.Top("a", "test_accuracy"), [])


def test_rounding_noise_names_a_difference_inside_it():
    """Hinge on the default spirals view moves by up to 3.3 points between float32 and
    float64 from the same seed: a 2-point lead over it is inside that noise."""
    f32 = [out(s, {"mse": 0.87, "hinge": 0.89}) for s in range(10)]
    f64 = [out(s, {"mse": 0.87, "hinge": 0.89 - 0.033 * (s % 2)}) for s in range(10)]
    noise = ev.rounding_noise(f32, f64, "test_accuracy")
    assert noise["hinge"] == pytest.approx(0.033) and noise["mse"] == 0
    v = ev.check(ev.Ahead("hinge", "mse", "test_accuracy"), f32, noise)
    assert v.k == 10 and v.within_noise and not v.lesson
    far = ev.check(ev.Ahead("hinge", "mse", "test_accuracy"), f32, {"hinge": 0.01})
    assert far.lesson and not far.within_noise


def test_outcomes_survive_json():
    o = ev.Outcome(
        3, {"reach_epoch": {"a": math.inf, "b": 12.0}, "ece": {"a": math.nan, "b": 0.1}}, 0.5, 60
    )
    back = ev.Outcome.from_dict(o.to_dict())
    assert back.seed == 3 and back.n_test == 60 and back.baseline == 0.5
    assert math.isinf(back.value("reach_epoch", "a")) and math.isnan(back.value("ece", "a"))
    assert back.value("reach_epoch", "b") == 12.0


# --------------------------------------------------------------------------- properties


LOSS = st.sampled_from(["a", "b", "c", "d"])
ACC = st.one_of(st.integers(0, 120).map(lambda k: k / 120), st.just(math.nan))


@st.composite
def outcomes(draw, metric="test_accuracy"):
    names = draw(st.lists(LOSS, min_size=2, max_size=4, unique=True))
    n = draw(st.integers(1, 10))
    base = draw(st.sampled_from([0.5, 1 / 3, 0.9]))
    values = (
        st.one_of(st.integers(1, 60).map(float), st.just(math.inf))
        if metric == "reach_epoch"
        else ACC
    )
    return [
        ev.Outcome(s, {metric: {x: draw(values) for x in names}}, base, 120) for s in range(n)
    ], names


@SETTINGS
@given(outcomes(), st.data())
def test_ahead_is_strict_and_one_way(case, data):
    outs, names = case
    x, y = data.draw(st.permutations(names))[:2]
    for o in outs:
        fwd = ev.Ahead(x, y, "test_accuracy").holds(o)
        back = ev.Ahead(y, x, "test_accuracy").holds(o)
        assert not (fwd and back)
        vx, vy = o.value("test_accuracy", x), o.value("test_accuracy", y)
        if fwd:
            assert not ev.same_printed(vx, vy, ".1%") and not ev.at_baseline(vx, o.baseline)
            assert (math.isnan(vy) or vx > vy) and ev.Ahead(x, y, "test_accuracy").margin(o) > 0


@SETTINGS
@given(outcomes(), st.data())
def test_top_alone_implies_top_and_top_is_never_the_baseline(case, data):
    outs, names = case
    x = data.draw(st.sampled_from(names))
    for o in outs:
        if ev.Top(x, "test_accuracy", alone=True).holds(o):
            assert ev.Top(x, "test_accuracy").holds(o)
        if ev.Top(x, "test_accuracy").holds(o):
            v = o.value("test_accuracy", x)
            assert not ev.at_baseline(v, o.baseline)
            assert all(
                ev.same_printed(v, w, ".1%") or v > w or math.isnan(w)
                for w in o.values["test_accuracy"].values()
            )
        if ev.Bottom(x, "test_accuracy", alone=True).holds(o):
            assert not ev.Top(x, "test_accuracy").holds(o) or len(names) == 1


@SETTINGS
@given(outcomes("reach_epoch"), st.data())
def test_epoch_claims_follow_the_ratio_rule(case, data):
    outs, names = case
    x, y = data.draw(st.permutations(names))[:2]
    for o in outs:
        if ev.Ahead(x, y, "reach_epoch").holds(o):
            ex, ey = o.value("reach_epoch", x), o.value("reach_epoch", y)
            assert ex < ey and not ev.same_ratio(ex, ey)


@SETTINGS
@given(outcomes(), st.data())
def test_verdict_counts_its_seeds_and_picks_the_median_run(case, data):
    outs, names = case
    claim = data.draw(
        st.sampled_from(
            [
                ev.Top(names[0], "test_accuracy"),
                ev.Ahead(names[0], names[1], "test_accuracy"),
                ev.Bottom(names[1], "test_accuracy", alone=True),
                ev.Level("test_accuracy", "<=", 0.5),
            ]
        )
    )
    noise = data.draw(
        st.one_of(st.none(), st.fixed_dictionaries({n: st.floats(0, 0.1) for n in names}))
    )
    v = ev.check(claim, outs, noise)
    assert v.k == sum(claim.holds(o) for o in outs) and v.n == len(outs)
    assert v.representative in v.seeds
    m = sorted(v.margins)[(v.n - 1) // 2]
    assert v.margins[v.seeds.index(v.representative)] == m
    assert not any(math.isnan(x) for x in v.margins)
    assert v.lesson == (v.n >= 2 and v.k >= math.ceil(0.8 * v.n - 1e-9) and not v.within_noise)
    if v.k < 8 and v.n == 10:
        assert not v.lesson


# --------------------------------------------------------------------------- outcome builders


@pytest.fixture(scope="module")
def moons():
    ds = datasets.load("moons", n_samples=120)
    cfgs = [
        train.TrainConfig(loss=n, hidden=(8,), lr=0.05, epochs=30, dtype="float32", seed=1)
        for n in ("cross_entropy", "hinge")
    ]
    return ds, dict(zip(("cross_entropy", "hinge"), train.fit_many(ds, cfgs), strict=True))


def test_classification_outcome_counts_what_the_panels_count(moons):
    ds, runs = moons
    o = ev.classification_outcome(1, ds, runs, 30)
    grid = boundaries.make_grid(ds.X_train, 10)
    for n, r in runs.items():
        p = boundaries.panel(r.model, n, 30, grid, ds.X_train, ds.y_train, ds.X_test, ds.y_test)
        assert o.value("test_accuracy", n) == p.test_accuracy
        assert o.value("train_accuracy", n) == p.train_accuracy
        assert o.value("idle", n) == p.drivers.idle_fraction
        assert o.value("diverged", n) == 0
    assert o.baseline == ev.majority_baseline(ds.y_train, ds.y_test, 2)
    with pytest.raises(ValueError, match="snapshot_epochs"):
        ev.classification_outcome(1, ds, runs, 10)


def test_reach_outcome_agrees_with_the_training_curves_summary(moons):
    ds, runs = moons
    o = ev.reach_outcome(1, ds, runs, 0.8)
    for n, r in runs.items():
        s = compare.summarize([r.history["test_accuracy"]], [r.diverged], 0.8)
        reach = o.value("reach_epoch", n)
        assert (s.reach_epochs is None and math.isinf(reach)) or reach == s.reach_epochs
        assert o.value("final_accuracy", n) == pytest.approx(s.final_mean)


def test_score_and_sweep_outcomes_read_the_robustness_numbers():
    ds = datasets.load("linear_1d")
    bad = robustness.corrupt(ds, "leverage", 0.1, magnitude=5.0, seed=0)
    cfgs = [
        train.TrainConfig(loss=n, hidden=(), lr=0.1, epochs=150, dtype="float32")
        for n in ("mse", "mae")
    ]
    runs = dict(zip(("mse", "mae"), train.fit_many(bad, cfgs), strict=True))
    o = ev.score_outcome(0, bad, runs)
    for n, r in runs.items():
        assert o.value("rmse", n) == robustness.clean_score(r, bad)
        slope = robustness.line_fit(r)[0]
        assert o.value("slope_error", n) == pytest.approx(abs(slope - ev.clean_slope(bad)))
    assert math.isnan(o.baseline)
    runs = [
        robustness.Run("mae", 0.0, 2, 0.9, False),
        robustness.Run("mae", 0.45, 2, 0.7, False),
        robustness.Run("mae", 0.6, 2, 0.1, False),
        robustness.Run("ce", 0.0, 2, 0.95, False),
        robustness.Run("ce", 0.45, 2, 0.6, False),
        robustness.Run("ce", 0.6, 2, 0.5, False),
    ]
    s = ev.sweep_outcome(2, runs, "classification", below=0.5)
    assert s.value("drop", "mae") == pytest.approx(0.2)
    assert s.value("drop", "ce") == pytest.approx(0.35)
    assert ev.Top("mae", "drop", alone=True).holds(s)
    with pytest.raises(ValueError, match="no rate below"):
        ev.sweep_outcome(2, runs, "classification", below=0.0)


def test_noise_between_precisions_is_measured_on_the_same_seeds():
    a = [ev.Outcome(s, {"rmse": {"x": 1.0 + s}}) for s in range(3)]
    b = [ev.Outcome(s, {"rmse": {"x": 1.0 + s + (0.2 if s == 1 else 0.0)}}) for s in range(3)]
    assert ev.rounding_noise(a, b, "rmse") == {"x": pytest.approx(0.2)}
    e = ev.Evidence(tuple(a), tuple(b))
    assert e.noise("rmse")["x"] == pytest.approx(0.2)
    assert ev.Evidence(tuple(a)).noise("rmse") == {}
    assert np.isfinite(e.check(ev.Top("x", "rmse")).noise)
