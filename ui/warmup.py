"""Warm the caches in the background: the server visits its own pages as a browser would.

A lecture has a few moments everyone shares: each page's default view and each lecture
preset. Computed once, ahead of time, they are instant for the whole room (a cache hit only
sends the stored result). The first script run of a process starts one background thread
that opens a websocket session to this same server, like a browser tab, and renders every
page's default view and, in a fresh session each, every preset button (``preset_<i>``) the
page draws. Because it goes through the real pages, it fills exactly the cache entries the
students' sessions will ask for, whatever the pages compute. Its views take turns in
:mod:`ui.jobs`'s queue like everyone else's, one at a time, so a student never waits for
more than one warm-up view.

The client speaks Streamlit's browser protocol (``/_stcore/stream``, ``BackMsg`` and
``ForwardMsg`` protobufs, no keepalive pings); :class:`Session` is also the load client of
``benchmarks/load.py``. Set ``LOSSLAB_WARMUP=0`` to switch warm-up off; it never runs under
``AppTest`` (there is no server to visit).
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import threading
import time
import urllib.request
from collections.abc import Sequence

import websockets
from streamlit import config
from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LOG = get_logger(__name__)  # Streamlit's handler and level: shown in the server log
#: Seconds one render may take before the warm-up gives it up (a busy server is fine).
RENDER_TIMEOUT_S = 600.0
PRESET_KEY = re.compile(r"^preset_\d+$")

_started = threading.Event()
_start_lock = threading.Lock()
#: Filled by the warm-up thread: views rendered, errors, seconds (for tests and logs).
STATUS: dict[str, object] = {"views": 0, "errors": [], "seconds": None, "done": False}


class Session:
    """One browser tab: a websocket to ``/_stcore/stream`` speaking BackMsg/ForwardMsg.

    Like the frontend it sends no keepalive pings, keeps the query string the server writes
    back (``page_info_changed``), reports the hashes of the cacheable messages it holds on
    each rerun, and clicks a button by sending its widget id with ``trigger_value``. Pages are
    named as in their URL (``""`` for the home page, ``"Decision_boundaries"``). ``source``
    is the local address to connect from (a load test's students on different networks:
    ``127.0.<i>.1``; any 127.x.y.z is loopback on Linux).

    Usage::

        async with Session("http://127.0.0.1:8501", "Decision_boundaries", "seed=3") as s:
            first, done = await s.render()
            await s.render([(s.buttons["preset_0"], True)])
    """

    def __init__(
        self,
        base_url: str,
        page: str = "",
        query: str = "",
        timeout: float = RENDER_TIMEOUT_S,
        source: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source  # the local address to connect from (a client's own IP)
        self.page = page
        self.query = query
        self.timeout = timeout
        self.buttons: dict[str, str] = {}  # user key -> widget id
        self.exceptions: list[str] = []
        self.alerts: list[str] = []  # st.error / warning / info / success texts, in order
        self.cache: dict[str, ForwardMsg] = {}
        self.ws: websockets.ClientConnection | None = None

    async def __aenter__(self) -> Session:
        ws_url = re.sub(r"^http", "ws", self.base_url) + "/_stcore/stream"
        # No keepalive pings (browsers send none); no compression (the server offers none).
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            origin=self.base_url,
            ping_interval=None,
            ping_timeout=None,
            close_timeout=1,
            max_size=None,
            compression=None,
            open_timeout=self.timeout,
            **({"local_addr": (self.source, 0)} if self.source else {}),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _rerun_message(self, widgets: Sequence[tuple[str, bool]]) -> BackMsg:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        cs.context_info.url = f"{self.base_url}/{self.page}" + (
            f"?{self.query}" if self.query else ""
        )
        for wid, trigger in widgets:
            state = cs.widget_states.widgets.add()
            state.id = wid
            state.trigger_value = trigger
        return msg

    async def render(self, widgets: Sequence[tuple[str, bool]] = ()) -> tuple[float, float]:
        """Ask for a script run and read until it finished successfully.

        Returns the seconds to the first element and to the end of the run. Raises
        ``RuntimeError`` if the page draws an exception, is not found or does not compile.
        """
        assert self.ws is not None, "use Session as an async context manager"
        start = time.perf_counter()
        first: float | None = None
        await self.ws.send(self._rerun_message(widgets).SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), self.timeout)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                if msg.ref_hash not in self.cache:
                    raise RuntimeError("the server referred to a message this tab never got")
                ref, metadata = msg.ref_hash, msg.metadata
                msg = ForwardMsg()
                msg.CopyFrom(self.cache[ref])
                msg.metadata.CopyFrom(metadata)
                kind = msg.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            if kind == "delta":
                if first is None:
                    first = time.perf_counter() - start
                self._read_delta(msg)
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                raise RuntimeError(f"page not found: {self.page!r}")
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the page failed to compile")
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    done = time.perf_counter() - start
                    if self.exceptions:
                        raise RuntimeError(f"exception on the page: {self.exceptions[0]}")
                    return (first if first is not None else done), done

    def _read_delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            where = " < ".join(line.strip() for line in element.exception.stack_trace[-3:])
            self.exceptions.append(f"{element.exception.message[:200]} at {where[-600:]}")
        elif kind == "alert":
            self.alerts.append(element.alert.body)
        elif kind == "button":
            wid = element.button.id
            self.buttons[wid.rsplit("-", 1)[-1]] = wid


def page_name(path: str) -> str:
    """The URL name of a page file: ``pages/5_Decision_boundaries.py`` -> ``Decision_boundaries``
    (Streamlit drops the number prefix); the main script is ``""``."""
    from ui import frame  # here: frame starts the warm-up, so it imports this module

    if path == frame.SCREENS["home"].path:
        return ""
    stem = path.rsplit("/", 1)[-1].removesuffix(".py")
    return re.sub(r"^\d+_", "", stem)


def pages() -> list[str]:
    """URL names of every page that exists, home first."""
    from ui import frame

    return [
        page_name(s.path)
        for group in frame.PAGES.values()
        for s in group
        if (frame.ROOT / s.path).exists()
    ]


async def warm(base_url: str, names: Sequence[str], timeout: float = RENDER_TIMEOUT_S) -> int:
    """Render each page's default view and each of its presets (one at a time); return the
    number of views rendered. Errors are logged and recorded in :data:`STATUS`."""
    done = 0
    for name in names:
        presets: list[str] = []
        try:
            async with Session(base_url, name, timeout=timeout) as s:
                await s.render()
                done += 1
                presets = sorted(k for k in s.buttons if PRESET_KEY.match(k))
        except Exception as err:  # one failing view must not stop the others
            _record(name, err)
        for key in presets:
            try:
                async with Session(base_url, name, timeout=timeout) as s:
                    await s.render()
                    await s.render([(s.buttons[key], True)])
                    done += 1
            except Exception as err:  # one failing view must not stop the others
                _record(f"{name} {key}", err)
        STATUS["views"] = done
    return done


def _record(view: str, err: Exception) -> None:
    LOG.warning("Loss Lab warm-up: %s failed: %s", view or "home", err)
    errors = STATUS["errors"]
    assert isinstance(errors, list)
    errors.append(f"{view or 'home'}: {type(err).__name__}: {err}")


def server_url() -> str:
    """This server's address as seen from inside (loopback unless it listens elsewhere)."""
    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):
        address = "127.0.0.1"
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    port = config.get_option("server.port")
    return f"http://{address}:{port}" + (f"/{base}" if base else "")


def enabled() -> bool:
    """Warm-up runs in a real server only (not under AppTest), unless switched off."""
    if os.environ.get("LOSSLAB_WARMUP", "1") == "0":
        return False
    if config.get_option("global.appTest"):
        return False
    return not config.get_option("server.sslCertFile")


def start() -> None:
    """Start the warm-up thread once per process (later calls return at once)."""
    if _started.is_set():
        return
    with _start_lock:
        if _started.is_set() or not enabled():
            return
        _started.set()
    threading.Thread(target=_thread_main, name="losslab-warmup", daemon=True).start()


def _thread_main() -> None:
    t0 = time.monotonic()
    url = server_url()
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
            r.read()
        asyncio.run(warm(url, pages()))
    except Exception as err:  # a server that cannot be reached from inside: no warm-up
        _record("server", err)
    STATUS["seconds"] = time.monotonic() - t0
    STATUS["done"] = True
    # What the warm-up made (imports, cached results, chart specs) lives as long as the
    # process: gc.freeze keeps it out of every later garbage collection, whose full passes
    # over it otherwise stall the page views of a class (seen as 0.2 s pauses under load).
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
    LOG.info("Loss Lab warm-up: %s views in %.0f s", STATUS["views"], STATUS["seconds"])
