""" "Reproduce this view": the few lines of ``core`` that recreate a comparison page's numbers.

A page passes what it trained (the data choice and the :class:`core.train.TrainConfig` list);
:func:`core_snippet` writes a runnable script (datasets -> TrainConfig -> ``fit_many``) that
ends with ``scores = {loss: number}``, the numbers the page's table shows, and prints them;
:func:`torch_snippet` writes the closest PyTorch loop, with each chosen loss's PyTorch
equivalent from the registry (``Loss.equivalents["pytorch"]``) and where it differs.

Everything from the user (an uploaded file's name, column names) enters the code through
``repr`` (a Python string literal) and is shown with ``st.code`` (plain text).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from core import losses, train

_DEFAULT = train.TrainConfig()


def _args(pairs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in pairs.items())


def _call(head: str, args: Sequence[str], indent: str = "", tail: str = "") -> str:
    """``head(args)`` on one line if it fits in 96 characters, else one argument per line."""
    one = f"{indent}{head}({', '.join(args)}){tail}"
    if len(one) <= 96:
        return one
    inner = "".join(f"{indent}    {a},\n" for a in args)
    return f"{indent}{head}(\n{inner}{indent}){tail}"


def data_code(data: Any) -> tuple[str, str]:
    """(core module, ``ds = ...`` code) loading ``data`` (a DataChoice or an UploadChoice)."""
    if getattr(data, "name", None) == "upload":
        args = [repr(data.filename), *(f"{k}={v!r}" for k, v in data.options.items())]
        return "tabular", "# the file you uploaded, next to this script\n" + _call(
            "ds = tabular.load_csv", args
        )
    args = [repr(data.name), *(f"{k}={v!r}" for k, v in data.kwargs.items())]
    return "datasets", _call("ds = datasets.load", args)


def config_code(cfg: train.TrainConfig, indent: str = "    ") -> str:
    """``train.TrainConfig(...)`` with the fields that differ from the defaults (and the loss)."""
    kw: dict[str, Any] = {"loss": cfg.loss}
    for f in dataclasses.fields(cfg):
        v = getattr(cfg, f.name)
        # snapshots change no number, only what is kept for the epoch scrubber
        if f.name not in ("loss", "snapshot_epochs") and v != getattr(_DEFAULT, f.name):
            kw[f.name] = dict(v) if isinstance(v, Mapping) else v
    return _call("train.TrainConfig", [f"{k}={v!r}" for k, v in kw.items()], indent, ",")


def core_snippet(
    data: Any,
    configs: Sequence[train.TrainConfig],
    *,
    flip: float = 0.0,
    corruption: Mapping[str, Any] | None = None,
    n_seeds: int = 1,
    changes: str = "",
) -> str:
    """A runnable script recreating the view's numbers; it ends with ``scores``.

    Parameters
    ----------
    data
        The page's data choice (built-in or uploaded).
    configs
        One config per loss, exactly as the page trains them (seed included).
    flip
        Decision boundaries: the share of training labels flipped (symmetric noise, seeded
        with the data seed).
    corruption
        Outlier robustness: ``{"kind", "rate", "magnitude", "seed"}`` for
        :func:`core.robustness.corrupt`; the scores are then ``robustness.clean_score``.
    n_seeds
        Training curves: seeds ``cfg.seed .. cfg.seed + n_seeds - 1``; the scores are the mean
        final test accuracy over seeds.
    changes
        A student's edits of the training points (:mod:`core.edits`' text), applied after
        the corruption.
    """
    module, load = data_code(data)
    modules = {module, "train"}
    if flip > 0:
        modules.add("datasets")
    if corruption is not None:
        modules.add("robustness")
    if changes:
        modules.add("edits")
    lines = ["import dataclasses\n\nimport numpy as np\n"] if n_seeds > 1 else []
    lines += [f"from core import {', '.join(sorted(modules))}", "", load]
    if flip > 0:
        seed = int(data.kwargs.get("seed", 0))
        lines.append(f"ds = datasets.add_label_noise(ds, {flip!r}, kind='symmetric', seed={seed})")
    if corruption is not None:
        c = corruption
        lines.append(
            f"ds = robustness.corrupt(ds, {c['kind']!r}, {c['rate']!r}, "
            f"magnitude={c['magnitude']!r}, seed={c['seed']!r})"
        )
    if changes:
        lines.append(f"ds = edits.apply(ds, edits.decode({changes!r}))  # the edited points")
    lines += ["configs = [", *(config_code(c) for c in configs), "]"]
    if n_seeds > 1:
        lines += [
            "finals = {cfg.loss: [] for cfg in configs}",
            f"for seed in range({configs[0].seed}, {configs[0].seed + n_seeds}):",
            "    seeded = [dataclasses.replace(cfg, seed=seed) for cfg in configs]",
            "    for cfg, r in zip(seeded, train.fit_many(ds, seeded)):",
            "        finals[cfg.loss].append(r.history['test_accuracy'][-1])",
            "scores = {loss: float(np.mean(v)) for loss, v in finals.items()}",
            "print('mean final test accuracy over seeds:', scores)",
        ]
    else:
        lines.append("results = train.fit_many(ds, configs)  # same start and data order for all")
        if corruption is not None:
            lines += [
                "scores = {cfg.loss: robustness.clean_score(r, ds) for cfg, r in "
                "zip(configs, results)}",
                "print('clean-test score:', scores)",
            ]
        else:
            lines += [
                "scores = {cfg.loss: float(r.history['test_accuracy'][-1]) for cfg, r in "
                "zip(configs, results)}",
                "print('final test accuracy:', scores)",
            ]
    return "\n".join(line for line in lines if line is not None).replace("\n\n\n", "\n\n") + "\n"


_ACT = {"tanh": "torch.nn.Tanh()", "relu": "torch.nn.ReLU()", "sigmoid": "torch.nn.Sigmoid()"}
_OPT = {
    "sgd": "torch.optim.SGD(model.parameters(), lr={lr})",
    "momentum": "torch.optim.SGD(model.parameters(), lr={lr}, momentum=0.9)",
    "adam": "torch.optim.Adam(model.parameters(), lr={lr})",
}
#: Per-sample loss in PyTorch for the losses with a direct equivalent; ``z`` logits or
#: predictions, ``y`` labels or targets (the rest are written by hand from the registry's note).
_TORCH = {
    ("classification", "cross_entropy"): "F.cross_entropy(z, y, reduction='none'{ls})",
    ("classification", "mse"): "F.mse_loss(z.softmax(1), Y, reduction='none').sum(1)",
    ("classification", "mae"): "F.l1_loss(z.softmax(1), Y, reduction='none').sum(1)",
    ("classification", "multi_margin"): (
        "F.multi_margin_loss(z, y, margin={margin}, reduction='none')"
    ),
    ("classification", "square_logits"): "F.mse_loss(z, Y, reduction='none').sum(1)",
    ("classification", "hinge"): "({margin} - z.gather(1, y[:, None])[:, 0] + "
    "z.masked_fill(Y.bool(), -torch.inf).amax(1)).clamp(min=0)",
    ("regression", "mse"): "F.mse_loss(z, y, reduction='none')",
    ("regression", "mae"): "F.l1_loss(z, y, reduction='none')",
    ("regression", "huber"): "F.huber_loss(z, y, delta={delta}, reduction='none')",
    ("regression", "smooth_l1"): "F.smooth_l1_loss(z, y, beta={beta}, reduction='none')",
}


def torch_snippet(ds: Any, configs: Sequence[train.TrainConfig]) -> str:
    """The closest PyTorch training loop for the first config, and each loss's equivalent.

    Not bit-identical (other initialisation and float rounding): the same model, optimizer,
    data and per-sample losses.
    """
    cfg = configs[0]
    task = ds.task
    sizes = [ds.n_features, *cfg.hidden, ds.n_classes if task == "classification" else 1]
    layers: list[str] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(f"torch.nn.Linear({a}, {b})")
        if i < len(sizes) - 2:
            layers.append(_ACT.get(cfg.activation, f"torch.nn.{cfg.activation}()"))
    y_dtype = "torch.long" if task == "classification" else "torch.float32"
    out = [
        "import torch",
        "import torch.nn.functional as F",
        "",
        "# ds: the dataset loaded as in the core snippet",
        "X = torch.tensor(ds.X_train, dtype=torch.float32)",
        f"y = torch.tensor(ds.y_train, dtype={y_dtype})",
    ]
    if task == "classification":
        out.append(f"Y = F.one_hot(y, {ds.n_classes}).float()")
    out += [
        "",
        "per_sample = {",
    ]
    for c in configs:
        loss = losses.get(c.loss, task)
        hp = {**loss.defaults, **c.loss_params}
        eq = loss.equivalents.get("pytorch", "none")
        code = _TORCH.get((task, c.loss))
        if code is not None:
            ls = hp.get("label_smoothing", 0.0)
            code = code.format(ls=f", label_smoothing={ls!r}" if ls else "", **hp)
            out.append(f"    {c.loss!r}: lambda z: {code},")
        out.append(f"    # {c.loss}: {eq}")
    out += [
        "}",
        "",
        f"torch.manual_seed({cfg.seed})",
        "model = torch.nn.Sequential(",
        *(f"    {layer}," for layer in layers),
        ")",
        "opt = " + _OPT.get(cfg.optimizer, _OPT["adam"]).format(lr=cfg.lr),
        f"loss_fn = per_sample[{cfg.loss!r}]",
        *(
            [f"# core trained with mini-batches of {cfg.batch_size}; this loop is full-batch"]
            if cfg.batch_size is not None
            else []
        ),
        f"for epoch in range({cfg.epochs}):",
        "    opt.zero_grad()",
        "    z = model(X)" + ("" if task == "classification" else "[:, 0]"),
    ]
    penalty = ""
    if cfg.l2:
        penalty = (
            f" + {cfg.l2 / 2!r} * sum((p ** 2).sum() for n, p in model.named_parameters() "
            "if n.endswith('weight'))"
        )
    out += [f"    loss = loss_fn(z).mean(){penalty}", "    loss.backward()", "    opt.step()"]
    return "\n".join(out) + "\n"


def expander(
    data: Any,
    ds: Any,
    configs: Sequence[train.TrainConfig],
    **view: Any,
) -> None:
    """The "Reproduce this view" expander: the ``core`` snippet and the PyTorch equivalent.

    ``view`` is passed to :func:`core_snippet` (``flip``, ``corruption``, ``n_seeds``,
    ``changes``).
    """
    with st.expander("Reproduce this view", icon=":material/code:"):
        st.caption(
            "Runs in a checkout of this app's repository (the `core` package); the `scores` "
            "it prints are the numbers in the table above."
        )
        st.code(core_snippet(data, configs, **view), language="python")
        st.caption(
            "The closest PyTorch loop for the first loss (other initial weights, so close but "
            "not identical numbers); each chosen loss's PyTorch equivalent is in `per_sample`."
        )
        st.code(torch_snippet(ds, configs), language="python")


def for_comparison(
    key: Any, ds: Any, configs: Sequence[train.TrainConfig], *, n_seeds: int = 1
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
    changes = getattr(getattr(key, "edits", None), "text", "")
    expander(key.data, ds, configs, corruption=corruption, n_seeds=n_seeds, changes=changes)
