"""What a student's formula costs through the page: the formula box's entry point, cold and
cached, its numerics, and a whole Loss & gradient curves run with and without a formula.

Stages (median over ``--repeats`` runs; wall and CPU time of this process — the derivation's
own CPU is spent in the helper process and shows in wall time only):

* ``entry point, cold``: :func:`ui.formula_box.check` with its cache cleared: parse, stable
  rewrites, the derivation in the helper process (its SymPy cache warm: a formula seen before
  by the helper, as on a server where one student's formula is opened by the room) and the
  JSON-free ``Formula`` back; ``entry point, cold, SymPy cold``: the helper's SymPy cache
  cleared too (a formula nobody typed before);
* ``entry point, cached``: the same call again (``st.cache_data`` hit: the pickled formula);
* ``numerics, cold`` / ``cached``: :func:`ui.formula_box.verdicts` (every verdict on the grid);
* ``Loss curves, no formula`` / ``with a formula, cold`` / ``with a formula, cached``: a whole
  page run under ``AppTest`` (every cache cleared before a cold run).

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

from core.formula import deadline  # noqa: E402
from ui import formula_box  # noqa: E402

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
    formula_box.formula.check("m")  # starts the helper, derives a trivial formula


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
    formula_box.check(text, task)  # helper started, SymPy imported in it
    key = formula_box.check(text, task).formula.key
    rows = [
        (
            "entry point, cold",
            *timed(lambda: formula_box.check(text, task), n, formula_box.checked.clear),
        ),
        (
            "entry point, cold, SymPy cold",
            *timed(
                lambda: formula_box.check(text, task),
                n,
                lambda: (formula_box.checked.clear(), _clear_sympy_in_helper()),
            ),
        ),
        ("entry point, cached", *timed(lambda: formula_box.check(text, task), n)),
        (
            "numerics, cold",
            *timed(lambda: formula_box.verdicts(key), n, formula_box.verdicts.clear),
        ),
        ("numerics, cached", *timed(lambda: formula_box.verdicts(key), n)),
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
