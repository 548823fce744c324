r"""Write ``tests/fixtures/engine/*.json``: what ``core`` computes, for the browser engine's tests.

Run from the repository root (NumPy only, float64, core's own code paths)::

    .venv/bin/python scripts/make_engine_fixtures.py

The browser's engine (``ui/player/engine/``) mirrors ``core``; ``tests/js/`` checks it against
these files, and ``tests/core/test_engine_fixtures.py`` rebuilds them with :func:`build` and
checks that the committed ones are still what ``core`` computes, so a change in ``core`` that the
engine does not follow fails the tests.

Files (compact JSON; a non-finite number is written as the string ``"inf"``, ``"-inf"`` or
``"nan"``):

``losses.json``
    The registry (names in order, hyperparameters with defaults and intervals) and every
    classification loss and every elementwise regression loss, at its defaults and at
    non-default hyperparameters, evaluated on a grid of logits (K = 2, 3, 4, 10; ties, kinks,
    logits up to 800 apart) or of residuals (0, tiny, at the kinks, up to 1e6): per-sample
    values and gradients; and ``np.sum`` of arrays of every pairwise-summation block size.
``rng.json``
    NumPy's ``default_rng`` as core draws from it: SeedSequence pools, PCG64 states and raw
    draws, ``init_params`` for several seeds and sizes, batch orders (``permutation``) for
    several seeds and ``n`` over consecutive epochs, and Adam's bias corrections
    :math:`1 - \beta^t`.
``training.json``
    Small data and, for every optimiser x {full batch, mini-batch} x {linear, MLP tanh, MLP
    relu} x {L2 0, L2 > 0} (and the sigmoid and identity activations once), every loss
    trained in lockstep for 3 epochs: the initial weights, the weights after epoch 1 and the
    3-epoch history; runs that diverge.
``runs.json``
    Whole runs on the default view of Decision boundaries (spirals, MLP 32x32 tanh, 150
    epochs, full batch): every classification loss under Adam (0.01, the default), momentum
    and SGD; the default four losses for seeds 1 and 2, with mini-batches of 32, and under SGD
    past the edge of stability; and Outlier robustness's default regression run (linear
    model, Adam 0.1, 20% outliers).
``live.json``
    What the live player shows, from ``core.boundaries`` and ``core.edits``: surface values,
    classes and strengths of logit grids (K = 2, 3; probability and score, margins 1 and 2);
    every classification loss's per-point gradient magnitudes; edits (texts, the edited
    training split, refused texts); and two small views trained on edited data with core —
    boundaries (moons with flipped labels, 4 losses; K = 3 blobs with margin losses): the
    panels at several epochs (surface values on a 12 x 12 grid, gradient magnitudes,
    accuracies) and the accuracy histories; regression (Outlier robustness's outliers, a
    point moved and one added): RMSE histories and each fit's predictions along x.

Each file's ``expect`` says how closely the engine must agree (the bounds, and the measurements
behind them, are the ``EXPECT_*`` constants below); both test suites read it from there.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import boundaries, datasets, edits, losses, robustness, train
from core.models import init_params

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "engine"

#: Decision boundaries' default view (pages/5_Decision_boundaries.py: DEFAULT_LOSSES, MODEL)
DEFAULT_LOSSES = ("cross_entropy", "mse", "mae", "hinge")
DEFAULT_VIEW = {
    "hidden": (32, 32),
    "activation": "tanh",
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 150,
    "batch_size": None,
    "l2": 0.0,
    "seed": 0,
}
#: learning rates that make each optimiser train on the default view in 150 epochs, stably
#: (the training loss never rises); SGD at UNSTABLE_LR is past the edge of stability: its
#: loss spikes (CE from 0.60 to 0.98 around epoch 100), which amplifies rounding
RUN_LR = {"adam": 0.01, "momentum": 0.1, "sgd": 0.3}
UNSTABLE_LR = 0.5
#: Outlier robustness's default regression view (pages/7_Outlier_robustness.py DEFAULTS)
ROBUSTNESS_VIEW = {"hidden": (), "optimizer": "adam", "lr": 0.1, "epochs": 150, "seed": 0}

#: non-default hyperparameter values checked besides the defaults (each alone)
NON_DEFAULT = {
    "label_smoothing": (0.1,),
    "margin": (0.5, 2.0),
    "gamma": (0.0, 0.5, 3.0),
    "q": (0.3, 1.0),
    "delta": (0.5,),
    "beta": (2.0,),
    "quantile": (0.9,),
    "epsilon": (0.0, 0.5),
    "scale": (0.3,),
    "alpha": (2.0, 0.0, -math.inf, -2.0, 0.5, 10.0),
}


# ----------------------------------------------------------------------------- encoding


def encode(x: Any) -> Any:
    """JSON-ready: arrays to lists, tuples to lists, non-finite floats to strings."""
    if isinstance(x, np.ndarray):
        return encode(x.tolist())
    if isinstance(x, dict):
        return {str(k): encode(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [encode(v) for v in x]
    if isinstance(x, np.integer | bool | np.bool_):
        return x.item() if isinstance(x, np.generic) else x
    if isinstance(x, float | np.floating):
        v = float(x)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return x


def dumps(payload: dict) -> str:
    """The committed text of a fixture: compact JSON, keys in build order, one final newline."""
    return json.dumps(encode(payload), separators=(",", ":"), allow_nan=False) + "\n"


# ----------------------------------------------------------------------------- losses


def _hyper_settings(loss: losses.Loss) -> list[dict[str, float]]:
    """Defaults first, then each hyperparameter at each of its non-default values alone
    (:data:`NON_DEFAULT`, or for a hyperparameter not listed there the values its loss's card
    tests: ``Loss.grid``)."""
    settings = [dict(loss.defaults)]
    for h in loss.hyperparameters:
        card = sorted({g[h.name] for g in loss.grid if h.name in g} - {h.default})
        for v in NON_DEFAULT.get(h.name, card):
            settings.append({**loss.defaults, h.name: v})
    return settings


def _logit_grids() -> dict[str, dict[str, np.ndarray]]:
    """Logit rows and labels: far-apart pairs, every ordering of 3 logits, ties, K = 4 and 10."""
    diffs = [0.0, 1e-12, 1e-6, 0.5, 1.0, 2.0, 5.0, 20.0, 40.0, 100.0, 745.0, 800.0]
    diffs = sorted({s * d for d in diffs for s in (1.0, -1.0)})
    shifted = [[c, c + d] for c in (1e3, -37.5) for d in (0.3, -2.0, 40.0)]  # shift invariance
    rows2 = [[0.0, d] for d in diffs] + shifted
    z2 = np.array([r for r in rows2 for _ in (0, 1)])
    y2 = np.array([t for _ in rows2 for t in (0, 1)])
    levels = (-30.0, -1.0, 0.0, 1.0, 30.0)
    z3 = np.array(list(itertools.product(levels, repeat=3)))
    y3 = np.zeros(len(z3), dtype=np.int64)
    rng = np.random.default_rng(20)
    z4 = np.vstack(
        [
            rng.normal(0.0, 5.0, (24, 4)),
            [[0.0, 40.0, 40.0, -40.0], [2.0, 2.0, 2.0, 2.0], [1.0, 0.0, 0.0, 0.0]],
            [[-800.0, 0.0, 800.0, 1.0], [0.0, 0.0, 50.0, -50.0], [3.0, 1.0, 3.0, 2.0]],
        ]
    )
    y4 = np.concatenate([rng.integers(0, 4, 24), [0, 0, 0, 0, 1, 2]])
    z10 = np.vstack([rng.normal(0.0, 4.0, (14, 10)), np.eye(10)[3] * 60.0])
    y10 = np.concatenate([rng.integers(0, 10, 14), [0]])
    return {
        f"K{k}": {"z": z, "y": y}
        for k, z, y in ((2, z2, y2), (3, z3, y3), (4, z4, y4), (10, z10, y10))
    }


def _residual_grids() -> dict[str, dict[str, np.ndarray]]:
    """Targets and predictions: residuals 0, tiny, at the kinks (±0.5, ±1, ±2), up to 1e6;
    ``nonneg`` has targets >= 0 only (MSLE); ``d2`` has two outputs per row."""
    r = [0.0, 1e-12, 1e-6, 0.1, 0.3, 0.5, 1.0, 1.5, 2.0, 10.0, 1e3, 1e6]
    r = sorted({s * v for v in r for s in (1.0, -1.0)})

    def grid(targets: tuple[float, ...]) -> dict[str, np.ndarray]:
        y = np.array([t for t in targets for _ in r])
        return {"y": y, "pred": y + np.array(r * len(targets))}

    d2 = grid((0.5, -2.0))
    return {
        "all": grid((0.0, 0.5, -2.0, 3e-8, 100.0)),
        "nonneg": grid((0.0, 0.5, 3e-8, 100.0)),
        "d2": {k: v.reshape(-1, 2) for k, v in d2.items()},
    }


def _hyperparameter_record(h: Any) -> dict[str, Any]:
    return {
        "name": h.name,
        "default": h.default,
        "low": h.low,
        "high": h.high,
        "low_open": h.low_open,
        "high_open": h.high_open,
    }


def engine_regression_losses() -> list[str]:
    """The regression losses the engine mirrors: every elementwise one."""
    return [n for n in losses.names("regression") if losses.get(n, "regression").elementwise]


def loss_fixture() -> dict[str, Any]:
    """Registry, grids, and every supported loss's values and gradients on them."""
    registry = {
        task: [
            {
                "name": n,
                "elementwise": losses.get(n, task).elementwise,
                "hyperparameters": [
                    _hyperparameter_record(h) for h in losses.get(n, task).hyperparameters
                ],
            }
            for n in losses.names(task)
        ]
        for task in losses.TASKS
    }
    logits, residuals = _logit_grids(), _residual_grids()
    cases = []
    with np.errstate(all="ignore"):
        for name in losses.names("classification"):
            loss = losses.get(name, "classification")
            for hyper in _hyper_settings(loss):
                for grid, g in logits.items():
                    values, grad = loss.evaluate(g["y"], g["z"], **hyper)
                    cases.append(_case("classification", name, hyper, grid, values, grad))
        for name in engine_regression_losses():
            loss = losses.get(name, "regression")
            for hyper in _hyper_settings(loss):
                grids = ("nonneg",) if name == "msle" else ("all", "d2")
                for grid in grids:
                    g = residuals[grid]
                    values, grad = loss.evaluate(g["y"], g["pred"], **hyper)
                    cases.append(_case("regression", name, hyper, grid, values, grad))
    unsupported = sorted(set(losses.names("regression")) - set(engine_regression_losses()))
    rng = np.random.default_rng(5)
    sums = []
    for n in (1, 7, 8, 9, 16, 17, 128, 129, 257, 420):  # np.sum's pairwise blocks and splits
        a = rng.normal(0.0, 1.0, n) * np.exp(rng.uniform(-20.0, 20.0, n))
        sums.append({"a": a, "sum": np.sum(a)})
    return {
        "expect": {"rel": 1e-12},  # measured: 1.2e-13 (CE's gradient with label smoothing)
        "registry": registry,
        "unsupported": {"regression": unsupported},
        "sums": sums,
        "grids": {"classification": logits, "regression": residuals},
        "cases": cases,
    }


