r"""Regression losses: ``f(y, pred, *, hyper...) -> (values, grad)`` on the residual
:math:`e = \hat y - y`.

``y`` and ``pred`` have the same shape ``(n,)`` or ``(n, d)``; an elementwise loss returns
``(n, d)`` values for ``(n, d)`` input, which the registry averages over ``d`` (``cosine``
works on whole rows). Each function is named by its registered name and registered right
below it, with its formula, gradient, reference and property flags (the one place each is
written). Kinks use the subgradient with :math:`\mathrm{sign}(0) = 0`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from core import _numerics
from core.losses.record import Example, Hyperparameter, hyperparameter
from core.losses.registry import register

__all__ = [
    "MAPE_EPSILON",
    "barron",
    "cauchy",
    "cosine",
    "epsilon_insensitive",
    "huber",
    "log_cosh",
    "mae",
    "mape",
    "mse",
    "msle",
    "pinball",
    "smooth_l1",
    "tukey",
]

Array = NDArray[np.floating]


def _residual_scale(name: str, symbol: str, help: str) -> Hyperparameter:
    """The residual where a loss turns from quadratic: positive, 1 by default, slider 0.1 to 5."""
    return hyperparameter(name, 1.0, "(0, inf)", symbol, (0.1, 5.0), help)


DELTA = _residual_scale(
    "delta", r"\delta", "residual where the loss turns from quadratic to linear"
)
BETA = _residual_scale(
    "beta", r"\beta", "residual where the loss turns from quadratic to linear (slope 1 beyond)"
)
SCALE = _residual_scale("scale", "c", "residual size where the loss turns from quadratic to robust")

#: references cited by more than one loss
_ESL = "Hastie, Tibshirani & Friedman, The Elements of Statistical Learning (2009)"
_BARRON = "Barron, A general and adaptive robust loss function, CVPR 2019"


def mse(y: Array, pred: Array) -> tuple[Array, Array]:
    """Squared error; its minimiser is the conditional mean."""
    e = pred - y
    return e * e, 2.0 * e


register(
    mse,
    "regression",
    title="Squared error (MSE)",
    short="MSE",
    color="#D55E00",  # vermillion
    formula=r"L = e^2,\quad e = \hat y - y",
    grad=r"\frac{\partial L}{\partial \hat y} = 2e",
    properties=("convex", "differentiable"),
    reference=f"Gauss (1809); {_ESL}, §2.4: its minimiser is the conditional mean",
    equivalents={
        "pytorch": "torch.nn.MSELoss(reduction='none') (default reduction='mean')",
        "keras": "keras.losses.MeanSquaredError (averages over the last axis, like ours on (n, d))",
        "sklearn": (
            "sklearn.metrics.mean_squared_error (the mean over samples and outputs); "
            "LinearRegression minimises its sum over a linear model"
        ),
    },
    torch='return F.mse_loss(z, y, reduction="none")',
)


def mae(y: Array, pred: Array) -> tuple[Array, Array]:
    """Absolute error; its minimiser is the conditional median. Subgradient 0 at the kink."""
    e = pred - y
    return np.abs(e), np.sign(e)


register(
    mae,
    "regression",
    title="Absolute error (MAE)",
    short="MAE",
    color="#009E73",  # bluish green
    formula=r"L = |e|,\quad e = \hat y - y",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{sign}(e),\quad \mathrm{sign}(0) = 0",
    properties=("convex", "bounded_gradient", "robust"),
    reference=f"Laplace (1774); {_ESL}, §10.6: its minimiser is the conditional median",
    equivalents={
        "pytorch": "torch.nn.L1Loss(reduction='none') (its gradient at e = 0 is also 0)",
        "keras": "keras.losses.MeanAbsoluteError (averages over the last axis)",
        "sklearn": (
            "sklearn.metrics.mean_absolute_error; QuantileRegressor(quantile=0.5, alpha=0) "
            "minimises it over a linear model (its pinball loss is half of ours); the default "
            "alpha=1.0 adds an L1 penalty on the coefficients"
        ),
    },
    torch='return F.l1_loss(z, y, reduction="none")',
)


def huber(y: Array, pred: Array, *, delta: float = 1.0) -> tuple[Array, Array]:
    r"""Huber loss: quadratic near 0, linear beyond :math:`\delta`; continuously
    differentiable; :math:`\delta \cdot` SmoothL1 with :math:`\beta = \delta`."""
    e = pred - y
    a = np.abs(e)
    values = np.where(a <= delta, 0.5 * e * e, delta * (a - 0.5 * delta))
    return values, np.clip(e, -delta, delta)


register(
    huber,
    "regression",
    title="Huber",
    short="Huber",
    color="#E69F00",  # orange
    formula=r"L = \begin{cases} e^2/2 & |e| \le \delta \\ \delta\,(|e| - \delta/2) & "
    r"\text{otherwise} \end{cases}",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{clip}(e, -\delta, \delta)",
    properties=("convex", "differentiable", "bounded_gradient", "robust"),
    hyperparameters=(DELTA,),
    reference="Huber, Robust estimation of a location parameter, Ann. Math. Statist. 35 (1964)",
    equivalents={
        "pytorch": (
            "torch.nn.HuberLoss(delta=δ, reduction='none') exactly; Huber(δ) = δ · "
            "SmoothL1Loss(beta=δ)"
        ),
        "keras": "keras.losses.Huber(delta=δ) (averages over the last axis)",
        "sklearn": (
            "SGDRegressor(loss='huber', epsilon=δ, penalty=None) minimises the mean over a "
            "linear model by stochastic gradient steps (the default penalty='l2', alpha=1e-4 "
            "adds an L2 penalty); HuberRegressor(epsilon=...) also estimates a scale, so its "
            "epsilon is in units of that scale"
        ),
    },
    torch='return F.huber_loss(z, y, delta=delta, reduction="none")',
    grid=({}, {"delta": 0.5}, {"delta": 2.0}),
    examples=(
        Example(0.0, 3.0, 2.5, "delta (|e| - delta/2) = 3 - 0.5", {"delta": 1.0}),
        Example(0.0, 0.5, 0.125, "e^2 / 2", {"delta": 1.0}),
    ),
)


def smooth_l1(y: Array, pred: Array, *, beta: float = 1.0) -> tuple[Array, Array]:
    """Smooth L1: Huber rescaled to slope 1 in the linear part."""
    e = pred - y
    a = np.abs(e)
    values = np.where(a < beta, 0.5 * e * e / beta, a - 0.5 * beta)
    return values, np.clip(e / beta, -1.0, 1.0)


register(
    smooth_l1,
    "regression",
    title="Smooth L1",
    short="Smooth L1",
    color="#CC79A7",  # reddish purple
    formula=r"L = \begin{cases} e^2/(2\beta) & |e| < \beta \\ |e| - \beta/2 & "
    r"\text{otherwise} \end{cases}",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{clip}(e/\beta, -1, 1)",
    properties=("convex", "differentiable", "bounded_gradient", "robust"),
    hyperparameters=(BETA,),
    reference="Girshick, Fast R-CNN, ICCV 2015",
    equivalents={
        "pytorch": (
            "torch.nn.SmoothL1Loss(beta=β, reduction='none') exactly (PyTorch also allows β = 0, "
            "which is L1: use mae)"
        ),
        "keras": "none: keras.losses.Huber(delta=β) divided by β",
        "sklearn": "none",
    },
    torch='return F.smooth_l1_loss(z, y, beta=beta, reduction="none")',
    grid=({}, {"beta": 0.5}, {"beta": 2.0}),
    examples=(
        Example(0.0, 3.0, 2.0, "|e| - beta/2 = 3 - 1", {"beta": 2.0}),
        Example(0.0, 1.0, 0.25, "e^2 / (2 beta) = 1/4", {"beta": 2.0}),
    ),
)


def log_cosh(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Log-cosh: about :math:`e^2/2` near 0 and :math:`|e| - \log 2` far out; by the stable
    ``_numerics.log_cosh`` (no ``cosh`` overflow, no cancellation for tiny residuals)."""
    e = pred - y
    return _numerics.log_cosh(e), np.tanh(e)


