"""Serving a classroom from one Streamlit process: fair turns, worker processes, warm-up.

- :mod:`serve.jobs`: one first-come-first-served queue of page views shared by every
  session, with its place in line shown to each waiting student.
- :mod:`serve.workers` (and :mod:`serve.worker_boot`, what its fork server imports): worker
  processes that run ``core``'s heavy functions, so one app process uses more than one core.
- :mod:`serve.warmup`: renders every default view and lecture preset in the background when a
  server starts, so the room's first clicks are cache hits.
- :mod:`serve.session`: a websocket client that speaks Streamlit's browser protocol (the
  warm-up's, the load benchmark's and the replicas' health check's).

This package imports nothing from ``ui`` or ``views``: what to warm is passed in by the caller
(``ui.frame``), so ``deploy/`` and ``benchmarks/`` can use it without the app's pages.
"""
