"""Live training in the browser: frames per second, first frames, messages, heap, payload, a room.

Run from the repository root (it starts and stops its own servers)::

    python benchmarks/live.py browser [--repeats 3] [--heap-minutes 5] [--before DIR]
    python benchmarks/live.py room [--sessions 60]

``browser`` (headless Chromium, the Decision boundaries default view: spirals, 4 losses,
MLP 32x32, 420 training points, 150 epochs)

live fps
    After an edit (a point added, "retrain from the start"), the panels follow the training:
    distinct frames drawn per second until the browser has trained all 150 epochs (each frame
    a new epoch's four surfaces, gradient sizes and curves), at 1280x720 and 390x844; and
    the epochs trained per second meanwhile.
first frame
    From an edit, and from Play, to the first frame drawn after it (the player's
    ``data-first-draw-ms`` / ``data-play-frame-ms``, measured in the page).
messages
    Websocket messages the page sends while dragging a point (40 moves), editing (add, flip,
    erase, undo) and playing (5 s): the target is none.
heap
    JS heap (after a forced GC) every 30 s over ``--heap-minutes`` of playing and editing
    (an edit and a restart every 5 s).
payload
    Websocket bytes received for one fresh view of the page (and, with ``--before DIR``, of
    another checkout, e.g. the commit before live training).

``room``: ``--sessions`` students each open the default view (its cache warmed by one session
first), then make their own what-if at once — a seed of their own (0.05 s of server work is the
target per what-if; the view then trains live in each browser). Reported: the time from the
what-if's request to the end of its script run (the player is drawn by then: in the browser the
first live frame follows within the engine's first-frame time, measured by ``browser``), its
p95, the server's CPU seconds per what-if, and the same for Streamlit's floor (a one-line page).
The what-ifs queue on one interpreter, so their p95 is about 57 runs' server CPU: the p95 over
the floor's is about 60 x (CPU per what-if - the floor's CPU per rerun). ``--busy N`` loads the
machine: N processes spinning on the CPU from before the server starts to the end (a room's
server shares its cores with other work; the load average then shows them).

Prints markdown tables. Wall times on a shared machine are noisy: the load average is printed
with every table; compare CPU seconds and repeat on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import cpu_seconds, source_address, wait_idle  # noqa: E402
from deploy.serve import HEADLESS, free_port, streamlit_run  # noqa: E402
from serve.session import Session  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402

PAGE = "Decision_boundaries"
TIMEOUT_MS = 600_000


def load() -> str:
    return ", ".join(f"{v:.1f}" for v in os.getloadavg())


# --------------------------------------------------------------------------- browser

#: In the page: frames drawn and epochs trained until the frontier reaches the end.
FOLLOW = """(root) => new Promise((done) => {
  const seen = new Set(); const t0 = performance.now(); const f0 = Number(root.dataset.frontier);
  function look(now) {
    seen.add(root.dataset.frame + '@' + root.dataset.run);
    if (root.dataset.frontier !== root.querySelector('.ll-scrub').max && now - t0 < 120000) {
      requestAnimationFrame(look);
    } else {
      const s = (now - t0) / 1000;
      done({frames: seen.size, seconds: s, epochs: Number(root.dataset.frontier) - f0});
    }
  }
  requestAnimationFrame(look);
})"""


def _ready(page) -> object:
    page.wait_for_selector(".ll-player[data-ready='1']", timeout=TIMEOUT_MS)
    root = page.locator(".ll-player")
    page.wait_for_function(
        "(r) => r.dataset.frontier === r.querySelector('.ll-scrub').max",
        arg=root.element_handle(),
        timeout=TIMEOUT_MS,
    )
    return root


def _spot(root, x: float, y: float) -> tuple[float, float]:
    stack = root.locator(".ll-stack").first
    stack.scroll_into_view_if_needed()
    box = stack.bounding_box()
    left, top, w, h = map(float, root.get_attribute("data-plot").split(","))
    x0, x1, y0, y1 = map(float, root.get_attribute("data-extent").split(","))
    return box["x"] + left + (x - x0) / (x1 - x0) * w, box["y"] + top + h - (y - y0) / (y1 - y0) * h


def live_fps(page, root, repeats: int) -> dict[str, float]:
    """Edit (add a point) and follow the retraining: frames/s, epochs/s, first frame."""
    fps, eps, first = [], [], []
    root.locator(".ll-tool[data-tool='add']").click()
    for k in range(repeats):
        x, y = _spot(root, -2.5 + 0.2 * k, 2.3)
        page.mouse.click(x, y)
        out = root.evaluate(FOLLOW)
        fps.append(out["frames"] / out["seconds"])
        eps.append(out["epochs"] / out["seconds"])
        first.append(float(root.get_attribute("data-first-draw-ms")))
    play = []
    for _ in range(repeats):
        # the player as it is now: a pause names its epoch in the link (one rerun), after
        # which the page may hold a new player element
        handle = root.element_handle()
        handle.evaluate("(r) => { delete r.dataset.playFrameMs; }")
        root.get_by_role("button", name="restart").click()
        page.wait_for_function("(r) => r.dataset.playFrameMs !== undefined", arg=handle)
        play.append(float(handle.get_attribute("data-play-frame-ms")))
        page.wait_for_timeout(1500)
        root.get_by_role("button", name="pause").click()
        page.wait_for_timeout(1500)
    return {
        "live fps (frames drawn while training, median)": statistics.median(fps),
        "epochs trained per second meanwhile": statistics.median(eps),
        "edit -> first frame drawn, ms (median)": statistics.median(first),
        "edit -> first frame drawn, ms (max)": max(first),
        "Play -> first frame drawn, ms (median)": statistics.median(play),
    }


def messages(page, root, sent: list) -> dict[str, float]:
    """Websocket messages sent while dragging, editing and playing."""
    out = {}
    root.locator(".ll-tool[data-tool='drag']").click()
    import numpy as np

    from core import datasets

    X = datasets.load("spirals").X_train
    d = np.linalg.norm(X[:, None] - X[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    i = int(np.argmax(d.min(axis=1)))
    ax, ay = _spot(root, *X[i])
    n = len(sent)
    page.mouse.move(ax, ay)
    page.mouse.down()
    for k in range(40):
        page.mouse.move(ax + k * 2, ay - k)
        page.wait_for_timeout(25)
    page.mouse.up()
    page.wait_for_timeout(1000)
    out["dragging (40 moves)"] = len(sent) - n
    n = len(sent)
    for tool, (x, y) in (("add", (-2.4, 2.3)), ("flip", tuple(X[i])), ("erase", tuple(X[i]))):
        root.locator(f".ll-tool[data-tool='{tool}']").click()
        page.mouse.click(*_spot(root, x, y))
        page.wait_for_timeout(300)
    root.locator("[data-action='undo']").click()
    page.wait_for_timeout(1000)
    out["editing (add, flip, erase, undo)"] = len(sent) - n
    root.locator("[data-action='reset']").click()
    _ready(page)
    n = len(sent)
    root.get_by_role("button", name="restart").click()
    page.wait_for_timeout(5000)
    out["playing (5 s)"] = len(sent) - n
    return out


def heap(page, root, cdp, minutes: float) -> list[float]:
    """JS heap (MiB, after a GC) every 30 s over ``minutes`` of playing and editing."""
    cdp.send("Performance.enable")

    def sample() -> float:
        cdp.send("HeapProfiler.collectGarbage")
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 2**20

    out = [sample()]
    root.locator(".ll-tool[data-tool='add']").click()
    end = time.monotonic() + 60 * minutes
    last = time.monotonic()
    k = 0
    while time.monotonic() < end:
        k += 1
        if k % 2:
            page.mouse.click(*_spot(root, -2.5 + 0.1 * (k % 8), 2.3))
        else:
            root.locator("[data-action='undo']").click()
        root.get_by_role("button", name="restart").click()
        page.wait_for_timeout(5000)
        if time.monotonic() - last >= 30:
            out.append(sample())
            last = time.monotonic()
    return out


def view_bytes(browser, url: str, ready: str | None) -> int:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    got = [0]
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda f: got.__setitem__(0, got[0] + len(f))),
    )
    page.goto(url, timeout=TIMEOUT_MS)
    if ready:
        page.wait_for_selector(ready, timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
            ?.getAttribute('data-test-script-state') === 'notRunning'""",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(2000)
    page.close()
    return got[0]


