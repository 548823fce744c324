"""The default lecture: the four source articles' story as a path through the pages.

"Why cross-entropy and not squared error for classification?" in thirteen stops. Each stop
names its page and every control its claim depends on (the values a lecture preset would set,
written out, so that a preset's new label or a page's new default never changes the stop), a
one-line title and the claim its figure shows, and marks that point at the place in the figure
the claim is about. ``?lecture=default`` opens it (:mod:`ui.lecture`).

Every claim holds at every seed a student can reach or is decided over 10 seeds and says how
often it held (DESIGN.md, "Teaching truth"): the deterministic ones (gradients, one sample's
descent, softmax's shift invariance) are checked against ``core`` in
``tests/ui/test_default_path.py``, and so is each comparative claim about trained models, over
model seeds 0-9 with the page's own settings (float32, lockstep training). The k/10 in each
claim is the number that test recomputes; the comment above it gives the audit's count.

The order follows the articles: the gradient through softmax and sigmoid (000 §1, 001 §1), the
plateau (000 §2), the uniform wrong classes (002 §2), what that does to training (000's
conclusion; Hui & Belkin 2021), hinge's flat part and the points it stops pulling, label noise
(Ghosh et al. 2017), outliers (004's survey), and why CE cannot do regression (000 §5).
"""

from __future__ import annotations

from present.paths import Mark, Path, stop

#: Decision boundaries' model and training controls, written out in every stop on that page.
_DB = {"opt": "adam", "lr": 0.01, "flip": 0.0, "drive": True}

