r"""The loss registry: the :class:`Loss` record (a loss's card), :func:`register`, :func:`get`
and :func:`names`.

A loss is a small pure function ``f(y_true, raw, *, hyper...) -> (values, grad)`` in
:mod:`core.losses.classification` or :mod:`core.losses.regression`, named by its registered
name and registered right below its definition. That ``register`` call is the loss's card,
the one place each fact about it is written:

- the maths: ``formula``, ``grad`` (LaTeX), ``reference`` (appended to the function's
  docstring here, so ``help`` shows them) and the property flags (:data:`PROPERTIES`);
- how pages show it: ``title`` (the display name), ``short`` (the label in figures and
  sentences, contained in the title), ``color`` and ``output`` (:data:`OUTPUTS`: what the raw
  output is read as, which decides a probability or a score surface and whether it is a
  margin loss);
- its framework spellings (``equivalents``) and its PyTorch per-sample loss as code
  (``torch``: the body of a function of ``z``, ``y``, ``Y`` and the hyperparameters;
  :func:`torch_source` writes it out; ``None``: no PyTorch counterpart, core only);
- how it is tested: ``grid`` (hyperparameter settings every parametrised test runs) and
  ``examples`` (hand-computed values with their source).

The package :mod:`core.losses` re-exports the public names (its ``__all__`` is the one list).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping

from core.losses.record import (
    FORMULA_PREFIX,
    PROPERTIES,
    TASKS,
    Array,
    Example,
    Hyperparameter,
    Loss,
    LossFn,
    Task,
)

_REGISTRY: dict[tuple[str, str], Loss] = {}


_NO_EQUIVALENT = {"pytorch": "none", "keras": "none", "sklearn": "none"}


def register(
    fn: LossFn,
    task: Task,
    *,
    title: str,
    formula: str,
    grad: str,
    properties: tuple[str, ...],
    reference: str,
    short: str = "",
    color: str = "",
    output: str | None = None,
    equivalents: Mapping[str, str] | None = None,
    torch: str | None = None,
    grid: tuple[Mapping[str, float], ...] = ({},),
    examples: tuple[Example, ...] = (),
    percent: bool = False,
    hyperparameters: tuple[Hyperparameter, ...] = (),
    soft_targets: bool = False,
    elementwise: bool = True,
    check_targets: Callable[[Array], None] | None = None,
) -> Loss:
    """Register ``fn`` under ``(task, fn.__name__)`` with its card and return its :class:`Loss`.

    ``properties`` names the flags of :data:`PROPERTIES` that hold (the others do not).
    ``formula`` and ``grad`` (LaTeX) and ``reference`` are appended to ``fn``'s docstring here.
    ``short`` defaults to the title; ``output`` to ``"softmax"`` (classification) or
    ``"prediction"`` (regression); ``equivalents`` (``{"pytorch", "keras", "sklearn"}``) to
    "none" for each framework. Raises ``ValueError`` for an unknown property or output, a
    short label the title does not contain.
    """
    name = fn.__name__
    unknown = set(properties) - set(PROPERTIES)
    if unknown:
        raise ValueError(f"{name}: unknown properties {sorted(unknown)}; known: {list(PROPERTIES)}")
    output = output or ("softmax" if task == "classification" else "prediction")
    allowed = ["prediction"] if task == "regression" else ["softmax", "raw", "margin"]
    if output not in allowed:
        raise ValueError(f"{name}: output must be one of {allowed} for {task}, got {output!r}")
    short = short or title
    if short.lower() not in title.lower():
        raise ValueError(f"{name}: the title {title!r} must contain the short label {short!r}")
    fn.__doc__ = (
        f"{inspect.cleandoc(fn.__doc__ or '')}\n\n"
        f"Notes\n-----\n.. math:: {formula}\n\n.. math:: {grad}\n\n"
        f"References\n----------\n{reference}\n"
    )
    loss = Loss(
        name=name,
        task=task,
        title=title,
        fn=fn,
        formula_latex=formula,
        grad_latex=grad,
        equivalents={**_NO_EQUIVALENT, **(equivalents or {})},
        properties={k: k in properties for k in PROPERTIES},
        hyperparameters=hyperparameters,
        reference=reference,
        soft_targets=soft_targets,
        elementwise=elementwise,
        check_targets=check_targets,
        short=short,
        color=color,
        output=output,
        torch=inspect.cleandoc(torch) if torch else None,
        grid=tuple(dict(g) for g in grid),
        examples=tuple(examples),
        percent=percent,
    )
    _REGISTRY[(task, name)] = loss
    return loss


def torch_source(
    loss: Loss, params: Mapping[str, float] | None = None, name: str = "per_sample"
) -> str | None:
    """The card's PyTorch per-sample loss written out as ``def name(z, y, Y, **hyper)``.

    ``z``: logits ``(n, K)`` or predictions; ``y``: integer labels (``torch.long``) or targets;
    ``Y``: the one-hot labels (or the target distribution) in ``z``'s dtype, classification
    only. The hyperparameters are keyword arguments whose defaults are ``params`` over the
    loss's defaults. The code uses ``torch``, ``F`` (``torch.nn.functional``) and ``math``.
    ``None`` when the loss has no PyTorch counterpart.
    """
    if loss.torch is None:
        return None
    hyper = {**loss.defaults, **dict(params or {})}
    args = ["z", "y", "Y"] if loss.task == "classification" else ["z", "y"]
    args += [f"{k}={_literal(v)}" for k, v in hyper.items()]
    body = "\n".join(f"    {line}" if line else "" for line in loss.torch.splitlines())
    return f"def {name}({', '.join(args)}):\n{body}\n"


def _literal(x: float) -> str:
    """A hyperparameter as Python source (``-math.inf`` for minus infinity)."""
    if math.isinf(x):
        return "math.inf" if x > 0 else "-math.inf"
    return repr(float(x))


def _check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    return task


def names(task: str, *, output: str | tuple[str, ...] | None = None) -> list[str]:
    """Registered loss names for ``task``, in registry order; with ``output``, only the losses
    that read their raw output that way (a key of :data:`OUTPUTS`, or several)."""
    _check_task(task)
    wanted = (output,) if isinstance(output, str) else output
    return [
        n
        for (t, n), loss in _REGISTRY.items()
        if t == task and (wanted is None or loss.output in wanted)
    ]


def get(name: str, task: str | None = None) -> Loss:
    """The registered loss ``name`` for ``task``.

    ``task`` may be omitted when the name is unique across tasks (``mse`` and ``mae`` are not).
    Raises ``ValueError`` listing the valid names for an unknown name. A name starting with
    :data:`FORMULA_PREFIX` is a formula, checked and derived at each call (not cached).
    """
    if isinstance(name, str) and name.startswith(FORMULA_PREFIX):
        from core.formula.check import loss_from_name  # SymPy loads only for a formula

        return loss_from_name(name, task if task is None else _check_task(task))
    if task is not None:
        _check_task(task)
        loss = _REGISTRY.get((task, name))
        if loss is None:
            raise ValueError(f"unknown {task} loss {name!r}; choose one of {names(task)}")
        return loss
    matches = [loss for (t, n), loss in _REGISTRY.items() if n == name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        all_names = sorted({n for (_, n) in _REGISTRY})
        raise ValueError(f"unknown loss {name!r}; choose one of {all_names}")
    raise ValueError(f"loss {name!r} exists for several tasks; pass task= one of {list(TASKS)}")


def all_losses() -> list[Loss]:
    """Every registered loss, classification first, in registry order."""
    return [_REGISTRY[(t, n)] for t in TASKS for n in names(t)]
