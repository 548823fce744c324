"""Every computed sentence of the comparison pages agrees with its numbers.

Property-based tests (hypothesis) for each generator: comparative words (best/worst,
later/sooner, more/fewer, holds up best/worst, larger) agree with the numbers they summarise;
no loss is compared with itself; no "1×"/"1.0×"; no ``nan``, ``inf``, ``None`` or ``-0.000``.
Then one named regression test per example from the issues.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core import losses
from present import identity, wording
from tests.views.sentence_checks import summary
from views import boundaries, landscape, robustness, training

CLS = losses.names("classification")
SETTINGS = settings(max_examples=100, deadline=None)


def clean(text: str) -> None:
    assert wording.clean(text), text
    assert "None" not in text and "nan" not in text.lower().split(), text


# --------------------------------------------------------------------------- strategies

names = st.lists(st.sampled_from(CLS), min_size=1, max_size=5, unique=True)
#: Accuracies as a test split gives them (multiples of 1/n), with ties likely.
accuracy = st.integers(0, 120).map(lambda k: k / 120)
share = st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1), st.floats(0, 0.004))


def panel(name: str, acc: float, idle: float, mis: float, flag: float, epoch: int):
    drivers = SimpleNamespace(
        idle_fraction=idle,
        misclassified_share=mis,
        misclassified_fraction=0.1,
        flagged_share=flag,
        top_decile_share=0.5,
    )
    return SimpleNamespace(loss=name, epoch=epoch, test_accuracy=acc, drivers=drivers)


@st.composite
def panels(draw):
    ns = draw(names)
    epoch = draw(st.integers(0, 300))
    ps = [panel(n, draw(accuracy), draw(share), draw(share), draw(share), epoch) for n in ns]
    diverged = {n: draw(st.one_of(st.none(), st.integers(1, 300))) for n in ns}
    return ps, diverged, draw(st.booleans())


# --------------------------------------------------------------------------- decision boundaries


def short_list(text: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']."""
    parts = re.split(r", | and ", text)
    return [p for p in parts if p]


@SETTINGS
@given(panels())
def test_boundary_takeaway_agrees_with_its_numbers(case):
    ps, diverged, flipped = case
    text = boundaries.takeaway(ps, flipped=flipped, diverged=diverged)
    clean(text)
    epoch = ps[0].epoch
    ranked = {
        p.loss: p.test_accuracy for p in ps if diverged[p.loss] is None or epoch < diverged[p.loss]
    }
    by_short = {identity.short(n): v for n, v in ranked.items()}
    m = re.search(
        r", (.+?) scores? best \((.+?)% on the test points\) and (.+?) worst \((.+?)%\)", text
    )
    if m:
        top, bottom = short_list(m.group(1)), short_list(m.group(3))
        assert not set(top) & set(bottom)  # no loss compared with itself
        assert float(m.group(2)) > float(m.group(4))
        assert f"{max(ranked.values()):.1%}" == m.group(2) + "%"
        assert f"{min(ranked.values()):.1%}" == m.group(4) + "%"
        for n in top:
            assert f"{by_short[n]:.1%}" == m.group(2) + "%"
    m = re.search(r"At epoch \d+, (.+?) scores (\S+)% on the test points and (.+?) (\S+)%\.", text)
    if m:
        assert len(ranked) == 2 and m.group(1) != m.group(3)
        assert float(m.group(2)) > float(m.group(4))
    if re.search(r"every loss (that did not diverge )?scores", text):
        assert len({f"{v:.1%}" for v in ranked.values()}) == 1
    m = re.search(r"carry (.+?) of (.+?)'s gradient (?:but only|but) (.+?) of (.+?)'s\.", text)
    if m:
        assert not set(short_list(m.group(2))) & set(short_list(m.group(4)))
        hi, lo = m.group(1), m.group(3)
        if (
            hi.endswith("%")
            and lo.endswith("%")
            and "under" not in hi + lo
            and "over" not in hi + lo
        ):
            assert int(hi[:-1]) > int(lo[:-1])
    for n, e in diverged.items():
        if e is not None and epoch >= e:
            assert f"{identity.short(n)} at epoch {e}" in text
    if "beyond the margin" in text:
        assert any(p.loss in boundaries.MARGIN_LOSSES and p.drivers.idle_fraction > 0 for p in ps)