def _case(task: str, name: str, hyper: dict, grid: str, values: Any, grad: Any) -> dict:
    return {
        "task": task,
        "loss": name,
        "hyper": hyper,
        "grid": grid,
        "values": values,
        "grad": grad,
    }


# ----------------------------------------------------------------------------- rng

RNG_SEEDS = (0, 1, 7, 42, 12345, 10_000, 2**31 + 5, 2**32 - 1)


def rng_fixture() -> dict[str, Any]:
    """What core draws from NumPy's default_rng, and the pieces it is made of."""
    seeds = []
    for seed in RNG_SEEDS:
        for entropy in (seed, [seed, 1]):
            ss = np.random.SeedSequence(entropy)
            bg = np.random.PCG64(ss)
            state = bg.state["state"]
            seeds.append(
                {
                    "entropy": entropy,
                    "pool": ss.pool,
                    "words": ss.generate_state(8),
                    "state": str(state["state"]),
                    "inc": str(state["inc"]),
                    "raw": [str(v) for v in bg.random_raw(6)],
                    "uniform": np.random.default_rng(entropy).uniform(-0.75, 2.5, 5),
                }
            )
    inits = [
        {
            "sizes": sizes,
            "activation": act,
            "seed": seed,
            "theta": np.concatenate([p.ravel() for p in init_params(sizes, act, seed)]),
        }
        for sizes, act, seeds_ in (
            ((2, 32, 32, 2), "tanh", (0, 3)),
            ((2, 32, 32, 2), "relu", (0,)),
            ((4, 5, 3), "tanh", (1, 2**32 - 1)),
            ((1, 1), "identity", (9,)),
        )
        for seed in seeds_
    ]
    orders = []
    for seed, n in ((0, 420), (0, 56), (1, 2), (3, 7), (12345, 100), (2**32 - 1, 420)):
        rng = np.random.default_rng([seed, 1])
        orders.append({"seed": seed, "n": n, "epochs": [rng.permutation(n) for _ in range(3)]})
    steps = list(range(1, 2001)) + list(range(2001, 200_001, 997))
    return {
        "seeds": seeds,
        "init_params": inits,
        "permutations": orders,
        "bias_correction": {
            "t": steps,
            **{str(b): [1 - b**t for t in steps] for b in (0.9, 0.999)},
        },
    }


