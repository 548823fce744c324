"""The home page's figure and sentence: four losses, one dataset, the boundaries they draw.

The home page opens on the comparison where the choice of loss visibly matters: two-arm
spirals, an MLP 2-32-32-2 (tanh, Adam lr 0.01, 150 epochs, the Decision boundaries page's
defaults). Its sentence is decided over the committed seeds (:mod:`present.evidence`): over seeds
0–9 cross-entropy is best or tied in 9 and MAE worst in all 10; the figure shows the median
run, named on screen, beside the test accuracy of every seed.

:func:`show` draws the figure: the live player (:mod:`ui.player`), one panel per loss on one
epoch clock, trained in the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core import datasets
from core import evidence as ev
from core.experiment import Comparison, DataChoice, ModelChoice
from present import evidence, identity, wording
from present.wording import Takeaway
from ui import comparison, player
from ui.evidence import show_strip

LOSSES = ("cross_entropy", "mse", "mae", "hinge")
#: Spirals first: the default view is where the loss matters most.
DATASETS = ("spirals", "moons", "circles", "xor")
DEFAULT = "spirals"
#: Every control of the page, ``{URL key: default}`` (its one picker).
MODEL = ModelChoice(hidden=(32, 32), activation="tanh", optimizer="adam", lr=0.01, epochs=150)
#: The seed picker's options: the median run of the committed evidence, or a seed by number.
MEDIAN = "median run"
SEED_OPTIONS = (MEDIAN, *map(str, range(evidence.K)))
#: Every control of the page, ``{URL key: default}``.
DEFAULTS: dict[str, str] = {"dataset": DEFAULT, "seed": MEDIAN}


@dataclass(frozen=True)
class Outcome:
    """What one loss reached: test accuracy of the model shown, and where it diverged."""

    loss: str
    accuracy: float
    diverged_epoch: int | None = None


def key(name: str, seed: int = 0) -> Comparison:
    """The home comparison on dataset ``name`` from model seed ``seed`` (the Decision
    boundaries page's key for the same view)."""
    return comparison.boundary_key(DataChoice(name), 0.0, MODEL, LOSSES).with_seed(seed)


def lookup(name: str) -> evidence.Entry | None:
    """The committed seed evidence of the home comparison on ``name``."""
    return evidence.lookup("boundaries", key(name), comparison.DTYPE, epoch=MODEL.epochs)


def seed(name: str, choice: str | None) -> int:
    """The seed the figure shows: the picker's number, or the median run of the evidence
    (seed 0 when there is none)."""
    if choice and choice != MEDIAN:
        return int(choice)
    entry = lookup(name)
    return 0 if entry is None else entry.figure_seed


def _comparison(name: str, seed: int = 0):
    """``(dataset, panels at the last epoch, runs)`` of the home comparison on ``name``.

    The one place that calls the boundary page's cached training and panels (through its
    comparison key).
    """
    view = key(name, seed)
    return (
        comparison.load(view),
        comparison.compute_panels(view, MODEL.epochs),
        comparison.fit_runs(view),
    )


def outcomes(name: str, seed: int = 0) -> list[Outcome]:
    """One :class:`Outcome` per loss of :data:`LOSSES` on dataset ``name`` from ``seed``."""
    _, panels, runs = _comparison(name, seed)
    return [Outcome(p.loss, float(p.test_accuracy), runs[p.loss].diverged_epoch) for p in panels]


def _names(losses: Sequence[str]) -> str:
    return wording.names([identity.short(n) for n in losses])


def takeaway(results: Sequence[Outcome], baseline: float | None = None) -> str:
    """One run's ranking in words, true for every input (the figure's description).

    Ties share the win or the loss ("CE and hinge tie at ..."); when every loss scores the
    same the sentence says the score does not tell them apart; a diverged run is named with
    its epoch (its last finite model is what is drawn and scored); the majority-class
    ``baseline`` is printed beside the accuracies.
    """
    if not results:
        return "No loss was trained."
    best = max(r.accuracy for r in results)
    worst = min(r.accuracy for r in results)
    base = "" if baseline is None else f" (majority-class baseline {wording.pct(baseline)})"
    # A tie is what the reader sees: accuracies that print the same (to 0.1%) share a place,
    # so the sentence never says "X wins with 97.2%; Y loses with 97.2%".
    top = [r.loss for r in results if wording.same_printed(r.accuracy, best, ".1%")]
    bottom = [r.loss for r in results if wording.same_printed(r.accuracy, worst, ".1%")]
    if len(results) == 1:
        text = f"Only {_names(top)} was trained: {best:.1%} test accuracy{base}."
    elif wording.same_printed(best, worst, ".1%"):
        text = (
            f"Every loss reaches {best:.1%} test accuracy here{base}: on this dataset the score "
            "does not separate them (compare the boundaries instead)."
        )
    else:
        win = (
            f"{_names(top)} scores best" if len(top) == 1 else f"{_names(top)} tie for best"
        ) + f" with {best:.1%} test accuracy"
        lose = (
            f"{_names(bottom)} worst" if len(bottom) == 1 else f"{_names(bottom)} tie for worst"
        ) + f" with {worst:.1%}{base}"
        text = f"{win}; {lose}."
    for r in results:
        if r.diverged_epoch is not None:
            text += (
                f" {identity.short(r.loss)} diverged at epoch {r.diverged_epoch}; its last "
                "finite model is shown and scored."
            )
    return text


#: The sentence every home view ends with: the comparison's one variable.
ONLY_THE_LOSS = "Same data, model, initial weights and optimizer: only the loss differs."


def page_takeaway(name: str, shown: int) -> Takeaway:
    """The home takeaway: who is best and worst over the committed seeds (how often, with the
    means and the baseline) as the headline; the figure's seed and its own ranking, the
    rounding noise and the new-data counts under it. Without evidence: the one run, said to
    be one run."""
    ds, _, _ = _comparison(name, shown)
    base = evidence.baseline(ds)
    figure = takeaway(outcomes(name, shown), None if base is None else base.test)
    entry = lookup(name)
    if entry is None:
        one = [
            ev.Outcome(
                shown,
                {"test_accuracy": {o.loss: o.accuracy for o in outcomes(name, shown)}},
                base.test if base else float("nan"),
            )
        ]
        head = evidence.standing_sentences(one, "test_accuracy").headline
        return Takeaway(head, (f"In the figure (seed {shown}): {figure}", ONLY_THE_LOSS))
    e = entry.evidence
    t = evidence.standing_sentences(e.outcomes, "test_accuracy", noise=e.noise("test_accuracy"))
    more = [
        evidence.figure_note(shown, entry.figure_seed, entry.seeds),
        f"In the figure (seed {shown}): {figure}",
        ONLY_THE_LOSS,
        evidence.noisy_losses(e.noise("test_accuracy"), "test_accuracy"),
    ]
    if e.data:
        d = evidence.standing_sentences(e.data, "test_accuracy")
        more.append(
            f"With new data draws (data seeds {evidence.seeds_span([o.seed for o in e.data])}): "
            + d.headline.split(": ", 1)[-1]
        )
    return Takeaway(t.headline, tuple(x for x in (*t.details, *more) if x))


def show(name: str, seed: int = 0) -> comparison.Table:
    """Draw the four boundaries from ``seed`` as the live player (one panel per loss on one
    epoch clock, trained in the browser, opening on the end of training, its numbers core's);
    return the points table, made when its CSV button is clicked."""
    fig = player.boundaries_player(
        key(name, seed),
        exact=True,
        epoch_key=None,
        drive_key=None,
        epoch=MODEL.epochs,
        editable=False,
    )
    return fig.points


def strip(name: str, shown: int) -> None:
    """Every seed's test accuracy per loss, the figure's seed ringed (nothing without
    evidence)."""
    entry = lookup(name)
    if entry is not None:
        show_strip(entry.evidence.outcomes, "test_accuracy", LOSSES, shown)


def caption(name: str, seed: int = 0) -> str:
    """What the figure shows, under it (the model's description names the seed)."""
    model = key(name, seed).model
    entry = lookup(name)
    where = (
        "" if entry is None else " " + evidence.figure_note(seed, entry.figure_seed, entry.seeds)
    )
    return (
        f"{datasets.info(name).title}, {model.describe}.{where} Shading: predicted class, darker = "
        "more confident (hinge: score). Dots: training points, sized by how hard each pulls on "
        "the model (|∂L/∂z|); triangles: test points."
    )


def deep_link(name: str, seed: int = 0) -> Mapping[str, object]:
    """Query parameters that open this comparison, from the same seed, on the Decision
    boundaries page (whose defaults are this model)."""
    return {
        "dataset": name,
        "layers": len(MODEL.hidden),
        "width": MODEL.hidden[0],
        "epochs": MODEL.epochs,
        "seed": seed,
    }
