"""present.reproduce: the snippets are valid Python, quote untrusted names, and name the losses."""

from __future__ import annotations

import ast
import contextlib
import io
import math
from typing import ClassVar

import numpy as np
import pytest

from core import losses, models, train
from core.experiment import DataChoice
from present import reproduce


class _Upload:
    """Stands for ui.upload.UploadChoice (what data_code reads of it)."""

    name = "upload"
    filename = "x'); import os; os.system('rm -rf /'); ('.csv"
    options: ClassVar[dict] = {
        "target": "<img src=x>",
        "features": ['a"b', "c"],
        "task": "classification",
        "view": "pca",
        "drop_missing": False,
        "test_fraction": 0.3,
        "seed": 0,
    }
    kwargs: ClassVar[dict] = {"seed": 0, "test_fraction": 0.3}


def _calls(code: str) -> list[str]:
    return [ast.unparse(n.func) for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]


def test_config_code_lists_only_what_differs_from_the_defaults():
    cfg = train.TrainConfig(loss="hinge", hidden=(8,), lr=0.05, snapshot_epochs=(0, 5))
    assert reproduce.config_code(cfg, indent="") == (
        "train.TrainConfig(loss='hinge', hidden=(8,), lr=0.05),"
    )


def test_uploaded_names_are_string_literals_not_code():
    code = reproduce.core_snippet(_Upload(), [train.TrainConfig(epochs=5)])
    tree = ast.parse(code)  # valid Python
    calls = _calls(code)
    assert "os.system" not in calls and calls.count("tabular.load_csv") == 1
    load = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "tabular.load_csv"
    )
    assert ast.literal_eval(load.args[0]) == _Upload.filename
    kw = {k.arg: ast.literal_eval(k.value) for k in load.keywords}
    assert kw["target"] == "<img src=x>" and kw["features"] == ['a"b', "c"]


def test_seeds_and_corruption_variants_are_valid_python():
    data = DataChoice("moons", (("n_samples", 100),))
    cfgs = [train.TrainConfig(loss=n, epochs=3) for n in ("cross_entropy", "mae")]
    for view in (
        {"n_seeds": 3},
        {"flip": 0.2},
        {"corruption": {"kind": "pair", "rate": 0.2, "magnitude": 0.0, "seed": 0}},
    ):
        code = reproduce.core_snippet(data, cfgs, **view)
        ast.parse(code)
        assert "scores = " in code and "train.fit_many(" in code


def test_torch_snippet_is_python_with_each_losss_card_code():
    data = DataChoice("blobs", ())
    cfgs = [
        train.TrainConfig(loss=n, hidden=(16,), l2=0.01, batch_size=32)
        for n in ("cross_entropy", "multi_margin", "focal")
    ]
    code = reproduce.torch_snippet(data, cfgs, table="boundaries")
    ast.parse(code)
    for c in cfgs:  # each loss's code from its card, named by the loss, in PER_SAMPLE
        source = losses.torch_source(losses.get(c.loss, "classification"), name=c.loss)
        assert source.rstrip("\n") in code
    assert "PER_SAMPLE = {'cross_entropy': cross_entropy, 'multi_margin': multi_margin, " in code
    # core's weights, core's batch order, core's divergence rule, the test split evaluated
    assert "models.init_params(sizes, cfg.activation, cfg.seed, cfg.dtype)" in code
    assert "np.random.default_rng([cfg.seed, 1])" in code
    assert "1e8 * max(start, 1.0)" in code and "score()" in code
    assert "cfg.l2 / 2 * sum((w * w).sum() for w in weights)" in code
    assert "train.TrainConfig(loss='focal', hidden=(16,), batch_size=32, l2=0.01)," in code