# ----------------------------------------------------------------------------- training


def _dataset_record(ds: datasets.Dataset) -> dict[str, Any]:
    return {
        "task": ds.task,
        "n_classes": ds.n_classes,
        "X_train": ds.X_train,
        "y_train": ds.y_train,
        "X_test": ds.X_test,
        "y_test": ds.y_test,
    }


def _training_datasets() -> dict[str, datasets.Dataset]:
    """Small data: 3 blobs (K = 3), a 1-D regression with targets >= 0 (so MSLE trains too),
    and the same with two targets per row."""
    cls = datasets.load("blobs", n_samples=80, n_classes=3, seed=0)
    reg = datasets.load("linear_1d", n_samples=60, seed=0)
    low = min(reg.y_train.min(), reg.y_test.min())
    reg = dataclasses.replace(reg, y_train=reg.y_train - low + 0.5, y_test=reg.y_test - low + 0.5)
    reg2 = dataclasses.replace(
        reg,
        y_train=np.column_stack([reg.y_train, 0.5 * reg.y_train + 1.0]),
        y_test=np.column_stack([reg.y_test, 0.5 * reg.y_test + 1.0]),
    )
    return {"blobs3": cls, "linear1d": reg, "linear1d_2": reg2}


def _theta(model: Any) -> np.ndarray:
    return np.concatenate([p.ravel() for p in model.params])


