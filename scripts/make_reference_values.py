r"""Write ``tests/fixtures/torch_reference.json``: per-sample values and gradients from PyTorch.

Run with the PyTorch environment (torch is never needed by the app or the tests)::

    .venv-torch/bin/python scripts/make_reference_values.py

For every loss that PyTorch has, or that is a few lines of PyTorch ops, the script evaluates the
per-sample values (``reduction='none'``, summed over classes where the torch loss is
elementwise) in float64 on fixed seeded inputs, including extreme ones (logits of ±1e4,
residuals of ±1e6), and the gradient of each sample's value w.r.t. its raw output by autograd
(of the sum, since sample ``i`` depends only on row ``i``). The inputs are stored with the
results, so ``tests/core/losses/test_reference.py`` needs NumPy only.

Each torch expression is written from the loss's definition, not from ``core.losses``; where
it is a built-in (``cross_entropy``, ``kl_div``, ``multi_margin_loss``, ``mse_loss``,
``l1_loss``, ``huber_loss``, ``smooth_l1_loss``, ``cosine_similarity``) the built-in is used.
``log_cosh`` values come from mpmath at 50 digits, because every float64 formula loses digits
somewhere (``log(cosh(e))`` for tiny ``e``, ``|e| + softplus(-2|e|) - log 2`` near 0).
Rows where torch itself returns a non-finite value or gradient (e.g. focal with gamma < 1 at
p_t = 1, where autograd forms 0 * inf) are dropped from that case and counted in
``dropped_rows``.
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

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch_reference.json"
torch.set_default_dtype(torch.float64)


# ----------------------------------------------------------------------------- inputs


def classification_inputs(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """8 random rows (logits ~ N(0, 3^2)) plus extreme rows: p_t = 1, p_t ~ 0, a big margin."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 3.0, size=(8, k))
    y = rng.integers(0, k, size=8)
    big = np.full((1, k), -1e4)
    big[0, 0] = 1e4  # target 0 certain: p_t = 1 exactly
    wrong = np.linspace(-5.0, 5.0, k)[None, :]
    wrong[0, 0] = -1e4  # target 0 hopeless: log p_t = -1e4
    near = rng.normal(0.0, 1.0, size=(1, k))
    near[0, k - 1] += 6.0  # confident and right: 1 - p_t ~ 1e-3 (closer: see high_precision)
    z = np.vstack([z, big, wrong, near])
    y = np.concatenate([y, [0, 0, k - 1]])
    return z, y


def soft_targets(k: int, n: int, seed: int) -> np.ndarray:
    """Dirichlet target rows, one of them with an exact zero entry (0 log 0 = 0)."""
    rng = np.random.default_rng(seed)
    q = rng.dirichlet(np.ones(k), size=n)
    q[0, 0] = 0.0
    return q / q.sum(axis=1, keepdims=True)


