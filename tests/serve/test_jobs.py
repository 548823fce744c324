"""The fair queue for heavy work (serve.jobs): order, positions, bounds, stalls, the page notice."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from serve import jobs, workers


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> jobs.JobQueue:
    """A fresh one-slot queue as the process's queue, polled quickly."""
    q = jobs.JobQueue(slots=1, max_waiting=3)
    monkeypatch.setattr(jobs, "QUEUE", q)
    monkeypatch.setattr(jobs, "POLL_S", 0.05)
    return q


@pytest.fixture
def fast_lane(monkeypatch: pytest.MonkeyPatch) -> jobs.JobQueue:
    """A fresh quick-look line as the process's, and a fresh record of page costs."""
    q = jobs.JobQueue(slots=1)
    monkeypatch.setattr(jobs, "FAST_LANE", q)
    monkeypatch.setattr(jobs, "POLL_S", 0.05)
    monkeypatch.setattr(jobs, "_costs", {})
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


def test_a_view_that_ends_wakes_only_the_view_whose_turn_comes():
    """Sixty waiting views woken by every view that ends would each redraw their place in
    line sixty times: the third in line sleeps on while the first hands the turn to the
    second, and wakes when its own turn comes."""
    line = jobs.JobQueue(slots=1)
    first, second, third = line.enter("a"), line.enter("b"), line.enter("c")
    woke: list[tuple[bool, float]] = []

    def wait_in_line() -> None:
        t0 = time.monotonic()
        woke.append((line.wait(third, 5.0), time.monotonic() - t0))

    waiter = threading.Thread(target=wait_in_line)
    waiter.start()
    time.sleep(0.1)
    line.leave(first)  # the second's turn
    assert second.turn.is_set() and not third.turn.is_set()
    time.sleep(0.5)
    assert woke == []  # still asleep (it would have woken at once on a wake-everyone)
    line.leave(second)  # the third's turn
    waiter.join(5)
    [(started, waited)] = woke
    assert started and 0.6 <= waited < 4.0
    line.leave(third)


def test_a_full_queue_refuses_with_a_message(queue):
    tickets = [queue.enter() for _ in range(4)]  # one running, three waiting
    with pytest.raises(ValueError, match="Loss Lab is busy: 3 views are waiting"):
        queue.enter()
    queue.leave(tickets[1])
    queue.enter()  # room again


def test_views_run_one_at_a_time_in_arrival_order(queue):
    spans: list[tuple[str, float, float]] = []

    def work(name: str) -> None:
        with jobs.view("test-order"):
            t0 = time.monotonic()
            time.sleep(0.15)  # sleeping uses no CPU, but a stall needs STALL_S (3 s)
            spans.append((name, t0, time.monotonic()))

    st.empty()  # the first bare-mode call is slow (it prints a warning): not in the race
    threads = []
    for name in "abc":
        threads.append(threading.Thread(target=work, args=(name,)))
        threads[-1].start()
        time.sleep(0.05)  # a, then b, then c join the queue
    for t in threads:
        t.join(10)
    assert [s[0] for s in spans] == ["a", "b", "c"]
    for (_, _, end), (_, start, _) in itertools.pairwise(spans):
        assert start >= end  # never two at once
    assert queue.running() == 0


@pytest.mark.parametrize("slots", [2, 3], ids=lambda n: f"{n}_slots")
def test_a_view_to_run_alone_waits_for_an_empty_line_and_holds_the_rest(slots):
    q = jobs.JobQueue(slots=slots)
    a = q.enter("a")
    new = q.enter("a page's first view", alone=True)
    b = q.enter("b")
    assert new.started is None and b.started is None  # free slots, but a runs
    q.leave(a)
    assert new.started is not None and b.started is None  # nothing beside it
    q.leave(new)
    assert b.started is not None
    c, d = q.enter("c", alone=True), q.enter("d")
    assert c.started is None and q.ahead(c) == 1 and q.ahead(d) == 2  # b runs
    q.leave(b)
    assert c.started is not None and d.started is None
    q.leave(c)
    assert d.started is not None


