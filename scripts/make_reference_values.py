r"""Write ``tests/fixtures/torch_reference.json``: per-sample values and gradients from PyTorch.

Run with the PyTorch environment (torch is never needed by the app or the tests)::

    .venv-torch/bin/python scripts/make_reference_values.py

Every loss whose card has PyTorch code (``Loss.torch``, written out by
``core.losses.torch_source``: the same code the "Reproduce this view" loop runs and the Loss
reference page shows) is evaluated in float64 at every hyperparameter setting of its card's
``grid``, on fixed seeded inputs including extreme ones (logits of ±1e4, residuals of ±1e6);
the gradient of each sample's value w.r.t. its raw output comes from autograd (of the sum,
since sample ``i`` depends only on row ``i``). The inputs and the code are stored with the
results, so ``tests/core/losses/test_reference.py`` needs NumPy only and can tell when a
card's code changed after the fixture was written. A loss without PyTorch code needs no
PyTorch at all: its reference values are the hand values on its card (``Loss.examples``).

Rows where torch itself returns a non-finite value or gradient (e.g. focal with gamma < 1 at
p_t = 1, where autograd forms 0 * inf) are dropped from that case and counted in
``dropped_rows``. The file also records the PyTorch behaviour the cards' texts state
(``torch_facts``: subgradients at kinks, ties, the naive log-cosh's overflow points, the
cosine similarity's gradient at a zero row), and 50-digit mpmath values where float64
formulas lose digits (``high_precision``).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import mpmath
import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import losses  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "torch_reference.json"
#: PyTorch's own default dtype (what a user's tensors are), before this script switches to float64
TORCH_DEFAULT_DTYPE = str(torch.get_default_dtype()).removeprefix("torch.")
torch.set_default_dtype(torch.float64)


# ----------------------------------------------------------------------------- inputs


def classification_inputs(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """8 random rows (logits ~ N(0, 3^2)), extreme rows (p_t = 1, p_t ~ 0, a big margin) and
    rows at the hinge losses' kinks."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 3.0, size=(8, k))
    y = rng.integers(0, k, size=8)
    big = np.full((1, k), -1e4)
    big[0, 0] = 1e4  # target 0 certain: p_t = 1 exactly
    wrong = np.linspace(-5.0, 5.0, k)[None, :]
    wrong[0, 0] = -1e4  # target 0 hopeless: log p_t = -1e4
    near = rng.normal(0.0, 1.0, size=(1, k))
    near[0, k - 1] += 6.0  # confident and right: 1 - p_t ~ 1e-3 (closer: see high_precision)
    # kinks, where the card's code must take core's subgradients: a Crammer–Singer slack of
    # exactly 0 at margins 1, 2 and 0.5, and (K >= 3) wrong classes tied for the maximum
    kinks = np.full((4, k), -5.0)
    kinks[:, :2] = [[1.0, 0.0], [2.0, 0.0], [0.5, 0.0], [0.0, 1.0]]
    if k >= 3:
        kinks[2:, 2] = [0.0, 1.0]
    z = np.vstack([z, big, wrong, near, kinks])
    y = np.concatenate([y, [0, 0, k - 1, 0, 0, 0, 0]])
    return z, y


def soft_targets(k: int, n: int, seed: int) -> np.ndarray:
    """Dirichlet target rows, one of them with an exact zero entry (0 log 0 = 0)."""
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.ones(k), size=n)
    q[0, 0] = 0.0
    return q / q.sum(axis=1, keepdims=True)


