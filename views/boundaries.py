"""Decision boundaries page: the takeaway, the caption, the divergence notes and the summary
table under the small multiples; the seed evidence of its presets.

The runs, panels and their tables come from :mod:`ui.comparison` (shared with the home page
and the player), the figure from :mod:`ui.player`; this module says what the panels show.
A lecture preset's claims (:data:`LESSONS`) are decided over the seeds of the committed table
(:mod:`present.evidence`); any other view shows one run and offers the check across seeds
(:func:`outcome`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core import cost, losses, train
from core import evidence as ev
from core.boundaries import Panel
from core.experiment import Comparison, ModelChoice
from present import evidence, identity, wording
from present.evidence import Lesson
from present.wording import Takeaway
from serve import workers
from ui import comparison, controls
from ui.evidence import show_strip

# --------------------------------------------------------------------------- controls

#: Every control of the page, ``{URL key: default}``: its widgets declare these defaults and
#: a lecture preset resets every key it does not name to them.
DEFAULTS: dict[str, Any] = {
    **controls.dataset_defaults(controls.datasets_2d(), "spirals"),
    "flip": 0.0,
    **controls.model_defaults(
        {"layers": 2, "width": 32, "act": "tanh", "opt": "adam", "lr": 0.01, "epochs": 150}
    ),
    "losses": ["cross_entropy", "mse", "mae", "hinge"],
    **controls.loss_param_defaults("classification"),
    "epoch": None,  # the last epoch of the run the other controls ask for
    "drive": True,
    "formula": "",  # no formula of the student's
}

#: Lecture presets: ``{button label (the claim the figure shows): {URL key: value}}``; each
#: opens on its representative seed, the median run of the committed evidence (:data:`PRESETS`).
_PRESETS: dict[str, dict[str, Any]] = {
    # three arms: CE has converged by epoch 150 and MSE has not, from every seed
    "MSE is slow on 3-arm spirals": {
        "dataset": "spirals",
        "spirals_n_classes": 3,
        "losses": ["cross_entropy", "mse"],
        "layers": 2,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 150,
        "flip": 0.0,
        "drive": True,
    },
    "Hinge has no probabilities": {
        "dataset": "moons",
        "losses": ["cross_entropy", "hinge"],
        "layers": 1,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "flip": 0.0,
        "drive": True,
    },
    "3 classes: hinge stops pulling on over a third of the points, CE on none": {
        "dataset": "blobs",
        "blobs_n_classes": 3,
        "blobs_noise": 1.5,
        "losses": ["cross_entropy", "hinge", "multi_margin"],
        "layers": 0,
        "opt": "adam",
        "lr": 0.05,
        "epochs": 200,
        "flip": 0.0,
        "drive": True,
    },
    # two hidden layers: with one, MAE's lead came from one particular draw of flipped labels
    "Label noise: MAE holds up best": {
        "dataset": "moons",
        "losses": ["cross_entropy", "mse", "mae", "gce"],
        "layers": 2,
        "width": 32,
        "opt": "adam",
        "lr": 0.01,
        "epochs": 300,
        "flip": 0.3,
        "drive": True,
    },
}

# --------------------------------------------------------------------------- the figure in words


#: Losses whose exact zeros come from a margin (a point beyond it gives no gradient).
MARGIN_LOSSES = frozenset(losses.names("classification", output="margin"))


def _extremes(values: dict[str, float], fmt: str) -> tuple[list[str], list[str]] | None:
    """The losses at the top and at the bottom of ``values`` (ties as printed with ``fmt``);
    ``None`` when every value prints the same."""
    hi, lo = max(values.values()), min(values.values())
    if wording.same_printed(hi, lo, fmt):
        return None
    top = [n for n, v in values.items() if wording.same_printed(v, hi, fmt)]
    bottom = [n for n, v in values.items() if wording.same_printed(v, lo, fmt)]
    return top, bottom


def _who(losses: Sequence[str]) -> str:
    return wording.names([identity.short(n) for n in losses])


def _idle_sentences(panels: Sequence[Panel]) -> list[str]:
    """Which losses leave training points with exactly zero gradient, and why: beyond the
    margin (margin losses) or a softmax saturated to exactly 0 and 1 in floating point (the
    others; a gradient counts as zero only when every entry of it is zero, see
    :func:`core.boundaries.gradient_magnitude`); the losses under which every point still
    pulls are named as the contrast."""
    idle = {p.loss: p.drivers.idle_fraction for p in panels}
    out = []
    idle_now = [n for n, x in idle.items() if x > 0]
    for group, why in (
        ([n for n in idle_now if n in MARGIN_LOSSES], "they are beyond the margin"),
        (
            [n for n in idle_now if n not in MARGIN_LOSSES],
            "the softmax has saturated to exactly 0 and 1 there",
        ),
    ):
        if not group:
            continue
        shares = wording.names([wording.share(idle[n]) for n in group])
        out.append(
            f"Under {_who(group)}, {shares} of the training points give exactly zero gradient "
            f"({why})."
        )
    pulling = [n for n, x in idle.items() if x == 0]
    if out and pulling:
        out.append(f"Under {_who(pulling)} every training point still pulls on the model.")
    return out


def _accuracy_sentence(ranked: Sequence[Panel], epoch: int, baseline: float | None) -> str:
    """Best and worst test accuracy at ``epoch`` beside the baseline; a loss at or below the
    majority-class baseline has learned only the class balance and is never best."""
    base = "" if baseline is None else f"; majority-class baseline {wording.pct(baseline)}"
    if len(ranked) == 1:
        p = ranked[0]
        return (
            f"At epoch {epoch}, {identity.short(p.loss)} reaches "
            f"{wording.pct(p.test_accuracy)} test accuracy{base}."
        )
    acc = {p.loss: p.test_accuracy for p in ranked}
    prior = [] if baseline is None else [n for n, v in acc.items() if ev.at_baseline(v, baseline)]
    above = {n: v for n, v in acc.items() if n not in prior}
    text = ""
    if prior and not above:
        return (
            f"At epoch {epoch} no loss beats the majority-class baseline "
            f"({wording.pct(baseline)}): every loss has learned the class balance at most."
        )
    ends = _extremes(acc, ".1%")
    if ends is None:
        text = (
            f"At epoch {epoch} every loss scores {wording.pct(ranked[0].test_accuracy)} on the "
            f"test points{base}."
        )
    else:
        top = [n for n in ends[0] if n in above] or [max(above, key=above.get)]
        bottom = ends[1]
        best, worst = acc[top[0]], acc[bottom[0]]
        if len(ranked) == 2:
            text = (
                f"At epoch {epoch}, {_who(top)} scores {wording.pct(best)} on the test points "
                f"and {_who(bottom)} {wording.pct(worst)}{base}."
            )
        else:
            text = (
                f"At epoch {epoch}, {_who(top)} {'score' if len(top) > 1 else 'scores'} best "
                f"({wording.pct(best)} on the test points) and {_who(bottom)} worst "
                f"({wording.pct(worst)}){base}."
            )
    if prior:
        text += (
            f" {_who(prior)} {'is' if len(prior) == 1 else 'are'} at or below the baseline: "
            "learned the class balance, not the boundary."
        )
    return text


def _share_sentence(ranked: Sequence[Panel], flipped: bool, flip_share: float | None) -> str:
    """Who carries the gradient: with flipped labels, each loss's share carried by the flipped
    points, against their share of the data when it is known (``flip_share``); else the
    misclassified points' share (compared only when the shares differ as printed)."""
    field = "flagged_share" if flipped else "misclassified_share"
    shares = {p.loss: getattr(p.drivers, field) for p in ranked}
    shares = {n: v for n, v in shares.items() if np.isfinite(v)}
    relevant = flipped or any(
        p.drivers.misclassified_fraction > 0 for p in ranked if p.loss in shares
    )
    if len(shares) < (1 if flipped else 2) or not relevant:
        return ""
    if not flipped:
        ends = _extremes(shares, ".0%")
        if ends is None:
            v = next(iter(shares.values()))
            return (
                f"Misclassified training points carry {wording.share(v)} of every loss's gradient."
            )
        top, bottom = ends
        return (
            f"Misclassified training points carry {wording.share(shares[top[0]])} of "
            f"{_who(top)}'s gradient but {wording.share(shares[bottom[0]])} of {_who(bottom)}'s."
        )
    listed = ", ".join(
        f"{wording.share(v)} of {wording.possessive(identity.short(n))}"
        for n, v in sorted(shares.items(), key=lambda kv: -kv[1])
    )
    if flip_share is None or not math.isfinite(flip_share):
        return f"The flipped points carry {listed} gradient."
    f = float(flip_share)
    more = [n for n, v in shares.items() if v > f and not ev.same_printed(v, f, ".0%")]
    less = [n for n, v in shares.items() if v < f and not ev.same_printed(v, f, ".0%")]
    if not less:
        verdict = "more than their share under every loss" if more else "about their share"
    elif not more:
        verdict = "less than their share under every loss"
    else:
        verdict = f"less than their share only under {_who(less)}"
    return (
        f"The flipped points are {wording.share(f)} of the training points and carry "
        f"{listed} gradient: {verdict}."
    )


