"""Hostile links and files against a checkout of the app: what a student's link or CSV can do.

Run from the repository root (``--app-root`` another checkout, to compare before and after)::

    python benchmarks/probes.py
    python benchmarks/probes.py --app-root /path/to/older/checkout --skip-heavy

Each probe prints one row: what it tried and what the app did. AppTest probes run in a fresh
process with the checkout's modules first on ``sys.path`` and no worker processes (CPU seconds
are the process's own); browser probes start the checkout's ``streamlit run`` and open the
link in headless Chromium.

* ``inf``: links whose number no widget can read (``?epochs=inf`` ...): an unexpected
  problem, or a notice and a working page;
* ``long value``: a 10,000-character value: the length of the notice it makes;
* ``csv``: an uploaded CSV whose class labels are spreadsheet formulas: the label cells of
  the downloaded points CSV;
* ``budget``: the heavy links (a 3 x 256 network on 20 points for 900 epochs, and 888 epochs
  in batches of 8, eight losses each; Outlier robustness's fit on a 20,000-row upload with
  eight losses for 500 epochs): trained or refused, and the CPU seconds and peak RSS of the
  run (``--skip-heavy`` leaves them out);
* ``markdown`` (browser): a link value with a markdown link, a backtick and an image: links
  and images drawn from it, requests to its host;
* ``fields`` (browser): a link with 1,001 fields: whether the page says it dropped it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
EIGHT = ["cross_entropy", "mse", "mae", "hinge", "squared_hinge", "multi_margin", "focal", "gce"]
FORMULAS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)")
UNEXPECTED = "unexpected problem"
INF_LINKS = [
    ("pages/5_Decision_boundaries.py", {"epochs": "inf", "layers": "0"}),
    ("pages/6_Training_curves.py", {"seeds": "inf", "epochs": "20", "layers": "0"}),
    ("pages/5_Decision_boundaries.py", {"width": "1e309", "epochs": "20"}),
    ("pages/3_Loss_landscape.py", {"seed": "-inf"}),
]
HEAVY = {
    "Decision boundaries, 3 x 256, 20 points, 900 epochs, 8 losses": (
        "pages/5_Decision_boundaries.py",
        {
            "dataset": "spirals",
            "spirals_n_samples": "20",
            "layers": "3",
            "width": "256",
            "epochs": "900",
            "losses": EIGHT,
        },
        None,
    ),
    "... 888 epochs in batches of 8": (
        "pages/5_Decision_boundaries.py",
        {
            "dataset": "spirals",
            "spirals_n_samples": "20",
            "layers": "3",
            "width": "256",
            "epochs": "888",
            "batch": "8",
            "losses": EIGHT,
        },
        None,
    ),
    "Outlier robustness fit, 20,000-row upload, 8 losses, 500 epochs": (
        "pages/7_Outlier_robustness.py",
        {"task": "classification", "cepochs": "500", "closses": EIGHT, "sweep": "false"},
        20_000,
    ),
}
#: What a refusal by the work budget says (the checkout at e832626 and later).
REFUSED = ("the work one view may start", "one view may take")


# --------------------------------------------------------------------------- AppTest (child)


def _labelled_csv(rows: int, labels: tuple[str, ...] = ("x", "y")) -> bytes:
    lines = ["a,b,label"] + [
        f"{(i % 997) / 99:.3f},{(i * 7919) % 1000 / 100 + 3 * (i % len(labels)):.3f},"
        f"{labels[i % len(labels)]}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _app(root: Path, page: str, query: dict, upload: bytes | None = None, prefix: str = ""):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / page), default_timeout=3600)
    for k, v in query.items():
        at.query_params[k] = v
    if upload is not None:
        at.session_state[f"{prefix}source"] = "Your CSV"  # ui.upload.OWN
        at.session_state["upload_file"] = {"name": "probe.csv", "data": upload}  # ui.upload.STORE
    return at


def _texts(at) -> list[str]:
    return [e.value for e in [*at.error, *at.warning, *at.info, *at.exception]]


def child(root: Path, probe: str, arg: str) -> dict:
    import streamlit as st

    out: dict = {}
    if probe == "inf":
        page, query = INF_LINKS[int(arg)]
        at = _app(root, page, query)
        at.run()
        texts = _texts(at)
        out["unexpected"] = any(UNEXPECTED in t for t in texts) or bool(at.exception)
        out["notice"] = any("is not allowed here" in t for t in texts)
        out["works"] = bool(at.dataframe or at.get("vega_lite_chart") or at.metric)
    elif probe == "long":
        at = _app(root, "pages/5_Decision_boundaries.py", {"epochs": "x" * 10_000, "layers": "0"})
        at.run()
        notices = [w.value for w in at.warning if "is not allowed" in w.value]
        out["notice_chars"] = len(notices[0]) if notices else None
    elif probe == "csv":
        seen: dict[str, str] = {}
        real = st.download_button

        def record(label, data, file_name=None, *a, **kw):
            if file_name and file_name.endswith(".csv"):
                body = data() if callable(data) else data
                seen[file_name] = body.decode() if isinstance(body, bytes) else body
            return real(label, data, file_name, *a, **kw)

        st.download_button = record
        csv = _labelled_csv(80, FORMULAS)
        at = _app(root, "pages/5_Decision_boundaries.py", {"epochs": "20", "layers": "0"}, csv)
        at.run()
        import pandas as pd

        points = seen.get("boundaries_points.csv")
        if points is None:
            out["labels"] = None
        else:
            df = pd.read_csv(io.StringIO(points), dtype=str, keep_default_na=False)
            out["labels"] = sorted(set(df["label"]))
    elif probe == "budget":
        page, query, rows = HEAVY[arg]
        upload = None if rows is None else _labelled_csv(rows)
        at = _app(root, page, query, upload, prefix="c" if rows else "")
        peak, stop = [0.0], threading.Event()

        def sample() -> None:
            while not stop.is_set():
                with open("/proc/self/statm") as f:
                    peak[0] = max(peak[0], int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
                stop.wait(0.02)

        with open("/proc/self/statm") as f:
            before = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        t = threading.Thread(target=sample, daemon=True)
        t.start()
        c0 = time.process_time()
        at.run()
        out["cpu_s"] = time.process_time() - c0
        stop.set()
        t.join()
        out["peak_mb"] = (peak[0] - before) / 2**20
        texts = _texts(at)
        out["refused"] = any(r in t for t in texts for r in REFUSED)
        out["message"] = next((t for t in texts if any(r in t for r in REFUSED)), "")[:400]
    return out


def run_child(root: Path, probe: str, arg: str = "") -> dict:
    env = {**os.environ, "LOSSLAB_WORKERS": "0", "LOSSLAB_WARMUP": "0", "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", probe, arg, "--app-root", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("{")), None)
    return json.loads(line) if line else {"error": proc.stderr[-400:]}


# --------------------------------------------------------------------------- browser


def browser_probes(root: Path) -> dict:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from deploy.serve import HEADLESS, streamlit_run

    out: dict = {}
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with (
        streamlit_run(root / "streamlit_app.py", cwd=root, server_args=HEADLESS) as server,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        links = {
            "markdown link in an error": (
                "Gradient_anatomy?part=Softmax%2C+K+classes&a="
                + quote("[Sign in again](https://evil.example/x)"),
                "could not compute",
            ),
            "backtick + image in a refused value": (
                "Decision_boundaries?layers=0&epochs="
                + quote("1`![t](https://evil.example/p.png)"),
                "is not allowed here",
            ),
        }
        for name, (link, said) in links.items():
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(f"{server.url}/{link}")
            page.wait_for_function(
                "(said) => [...document.querySelectorAll('[data-testid=\"stAlertContainer\"]')]"
                ".some((e) => e.innerText.includes(said))",
                arg=said,
                timeout=300_000,
            )
            page.wait_for_timeout(3000)
            alerts = page.locator('[data-testid="stAlertContainer"]')
            out[name] = {
                "links": alerts.locator('a[href*="evil.example"]').count(),
                "images": alerts.locator('img[src*="evil.example"]').count(),
                "requests": sum("evil.example" == urlparse(u).hostname for u in requests),
            }
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        fields = "&".join(f"x{i}=1" for i in range(1001))
        page.goto(f"{server.url}/Decision_boundaries?epochs=30&{fields}")
        page.wait_for_selector('[data-testid="stMain"]', timeout=120_000)
        page.wait_for_timeout(8000)
        text = page.locator("body").inner_text()
        out["1,001 fields"] = {"said": "fields" in text and "defaults" in text}
        browser.close()
    return out


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--app-root", default=str(ROOT))
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    p.add_argument("--skip-heavy", action="store_true", help="leave out the budget probes")
    p.add_argument("--no-browser", action="store_true", help="leave out the browser probes")
    args = p.parse_args(argv)
    root = Path(args.app_root).resolve()
    if args.child:
        sys.path.insert(0, str(root))
        print(json.dumps(child(root, *args.child)), flush=True)
        return 0
    print(f"app at {root}; load average {open('/proc/loadavg').read().split()[:3]}")
    for i, (page, query) in enumerate(INF_LINKS):
        print(f"inf  {page} {query}: {run_child(root, 'inf', str(i))}", flush=True)
    print(f"long value: {run_child(root, 'long')}", flush=True)
    print(f"csv: {run_child(root, 'csv')}", flush=True)
    if not args.skip_heavy:
        for name in HEAVY:
            print(f"budget {name}: {run_child(root, 'budget', name)}", flush=True)
    if not args.no_browser:
        for name, result in browser_probes(root).items():
            print(f"browser {name}: {result}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
