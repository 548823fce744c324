r"""What a view may compute: the work model, the one budget, and the settings that fit it.

A view's computation is counted in :class:`Work`, the things that cost server time and memory:

* ``macs``: multiply-adds of the matrix products (training, evaluating snapshots and grids);
* ``activations``: unit values computed (each hidden unit's and output's value on each point
  and its gradient: activation functions, elementwise);
* ``samples``, ``class_samples``: per-sample loss values and gradients computed, for a
  regression (one per point and output) and for a classification (one per point and class:
  a softmax or a margin over every class);
* ``jobs``: training jobs started (one ``train.fit_many`` call with its data: a seed, a
  sweep's cell);
* ``updates``: parameter entries written per optimizer step and epoch (the optimizer's
  elementwise update, the copy of the parameters kept each epoch, the gradient norm);
* ``steps``, ``model_steps``: Python-level overhead of each mini-batch step, of a lockstep
  group and of each model in it (an epoch's overhead is in the terms above: measured, it is
  proportional to them);
* ``moved``: bytes copied into new arrays or pickled between processes (snapshots taken,
  runs sent to and from the worker processes);
* ``views``: one per view (widgets, tables, charts, the page itself);
* ``kept``: bytes the view keeps in the caches (snapshots, frames);
* ``transient``: bytes of the largest working arrays alive at once (activations of every
  stacked model on every point; a chunk of evaluated snapshots).

:meth:`Work.seconds` and :meth:`Work.peak` turn these into estimated server CPU seconds and
peak memory with coefficients measured by ``benchmarks/budget.py`` (every view of a grid of
links, estimate against measurement, on the development machine when quiet; the table and
the fit are in ``benchmarks/README.md``). :func:`within_budget` admits a view whose estimate
is at most :data:`MAX_SECONDS` and :data:`MAX_PEAK`, so a link or a slider cannot start a
runaway computation; :func:`fitting` finds, for each setting a user can lower, the largest
value that would fit ("width 256 → 64, or epochs 888 → 200"), each checked with the same
estimate.

:func:`fit_cost` is the work of one ``train.fit_many`` call, counted per lockstep group as
:func:`core.train.lockstep_groups` forms them; :func:`evaluation_cost` that of evaluating
kept snapshots on points (the player's frames, a boundary grid). :data:`MAX_EPOCHS` bounds
every training loop in ``core``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.datasets import Dataset
from core.train import MAX_EPOCHS, TrainConfig, lockstep_groups

__all__ = [
    "MAX_EPOCHS",
    "MAX_PEAK",
    "MAX_SECONDS",
    "DataShape",
    "Knob",
    "Work",
    "evaluation_cost",
    "fit_cost",
    "fitting",
    "within_budget",
]

#: The most server CPU seconds (estimated, :meth:`Work.seconds`) one view may start.
MAX_SECONDS = 8.0
#: The most memory (estimated peak bytes, :meth:`Work.peak`) one view may take.
MAX_PEAK = 300 * 2**20

#: Seconds per unit of each :class:`Work` term (``benchmarks/budget.py``).
SECONDS_PER: dict[str, float] = {
    "macs": 1.9e-11,
    "activations": 3.0e-9,
    "samples": 9.7e-9,
    "class_samples": 6.8e-8,
    "jobs": 0.052,
    "updates": 7.2e-9,
    "steps": 5.6e-5,
    "model_steps": 7.2e-5,
    "moved": 6.0e-9,
    "views": 0.82,
}
#: Peak bytes per view (the page's own tables, charts and messages), per byte kept and per
#: transient byte (``benchmarks/budget.py``).
PEAK_PER_VIEW = 64 * 2**20
PEAK_PER_KEPT = 3.0
PEAK_PER_TRANSIENT = 1.0

#: Snapshots evaluated in one stacked product (``core.snapshots.CHUNK``: it bounds the
#: working arrays of an evaluation).
EVALUATION_CHUNK = 16


@dataclass(frozen=True)
class Work:
    """What a view computes and keeps, in the terms of the work model (module text).

    Works add up (``a + b``) and repeat (``k * w``: ``k`` times the same job).
    """

    macs: float = 0.0
    activations: float = 0.0
    samples: float = 0.0
    class_samples: float = 0.0
    jobs: float = 0.0
    updates: float = 0.0
    steps: float = 0.0
    model_steps: float = 0.0
    moved: float = 0.0
    views: float = 0.0
    kept: float = 0.0
    transient: float = 0.0

    def __add__(self, other: Work) -> Work:
        kw = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in _FIELDS}
        # working arrays of jobs run one after another are not alive at once
        kw["transient"] = max(self.transient, other.transient)
        return Work(**kw)

    def __rmul__(self, k: float) -> Work:
        kw = {f.name: k * getattr(self, f.name) for f in _FIELDS}
        kw["transient"] = self.transient if k > 0 else 0.0
        return Work(**kw)

    @property
    def seconds(self) -> float:
        r"""Estimated server CPU seconds: :math:`\sum_t c_t\, w_t` over the terms with a
        coefficient in :data:`SECONDS_PER`."""
        return float(sum(c * getattr(self, t) for t, c in SECONDS_PER.items()))

    @property
    def peak(self) -> float:
        r"""Estimated peak bytes:
        :math:`c\,\text{views} + a\,\text{kept} + b\,\text{transient}`
        (:data:`PEAK_PER_VIEW`, :data:`PEAK_PER_KEPT`, :data:`PEAK_PER_TRANSIENT`): a kept run
        exists in the worker that made it, in its pickled form and in the server."""
        return (
            PEAK_PER_VIEW * self.views
            + PEAK_PER_KEPT * self.kept
            + PEAK_PER_TRANSIENT * self.transient
        )


_FIELDS = dataclasses.fields(Work)


@dataclass(frozen=True)
class DataShape:
    """The sizes of a dataset that decide what training and evaluating on it cost."""

    n_train: int
    n_test: int
    n_features: int
    n_outputs: int
    task: str = "classification"

    @classmethod
    def of(cls, ds: Dataset) -> DataShape:
        """The shape of ``ds``: K logits for K classes, one output per regression target."""
        if ds.task == "classification":
            n_out = ds.n_classes
        else:
            n_out = 1 if np.ndim(ds.y_train) == 1 else np.shape(ds.y_train)[1]
        n_features = int(ds.X_train.shape[1])
        return cls(len(ds.y_train), len(ds.y_test), n_features, int(n_out), ds.task)

    def resized(self, n_samples: int) -> DataShape:
        """The same split of ``n_samples`` points (the test share kept)."""
        total = self.n_train + self.n_test
        n_test = min(n_samples - 1, max(1, math.ceil(n_samples * self.n_test / total)))
        return dataclasses.replace(self, n_train=n_samples - n_test, n_test=n_test)

    def sizes(self, hidden: Sequence[int]) -> tuple[int, ...]:
        """Layer widths ``(n_features, *hidden, n_outputs)``."""
        return (self.n_features, *hidden, self.n_outputs)


def _weights(sizes: Sequence[int]) -> int:
    return sum(int(a) * int(b) for a, b in itertools.pairwise(sizes))


def _parameters(sizes: Sequence[int]) -> int:
    return sum((int(a) + 1) * int(b) for a, b in itertools.pairwise(sizes))


def fit_cost(data: Dataset | DataShape, cfgs: Sequence[TrainConfig]) -> Work:
    r"""The :class:`Work` of ``train.fit_many(data, cfgs)``, lockstep group by group
    (:func:`core.train.lockstep_groups`).

    Per model and epoch, with :math:`W = \sum_l d_{l-1} d_l` weights, :math:`U = \sum_{l \ge 1}
    d_l` units and :math:`P` parameters: the evaluation pass on the training split with its
    gradient (:math:`3 n W` multiply-adds, :math:`3 n U` unit values), on the test split
    (:math:`n_\text{test} W`, :math:`n_\text{test} U`), and with mini-batches of size :math:`b`
    another :math:`3 n W` and :math:`3 n U` over :math:`\lceil n / b \rceil` steps; the loss
    and its gradient on every point of both splits (and of the batches), per output;
    :math:`P` entries written per step plus two per epoch; one job. Every snapshot copies :math:`P`
    parameters, kept afterwards. Working arrays: the activations and their gradients of every
    stacked model on every point.
    """
    shape = data if isinstance(data, DataShape) else DataShape.of(data)
    n, n_test = shape.n_train, shape.n_test
    work = Work()
    for indices in lockstep_groups(cfgs):
        group = [cfgs[i] for i in indices]
        c = group[0]
        sizes = shape.sizes(c.hidden)
        W, P = _weights(sizes), _parameters(sizes)
        itemsize = np.dtype(c.dtype).itemsize
        mini = c.batch_size is not None and c.batch_size < n
        per_epoch = math.ceil(n / c.batch_size) if mini else 0
        model_epochs = sum(g.epochs for g in group)
        snapshots = sum(len(g.snapshot_epochs) for g in group)
        units = sum(sizes[1:])
        passes = (6 if mini else 3) * n + n_test
        scored = model_epochs * ((2 if mini else 1) * n + n_test) * shape.n_outputs
        classify = shape.task == "classification"
        work += Work(
            macs=model_epochs * W * passes,
            activations=model_epochs * units * passes,
            samples=0 if classify else scored,
            class_samples=scored if classify else 0,
            updates=model_epochs * P * ((per_epoch or 1) + 2),
            steps=max(g.epochs for g in group) * per_epoch,
            model_steps=model_epochs * per_epoch,
            moved=snapshots * P * itemsize,
            kept=snapshots * P * itemsize,
            transient=3 * len(group) * (n + n_test) * units * itemsize,
        )
    return work + Work(jobs=1)


def evaluation_cost(
    sizes: Sequence[int],
    points: int,
    snapshots: int,
    models: int = 1,
    itemsize: int = 4,
    scored: int = 0,
) -> Work:
    """The :class:`Work` of evaluating ``snapshots`` kept models of each of ``models``
    classifiers on ``points`` points (a forward pass each), the loss scored on ``scored`` of
    them, the snapshots sent to a worker process and the results kept (a byte per point and
    frame, and the scored points' gradients in float64). Working arrays: the activations of a
    chunk of snapshots, or the loss's arrays over every snapshot's scored points (float64,
    about eight of them), whichever is larger."""
    W, P = _weights(sizes), _parameters(sizes)
    chunk = min(snapshots, EVALUATION_CHUNK)
    k = sizes[-1]
    return Work(
        macs=models * snapshots * points * W,
        activations=models * snapshots * points * sum(sizes[1:]),
        class_samples=models * snapshots * scored * k,
        moved=models * snapshots * P * itemsize,
        kept=models * snapshots * (points + 9 * scored),
        transient=max(
            2 * chunk * points * sum(sizes[1:]) * itemsize, 8 * snapshots * scored * k * 8
        ),
    )


def within_budget(work: Work) -> bool:
    """Whether a view of ``work`` may start: at most :data:`MAX_SECONDS` (estimated CPU) and
    :data:`MAX_PEAK` (estimated memory)."""
    return work.seconds <= MAX_SECONDS and work.peak <= MAX_PEAK


# --------------------------------------------------------------------------- what would fit


@dataclass(frozen=True)
class Knob:
    """A setting a user can change to make a view cheaper: its name in ``settings``, what the
    page calls it, and the values it may take, from the current one towards the cheapest
    (each costing no more than the one before)."""

    name: str
    label: str
    values: Sequence[Any]


def _first_fitting(
    estimate: Callable[[Mapping[str, Any]], Work],
    settings: Mapping[str, Any],
    knob: Knob,
) -> Any | None:
    """The first of ``knob.values`` (the closest to the current value) whose view fits,
    found by bisection (the values cost less and less); ``None`` if none does."""

    def fits(i: int) -> bool:
        return within_budget(estimate({**settings, knob.name: knob.values[i]}))

    lo, hi = 0, len(knob.values) - 1
    if hi < 0 or not fits(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return knob.values[lo]


def fitting(
    estimate: Callable[[Mapping[str, Any]], Work],
    settings: Mapping[str, Any],
    knobs: Iterable[Knob],
) -> list[dict[str, Any]]:
    """Changes of ``settings`` that bring ``estimate(settings)`` within the budget.

    One change per knob that fits alone (``{name: largest fitting value}``, in the order of
    ``knobs``); if none does, one change of several knobs: each in turn set to its first
    fitting value or, if it cannot fit alone, to its cheapest, until the view fits. Every
    change returned fits (it is checked with ``estimate``); an empty list means nothing the
    knobs offer fits.
    """
    knobs = [k for k in knobs if len(k.values)]
    alone = []
    for knob in knobs:
        value = _first_fitting(estimate, settings, knob)
        if value is not None:
            alone.append({knob.name: value})
    if alone:
        return alone
    change: dict[str, Any] = {}
    for knob in knobs:
        value = _first_fitting(estimate, {**settings, **change}, knob)
        change[knob.name] = value if value is not None else knob.values[-1]
        if value is not None:
            return [change]
    return []
