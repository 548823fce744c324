"""Speed of the browser's training engine (``ui/player/engine``, run in Node) against ``core``.

The job is Decision boundaries' default view: spirals (420 training / 180 test points), an MLP
2-32-32-2 with tanh, Adam with lr 0.01, full-batch epochs, the four default losses
(cross-entropy, MSE, MAE, hinge) in lockstep; every contender does a training step and the train
and test loss and accuracy per epoch. Contenders: the engine in Node (float64, JS numbers; the
JIT warmed up by a 20-epoch run, as a page's first frames would), ``core.train.fit_many`` in
float64 (the reference the engine mirrors) and in float32 (what the pages train in).

Also measured: the engine's first epoch in a fresh Node process (importing the engine, drawing
the initial weights, evaluating them, one epoch; the JIT cold) and in a warm one (what an edit
or a seed change costs before its first frame), and the four decision surfaces
a live view redraws (one forward pass per loss on a grid of cols x rows points, drawing
excluded) at two grid sizes.

Run from the repository root::

    .venv/bin/python benchmarks/engine_speed.py [--epochs 150] [--repeats 7]

Prints markdown tables: medians over ``--repeats`` interleaved runs (each run times every
contender, in a rotated order) of wall and CPU seconds, epochs per second of the four losses
together (from wall and from CPU time), and each contender's time over the engine's measured in
the same run (wall and CPU ratio; above 1: slower than the engine). CPU time is the steadier
number on a shared machine; wall time is what a user waits.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import datasets, train

ROOT = Path(__file__).resolve().parent.parent
NODE_SCRIPT = ROOT / "benchmarks" / "engine_speed.mjs"
LOSSES = ("cross_entropy", "mse", "mae", "hinge")
MODEL = {"hidden": (32, 32), "activation": "tanh", "optimizer": "adam", "lr": 0.01}
GRIDS = ((80, 45), (160, 90))


class Engine:
    """The Node side (``engine_speed.mjs``): one long-lived process, one command per line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(NODE_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, **cmd: object) -> dict[str, float]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"job": "quit"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def first_epoch() -> dict[str, float]:
    """A fresh Node process: import, initial weights, first evaluation and epoch (JIT cold)."""
    out = subprocess.run(
        ["node", str(NODE_SCRIPT), "--first"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)


def core_run(ds: datasets.Dataset, epochs: int, dtype: str) -> dict[str, float]:
    cfgs = [train.TrainConfig(loss=n, epochs=epochs, dtype=dtype, **MODEL) for n in LOSSES]
    wall, cpu = time.perf_counter(), time.process_time()
    train.fit_many(ds, cfgs)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    ds = datasets.load("spirals")
    engine = Engine()
    contenders: dict[str, Callable[[], dict[str, float]]] = {
        "engine (Node, float64)": lambda: engine.ask(job="train", epochs=args.epochs),
        "core fit_many, float64": lambda: core_run(ds, args.epochs, "float64"),
        "core fit_many, float32": lambda: core_run(ds, args.epochs, "float32"),
    }
    core_run(ds, 5, "float64")  # imports and first calls outside the timing
    core_run(ds, 5, "float32")
    times: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(args.repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(contenders[name]())
    restarts = [engine.ask(job="restart") for _ in range(args.repeats)]
    grids = {
        g: [engine.ask(job="grid", cols=g[0], rows=g[1]) for _ in range(args.repeats)]
        for g in GRIDS
    }
    engine.close()
    firsts = [first_epoch() for _ in range(args.repeats)]

    base = times[names[0]]
    print(f"{args.epochs} epochs x 4 losses, medians of {args.repeats} interleaved runs\n")
    print(
        "| contender | wall s | CPU s | epochs/s (wall) | epochs/s (CPU) | wall ratio | CPU ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        t = times[name]
        wall = statistics.median(x["wall"] for x in t)
        cpu = statistics.median(x["cpu"] for x in t)
        ratio_w = statistics.median(x["wall"] / b["wall"] for x, b in zip(t, base, strict=True))
        ratio_c = statistics.median(x["cpu"] / b["cpu"] for x, b in zip(t, base, strict=True))
        print(
            f"| {name} | {wall:.3f} | {cpu:.3f} | {args.epochs / wall:.0f} | "
            f"{args.epochs / cpu:.0f} | {ratio_w:.2f}x | {ratio_c:.2f}x |"
        )
    print("\n| engine, other work | wall ms | CPU ms |")
    print("|---|---:|---:|")
    wall = statistics.median(x["wall"] for x in firsts) * 1e3
    cpu = statistics.median(x["cpu"] for x in firsts) * 1e3
    print(
        f"| first epoch, fresh process (import, init, 1 epoch; JIT cold) | {wall:.1f} | {cpu:.1f} |"
    )
    wall = statistics.median(x["wall"] for x in restarts) * 1e3
    cpu = statistics.median(x["cpu"] for x in restarts) * 1e3
    print(f"| first epoch after an edit (init, 1 epoch; JIT warm) | {wall:.1f} | {cpu:.1f} |")
    for (cols, rows), t in grids.items():
        wall = statistics.median(x["wall"] for x in t) * 1e3
        cpu = statistics.median(x["cpu"] for x in t) * 1e3
        print(f"| 4 decision surfaces, {cols}x{rows} grid | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
