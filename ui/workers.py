"""Worker processes for the heavy NumPy work, shared by every session of one server process.

Streamlit runs every session's script in a thread of one process, and the GIL lets one thread
compute at a time: one process uses one core, however many the machine has (Community Cloud
gives an app 2). Training (:func:`core.train.fit_many`) and the player's snapshot evaluation
(:func:`core.snapshots.evaluate`) are most of a new view's time and are pure ``core``
functions of picklable arguments, so :func:`call` and :func:`call_all` run them in a small
pool of worker processes: while one student's models train in a worker, the server builds
another student's page. The results are the same to the last bit: a worker runs the same
``core`` code on the same arrays, with single-threaded BLAS as the server does.

* ``LOSSLAB_WORKERS`` sets the number of workers; the default is 2 on a machine with two or
  more cores, else 0 (0: everything runs in the calling thread, as before). Replicas
  (``deploy/replicas.py``) set 0: there, one process per core already uses every core.
* The pool starts at the first call (an idle server has no workers), serves calls in
  arrival order, and stops after :data:`IDLE_S` without a call. A call whose requester is
  gone (:func:`requester`: a closed tab) cancels its work that has not started. A crashed
  worker costs no view: the call is computed here and the next call starts a new pool.
* Workers are forked from a *fork server*, a fresh interpreter (:mod:`ui.worker_boot`).
  The server itself is never forked: a fork of a process with running threads and open
  websockets can deadlock, and keeps the sockets open. Without the fork server start
  method (Windows) there are no workers.

This module imports no Streamlit: the workers unpickle :func:`_timed` from it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

__all__ = ["COUNT", "Abandoned", "call", "call_all", "requester", "waiting", "worker_seconds"]

LOG = logging.getLogger("loss_lab")
#: What the fork server imports before it forks a worker.
PRELOAD = ["ui.worker_boot"]
#: How often a waiting call checks whether its requester is still there, s.
POLL_S = 0.25
#: Workers that nothing has used for this long are stopped, s.
IDLE_S = 120.0


def _count() -> int:
    env = os.environ.get("LOSSLAB_WORKERS")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return 0
    if env is not None:
        return max(0, int(env))
    return 2 if (os.cpu_count() or 1) >= 2 else 0


#: Worker processes of this server process (0: no pool).
COUNT = _count()


class Abandoned(RuntimeError):
    """The requester left before its work was done; the work not started was cancelled."""


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_in_flight = 0  # calls using the pool now (under _pool_lock)
_last_used = 0.0  # time.monotonic() when the last call ended (under _pool_lock)
_local = threading.local()
_waiting: set[int] = set()  # native ids of the threads waiting for workers now
_waiting_lock = threading.Lock()


def _timed(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, float]:
    """In a worker: ``fn(*args, **kwargs)`` and the CPU seconds it took."""
    start = time.process_time()
    return fn(*args, **kwargs), time.process_time() - start


def _context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


@contextlib.contextmanager
def _using_pool() -> Iterator[ProcessPoolExecutor]:
    """The pool (started if there is none) for one call; its use is counted, so that
    :func:`_retire_idle` never stops a pool a call is using."""
    global _pool, _in_flight, _last_used
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=COUNT, mp_context=_context())
            threading.Thread(target=_retire_idle, args=(_pool,), daemon=True).start()
        pool = _pool
        _in_flight += 1
    try:
        yield pool
    finally:
        with _pool_lock:
            _in_flight -= 1
            _last_used = time.monotonic()


def _drop_pool(pool: ProcessPoolExecutor) -> None:
    """Forget ``pool`` (broken or idle) and stop its workers; the next call starts anew."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _retire_idle(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers once nothing has used them for :data:`IDLE_S` (their memory
    goes back between lectures; a new pool starts in about 0.3 s)."""
    while True:
        time.sleep(IDLE_S / 4)
        with _pool_lock:
            if _pool is not pool:
                return
            idle = _in_flight == 0 and time.monotonic() - _last_used > IDLE_S
        if idle:
            _drop_pool(pool)
            return


@contextlib.contextmanager
def requester(gone: Callable[[], bool]) -> Iterator[None]:
    """Within this block, calls from this thread cancel their work when ``gone()`` is true
    (``ui.jobs.view`` passes "the tab was closed")."""
    previous = getattr(_local, "gone", None)
    _local.gone = gone
    try:
        yield
    finally:
        _local.gone = previous


def worker_seconds() -> float:
    """CPU seconds the workers have spent on this thread's calls so far (``ui.jobs`` counts
    them as the view's own: a view that trains is not a quick look)."""
    return getattr(_local, "cpu", 0.0)


def waiting(native_id: int) -> bool:
    """Whether thread ``native_id`` is waiting for workers now (busy, not stalled)."""
    with _waiting_lock:
        return native_id in _waiting


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, in a worker process when there is a pool."""
    return call_all([(fn, args, kwargs)])[0]


def call_all(calls: Sequence[tuple[Callable[..., Any], tuple, dict]]) -> list[Any]:
    """Every ``fn(*args, **kwargs)`` of ``calls``, spread over the workers; results in order.

    ``fn`` must be importable by name (a module-level function of ``core``) and its
    arguments picklable. Without a pool, or when the pool breaks, the calls run here.
    """
    if COUNT == 0:
        return [fn(*args, **kwargs) for fn, args, kwargs in calls]
    me = threading.get_native_id()
    with _using_pool() as pool:
        futures = []
        with _waiting_lock:
            _waiting.add(me)
        try:
            futures = [pool.submit(_timed, fn, args, kwargs) for fn, args, kwargs in calls]
            results = [_result(f) for f in futures]
        except BrokenProcessPool:
            LOG.warning("a worker process died; computing here and starting new workers")
            _drop_pool(pool)
            results = [(fn(*args, **kwargs), 0.0) for fn, args, kwargs in calls]
        except BaseException:  # the requester left, or the work itself raised
            for f in futures:
                f.cancel()
            raise
        finally:
            with _waiting_lock:
                _waiting.discard(me)
    _local.cpu = worker_seconds() + sum(cpu for _, cpu in results)
    return [value for value, _ in results]


def _result(future: Future) -> tuple[Any, float]:
    gone = getattr(_local, "gone", None)
    while True:
        try:
            return future.result(timeout=POLL_S)
        except TimeoutError:
            if gone is not None and gone():
                raise Abandoned("the view's tab was closed") from None
        except CancelledError:
            raise Abandoned("the work was cancelled") from None
