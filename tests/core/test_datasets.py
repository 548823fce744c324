"""Datasets: shapes, scaling, determinism, parameter checks, corruption of the training split."""

from __future__ import annotations

import importlib
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import numpy as np
import pytest

from core import datasets

CLASSIFICATION = datasets.names("classification")
REGRESSION = datasets.names("regression")


def test_the_issue_3_datasets_are_all_there():
    assert set(CLASSIFICATION) == {
        "moons",
        "circles",
        "blobs",
        "xor",
        "spirals",
        "linear",
        "iris",
        "wine",
        "breast_cancer",
        "digits",
    }
    assert set(REGRESSION) == {"linear_1d", "sine_1d", "friedman1", "diabetes", "make_regression"}
    assert datasets.names() == CLASSIFICATION + REGRESSION


@pytest.mark.parametrize("name", datasets.names())
def test_default_load_is_split_and_standardised(name):
    ds = datasets.load(name)
    spec = datasets.info(name)
    assert ds.task == spec.task and ds.name == name and ds.title == spec.title
    n_tr, n_te = len(ds.y_train), len(ds.y_test)
    assert ds.X_train.shape == (n_tr, ds.n_features) and ds.X_test.shape == (n_te, ds.n_features)
    assert len(ds.feature_names) == ds.n_features
    assert n_te / (n_tr + n_te) == pytest.approx(0.3, abs=0.01)
    assert np.all(np.isfinite(ds.X_train)) and np.all(np.isfinite(ds.X_test))
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0.0, atol=1e-12)
    sd = ds.X_train.std(axis=0)
    assert np.all((np.abs(sd - 1) < 1e-12) | (sd == 0))  # digits has blank pixels
    if ds.task == "classification":
        assert ds.n_classes >= 2
        assert ds.y_train.dtype.kind == "i"
        assert set(np.unique(ds.y_train)) == set(range(ds.n_classes))
        assert set(np.unique(ds.y_test)) == set(range(ds.n_classes))  # stratified
    else:
        assert ds.n_classes == 0
        assert ds.y_train.mean() == pytest.approx(0.0, abs=1e-12)
        assert ds.y_train.std() == pytest.approx(1.0)
    assert ds.corrupted is None and ds.y_train_clean is None
    for a in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert not a.flags.writeable


def test_regression_targets_convert_back_to_original_units():
    from sklearn.datasets import load_diabetes

    ds = datasets.load("diabetes")
    original = ds.y_mean + ds.y_scale * np.concatenate([ds.y_train, ds.y_test])
    np.testing.assert_allclose(np.sort(original), np.sort(load_diabetes().target))