def test_a_pages_first_view_runs_alone(monkeypatch):
    """The first view of a page in a process runs with no other view beside it; the views
    arriving meanwhile wait for it, then share the slots again."""
    q = jobs.JobQueue(slots=3)
    monkeypatch.setattr(jobs, "QUEUE", q)
    monkeypatch.setattr(jobs, "POLL_S", 0.05)
    monkeypatch.setattr(jobs, "_started", set())
    monkeypatch.setattr(jobs, "_costs", {})
    st.empty()  # the first bare-mode call is slow (it prints a warning): not in the race
    spans: dict[str, tuple[float, float]] = {}
    entered = _count_entries(q, monkeypatch)

    def work(name: str, key: str) -> None:
        with jobs.view(key):
            t0 = time.monotonic()
            time.sleep(0.2)
            spans[name] = (t0, time.monotonic())

    views = [("first", "page"), ("second", "page"), ("third", "page"), ("other", "other")]
    threads = [threading.Thread(target=work, args=v) for v in views]
    for i, t in enumerate(threads):
        t.start()
        _until(lambda i=i: len(entered) == i + 1)  # in this order
    for t in threads:
        t.join(10)
    assert min(spans[v][0] for v in ("second", "third")) >= spans["first"][1]
    assert spans["third"][0] < spans["second"][1]  # after it, side by side
    assert spans["other"][0] >= max(spans[v][1] for v in ("second", "third"))  # alone too
    assert not jobs.first_view("page", q) and not jobs.first_view("other", q)
    assert q.running() == 0


def _count_entries(q: jobs.JobQueue, monkeypatch: pytest.MonkeyPatch) -> list[jobs.Ticket]:
    """The tickets ``q`` hands out, in order (a list that grows)."""
    entered: list = []
    enter = q.enter

    def counted(*args, **kwargs):
        entered.append(enter(*args, **kwargs))
        return entered[-1]

    monkeypatch.setattr(q, "enter", counted)
    return entered


def _until(done, timeout: float = 5.0) -> None:
    t0 = time.monotonic()
    while not done():
        assert time.monotonic() - t0 < timeout, "timed out"
        time.sleep(0.005)


def test_a_first_view_that_leaves_before_its_turn_hands_it_on(monkeypatch):
    """A page's first view that is closed or rerun while it waits does not take "alone" with
    it: the next waiting view of the page runs alone instead, or else the next to come."""
    q = jobs.JobQueue(slots=3)
    monkeypatch.setattr(jobs, "_started", set())
    busy = q.enter("another page's view")
    first = q.enter("page", alone=jobs.first_view("page", q))
    second = q.enter("page", alone=jobs.first_view("page", q))
    assert first.alone and not second.alone
    q.leave(first)  # its tab was closed before its turn
    assert second.alone and second.started is None  # waits for the line to empty
    q.leave(second)
    assert jobs.first_view("page", q)  # nobody of the page is in line: the next runs alone
    q.leave(busy)


def test_a_cheap_page_skips_the_line_of_views_that_compute(queue, fast_lane):
    blocker = queue.enter("a long view")
    for _ in range(3):
        jobs.record("test-cheap", 0.01)
    assert jobs.is_fast("test-cheap") and not jobs.is_fast("test-unknown")
    t0 = time.monotonic()
    with jobs.view("test-cheap"):
        assert queue.running() == 1  # only the blocker: this view took no turn there
        assert fast_lane.running() == 1  # but one in the quick looks' line
    assert time.monotonic() - t0 < 0.5
    jobs.record("test-cheap", 5.0)  # one expensive run and it queues again
    assert not jobs.is_fast("test-cheap")
    queue.leave(blocker)


def test_quick_looks_go_one_at_a_time_in_arrival_order(fast_lane):
    # sixty cached views at once would share the GIL and all finish at the end
    for _ in range(3):
        jobs.record("test-quick", 0.01)
    first = fast_lane.enter("a quick look")
    done = []

    def look(name: str) -> None:
        with jobs.view("test-quick"):
            done.append(name)

    threads = [threading.Thread(target=look, args=(f"look {i}",)) for i in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.1)  # arrival order
    time.sleep(0.3)
    assert done == [] and fast_lane.ahead(fast_lane._order[-1]) == 3  # all wait their turn
    fast_lane.leave(first)
    for t in threads:
        t.join(10)
    assert done == ["look 0", "look 1", "look 2"]


def test_a_stalled_turn_lets_the_next_view_start(queue, monkeypatch):
    # A running view that waits for another thread (a value being computed elsewhere) must
    # not stall the line: without CPU progress for STALL_S the next view starts.
    monkeypatch.setattr(jobs, "STALL_S", 0.3)
    holder_in, release = threading.Event(), threading.Event()

    def holder() -> None:
        with jobs.view("test-stall"):
            holder_in.set()
            release.wait(10)  # blocked, no CPU

    t = threading.Thread(target=holder)
    t.start()
    holder_in.wait(5)
    t0 = time.monotonic()
    with jobs.view("test-stall"):
        waited = time.monotonic() - t0
    release.set()
    t.join(5)
    assert 0.3 <= waited < 5


