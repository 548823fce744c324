"""Fair turns for heavy work: one first-come-first-served queue shared by every session.

Streamlit runs each session's script in its own thread of one process, and the GIL lets only
one of them compute at a time. Sixty students asking for sixty new trainings at once would
share the core in small slices and *all* see their page at the very end. Here a view that
has to compute (a cache miss of training, panels or charts) first takes a turn from
:data:`QUEUE`; at most ``slots`` views compute at once, the others wait in arrival order and
see where they stand ("2 views ahead of yours, about 3 s") in a notice at the top of the
page. So the first student is served after one view's time, the second after two, and so on:
the same total time, but each page appears as soon as it is ready. A view served from the
cache never waits.

How a page uses it (``ui.frame.page`` does the first part for every page)::

    with jobs.view():              # once per script run: the notice slot; frees the turn
        ...
        @st.cache_data
        def fit_runs(...):
            with jobs.heavy():     # the miss path: wait for a turn, keep it to the run's end
                return train.fit_many(...)

A view keeps its turn from its first miss to the end of its script run, so its training,
panels and chart serialisation finish before the next view starts; a view that waits is
dropped from the queue when its session goes away (the tab closed) or asks for another
rerun (a widget changed), so abandoned work never delays anyone. The queue is bounded:
beyond :data:`MAX_WAITING` waiting views, a new one is refused with a message (raised as a
``ValueError``, which the frame shows) instead of growing without limit.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

#: Views computing at once per process. One is best while the GIL serialises Python work:
#: two would share the core and both finish late.
SLOTS = max(1, int(os.environ.get("LOSSLAB_JOB_SLOTS", "1")))
#: Waiting views before new ones are refused (a class of 300 on one process, with room).
MAX_WAITING = 400
#: How often a waiting view refreshes its notice (and notices a closed tab or a rerun), s.
POLL_S = 1.0
#: A running view that used no CPU for this long is treated as stalled (see JobQueue), s.
STALL_S = 3.0


class ServerBusy(ValueError):
    """The queue is full; the page shows the message and the student tries again later."""


@dataclass(eq=False)
class Ticket:
    """One view's place in the queue, and the thread that computes it."""

    label: str
    thread: int = field(default_factory=threading.get_native_id)
    entered: float = field(default_factory=time.monotonic)
    started: float | None = None


