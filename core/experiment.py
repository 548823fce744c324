"""What a training comparison trains, as frozen values: data, corruption, edits, model, losses.

The comparison pages train the same kind of thing — several losses, in lockstep, from the same
start, on the same (possibly corrupted) data. :class:`Comparison` is that thing's identity:
the data choice (:class:`DataChoice`), the corruption (:class:`Corruption`), the model and
training settings (:class:`ModelChoice`), the losses and their hyperparameters. Every field is
hashable, so a cache keyed on one ``Comparison`` can never hand out results trained with other
settings. The corruption is drawn with the data's own seed, so one comparison always has the
same flipped labels or outliers.

Usage::

    key = Comparison(DataChoice("moons"), ModelChoice(epochs=100), ("cross_entropy", "mse"),
                     corruption=Corruption("symmetric", 0.2))
    ds = key.load()                                   # the data, corruption applied
    results = train.fit_many(ds, key.configs(dtype="float32"))
    work = key.cost()                                 # core.cost.fit_cost of those configs
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from core import cost, datasets, edits, robustness, train
from core.edits import Edits
from core.losses import LossParams

__all__ = [
    "KINDS",
    "OPTIMIZER_TITLES",
    "Comparison",
    "Corruption",
    "DataChoice",
    "ModelChoice",
    "corrupt",
    "params_for",
]

#: Corruption kinds: none, label flips (classification), outliers (regression).
KINDS = ("none", *robustness.CLASSIFICATION_KINDS, *robustness.REGRESSION_KINDS)
#: How a model's description names each optimizer.
OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}


@dataclass(frozen=True)
class DataChoice:
    """A dataset and its parameters, hashable (``params`` is a sorted tuple of pairs)."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def load(self) -> datasets.Dataset:
        """``datasets.load(name, **params)``."""
        return datasets.load(self.name, **self.kwargs)


@dataclass(frozen=True)
class ModelChoice(train.Training):
    """Model and training settings shared by every loss of a comparison (``train.Training``
    with one hidden layer by default)."""

    hidden: tuple[int, ...] = (32,)

    def config(
        self,
        loss: str,
        loss_params: Mapping[str, float] | None = None,
        **overrides: Any,
    ) -> train.TrainConfig:
        """The ``train.TrainConfig`` for ``loss`` with these settings (``overrides`` win)."""
        settings = {f.name: getattr(self, f.name) for f in fields(self)}
        loss_kw = {"loss": loss, "loss_params": dict(loss_params or {})}
        return train.TrainConfig(**{**settings, **loss_kw, **overrides})

    @property
    def describe(self) -> str:
        """Short description for captions, e.g. ``MLP 2-32-3 tanh, Adam lr 0.01``."""
        arch = "linear model" if not self.hidden else "MLP " + "x".join(map(str, self.hidden))
        act = f" {self.activation}" if self.hidden else ""
        batch = "full batch" if self.batch_size is None else f"batch {self.batch_size}"
        return (
            f"{arch}{act}, {OPTIMIZER_TITLES.get(self.optimizer, self.optimizer)} "
            f"lr {self.lr:g}, {self.epochs} epochs, {batch}, L2 {self.l2:g}, seed {self.seed}"
        )


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


def params_for(params: LossParams, loss: str) -> dict[str, float]:
    """The hyperparameters chosen for ``loss`` (empty: the registry defaults)."""
    return dict(dict(params).get(loss, ()))


def corrupt(data: DataChoice, corruption: Corruption) -> datasets.Dataset:
    """``data`` loaded, with ``corruption`` applied (seeded by the data seed)."""
    ds = data.load()
    if corruption.clean:
        return ds
    seed = int(data.kwargs.get("seed", 0))
    return robustness.corrupt(
        ds, corruption.kind, corruption.rate, magnitude=corruption.magnitude, seed=seed
    )


@dataclass(frozen=True)
class Comparison:
    """Data, corruption, model, losses and loss hyperparameters of one comparison (hashable).

    ``data`` is a :class:`DataChoice` or anything with its ``name``, ``params``, ``kwargs`` and
    ``load()`` (an uploaded CSV's choice, which also carries its ``task``).
    """

    data: DataChoice
    model: ModelChoice
    losses: tuple[str, ...]
    params: LossParams = ()
    corruption: Corruption = Corruption()
    #: a student's edits of the training points (:mod:`core.edits`), applied after the
    #: corruption (so they never change which points the corruption drew)
    edits: Edits = field(default_factory=Edits)

    @property
    def data_seed(self) -> int:
        return int(self.data.kwargs.get("seed", 0))

    @property
    def task(self) -> str:
        # an uploaded CSV's choice carries its task; built-in data: the registry's
        return getattr(self.data, "task", None) or datasets.info(self.data.name).task

    def load(self) -> datasets.Dataset:
        """The dataset with the corruption (:func:`corrupt`), then the edits
        (:func:`core.edits.apply`), applied to its training split."""
        return edits.apply(corrupt(self.data, self.corruption), self.edits)

    def configs(self, **overrides: Any) -> list[train.TrainConfig]:
        """One ``TrainConfig`` per loss with its hyperparameters, everything else shared."""
        return [self.model.config(n, params_for(self.params, n), **overrides) for n in self.losses]

    def cost(self, **overrides: Any) -> cost.Work:
        """The work of training :meth:`configs` (``overrides`` as there) on :meth:`load`'s
        data: :func:`core.cost.fit_cost`."""
        return cost.fit_cost(self.load(), self.configs(**overrides))

    def replace(self, **changes: Any) -> Comparison:
        """A copy with some fields changed (e.g. another model seed for the next run)."""
        return dataclasses.replace(self, **changes)

    def with_seed(self, seed: int) -> Comparison:
        """The same comparison started from model seed ``seed``."""
        return self.replace(model=dataclasses.replace(self.model, seed=int(seed)))
