"""The one work budget on every page that trains (AppTest): a link over it is refused before
any training with a message naming settings that would fit, and each named setting, applied
to the link, is admitted by the same page.

Admitted views are not trained here: the budget check is wrapped so that, once it admits a
view, the page stops (the check's decision is what is tested; ``benchmarks/budget.py``
measures what admitted views cost).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
import streamlit as st

from core import losses
from tests.app.uploads import with_upload
from ui import controls
from views import robustness

EIGHT = ["cross_entropy", "mse", "mae", "hinge", "squared_hinge", "multi_margin", "focal", "gce"]
DB = "pages/5_Decision_boundaries.py"
TC = "pages/6_Training_curves.py"
RB = "pages/7_Outlier_robustness.py"


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every budget decision the page makes; an admitted view stops right after it."""
    seen: list[bool] = []
    real = controls.within_budget

    def check(key, shape, work, **kwargs) -> bool:
        ok = real(key, shape, work, **kwargs)
        seen.append(ok)
        if ok and work is not robustness.fit_work:  # the sweep's check comes after the fit
            st.stop()
        return ok

    monkeypatch.setattr(controls, "within_budget", check)
    return seen


def suggestions(message: str) -> list[dict[str, str]]:
    """The changes an over-budget message names: ``[{label: new value}, ...]``."""
    assert controls.OVER_BUDGET in message, message
    m = re.search(r"(Any one of these|Together, these) would fit: (.*)\.$", message)
    assert m, message
    items = m.group(2).split("; or ") if m.group(1).startswith("Any") else [m.group(2)]
    out = []
    for item in items:
        change = {}
        for part in item.split(", "):
            label, _old, arrow, new = part.rsplit(" ", 3)
            assert arrow == "→", part
            change[label] = new.replace(",", "")
        out.append(change)
    return out


def applied(
    query: Mapping[str, object], change: Mapping[str, str], keys: Mapping[str, str], task: str
) -> dict[str, object]:
    """``query`` with ``change`` (message labels) written to the page's URL keys."""
    out = dict(query)
    for label, value in change.items():
        key = keys[label]
        if label == "losses":
            chosen = out.get(key) or []
            out[key] = [n for n in losses.names(task) if n in chosen][: int(value)]
        else:
            out[key] = value
    return out


def _refused(at) -> str:
    errors = [e.value for e in at.error if controls.OVER_BUDGET in e.value]
    assert len(errors) == 1, [e.value for e in at.error]
    assert not at.dataframe and not at.get("vega_lite_chart")  # nothing was trained
    return errors[0]


DB_KEYS = {
    "epochs": "epochs",
    "width": "width",
    "hidden layers": "layers",
    "batch size": "batch",
    "points": "spirals_n_samples",
    "losses": "losses",
}
HEAVY_DB = {
    "probe (900 epochs)": {
        "dataset": "spirals",
        "spirals_n_samples": "20",
        "layers": "3",
        "width": "256",
        "epochs": "900",
        "losses": EIGHT,
    },
    "probe (888 epochs, batch 8)": {
        "dataset": "spirals",
        "spirals_n_samples": "20",
        "layers": "3",
        "width": "256",
        "epochs": "888",
        "batch": "8",
        "losses": EIGHT,
    },
    "every control at its maximum": {
        "dataset": "spirals",
        "spirals_n_samples": "5000",
        "layers": "3",
        "width": "256",
        "epochs": "2000",
        "batch": "8",
        "losses": EIGHT,
    },
}


@pytest.mark.parametrize("name", list(HEAVY_DB))
def test_decision_boundaries_names_settings_that_fit(app, decisions, name):
    query = HEAVY_DB[name]
    message = _refused(app(DB, query, timeout=30))
    assert decisions == [False]
    changes = suggestions(message)
    assert changes
    for change in changes:
        decisions.clear()
        app(DB, applied(query, change, DB_KEYS, "classification"), timeout=30)
        assert decisions == [True], (change, decisions)


def test_training_curves_names_settings_that_fit(app, decisions):
    query = {"dataset": "digits", "layers": "3", "width": "256", "epochs": "1000", "seeds": "10"}
    message = _refused(app(TC, query, timeout=30))
    keys = {**DB_KEYS, "seeds": "seeds", "points": "digits_n_samples"}
    query["losses"] = ["cross_entropy", "mse", "mae", "hinge"]  # the page's default
    for change in suggestions(message):
        decisions.clear()
        app(TC, applied(query, change, keys, "classification"), timeout=30)
        assert decisions == [True], (change, decisions)


RB_KEYS = {
    "epochs": "repochs",
    "model": "rmodel",
    "losses": "rlosses",
    "points": "rlinear_1d_n_samples",
    "seeds": "seeds",
    "rates": "nrates",
}


def test_outlier_robustness_sweep_names_settings_that_fit(app, decisions):
    # the fit is admitted (and trained); the fit with its sweep of 5 seeds x 7 rates is not
    query = {"rlinear_1d_n_samples": "5000", "rmodel": "16", "repochs": "300", "seeds": "5"}
    query |= {"nrates": "7", "sweep": "true"}
    at = app(RB, query, timeout=120)
    assert decisions == [True, False]
    message = [e.value for e in at.error if controls.OVER_BUDGET in e.value]
    assert len(message) == 1
    query["rlosses"] = list(robustness.REGRESSION_LOSSES)  # the page's default
    for change in suggestions(message[0]):
        decisions.clear()
        app(RB, applied(query, change, RB_KEYS, "regression"), timeout=120)
        assert decisions == [True, True], (change, decisions)


def _labelled_csv(rows: int) -> bytes:
    lines = ["a,b,label"] + [
        f"{(i % 997) / 99:.3f},{(i * 7919) % 1000 / 100:.3f},{'xy'[(i * 31) % 7 > 3]}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_outlier_robustness_fit_on_a_large_upload_is_refused_before_training(app, decisions):
    # the probe's file: 20,000 rows with class labels, eight losses, 500 epochs (the page's
    # model: one hidden layer of 16)
    query = {"task": "classification", "cepochs": "500", "closses": EIGHT, "sweep": "false"}
    at = with_upload(RB, _labelled_csv(20_000), query, prefix="c")
    message = _refused(at)
    assert decisions == [False]
    keys = {**RB_KEYS, "epochs": "cepochs", "model": "cmodel", "losses": "closses"}
    for change in suggestions(message):
        decisions.clear()
        changed = applied(query, change, keys, "classification")
        with_upload(RB, _labelled_csv(20_000), changed, prefix="c")
        assert decisions[:1] == [True], (change, decisions)


def test_the_message_names_each_settings_old_and_new_value():
    from core import cost

    work = cost.Work(views=100)
    text = controls.budget_message(
        work,
        {"width": 256, "epochs": 888, "batch": 8},
        [{"width": 64}, {"epochs": 200}, {"batch": None}],
    )
    assert "width 256 → 64; or epochs 888 → 200; or batch size 8 → full." in text
    assert f"{work.seconds:,.0f} s" in text
    both = controls.budget_message(
        work, {"width": 256, "epochs": 888}, [{"width": 8, "epochs": 100}]
    )
    assert "Together, these would fit: width 256 → 8, epochs 888 → 100." in both
    none = controls.budget_message(work, {"width": 256}, [])
    assert "use a smaller file" in none