@pytest.mark.parametrize("name", ["moons", "spirals", "xor", "linear", "sine_1d", "friedman1"])
def test_seed_determines_the_data(name):
    a, b, c = (datasets.load(name, seed=s) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize(
    ("name", "k"),
    [("blobs", 2), ("blobs", 6), ("spirals", 2), ("spirals", 4), ("digits", 3), ("digits", 10)],
)
def test_n_classes(name, k):
    ds = datasets.load(name, n_classes=k)
    assert ds.n_classes == k
    assert set(np.unique(ds.y_train)) == set(range(k))


@pytest.mark.parametrize("name", datasets.names())
def test_every_parameter_at_both_ends_of_its_range(name):
    for p in datasets.info(name).params.values():
        values = p.choices or (p.low, p.high)
        for v in values:
            if p.name == "n_samples" and v == p.high:
                v = 1000  # the maximum works the same way; keep the test fast
            ds = datasets.load(name, **{p.name: v})
            assert ds.params[p.name] == v
            assert len(ds.y_train) > 0 and len(ds.y_test) > 0


def test_linear_is_separable_with_the_margin():
    from sklearn.svm import LinearSVC

    ds = datasets.load("linear", margin=0.5)
    X = np.vstack([ds.X_train, ds.X_test])
    y = np.concatenate([ds.y_train, ds.y_test])
    assert LinearSVC(C=1e4, max_iter=100_000).fit(X, y).score(X, y) == 1.0


def test_iris_pairs_name_their_features():
    assert datasets.load("iris", features="petal").feature_names == (
        "petal length (cm)",
        "petal width (cm)",
    )
    assert datasets.load("wine").feature_names == ("PC1", "PC2")


@pytest.mark.parametrize("name", datasets.names())
def test_dataset_and_info_pickle(name):
    # st.cache_data pickles what cached functions return
    ds = pickle.loads(pickle.dumps(datasets.load(name)))
    np.testing.assert_array_equal(ds.X_train, datasets.load(name).X_train)
    assert pickle.loads(pickle.dumps(datasets.info(name))).params == datasets.info(name).params


def test_info_describes_parameters_for_controls():
    spec = datasets.info("blobs")
    assert spec.task == "classification"
    n = spec.params["n_classes"]
    assert (n.default, n.low, n.high, n.integer) == (3, 2, 6, True)
    assert spec.params["test_fraction"].default == 0.3
    for name in datasets.names():
        for p in datasets.info(name).params.values():
            if not p.choices:
                assert p.low <= p.default <= p.high, (name, p.name)


@pytest.mark.parametrize(
    ("name", "params", "match"),
    [
        ("nope", {}, "unknown dataset 'nope'"),
        ("moons", {"n_classes": 3}, "unknown parameter"),
        ("moons", {"test_fraction": 0.0}, "test_fraction"),
        ("moons", {"test_fraction": 1.0}, "test_fraction"),
        ("moons", {"n_samples": 5}, "n_samples"),
        ("moons", {"n_samples": 10.5}, "n_samples"),
        ("moons", {"noise": -0.1}, "noise"),
        ("moons", {"noise": float("nan")}, "noise"),
        ("moons", {"seed": "a"}, "seed"),
        ("moons", {"n_samples": True}, "n_samples"),
        ("blobs", {"n_classes": 7}, "n_classes"),
        ("blobs", {"n_classes": 6, "n_samples": 20, "test_fraction": 0.05}, "at least n_classes"),
        ("iris", {"features": "petals"}, "features"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(f"{k}={x}" for k, x in v.items()),
)
def test_impossible_parameters_raise(name, params, match):
    with pytest.raises(ValueError, match=match):
        datasets.load(name, **params)


def test_names_rejects_unknown_task():
    with pytest.raises(ValueError, match="task"):
        datasets.names("clustering")


# --------------------------------------------------------------------------- corruption


@pytest.mark.parametrize("kind", ["symmetric", "pair"])
def test_label_noise_flips_exactly_the_recorded_rows(kind):
    ds = datasets.load("blobs", n_classes=4, n_samples=400)
    noisy = datasets.add_label_noise(ds, 0.25, kind=kind, seed=1)
    n = len(ds.y_train)
    assert noisy.corrupted.sum() == round(0.25 * n)
    np.testing.assert_array_equal(noisy.y_train != ds.y_train, noisy.corrupted)
    np.testing.assert_array_equal(noisy.y_train_clean, ds.y_train)
    if kind == "pair":
        flipped = noisy.corrupted
        np.testing.assert_array_equal(noisy.y_train[flipped], (ds.y_train[flipped] + 1) % 4)
    else:  # every other class is a target
        pairs = zip(ds.y_train[noisy.corrupted], noisy.y_train[noisy.corrupted], strict=True)
        assert len(set(pairs)) == 12
    np.testing.assert_array_equal(noisy.y_test, ds.y_test)  # test split stays clean
    np.testing.assert_array_equal(noisy.X_train, ds.X_train)
    assert ds.corrupted is None  # the original is untouched


def test_label_noise_composes_and_keeps_the_first_clean_labels():
    ds = datasets.load("moons")
    once = datasets.add_label_noise(ds, 0.1, seed=0)
    twice = datasets.add_label_noise(once, 0.1, seed=1)
    np.testing.assert_array_equal(twice.y_train_clean, ds.y_train)
    assert twice.corrupted.sum() >= once.corrupted.sum()
    assert np.all(twice.corrupted[once.corrupted])


def test_zero_rate_changes_nothing():
    ds = datasets.load("moons")
    same = datasets.add_label_noise(ds, 0.0)
    np.testing.assert_array_equal(same.y_train, ds.y_train)
    assert not same.corrupted.any()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda ds: datasets.add_label_noise(ds, 1.0), "rate"),
        (lambda ds: datasets.add_label_noise(ds, -0.1), "rate"),
        (lambda ds: datasets.add_label_noise(ds, 0.1, kind="asymmetric"), "kind"),
        (lambda ds: datasets.add_outliers(ds, 0.1, 5.0), "regression dataset"),
    ],
    ids=["rate-1", "rate-negative", "kind", "outliers-on-classification"],
)
def test_bad_label_noise_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call(datasets.load("moons"))