def regression_inputs(seed: int, nonnegative: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Residuals of size 0.1..3 (away from kinks), residuals of ±1e6 and ±1e3, and residuals
    exactly at the kinks (0 and the grids' thresholds)."""
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.5, 4.0, size=10) if nonnegative else rng.normal(0.0, 2.0, size=10)
    e = rng.choice([-1.0, 1.0], size=10) * rng.uniform(0.1, 3.0, size=10)
    pred = y + e
    y = np.concatenate([y, [1.0, 2.0, 0.5, 3.0]])
    pred = np.concatenate([pred, [1e6, -1e6 if not nonnegative else 0.0, 1e3, -1e3]])
    if nonnegative:  # msle: a prediction below 0 (clipped) and one exactly at 0
        pred[-1], pred[-3] = -2.0, 0.0
        y[-3] = 1e6
    # kinks, where the card's code must take core's subgradients: e = 0, and |e| exactly at
    # the grids' thresholds (0.1, 0.5, 0.7, 1, 2)
    y = np.concatenate([y, [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    pred = np.concatenate([pred, [2.0, 1.0, -1.0, 0.1, 0.5, 2.0, 0.7]])
    return y, pred


# ----------------------------------------------------------------------------- the cards' code


def card_function(loss: losses.Loss, params: dict):
    """The card's PyTorch code (``losses.torch_source``) as a callable, and its source."""
    source = losses.torch_source(loss, params, name="per_sample")
    namespace = {"torch": torch, "F": F, "math": math}
    exec(compile(source, f"<{loss.task}/{loss.name}>", "exec"), namespace)
    return namespace["per_sample"], source


def classification_case(loss: losses.Loss, params: dict, y_np, z_np) -> dict:
    fn, source = card_function(loss, params)
    z = torch.tensor(z_np, requires_grad=True)
    if np.ndim(y_np) == 2:  # a target distribution: both y and Y are it
        y = Y = torch.tensor(y_np)
    else:
        y = torch.tensor(y_np)
        Y = F.one_hot(y, z_np.shape[1]).to(torch.float64)
    values, grad = evaluate(fn(z, y, Y), z)
    return finite_case("classification", loss.name, params, source, y_np, z_np, values, grad)


def regression_case(loss: losses.Loss, params: dict, y_np, p_np) -> dict:
    fn, source = card_function(loss, params)
    p = torch.tensor(p_np, requires_grad=True)
    values, grad = evaluate(fn(p, torch.tensor(y_np)), p)
    return finite_case("regression", loss.name, params, source, y_np, p_np, values, grad)


# ----------------------------------------------------------------------------- mpmath cases
# Where float64 formulas that torch (or a naive NumPy) would use lose digits: a class that is
# nearly certain (1 - p_t ~ 1e-9 .. 1e-15), tiny residuals, alpha next to Barron's limits.
# Values and gradients at 50 digits (gradients by mpmath.diff), rounded to float64 once.


def _mp_classification(name: str, params: dict):
    def loss(zs: list, t: int):
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
        log_p = [v - lse for v in zs]
        p = [mpmath.exp(v) for v in log_p]
        k = len(zs)
        if name == "cross_entropy":
            eps = mpmath.mpf(params["label_smoothing"])
            return -mpmath.fsum(((1 - eps) * (j == t) + eps / k) * log_p[j] for j in range(k))
        if name == "kl_div":
            return -log_p[t]  # KL from a one-hot target
        if name == "mse":
            return mpmath.fsum((p[j] - (j == t)) ** 2 for j in range(k))
        if name == "mae":
            return mpmath.fsum(abs(p[j] - (j == t)) for j in range(k))
        if name == "focal":
            return -((1 - p[t]) ** params["gamma"]) * log_p[t]
        if name == "gce":
            q = mpmath.mpf(params["q"])
            return (1 - p[t] ** q) / q
        raise KeyError(name)

    return loss


HIGH_PRECISION_CLASSIFICATION = [
    ("cross_entropy", {"label_smoothing": 0.0}),
    ("cross_entropy", {"label_smoothing": 0.1}),
    ("kl_div", {"label_smoothing": 0.0}),
    ("mse", {}),
    ("mae", {}),
    ("focal", {"gamma": 2.0}),
    ("focal", {"gamma": 0.5}),
    ("gce", {"q": 0.7}),
    ("gce", {"q": 0.05}),
]


def high_precision_cases() -> list[dict]:
    mpmath.mp.dps = 50
    z_np = np.array([[20.0, 0.5, -1.0], [-3.0, 31.0, 1.0], [2.0, -2.0, 36.0], [0.3, -0.2, 0.1]])
    y_np = np.array([0, 1, 2, 2])
    cases = []
    for name, params in HIGH_PRECISION_CLASSIFICATION:
        f = _mp_classification(name, params)
        values, grad = [], []
        for z, t in zip(z_np, y_np, strict=True):
            zs = [mpmath.mpf(float(v)) for v in z]
            values.append(float(f(zs, int(t))))
            row = []
            for j in range(len(zs)):

                def along(h, j=j, zs=zs, t=t, f=f):
                    return f([v + h * (i == j) for i, v in enumerate(zs)], int(t))

                row.append(float(mpmath.diff(along, 0)))
            grad.append(row)
        cases.append(
            {
                "task": "classification",
                "loss": name,
                "params": params,
                "expression": "mpmath, 50 digits",
                "y": y_np.tolist(),
                "raw": z_np.tolist(),
                "values": values,
                "grad": grad,
                "dropped_rows": 0,
            }
        )
    e_np = np.array([1e-12, -3e-8, 1e-4, 0.02, -0.7, 5.0, 40.0, -800.0])
    y_np = np.linspace(-1.0, 1.0, len(e_np))
    p_np = y_np + e_np
    regression = [
        ("log_cosh", {}, lambda x, a, c: mpmath.log(mpmath.cosh(x))),
        ("barron", {"alpha": 1e-9, "scale": 1.0}, None),
        ("barron", {"alpha": 2 - 1e-9, "scale": 1.0}, None),
        ("barron", {"alpha": -1e6, "scale": 1.0}, None),
        ("barron", {"alpha": 1.0, "scale": 1.0}, None),
        ("cauchy", {"scale": 1.0}, lambda x, a, c: mpmath.log(1 + (x / c) ** 2 / 2)),
    ]
    for name, params, fn in regression:
        a, c = mpmath.mpf(params.get("alpha", 0)), mpmath.mpf(params.get("scale", 1))
        if fn is None:

            def fn(x, a, c):
                b = abs(a - 2)
                return b / a * (((x / c) ** 2 / b + 1) ** (a / 2) - 1)

        # residuals computed in float64 first, exactly as the loss sees them
        e_seen = [mpmath.mpf(float(p - y)) for p, y in zip(p_np, y_np, strict=True)]
        values = [float(fn(x, a, c)) for x in e_seen]
        grad = [
            float(mpmath.diff(lambda h, x=x, fn=fn, a=a, c=c: fn(x + h, a, c), 0)) for x in e_seen
        ]
        cases.append(
            {
                "task": "regression",
                "loss": name,
                "params": params,
                "expression": "mpmath, 50 digits",
                "y": y_np.tolist(),
                "raw": p_np.tolist(),
                "values": values,
                "grad": grad,
                "dropped_rows": 0,
            }
        )
    return cases


# ----------------------------------------------------------------------------- evaluation


def evaluate(values: torch.Tensor, raw: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    (grad,) = torch.autograd.grad(values.sum(), raw)
    return values.detach().numpy(), grad.numpy()


def finite_case(task: str, loss: str, params: dict, expression: str, y, raw, values, grad) -> dict:
    """One reference case: the inputs and torch's values and gradients, without the rows
    torch could not compute finitely (``dropped_rows`` counts them)."""
    finite = np.isfinite(values) & np.all(np.isfinite(grad.reshape(len(values), -1)), axis=1)
    return {
        "task": task,
        "loss": loss,
        "params": params,
        "expression": expression,
        "y": np.asarray(y)[finite].tolist(),
        "raw": np.asarray(raw)[finite].tolist(),
        "dropped_rows": int((~finite).sum()),
        "values": values[finite].tolist(),
        "grad": grad[finite].tolist(),
    }


def with_torch(task: str) -> list[losses.Loss]:
    return [x for x in losses.all_losses() if x.task == task and x.torch is not None]


def classification_cases() -> list[dict]:
    cases = []
    for k, seed in [(2, 1), (3, 2), (5, 3)]:
        z_np, y_np = classification_inputs(k, seed)
        q_np = soft_targets(k, len(z_np), seed + 10)
        for loss in with_torch("classification"):
            for params in loss.grid:
                cases.append(classification_case(loss, dict(params), y_np, z_np))
                if loss.soft_targets:
                    cases.append(classification_case(loss, dict(params), q_np, z_np))
    return cases


def regression_cases() -> list[dict]:
    cases = []
    for loss in with_torch("regression"):
        if not loss.elementwise:  # cosine: rows (n, d)
            for d, seed in [(2, 4), (3, 5), (5, 6)]:
                rng = np.random.default_rng(seed)
                y_np = rng.normal(size=(8, d))
                p_np = rng.normal(size=(8, d))
                y_np[0], p_np[0] = 1e6 * y_np[0], -3e5 * y_np[0] / 1e6 + 1e-3  # huge, opposite
                p_np[1] = 2.5 * y_np[1]  # same direction: -1
                p_np[2] = 0.0  # a zero prediction row: value 0, gradient 0 (core's convention)
                for params in loss.grid:
                    cases.append(regression_case(loss, dict(params), y_np, p_np))
            continue
        y_np, p_np = regression_inputs(seed=len(loss.name), nonnegative=loss.name == "msle")
        for params in loss.grid:
            cases.append(regression_case(loss, dict(params), y_np, p_np))
    return cases


# ----------------------------------------------------------------------------- torch facts


def first_overflow(dtype: torch.dtype, start: float, stop: float) -> float:
    """The smallest e on a 0.001 grid from ``start`` where torch.log(torch.cosh(e)) is inf."""
    e = torch.arange(int(start * 1000), int(stop * 1000), dtype=torch.float64) / 1000
    naive = torch.log(torch.cosh(e.to(dtype)))
    return float(e[torch.isinf(naive)][0])


def grad_of(f, x: list) -> list:
    t = torch.tensor(x, requires_grad=True)
    f(t).sum().backward()
    return t.grad.tolist()


def torch_facts() -> dict:
    """PyTorch's behaviour that the cards' texts state, measured."""
    zero_row = torch.tensor([[0.0, 0.0]], requires_grad=True)
    (-F.cosine_similarity(zero_row, torch.tensor([[1.0, 1.0]]), dim=1)).sum().backward()
    return {
        "relu_grad_at_0": grad_of(F.relu, [0.0])[0],
        "clamp_min_grad_at_0": grad_of(lambda t: t.clamp(min=0), [0.0])[0],
        "amax_grad_on_a_tie": grad_of(lambda t: t.amax(1), [[0.0, 2.0, 2.0]])[0],
        "argmax_on_a_tie": int(torch.tensor([[0.0, 2.0, 2.0]]).argmax(1)[0]),
        "l1_loss_grad_at_0": grad_of(
            lambda t: F.l1_loss(t, torch.zeros(1), reduction="sum"), [0.0]
        )[0],
        "cosine_similarity_grad_at_zero_row": {
            "pred": [0.0, 0.0],
            "y": [1.0, 1.0],
            "grad_of_minus_cos": zero_row.grad[0].tolist(),
        },
        "log_cosh_naive_first_inf": {
            "float32": first_overflow(torch.float32, 85.0, 95.0),
            "float64": first_overflow(torch.float64, 705.0, 715.0),
            "torch_default_dtype": TORCH_DEFAULT_DTYPE,
        },
    }


def main() -> None:
    cases = classification_cases() + regression_cases()
    high_precision = high_precision_cases()
    facts = torch_facts()
    for case in cases:  # JSON has no -inf literal: store alpha = -inf as the string "-inf"
        case["params"] = {k: ("-inf" if v == -math.inf else v) for k, v in case["params"].items()}
    doc = {
        "created_by": "scripts/make_reference_values.py",
        "command": ".venv-torch/bin/python scripts/make_reference_values.py",
        "torch_version": torch.__version__,
        "mpmath_version": mpmath.__version__,
        "numpy_version": np.__version__,
        "python": sys.version.split()[0],
        "dtype": "float64",
        "note": "values: per-sample losses (no reduction); grad: d values[i] / d raw[i] by "
        "autograd of each card's PyTorch code (expression). Compare with rtol 1e-10.",
        "cases": cases,
        "high_precision": high_precision,
        "torch_facts": facts,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    dropped = sum(c["dropped_rows"] for c in cases)
    print(f"wrote {len(cases)} cases ({dropped} non-finite torch rows dropped) to {OUT}")


if __name__ == "__main__":
    main()
