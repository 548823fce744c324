"""ui.reproduce: the snippets are valid Python, quote untrusted names, and name the losses."""

from __future__ import annotations

import ast
from typing import ClassVar

from core import train
from core.experiment import DataChoice
from ui import reproduce


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


def test_torch_snippet_is_python_with_each_loss_equivalent():
    ds = DataChoice("blobs", ()).load()
    cfgs = [
        train.TrainConfig(loss=n, hidden=(16,), l2=0.01, batch_size=32)
        for n in ("cross_entropy", "multi_margin", "focal")
    ]
    code = reproduce.torch_snippet(ds, cfgs)
    ast.parse(code)
    assert "F.cross_entropy(z, y, reduction='none')" in code
    assert "F.multi_margin_loss(z, y, margin=1.0, reduction='none')" in code
    assert "# focal: no multiclass built-in" in code  # the registry's note, no fake code
    assert "torch.nn.Linear(2, 16)" in code and "torch.nn.Linear(16, 3)" in code
    assert "mini-batches of 32" in code and "0.005 * sum(" in code


def test_torch_regression_snippet():
    ds = DataChoice("linear_1d", ()).load()
    code = reproduce.torch_snippet(ds, [train.TrainConfig(loss="huber", hidden=())])
    ast.parse(code)
    assert "F.huber_loss(z, y, delta=1.0, reduction='none')" in code
    assert "z = model(X)[:, 0]" in code and "torch.nn.Linear(1, 1)" in code


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
