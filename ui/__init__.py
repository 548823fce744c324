"""The Streamlit kit every page and view uses; no screen's own content lives here.

- :mod:`ui.screens`: the one list of pages (data only).
- :mod:`ui.frame`: the page frame (config, header, navigation, presets, presenter mode,
  link notices, friendly errors, tables and CSV buttons).
- :mod:`ui.controls`: URL-bound widgets (numbers, pickers, the dataset, model and loss
  controls) and the work budget a view checks before it trains.
- :mod:`ui.comparison`: the comparison pages' cached work (data, runs, decision-boundary
  panels and their tables), keyed on a :class:`core.experiment.Comparison`.
- :mod:`ui.charts`: the one chart pipeline (build, style, cache and draw an Altair spec).
- :mod:`ui.player` (and ``ui/player/``): in-browser playback, a custom component.
- :mod:`ui.upload`, :mod:`ui.reproduce`, :mod:`ui.export`: a user's CSV, "Reproduce this
  view", SVG/PNG export.

The kit imports ``core`` and ``serve``, never ``views``.
"""
