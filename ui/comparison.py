"""One comparison key: everything that decides a training comparison, as one frozen value.

The Decision boundaries, Training curves and Outlier robustness views train the same kind of
thing — several losses, in lockstep, from the same start, on the same (possibly corrupted)
data — and cache it. :class:`Comparison` is that thing's identity: the data choice, the
corruption, the model and training settings, the losses and their hyperparameters. Cached
functions take one ``Comparison`` (plus what they add, e.g. an epoch), so no cache can be
handed results that were trained with other settings.

Usage::

    key = Comparison(data, model, ("cross_entropy", "mse"), params, Corruption("symmetric", 0.2))
    ds = key.load()                     # cached: the data with the corruption applied
    results = train.fit_many(ds, key.configs(dtype="float32"))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core import datasets, robustness, train
from ui.controls import DataChoice, LossParams, ModelChoice, params_for

#: Corruption kinds: none, label flips (classification), outliers (regression).
KINDS = ("none", *robustness.CLASSIFICATION_KINDS, *robustness.REGRESSION_KINDS)


@dataclass(frozen=True)
class Corruption:
    """What is done to the training split: ``kind`` at share ``rate`` (``magnitude`` for
    regression outliers, in standard units). ``rate = 0`` or ``kind = "none"``: clean data."""

    kind: str = "none"
    rate: float = 0.0
    magnitude: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}, got {self.kind!r}")

    @property
    def clean(self) -> bool:
        return self.kind == "none" or self.rate == 0


@dataclass(frozen=True)
class Comparison:
    """Data, corruption, model, losses and loss hyperparameters of one comparison (hashable).

    The corruption is drawn with the data's own seed, so one link always shows the same
    flipped labels or outliers.
    """

    data: DataChoice
    model: ModelChoice
    losses: tuple[str, ...]
    params: LossParams = ()
    corruption: Corruption = Corruption()

    @property
    def data_seed(self) -> int:
        return int(self.data.kwargs.get("seed", 0))

    @property
    def task(self) -> str:
        return datasets.info(self.data.name).task

    def load(self) -> datasets.Dataset:
        """The dataset with the corruption applied to its training split (cached)."""
        return corrupted(self.data, self.corruption)

    def configs(self, **overrides: Any) -> list[train.TrainConfig]:
        """One ``TrainConfig`` per loss with its hyperparameters, everything else shared."""
        return [self.model.config(n, params_for(self.params, n), **overrides) for n in self.losses]

    def replace(self, **changes: Any) -> Comparison:
        """A copy with some fields changed (e.g. another model seed for the next run)."""
        return dataclasses.replace(self, **changes)

    def with_seed(self, seed: int) -> Comparison:
        """The same comparison started from model seed ``seed``."""
        return self.replace(model=dataclasses.replace(self.model, seed=int(seed)))


@st.cache_data(max_entries=32, show_spinner=False)
def corrupted(data: DataChoice, corruption: Corruption) -> datasets.Dataset:
    """``data`` loaded, with ``corruption`` applied (seeded by the data seed)."""
    ds = data.load()
    if corruption.clean:
        return ds
    seed = int(data.kwargs.get("seed", 0))
    return robustness.corrupt(
        ds, corruption.kind, corruption.rate, magnitude=corruption.magnitude, seed=seed
    )
