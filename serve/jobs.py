"""Fair turns: one first-come-first-served queue of page views shared by every session.

Streamlit runs each session's script in its own thread of one process, and the GIL lets only
one of them compute at a time. Sixty students opening a page at once would share the core in
small slices and *all* see their page at the very end. Here each script run of a page takes
a turn from :data:`QUEUE` first (``ui.frame.page`` does it for every page): at most
``slots`` views run at once, the others wait in arrival order and see where they stand
("2 views are being computed before yours (about 3 s)") in a notice under the title. The
first student is served after one view's time, the second after two, and so on: the same
total time, but each page appears as soon as it is ready.

A page whose recent runs were all cheap until they computed (:data:`FAST_S` of CPU: a cached
view, the loss reference, the widgets of a page before its training) takes its turn in a line
of its own, :data:`FAST_LANE`, so a quick look never waits behind sixty trainings; quick looks
go one at a time too (sixty of them at once would share the GIL in slices and all finish at
the end). A quick look that turns out to compute (it trains, or a shared cache misses:
:func:`computing`) moves to :data:`QUEUE` before the work starts, so the fast lane only ever
serves views that compute nothing. A page's first view in a process is not part of that
evidence: it pays the imports the page needs, once (see below).

One browser holds at most :data:`PER_CLIENT` of the computing slots: a student who opens three
heavy links in three tabs has them computed one after another, and the other slots stay free
for everyone else (a browser is told apart by its Streamlit cookie; without one, each tab
counts as its own browser).

A waiting view leaves the line when its tab is closed or it asks for another rerun (a widget
changed), so abandoned work never delays anyone. The queue is bounded: beyond
:data:`MAX_WAITING` waiting views a new one is refused with a message instead of growing
without limit.

A page's first view in a process runs *alone* (:func:`first_view`): it starts when no other
view in its line runs, and none in its line starts until it ends; the views of the page that
arrive meanwhile wait for it, then share the slots as usual. A first view imports, on first
use, what the page needs (scikit-learn, pyarrow's and PIL's pieces), and two threads importing
a package with circular imports at once can be handed a half-imported module ("cannot import
name 'clone' from partially initialized module 'sklearn.base'"), which the page would show as
an unexpected problem. Two exceptions, both rare: quick looks go on in their own line (their
pages have run before), and a stall (no running view used CPU for :data:`STALL_S`) starts the
next view whatever it is, as it always does. The warm-up (:mod:`serve.warmup`) makes most first
views before anyone comes.

Usage (what ``ui.frame.page`` does; ``waiting`` draws the navigation for a view that waits
long, and ``drawn`` says whether it did)::

    with jobs.view("decision_boundaries", waiting=sidebar) as drawn:
        if not drawn:
            sidebar()
        ...the page...
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from serve import workers

#: Views computing at once per process: one in the server's thread (the GIL serialises Python
#: work: two would share the core and both finish late) plus one per worker process, whose
#: training or snapshots run there meanwhile (``serve.workers``).
SLOTS = max(1, int(os.environ.get("LOSSLAB_JOB_SLOTS", 1 + workers.COUNT)))
#: Waiting views before new ones are refused (a class of 300 on one process, with room).
MAX_WAITING = 400
#: How often a waiting view refreshes its notice (and notices a closed tab or a rerun), s.
POLL_S = 1.0
#: A running view that used no CPU for this long is treated as stalled (see JobQueue), s.
STALL_S = 3.0
#: A view waiting this long shows the page's navigation (``view``'s ``waiting``), s. Not
#: sooner: the sixty views of a crowd served within a couple of seconds would all draw it at
#: once and be late (measured with ``benchmarks/load.py``: ``benchmarks/README.md``).
NAVIGATION_AFTER_S = 3.0
#: A page whose recent runs each took less CPU than this (s) skips the queue (fast lane).
FAST_S = 0.25
#: Computing views of one browser running at once (the others of it wait, the line moves on).
PER_CLIENT = 1
#: The cookie that tells browsers apart (Streamlit's XSRF cookie: one per browser, every tab).
CLIENT_COOKIE = "_streamlit_xsrf"


class ServerBusy(ValueError):
    """The queue is full; the page shows the message and the student tries again later."""


@dataclass(eq=False)
class Ticket:
    """One view's place in the queue, and the thread that computes it."""

    label: str
    alone: bool = False  # starts only when no view runs; none starts while it runs
    client: str | None = None  # the browser (PER_CLIENT); None: not limited
    thread: int = field(default_factory=threading.get_native_id)
    entered: float = field(default_factory=time.monotonic)
    started: float | None = None
    turn: threading.Event = field(default_factory=threading.Event, repr=False)  # set: started

    def start(self, now: float) -> None:
        """Its turn has come: wake its thread (and no other)."""
        self.started = now
        self.turn.set()


