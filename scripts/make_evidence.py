"""Train every view the app teaches from seeds 0–9 and write the seed-evidence table.

    python scripts/make_evidence.py     # rewrite present/seed_evidence.json and README's table
    python scripts/make_evidence.py --only spirals --dry-run   # a subset, nothing written

The views are read off the pages themselves: each page runs in Streamlit's ``AppTest`` (the
home page on each dataset; Decision boundaries, Training curves and Outlier robustness on
each lecture preset and their default view) and every view it looks up in the table
(:func:`present.evidence.lookup`) is recorded. So the table is keyed by exactly what the pages
train — data, corruption, model, losses, precision, epoch, target, rates — and a page whose
settings change no longer finds its old entry (``tests/views/test_evidence_table.py`` checks
that every preset still does).

Each view is then trained from model seeds 0–9 in the page's precision and in the other one
(float32 / float64: how much of a difference rounding alone makes), and, on the pages whose
seed is the model's, from data seeds 0–9 (new data, corruption and initial weights). The
figure seed of an entry is the representative seed (the median margin) of its preset's first
claim (:data:`views.boundaries.LESSONS` and the like), or of the best loss's lead for a view
without claims. About 3 CPU-minutes; run it again after changing a preset, a page default,
the training precision (``ui.comparison.DTYPE`` and the like) or anything that changes what a
page trains.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if __name__ == "__main__":
    os.environ["LOSSLAB_WORKERS"] = "0"  # train in this process
    os.environ["LOSSLAB_WARMUP"] = "0"

from streamlit.testing.v1 import AppTest  # noqa: E402

from core import evidence as ev  # noqa: E402
from core.experiment import Comparison  # noqa: E402
from present import evidence, identity  # noqa: E402
from ui import player  # noqa: E402
from views import boundaries, home, robustness, training  # noqa: E402

#: The pages whose views the table holds, in the order their titles win (a preset's view that
#: is also a page's default view keeps the preset's title).
PAGES = (
    "streamlit_app.py",
    "pages/5_Decision_boundaries.py",
    "pages/6_Training_curves.py",
    "pages/7_Outlier_robustness.py",
)
#: Each page's claims by preset title.
LESSONS = {
    "boundaries": boundaries.LESSONS,
    "training": training.LESSONS,
    "robustness": robustness.LESSONS,
}
README = ROOT / "README.md"
BEGIN = "<!-- seed-evidence table: scripts/make_evidence.py writes it -->"
END = "<!-- end of the seed-evidence table -->"
#: The audit's count for each claim under the preset's previous title and settings (model
#: seeds 0–9, float32), for the README's "before" column.
BEFORE: dict[str, str] = {
    "Home page: spirals": "'CE wins' 4/10",
    "Home page: xor": "'hinge wins' 2/10",
    "Home page: circles": "'every loss 100%' 9/10",
    "Home page: moons": "'CE and MSE tie for the win' 10/10",
    "MSE is slow on 3-arm spirals": "4/10 (2 arms, 100 epochs)",
    "Hinge has no probabilities": "a fact of the loss; takeaway 'hinge scores above CE' 1/10",
    "3 classes: hinge stops pulling on over a third of the points, CE on none": (
        "'half' 10/10, new data 1/10"
    ),
    "Label noise: MAE holds up best": "'MAE shrugs' 10/10, new data 2/10 (1 hidden layer)",
    "MSE is slow (digits, plain SGD)": "10/10",
    "Square loss on logits keeps up with CE (digits, Hui & Belkin 2021)": (
        "within 1 point 8/10; takeaway '1.1× sooner than CE' 6/10"
    ),
    "Digits, 10 classes: MAE is the slowest to 90%": (
        "9/10; takeaway 'multi-margin about as soon as CE' 3/10"
    ),
    "Learning rate 8: square loss on logits diverges, CE does not": "10/10",
    "Outliers wreck MSE": "10/10",
    "Outliers wreck MSE (sweep)": "10/10",
    "Leverage points fool even MAE": "10/10; takeaway 'best MAE, worst Huber' 1/10",
    "Under label noise MAE holds up best": "'MAE shrugs' best at 40%: 5/10 (200 points)",
    "Under label noise MAE holds up best (sweep)": "holds up best 3/10, 'shrugs' 2/10",
    "Past 50% pair flips leave every loss at or below chance (3 classes)": (
        "below chance 9/10; takeaway 'best CE' 3/10"
    ),
}


@dataclass
class Probe:
    """A view a page looked up: where, what, under which title."""

    page: str
    key: Comparison
    dtype: str
    extra: dict[str, Any]
    title: str

    @property
    def view_key(self) -> str | None:
        return evidence.view_key(self.page, self.key, self.dtype, **self.extra)


# --------------------------------------------------------------------------- probing the pages


def _recording() -> tuple[list[tuple[str, Comparison, str, dict]], Callable[[], None]]:
    seen: list[tuple[str, Comparison, str, dict]] = []
    real = evidence.lookup

    def lookup(page: str, key: Comparison, dtype: str, **extra: Any) -> None:
        seen.append((page, key, dtype, dict(extra)))
        return None  # pages draw their one-run view: fast, and the same whatever the table

    evidence.lookup = lookup  # type: ignore[assignment]

    def restore() -> None:
        evidence.lookup = real  # type: ignore[assignment]

    return seen, restore


def _run(path: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=600)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if at.exception:
        raise RuntimeError(f"{path} {query}: {[e.value for e in at.exception]}")
    return at


def probes(only: str | None = None) -> list[Probe]:
    """Every view of :data:`PAGES` the pages look up, presets before default views."""
    # every view computed on the server, as a preset's is: a view that would start live in
    # the browser looks nothing up
    player.EXACT_AT_ONCE_SECONDS = float("inf")
    seen, restore = _recording()
    found: list[Probe] = []

    def take(title: str) -> None:
        for page, key, dtype, extra in seen:
            suffix = robustness.SWEEP if page == robustness.PAGE and "rates" in extra else ""
            found.append(Probe(page, key, dtype, extra, title + suffix))
        seen.clear()

    try:
        for path in PAGES:
            if path == "streamlit_app.py":
                for name in home.DATASETS:
                    if only and only not in f"home {name}":
                        continue
                    seen.clear()
                    _run(path, {"dataset": name})
                    take(f"Home page: {name}")
                continue
            seen.clear()
            at = _run(path)
            seen.clear()
            labels = [b.label for b in at.button if re.fullmatch(r"preset_\d+", b.key or "")]
            for i, label in enumerate(labels):
                if only and only not in label:
                    continue
                at = _run(path)
                seen.clear()
                at.button(key=f"preset_{i}").click().run()
                if at.exception:
                    raise RuntimeError(f"{path} {label}: {[e.value for e in at.exception]}")
                take(label)
            if not only:
                _run(path)
                take(f"{Path(path).stem.split('_', 1)[1].replace('_', ' ')}: default view")
    finally:
        restore()
    out, keys = [], set()
    for p in found:
        k = p.view_key
        if k is not None and k not in keys:
            keys.add(k)
            out.append(p)
    return out


# --------------------------------------------------------------------------- training


def other(dtype: str) -> str:
    return "float64" if dtype == "float32" else "float32"


def outcome(p: Probe, seed: int, dtype: str, *, data_seed: bool = False) -> ev.Outcome:
    """The view of ``p`` trained from ``seed`` in ``dtype`` (the page's own outcome function)."""
    if p.page == boundaries.PAGE:
        return boundaries.outcome(p.key, seed, dtype=dtype, data_seed=data_seed)
    if p.page == training.PAGE:
        return training.outcome(
            p.key, seed, target=p.extra["target"], dtype=dtype, data_seed=data_seed
        )
    if "rates" in p.extra:
        return robustness.sweep_outcome(p.key, seed, rates=p.extra["rates"], dtype=dtype)
    return robustness.outcome(p.key, seed, dtype=dtype)


def outcomes(p: Probe, dtype: str, *, data_seed: bool = False) -> Iterator[ev.Outcome]:
    """The view of ``p`` trained from each seed of 0..K-1."""
    for s in range(ev.K):
        yield outcome(p, s, dtype, data_seed=data_seed)


def probe_of(e: evidence.Entry) -> Probe:
    """The view of a table entry, as a probe (its comparison rebuilt from the key)."""
    return Probe(e.page, evidence.comparison_of(e.key), e.dtype, dict(e.extra), e.title)


def lessons_of(p: Probe) -> tuple[evidence.Lesson, ...]:
    if p.page == robustness.PAGE and p.title.endswith(robustness.SWEEP):
        return robustness.SWEEP_LESSONS.get(p.title.removesuffix(robustness.SWEEP), ())
    return LESSONS[p.page].get(p.title, ())


def default_metric(p: Probe) -> str:
    """The metric a view without claims is ranked on."""
    if p.page == training.PAGE:
        return "reach_epoch"
    if p.page == robustness.PAGE:
        if "rates" in p.extra:
            return robustness.SWEEP_METRIC[robustness.task(p.key)]
        return robustness.score_metric(p.key)
    return "test_accuracy"


def figure_seed(p: Probe, e: ev.Evidence) -> int:
    """The representative seed of the first claim; without claims, of the best loss's lead."""
    lessons = lessons_of(p)
    if lessons:
        return e.check(lessons[0].claim).representative
    metric = default_metric(p)
    stand = ev.standings(e.outcomes, metric)
    lead = max(stand, key=lambda s: (s.top.k, s.alone.k))
    return lead.top.representative


def entry(p: Probe) -> evidence.Entry:
    """Train ``p`` from every seed, in both precisions (and new data where the seed is the
    model's), and make its table entry."""
    data = evidence.SEED_KINDS[p.page] == "model"
    e = ev.Evidence(
        tuple(outcomes(p, p.dtype)),
        tuple(outcomes(p, other(p.dtype))),
        tuple(outcomes(p, p.dtype, data_seed=True)) if data else (),
    )
    return evidence.Entry(
        id=re.sub(r"[^a-z0-9]+", "-", f"{p.page} {p.title}".lower()).strip("-"),
        page=p.page,
        title=p.title,
        key=p.view_key or "",
        seed_kind=evidence.SEED_KINDS[p.page],
        figure_seed=figure_seed(p, e),
        evidence=e,
        dtype=p.dtype,
        other_dtype=other(p.dtype),
        extra=p.extra,
    )


# --------------------------------------------------------------------------- the report


def _counts(claim, e: ev.Evidence) -> list[str]:
    v = e.check(claim)
    o = ev.check(claim, e.other) if e.other else None
    d = ev.check(claim, e.data) if e.data else None
    return [
        f"{v.k}/{v.n}" + (" (noise)" if v.within_noise else ""),
        "—" if o is None else f"{o.k}/{o.n}",
        "—" if d is None else f"{d.k}/{d.n}",
    ]


def report_rows(entries: list[evidence.Entry]) -> list[list[str]]:
    """One row per claim: page · preset, claim, held (page precision; other precision; new
    data), before. A view without claims (the home page) gets its ranking's best and worst."""
    rows = []
    for en in entries:
        p = Probe(en.page, None, en.dtype, dict(en.extra), en.title)  # type: ignore[arg-type]
        # (lessons_of reads only the page and the title)
        claims = [(ls.claim, ls.says) for ls in lessons_of(p)]
        if not claims and en.title.startswith("Home page"):
            stand = ev.standings(en.evidence.outcomes, "test_accuracy")
            best = max(stand, key=lambda s: s.top.k)
            worst = max(stand, key=lambda s: s.bottom.k)
            claims = [
                (ev.Top(best.loss, "test_accuracy"), f"{identity.short(best.loss)} best or tied"),
                (ev.Bottom(worst.loss, "test_accuracy"), f"{identity.short(worst.loss)} worst"),
            ]
        for i, (claim, says) in enumerate(claims):
            rows.append(
                [
                    f"{en.page} · {en.title}" if i == 0 else "",
                    ("**title**: " if i == 0 and not en.title.startswith("Home") else "") + says,
                    *_counts(claim, en.evidence),
                    BEFORE.get(en.title, "") if i == 0 else "",
                ]
            )
    return rows


def markdown(entries: list[evidence.Entry]) -> str:
    head = (
        "| page · preset | claim | held (page precision) | other precision | new data | "
        "before |\n|---|---|---|---|---|---|\n"
    )
    return head + "".join("| " + " | ".join(r) + " |\n" for r in report_rows(entries))


def write_readme(table: str) -> None:
    text = README.read_text("utf-8")
    if BEGIN not in text:
        raise SystemExit(f"README.md has no {BEGIN!r} marker")
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END)
    README.write_text(text[:start] + "\n" + table + text[end:], "utf-8")


