"""Warm the caches in the background: the server visits its own pages as a browser would.

A lecture has a few moments everyone shares: each page's default view and each lecture
preset. Computed once, ahead of time, they are instant for the whole room (a cache hit only
sends the stored result). The first script run of a process starts one background thread
that opens a websocket session to this same server, like a browser tab
(:class:`serve.session.Session`), and renders every page's default view and, in a fresh
session each, every preset button (``preset_<i>``) the page draws. Because it goes through
the real pages, it fills exactly the cache entries the students' sessions will ask for,
whatever the pages compute. Before the pages, it starts :mod:`core.formula`'s helper process
(a student's formula is derived there, under a time limit). Its views take turns in
:mod:`serve.jobs`'s queue like everyone else's, one at a time, so a student never waits for
more than one warm-up view.

The pages to visit are passed in by the caller (``ui.frame`` passes the URL names of the app's
screens), so this module knows nothing of the app's pages. Set ``LOSSLAB_WARMUP=0`` to switch
warm-up off; it never runs under ``AppTest`` (there is no server to visit).
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence

import streamlit as st
from streamlit import config
from streamlit.logger import get_logger

from serve.session import RENDER_TIMEOUT_S, Session

LOG = get_logger(__name__)  # Streamlit's handler and level: shown in the server log
PRESET_KEY = re.compile(r"^preset_\d+$")

#: The cookie the warm-up's own sessions carry, with a secret of this process as its value:
#: the pages can tell the warm-up's views (:func:`warming`) and no browser can pose as one.
COOKIE = "losslab_warmup"
_SECRET = secrets.token_hex(16)

_started = threading.Event()
_start_lock = threading.Lock()
#: Filled by the warm-up thread: views rendered, errors, seconds (for tests and logs).
STATUS: dict[str, object] = {"views": 0, "errors": [], "seconds": None, "done": False}


async def warm(base_url: str, names: Sequence[str], timeout: float = RENDER_TIMEOUT_S) -> int:
    """Render each page's default view and each of its presets (one at a time); return the
    number of views rendered. A name with a query (``Page?k=v``) is that one view, without
    its presets. Errors are logged and recorded in :data:`STATUS`."""
    done = 0
    for name in names:
        presets: list[str] = []
        page, view, query = name.partition("?")
        try:
            async with Session(base_url, page, query, timeout=timeout, cookie=_cookie()) as s:
                await s.render()
                done += 1
                if not view:
                    presets = sorted(k for k in s.buttons if PRESET_KEY.match(k))
        except Exception as err:  # one failing view must not stop the others
            _record(name, err)
        for key in presets:
            try:
                async with Session(base_url, page, timeout=timeout, cookie=_cookie()) as s:
                    await s.render()
                    await s.render([(s.buttons[key], True)])
                    done += 1
            except Exception as err:  # one failing view must not stop the others
                _record(f"{name} {key}", err)
        STATUS["views"] = done
    return done


def warming() -> bool:
    """Whether this script run is one of the warm-up's views (its session carries
    :data:`COOKIE` with this process's secret): what it computes is what the whole room
    shares (``ui.comparison`` keeps it)."""
    try:
        return st.context.cookies.get(COOKIE) == _SECRET
    except Exception:  # no request context (AppTest, a thread of the server's own)
        return False


def _cookie() -> str:
    return f"{COOKIE}={_SECRET}"


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


def start(pages: Callable[[], Sequence[str]]) -> None:
    """Start the warm-up thread once per process (later calls return at once); it renders
    the pages ``pages()`` names (URL names, ``""`` for the main page), in that order."""
    if _started.is_set():
        return
    with _start_lock:
        if _started.is_set() or not enabled():
            return
        _started.set()
    threading.Thread(target=_thread_main, args=(pages,), name="losslab-warmup", daemon=True).start()


def _warm_formula() -> None:
    """Start the formula helper process (:mod:`core.formula.deadline`, SymPy imported in it)
    with a derivation, so the first student to type a formula does not wait for it."""
    try:
        from core import formula

        formula.check("softplus(-m)")
    except Exception as err:  # no helper here: derivations run in their thread
        _record("formula helper", err)


def _thread_main(pages: Callable[[], Sequence[str]]) -> None:
    t0 = time.monotonic()
    url = server_url()
    _warm_formula()
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
    # over it otherwise stall the page views of a class under load.
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
    LOG.info("Loss Lab warm-up: %s views in %.0f s", STATUS["views"], STATUS["seconds"])