class JobQueue:
    """A bounded first-come-first-served queue with ``slots`` views running at once, at most
    ``per_client`` of them from one browser (a view of a browser at its limit keeps its place
    and the views behind it start first).

    Thread-safe; every method may be called from any session's script thread.

    A running view could wait for another thread: ``st.cache_data`` lets one thread compute
    a given value and makes the others wait for it, and a page may call a cached function
    before it queues. So that no such wait can ever stall the line, when every running view
    has used no CPU for :data:`STALL_S` the first waiting view starts anyway (one more slot
    until a view ends).
    """

    def __init__(
        self, slots: int = SLOTS, max_waiting: int = MAX_WAITING, per_client: int | None = None
    ) -> None:
        self.slots = slots
        self.max_waiting = max_waiting
        self.per_client = per_client
        self._lock = threading.RLock()
        self._order: deque[Ticket] = deque()
        self._durations: deque[float] = deque(maxlen=20)
        self._progress: dict[int, tuple[float, float]] = {}  # thread -> (cpu s, since)
        self._last_check = 0.0  # time.monotonic() of the last stall check

    def enter(
        self, label: str = "view", *, alone: bool = False, client: str | None = None
    ) -> Ticket:
        """Join the end of the queue (to run ``alone``: see the module's text) for browser
        ``client``; :class:`ServerBusy` if it is full."""
        with self._lock:
            waiting = len(self._order) - self.running()
            if waiting >= self.max_waiting:
                raise ServerBusy(
                    f"Loss Lab is busy: {waiting} views are waiting to be computed. "
                    "Please try again in a minute."
                )
            ticket = Ticket(label, alone, client)
            self._order.append(ticket)
            self._promote()
            return ticket

    def has_alone(self, label: str) -> bool:
        """Whether a view of ``label`` to run alone is in line (waiting or running)."""
        with self._lock:
            return any(t.alone and t.label == label for t in self._order)

    def empty(self) -> bool:
        """Whether no view is running or waiting."""
        with self._lock:
            return not self._order

    def running(self) -> int:
        """How many views are computing now."""
        with self._lock:
            return sum(1 for t in self._order if t.started is not None)

    def ahead(self, ticket: Ticket) -> int:
        """How many views are before ``ticket`` (running or waiting); 0 once it runs."""
        with self._lock:
            if ticket.started is not None:
                return 0
            return self._order.index(ticket)

    def wait(self, ticket: Ticket, timeout: float) -> bool:
        """Wait up to ``timeout`` s for ``ticket``'s turn; whether it has started.

        Only the view whose turn comes is woken: were every view that ends to wake the whole
        line, sixty waiting views would each wake (and redraw their place in line) sixty
        times, in the one interpreter the running view needs."""
        ticket.turn.wait(timeout)
        with self._lock:
            # a stall is checked once per poll, not by every waiting view: sixty of them
            # reading /proc each time would cost more than the views they wait for
            now = time.monotonic()
            if ticket.started is None and now - self._last_check >= timeout:
                self._last_check = now
                if self._stalled():
                    next(t for t in self._order if t.started is None).start(now)
            return ticket.started is not None

    def leave(self, ticket: Ticket) -> None:
        """Give the turn back (or the place in line); the next view starts. A view to run alone
        that leaves before its turn hands that to the next waiting view of its page."""
        with self._lock:
            if ticket not in self._order:
                return
            if ticket.started is not None:
                self._durations.append(time.monotonic() - ticket.started)
            elif ticket.alone:
                same = (t for t in self._order if t.label == ticket.label and t.started is None)
                heir = next((t for t in same if t is not ticket), None)
                if heir is not None:
                    heir.alone = True
            self._order.remove(ticket)
            self._progress.pop(ticket.thread, None)
            self._promote()

    def typical_seconds(self) -> float | None:
        """Median duration of the recent views, or ``None`` before the first one finished."""
        with self._lock:
            if not self._durations:
                return None
            d = sorted(self._durations)
            return d[len(d) // 2]

    def _promote(self) -> None:
        """Start waiting views in arrival order while a slot is free; a view to run alone
        waits for an empty queue and holds back the views after it; a view whose browser has
        ``per_client`` views running waits and lets the views after it pass."""
        running = [t for t in self._order if t.started is not None]
        for t in self._order:
            if t.started is not None:
                continue
            if len(running) >= self.slots or any(r.alone for r in running):
                break
            if t.alone and running:
                break
            if self._at_limit(t, running):
                continue
            t.start(time.monotonic())
            running.append(t)

    def _at_limit(self, ticket: Ticket, running: list[Ticket]) -> bool:
        """Whether ``ticket``'s browser already has ``per_client`` views running."""
        if self.per_client is None or ticket.client is None:
            return False
        return sum(r.client == ticket.client for r in running) >= self.per_client

    def _stalled(self) -> bool:
        """Whether every running view has used no CPU for :data:`STALL_S` (caller locks)."""
        now = time.monotonic()
        running = [t for t in self._order if t.started is not None]
        if not running:
            return False
        stalled = True
        for t in running:
            if workers.waiting(t.thread):  # its work is computing in a worker process
                self._progress.pop(t.thread, None)
                return False
            cpu = _thread_cpu(t.thread)
            seen = self._progress.get(t.thread)
            if seen is None or cpu is None or cpu != seen[0]:
                self._progress[t.thread] = (cpu if cpu is not None else -1.0, now)
                # without /proc, only a view running far too long counts as stalled
                stalled = stalled and cpu is None and now - t.started > 10 * STALL_S
            else:
                stalled = stalled and now - seen[1] >= STALL_S
        return stalled


def _thread_cpu(native_id: int) -> float | None:
    """CPU seconds used so far by a thread of this process (Linux ``/proc``), else None."""
    try:
        with open(f"/proc/self/task/{native_id}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

#: The one queue of this process for views that compute.
QUEUE = JobQueue(per_client=PER_CLIENT)
#: The line for quick looks (:func:`is_fast`): one at a time, beside the views computing.
FAST_LANE = JobQueue(slots=1)


# --------------------------------------------------------------------------- per script run


@dataclass
class _View:
    slot: Any  # the st.empty() where a waiting view shows its position
    session_id: str | None
    client: str | None = None


#: This thread's view: ``computes`` moves it from the fast lane to the queue (:func:`computing`).
_local = threading.local()


#: Recent CPU seconds of one script run, per page key (the fast lane's evidence).
_costs: dict[str, deque[float]] = {}
_costs_lock = threading.Lock()
#: Pages a view of which has had its turn in this process (:func:`first_view`).
_started: set[str] = set()


def is_fast(key: str) -> bool:
    """Whether ``key``'s recent runs all took less than :data:`FAST_S` of CPU in this process
    before they computed (at least three of them, the page's first view not counted: see
    :func:`view`): such a page takes its turn in :data:`FAST_LANE`, and a view of it that
    computes moves to :data:`QUEUE` first."""
    with _costs_lock:
        recent = list(_costs.get(key, ()))
    return len(recent) >= 3 and max(recent) < FAST_S


def first_view(key: str, line: JobQueue) -> bool:
    """Whether a view of page ``key`` joining ``line`` is the page's first in this process, the
    one that runs alone: no view of the page has had its turn yet and none waits to run alone
    (the views arriving meanwhile wait for it, not for each other)."""
    with _costs_lock:
        if key in _started:
            return False
    return not line.has_alone(key)


def record(key: str, cpu_s: float) -> None:
    """Remember the CPU seconds one run of page ``key`` took before it computed (all of it,
    if it never did: work sent to the workers or a shared cache's miss, :func:`computing`)."""
    with _costs_lock:
        _costs.setdefault(key, deque(maxlen=5)).append(cpu_s)


@contextlib.contextmanager
def view(key: str, *, waiting: Callable[[], None] | None = None) -> Iterator[bool]:
    """One script run of page ``key`` in its turn: wait (showing the place in line), run,
    give the turn back; yields whether ``waiting`` was called.

    The notice slot is an empty element, so a view that never waits shows nothing.
    ``waiting`` draws what a waiting or refused view should show besides the notice (the
    page's navigation, so that a student in line can go elsewhere); it is called once, when
    the view has waited :data:`NAVIGATION_AFTER_S` or is refused. A page
    whose recent runs were all cheap until they computed (:func:`is_fast`) waits in
    :data:`FAST_LANE` instead of :data:`QUEUE`; if it then computes (a new seed on a page whose
    presets were cached: it trains, or a shared cache misses), its turn moves to :data:`QUEUE`
    before the work starts. When the queue is full
    the page says so and stops. Only runs that finish are recorded (:func:`record`), and not
    the page's first view in the process (:func:`first_view`): it imports what the page needs,
    once, so its cost says nothing about the page's later views, and a cached page would
    otherwise wait behind the views that compute until later runs pushed it out of the record.
    """
    ctx = _script_ctx()
    session = getattr(ctx, "session_id", None)
    state = _View(slot=st.empty(), session_id=session, client=_client(session))
    line = FAST_LANE if is_fast(key) else QUEUE  # the line holding this view's ticket
    try:
        ticket = line.enter(key, alone=first_view(key, line), client=state.client)
    except ServerBusy as err:
        state.slot.error(str(err), icon=":material/hourglass_disabled:")
        if waiting is not None:
            waiting()
        st.stop()  # a page cannot raise out of the frame before it started
    try:
        waited = drawn = False
        while not line.wait(ticket, POLL_S):
            _notify(state, line, ticket)
            waited = True
            long = time.monotonic() - ticket.entered >= NAVIGATION_AFTER_S
            if waiting is not None and not drawn and long:
                waiting()
                drawn = True
        if waited:
            state.slot.empty()
        first = ticket.alone  # the page's first view (or its heir): it pays the imports
        with _costs_lock:
            _started.add(key)
    except BaseException:  # a rerun, a stop or a closed tab while waiting
        line.leave(ticket)
        raise

    def gone() -> bool:  # the tab was closed: its work in the workers is not wanted any more
        return state.session_id is not None and not _session_alive(state.session_id)

    cpu = time.thread_time()
    before_computing: list[float] = []  # the view's CPU until it first computed

    def computes() -> None:  # called before work goes to the workers (inside cached code:
        nonlocal line, ticket  # it must not draw, so it waits without a notice)
        if not before_computing:
            before_computing.append(time.thread_time() - cpu)
        if line is not FAST_LANE:
            return
        FAST_LANE.leave(ticket)
        line, ticket = QUEUE, QUEUE.enter(key, client=state.client)
        while not QUEUE.wait(ticket, POLL_S):
            if gone():
                raise workers.Abandoned("the view's tab was closed")

    outer = getattr(_local, "computes", None)
    _local.computes = computes
    try:
        with workers.requester(gone, computes):
            yield drawn
    except workers.Abandoned:
        st.stop()  # nobody is there to see this view
    else:
        if not first:
            record(key, before_computing[0] if before_computing else time.thread_time() - cpu)
    finally:
        _local.computes = outer
        line.leave(ticket)
        if line is QUEUE and QUEUE.empty():
            threading.Thread(target=release_memory, daemon=True).start()


def release_memory() -> None:
    """Give the heap memory freed by the views back to the system (glibc's ``malloc_trim``):
    called when the last computing view has left, so that a server returns near its resting
    size after a burst of heavy views instead of keeping their freed arrays' pages. Elsewhere
    (no glibc) nothing happens."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def computing() -> None:
    """Say that this thread's view is about to compute in the server (a shared cache missed):
    a quick look moves to :data:`QUEUE` first (as before work goes to the workers). Outside
    a view, or in a view already in the queue, nothing happens."""
    computes = getattr(_local, "computes", None)
    if computes is not None:
        computes()


def _client(session_id: str | None) -> str | None:
    """Who a view counts against for :data:`PER_CLIENT`: the browser (a digest of its
    :data:`CLIENT_COOKIE`, sent by every tab of it), else the session itself."""
    try:
        cookie = st.context.cookies.get(CLIENT_COOKIE)
    except Exception:  # no request context (AppTest, a thread of the server's own)
        cookie = None
    if isinstance(cookie, str) and cookie:
        return "browser:" + hashlib.sha256(cookie.encode()).hexdigest()[:16]
    return None if session_id is None else f"session:{session_id}"


def waiting_message(ahead: int, typical: float | None, slots: int = 1) -> str:
    """The notice of a waiting view, e.g. ``"2 views ahead of yours (about 3 s)."``.

    ``ahead`` counts the running views too; ``slots`` views run at once, each taking
    ``typical`` seconds, so this one starts after about
    :math:`\\max(1, a - s + 1)\\, t / s`.
    """
    views = "1 view is" if ahead == 1 else f"{ahead} views are"
    wait = None if typical is None else max(1, ahead - slots + 1) * typical / slots
    eta = "" if wait is None else f" (about {max(1, round(wait))} s)"
    return (
        f"Many people are using Loss Lab right now: {views} being computed before yours"
        f"{eta}. Yours starts as soon as they are done; it keeps its place in line."
    )


def _notify(state: _View, queue: JobQueue, ticket: Ticket) -> None:
    """Show the position; leave the queue if the tab was closed.

    Drawing also lets Streamlit interrupt this run when the session asked for a rerun (a
    widget changed), which ends the wait through the exception it raises.
    """
    if state.session_id is not None and not _session_alive(state.session_id):
        st.stop()
    ahead = queue.ahead(ticket)
    if ahead == 0:  # its turn came meanwhile
        return
    state.slot.info(
        waiting_message(ahead, queue.typical_seconds(), queue.slots),
        icon=":material/hourglass_top:",
    )


def _script_ctx() -> Any:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True)


def _session_alive(session_id: str) -> bool:
    from streamlit.runtime import Runtime

    try:
        return Runtime.instance().is_active_session(session_id)
    except Exception:  # no runtime (AppTest): the session is alive
        return True