def test_response_outliers_shift_y_by_the_magnitude():
    ds = datasets.load("linear_1d")
    out = datasets.add_outliers(ds, 0.2, 5.0, kind="response", seed=3)
    assert out.corrupted.sum() == round(0.2 * len(ds.y_train))
    np.testing.assert_allclose(out.y_train - ds.y_train, 5.0 * out.corrupted, atol=1e-12)
    np.testing.assert_array_equal(out.y_train_clean, ds.y_train)
    np.testing.assert_array_equal(out.y_test, ds.y_test)
    np.testing.assert_array_equal(out.X_train, ds.X_train)


def test_leverage_outliers_move_x_and_keep_y():
    ds = datasets.load("friedman1")
    out = datasets.add_outliers(ds, 0.1, 4.0, kind="leverage", seed=3)
    shift = np.broadcast_to(4.0 * out.corrupted[:, None], ds.X_train.shape)
    np.testing.assert_allclose(out.X_train - ds.X_train, shift, atol=1e-12)
    np.testing.assert_array_equal(out.y_train, ds.y_train)
    np.testing.assert_array_equal(out.X_test, ds.X_test)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.0, 5.0), "fraction"),
        ((0.1, float("inf")), "magnitude"),
        ((0.1, "big"), "magnitude"),
        ((0.1, 5.0, "vertical"), "kind"),
    ],
    ids=["fraction-1", "magnitude-inf", "magnitude-text", "kind"],
)
def test_bad_outliers_raise(args, match):
    with pytest.raises(ValueError, match=match):
        datasets.add_outliers(datasets.load("sine_1d"), *args)


def test_label_noise_needs_classification():
    with pytest.raises(ValueError, match="classification dataset"):
        datasets.add_label_noise(datasets.load("sine_1d"), 0.1)


def test_scikit_learn_is_imported_by_one_thread_at_a_time(monkeypatch):
    """A server's session threads load datasets together; two first imports of scikit-learn
    entering its circular imports at different modules hand one of them a half-imported
    module (seen as "cannot import name 'clone' from partially initialized module"), so the
    lazy imports take turns. A slow stand-in importer records how many run at once."""
    inside, most = [0], [0]
    lock = threading.Lock()
    real = importlib.import_module

    def slow_import(name: str) -> object:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)
        with lock:
            inside[0] -= 1
        return real(name)

    monkeypatch.setattr(datasets, "importlib", SimpleNamespace(import_module=slow_import))
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    jobs = [lambda: datasets.load("moons"), lambda: datasets.load("iris")] * 2 + [
        lambda: datasets.split_train_test(X, y, "classification", 5, 0)
    ] * 2
    with ThreadPoolExecutor(len(jobs)) as pool:
        done = [pool.submit(job) for job in jobs]
        for d in done:
            d.result()  # each load succeeds
    assert most[0] == 1
