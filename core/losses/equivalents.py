"""How each loss is spelt in PyTorch, Keras and scikit-learn, with the exact scale factors.

One entry per registered loss, ``(task, name) -> {"pytorch": ..., "keras": ..., "sklearn": ...}``;
the registry attaches it to the loss as ``Loss.equivalents`` and the reference page shows it.
``tests/core/losses/test_reference.py`` checks the scale factors stated here against PyTorch
values (the fixture) and scikit-learn/SciPy where they are installed.
"""

from __future__ import annotations

__all__ = ["EQUIVALENTS"]

EQUIVALENTS: dict[tuple[str, str], dict[str, str]] = {
    ("classification", "cross_entropy"): {
        "pytorch": (
            "torch.nn.CrossEntropyLoss(label_smoothing=ε, reduction='none') on logits (default "
            "reduction='mean'); same smoothing convention q = (1-ε)Y + ε/K; also takes class "
            "probabilities as the target"
        ),
        "keras": (
            "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=ε) on one-hot"
            " targets, same smoothing convention (SparseCategoricalCrossentropy for integer "
            "labels has no label smoothing); Keras's default from_logits=False expects "
            "probabilities and clips them to [1e-7, 1 - 1e-7]; default reduction averages"
        ),
        "sklearn": (
            "sklearn.metrics.log_loss (takes probabilities, returns the mean, clips them); "
            "LogisticRegression minimises it"
        ),
    },
    ("classification", "mse"): {
        "pytorch": (
            "no single loss: torch.nn.functional.mse_loss(z.softmax(1), one_hot(y), "
            "reduction='none').sum(1); MSELoss's default reduction='mean' also divides by K"
        ),
        "keras": (
            "keras.losses.MeanSquaredError on softmax probabilities and one-hot targets averages "
            "over the K classes: it equals ours / K"
        ),
        "sklearn": (
            "sklearn.metrics.brier_score_loss(y, proba, scale_by_half=False) is the mean of ours "
            "(its default halves the binary case)"
        ),
    },
    ("classification", "mae"): {
        "pytorch": (
            "no single loss: torch.nn.functional.l1_loss(z.softmax(1), one_hot(y), "
            "reduction='none').sum(1)"
        ),
        "keras": (
            "keras.losses.MeanAbsoluteError on softmax probabilities and one-hot targets averages"
            " over the K classes: it equals ours / K"
        ),
        "sklearn": "none (sklearn.metrics.mean_absolute_error on the one-hot matrix is ours / K)",
    },
    ("classification", "hinge"): {
        "pytorch": (
            "no built-in (torch.nn.MultiMarginLoss is the Weston–Watkins variant, our "
            "multi_margin); write it as (Δ - z_t + max_{j≠t} z_j).clamp(min=0)"
        ),
        "keras": (
            "keras.losses.CategoricalHinge on raw scores is max(0, 1 + max_{j≠t} (1-Y_j) z_j - "
            "z_t): the same as ours with Δ = 1 except that the masked target counts as 0, so it "
            "differs when all wrong-class scores are negative; keras.losses.Hinge is binary with "
            "labels ±1 (0/1 are mapped to ±1)"
        ),
        "sklearn": (
            "sklearn.metrics.hinge_loss (multiclass: exactly this with Δ = 1, mean over samples; "
            "binary: max(0, 1 - y·f) on one decision value f = z_1 - z_0); "
            "LinearSVC(multi_class='crammer_singer')"
        ),
    },
    ("classification", "squared_hinge"): {
        "pytorch": (
            "no built-in (MultiMarginLoss(p=2) squares each Weston–Watkins term instead); write "
            "it as (Δ - z_t + max_{j≠t} z_j).clamp(min=0) ** 2"
        ),
        "keras": "keras.losses.SquaredHinge is the binary version with labels ±1",
        "sklearn": (
            "LinearSVC(loss='squared_hinge') (its default) trains it one-vs-rest (binary per "
            "class), not on the multiclass margin"
        ),
    },
    ("classification", "multi_margin"): {
        "pytorch": (
            "torch.nn.MultiMarginLoss(p=1, margin=Δ, reduction='none') exactly (default "
            "reduction='mean')"
        ),
        "keras": "none",
        "sklearn": (
            "none (sklearn's multiclass hinge_loss is Crammer–Singer); Weston & Watkins sum the "
            "terms without the 1/K"
        ),
    },
    ("classification", "focal"): {
        "pytorch": (
            "no multiclass built-in: torchvision.ops.sigmoid_focal_loss is the binary, per-logit "
            "sigmoid version with an extra class weight alpha"
        ),
        "keras": (
            "keras.losses.CategoricalFocalCrossentropy(alpha=1.0, gamma=γ, from_logits=True) on "
            "one-hot targets; its default alpha=0.25 scales ours by 0.25"
        ),
        "sklearn": "none",
    },
    ("classification", "square_logits"): {
        "pytorch": (
            "torch.nn.functional.mse_loss(z, one_hot(y), reduction='none').sum(1) (no softmax)"
        ),
        "keras": (
            "keras.losses.MeanSquaredError on logits and one-hot targets averages over the K "
            "classes: it equals ours / K"
        ),
        "sklearn": (
            "RidgeClassifier minimises square loss on raw outputs, but with targets ±1 instead of"
            " 1/0"
        ),
    },
    ("classification", "gce"): {
        "pytorch": "none (Zhang & Sabuncu's reference code)",
        "keras": "none",
        "sklearn": "none",
    },
    ("classification", "kl_div"): {
        "pytorch": (
            "torch.nn.KLDivLoss(reduction='batchmean') with input = log_softmax(z) "
            "(log-probabilities!) and target = q (probabilities, log_target=False); "
            "reduction='none' gives the K terms per sample, 'batchmean' the mean of ours, and "
            "'mean' (the default) divides by n·K, which is not the KL divergence"
        ),
        "keras": (
            "keras.losses.KLDivergence on probabilities (not logits), both clipped to [1e-7, 1]"
        ),
        "sklearn": "none (scipy.special.rel_entr gives the terms)",
    },
    ("regression", "mse"): {
        "pytorch": "torch.nn.MSELoss(reduction='none') (default reduction='mean')",
        "keras": "keras.losses.MeanSquaredError (averages over the last axis, like ours on (n, d))",
        "sklearn": "sklearn.metrics.mean_squared_error (the mean over samples and outputs)",
    },
    ("regression", "mae"): {
        "pytorch": "torch.nn.L1Loss(reduction='none') (its gradient at e = 0 is also 0)",
        "keras": "keras.losses.MeanAbsoluteError (averages over the last axis)",
        "sklearn": (
            "sklearn.metrics.mean_absolute_error; QuantileRegressor(quantile=0.5) minimises it"
        ),
    },
    ("regression", "huber"): {
        "pytorch": (
            "torch.nn.HuberLoss(delta=δ, reduction='none') exactly; Huber(δ) = δ · "
            "SmoothL1Loss(beta=δ)"
        ),
        "keras": "keras.losses.Huber(delta=δ) (averages over the last axis)",
        "sklearn": (
            "SGDRegressor(loss='huber', epsilon=δ); HuberRegressor(epsilon=...) also estimates a "
            "scale, so its epsilon is in units of that scale"
        ),
    },
    ("regression", "smooth_l1"): {
        "pytorch": (
            "torch.nn.SmoothL1Loss(beta=β, reduction='none') exactly (PyTorch also allows β = 0, "
            "which is L1: use mae)"
        ),
        "keras": "none: keras.losses.Huber(delta=β) divided by β",
        "sklearn": "none",
    },
    ("regression", "log_cosh"): {
        "pytorch": (
            "none built in: torch.log(torch.cosh(e)) overflows beyond |e| ≈ 710; use e + "
            "softplus(-2e) - log 2"
        ),
        "keras": (
            "keras.losses.LogCosh (computes e + softplus(-2e) - log 2, averages over the last axis)"
        ),
        "sklearn": "none",
    },
    ("regression", "msle"): {
        "pytorch": "none built in: mse_loss(log1p(pred.clamp(min=0)), log1p(y))",
        "keras": (
            "keras.losses.MeanSquaredLogarithmicError clips both y and the prediction at 1e-7 "
            "instead of 0 and averages over the last axis"
        ),
        "sklearn": (
            "sklearn.metrics.mean_squared_log_error (the mean; raises for values <= -1 instead of"
            " clipping)"
        ),
    },
    ("regression", "mape"): {
        "pytorch": "none built in",
        "keras": (
            "keras.losses.MeanAbsolutePercentageError: the same percent and the same floor 1e-7 "
            "on |y|, averaged over the last axis"
        ),
        "sklearn": (
            "sklearn.metrics.mean_absolute_percentage_error is a fraction, not a percent (ours / "
            "100), and floors |y| at machine epsilon 2.2e-16 instead of 1e-7"
        ),
    },
    ("regression", "pinball"): {
        "pytorch": "none built in",
        "keras": "none built in (TensorFlow Addons had PinballLoss)",
        "sklearn": (
            "sklearn.metrics.mean_pinball_loss(alpha=τ) (the mean); QuantileRegressor(quantile=τ)"
            " and GradientBoostingRegressor(loss='quantile', alpha=τ) minimise it"
        ),
    },
    ("regression", "epsilon_insensitive"): {
        "pytorch": "none built in",
        "keras": "none built in",
        "sklearn": (
            "SGDRegressor(loss='epsilon_insensitive', epsilon=ε), "
            "LinearSVR(loss='epsilon_insensitive', epsilon=ε), SVR(epsilon=ε)"
        ),
    },
    ("regression", "cauchy"): {
        "pytorch": "none built in (Barron's robust_loss_pytorch with alpha = 0)",
        "keras": "none built in",
        "sklearn": (
            "none; scipy.optimize.least_squares(loss='cauchy', f_scale=√2·c) minimises F = ½ Σ C²"
            " ln(1 + e²/C²) with C = f_scale, which is c² times the sum of ours (the ½ in its "
            "cost halves the 2c² of C²)"
        ),
    },
    ("regression", "barron"): {
        "pytorch": (
            "none built in (Barron's robust_loss_pytorch.general.lossfun, same formula and limits)"
        ),
        "keras": "none built in",
        "sklearn": "none",
    },
    ("regression", "cosine"): {
        "pytorch": (
            "torch.nn.functional.cosine_similarity(pred, y, dim=1) returns +cos (each norm "
            "clamped at eps=1e-8); CosineEmbeddingLoss uses 1 - cos"
        ),
        "keras": (
            "keras.losses.CosineSimilarity(axis=-1) has our sign (-cos); it l2-normalises with x "
            "/ sqrt(max(sum x², 1e-12)), so a zero vector gives 0 like ours, but its gradient "
            "there is huge (the epsilon), ours 0"
        ),
        "sklearn": (
            "sklearn.metrics.pairwise.cosine_similarity gives +cos for all pairs; ours is minus "
            "its diagonal"
        ),
    },
}
