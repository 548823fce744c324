"""Classroom load: N concurrent browser sessions against a real ``streamlit run``.

Run from the repository root (it starts and stops the servers itself)::

    python benchmarks/load.py                          # N = 10, 30, 60, every scenario
    python benchmarks/load.py --sessions 10 30 --scenarios home boundaries
    python benchmarks/load.py --replicas 2             # two app processes behind nginx
    python benchmarks/load.py --server-arg=--server.fileWatcherType=auto   # a lever, off
    python benchmarks/load.py --sessions 60 --lecturer-first --repeat 2  # warm-up, RSS growth

Each session speaks Streamlit's websocket protocol as the browser does
(:class:`serve.session.Session`): it fetches ``/_stcore/health``, opens ``/_stcore/stream`` with
the ``streamlit`` subprotocol, sends a ``BackMsg.rerun_script`` with the page name and the
URL's query string, and reads ``ForwardMsg``s until ``script_finished`` reports a successful
run. Like a browser it sends no keepalive pings, keeps the query string the server writes
back, reports the hashes of the cacheable messages it holds on its next rerun, and clicks a
button by sending its widget id with ``trigger_value``. It does not fetch the frontend's
JavaScript bundle (a static file a browser caches).

Scenarios (all sessions start at once; the time is from opening the socket to the end of the
script run that answers it, "time to a finished render"):

floor
    Streamlit's own floor: a one-line page (``st.write``) served by a second server started
    with the same ``.streamlit/config.toml``, under the same load, in the same run.
home
    The lecturer's link: every session opens the home page (one identical view).
boundaries
    "Everyone try a different seed": session i opens ``Decision_boundaries?seed=<i>`` (seeds
    never repeat within one run, so none is served from another session's cache).
presets
    Every session opens Decision boundaries and clicks through its four lecture presets in
    order; each click is one render.

For every N the app server starts fresh, the benchmark waits until it is idle (start-up and
any background warm-up finished; at most ``--idle-timeout`` s) and records the RSS of the
server with all its child processes. It prints min / median / p95 / max per scenario, the
errors (a dropped socket, an exception element, a failed run, a timeout), the RSS before and
after, the load average, and the classroom targets (``deploy/README.md``) met or not.
``--repeat`` re-runs the boundaries scenario with new seeds on the same server to show whether
RSS keeps growing.
``--lecturer-first`` has one session open the home page first (the lecturer, before class)
and waits until the background warm-up (``serve.warmup``) is done before the crowd arrives
(with replicas every replica is warmed, as ``deploy/replicas.py`` does when it starts them).
With ``--replicas`` the app runs as ``deploy/replicas.py`` starts it, and session i connects
from its own address ``127.0.<i>.1`` (students on different networks, for ``ip_hash``).

Heavy links (``--heavy NAME ...``, one process, the links one after another, after the
lecturer's visit and the warm-up): the worst links a student can send, measured for the
server tree's CPU seconds, its peak RSS (sampled every 0.2 s) and its RSS once idle again
(``--rest`` s later, when the worker processes have retired), each link with its own seed so
that none is a cache hit:

one
    one heavy link;
ten in a row
    ten distinct heavy links, one after another;
three at once
    three distinct heavy links from three students at once, and after 2 s a fourth student
    opens the home page (a cached view): its time is the cached view's wait;
three tabs of one student
    the same, the three heavy links from one browser (one ``Cookie`` header).

``--app-root`` serves another checkout of the app (the same client measures before and after).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.serve import free_port, streamlit_run  # noqa: E402
from serve.session import Session  # noqa: E402 - the browser-protocol client the app warms with

FLOOR_SCRIPT = 'import streamlit as st\n\nst.write("Hello, room.")\n'
BOUNDARIES_PAGE = "Decision_boundaries"
#: The number of lecture presets on Decision boundaries (button keys ``preset_0`` ...).
PRESET_CLICKS = 4
TIMEOUT_S = 900.0
#: Issue 13's targets.
MAX_RSS_MB = 1536
MAX_IDLE_RSS_MB = 400
HOME_FACTOR = 1.5
BOUNDARIES_SLACK_S = 10.0
SCENARIOS = ("floor", "home", "boundaries", "presets")
#: Eight classification losses: the most a Decision-boundaries link may compare.
EIGHT_LOSSES = "&".join(
    f"losses={n}"
    for n in (
        "cross_entropy",
        "mse",
        "mae",
        "hinge",
        "squared_hinge",
        "multi_margin",
        "focal",
        "gce",
    )
)
#: The heavy links (``--heavy NAME``; pages of ``HEAVY_PAGE``). ``width256`` and ``batch8`` are
#: the probe's links (admitted by main at e832626); ``admitted`` and ``admitted-cpu`` are the
#: heaviest links the budget admits (the ``edge-`` links of ``benchmarks/budget.py``).
HEAVY_PAGE = "Decision_boundaries"
HEAVY_LINKS = {
    "width256": "dataset=spirals&spirals_n_samples=20&layers=3&width=256&epochs=900&"
    + EIGHT_LOSSES,
    "batch8": "dataset=spirals&spirals_n_samples=20&layers=3&width=256&epochs=888&batch=8&"
    + EIGHT_LOSSES,
    # the heaviest views the budget admits: the most memory (a 3 x 112 network on 600 points in
    # float64: estimated 272 MB) and the most CPU per view (batches of 8 for 300 epochs)
    "admitted": "dataset=spirals&spirals_n_samples=600&layers=3&width=112&epochs=150",
    "admitted-cpu": "dataset=spirals&spirals_n_samples=600&epochs=300&batch=8",
}
#: The heavy-link scenarios (``--heavy-scenarios``), in the order they run.
HEAVY_SCENARIOS = ("one", "ten", "three", "tabs")


# --------------------------------------------------------------------------- one session


@dataclass
class Outcome:
    """What one session saw: the time of each finished render, or the error that ended it."""

    renders: list[float] = field(default_factory=list)
    first_delta: float | None = None
    error: str | None = None
    alerts: list[str] = field(default_factory=list)


async def visit(
    base_url: str,
    page: str,
    query: str,
    clicks: Sequence[str],
    source: str | None = None,
    cookie: str | None = None,
) -> Outcome:
    """Open ``page?query`` as a browser tab, then click the buttons with user keys ``clicks``
    one by one; each render is timed from the request to the end of its script run.
    ``source``: the local address the tab connects from (its student's IP); ``cookie``: its
    browser's ``Cookie`` header."""
    out = Outcome()
    try:
        # in a thread, as each browser tab fetches it on its own: a blocking fetch here would
        # stop this client from reading the other tabs' messages meanwhile (up to 2 s of
        # their measured time while the server was busy)
        await asyncio.to_thread(_http_get, base_url + "/_stcore/health")
        session = Session(base_url, page, query, timeout=TIMEOUT_S, source=source, cookie=cookie)
        async with session as s:
            first, done = await s.render()
            out.first_delta = first
            out.renders.append(done)
            for key in clicks:
                if key not in s.buttons:
                    raise RuntimeError(f"no button {key!r} on the page")
                out.renders.append((await s.render([(s.buttons[key], True)]))[1])
            out.alerts = list(s.alerts)
    except Exception as err:  # every failure is an error of this session
        out.error = f"{type(err).__name__}: {err}"
    return out


def _http_get(url: str) -> None:
    # The browser's first request (counts as load).
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as r:
        r.read()


async def crowd(base_url: str, visits: Sequence[tuple[str, str, Sequence[str]]]) -> list[Outcome]:
    """All visits at once, visit i from address ``127.0.<i>.1``: every student has an IP of
    their own, from a different /24 (nginx's ``ip_hash`` keys on the first three octets)."""
    return list(
        await asyncio.gather(
            *(visit(base_url, *v, source=source_address(i)) for i, v in enumerate(visits))
        )
    )


def source_address(i: int) -> str:
    """Student ``i``'s loopback address (127.0.1.1, 127.0.2.1, ...)."""
    return f"127.0.{1 + i % 254}.1"


# --------------------------------------------------------------------------- servers


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(c) for c in f.read().split())
    return out