DEFAULT = Path(
    (
        stop(
            "",
            "What changes when only the loss changes?",
            "Same data, network and start; only the loss differs. MAE fails to trace the "
            "spirals: last in 10 of 10 seeds.",
            # audit: MAE last 10/10 model seeds (9/10 data seeds); mean 62.4% vs CE 95.6%
            marks=(Mark("MAE: last in 10 of 10 seeds", on="player", panel="mae"),),
            dataset="spirals",
        ),
        stop(
            "Gradient_anatomy",
            "Through softmax, MSE's gradient is discounted",
            "a = [0.8, 0.2], true class 2: CE's gradient on z₁ is 0.8, MSE's only 0.512, "
            "scaled down by 4·a₁·a₂ = 0.64.",
            marks=(
                Mark("CE: 0.8", x=0.8, y=0.8, side="left"),
                Mark("MSE: 0.512", x=0.8, y=0.512, side="left"),
            ),
            part="Softmax, 2 classes",
            mode="probabilities",
            a1=0.8,
            y1="0",
        ),
        stop(
            "Gradient_anatomy",
            "A confidently wrong neuron: MSE barely learns",
            "z = −6 but y = 1: MSE's gradient is scaled by σ′(z) = 0.0025 and comes to 0.0025; "
            "CE's is 0.998, about 400 times larger.",
            marks=(Mark("z = −6: MSE's gradient ≈ 0", x=-6.0, chart=1),),
            part="Sigmoid neuron",
            y="1",
            x=1.0,
            z0=-6.0,
            axis="z",
        ),
        stop(
            "Loss_landscape",
            "MSE has a plateau; CE does not",
            "Started confidently wrong at w = 6, MSE's ball stalls on the plateau; CE's rolls "
            "on to p_t ≥ 0.9 within 100 steps.",
            marks=(
                Mark("plateau: MSE's slope ≈ 0", x=6.0, side="left"),
                Mark("plateau: MSE's slope ≈ 0", x=6.0, on="player", side="left"),
            ),
            x0=1.0,
            y0="0",
            w0=6.0,
            lr1=0.5,
            steps1=100,
            t1=100,
        ),
        stop(
            "Gradient_anatomy",
            "MSE wants the wrong classes uniform; CE does not care",
            "Label [1, 0, 0]: MSE prefers [0.8, 0.1, 0.1] to [0.8, 0.15, 0.05] (0.060 vs "
            "0.065); CE gives both −ln 0.8 = 0.223.",
            marks=(Mark("a: wrong classes equal", x=0.15, y=0.0866),),
            part="Softmax, K classes",
            a="0.8, 0.1, 0.1",
            b="0.8, 0.15, 0.05",
            t="1",
            losses=["cross_entropy", "mse"],
        ),
        stop(
            "Decision_boundaries",
            "Trained: MSE is slower on three-arm spirals",
            "After 150 epochs CE is ahead of MSE in 10 of 10 seeds (mean test accuracy 86% vs "
            "78%).",
            # audit S1/P1 (3 arms, Adam 0.01, 150 epochs): 10/10 model seeds, 9/10 data seeds
            marks=(Mark("MSE: behind CE in 10 of 10 seeds", on="player", panel="mse"),),
            dataset="spirals",
            spirals_n_classes=3,
            losses=["cross_entropy", "mse"],
            layers=2,
            width=32,
            epochs=150,
            **_DB,
        ),
        stop(
            "Training_curves",
            "Trained: MSE reaches 90% later",
            "Digits, linear model, plain SGD: MSE needs more than twice CE's epochs "
            "(2.3–3.3×) to reach 90% test accuracy, in 10 of 10 seeds.",
            # audit tc_mse_slow: 10/10 model seeds, 10/10 data seeds (2.3-3.3x)
            marks=(Mark("90%: CE gets there first", y=0.9),),
            dataset="digits",
            digits_n_classes=10,
            losses=["cross_entropy", "mse"],
            layers=0,
            opt="sgd",
            lr=0.5,
            epochs=60,
            batch="full",
            seeds=3,
            target=0.9,
        ),
        stop(
            "Training_curves",
            "Square loss on the logits keeps up with CE",
            "Without the softmax, square loss ends within 1 point of CE's test accuracy in 8 "
            "of 10 seeds (Hui & Belkin 2021).",
            # audit tc_hui: 8/10 model seeds (6/10 data seeds); mean 94.4% vs CE 94.9%
            dataset="digits",
            digits_n_classes=10,
            losses=["cross_entropy", "square_logits"],
            layers=1,
            width=64,
            act="tanh",
            opt="sgd",
            lr=0.1,
            epochs=150,
            batch="full",
            seeds=2,
            target=0.9,
        ),
        stop(
            "Loss_curves",
            "Hinge has a flat part",
            "Past the margin (m ≥ 1) hinge charges nothing and its gradient is 0: such a point "
            "stops pulling. CE's never reaches 0.",
            marks=(
                Mark("m ≥ 1: hinge = 0 →", x=1.0, chart=0, side="left"),
                Mark("m ≥ 1: gradient 0 →", x=1.0, chart=1, side="left"),
            ),
            task="classification",
            losses=["cross_entropy", "hinge"],
            hinge_margin=1.0,
            cross_entropy_label_smoothing=0.0,
            range=4.0,
            at=2.0,
            log=False,
        ),
        stop(
            "Decision_boundaries",
            "Trained: hinge stops pulling on half the points",
            "Three blobs: hinge leaves about half of the training points idle (zero gradient), "
            "CE none, in 10 of 10 seeds.",
            # audit db_3classes: hinge 51-53% idle, CE 0%: 10/10 model seeds
            marks=(Mark("hinge: small dots = no pull", on="player", panel="hinge"),),
            dataset="blobs",
            blobs_n_classes=3,
            blobs_noise=1.5,
            losses=["cross_entropy", "hinge", "multi_margin"],
            layers=0,
            epochs=200,
            **(_DB | {"lr": 0.05}),
        ),
        stop(
            "Decision_boundaries",
            "Trained: under label noise MAE holds up",
            "30% of training labels flipped: MAE ends ahead of CE in 10 of 10 seeds (mean test "
            "accuracy 90% vs 70%).",
            # audit S3 (2x32, 30% flips, 300 epochs): MAE > CE 10/10 model, 10/10 data seeds
            marks=(Mark("MAE: ahead of CE in 10 of 10 seeds", on="player", panel="mae"),),
            dataset="moons",
            losses=["cross_entropy", "mse", "mae", "gce"],
            layers=2,
            width=32,
            epochs=300,
            **(_DB | {"flip": 0.3}),
        ),
        stop(
            "Outlier_robustness",
            "Outliers pull the MSE line",
            "20% of targets shifted by 8 pull MSE's line toward them; its clean-test error is "
            "the worst in 10 of 10 seeds (here 3.8× the best).",
            # audit or_default: MSE worst 10/10 model and data seeds; 3.77x at seed 0
            marks=(
                Mark("outliers (×)", x=-0.03, y=7.61, on="player"),
                Mark("MSE's line, pulled up", x=-1.0, y=0.79, on="player"),
            ),
            task="regression",
            okind="response",
            frac=0.2,
            mag=8.0,
            rmodel="linear",
            rdataset="linear_1d",
            rlr=0.1,
            repochs=150,
            ropt="adam",
            sweep=False,
        ),
        stop(
            "CE_for_regression",
            "CE cannot do regression: softmax forgets shifts",
            "z = [2, 3] and G = [1, 2] share one softmax, so CE's gradient is 0 while z ≠ G; "
            "MSE's is 2 per entry.",
            marks=(Mark("z₁ = 2: CE's gradient 0, z ≠ G", x=2.0),),
            part="Softmax + CE",
            G="1, 2",
            z="2, 3",
            span=10.0,
        ),
    )
)

#: Built-in paths by the name a link gives (``?lecture=default``).
NAMED = {"default": DEFAULT}
