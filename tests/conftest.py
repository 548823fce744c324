"""Shared test set-up: the repository root on ``sys.path``, a time limit per test and, under CI,
no silent skips.

A test that is skipped in CI (a missing browser, a missing tool) proves nothing, so with
``CI=true`` every skip is reported as a failure with its reason. Locally a skip stays a skip
(e.g. no Chromium on a laptop) and ``-rs`` in the output says why.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import train  # noqa: E402
from serve import workers  # noqa: E402 - no Streamlit import

#: Per-test time limit (pytest-timeout), so one hung test fails instead of eating CI's budget.
#: Generous: the first browser test also starts the server and Chromium.
TEST_TIMEOUT_S = 300


def per_loss(names: Iterable[str], **settings: Any) -> list[train.TrainConfig]:
    """One ``TrainConfig`` per loss in ``names``, all with the same ``settings``: the runs a
    page trains side by side, written out in a test with core."""
    return [train.TrainConfig(loss=n, **settings) for n in names]


@pytest.fixture(autouse=True)
def _compute_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages run in the test's own process compute there too, without worker processes, so
    a test may count or replace a ``core`` function they call. ``tests/ui/test_workers.py``
    starts workers itself; so does the classroom smoke test's server
    (``tests/e2e/test_load_smoke.py``), as deployed."""
    monkeypatch.setattr(workers, "COUNT", 0)


def _scan_component_manifests_once() -> None:
    """Each new ``AppTest`` scans every installed distribution for Streamlit component
    manifests (``BidiComponentManager.discover_and_register_components``): about half of a
    cached page's AppTest run. The installed packages do not change while the tests run, so
    the scan's answer is kept for the process. With a Streamlit that has no such scanner,
    nothing is changed."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is not None and not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


def pytest_configure(config: pytest.Config) -> None:
    _scan_component_manifests_once()


def in_ci() -> bool:
    """Whether we run under CI (``CI=true``, as set by ``.ci/run`` and most CI services)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"


#: The test tiers, in the order they start: browser tests (``tests/e2e/``, marked ``e2e``),
#: AppTest page tests (``tests/app/``), then unit and property tests.
TIERS = ("e2e", "app")


def _start_order(item: pytest.Item) -> tuple[int, int]:
    """Tests marked ``slow`` first, then by tier: the longest tests start first, so that on
    several processes (``--dist load --maxschedchunk 1`` hands tests out one at a time in
    this order) none of them is left to run alone at the end while the others are idle."""
    parts = Path(str(item.path)).relative_to(ROOT).parts
    tier = parts[1] if len(parts) > 2 else ""
    rank = TIERS.index(tier) if tier in TIERS else len(TIERS)
    return (item.get_closest_marker("slow") is None, rank)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).is_relative_to(ROOT / "tests" / "e2e"):
            item.add_marker(pytest.mark.e2e)  # so that ``-m "not e2e"`` leaves every one out
    items.sort(key=_start_order)  # stable: within a group, the order of the files
    if not config.pluginmanager.hasplugin("timeout") or config.getoption("timeout", None):
        return  # no pytest-timeout, or a limit was given on the command line
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))
