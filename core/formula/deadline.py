"""A hard time limit on a derivation: SymPy runs in a helper process that is killed if late.

Python cannot stop a thread, and ``signal.alarm`` works only in the main thread (Streamlit
runs each session's script in another); SymPy has no cancellation. So :func:`derive` sends
the checked tree (never text) to one long-lived helper process, started on first use with
SymPy imported, and waits at most ``time_limit`` seconds for the answer. A helper that is
late is killed (its own process id, nothing else) and the call raises :class:`FormulaError`;
the next call starts a fresh helper. Calls from several threads take turns (a lock): each
derivation takes milliseconds, and a hostile one holds the helper for at most the limit.

The helper reads length-prefixed pickles from its stdin and answers on its stdout; it exits
when its stdin closes (the server is gone). Where no helper can be started the derivation
runs in the calling thread, bounded by the parser's caps but not by a clock.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from core.formula.parse import FormulaError, Parsed
from core.formula.tree import Node

__all__ = ["STARTUP_S", "TIME_LIMIT_S", "derive", "stop"]

LOG = logging.getLogger("loss_lab")
#: the default limit on one derivation, s
TIME_LIMIT_S = 2.0
#: how long a new helper may take to start (import SymPy) on a busy machine, s
STARTUP_S = 60.0
_ROOT = str(Path(__file__).resolve().parents[2])
_HEADER = struct.Struct("!I")
_READY = b"ready"


def _write(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    """``n`` bytes from ``fd`` before ``deadline`` (monotonic), else ``TimeoutError``."""
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, n - got)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read(fd: int, deadline: float) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


def _serve() -> None:
    """The helper's loop: read ``(parsed, stable)``, answer ``("ok", Derivation)`` or
    ``("error", message, position)``."""
    _in_thread(None, None)  # import SymPy before saying ready
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _write(stdout, _READY)
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        parsed, stable = pickle.loads(stdin.read(_HEADER.unpack(header)[0]))
        try:
            answer = ("ok", _in_thread(parsed, stable))
        except FormulaError as err:
            answer = ("error", str(err), err.position)
        _write(stdout, answer)


def _in_thread(parsed: Parsed | None, stable: Node | None) -> Any:
    """The derivation here and now; SymPy failing on an accepted tree is a refusal."""
    from core.formula import symbolic

    if parsed is None:
        return None
    try:
        return symbolic.derive(parsed, stable)
    except FormulaError:
        raise
    except Exception as err:
        raise FormulaError(f"SymPy could not derive this formula ({type(err).__name__})") from None


class _Helper:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        code = (
            f"import sys; sys.path.insert(0, {_ROOT!r}); "
            "from core.formula import deadline; deadline._serve()"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            if _read(proc.stdout.fileno(), time.monotonic() + STARTUP_S) != _READY:
                raise EOFError
        except (TimeoutError, EOFError, pickle.UnpicklingError, struct.error):
            self.kill(proc)
            raise OSError("the formula helper process did not start") from None
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def stop(self) -> None:
        with self.lock:
            if self.proc is not None:
                self.kill(self.proc)
                self.proc = None

    def __call__(self, parsed: Parsed, stable: Node, time_limit: float) -> Any:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = self.start()
            proc = self.proc
            try:
                _write(proc.stdin, (parsed, stable))
                return _read(proc.stdout.fileno(), time.monotonic() + time_limit)
            except (TimeoutError, EOFError, BrokenPipeError, OSError, pickle.UnpicklingError):
                self.kill(proc)
                self.proc = None
                raise TimeoutError from None


_HELPER = _Helper()
atexit.register(_HELPER.stop)


def stop() -> None:
    """Stop the helper process, if one runs (the next derivation starts another)."""
    _HELPER.stop()


def derive(parsed: Parsed, stable: Node, time_limit: float | None = TIME_LIMIT_S) -> Any:
    """:func:`core.formula.symbolic.derive` under a hard limit of ``time_limit`` seconds.

    ``None`` derives in the calling thread without a clock. Raises :class:`FormulaError`
    for a refused formula and for one whose derivation takes longer than the limit.
    """
    if time_limit is None:
        return _in_thread(parsed, stable)
    try:
        answer = _HELPER(parsed, stable, time_limit)
    except TimeoutError:
        raise FormulaError(
            f"deriving this formula took longer than {time_limit:g} s, so it was stopped; "
            "write a shorter formula"
        ) from None
    except OSError as err:  # no helper process can be started here
        LOG.warning("formula: no helper process (%s); deriving in this thread", err)
        return _in_thread(parsed, stable)
    if answer[0] == "error":
        raise FormulaError(answer[1], answer[2])
    return answer[1]