def test_a_turn_waiting_for_worker_processes_is_busy_not_stalled(queue, monkeypatch):
    # A view whose training runs in a worker process uses no CPU in its own thread: the line
    # must not take that for a stall and start another view beside it.
    monkeypatch.setattr(jobs, "STALL_S", 0.3)
    holder_in, release = threading.Event(), threading.Event()

    def holder() -> None:
        with jobs.view("test-workers"):
            with workers._waiting_lock:
                workers._waiting.add(threading.get_native_id())
            holder_in.set()
            release.wait(10)
            with workers._waiting_lock:
                workers._waiting.discard(threading.get_native_id())

    t = threading.Thread(target=holder)
    t.start()
    holder_in.wait(5)
    threading.Timer(1.5, release.set).start()  # five stall periods later
    t0 = time.monotonic()
    with jobs.view("test-workers"):
        waited = time.monotonic() - t0
    t.join(5)
    assert waited >= 1.4  # it started only when the holder's turn ended


def _burn(seconds: float) -> None:
    t0 = time.thread_time()
    while time.thread_time() - t0 < seconds:
        pass


def test_only_the_cpu_before_a_view_computes_decides_its_line(queue, monkeypatch):
    # a page whose views compute right after their widgets (a new seed: training in the
    # workers, then panels in the server) may start in the quick line: everything after its
    # work began happens in the queue
    monkeypatch.setattr(jobs, "_costs", {})
    # pages past their first view (its imports are not evidence: see the next test)
    monkeypatch.setattr(jobs, "_started", {"test-trains", "test-heavy"})
    for _ in range(3):
        with jobs.view("test-trains"):
            workers.call(sum, (1, 2))  # the training: the view computes from here on
            _burn(2 * jobs.FAST_S)
    assert jobs.is_fast("test-trains")
    # a page that computes in its own thread without saying so stays in the queue
    for _ in range(3):
        with jobs.view("test-heavy"):
            _burn(2 * jobs.FAST_S)
    assert not jobs.is_fast("test-heavy")
    assert min(jobs._costs["test-heavy"]) >= 2 * jobs.FAST_S


def test_a_pages_first_view_is_not_evidence_that_it_computes(queue, fast_lane, monkeypatch):
    # the home page's first view in a process imports what the page needs (0.7 CPU-s before
    # its first cache miss, measured) and later runs are cached (0.03-0.1 s): the first must
    # not keep the page in the queue, where a cached view waits for a computing view to end
    monkeypatch.setattr(jobs, "_started", set())
    with jobs.view("test-home"):
        _burn(2 * jobs.FAST_S)  # the imports
    for _ in range(3):
        with jobs.view("test-home"):
            pass  # cached
    assert jobs.is_fast("test-home")
    blocker = queue.enter("a view that computes")  # every computing slot taken
    t0 = time.monotonic()
    with jobs.view("test-home"):
        assert queue.running() == 1 and fast_lane.running() == 1  # in the quick line
    assert time.monotonic() - t0 < 0.5
    queue.leave(blocker)
    # a page whose later views cost as much still queues
    with jobs.view("test-heavy-page"):
        _burn(2 * jobs.FAST_S)
    for _ in range(3):
        with jobs.view("test-heavy-page"):
            _burn(2 * jobs.FAST_S)
    assert not jobs.is_fast("test-heavy-page")


def test_a_quick_look_that_trains_moves_to_the_line_of_views_that_compute(queue, fast_lane):
    # three cached preset clicks make the page look quick; a new seed then trains: its turn
    # must move to the views that compute before the work starts, not hold the quick line
    for _ in range(3):
        jobs.record("test-seed", 0.01)
    blocker = queue.enter("a long view")
    events = []

    def student() -> None:
        with jobs.view("test-seed"):
            events.append("in")
            workers.call(sum, (1, 2))  # the training
            events.append("computed")

    t = threading.Thread(target=student)
    t.start()
    time.sleep(0.4)
    assert events == ["in"]  # it started in the quick line, then waits behind the blocker
    assert fast_lane.running() == 0 and queue.ahead(queue._order[-1]) == 1
    queue.leave(blocker)
    t.join(10)
    assert events == ["in", "computed"]
    assert not jobs.is_fast("test-seed") or min(jobs._costs["test-seed"]) < jobs.FAST_S


def test_one_browser_holds_at_most_its_share_of_the_slots():
    # one student's three heavy tabs, then two other students: the tabs run one at a time,
    # the others pass them and take the free slots
    q = jobs.JobQueue(slots=3, per_client=1)
    tabs = [q.enter("heavy", client="browser:a") for _ in range(3)]
    others = [q.enter("view", client=c) for c in ("browser:b", "session:c")]
    assert [t.started is not None for t in tabs] == [True, False, False]
    assert all(t.started is not None for t in others)
    assert q.running() == 3
    q.leave(tabs[0])
    assert tabs[1].started is not None and tabs[2].started is None
    q.leave(others[0])  # a free slot, but the student's next tab still waits for its own
    assert tabs[2].started is None and q.running() == 2
    q.leave(tabs[1])
    assert tabs[2].started is not None


