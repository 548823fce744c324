"""A small classroom against a real ``streamlit run`` (the load benchmark's smoke version).

Five sessions open the app at once, speaking the browser's websocket protocol
(``benchmarks/load.py``, ``serve.session.Session``): three students with their own seed on
Decision boundaries, one on the home page, and one hostile link asking for the most work
every control allows at once. Every session finishes without an error, the hostile link is
refused with the budget's message (instantly: it never takes a turn in the queue), and the
server's warm-up renders a page's default view and each of its presets.
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from benchmarks import load
from serve import warmup
from tests.e2e.conftest import run_async
from ui import controls

#: Every control at its maximum at once (losses: eight, the multiselect's limit).
HOSTILE = (
    "dataset=moons&moons_n_samples=5000&layers=3&width=256&epochs=2000&batch=8"
    "&losses=cross_entropy&losses=mse&losses=mae&losses=hinge&losses=squared_hinge"
    "&losses=focal&losses=gce&losses=multi_margin"
)


@pytest.fixture(scope="module")
def server():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOSSLAB_WARMUP", "0")  # this test runs the warm-up itself, on one page
        with load.serve(load.ROOT / "streamlit_app.py", load.ROOT, load.free_port(), 1, []) as s:
            yield s


async def _hostile(url: str) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    async with warmup.Session(url, load.BOUNDARIES_PAGE, HOSTILE, timeout=120) as s:
        await s.render()
        return time.perf_counter() - t0, s.alerts


def test_five_sessions_at_once(server):
    visits = [(load.BOUNDARIES_PAGE, f"seed={i}", ()) for i in (11, 12, 13)]
    visits.append(("", "", ()))

    async def crowd():
        return await asyncio.gather(load.crowd(server.url, visits), _hostile(server.url))

    outcomes, (hostile_s, alerts) = run_async(crowd())
    assert [o.error for o in outcomes] == [None] * 4
    assert all(len(o.renders) == 1 for o in outcomes)
    refusals = [a for a in alerts if controls.OVER_BUDGET in a]
    assert refusals, alerts
    # one change that fits ("Together, these would fit: a → b, c → d") or several alternatives
    # ("Any one of these would fit: a → b; or c → d"): controls.budget_message
    assert re.search(r"(Any one of these|Together, these) would fit: .+ → ", refusals[0])
    # refused before any training: it waits its turn in the queue like everyone (first come,
    # first served) and is then refused at once, so it ends about when the slowest student's
    # view does; 10 s covers a busy machine's jitter (the race itself is not the point).
    assert hostile_s <= max(o.renders[0] for o in outcomes[:3]) + 10
    assert load.rss_mb(server.pids) < load.MAX_RSS_MB


def test_warm_up_renders_a_page_and_its_presets(server):
    before = list(warmup.STATUS["errors"])
    n = run_async(warmup.warm(server.url, ["Loss_reference"], timeout=120))
    assert warmup.STATUS["errors"] == before
    assert n >= 2  # the default view and at least one preset
