r"""Seed evidence: the committed table, "in k of n seeds", the strip chart's spec.

A comparison the home page or a lecture preset shows was trained ahead from
:data:`core.evidence.K` seeds by ``scripts/make_evidence.py``; the outcomes sit in
:data:`TABLE` (committed with the code), keyed by exactly what the page trains
(:func:`view_key`: data, corruption, model, losses, precision and the page's epoch, target or
rates; the seed left out). A page looks its view up (:func:`lookup`); when it is there, the
takeaway says how often each claim held and the figure shows the representative seed, named
on screen, with the spread of every seed beside it (:func:`strip_spec`, drawn by
:func:`ui.evidence.show_strip`). Any other view can be checked on demand
(:func:`ui.evidence.check_across_seeds`).

The sentences here are the one wording of seed evidence:

- a claim that held in at least 8 of 10 seeds is stated with its count: "CE ahead of MSE in
  10 of 10 seeds (mean 86.3% vs 78.1%)";
- one that held in fewer is not a lesson: "depends on the seed: … in only 4 of 10 seeds";
- one run says that it is one run;
- a difference inside the measured rounding noise is "within rounding noise", not ranked;
- an accuracy is printed beside the majority-class baseline.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from core import datasets
from core import evidence as ev
from core.experiment import Comparison, Corruption, DataChoice, ModelChoice
from present import identity, wording
from present.wording import Takeaway

#: Seeds behind every lesson (:data:`core.evidence.K`).
K = ev.K
#: The generated table (``scripts/make_evidence.py`` writes it; a test keeps it current).
TABLE = Path(__file__).with_name("seed_evidence.json")
#: Which seed a page's "seed" is: the model's (data fixed) or the data's (data, corruption and
#: initial weights drawn from one seed, as the Outlier robustness page does).
SEED_KINDS = {"boundaries": "model", "training": "model", "robustness": "data"}


# --------------------------------------------------------------------------- the table


def _canonical_params(data: Any, *, data_seed_free: bool) -> list[list[Any]] | None:
    """The dataset's parameters with every default filled in (two choices that load the same
    data have the same key); ``None`` for data that is not a registered dataset (an upload)."""
    try:
        spec = datasets.info(data.name)
    except ValueError:
        return None
    if getattr(data, "task", None) is not None and not isinstance(data.params, tuple):
        return None
    params = {p.name: p.default for p in spec.params.values()}
    params.update(dict(data.params))
    if data_seed_free and "seed" in params:
        params["seed"] = 0
    return [[k, params[k]] for k in sorted(params)]


def view_key(page: str, key: Comparison, dtype: str, **extra: Any) -> str | None:
    """The identity of a page's view for the table: everything the page trains (data with
    its defaults filled in, corruption, losses and their hyperparameters, the model and its
    training settings, the precision) and ``extra`` (the epoch shown, the target, the sweep's
    rates), the seed left out. ``None`` for data the table cannot hold (an uploaded CSV)."""
    if page not in SEED_KINDS:
        raise ValueError(f"page must be one of {sorted(SEED_KINDS)}, got {page!r}")
    if type(key.data).__name__ != "DataChoice":
        return None
    params = _canonical_params(key.data, data_seed_free=SEED_KINDS[page] == "data")
    if params is None:
        return None
    model = {f.name: getattr(key.model, f.name) for f in dataclasses.fields(key.model)}
    model.pop("seed")
    model["hidden"] = list(model["hidden"])
    c = key.corruption
    body = {
        "page": page,
        "data": [key.data.name, params],
        "corruption": [c.kind, float(c.rate), float(c.magnitude)],
        "losses": list(key.losses),
        "params": [[n, [list(p) for p in ps]] for n, ps in key.params],
        "model": model,
        "dtype": dtype,
        "extra": {k: extra[k] for k in sorted(extra)},
    }
    return json.dumps(body, sort_keys=True)


def comparison_of(key: str) -> Comparison:
    """The comparison (from seed 0) a :func:`view_key` describes: its inverse, up to the seed
    and the dataset parameters written out in full."""
    body = json.loads(key)
    name, params = body["data"]
    model = dict(body["model"])
    model["hidden"] = tuple(model["hidden"])
    kind, rate, magnitude = body["corruption"]
    return Comparison(
        DataChoice(name, tuple((k, v) for k, v in params)),
        ModelChoice(**model),
        tuple(body["losses"]),
        tuple((n, tuple((k, v) for k, v in ps)) for n, ps in body["params"]),
        Corruption(kind, rate, magnitude),
    )


@dataclass(frozen=True)
class Entry:
    """One row of the table: a view trained from every seed.

    ``figure_seed`` is the seed the preset or home page shows (the representative seed of
    its first claim); ``evidence`` holds the outcomes (page precision, other precision, new
    data draws)."""

    id: str
    page: str
    title: str
    key: str
    seed_kind: str
    figure_seed: int
    evidence: ev.Evidence
    dtype: str = "float32"
    other_dtype: str = "float64"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(o.seed for o in self.evidence.outcomes)

    def to_dict(self) -> dict[str, Any]:
        e = self.evidence
        return {
            "id": self.id,
            "page": self.page,
            "title": self.title,
            "key": self.key,
            "seed_kind": self.seed_kind,
            "figure_seed": int(self.figure_seed),
            "dtype": self.dtype,
            "other_dtype": self.other_dtype,
            "extra": dict(self.extra),
            "outcomes": [o.to_dict() for o in e.outcomes],
            "other": [o.to_dict() for o in e.other],
            "data": [o.to_dict() for o in e.data],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Entry:
        def outs(name: str) -> tuple[ev.Outcome, ...]:
            return tuple(ev.Outcome.from_dict(o) for o in d.get(name, ()))

        return cls(
            id=d["id"],
            page=d["page"],
            title=d["title"],
            key=d["key"],
            seed_kind=d["seed_kind"],
            figure_seed=int(d["figure_seed"]),
            evidence=ev.Evidence(outs("outcomes"), outs("other"), outs("data")),
            dtype=d.get("dtype", "float32"),
            other_dtype=d.get("other_dtype", "float64"),
            extra=d.get("extra", {}),
        )


@functools.cache
def table(path: Path = TABLE) -> dict[str, Entry]:
    """Every entry of the committed table by :func:`view_key` (empty if the file is missing)."""
    if not path.exists():
        return {}
    raw = json.loads(path.read_text("utf-8"))
    return {d["key"]: Entry.from_dict(d) for d in raw["entries"]}


def entries() -> list[Entry]:
    """The table's entries in file order."""
    return list(table().values())


