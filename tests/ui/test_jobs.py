"""The fair queue for heavy work (ui.jobs): order, positions, bounds, stalls, the page notice."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from ui import jobs


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> jobs.JobQueue:
    """A fresh one-slot queue as the process's queue, polled quickly."""
    q = jobs.JobQueue(slots=1, max_waiting=3)
    monkeypatch.setattr(jobs, "QUEUE", q)
    monkeypatch.setattr(jobs, "POLL_S", 0.05)
    return q


def test_first_come_first_served_with_positions(queue):
    a, b, c = queue.enter("a"), queue.enter("b"), queue.enter("c")
    assert a.started is not None and b.started is None and c.started is None
    assert [queue.ahead(t) for t in (a, b, c)] == [0, 1, 2]
    queue.leave(a)
    assert b.started is not None and c.started is None
    assert queue.ahead(c) == 1
    queue.leave(c)  # a view that gives up its place in line
    queue.leave(b)
    assert queue.running() == 0


def test_a_full_queue_refuses_with_a_message(queue):
    tickets = [queue.enter() for _ in range(4)]  # one running, three waiting
    with pytest.raises(ValueError, match="the server is busy: 3 views are waiting"):
        queue.enter()
    queue.leave(tickets[1])
    queue.enter()  # room again


def test_heavy_blocks_run_one_at_a_time_in_arrival_order(queue):
    spans: list[tuple[str, float, float]] = []

    def work(name: str) -> None:
        with jobs.heavy(name):
            t0 = time.monotonic()
            time.sleep(0.15)  # sleeping uses no CPU: but a stall needs STALL_S (3 s)
            spans.append((name, t0, time.monotonic()))

    threads = []
    for name in "abc":
        threads.append(threading.Thread(target=work, args=(name,)))
        threads[-1].start()
        time.sleep(0.03)  # a, then b, then c join the queue
    for t in threads:
        t.join(10)
    assert [s[0] for s in spans] == ["a", "b", "c"]
    for (_, _, end), (_, start, _) in itertools.pairwise(spans):
        assert start >= end  # never two at once
    assert queue.running() == 0


def test_nested_heavy_outside_a_view_does_not_wait_for_itself(queue):
    with jobs.heavy("outer"):
        with jobs.heavy("inner"):  # e.g. a cached figure calling cached panels
            assert queue.running() == 1
    assert queue.running() == 0


def test_a_stalled_turn_lets_the_next_view_start(queue, monkeypatch):
    # A running view that waits for a value a queued view is computing would wait forever;
    # a running view without CPU progress for STALL_S lets the next one start.
    monkeypatch.setattr(jobs, "STALL_S", 0.3)
    holder_in, release = threading.Event(), threading.Event()

    def holder() -> None:
        with jobs.heavy("holder"):
            holder_in.set()
            release.wait(10)  # blocked, no CPU

    t = threading.Thread(target=holder)
    t.start()
    holder_in.wait(5)
    t0 = time.monotonic()
    with jobs.heavy("next"):
        waited = time.monotonic() - t0
    release.set()
    t.join(5)
    assert 0.3 <= waited < 5


def test_waiting_message_counts_views_and_estimates_time():
    assert jobs.waiting_message(2, 3.0).startswith(
        "Many people are using Loss Lab right now: 2 views are being computed before yours "
        "(about 6 s)."
    )
    assert "1 view is being computed before yours." in jobs.waiting_message(1, None)


def _page() -> None:
    import streamlit as st

    from ui import jobs

    @st.cache_data(max_entries=2)
    @jobs.heavy()
    def double(x: int) -> int:
        return 2 * x

    with jobs.view():
        st.write(f"result {double(21)}")


def test_a_page_waits_its_turn_and_its_notice_is_not_cached(queue):
    """A view waits while another holds the turn, then draws; the queue notice it showed
    while waiting is gone at the end and is not replayed from the cache on the next run."""
    blocker = queue.enter("someone else")
    timer = threading.Timer(1.0, queue.leave, args=(blocker,))
    at = AppTest.from_function(_page, default_timeout=20)
    t0 = time.monotonic()
    timer.start()
    at.run()
    assert time.monotonic() - t0 >= 1.0  # it waited for the other view
    assert not at.exception
    assert [m.value for m in at.markdown] == ["result 42"]
    assert not at.info  # the notice was cleared
    at.run()  # a cache hit: nothing waits, nothing replayed
    assert [m.value for m in at.markdown] == ["result 42"] and not at.info
    assert queue.running() == 0


def _notice_page() -> None:
    import streamlit as st

    from ui import jobs

    jobs._notify(jobs._View(slot=st.empty(), session_id=None), 2)


def test_the_notice_shows_the_place_in_line():
    at = AppTest.from_function(_notice_page, default_timeout=20)
    at.run()
    assert "2 views are being computed before yours" in at.info[0].value
