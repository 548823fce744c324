r"""Toy datasets for Loss Lab: generated or bundled with scikit-learn (never downloaded).

::

    ds = datasets.load("moons", n_samples=400, noise=0.2, test_fraction=0.3, seed=0)
    ds.X_train, ds.y_train, ds.X_test, ds.y_test, ds.task, ds.n_classes

Conventions
-----------
* The data are split into a training and a test split (stratified for classification),
  then the **features are standardised on the training split**:
  :math:`x \mapsto (x - \bar x_{\mathrm{train}}) / s_{\mathrm{train}}` (a constant feature
  keeps scale 1).
* **Regression targets are standardised on the training split too**, so every loss, learning
  rate and outlier magnitude is in units of the training target's standard deviation;
  ``ds.y_mean`` and ``ds.y_scale`` turn predictions back into the original units
  (:math:`y = \bar y + s_y \hat y`).
* Classification labels are integers ``0..K-1``; ``n_classes`` is 0 for regression.
* Corruption (:func:`add_label_noise`, :func:`add_outliers`) touches the training split only;
  the test split stays clean. ``corrupted`` marks the corrupted training rows and
  ``y_train_clean`` keeps the labels/targets from before the corruption.
* Arrays are read-only, so a cached dataset cannot be changed by accident.

:func:`info` describes every dataset and its parameters (default, minimum, maximum) so pages
can build controls; :func:`load` raises ``ValueError`` naming the parameter, the bad value and
what is allowed.
"""

from __future__ import annotations

import importlib
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Dataset",
    "DatasetInfo",
    "Param",
    "add_label_noise",
    "add_outliers",
    "feature_scale",
    "info",
    "load",
    "names",
    "split_train_test",
    "standardise_targets",
]

TASKS = ("classification", "regression")