def lookup(page: str, key: Comparison, dtype: str, **extra: Any) -> Entry | None:
    """The table's entry for this view (any seed), or ``None``."""
    k = view_key(page, key, dtype, **extra)
    return None if k is None else table().get(k)


def by_title(page: str, title: str) -> Entry | None:
    """The entry of a preset (or the home page's dataset) by its title."""
    for e in table().values():
        if e.page == page and e.title == title:
            return e
    return None


def figure_seed(page: str, title: str, default: int = 0) -> int:
    """The seed a preset's figure shows: its entry's representative seed (``default`` if the
    table has no entry for it)."""
    e = by_title(page, title)
    return default if e is None else e.figure_seed


def with_figure_seeds(
    presets: Mapping[str, Mapping[str, Any]],
    page: str,
    place: Callable[[Mapping[str, Any], int], Mapping[str, Any]] = lambda values, seed: {
        "seed": seed
    },
) -> dict[str, dict[str, Any]]:
    """``presets`` with each preset's figure seed set: ``place(values, seed)`` gives the
    widget values that show the representative seed of the preset's committed evidence
    (a preset without an entry is left as it is)."""
    out = {}
    for title, values in presets.items():
        e = by_title(page, title)
        out[title] = dict(values) if e is None else {**values, **place(values, e.figure_seed)}
    return out


# --------------------------------------------------------------------------- baselines