def test_views_without_a_client_are_not_limited():
    q = jobs.JobQueue(slots=2, per_client=1)
    a, b = q.enter("a"), q.enter("b")
    assert a.started is not None and b.started is not None


def test_the_process_queue_limits_each_browser():
    assert jobs.QUEUE.per_client == jobs.PER_CLIENT == 1


def test_a_quick_look_whose_shared_cache_misses_moves_to_the_queue(queue, fast_lane):
    for _ in range(3):
        jobs.record("test-miss", 0.01)
    blocker = queue.enter("a long view")
    events = []

    def student() -> None:
        with jobs.view("test-miss"):
            events.append("in")
            jobs.computing()  # what a shared cache of ui.comparison calls on a miss
            events.append("computed")

    t = threading.Thread(target=student)
    t.start()
    time.sleep(0.4)
    assert events == ["in"] and fast_lane.running() == 0
    queue.leave(blocker)
    t.join(10)
    assert events == ["in", "computed"]
    jobs.computing()  # outside a view: nothing happens


def test_the_queue_says_when_it_is_empty_and_memory_can_be_released(queue):
    assert queue.empty()
    a = queue.enter("a")
    b = queue.enter("b")
    queue.leave(a)
    assert not queue.empty()
    queue.leave(b)
    assert queue.empty()
    jobs.release_memory()  # glibc gives freed heap pages back; elsewhere nothing happens


def test_waiting_message_counts_views_and_estimates_time():
    assert jobs.waiting_message(2, 3.0).startswith(
        "Many people are using Loss Lab right now: 2 views are being computed before yours "
        "(about 6 s)."
    )
    assert "1 view is being computed before yours." in jobs.waiting_message(1, None)
    # three at once: five ahead (three running) is one round of about 3 s, not 15 s
    assert "5 views are being computed before yours (about 3 s)" in jobs.waiting_message(5, 3.0, 3)


def _page() -> None:
    import streamlit as st

    from serve import jobs

    with jobs.view("test-page"):
        st.write("result 42")


def test_a_page_waits_its_turn_then_the_notice_goes(queue):
    blocker = queue.enter("someone else")
    timer = threading.Timer(1.0, queue.leave, args=(blocker,))
    at = AppTest.from_function(_page, default_timeout=20)
    t0 = time.monotonic()
    timer.start()
    at.run()
    assert time.monotonic() - t0 >= 1.0  # it waited for the other view
    assert not at.exception
    assert [m.value for m in at.markdown] == ["result 42"]
    assert not at.info  # the place-in-line notice was cleared
    assert queue.running() == 0


def test_a_full_queue_stops_the_page_with_a_message(queue, monkeypatch):
    blocker = queue.enter("someone else")
    monkeypatch.setattr(queue, "max_waiting", 0)
    at = AppTest.from_function(_page, default_timeout=20)
    at.run()
    assert not at.exception and not at.markdown
    assert "Loss Lab is busy: 0 views are waiting" in at.error[0].value
    queue.leave(blocker)


def _page_with_navigation() -> None:
    import streamlit as st

    from serve import jobs

    with jobs.view("test-page", waiting=lambda: st.sidebar.write("navigation")) as drawn:
        st.write(f"navigation drawn while waiting: {drawn}")


def test_a_refused_view_shows_the_navigation_too(queue, monkeypatch):
    blocker = queue.enter("someone else")
    monkeypatch.setattr(queue, "max_waiting", 0)
    at = AppTest.from_function(_page_with_navigation, default_timeout=20).run()
    assert "Loss Lab is busy" in at.error[0].value
    assert [m.value for m in at.sidebar.markdown] == ["navigation"]
    assert not at.main.markdown
    queue.leave(blocker)


def test_a_view_served_at_once_leaves_the_navigation_to_its_turn(queue):
    at = AppTest.from_function(_page_with_navigation, default_timeout=20).run()
    assert not at.sidebar.markdown
    assert [m.value for m in at.main.markdown] == ["navigation drawn while waiting: False"]


def _notice_page() -> None:
    import streamlit as st

    from serve import jobs

    line = jobs.JobQueue(slots=1)
    tickets = [line.enter(f"view {i}") for i in range(3)]
    jobs._notify(jobs._View(slot=st.empty(), session_id=None), line, tickets[-1])


def test_the_notice_shows_the_place_in_line():
    at = AppTest.from_function(_notice_page, default_timeout=20)
    at.run()
    assert "2 views are being computed before yours" in at.info[0].value
