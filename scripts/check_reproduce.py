"""Run every "Reproduce this view" snippet verbatim and write what they print to a fixture.

Run in the PyTorch environment (it has the runtime requirements too)::

    /work/.venv-torch/bin/python scripts/check_reproduce.py

For the default view and every lecture preset of the three pages that offer "Reproduce this
view" (Decision boundaries, Training curves, Outlier robustness), the page is run with
Streamlit's ``AppTest`` (one process, no workers or warm-up, as ``scripts/dump_views.py``),
each preset clicked in a fresh session. The script records what the page passed to
``ui.reproduce`` (data, configs, corruption, seeds, table, epoch), the numbers its table
shows, and both snippets exactly as the page shows them; then it runs each snippet verbatim
(``exec``, stdout captured) and writes ``tests/fixtures/reproduce.json``: per view the
snippets' SHA-256, what each printed, its ``scores`` and the table's numbers; and the same
view in float64 (``float64``: both snippets' scores), where the two must agree exactly.
``tests/ui/test_reproduce_fixture.py`` (NumPy only) checks the fixture is current for
today's snippets, runs the core snippets again and compares all three.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["LOSSLAB_WORKERS"] = "0"  # the same numbers, computed in this process
os.environ["LOSSLAB_WARMUP"] = "0"

from present.reproduce import core_snippet, torch_snippet  # noqa: E402
from ui import player, reproduce  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "reproduce.json"
PAGES = (
    "pages/5_Decision_boundaries.py",
    "pages/6_Training_curves.py",
    "pages/7_Outlier_robustness.py",
)
#: The table column with each table's score, and its divergence column.
COLUMNS = {
    "boundaries": ("test accuracy", "diverged at epoch"),
    "training": ("final test accuracy", "diverged"),
    "robustness": (re.compile(r"^clean-test "), "diverged at epoch"),
}
PRESET_KEY = re.compile(r"^preset_\d+$")
RECORDED: list[dict[str, Any]] = []


def record_expander() -> None:
    """Make ``ui.reproduce.expander`` record what each page passes to it (:data:`RECORDED`)."""
    shown = reproduce.expander

    def recording(data, ds, configs, **view):
        RECORDED.append(spec(data, getattr(ds, "task", None), configs, view))
        return shown(data, ds, configs, **view)

    reproduce.expander = recording


def spec(data: Any, task: str | None, configs, view: dict) -> dict[str, Any]:
    """What a page passed to ``ui.reproduce``, as JSON (``snippets`` rebuilds the snippets)."""
    return {
        "data": {"name": data.name, "params": [list(p) for p in data.params]},
        "task": task,
        "configs": [
            {
                "loss": c.loss,
                "loss_params": dict(c.loss_params),
                "hidden": list(c.hidden),
                "activation": c.activation,
                "optimizer": c.optimizer,
                "lr": c.lr,
                "epochs": c.epochs,
                "batch_size": c.batch_size,
                "l2": c.l2,
                "seed": c.seed,
                "dtype": c.dtype,
            }
            for c in configs
        ],
        "view": {k: v for k, v in view.items() if v is not None and k != "task"},
    }


def snippets(s: dict[str, Any]) -> tuple[str, str]:
    """The core and PyTorch snippets of a recorded view, as today's ``present.reproduce`` writes
    them (the CI test calls this too)."""
    from core import train
    from core.experiment import DataChoice

    data = DataChoice(s["data"]["name"], tuple(tuple(p) for p in s["data"]["params"]))
    configs = [train.TrainConfig(**{**c, "hidden": tuple(c["hidden"])}) for c in s["configs"]]
    view = {**s["view"], "task": s["task"]}
    return core_snippet(data, configs, **view), torch_snippet(data, configs, **view)


def float64_twin(s: dict[str, Any]) -> dict[str, Any]:
    """The same view trained in float64 (where both snippets must print identical numbers)."""
    return {**s, "configs": [{**c, "dtype": "float64"} for c in s["configs"]]}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_snippet(code: str) -> tuple[str, dict[str, float | None]]:
    """Run ``code`` verbatim; what it printed and its ``scores`` (``None`` for NaN: "—")."""
    out = io.StringIO()
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), namespace)
    scores = {k: (None if math.isnan(v) else float(v)) for k, v in namespace["scores"].items()}
    return out.getvalue(), scores


def table_numbers(at: Any, s: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page table's score and divergence cell per loss (rows in the configs' order)."""
    score_col, diverged_col = COLUMNS[s["view"]["table"]]
    for df in at.dataframe:
        cols = list(df.value.columns)
        match = [
            c
            for c in cols
            if (c == score_col if isinstance(score_col, str) else score_col.match(str(c)))
        ]
        if match and diverged_col in cols:
            frame = df.value
            names = [c["loss"] for c in s["configs"]]
            # the tables end with a majority-class baseline row (no loss, no snippet number)
            if len(frame) == len(names) + 1:
                frame = frame.iloc[:-1]
            assert len(frame) == len(names), (len(frame), names)
            return {
                n: {
                    "score": None if _nan(v) else float(v),
                    "diverged": str(d),
                }
                for n, v, d in zip(names, frame[match[0]], frame[diverged_col], strict=True)
            }
    raise AssertionError(f"no table with {score_col!r} and {diverged_col!r}")