@dataclass(frozen=True)
class Baseline:
    """What a model gets from the class balance alone: always predicting the training split's
    majority class (``label``), its accuracy on the test and on the training split, and
    chance (one over the number of classes)."""

    label: str
    test: float
    train: float
    chance: float

    @property
    def row_name(self) -> str:
        return f"baseline: always {self.label}"

    def sentence(self) -> str:
        """``"majority-class baseline 50.0% (chance 50%)"``; chance is left out when equal."""
        text = f"majority-class baseline {wording.pct(self.test)}"
        if not ev.same_printed(self.test, self.chance, ".1%"):
            text += f" (chance {wording.pct(self.chance, 0)})"
        return text


def baseline(ds: datasets.Dataset) -> Baseline | None:
    """The :class:`Baseline` of a classification dataset (``None`` for regression); class
    names are an uploaded CSV's own, else ``class k``."""
    if ds.task != "classification" or not len(ds.y_train) or not len(ds.y_test):
        return None
    k = ev.majority_class(ds.y_train, ds.n_classes)
    names = tuple(getattr(ds, "class_names", ()) or ())
    label = str(names[k]) if k < len(names) else f"class {k}"
    return Baseline(
        label=label,
        test=ev.majority_baseline(ds.y_train, ds.y_test, ds.n_classes),
        train=float(sum(int(y) == k for y in ds.y_train) / len(ds.y_train)),
        chance=1.0 / ds.n_classes,
    )


# --------------------------------------------------------------------------- lessons


@dataclass(frozen=True)
class Lesson:
    """A claim and how a sentence says it (``says``: e.g. "CE ahead of MSE at epoch 150"),
    without how often: the sentence adds that from the verdict."""

    claim: Any
    says: str


#: Metrics printed as percentage points (a difference of two accuracies).
POINTS = frozenset({"drop"})


def _fmt(metric: str, v: float) -> str:
    if metric in POINTS and math.isfinite(v):
        return f"{wording.number(100 * v, '.1f')} points"
    return ev.printed(v, ev.METRICS[metric].fmt)


def _gap(metric: str, v: float) -> str:
    """A difference of ``metric``: percentage points for a share (``"3.3 points"``), else
    the metric's own format."""
    if ev.METRICS[metric].fmt.endswith("%"):
        return f"{wording.number(100 * v, '.1f')} points"
    return _fmt(metric, v)


def how_often(v: ev.Verdict) -> str:
    """``"in 9 of 10 seeds"``; one seed: ``"in one run (seed 4)"``."""
    if v.n == 1:
        return f"in one run (seed {v.seeds[0]})"
    return f"in {v.k} of {v.n} seeds"


def seeds_span(seeds: Sequence[int]) -> str:
    """``"0–9"`` for consecutive seeds, else a list."""
    s = sorted(int(x) for x in seeds)
    if len(s) > 2 and s == list(range(s[0], s[-1] + 1)):
        return f"{s[0]}–{s[-1]}"
    return ", ".join(map(str, s))


def _value(metric: str, v: ev.Verdict, loss: str) -> str:
    """A loss's typical value over the seeds: the median epoch for epochs, else the mean."""
    if ev.METRICS[metric].tie == "ratio":
        m = v.medians.get(loss, math.nan)
        return "never" if math.isinf(m) else f"epoch {_fmt(metric, m)}"
    return _fmt(metric, v.means.get(loss, math.nan))


def numbers(v: ev.Verdict) -> str:
    """The numbers behind a verdict, e.g. ``"mean 86.3% vs 78.1%"``, ``"median epoch 14 vs
    41"``, with the majority-class baseline beside an accuracy."""
    c = v.claim
    metric = c.metric
    typical = "median" if ev.METRICS[metric].tie == "ratio" else "mean"
    if isinstance(c, ev.Ahead | ev.NotBehind):
        a, b = _value(metric, v, c.x), _value(metric, v, c.y)
        if typical == "median":
            text = f"median {a} vs {b.replace('epoch ', '')}"
        else:
            text = f"mean {a} vs {b}"
    elif isinstance(c, ev.Top | ev.Bottom):
        text = f"{typical} {_value(metric, v, c.x)}"
        typ = v.medians if typical == "median" else v.means
        others = [n for n in typ if n != c.x and not math.isnan(typ[n])]
        if others:
            pick = max if isinstance(c, ev.Top) else min
            near = pick(others, key=lambda n: ev._score(metric, typ[n]))
            text += f" vs {identity.short(near)} {_value(metric, v, near).replace('epoch ', '')}"
    elif metric == "diverged":
        return ""
    else:
        names = [n for n in claim_losses(c) or tuple(v.means) if n in v.means]
        if len(names) > 2:
            vals = sorted(v.means[n] for n in names if math.isfinite(v.means[n]))
            text = f"{typical}s {_fmt(metric, vals[0])} to {_fmt(metric, vals[-1])}"
        else:
            text = f"{typical}{'s' if len(names) > 1 else ''}: " + ", ".join(
                f"{identity.short(n)} {_value(metric, v, n)}" for n in names
            )
    if ev.METRICS[metric].accuracy and math.isfinite(v.baseline):
        text += f"; baseline {wording.pct(v.baseline)}"
    return text