def _run_record(result: train.FitResult, snapshot: int | None = None) -> dict[str, Any]:
    out = {
        "loss": result.config.loss,
        "loss_params": result.config.loss_params,
        "diverged": result.diverged,
        "diverged_epoch": result.diverged_epoch,
        "epochs_run": result.epochs_run,
        "history": result.history,
    }
    if snapshot is not None:  # None if the run diverged before that epoch
        model = result.snapshots.get(snapshot)
        out[f"theta_epoch{snapshot}"] = None if model is None else _theta(model)
    return out


def _group(ds: datasets.Dataset, training: dict, names: list[str], **extra: Any) -> list:
    cfgs = [train.TrainConfig(loss=n, **training, **extra) for n in names]
    return train.fit_many(ds, cfgs)


#: The engine's weights after epoch 1 within 1e-9 of core's (|a - b| / max(|b|, 1)), its
#: 3-epoch histories within 1e-9 (relative), a diverging run diverges at the same epoch
#: (measured: 1.2e-11 and 7.2e-11)
EXPECT_TRAINING = {"theta_scaled": 1e-9, "history_rel": 1e-9}
TRAINING_LR = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01}
MODELS = {"linear": ((), "tanh"), "mlp_tanh": ((5, 4), "tanh"), "mlp_relu": ((5, 4), "relu")}


