"""The "Reproduce this view" expander: the scripts of :mod:`present.reproduce`, shown as code.

A page passes what it trained (:func:`for_comparison`); the expander shows the ``core`` snippet
and the PyTorch loop with ``st.code`` (plain text: what came from the user is in string
literals there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from core import train
from present.reproduce import core_snippet, torch_snippet


def expander(data: Any, ds: Any, configs: Sequence[train.TrainConfig], **view: Any) -> None:
    """The "Reproduce this view" expander: the ``core`` snippet and the PyTorch loop.

    ``view`` is passed to both snippets (``flip``, ``corruption``, ``n_seeds``, ``table``,
    ``epoch``, ``changes``); ``ds`` (the loaded data) gives the task.
    """
    view = {"task": getattr(ds, "task", None), **view}
    dtype = configs[0].dtype if configs else "float64"
    with st.expander("Reproduce this view", icon=":material/code:"):
        st.caption(
            "Runs in a checkout of this app's repository (the `core` package) and prints the "
            "table above, loss by loss."
        )
        st.code(core_snippet(data, configs, **view), language="python")
        st.caption(
            "The same training in PyTorch, printing the same table: core's initial weights "
            "and mini-batch order, each loss's PyTorch code from its card (core's subgradients), "
            f"{dtype} as on this page. In float64 it gives the table's numbers; in float32 "
            "summation order differs between libraries, and a run that is sensitive to "
            "rounding (hinge's especially) can end a few test points away."
        )
        st.code(torch_snippet(data, configs, **view), language="python")


def for_comparison(
    key: Any,
    ds: Any,
    configs: Sequence[train.TrainConfig],
    *,
    n_seeds: int = 1,
    table: str | None = None,
    epoch: int | None = None,
) -> None:
    """:func:`expander` for a page's comparison key (``data``, ``corruption``, ``data_seed``):
    the corruption, if any, is drawn with the data seed, as the pages draw it."""
    c = key.corruption
    corruption = None
    if not c.clean:
        corruption = {
            "kind": c.kind,
            "rate": float(c.rate),
            "magnitude": float(c.magnitude),
            "seed": int(key.data_seed),
        }
    view: dict[str, Any] = {"corruption": corruption, "n_seeds": n_seeds, "table": table}
    changes = getattr(getattr(key, "edits", None), "text", "")
    if changes:
        view["changes"] = changes
    if epoch is not None and epoch != max(cfg.epochs for cfg in configs):
        view["epoch"] = int(epoch)
    expander(key.data, ds, configs, **view)
