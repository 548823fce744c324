"""Before/after check of a refactoring: every number below must come out bit for bit the same.

    python scripts/check_same_results.py save before.pkl   # on the old code
    python scripts/check_same_results.py compare before.pkl  # on the new code

Covers ``fit_many`` in float32 (the app's precision) and float64 (the exact mode), full and
mini-batch, with L2, every registered loss, and the default settings of the pages' core calls
(training curves and decision boundaries on spirals, robustness sweeps, the loss landscape,
CE for regression, gradient anatomy and loss curves). Prints each quantity that differs with
its largest relative difference; exits 1 if any does.
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import (
    anatomy,
    boundaries,
    ce_regression,
    curves,
    datasets,
    landscape,
    losses,
    robustness,
    train,
)

PAGE_LOSSES = ("cross_entropy", "mse", "mae", "hinge")


def flatten(obj: object, prefix: str, out: dict) -> None:
    """Every number reachable from ``obj`` under a dotted key (arrays as arrays)."""
    if isinstance(obj, np.ndarray | np.generic | float | int | bool) or obj is None:
        out[prefix] = np.asarray(obj) if obj is not None else None
    elif isinstance(obj, str):
        out[prefix] = obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name == "config":
                continue
            flatten(getattr(obj, f.name), f"{prefix}.{f.name}", out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}[{k}]", out)
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            flatten(v, f"{prefix}[{i}]", out)
    elif hasattr(obj, "params"):  # an MLP
        flatten(list(obj.params), f"{prefix}.params", out)
    else:
        raise TypeError(f"{prefix}: cannot flatten {type(obj).__name__}")


def fits() -> dict:
    out: dict = {}
    spirals = datasets.load("spirals")
    moons = datasets.load("moons")
    digits = datasets.load("digits")
    reg = datasets.load(datasets.names("regression")[0])
    for dtype in ("float32", "float64"):
        for ds_name, ds, hidden, epochs in (
            ("spirals", spirals, (32, 32), 200),
            ("spirals150", spirals, (32, 32), 150),
            ("moons", moons, (16,), 100),
            ("digits", digits, (32,), 20),
        ):
            cfgs = [
                train.TrainConfig(loss=n, hidden=hidden, epochs=epochs, dtype=dtype)
                for n in PAGE_LOSSES
            ]
            flatten(train.fit_many(ds, cfgs), f"{dtype}.{ds_name}", out)
        every = [
            train.TrainConfig(loss=n, hidden=(8,), epochs=30, dtype=dtype, l2=1e-3)
            for n in losses.names("classification")
        ]
        flatten(train.fit_many(moons, every), f"{dtype}.every_cls", out)
        mini = [
            train.TrainConfig(loss=n, hidden=(8,), epochs=5, dtype=dtype, batch_size=32)
            for n in PAGE_LOSSES
        ]
        flatten(train.fit_many(moons, mini), f"{dtype}.minibatch", out)
        every_reg = [
            train.TrainConfig(loss=n, hidden=(8,), epochs=30, dtype=dtype, lr=0.005)
            for n in losses.names("regression")
            if n != "cosine" and n != "msle"
        ]
        flatten(train.fit_many(reg, every_reg), f"{dtype}.every_reg", out)
        hot = [train.TrainConfig(loss="square_logits", hidden=(8,), epochs=50, lr=5.0, dtype=dtype)]
        flatten(train.fit_many(moons, hot), f"{dtype}.diverging", out)
    return out


def pages() -> dict:
    out: dict = {}
    x, y = landscape.two_gaussians(40, separation=2.0, seed=0)
    grid = np.linspace(-10, 10, 41)
    for name in ("cross_entropy", "mse", "mae"):
        flatten(
            landscape.study(name, x, y, w=grid, b=grid, start=(-8.0, 0.0), lr=1.0, steps=300),
            f"landscape.study.{name}",
            out,
        )
        flatten(
            landscape.one_sample(
                name, x0=1.0, y0=0, w=grid, w0=6.0, lr=0.5, steps=100, stop_at_target=True
            ),
            f"landscape.one_sample.{name}",
            out,
        )
    for lr in (0.5, 20.0):
        cfg = ce_regression.FitConfig(epochs=400, lr=lr, noise=0.1, seed=0)
        flatten(ce_regression.fit_vector_regression(cfg), f"ce_regression.fit.{lr}", out)
    flatten(ce_regression.compare([1.0, 2.0], [2.0, 3.0]), "ce_regression.compare", out)
    flatten(anatomy.sigmoid_neuron([-2.0, 0.5, 3.0], 1), "anatomy.sigmoid_neuron", out)
    flatten(anatomy.mse_gradient_twin(0.8, 1), "anatomy.twin", out)
    flatten(anatomy.target_gradient_curves(), "anatomy.target_curves", out)
    flatten(anatomy.simplex_losses(0, ["cross_entropy", "mse", "mae"]), "anatomy.simplex", out)
    names = losses.names("classification")
    flatten(anatomy.softmax_gradients([0.8, 0.1, 0.1], 0, names), "anatomy.softmax_grads", out)
    p = curves.p_grid()
    for n in names:
        flatten(curves.margin_curve(n, np.linspace(-6, 6, 121)), f"curves.margin.{n}", out)
        flatten(curves.target_probability_weights(n, p), f"curves.weights.{n}", out)
    for n in losses.names("regression"):
        if n != "cosine":
            flatten(curves.residual_curve(n, np.linspace(-6, 6, 121)), f"curves.res.{n}", out)
    spirals = datasets.load("spirals")
    results = train.fit_many(
        spirals,
        [
            train.TrainConfig(loss=n, hidden=(32, 32), epochs=150, dtype="float32")
            for n in PAGE_LOSSES
        ],
    )
    for n, r in zip(PAGE_LOSSES, results, strict=True):
        grid = boundaries.make_grid(spirals.X_train)
        panel = boundaries.panel(
            r.model, n, 150, grid, spirals.X_train, spirals.y_train, spirals.X_test, spirals.y_test
        )
        flatten(panel, f"boundaries.panel.{n}", out)
    runs = robustness.sweep(
        lambda seed: datasets.load("moons", seed=seed),
        [
            train.TrainConfig(loss=n, hidden=(16,), epochs=150, lr=0.05, dtype="float32")
            for n in PAGE_LOSSES
        ],
        kind="symmetric",
        rates=[0.0, 0.4],
        seeds=[0, 1],
    )
    flatten(robustness.aggregate(runs), "robustness.aggregate", out)
    return out


def collect() -> dict:
    return fits() | pages()


#: field renames of the refactoring: old key part -> new key part
RENAMED = {".diverged_at": ".diverged_epoch", "[a_p]": "[a_t]"}


def _renamed(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        for old, new in RENAMED.items():
            k = k.replace(old, new)
        out[k] = v
    return out


def compare(before: dict, after: dict) -> int:
    before, after = _renamed(before), _renamed(after)
    bad = 0
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key, "<missing>"), after.get(key, "<missing>")
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            same = (
                a.dtype == b.dtype
                and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
            )
            if not same:
                bad += 1
                if a.shape == b.shape and a.dtype.kind in "fc":
                    with np.errstate(all="ignore"):
                        rel = np.nanmax(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
                    print(f"DIFF {key}: max relative difference {rel:.3g} ({a.dtype}/{b.dtype})")
                else:
                    print(f"DIFF {key}: {a!r} != {b!r}")
        elif not (a is None and b is None) and (type(a) is not type(b) or a != b):
            bad += 1
            print(f"DIFF {key}: {a!r} != {b!r}")
    print(f"{len(before)} quantities before, {len(after)} after, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "save":
        path.write_bytes(pickle.dumps(collect()))
    else:
        sys.exit(compare(pickle.loads(path.read_bytes()), collect()))