# --------------------------------------------------------------------------- containers


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split, standardised on the training split (see the module docstring)."""

    name: str
    task: str
    X_train: NDArray[np.float64]
    y_train: NDArray
    X_test: NDArray[np.float64]
    y_test: NDArray
    n_classes: int
    params: dict[str, Any]
    feature_names: tuple[str, ...]
    #: boolean mask over the training rows that were corrupted, or None if none were
    corrupted: NDArray[np.bool_] | None = None
    #: training labels/targets before any corruption, or None if never corrupted
    y_train_clean: NDArray | None = None
    #: regression: original-unit target = y_mean + y_scale * standardised target
    y_mean: float = 0.0
    y_scale: float = 1.0
    title: str = ""
    #: classification: the names of the classes 0..K-1; empty = call them "class k"
    class_names: tuple[str, ...] = ()

    @property
    def n_features(self) -> int:
        """Number of input features."""
        return self.X_train.shape[1]

    def __repr__(self) -> str:
        extra = f", {self.n_classes} classes" if self.task == "classification" else ""
        bad = "" if self.corrupted is None else f", {int(self.corrupted.sum())} corrupted"
        return (
            f"Dataset({self.name}: {self.task}{extra}, {self.n_features} features, "
            f"{len(self.y_train)} train / {len(self.y_test)} test{bad})"
        )


@dataclass(frozen=True)
class Param:
    """A dataset parameter: default and allowed range (``choices`` for categorical ones)."""

    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""

    def check(self, value: Any, dataset: str) -> Any:
        """Return ``value`` converted, or raise ``ValueError`` naming it and the allowed range."""
        if self.choices:
            if value not in self.choices:
                raise ValueError(
                    f"{dataset}: {self.name} must be one of {list(self.choices)}, got {value!r}"
                )
            return value
        kind = "an integer" if self.integer else "a number"
        allowed = f"{kind} in [{self.low:g}, {self.high:g}]"
        if isinstance(value, bool):
            raise ValueError(f"{dataset}: {self.name} must be {allowed}, got {value!r}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{dataset}: {self.name} must be {allowed}, got {value!r}") from None
        if math.isnan(v) or v < self.low or v > self.high or (self.integer and v != int(v)):
            raise ValueError(f"{dataset}: {self.name} must be {allowed}, got {value!r}")
        return int(v) if self.integer else v


@dataclass(frozen=True)
class DatasetInfo:
    """What a page needs to offer a dataset: title, task and parameters."""

    name: str
    title: str
    task: str
    params: dict[str, Param]
    description: str = ""
    make: Callable[..., tuple[NDArray, NDArray, tuple[str, ...]]] = field(default=None, repr=False)


# --------------------------------------------------------------------------- parameters

_MAX_SAMPLES = 5000
_SEED = Param("seed", 0, 0, 2**31 - 1, integer=True, help="random seed (data and split)")
_TEST = Param(
    "test_fraction", 0.3, 0.05, 0.9, help="fraction of the points held out as the test split"
)


def _n(default: int) -> Param:
    return Param("n_samples", default, 20, _MAX_SAMPLES, integer=True, help="number of points")


def _noise(default: float, high: float, help: str) -> Param:
    return Param("noise", default, 0.0, high, help=help)


# --------------------------------------------------------------------------- generators
# Each generator returns (X, y, feature_names) in original units; ``load`` splits and scales.

_XY = ("x1", "x2")


#: Serialises the first imports of scikit-learn. It is imported on first use (it takes a second
#: to import, and the worker processes of ``core.train`` unpickle datasets without it), and a
#: server's session threads may reach it together. Two threads entering its circular imports
#: at different modules (``sklearn.datasets`` and ``sklearn.model_selection``) can each wait
#: for the other; Python then hands one a half-imported module ("cannot import name 'clone'
#: from partially initialized module 'sklearn.base'").
_SKLEARN_IMPORT = threading.Lock()


def _sk(name: str, module: str = "datasets") -> Callable:
    """``sklearn.<module>.<name>``, imported on first use, by one thread at a time."""
    with _SKLEARN_IMPORT:
        return getattr(importlib.import_module(f"sklearn.{module}"), name)


def _moons(n_samples, noise, seed):
    X, y = _sk("make_moons")(n_samples=n_samples, noise=noise, random_state=seed)
    return X, y, _XY


def _circles(n_samples, noise, factor, seed):
    X, y = _sk("make_circles")(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X, y, _XY


def _blobs(n_samples, n_classes, noise, seed):
    X, y = _sk("make_blobs")(
        n_samples=n_samples, centers=n_classes, cluster_std=noise, random_state=seed
    )
    return X, y, _XY


def _xor(n_samples, noise, seed):
    """Four Gaussian clusters at :math:`(\\pm1, \\pm1)`; the label is the XOR of the signs."""
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, 2, size=(n_samples, 2))
    X = (2.0 * corner - 1.0) + noise * rng.standard_normal((n_samples, 2))
    return X, corner[:, 0] ^ corner[:, 1], _XY


def _spirals(n_samples, n_classes, noise, seed):
    r"""``n_classes`` interleaved arms, 1.5 turns each: :math:`r = t`,
    :math:`\theta = 2\pi k / K + 3\pi t`, plus Gaussian noise of std ``noise``."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    t = rng.uniform(0.05, 1.0, n_samples)
    theta = 2.0 * np.pi * y / n_classes + 3.0 * np.pi * t
    X = np.column_stack([t * np.cos(theta), t * np.sin(theta)])
    return X + noise * rng.standard_normal(X.shape), y, _XY


def _linear(n_samples, margin, seed):
    r"""Linearly separable by construction: Gaussian points labelled by the side of a random
    line through the origin, then pushed ``margin`` away from it (geometric margin
    :math:`\ge` ``margin`` in original units)."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])
    X = rng.standard_normal((n_samples, 2))
    side = np.where(X @ w >= 0.0, 1.0, -1.0)
    X = X + margin * side[:, None] * w
    return X, (side > 0).astype(int), _XY


_IRIS_PAIRS = {"petal": (2, 3), "sepal": (0, 1)}
_WINE_PAIRS = {"flavanoids_proline": (6, 12), "alcohol_color": (0, 9)}


def _bundled(loader, pairs, features, seed):
    bunch = _sk(loader)()
    X, y = bunch.data, bunch.target
    if features == "pca":
        # PCA on standardised features; it is unsupervised, so fitting it on all rows
        # leaks no label information into the test split.
        Z = (X - X.mean(axis=0)) / X.std(axis=0)
        return _sk("PCA", "decomposition")(n_components=2).fit_transform(Z), y, ("PC1", "PC2")
    i, j = pairs[features]
    return X[:, [i, j]], y, (bunch.feature_names[i], bunch.feature_names[j])


def _breast_cancer(seed):
    bunch = _sk("load_breast_cancer")()
    return bunch.data, bunch.target, tuple(bunch.feature_names)


def _digits(n_classes, seed):
    bunch = _sk("load_digits")(n_class=n_classes)
    return bunch.data, bunch.target, tuple(f"pixel_{i}" for i in range(64))


def _linear_1d(n_samples, noise, seed):
    r""":math:`y = 0.5 x + 1 + \varepsilon`, :math:`x \sim U(-3, 3)`, :math:`\varepsilon \sim
    N(0, \mathrm{noise}^2)`."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3.0, 3.0, n_samples)
    return x[:, None], 0.5 * x + 1.0 + noise * rng.standard_normal(n_samples), ("x",)


