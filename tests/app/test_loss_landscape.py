"""Loss landscape page (AppTest): the numbers shown are those ``core.landscape`` computes.

Most tests pass a small configuration in the URL (few points, steps and a narrow map) so they
run fast; the first checks the default view itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from core import landscape
from tests.app import takeaways as takeaways_
from views import landscape as ui_landscape

PAGE = "pages/3_Loss_landscape.py"
SMALL = {"n": "20", "steps": "30", "t": "30", "span": "4", "steps1": "20", "t1": "20"}


def takeaways(at) -> list[str]:
    return takeaways_.sentences(at)


def summary(at, index: int):
    return at.dataframe[index].value.set_index("loss")


def charts(at) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


def maps(at) -> list:
    """The server-drawn (w, b) maps (pictures, for a browser without the player's script)."""
    return at.get("image")


def test_default_view_shows_the_plateau_with_core_numbers(app):
    at = app(PAGE)
    one, surface = takeaways(at)
    # one sample (x0 = 1, y0 = 0) from w0 = 6, lr 0.5, 100 steps
    kw = dict(x0=1.0, y0=0, w=np.linspace(-10, 10, 401), w0=6.0, lr=0.5, steps=100)
    ce = landscape.one_sample("cross_entropy", **kw)
    mse = landscape.one_sample("mse", **kw)
    assert f"did in {ce.steps} steps" in one and ce.steps == 34
    assert "did not within 100 steps" in one
    # the plateau delays rather than traps: with the page's largest budget MSE gets there
    late = landscape.one_sample("mse", **(kw | {"steps": ui_landscape.LONG_STEPS}))
    assert f"Squared error on probabilities (MSE, Brier) gets there after {late.steps}" in one
    assert late.steps == 249
    assert f"ending at p_t = {mse.p_target[-1]:.3f}" in one
    table = summary(at, 0)
    assert table.loc["Cross-entropy (CE)", "steps to p_t ≥ 0.9"] == "34"  # a count or "never"
    brier = "Squared error on probabilities (MSE, Brier)"
    assert table.loc[brier, "|slope| at start"] == pytest.approx(
        abs(mse.slope[np.argmin(np.abs(kw["w"] - 6.0))]), rel=1e-9
    )
    # the (w, b) surfaces: CE converges in 13 steps, MSE stalls; convexity check
    x, y = landscape.two_gaussians(40, separation=2.0, seed=0)
    g = np.linspace(-10, 10, ui_landscape.RESOLUTION)
    ce2 = landscape.study("cross_entropy", x, y, w=g, b=g, start=(-8.0, 0.0), lr=1.0, steps=300)
    mse2 = landscape.study("mse", x, y, w=g, b=g, start=(-8.0, 0.0), lr=1.0, steps=300)
    assert f"Cross-entropy (CE) did in {ce2.steps} steps" in surface
    assert "Squared error on probabilities (MSE, Brier) did not within 300 steps" in surface
    assert "Cross-entropy (CE) has no negative Hessian eigenvalue on the grid" in surface
    assert f"(most negative λ_min {mse2.convexity.most_negative:.3g})" in surface
    table = summary(at, 1)
    assert table.loc["Cross-entropy (CE)", "grid points with λ_min < 0"] == 0
    brier = "Squared error on probabilities (MSE, Brier)"
    assert table.loc[brier, "grid points with λ_min < 0"] == mse2.convexity.n_negative
    assert table.loc["Cross-entropy (CE)", "optimum w*"] == pytest.approx(ce2.optimum[0])
    assert charts(at) == 1 and len(maps(at)) == 2 * 2
    assert not at.warning and not at.error


def test_url_restores_a_small_configuration(app):
    at = app(PAGE, SMALL | {"w": "-2", "b": "1.5", "lr": "0.5", "seed": "3", "sep": "1"})
    surface = takeaways(at)[1]
    x, y = landscape.two_gaussians(20, separation=1.0, seed=3)
    g = np.linspace(-4, 4, ui_landscape.RESOLUTION)
    mse = landscape.study("mse", x, y, w=g, b=g, start=(-2.0, 1.5), lr=0.5, steps=30)
    assert "from (w, b) = (-2, 1.5) with learning rate 0.5" in surface
    table = summary(at, 1)
    row = table.loc["Squared error on probabilities (MSE, Brier)"]
    assert row["loss after last step"] == pytest.approx(mse.path.loss[-1], rel=1e-12)
    assert row["optimum loss"] == pytest.approx(mse.optimum[2], rel=1e-12)
    assert not at.warning


def test_every_kind_of_control_changes_the_numbers(app):
    at = app(PAGE, SMALL)
    # selectbox: label y0 = 1 with start w0 = 6 is already right: p_t >= 0.9 at step 0
    at.selectbox(key="y0").set_value("1").run()
    assert "did in 0 steps" in takeaways(at)[0]
    # number input: x0 = -1 makes w0 = 6 confidently wrong again for y0 = 1
    at.number_input(key="x0").set_value(-1.0).run()
    one = takeaways(at)[0]
    assert "(x₀ = -1, y₀ = 1)" in one and "did not within 20 steps" in one
    # slider: start weight; number input: learning rate
    at.slider(key="w0").set_value(0.0)
    at.number_input(key="lr1").set_value(2.0)
    at.run()
    r = landscape.one_sample(
        "cross_entropy", x0=-1.0, y0=1, w=np.linspace(-10, 10, 401), w0=0.0, lr=2.0, steps=20
    )
    assert (
        f"Cross-entropy (CE) (|slope| {abs(r.slope[200]):.3g} at the start) did in {r.steps}"
        in (takeaways(at)[0])
    )
    # multiselect: add MAE -> a third pair of maps and a third row
    at.multiselect(key="losses").select("mae").run()
    assert charts(at) == 1 and len(maps(at)) == 2 * 3
    assert "Absolute error on probabilities (MAE)" in summary(at, 1).index
    # step scrubber: the chart title follows the step
    at.slider(key="t1").set_value(5).run()
    title = at.get("vega_lite_chart")[0].proto.spec
    assert "after 5 steps" in title


def test_preset_sets_the_view(app):
    at = app(PAGE, SMALL)
    at.button(key="preset_1").click().run()  # "Both converge from the origin"
    assert at.slider(key="w").value == 0.0 and at.slider(key="w0").value == 0.0
    surface = takeaways(at)[1]
    assert "from (w, b) = (0, 0) with learning rate 1" in surface
    assert "Squared error on probabilities (MSE, Brier) did in" in surface


def test_no_loss_chosen_is_a_notice_not_a_crash(app):
    at = app(PAGE, SMALL)
    at.multiselect(key="losses").set_value([]).run()
    assert any("Choose at least one loss" in w.value for w in at.warning)
    assert charts(at) == 1 and not maps(at)


def test_the_maps_without_the_player_are_its_pictures_at_the_links_step(app):
    at = app(PAGE, SMALL | {"t": "20"})
    cfg = ui_landscape.SurfaceConfig(
        losses=tuple(ui_landscape.DEFAULTS["losses"]),
        n=int(SMALL["n"]),
        steps=int(SMALL["steps"]),
        separation=ui_landscape.DEFAULTS["sep"],
        seed=ui_landscape.DEFAULTS["seed"],
        w0=ui_landscape.DEFAULTS["w"],
        b0=ui_landscape.DEFAULTS["b"],
        lr=ui_landscape.DEFAULTS["lr"],
        span=ui_landscape.DEFAULTS["span"],
    )
    pictures = ui_landscape.map_pictures(cfg, 20)
    shown = [i.caption for e in maps(at) for i in e.proto.imgs]
    assert shown == [title for _, title in pictures]


def test_the_surface_losses_show_their_names_and_the_link_keeps_the_registry_names(app):
    at = app(PAGE, {**SMALL, "losses": ["mae", "cross_entropy"]})
    picker = at.multiselect(key="losses")
    assert picker.value == ["mae", "cross_entropy"]  # the link's order, as before
    assert "Absolute error on probabilities (MAE)" in picker.options
    assert "cross_entropy" not in picker.options
    assert list(summary(at, 1).index) == [
        "Absolute error on probabilities (MAE)",
        "Cross-entropy (CE)",
    ]
    picker.select("mse").run()
    assert at.query_params["losses"] == ["mae", "cross_entropy", "mse"]


def test_an_empty_loss_link_still_opens_the_empty_selection(app):
    """``?losses=`` opened "choose at least one loss" when the picker was bound to the URL;
    it still does, and emptying the picker still writes that link."""
    at = app(PAGE, {**SMALL, "losses": ""})
    assert at.multiselect(key="losses").value == []
    assert any("Choose at least one loss" in w.value for w in at.warning)
    assert not [w for w in at.warning if "not allowed" in w.value]
    at = app(PAGE, SMALL)
    at.multiselect(key="losses").set_value([]).run()
    assert at.query_params["losses"] in ("", [""])  # ?losses= (AppTest unwraps one value)
