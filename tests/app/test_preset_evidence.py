"""Every lecture preset and the home page show their seed evidence (AppTest).

A preset click lands on the view the committed table holds (so the table's keys match what
the page trains now), opens on its representative seed (named on screen), states its claims
with how often they held, and draws the strip of every seed. The takeaway's headline is one
sentence of at most 25 words on every page. Views without evidence say they are one run and
offer "Check across seeds", which trains the seeds on a click and refuses politely when ten
times the view's work is too much.
"""

from __future__ import annotations

import re

import pytest

from present import evidence, wording
from tests.app import takeaways as boxes
from views import boundaries, formula, home, robustness, training

#: The formula presets a page adds to its own (views.formula), by page.
formula_presets = {"pages/5_Decision_boundaries.py": formula.boundary_presets()}

PAGES = {
    "pages/5_Decision_boundaries.py": (boundaries.PAGE, boundaries.LESSONS),
    "pages/6_Training_curves.py": (training.PAGE, training.LESSONS),
    "pages/7_Outlier_robustness.py": (robustness.PAGE, robustness.LESSONS),
}


takeaways = boxes.headlines
details = boxes.details


def strips(at) -> list[dict]:
    import json

    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if "ringed" in json.dumps(s.get("title", ""))]


@pytest.mark.parametrize("path", list(PAGES))
def test_every_preset_lands_on_its_seed_evidence(app, path):
    page, lessons = PAGES[path]
    at = app(path)
    labels = [b.label for b in at.button if re.fullmatch(r"preset_\d+", b.key or "")]
    # a formula preset (views.formula) makes its claim in its title, checked below
    formulas = set(formula_presets.get(path, {}))
    assert set(lessons) == set(labels) - formulas, "every preset has claims, every claim a preset"
    for i, label in enumerate(labels):
        at = at.button(key=f"preset_{i}").click().run()
        assert not at.exception, [e.value for e in at.exception]
        entry = evidence.by_title(page, label)
        assert entry is not None, f"{label}: no seed evidence (rerun scripts/make_evidence.py)"
        if label in formulas:
            # "(identical in k of 10 seeds)": the formula's test accuracy equals the loss it
            # writes by hand in k of the committed seeds
            k = int(re.search(r"identical in (\d+) of 10 seeds", label).group(1))
            acc = [o.values["test_accuracy"] for o in entry.evidence.outcomes]
            same = [
                a["hinge"] == next(v for n, v in a.items() if n.startswith("formula:")) for a in acc
            ]
            assert sum(same) == k and len(same) == 10, (label, same)
            continue
        heads = takeaways(at)
        first = lessons[label][0]
        v = entry.evidence.check(first.claim)
        assert heads and heads[0].lower().startswith(first.says.lower()[:20]), heads
        assert f"in {v.k} of 10 seeds" in heads[0] and "Depends" not in heads[0], heads[0]
        for h in heads:
            assert wording.words(h) <= wording.HEADLINE_WORDS, h
        shown = " ".join(details(at) + [c.value for c in at.caption])
        rep = entry.figure_seed
        if page == training.PAGE:
            first_seed = training.figure_start(rep, at.number_input(key="seeds").value)
            assert at.number_input(key="seed").value == first_seed
            assert f"seed {rep}, the median run, among them" in shown
        elif page == robustness.PAGE:
            assert f"data seed {rep} of 0–9, the median run" in shown
        else:
            assert at.number_input(key="seed").value == rep
            assert f"seed {rep} of 0–9, the median run" in shown
        assert strips(at), f"{label}: no strip of every seed"


@pytest.mark.parametrize("name", home.DATASETS)
def test_home_shows_the_median_run_and_counts_every_seed(app, name):
    at = app("streamlit_app.py", {"dataset": name})
    entry = home.lookup(name)
    assert entry is not None
    head = takeaways(at)[0]
    assert "10 seeds" in head and wording.words(head) <= wording.HEADLINE_WORDS
    assert "baseline" in head
    shown = " ".join(details(at) + [c.value for c in at.caption])
    assert f"seed {entry.figure_seed} of 0–9, the median run" in shown
    assert strips(at)
    link = next(p.proto for p in at.get("page_link") if "Open this comparison" in p.proto.label)
    assert f"seed={entry.figure_seed}" in link.query_string