register(
    log_cosh,
    "regression",
    title="Log-cosh",
    short="log-cosh",
    color="#56B4E9",  # sky blue
    formula=r"L = \log\cosh(e)",
    grad=r"\frac{\partial L}{\partial \hat y} = \tanh(e)",
    properties=("convex", "differentiable", "bounded_gradient", "robust"),
    reference="Chen, Tan & Lu, Log hyperbolic cosine loss for variational autoencoders (2019); "
    "Barron, CVPR 2019 (a smooth Huber)",
    equivalents={
        "pytorch": (
            "none built in: torch.log(torch.cosh(e)) overflows to inf beyond |e| ≈ 89 in float32 "
            "(PyTorch's default dtype) and beyond |e| ≈ 710 in float64; e + softplus(-2e) - "
            "log 2 does not"
        ),
        "keras": (
            "keras.losses.LogCosh (computes e + softplus(-2e) - log 2, averages over the last axis)"
        ),
        "sklearn": "none",
    },
    torch="""e = z - y
return e + F.softplus(-2 * e) - math.log(2.0)  # log cosh e without overflow""",
    examples=(
        Example(0.0, 1.0, 0.4337808304830272, "ln cosh 1 (mpmath, 40 digits)"),
        Example(0.0, 1e-8, 5e-17, "e^2/2 for tiny e (log(cosh) would give 0)"),
    ),
)


