"""Every page declares its controls once: ``views.<view>.DEFAULTS`` and ``PRESETS``.

- The declared defaults are the widgets' defaults: in the page's default view every widget
  whose key is declared shows its declared value.
- Every preset names only declared controls, and each of its keys names a widget the page
  draws after the click, showing the preset's value (a value the widget cannot take would be
  refused or replaced: the value must be legal).
- The link after the click is the view: a fresh session opened on it draws every control the
  preset set with the preset's value (so every preset key is bound to the link).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from ui import frame, screens

SCREENS = [s for s in screens.SCREENS.values() if (screens.ROOT / s.path).exists()]


def view(screen: screens.Screen) -> Any:
    return importlib.import_module(f"views.{screen.view}")


PRESETS = [
    (s, i, label) for s in SCREENS for i, label in enumerate(getattr(view(s), "PRESETS", {}))
]


def widgets(at) -> dict[str, Any]:
    """``{key: value}`` of every keyed widget drawn in the main area and the sidebar (a
    container with a key, such as bound tabs, reads its value from the session)."""

    def walk(node) -> Iterator[tuple[str, Any]]:
        children = getattr(node, "children", None)
        key = getattr(node, "key", None)
        if children is not None:
            if key and key in at.session_state:
                yield key, at.session_state[key]
            for i in sorted(children):
                yield from walk(children[i])
        elif key is not None and hasattr(node, "value"):
            yield key, node.value

    return dict(pair for block in (at.main, at.sidebar) for pair in walk(block))


def same(shown: Any, declared: Any) -> bool:
    if isinstance(declared, list | tuple):
        return list(shown) == list(declared)
    return shown == declared


def notices(at) -> list[str]:
    return [w.value for w in at.warning] + [e.value for e in at.error]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.key for s in SCREENS])
def test_the_declared_defaults_are_the_widgets_defaults(app, screen):
    declared = view(screen).DEFAULTS
    at = app(screen.path)
    # None: a default the widget works out from the other controls
    shown = {k: v for k, v in widgets(at).items() if declared.get(k) is not None}
    assert shown, "the page draws declared controls"
    wrong = {k: (v, declared[k]) for k, v in shown.items() if not same(v, declared[k])}
    assert not wrong, f"shown vs declared: {wrong}"
    for label, preset in getattr(view(screen), "PRESETS", {}).items():
        unknown = set(preset) - set(declared) - {frame.FIGURE}
        assert not unknown, f"{label}: keys the page does not declare: {unknown}"


WITH_PRESETS = [s for s in SCREENS if getattr(view(s), "PRESETS", None)]


@pytest.mark.parametrize("screen", WITH_PRESETS, ids=[s.key for s in WITH_PRESETS])
def test_every_preset_sets_bound_widgets_to_legal_values(app, screen):
    """The presets clicked in order in one session, as a lecturer does (each after the one
    before, so the reset of what it does not name is tested for real)."""
    module = view(screen)
    at = app(screen.path)
    wrong: list[str] = []
    for index, (label, values) in enumerate(module.PRESETS.items()):
        preset = {k: v for k, v in values.items() if k != frame.FIGURE}
        assert at.button(key=f"preset_{index}").label == label
        at.button(key=f"preset_{index}").click().run()
        assert not at.exception, [e.value for e in at.exception]
        wrong += [f"{label}: notice {n}" for n in notices(at)]
        shown = widgets(at)
        missing = set(preset) - set(shown)
        wrong += [f"{label}: no widget for {k}" for k in sorted(missing)]
        wrong += [
            f"{label}: {k} shows {shown[k]!r}, the preset says {v!r}"
            for k, v in preset.items()
            if k in shown and not same(shown[k], v)
        ]
        # every other declared control on the page is back at its default
        wrong += [
            f"{label}: {k} = {v!r} not reset to {module.DEFAULTS[k]!r}"
            for k, v in shown.items()
            if module.DEFAULTS.get(k) is not None
            and k not in preset
            and not same(v, module.DEFAULTS[k])
        ]
        # the link reproduces the view: a fresh session on it shows the preset's values
        link = dict(at.query_params)
        again = app(screen.path, link)
        wrong += [f"{label}: the link {link} gives the notice {n}" for n in notices(again)]
        reopened = widgets(again)
        wrong += [
            f"{label}: the link {link} opens {k} = {reopened.get(k)!r}, not {v!r}"
            for k, v in preset.items()
            if not same(reopened.get(k), v)
        ]
    assert not wrong, "\n".join(wrong)