def test_boundary_takeaway_one_loss_and_all_diverged():
    p = panel("cross_entropy", 0.9, 0.0, 0.5, math.nan, 10)
    assert boundaries.takeaway([p], flipped=False) == (
        "At epoch 10, CE reaches 90.0% test accuracy."
    )
    text = boundaries.takeaway([p], flipped=False, diverged={"cross_entropy": 3})
    assert "every run has diverged" in text and "CE at epoch 3" in text


def test_boundary_takeaway_tied_shares_compare_no_loss_with_itself():
    """Regression: max and min of equal shares used to be the same panel ("X of CE's but X of
    CE's")."""
    ps = [panel(n, a, 0.0, 0.4, math.nan, 5) for n, a in (("cross_entropy", 0.9), ("mse", 0.8))]
    text = boundaries.takeaway(ps, flipped=False)
    assert "40% of every loss's gradient" in text
    assert "CE's gradient but" not in text


def test_boundary_saturated_zero_gradients_are_not_blamed_on_a_margin():
    """Regression: MSE with a saturated softmax gives exact zeros; "beyond the margin" was said
    of whichever loss had the most zeros."""
    ps = [panel("mse", 0.9, 0.3, 0.4, math.nan, 5), panel("cross_entropy", 0.8, 0.0, 0.5, 0, 5)]
    text = boundaries.takeaway(ps, flipped=False)
    assert "beyond the margin" not in text and "saturated" in text
    assert "Under CE every training point still pulls" in text


# --------------------------------------------------------------------------- training curves


@st.composite
def reach_cases(draw):
    ns = draw(names)
    epochs = st.one_of(st.none(), st.integers(1, 60).map(float), st.sampled_from([20.0, 21.0]))
    out = {}
    for n in ns:
        e = draw(epochs)
        runs = draw(st.integers(1, 5))
        reached = 0 if e is None else draw(st.integers(1, runs))
        out[n] = summary(e, reached, runs, draw(st.integers(0, runs - reached)))
    return ns, out, draw(st.sampled_from([0.5, 0.8, 0.9, 0.95, 1.0]))


@SETTINGS
@given(reach_cases())
def test_reach_sentence_agrees_with_its_numbers(case):
    ns, summ, target = case
    text = training.reach_sentence(summ, ns, target)
    clean(text)
    reach = {identity.short(n): s.reach_epochs for n, s in summ.items()}
    reached = {n: e for n, e in reach.items() if e is not None}
    if not reached:
        # the negation is said: nothing reached means "No loss reached" / "X did not reach"
        if len(ns) > 1:
            assert text.startswith("No loss reached "), text
        else:
            assert text == (
                f"{identity.short(ns[0])} did not reach {target:.0%} test accuracy in any seed "
                "within these epochs."
            )
        assert not re.match(r"^(?!No loss)\S+ reached", text), text
        return
    base = "CE" if "CE" in reached else min(reached, key=reached.get)
    first = text.split(". ")[0]
    for clause in first.split("); "):
        m = re.match(
            r"(.+?) (?:reached \S+ test accuracy )?(?:(\d+\.\d)× (later|sooner) than|"
            r"(about as soon as|at the same median epoch as)) (.+?) \(median epoch ([\d.]+)",
            clause,
        )
        if not m:
            continue
        who, factor, word, tie, than, e = m.groups()
        assert who != than  # no loss compared with itself
        assert than == base
        eb = reached[than]
        assert float(e) == reached[who]
        if tie:
            assert wording.same_ratio(reached[who], eb)
            assert (tie == "at the same median epoch as") == (reached[who] == eb)
        else:
            assert (word == "later") == (reached[who] > eb)
            f = max(reached[who], eb) / min(reached[who], eb)
            assert factor == f"{f:.1f}" and f >= 1.05
    # every loss that got there is named, the fastest and the slowest included
    for n in reached:
        assert n in text
    for n in set(reach) - set(reached):
        assert n in text.split(": not reached")[0]


