"""The default lecture (present.default_path): every stop's claim is true of the view it names.

Each test reads its stop's own link values and recomputes the claim with ``core``: the
deterministic claims (gradients, one sample's descent, softmax's shift invariance) at those
values, and each comparative claim about trained models over model seeds 0-9 with the page's
settings (float32, lockstep training), checking that the "k of 10 seeds" the claim prints is
the k the seeds give and that every number it prints is the number the seeds give. The marks'
positions are checked against the figure's data. (When the seed-evidence table exists, the
trained checks can read it instead of training: about 15 CPU-seconds here.)
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from core import anatomy, boundaries, ce_regression, landscape, losses, robustness, train
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice
from present import paths
from present.default_path import DEFAULT, NAMED
from ui import lecture

SEEDS = range(10)


def find(page: str, title_part: str) -> paths.Stop:
    (s,) = [s for s in DEFAULT.stops if s.page == page and title_part in s.title]
    return s


def value(s: paths.Stop, key: str) -> str:
    (v,) = s.params()[key]
    return v


def seeds_said(claim: str) -> int:
    """The k of "in k of 10 seeds" in a claim."""
    (k,) = re.findall(r"in (\d+) of 10 seeds", claim)
    return int(k)


def runs(key: Comparison, seed: int) -> dict[str, train.FitResult]:
    k = key.with_seed(seed)
    return dict(zip(k.losses, train.fit_many(k.load(), k.configs(dtype="float32")), strict=True))


def accuracy(r: train.FitResult) -> float:
    """Final test accuracy as the pages print it (to 0.1%)."""
    return round(float(r.history["test_accuracy"][-1]), 3)


def db_key(s: paths.Stop) -> Comparison:
    """The Decision boundaries page's comparison for a stop's values (page defaults else)."""
    q = s.params()
    name = value(s, "dataset")
    data = tuple(
        sorted(
            (k.removeprefix(f"{name}_"), float(v[0]))
            for k, v in q.items()
            if k.startswith(f"{name}_")
        )
    )
    data = tuple((k, int(v) if k in ("n_classes", "n_samples") else v) for k, v in data)
    layers, width = int(value(s, "layers")), int(q.get("width", ["32"])[0])
    model = ModelChoice(
        hidden=(width,) * layers,
        activation="tanh",
        optimizer=value(s, "opt"),
        lr=float(value(s, "lr")),
        epochs=int(value(s, "epochs")),
    )
    flip = float(value(s, "flip"))
    corruption = Corruption("symmetric", flip) if flip > 0 else Corruption()
    return Comparison(DataChoice(name, data), model, tuple(q["losses"]), (), corruption)


# --------------------------------------------------------------------------- the path itself


def test_the_default_path_is_a_lecture_of_about_twelve_valid_stops():
    assert NAMED["default"] is DEFAULT
    assert 10 <= len(DEFAULT) <= 14
    paths.check(DEFAULT, lecture.page_names())
    for s in DEFAULT.stops:
        assert s.claim and s.title
        assert len(s.claim.split()) <= 26, s.claim  # one sentence a room can read
        # the stop's link is a Loss Lab link that names the same view
        assert paths.parse_link("/" + s.link(), lecture.page_names()) == (s.page, s.query)


def test_its_link_is_short_and_every_stop_is_warmed_up_as_both_audiences_open_it():
    urls = lecture.warm_up_urls()
    for i, s in enumerate(DEFAULT.stops, 1):
        assert len(s.link()) < 300  # a QR code a phone reads from the back row
        assert s.link() in urls or s.link() + "?" in urls
        assert any(u.startswith(s.page + "?") and f"lecture=default&stop={i}" in u for u in urls)


# --------------------------------------------------------------------------- deterministic


def test_softmax_two_classes_numbers():
    s = find("Gradient_anatomy", "discounted")
    a1, y1 = float(value(s, "a1")), int(value(s, "y1"))
    grads = anatomy.softmax_gradients(anatomy.logits_from_probabilities([a1, 1 - a1]), 1 - y1)
    mse, ce = abs(grads["mse"][1][0]), abs(grads["cross_entropy"][1][0])
    assert (f"{ce:.1f}", f"{mse:.3f}", f"{mse / ce:.2f}") == ("0.8", "0.512", "0.64")
    assert "0.8" in s.claim and "0.512" in s.claim and "0.64" in s.claim
    # the marks ring the two gradients at a1
    assert {(m.x, round(m.y, 3)) for m in s.marks} == {(a1, round(ce, 3)), (a1, round(mse, 3))}


def test_a_confidently_wrong_sigmoid_neuron():
    s = find("Gradient_anatomy", "confidently wrong")
    z0, y, x = float(value(s, "z0")), int(value(s, "y")), float(value(s, "x"))
    n = anatomy.sigmoid_neuron([z0], y, x)
    sp, mse, ce = float(n.sigma_prime[0]), abs(float(n.mse_dw[0])), abs(float(n.ce_dw[0]))
    assert (f"{sp:.4f}", f"{mse:.4f}", f"{ce:.3f}") == ("0.0025", "0.0025", "0.998")
    assert 0.95 * 400 <= ce / mse <= 1.05 * 400  # "about 400 times"
    assert [m.x for m in s.marks] == [z0]


def test_mse_stalls_on_the_plateau_and_ce_rolls_on():
    s = find("Loss_landscape", "plateau")
    kw = {
        "x0": float(value(s, "x0")),
        "y0": int(value(s, "y0")),
        "w0": float(value(s, "w0")),
        "lr": float(value(s, "lr1")),
        "steps": int(value(s, "steps1")),
    }
    w = np.linspace(-10, 10, 401)
    ce = landscape.one_sample("cross_entropy", w=w, **kw)
    mse = landscape.one_sample("mse", w=w, **kw)
    assert ce.steps is not None and ce.steps <= kw["steps"]  # p_t >= 0.9 within 100 steps
    assert mse.steps is None  # it never gets there
    # a plateau where the ball starts: MSE's slope there is under 10% of its steepest
    at = np.argmin(abs(w - kw["w0"]))
    assert abs(mse.slope[at]) < 0.1 * np.max(abs(mse.slope))
    assert abs(ce.slope[at]) > 0.9 * np.max(abs(ce.slope))  # CE is steep there
    assert abs(mse.path.w[-1] - kw["w0"]) < 1.0  # stalled near its start
    assert all(m.x == kw["w0"] for m in s.marks)


def test_mse_wants_the_wrong_classes_uniform():
    s = find("Gradient_anatomy", "uniform")
    t = int(value(s, "t")) - 1
    a = anatomy.probability_losses([0.8, 0.1, 0.1], t, ("mse", "cross_entropy"))
    b = anatomy.probability_losses([0.8, 0.15, 0.05], t, ("mse", "cross_entropy"))
    assert value(s, "a") == "0.8, 0.1, 0.1" and value(s, "b") == "0.8, 0.15, 0.05"
    assert (f"{a['mse']:.3f}", f"{b['mse']:.3f}") == ("0.060", "0.065")
    assert f"{a['cross_entropy']:.3f}" == f"{b['cross_entropy']:.3f}" == "0.223"
    (m,) = s.marks
    assert np.allclose([m.x, m.y], anatomy.to_plane([0.8, 0.1, 0.1]), atol=1e-4)


def test_hinge_is_flat_past_the_margin_and_ce_never_is():
    s = find("Loss_curves", "flat")
    margin = float(value(s, "hinge_margin"))
    m = np.linspace(margin, 10, 50)
    z = np.stack([np.zeros_like(m), m], axis=1)  # the page's logits [0, m], class 1 true
    y = np.ones(len(m), int)
    hv, hg = losses.get("hinge", "classification")(y, z)
    cv, cg = losses.get("cross_entropy", "classification")(y, z)
    assert np.all(hv == 0) and np.all(hg == 0)
    assert np.all(cv > 0) and np.all(np.abs(cg).sum(axis=1) > 0)
    assert {mk.x for mk in s.marks} == {margin}


def test_softmax_forgets_shifts():
    s = find("CE_for_regression", "shifts")
    G = [float(v) for v in value(s, "G").split(",")]
    z = [float(v) for v in value(s, "z").split(",")]
    c = ce_regression.compare(G, z)
    assert np.allclose(c.ce_grad, 0) and not np.allclose(G, z)
    assert np.allclose(c.mse_grad, 2)
    assert [m.x for m in s.marks] == [z[0]]


# --------------------------------------------------------------------------- trained, 10 seeds


def test_home_mae_is_last_on_spirals():
    s = find("", "only the loss")
    key = Comparison(
        DataChoice(value(s, "dataset")),
        ModelChoice(hidden=(32, 32), activation="tanh", optimizer="adam", lr=0.01, epochs=150),
        ("cross_entropy", "mse", "mae", "hinge"),
    )
    last = 0
    for seed in SEEDS:
        acc = {n: accuracy(r) for n, r in runs(key, seed).items()}
        last += acc["mae"] < min(v for n, v in acc.items() if n != "mae")
    assert last == seeds_said(s.claim) >= 8


def test_mse_is_slower_on_three_arm_spirals():
    s = find("Decision_boundaries", "three-arm")
    key = db_key(s)
    assert key.data.kwargs == {"n_classes": 3} and key.model.epochs == 150
    ce, mse = [], []
    for seed in SEEDS:
        r = runs(key, seed)
        ce.append(accuracy(r["cross_entropy"]))
        mse.append(accuracy(r["mse"]))
    ahead = sum(c > m for c, m in zip(ce, mse, strict=True))
    assert ahead == seeds_said(s.claim) >= 8
    assert f"{np.mean(ce):.0%} vs {np.mean(mse):.0%}" in s.claim


def test_mse_reaches_ninety_percent_later_on_digits():
    s = find("Training_curves", "90% later")
    q = s.params()
    model = ModelChoice(
        hidden=(), optimizer="sgd", lr=float(q["lr"][0]), epochs=int(q["epochs"][0])
    )
    key = Comparison(DataChoice("digits", (("n_classes", 10),)), model, tuple(q["losses"]))
    ratios = []
    for seed in SEEDS:
        r = runs(key, seed)
        first = [
            int(np.argmax(np.asarray(r[n].history["test_accuracy"]) >= 0.9)) + 1
            for n in ("cross_entropy", "mse")
        ]
        assert all(np.asarray(r[n].history["test_accuracy"]).max() >= 0.9 for n in r)
        ratios.append(first[1] / first[0])
    later = sum(x >= 2 for x in ratios)  # "more than twice as many epochs"
    assert later == seeds_said(s.claim) >= 8
    assert f"{min(ratios):.1f}–{max(ratios):.1f}×" in s.claim


def test_square_loss_on_logits_keeps_up():
    s = find("Training_curves", "logits")
    q = s.params()
    model = ModelChoice(
        hidden=(int(q["width"][0]),) * int(q["layers"][0]),
        activation=q["act"][0],
        optimizer="sgd",
        lr=float(q["lr"][0]),
        epochs=int(q["epochs"][0]),
    )
    key = Comparison(DataChoice("digits", (("n_classes", 10),)), model, tuple(q["losses"]))
    within = 0
    for seed in SEEDS:
        r = runs(key, seed)
        within += abs(accuracy(r["square_logits"]) - accuracy(r["cross_entropy"])) <= 0.01
    assert within == seeds_said(s.claim) >= 8


def test_hinge_idles_on_half_the_blobs_and_ce_on_none():
    s = find("Decision_boundaries", "stops pulling")
    key = db_key(s)
    idle = {"hinge": [], "cross_entropy": []}
    for seed in SEEDS:
        r = runs(key, seed)
        ds = key.with_seed(seed).load()
        for n in idle:
            g = boundaries.gradient_magnitude(n, r[n].model, ds.X_train, ds.y_train)
            idle[n].append(float(np.mean(g == 0)))
    half = sum(0.4 <= f <= 0.6 for f in idle["hinge"])
    assert half == seeds_said(s.claim) >= 8
    assert max(idle["cross_entropy"]) == 0.0


def test_mae_holds_up_under_label_noise():
    s = find("Decision_boundaries", "label noise")
    key = db_key(s)
    assert key.corruption == Corruption("symmetric", 0.3)
    ce, mae = [], []
    for seed in SEEDS:
        r = runs(key, seed)
        ce.append(accuracy(r["cross_entropy"]))
        mae.append(accuracy(r["mae"]))
    ahead = sum(m > c for c, m in zip(ce, mae, strict=True))
    assert ahead == seeds_said(s.claim) >= 8
    assert f"{np.mean(mae):.0%} vs {np.mean(ce):.0%}" in s.claim


def test_outliers_pull_the_mse_line():
    s = find("Outlier_robustness", "Outliers")
    q = s.params()
    names = ("mse", "mae", "huber", "log_cosh", "cauchy")
    worst = 0
    ratios = []
    for seed in SEEDS:  # the page's seed draws the data, the outliers and the weights
        key = Comparison(
            DataChoice(q["rdataset"][0], (("seed", seed),)),
            ModelChoice(hidden=(), optimizer="adam", lr=float(q["rlr"][0]), epochs=150, seed=seed),
            names,
            (),
            Corruption(q["okind"][0], float(q["frac"][0]), float(q["mag"][0])),
        )
        ds = key.load()
        results = train.fit_many(ds, key.configs(dtype="float32"))
        rmse = dict(zip(names, [robustness.clean_score(r, ds) for r in results], strict=True))
        worst += rmse["mse"] > max(v for n, v in rmse.items() if n != "mse")
        ratios.append(max(rmse.values()) / min(rmse.values()))
        if seed == 0:  # the figure's marks: an outlier, and a point on MSE's fitted line
            outlier, line = s.marks
            X, y = ds.X_train[:, 0], ds.y_train
            hit = np.hypot(X[ds.corrupted] - outlier.x, y[ds.corrupted] - outlier.y)
            assert hit.min() < 0.05
            slope, intercept = robustness.line_fit(results[0])
            assert abs(slope * line.x + intercept - line.y) < 0.05
    assert worst == seeds_said(s.claim) >= 8
    assert f"here {ratios[0]:.1f}× the best" in s.claim  # the seed the page shows


@pytest.mark.parametrize("stop", DEFAULT.stops, ids=[s.title for s in DEFAULT.stops])
def test_every_claim_about_trained_models_says_how_often(stop):
    trained = stop.page in ("Decision_boundaries", "Training_curves", "Outlier_robustness", "")
    assert trained == bool(re.search(r"in \d+ of 10 seeds", stop.claim)), stop.claim