def training_fixture() -> dict[str, Any]:
    """Every loss for 3 epochs in each training setting; weights after epoch 1; divergence."""
    data = _training_datasets()
    names = {
        "classification": losses.names("classification"),
        "regression": engine_regression_losses(),
    }
    settings = [
        {"dataset": d, "model": m, "optimizer": o, "batch_size": b, "l2": l2, "seed": 0}
        for d in ("blobs3", "linear1d")
        for m in MODELS
        for o in TRAINING_LR
        for b in (None, 16)
        for l2 in (0.0, 0.01)
    ]
    settings += [
        {"dataset": "blobs3", "model": a, "optimizer": "adam", "batch_size": None, "l2": 0.0}
        for a in ("mlp_sigmoid", "mlp_identity")
    ]
    settings += [
        {"dataset": "blobs3", "model": "mlp_tanh", "optimizer": "momentum", "batch_size": 16,
         "l2": 0.01, "seed": 7},
        {"dataset": "linear1d_2", "model": "mlp_tanh", "optimizer": "adam", "batch_size": 16,
         "l2": 0.01, "seed": 0},
    ]  # fmt: skip
    models = {**MODELS, "mlp_sigmoid": ((5, 4), "sigmoid"), "mlp_identity": ((5, 4), "identity")}
    cases = []
    for s in settings:
        ds = data[s["dataset"]]
        hidden, activation = models[s["model"]]
        training = {
            "hidden": hidden,
            "activation": activation,
            "optimizer": s["optimizer"],
            "lr": TRAINING_LR[s["optimizer"]],
            "epochs": 3,
            "batch_size": s["batch_size"],
            "l2": s["l2"],
            "seed": s.get("seed", 0),
        }
        results = _group(ds, training, names[ds.task], snapshot_epochs=(0, 1))
        cases.append(
            {
                "dataset": s["dataset"],
                "training": training,
                "initial_theta": _theta(results[0].snapshots[0]),
                "runs": [_run_record(r, snapshot=1) for r in results],
            }
        )
    divergent = [
        ("blobs3", {"hidden": (), "optimizer": "sgd", "lr": 500.0, "batch_size": None}),
        ("blobs3", {"hidden": (5, 4), "optimizer": "momentum", "lr": 50.0, "batch_size": 16}),
        ("linear1d", {"hidden": (), "optimizer": "sgd", "lr": 5.0, "batch_size": None}),
    ]
    diverging = []
    for name, setting in divergent:
        ds = data[name]
        training = {"activation": "tanh", "epochs": 40, "l2": 0.0, "seed": 0, **setting}
        results = _group(ds, training, names[ds.task])
        runs = [{**_run_record(r), "theta": _theta(r.model)} for r in results]
        diverging.append({"dataset": name, "training": training, "runs": runs})
    return {
        "expect": EXPECT_TRAINING,
        "datasets": {k: _dataset_record(v) for k, v in data.items()},
        "cases": cases,
        "diverging": diverging,
    }


# ----------------------------------------------------------------------------- whole runs