@st.composite
def ece_cases(draw):
    ns = draw(names)
    vals = st.one_of(st.floats(0, 1), st.just(math.nan), st.sampled_from([0.025, 0.0251]))
    return {n: draw(vals) for n in ns}


@SETTINGS
@given(ece_cases())
def test_calibration_never_calls_a_score_a_probability(ece):
    text = training.calibration_sentence(ece)
    clean(text)
    for n in training.SCORE_LOSSES:
        own = wording.possessive(identity.short(n))
        assert f"{own} probabilities" not in text
        if n in ece and wording.finite(ece[n]):
            if n in training.RAW_PROBABILITY_LOSSES:
                # square loss on logits: its raw outputs estimate P(k|x); only its softmax is
                # the wrong reading (issue 19, I8)
                assert f"{own} raw outputs, not their softmax, estimate the probabilities" in text
                assert f"{identity.short(n)} is trained for scores" not in text
            else:
                assert "trained for scores, not probabilities" in text
    m = re.search(
        r"(\S+?)'s? probabilities are off by (\d\.\d{3}) \(ECE\), (.+?)'s? by (\d\.\d{3})", text
    )
    if m:
        assert m.group(1) != m.group(3)
        assert float(m.group(2)) < float(m.group(4))


def test_same_epoch_is_not_1_0x_later():
    """Issue 10: "when two losses reach the target at the same epoch the sentence says
    '1.0× later'"."""
    text = training.reach_sentence(
        {"cross_entropy": summary(20.0), "mse": summary(20.0)}, ["cross_entropy", "mse"], 0.9
    )
    assert "1.0×" not in text
    assert text == (
        "MSE reached 90% test accuracy at the same median epoch as CE (median epoch 20 vs 20)."
    )
    near = training.reach_sentence(
        {"cross_entropy": summary(40.0), "mse": summary(41.0)}, ["cross_entropy", "mse"], 0.9
    )
    assert "about as soon as CE (median epoch 41 vs 40)" in near and "×" not in near


def test_three_losses_name_the_fastest_and_the_slowest():
    """Issue 10: "with three losses it compares only against the slowest and hides the
    fastest"."""
    summ = {"cross_entropy": summary(20.0), "mse": summary(50.0), "focal": summary(10.0)}
    text = training.reach_sentence(summ, ["cross_entropy", "mse", "focal"], 0.9)
    assert "MSE reached 90% test accuracy 2.5× later than CE (median epoch 50 vs 20)" in text
    assert "focal 2.0× sooner than CE (median epoch 10)" in text


def test_hinge_softmax_is_not_called_a_probability():
    """Issue 10: "Calibration: CE's probabilities are off by 0.025 (ECE), hinge's by 0.094" —
    hinge is trained for scores."""
    text = training.calibration_sentence({"cross_entropy": 0.025, "hinge": 0.094})
    assert text == (
        "Calibration: CE's probabilities are off by 0.025 (ECE); read as probabilities (hinge "
        "is trained for scores, not probabilities), hinge's by 0.094."
    )
    only = training.calibration_sentence({"hinge": 0.094, "multi_margin": 0.1})
    assert "probabilities are off" not in only and "the softmax is off by 0.094 (hinge)" in only


