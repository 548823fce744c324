""" "Reproduce this view": two scripts that print the numbers a comparison page's table shows.

A page passes what it trained (the data choice, the :class:`core.train.TrainConfig` list, the
corruption, the seeds) and which table it shows (:data:`TABLES`). :func:`core_snippet` writes
the few lines of ``core`` that train it again; :func:`torch_snippet` writes the same training
in PyTorch: core's initial weights copied into the layers, core's mini-batch order, each
loss's PyTorch code from its card (``core.losses.torch_source``, with core's subgradients:
hinge's relu at slack 0, the first wrong class on ties, sign(0) = 0), the page's dtype, core's
divergence rule, and the test split evaluated. Both end with ``scores`` and print one line per
loss as the table reports it: a diverged run as the table shows it, a loss without a PyTorch
counterpart as "core only".

Everything from the user (an uploaded file's name, column names) enters the code through
``repr`` (a Python string literal) and is shown as plain text (:func:`ui.reproduce.expander`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from core import losses, robustness, train

_DEFAULT = train.TrainConfig()

#: The tables a snippet reproduces: what each reports per loss and how it shows a diverged run.
TABLES = {
    "boundaries": "test accuracy (a diverged run: its last finite model) and its divergence epoch",
    "training": "final test accuracy, the mean over the seeds that did not diverge ('—' if "
    "none), and how many diverged",
    "robustness": "the clean-test score ('—' for a diverged run) and its divergence epoch",
}


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


def infer_table(n_seeds: int = 1, corruption: Mapping[str, Any] | None = None) -> str:
    """The table a view most likely shows when its page does not say: several seeds are
    Training curves', outliers and pair flips Outlier robustness's, the rest Decision
    boundaries'."""
    if n_seeds > 1:
        return "training"
    kind = (corruption or {}).get("kind")
    if kind in robustness.REGRESSION_KINDS or kind == "pair":
        return "robustness"
    return "boundaries"


def _check(table: str, n_seeds: int, epoch: int | None) -> None:
    if table not in TABLES:
        raise ValueError(f"table must be one of {list(TABLES)}, got {table!r}")
    if n_seeds < 1 or (n_seeds > 1 and table != "training"):
        raise ValueError(
            f"n_seeds must be 1 for table {table!r} (>= 1 for training), got {n_seeds}"
        )
    if epoch is not None and table != "boundaries":
        raise ValueError(f"epoch is only shown by the boundaries table, got table {table!r}")


# --------------------------------------------------------------------------- shared parts


def _setup(
    data: Any,
    configs: Sequence[train.TrainConfig],
    flip: float,
    corruption: Mapping[str, Any] | None,
    modules: set[str],
    changes: str = "",
) -> list[str]:
    """The data (with its corruption and a student's edits, :mod:`core.edits`' text,
    applied after it) and the configs, as both snippets load them."""
    module, load = data_code(data)
    modules = {*modules, module, "train"}
    if flip > 0:
        modules.add("datasets")
    if corruption is not None:
        modules.add("robustness")
    if changes:
        modules.add("edits")
    lines = [f"from core import {', '.join(sorted(modules))}", "", load]
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
    return [*lines, "configs = [", *(config_code(c) for c in configs), "]"]


def _metric(table: str, task: str) -> str:
    """The table's name for the score: accuracy, or RMSE for regression."""
    if table == "robustness":
        return "clean-test RMSE (std. units)" if task == "regression" else "clean-test accuracy"
    return "test RMSE" if task == "regression" else "test accuracy"


def _task(configs: Sequence[train.TrainConfig], task: str | None) -> str:
    """``task`` if given, else the one every loss of ``configs`` is registered for
    (classification when a name, such as ``mse``, exists in both)."""
    if task is not None:
        return task
    names = {c.loss for c in configs}
    return "classification" if names <= set(losses.names("classification")) else "regression"


