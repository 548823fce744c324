"""Worker processes for the heavy NumPy work, shared by every session of one server process.

Streamlit runs every session's script in a thread of one process, and the GIL lets one thread
compute at a time: one process uses one core, however many the machine has (Community Cloud
gives an app 2). Training (:func:`core.train.fit_many`) is most of a new view's time and is
a pure ``core`` function of picklable arguments, so :func:`call` and :func:`call_all` run it
in a small pool of worker processes: while one student's models train in a worker, the
server builds another student's page. The results are the same to the last bit: a worker runs
the same ``core`` code on the same arrays, with single-threaded BLAS as the server does.

* ``LOSSLAB_WORKERS`` sets the number of workers; the default is 2 on a machine with two or
  more cores, else 0 (0: everything runs in the calling thread, as before). Replicas
  (``deploy/replicas.py``) set 0: there, one process per core already uses every core.
* The pool starts at the first call (an idle server has no workers), serves calls in
  arrival order, and stops after :data:`IDLE_S` without a call. A call whose requester is
  gone (:func:`requester`: a closed tab) cancels its work that no worker has taken yet.
  A crashed worker, a pool shut down under a call or a result that never comes
  (:data:`MAX_WAIT_S`) costs no view: the call is computed here, the next starts a new pool.
* Workers are forked from a *fork server*, a fresh interpreter (:mod:`serve.worker_boot`).
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
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

__all__ = ["COUNT", "Abandoned", "call", "call_all", "requester", "waiting", "worker_seconds"]

LOG = logging.getLogger("loss_lab")
#: What the fork server imports before it forks a worker.
PRELOAD = ["serve.worker_boot"]
#: How often a waiting call checks whether its requester is still there, s.
POLL_S = 0.25
#: Workers that nothing has used for this long are stopped, s.
IDLE_S = 120.0
#: A call without a result after this long is computed in the server instead (a lost or
#: hung worker must not hold a view forever), s.
MAX_WAIT_S = 300.0
#: The repository root: how the fork server finds :mod:`serve.worker_boot`.
ROOT = str(Path(__file__).resolve().parent.parent)


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


class _PoolFailed(Exception):
    """The workers could not do the calls: a worker died, the pool was shut down under
    them, or no result came in :data:`MAX_WAIT_S`."""


def _timed(fn: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, float, bool]:
    """In a worker: ``fn(*args, **kwargs)``, the CPU seconds it took, and whether the worker
    came from the fork server that :mod:`serve.worker_boot` prepared."""
    start = time.process_time()
    value = fn(*args, **kwargs)
    return value, time.process_time() - start, "serve.worker_boot" in sys.modules


def _context() -> multiprocessing.context.BaseContext:
    # The fork server is a fresh ``python -c`` that ignores this process's sys.path (3.11)
    # and skips a preload it cannot import: it finds serve.worker_boot through PYTHONPATH.
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if ROOT not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([ROOT, *paths])
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
    goes back between lectures; a new pool starts in a fraction of a second)."""
    global _pool
    while True:
        time.sleep(IDLE_S / 4)
        with _pool_lock:  # decided and forgotten at once: no call can pick it up meanwhile
            if _pool is not pool:
                return
            if _in_flight or time.monotonic() - _last_used <= IDLE_S:
                continue
            _pool = None
        pool.shutdown(wait=False, cancel_futures=True)
        return


@contextlib.contextmanager
def requester(
    gone: Callable[[], bool], before_work: Callable[[], None] | None = None
) -> Iterator[None]:
    """Within this block, calls from this thread cancel their work when ``gone()`` is true
    (``serve.jobs.view`` passes "the tab was closed"), and call ``before_work()`` first (a
    quick look that turns out to train takes its turn with the views that compute)."""
    previous = getattr(_local, "gone", None), getattr(_local, "before_work", None)
    _local.gone, _local.before_work = gone, before_work
    try:
        yield
    finally:
        _local.gone, _local.before_work = previous


def worker_seconds() -> float:
    """CPU seconds the workers have spent on this thread's calls so far (``serve.jobs`` counts
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
    arguments picklable; what ``fn`` raises is raised here. Without a pool, or when the
    workers fail (:class:`_PoolFailed`), the calls run here.
    """
    global COUNT
    before_work = getattr(_local, "before_work", None)
    if before_work is not None:
        before_work()
    if COUNT == 0:
        return [fn(*args, **kwargs) for fn, args, kwargs in calls]
    me = threading.get_native_id()
    with _waiting_lock:
        _waiting.add(me)
    try:
        with _using_pool() as pool:
            try:
                results = _in_workers(pool, calls)
            except _PoolFailed as err:
                LOG.warning("worker processes failed (%s): computing in the server", err)
                _drop_pool(pool)
                results = [(fn(*args, **kwargs), 0.0, True) for fn, args, kwargs in calls]
    finally:
        with _waiting_lock:
            _waiting.discard(me)
    if not all(booted for _, _, booted in results):
        # a worker that did not come from serve.worker_boot re-ran the last page script
        LOG.error("workers started without serve.worker_boot: computing in the server from now on")
        COUNT = 0
    _local.cpu = worker_seconds() + sum(cpu for _, cpu, _ in results)
    return [value for value, _, _ in results]


def _in_workers(pool: ProcessPoolExecutor, calls: Sequence[tuple]) -> list[tuple]:
    futures: list[Future] = []
    try:
        try:
            futures = [pool.submit(_timed, fn, args, kwargs) for fn, args, kwargs in calls]
        except Exception as err:  # broken, shut down, or a worker that could not start
            raise _PoolFailed(err) from err
        deadline = time.monotonic() + MAX_WAIT_S
        return [_result(f, deadline) for f in futures]
    except BaseException:  # the requester left, the pool failed, or the work itself raised
        for f in futures:
            f.cancel()
        raise


def _result(future: Future, deadline: float) -> tuple[Any, float, bool]:
    gone = getattr(_local, "gone", None)
    while True:
        try:
            return future.result(timeout=POLL_S)
        except TimeoutError:
            if gone is not None and gone():
                raise Abandoned("the view's tab was closed") from None
            if time.monotonic() > deadline:
                raise _PoolFailed(f"no result in {MAX_WAIT_S:.0f} s") from None
        except CancelledError:  # only a shutdown of the pool cancels work we wait for
            raise _PoolFailed("the pool was shut down") from None
        except BrokenProcessPool as err:
            raise _PoolFailed(err) from err