def dump(entries: list[evidence.Entry]) -> str:
    """The table as JSON: one entry after another, each seed's outcome on one line."""
    parts = []
    for e in entries:
        d = e.to_dict()
        lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in d.items() if k not in SEEDS]
        for k in SEEDS:
            rows = ",\n".join(f"    {json.dumps(o)}" for o in d[k])
            lines.append(f"  {json.dumps(k)}: [\n{rows}\n  ]" if rows else f"  {json.dumps(k)}: []")
        parts.append(" {\n" + ",\n".join(lines) + "\n }")
    return f'{{"k": {ev.K}, "entries": [\n' + ",\n".join(parts) + "\n]}\n"


#: An entry's lists of outcomes.
SEEDS = ("outcomes", "other", "data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="only views whose title contains this text")
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    parser.add_argument(
        "--readme", action="store_true", help="only rewrite README's table from the committed one"
    )
    args = parser.parse_args()
    if args.readme:
        write_readme(markdown(evidence.entries()))
        print(markdown(evidence.entries()))
        return
    t0 = time.process_time()
    found = probes(args.only)
    print(f"{len(found)} views from the pages ({time.process_time() - t0:.0f} CPU-s)")
    made = []
    for p in found:
        t = time.process_time()
        made.append(entry(p))
        print(f"  {p.page:10} {p.title}: {time.process_time() - t:.1f} CPU-s", flush=True)
    table = markdown(made)
    print(table)
    if args.dry_run:
        return
    if args.only:
        old = evidence.table.__wrapped__()
        merged = {**{e.key: e for e in old.values()}, **{e.key: e for e in made}}
        made = list(merged.values())
    evidence.TABLE.write_text(dump(made), "utf-8")
    write_readme(markdown(made))
    print(f"wrote {evidence.TABLE.relative_to(ROOT)} ({len(made)} views) and README's table")


if __name__ == "__main__":
    main()