def _report(table: str, metric: str, n_seeds: int) -> list[str]:
    """Print ``scores`` (and ``diverged``) as the table shows them; ``core_only`` (PyTorch
    snippet) lists the losses trained by core alone."""
    fmt = {"boundaries": ".1%", "training": ".3f", "robustness": ".4f"}[table]
    if table == "training":
        tail = f"diverged in {{diverged[loss]}} of {n_seeds} seeds"
        shown = f"'—' if math.isnan(score) else f'{{score:{fmt}}}'"
        label = f"final {metric} (mean over seeds)"
    elif table == "robustness":
        tail = "{gone}"
        shown = f"'—' if math.isnan(score) else f'{{score:{fmt}}}'"
        label = metric
    else:
        tail = "{gone}"
        shown = f"f'{{score:{fmt}}}'"
        label = metric
    lines = ["for loss, score in scores.items():", f"    shown = {shown}"]
    if table != "training":
        lines += [
            "    e = diverged[loss]",
            "    gone = f'diverged at epoch {e}' if e else 'did not diverge'",
        ]
    return [*lines, f'    print(f"{{loss}}: {label} {{shown}}, {tail}")']


# --------------------------------------------------------------------------- core


def core_snippet(
    data: Any,
    configs: Sequence[train.TrainConfig],
    *,
    flip: float = 0.0,
    corruption: Mapping[str, Any] | None = None,
    n_seeds: int = 1,
    table: str | None = None,
    epoch: int | None = None,
    task: str | None = None,
    changes: str = "",
) -> str:
    """A runnable script recreating the view's numbers; it ends with ``scores`` and prints
    them as the table shows them.

    Parameters
    ----------
    data
        The page's data choice (built-in or uploaded).
    configs
        One config per loss, exactly as the page trains them (seed and dtype included).
    flip
        The share of training labels flipped (symmetric noise, seeded with the data seed).
    corruption
        ``{"kind", "rate", "magnitude", "seed"}`` for :func:`core.robustness.corrupt`.
    n_seeds
        Training curves: seeds ``cfg.seed .. cfg.seed + n_seeds - 1``.
    table
        Which table the page shows (:data:`TABLES`); inferred by :func:`infer_table` if
        ``None``.
    epoch
        Decision boundaries: the epoch the table shows (``None``: the last).
    task
        ``"classification"`` or ``"regression"`` (the data's); inferred from the losses if
        ``None``.
    changes
        A student's edits of the training points (:mod:`core.edits`' text), applied after
        the corruption.
    """
    table = table or infer_table(n_seeds, corruption)
    _check(table, n_seeds, epoch)
    task = _task(configs, task)
    head = [
        *(["import dataclasses"] if table == "training" or epoch == 0 else []),
        *(["import math"] if table != "boundaries" else []),
        "",
        *(["import numpy as np", ""] if table == "training" or epoch == 0 else []),
    ]
    lines = head + _setup(data, configs, flip, corruption, set(), changes)
    metric = _metric(table, task)
    key = "test_rmse" if task == "regression" else "test_accuracy"
    if table == "training":
        first = configs[0].seed
        lines += [
            "finals = {cfg.loss: [] for cfg in configs}",
            "diverged = {cfg.loss: 0 for cfg in configs}",
            f"for seed in range({first}, {first + n_seeds}):",
            "    seeded = [dataclasses.replace(cfg, seed=seed) for cfg in configs]",
            "    for cfg, r in zip(seeded, train.fit_many(ds, seeded)):",
            "        if r.diverged:  # the table leaves a diverged run out of the mean",
            "            diverged[cfg.loss] += 1",
            "        else:",
            f"            finals[cfg.loss].append(float(r.history[{key!r}][-1]))",
            "scores = {loss: float(np.mean(v)) if v else math.nan for loss, v in finals.items()}",
        ]
    else:
        if epoch == 0:
            lines.append(
                "configs = [dataclasses.replace(c, snapshot_epochs=(0,)) for c in configs]"
            )
        lines += [
            "results = train.fit_many(ds, configs)  # same start and data order for all",
            "diverged = {cfg.loss: r.diverged_epoch for cfg, r in zip(configs, results)}",
        ]
        if table == "robustness":
            lines.append(
                "scores = {cfg.loss: robustness.clean_score(r, ds) for cfg, r in "
                "zip(configs, results)}  # nan if diverged"
            )
        elif epoch == 0:
            lines += [
                "# epoch 0: the initial weights, the same for every loss",
                "scores = {cfg.loss: float(np.mean(r.snapshots[0].predict(ds.X_test) == "
                "ds.y_test)) for cfg, r in zip(configs, results)}",
            ]
        else:
            at = "-1" if epoch is None else f"min({epoch}, r.epochs_run) - 1"
            lines += [
                "# a run that diverged: its last finite epoch, as the table shows it",
                f"scores = {{cfg.loss: float(r.history[{key!r}][{at}]) for cfg, r in "
                "zip(configs, results)}",
            ]
    lines += _report(table, metric, n_seeds)
    return _join(lines)


