r"""Training: one config with :func:`fit`, several in lockstep with :func:`fit_many`.

The objective minimised is the mean of per-sample losses plus an L2 penalty on the weight
matrices (biases are not penalised):

.. math:: J(\theta) = \frac1n \sum_{i=1}^n \ell(y_i, f_\theta(x_i))
          + \frac{\lambda}{2} \sum_l \lVert W_l \rVert_F^2

``history`` holds one entry per epoch, each measured on the model *after* that epoch:
``train_loss`` and ``test_loss`` (mean per-sample loss, without the penalty),
``train_accuracy``/``test_accuracy`` (classification) or ``train_rmse``/``test_rmse``
(regression, in standardised target units) and ``grad_norm``
:math:`\lVert \nabla_\theta J \rVert_2` over all parameters on the full training split.

Lockstep: :func:`fit_many` stacks the parameters of configs that share the architecture,
optimizer, batch size, seed and dtype along a leading model axis and trains them with
batched matrix products (one Python-level step for all of them). Every stacked slice is
computed exactly as it would be alone, so ``fit_many(ds, cfgs)[i]`` is bit-identical to
``fit(ds, cfgs[i])`` (tested). Same seed, same initial weights and batch order, whatever
the loss.

Divergence: when the training loss, the test loss or the gradient norm stops being finite,
or the training loss exceeds ``DIVERGENCE_FACTOR`` (:math:`10^8`) times
:math:`\max(\text{initial training loss}, 1)` (learning rate too high), that config stops,
``diverged`` is set, ``diverged_epoch`` is the first epoch past that line, and ``history``
and ``model`` are those of the last
finite epoch. Nothing is raised and no floating-point warning escapes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from threadpoolctl import ThreadpoolController

from core import losses, optim
from core.datasets import Dataset
from core.metrics import empirical_risk
from core.models import ACTIVATIONS, MLP, Workspace, backward, forward, init_params

__all__ = [
    "DTYPES",
    "MAX_EPOCHS",
    "FitResult",
    "TrainConfig",
    "Training",
    "fit",
    "fit_many",
    "layer_sizes",
    "lockstep_groups",
    "lockstep_key",
    "objective",
]

Array = NDArray[np.floating]
Progress = Callable[[float], Any] | None

DTYPES = ("float64", "float32")
#: The most epochs (full-batch steps) any training loop in ``core`` runs.
MAX_EPOCHS = 100_000
MAX_WIDTH = 4096
MAX_LAYERS = 16
#: a run has diverged once its training loss exceeds this many times max(initial loss, 1)
DIVERGENCE_FACTOR = 1e8


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


@dataclass(frozen=True)
class _Loss:
    """The loss of a run: a base of :class:`TrainConfig` that puts these fields first."""

    loss: str = "cross_entropy"
    loss_params: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Training:
    """The model and how it is trained: every setting of a run but its loss, precision and
    snapshots (``core.experiment.ModelChoice``, the settings every loss of a comparison shares,
    is one).

    ``hidden=()`` is a linear model. ``batch_size=None`` is full-batch gradient descent.
    ``l2`` is :math:`\\lambda` in the objective.
    """

    hidden: tuple[int, ...] = (32, 32)
    activation: str = "tanh"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 300
    batch_size: int | None = None
    l2: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class TrainConfig(Training, _Loss):
    """Everything that defines a training run (hashable by content for ``st.cache_data``).

    Its fields, in order: ``loss`` and ``loss_params`` (:class:`_Loss`, the last base, comes
    first), :class:`Training`'s, then ``dtype`` and ``snapshot_epochs``.
    ``snapshot_epochs`` lists the epochs whose model is kept in ``FitResult.snapshots``
    (0 = initial weights). ``dtype="float32"`` trains in single precision (faster; the default
    float64 is exact).
    """

    dtype: str = "float64"
    snapshot_epochs: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        known = sorted({n for t in losses.TASKS for n in losses.names(t)})
        if isinstance(self.loss, str) and self.loss.startswith(losses.FORMULA_PREFIX):
            from core.formula.check import check_name  # checks the text only: no SymPy

            try:
                check_name(self.loss)
            except ValueError as err:
                raise ValueError(f"loss {self.loss!r:.80}: {err}") from None
        elif self.loss not in known:
            raise ValueError(f"loss must be one of {known} or a formula, got {self.loss!r}")
        if not isinstance(self.loss_params, dict) or not all(
            isinstance(k, str) for k in self.loss_params
        ):
            raise ValueError(
                f"loss_params must be a dict of name -> number, got {self.loss_params!r}"
            )
        hidden = self.hidden
        if _is_int(hidden):
            hidden = (hidden,)
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise ValueError(
                f"hidden must be a tuple of layer widths, got {self.hidden!r}"
            ) from None
        if len(hidden) > MAX_LAYERS or not all(_is_int(h) and 1 <= h <= MAX_WIDTH for h in hidden):
            raise ValueError(
                f"hidden must be at most {MAX_LAYERS} layer widths, each an integer in "
                f"1..{MAX_WIDTH}, got {self.hidden!r}"
            )
        object.__setattr__(self, "hidden", tuple(int(h) for h in hidden))
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {list(ACTIVATIONS)}, got {self.activation!r}"
            )
        if self.optimizer not in optim.NAMES:
            raise ValueError(
                f"optimizer must be one of {list(optim.NAMES)}, got {self.optimizer!r}"
            )
        if not _positive_finite(self.lr):
            raise ValueError(f"lr must be a finite number > 0, got {self.lr!r}")
        if not (_is_int(self.epochs) and 1 <= self.epochs <= MAX_EPOCHS):
            raise ValueError(f"epochs must be an integer in 1..{MAX_EPOCHS}, got {self.epochs!r}")
        if self.batch_size is not None and not (_is_int(self.batch_size) and self.batch_size >= 1):
            raise ValueError(
                f"batch_size must be None (full batch) or an integer >= 1, got {self.batch_size!r}"
            )
        if not (_is_number(self.l2) and math.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"l2 must be a finite number >= 0, got {self.l2!r}")
        if not (_is_int(self.seed) and 0 <= self.seed < 2**32):
            raise ValueError(f"seed must be an integer in 0..2**32-1, got {self.seed!r}")
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {list(DTYPES)}, got {self.dtype!r}")
        try:
            snaps = tuple(sorted(set(self.snapshot_epochs)))
        except TypeError:
            raise ValueError(
                f"snapshot_epochs must be a tuple of epochs, got {self.snapshot_epochs!r}"
            ) from None
        if not all(_is_int(e) and 0 <= e <= self.epochs for e in snaps):
            raise ValueError(
                f"snapshot_epochs must be integers in 0..epochs={self.epochs}, "
                f"got {self.snapshot_epochs!r}"
            )
        object.__setattr__(self, "snapshot_epochs", tuple(int(e) for e in snaps))
        object.__setattr__(self, "lr", float(self.lr))
        object.__setattr__(self, "l2", float(self.l2))


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _positive_finite(x: Any) -> bool:
    return _is_number(x) and math.isfinite(x) and x > 0


@dataclass
class FitResult:
    """Outcome of one training run (see the module docstring for ``history``)."""

    config: TrainConfig
    history: dict[str, NDArray[np.float64]]
    model: MLP
    diverged: bool = False
    diverged_epoch: int | None = None
    snapshots: dict[int, MLP] = field(default_factory=dict)

    @property
    def epochs_run(self) -> int:
        """Number of finite epochs (the length of every history array)."""
        return len(self.history["train_loss"])

    def __repr__(self) -> str:
        status = f"diverged at epoch {self.diverged_epoch}" if self.diverged else "ok"
        last = {k: f"{v[-1]:.4g}" for k, v in self.history.items() if len(v)}
        return f"FitResult({self.config.loss}, {self.epochs_run} epochs, {status}, {last})"


def fit(ds: Dataset, cfg: TrainConfig, progress: Progress = None) -> FitResult:
    """Train one model on ``ds.X_train``/``ds.y_train`` as ``cfg`` says; never raises on
    divergence (see the module docstring)."""
    return fit_many(ds, [cfg], progress)[0]


def fit_many(
    ds: Dataset, cfgs: Sequence[TrainConfig], progress: Progress = None
) -> list[FitResult]:
    """Train every config, in lockstep where they share architecture, optimizer, batch size,
    seed and dtype; result ``i`` is bit-identical to ``fit(ds, cfgs[i])``.

    ``progress(fraction)`` is called with the fraction of epochs done (at most ~100 times).
    Everything runs in the calling process. BLAS runs single-threaded meanwhile: these
    matrices are small, and a BLAS thread pool competing with other work on few cores costs
    far more than it gains.
    """
    if not isinstance(ds, Dataset):
        raise ValueError(f"ds must be a datasets.Dataset, got {type(ds).__name__}")
    cfgs = list(cfgs)
    if not cfgs or not all(isinstance(c, TrainConfig) for c in cfgs):
        raise ValueError("cfgs must be a non-empty sequence of TrainConfig")
    jobs = [_Job(i, c, *_checked_loss(ds, c)) for i, c in enumerate(cfgs)]
    groups = [[jobs[i] for i in indices] for indices in lockstep_groups(cfgs)]
    tracker = _Progress(progress, sum(c.epochs for c in cfgs))
    results: list[FitResult | None] = [None] * len(cfgs)
    with _single_threaded_blas():
        for group in groups:
            for job, result in zip(group, _train_group(ds, group, tracker), strict=True):
                results[job.index] = result
    tracker.done()
    return results  # type: ignore[return-value]


def lockstep_key(cfg: TrainConfig) -> tuple:
    """What the configs :func:`fit_many` trains in lockstep share: architecture, optimizer,
    batch size, seed and dtype."""
    return (cfg.hidden, cfg.activation, cfg.optimizer, cfg.batch_size, cfg.seed, cfg.dtype)


def lockstep_groups(cfgs: Sequence[TrainConfig]) -> list[list[int]]:
    """The indices of ``cfgs`` grouped as :func:`fit_many` trains them: one group per
    :func:`lockstep_key`, groups in the order of their first config, indices ascending."""
    groups: dict[tuple, list[int]] = {}
    for i, c in enumerate(cfgs):
        groups.setdefault(lockstep_key(c), []).append(i)
    return list(groups.values())


def layer_sizes(ds: Dataset, cfg: TrainConfig) -> tuple[int, ...]:
    """Layer widths ``(n_features, *hidden, n_outputs)``: K logits, or one output per target."""
    if ds.task == "classification":
        n_out = ds.n_classes
    else:
        n_out = 1 if np.ndim(ds.y_train) == 1 else np.shape(ds.y_train)[1]
    return (ds.X_train.shape[1], *cfg.hidden, n_out)


_BLAS_CONTROLLER = None


@contextmanager
def _single_threaded_blas():
    global _BLAS_CONTROLLER
    if _BLAS_CONTROLLER is None:
        _BLAS_CONTROLLER = ThreadpoolController()
    with _BLAS_CONTROLLER.limit(limits=1, user_api="blas"):
        yield


# --------------------------------------------------------------------------- internals


@dataclass
class _Job:
    index: int
    cfg: TrainConfig
    loss: losses.Loss
    hyper: dict[str, float]


def _checked_loss(ds: Dataset, cfg: TrainConfig) -> tuple[losses.Loss, dict[str, float]]:
    """The loss for ``ds.task`` and its resolved hyperparameters; the data are checked once
    through the registry's checked call, so the hot loop can call the bare ``loss.fn``."""
    loss = losses.get(cfg.loss, ds.task)
    hyper = loss.resolve(cfg.loss_params)
    for y in (ds.y_train, ds.y_test):
        shape = (len(y), ds.n_classes) if ds.task == "classification" else np.shape(y)
        loss(y, np.zeros(shape), **hyper)
    return loss, hyper