def regression_inputs(seed: int, nonnegative: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Residuals of size 0.1..3 (away from kinks) plus residuals of ±1e6 and ±1e3."""
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.5, 4.0, size=10) if nonnegative else rng.normal(0.0, 2.0, size=10)
    e = rng.choice([-1.0, 1.0], size=10) * rng.uniform(0.1, 3.0, size=10)
    pred = y + e
    y = np.concatenate([y, [1.0, 2.0, 0.5, 3.0]])
    pred = np.concatenate([pred, [1e6, -1e6 if not nonnegative else 0.0, 1e3, -1e3]])
    if nonnegative:  # msle: a prediction below 0 (clipped) and one exactly at 0
        pred[-1], pred[-3] = -2.0, 0.0
        y[-3] = 1e6
    return y, pred


# ----------------------------------------------------------------------------- torch losses


def one_hot(y: torch.Tensor, k: int) -> torch.Tensor:
    return F.one_hot(y, k).to(torch.float64)


def smoothed(y: torch.Tensor, k: int, eps: float) -> torch.Tensor:
    return (1 - eps) * one_hot(y, k) + eps / k


def crammer_singer(z: torch.Tensor, y: torch.Tensor, margin: float) -> torch.Tensor:
    z_t = z.gather(1, y[:, None])[:, 0]
    others = z.masked_fill(one_hot(y, z.shape[1]).bool(), -math.inf)
    return (margin - z_t + others.max(dim=1).values).clamp(min=0)


def wrong_mass(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """1 - p_t as the sum of the wrong-class probabilities (no cancellation)."""
    return (z.softmax(1) * (1 - one_hot(y, z.shape[1]))).sum(1)


def log_p_t(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.log_softmax(z, dim=1).gather(1, y[:, None])[:, 0]


CLASSIFICATION = {
    "cross_entropy": (
        [{"label_smoothing": 0.0}, {"label_smoothing": 0.1}, {"label_smoothing": 0.3}],
        "F.cross_entropy(z, y, label_smoothing=ε, reduction='none')",
        lambda z, y, label_smoothing: F.cross_entropy(
            z, y, label_smoothing=label_smoothing, reduction="none"
        ),
    ),
    "kl_div": (
        [{"label_smoothing": 0.0}, {"label_smoothing": 0.2}],
        "F.kl_div(F.log_softmax(z, 1), q, reduction='none').sum(1), q smoothed one-hot",
        lambda z, y, label_smoothing: F.kl_div(
            F.log_softmax(z, 1), smoothed(y, z.shape[1], label_smoothing), reduction="none"
        ).sum(1),
    ),
    "multi_margin": (
        [{"margin": 1.0}, {"margin": 0.5}, {"margin": 2.0}],
        "F.multi_margin_loss(z, y, p=1, margin=Δ, reduction='none')",
        lambda z, y, margin: F.multi_margin_loss(z, y, p=1, margin=margin, reduction="none"),
    ),
    "mse": (
        [{}],
        "((p - Y) ** 2).sum(1) with the target term (1 - p_t)^2 written as (sum_{k≠t} p_k)^2 "
        "(1 - p_t in float64 cancels when p_t ≈ 1)",
        lambda z, y: (
            (wrong_mass(z, y)) ** 2 + (z.softmax(1) * (1 - one_hot(y, z.shape[1]))).pow(2).sum(1)
        ),
    ),
    "mae": (
        [{}],
        "|p - Y|.sum(1) = 2 sum_{k≠t} p_k (summing the wrong classes keeps the digits of "
        "1 - p_t that |p_t - 1| cancels)",
        lambda z, y: 2 * wrong_mass(z, y),
    ),
    "hinge": (
        [{"margin": 1.0}, {"margin": 0.5}, {"margin": 2.0}],
        "(Δ - z_t + max_{j≠t} z_j).clamp(min=0)",
        lambda z, y, margin: crammer_singer(z, y, margin),
    ),
    "squared_hinge": (
        [{"margin": 1.0}, {"margin": 2.0}],
        "(Δ - z_t + max_{j≠t} z_j).clamp(min=0) ** 2",
        lambda z, y, margin: crammer_singer(z, y, margin) ** 2,
    ),
    "focal": (
        [{"gamma": 0.0}, {"gamma": 0.5}, {"gamma": 2.0}, {"gamma": 5.0}],
        "-(-expm1(log p_t)) ** γ * log p_t, log p_t from F.log_softmax",
        lambda z, y, gamma: -((-torch.expm1(log_p_t(z, y))) ** gamma) * log_p_t(z, y),
    ),
    "square_logits": (
        [{}],
        "((z - one_hot(y)) ** 2).sum(1)",
        lambda z, y: ((z - one_hot(y, z.shape[1])) ** 2).sum(1),
    ),
    "gce": (
        [{"q": 0.1}, {"q": 0.7}, {"q": 1.0}],
        "(1 - exp(log p_t) ** q) / q",
        lambda z, y, q: (1 - torch.exp(log_p_t(z, y)) ** q) / q,
    ),
}

SOFT = {
    "cross_entropy": (
        [{"label_smoothing": 0.0}, {"label_smoothing": 0.1}],
        "F.cross_entropy(z, q, label_smoothing=ε, reduction='none') with probability targets q",
        lambda z, q, label_smoothing: F.cross_entropy(
            z, q, label_smoothing=label_smoothing, reduction="none"
        ),
    ),
    "kl_div": (
        [{"label_smoothing": 0.0}],
        "F.kl_div(F.log_softmax(z, 1), q, reduction='none').sum(1) with probability targets q",
        lambda z, q, label_smoothing: F.kl_div(F.log_softmax(z, 1), q, reduction="none").sum(1),
    ),
}


def barron_torch(e: torch.Tensor, alpha: float, scale: float) -> torch.Tensor:
    x2 = (e / scale) ** 2
    if alpha == 2:
        return 0.5 * x2
    if alpha == 0:
        return torch.log(0.5 * x2 + 1)
    if alpha == -math.inf:
        return 1 - torch.exp(-0.5 * x2)
    b = abs(alpha - 2)
    return b / alpha * ((x2 / b + 1) ** (alpha / 2) - 1)


REGRESSION = {
    "mse": (
        [{}],
        "F.mse_loss(pred, y, reduction='none')",
        lambda y, p: F.mse_loss(p, y, reduction="none"),
    ),
    "mae": (
        [{}],
        "F.l1_loss(pred, y, reduction='none')",
        lambda y, p: F.l1_loss(p, y, reduction="none"),
    ),
    "huber": (
        [{"delta": 0.5}, {"delta": 1.0}, {"delta": 2.0}],
        "F.huber_loss(pred, y, delta=δ, reduction='none')",
        lambda y, p, delta: F.huber_loss(p, y, delta=delta, reduction="none"),
    ),
    "smooth_l1": (
        [{"beta": 0.5}, {"beta": 1.0}, {"beta": 2.0}],
        "F.smooth_l1_loss(pred, y, beta=β, reduction='none')",
        lambda y, p, beta: F.smooth_l1_loss(p, y, beta=beta, reduction="none"),
    ),
    "log_cosh": (
        [{}],
        "values: mpmath log(cosh(e)) at 50 digits; gradient: autograd of "
        "|e| + F.softplus(-2|e|) - log 2",
        lambda y, p: (p - y).abs() + F.softplus(-2 * (p - y).abs()) - math.log(2),
    ),
    "msle": (
        [{}],
        "(log1p(pred.clamp(min=0)) - log1p(y)) ** 2",
        lambda y, p: (torch.log1p(p.clamp(min=0)) - torch.log1p(y)) ** 2,
    ),
    "mape": (
        [{}],
        "100 * |pred - y| / |y|.clamp(min=1e-7)",
        lambda y, p: 100 * (p - y).abs() / y.abs().clamp(min=1e-7),
    ),
    "pinball": (
        [{"quantile": 0.1}, {"quantile": 0.5}, {"quantile": 0.9}],
        "torch.maximum(τ (y - pred), (τ - 1) (y - pred))",
        lambda y, p, quantile: torch.maximum(quantile * (y - p), (quantile - 1) * (y - p)),
    ),
    "epsilon_insensitive": (
        [{"epsilon": 0.0}, {"epsilon": 0.1}, {"epsilon": 1.0}],
        "((pred - y).abs() - ε).clamp(min=0)",
        lambda y, p, epsilon: ((p - y).abs() - epsilon).clamp(min=0),
    ),
    "cauchy": (
        [{"scale": 0.5}, {"scale": 1.0}, {"scale": 3.0}],
        "torch.log(1 + ((pred - y) / c) ** 2 / 2)",
        lambda y, p, scale: torch.log(1 + ((p - y) / scale) ** 2 / 2),
    ),
    "barron": (
        [
            {"alpha": a, "scale": c}
            for a, c in [
                (-math.inf, 1.0),
                (-2.0, 1.0),
                (-0.5, 2.0),
                (0.0, 1.0),
                (0.5, 1.0),
                (1.0, 1.0),
                (1.0, 0.3),
                (1.5, 1.0),
                (2.0, 1.0),
                (4.0, 1.0),
            ]
        ],
        "|α-2|/α (((e/c)^2/|α-2| + 1)^(α/2) - 1) with torch.pow; limits 0, 2, -inf by their "
        "closed forms",
        lambda y, p, alpha, scale: barron_torch(p - y, alpha, scale),
    ),
}


def log_cosh_mpmath(e: np.ndarray) -> list[float]:
    mpmath.mp.dps = 50
    return [float(mpmath.log(mpmath.cosh(mpmath.mpf(float(x))))) for x in e]


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


def evaluate(fn, *args: torch.Tensor, raw: torch.Tensor, **params):
    values = fn(*args, **params)
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


def logit_cases(table: dict, y_np: np.ndarray, z_np: np.ndarray) -> list[dict]:
    """A case for every loss of ``table`` and each of its settings, on logits ``z_np``."""
    cases = []
    for name, (settings, expression, fn) in table.items():
        for params in settings:
            z = torch.tensor(z_np, requires_grad=True)
            values, grad = evaluate(fn, z, torch.tensor(y_np), raw=z, **params)
            cases.append(
                finite_case("classification", name, params, expression, y_np, z_np, values, grad)
            )
    return cases


def classification_cases() -> list[dict]:
    cases = []
    for k, seed in [(2, 1), (3, 2), (5, 3)]:
        z_np, y_np = classification_inputs(k, seed)
        cases += logit_cases(CLASSIFICATION, y_np, z_np)
        cases += logit_cases(SOFT, soft_targets(k, len(z_np), seed + 10), z_np)
    return cases


def regression_cases() -> list[dict]:
    cases = []
    for name, (settings, expression, fn) in REGRESSION.items():
        y_np, p_np = regression_inputs(seed=len(name), nonnegative=name == "msle")
        for params in settings:
            p = torch.tensor(p_np, requires_grad=True)
            values, grad = evaluate(fn, torch.tensor(y_np), p, raw=p, **params)
            if name == "log_cosh":
                values = np.array(log_cosh_mpmath(p_np - y_np))
            cases.append(
                finite_case("regression", name, params, expression, y_np, p_np, values, grad)
            )
    # cosine similarity on vectors (n, d); Keras's sign: value = -cos
    for d, seed in [(2, 4), (3, 5), (5, 6)]:
        rng = np.random.default_rng(seed)
        y_np = rng.normal(size=(8, d))
        p_np = rng.normal(size=(8, d))
        y_np[0], p_np[0] = 1e6 * y_np[0], -3e5 * y_np[0] / 1e6 + 1e-3  # huge, nearly opposite
        p_np[1] = 2.5 * y_np[1]  # same direction: -1
        p = torch.tensor(p_np, requires_grad=True)
        values, grad = evaluate(
            lambda y, p: -F.cosine_similarity(p, y, dim=1), torch.tensor(y_np), p, raw=p
        )
        expression = "-F.cosine_similarity(pred, y, dim=1)"
        cases.append(finite_case("regression", "cosine", {}, expression, y_np, p_np, values, grad))
    return cases


def main() -> None:
    cases = classification_cases() + regression_cases()
    high_precision = high_precision_cases()
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
        "autograd. Compare with rtol 1e-10.",
        "cases": cases,
        "high_precision": high_precision,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    dropped = sum(c["dropped_rows"] for c in cases)
    print(f"wrote {len(cases)} cases ({dropped} non-finite torch rows dropped) to {OUT}")


if __name__ == "__main__":
    main()
