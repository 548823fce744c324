"""The registry's layout: names, one source per formula, short function sources, every loss's
card complete (names, colour, output kind, PyTorch code, grid), and the scale factors stated in
the equivalence notes."""

from __future__ import annotations

import ast
import builtins
import inspect
import re

import numpy as np
import pytest
from scipy.optimize import least_squares

from core import losses
from core.losses import classification, regression

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


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_every_card_names_each_framework(loss):
    assert set(loss.equivalents) == {"pytorch", "keras", "sklearn"}
    assert all(text.strip() for text in loss.equivalents.values())


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_card_has_one_name_a_short_label_inside_it_and_a_colour(loss):
    # one name per loss: the figure's short label is part of the table's display name
    assert loss.short and loss.short.lower() in loss.title.lower()
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", loss.color)


def test_a_name_shared_by_both_tasks_keeps_its_short_label_and_colour():
    for name in set(losses.names("classification")) & set(losses.names("regression")):
        a, b = losses.get(name, "classification"), losses.get(name, "regression")
        assert (a.short, a.color) == (b.short, b.color), name


@pytest.mark.parametrize("task", losses.TASKS)
def test_short_labels_and_colours_are_distinct_within_a_task(task):
    cards = [losses.get(n, task) for n in losses.names(task)]
    assert len({c.short.lower() for c in cards}) == len(cards)
    assert len({c.color.lower() for c in cards}) == len(cards)


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_output_kind_decides_surface_and_margin(loss):
    assert loss.output in losses.OUTPUTS
    if loss.task == "regression":
        assert (loss.output, loss.surface, loss.is_margin) == ("prediction", "prediction", False)
    else:
        assert loss.surface == ("probability" if loss.output == "softmax" else "score")
        assert loss.is_margin == (loss.output == "margin")


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_margin_losses_are_exactly_zero_once_the_margin_is_won(loss):
    # the card's "margin": 0 (value and gradient) when the true class wins by a wide margin,
    # while a softmax loss is still positive there (it never reaches 0 at finite logits)
    if loss.task == "regression":
        return
    y, z = np.array([0, 1]), np.array([[5.0, 0.0, -1.0], [0.0, 5.0, 1.0]])
    values, grad = loss(y, z)
    if loss.is_margin:
        assert values.tolist() == [0.0, 0.0] and not grad.any()
    elif loss.output == "softmax":
        assert np.all(values > 0)


@pytest.mark.parametrize("loss", EVERY, ids=_id)
def test_torch_code_is_a_python_function_of_the_raw_output_and_the_hyperparameters(loss):
    # the one PyTorch spelling (reproduce snippets, the reference fixture script and the page
    # use it); NumPy-only CI checks that it parses and names every hyperparameter it is given
    source = losses.torch_source(loss, name="f")
    if loss.torch is None:
        assert source is None
        return
    tree = ast.parse(source)
    (fn,) = tree.body
    args = [a.arg for a in fn.args.args]
    expected = ["z", "y", "Y"] if loss.task == "classification" else ["z", "y"]
    assert args == expected + list(loss.defaults)
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    assert set(loss.defaults) <= used, "a hyperparameter the code ignores"
    allowed = {"torch", "F", "math", *dir(builtins)}
    assert used - set(args) - allowed <= {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }, "only torch, F, math and its own locals"


def test_torch_source_writes_the_given_hyperparameters_and_minus_infinity():
    barron = losses.get("barron", "regression")
    assert losses.torch_source(barron, {"alpha": -np.inf}).startswith(
        "def per_sample(z, y, alpha=-math.inf, scale=1.0):\n"
    )


def test_names_filters_by_output():
    margin = losses.names("classification", output="margin")
    assert margin == ["hinge", "squared_hinge", "multi_margin"]
    assert losses.names("classification", output=("margin", "raw")) == [*margin, "square_logits"]
    assert losses.names("regression", output="softmax") == []


def test_probabilities_are_read_as_the_loss_reads_its_output():
    z = np.array([[0.7, 0.2, 0.1], [-0.5, 2.0, 0.0]])
    raw = losses.get("square_logits", "classification").probabilities(z)
    np.testing.assert_allclose(raw, [[0.7, 0.2, 0.1], [0.0, 1.0, 0.0]])
    soft = losses.get("cross_entropy", "classification").probabilities(z)
    np.testing.assert_allclose(soft.sum(axis=1), 1.0)
    for name, task in (("hinge", "classification"), ("mse", "regression")):
        with pytest.raises(ValueError, match="estimates no class probabilities"):
            losses.get(name, task).probabilities(z)


def test_register_refuses_a_short_label_the_title_lacks_and_an_unknown_output():
    def toy(y, z):
        return z[:, 0], z

    with pytest.raises(ValueError, match="must contain the short label"):
        losses.register(
            toy,
            "regression",
            title="Toy",
            short="T2",
            formula="",
            grad="",
            properties=(),
            reference="",
        )
    with pytest.raises(ValueError, match="output must be one of"):
        losses.register(
            toy,
            "regression",
            title="Toy",
            output="softmax",
            formula="",
            grad="",
            properties=(),
            reference="",
        )
    assert "toy" not in losses.names("regression")


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


@pytest.mark.parametrize(
    "loss", [x for x in EVERY if x.task == "regression"], ids=lambda x: f"regression/{x.name}"
)
def test_percent_flag_means_values_in_percent_of_the_target(loss):
    # a 1% error costs 1 whatever the target's size, for a loss whose card says "percent"
    y = np.array([[2.0, 50.0], [0.5, 7.0]])
    values = loss(y, 1.01 * y)[0]
    assert np.allclose(values, 1.0, rtol=1e-9) == loss.percent