def test_single_loss_and_no_loss_reaching_the_target():
    """Issue 19 (I10): with one loss that never reaches the target the sentence said "MAE
    reached 99% test accuracy in any seed within these epochs" and a test accepted it."""
    one = training.reach_sentence({"mae": summary(None, 0)}, ["mae"], 0.99)
    assert one == "MAE did not reach 99% test accuracy in any seed within these epochs."
    none = training.reach_sentence(
        {"mse": summary(None, 0), "mae": summary(None, 0)}, ["mse", "mae"], 0.9
    )
    assert none == "No loss reached 90% test accuracy in any seed within these epochs."


def test_cut_divergence_keeps_the_axis_readable():
    """Issue 11: "Learning rate too high" drew an axis to 5.5e+152."""
    df = pd.DataFrame(
        {
            "loss": "square loss on logits",
            "split": "train",
            "epoch": [1, 2, 3, 4],
            "mean": [1.0, 3.0, 1e30, 5e152],
            "lo": [1.0, 2.0, 1e29, 1e150],
            "hi": [1.0, 4.0, 1e31, 5e152],
        }
    )
    out = training.cut_divergence(df, ["square loss on logits"])
    assert out["mean"].max() == 3.0 and out["mean"].isna().sum() == 2
    assert training.cut_divergence(df, []).equals(df)  # runs that did not diverge: untouched


# --------------------------------------------------------------------------- outlier robustness

R_LOSSES = [identity.title(n, "regression") for n in ("mse", "mae", "huber", "log_cosh")]
C_LOSSES = [identity.title(n) for n in ("cross_entropy", "mse", "mae", "hinge", "gce")]


@st.composite
def fit_cases(draw):
    task = draw(st.sampled_from(["regression", "classification"]))
    pool = R_LOSSES if task == "regression" else C_LOSSES
    ns = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
    if task == "regression":
        value = st.one_of(st.floats(0, 5), st.just(math.nan), st.sampled_from([0.5, 0.5004]))
        kind = draw(st.sampled_from(["response", "leverage"]))
    else:
        value = st.one_of(accuracy, st.just(math.nan))
        kind = draw(st.sampled_from(["symmetric", "pair"]))
    scores = {n: draw(value) for n in ns}
    slopes = {n: draw(st.floats(-3, 3)) for n in ns} if kind == "leverage" else None
    rate = draw(st.sampled_from([0.0, 0.1, 0.4, 0.5, 0.6]))
    limit = None if task == "regression" else (0.5 if kind == "pair" else 2 / 3)
    return task, kind, rate, scores, slopes, draw(st.floats(-3, 3)), limit


@SETTINGS
@given(fit_cases())
def test_fit_sentence_agrees_with_its_numbers(case):
    task, kind, rate, scores, slopes, clean_slope, limit = case
    text = robustness.fit_sentence(
        task, kind, rate, -0.0, scores, slopes=slopes, clean=clean_slope, limit=limit, n_classes=3
    )
    clean(text)
    m = re.search(r": best (.+?) \((\S+?)\), worst (.+?) \((\S+?)(?:, (\S+)× larger)?\)\.", text)
    ok = {n: v for n, v in scores.items() if wording.finite(v)}
    if m:
        top, bottom = short_list(m.group(1)), short_list(m.group(3))
        assert not set(top) & set(bottom)
        num = lambda s: float(s.rstrip("%"))  # noqa: E731
        if task == "classification":
            assert num(m.group(2)) > num(m.group(4))
        else:
            assert num(m.group(2)) < num(m.group(4))
            if m.group(5):
                assert float(m.group(5)) >= 1.05
                assert m.group(5) == f"{max(ok.values()) / min(ok.values()):.1f}"
    if "pull every fitted slope" in text:
        assert rate > 0 and all(abs(s - clean_slope) > 0.1 for n, s in slopes.items() if n in ok)
    if "no loss is guaranteed to recover" in text:
        assert limit is not None and rate >= limit - 1e-9