def _sine_1d(n_samples, noise, seed):
    r""":math:`y = \sin x + \varepsilon`, :math:`x \sim U(-\pi, \pi)`."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, n_samples)
    return x[:, None], np.sin(x) + noise * rng.standard_normal(n_samples), ("x",)


def _friedman1(n_samples, n_features, noise, seed):
    X, y = _sk("make_friedman1")(
        n_samples=n_samples, n_features=n_features, noise=noise, random_state=seed
    )
    return X, y, tuple(f"x{i + 1}" for i in range(n_features))


def _diabetes(seed):
    bunch = _sk("load_diabetes")()
    return bunch.data, bunch.target, tuple(bunch.feature_names)


def _make_regression(n_samples, n_features, noise, seed):
    X, y = _sk("make_regression")(
        n_samples=n_samples, n_features=n_features, noise=noise, random_state=seed
    )
    return X, y, tuple(f"x{i + 1}" for i in range(n_features))


def _info(name, title, task, make, *params, description=""):
    ps = {p.name: p for p in (*params, _TEST, _SEED)}
    return DatasetInfo(name, title, task, ps, description, make)


_C, _R = "classification", "regression"
_POINTS = "std of the Gaussian noise added to the points"
_ON_Y = "std of the Gaussian noise on y"
_PCA_OR_PAIR = "first two principal components or a pair of measurements"
_DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        _info("moons", "Two moons", _C, _moons, _n(400), _noise(0.2, 1.0, _POINTS)),
        _info(
            "circles",
            "Concentric circles",
            _C,
            _circles,
            _n(400),
            _noise(0.1, 1.0, _POINTS),
            Param("factor", 0.5, 0.1, 0.9, help="inner radius / outer radius"),
        ),
        _info(
            "blobs",
            "Gaussian blobs",
            _C,
            _blobs,
            _n(400),
            Param("n_classes", 3, 2, 6, integer=True, help="number of blobs (classes)"),
            _noise(1.0, 5.0, "std of each blob"),
        ),
        _info(
            "xor", "XOR", _C, _xor, _n(400), _noise(0.35, 1.0, "std of each of the four clusters")
        ),
        _info(
            "spirals",
            "Spirals",
            _C,
            _spirals,
            _n(600),
            Param("n_classes", 2, 2, 4, integer=True, help="number of arms (classes)"),
            _noise(0.05, 0.5, _POINTS),
        ),
        _info(
            "linear",
            "Linearly separable",
            _C,
            _linear,
            _n(200),
            Param("margin", 0.3, 0.0, 2.0, help="half-width of the empty band between classes"),
        ),
        _info(
            "iris",
            "Iris (2 features)",
            _C,
            partial(_bundled, "load_iris", _IRIS_PAIRS),
            Param("features", "pca", choices=("pca", *_IRIS_PAIRS), help=_PCA_OR_PAIR),
        ),
        _info(
            "wine",
            "Wine (2 features)",
            _C,
            partial(_bundled, "load_wine", _WINE_PAIRS),
            Param("features", "pca", choices=("pca", *_WINE_PAIRS), help=_PCA_OR_PAIR),
        ),
        _info("breast_cancer", "Breast cancer (30 features)", _C, _breast_cancer),
        _info(
            "digits",
            "Digits (8x8 pixels)",
            _C,
            _digits,
            Param("n_classes", 10, 2, 10, integer=True, help="digits 0..n_classes-1"),
        ),
        _info("linear_1d", "Line + noise (1-D)", _R, _linear_1d, _n(100), _noise(0.5, 3.0, _ON_Y)),
        _info("sine_1d", "Sine + noise (1-D)", _R, _sine_1d, _n(200), _noise(0.2, 2.0, _ON_Y)),
        _info(
            "friedman1",
            "Friedman #1",
            _R,
            _friedman1,
            _n(500),
            Param("n_features", 10, 5, 20, integer=True, help="input dimension (5 informative)"),
            _noise(1.0, 10.0, _ON_Y),
        ),
        _info("diabetes", "Diabetes (10 features)", _R, _diabetes),
        _info(
            "make_regression",
            "Random linear regression",
            _R,
            _make_regression,
            _n(200),
            Param("n_features", 5, 1, 50, integer=True, help="input dimension"),
            _noise(10.0, 100.0, "std of the Gaussian noise on y (coefficients up to 100)"),
        ),
    )
}


# --------------------------------------------------------------------------- public API


def names(task: str | None = None) -> list[str]:
    """Dataset names, optionally only those of ``task`` ("classification" or "regression")."""
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    return [n for n, d in _DATASETS.items() if task is None or d.task == task]


def info(name: str) -> DatasetInfo:
    """Title, task and parameters (``Param`` with default, low, high) of dataset ``name``."""
    d = _DATASETS.get(name)
    if d is None:
        raise ValueError(f"unknown dataset {name!r}; choose one of {names()}")
    return d


def load(name: str, **params: Any) -> Dataset:
    """Load dataset ``name``: generate/read, split, standardise (see the module docstring).

    Parameters are those of ``info(name).params``; omitted ones take their default.
    Raises ``ValueError`` for an unknown name, unknown parameter or a value out of range.
    """
    d = info(name)
    unknown = sorted(set(params) - set(d.params))
    if unknown:
        raise ValueError(f"{name}: unknown parameter(s) {unknown}; allowed: {list(d.params)}")
    p = {k: spec.check(params.get(k, spec.default), name) for k, spec in d.params.items()}
    gen = {k: v for k, v in p.items() if k != "test_fraction"}
    X, y, feature_names = d.make(**gen)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    classification = d.task == "classification"
    n_classes = int(y.max()) + 1 if classification else 0
    n_test = math.ceil(p["test_fraction"] * n)
    if classification and min(n_test, n - n_test) < n_classes:
        raise ValueError(
            f"{name}: test_fraction={p['test_fraction']:g} with {n} points leaves "
            f"{n_test} test / {n - n_test} training points; each split needs at least "
            f"n_classes={n_classes}"
        )
    X_tr, X_te, y_tr, y_te = split_train_test(X, y, d.task, n_test, p["seed"])
    mu, sd = feature_scale(X_tr)
    y_mean, y_scale = 0.0, 1.0
    if not classification:
        y_tr, y_te, y_mean, y_scale = standardise_targets(y_tr, y_te, name)
    return Dataset(
        name=name,
        task=d.task,
        X_train=_frozen((X_tr - mu) / sd),
        y_train=_frozen(y_tr),
        X_test=_frozen((X_te - mu) / sd),
        y_test=_frozen(y_te),
        n_classes=n_classes,
        params=p,
        feature_names=tuple(feature_names),
        y_mean=y_mean,
        y_scale=y_scale,
        title=d.title,
    )


def split_train_test(
    X: NDArray, y: NDArray, task: str, n_test: int, seed: int
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """``X_train, X_test, y_train, y_test`` with ``n_test`` test rows, stratified for
    classification (whose labels come back as ``intp``)."""
    train_test_split = _sk("train_test_split", "model_selection")
    classification = task == "classification"
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=n_test, random_state=seed, stratify=y if classification else None
    )
    if classification:
        y_tr, y_te = y_tr.astype(np.intp), y_te.astype(np.intp)
    return X_tr, X_te, y_tr, y_te


def feature_scale(X_train: NDArray) -> tuple[NDArray, NDArray]:
    """Mean and standard deviation of each training feature (a constant feature keeps scale 1)."""
    sd = X_train.std(axis=0)
    return X_train.mean(axis=0), np.where(sd > 0, sd, 1.0)


def standardise_targets(
    y_train: NDArray, y_test: NDArray, what: str
) -> tuple[NDArray, NDArray, float, float]:
    """Regression targets standardised on the training split: ``y_train, y_test, y_mean,
    y_scale`` (a constant target keeps scale 1).

    Raises ``ValueError`` ("``what`` has values too large to standardise.") where the mean or
    the scale overflows.
    """
    y_mean, y_scale = float(y_train.mean()), float(y_train.std()) or 1.0
    if not (math.isfinite(y_mean) and math.isfinite(y_scale)):
        raise ValueError(f"{what} has values too large to standardise.")
    y_train = (y_train.astype(np.float64) - y_mean) / y_scale
    return y_train, (y_test.astype(np.float64) - y_mean) / y_scale, y_mean, y_scale


def _frozen(a: NDArray) -> NDArray:
    a = np.array(a)  # own copy, so freezing never touches someone else's array
    a.flags.writeable = False
    return a


def _corrupt(ds: Dataset, rows: NDArray[np.intp], **new: NDArray) -> Dataset:
    """``ds`` with training arrays replaced and ``rows`` added to the ``corrupted`` mask."""
    mask = np.zeros(len(ds.y_train), dtype=bool) if ds.corrupted is None else ds.corrupted.copy()
    mask[rows] = True
    clean = ds.y_train if ds.y_train_clean is None else ds.y_train_clean
    return replace(
        ds,
        corrupted=_frozen(mask),
        y_train_clean=clean,
        **{k: _frozen(v) for k, v in new.items()},
    )


def _fraction(value: Any, arg: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{arg} must be a number in [0, 1), got {value!r}") from None
    if not 0.0 <= v < 1.0:
        raise ValueError(f"{arg} must be in [0, 1), got {value!r}")
    return v


def _pick(n: int, fraction: float, seed: int) -> NDArray[np.intp]:
    """``round(fraction * n)`` distinct training rows, chosen at random."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=round(fraction * n), replace=False))