def tree(pids: Sequence[int]) -> list[int]:
    """The processes and all their descendants."""
    seen: list[int] = []
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.append(pid)
            todo.extend(_children(pid))
    return seen


def rss_mb(pids: Sequence[int]) -> float:
    """Summed resident set size (MB) of the processes and all their descendants."""
    total = 0
    for pid in tree(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def own_rss_mb(pids: Sequence[int]) -> float:
    """Summed resident set size (MB) of the processes themselves, without their children."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of the processes and all their descendants, with those of
    their children that have ended (a retired worker's CPU stays counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
    return total / tick


class PeakRSS:
    """The largest :func:`rss_mb` of ``pids``' tree, sampled every ``every`` s in a thread
    while the ``with`` block runs."""

    def __init__(self, pids: Sequence[int], every: float = 0.2) -> None:
        self.pids, self.every, self.peak = list(pids), every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pids))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self.peak = rss_mb(self.pids)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pids))


def wait_idle(pids: Sequence[int], timeout: float, busy: float = 0.05) -> float:
    """Wait until the servers use under ``busy`` of a core over 2 s; return seconds waited."""
    t0 = time.monotonic()
    last = cpu_seconds(pids)
    while time.monotonic() - t0 < timeout:
        time.sleep(2.0)
        now = cpu_seconds(pids)
        if (now - last) / 2.0 < busy:
            break
        last = now
    return time.monotonic() - t0


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


@dataclass
class Servers:
    """Running app processes (one, or replicas behind nginx) and the URL to reach them."""

    url: str
    pids: list[int]
    stop: object  # a callable that stops everything
    replica_urls: list[str] = field(default_factory=list)


@contextlib.contextmanager
def serve(
    app: Path, cwd: Path, port: int, replicas: int, server_args: Sequence[str]
) -> Iterator[Servers]:
    """``streamlit run app`` from ``cwd`` (so its ``.streamlit/config.toml`` applies); with
    ``replicas`` > 1, that many processes behind nginx (``deploy/replicas.py``)."""
    if replicas > 1:
        from deploy import replicas as rep

        with rep.running(replicas, port=port, app=app, cwd=cwd, server_args=server_args) as cluster:
            yield Servers(cluster.url, cluster.pids, cluster, cluster.replica_urls)
        return
    with streamlit_run(app, cwd=cwd, port=port, server_args=server_args) as server:
        yield Servers(server.url, [server.proc.pid], server.proc)


# --------------------------------------------------------------------------- scenarios


@dataclass
class Row:
    scenario: str
    n: int
    times: list[float]
    first: list[float]
    errors: list[str]
    rss_before: float
    rss_after: float
    load: str

    def pct(self, q: float) -> float:
        if not self.times:
            return float("nan")
        s = sorted(self.times)
        return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def visits_for(scenario: str, n: int, seed_base: int) -> list[tuple[str, str, Sequence[str]]]:
    if scenario in ("floor", "home"):
        return [("", "", ())] * n
    if scenario == "boundaries":
        return [(BOUNDARIES_PAGE, f"seed={seed_base + i}", ()) for i in range(n)]
    if scenario == "presets":
        clicks = [f"preset_{k}" for k in range(PRESET_CLICKS)]
        return [(BOUNDARIES_PAGE, "", clicks)] * n
    raise ValueError(f"unknown scenario {scenario!r}; allowed: {', '.join(SCENARIOS)}")


def measure(servers: Servers, scenario: str, n: int, seed_base: int = 1) -> Row:
    before = rss_mb(servers.pids)
    outcomes = asyncio.run(crowd(servers.url, visits_for(scenario, n, seed_base)))
    row = Row(
        scenario=scenario,
        n=n,
        times=[t for o in outcomes for t in o.renders],
        first=[o.first_delta for o in outcomes if o.first_delta is not None],
        errors=[o.error for o in outcomes if o.error],
        rss_before=before,
        rss_after=rss_mb(servers.pids),
        load=load_average(),
    )
    print(
        f"  {scenario:<10} N={n:<3} median {row.median:6.2f} s  p95 {row.pct(0.95):6.2f} s  "
        f"min {row.pct(0):6.2f}  max {row.pct(1):6.2f}  errors {len(row.errors)}  "
        f"RSS {before:,.0f} -> {row.rss_after:,.0f} MB  load {row.load}",
        flush=True,
    )
    for e in sorted(set(row.errors))[:3]:
        print(f"    error: {e}", flush=True)
    return row


def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    port = args.port or free_port()
    app_scenarios = [s for s in args.scenarios if s != "floor"]
    with tempfile.TemporaryDirectory(prefix="losslab-floor-") as tmp:
        floor_dir = Path(tmp)
        (floor_dir / "floor.py").write_text(FLOOR_SCRIPT)
        shutil.copytree(ROOT / ".streamlit", floor_dir / ".streamlit")
        for n in args.sessions:
            if "floor" in args.scenarios:
                with serve(
                    floor_dir / "floor.py", floor_dir, port, args.replicas, args.server_arg
                ) as srv:
                    wait_idle(srv.pids, args.idle_timeout)
                    rows.append(measure(srv, "floor", n))
            if not app_scenarios:
                continue
            with serve(
                ROOT / "streamlit_app.py", ROOT, port, args.replicas, args.server_arg
            ) as srv:
                rss_start = rss_mb(srv.pids)
                waited = wait_idle(srv.pids, args.idle_timeout)
                idle = rss_mb(srv.pids)
                print(
                    f"N={n}: server up ({len(srv.pids)} process(es)), RSS {rss_start:,.0f} MB "
                    f"at health, {idle:,.0f} MB idle after {waited:.0f} s "
                    f"(load {load_average()})",
                    flush=True,
                )
                rows.append(Row("idle", n, [], [], [], rss_start, idle, load_average()))
                if args.lecturer_first:
                    # the lecturer opens the link before class: the warm-up runs, then idles
                    lecturer = measure(srv, "home", 1)
                    # replicas: each warmed as deploy/replicas.py does when it starts them (the
                    # lecturer's visit reaches one of them)
                    from deploy.replicas import warm_up

                    for url in srv.replica_urls:
                        warm_up(url)
                    waited = wait_idle(srv.pids, args.idle_timeout)
                    warm = rss_mb(srv.pids)
                    print(
                        f"  warm-up done after {waited:.0f} s more, RSS {warm:,.0f} MB", flush=True
                    )
                    lecturer.scenario = "lecturer"
                    rows.append(lecturer)
                    rows.append(Row("warm idle", n, [], [], [], idle, warm, load_average()))
                for scenario in app_scenarios:
                    rows.append(measure(srv, scenario, n, seed_base=1))
                for r in range(args.repeat):
                    rows.append(measure(srv, "boundaries", n, seed_base=1 + (r + 1) * n))
    return rows


# --------------------------------------------------------------------------- heavy links


@dataclass
class HeavyRow:
    """One heavy-link measurement: the server tree's CPU seconds and RSS, the renders'
    wall times, the cached view's time (if one was opened), and RSS once idle again."""

    what: str
    cpu_s: float
    rss_before: float
    rss_peak: float
    rss_after: float
    rss_rest: float
    rss_rest_server: float
    walls: list[float]
    cached_s: float | None
    errors: list[str]
    refused: int
    load: str


#: What the page says when the budget refuses a view (main at e832626 and after).
REFUSAL_WORDS = ("the work one view may start", "server time")


async def _heavy_crowd(
    base_url: str, queries: Sequence[str], cookies: Sequence[str | None], home_after: float
) -> tuple[list[Outcome], Outcome | None]:
    tasks = [
        asyncio.create_task(visit(base_url, HEAVY_PAGE, q, (), source=source_address(i), cookie=c))
        for i, (q, c) in enumerate(zip(queries, cookies, strict=True))
    ]
    home = None
    if home_after >= 0:
        await asyncio.sleep(home_after)
        home = await visit(base_url, "", "", (), source=source_address(200))
    return list(await asyncio.gather(*tasks)), home


def heavy_measure(
    srv: Servers,
    what: str,
    batches: Sequence[Sequence[str]],
    rest: float,
    *,
    cookies: Sequence[str | None] | None = None,
    home_after: float = -1.0,
) -> HeavyRow:
    """Open each batch of heavy queries at once, the batches one after another; then wait
    ``rest`` s and read the RSS again."""
    before, cpu0 = rss_mb(srv.pids), cpu_seconds(srv.pids)
    outcomes: list[Outcome] = []
    cached = None
    with PeakRSS(srv.pids) as peak:
        for batch in batches:
            got, home = asyncio.run(
                _heavy_crowd(srv.url, batch, cookies or [None] * len(batch), home_after)
            )
            outcomes += got
            if home is not None:
                outcomes.append(home)
                cached = home.renders[0] if home.renders else None
    cpu = cpu_seconds(srv.pids) - cpu0
    after = rss_mb(srv.pids)
    load = load_average()
    time.sleep(rest)
    row = HeavyRow(
        what=what,
        cpu_s=cpu,
        rss_before=before,
        rss_peak=peak.peak,
        rss_after=after,
        rss_rest=rss_mb(srv.pids),
        rss_rest_server=own_rss_mb(srv.pids),
        walls=[o.renders[0] for o in outcomes if o.renders],
        cached_s=cached,
        errors=[o.error for o in outcomes if o.error],
        refused=sum(any(w in a for a in o.alerts for w in REFUSAL_WORDS) for o in outcomes),
        load=load,
    )
    print(
        f"  {what:<28} CPU {row.cpu_s:6.1f} s  RSS {row.rss_before:,.0f} -> peak "
        f"{row.rss_peak:,.0f} -> {row.rss_after:,.0f} MB, {row.rss_rest:,.0f} MB after "
        f"{rest:.0f} s idle (server alone {row.rss_rest_server:,.0f} MB); renders "
        f"{', '.join(f'{w:.1f}' for w in row.walls)} s; cached "
        f"view {'-' if cached is None else f'{cached:.2f} s'}; refused {row.refused}; "
        f"errors {len(row.errors)}; load {load}",
        flush=True,
    )
    for e in sorted(set(row.errors))[:3]:
        print(f"    error: {e}", flush=True)
    return row


def run_heavy(args: argparse.Namespace) -> list[HeavyRow]:
    """The heavy-link rows (see the module docstring) for each of ``args.heavy`` on one
    process, the links one after another (each scenario's seeds new to the server)."""
    root = Path(args.app_root).resolve()
    rows: list[HeavyRow] = []
    port = args.port or free_port()
    with serve(root / "streamlit_app.py", root, port, 1, args.server_arg) as srv:
        wait_idle(srv.pids, args.idle_timeout)
        measure(srv, "home", 1)  # the lecturer: starts the warm-up
        waited = wait_idle(srv.pids, args.idle_timeout)
        print(
            f"warm-up done after {waited:.0f} s, RSS {rss_mb(srv.pids):,.0f} MB; resting "
            f"after {args.rest:.0f} s more: ",
            end="",
            flush=True,
        )
        time.sleep(args.rest)
        print(f"{rss_mb(srv.pids):,.0f} MB (load {load_average()})", flush=True)
        seed = iter(range(1, 1000))
        for name in args.heavy:
            link = HEAVY_LINKS.get(name, name)

            def q(link: str = link) -> str:
                return f"{link}&seed={next(seed)}"

            todo = args.heavy_scenarios
            if "one" in todo:
                rows.append(heavy_measure(srv, f"{name}: one", [[q()]], args.rest))
            if "ten" in todo:
                rows.append(
                    heavy_measure(
                        srv, f"{name}: ten in a row", [[q()] for _ in range(10)], args.rest
                    )
                )
            if "three" in todo:
                rows.append(
                    heavy_measure(
                        srv, f"{name}: three at once", [[q(), q(), q()]], args.rest, home_after=2.0
                    )
                )
            if "tabs" in todo:
                one = "_streamlit_xsrf=2|0badc0de|0123456789abcdef0123456789abcdef|1700000000"
                rows.append(
                    heavy_measure(
                        srv,
                        f"{name}: three tabs of one student",
                        [[q(), q(), q()]],
                        args.rest,
                        cookies=[one] * 3,
                        home_after=2.0,
                    )
                )
    return rows


def heavy_report(rows: Sequence[HeavyRow], args: argparse.Namespace) -> None:
    print(f"\n## Heavy links ({', '.join(args.heavy)}; app at {args.app_root})\n")
    print(
        "| links | server CPU s | RSS MB before -> peak -> end | RSS MB after idle | "
        "heavy renders s | cached home view s | refused | errors | load avg |"
    )
    print("|---|---:|---|---:|---|---:|---:|---:|---|")
    for r in rows:
        walls = ", ".join(f"{w:.1f}" for w in r.walls[:10])
        cached = "" if r.cached_s is None else f"{r.cached_s:.2f}"
        print(
            f"| {r.what} | {r.cpu_s:.1f} | {r.rss_before:,.0f} -> {r.rss_peak:,.0f} -> "
            f"{r.rss_after:,.0f} | {r.rss_rest:,.0f} | {walls} | {cached} | {r.refused} | "
            f"{len(r.errors)} | {r.load} |"
        )


# --------------------------------------------------------------------------- report


def targets(rows: Sequence[Row]) -> list[tuple[str, str, bool]]:
    """Issue 13's targets, for the largest N measured."""
    out: list[tuple[str, str, bool]] = []
    n = max(r.n for r in rows)
    by: dict[tuple[str, int], Row] = {}
    for r in rows:
        by.setdefault((r.scenario, r.n), r)  # the first run (repeats come later)
    floor = by.get(("floor", n))
    home, bnd = by.get(("home", n)), by.get(("boundaries", n))
    if floor and home:
        goal = HOME_FACTOR * floor.pct(0.95)
        out.append(
            (
                f"N={n} identical home p95 <= 1.5 x floor p95",
                f"{home.pct(0.95):.2f} s vs {goal:.2f} s",
                home.pct(0.95) <= goal,
            )
        )
    if floor and bnd:
        goal = floor.pct(0.95) + BOUNDARIES_SLACK_S
        out.append(
            (
                f"N={n} distinct boundaries p95 <= floor p95 + 10 s",
                f"{bnd.pct(0.95):.2f} s vs {goal:.2f} s",
                bnd.pct(0.95) <= goal,
            )
        )
    for r in rows:
        if r.scenario in ("boundaries", "home") and r.n == n and len(r.times) > 2:
            # "as it is ready": the median session is served well before the last one
            spread = r.median <= 0.75 * r.pct(1) or r.pct(1) <= 2.0
            out.append(
                (
                    f"N={n} {r.scenario}: sessions served as ready (median <= 0.75 x max)",
                    f"{r.median:.2f} s vs max {r.pct(1):.2f} s",
                    spread,
                )
            )
    errors = sum(len(r.errors) for r in rows)
    out.append(("0 errors", str(errors), errors == 0))
    peak = max(r.rss_after for r in rows)
    out.append(
        ("RSS <= 1.5 GB at the end of every scenario", f"{peak:,.0f} MB", peak <= MAX_RSS_MB)
    )
    idle = [r.rss_after for r in rows if r.scenario in ("idle", "warm idle")]
    if idle:
        out.append(
            (
                "idle RSS after start-up <= 400 MB",
                f"{max(idle):,.0f} MB",
                max(idle) <= MAX_IDLE_RSS_MB,
            )
        )
    reps = [r.rss_after for r in rows if r.scenario == "boundaries" and r.n == n]
    if len(reps) >= 3:
        growth = reps[-1] - reps[-2]
        out.append(
            (
                "RSS not growing across repeated runs (last repeat grew < 5 %)",
                " -> ".join(f"{x:,.0f}" for x in reps) + " MB",
                growth < 0.05 * reps[-2],
            )
        )
    return out


def report(rows: Sequence[Row], args: argparse.Namespace) -> None:
    where = "one process" if args.replicas == 1 else f"{args.replicas} replicas behind nginx"
    print(f"\n## Load ({where}; server args: {' '.join(args.server_arg) or 'none'})\n")
    print(
        "| scenario | N | median s | p95 s | min s | max s | errors | RSS MB before -> after "
        "| load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        if r.scenario in ("idle", "warm idle"):
            label = "idle after start-up" if r.scenario == "idle" else "idle after warm-up"
            print(
                f"| {label} | {r.n} | | | | | | {r.rss_before:,.0f} -> "
                f"{r.rss_after:,.0f} | {r.load} |"
            )
            continue
        print(
            f"| {r.scenario} | {r.n} | {r.median:.2f} | {r.pct(0.95):.2f} | {r.pct(0):.2f} | "
            f"{r.pct(1):.2f} | {len(r.errors)} | {r.rss_before:,.0f} -> {r.rss_after:,.0f} | "
            f"{r.load} |"
        )
    print("\n| target | measured | met |\n|---|---|---|")
    for name, value, ok in targets(rows):
        print(f"| {name} | {value} | {'yes' if ok else 'NO'} |")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, nargs="+", default=[10, 30, 60])
    p.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    p.add_argument("--replicas", type=int, default=1)
    p.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one)")
    p.add_argument(
        "--repeat",
        type=int,
        default=0,
        help="re-run the boundaries scenario this many times with new seeds",
    )
    p.add_argument("--idle-timeout", type=float, default=240.0)
    p.add_argument(
        "--lecturer-first",
        action="store_true",
        help="one session opens the home page first and the server warms up before the crowd",
    )
    p.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra 'streamlit run' argument, e.g. --server-arg=--server.x=y",
    )
    p.add_argument(
        "--heavy",
        nargs="+",
        help="measure heavy links instead: names of HEAVY_LINKS or Decision-boundaries queries, "
        "one after another on one server",
    )
    p.add_argument(
        "--rest", type=float, default=150.0, help="seconds idle before the resting RSS (--heavy)"
    )
    p.add_argument("--app-root", default=str(ROOT), help="the checkout whose app is served")
    p.add_argument(
        "--heavy-scenarios",
        nargs="+",
        default=list(HEAVY_SCENARIOS),
        choices=HEAVY_SCENARIOS,
        help="which heavy-link scenarios to run (--heavy)",
    )
    args = p.parse_args(argv)
    print(f"load average at start: {load_average()} ({os.cpu_count()} cores)", flush=True)
    if args.heavy:
        heavy_report(run_heavy(args), args)
        return 0
    rows = run(args)
    report(rows, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
