"""The registry's layout: names, one source per formula, short function sources, and the scale
factors stated in the equivalence notes."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from scipy.optimize import least_squares

from core import losses
from core.losses import classification, equivalents, regression

EVERY = losses.all_losses()


def _id(loss: losses.Loss) -> str:
    return f"{loss.task}/{loss.name}"


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_each_loss_is_found_by_its_registered_name_in_its_task_module(loss):
    module = classification if loss.task == "classification" else regression
    assert getattr(module, loss.name) is loss.fn
    assert loss.fn.__name__ == loss.name


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_docstring_carries_the_registered_formula_gradient_and_reference(loss):
    # written once, in the register call; the docstring is built from it
    doc = loss.fn.__doc__
    for text in (loss.formula_latex, loss.grad_latex, loss.reference):
        assert text in doc
        assert doc.count(text) == 1


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_source_shown_on_the_reference_page_is_the_function_alone(loss):
    source = inspect.getsource(loss.fn)
    assert source.startswith(f"def {loss.name}(")
    assert "register(" not in source
    assert loss.formula_latex not in source  # the metadata sits below, not in the function
    assert len(source.splitlines()) <= 40  # the formula and its gradient only (Huber: 7)


def test_every_loss_has_its_equivalence_note_and_no_note_is_orphaned():
    assert set(equivalents.EQUIVALENTS) == {(x.task, x.name) for x in EVERY}
    for loss in EVERY:
        assert set(loss.equivalents) == {"pytorch", "keras", "sklearn"}


def test_scipy_least_squares_cauchy_cost_is_c_squared_times_the_sum_of_ours():
    # the note: least_squares(loss='cauchy', f_scale=√2·c) minimises c² Σ ours (its cost has ½)
    rng = np.random.default_rng(0)
    x = np.linspace(-2, 2, 40)
    y = 1.5 * x + rng.standard_normal(40)
    y[::9] += 15.0  # outliers
    c = 0.7
    fit = least_squares(lambda w: w[0] * x - y, [0.0], loss="cauchy", f_scale=np.sqrt(2) * c)
    ours = losses.get("cauchy", "regression")(y, fit.x[0] * x, scale=c)[0]
    assert fit.cost == pytest.approx(c**2 * ours.sum(), rel=1e-12)
    assert "c² times the sum of ours" in losses.get("cauchy", "regression").equivalents["sklearn"]