def takeaway(
    panels: Sequence[Panel],
    flipped: bool,
    diverged: dict[str, int | None] | None = None,
    *,
    baseline: float | None = None,
    flip_share: float | None = None,
) -> str:
    """What the small multiples show at their epoch, for one seed: a description, not a
    lesson (:func:`page_takeaway` adds how often it holds).

    Cases: one loss; every loss at the same (printed) test accuracy; runs that diverged by
    this epoch (named, not ranked: their last finite model is no trained result); ties at the
    top or bottom (all tied losses named); a loss at or below the majority-class
    ``baseline`` never called best; exact-zero gradients explained by the margin only for
    margin losses; with flipped labels each loss's gradient share of the flipped points
    against their share of the data (``flip_share``), else the misclassified points' shares
    compared only when they differ as printed.
    """
    diverged = diverged or {}
    epoch = panels[0].epoch if panels else 0
    gone = [
        p.loss for p in panels if diverged.get(p.loss) is not None and epoch >= diverged[p.loss]
    ]
    ranked = [p for p in panels if p.loss not in gone]
    parts: list[str] = []
    if not ranked:
        parts.append(f"At epoch {epoch} every run has diverged: lower the learning rate.")
    else:
        parts.append(_accuracy_sentence(ranked, epoch, baseline))
    if gone:
        parts.append(
            "Diverged (last finite model shown, not ranked): "
            + ", ".join(f"{identity.short(n)} at epoch {diverged[n]}" for n in gone)
            + "."
        )
    if ranked:
        parts.extend(_idle_sentences(ranked))
        share = _share_sentence(ranked, flipped, flip_share)
        if share:
            parts.append(share)
    return " ".join(parts)


