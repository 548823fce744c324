"""What a student's formula costs through the page: what the formula box's entry point runs
(cold), its numerics, and whole Loss & gradient curves runs with and without a formula, cold
and cached.

Stages (median over ``--repeats`` runs; wall and CPU time of this process — the derivation's
own CPU is spent in the helper process and shows in wall time only):

* ``entry point's work, cold``: what ``ui.formula_box.check`` runs on a cache miss,
  :func:`core.formula.from_key` under the time limit: parse, stable rewrites, the derivation
  in the helper process (its SymPy cache warm: a formula the helper has seen, as on a server
  where one student's link is opened by the room); ``..., SymPy cold``: a fresh helper (a
  formula nobody typed before);
* ``numerics``: :func:`core.formula.numerics` (every verdict on the grid; the box caches it);
* ``Loss curves, no formula`` / ``with the formula, cold`` / ``with the formula, cached``: a
  whole page run under ``AppTest`` (every ``st.cache_data`` entry cleared before a cold run;
  the cached run is the entry point's cache hit and every other cache hit).

Run from the repository root (results in benchmarks/README.md, "Formula through the page")::

    /work/main/.venv/bin/python benchmarks/formula_page.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core import formula  # noqa: E402
from core.formula import deadline  # noqa: E402

#: A 200-character formula in m with two parameters (benchmarks/formula_speed.py's), as typed.
LONG_M = (
    "max(0, delta - 1.5*m)**2/(2.5*delta) + gamma*log(1 + exp(-m/delta)) + (1 - tanh(m))*"
    "sigmoid(-2.5*m)/4.5 + min(1, max(0, 1 - m))*softplus(-m)**2/(1 + abs(m)) + exp(-abs("
    "m))*log1p(m**2)/(3.25 + gamma); delta = 1 in [0.1, 5]; gamma = 0.5 in [0, 2]"
)
PAGE = str(ROOT / "pages" / "1_Loss_curves.py")


def timed(fn: Callable[[], object], repeats: int, before: Callable[[], object] = lambda: None):
    """Median wall and CPU milliseconds of ``fn`` (``before`` each run, untimed)."""
    walls, cpus = [], []
    for _ in range(repeats):
        before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return 1e3 * statistics.median(walls), 1e3 * statistics.median(cpus)


def _clear_sympy_in_helper() -> None:
    """A fresh helper process: its SymPy cache empty (the start itself is not timed)."""
    deadline.stop()
    formula.check("m")  # starts the helper, derives a trivial formula


def page_run(query: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        at = AppTest.from_file(PAGE, default_timeout=300)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    n = args.repeats
    text, task = LONG_M, "classification"
    f = formula.from_key(text, task)  # helper started, SymPy imported in it
    rows = [
        ("entry point's work, cold", *timed(lambda: formula.from_key(text, task), n)),
        (
            "entry point's work, cold, SymPy cold",
            *timed(lambda: formula.from_key(text, task), n, _clear_sympy_in_helper),
        ),
        ("numerics (every verdict)", *timed(lambda: formula.numerics(f), n)),
    ]
    plain, mine = page_run({}), page_run({"formula": text})
    plain()  # imports, registry, charts' first specs
    rows += [
        ("Loss curves, no formula, cached", *timed(plain, n)),
        ("Loss curves, with the formula, cold", *timed(mine, n, st.cache_data.clear)),
        ("Loss curves, with the formula, cached", *timed(mine, n)),
    ]
    print(f"formula ({len(text)} characters with its declarations):\n\n    {text}\n")
    print("| stage | wall ms (median) | CPU ms (median, this process) |\n|---|---:|---:|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