#: What the engine's whole runs must agree with core's on (read by tests/js/runs.test.mjs and
#: tests/core/test_engine_fixtures.py): the score history (accuracy or RMSE) equal, or to a
#: relative bound; the losses and the gradient norm to relative bounds; from epoch 1 to
#: ``until`` (all epochs if absent), and after it the score within ``after_score_abs``.
#: Measured (engine vs core, float64): full batch, losses within 3e-11 and gradient norms
#: within 8e-9 and every accuracy equal; mini-batches of 32, hinge's losses within 1.4e-7 (its
#: kinks switch on rounding) and gradient norms within 4e-7; regression RMSE within 1e-15.
EXPECT_FULL_BATCH = {"score": "equal", "loss_rel": 1e-9, "grad_norm_rel": 1e-7}
EXPECT_MINI_BATCH = {"score": "equal", "loss_rel": 1e-6, "grad_norm_rel": 1e-5}
EXPECT_REGRESSION = {"score_rel": 1e-12, "loss_rel": 1e-9, "grad_norm_rel": 1e-7}
#: Past the edge of stability: CE, MSE and KL separate after epoch ~95 (measured: training loss
#: 2.6e-3 apart, accuracy apart on 8 epochs by at most 0.7 points); hinge and MAE agree throughout.
#: Core separates from itself there too when only the order of its training rows is reversed.
EXPECT_UNSTABLE = {**EXPECT_FULL_BATCH, "until": 90, "after_score_abs": 0.05}


def runs_fixture() -> dict[str, Any]:
    """Whole float64 runs of the default views (see the module docstring)."""
    spirals = datasets.load("spirals")  # the page's default data: datasets.load defaults
    all_names = losses.names("classification")
    runs = []

    def add(ds: datasets.Dataset, training: dict, names: Any, expect: dict, **what: Any) -> None:
        results = _group(ds, training, list(names))
        runs.append(
            {
                **what,
                "training": training,
                "expect": expect,
                "runs": [_run_record(r) for r in results],
            }
        )

    for optimizer, lr in RUN_LR.items():
        training = {**DEFAULT_VIEW, "optimizer": optimizer, "lr": lr}
        add(spirals, training, all_names, EXPECT_FULL_BATCH, dataset="spirals")
    for seed in (1, 2):
        training = {**DEFAULT_VIEW, "seed": seed}
        add(spirals, training, DEFAULT_LOSSES, EXPECT_FULL_BATCH, dataset="spirals")
    training = {**DEFAULT_VIEW, "batch_size": 32, "epochs": 40}
    add(spirals, training, DEFAULT_LOSSES, EXPECT_MINI_BATCH, dataset="spirals")
    training = {**DEFAULT_VIEW, "optimizer": "sgd", "lr": UNSTABLE_LR}
    add(spirals, training, DEFAULT_LOSSES, EXPECT_UNSTABLE, dataset="spirals", unstable=True)
    clean = datasets.load("linear_1d")
    outliers = robustness.corrupt(clean, "response", 0.2, magnitude=8.0, seed=0)
    training = {**ROBUSTNESS_VIEW, "activation": "tanh", "batch_size": None, "l2": 0.0}
    add(outliers, training, robustness.REGRESSION_LOSSES, EXPECT_REGRESSION, dataset="outliers")
    return {
        "datasets": {"spirals": _dataset_record(spirals), "outliers": _dataset_record(outliers)},
        "initial_theta": {
            "spirals_seed0": np.concatenate(
                [p.ravel() for p in init_params((2, 32, 32, 2), "tanh", 0)]
            )
        },
        "runs": runs,
    }


# ----------------------------------------------------------------------------- live