# --------------------------------------------------------------------------- seed evidence

#: Each lecture preset's claims, by the preset's label: the title's claim first (the
#: headline), then the takeaway's. ``tests/views/test_preset_claims.py`` decides every one
#: over the committed seeds and checks that each holds in at least 8 of 10.
LESSONS: dict[str, tuple[Lesson, ...]] = {
    "MSE is slow on 3-arm spirals": (
        Lesson(
            ev.Ahead("cross_entropy", "mse", "test_accuracy"),
            "CE is ahead of MSE on the test points at epoch 150",
        ),
        Lesson(
            ev.Ahead("cross_entropy", "mse", "train_accuracy"),
            "CE is ahead on the training points too",
        ),
    ),
    # The title is a fact of the loss, not of training (hinge's panel shades a score, not a
    # probability); the claims are what the panels show about it.
    "Hinge has no probabilities": (
        Lesson(
            ev.Level("idle", ">=", 0.8, ("hinge",)),
            "hinge gives exactly zero gradient on at least 80% of the training points",
        ),
        Lesson(ev.Level("idle", "<=", 0.0, ("cross_entropy",)), "every point still pulls on CE"),
    ),
    # a third, not "half": other draws of the blobs leave hinge idle on 37-96% of the points
    "3 classes: hinge stops pulling on over a third of the points, CE on none": (
        Lesson(
            ev.All(
                (
                    ev.Level("idle", ">", 1 / 3, ("hinge",)),
                    ev.Level("idle", "<=", 0.0, ("cross_entropy",)),
                )
            ),
            "hinge stops pulling on over a third of the points, CE pulls on all",
        ),
        Lesson(
            ev.Spread("test_accuracy", points=1),
            "all three losses score within one test point of each other",
        ),
    ),
    "Label noise: MAE holds up best": (
        Lesson(
            ev.Top("mae", "test_accuracy", alone=True),
            "with 30% of the labels flipped, MAE has the best test accuracy",
        ),
        Lesson(ev.Ahead("mae", "cross_entropy", "test_accuracy"), "MAE is ahead of CE"),
    ),
}