def test_torch_regression_snippet():
    data = DataChoice("linear_1d", ())
    code = reproduce.torch_snippet(
        data,
        [train.TrainConfig(loss="huber", hidden=())],
        table="robustness",
        corruption={"kind": "response", "rate": 0.2, "magnitude": 8.0, "seed": 0},
        task="regression",
    )
    ast.parse(code)
    assert 'return F.huber_loss(z, y, delta=delta, reduction="none")' in code
    assert "def huber(z, y, delta=1.0):" in code
    assert "clean-test RMSE (std. units)" in code and "math.nan if diverged" in code


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_loss_has_pytorch_code_or_the_snippet_says_core_only(task):
    for name in losses.names(task):
        loss = losses.get(name, task)
        cfgs = [train.TrainConfig(loss=name, hidden=(), epochs=2)]
        code = reproduce.torch_snippet(DataChoice("moons", ()), cfgs, table="boundaries", task=task)
        ast.parse(code)
        if loss.torch is None:
            assert f"# {name}: core only, no PyTorch counterpart" in code
            assert "PER_SAMPLE = {}" in code  # nothing to look up: no KeyError
        else:
            assert f"def {name}(" in code and f"{name!r}: {name}" in code


def test_training_table_reports_a_diverged_loss_as_the_table_does():
    # every seed of square loss on logits diverges at lr 8: the table shows "—" and "3 of 3"
    data = DataChoice("moons", ())
    cfgs = [
        train.TrainConfig(loss=n, hidden=(), optimizer="sgd", lr=8.0, epochs=100, dtype="float32")
        for n in ("cross_entropy", "square_logits")
    ]
    code = reproduce.core_snippet(data, cfgs, n_seeds=3, table="training")
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), namespace)
    assert math.isnan(namespace["scores"]["square_logits"])
    assert "square_logits: final test accuracy (mean over seeds) —, diverged in 3 of 3 seeds" in (
        out.getvalue()
    )


def test_boundaries_snippet_at_an_epoch_reads_that_epoch():
    data = DataChoice("moons", (("n_samples", 100),))
    cfg = train.TrainConfig(loss="cross_entropy", hidden=(4,), epochs=30)
    ds = data.load()
    history = train.fit(ds, cfg).history["test_accuracy"]
    initial = models.MLP(
        models.init_params(train.layer_sizes(ds, cfg), cfg.activation, cfg.seed),
        "tanh",
        "classification",
    )
    at_start = float(np.mean(initial.predict(ds.X_test) == ds.y_test))
    for epoch, expected in ((7, history[6]), (30, history[-1]), (0, at_start)):
        code = reproduce.core_snippet(data, [cfg], table="boundaries", epoch=epoch)
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "<snippet>", "exec"), namespace)
        assert namespace["scores"]["cross_entropy"] == expected, epoch


def test_a_view_with_a_table_it_cannot_show_is_refused():
    data = DataChoice("moons", ())
    cfgs = [train.TrainConfig()]
    with pytest.raises(ValueError, match="table must be one of"):
        reproduce.core_snippet(data, cfgs, table="home")
    with pytest.raises(ValueError, match="n_seeds must be 1"):
        reproduce.core_snippet(data, cfgs, table="boundaries", n_seeds=3)
    with pytest.raises(ValueError, match="epoch is only shown"):
        reproduce.core_snippet(data, cfgs, table="training", epoch=3)


def test_an_edited_view_reproduces_on_the_edited_points():
    """The snippet applies the link's edits (core.edits) after the corruption, and runs."""
    from core import datasets, edits

    data = DataChoice("moons", (("n_samples", 60),))
    cfgs = [train.TrainConfig(loss=n, hidden=(4,), epochs=5) for n in ("cross_entropy", "mae")]
    text = "1.a500_-500_1.d3"
    code = reproduce.core_snippet(data, cfgs, changes=text)
    assert "edits.apply(ds, edits.decode('1.a500_-500_1.d3'))" in code
    space: dict = {}
    exec(compile(code, "<snippet>", "exec"), space)  # the code this app generates
    ds = edits.apply(datasets.load("moons", n_samples=60), edits.decode(text))
    want = {r.config.loss: r.history["test_accuracy"][-1] for r in train.fit_many(ds, cfgs)}
    assert space["scores"] == want
