"""Experiments a student cannot be misled by: switching data resets its corruption, switching
optimizer proposes (never imposes) its learning rate, and two tabs showing the same runs say
where their numbers differ."""

from __future__ import annotations

import dataclasses

import pytest

from present import wording
from ui import comparison, controls, upload
from views import boundaries as ub
from views import training as ut

DB = "pages/5_Decision_boundaries.py"
OUTLIERS = "pages/7_Outlier_robustness.py"


def test_switching_to_the_csv_resets_the_label_flips_and_says_so(app):
    at = app(DB)
    at.slider(key="flip").set_value(0.3).run()
    at.segmented_control(key="source").set_value(upload.OWN).run()
    assert at.session_state["flip"] == ub.DEFAULTS["flip"] == 0.0
    assert [t.value for t in at.toast] == [
        "New data: its corruption settings start again from their defaults."
    ]
    at.segmented_control(key="source").set_value(upload.BUILT_IN).run()
    assert at.slider(key="flip").value == 0.0
    assert not at.toast  # nothing was changed this time: nothing to say


@pytest.mark.parametrize(
    ("task", "changed"),
    [("regression", {"frac": 0.35, "mag": -3.0}), ("classification", {"rate": 0.1})],
)
def test_switching_data_resets_the_outliers_and_flips(app, task, changed):
    from views import robustness as ur

    at = app(OUTLIERS, {"task": task, "sweep": "false"})
    for k, v in changed.items():
        at.slider(key=k).set_value(v).run()
    prefix = "r" if task == "regression" else "c"
    at.segmented_control(key=f"{prefix}source").set_value(upload.OWN).run()
    assert {k: at.session_state[k] for k in changed} == {k: ur.DEFAULTS[k] for k in changed}


def test_switching_optimizer_proposes_its_learning_rate_and_keeps_the_users(app):
    at = app(DB)
    at.number_input(key="lr").set_value(0.02).run()
    at.selectbox(key="opt").set_value("sgd").run()
    assert at.number_input(key="lr").value == 0.02  # never changed without a click
    assert "sgd usually starts from learning rate 0.1; this view keeps 0.02." in [
        c.value for c in at.sidebar.caption
    ]
    at.sidebar.button(key="lr_usual").click().run()
    assert at.number_input(key="lr").value == controls.USUAL_LR["sgd"] == 0.1
    assert at.query_params["lr"] in ("0.1", ["0.1"])
    assert not [b for b in at.sidebar.button if b.key == "lr_usual"]  # proposal taken


def test_a_preset_switching_optimizer_proposes_nothing(app):
    at = app("pages/6_Training_curves.py")
    labels = list(ut.PRESETS)
    at.button(key=f"preset_{labels.index('MSE is slow (digits, plain SGD)')}").click().run()
    assert at.selectbox(key="opt").value == "sgd"
    assert not [b for b in at.sidebar.button if b.key == "lr_usual"]


def test_training_curves_says_what_decision_boundaries_shows_of_the_same_runs(app):
    at = app("pages/6_Training_curves.py")
    (note,) = [c.value for c in at.caption if "Decision boundaries shows" in c.value]
    # Decision boundaries trains in float64 and this page in float32: the note quotes none of
    # that page's numbers as this page's, and says why they can differ
    assert comparison.DTYPE == "float64" and ut.DTYPE == "float32"
    assert "trained from seed 0 for 150 epochs in float64" in note
    assert "this page trains in float32" in note and "rounding alone" in note
    assert "%" not in note
    assert "goes on to epoch 200" in note and "mean over 3 seeds" in note
    # in one precision the note quotes this page's first seed at that page's last epoch
    key = ut.comparison(
        controls.data_choice(ub.DEFAULTS), controls.model_choice(ub.DEFAULTS), ub.DEFAULTS["losses"]
    )
    longer = key.replace(model=dataclasses.replace(key.model, epochs=200))
    runs = ut.fit_seeds(longer, 1)
    same = ut.other_page_note(longer, 1, runs, key, "Decision boundaries", other_dtype=ut.DTYPE)
    for name in key.losses:
        acc = wording.pct(float(runs[0].histories[name]["test_accuracy"][149]))
        assert f"{ut.identity.short(name)} {acc}" in same
    other = app("pages/6_Training_curves.py", {"epochs": "100"})  # not that page's runs
    assert not [c for c in other.caption if "Decision boundaries shows" in c.value]
