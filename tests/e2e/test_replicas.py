"""Replicas behind nginx (deploy/replicas.py): websockets pass, sessions stick, load spreads.

Two tiny Streamlit apps that print their own port stand behind Debian's nginx. Sessions
connect through the proxy, each from its own loopback address (a student's IP), speaking the
browser's websocket protocol (serve.session.Session): every session renders, a client always
reaches the same replica, and the clients are spread over both replicas.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from deploy import replicas
from serve.session import Session
from tests.e2e.conftest import run_async

APP = """import streamlit as st
from streamlit import config

st.write(f"replica {config.get_option('server.port')}")
"""


def _free_base_port(span: int = 3) -> int:
    """A port p with p .. p+span-1 free (the proxy and its replicas)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + span > 65535:
            continue
        try:
            socks = []
            for p in range(base, base + span):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port range")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if replicas.nginx_path() is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    root = Path(tmp_path_factory.mktemp("replica-app"))
    (root / "app.py").write_text(APP)
    shutil.copytree(Path(replicas.ROOT) / ".streamlit", root / ".streamlit")
    with replicas.running(2, port=_free_base_port(), app=root / "app.py", cwd=root) as c:
        yield c


async def _which_replica(url: str, source: str) -> str:
    async with Session(url, "", timeout=60, source=source) as s:
        texts: list[str] = []
        read = s._read_delta

        def keep(msg):
            element = msg.delta.new_element
            if element.WhichOneof("type") == "markdown":
                texts.append(element.markdown.body)
            read(msg)

        s._read_delta = keep
        await s.render()
    return next(t for t in texts if t.startswith("replica "))


def test_sessions_render_stick_and_spread(cluster):
    sources = [f"127.0.{i}.1" for i in range(1, 13)]

    async def all_twice() -> tuple[list[str], list[str]]:
        first = await asyncio.gather(*(_which_replica(cluster.url, s) for s in sources))
        again = await asyncio.gather(*(_which_replica(cluster.url, s) for s in sources))
        return list(first), list(again)

    first, again = run_async(all_twice())
    assert first == again  # sticky: each client reaches its replica again
    ports = {u.rsplit(":", 1)[1] for u in cluster.replica_urls}
    assert {t.removeprefix("replica ") for t in first} == ports  # both replicas serve


def test_the_config_has_sticky_sessions_and_websocket_upgrade(tmp_path):
    conf = replicas.render_config("127.0.0.1:9000", ["127.0.0.1:9001"], tmp_path, "ip")
    assert "ip_hash;" in conf and "server 127.0.0.1:9001" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    cookie = replicas.render_config("127.0.0.1:9000", ["127.0.0.1:9001"], tmp_path, "cookie")
    assert "hash $losslab_route consistent;" in cookie and "Set-Cookie" in cookie
    with pytest.raises(ValueError, match="sticky must be one of ip, cookie"):
        replicas.render_config("127.0.0.1:9000", [], tmp_path, "round-robin")


def test_nginx_accepts_the_config(tmp_path):
    nginx = replicas.nginx_path()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    for sticky in replicas.STICKY:
        conf = tmp_path / f"{sticky}.conf"
        conf.write_text(
            replicas.render_config("127.0.0.1:9000", ["127.0.0.1:9001"], tmp_path, sticky)
        )
        out = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "e.log")],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
