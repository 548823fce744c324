r"""Write ``tests/fixtures/engine/formula.json``: what ``core`` computes for students' formulas,
for the browser engine's ``formula.js``.

Run from the repository root (NumPy and SymPy, float64, core's own code paths)::

    .venv/bin/python scripts/make_formula_fixtures.py

The engine compiles a formula from its JSON tree (:meth:`core.formula.Formula.to_json`, never
its text) into a loss; ``tests/js/formula.test.mjs`` checks it against this file and
``tests/core/test_formula_fixtures.py`` that the committed file is still what ``core``
computes. Contents:

``cases``
    Formulas covering every operation of the op table (``core.formula.tree.OPS``) in the three
    variables (margin ``m``, target probability ``p``, residual ``r`` with ``y`` and ``yhat``),
    each with its JSON and, at its defaults and at other parameter values, the per-sample
    values and gradients the registry's loss (``losses.get("formula:" + key)``) gives on the
    grids of ``scripts/make_engine_fixtures.py`` (logits K = 2, 3, 4, 10 with ties, kinks and
    gaps up to 800; residuals 0 to 1e6 at several targets).
``training``
    Built-in losses and the same losses written as formulas (hinge, MAE), and formulas of
    their own, trained in lockstep for 3 epochs from core's initial weights: the weights
    after epoch 1 and the history.
``refused``
    JSON trees the engine must refuse (unknown operation, wrong arity, undeclared parameter,
    a variable of another task, a non-finite number, too deep).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import formula, losses, train
from core.formula.tree import OPS, walk

_spec = importlib.util.spec_from_file_location(
    "make_engine_fixtures", Path(__file__).resolve().parent / "make_engine_fixtures.py"
)
engine = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine)

PATH = engine.FIXTURES / "formula.json"

#: (formula key, other parameter values to check besides the defaults)
FORMULAS: list[tuple[str, list[dict[str, float]]]] = [
    ("softplus(-m)", []),
    ("log(1 + exp(-m))", []),
    ("1 - tanh(m)", []),
    ("max(0, 1 - m)", []),
    ("max(0, margin - m)**2; margin = 1 in [0.1, 3]", [{"margin": 2.5}]),
    ("min(log(1 + exp(-m)), cap); cap = 2 in [0.5, 10]", [{"cap": 0.5}]),
    ("exp(-m)", []),
    ("2*sigmoid(-m)", []),
    ("-logsigmoid(m)/(1 + abs(m))", []),
    ("sqrt(1 + m**2) - m", []),
    ("min(1, max(0, 1 - m), abs(m - 0.5))", []),
    ("-log(p)", []),
    ("-(1 - p)**gamma*log(p); gamma = 2 in [0, 5]", [{"gamma": 0.5}, {"gamma": 0.0}]),
    ("(1 - p**q)/q; q = 0.7 in [0.05, 1]", [{"q": 1.0}]),
    ("(1 - p)**2 + log1p(1 - p)", []),
    ("abs(r)", []),
    ("r**2", []),
    ("log(1 + r**2/2)", []),
    ("delta*(sqrt(1 + (r/delta)**2) - 1); delta = 1 in [0.1, 5]", [{"delta": 0.3}]),
    ("max(abs(r) - eps, 0); eps = 0.1 in [0, 1]", [{"eps": 0.0}]),
    ("min(r**2, 1) + tanh(r)**2", []),
    ("(yhat - y)**2/(1 + abs(y))", []),
    ("1 - exp(-r**2/2)", []),
]
#: Formulas whose value or gradient cancels (a difference of nearly equal terms): a last-bit
#: difference between JS's and NumPy's functions is then a large relative one, so they are
#: compared with |a - b| <= rel * max(|b|, floor). 1 - tanh(m) and its gradient -1 + tanh(m)^2
#: lose their digits as m grows (JS's tanh and NumPy's differ in the last bit near 1).
FLOORS = {"1 - tanh(m)": 1.0}
#: Formulas for two classes only (a function of m that is cross-entropy only when K = 2, or
#: p written through m) are still losses for any K; every case runs on every grid of its task.
CLASSIFICATION_GRIDS = ("K2", "K3", "K4", "K10")
REGRESSION_GRIDS = ("all",)
#: The engine's values and gradients within 1e-12 of core's (relative, as losses.json)
EXPECT = {"rel": 1e-12, "theta_scaled": 1e-9, "history_rel": 1e-9}
#: Training groups: (dataset of make_engine_fixtures._training_datasets, losses, params)
TRAINING = [
    (
        "blobs3",
        [
            "hinge",
            "formula:max(0, 1 - m)",
            "formula:1 - tanh(m)",
            "cross_entropy",
            "formula:-log(p)",
        ],
        {"formula:1 - tanh(m)": {}},
    ),
    (
        "blobs3",
        ["formula:-(1 - p)**gamma*log(p); gamma = 2 in [0, 5]", "focal"],
        {
            "formula:-(1 - p)**gamma*log(p); gamma = 2 in [0, 5]": {"gamma": 0.5},
            "focal": {"gamma": 0.5},
        },
    ),
    (
        "linear1d",
        ["mae", "formula:abs(r)", "formula:log(1 + r**2/2)", "formula:(yhat - y)**2/(1 + abs(y))"],
        {},
    ),
]
TRAINING_SETTINGS = {
    "hidden": (5, 4),
    "activation": "tanh",
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 3,
    "batch_size": 16,
    "l2": 0.01,
    "seed": 3,
}


def cases() -> list[dict[str, Any]]:
    """Every formula's JSON and its values and gradients on its task's grids."""
    logits, residuals = engine._logit_grids(), engine._residual_grids()
    out = []
    with np.errstate(all="ignore"):
        for key, others in FORMULAS:
            f = formula.from_key(key, time_limit=None)
            loss = losses.get(f.name, f.task)
            grids = (
                {g: logits[g] for g in CLASSIFICATION_GRIDS}
                if f.task == "classification"
                else {g: residuals[g] for g in REGRESSION_GRIDS}
            )
            evaluations = []
            for params in [f.defaults, *others]:
                for grid, g in grids.items():
                    x = g["z"] if f.task == "classification" else g["pred"]
                    values, grad = loss(g["y"], x, **params)
                    evaluations.append(
                        {"params": params, "grid": grid, "values": values, "grad": grad}
                    )
            out.append(
                {
                    "key": f.key,
                    "json": f.to_json(),
                    "floor": FLOORS.get(f.key, 0.0),
                    "evaluations": evaluations,
                }
            )
    return out


def training() -> list[dict[str, Any]]:
    """Each group trained in lockstep for 3 epochs (see :data:`TRAINING`)."""
    data = engine._training_datasets()
    out = []
    for dataset, names, params in TRAINING:
        ds = data[dataset]
        cfgs = [
            train.TrainConfig(
                loss=n, loss_params=params.get(n, {}), **TRAINING_SETTINGS, snapshot_epochs=(0, 1)
            )
            for n in names
        ]
        results = train.fit_many(ds, cfgs)
        formulas = [
            formula.from_key(formula.check_name(n), time_limit=None).to_json()
            for n in names
            if formula.is_formula_name(n)
        ]
        out.append(
            {
                "dataset": dataset,
                "training": TRAINING_SETTINGS,
                "formulas": formulas,
                "initial_theta": engine._theta(results[0].snapshots[0]),
                "runs": [engine._run_record(r, snapshot=1) for r in results],
            }
        )
    return out


def refused() -> list[dict[str, Any]]:
    """JSON forms the engine must refuse, each with a fragment of its error."""
    good = formula.from_key("max(0, margin - m); margin = 1 in [0.1, 3]", time_limit=None).to_json()

    def with_value(value: Any, **change: Any) -> dict[str, Any]:
        return {**good, **change, "value": value}

    deep: dict[str, Any] = {"var": "m"}
    for _ in range(205):  # the engine's limit is 200 levels, as core.formula.from_json's
        deep = {"op": "neg", "args": [deep]}
    m = {"var": "m"}
    return [
        {"why": why, "json": obj, "error": error}
        for why, obj, error in [
            ("unknown operation", with_value({"op": "eval", "args": [m]}), "unknown operation"),
            ("arity", with_value({"op": "exp", "args": [m, m]}), "takes 1"),
            ("undeclared parameter", with_value({"param": "delta"}), "not declared"),
            ("a variable of another task", with_value({"var": "r"}), "variable"),
            ("not a number", with_value({"num": "1"}), "finite number"),
            ("too deep", with_value(deep), "too deeply"),
            ("unknown node", with_value({"code": "alert(1)"}), "unknown formula node"),
            ("version", {**good, "version": 2}, "version"),
            ("grad_wrt", {**good, "grad_wrt": "yhat"}, "grad_wrt"),
        ]
    ]


def ops_covered() -> list[str]:
    """The operations the cases' value and gradient trees use (the test checks: all)."""
    seen = set()
    for key, _ in FORMULAS:
        f = formula.from_key(key, time_limit=None)
        for tree in (f.stable, f.grad):
            seen |= {n.op for n in walk(tree) if hasattr(n, "op")}
    return sorted(seen)


def build() -> dict[str, Any]:
    logits, residuals = engine._logit_grids(), engine._residual_grids()
    return {
        "expect": EXPECT,
        "ops": sorted(OPS),
        "ops_covered": ops_covered(),
        "grids": {
            "classification": {g: logits[g] for g in CLASSIFICATION_GRIDS},
            "regression": {g: residuals[g] for g in REGRESSION_GRIDS},
        },
        "cases": cases(),
        "datasets": {
            k: engine._dataset_record(v)
            for k, v in engine._training_datasets().items()
            if k in {d for d, _, _ in TRAINING}
        },
        "training": training(),
        "refused": refused(),
    }


def main() -> None:
    PATH.write_text(engine.dumps(build()), encoding="utf-8")
    print(f"wrote {PATH.relative_to(Path.cwd()) if PATH.is_relative_to(Path.cwd()) else PATH}")


if __name__ == "__main__":
    main()
