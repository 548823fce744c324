"""Training speed of the app's configuration: float32 ``fit_many`` vs PyTorch CPU, plain
NumPy loops and scikit-learn.

The job: ``moons`` with 1000 points (700 train / 300 test), an MLP 2-32-32-2 with tanh, Adam
with lr 0.01, 500 full-batch epochs, for cross-entropy, MSE, MAE and hinge, in float32 (what
every page trains in). Every contender does the same work per epoch: a training step and the
train and test loss and accuracy of the model (scikit-learn's ``MLPClassifier`` records only
its training loss and runs cross-entropy only). The float64 row is the exact mode the tests
use (one process, ``np.tanh``), for reference.

Run from the repository root (PyTorch lives in its own virtualenv)::

    /work/venv-torch/bin/python benchmarks/train_speed.py     # with the PyTorch rows
    /work/venv/bin/python benchmarks/train_speed.py           # without them

Prints a markdown table: median wall and CPU time over ``--repeats`` interleaved runs, the
ratios to ``fit_many`` in float32 measured in the same runs (a contender's time divided by
the app's: above 1 is slower than the app), time per loss, the peak traced memory
(``tracemalloc``, one extra run; PyTorch's allocator is not traced) and, as a check that the
contenders really do the same job, the largest difference of the final test loss from
``fit_many``'s (same initial weights everywhere; scikit-learn draws its own). Then the
target: PyTorch's best CPU setting (1 or 2 threads, the faster in each run) takes at least
2x as long as ``fit_many`` on the same float32 job. CPU time (all threads of this process) is
the steadier number on a shared machine; wall time is what a user waits.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import datasets, train
from core.models import init_params

LOSSES = ("cross_entropy", "mse", "mae", "hinge")
HIDDEN = (32, 32)
LR = 0.01
#: The model of the job, as ``TrainConfig`` fields (the plain versions below write it out).
MODEL = {"hidden": HIDDEN, "activation": "tanh", "optimizer": "adam", "lr": LR}


def configs(epochs: int, dtype: str) -> list[train.TrainConfig]:
    return [train.TrainConfig(loss=n, epochs=epochs, dtype=dtype, **MODEL) for n in LOSSES]


# --------------------------------------------------------------------------- plain NumPy


def _plain_loss(name: str, z: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample loss and its gradient w.r.t. the logits, written out for each loss."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    if name == "cross_entropy":
        logp = z - z.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        return -(Y * logp).sum(axis=1), p - Y
    if name in ("mse", "mae"):
        r = p - Y
        dl_dp = 2 * r if name == "mse" else np.sign(r)
        value = (r * r).sum(axis=1) if name == "mse" else np.abs(r).sum(axis=1)
        # softmax Jacobian: dl/dz = p * (dl/dp - sum_k p_k dl/dp_k)
        return value, p * (dl_dp - (p * dl_dp).sum(axis=1, keepdims=True))
    # Crammer-Singer hinge: max(0, 1 - (z_t - max_{j != t} z_j))
    zt = (z * Y).sum(axis=1)
    other = np.where(Y > 0, -np.inf, z)
    j = other.argmax(axis=1)
    slack = 1 - zt + other[np.arange(len(z)), j]
    active = (slack > 0).astype(z.dtype)
    g = -Y * active[:, None]
    g[np.arange(len(z)), j] += active
    return np.maximum(slack, 0), g


def plain_numpy(ds: datasets.Dataset, name: str, epochs: int, dtype: str) -> dict:
    """One loss, trained the way one would write it by hand: forward, backward, Adam."""
    X, Xt = ds.X_train.astype(dtype), ds.X_test.astype(dtype)
    Y, Yt = np.eye(2, dtype=dtype)[ds.y_train], np.eye(2, dtype=dtype)[ds.y_test]
    n = len(X)
    params = init_params((2, *HIDDEN, 2), "tanh", seed=0, dtype=dtype)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    history = {"train_loss": [], "test_loss": [], "test_accuracy": []}
    for t in range(1, epochs + 1):
        W1, c1, W2, c2, W3, c3 = params
        A1 = np.tanh(X @ W1 + c1)
        A2 = np.tanh(A1 @ W2 + c2)
        z = A2 @ W3 + c3
        values, dz = _plain_loss(name, z, Y)
        history["train_loss"].append(values.mean())
        dz = dz / n
        dA2 = (dz @ W3.T) * (1 - A2 * A2)
        dA1 = (dA2 @ W2.T) * (1 - A1 * A1)
        grads = [X.T @ dA1, dA1.sum(0), A1.T @ dA2, dA2.sum(0), A2.T @ dz, dz.sum(0)]
        for k, g in enumerate(grads):
            m[k] = b1 * m[k] + (1 - b1) * g
            v[k] = b2 * v[k] + (1 - b2) * g * g
            params[k] = params[k] - LR * (m[k] / (1 - b1**t)) / (np.sqrt(v[k] / (1 - b2**t)) + eps)
        W1, c1, W2, c2, W3, c3 = params
        zt = np.tanh(np.tanh(Xt @ W1 + c1) @ W2 + c2) @ W3 + c3
        history["test_loss"].append(_plain_loss(name, zt, Yt)[0].mean())
        history["test_accuracy"].append(np.mean(zt.argmax(1) == ds.y_test))
    return history


# --------------------------------------------------------------------------- PyTorch


def torch_loop(ds: datasets.Dataset, name: str, epochs: int, dtype: str) -> dict:
    import torch
    import torch.nn.functional as F

    tdtype = getattr(torch, dtype)
    X, Xt = (torch.tensor(a, dtype=tdtype) for a in (ds.X_train, ds.X_test))
    y, yt = (torch.tensor(a, dtype=torch.long) for a in (ds.y_train, ds.y_test))
    params = [
        torch.tensor(p, dtype=tdtype, requires_grad=True)
        for p in init_params((2, *HIDDEN, 2), "tanh", seed=0, dtype=dtype)
    ]

    def net(a):
        W1, c1, W2, c2, W3, c3 = params
        return torch.tanh(torch.tanh(a @ W1 + c1) @ W2 + c2) @ W3 + c3

    def loss_fn(z, t):
        if name == "cross_entropy":
            return F.cross_entropy(z, t)
        Y = F.one_hot(t, 2).to(z.dtype)
        if name in ("mse", "mae"):
            r = torch.softmax(z, dim=1) - Y
            return (r * r).sum(1).mean() if name == "mse" else r.abs().sum(1).mean()
        zt = (z * Y).sum(1)
        other = z.masked_fill(Y > 0, float("-inf")).amax(1)
        return torch.clamp(1 - zt + other, min=0).mean()

    opt = torch.optim.Adam(params, lr=LR)
    history = {"train_loss": [], "test_loss": [], "test_accuracy": []}
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(net(X), y)
        loss.backward()
        opt.step()
        history["train_loss"].append(loss.item())
        with torch.no_grad():
            zt = net(Xt)
            history["test_loss"].append(loss_fn(zt, yt).item())
            history["test_accuracy"].append((zt.argmax(1) == yt).double().mean().item())
    return history


def torch_run(ds: datasets.Dataset, epochs: int, dtype: str, threads: int) -> list[dict]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return [torch_loop(ds, n, epochs, dtype) for n in LOSSES]
    finally:
        torch.set_num_threads(before)


# --------------------------------------------------------------------------- scikit-learn


def sklearn_mlp(ds: datasets.Dataset, epochs: int, dtype: str) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="tanh",
        solver="adam",
        learning_rate_init=LR,
        batch_size=len(ds.y_train),
        max_iter=epochs,
        alpha=0.0,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(ds.X_train.astype(dtype), ds.y_train)  # float32 in, float32 throughout
    assert clf.n_iter_ == epochs
    return {"test_accuracy": [clf.score(ds.X_test.astype(dtype), ds.y_test)]}


# --------------------------------------------------------------------------- harness


def timed(job: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process (all its threads) and the job's result."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = job()
    return time.perf_counter() - t0, time.process_time() - c0, out


def peak_mib(job: Callable[[], object]) -> float:
    """Peak memory traced by ``tracemalloc`` during one run (NumPy reports its buffers)."""
    tracemalloc.start()
    job()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def final_test_losses(out: object) -> list[float]:
    if isinstance(out, list) and out and isinstance(out[0], train.FitResult):
        return [r.history["test_loss"][-1] for r in out]
    return [h["test_loss"][-1] for h in out]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=500)
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch even if installed")
    args = ap.parse_args()
    ds = datasets.load("moons", n_samples=1000, noise=0.2, seed=0)
    E, R = args.epochs, args.repeats
    try:
        if args.no_torch:
            raise ImportError
        import torch

        torch_version = f"PyTorch {torch.__version__}"
    except ImportError:
        torch_version = None

    def plain(dtype: str) -> list[dict]:
        # a hand-written loop gets the same single-threaded BLAS as the engine: with a BLAS
        # thread pool on a busy 2-core machine it is many times slower, which would flatter us
        with threadpool_limits(limits=1, user_api="blas"):
            return [plain_numpy(ds, n, E, dtype) for n in LOSSES]

    app = "train.fit_many x4 losses, float32 (the app)"
    rows: dict[str, tuple[int, Callable[[], object]]] = {
        app: (4, lambda: train.fit_many(ds, configs(E, "float32"))),
        "train.fit x4 one by one, float32": (
            4,
            lambda: [train.fit(ds, c) for c in configs(E, "float32")],
        ),
        "train.fit_many x4 losses, float64 (the tests' exact mode)": (
            4,
            lambda: train.fit_many(ds, configs(E, "float64")),
        ),
        "plain NumPy loop x4, float32": (4, lambda: plain("float32")),
        "plain NumPy loop x4, float64": (4, lambda: plain("float64")),
    }
    torch_rows = []
    if torch_version:
        # 1 intra-op thread like the NumPy contenders' BLAS, and 2 (a thread per core here)
        for threads in (1, 2):
            label = f"{torch_version} x4, float32, {threads} thread(s)"
            rows[label] = (4, lambda t=threads: torch_run(ds, E, "float32", t))
            torch_rows.append(label)
    rows["sklearn MLPClassifier, CE only, float32"] = (1, lambda: sklearn_mlp(ds, E, "float32"))

    if torch_version:  # first calls pay for PyTorch's lazy initialisation; not ours to time
        for threads in (1, 2):
            torch_run(ds, 5, "float32", threads)
    train.fit_many(ds, configs(5, "float32"))  # and for ours (imports, first allocations)
    # interleaved repeats: every repeat runs every contender once, in a rotated order, so a
    # burst of load from elsewhere hits all of them; ratios are taken within a repeat
    wall = {k: [] for k in rows}
    cpu = {k: [] for k in rows}
    outputs = {}
    labels = list(rows)
    for r in range(R):
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            w, c, outputs[label] = timed(rows[label][1])
            print(f"    {label}: {w:.2f} s", file=sys.stderr)
            wall[label].append(w)
            cpu[label].append(c)
        print(f"  repeat {r + 1}/{R} done", file=sys.stderr)
    peaks = {k: peak_mib(job) for k, (_, job) in rows.items() if "PyTorch" not in k}

    reference = final_test_losses(outputs[app])
    print(
        f"\nmoons 1000 points (700 train / 300 test), MLP 2-32-32-2 tanh, Adam lr {LR}, {E} "
        f"full-batch epochs, losses {', '.join(LOSSES)}; median of {R} interleaved runs.\n"
        "Ratios are medians of the per-run ratios of each contender's time to fit_many "
        "float32's (the app's): above 1 is slower than the app.\n"
    )
    print(
        "| contender | wall s | wall ratio | CPU s | CPU ratio | wall s per loss | peak MiB "
        "| max Δ final test loss vs the app |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, (n_losses, _) in rows.items():
        w_ratio = statistics.median(np.array(wall[label]) / np.array(wall[app]))
        c_ratio = statistics.median(np.array(cpu[label]) / np.array(cpu[app]))
        w, c = statistics.median(wall[label]), statistics.median(cpu[label])
        mem = f"{peaks[label]:.2f}" if label in peaks else "n/a"
        if label.startswith("sklearn"):
            delta = "n/a"
        else:
            diff = np.abs(np.array(final_test_losses(outputs[label])) - reference).max()
            delta = f"{diff:.1e}"
        print(
            f"| {label} | {w:.3f} | {w_ratio:.2f}x | {c:.3f} | {c_ratio:.2f}x | "
            f"{w / n_losses:.3f} | {mem} | {delta} |"
        )
    if torch_rows:
        print_target(wall, app, torch_rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nnumpy {np.__version__}; {_cpu()}; load average at the end {load:.1f}")


def print_target(wall: dict[str, list[float]], app: str, torch_rows: list[str]) -> None:
    """The target: PyTorch's best CPU setting in each run (the faster of 1 and 2 threads)
    over the app's float32 ``fit_many``, a median of per-run ratios (all contenders of a run
    share its machine load)."""
    values = [min(wall[k][r] for k in torch_rows) / wall[app][r] for r in range(len(wall[app]))]
    value = statistics.median(values)
    print("\n| target | median | runs | goal | met |\n|---|---:|---:|---:|---|")
    print(
        f"| PyTorch best float32 / fit_many float32 (the app) | {value:.2f}x | "
        f"{min(values):.2f}-{max(values):.2f}x | >= 2.0x | {'yes' if value >= 2.0 else 'NO'} |"
    )


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"{os.cpu_count()} cores"


if __name__ == "__main__":
    main()
