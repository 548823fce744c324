r"""Every loss of Loss Lab: per-sample values and exact gradients w.r.t. the raw model output.

Call a loss through the registry, which checks inputs and hyperparameters::

    loss = losses.get("cross_entropy", task="classification")
    values, grad = loss(y_true, logits, label_smoothing=0.1)

Layout: :mod:`~core.losses.registry` (the :class:`Loss` record, :func:`register`, :func:`get`,
:func:`names`), :mod:`~core.losses.checks` (input checks), the losses by task in
:mod:`~core.losses.classification` (logits ``(n, K)``) and :mod:`~core.losses.regression`
(predictions ``(n,)`` or ``(n, d)``), each function named by its registered name
(``classification.mse``, ``regression.huber``) and followed by its ``register`` call: the
loss's card, with every fact about it (formula, gradient, reference, property flags, display
name, short label, colour, output kind, PyTorch/Keras/scikit-learn equivalents, its PyTorch
per-sample loss as code, its test grid and hand values).

``values[i]`` is the loss of sample ``i`` (no reduction); ``grad[i]`` is
:math:`\partial\, \mathrm{values}_i / \partial\, \mathrm{raw}_i`. The functions assume checked,
float inputs; ``Loss.__call__`` is the checked entry point. Training code may check once and
then call ``Loss.evaluate`` (unchecked, defaults filled in, ``(n, d)`` averaged over ``d``) or
the bare ``Loss.fn`` (unchecked, all hyperparameters required). Both keep float32 in float32.

Accuracy: values and gradients agree with PyTorch autograd and with 50-digit mpmath to 1e-10
relative (``tests/core/losses/``); logits up to ±1e4 and residuals up to ±1e6 give finite
results without a floating-point warning.
"""

from core.losses import classification, regression
from core.losses.checks import check_classification, check_regression
from core.losses.record import (
    FORMULA_PREFIX,
    OUTPUTS,
    PROPERTIES,
    TASKS,
    Example,
    Hyperparameter,
    Loss,
    LossFn,
    LossParams,
    hyperparameter,
)
from core.losses.registry import all_losses, get, names, register, torch_source
from core.losses.regression import MAPE_EPSILON

__all__ = [
    "FORMULA_PREFIX",
    "MAPE_EPSILON",
    "OUTPUTS",
    "PROPERTIES",
    "TASKS",
    "Example",
    "Hyperparameter",
    "Loss",
    "LossFn",
    "LossParams",
    "all_losses",
    "check_classification",
    "check_regression",
    "classification",
    "get",
    "hyperparameter",
    "names",
    "register",
    "regression",
    "torch_source",
]
