"""Kept epochs: the schedule and the nearest kept epoch."""

from __future__ import annotations

import numpy as np
import pytest

from core import snapshots as S

# ----------------------------------------------------------------------------- schedule


@pytest.mark.parametrize("epochs", [1, 5, 79])
def test_short_training_keeps_every_epoch(epochs):
    assert S.schedule(epochs) == tuple(range(epochs + 1))


@pytest.mark.parametrize("frames", [S.FRAMES, 200])
@pytest.mark.parametrize("epochs", [80, 100, 150, 300, 1000, 5000, 100_000])
def test_long_training_keeps_about_frames_epochs_denser_early(epochs, frames):
    s = S.schedule(epochs, frames)
    if epochs + 1 <= frames:
        assert s == tuple(range(epochs + 1))
        return
    assert frames <= len(s) <= frames + 10
    assert s[0] == 0 and s[-1] == epochs
    assert list(s) == sorted(set(s))
    gaps = np.diff(s)
    # denser early: the first gaps are the smallest, the last ones the largest
    assert gaps[:10].max() <= gaps[-10:].min()


def test_schedule_of_the_default_boundary_view():
    s = S.schedule(150)
    assert s[:18] == tuple(range(18))  # one epoch apart at the start
    assert 150 in s
    assert S.schedule(150, 151) == tuple(range(151))  # every epoch, when the view keeps them


@pytest.mark.parametrize(
    ("args", "match"),
    [
        pytest.param((0,), "epochs", id="zero-epochs"),
        pytest.param((True,), "epochs", id="bool"),
        pytest.param((2.5,), "epochs", id="float"),
        pytest.param((100, 1), "frames", id="one-frame"),
        pytest.param((100, S.MAX_FRAMES + 1), "frames", id="too-many-frames"),
        pytest.param((100, True), "frames", id="bool-frames"),
    ],
)
def test_schedule_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        S.schedule(*args)


def test_nearest():
    assert S.nearest((0, 5, 10), 7) == 5
    assert S.nearest((0, 5, 10), 8) == 10
    assert S.nearest((0, 5, 10), 500) == 10
    with pytest.raises(ValueError, match="empty"):
        S.nearest((), 3)
