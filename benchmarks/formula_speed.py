"""Speed of a student's formula: parse, derivation and compile of a 200-character formula,
and what a formula loss costs per evaluation against the built-in it reproduces.

Stages, each timed on its own (median over ``--repeats`` runs, wall and CPU time of this
process):

* ``parse``: the text checked against the allow-list into a tree (:func:`core.formula.parse`);
* ``stable``: the overflow-free rewrites;
* ``derive, cold``: SymPy builds the expression, differentiates it and the result is read
  back into a tree, with SymPy's internal cache cleared first (a formula never seen);
  ``derive, warm``: the same without clearing it (SymPy remembers sub-results);
* ``compile``: the value and gradient trees into NumPy closures, and one evaluation on
  1000 samples;
* ``parse + derive + compile``: the three together, cold: the target (<= 50 ms);
* ``check() via the helper``: the app's entry point, the derivation in the helper process
  under the time limit, the same formula again (so SymPy's cache in the helper is warm;
  wall time only: its CPU is spent in the other process);
* ``numerics``: every verdict on the grid (float64 and float32);
* ``losses.get(name)``: the registry's path for a ``formula:`` name (parse of the key,
  derivation in this thread, verdicts for the property flags): what ``train.fit`` pays once
  per run;
* ``cache hit``: a dict keyed by the formula's key, the way the app caches (``core`` itself
  never caches).

Then one evaluation of values and gradients on 10,000 samples, formula against built-in,
as a ratio (float64 and float32). And, once, the cold start: a fresh interpreter importing
SymPy, and the helper process's start.

Run from the repository root::

    /work/main/.venv/bin/python benchmarks/formula_speed.py [--repeats 25]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sympy.core.cache import clear_cache

from core import formula, losses
from core.formula import deadline
from core.formula.stable import stabilise
from core.formula.symbolic import derive

#: 200-character formulas, one per variable, with their declared parameters
LONG = {
    "r": (
        "delta*(sqrt(1 + (r/delta)**2) - 1) + gamma*max(0, abs(r) - 3.5*delta)**2/(1 + "
        "softplus(abs(r) - 5.5)) + 0.125*abs(r)*tanh(abs(r)/delta) + min(abs(r), delta)**2/2 "
        "- log(sigmoid(r/delta))/(1.5 + gamma)",
        {"delta": (0.1, 5, 1), "gamma": (0, 2, 0.5)},
    ),
    "m": (
        "max(0, delta - 1.5*m)**2/(2.5*delta) + gamma*log(1 + exp(-m/delta)) + (1 - tanh(m))*"
        "sigmoid(-2.5*m)/4.5 + min(1, max(0, 1 - m))*softplus(-m)**2/(1 + abs(m)) + exp(-abs("
        "m))*log1p(m**2)/(3.25 + gamma)",
        {"delta": (0.1, 5, 1), "gamma": (0, 2, 0.5)},
    ),
    "p": (
        "-(1 - p)**gamma*log(p) + delta*(1 - p**0.75)/0.75 + 2*(1 - p)*sqrt(p)/(1 + gamma) + "
        "max(0, 0.5 - p)**2*log1p(p)/delta + min(p, 1 - p)*(1 - sigmoid(5.5*p - 2.5))/(2 + "
        "delta*gamma) + 0.125*abs(p - 0.5)",
        {"delta": (0.1, 5, 1), "gamma": (0, 5, 2)},
    ),
}
BUILTIN_PAIRS = [
    ("classification", "-log(p)", "cross_entropy", 10),
    ("classification", "max(0, 1 - m)", "hinge", 10),
    ("regression", "abs(r)", "mae", None),
    ("regression", "r**2", "mse", None),
]


def timed(fn: Callable[[], object], repeats: int, before: Callable[[], object] = lambda: None):
    """Median wall and CPU milliseconds of ``fn`` over ``repeats`` runs (``before`` each run,
    untimed)."""
    walls, cpus = [], []
    for _ in range(repeats):
        before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return 1e3 * statistics.median(walls), 1e3 * statistics.median(cpus)


def stages(variable: str, repeats: int) -> list[tuple[str, float, float]]:
    text, params = LONG[variable]
    assert len(text) <= 200, len(text)
    parsed = formula.parse(text, params)
    stable, _ = stabilise(parsed.tree)
    f = formula.check(text, params)
    task = f.task
    rng = np.random.default_rng(0)
    if task == "classification":
        y, raw = rng.integers(0, 3, 1000), rng.normal(size=(1000, 3))
    else:
        y = rng.normal(size=1000)
        raw = y + rng.normal(size=1000)

    def compile_and_run() -> None:
        fresh = formula.Formula(parsed, stable, (), f.derivation)
        fresh.fn(y, raw, **f.defaults)

    def everything() -> None:
        p = formula.parse(text, params)
        s, notes = stabilise(p.tree)
        d = derive(p, s)
        formula.Formula(p, s, notes, d).fn(y, raw, **f.defaults)

    def check() -> None:
        formula.check(text, params)

    cache: dict[str, object] = {f.key: f}
    rows = [
        ("parse", *timed(lambda: formula.parse(text, params), repeats)),
        ("stable", *timed(lambda: stabilise(parsed.tree), repeats)),
        ("derive, cold", *timed(lambda: derive(parsed, stable), repeats, clear_cache)),
        ("derive, warm", *timed(lambda: derive(parsed, stable), repeats)),
        ("compile + 1000-sample evaluation", *timed(compile_and_run, repeats)),
        ("parse + derive + compile, cold", *timed(everything, repeats, clear_cache)),
        ("check() via the helper, its SymPy warm", timed(check, repeats)[0], None),
        ("numerics (every verdict)", *timed(lambda: formula.numerics(f), repeats)),
        ("losses.get(name), cold", *timed(lambda: losses.get(f.name, task), repeats, clear_cache)),
        ("cache hit (dict by key)", *timed(lambda: cache[f.key], repeats)),
    ]
    return rows


def evaluation_ratios(repeats: int) -> list[tuple[str, str, float, float]]:
    rows = []
    rng = np.random.default_rng(1)
    for task, text, name, k in BUILTIN_PAIRS:
        mine = losses.get(formula.check(text).name, task)
        ref = losses.get(name, task)
        if task == "classification":
            y, raw = rng.integers(0, k, 10_000), rng.normal(size=(10_000, k)) * 3
        else:
            y = rng.normal(size=10_000)
            raw = y + rng.normal(size=10_000)
        for dtype in (np.float64, np.float32):
            r = raw.astype(dtype)
            yy = y if task == "classification" else y.astype(dtype)
            t_mine = timed(lambda m=mine, yy=yy, r=r: m.fn(yy, r), repeats)[1]
            t_ref = timed(lambda f=ref, yy=yy, r=r: f.fn(yy, r), repeats)[1]
            rows.append((f"{text} vs {name}", np.dtype(dtype).name, t_mine, t_mine / t_ref))
    return rows


def cold_start() -> tuple[float, float]:
    """Seconds: a fresh interpreter importing SymPy; the helper process's first answer."""
    code = "import time; t = time.perf_counter(); import sympy; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    deadline.stop()
    t = time.perf_counter()
    formula.check("softplus(-m)")
    return float(out.stdout), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args()
    sympy_import, helper_start = cold_start()
    print(f"cold start: import sympy {sympy_import:.2f} s; helper's first answer "
          f"{helper_start:.2f} s\n")  # fmt: skip
    for variable in ("r", "m", "p"):
        text, _ = LONG[variable]
        print(f"### {len(text)}-character formula in {variable}\n\n    {text}\n")
        print("| stage | wall ms (median) | CPU ms (median) |\n|---|---:|---:|")
        for name, wall, cpu in stages(variable, args.repeats):
            cpu_text = "n/a" if cpu is None else f"{cpu:.2f}"
            print(f"| {name} | {wall:.2f} | {cpu_text} |")
        print()
    print("### evaluation, 10,000 samples: formula against the built-in it reproduces\n")
    print("| pair | dtype | formula CPU ms | ratio to built-in |\n|---|---|---:|---:|")
    for pair, dtype, ms, ratio in evaluation_ratios(args.repeats):
        print(f"| {pair} | {dtype} | {ms:.3f} | {ratio:.2f}x |")
    cold = [row for v in ("r", "m", "p") for row in stages(v, 5) if row[0].startswith("parse +")]
    wall, cpu = max(row[1] for row in cold), max(row[2] for row in cold)
    print(
        f"\ntarget: parse + derive + compile <= 50 ms for 200 characters; worst median CPU "
        f"{cpu:.1f} ms ({'met' if cpu <= 50 else 'NOT met'}), wall {wall:.1f} ms (wall grows "
        "with the machine's load; CPU time is this process's own work)"
    )


if __name__ == "__main__":
    main()