@st.composite
def sweeps(draw):
    task = draw(st.sampled_from(["regression", "classification"]))
    pool = R_LOSSES if task == "regression" else C_LOSSES
    ns = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
    rates = draw(st.sampled_from([(0.0, 0.2), (0.0, 0.3, 0.6), (0.0, 0.15, 0.3, 0.45, 0.6)]))
    value = (
        st.one_of(st.floats(0, 3), st.just(math.nan), st.just(0.5))
        if task == "regression"
        else st.one_of(accuracy, st.just(math.nan))
    )
    rows = [
        {
            "loss": n,
            "rate": r,
            "mean": draw(value),
            "seeds": draw(st.integers(1, 5)),
            "diverged": draw(st.integers(0, 2)),
        }
        for n in ns
        for r in rates
    ]
    limit = None if task == "regression" else draw(st.sampled_from([None, 0.5, 2 / 3]))
    return pd.DataFrame(rows), task, limit


@SETTINGS
@given(sweeps())
def test_sweep_takeaway_agrees_with_its_numbers(case):
    agg, task, limit = case
    text = robustness.sweep_takeaway(agg, task, limit)
    clean(text)
    m = re.search(r"holds up best for (.+?) \((.+?)\) and worst for (.+?) \((.+?)\)\.", text)
    if m:
        assert m.group(1) != m.group(3)
        a, b = m.group(2).split(", ")[-1], m.group(4).split(", ")[-1]
        if task == "regression":
            assert float(a.lstrip("×")) < float(b.lstrip("×"))
        else:
            assert float(a.split()[0]) > float(b.split()[0])
    assert not re.search(r"\b1 (seeds|runs)\b", text)


def test_sweep_of_one_loss_compares_it_with_nothing():
    """Regression: with one loss the sentence said it held up best *and* worst."""
    agg = pd.DataFrame(
        [
            {"loss": "MSE", "rate": r, "mean": m, "seeds": 1, "diverged": 0}
            for r, m in ((0.0, 0.5), (0.2, 1.0))
        ]
    )
    text = robustness.sweep_takeaway(agg, "regression")
    assert "best" not in text and "worst" not in text
    assert "MSE (0.500 → 1.000, ×2.00)" in text and "1 seed)" in text


def test_leverage_slopes_are_not_said_to_be_pulled_when_they_are_not():
    """Regression: at 0% leverage points the sentence said they "pull every fitted slope"."""
    text = robustness.fit_sentence(
        "regression",
        "leverage",
        0.0,
        5.0,
        {"Squared error (L2)": 0.5},
        slopes={"Squared error (L2)": 0.98},
        clean=0.97,
    )
    assert "pull" not in text and "least-squares slope is 0.97" in text


def test_pair_flips_past_the_limit_are_said_to_be_unrecoverable():
    """Issue 11: the pair-flip preset now shows 60% pair flips on 3 classes."""
    text = robustness.fit_sentence(
        "classification",
        "pair",
        0.6,
        0.0,
        {"Cross-entropy (softmax)": 0.3, "MAE": 0.07},
        limit=0.5,
        n_classes=3,
    )
    assert "from 50% on for this kind and 3 classes): no loss is guaranteed to recover" in text
    assert "can recover" not in text  # a sample's accuracy is no population guarantee


# --------------------------------------------------------------------------- loss landscape


