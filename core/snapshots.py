r"""Training snapshots: which epochs' models a view keeps, and the kept epoch nearest another.

A view that shows a run at an epoch of the student's choosing (the Decision boundaries page:
its epoch in the link, its panels, sentence and tables at that epoch) trains once and keeps
the models of the epochs :func:`schedule` names (``TrainConfig.snapshot_epochs``); the
browser trains the same run live and shows any epoch, and a paused epoch that is not kept is
shown at the :func:`nearest` one that is, on the server and in the browser alike.

:func:`schedule`
    Every epoch while that many models fit the view's budget, otherwise ``frames`` epochs
    spaced quadratically (:math:`e_j = \mathrm{round}(E\,(j/(N-1))^2)`), so consecutive kept
    epochs are one epoch apart at the start, where boundaries move most, and
    :math:`\approx 2E/N` apart at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["FRAMES", "MAX_FRAMES", "nearest", "schedule"]

#: The number of epochs kept when not every epoch is (a long or a large run).
FRAMES = 80
#: No schedule is longer than this.
MAX_FRAMES = 1001


def schedule(epochs: int, frames: int = FRAMES) -> tuple[int, ...]:
    r"""The epochs to keep, denser early.

    All of :math:`0..E` when :math:`E + 1 \le` ``frames``; otherwise the rounded
    :math:`E (j / (N-1))^2` for the smallest :math:`N \ge` ``frames`` that gives ``frames``
    distinct epochs. Always contains 0 and :math:`E`.

    Parameters
    ----------
    epochs
        Total epochs :math:`E`, ``>= 1``.
    frames
        How many epochs to keep, in ``2..MAX_FRAMES``.
    """
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
    if (
        not isinstance(frames, int | np.integer)
        or isinstance(frames, bool)
        or not 2 <= frames <= MAX_FRAMES
    ):
        raise ValueError(f"frames must be an integer in 2..{MAX_FRAMES}, got {frames!r}")
    epochs, frames = int(epochs), int(frames)
    if epochs + 1 <= frames:
        return tuple(range(epochs + 1))
    n = frames
    while True:
        u = np.linspace(0.0, 1.0, n)
        chosen = set(np.round(epochs * u * u).astype(int).tolist())
        if len(chosen) >= frames:
            return tuple(sorted(chosen))
        n += 1


def nearest(epochs: Sequence[int], epoch: int) -> int:
    """The epoch of ``epochs`` closest to ``epoch`` (the earlier one on a tie)."""
    if not len(epochs):
        raise ValueError("epochs must not be empty")
    e = np.asarray(epochs)
    return int(e[np.argmin(np.abs(e - int(epoch)))])