#: What the live player's engine must agree with core on: surface values and strengths, and
#: gradient magnitudes, relative (measured: values within 2.3e-16, magnitudes 1.1e-13); a
#: trained view's accuracies equal at every epoch, its panels' values and gradient magnitudes
#: within 1e-9 (weights agree to ~1e-14 after 30 epochs); regression RMSE and fits to 1e-12.
EXPECT_LIVE = {"values_rel": 1e-12, "gradient_rel": 1e-12, "panel_abs": 1e-9, "fit_rel": 1e-12}
#: The small boundary views trained on edited data (a flip, an add, a move, a delete).
LIVE_VIEW = {"hidden": (8,), "activation": "tanh", "optimizer": "adam", "lr": 0.05, "epochs": 30}
LIVE_EPOCHS = (0, 1, 5, 30)
#: Grid of the fixtures' panels (the pages use core.boundaries.GRID; fewer numbers here).
LIVE_GRID = 12


class _Logits:
    """A stand-in model whose ``decision_function`` returns fixed logits."""

    def __init__(self, z: np.ndarray) -> None:
        self.z = z

    def decision_function(self, X: Any) -> np.ndarray:
        return self.z


def _surface_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(30)
    z2 = np.vstack([rng.normal(0.0, 3.0, (40, 2)), [[0.0, 0.0], [5.0, 5.0], [np.nan, 1.0]]])
    z3 = np.vstack([rng.normal(0.0, 3.0, (40, 3)), [[1.0, 1.0, 0.0], [2.0, 2.0, 2.0]]])
    cases = []
    for z in (z2, z3):
        grid = boundaries.Grid(xs=np.arange(len(z), dtype=float), ys=np.zeros(1))
        for loss, margin in (("cross_entropy", 1.0), ("hinge", 1.0), ("multi_margin", 2.0)):
            s = boundaries.decision_surface(_Logits(z), grid, loss, margin=margin)
            cases.append(
                {
                    "z": z,
                    "kind": s.kind,
                    "margin": margin,
                    "values": s.values,
                    "label": s.label,
                    "strength": s.strength,
                }
            )
    return cases


def _gradient_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(31)
    z = np.vstack([rng.normal(0.0, 4.0, (30, 3)), [[0.0, 0.0, 0.0], [40.0, -40.0, 0.0]]])
    y = rng.integers(0, 3, len(z))
    out = []
    for name in losses.names("classification"):
        loss = losses.get(name, task="classification")
        for params in _hyper_settings(loss)[:2]:
            g = boundaries.gradient_magnitude(name, _Logits(z), z, y, params)
            out.append({"loss": name, "loss_params": params, "magnitude": g})
    return {"z": z, "y": y, "cases": out}


def _live_record(ds: datasets.Dataset) -> dict[str, Any]:
    """The data as loaded (before edits) the way the player's payload sends it."""
    return {
        **_dataset_record(ds),
        "y_train_clean": ds.y_train if ds.y_train_clean is None else ds.y_train_clean,
        "corrupted": np.zeros(len(ds.y_train), bool) if ds.corrupted is None else ds.corrupted,
    }


def _edit_cases(base: datasets.Dataset) -> dict[str, Any]:
    n = len(base.y_train)
    texts = [
        "",
        "1.a1500_-250_1",
        f"1.m0_100_-200.l1_{1 - int(base.y_train[1])}.d2",
        f"1.l{int(np.flatnonzero(base.corrupted)[0])}_{int(base.y_train_clean[np.flatnonzero(base.corrupted)[0]])}",
        f"1.d{n - 1}.a-3000_3000_0.m{n - 1}_2999_-2999.l{n - 1}_1",
    ]
    cases = []
    for text in texts:
        ds = edits.apply(base, edits.decode(text))
        flipped = np.zeros(len(ds.y_train), bool) if ds.corrupted is None else ds.corrupted
        cases.append(
            {"text": text, "X_train": ds.X_train, "y_train": ds.y_train, "flipped": flipped}
        )
    refused = ["2.d1", "1.x3", "1.d03", "1.a1000001_0_0", f"1.d{n}", "1.l0_2", "1.a1_2"]
    return {"base": _live_record(base), "cases": cases, "refused": refused}


