r"""What a training job may cost: the epoch limit, the work estimate and the one budget.

:func:`training_cost` estimates the work of training in multiply-adds; :func:`fit_cost` applies
it to the configs of one ``train.fit_many`` call. :data:`MAX_WORK` is the most work one view
of the app may start; every view checks its job against it (:func:`within_budget`) before
training, so a URL or a slider cannot start a runaway computation. :data:`MAX_EPOCHS` bounds
every training loop in ``core`` (``train``, which defines it and checks every config against
it, the loss landscape's gradient descent, the CE-for-regression fit).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from core.datasets import Dataset
from core.train import MAX_EPOCHS, TrainConfig, lockstep_groups

__all__ = [
    "MAX_EPOCHS",
    "MAX_WORK",
    "STEP_OVERHEAD",
    "fit_cost",
    "training_cost",
    "within_budget",
]

#: The most work (multiply-adds, :func:`training_cost`) one view may start: about 15x the
#: default views; the heaviest view it admits (digits, 10 seeds x 4 losses, 60 epochs) is one
#: of ``benchmarks/pages.py``'s heavy views, held to their target (<= 15 s).
MAX_WORK = 6e10

#: Fixed cost of one optimizer step (Python and NumPy call overhead), in multiply-add
#: equivalents: about 0.2 ms at a few GFLOP/s. It dominates for small mini-batches.
STEP_OVERHEAD = 1e6


def training_cost(
    n_train: int,
    sizes: Sequence[int],
    epochs: int,
    runs: int = 1,
    n_eval: int = 0,
    steps: int = 0,
) -> float:
    r"""Work to train ``runs`` models, in multiply-adds: an estimate to refuse runaway views.

    One epoch of full-data training costs about one forward and two backward matrix products
    per layer, :math:`3\,n \sum_l d_{l-1} d_l` multiply-adds for layer widths
    :math:`d_0, \dots, d_L`; evaluating ``n_eval`` more points each epoch (for the history)
    adds :math:`n_\text{eval} \sum_l d_{l-1} d_l`; each of the ``steps`` optimizer steps
    adds :data:`STEP_OVERHEAD`.

    Parameters
    ----------
    n_train
        Training points.
    sizes
        Layer widths ``(n_features, *hidden, n_outputs)``.
    epochs, runs
        Epochs per model and number of models.
    n_eval
        Points evaluated once per epoch besides the training step.
    steps
        Total optimizer steps (lockstep models share their steps).
    """
    counts = (n_train, epochs, runs, n_eval, steps)
    if len(sizes) < 2 or min(int(c) for c in counts) < 0:
        raise ValueError(
            f"need sizes of length >= 2 and non-negative counts, got sizes={sizes!r}, "
            f"n_train={n_train!r}, epochs={epochs!r}, runs={runs!r}, n_eval={n_eval!r}, "
            f"steps={steps!r}"
        )
    weights = sum(int(a) * int(b) for a, b in itertools.pairwise(sizes))
    return float(epochs) * runs * weights * (3 * n_train + n_eval) + STEP_OVERHEAD * steps


def fit_cost(ds: Dataset, cfgs: Sequence[TrainConfig]) -> float:
    """:func:`training_cost` of ``train.fit_many(ds, cfgs)``: every config's epochs on the
    training split plus the per-epoch evaluation of both splits, and the optimizer steps once
    per lockstep group (:func:`core.train.lockstep_groups`)."""
    n, n_eval = len(ds.y_train), len(ds.y_train) + len(ds.y_test)
    n_out = (
        ds.n_classes
        if ds.task == "classification"
        else (1 if len(ds.y_train.shape) == 1 else ds.y_train.shape[1])
    )
    work = 0.0
    for indices in lockstep_groups(cfgs):
        group = [cfgs[i] for i in indices]
        c = group[0]
        sizes = (ds.X_train.shape[1], *c.hidden, n_out)
        batch = n if c.batch_size is None else min(c.batch_size, n)
        steps = max(g.epochs for g in group) * math.ceil(n / batch)
        work += sum(training_cost(n, sizes, g.epochs, 1, n_eval=n_eval) for g in group)
        work += STEP_OVERHEAD * steps
    return work


def within_budget(work: float) -> bool:
    """Whether a job of ``work`` multiply-adds (:func:`training_cost`, :func:`fit_cost`) may
    start: at most :data:`MAX_WORK`."""
    return work <= MAX_WORK