def claim_losses(c: Any) -> tuple[str, ...]:
    """The losses a claim names (empty: every loss of the outcome)."""
    if isinstance(c, ev.All):
        return tuple(dict.fromkeys(n for sub in c.claims for n in claim_losses(sub)))
    if isinstance(c, ev.Ahead | ev.NotBehind):
        return (c.x, c.y)
    if isinstance(c, ev.Top | ev.Bottom):
        return (c.x,)
    return tuple(getattr(c, "losses", ()))


def lesson_sentence(lesson: Lesson, v: ev.Verdict) -> str:
    """One claim with how often it held: a lesson ("… in 9 of 10 seeds (…)."), not one
    ("Depends on the seed: … in only 4 of 10 seeds (…)."), one run ("In one run (seed 0): …
    (…); one run is not a lesson."), or inside the rounding noise."""
    nums = numbers(v)
    paren = f" ({nums})" if nums else ""
    if v.within_noise:
        return (
            f"Within rounding noise: {lesson.says} {how_often(v)}{paren}, by less than the "
            f"{_gap(v.claim.metric, v.noise)} the same seed moves in the other precision."
        )
    if v.n == 1:
        return f"In one run (seed {v.seeds[0]}): {lesson.says}{paren}; one run is not a lesson."
    if v.lesson:
        comma = "," if "," in lesson.says else ""
        return f"{capitalised(lesson.says)}{comma} {how_often(v)}{paren}."
    return f"Depends on the seed: {lesson.says} in only {v.k} of {v.n} seeds{paren}."


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case and the rest as written (``str.capitalize``
    would lower "CE" in the middle of a sentence)."""
    return text[:1].upper() + text[1:]


#: How a ranking names the two ends of a metric (default: best and worst).
ENDS = {
    "reach_epoch": ("first", "last"),
    "drop": ("least", "most"),
    "growth": ("least", "most"),
}


def _typical(metric: str, v: ev.Verdict, loss: str) -> str:
    """``"mean 95.6%"`` or, for epochs, ``"median epoch 14"`` / ``"never"``."""
    value = _value(metric, v, loss)
    if ev.METRICS[metric].tie == "ratio":
        return value if value == "never" else f"median {value}"
    if value == "not a number":  # every seed's run diverged: there is no mean to give
        return "diverged"
    return f"mean {value}"


def standing_sentences(
    outcomes: Sequence[ev.Outcome],
    metric: str,
    *,
    noise: Mapping[str, float] | None = None,
    what: str | None = None,
) -> Takeaway:
    """Who is best and worst on ``metric`` over the seeds, said with how often.

    The headline names the loss best (alone or tied) in at least 8 of 10 seeds — or says the
    best depends on the seed — and the loss worst in at least 8 of 10, with their typical
    values (means; median epochs) and the baseline; "every loss scores the same" when every
    loss prints the same in 8 of 10. A loss at or below the baseline is never best. One seed
    is said to be one run. The details give every loss's typical value, the counts and any
    pair within rounding noise."""
    outcomes = list(outcomes)
    n = len(outcomes)
    m = ev.METRICS[metric]
    label = what or m.label
    best, worst = ENDS.get(metric, ("best", "worst"))
    stand = ev.standings(outcomes, metric, noise)
    thr = ev.lesson_threshold(n)
    v0 = stand[0].top
    base = v0.baseline
    base_text = f"baseline {wording.pct(base)}" if m.accuracy and math.isfinite(base) else ""
    names = [s.loss for s in stand]
    details: list[str] = []
    if n == 1:
        return Takeaway(_one_run_headline(outcomes[0], metric, label, base_text))
    if len(names) == 1:
        x = names[0]
        got = sum(math.isfinite(o.value(metric, x)) for o in outcomes)
        tail = f"; {base_text}" if base_text else ""
        if m.tie == "ratio":
            where = (
                f"never within these epochs in {n} of {n}"
                if got == 0
                else f"{_typical(metric, v0, x)}, reached in {got} of {n}"
            )
            return Takeaway(f"{capitalised(label)}, {n} seeds: {identity.short(x)} {where}{tail}.")
        return Takeaway(
            f"{capitalised(label)}, {n} seeds: {identity.short(x)} {_typical(metric, v0, x)}{tail}."
        )
    everyone = [
        o
        for o in outcomes
        if all(ev.tied(metric, o.value(metric, names[0]), o.value(metric, x)) for x in names)
    ]
    if len(names) > 1 and len(everyone) >= thr:
        common = {_fmt(metric, o.value(metric, names[0])) for o in everyone}
        score = common.pop() if len(common) == 1 else "the same"
        if score == "never":
            headline = (
                f"{capitalised(label)}, {n} seeds: no loss gets there in {len(everyone)} of {n}."
            )
        else:
            tail = f" ({base_text})" if base_text else ""
            headline = (
                f"{capitalised(label)}, {n} seeds: every loss scores {score} in {len(everyone)} of "
                f"{n}{tail}; the score does not separate them here."
            )
    elif (
        m.accuracy
        and (
            prior := sum(
                all(ev.at_baseline(o.value(metric, x), o.baseline) for x in names) for o in outcomes
            )
        )
        >= thr
    ):
        headline = (
            f"{capitalised(label)}, {n} seeds: no loss beats the majority-class baseline in "
            f"{prior} of {n} ({base_text}): they learned the class balance at most."
        )
    else:
        leaders = [s for s in stand if s.top.k >= thr]
        losers = [s for s in stand if s.bottom.k >= thr and s not in leaders]
        parts = []
        if not leaders:
            parts.append(f"which loss is {best} depends on the seed")
        else:
            who = wording.names([identity.short(s.loss) for s in leaders])
            alone = len(leaders) == 1 and leaders[0].alone.k >= thr
            count = "/".join(str(s.alone.k if alone else s.top.k) for s in leaders)
            typs = [_typical(metric, v0, s.loss) for s in leaders]
            # tied leaders with one typical value say it once ("mean 50.8% each")
            typ = f"{typs[0]} each" if len(set(typs)) == 1 < len(typs) else "; ".join(typs)
            parts.append(f"{who} {best}{'' if alone else ' or tied'} in {count} ({typ})")
        for s in losers[:1]:
            extra = f", {base_text}" if base_text else ""
            parts.append(
                f"{identity.short(s.loss)} {worst} in {s.bottom.k} "
                f"({_typical(metric, v0, s.loss)}{extra})"
            )
        if len(parts) == 1 and base_text:
            parts[0] += f"; {base_text}"
        headline = f"{capitalised(label)}, {n} seeds: " + "; ".join(parts) + "."
    if len(names) > 1:
        order = sorted(
            names,
            key=lambda x: -ev._score(metric, v0.medians[x] if m.tie == "ratio" else v0.means[x]),
        )
        listed = ", ".join(
            f"{identity.short(x)} {_value(metric, v0, x).replace('epoch ', '')}" for x in order
        )
        typical = "Median" if m.tie == "ratio" else "Mean"
        details.append(
            f"{typical} {label} over seeds {seeds_span([o.seed for o in outcomes])}: {listed}"
            + (f"; {base_text}." if base_text else ".")
        )
        counts = ", ".join(f"{identity.short(s.loss)} {s.top.k}" for s in stand)
        lows = ", ".join(f"{identity.short(s.loss)} {s.bottom.k}" for s in stand)
        details.append(
            f"Seeds (of {n}) each loss is {best} in, ties included: {counts}; {worst} in: {lows}."
        )
        details.extend(noise_sentences(v0.means, metric, noise or {}))
    return Takeaway(headline, tuple(details))


def _one_run_headline(o: ev.Outcome, metric: str, label: str, base_text: str) -> str:
    vals = {x: o.value(metric, x) for x in o.losses(metric)}
    ok = {x: v for x, v in vals.items() if not math.isnan(v)}
    if not ok:
        return f"One run (seed {o.seed}): every loss diverged."
    best = max(ok, key=lambda x: ev._score(metric, ok[x]))
    worst = min(ok, key=lambda x: ev._score(metric, ok[x]))
    top = [x for x in ok if ev.tied(metric, ok[x], ok[best])]
    bottom = [x for x in ok if ev.tied(metric, ok[x], ok[worst])]
    tail = f"; {base_text}" if base_text else ""
    hi, lo = ENDS.get(metric, ("best", "worst"))
    if all(math.isinf(v) for v in ok.values()):
        return f"One run (seed {o.seed}): no loss gets there ({label})."
    if len(ok) == 1:
        return f"One run (seed {o.seed}): {identity.short(best)} {_fmt(metric, ok[best])}{tail}."
    if ev.METRICS[metric].accuracy and ev.at_baseline(ok[best], o.baseline):
        return (
            f"One run (seed {o.seed}): no loss beats the majority-class baseline "
            f"({wording.pct(o.baseline)}): the highest score is {_fmt(metric, ok[best])}."
        )
    if ev.tied(metric, ok[best], ok[worst]):
        return f"One run (seed {o.seed}): {label} {_fmt(metric, ok[best])} for every loss{tail}."
    return (
        f"One run (seed {o.seed}): {wording.names([identity.short(x) for x in top])} {hi} "
        f"({_fmt(metric, ok[best])}), {wording.names([identity.short(x) for x in bottom])} {lo} "
        f"({_fmt(metric, ok[worst])}{tail}); one run is not a lesson."
    )


def noise_sentences(
    means: Mapping[str, float], metric: str, noise: Mapping[str, float]
) -> list[str]:
    """Pairs of losses whose mean difference is inside the larger of their measured rounding
    spreads, named as such (not ranked)."""
    out = []
    names = [n for n in means if math.isfinite(means[n])]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            bound = max(noise.get(a, 0.0), noise.get(b, 0.0))
            if bound <= 0 or ev.tied(metric, means[a], means[b]):
                continue
            if abs(means[a] - means[b]) <= bound:
                out.append(
                    f"{identity.short(a)} and {identity.short(b)} differ by "
                    f"{_gap(metric, abs(means[a] - means[b]))} on average, within rounding "
                    "noise: the same seed trained in the other precision moves them by up to "
                    f"{_gap(metric, bound)}."
                )
    return out


def noisy_losses(noise: Mapping[str, float], metric: str) -> str:
    """A sentence naming the losses whose result the precision moves by at least as much as
    the metric prints (empty if none)."""
    fmt = ev.METRICS[metric].fmt
    big = {n: v for n, v in noise.items() if v > 0 and not ev.same_printed(v, 0.0, fmt)}
    if not big:
        return ""
    listed = wording.names(
        [f"{identity.short(n)} by up to {_gap(metric, v)}" for n, v in big.items()]
    )
    return (
        f"Rounding noise: training the same seed in the other precision moves {listed}; "
        "smaller differences are not ranked."
    )


def data_seed_sentence(lessons: Sequence[Lesson], data: Sequence[ev.Outcome]) -> str:
    """How the claims fare when the data themselves are drawn anew (data seed = model seed)."""
    if not data:
        return ""
    parts = [f"{ls.says} in {ev.check(ls.claim, data).k}" for ls in lessons]
    return (
        f"With new data draws (data seeds {seeds_span([o.seed for o in data])}): "
        + "; ".join(parts)
        + f" of {len(data)}."
    )


def figure_note(seed: int, representative: int, seeds: Sequence[int]) -> str:
    """What the figure shows: ``"The figure: seed 1 of 0–9, the median run."``"""
    span = seeds_span(seeds)
    if seed == representative:
        return f"The figure: seed {seed} of {span}, the median run."
    if seed in seeds:
        return f"The figure: seed {seed} of {span} (the median run is seed {representative})."
    return f"The figure: seed {seed}, outside the seeds {span} behind the sentence."


# --------------------------------------------------------------------------- the strip chart


def strip_rows(
    outcomes: Sequence[ev.Outcome], metric: str, losses: Sequence[str]
) -> tuple[tuple[str, int, float], ...]:
    """``(loss, seed, value)`` of every finite value (hashable, for the cached chart)."""
    rows = []
    for o in outcomes:
        for n in losses:
            v = o.values.get(metric, {}).get(n, math.nan)
            if math.isfinite(v):
                rows.append((n, int(o.seed), float(v)))
    return tuple(rows)


def strip_spec(
    rows: tuple[tuple[str, int, float], ...],
    metric: str,
    losses: tuple[str, ...],
    shown: tuple[int, ...],
    baseline: float,
    title: str,
    subtitle: str,
) -> alt.LayerChart:
    """One mark per seed per loss on ``metric`` (each seed its own sub-row, so equal values do
    not hide each other), the seeds the figure shows ringed in black, the baseline dashed."""
    m = ev.METRICS[metric]
    df = pd.DataFrame(rows, columns=["loss", "seed", "value"])
    df["loss"] = [identity.short(n) for n in df["loss"]]
    df["shown"] = df["seed"].isin(shown)
    order = [identity.short(n) for n in losses]
    pct = m.fmt.endswith("%")
    axis = alt.Axis(format=".0%" if pct else "~g", title=m.label)
    x = alt.X("value:Q", axis=axis, scale=alt.Scale(zero=False, nice=True))
    y = alt.Y("loss:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold"))
    colors = identity.scale(losses, short_labels=True)
    tips = [
        alt.Tooltip("loss:N"),
        alt.Tooltip("seed:O"),
        alt.Tooltip("value:Q", format=m.fmt if pct else ".4g"),
    ]
    dots = (
        alt.Chart(df)
        .mark_circle(size=110, opacity=0.8)
        .encode(
            x=x,
            y=y,
            yOffset=alt.YOffset("seed:O"),
            color=alt.Color("loss:N", scale=colors, legend=None),
            tooltip=tips,
        )
    )
    ring = (
        alt.Chart(df[df["shown"]])
        .mark_point(size=260, filled=False, strokeWidth=2.5, color="black")
        .encode(x=x, y=y, yOffset=alt.YOffset("seed:O"), tooltip=tips)
    )
    layers = [dots, ring]
    if m.accuracy and math.isfinite(baseline):
        rule = pd.DataFrame({"value": [baseline], "label": [f"baseline {baseline:.0%}"]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color=identity.NEUTRAL, strokeDash=[6, 4], strokeWidth=2)
            .encode(x="value:Q")
        )
        layers.append(
            alt.Chart(rule)
            .mark_text(
                align="left", baseline="top", dx=4, dy=2, color=identity.NEUTRAL, fontSize=14
            )
            .encode(x="value:Q", y=alt.value(0), text="label:N")
        )
    height = 44 * len(losses) + 10
    return alt.layer(*layers).properties(height=height, title={"text": title, "subtitle": subtitle})


def verdicts(lessons: Sequence[Lesson], e: ev.Evidence) -> list[ev.Verdict]:
    """Every lesson decided over the evidence's seeds (with its rounding noise)."""
    return [e.check(ls.claim) for ls in lessons]


def lesson_takeaway(
    lessons: Sequence[Lesson], e: ev.Evidence, *, details: Sequence[str] = ()
) -> Takeaway:
    """A preset's takeaway: the first lesson (the title's claim) with how often it held as the
    headline; the others, the new-data counts and ``details`` folded under it."""
    vs = verdicts(lessons, e)
    head = lesson_sentence(lessons[0], vs[0])
    rest = [lesson_sentence(ls, v) for ls, v in zip(lessons[1:], vs[1:], strict=True)]
    more = data_seed_sentence(lessons, e.data)
    return Takeaway(head, tuple(x for x in (*rest, more, *details) if x))
