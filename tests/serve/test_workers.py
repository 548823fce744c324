"""Worker processes (serve.workers): same results as in the server, cancellation, a dead worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core import boundaries, datasets, train
from serve import worker_boot, workers
from tests.conftest import per_loss


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch):
    """``count`` worker processes for this test (the suite otherwise computes in-process)."""

    def start(count: int = 2) -> None:
        monkeypatch.setattr(workers, "COUNT", count)

    monkeypatch.setattr(workers, "_pool", None)
    yield start
    if workers._pool is not None:
        workers._pool.shutdown(wait=True, cancel_futures=True)


def _same_run(a: train.FitResult, b: train.FitResult) -> None:
    assert a.diverged_epoch == b.diverged_epoch
    for k in a.history:
        np.testing.assert_array_equal(a.history[k], b.history[k])
    for p, q in zip(a.model.params, b.model.params, strict=True):
        np.testing.assert_array_equal(p, q)
    assert sorted(a.snapshots) == sorted(b.snapshots)
    for epoch, model in a.snapshots.items():
        for p, q in zip(model.params, b.snapshots[epoch].params, strict=True):
            np.testing.assert_array_equal(p, q)


def test_training_and_snapshots_in_workers_are_bit_identical(pool):
    pool(2)
    ds = datasets.load("moons", n_samples=120)
    cfgs = per_loss(
        ["cross_entropy", "mse", "hinge"],
        hidden=(8,),
        epochs=30,
        dtype="float32",
        optimizer="adam",
        lr=0.05,
        snapshot_epochs=(0, 10, 30),
    )
    far = workers.call(train.fit_many, ds, cfgs)
    here = train.fit_many(ds, cfgs)
    for a, b in zip(far, here, strict=True):
        _same_run(a, b)
    grid = boundaries.make_grid(np.vstack([ds.X_train, ds.X_test]), 20)
    xy = (ds.X_train, ds.y_train, ds.X_test, ds.y_test)
    calls = [
        (boundaries.panel, (r.snapshots[e], c.loss, e, grid, *xy), {})
        for r, c in zip(here, cfgs, strict=True)
        for e in (0, 10, 30)
    ]
    for f, g in zip(workers.call_all(calls), [fn(*a) for fn, a, _ in calls], strict=True):
        np.testing.assert_array_equal(f.surface.values, g.surface.values)
        np.testing.assert_array_equal(f.gradient, g.gradient)
        assert f.test_accuracy == g.test_accuracy


def test_calls_run_in_worker_processes_and_their_cpu_is_the_callers(pool):
    pool(2)
    pids = workers.call_all([(os.getpid, (), {})] * 4)
    assert os.getpid() not in pids
    before = workers.worker_seconds()
    ds = datasets.load("moons", n_samples=200)
    workers.call(train.fit_many, ds, per_loss(["cross_entropy"], hidden=(32,), epochs=200))
    assert workers.worker_seconds() > before  # the fast lane sees a training view as heavy


def test_without_workers_calls_run_here(pool):
    pool(0)
    assert workers.call_all([(os.getpid, (), {})] * 2) == [os.getpid()] * 2
    assert workers._pool is None


def test_a_gone_requester_cancels_the_work_not_started(pool, tmp_path: Path):
    pool(1)
    marks = [tmp_path / f"ran_{i}" for i in range(3)]
    calls = [(time.sleep, (1.0,), {}), (time.sleep, (1.0,), {})]
    calls += [(Path.touch, (m,), {}) for m in marks]
    with workers.requester(lambda: True), pytest.raises(workers.Abandoned):
        workers.call_all(calls)
    workers._pool.shutdown(wait=True)  # let whatever had started finish
    # the one worker ran the first sleep and had the second queued; the touches never ran
    assert not any(m.exists() for m in marks)


def test_a_dead_worker_costs_no_view(pool):
    pool(1)
    pid = workers.call(os.getpid)
    os.kill(pid, signal.SIGKILL)
    ds = datasets.load("moons", n_samples=120)
    cfgs = per_loss(["cross_entropy"], hidden=(4,), epochs=5)
    got = workers.call(train.fit_many, ds, cfgs)  # computed in this process instead
    _same_run(got[0], train.fit_many(ds, cfgs)[0])
    assert workers.call(os.getpid) not in (pid, os.getpid())  # a new pool, new workers


def test_idle_workers_are_retired_and_come_back_when_needed(pool, monkeypatch):
    pool(1)
    monkeypatch.setattr(workers, "IDLE_S", 0.4)
    pid = workers.call(os.getpid)
    deadline = time.monotonic() + 10
    while workers._pool is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers._pool is None  # nothing used it for IDLE_S: its workers were stopped
    assert workers.call(os.getpid) not in (pid, os.getpid())  # the next call starts anew


SCRIPT = """
import os, sys
sys.path.insert(0, {root!r})
if __name__ == "__mp_main__":
    print("RE-RAN THE MAIN SCRIPT IN A WORKER", flush=True)
from serve import workers
if __name__ == "__main__":
    workers.COUNT = 1
    pid = workers.call(os.getpid)
    print("worker", pid != os.getpid(), "count", workers.COUNT, flush=True)
"""


def test_workers_never_rerun_the_main_script_from_any_working_directory(tmp_path: Path):
    # Streamlit's __main__ is the last page script; a worker must not run it, also when the
    # server was started from another directory than the repository (the fork server
    # finds serve.worker_boot through PYTHONPATH, not through this process's sys.path)
    script = tmp_path / "app.py"
    script.write_text(SCRIPT.format(root=workers.ROOT))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "RE-RAN" not in out.stdout
    assert "worker True count 1" in out.stdout


def test_a_pool_shut_down_under_a_call_costs_no_view(pool):
    # e.g. retired or broken by another thread just as this call picked it up: submit raises
    # RuntimeError, not BrokenProcessPool; the call is computed here and the pool replaced
    pool(1)
    workers.call(os.getpid)
    stale = workers._pool
    stale.shutdown(wait=True)
    assert workers.call(sum, (1, 2)) == 3
    assert workers._pool is not stale


def test_workers_run_below_the_server(pool):
    """Heavy training in the workers leaves the CPU to the server first (cached views, clicks)."""
    pool(1)
    server = os.nice(0)
    assert workers.call(os.nice, 0) == min(server + worker_boot.NICENESS, 19)
