"""``present.identity``: one display name, short label and colour per loss, used everywhere."""

from __future__ import annotations

import pytest

from core import losses
from present import identity
from ui import controls

TASKS = identity.TASKS


@pytest.mark.parametrize("task", TASKS)
def test_every_registered_loss_has_its_own_colour_and_a_short_label(task):
    names = losses.names(task)
    colours = [identity.color(n) for n in names]
    assert identity.NEUTRAL not in colours, [n for n in names if n not in identity.COLORS]
    assert len(set(colours)) == len(colours), "two losses of one task share a colour"
    assert all(identity.short(n) != n or n in identity.SHORT for n in names)


@pytest.mark.parametrize("task", TASKS)
def test_classes_never_look_like_a_loss(task):
    loss_colours = {identity.color(n).lower() for n in losses.names(task)}
    assert not loss_colours & {c.lower() for c in identity.CLASS_COLORS}
    assert identity.NEUTRAL.lower() not in loss_colours


def test_controls_labels_come_from_identity():
    # one place: controls' helpers delegate, so a label changed in identity changes everywhere
    assert controls.SHORT_LABELS is identity.SHORT
    for name in losses.names("classification"):
        assert controls.short_label(name) == identity.short(name)
        assert controls.loss_title(name) == identity.title(name)
    assert controls.loss_title("no_such_loss") == "no_such_loss"


def test_scale_maps_titles_to_colours_in_order():
    scale = identity.scale(["hinge", "cross_entropy"]).to_dict()
    assert scale["domain"] == [identity.title("hinge"), identity.title("cross_entropy")]
    assert scale["range"] == [identity.color("hinge"), identity.color("cross_entropy")]