def add_label_noise(ds: Dataset, rate: float, kind: str = "symmetric", seed: int = 0) -> Dataset:
    r"""Flip the labels of ``round(rate * n_train)`` training points chosen at random.

    ``kind="symmetric"``: each chosen label becomes one of the *other* :math:`K-1` classes,
    uniformly. ``kind="pair"``: class :math:`k` becomes :math:`(k+1) \bmod K` (class-dependent
    noise). The test split stays clean; ``corrupted`` marks the flipped rows.

    Reference: Patrini et al., "Making deep neural networks robust to label noise", CVPR 2017.
    """
    if ds.task != "classification":
        raise ValueError(
            f"add_label_noise needs a classification dataset, got {ds.name!r} ({ds.task}); "
            "use add_outliers for regression"
        )
    rate = _fraction(rate, "rate")
    if kind not in ("symmetric", "pair"):
        raise ValueError(f"kind must be 'symmetric' or 'pair', got {kind!r}")
    rows = _pick(len(ds.y_train), rate, seed)
    y = np.array(ds.y_train)
    k = ds.n_classes
    if kind == "pair":
        y[rows] = (y[rows] + 1) % k
    else:
        shift = np.random.default_rng([seed, 1]).integers(1, k, size=len(rows))
        y[rows] = (y[rows] + shift) % k
    return _corrupt(ds, rows, y_train=y)


