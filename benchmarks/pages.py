"""Page speed: every page's default view, cold (empty cache) and warm (a cached rerun).

Run from the repository root::

    python benchmarks/pages.py [--repeats 3] [--only loss_curves,decision_boundaries]
    python benchmarks/pages.py lecture [--rounds 3]

For each page of ``ui.screens.PAGES`` whose file exists, in one process (imports are paid once,
by a warm-up run of the home page, not by the first page measured):

cold
    ``st.cache_data.clear()``, then a fresh ``AppTest`` runs the page's default view.
warm
    After the cold run, one widget is changed and changed back; the run after changing it back
    is timed, so every cached computation is hit (a lecturer flipping a control back and forth).
    Which widget: ``WARM_WIDGET`` below, keyed by screen key; otherwise the page's first toggle
    or checkbox; otherwise a plain rerun.

sweeps
    The heaviest views a lecturer starts with one click (``SWEEPS``: many seeds x rates), cold,
    against their own target (<= 15 s; they show progress while they run).

lecture
    Each step of the default lecture path (Page Down to the next stop drawn with its claim)
    in headless Chromium at 1280x720 in presenter mode, after the server's warm-up.

Prints the medians over ``--repeats`` as markdown tables against the targets
(cold <= 3 s, warm <= 0.5 s, sweeps <= 15 s). Times are wall-clock on this machine, under
AppTest (no browser).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402 - the browser tests' Chromium flags
from ui import screens  # noqa: E402

COLD_TARGET_S = 3.0
WARM_TARGET_S = 0.5
SWEEP_TARGET_S = 15.0
TIMEOUT_S = 600

#: The widget a page toggles for the warm run: ``{screen key: (widget kind, key, other value)}``.
#: The kind is an ``AppTest`` accessor (``slider``, ``toggle``, ``selectbox``, ...).
WARM_WIDGET: dict[str, tuple[str, str, object]] = {
    "loss_curves": ("slider", "at", 2.0),
}


#: Heavy views, by name: ``(screen key, URL query)``; each is what a preset or link starts.
SWEEPS: dict[str, tuple[str, dict[str, str]]] = {
    "Outlier robustness: label-noise sweep on moons (0-60 %, 3 seeds)": (
        "outlier_robustness",
        {"task": "classification", "cdataset": "moons", "sweep": "true", "rate": "0.4"},
    ),
    "Outlier robustness: label-noise sweep at the sliders' maxima (5 seeds x 7 rates)": (
        "outlier_robustness",
        {
            "task": "classification",
            "cdataset": "moons",
            "sweep": "true",
            "seeds": "5",
            "nrates": "7",
        },
    ),
    "Outlier robustness: outlier sweep at the sliders' maxima (5 seeds x 7 rates)": (
        "outlier_robustness",
        {"task": "regression", "sweep": "true", "seeds": "5", "nrates": "7"},
    ),
    # A 10-seed view of digits, near the work budget (core.cost.within_budget, calibrated by
    # benchmarks/budget.py).
    "Training curves: digits, 10 seeds x 4 losses, 60 epochs": (
        "training_curves",
        {"dataset": "digits", "seeds": "10", "epochs": "60"},
    ),
}


def _app(path: str) -> AppTest:
    return AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT_S)


def _check(at: AppTest, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: {[e.value for e in at.exception]}")


def _timed_run(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    return time.perf_counter() - t


def _warm_widget(key: str, at: AppTest):
    """``(widget, other value, description)`` to change and change back, or ``None``."""
    if key in WARM_WIDGET:
        kind, wkey, other = WARM_WIDGET[key]
        return getattr(at, kind)(key=wkey), other, f"{kind} `{wkey}`"
    for kind in ("toggle", "checkbox"):
        for w in getattr(at, kind):
            if w.key is not None:
                return w, not w.value, f"{kind} `{w.key}`"
    return None


def measure(screen: screens.Screen) -> tuple[float, float, str]:
    """One cold and one warm time (seconds) for a page, and how the warm run was made."""
    st.cache_data.clear()
    at = _app(screen.path)
    cold = _timed_run(at)
    _check(at, f"{screen.key} cold")
    found = _warm_widget(screen.key, at)
    if found is None:
        warm = _timed_run(at)
        how = "plain rerun"
    else:
        widget, other, how = found
        original = widget.value
        widget.set_value(other)
        at.run()
        _check(at, f"{screen.key} after changing {how}")
        widget = _warm_widget(screen.key, at)[0]
        widget.set_value(original)
        warm = _timed_run(at)
    _check(at, f"{screen.key} warm")
    return cold, warm, how


def measure_sweep(key: str, query: dict[str, str]) -> float:
    """Cold wall time (seconds) of a heavy view opened by its URL query."""
    st.cache_data.clear()
    at = _app(screens.SCREENS[key].path)
    for name, value in query.items():
        at.query_params[name] = value
    seconds = _timed_run(at)
    _check(at, f"{key} {query}")
    if at.error:  # e.g. the work budget refused the view: nothing was measured
        raise RuntimeError(f"{key}: {at.error[0].value}")
    if at.warning and any("not allowed here" in w.value for w in at.warning):
        raise RuntimeError(f"{key}: the page refused part of {query}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per page (median)")
    parser.add_argument("--only", default="", help="comma-separated screen keys")
    args = parser.parse_args(argv)
    only = {k for k in args.only.split(",") if k}
    measured = [
        s
        for s in screens.SCREENS.values()
        if (ROOT / s.path).exists() and (not only or s.key in only)
    ]
    _app(screens.SCREENS["home"].path).run()  # warm-up: imports are not a page's cost

    rows, failed = [], []
    for screen in measured:
        try:
            runs = [measure(screen) for _ in range(args.repeats)]
        except RuntimeError as err:  # a broken page is reported, the others still measured
            failed.append((screen, str(err)))
            print(f"  {screen.key}: FAILED {err}", file=sys.stderr)
            continue
        cold = statistics.median(r[0] for r in runs)
        warm = statistics.median(r[1] for r in runs)
        rows.append((screen, cold, warm, runs[0][2]))
        print(f"  {screen.key}: cold {cold:.2f} s, warm {warm:.3f} s", file=sys.stderr)

    print(f"Median of {args.repeats} runs, AppTest, Python {sys.version.split()[0]}.\n")
    print(
        f"| page | cold (s) | ≤ {COLD_TARGET_S:g} s | warm (s) | ≤ {WARM_TARGET_S:g} s | warm run |"
    )
    print("|---|---:|:-:|---:|:-:|---|")
    for screen, cold, warm, how in rows:
        ok_cold = "yes" if cold <= COLD_TARGET_S else "**no**"
        ok_warm = "yes" if warm <= WARM_TARGET_S else "**no**"
        print(f"| {screen.label} | {cold:.2f} | {ok_cold} | {warm:.3f} | {ok_warm} | {how} |")
    for screen, err in failed:
        print(f"| {screen.label} | error | **no** | error | **no** | {err[:80]} |")

    sweeps = {
        name: (key, query) for name, (key, query) in SWEEPS.items() if not only or key in only
    }
    if sweeps:
        print(f"\n| heavy view (cold) | s | ≤ {SWEEP_TARGET_S:g} s |\n|---|---:|:-:|")
    for name, (key, query) in sweeps.items():
        try:
            t = statistics.median(measure_sweep(key, query) for _ in range(args.repeats))
        except RuntimeError as err:
            failed.append((screens.SCREENS[key], str(err)))
            print(f"| {name} | error | **no** |")
            continue
        print(f"| {name} | {t:.2f} | {'yes' if t <= SWEEP_TARGET_S else '**no**'} |")
    if failed:
        sys.exit(1)


def clicks_main(argv: list[str] | None = None) -> None:
    """Preset click -> final figure in headless Chromium at 1280x720, every page's presets in
    order (the browser preset walk of ``tests/e2e/test_preset_walk.py``), against a fresh
    ``streamlit run``: each click once cold (the server's background warm-up still running:
    clicks take turns with its views), then, once the server is idle, the whole walk
    ``--rounds - 1`` times again warm (their median); target <= 2 s warm.
    A click's time runs from the click until the run it started has finished and the figure
    is drawn (``run_settled``: the app's settled state, the charts' marks, the player's
    frames, polled every 50 ms); the walk's settling waits are outside it."""
    import shutil
    import statistics

    from playwright.sync_api import sync_playwright

    from tests.e2e.test_preset_walk import PROJECTOR, SCREENS, walk

    parser = argparse.ArgumentParser(description="preset click timing in a browser")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--rounds", type=int, default=3, help="walks: 1 cold + the rest warm")
    args = parser.parse_args(argv)
    from benchmarks.load import wait_idle
    from deploy.serve import HEADLESS, streamlit_run

    runs: dict[str, list[float]] = {}
    problems: list[str] = []
    with (
        streamlit_run(port=args.port, server_args=HEADLESS) as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for round_ in range(max(args.rounds, 2)):
            if round_ == 1:
                # The warm rounds are the lecture: the server's background warm-up (every
                # default view and preset) has finished, as it has by the time a class starts.
                waited = wait_idle([server.proc.pid], timeout=900)
                print(f"server idle (warm-up done) {waited:.0f} s after the cold walk")
            for screen in SCREENS:
                found, timings = walk(browser, server.url, screen, PROJECTOR)
                problems += found
                for label, took in timings:
                    runs.setdefault(label, []).append(took)
        browser.close()
    print("| preset click (1280x720) | cold (s) | warm (s) | <= 2 s warm |\n|---|---:|---:|:-:|")
    for label, (cold, *warm) in runs.items():
        w = statistics.median(warm) if warm else float("nan")
        print(f"| {label} | {cold:.2f} | {w:.2f} | {'yes' if w <= 2 else 'no'} |")
    slowest = max(runs, key=lambda label: statistics.median(runs[label][1:]))
    print(f"\nSlowest warm click: {slowest}, {statistics.median(runs[slowest][1:]):.2f} s")
    print(f"\nProblems seen on screen (warnings, figure below the fold, overflow): {len(problems)}")
    for line in problems:
        print(f"- {line}")


def lecture_main(argv: list[str] | None = None) -> None:
    """Each step of the default lecture path in headless Chromium at 1280x720 in presenter
    mode, against a fresh ``streamlit run`` whose background warm-up (which renders every stop
    as the lecturer and the room open it) has finished: Page Down -> the next stop's URL, its
    figure drawn and its claim shown (``tests/e2e/test_lecture.py``'s ``arrive``, polled every
    50 ms), ``--rounds`` walks, the median per step; target <= 1 s on a quiet machine. The
    load average is printed with it (on a busy machine the times are not a result), and the
    server's CPU seconds per step (its share of the step, whatever the load)."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import wait_for_run
    from tests.e2e.test_lecture import DEFAULT, PROJECTOR, arrive

    parser = argparse.ArgumentParser(description="lecture path step timing in a browser")
    parser.add_argument("--port", type=int, default=8598)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from benchmarks.load import cpu_seconds, wait_idle
    from deploy.serve import HEADLESS, streamlit_run

    steps: dict[int, list[float]] = {}
    cpu: dict[int, list[float]] = {}
    with (
        streamlit_run(port=args.port, server_args=HEADLESS) as server,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        # the first page view starts the server's warm-up; the walks begin when it is done
        first = browser.new_page(viewport=PROJECTOR)
        first.goto(server.url, timeout=90_000)
        wait_for_run(first)
        first.close()
        time.sleep(5)
        waited = wait_idle([server.proc.pid], timeout=1800)
        print(f"server idle (warm-up done) after {waited:.0f} s; load average {os.getloadavg()}")
        for _ in range(args.rounds):
            context = browser.new_context(viewport=PROJECTOR, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{server.url}/?lecture=default&stop=1&present=1", timeout=90_000)
            wait_for_run(page)
            arrive(page, 0)
            for i in range(1, len(DEFAULT)):
                start, used = time.monotonic(), cpu_seconds([server.proc.pid])
                page.keyboard.press("PageDown")
                arrive(page, i)
                steps.setdefault(i, []).append(time.monotonic() - start)
                cpu.setdefault(i, []).append(cpu_seconds([server.proc.pid]) - used)
                wait_for_run(page)
            context.close()
        browser.close()
    load = os.getloadavg()
    print(f"\nLoad average at the end (1, 5, 15 min): {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}")
    print(
        "\n| step (Page Down) | median (s) | all (s) | server CPU (s, median) |"
        "\n|---|---:|---|---:|"
    )
    for i, took in steps.items():
        s0, s1 = DEFAULT.stops[i - 1], DEFAULT.stops[i]
        shown = ", ".join(f"{t:.2f}" for t in took)
        label = f"{i} -> {i + 1}: {s0.page or 'home'} -> {s1.page or 'home'}"
        print(
            f"| {label} | {statistics.median(took):.2f} | {shown} | "
            f"{statistics.median(cpu[i]):.2f} |"
        )
    every = [statistics.median(t) for t in steps.values()]
    print(f"\nMedian step {statistics.median(every):.2f} s, slowest {max(every):.2f} s.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "lecture":
        lecture_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "clicks":
        clicks_main(sys.argv[2:])
    else:
        main()
