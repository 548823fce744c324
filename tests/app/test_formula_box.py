"""The formula box on every page that chooses losses (AppTest): a typed formula is drawn and
trained beside the built-ins, a refusal is shown and the page works, a link's hostile formula
opens the page with its notice, the parameter sliders reach the numbers, nothing typed runs.

The trained comparisons write a built-in loss by hand (hinge as ``max(0, 1 - m)``, MAE as
``abs(r)``): the same arithmetic from the same initial weights on the same batches, so the
formula's row must equal the built-in's — what "trains beside the built-ins" means, checked.
"""

from __future__ import annotations

import builtins
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core import formula
from present import identity, payloads
from tests.app import takeaways
from ui import formula_box

CURVES = "pages/1_Loss_curves.py"
BOUNDARIES = "pages/5_Decision_boundaries.py"
TRAINING = "pages/6_Training_curves.py"
ROBUSTNESS = "pages/7_Outlier_robustness.py"
REFERENCE = "pages/8_Loss_reference.py"
#: Small views (fast): few epochs, one seed, no sweep.
FAST_BOUNDARIES = {"dataset": "moons", "epochs": "20", "layers": "1", "width": "8"}
FAST_TRAINING = {"dataset": "moons", "epochs": "15", "layers": "1", "width": "8", "seeds": "2"}
FAST_ROBUSTNESS = {"repochs": "40", "seeds": "1", "nrates": "3", "sweep": "false"}

