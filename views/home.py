"""The home page's figure and sentence: four losses, one dataset, the boundaries they draw.

The home page opens on the comparison where the choice of loss visibly matters: two-arm
spirals, an MLP 2-32-32-2 (tanh, Adam lr 0.01, 150 epochs, the Decision boundaries page's
defaults). There cross-entropy wins by more than 20 points of test accuracy over the worst
loss (float32, seed 0; ``tests/app/test_home.py`` recomputes it with ``core``).

:func:`show` draws the figure: the playback component (:mod:`ui.player`), one panel per loss
on one epoch clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core import datasets
from core.experiment import DataChoice, ModelChoice
from ui import comparison, identity, player, wording

LOSSES = ("cross_entropy", "mse", "mae", "hinge")
#: Spirals first: the default view is where the loss matters most.
DATASETS = ("spirals", "moons", "circles", "xor")
DEFAULT = "spirals"
#: Every control of the page, ``{URL key: default}`` (its one picker).
DEFAULTS: dict[str, str] = {"dataset": DEFAULT}
MODEL = ModelChoice(hidden=(32, 32), activation="tanh", optimizer="adam", lr=0.01, epochs=150)


@dataclass(frozen=True)
class Outcome:
    """What one loss reached: test accuracy of the model shown, and where it diverged."""

    loss: str
    accuracy: float
    diverged_epoch: int | None = None


def _comparison(name: str):
    """``(dataset, panels at the last epoch, runs)`` of the home comparison on ``name``.

    The one place that calls the boundary page's cached training and panels (through its
    comparison key).
    """
    key = comparison.boundary_key(DataChoice(name), 0.0, MODEL, LOSSES)
    return (
        comparison.load(key),
        comparison.compute_panels(key, MODEL.epochs),
        comparison.fit_runs(key),
    )


def outcomes(name: str) -> list[Outcome]:
    """One :class:`Outcome` per loss of :data:`LOSSES` on dataset ``name``."""
    _, panels, runs = _comparison(name)
    return [Outcome(p.loss, float(p.test_accuracy), runs[p.loss].diverged_epoch) for p in panels]


def _names(losses: Sequence[str]) -> str:
    return wording.names([identity.short(n) for n in losses])


def takeaway(results: Sequence[Outcome]) -> str:
    """The home sentence: the winner and the loser by test accuracy, true for every input.

    Ties share the win or the loss ("CE and hinge tie at ..."); when every loss scores the
    same the sentence says the score does not tell them apart; a diverged run is named with
    its epoch (its last finite model is what is drawn and scored).
    """
    if not results:
        return "No loss was trained."
    best = max(r.accuracy for r in results)
    worst = min(r.accuracy for r in results)
    # A tie is what the reader sees: accuracies that print the same (to 0.1%) share a place,
    # so the sentence never says "X wins with 97.2%; Y loses with 97.2%".
    top = [r.loss for r in results if wording.same(r.accuracy, best, ".1%")]
    bottom = [r.loss for r in results if wording.same(r.accuracy, worst, ".1%")]
    if len(results) == 1:
        text = f"Only {_names(top)} was trained: {best:.1%} test accuracy."
    elif wording.same(best, worst, ".1%"):
        text = (
            f"Every loss reaches {best:.1%} test accuracy here: on this dataset the score does "
            "not separate them (compare the boundaries instead)."
        )
    else:
        win = (
            f"{_names(top)} wins" if len(top) == 1 else f"{_names(top)} tie for the win"
        ) + f" with {best:.1%} test accuracy"
        lose = (
            f"{_names(bottom)} loses" if len(bottom) == 1 else f"{_names(bottom)} tie for last"
        ) + f" with {worst:.1%}"
        text = (
            f"{win}; {lose}. Same data, model, initial weights and optimizer: only the loss "
            "differs."
        )
    for r in results:
        if r.diverged_epoch is not None:
            text += (
                f" {identity.short(r.loss)} diverged at epoch {r.diverged_epoch}; its last "
                "finite model is shown and scored."
            )
    return text


def show(name: str) -> comparison.Table:
    """Draw the four boundaries as the playback component (one panel per loss on one epoch
    clock, opening on the end of training); return the points table, made when its CSV
    button is clicked."""
    key = comparison.boundary_key(DataChoice(name), 0.0, MODEL, LOSSES)
    _, points = player.boundaries_player(key, MODEL.epochs, True, epoch_key=None)
    return points


def caption(name: str) -> str:
    """What the figure shows, under it."""
    return (
        f"{datasets.info(name).title}, {MODEL.describe}. Shading: predicted class, darker = "
        "more confident (hinge: score). Dots: training points, sized by how hard each pulls on "
        "the model (|∂L/∂z|); triangles: test points."
    )


def deep_link(name: str) -> Mapping[str, object]:
    """Query parameters that open this comparison on the Decision boundaries page (whose
    defaults are this model)."""
    return {
        "dataset": name,
        "layers": len(MODEL.hidden),
        "width": MODEL.hidden[0],
        "epochs": MODEL.epochs,
    }
