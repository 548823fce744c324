"""Loss reference page (AppTest): every registered loss, filters, the survey's names."""

from __future__ import annotations

import inspect

import pytest

from core import losses
from views import reference as ref

PAGE = "pages/8_Loss_reference.py"


def test_every_loss_has_a_card_and_a_row(app):
    at = app(PAGE)
    every = losses.all_losses()
    table = at.dataframe[0].value
    assert len(table) == len(every)
    assert list(zip(table["task"], table["name"], strict=True)) == [(x.task, x.name) for x in every]
    cards = [e for e in at.expander if e.label.startswith("**")]  # not "Download"
    assert len(cards) == len(every)
    assert len(at.latex) == 2 * len(every)
    codes = [c.value.strip() for c in at.code]
    for loss in every:
        assert inspect.getsource(loss.fn).strip() in codes
    latex = {x.value.strip("$\n") for x in at.latex}  # st.latex wraps in $$ ... $$
    assert all(x.formula_latex in latex and x.grad_latex in latex for x in every)
    assert at.subheader[0].value == f"{len(every)} of {len(every)} losses"


def test_hyperparameters_show_defaults_and_intervals(app):
    at = app(PAGE)
    table = at.dataframe[0].value.set_index("name")
    huber = losses.get("huber", "regression")
    assert table.loc["huber", "hyperparameters"] == "delta = 1 in (0, inf)"
    assert huber.hyperparameters[0].interval == "(0, inf)"


def test_survey_table_covers_every_named_loss(app):
    # The survey is named on screen by its subject, not by its file's number.
    at = app(PAGE)
    article = at.table[0].value.reset_index()
    apis = " ".join(article[ref.SURVEY_API])
    for name in [
        "BinaryCrossentropy",
        "BCEWithLogitsLoss",
        "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy",
        "CrossEntropyLoss",
        "KLDivergence",
        "KLDivLoss",
        "MeanAbsoluteError",
        "L1Loss",
        "MAPE",
        "Huber",
        "SmoothL1Loss",
        "MeanSquaredError",
        "MSELoss",
        "MSLE",
        "Hinge",
        "SquaredHinge",
        "CategoricalHinge",
        "HingeEmbeddingLoss",
        "CosineSimilarity",
        "CosineEmbeddingLoss",
    ]:
        assert name in apis
    examples = dict(
        zip(article[ref.SURVEY_API], article["worked example (computed now)"], strict=True)
    )
    assert (
        "Huber = 4, SmoothL1 = 2 (ratio 2 = δ)" in examples["PyTorch SmoothL1Loss, smooth_l1_loss"]
    )
    assert (
        "gives +1"
        in examples["TF CosineSimilarity, cosine_similarity; PyTorch CosineEmbeddingLoss"]
    )
    assert "gives 50" in examples["TF MAPE, MeanAbsolutePercentageError"]
    assert "gradients identical" in examples["TF KLD, KLDivergence; PyTorch KLDivLoss"]
    assert f"All {len(ref.SURVEY_NAMES)} losses named in the survey" in at.info[-1].value


def test_filters_search_and_toggle(app):
    at = app(PAGE)
    at.multiselect(key="tasks").set_value(["regression"]).run()
    assert set(at.dataframe[0].value["task"]) == {"regression"}
    at.multiselect(key="props").set_value(["robust", "convex"]).run()
    table = at.dataframe[0].value
    expected = [
        x.name
        for x in losses.all_losses()
        if x.task == "regression" and x.properties["robust"] and x.properties["convex"]
    ]
    assert table["name"].tolist() == expected
    assert at.subheader[0].value.startswith(f"{len(expected)} of")
    at.text_input(key="q").set_value("huber").run()
    assert "huber" in at.dataframe[0].value["name"].tolist()
    at.toggle(key="open").set_value(True).run()
    assert all(e.proto.expanded for e in at.expander)


def test_no_match_is_a_warning_not_a_crash(app):
    at = app(PAGE, {"q": "no such loss anywhere"})
    assert any("No registered loss matches" in w.value for w in at.warning)
    assert at.subheader[0].value.startswith("0 of")


def test_url_filters_restore_and_bad_values_get_a_notice(app):
    at = app(PAGE, {"tasks": ["classification"], "props": ["calibrated"]})
    names = at.dataframe[0].value["name"].tolist()
    assert names == [
        x.name
        for x in losses.all_losses()
        if x.task == "classification" and x.properties["calibrated"]
    ]
    at = app(PAGE, {"tasks": ["quantum"]})
    assert any("`tasks=" in w.value for w in at.warning)


def test_preset_robust_regression(app):
    at = app(PAGE)
    labels = [b.label for b in at.button]
    at.button[labels.index("Robust regression losses")].click().run()
    table = at.dataframe[0].value
    assert set(table["task"]) == {"regression"} and table["robust"].all()


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_matches_finds_each_loss_by_name(loss):
    assert ref.matches(loss, loss.name, list(losses.TASKS), [])
    assert not ref.matches(loss, loss.name + " zzz", list(losses.TASKS), [])


def test_each_card_shows_its_pytorch_code_or_says_core_only(app):
    # the same code the Reproduce loops run (one place: the card), shown as code
    at = app(PAGE, {"open": "true"})
    shown = {c.value for c in at.code}
    for loss in losses.all_losses():
        code = ref.torch_code(loss)
        if code is None:
            assert any("trains this loss with core only" in c.value for c in at.caption), loss.name
        else:
            assert code.rstrip("\n") in shown, loss.name
    outputs = [c.value for c in at.caption if c.value.startswith("Reads its output: ")]
    assert len(outputs) == len(losses.all_losses())


@pytest.mark.parametrize("loss", losses.all_losses(), ids=lambda x: f"{x.task}/{x.name}")
def test_matches_finds_each_loss_by_its_short_label(loss):
    assert ref.matches(loss, loss.short, [loss.task], [])