class JobQueue:
    """A bounded first-come-first-served queue with ``slots`` views running at once.

    Thread-safe; every method may be called from any session's script thread.

    A running view can block on a view that waits behind it: ``st.cache_data`` lets one
    thread compute a given value and makes the others wait for it, so if a waiting view took
    that value's lock first (its miss, before it queued), the running view needs it and the
    two would wait for each other. When every running view has used no CPU for
    :data:`STALL_S`, the first waiting view starts anyway (one more slot until a view ends),
    which breaks such a cycle and any other stall.
    """

    def __init__(self, slots: int = SLOTS, max_waiting: int = MAX_WAITING) -> None:
        self.slots = slots
        self.max_waiting = max_waiting
        self._cond = threading.Condition()
        self._order: deque[Ticket] = deque()
        self._durations: deque[float] = deque(maxlen=20)
        self._progress: dict[int, tuple[float, float]] = {}  # thread -> (cpu s, since)

    def enter(self, label: str = "view") -> Ticket:
        """Join the end of the queue; :class:`ServerBusy` if it is full."""
        with self._cond:
            waiting = len(self._order) - self.running()
            if waiting >= self.max_waiting:
                raise ServerBusy(
                    f"the server is busy: {waiting} views are waiting to be computed. "
                    "Please try again in a minute."
                )
            ticket = Ticket(label)
            self._order.append(ticket)
            self._promote()
            return ticket

    def running(self) -> int:
        """How many views are computing now."""
        with self._cond:
            return sum(1 for t in self._order if t.started is not None)

    def ahead(self, ticket: Ticket) -> int:
        """How many views are before ``ticket`` (running or waiting); 0 once it runs."""
        with self._cond:
            if ticket.started is not None:
                return 0
            return self._order.index(ticket)

    def wait(self, ticket: Ticket, timeout: float) -> bool:
        """Wait up to ``timeout`` s for ``ticket``'s turn; whether it has started."""
        with self._cond:
            if ticket.started is None:
                self._cond.wait(timeout)
            if ticket.started is None and self._stalled():
                first = next(t for t in self._order if t.started is None)
                first.started = time.monotonic()
                self._cond.notify_all()
            return ticket.started is not None

    def leave(self, ticket: Ticket) -> None:
        """Give the turn back (or the place in line); the next view starts."""
        with self._cond:
            if ticket not in self._order:
                return
            if ticket.started is not None:
                self._durations.append(time.monotonic() - ticket.started)
            self._order.remove(ticket)
            self._progress.pop(ticket.thread, None)
            self._promote()
            self._cond.notify_all()

    def typical_seconds(self) -> float | None:
        """Median duration of the recent views, or ``None`` before the first one finished."""
        with self._cond:
            if not self._durations:
                return None
            d = sorted(self._durations)
            return d[len(d) // 2]

    def _promote(self) -> None:
        for t in list(self._order)[: self.slots]:
            if t.started is None:
                t.started = time.monotonic()
        self._cond.notify_all()

    def _stalled(self) -> bool:
        """Whether every running view has used no CPU for :data:`STALL_S` (caller locks)."""
        now = time.monotonic()
        running = [t for t in self._order if t.started is not None]
        if not running:
            return False
        stalled = True
        for t in running:
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

#: The one queue of this process.
QUEUE = JobQueue()


# --------------------------------------------------------------------------- per script run


@dataclass
class _View:
    slot: Any  # the st.empty() where a waiting view shows its position
    session_id: str | None
    ticket: Ticket | None = None


_local = threading.local()


@contextlib.contextmanager
def view() -> Iterator[None]:
    """One script run of a page: reserve the notice slot; free the turn when the run ends.

    The slot is an empty element, so a view that never waits shows nothing.
    """
    ctx = _script_ctx()
    state = _View(slot=st.empty(), session_id=getattr(ctx, "session_id", None))
    previous = getattr(_local, "view", None)
    _local.view = state
    try:
        yield
    finally:
        _local.view = previous
        if state.ticket is not None:
            QUEUE.leave(state.ticket)


@contextlib.contextmanager
def heavy(label: str = "view") -> Iterator[None]:
    """Compute the block in this view's turn (wait for one first, if it holds none).

    Use it on the miss path of a heavy cached function: as a decorator under
    ``@st.cache_data`` (``@jobs.heavy()``) or as a ``with`` block inside it. In a
    :func:`view` the turn is kept to the end of the script run; elsewhere (a background
    thread, a test calling the function directly) it is held for the block only.
    """
    state: _View | None = getattr(_local, "view", None)
    if (state is not None and state.ticket is not None) or getattr(_local, "held", None):
        yield
        return
    ticket = QUEUE.enter(label)
    try:
        while not QUEUE.wait(ticket, POLL_S):
            if state is not None:
                _notify(state, QUEUE.ahead(ticket))
        if state is not None:
            _clear(state)
    except BaseException:
        QUEUE.leave(ticket)
        raise
    if state is not None:
        state.ticket = ticket  # kept until the run ends (view() gives it back)
        yield
        return
    _local.held = ticket
    try:
        yield
    finally:
        _local.held = None
        QUEUE.leave(ticket)


def waiting_message(ahead: int, typical: float | None) -> str:
    """The notice of a waiting view, e.g. ``"2 views ahead of yours (about 3 s)."``."""
    views = "1 view is" if ahead == 1 else f"{ahead} views are"
    eta = "" if typical is None else f" (about {max(1, round(ahead * typical))} s)"
    return (
        f"Many people are using Loss Lab right now: {views} being computed before yours"
        f"{eta}. Yours starts as soon as they are done; it keeps its place in line."
    )


def _notify(state: _View, ahead: int) -> None:
    """Show the position; leave the queue if the tab was closed.

    Drawing also lets Streamlit interrupt this run when the session asked for a rerun (a
    widget changed), which ends the wait through the exception it raises.
    """
    if state.session_id is not None and not _session_alive(state.session_id):
        st.stop()
    with _outside_cache_capture():
        state.slot.info(
            waiting_message(ahead, QUEUE.typical_seconds()), icon=":material/hourglass_top:"
        )


def _clear(state: _View) -> None:
    with _outside_cache_capture():
        state.slot.empty()


@contextlib.contextmanager
def _outside_cache_capture() -> Iterator[None]:
    """Draw into the page from inside a cached function without the cache recording it.

    ``st.cache_data`` records every element drawn during a miss and replays it on each hit;
    the queue notice belongs to this run only, so recording is switched off around it.
    """
    from streamlit.runtime.caching import cached_message_replay as replay

    flag = getattr(replay, "in_cached_function", None)
    token = flag.set(False) if flag is not None else None
    try:
        yield
    finally:
        if token is not None:
            flag.reset(token)


def _script_ctx() -> Any:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True)


def _session_alive(session_id: str) -> bool:
    from streamlit.runtime import Runtime

    try:
        return Runtime.instance().is_active_session(session_id)
    except Exception:  # no runtime (AppTest): the session is alive
        return True