@st.composite
def one_sample_summaries(draw):
    ns = draw(
        st.lists(
            st.sampled_from(["Cross-entropy (softmax)", "MSE", "MAE"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    budget = draw(st.sampled_from([20, 100, 2000]))
    rows = []
    for n in ns:
        diverged = draw(st.one_of(st.none(), st.integers(1, 50)))
        steps = None if diverged else draw(st.one_of(st.none(), st.integers(0, budget)))
        longer = steps if steps is not None else draw(st.one_of(st.none(), st.integers(1, 2000)))
        further = draw(st.one_of(st.none(), st.integers(1, 2000))) if steps is None else None
        rows.append(
            {
                "loss": n,
                "|slope| at start": draw(st.floats(0, 2)),
                "w after last step": 0.0,
                "loss after last step": 0.1,
                "p_t after last step": draw(st.floats(0, 1)),
                f"steps to p_t ≥ {landscape.TARGET_P}": steps,
                f"… within {landscape.LONG_STEPS} steps": longer,
                landscape.FURTHER: further,
                "diverged at step": diverged,
            }
        )
    cfg = landscape.OneSampleConfig(
        losses=(),
        x0=draw(st.sampled_from([1.0, -1.0, 0.5])),
        y0=0,
        w0=draw(st.sampled_from([6.0, 0.0, -0.0, 2.5])),
        lr=0.5,
        steps=budget,
    )
    return landscape.OneSampleResult(None, None, pd.DataFrame(rows)), cfg


@SETTINGS
@given(one_sample_summaries())
def test_one_sample_takeaway_is_scoped_and_consistent(case):
    res, cfg = case
    text = landscape.one_sample_takeaway(res, cfg)
    clean(text)
    if "delays gradient descent" in text:
        assert "from this start" in text
    for m in re.finditer(r"needs (\d+) steps \((\d+\.\d)× (more|fewer)\)", text):
        assert float(m.group(2)) >= 1.05
    assert "-0 " not in text and "= -0," not in text


def surface_summary(share_neg: float, converged: bool) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "loss": "MSE",
                "convex on grid": share_neg == 0,
                "grid points with λ_min < 0": 3,
                "share of grid": share_neg,
                "most negative λ_min": -0.387 if share_neg else 0.0,
                "optimum w*": 1.0,
                "optimum b*": 0.0,
                "optimum loss": 0.085,
                "loss at start": 1.0,
                "loss after last step": 0.995,
                "gradient norm after last step": 0.0069,
                "steps to converge": 13 if converged else None,
                f"… within {landscape.LONG_STEPS} steps": 13 if converged else 427,
                "diverged at step": None,
            }
        ]
    )


def test_convexity_share_is_scoped_to_this_map():
    """Issue 10 item 5: "negative curvature in some direction on 95% of this map (±10); the
    share depends on the map's size"."""
    cfg = landscape.SurfaceConfig(losses=("mse",))
    res = landscape.SurfaceResult(None, None, None, surface_summary(0.95, False))
    text = landscape.surface_takeaway(res, cfg)
    assert "negative curvature in some direction at 95% of the grid points of this map" in text
    assert "w and b within ±10; the share depends on the map's size" in text
    # without the map and the path nothing says why the run was slow
    assert "plateau" not in text and "gets there after 427" in text
    real = landscape.surface_takeaway(landscape.surfaces(cfg), cfg)
    assert "from this start the plateau delays gradient descent" in real
    tiny = landscape.surface_takeaway(
        landscape.SurfaceResult(None, None, None, surface_summary(0.001, True)), cfg
    )
    assert "under 1% of the grid points" in tiny  # never "0%" for a non-zero share


def test_square_loss_on_logits_is_read_from_its_raw_outputs():
    """Issue 19 (I8): the minimiser of E sum_k (z_k - Y_k)^2 is z_k = P(k|x), so square loss
    on logits is not "trained for scores"; its calibration is read from the raw outputs
    (clipped to [0, 1], renormalised) and its softmax is named as the wrong reading."""
    text = training.calibration_sentence(
        {"cross_entropy": 0.092, "square_logits": 0.759}, {"square_logits": 0.388}
    )
    assert text == (
        "Calibration: CE's probabilities are off by 0.092 (ECE); square loss on logits' raw "
        "outputs estimate the probabilities (clipped to [0, 1], off by 0.388); read through a "
        "softmax, which is not how they are meant, off by 0.759."
    )
    p = training.clipped_probabilities(np.array([[0.2, 0.9, -0.1], [-1.0, -2.0, -0.5]]))
    assert np.allclose(p.sum(axis=1), 1) and np.allclose(p[1], 1 / 3)
    assert np.allclose(p[0], [0.2 / 1.1, 0.9 / 1.1, 0.0])
