"""One module per screen: what a page shows, built from ``core``'s numbers with the ``ui`` kit.

Each module serves one page of ``pages/`` (the home page: :mod:`views.home`): its tidy frames
(also offered as CSV), its Altair charts, its computed sentences (takeaways, captions, notes)
and its tables. A view imports ``core``, the kit (``ui``) and, for work it sends to worker
processes, ``serve``; never another view, so a screen can be read, changed or removed alone.
"""