#: Ten hostile texts for a link, each with a fragment of the message the page shows.
HOSTILE_LINKS = [
    ("__import__('os').system('echo pwned')", "attribute access (.system)"),
    ("m.__class__.__bases__", "attribute access"),
    ("lambda m: m", "lambda is not allowed"),
    ("[m for m in range(10)]", "comprehensions are not allowed"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("9**9**9", "an exponent may not contain a power"),
    ("exp(" * 30 + "m" + ")" * 30, "nested too deeply"),
    ("m" * 10_000, "at most 520 characters"),
    ("1 - tanh(m\u0435)", "U+0435 CYRILLIC SMALL LETTER IE"),
    ("abs(r)\x00", "a control character (U+0000)"),
    ("m; [click](https://example.com) = 1 in [0, 1]", "declaration 1 (after ';' number 1"),
    ("<img src=x onerror=alert(1)>", "not a formula"),
]


def _id(text: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() else "?" for c in text)[:28]


def shown(markdown: str) -> str:
    """What a Markdown element shows of escaped text: the backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", markdown)


def chart_data(at, index: int) -> pd.DataFrame:
    element = at.get("vega_lite_chart")[index]
    for d in element.proto.datasets:
        df = convert_arrow_bytes_to_pandas_df(d.data.data)
        if "loss" in df.columns:
            return df
    raise AssertionError("no data with a 'loss' column in the chart")


def frame_rows(at, column: str) -> dict[str, pd.Series]:
    """The rows of the first table with ``column``, by its ``loss`` / ``trained with``."""
    for df in at.dataframe:
        table = df.value
        if column in table.columns:
            key = "loss" if "loss" in table.columns else table.columns[0]
            rows = {str(r[key]): r for _, r in table.iterrows()}
            return {k: r for k, r in rows.items() if not k.startswith("baseline: ")}
    raise AssertionError(f"no table with {column!r}")


# --------------------------------------------------------------------------- Loss curves


def test_a_typed_formula_is_drawn_beside_the_built_ins_with_its_gradient(app) -> None:
    at = app(CURVES)
    at.text_input(key="formula").input("1 - tanh(m)").run()
    assert not at.exception and not at.error
    values, grads = chart_data(at, 0), chart_data(at, 1)
    mine = values[values["loss"] == formula.SHORT]
    x = mine["x"].to_numpy()
    np.testing.assert_allclose(mine["value"], 1 - np.tanh(x), rtol=1e-12)
    slope = grads[grads["loss"] == formula.SHORT]["gradient"].to_numpy()
    np.testing.assert_allclose(slope, -(1 - np.tanh(x) ** 2), rtol=1e-9, atol=1e-15)
    assert {identity.short("cross_entropy"), formula.SHORT} <= set(values["loss"])
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert identity.FORMULA_COLOR in json.dumps(spec)  # drawn in its own colour
    assert "your loss -0.00987 vs -0.00987" in takeaways.text(at)  # 1 - tanh(3)^2, both sides
    latex = [e.value for e in at.get("latex")]
    assert any(r"1 - \tanh" in t for t in latex) and any(
        r"\tanh\left(m\right)^{2}" in t for t in latex
    )
    found = shown(next(m.value for m in at.markdown if "**Convex:**" in m.value))
    assert (
        "Not convex" in found and "Bounded above on the grid: its largest value there is 2" in found
    )


def test_a_typed_refusal_is_shown_and_the_page_keeps_working(app) -> None:
    at = app(CURVES)
    at.text_input(key="formula").input("m^2").run()
    errors = [shown(e.value) for e in at.error]
    assert errors == [
        "Your loss is not used: ^ is not a power here: write ** for powers (m**2) (at character 1)"
    ]
    assert not at.warning  # typed, not from a link: no link notice
    assert len(at.get("vega_lite_chart")) >= 2
    assert formula.SHORT not in set(chart_data(at, 0)["loss"])


def test_a_formula_of_the_other_task_says_so(app) -> None:
    at = app(CURVES, {"formula": "abs(r)"})
    assert "this formula is for regression" in shown(at.warning[0].value)  # a link: its notice
    at.radio(key="task").set_value("regression").run()
    assert not at.error
    assert formula.SHORT in set(chart_data(at, 0)["loss"])


def test_the_parameter_slider_has_the_students_range_and_moves_the_curve(app) -> None:
    text = "abs(r) - delta; delta = 1 in [0.1, 5]"
    at = app(CURVES, {"task": "regression", "formula": text})
    slider = at.slider(key="formula_delta")
    assert (slider.min, slider.max, slider.value) == (0.1, 5.0, 1.0)
    slider.set_value(3.0).run()
    values = chart_data(at, 0)
    mine = values[values["loss"] == f"{formula.SHORT} (delta=3)"]
    np.testing.assert_allclose(mine["value"], np.abs(mine["x"]) - 3.0, rtol=1e-12, atol=1e-12)
    found = shown(next(m.value for m in at.markdown if "**Bounded below:**" in m.value))
    assert "its smallest value there is -3 (at r = 0)" in found  # judged at the slider's value


def test_an_edited_range_starts_the_slider_at_the_new_default(app) -> None:
    at = app(CURVES, {"task": "regression", "formula": "abs(r)*delta; delta = 4 in [1, 5]"})
    at.slider(key="formula_delta").set_value(5.0).run()
    at.text_input(key="formula").input("abs(r)*delta; delta = 0.5 in [0.1, 1]").run()
    assert not at.exception
    assert at.slider(key="formula_delta").value == 0.5


@pytest.mark.parametrize(
    ("text", "fragment"), HOSTILE_LINKS, ids=[_id(t) for t, _ in HOSTILE_LINKS]
)
def test_a_hostile_formula_in_a_link_opens_the_page_with_its_notice(app, text, fragment) -> None:
    at = app(CURVES, {"formula": text})
    notices = [shown(w.value) for w in at.warning]
    assert len(notices) == 1
    if len(text) > formula_box.MAX_TEXT:  # the field took only its first characters: the
        assert notices[0].startswith("The link asked for values")  # frame's notice names it
        assert "`formula=mmmm" in notices[0]
        assert fragment in shown(at.error[0].value)
    else:
        assert notices[0].startswith("The link's formula (`formula`) cannot be used")
        assert fragment in notices[0]
        assert not at.error  # the notice is the message, once
    # the page works: the built-ins are drawn, the takeaway computed
    assert len(at.get("vega_lite_chart")) >= 2
    assert takeaways.headlines(at)[0].startswith("At margin -3 (wrong)")


def test_a_refusal_quotes_nothing_typed_and_escapes_what_it_shows(app) -> None:
    at = app(CURVES, {"formula": "m; [click](https://example.com) = 1 in [0, 1]"})
    raw = at.warning[0].value
    assert "example" not in raw and "click" not in raw
    # the message's own characters that Markdown would read are escaped
    assert "\\[low" in raw and "[low, high]" in shown(raw)


def test_nothing_in_a_link_runs(app, monkeypatch: pytest.MonkeyPatch) -> None:
    """A canary the formulas call is never called and no file is written."""
    called: list[object] = []
    monkeypatch.setattr(builtins, "canary", lambda *a: called.append(a), raising=False)
    root = Path(__file__).resolve().parents[2]
    for text in (
        "canary()",
        "m + canary(m)",
        "__import__('os').system('touch pwned')",
        "exp(m).__class__.__init__.__globals__",
        "max(m, canary(), 0)",
        "m; canary() = 1 in [0, 1]",
    ):
        at = app(CURVES, {"formula": text})
        assert at.warning, text
    assert called == []
    assert not (root / "pwned").exists()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=600),
        st.lists(
            st.sampled_from(
                ["__", "import", ".", "(", ")", "[", "]", "lambda", "m", "r", "p", "exp(", ";",
                 "=", " in ", "1", "**", "9", "'", "\x00", "\u0435", "<", ">", "*", "_", "$"]
            ),
            max_size=80,
        ).map("".join),
    ),
    st.sampled_from(["classification", "regression", None]),
)  # fmt: skip
def test_the_page_entry_point_answers_every_text(text: str, task: str | None) -> None:
    """Whatever a box or a link holds, the page's entry point returns a formula of the
    task or a message, never raises, and what it shows of a message is the message."""
    outcome = formula_box.check(text, task)
    assert (outcome.formula is None) != (outcome.refusal is None)
    if outcome.formula is not None:
        assert task in (None, outcome.formula.task)
        return
    assert outcome.refusal
    assert shown(formula_box.escape(outcome.refusal)) == " ".join(outcome.refusal.split())


# --------------------------------------------------------------------------- trained pages


def test_decision_boundaries_trains_the_formula_beside_the_built_ins(app) -> None:
    at = app(BOUNDARIES, {**FAST_BOUNDARIES, "losses": ["cross_entropy", "hinge"]})
    at.sidebar.text_input(key="formula").input("max(0, 1 - m)").run()
    assert not at.exception and not at.error
    rows = frame_rows(at, "test accuracy")
    ce, hinge = identity.title("cross_entropy"), identity.title("hinge")
    assert list(rows) == [ce, hinge, formula.TITLE]
    hinge, mine = rows[hinge], rows[formula.TITLE]
    for column in ("test accuracy", "train accuracy", "zero-gradient points"):
        assert mine[column] == hinge[column], column
    # the live player trains it in the browser too: its checked tree goes with the configs
    view = payloads.read(at.get("bidi_component")[0].proto)
    assert [c["loss"] for c in view["configs"]][-1] == f"formula:{view['formulas'][0]['key']}"
    assert view["formulas"][0]["value"]["op"] == "max"
    assert any("$L = \\max\\left(0, 1 - m\\right)$" in c.value for c in at.main.caption)


def test_decision_boundaries_link_with_a_hostile_formula(app) -> None:
    at = app(BOUNDARIES, {**FAST_BOUNDARIES, "formula": "__import__('os')"})
    assert "names starting with _" in shown(at.warning[0].value)
    assert "Your loss" not in frame_rows(at, "test accuracy")
    assert len(frame_rows(at, "test accuracy")) == 4  # the default losses still trained


def test_training_curves_trains_the_formula_with_its_parameter(app) -> None:
    text = "max(0, margin - m); margin = 1 in [0.1, 3]"
    at = app(TRAINING, {**FAST_TRAINING, "losses": ["hinge"], "formula": text})
    assert not at.error
    rows = frame_rows(at, "final test accuracy")
    assert (
        rows[formula.TITLE]["final test accuracy"]
        == rows[identity.title("hinge")]["final test accuracy"]
    )
    at.sidebar.slider(key="formula_margin").set_value(2.0).run()
    assert not at.exception and not at.error
    assert formula.TITLE in frame_rows(at, "final test accuracy")


def test_outlier_robustness_trains_a_regression_formula(app) -> None:
    at = app(ROBUSTNESS, {**FAST_ROBUSTNESS, "losses": ["mae"], "rformula": "abs(r)"})
    assert not at.error
    rows = frame_rows(at, "clean-test RMSE (std. units)")
    mae, mine = rows[identity.title("mae", "regression")], rows[formula.TITLE]
    assert mine["clean-test RMSE (std. units)"] == mae["clean-test RMSE (std. units)"]
    assert mine["slope"] == mae["slope"]


def test_outlier_robustness_classification_formula_has_its_own_key(app) -> None:
    query = {**FAST_ROBUSTNESS, "task": "classification", "cepochs": "20", "losses": ["mae"]}
    at = app(ROBUSTNESS, {**query, "cformula": "1 - tanh(m)", "rformula": "abs(r)"})
    assert not at.error
    assert "Your loss" in frame_rows(at, "clean-test accuracy")


# --------------------------------------------------------------------------- Loss reference


def cards(at) -> list[str]:
    """The reference's loss cards' labels (each starts with the loss's title in bold)."""
    return [e.label for e in at.expander if e.label.startswith("**")]


def test_the_reference_shows_a_card_for_your_loss(app) -> None:
    at = app(REFERENCE, {"formula": "-(1 - p)**gamma*log(p); gamma = 2 in [0, 5]"})
    assert cards(at)[0] == "**Your loss** · `classification`"
    flags = formula.numerics(formula.from_key("-(1 - p)**gamma*log(p); gamma = 2 in [0, 5]"))
    badges = next(m.value for m in at.markdown if "badge[" in m.value)
    for prop, holds in flags.properties.items():
        title = prop.replace("_", " ")
        assert (f":green-badge[{title}]" in badges) == holds, prop
    assert any("**Gradient check:**" in m.value for m in at.markdown)
    assert "computed:  -one_minus_p**gamma*log_p" in at.code[0].value


def test_the_reference_names_a_hostile_formula_from_a_link(app) -> None:
    at = app(REFERENCE, {"formula": "open('/etc/passwd')"})
    assert "unknown function 'open'" in shown(at.warning[0].value)
    assert cards(at)[0].startswith("**Cross-entropy")


def test_the_boundaries_preset_trains_hinge_by_hand_beside_hinge(app) -> None:
    at = app(BOUNDARIES, {"epochs": "20"})
    (i,) = [j for j, b in enumerate(at.button) if b.label.startswith("Hinge by hand")]
    at.button[i].click().run()
    assert not at.exception and not at.error
    assert at.sidebar.text_input(key="formula").value == "max(0, 1 - m)"
    rows = frame_rows(at, "test accuracy")
    hinge, mine = rows["Multiclass hinge (Crammer–Singer)"], rows["Your loss"]
    assert mine["test accuracy"] == hinge["test accuracy"]
    assert mine["zero-gradient points"] == hinge["zero-gradient points"] > 0


def test_a_typed_refusal_in_the_sidebar_is_shown_there(app) -> None:
    at = app(BOUNDARIES, FAST_BOUNDARIES)
    at.sidebar.text_input(key="formula").input("m^2").run()
    assert not at.warning  # typed, not from a link
    assert "write ** for powers" in shown(at.sidebar.error[0].value)
    assert len(frame_rows(at, "test accuracy")) == 4  # the default losses, trained


def test_reproduce_this_view_trains_the_formula_by_its_name(app) -> None:
    """The page's core snippet names the formula's loss and gives the page's numbers."""
    query = {**FAST_BOUNDARIES, "losses": ["cross_entropy"], "formula": "1 - tanh(m)"}
    at = app(BOUNDARIES, query)
    (code,) = [c.value for c in at.code if "fit_many" in c.value]
    assert "loss='formula:1 - tanh(m)'" in code
    namespace: dict = {}
    exec(compile(code, "<snippet>", "exec"), namespace)
    rows = frame_rows(at, "test accuracy")
    assert namespace["scores"]["formula:1 - tanh(m)"] == pytest.approx(
        rows["Your loss"]["test accuracy"], abs=1e-12
    )


def test_the_engine_gets_the_formulas_json_by_loss_name() -> None:
    f = formula.from_key("max(0, margin - m); margin = 1 in [0.1, 3]")
    assert formula_box.engine_formulas(["cross_entropy", f.name, "hinge"]) == [f.to_json()]
    assert formula_box.engine_formulas(["cross_entropy", "mse"]) == []