def add_outliers(
    ds: Dataset,
    fraction: float,
    magnitude: float,
    kind: str = "response",
    seed: int = 0,
) -> Dataset:
    r"""Turn ``round(fraction * n_train)`` training points of a regression dataset into outliers.

    ``kind="response"``: :math:`y_i \leftarrow y_i + \mathrm{magnitude}` (one-sided, so the
    outliers pull a fit instead of cancelling out). ``kind="leverage"``:
    :math:`x_i \leftarrow x_i + \mathrm{magnitude}` in every feature with :math:`y_i` kept, a
    bad leverage point far from the other inputs. Both in standard units of the training
    split (the scaling of the clean data is kept). The test split stays clean.
    """
    if ds.task != "regression":
        raise ValueError(
            f"add_outliers needs a regression dataset, got {ds.name!r} ({ds.task}); "
            "use add_label_noise for classification"
        )
    fraction = _fraction(fraction, "fraction")
    try:
        magnitude = float(magnitude)
    except (TypeError, ValueError):
        raise ValueError(f"magnitude must be a finite number, got {magnitude!r}") from None
    if not math.isfinite(magnitude) or abs(magnitude) > 1e6:
        raise ValueError(f"magnitude must be a finite number in [-1e6, 1e6], got {magnitude!r}")
    rows = _pick(len(ds.y_train), fraction, seed)
    if kind == "response":
        y = np.array(ds.y_train)
        y[rows] += magnitude
        return _corrupt(ds, rows, y_train=y)
    if kind == "leverage":
        X = np.array(ds.X_train)
        X[rows] += magnitude
        return _corrupt(ds, rows, X_train=X)
    raise ValueError(f"kind must be 'response' or 'leverage', got {kind!r}")