def _join(lines: Sequence[str]) -> str:
    text = "\n".join(lines).lstrip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


# --------------------------------------------------------------------------- PyTorch

_TORCH_FIT = '''
ACTIVATION = {
    "tanh": torch.nn.Tanh,
    "relu": torch.nn.ReLU,
    "sigmoid": torch.nn.Sigmoid,
    "identity": torch.nn.Identity,
}


def fit(ds, cfg):
    """One run as core.train trains it; returns the test metric after epochs 0, 1, ...
    (up to the last finite one) and the epoch it diverged at (None if it did not)."""
    dtype = torch.float32 if cfg.dtype == "float32" else torch.float64
    sizes = train.layer_sizes(ds, cfg)
    init = models.init_params(sizes, cfg.activation, cfg.seed, cfg.dtype)  # core's weights
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1], dtype=dtype)
        with torch.no_grad():  # core computes a @ W + b, nn.Linear a @ weight.T + bias
            linear.weight.copy_(torch.from_numpy(init[2 * i].T.copy()))
            linear.bias.copy_(torch.from_numpy(init[2 * i + 1]))
        layers += [linear] + ([ACTIVATION[cfg.activation]()] if i < len(sizes) - 2 else [])
    model = torch.nn.Sequential(*layers)
    classification = ds.task == "classification"

    def tensors(X, y):
        X = torch.tensor(X, dtype=dtype)
        if not classification:
            return X, torch.tensor(y, dtype=dtype), None
        y = torch.tensor(y, dtype=torch.long)
        return X, y, F.one_hot(y, ds.n_classes).to(dtype)

    (X, y, Y), (Xt, yt, Yt) = tensors(ds.X_train, ds.y_train), tensors(ds.X_test, ds.y_test)
    loss_fn = functools.partial(PER_SAMPLE[cfg.loss], **cfg.loss_params)

    def out(X):
        z = model(X)
        return z if classification or y.ndim == 2 else z[:, 0]

    def risk(X, y, Y):  # the mean per-sample loss
        return (loss_fn(out(X), y, Y) if classification else loss_fn(out(X), y)).mean()

    def score():  # test accuracy (argmax: the first on ties, as core) or RMSE
        with torch.no_grad():
            z = out(Xt)
            if classification:
                return float((z.argmax(1) == yt).double().mean())
            return float(((z - yt) ** 2).mean().sqrt())

    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    opt = {
        "sgd": lambda: torch.optim.SGD(model.parameters(), lr=cfg.lr),
        "momentum": lambda: torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9),
        "adam": lambda: torch.optim.Adam(model.parameters(), lr=cfg.lr, eps=1e-8),
    }[cfg.optimizer]()
    n = len(X)
    order_rng = np.random.default_rng([cfg.seed, 1])  # core's mini-batch order
    with torch.no_grad():
        start = risk(X, y, Y).item()
    history = [score()]
    for epoch in range(1, cfg.epochs + 1):
        if cfg.batch_size is None or cfg.batch_size >= n:
            batches = [slice(None)]
        else:
            order = torch.from_numpy(order_rng.permutation(n))
            batches = [order[s : s + cfg.batch_size] for s in range(0, n, cfg.batch_size)]
        for rows in batches:
            opt.zero_grad()
            loss = risk(X[rows], y[rows], None if Y is None else Y[rows])
            if cfg.l2:  # core: + l2/2 ||W||^2 over the weight matrices, not the biases
                loss = loss + cfg.l2 / 2 * sum((w * w).sum() for w in weights)
            loss.backward()
            opt.step()
        with torch.no_grad():
            train_loss, test_loss = risk(X, y, Y).item(), risk(Xt, yt, Yt).item()
        finite = math.isfinite(train_loss) and math.isfinite(test_loss)
        if not finite or train_loss > 1e8 * max(start, 1.0):  # core's divergence rule
            return history, epoch
        history.append(score())
    return history, None
'''


