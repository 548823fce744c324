"""What the screens say and draw, without Streamlit: the pure layer below the kit.

A module belongs here when it decides what a page shows and imports no Streamlit: sentences
and their rules, seed evidence's sentences, the names and colours of losses, escaping of
untrusted text, link values, lecture paths, chart specs, the server-drawn pictures and the
players' data, the reproduction scripts. It imports ``core`` and plain libraries (NumPy,
pandas, Altair, Pillow) only, never ``streamlit``, ``ui``, ``views`` or ``serve``; the kit
(``ui``), the views and the pages import it. A function that needs Streamlit (a widget, the
session, the URL, ``st.cache_data``) stays in the kit and calls the pure one here.

- :mod:`present.wording`: the rules every computed sentence follows.
- :mod:`present.identity`: one display name, short label and colour per loss; class colours.
- :mod:`present.untrusted`: text from links, files and exceptions shown literally.
- :mod:`present.state`: URL state as values (presenter mode, which link values a page
  refused, and the sentence that says so).
- :mod:`present.charts`: chart specs: the builders, their style and sizes, the presenter
  layout and a lecture stop's marks (the kit caches and draws them: :mod:`ui.charts`).
- :mod:`present.evidence`: seed evidence: the committed table of every seed's outcome, its
  lookup, "in k of n seeds" sentences and the strip chart's spec.
- :mod:`present.payloads`: the players' data (JSON records of the data as loaded and the
  configs, the descent and (w, b) maps players' frames).
- :mod:`present.pictures`: what the players draw, drawn on the server with Pillow (the
  fallback panels, the figure PNG, the maps) and the one shading every renderer uses.
- :mod:`present.reproduce`: "Reproduce this view": the ``core`` and PyTorch scripts that print
  a comparison page's table.
- :mod:`present.paths`, :mod:`present.default_path`: lecture paths as values (the one-link
  encoding) and the built-in lecture.
"""