def browser_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="live player in the browser")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--heap-minutes", type=float, default=5.0)
    parser.add_argument("--before", default="", help="another checkout, for the payload")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows: dict[str, dict] = {}
    payload: list[tuple[str, int]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        if args.before:
            before = Path(args.before).resolve()
            with streamlit_run(before / "streamlit_app.py", cwd=before, server_args=HEADLESS) as s:
                view_bytes(browser, f"{s.url}/{PAGE}", None)  # trains and caches the view
                payload.append(("before", view_bytes(browser, f"{s.url}/{PAGE}", None)))
        with streamlit_run(server_args=HEADLESS) as server:
            url = f"{server.url}/{PAGE}"
            view_bytes(browser, url, ".ll-player[data-ready='1']")
            payload.append(
                ("this checkout", view_bytes(browser, url, ".ll-player[data-ready='1']"))
            )
            for label, size in (("1280x720", (1280, 720)), ("390x844", (390, 844))):
                ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
                page = ctx.new_page()
                sent: list[float] = []
                page.on(
                    "websocket", lambda ws, sent=sent: ws.on("framesent", lambda _: sent.append(1))
                )
                page.goto(url, timeout=TIMEOUT_MS)
                root = _ready(page)
                page.wait_for_timeout(1000)
                rows[label] = {"where": root.get_attribute("data-where")}
                rows[label] |= live_fps(page, root, args.repeats)
                if label == "1280x720":
                    rows["messages"] = messages(page, root, sent)
                    if args.heap_minutes > 0:
                        rows["heap"] = {
                            "samples": heap(
                                page, root, ctx.new_cdp_session(page), args.heap_minutes
                            )
                        }
                ctx.close()
        browser.close()
    print(f"Decision boundaries, default view; load average {load()} (2 cores).\n")
    print("| live player | 1280x720 | 390x844 |\n|---|---:|---:|")
    for k in rows["1280x720"]:
        a, b = rows["1280x720"][k], rows["390x844"][k]
        fmt = (lambda v: f"{v:.1f}") if isinstance(a, float) else str
        print(f"| {k} | {fmt(a)} | {fmt(b)} |")
    print("\n| websocket messages sent | count |\n|---|---:|")
    for k, v in rows["messages"].items():
        print(f"| {k} | {v} |")
    if "heap" in rows:
        h = rows["heap"]["samples"]
        print(f"\nJS heap every 30 s (MiB): {', '.join(f'{v:.1f}' for v in h)}")
    print("\n| websocket bytes received per view | bytes |\n|---|---:|")
    for name, b in payload:
        print(f"| {name} | {b:,} |")


# --------------------------------------------------------------------------- the room


class Student(Session):
    """A tab that also knows its number inputs' widget ids and fragments (to set the seed, as
    a browser: a widget drawn by a fragment reruns that fragment alone)."""

    def __init__(self, *a, **k) -> None:
        super().__init__(*a, **k)
        self.numbers: dict[str, str] = {}
        self.fragments: dict[str, str] = {}  # widget id -> the fragment that drew it

    def _read_delta(self, msg) -> None:
        super()._read_delta(msg)
        delta = msg.delta
        if delta.WhichOneof("type") == "new_element":
            element = delta.new_element
            if element.WhichOneof("type") == "number_input":
                wid = element.number_input.id
                self.numbers[wid.rsplit("-", 1)[-1]] = wid
                self.fragments[wid] = delta.fragment_id

    async def whatif(self, seed: int) -> float:
        """Rerun with the seed input at ``seed`` (every other widget as the link has it), as
        the browser does: the seed's fragment alone if a fragment drew it, else the page;
        return the seconds to the end of that run (the player is drawn by then)."""
        msg = self._rerun_message(())
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = self.numbers["seed"]
        state.int_value = int(seed)
        msg.rerun_script.fragment_id = self.fragments.get(state.id, "")
        self._rerun_message = lambda widgets: msg  # render() sends exactly this message
        _, done = await self.render()
        if not any("trains live in your browser" in a for a in self.alerts):
            raise RuntimeError("the what-if did not start live")
        return done


@contextlib.contextmanager
def busy(n: int) -> Iterator[None]:
    """``n`` processes spinning on the CPU while the block runs (other work on the machine)."""
    spin = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for p in spin:
            p.kill()
            p.wait()


async def _room(url: str, n: int, pids: list[int]) -> tuple[list[float], float]:
    """Open ``n`` tabs on the default view, then every tab's what-if at once: their times and
    the server's CPU seconds for the what-ifs alone."""
    async with contextlib.AsyncExitStack() as stack:
        tabs = [
            await stack.enter_async_context(Student(url, PAGE, "", source=source_address(i)))
            for i in range(n)
        ]
        await asyncio.gather(*(t.render() for t in tabs))
        await asyncio.to_thread(wait_idle, pids, 300)
        cpu0 = cpu_seconds(pids)
        times = await asyncio.gather(*(t.whatif(1000 + i) for i, t in enumerate(tabs)))
        return list(times), cpu_seconds(pids) - cpu0


async def _floor(url: str, n: int, pids: list[int]) -> tuple[list[float], float]:
    """The floor's reruns (every tab open, then all rerun at once): their times and the
    server's CPU seconds for the reruns alone."""
    async with contextlib.AsyncExitStack() as stack:
        tabs = [
            await stack.enter_async_context(Session(url, "", "", source=source_address(i)))
            for i in range(n)
        ]
        await asyncio.gather(*(t.render() for t in tabs))
        cpu0 = cpu_seconds(pids)
        times = [d for _, d in await asyncio.gather(*(t.render() for t in tabs))]
        return times, cpu_seconds(pids) - cpu0


def room_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="a room of what-ifs")
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--busy", type=int, default=0, help="processes loading the machine")
    args = parser.parse_args(argv)
    n, spin = args.sessions, args.busy
    with busy(spin):
        with streamlit_run(server_args=HEADLESS) as server:
            pids = [server.proc.pid]
            wait_idle(pids, timeout=900)  # start-up and the server's warm-up
            before = load()
            times, cpu = asyncio.run(_room(server.url, n, pids))
            loaded = load()
        # Streamlit's floor: a one-line page under the same crowd
        floor_app = Path("/tmp") / "losslab_floor.py"
        floor_app.write_text('import streamlit as st\n\nst.write("Hello, room.")\n')
        with streamlit_run(floor_app, cwd=ROOT, port=free_port(), server_args=HEADLESS) as fl:
            wait_idle([fl.proc.pid], timeout=120)
            floor, floor_cpu = asyncio.run(_floor(fl.url, n, [fl.proc.pid]))
    q = statistics.quantiles
    rows = [
        ("what-if: request to its run's end (the player drawn)", times),
        ("Streamlit's floor (one-line page), same crowd", floor),
    ]
    beside = f" beside {spin} busy processes" if spin else ""
    print(f"{n} sessions, each a what-if of its own (a new seed) at once{beside}.")
    print(f"Load before the what-ifs: {before}; after: {loaded}; after the floor's: {load()}.\n")
    print("| | median s | p95 s | max s |\n|---|---:|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {statistics.median(t):.2f} | {q(t, n=20)[-1]:.2f} | {max(t):.2f} |")
    gap = q(times, n=20)[-1] - q(floor, n=20)[-1]
    print(f"\nServer CPU: {cpu:.2f} s for {n} what-ifs = {cpu / n:.3f} s per what-if.")
    print(f"The floor's server CPU: {floor_cpu:.2f} s for {n} reruns = {floor_cpu / n:.4f} s each.")
    print(f"p95 minus the floor's p95: {gap:+.2f} s (target: <= 1 s, plus the first frame).")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "room":
        room_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "browser":
        browser_main(sys.argv[2:])
    else:
        print(__doc__)
