"""One browser tab, in Python: a websocket client of a Streamlit server's page sessions.

It speaks Streamlit's browser protocol (``/_stcore/stream``, ``BackMsg`` and ``ForwardMsg``
protobufs, no keepalive pings). The warm-up (:mod:`serve.warmup`) renders the app's views
with it, the load benchmark (``benchmarks/load.py``) plays a class of students with it, and
``deploy/replicas.py`` checks each replica with it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

#: Seconds one render may take before the client gives it up (a busy server is fine).
RENDER_TIMEOUT_S = 600.0


class Session:
    """One browser tab: a websocket to ``/_stcore/stream`` speaking BackMsg/ForwardMsg.

    Like the frontend it sends no keepalive pings, keeps the query string the server writes
    back (``page_info_changed``), reports the hashes of the cacheable messages it holds on
    each rerun, and clicks a button by sending its widget id with ``trigger_value``. Pages are
    named as in their URL (``""`` for the home page, ``"Decision_boundaries"``). ``source``
    is the local address to connect from (a load test's students on different networks:
    ``127.0.<i>.1``; any 127.x.y.z is loopback on Linux). ``cookie`` is the ``Cookie`` header
    the tab sends (tabs of one browser send the same one).

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
        cookie: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source  # the local address to connect from (a client's own IP)
        self.cookie = cookie  # the browser's Cookie header: tabs of one browser share it
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
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
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
                if msg.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY,
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,  # a fragment's rerun
                ):
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