#: The page's name in the evidence table.
PAGE = "boundaries"
PRESETS = evidence.with_figure_seeds(_PRESETS, PAGE)


def data_seeded(key: Comparison, seed: int) -> Comparison:
    """``key`` with new data drawn: data seed (and so its corruption) and model seed ``seed``."""
    params = tuple(sorted((key.data.kwargs | {"seed": int(seed)}).items()))
    return key.replace(data=dataclasses.replace(key.data, params=params)).with_seed(seed)


def outcome(
    key: Comparison, seed: int, *, dtype: str | None = None, data_seed: bool = False
) -> ev.Outcome:
    """The view trained from ``seed`` (the page's configs, in ``dtype`` if given), read at the
    end of training: :func:`core.evidence.classification_outcome`. ``data_seed``: the data,
    their corruption and the initial weights all drawn from ``seed``."""
    k = data_seeded(key, seed) if data_seed else key.with_seed(seed)
    ds = k.load()
    cfgs = [
        dataclasses.replace(c, snapshot_epochs=(), dtype=dtype or c.dtype)
        for c in comparison.configs(k)
    ]
    results = dict(zip(k.losses, workers.call(train.fit_many, ds, cfgs), strict=True))
    return ev.classification_outcome(seed, ds, results, k.model.epochs)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_outcome(key: Comparison, seed: int) -> ev.Outcome:
    """:func:`outcome` in the page's precision, cached per seed (the on-demand check)."""
    return outcome(key, seed)


def flip_share(ds) -> float | None:
    """The share of training labels that were flipped (``None`` for clean data)."""
    return None if ds.corrupted is None else float(np.mean(ds.corrupted))


def lookup(key: Comparison) -> evidence.Entry | None:
    """The committed seed evidence of this view (at the end of training), if any."""
    return evidence.lookup(PAGE, key, comparison.DTYPE, epoch=key.model.epochs)


def page_takeaway(
    panels: Sequence[Panel],
    flipped: bool,
    diverged: dict[str, int | None],
    *,
    seed: int,
    baseline: float | None,
    flip_share: float | None,
    entry: evidence.Entry | None,
) -> Takeaway:
    """The page's takeaway: with seed evidence, how often the preset's claims (or, for the
    default view, the ranking) held over the seeds, the figure's seed named; without, the
    figure's one run, said to be one run."""
    figure = takeaway(panels, flipped, diverged, baseline=baseline, flip_share=flip_share)
    epoch = panels[0].epoch if panels else 0
    if entry is None:
        head = _one_run_headline(panels, diverged, seed, baseline)
        return Takeaway(
            head,
            (
                f"In the figure (seed {seed}): {wording.clause(figure)}",
                "A ranking from one seed is one run, not a lesson: check it across seeds below.",
            ),
        )
    e = entry.evidence
    lessons = LESSONS.get(entry.title)
    where = f"epoch {epoch}" if epoch != entry.extra.get("epoch") else "the end of training"
    fig = (
        evidence.figure_note(seed, entry.figure_seed, entry.seeds),
        f"In the figure (seed {seed}, {where}): {wording.clause(figure)}",
    )
    noise = evidence.noisy_losses(e.noise("test_accuracy"), "test_accuracy")
    if lessons:
        t = evidence.lesson_takeaway(lessons, e, details=(*fig, noise))
        return t
    label = f"test accuracy at epoch {entry.extra.get('epoch')}"
    t = evidence.standing_sentences(
        e.outcomes, "test_accuracy", noise=e.noise("test_accuracy"), what=label
    )
    data = ""
    if e.data:
        d = evidence.standing_sentences(e.data, "test_accuracy", what=label)
        data = (
            "With new data draws (data seeds "
            + evidence.seeds_span([o.seed for o in e.data])
            + "): "
            + d.headline.split(": ", 1)[-1]
        )
    return Takeaway(t.headline, tuple(x for x in (*t.details, *fig, noise, data) if x))


