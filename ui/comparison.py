"""The comparison pages' cached work: one :class:`core.experiment.Comparison` in, data out.

A comparison (:mod:`core.experiment`) is a frozen, hashable key, so the caches here key on it
and no cache can be handed results that were trained with other settings.

Usage::

    key = Comparison(data, model, ("cross_entropy", "mse"), params, Corruption("symmetric", 0.2))
    ds = comparison.load(key)           # cached: the data with the corruption applied
    results = train.fit_many(ds, key.configs(dtype="float32"))
"""

from __future__ import annotations

import streamlit as st

from core import datasets
from core.experiment import Comparison, Corruption, DataChoice, corrupt


@st.cache_data(max_entries=32, show_spinner=False)
def corrupted(data: DataChoice, corruption: Corruption) -> datasets.Dataset:
    """``data`` loaded, with ``corruption`` applied (:func:`core.experiment.corrupt`), cached."""
    return corrupt(data, corruption)


def load(key: Comparison) -> datasets.Dataset:
    """``key.load()``, cached: the dataset with the corruption applied to its training split."""
    return corrupted(key.data, key.corruption)
