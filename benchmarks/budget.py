"""The work budget's calibration: the estimate of every view against its measured CPU and memory.

Run from the repository root::

    python benchmarks/budget.py                      # the grid: estimate vs measured, a table
    python benchmarks/budget.py --fit                # and fit the coefficients of core.cost
    python benchmarks/budget.py --only db-            # the grid's links whose name starts so
    python benchmarks/budget.py --link 'Decision_boundaries?epochs=900&width=256'

Each link of :data:`GRID` (every page with a training budget, from its default view past the
budget, and the heaviest links it admits) is measured in a fresh Python process, as the app
runs: two worker processes (``serve.workers``), each page in its own precision (Decision
boundaries and the home page's figure in float64, ``ui.comparison.DTYPE``; Training curves and
Outlier robustness in float32, their ``DTYPE``), the page rendered by ``AppTest``. The
process first renders the link made small (:func:`warm_query`: the imports it needs, the
worker processes started, nothing it caches for the link itself), then the link with every
budget check admitting it (``ui.controls.within_budget`` replaced, in that process only, by a
function that records what the check was asked), and measures:

* the CPU seconds of the process tree (the server process and its worker processes, with
  those of the workers that ended), from ``/proc``;
* the peak RSS of the tree above its RSS before the link, sampled every 20 ms;
* the wall time (busy machine: for reference only).

The page's estimate (:class:`core.cost.Work`) is the largest one its budget checks computed
(Outlier robustness checks its fit, then the fit with the sweep); what each check was asked
is kept in the results (``--json``), so ``--refit`` estimates the same links again with a
changed cost model, without measuring them again. ``--fit`` fits the
coefficients of ``core.cost.SECONDS_PER`` (non-negative least squares on the measured CPU
seconds) and of ``core.cost.Work.peak`` (on the peak MB), and prints them and each link's
ratio measured / estimated with the coefficients in the code. ``core/cost.py`` holds
coefficients at or above the fit, so that every measured link stays at or under its estimate
(ratio <= 1): a view the budget admits then takes at most ``MAX_SECONDS`` and ``MAX_PEAK``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import importlib
import json
import os
import pickle
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import cpu_seconds, load_average, rss_mb  # noqa: E402

EIGHT = [
    "cross_entropy",
    "mse",
    "mae",
    "hinge",
    "squared_hinge",
    "multi_margin",
    "focal",
    "gce",
]
#: Eight regression losses (every one that takes negative targets), as the probe chose them.
REGRESSION8 = [
    "mse",
    "mae",
    "huber",
    "smooth_l1",
    "log_cosh",
    "pinball",
    "epsilon_insensitive",
    "cauchy",
]
PAGES = {
    "Decision_boundaries": "pages/5_Decision_boundaries.py",
    "Training_curves": "pages/6_Training_curves.py",
    "Outlier_robustness": "pages/7_Outlier_robustness.py",
}
#: Settings that make a link's view small: rendered first in every process, it imports what
#: the link needs and starts the workers, without caching anything the link then uses.
SMALL = {
    "epochs": "1",
    "repochs": "10",
    "cepochs": "10",
    "seeds": "1",
    "nrates": "3",
    "sweep": "false",
}


def warm_query(query: dict[str, object]) -> dict[str, object]:
    """``query`` made small (:data:`SMALL`, 40 points, a 100-row file of the same kind)."""
    out = {**query, **SMALL}
    for k in out:
        if k.endswith("_n_samples"):
            out[k] = "40"
    if "upload" in out:
        out["upload"] = str(out["upload"]).split(":")[0] + ":100"
    return out


def _q(**kw: object) -> dict[str, object]:
    return {k: (v if isinstance(v, list) else str(v)) for k, v in kw.items()}


def _spirals(n: int, **kw: object) -> dict[str, object]:
    return _q(dataset="spirals", spirals_n_samples=n, **kw)


#: name -> (page, query). Uploaded files: ``upload`` = ``"<task>:<rows>"`` (a synthetic CSV).
GRID: dict[str, tuple[str, dict[str, object]]] = {
    "db-default": ("Decision_boundaries", {}),
    "db-moons-1x32-300": ("Decision_boundaries", _q(dataset="moons", layers=1, epochs=300)),
    "db-600-2x64-300": ("Decision_boundaries", _spirals(600, width=64, epochs=300)),
    "db-600-3x128-150": ("Decision_boundaries", _spirals(600, layers=3, width=128)),
    "db-2000-2x32-500-8": ("Decision_boundaries", _spirals(2000, epochs=500, losses=EIGHT)),
    "db-moons400-1x256-300-8": (
        "Decision_boundaries",
        _q(dataset="moons", layers=1, width=256, epochs=300, losses=EIGHT),
    ),
    "db-blobs6-1000-2x64-300": (
        "Decision_boundaries",
        _q(dataset="blobs", blobs_n_classes=6, blobs_n_samples=1000, width=64, epochs=300),
    ),
    "db-600-2x32-300-batch32": ("Decision_boundaries", _spirals(600, epochs=300, batch=32)),
    "db-1000-1x16-1000-batch8-2": (
        "Decision_boundaries",
        _spirals(1000, layers=1, width=16, epochs=1000, batch=8, losses=["mse", "hinge"]),
    ),
    "db-moons5000-linear-2000-8": (
        "Decision_boundaries",
        _q(dataset="moons", moons_n_samples=5000, layers=0, epochs=2000, losses=EIGHT),
    ),
    "db-xor1000-3x128-200": (
        "Decision_boundaries",
        _q(dataset="xor", xor_n_samples=1000, layers=3, width=128, epochs=200),
    ),
    "db-20-3x256-300-8": (
        "Decision_boundaries",
        _spirals(20, layers=3, width=256, epochs=300, losses=EIGHT),
    ),
    "db-20-3x256-100-1": (
        "Decision_boundaries",
        _spirals(20, layers=3, width=256, epochs=100, losses=["cross_entropy"]),
    ),
    "db-5000-2x32-150": ("Decision_boundaries", _spirals(5000)),
    "db-600-2x32-2000": ("Decision_boundaries", _spirals(600, epochs=2000)),
    "db-2000-2x64-100-batch16-8": (
        "Decision_boundaries",
        _spirals(2000, width=64, epochs=100, batch=16, losses=EIGHT),
    ),
    "db-20-3x256-900-8 (probe)": (
        "Decision_boundaries",
        _spirals(20, layers=3, width=256, epochs=900, losses=EIGHT),
    ),
    "tc-default": ("Training_curves", {}),
    "tc-digits-linear-60-3": (
        "Training_curves",
        _q(dataset="digits", layers=0, opt="sgd", lr=0.5, epochs=60, seeds=3),
    ),
    "tc-digits-1x64-150-2": (
        "Training_curves",
        _q(dataset="digits", layers=1, width=64, opt="sgd", lr=0.1, epochs=150, seeds=2),
    ),
    "tc-600-2x32-200-10-8": ("Training_curves", _spirals(600, seeds=10, losses=EIGHT)),
    "tc-cancer-2x64-500-5": (
        "Training_curves",
        _q(dataset="breast_cancer", width=64, epochs=500, seeds=5),
    ),
    "rb-default": ("Outlier_robustness", {}),
    "rb-2000-16-300-sweep3x5": (
        "Outlier_robustness",
        _q(rlinear_1d_n_samples=2000, rmodel="16", repochs=300, seeds=3, nrates=5),
    ),
    "rb-cls-default": ("Outlier_robustness", _q(task="classification")),
    "rb-cls-1000-32-300": (
        "Outlier_robustness",
        _q(task="classification", cmoons_n_samples=1000, cmodel="32", cepochs=300, sweep="false"),
    ),
    "rb-upload20000-linear-500 (probe)": (
        "Outlier_robustness",
        _q(upload="regression:20000", repochs=500, sweep="false", rlosses=REGRESSION8),
    ),
    "rb-cls-upload20000-16-200": (
        "Outlier_robustness",
        _q(
            upload="classification:20000",
            task="classification",
            cmodel="16",
            cepochs=200,
            sweep="false",
        ),
    ),
    # the heaviest links the budget admits, page by page (estimates 5-8 s or near 300 MB; a
    # 3 x 128 network on 600 points, admitted in float32, is refused in float64)
    "edge-db-600-3x112-150 (memory)": ("Decision_boundaries", _spirals(600, layers=3, width=112)),
    "edge-db-20-3x160-300-2": (
        "Decision_boundaries",
        _spirals(20, layers=3, width=160, epochs=300, losses=["cross_entropy", "mse"]),
    ),
    "edge-db-2000-2x32-500-8": (
        "Decision_boundaries",
        _spirals(2000, epochs=500, losses=EIGHT),
    ),
    "edge-db-5000-2x32-400": ("Decision_boundaries", _spirals(5000, epochs=400)),
    "edge-db-5000-2x64-200": ("Decision_boundaries", _spirals(5000, width=64, epochs=200)),
    "edge-db-moons5000-linear-800-8": (
        "Decision_boundaries",
        _q(dataset="moons", moons_n_samples=5000, layers=0, epochs=800, losses=EIGHT),
    ),
    "edge-db-600-2x32-300-batch8": ("Decision_boundaries", _spirals(600, epochs=300, batch=8)),
    "edge-tc-600-2x32-200-10": ("Training_curves", _spirals(600, seeds=10)),
    "edge-tc-digits-1x64-150-4": (
        "Training_curves",
        _q(dataset="digits", layers=1, width=64, epochs=150, seeds=4),
    ),
    "edge-tc-cancer-2x64-400-4": (
        "Training_curves",
        _q(dataset="breast_cancer", width=64, epochs=400, seeds=4),
    ),
    "edge-tc-moons400-2x32-200-batch64-7": (
        "Training_curves",
        _q(dataset="moons", epochs=200, seeds=7, batch=64),
    ),
    "edge-rb-sine2000-32x32-300-sweep5x5": (
        "Outlier_robustness",
        _q(
            rdataset="sine_1d",
            rsine_1d_n_samples=2000,
            rmodel="32x32",
            repochs=300,
            seeds=5,
            nrates=5,
        ),
    ),
    "edge-rb-cls-1000-32x32-300-sweep3x7": (
        "Outlier_robustness",
        _q(
            task="classification",
            cmoons_n_samples=1000,
            cmodel="32x32",
            cepochs=300,
            seeds=3,
            nrates=7,
        ),
    ),
}


# --------------------------------------------------------------------------- one link (child)


def _csv(kind: str, rows: int) -> bytes:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 2))
    if kind == "regression":
        y = 2 * x[:, 0] + 0.3 * rng.normal(size=rows)
        lines = ["x,z,y"] + [f"{a:.4f},{b:.4f},{c:.4f}" for (a, b), c in zip(x, y, strict=True)]
    else:
        y = (x[:, 0] * x[:, 1] > 0).astype(int)
        lines = ["x,z,label"] + [f"{a:.4f},{b:.4f},k{c}" for (a, b), c in zip(x, y, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def _app(page: str, query: dict[str, object]):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / PAGES[page]), default_timeout=3600)
    query = dict(query)
    spec = query.pop("upload", None)
    for k, v in query.items():
        at.query_params[k] = v
    if spec:
        kind, rows = str(spec).split(":")
        prefix = "r" if kind == "regression" else "c"
        # what the uploader's callback stores (ui.upload.OWN, ui.upload.STORE; benchmarks do not
        # import the app's kit)
        at.session_state[f"{prefix}source"] = "Your CSV"
        at.session_state["upload_file"] = {"name": "big.csv", "data": _csv(kind, int(rows))}
    return at


class _Peak:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb([self.pid]))
            self._stop.wait(0.02)

    def __enter__(self) -> _Peak:
        self.peak = rss_mb([self.pid])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _recorded(call: dict[str, str]):
    """The :class:`core.cost.Work` of one recorded budget check, with the code as it is now."""
    from ui import controls

    module, name = call["work"].split(":")
    work = getattr(importlib.import_module(module), name)
    key, shape, extra = pickle.loads(base64.b64decode(call["args"]))
    if "task" not in vars(shape):  # recorded before DataShape had a task
        shape = dataclasses.replace(shape, task=key.task)
    settings = {**controls.budget_settings(key, shape), **(extra or {})}
    return work(*controls.apply_settings(key, shape, settings), settings)


def estimate(calls: list[dict[str, str]]):
    """The view's estimate: the largest of its budget checks (Outlier robustness checks its
    fit, then the fit with the sweep)."""
    works = [_recorded(c) for c in calls]
    return max(works, key=lambda w: w.seconds) if works else None


def measure_one(page: str, query: dict[str, object]) -> dict[str, object]:
    """In this process: warm up, then render ``page?query`` with every budget check admitting
    the view and recording what it was asked (to estimate it again with later code); the
    measured CPU seconds, peak MB and wall seconds."""
    os.chdir(ROOT)
    from ui import controls

    _app(page, warm_query(query)).run()
    time.sleep(0.5)
    calls: list[dict[str, str]] = []

    def admit(key, shape, work, *, extra=None, **_kw) -> bool:
        args = base64.b64encode(pickle.dumps((key, shape, extra))).decode()
        calls.append({"work": f"{work.__module__}:{work.__qualname__}", "args": args})
        return True

    controls.within_budget = admit  # this process only: every link computes
    pid = os.getpid()
    before = rss_mb([pid])
    cpu0, wall0 = cpu_seconds([pid]), time.perf_counter()
    with _Peak(pid) as peak:
        at = _app(page, query)
        at.run()
    wall = time.perf_counter() - wall0
    cpu = cpu_seconds([pid]) - cpu0
    work = estimate(calls)
    problems = [e.value[:200] for e in at.exception] + [e.value[:200] for e in at.error]
    return {
        "cpu_s": cpu,
        "peak_mb": peak.peak - before,
        "wall_s": wall,
        "calls": calls,
        "work": None if work is None else dataclasses.asdict(work),
        "estimate_s": None if work is None else work.seconds,
        "estimate_mb": None if work is None else work.peak / 2**20,
        "problems": problems,
        "load": load_average(),
    }


# --------------------------------------------------------------------------- the grid (parent)


@dataclass
class Result:
    name: str
    page: str
    data: dict[str, object]


def run_link(name: str, page: str, query: dict[str, object]) -> Result:
    arg = json.dumps({"page": page, "query": query})
    out = subprocess.run(
        [sys.executable, __file__, "--child", arg],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        return Result(name, page, {"problems": [out.stderr[-500:]]})
    return Result(name, page, json.loads(line))


def table(results: list[Result]) -> None:
    from core import cost

    print(
        "\n| link | estimate s | measured CPU s | ratio | estimate MB | measured peak MB | "
        "ratio | admitted | wall s | load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for r in results:
        d = r.data
        if d.get("work") is None:
            print(f"| {r.name} | | | | | | | | | {d.get('problems')} |")
            continue
        work = cost.Work(**d["work"])
        es, em = work.seconds, work.peak / 2**20
        admitted = "yes" if cost.within_budget(work) else "no"
        print(
            f"| {r.name} | {es:.2f} | {d['cpu_s']:.2f} | {d['cpu_s'] / es:.2f} | {em:,.0f} | "
            f"{d['peak_mb']:,.0f} | {d['peak_mb'] / max(em, 1):.2f} | {admitted} | "
            f"{d['wall_s']:.1f} | {d['load']} |"
        )


def fit(results: list[Result]) -> None:
    """Non-negative least squares of the measured CPU seconds on the work terms (relative
    errors: each link weighs alike), and of the peak MB on the view, kept and transient
    bytes; printed with the factor that brings every link to or under its estimate, not
    written to the code."""
    import numpy as np
    from scipy.optimize import nnls

    from core import cost

    rows = [r for r in results if r.data.get("work")]
    terms = list(cost.SECONDS_PER)
    A = np.array([[r.data["work"][t] for t in terms] for r in rows], dtype=float)
    b = np.array([r.data["cpu_s"] for r in rows])
    weight = 1 / np.maximum(b, 1.0)
    scale = np.where(A.max(axis=0) > 0, A.max(axis=0), 1.0)
    coef, _ = nnls(A / scale * weight[:, None], b * weight)
    coef = coef / scale
    ratio = b / (A @ coef)
    cover = ratio.max()
    print(f"\nCPU seconds per unit (NNLS; x {cover:.2f} covers every link):")
    for t, c in zip(terms, coef, strict=True):
        print(f"  {t:<13} {c:.3g} -> {c * cover:.2g}   (code: {cost.SECONDS_PER[t]:.2g})")
    print(f"  measured / fitted: min {ratio.min():.2f}, max {ratio.max():.2f}")
    M = np.array(
        [
            [r.data["work"]["views"], r.data["work"]["kept"], r.data["work"]["transient"]]
            for r in rows
        ]
    )
    M[:, 1:] /= 2**20
    m = np.array([max(0.0, r.data["peak_mb"]) for r in rows])
    w = 1 / np.maximum(m, 20.0)
    pc, _ = nnls(M * w[:, None], m * w)
    peak_ratio = m / (M @ pc)
    print(
        f"\nPeak MB per view {pc[0]:.1f}, per MB kept {pc[1]:.2f}, per transient MB {pc[2]:.2f} "
        f"(code: {cost.PEAK_PER_VIEW / 2**20:.0f}, {cost.PEAK_PER_KEPT}, "
        f"{cost.PEAK_PER_TRANSIENT})"
    )
    print(f"  measured / fitted: min {peak_ratio.min():.2f}, max {peak_ratio.max():.2f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--only", default="", help="measure only the grid's links starting so")
    p.add_argument("--skip", nargs="+", default=[], help="leave out these links of the grid")
    p.add_argument("--link", action="append", default=[], help="PAGE?QUERY to measure")
    p.add_argument("--fit", action="store_true", help="fit the coefficients too")
    p.add_argument("--json", help="write the results to this file")
    p.add_argument(
        "--refit",
        help="read the results of an earlier run from this JSON file and estimate each link "
        "again with the code as it is now (no new measurement)",
    )
    args = p.parse_args(argv)
    if args.refit:
        results = [Result(**r) for r in json.loads(Path(args.refit).read_text())]
        for r in results:
            if r.data.get("calls"):
                work = estimate(r.data["calls"])
                r.data["work"] = dataclasses.asdict(work)
        table(results)
        fit(results)
        return 0
    if args.child:
        spec = json.loads(args.child)
        with contextlib.redirect_stdout(sys.stderr):
            data = measure_one(spec["page"], spec["query"])
        print(json.dumps(data), flush=True)
        return 0
    links = {n: v for n, v in GRID.items() if n.startswith(args.only) and n not in args.skip}
    for link in args.link:
        page, _, query = link.partition("?")
        links[link] = (
            page,
            {k: v if len(v) > 1 else v[0] for k, v in urllib.parse.parse_qs(query).items()},
        )
    print(f"load average at start: {load_average()}", flush=True)
    results = []
    for name, (page, query) in links.items():
        r = run_link(name, page, query)
        d = {"estimate_s": None, "estimate_mb": None, **r.data}
        nan = float("nan")
        print(
            f"  {name:<40} CPU {d.get('cpu_s', nan):7.2f} s  peak {d.get('peak_mb', nan):7.0f} "
            f"MB  estimate {d['estimate_s'] or nan:7.2f} s {d['estimate_mb'] or nan:7.0f} MB  "
            f"wall {d.get('wall_s', nan):6.1f} s  {d.get('problems') or ''}",
            flush=True,
        )
        results.append(r)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    table(results)
    if args.fit:
        fit(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
