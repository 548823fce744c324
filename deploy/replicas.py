"""Run N Loss Lab processes behind nginx with sticky sessions, on one machine.

One Streamlit process computes on one core (the GIL); the app keeps no cross-session state
besides caches, so it scales by running more processes. This script starts ``--replicas``
``streamlit run streamlit_app.py`` processes on loopback ports ``port+1 .. port+N`` and an
nginx (Debian's ``/usr/sbin/nginx``, as an ordinary user, everything under a temporary
directory) on ``port`` in front of them, with websocket upgrade headers and sticky sessions,
then waits until Ctrl-C (or SIGTERM) and stops them all::

    python deploy/replicas.py --replicas 2 --port 8080            # open http://HOST:8080
    python deploy/replicas.py --replicas 2 --sticky cookie        # clients behind one NAT

Sticky sessions (``--sticky``):

ip (default)
    nginx's ``ip_hash``: a client address always reaches the same process. nginx hashes the
    first three octets of an IPv4 address, so a whole room behind one NAT (or one /24) lands
    on one process.
cookie
    A random ``losslab_route`` cookie set by nginx on the first response, hashed
    (``hash ... consistent``): every browser is spread on its own, NAT or not.

Each replica is warmed after it answers (one request to its home page starts the
background warm-up of every default view and preset, :mod:`serve.warmup`), unless ``--no-warm``.
:func:`running` is the same as a context manager (used by ``benchmarks/load.py`` and the
tests).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # also when run as a script (python deploy/replicas.py)

from deploy import serve  # noqa: E402

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
STICKY = ("ip", "cookie")

_COOKIE_MAP = """
    # The route key: the browser's losslab_route cookie, or a new random one (request id).
    map $cookie_losslab_route $losslab_route {
        default $cookie_losslab_route;
        ''      $request_id;
    }
"""
_SET_COOKIE = (
    '            add_header Set-Cookie "losslab_route=$losslab_route; Path=/; HttpOnly; '
    'SameSite=Lax" always;'
)


@dataclass
class Cluster:
    """Running replicas and their proxy."""

    url: str
    replica_urls: list[str]
    app_pids: list[int]
    nginx_pid: int
    run_dir: Path

    @property
    def pids(self) -> list[int]:
        """Every process of the cluster (for RSS: each with its children)."""
        return [*self.app_pids, self.nginx_pid]


def nginx_path() -> str | None:
    """Debian's nginx, or one on ``PATH``."""
    if os.access(NGINX, os.X_OK):
        return NGINX
    return shutil.which("nginx")


def render_config(listen: str, backends: Sequence[str], run_dir: Path, sticky: str = "ip") -> str:
    """The nginx configuration for ``backends`` (``host:port``) behind ``listen``."""
    if sticky not in STICKY:
        raise ValueError(f"sticky must be one of {', '.join(STICKY)}, got {sticky!r}")
    text = TEMPLATE.read_text()
    servers = "\n".join(f"        server {b} max_fails=0;" for b in backends)
    subs = {
        "{{REPLICAS}}": str(len(backends)),
        "{{RUN_DIR}}": str(run_dir),
        "{{LISTEN}}": listen,
        "{{SERVERS}}": servers,
        "{{STICKY}}": "ip_hash;" if sticky == "ip" else "hash $losslab_route consistent;",
        "{{ROUTE_MAP}}": _COOKIE_MAP if sticky == "cookie" else "",
        "{{SET_COOKIE}}": _SET_COOKIE if sticky == "cookie" else "",
    }
    for key, value in subs.items():
        text = text.replace(key, value)
    return text


def warm_up(url: str) -> None:
    """Open the home page once: the replica then warms every view in the background."""
    from serve.session import Session

    async def visit() -> None:
        async with Session(url, "") as s:
            await s.render()

    asyncio.run(visit())


@contextlib.contextmanager
def running(
    replicas: int = 2,
    *,
    port: int = 8080,
    host: str = "127.0.0.1",
    app: Path = ROOT / "streamlit_app.py",
    cwd: Path = ROOT,
    server_args: Sequence[str] = (),
    sticky: str = "ip",
    warm: bool = False,
    timeout: float = 120.0,
) -> Iterator[Cluster]:
    """Start ``replicas`` × ``streamlit run app`` (from ``cwd``, so its
    ``.streamlit/config.toml`` applies) on ``port+1 ..`` and nginx on ``host:port``."""
    if replicas < 1:
        raise ValueError(f"replicas must be at least 1, got {replicas}")
    nginx = nginx_path()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    run_dir = Path(tempfile.mkdtemp(prefix="losslab-nginx-"))
    procs: list[subprocess.Popen] = []
    nginx_proc: subprocess.Popen | None = None
    try:
        ports = [port + 1 + i for i in range(replicas)]
        # one process per core already uses every core: no worker processes (serve.workers)
        no_workers = {"LOSSLAB_WORKERS": "0"}
        for p in ports:
            cmd = serve.command(app, p, server_args)
            procs.append(serve.spawn(cmd, run_dir / f"replica-{p}.log", cwd, no_workers))
        backends = [f"127.0.0.1:{p}" for p in ports]
        conf = run_dir / "nginx.conf"
        conf.write_text(render_config(f"{host}:{port}", backends, run_dir, sticky))
        nginx_cmd = [nginx, "-p", str(run_dir), "-c", str(conf)]
        nginx_cmd += ["-e", str(run_dir / "error.log"), "-g", "daemon off;"]
        nginx_proc = serve.spawn(nginx_cmd, run_dir / "nginx.stderr", run_dir)
        replica_urls = [f"http://{b}" for b in backends]
        for url in replica_urls:
            serve.wait_healthy(url, procs, timeout)
        local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{local}:{port}"
        serve.wait_healthy(url, [nginx_proc], timeout)
        if warm:
            for r in replica_urls:
                warm_up(r)
        yield Cluster(url, replica_urls, [p.pid for p in procs], nginx_proc.pid, run_dir)
    finally:
        if nginx_proc is not None:
            serve.stop(nginx_proc, signal.SIGQUIT)
        for p in procs:
            serve.stop(p)
        shutil.rmtree(run_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=os.cpu_count() or 2)
    p.add_argument("--port", type=int, default=8080, help="nginx listens here")
    p.add_argument("--host", default="0.0.0.0", help="nginx listens on this address")
    p.add_argument("--sticky", choices=STICKY, default="ip")
    p.add_argument("--no-warm", action="store_true", help="do not warm the caches")
    p.add_argument("server_args", nargs="*", help="extra 'streamlit run' arguments")
    args = p.parse_args(argv)
    stop = {"now": False}

    def _quit(*_: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _quit)
    signal.signal(signal.SIGINT, _quit)
    with running(
        args.replicas,
        port=args.port,
        host=args.host,
        sticky=args.sticky,
        server_args=args.server_args,
        warm=not args.no_warm,
    ) as cluster:
        print(f"Loss Lab: {args.replicas} replicas behind nginx at {cluster.url}", flush=True)
        print(f"  replicas: {', '.join(cluster.replica_urls)}; logs: {cluster.run_dir}")
        while not stop["now"]:
            time.sleep(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