def _boundary_view(base: datasets.Dataset, names: list[str], text: str, **extra: Any) -> dict:
    ds = edits.apply(base, edits.decode(text))
    grid = boundaries.make_grid(np.vstack([base.X_train, base.X_test]), LIVE_GRID)
    training = {**LIVE_VIEW, **extra}
    cfgs = [train.TrainConfig(loss=n, **training, snapshot_epochs=LIVE_EPOCHS) for n in names]
    results = train.fit_many(ds, cfgs)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test)
    panels = []
    for e in LIVE_EPOCHS:
        for r in results:
            model = r.snapshots.get(e, r.model)
            params = r.config.loss_params
            p = boundaries.panel(model, r.config.loss, e, grid, *xy, loss_params=params)
            panels.append(
                {
                    "epoch": e,
                    "loss": r.config.loss,
                    "values": p.surface.values,
                    "gradient": p.gradient,
                    "train_accuracy": p.train_accuracy,
                    "test_accuracy": p.test_accuracy,
                }
            )
    return {
        "data": _live_record(base),
        "edits": text,
        "training": training,
        "configs": [{"loss": c.loss, "loss_params": c.loss_params} for c in cfgs],
        "grid": {"xs": grid.xs, "ys": grid.ys},
        "panels": panels,
        "histories": [
            {k: r.history[k] for k in ("train_accuracy", "test_accuracy")} for r in results
        ],
    }


def _regression_view() -> dict[str, Any]:
    clean = datasets.load("linear_1d")
    base = robustness.corrupt(clean, "response", 0.2, magnitude=8.0, seed=0)
    text = "1.m3_500_6000.a-1500_-4000"
    ds = edits.apply(base, edits.decode(text))
    training = {**ROBUSTNESS_VIEW, "activation": "tanh", "batch_size": None, "l2": 0.0}
    names = list(robustness.REGRESSION_LOSSES)
    results = _group(ds, training, names)
    xs = np.linspace(float(base.X_train.min()), float(base.X_train.max()), 9)
    return {
        "data": {**_live_record(base), "n_classes": 0},
        "edits": text,
        "training": training,
        "configs": [{"loss": n, "loss_params": {}} for n in names],
        "grid": {"xs": xs},
        "histories": [{k: r.history[k] for k in ("train_rmse", "test_rmse")} for r in results],
        "fits": [np.ravel(r.model.decision_function(xs[:, None])) for r in results],
    }


def live_fixture() -> dict[str, Any]:
    """The live player's surfaces, gradient sizes, edits and small trained views."""
    moons = datasets.load("moons", n_samples=120, seed=0)
    noisy = robustness.corrupt(moons, "symmetric", 0.2, seed=0)
    blobs = datasets.load("blobs", n_samples=90, n_classes=3, seed=0)
    n = len(noisy.y_train)
    flip = f"1.l1_{1 - int(noisy.y_train[1])}.a1500_-250_1.m{n - 1}_-1000_500.d4"
    return {
        "expect": EXPECT_LIVE,
        "surfaces": _surface_cases(),
        "gradients": _gradient_cases(),
        "edits": _edit_cases(noisy),
        "views": [
            _boundary_view(noisy, list(DEFAULT_LOSSES), flip),
            _boundary_view(
                blobs,
                ["cross_entropy", "hinge", "multi_margin"],
                "1.a0_0_2.l3_0",
                hidden=(),
            ),
        ],
        "regression": _regression_view(),
    }


# ----------------------------------------------------------------------------- files


#: Every fixture file and the function that builds its payload.
BUILDERS = {
    "losses.json": loss_fixture,
    "rng.json": rng_fixture,
    "training.json": training_fixture,
    "runs.json": runs_fixture,
    "live.json": live_fixture,
}


def build() -> dict[str, dict[str, Any]]:
    """Every fixture file's payload, by file name."""
    return {name: builder() for name, builder in BUILDERS.items()}


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, payload in build().items():
        text = dumps(payload)
        (FIXTURES / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(text) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