def _check_msle_targets(y: Array) -> None:
    if np.any(y < 0):
        raise ValueError(
            f"msle: y_true must be >= 0 (it takes log(1 + y)), got minimum {y.min():g}"
        )


def msle(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Squared error of :math:`\log(1 + \cdot)`: relative errors for non-negative targets.

    Needs :math:`y \ge 0`. Predictions below 0 are clipped to 0, where the gradient is 0
    (at :math:`\hat y = 0` the right-hand derivative is used, as PyTorch's ``clamp`` does).
    Not convex (the log flattens large predictions); the kink at 0 makes it non-smooth. For a
    fixed target the gradient's size is at most
    :math:`\max\big(2\log(1 + y),\ 2 / (e\,(1 + y))\big)`: the first at :math:`\hat y = 0`,
    the second where :math:`\log(1 + \hat y) = 1 + \log(1 + y)`, the larger one for
    :math:`y < 0.3211`. The first grows with the target, so the gradient is not bounded over
    all targets and a huge target (an outlier) pulls harder: neither bounded-gradient nor
    robust.
    """
    clipped = np.maximum(pred, 0.0)
    d = np.log1p(clipped) - np.log1p(y)
    return d * d, np.where(pred >= 0, 2.0 * d / (1.0 + clipped), 0.0)


register(
    msle,
    "regression",
    title="Squared log error (MSLE)",
    short="MSLE",
    color="#882255",  # wine
    formula=r"L = \big(\log(1 + \max(\hat y, 0)) - \log(1 + y)\big)^2,\quad y \ge 0",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{2\,(\log(1+\hat y) - \log(1+y))}"
    r"{1 + \hat y}\ \ (\hat y \ge 0),\quad 0\ \ (\hat y < 0)",
    properties=(),
    reference="Hyndman & Koehler, Another look at measures of forecast accuracy, "
    "Int. J. Forecasting 22 (2006)",
    check_targets=_check_msle_targets,
    equivalents={
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
    torch="""# clamp's derivative at 0 is 1: the right-hand derivative, as core takes it
return (torch.log1p(z.clamp(min=0)) - torch.log1p(y)) ** 2""",
    examples=(Example(3.0, 7.0, math.log(2.0) ** 2, "(ln 8 - ln 4)^2"),),
)

#: MAPE's floor on |y| (Keras's epsilon): keeps y = 0 finite instead of dividing by 0.
MAPE_EPSILON = 1e-7


def mape(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Absolute percentage error: an L1 loss weighted by :math:`100 / |y|`, in percent.

    :math:`\mathrm{sign}(0) = 0` at the kink. For a fixed target it is symmetric in the
    residual (:math:`\hat y = y + e` and :math:`y - e` cost the same); the asymmetry is across
    targets: a smaller :math:`|y|` weighs more, which pulls the minimiser over a spread of
    targets low. Under-prediction of a positive target costs at most 100 % only for
    non-negative predictions (nothing clips them: :math:`y = 1`, :math:`\hat y = -1` costs
    200 %). The gradient is :math:`100/|y|` in size: bounded for each target but growing
    without bound as :math:`y \to 0` (up to :math:`10^9` at the floor), so neither
    bounded-gradient nor robust: a target near 0 pulls far harder than the rest.
    """
    e = pred - y
    w = 100.0 / np.maximum(np.abs(y), MAPE_EPSILON)
    return w * np.abs(e), w * np.sign(e)


register(
    mape,
    "regression",
    title="Absolute percentage error (MAPE)",
    short="MAPE",
    color="#999933",  # olive
    formula=r"L = 100\,\frac{|e|}{\max(|y|,\ 10^{-7})}",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{100\,\mathrm{sign}(e)}{\max(|y|,\ 10^{-7})}",
    properties=("convex",),
    reference="de Myttenaere, Golden, Le Grand & Rossi, Mean absolute percentage error for "
    "regression models, Neurocomputing 192 (2016); Hyndman & Koehler, Int. J. Forecasting 22 "
    "(2006)",
    equivalents={
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
    torch=f"return 100 * (z - y).abs() / y.abs().clamp(min={MAPE_EPSILON!r})",
    percent=True,
    examples=(
        Example(4.0, 5.0, 25.0, "100 * 1 / 4 percent"),
        Example(0.0, 1e-7, 100.0, "floor: 100 * 1e-7 / 1e-7"),
    ),
)


def pinball(y: Array, pred: Array, *, quantile: float = 0.5) -> tuple[Array, Array]:
    r"""Pinball (check) loss on :math:`r = y - \hat y`; its minimiser is the
    :math:`\tau`-quantile. Written as :math:`|r|/2 + (\tau - 1/2) r`, the subgradient uses
    :math:`\mathrm{sign}(0) = 0`, i.e. :math:`1/2 - \tau` at the kink (0 for the median)."""
    r = y - pred
    return np.maximum(quantile * r, (quantile - 1.0) * r), 0.5 - quantile - 0.5 * np.sign(r)


register(
    pinball,
    "regression",
    title="Pinball (quantile)",
    short="pinball",
    color="#332288",  # indigo
    formula=r"L = \max\big(\tau (y - \hat y),\ (\tau - 1)(y - \hat y)\big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \begin{cases} -\tau & \hat y < y \\ "
    r"1 - \tau & \hat y > y \\ 1/2 - \tau & \hat y = y \end{cases}",
    properties=("convex", "bounded_gradient", "robust"),
    hyperparameters=(
        hyperparameter(
            "quantile",
            0.5,
            "(0, 1)",
            r"\tau",
            (0.05, 0.95),
            "the quantile the minimiser estimates; 0.5 is half the absolute error",
        ),
    ),
    reference="Koenker & Bassett, Regression quantiles, Econometrica 46 (1978)",
    equivalents={
        "pytorch": "none built in",
        "keras": "none built in (TensorFlow Addons had PinballLoss)",
        "sklearn": (
            "sklearn.metrics.mean_pinball_loss(alpha=τ) (the mean); QuantileRegressor("
            "quantile=τ, alpha=0) minimises it over a linear model (the default alpha=1.0 adds "
            "an L1 penalty on the coefficients); GradientBoostingRegressor(loss='quantile', "
            "alpha=τ) boosts on it: stagewise steps that lower it, not a minimiser over a model "
            "class"
        ),
    },
    torch="""r = y - z
return 0.5 * r.abs() + (quantile - 0.5) * r  # the max form, with core's 1/2 - τ at r = 0""",
    grid=({}, {"quantile": 0.1}, {"quantile": 0.9}),
    examples=(
        Example(10.0, 8.0, 1.8, "under-prediction: tau * 2", {"quantile": 0.9}),
        Example(10.0, 12.0, 0.2, "over-prediction: (1 - tau) * 2", {"quantile": 0.9}),
    ),
)


def epsilon_insensitive(y: Array, pred: Array, *, epsilon: float = 0.1) -> tuple[Array, Array]:
    r"""Vapnik's :math:`\epsilon`-insensitive loss (support vector regression); subgradient 0
    at the kinks :math:`|e| = \epsilon` (and :math:`\mathrm{sign}(0) = 0`)."""
    e = pred - y
    excess = np.abs(e) - epsilon
    return np.maximum(excess, 0.0), np.where(excess > 0, np.sign(e), 0.0)


register(
    epsilon_insensitive,
    "regression",
    title="ε-insensitive",
    short="ε-insensitive",
    color="#44AA99",  # teal
    formula=r"L = \max(0,\ |e| - \epsilon)",
    grad=r"\frac{\partial L}{\partial \hat y} = \mathrm{sign}(e)\,[|e| > \epsilon]",
    properties=("convex", "bounded_gradient", "robust"),
    hyperparameters=(
        hyperparameter(
            "epsilon",
            0.1,
            "[0, inf)",
            r"\epsilon",
            (0.0, 2.0),
            "half-width of the tube of residuals that cost nothing; 0 is MAE",
        ),
    ),
    reference="Vapnik, The Nature of Statistical Learning Theory (1995); Smola & Schölkopf, "
    "A tutorial on support vector regression, Statistics and Computing 14 (2004)",
    equivalents={
        "pytorch": "none built in",
        "keras": "none built in",
        "sklearn": (
            "SGDRegressor(loss='epsilon_insensitive', epsilon=ε, penalty=None) minimises the mean "
            "over a linear model by stochastic gradient steps; SVR(kernel='linear', epsilon=ε, "
            "C=C) and LinearSVR(epsilon=ε, C=C) minimise ‖w‖²/2 + C·Σ ours (LinearSVR penalises "
            "its intercept too): an L2 penalty no argument removes (a large C comes close)"
        ),
    },
    torch="return F.relu((z - y).abs() - epsilon)  # relu'(0) = 0: 0 at the tube's edge",
    grid=({}, {"epsilon": 0.0}, {"epsilon": 0.7}, {"epsilon": 1.0}),
    examples=(Example(1.0, 3.0, 1.5, "|e| - eps = 2 - 0.5", {"epsilon": 0.5}),),
)


def cauchy(y: Array, pred: Array, *, scale: float = 1.0) -> tuple[Array, Array]:
    r"""Cauchy (Lorentzian) loss, Barron's :math:`\alpha = 0`.

    Grows only logarithmically; the gradient peaks at :math:`|e| = \sqrt2 c` and then
    redescends, so far outliers barely pull. Not convex beyond :math:`|e| = \sqrt2 c`.
    """
    x = (pred - y) / scale
    return np.log1p(0.5 * x * x), (x / scale) / (1.0 + 0.5 * x * x)


register(
    cauchy,
    "regression",
    title="Cauchy (Lorentzian)",
    short="Cauchy",
    color="#0072B2",  # blue
    formula=r"L = \log\Big(1 + \tfrac12 (e/c)^2\Big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{e}{c^2 + e^2/2}",
    properties=("differentiable", "bounded_gradient", "robust"),
    hyperparameters=(SCALE,),
    reference=f"{_BARRON} (alpha = 0); Black & Anandan, The robust estimation of multiple "
    "motions, CVIU 63 (1996)",
    equivalents={
        "pytorch": "none built in (Barron's robust_loss_pytorch with alpha = 0)",
        "keras": "none built in",
        "sklearn": (
            "none; scipy.optimize.least_squares(loss='cauchy', f_scale=√2·c) minimises F = ½ Σ C²"
            " ln(1 + e²/C²) with C = f_scale, which is c² times the sum of ours (the ½ in its "
            "cost halves the 2c² of C²)"
        ),
    },
    torch="return torch.log1p(0.5 * ((z - y) / scale) ** 2)",
    grid=({}, {"scale": 0.5}, {"scale": 3.0}),
    examples=(Example(0.0, 2.0, math.log(3.0), "log(1 + 4/2)", {"scale": 1.0}),),
)


def barron(y: Array, pred: Array, *, alpha: float = 1.0, scale: float = 1.0) -> tuple[Array, Array]:
    r"""Barron's general robust loss on :math:`x = e/c`; one shape parameter spans L2 to Welsch.

    The limits are taken exactly: :math:`\alpha = 2`: :math:`x^2/2`; :math:`\alpha = 0`:
    :math:`\log(1 + x^2/2)` (Cauchy); :math:`\alpha = -\infty`: :math:`1 - e^{-x^2/2}`
    (Welsch). :math:`\alpha = 1` is pseudo-Huber / Charbonnier :math:`\sqrt{x^2+1} - 1`,
    :math:`\alpha = -2` Geman–McClure. Convex for :math:`\alpha \ge 1`; bounded gradient, so
    an outlier's pull is bounded (robust by this page's definition), for :math:`\alpha \le 1`;
    redescending (a far outlier's pull tends to 0) for :math:`\alpha < 1`. The flags describe
    the default :math:`\alpha = 1`: convex, bounded pull, not redescending. Evaluated as
    ``expm1``/``log1p`` so every :math:`\alpha` near a
    limit stays accurate; :math:`\alpha \le 10` keeps residuals of :math:`10^6` finite.
    """
    x = (pred - y) / scale
    x2 = x * x
    if alpha == 2.0:
        return 0.5 * x2, x / scale
    if alpha == 0.0:
        return np.log1p(0.5 * x2), (x / scale) / (1.0 + 0.5 * x2)
    if alpha == -math.inf:
        bump = np.exp(-0.5 * x2)
        return -np.expm1(-0.5 * x2), (x / scale) * bump
    b = abs(alpha - 2.0)
    log_base = np.log1p(x2 / b)  # log(x^2/|alpha-2| + 1)
    values = (b / alpha) * np.expm1(0.5 * alpha * log_base)
    return values, (x / scale) * np.exp((0.5 * alpha - 1.0) * log_base)


register(
    barron,
    "regression",
    title="Barron's general robust loss",
    short="Barron",
    color="#AA4499",  # Tol purple
    formula=r"L = \frac{|\alpha-2|}{\alpha}\Big(\Big(\frac{(e/c)^2}{|\alpha-2|} + 1\Big)"
    r"^{\alpha/2} - 1\Big)",
    grad=r"\frac{\partial L}{\partial \hat y} = \frac{e}{c^2}\Big(\frac{(e/c)^2}{|\alpha-2|} "
    r"+ 1\Big)^{\alpha/2 - 1}",
    properties=("convex", "differentiable", "bounded_gradient", "robust"),
    hyperparameters=(
        hyperparameter(
            "alpha",
            1.0,
            "[-inf, 10]",
            r"\alpha",
            (-10.0, 2.0),
            "shape: 2 = L2, 1 = pseudo-Huber, 0 = Cauchy, -2 = Geman-McClure, -inf = Welsch",
        ),
        SCALE,
    ),
    reference=_BARRON,
    equivalents={
        "pytorch": (
            "none built in (Barron's robust_loss_pytorch.general.lossfun, same formula and limits)"
        ),
        "keras": "none built in",
        "sklearn": "none",
    },
    torch="""x2 = ((z - y) / scale) ** 2
if alpha == 2:
    return 0.5 * x2
if alpha == 0:
    return torch.log1p(0.5 * x2)
if alpha == -math.inf:
    return -torch.expm1(-0.5 * x2)
b = abs(alpha - 2)
return b / alpha * torch.expm1(0.5 * alpha * torch.log1p(x2 / b))""",
    grid=(
        {},
        {"alpha": -math.inf},
        {"alpha": -2.0},
        {"alpha": 0.0},
        {"alpha": 0.5},
        {"alpha": 2.0},
        {"alpha": 4.0},
        {"alpha": 1.0, "scale": 0.4},
        {"alpha": -0.5, "scale": 2.0},
        {"alpha": 1.5},
    ),
    examples=(
        Example(0.0, math.sqrt(3.0), 1.0, "Barron eq. 1, alpha 1: sqrt(x^2+1) - 1", {"alpha": 1.0}),
        Example(0.0, 2.0, 1.0, "Geman-McClure 2 x^2 / (x^2 + 4) = 8/8", {"alpha": -2.0}),
        Example(
            0.0,
            math.sqrt(2 * math.log(2.0)),
            0.5,
            "Welsch 1 - exp(-x^2/2) = 1 - 1/2",
            {"alpha": -math.inf},
        ),
        Example(0.0, 4.0, 2.0, "L2 limit (x/c)^2 / 2 = 4/2", {"alpha": 2.0, "scale": 2.0}),
        Example(0.0, 4.0, math.log(3.0), "Cauchy limit log(1 + 2)", {"alpha": 0.0, "scale": 2.0}),
    ),
)


def cosine(y: Array, pred: Array) -> tuple[Array, Array]:
    r"""Negative cosine similarity between each target row and prediction row (Keras's sign).

    Rows ``(n, d)``; values in :math:`[-1, 1]`, :math:`-1` when :math:`\hat y` points along
    :math:`y`. Scale-invariant, so the gradient is orthogonal to :math:`\hat y` and grows as
    :math:`1/\|\hat y\|`. Where :math:`\hat y = 0` or :math:`y = 0` the cosine is undefined; we
    define value 0 and gradient 0 there (no direction is preferred, like
    :math:`\mathrm{sign}(0) = 0`). Keras instead divides by :math:`\sqrt{\max(\|x\|^2, 10^{-12})}`,
    which also gives value 0 but a gradient of size :math:`\|y\|/10^{-6}`-ish at 0. Rounding can
    push :math:`|\cos|` past 1 by an ulp; values are clipped to :math:`[-1, 1]`. Robust in the
    sense of ``PROPERTIES``: the value is bounded and the pull does not depend on
    :math:`\|y\|`, so a target of any size pulls no harder than a typical one.
    """
    norm_y = np.sqrt(np.sum(y * y, axis=1, keepdims=True))
    norm_p = np.sqrt(np.sum(pred * pred, axis=1, keepdims=True))
    ok = (norm_y > 0) & (norm_p > 0)
    u = np.divide(y, norm_y, out=np.zeros_like(y), where=ok)  # unit target (0 where undefined)
    v = np.divide(pred, norm_p, out=np.zeros_like(pred), where=ok)
    cos = np.clip(np.sum(u * v, axis=1, keepdims=True), -1.0, 1.0)
    grad = np.divide(-(u - cos * v), norm_p, out=np.zeros_like(pred), where=ok)
    return -cos[:, 0], grad


register(
    cosine,
    "regression",
    title="Negative cosine similarity",
    short="cosine",
    color="#117733",  # Tol green
    formula=r"L = -\frac{y \cdot \hat y}{\|y\|\,\|\hat y\|}",
    grad=r"\frac{\partial L}{\partial \hat y} = -\frac{1}{\|\hat y\|}\Big(\frac{y}{\|y\|} - "
    r"\cos(y, \hat y)\,\frac{\hat y}{\|\hat y\|}\Big)",
    properties=("robust",),
    reference="Salton & McGill, Introduction to Modern Information Retrieval (1983); "
    "Keras CosineSimilarity",
    elementwise=False,
    equivalents={
        "pytorch": (
            "-torch.nn.functional.cosine_similarity(pred, y, dim=1) (it returns +cos); it clamps "
            "each norm at eps=1e-8, so at a zero prediction row its gradient is huge (-7.07e7 "
            "for ŷ = [0, 0], y = [1, 1]) where ours is 0; CosineEmbeddingLoss uses 1 - cos"
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
    torch="""# value 0 and gradient 0 where a row is 0, as core (F.cosine_similarity: huge gradient)
norm_z, norm_y = z.norm(dim=1, keepdim=True), y.norm(dim=1, keepdim=True)
ok = (norm_z > 0) & (norm_y > 0)
tiny = torch.finfo(z.dtype).tiny
u = torch.where(ok, y / norm_y.clamp_min(tiny), torch.zeros_like(y))
v = torch.where(ok, z / norm_z.clamp_min(tiny), torch.zeros_like(z))
return -(u * v).sum(1).clamp(-1.0, 1.0)""",
)


def tukey(y: Array, pred: Array, *, c: float = 4.685) -> tuple[Array, Array]:
    r"""Tukey's biweight (bisquare): about :math:`e^2/2` near 0, flat at :math:`c^2/6` beyond
    :math:`|e| = c`.

    Redescending: the gradient :math:`e\,(1 - (e/c)^2)^2` rises, falls back and is exactly 0
    for :math:`|e| \ge c`, so a far outlier does not pull at all. Twice continuously
    differentiable; not convex. With :math:`u = \min((e/c)^2, 1)` the value is computed as
    :math:`\tfrac{c^2}{6}\,u\,(3 - 3u + u^2)`, which equals the formula and keeps
    :math:`e^2/2` for tiny residuals (:math:`1 - (1-u)^3` would cancel to 0).
    """
    e = pred - y
    u = np.minimum((e / c) ** 2, 1.0)
    w = 1.0 - u  # 1 - (e/c)^2 inside the cutoff, 0 beyond
    return (c * c / 6.0) * u * (3.0 - u * (3.0 - u)), e * w * w


register(
    tukey,
    "regression",
    title="Tukey's biweight",
    short="Tukey",
    color="#CC6677",  # Tol rose
    formula=r"L = \begin{cases} \frac{c^2}{6}\Big(1 - \big(1 - (e/c)^2\big)^3\Big) & |e| \le c "
    r"\\ c^2/6 & \text{otherwise} \end{cases}",
    grad=r"\frac{\partial L}{\partial \hat y} = e\,\big(1 - (e/c)^2\big)^2\,[|e| < c]",
    properties=("differentiable", "bounded_gradient", "robust"),
    hyperparameters=(
        hyperparameter(
            "c",
            4.685,
            "(0, inf)",
            "c",
            (0.5, 10.0),
            "residual beyond which the loss is flat (no pull); 4.685 keeps 95% efficiency "
            "under normal noise",
        ),
    ),
    reference="Beaton & Tukey, The fitting of power series, meaning polynomials, illustrated on "
    "band-spectroscopic data, Technometrics 16 (1974); c = 4.685: Holland & Welsch, Robust "
    "regression using iteratively reweighted least-squares, Comm. Statist. 6 (1977)",
    equivalents={
        "pytorch": "none built in",
        "keras": "none built in",
        "sklearn": "none (statsmodels' robust norms have TukeyBiweight, the same ρ with c)",
    },
    grid=({}, {"c": 1.0}, {"c": 2.5}),
    examples=(
        Example(
            0.0,
            1.0,
            37 / 96,
            "c²/6 (1 - (1 - 1/4)³) = (2/3)(37/64) at e = 1, c = 2",
            {"c": 2.0},
            grad=9 / 16,
        ),
        Example(
            1.0,
            0.0,
            37 / 96,
            "symmetric: e = -1 costs as e = 1; gradient -9/16",
            {"c": 2.0},
            grad=-9 / 16,
        ),
        Example(
            0.0, 3.0, 2 / 3, "beyond c = 2: flat at c²/6 = 4/6, gradient 0", {"c": 2.0}, grad=0.0
        ),
        Example(0.0, 4.685, 4.685**2 / 6, "at e = c (default 4.685): c²/6, gradient 0", grad=0.0),
        Example(0.0, 1e-8, 5e-17, "e²/2 for a tiny residual (Taylor), gradient e", grad=1e-8),
    ),
)