def torch_snippet(
    data: Any,
    configs: Sequence[train.TrainConfig],
    *,
    flip: float = 0.0,
    corruption: Mapping[str, Any] | None = None,
    n_seeds: int = 1,
    table: str | None = None,
    epoch: int | None = None,
    task: str | None = None,
    changes: str = "",
) -> str:
    """The same training in PyTorch (arguments as :func:`core_snippet`); prints what the
    core snippet prints. Needs ``torch`` next to this repository's ``core`` (for the data, the
    initial weights and the configs)."""
    table = table or infer_table(n_seeds, corruption)
    _check(table, n_seeds, epoch)
    head = [
        "import dataclasses",
        "import functools",
        "import math",
        "",
        "import numpy as np",
        "import torch",
        "import torch.nn.functional as F",
        "",
    ]
    lines = head + _setup(data, configs, flip, corruption, {"models"}, changes)
    lines += ["torch.set_num_threads(1)  # tiny models: more threads cost more than they gain"]
    lines += ["", "", "# Each loss as its card in core.losses writes it for PyTorch"]
    names: list[str] = []
    task = _task(configs, task)
    for cfg in configs:
        loss = losses.get(cfg.loss, task)
        if cfg.loss in names:
            continue
        source = losses.torch_source(loss, name=cfg.loss)
        if source is None:
            lines += [
                f"# {cfg.loss}: core only, no PyTorch counterpart (the core snippet trains it)"
            ]
            continue
        lines += ["", "", *source.rstrip("\n").splitlines()]
        names.append(cfg.loss)
    lines += ["", "", "PER_SAMPLE = {" + ", ".join(f"{n!r}: {n}" for n in names) + "}"]
    lines += _TORCH_FIT.rstrip("\n").split("\n")
    lines += ["", ""]
    if table == "training":
        first = configs[0].seed
        lines += [
            "finals = {cfg.loss: [] for cfg in configs if cfg.loss in PER_SAMPLE}",
            "diverged = {loss: 0 for loss in finals}",
            f"for seed in range({first}, {first + n_seeds}):",
            "    for cfg in configs:",
            "        if cfg.loss in PER_SAMPLE:",
            "            history, gone = fit(ds, dataclasses.replace(cfg, seed=seed))",
            "            if gone:  # the table leaves a diverged run out of the mean",
            "                diverged[cfg.loss] += 1",
            "            else:",
            "                finals[cfg.loss].append(history[-1])",
            "scores = {loss: float(np.mean(v)) if v else math.nan for loss, v in finals.items()}",
        ]
    else:
        pick = "history[-1]"  # the last finite epoch
        if table == "robustness":
            pick = "math.nan if diverged[cfg.loss] else history[-1]"
        elif epoch is not None:
            pick = f"history[min({epoch}, len(history) - 1)]"
        lines += [
            "scores, diverged = {}, {}",
            "for cfg in configs:",
            "    if cfg.loss in PER_SAMPLE:",
            "        history, diverged[cfg.loss] = fit(ds, cfg)",
            f"        scores[cfg.loss] = {pick}",
        ]
    lines += _report(table, _metric(table, task), n_seeds)
    lines += [
        "for cfg in configs:",
        "    if cfg.loss not in PER_SAMPLE:",
        "        print(f'{cfg.loss}: core only (no PyTorch counterpart): see the core snippet')",
    ]
    return _join(lines)