class _Progress:
    """Counts epochs done and calls ``progress(fraction)`` when the fraction has grown by at
    least 1%."""

    def __init__(self, callback: Progress, total: int) -> None:
        self.callback, self.total, self.count, self.last = callback, total, 0, -1.0

    def add(self, epochs: int) -> None:
        self.count += epochs
        fraction = self.count / self.total
        if self.callback is not None and fraction - self.last >= 0.01:
            self.last = fraction
            self.callback(fraction)

    def done(self) -> None:
        if self.callback is not None and self.last < 1.0:
            self.callback(1.0)


def _views(flat: Array, shapes: list[tuple[int, ...]]) -> list[Array]:
    """Views of the rows of ``flat`` (``(m, P)``, one row per stacked model) shaped
    ``(m, *shape)`` for each parameter: weights ``(m, in, out)``, biases ``(m, 1, out)``."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[:, start : start + size].reshape(len(flat), *shape))
        start += size
    return views


def _unstack(params: list[Array], j: int) -> list[Array]:
    return [p[j].copy() if k % 2 == 0 else p[j, 0].copy() for k, p in enumerate(params)]


def _take(tree: Any, keep: list[int]) -> Any:
    """Keep models ``keep`` along the leading axis of every array in an optimizer state."""
    if isinstance(tree, np.ndarray):
        return tree[keep]
    if isinstance(tree, list | tuple):
        return type(tree)(_take(t, keep) for t in tree)
    if dataclasses.is_dataclass(tree):
        return dataclasses.replace(
            tree, **{f.name: _take(getattr(tree, f.name), keep) for f in dataclasses.fields(tree)}
        )
    return tree


class _Group:
    """Stacked state of the configs trained in lockstep (one slice per active config).

    The parameters of all stacked models live in one ``(m, P)`` array ``theta`` (and their
    gradients in ``grad``), with ``params``/``grads`` as shaped views: the optimizer updates
    everything in a handful of array operations, and nothing is allocated per step.
    """

    def __init__(self, ds: Dataset, jobs: list[_Job]) -> None:
        c = jobs[0].cfg
        self.jobs = list(jobs)
        self.dtype = np.dtype(c.dtype)
        self.activation = c.activation
        self.task = ds.task
        self.X = ds.X_train.astype(self.dtype)
        self.X_test = ds.X_test.astype(self.dtype)
        self.classification = ds.task == "classification"
        if self.classification:
            self.y, self.y_test = ds.y_train, ds.y_test
        else:
            self.y, self.y_test = ds.y_train.astype(self.dtype), ds.y_test.astype(self.dtype)
        self.squeeze = not self.classification and self.y.ndim == 1
        initial = init_params(layer_sizes(ds, c), c.activation, c.seed, c.dtype)
        self.shapes = [p.shape if p.ndim == 2 else (1, *p.shape) for p in initial]
        self._bind(np.tile(np.concatenate([p.ravel() for p in initial]), (len(jobs), 1)))
        self.optimizer_name = c.optimizer
        self._set_rates()
        self.state = self.optimizer.init([self.theta])

    def _bind(self, theta: Array, grad: Array | None = None) -> None:
        self.theta = theta
        self.grad = np.empty_like(theta) if grad is None else grad
        self.params = _views(self.theta, self.shapes)
        self.grads = _views(self.grad, self.shapes)
        self._workspaces: dict[int, Workspace] = {}

    def _set_rates(self) -> None:
        m = len(self.jobs)
        lr = np.array([j.cfg.lr for j in self.jobs], dtype=self.dtype).reshape(m, 1)
        self.l2 = np.array([j.cfg.l2 for j in self.jobs], dtype=self.dtype).reshape(m, 1, 1)
        self.any_l2 = any(j.cfg.l2 > 0 for j in self.jobs)
        self.optimizer = optim.get(self.optimizer_name, lr)

    def keep(self, keep: list[int]) -> None:
        self.jobs = [self.jobs[j] for j in keep]
        self._bind(self.theta[keep], self.grad[keep])
        self.state = _take(self.state, keep)
        self._set_rates()

    def _workspace(self, n: int) -> Workspace:
        if n not in self._workspaces:
            self._workspaces[n] = Workspace.like(self.params, n)
        return self._workspaces[n]

    def _outputs(self, out: Array, j: int) -> Array:
        return out[j, :, 0] if self.squeeze else out[j]

    def losses(self, X: Array, y: NDArray, grad: bool) -> tuple[Array, Array, list, Array]:
        """Forward pass of every model on ``(X, y)``: mean losses, accuracy or RMSE, the
        layer inputs and (if ``grad``) :math:`\\partial R / \\partial z_L` stacked."""
        out, inputs = forward(self.params, X, self.activation, self._workspace(len(X)))
        d_out = np.empty_like(out) if grad else None
        risk = np.empty(len(self.jobs))
        for j, job in enumerate(self.jobs):
            risk[j], g = _risk(job.loss, job.hyper, y, self._outputs(out, j))
            if grad:
                d_out[j] = g.reshape(out.shape[1:])
        # accuracy / RMSE of every stacked model at once (same formulas as core.metrics)
        if self.classification:
            score = np.mean(np.argmax(out, axis=2) == y, axis=1)
        else:
            e = (out[:, :, 0] if self.squeeze else out) - y
            score = np.sqrt(np.mean(e * e, axis=tuple(range(1, e.ndim))))
        return risk, score, inputs, d_out

    def gradients(self, inputs: list, d_out: Array) -> None:
        """:math:`\\nabla_\\theta J` of every model into ``grad``: backprop plus
        :math:`\\lambda W`."""
        ws = self._workspace(d_out.shape[1])
        backward(self.params, inputs, d_out, self.activation, self.grads, ws)
        if self.any_l2:
            _add_l2(self.grads, self.params, self.l2)

    def step(self) -> None:
        """One optimizer step from ``grad``."""
        (update,), self.state = self.optimizer.update([self.grad], self.state)
        self.theta += update

    def model(self, j: int, theta: Array | None = None) -> MLP:
        params = self.params if theta is None else _views(theta, self.shapes)
        return MLP(_unstack(params, j), self.activation, self.task, squeeze=self.squeeze)


def _risk(loss: losses.Loss, hyper: dict, y: NDArray, raw: Array) -> tuple[float, Array]:
    """Mean loss and :math:`\\partial R / \\partial \\mathrm{raw}` from the bare (unchecked)
    ``loss.fn``; ``(n, d)`` regression targets average an elementwise loss over ``d`` as the
    registry does."""
    values, g = loss.fn(y, raw, **hyper)
    if loss.task == "regression" and y.ndim == 2 and loss.elementwise:
        values, g = values.mean(axis=1), g / y.shape[1]
    return empirical_risk(values, g)


def _add_l2(grads: list[Array], params: list[Array], l2: Any) -> list[Array]:
    r"""Add :math:`\lambda W_l`, the gradient of :math:`\frac{\lambda}{2}\lVert W_l\rVert^2`,
    to the weight gradients (even positions; biases are not penalised), in place."""
    for g, W in zip(grads[::2], params[::2], strict=True):
        g += l2 * W
    return grads


def objective(
    model: MLP,
    X: ArrayLike,
    y: ArrayLike,
    loss: str,
    loss_params: dict[str, float] | None = None,
    l2: float = 0.0,
) -> tuple[float, list[Array]]:
    r"""The training objective of ``model`` on ``(X, y)`` and its gradient.

    .. math:: J = \frac1n \sum_i \ell(y_i, f(x_i)) + \frac{\lambda}{2}\sum_l \lVert W_l\rVert^2

    Returns ``(J, [dJ/dW_1, dJ/db_1, ...])`` (checked inputs; the same code path as
    training). Useful for loss landscapes and gradient checks.
    """
    lossobj = losses.get(loss, model.task)
    hyper = lossobj.resolve(loss_params)
    X = np.asarray(X, dtype=model.dtype)
    out, inputs = forward(model.params, X, model.activation)
    raw = out[:, 0] if model.squeeze else out
    lossobj(y, raw, **hyper)  # checks y against the model's output
    y = np.asarray(y) if model.task == "classification" else np.asarray(y, dtype=model.dtype)
    risk, g = _risk(lossobj, hyper, y, raw)
    grads = backward(model.params, inputs, g.reshape(out.shape), model.activation)
    penalty = 0.5 * l2 * sum(float(np.sum(W * W)) for W in model.params[::2])
    return risk + penalty, _add_l2(grads, model.params, l2)


def _train_group(ds: Dataset, jobs: list[_Job], tracker: _Progress) -> list[FitResult]:
    # np.errstate is per thread: overflow is expected in a diverging run and detected below
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _train_stack(ds, jobs, tracker)


def _train_stack(ds: Dataset, jobs: list[_Job], tracker: _Progress) -> list[FitResult]:
    g = _Group(ds, jobs)
    c = jobs[0].cfg
    n = g.X.shape[0]
    full_batch = c.batch_size is None or c.batch_size >= n
    batch_rng = np.random.default_rng([c.seed, 1])
    metric = "accuracy" if g.classification else "rmse"
    keys = ("train_loss", "test_loss", f"train_{metric}", f"test_{metric}", "grad_norm")
    history = {job.index: {k: [] for k in keys} for job in jobs}
    snapshots: dict[int, dict[int, MLP]] = {job.index: {} for job in jobs}
    results: dict[int, FitResult] = {}
    for j, job in enumerate(jobs):
        if 0 in job.cfg.snapshot_epochs:
            snapshots[job.index][0] = g.model(j)

    def finish(j: int, theta: Array, diverged_epoch: int | None) -> None:
        job = g.jobs[j]
        results[job.index] = FitResult(
            config=job.cfg,
            history={k: np.array(v, dtype=np.float64) for k, v in history[job.index].items()},
            model=g.model(j, theta),
            diverged=diverged_epoch is not None,
            diverged_epoch=diverged_epoch,
            snapshots=snapshots[job.index],
        )

    # full batch: the gradient of the evaluation pass at epoch e is the step of epoch e + 1
    initial_loss, _, inputs, d_out = g.losses(g.X, g.y, grad=full_batch)
    if full_batch:
        g.gradients(inputs, d_out)
    for epoch in range(1, max(job.cfg.epochs for job in jobs) + 1):
        previous = g.theta.copy()
        if full_batch:
            g.step()
        else:
            order = batch_rng.permutation(n)
            for start in range(0, n, c.batch_size):
                rows = order[start : start + c.batch_size]
                _, _, inputs, d_out = g.losses(g.X[rows], g.y[rows], grad=True)
                g.gradients(inputs, d_out)
                g.step()
        train_loss, train_score, inputs, d_out = g.losses(g.X, g.y, grad=True)
        g.gradients(inputs, d_out)
        grad_norm = np.sqrt(np.sum(g.grad * g.grad, axis=1))  # ||grad J||_2 per model
        test_loss, test_score, _, _ = g.losses(g.X_test, g.y_test, grad=False)
        finite = np.isfinite(train_loss) & np.isfinite(test_loss) & np.isfinite(grad_norm)
        finite &= train_loss <= DIVERGENCE_FACTOR * np.maximum(initial_loss, 1.0)
        keep = []
        for j, job in enumerate(g.jobs):
            if not finite[j]:
                finish(j, previous, diverged_epoch=epoch)
                continue
            h = history[job.index]
            h["train_loss"].append(train_loss[j])
            h["test_loss"].append(test_loss[j])
            h[keys[2]].append(train_score[j])
            h[keys[3]].append(test_score[j])
            h["grad_norm"].append(grad_norm[j])
            if epoch in job.cfg.snapshot_epochs:
                snapshots[job.index][epoch] = g.model(j)
            if epoch == job.cfg.epochs:
                finish(j, g.theta, diverged_epoch=None)
            else:
                keep.append(j)
        tracker.add(len(g.jobs))
        if len(keep) < len(g.jobs):
            for j in range(len(g.jobs)):
                if j not in keep:
                    tracker.add(g.jobs[j].cfg.epochs - epoch)
            if not keep:
                break
            g.keep(keep)
            initial_loss = initial_loss[keep]
    return [results[job.index] for job in jobs]