def test_a_home_link_that_names_a_seed_opens_that_seed(app):
    median = home.lookup("spirals").figure_seed
    seed = 4 if median != 4 else 5
    at = app("streamlit_app.py", {"dataset": "spirals", "seed": str(seed)})
    shown = " ".join(details(at) + [c.value for c in at.caption])
    assert f"seed {seed} of 0–9 (the median run is seed {median})" in shown
    assert f"In the figure (seed {seed})" in shown


def test_a_one_run_view_says_so_and_checks_across_seeds_on_demand(app):
    q = {
        "dataset": "moons",
        "moons_n_samples": 120,
        "layers": 1,
        "width": 8,
        "lr": 0.05,
        "epochs": 30,
        "losses": ["cross_entropy", "hinge"],
    }
    at = app("pages/5_Decision_boundaries.py", q)
    head = takeaways(at)[0]
    assert head.startswith("One run (seed 0): ") and "one run is not a lesson" in head
    assert not strips(at)
    at = at.button(key="evidence_check").click().run()
    assert not at.exception
    found = [i.value for i in at.info if i.proto.icon == ":material/stacked_line_chart:"]
    assert found and found[0].startswith("Test accuracy at epoch 30, 10 seeds: "), found
    assert strips(at)


def test_the_check_refuses_ten_times_too_much_work(app):
    q = {
        "dataset": "moons",
        "moons_n_samples": 1200,
        "layers": 2,
        "width": 96,
        "epochs": 200,
        "losses": ["cross_entropy", "hinge"],
    }
    at = app("pages/5_Decision_boundaries.py", q, timeout=120)
    assert not at.error, [e.value for e in at.error]  # the view itself fits
    at = at.button(key="evidence_check").click().run()
    errors = [e.value for e in at.error]
    # the one budget's message: what the ten seeds would cost, and fewer seeds among the ways
    # to fit
    assert errors and "one view may take" in errors[0] and "seeds 10 →" in errors[0], errors


@pytest.mark.parametrize(
    "path",
    [
        "pages/1_Loss_curves.py",
        "pages/2_Gradient_anatomy.py",
        "pages/3_Loss_landscape.py",
        "pages/4_CE_for_regression.py",
    ],
)
def test_every_headline_is_one_short_sentence(app, path):
    """On the pages without training, too: the default view and every preset answer with a
    headline of at most 25 words, the full sentence folded under it, nothing raw."""
    at = app(path)
    labels = [b.label for b in at.button if re.fullmatch(r"preset_\d+", b.key or "")]
    for i in range(-1, len(labels)):
        name = "default view" if i < 0 else labels[i]
        if i >= 0:
            at = at.button(key=f"preset_{i}").click().run()
            assert not at.exception
        heads = takeaways(at)
        assert heads, name
        for h in heads:
            assert wording.words(h) <= wording.HEADLINE_WORDS, (name, h)
            assert wording.clean(h), h
        for d in details(at):
            assert "intuition article" not in d and wording.clean(d), d


@pytest.mark.parametrize(
    ("path", "query", "start"),
    [
        (
            "pages/6_Training_curves.py",
            {
                "dataset": "moons",
                "moons_n_samples": 120,
                "layers": 1,
                "width": 8,
                "epochs": 20,
                "lr": 0.05,
                "seeds": 2,
                "target": 0.8,
                "losses": ["cross_entropy", "mse"],
            },
            "Epochs to 80% test accuracy, 10 seeds: ",
        ),
        (
            "pages/7_Outlier_robustness.py",
            {"repochs": "40", "sweep": "false", "rlosses": ["mse", "mae"]},
            "Clean-test RMSE (std. units) at 20%, 10 seeds: ",
        ),
    ],
    ids=["training-curves", "outlier-robustness"],
)
def test_the_check_across_seeds_on_the_other_pages(app, path, query, start):
    at = app(path, query)
    assert not strips(at)  # no evidence for this view: one run, and the button
    at = at.button(key="evidence_check").click().run()
    assert not at.exception
    found = [i.value for i in at.info if i.proto.icon == ":material/stacked_line_chart:"]
    assert found and found[0].startswith(start), found
    assert wording.words(found[0]) <= wording.HEADLINE_WORDS
