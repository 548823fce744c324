"""Start ``streamlit run`` and wait until it answers: the one way the app is started by
``deploy/replicas.py``, the benchmarks (``benchmarks/load.py``, ``benchmarks/pages.py``) and
the browser tests (``tests/e2e/conftest.py``).

The app runs from ``cwd`` so that directory's ``.streamlit/config.toml`` applies (as on
Community Cloud: headless, no file watcher, no usage statistics), on loopback, in its own
process group (stopping it stops whatever it started).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
#: The production settings on the command line too, for a checkout whose config predates them
#: (the benchmarks compare with older commits) and so tests never depend on it.
HEADLESS = (
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
)


@dataclass
class Server:
    """A running ``streamlit run``: its base URL and process."""

    url: str
    proc: subprocess.Popen


def free_port() -> int:
    """A loopback TCP port nobody listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(app: Path, port: int, server_args: Sequence[str] = ()) -> list[str]:
    """``streamlit run app`` on ``127.0.0.1:port`` with this interpreter."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(app)]
    return [*cmd, "--server.port", str(port), "--server.address", "127.0.0.1", *server_args]


def spawn(
    cmd: Sequence[str], log: Path | None, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen:
    """Start ``cmd`` in its own process group, its output to ``log`` (or nowhere), with
    ``env`` added to this process's environment."""
    with open(log or os.devnull, "wb") as out:
        return subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to ``proc``'s process group; kill the group if it is not gone in 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_healthy(url: str, procs: Sequence[subprocess.Popen], timeout: float = 120.0) -> None:
    """Block until ``url/_stcore/health`` answers 200; ``RuntimeError`` if one of ``procs``
    exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"{p.args[0]} exited early with code {p.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no healthy server at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def streamlit_run(
    app: Path = APP,
    *,
    cwd: Path = ROOT,
    port: int | None = None,
    server_args: Sequence[str] = (),
    log: Path | None = None,
    timeout: float = 120.0,
) -> Iterator[Server]:
    """``streamlit run app`` from ``cwd`` on ``port`` (default: a free one), once it answers;
    stopped on exit. If it does not start, the ``RuntimeError`` ends with ``log``'s text."""
    port = port or free_port()
    proc = spawn(command(app, port, server_args), log, cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, [proc], timeout)
    except BaseException as err:  # also Ctrl-C: never leave the server behind
        stop(proc)
        if isinstance(err, RuntimeError) and log is not None:
            raise RuntimeError(f"{err}\n--- server log ---\n{log.read_text()}") from None
        raise
    try:
        yield Server(url, proc)
    finally:
        stop(proc)