def _nan(v: Any) -> bool:
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def shown_snippets(at: Any) -> tuple[str, str]:
    codes = [c.value for c in at.code]
    core = [c for c in codes if "train.fit_many(" in c or "fit_many(ds, seeded)" in c]
    torch_code = [c for c in codes if "def fit(ds, cfg):" in c]
    assert len(core) == 1 and len(torch_code) == 1, "one core and one PyTorch snippet"
    return core[0], torch_code[0]


def main() -> None:
    import torch

    os.chdir(ROOT)
    torch.set_num_threads(1)
    # every view computed on the server, as a preset's is (a live view shows no table)
    player.EXACT_AT_ONCE_SECONDS = float("inf")
    record_expander()
    records = []
    for path in PAGES:
        t0 = time.perf_counter()
        for page, label, at in views_of(path):
            assert not at.exception, (page, label, at.exception)
            s = RECORDED[-1]
            shown = shown_snippets(at)  # st.code drops the final newline
            core, torch_code = snippets(s)
            assert shown == (core.rstrip("\n"), torch_code.rstrip("\n")), f"{page} {label}"
            core_printed, core_scores = run_snippet(core)
            torch_printed, torch_scores = run_snippet(torch_code)
            twin_core, twin_torch = snippets(float64_twin(s))
            twin = {
                "core_sha256": sha(twin_core),
                "torch_sha256": sha(twin_torch),
                "core_scores": run_snippet(twin_core)[1],
                "torch_scores": run_snippet(twin_torch)[1],
            }
            records.append(
                {
                    "page": page,
                    "view": label,
                    "spec": s,
                    "core_sha256": sha(core),
                    "torch_sha256": sha(torch_code),
                    "table": table_numbers(at, s),
                    "core_printed": core_printed,
                    "core_scores": core_scores,
                    "torch_printed": torch_printed,
                    "torch_scores": torch_scores,
                    "float64": twin,
                }
            )
            print(f"{page} | {label}\n  core:  {core_scores}\n  torch: {torch_scores}", flush=True)
            print(f"  float64 core {twin['core_scores']}\n  float64 torch {twin['torch_scores']}")
        print(f"{path}: {time.perf_counter() - t0:.0f} s", flush=True)
    doc = {
        "created_by": "scripts/check_reproduce.py",
        "command": "/work/.venv-torch/bin/python scripts/check_reproduce.py",
        "torch_version": torch.__version__,
        "python": sys.version.split()[0],
        "note": "per view: the snippets' SHA-256 (as the page shows them), what each printed "
        "when run verbatim, its scores (null: shown as '—') and the page table's numbers",
        "views": records,
    }
    OUT.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} views to {OUT}")


def views_of(path: str):
    """(page, view label, the run) for the page's default view and each preset, each preset
    clicked in a fresh session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / path), default_timeout=900).run()
    yield path, "default", at
    keys = sorted(
        (b.key for b in at.button if b.key and PRESET_KEY.match(b.key)),
        key=lambda k: int(k.split("_")[1]),
    )
    for key in keys:
        at = AppTest.from_file(str(ROOT / path), default_timeout=900).run()
        label = at.button(key=key).label
        at.button(key=key).click().run()
        yield path, label, at


if __name__ == "__main__":
    main()
