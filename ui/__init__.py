"""The Streamlit kit: the widgets, caches and drawing every page and view uses.

What a screen says and draws without Streamlit (sentences, names and colours of losses,
escaping, link values, lecture paths, chart specs, pictures, the players' data, reproduction
scripts) is :mod:`present`, below the kit; no screen's own content lives in either.

- :mod:`ui.screens`: the one list of pages (data only).
- :mod:`ui.frame`: the page frame (config, header, navigation, presets, presenter mode,
  link notices, friendly errors, tables and CSV buttons).
- :mod:`ui.controls`: URL-bound widgets (numbers, pickers, the dataset, model and loss
  controls) and the work budget a view checks before it trains.
- :mod:`ui.comparison`: the comparison pages' cached work (data, runs, decision-boundary
  panels and their tables), keyed on a :class:`core.experiment.Comparison`.
- :mod:`ui.charts`: the one chart pipeline (cache a builder's spec, draw it).
- :mod:`ui.evidence`: seed evidence on screen (the strip chart, "Check across seeds").
- :mod:`ui.lecture`: a lecture path on every page (its bar, keys, QR codes and marks).
- :mod:`ui.formula_box`: "Your loss", the formula box.
- :mod:`ui.player` (and ``ui/player/``): in-browser playback, a custom component.
- :mod:`ui.upload`, :mod:`ui.reproduce`, :mod:`ui.export`: a user's CSV, "Reproduce this
  view", SVG/PNG export.

The kit imports ``present``, ``core`` and ``serve``, never ``views``.
"""