def _one_run_headline(
    panels: Sequence[Panel], diverged: dict[str, int | None], seed: int, baseline: float | None
) -> str:
    """One seed's ranking, said to be one run."""
    epoch = panels[0].epoch if panels else 0
    ranked = {
        p.loss: p.test_accuracy
        for p in panels
        if diverged.get(p.loss) is None or epoch < diverged[p.loss]
    }
    o = ev.Outcome(seed, {"test_accuracy": ranked}, math.nan if baseline is None else baseline)
    if not ranked:
        return f"One run (seed {seed}): every loss diverged by epoch {epoch}."
    return evidence.standing_sentences([o], "test_accuracy").headline


def check_report(key: Comparison) -> Any:
    """What the check across seeds draws for this view: the ranking over the seeds and the
    strip of every seed's test accuracy (the figure's seed ringed)."""

    def report(outs: list[ev.Outcome]) -> None:
        t = evidence.standing_sentences(
            outs, "test_accuracy", what=f"test accuracy at epoch {key.model.epochs}"
        )
        st.info(t.headline, icon=":material/stacked_line_chart:")
        for line in t.details:
            st.markdown(line)
        show_strip(outs, "test_accuracy", key.losses, key.model.seed)

    return report


# --------------------------------------------------------------------------- page text and table


def caption(ds, model: ModelChoice, entry: evidence.Entry | None = None) -> str:
    """The line under the controls: data size, classes, model, same start, and the figure's
    seed among the seeds of the committed evidence (when there is any)."""
    text = (
        f"{ds.title}: {len(ds.y_train)} training / {len(ds.y_test)} test points, "
        f"{ds.n_classes} classes · {model.describe} · the same initial weights for every loss"
    )
    if entry is not None:
        text += " · " + evidence.figure_note(model.seed, entry.figure_seed, entry.seeds)
    return text


def divergence_notes(runs: dict[str, train.FitResult], lr: float) -> list[str]:
    """One warning per diverged run: when, and that its last finite model is shown."""
    return [
        f"{identity.title(n)} diverged at epoch {r.diverged_epoch} (learning rate {lr:g} is "
        "too high for it); its last finite model is shown."
        for n, r in runs.items()
        if r.diverged
    ]


def summary_frame(
    panels: Sequence[Panel],
    runs: dict[str, train.FitResult],
    base: evidence.Baseline | None = None,
) -> pd.DataFrame:
    """The table under the panels: accuracies and who drives learning, one row per loss, and
    the majority-class baseline as the last row (its accuracies only)."""
    table = pd.DataFrame(
        {
            "loss": [identity.title(p.loss) for p in panels],
            "epoch": [p.epoch for p in panels],
            "test accuracy": [p.test_accuracy for p in panels],
            "train accuracy": [p.train_accuracy for p in panels],
            "zero-gradient points": [p.drivers.idle_fraction for p in panels],
            "gradient share of misclassified": [p.drivers.misclassified_share for p in panels],
            "gradient share of flipped": [p.drivers.flagged_share for p in panels],
            "diverged at epoch": [wording.never(runs[p.loss].diverged_epoch) for p in panels],
        }
    )
    if base is not None and panels:
        row = {c: np.nan for c in table.columns}
        row.update(
            {
                "loss": base.row_name,
                "epoch": panels[0].epoch,
                "test accuracy": base.test,
                "train accuracy": base.train,
                "diverged at epoch": "—",
            }
        )
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    # without flipped labels the column would be empty: leave it out rather than show blanks
    if table["gradient share of flipped"].isna().all():
        table = table.drop(columns="gradient share of flipped")
    return table


#: Columns of :func:`summary_frame` shown as percentages.
PERCENT_COLUMNS = (
    "test accuracy",
    "train accuracy",
    "zero-gradient points",
    "gradient share of misclassified",
    "gradient share of flipped",
)


def styled_summary(table: pd.DataFrame) -> Any:
    """:func:`summary_frame` for :func:`ui.frame.table`: shares as percentages, "—" where a share is
    undefined (no gradient at all), never ``None``; the numbers stay numbers."""
    cols = [c for c in PERCENT_COLUMNS if c in table]
    return table.style.format("{:.1%}", subset=cols, na_rep="—").hide(axis="index")


SHADING_NOTE = (
    "Shading: predicted class, darker = more confident (probability; for margin losses the "
    "score up to the margin). Dark cells: the boundary. Filled dots: training points; "
    "hollow triangles: test points; black x: flipped label."
)


# --------------------------------------------------------------------------- budget


def work(
    key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any] | None = None
) -> cost.Work:
    """The work of one Decision-boundaries view computed on the server (the home page's
    figure is one): every loss trained, keeping the models of the epochs the page can show
    (:func:`ui.comparison.fit_runs`), its runs sent back from a worker, each run's initial
    accuracy (the player's exact scores), and the panels at one epoch on the one grid
    (:func:`ui.comparison.compute_panels`) with their pictures. The player's frames are the
    browser's work. ``settings`` are not used (the signature of :data:`ui.controls.ViewWork`)."""
    cfgs = comparison.configs(key)
    sizes = shape.sizes(key.model.hidden)
    itemsize = np.dtype(comparison.DTYPE).itemsize
    points = shape.n_train + shape.n_test
    losses = len(key.losses)
    fit = cost.fit_cost(shape, cfgs)
    grid = comparison.RESOLUTION**2 + points
    start = cost.evaluation_cost(sizes, points, 1, losses, itemsize, scored=0)
    panels = cost.evaluation_cost(sizes, grid, 1, losses, itemsize, scored=shape.n_train)
    back = cost.Work(moved=2 * fit.kept)  # pickled in the worker, unpickled here
    return fit + start + panels + back + cost.Work(views=1)


def within_budget(key: Comparison, ds: Any) -> bool:
    """Whether the view of ``key`` on ``ds`` fits the one budget (:func:`work`); if not, the
    page says so and what would fit (:func:`ui.controls.within_budget`)."""
    return controls.within_budget(key, cost.DataShape.of(ds), work)


def seeds_work(key: Comparison, shape: cost.DataShape, settings: Mapping[str, Any]) -> cost.Work:
    """The work of "Check across seeds": the view trained from ``settings["seeds"]`` seeds
    (:func:`outcome`: every loss, no snapshots, sent back from a worker)."""
    cfgs = [dataclasses.replace(c, snapshot_epochs=()) for c in comparison.configs(key)]
    fit = cost.fit_cost(shape, cfgs)
    return int(settings["seeds"]) * (fit + cost.Work(moved=2 * fit.kept)) + cost.Work(views=1)


def seeds_within_budget(key: Comparison, ds: Any) -> bool:
    """Whether "Check across seeds" (:func:`seeds_work`, :data:`present.evidence.K` seeds) fits
    the one budget; if not, the page says so and what would fit."""
    shape = cost.DataShape.of(ds)
    return controls.within_budget(key, shape, seeds_work, extra={"seeds": evidence.K})
