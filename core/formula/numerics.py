r"""Numerics verdicts: what a formula does on a grid up to :math:`|m|, |r| = 10^4`, in words.

:func:`numerics` evaluates a :class:`~core.formula.check.Formula` on :data:`GRID` (dense
near 0, logarithmic out to :data:`X_MAX`) in float64 and float32 and returns
:class:`Verdict` s, each a sentence and the numbers it states:

* ``finite``: where the loss (as computed, stable form) is NaN or infinite;
* ``overflow``: where the formula *as written* overflows or loses its digits while the
  stable form it is computed as does not (thresholds refined by bisection), and how closely
  the two agree where both are finite;
* ``kinks``: each point where an ``abs``, ``max`` or ``min`` switches, its one-sided slopes
  and the gradient used there (the midpoint: :math:`\mathrm{sign}(0) = 0`, :math:`H(0) =
  1/2`);
* ``bounded_below``, ``bounded_above``, ``bounded_gradient``: extremes on the grid, and
  whether the loss or its gradient is still moving away at the grid's edge;
* ``convex``: whether the slopes between neighbouring grid points never decrease, with a
  chord that the loss crosses when they do;
* ``calibrated`` (classification): Bartlett, Jordan & McAuliffe's test for the two-class
  margin loss :math:`\varphi(m)`: a convex :math:`\varphi` is classification-calibrated if
  and only if it is differentiable at 0 with :math:`\varphi'(0) < 0` (Convexity,
  classification, and risk bounds, JASA 101 (2006), Theorem 6); a non-convex one is not
  decided by that test;
* ``finite_differences``: the symbolic gradient against central differences at sample
  points away from kinks.

Classification formulas are evaluated as two-class losses of the margin
:math:`m = z_1 - z_0` (target class 1, so :math:`p = \sigma(m)`), through the same loss
function training uses; a regression formula that uses ``y`` or ``yhat`` is evaluated at
each target of :data:`Y_SLICES`. A verdict is about the grid: a sentence says "on the grid"
where it could fail between or beyond its points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from core._numerics import log_sigmoid, one_minus_exp, sigmoid
from core.formula.evaluate import compile_tree
from core.formula.tree import Apply, Node, canonical, names_in, walk

__all__ = ["GRID", "X_MAX", "Y_SLICES", "Numerics", "Verdict", "numerics"]

if TYPE_CHECKING:  # the formula module imports this one when a loss's flags are read
    from core.formula.check import Formula

Array = NDArray[np.floating]

X_MAX = 1e4
#: The grid: steps of 0.01 on [-10, 10], then 400 logarithmic steps out to X_MAX each side.
GRID: Array = np.unique(
    np.concatenate(
        [
            np.linspace(-10.0, 10.0, 2001),
            np.geomspace(10.0, X_MAX, 401),
            -np.geomspace(10.0, X_MAX, 401),
        ]
    )
)
#: targets at which a regression formula using y or yhat is evaluated
Y_SLICES: tuple[float, ...] = (-10.0, -1.0, 0.0, 1.0, 10.0)
#: sample points of the finite-difference check
FD_POINTS: Array = np.concatenate([np.linspace(-20.0, 20.0, 81), [-1e3, -100.0, 100.0, 1e3]])
#: relative error beyond which a value as written has "lost its digits" (float32 keeps
#: about 7 digits, float64 about 16: 0.1% is most of them lost in either)
PRECISION = 1e-3
EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Verdict:
    """One finding: its topic, whether the property holds (None: not decided / not
    applicable), the sentence shown and the numbers it states."""

    topic: str
    holds: bool | None
    sentence: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Numerics:
    """Every verdict on a formula, in display order, and the registry's property flags as
    the grid establishes them (:attr:`properties`)."""

    variable: str
    verdicts: tuple[Verdict, ...]
    properties: Mapping[str, bool] = field(default_factory=dict)

    def __getitem__(self, topic: str) -> Verdict:
        for v in self.verdicts:
            if v.topic == topic:
                return v
        raise KeyError(topic)

    @property
    def sentences(self) -> list[str]:
        return [v.sentence for v in self.verdicts]


# --------------------------------------------------------------------------- formatting


def fmt(x: float, digits: int = 4) -> str:
    """A number for a sentence: integers plainly, others to ``digits`` significant digits."""
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x == int(x) and abs(x) < 1e7:
        return str(int(x))
    text = f"{x:.{digits}g}"
    return text.replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


def fmt_bound(x: float, up: bool, digits: int = 5) -> str:
    """``x`` to ``digits`` significant digits, rounded up (``up``) or down, so that a claim
    "above/below the printed number" stays true of ``x``."""
    if x == 0 or not math.isfinite(x):
        return fmt(x)
    step = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    q = x / step
    rounded = (math.ceil(q) if up else math.floor(q)) * step
    return fmt(float(f"{rounded:.{digits}g}"), digits)


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Index ranges ``(first, last)`` of the runs of True in ``mask``."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _span(var: str, a: float, b: float) -> str:
    return f"{var} = {fmt(a)}" if a == b else f"{var} from {fmt(a)} to {fmt(b)}"


def _spans(var: str, x: Array, mask: NDArray[np.bool_], limit: int = 3) -> str:
    runs = _runs(mask)
    parts = [_span(var, x[i], x[j]) for i, j in runs[:limit]]
    if len(runs) > limit:
        parts.append(f"{len(runs) - limit} more stretches")
    return ", ".join(parts)


# --------------------------------------------------------------------------- evaluation


class _Curve:
    """The formula as a function of its variable on one slice (a target ``y`` for
    regression formulas that use it), in a dtype, stable or as written."""

    def __init__(self, formula: Formula, y: float, written: bool = False) -> None:
        self.formula, self.y = formula, y
        self.fn = formula.written_fn if written else formula.fn
        self.params = formula.defaults

    def __call__(self, x: ArrayLike, dtype: type = np.float64) -> tuple[Array, Array]:
        x = np.atleast_1d(np.asarray(x, dtype=dtype))
        if self.formula.task == "classification":
            z = np.stack([np.zeros_like(x), x], axis=1)
            values, grad = self.fn(np.ones(x.shape[0], dtype=np.intp), z, **self.params)
            return values, grad[:, 1]
        y = np.full_like(x, self.y)
        return self.fn(y, y + x, **self.params)


def _variables(formula: Formula, x: Array, y: float) -> dict[str, Array]:
    """The tree variables at margin / residual ``x``, as the loss functions compute them."""
    if formula.task == "classification":
        if formula.variable == "m":
            return {"m": x}
        s = log_sigmoid(x)
        return {"log_p": s, "p": np.exp(s), "one_minus_p": one_minus_exp(s)}
    return {"r": x, "y": np.full_like(x, y), "yhat": y + x}


def _bisect(holds: Callable[[float], bool], a: float, b: float, dtype: type) -> float:
    """The last point from ``a`` towards ``b`` where ``holds`` (True at ``a``, False at
    ``b``), to the dtype's resolution."""
    a, b = dtype(a), dtype(b)
    for _ in range(200):
        mid = dtype((float(a) + float(b)) / 2)
        if mid in (a, b):
            break
        if holds(float(mid)):
            a = mid
        else:
            b = mid
    return float(a)


# --------------------------------------------------------------------------- verdicts


def _finite(var: str, x: Array, slices: list[dict[str, Any]]) -> Verdict:
    problems = []
    for dtype in ("float64", "float32"):
        for sl in slices:
            v, g = sl[dtype]["values"], sl[dtype]["grads"]
            where = f" at y = {fmt(sl['y'])}" if sl["y"] is not None else ""
            nan, inf = np.isnan(v), np.isinf(v)
            bad_grad = np.isfinite(v) & ~np.isfinite(g)
            if nan.any():
                problems.append(f"NaN in {dtype}{where} for {_spans(var, x, nan)}")
            if inf.any():
                problems.append(f"infinite in {dtype}{where} for {_spans(var, x, inf)}")
            if bad_grad.any():
                problems.append(
                    f"its gradient is not finite in {dtype}{where} for "
                    f"{_spans(var, x, bad_grad)}, where the loss is"
                )
    if not problems:
        return Verdict(
            "finite",
            True,
            f"Finite with its gradient on the whole grid ({var} from {fmt(-X_MAX)} to "
            f"{fmt(X_MAX)}) in float64 and float32.",
        )
    return Verdict(
        "finite", False, "Not finite everywhere on the grid: " + "; ".join(problems) + "."
    )


def _overflow(formula: Formula, var: str, x: Array, slices: list[dict[str, Any]]) -> Verdict:
    written = canonical(formula.parsed.tree)
    if not formula.rewrites:
        return Verdict(
            "overflow",
            None,
            f"Computed as written ({written}): Loss Lab knows no more stable form of it.",
            {"rewrites": []},
        )
    broke_parts, lost_parts = [], []
    data: dict[str, Any] = {"thresholds": {}, "lost": {}}
    worst, compared = 0.0, 0
    for dtype in ("float64", "float32"):
        t = np.dtype(dtype).type
        for sl in slices:
            w, s = sl[dtype]["written"], sl[dtype]["values"]
            where = f" at y = {fmt(sl['y'])}" if sl["y"] is not None else ""
            for i, j in _runs(~np.isfinite(w) & np.isfinite(s)):
                lo, hi = _refine(sl["written_curve"], x, w, i, j, t)
                # the printed ends are rounded inwards: the claim holds at every point between
                if i == 0:
                    text = f"below {var} = {fmt_bound(hi, up=False)}"
                elif j == x.size - 1:
                    text = f"above {var} = {fmt_bound(lo, up=True)}"
                else:
                    text = f"from {var} = {fmt_bound(lo, True)} to {fmt_bound(hi, False)}"
                broke_parts.append(f"{fmt(float(w[i]))} {text} in {dtype}{where}")
                data["thresholds"].setdefault(dtype, []).append((lo, hi))
            both = np.isfinite(w) & np.isfinite(s)
            lost = both & (np.abs(w - s) > PRECISION * np.abs(s))
            if lost.any():
                idx = np.flatnonzero(lost)
                a, b = float(x[idx[0]]), float(x[idx[-1]])
                lost_parts.append(
                    f"at {idx.size} grid points from {var} = {fmt(a)} to {fmt(b)} in {dtype}{where}"
                )
                data["lost"].setdefault(dtype, []).append((a, b, int(idx.size)))
            if dtype == "float64" and both.any():
                diff = np.abs(w[both] - s[both]) / np.maximum(1.0, np.abs(s[both]))
                worst, compared = max(worst, float(diff.max())), compared + int(both.sum())
    data |= {"agreement": worst, "compared": compared}
    parts = []
    if broke_parts:
        parts.append("is " + " and ".join(broke_parts))
    if lost_parts:
        parts.append(
            f"loses its digits (relative error above {PRECISION:.1%}) " + " and ".join(lost_parts)
        )
    head = "stays finite and accurate on the grid" if not parts else "; it ".join(parts)
    how = "; ".join(f"{r.written} as {r.computed} ({r.reason})" for r in formula.rewrites)
    return Verdict(
        "overflow",
        not parts,
        f"As written, {written} {head}. Loss Lab computes {how}. Where both are finite they "
        f"agree to {fmt(worst, 2)} (largest difference relative to max(1, |value|), "
        f"{compared} grid points in float64).",
        data,
    )


def _refine(curve: _Curve, x: Array, w: Array, i: int, j: int, dtype: type) -> tuple[float, float]:
    """The ends of a run ``i..j`` of non-finite values as written, each moved by bisection
    to the last non-finite point before a finite neighbour (a grid end stays put)."""

    def finite(t: float) -> bool:
        return bool(np.isfinite(curve(t, dtype)[0][0]))

    lo, hi = float(x[i]), float(x[j])
    if i > 0 and np.isfinite(w[i - 1]):
        lo = _bisect(lambda t: not finite(t), x[i], x[i - 1], dtype)
    if j < x.size - 1 and np.isfinite(w[j + 1]):
        hi = _bisect(lambda t: not finite(t), x[j], x[j + 1], dtype)
    return lo, hi


def _switches(tree: Node) -> list[tuple[str, Node]]:
    """``(function, switch)`` for every abs/max/min: the kink is where ``switch`` is 0."""
    out = []
    for node in walk(tree):
        if isinstance(node, Apply) and node.op == "abs":
            out.append(("abs", node.args[0]))
        elif isinstance(node, Apply) and node.op in ("max", "min"):
            args = node.args
            for i in range(len(args)):
                for j in range(i + 1, len(args)):
                    out.append((node.op, Apply("sub", (args[i], args[j]))))
    return out


def _kinks(formula: Formula, var: str, x: Array, slices: list[dict[str, Any]]) -> Verdict:
    found: list[dict[str, Any]] = []
    for fn_name, switch in _switches(formula.stable):
        f = compile_tree(switch)
        if not (names_in(switch)[0]):
            continue  # a switch of constants never changes sign along the curve
        for sl in slices:
            y = sl["y"] if sl["y"] is not None else 0.0

            def s_at(t: Any, f: Any = f, y: float = y) -> Array:
                t = np.atleast_1d(np.asarray(t, dtype=np.float64))
                with np.errstate(all="ignore"):
                    return np.zeros_like(t) + f(_variables(formula, t, y), formula.defaults, float)

            s = s_at(x)
            sign = np.sign(s)
            zeros = np.flatnonzero(sign == 0)
            if zeros.size > 1 and np.any(np.diff(zeros) == 1):
                continue  # tied over a stretch: the branches coincide there, no kink
            points = [float(x[i]) for i in zeros]
            for i in np.flatnonzero((sign[:-1] * sign[1:]) < 0):
                a, b = float(x[i]), float(x[i + 1])
                sa = sign[i]
                for _ in range(200):
                    mid = (a + b) / 2
                    if mid in (a, b):
                        break
                    sm = np.sign(s_at(mid)[0])
                    if sm == 0:
                        a = b = mid
                        break
                    if sm == sa:
                        a = mid
                    else:
                        b = mid
                points.append(a if np.sign(s_at(a)[0]) == 0 else b)
            for x0 in points:
                if any(k["at"] == x0 and k["y"] == sl["y"] for k in found):
                    continue
                found.append(_kink_at(sl["curve"], x0, fn_name, sl["y"]))
    found.sort(key=lambda k: (k["y"] if k["y"] is not None else 0.0, k["at"]))
    real = [k for k in found if k["kink"]]
    data = {"kinks": found}
    if not found:
        why = "no abs, max or min" if not _switches(formula.stable) else "no switch on the grid"
        return Verdict("kinks", False, f"No kinks: the formula has {why}.", data)
    parts = []
    for k in found[:4]:
        where = f"{var} = {fmt(k['at'])}" + (f" (y = {fmt(k['y'])})" if k["y"] is not None else "")
        slopes = f"one-sided slopes {fmt(k['left'])} and {fmt(k['right'])}"
        if k["kink"]:
            verdict = (
                "their midpoint, a subgradient"
                if k["between"] and k["midpoint"]
                else "between them, a subgradient"
                if k["between"]
                else "not between them"
            )
            parts.append(
                f"a kink at {where} ({k['fn']}): {slopes}; the gradient used there is "
                f"{fmt(k['used'])}, {verdict}"
            )
        else:
            parts.append(
                f"{k['fn']} switches at {where} but the loss is smooth there ({slopes}); the "
                f"gradient used is {fmt(k['used'])}"
            )
    more = f"; and {len(found) - 4} more" if len(found) > 4 else ""
    head = f"{len(real)} kink{'s' if len(real) != 1 else ''}: " if real else "No kinks: "
    return Verdict("kinks", bool(real), head + "; ".join(parts) + more + ".", data)


def _kink_at(curve: _Curve, x0: float, fn_name: str, y: float | None) -> dict[str, Any]:
    h = 1e-6 * max(1.0, abs(x0))
    values, grads = curve(np.array([x0 - h, x0, x0 + h]))
    left = float((values[1] - values[0]) / h)
    right = float((values[2] - values[1]) / h)
    used = float(grads[1])
    scale = max(1.0, abs(left), abs(right))
    tol = 1e-4 * scale
    kink = abs(left - right) > tol
    lo, hi = min(left, right), max(left, right)
    return {
        "at": x0,
        "y": y,
        "fn": fn_name,
        "left": left,
        "right": right,
        "used": used,
        "kink": bool(kink),
        "between": bool(lo - tol <= used <= hi + tol),
        "midpoint": bool(abs(used - (left + right) / 2) <= tol),
    }


def _where(var: str, x0: float, y: float | None) -> str:
    return f"{var} = {fmt(x0)}" + (f" (y = {fmt(y)})" if y is not None else "")


def _bounds(var: str, x: Array, slices: list[dict[str, Any]], below: bool) -> Verdict:
    topic = "bounded_below" if below else "bounded_above"
    word = "below" if below else "above"
    infinite = -np.inf if below else np.inf
    best, best_at, escaping = None, None, []
    for sl in slices:
        v, g = sl["float64"]["values"], sl["float64"]["grads"]
        hit = np.flatnonzero(v == infinite)
        if hit.size:
            return Verdict(
                topic,
                False,
                f"Not bounded {word}: it is {fmt(infinite)} at "
                f"{_where(var, float(x[hit[0]]), sl['y'])}.",
                {"extreme": float(infinite), "at": float(x[hit[0]]), "escaping": []},
            )
        ok = np.isfinite(v)
        if not ok.any():
            continue
        i = int(
            np.argmin(np.where(ok, v, np.inf)) if below else np.argmax(np.where(ok, v, -np.inf))
        )
        if best is None or (v[i] < best if below else v[i] > best):
            best, best_at = float(v[i]), (float(x[i]), sl["y"])
        for e in (0, x.size - 1):
            if not np.isfinite(v[e]):
                continue
            edge, half = _edge_trend(x, v, e)
            moving = (edge < half) if below else (edge > half)
            if moving and abs(edge - half) > 1e-6 * max(1.0, abs(edge)) and abs(g[e]) > 1e-12:
                escaping.append((float(x[e]), sl["y"], edge, float(g[e])))
    if best is None:
        return Verdict(topic, None, "Not decided: the loss is not finite anywhere on the grid.")
    data = {"extreme": best, "at": best_at[0], "escaping": escaping}
    if escaping:
        xe, ye, edge, slope = escaping[0]
        verb = "falling" if below else "growing"
        return Verdict(
            topic,
            False,
            f"Not bounded {word} on the grid's evidence: it reaches {fmt(edge)} at "
            f"{_where(var, xe, ye)}, the grid's edge, and is still {verb} there (slope "
            f"{fmt(slope)}).",
            data,
        )
    kind = "smallest" if below else "largest"
    return Verdict(
        topic,
        True,
        f"Bounded {word} on the grid: its {kind} value there is {fmt(best)} (at "
        f"{_where(var, *best_at)}).",
        data,
    )


def _edge_trend(x: Array, v: Array, e: int) -> tuple[float, float]:
    """The value at the grid's end ``e`` and at the grid point nearest half that distance."""
    j = int(np.argmin(np.abs(x - x[e] / 2)))
    return float(v[e]), float(v[j])


def _gradient_bound(var: str, x: Array, slices: list[dict[str, Any]]) -> Verdict:
    symbol = f"|dL/d{var}|"
    top, top_at, growing, partial = 0.0, None, [], False
    for sl in slices:
        v = sl["float64"]["values"]
        g = np.where(np.isfinite(v), np.abs(sl["float64"]["grads"]), np.nan)
        partial |= not np.isfinite(g).all()
        hit = np.flatnonzero(np.isinf(g))
        if hit.size:
            return Verdict(
                "bounded_gradient",
                False,
                f"Gradient not bounded: {symbol} is infinite at "
                f"{_where(var, float(x[hit[0]]), sl['y'])}.",
                {"max": np.inf, "at": float(x[hit[0]]), "growing": []},
            )
        ok = np.isfinite(g)
        if not ok.any():
            continue
        i = int(np.argmax(np.where(ok, g, -np.inf)))
        if top_at is None or g[i] > top:
            top, top_at = float(g[i]), (float(x[i]), sl["y"])
        for e in (0, x.size - 1):
            edge, half = _edge_trend(x, g, e)
            if np.isfinite(edge) and edge > half * (1 + 1e-6) and edge > 1e-12:
                growing.append((float(x[e]), sl["y"], edge))
    if top_at is None:
        return Verdict(
            "bounded_gradient", None, "Not decided: the loss is not finite anywhere on the grid."
        )
    data = {"max": top, "at": top_at[0], "growing": growing}
    if growing:
        xe, ye, edge = growing[0]
        return Verdict(
            "bounded_gradient",
            False,
            f"Gradient not bounded on the grid's evidence: {symbol} reaches {fmt(edge)} at "
            f"{_where(var, xe, ye)}, the grid's edge, and is still growing there.",
            data,
        )
    if partial:
        return Verdict(
            "bounded_gradient",
            None,
            f"Gradient not decided: it is not finite on the whole grid (next to where it is "
            f"not, it may grow without bound); where it is finite, {symbol} is at most "
            f"{fmt(top)} (at {_where(var, *top_at)}).",
            data,
        )
    return Verdict(
        "bounded_gradient",
        True,
        f"Gradient bounded on the grid: {symbol} is at most {fmt(top)} (at "
        f"{_where(var, *top_at)}).",
        data,
    )


def _slopes(xs: Array, vs: Array) -> tuple[Array, Array]:
    """Slopes between neighbouring points (``xs`` increasing) and how far each may be off
    from rounding: about eps |f| / dx for rounded values; 64 times that is allowed."""
    dx = np.diff(xs)
    scale = np.maximum(np.abs(vs[:-1]), np.abs(vs[1:]))
    return np.diff(vs) / dx, 64 * EPS * scale / dx


def _not_convex_at(xs: Array, vs: Array) -> int | None:
    """The index of the middle point of the worst decrease of slope, or None if the slopes
    never decrease (beyond rounding) over points with finite values."""
    worst, at = 0.0, None
    for i, j in _runs(np.isfinite(vs)):
        if j - i < 2:
            continue
        slope, tol = _slopes(xs[i : j + 1], vs[i : j + 1])
        drop = slope[:-1] - slope[1:] - np.maximum(tol[:-1], tol[1:])
        k = int(np.argmax(drop))
        if drop[k] > worst:
            worst, at = float(drop[k]), i + k + 1
    return at


def _affine(xs: Array, vs: Array) -> bool:
    """Whether the finite values lie on one straight line in ``xs`` (to rounding)."""
    ok = np.isfinite(vs)
    if ok.sum() < 3:
        return False
    A = np.column_stack([np.ones(ok.sum()), xs[ok]])
    coef, *_ = np.linalg.lstsq(A, vs[ok], rcond=None)
    scale = 1.0 + float(np.max(np.abs(vs[ok])))
    return bool(np.max(np.abs(A @ coef - vs[ok])) <= 1e-9 * scale)


def _nonincreasing(xs: Array, vs: Array) -> bool:
    """Whether the values never rise (beyond rounding) between neighbouring finite points."""
    ok = np.isfinite(vs)
    slope, tol = _slopes(xs[ok], vs[ok])
    return bool(np.all(slope <= tol))


def _convex(var: str, x: Array, slices: list[dict[str, Any]]) -> Verdict:
    witness, partial = None, False
    for sl in slices:
        v = sl["float64"]["values"]
        partial |= not np.isfinite(v).all()
        k = _not_convex_at(x, v)
        if k is not None:
            witness = _chord_witness(sl["curve"], float(x[k]), sl["y"])
            break
    where = " where it is finite" if partial else ""
    if witness is None:
        return Verdict(
            "convex",
            True,
            f"Convex on the grid{where}: its slope never decreases from {var} = {fmt(-X_MAX)} "
            f"to {fmt(X_MAX)} ({x.size} points).",
        )
    c, d, fc, fa, fb, y = witness
    at = f" (y = {fmt(y)})" if y is not None else ""
    mid = (fa + fb) / 2
    return Verdict(
        "convex",
        False,
        f"Not convex: at {var} = {fmt(c)}{at} the loss is {fmt(fc, 6)}, above the chord from "
        f"{var} = {fmt(c - d)} ({fmt(fa, 6)}) to {var} = {fmt(c + d)} ({fmt(fb, 6)}), whose "
        f"midpoint is {fmt(mid, 6)}.",
        {"center": c, "half_width": d, "value": fc, "left": fa, "right": fb},
    )


def _chord_witness(curve: _Curve, x0: float, y: float | None) -> tuple[float, ...]:
    """The most visible violation of convexity near ``x0``: ``(c, d, f(c), f(c-d), f(c+d),
    y)`` maximising :math:`f(c) - (f(c-d) + f(c+d))/2` over a few centres and widths."""
    best = None
    scale = max(1.0, abs(x0))
    for d in (0.01, 0.1, 0.5, 1.0, 2.0, 5.0):
        d *= scale
        for c in x0 + d * np.array([-1.0, -0.5, 0.0, 0.5, 1.0]):
            c = round(float(c), 6)
            vals = curve(np.array([c - d, c, c + d]))[0]
            if not np.all(np.isfinite(vals)):
                continue
            gap = vals[1] - (vals[0] + vals[2]) / 2
            if best is None or gap > best[0]:
                best = (float(gap), c, d, float(vals[1]), float(vals[0]), float(vals[2]))
    assert best is not None and best[0] > 0
    _, c, d, fc, fa, fb = best
    return c, d, fc, fa, fb, y


def _calibrated(formula: Formula, slices: list[dict[str, Any]], convex: Verdict) -> Verdict:
    curve = slices[0]["curve"]
    name = "Bartlett, Jordan & McAuliffe's test"
    if not convex.holds:
        return Verdict(
            "calibrated",
            None,
            f"Not decided by {name} (it applies to convex losses; this one is not convex on "
            "the grid).",
        )
    k = _kink_at(curve, 0.0, "", None)
    d0 = k["used"]
    if k["kink"]:
        return Verdict(
            "calibrated",
            False,
            f"For two classes, not classification-calibrated by {name}: a convex loss is "
            f"calibrated if and only if it is differentiable at m = 0 with a negative slope, "
            f"and this one has a kink at m = 0 (slopes {fmt(k['left'])} and {fmt(k['right'])}).",
            {"slope_at_0": d0},
        )
    if d0 < 0:
        return Verdict(
            "calibrated",
            True,
            f"For two classes, classification-calibrated by {name}: convex on the grid and "
            f"differentiable at m = 0 with slope {fmt(d0)} < 0.",
            {"slope_at_0": d0},
        )
    return Verdict(
        "calibrated",
        False,
        f"For two classes, not classification-calibrated by {name}: a convex loss is "
        f"calibrated if and only if its slope at m = 0 is negative, and this one's is {fmt(d0)}.",
        {"slope_at_0": d0},
    )


def _finite_differences(var: str, slices: list[dict[str, Any]], kinks: Verdict) -> Verdict:
    """Central differences with steps h and h/2, extrapolated (Richardson); a point counts
    as a disagreement only when the symbolic gradient is further from the extrapolation than
    the two differences are from each other plus their rounding noise (and a relative 1e-6);
    a point where the noise alone would be 1% of the slope is skipped."""
    near = [k["at"] for k in kinks.data.get("kinks", [])]
    checked, skipped, worst, bad = 0, 0, 0.0, []
    for sl in slices:
        curve = sl["curve"]
        for x0 in FD_POINTS:
            h = 1e-4 * max(1.0, abs(x0))
            if any(abs(x0 - k) <= 2 * h for k in near):
                skipped += 1
                continue
            steps = np.array([-h, -h / 2, 0.0, h / 2, h])
            values, grads = curve(x0 + steps)
            if not np.all(np.isfinite(values)) or not np.isfinite(grads[2]):
                skipped += 1
                continue
            # rounding noise of a difference: the values are good to some 100 eps |f| (more
            # for nested exponentials); where that swamps the slope, differences tell nothing
            noise = 100 * EPS * float(np.max(np.abs(values))) / h
            if noise > 0.01 * (1.0 + abs(grads[2])):
                skipped += 1
                continue
            coarse = (values[4] - values[0]) / (2 * h)
            fine = (values[3] - values[1]) / h
            richardson = (4 * fine - coarse) / 3
            spread = abs(fine - coarse) + noise
            err = abs(grads[2] - richardson)
            checked += 1
            worst = max(worst, float(err / (1.0 + abs(grads[2]))))
            if err > 1e-6 * (1.0 + abs(grads[2])) + spread:
                bad.append((float(x0), sl["y"], float(grads[2]), float(richardson)))
    data = {"checked": checked, "skipped": skipped, "worst": worst, "disagree": bad}
    skip = (
        f"; {skipped} skipped (next to a kink, not finite, or too large for differences)"
        if skipped
        else ""
    )
    if bad:
        x0, y, g, fd = bad[0]
        at = f"{var} = {fmt(x0)}" + (f" (y = {fmt(y)})" if y is not None else "")
        return Verdict(
            "finite_differences",
            False,
            f"The symbolic gradient and central finite differences disagree at {len(bad)} of "
            f"{checked} sample points, e.g. at {at}: {fmt(g, 6)} against {fmt(fd, 6)}{skip}.",
            data,
        )
    return Verdict(
        "finite_differences",
        True,
        f"The symbolic gradient matches central finite differences at {checked} sample points "
        f"(largest difference {fmt(worst, 2)} relative to 1 + |gradient|){skip}.",
        data,
    )


def _flags(formula: Formula, x: Array, slices: list[dict[str, Any]], verdicts: dict) -> dict:
    r"""The registry's property flags (:data:`core.losses.PROPERTIES`), True where the grid
    establishes them for every number of classes, False otherwise (``calibrated``, a
    strictly proper scoring rule, is never established here).

    Classification, by composition (:math:`m` and :math:`\log p_t` are concave in the
    logits, :math:`p_t` is smooth): a loss of :math:`m` is convex in the logits when it is
    convex and non-increasing in :math:`m`, and never differentiable everywhere (the
    runner-up :math:`\max_{j \ne t} z_j` has kinks where wrong classes tie); a loss of
    :math:`p` is convex when it is convex and non-increasing in :math:`s = \log p_t`. Its
    gradient is bounded for every K exactly when it is for two classes
    (:math:`\lVert e_t - p\rVert \le \sqrt{2}(1 - p_t)`). Robust, as the registry
    defines it: a bounded gradient (regression); symmetric (classification, Ghosh, Kumar &
    Sastry 2017: :math:`\sum_k L(z, k)` the same for all logits), which for every K holds
    exactly for a loss affine in :math:`p_t` (:math:`\sum_k p_k = 1`); a loss of :math:`m`
    is never symmetric for three classes or more unless it is constant (only the top class
    has a positive margin), so it is not claimed.
    """
    finite = bool(verdicts["finite"].holds)
    smooth = finite and not any(k["kink"] for k in verdicts["kinks"].data.get("kinks", []))
    v = slices[0]["float64"]["values"]
    if formula.variable == "m":
        convex = bool(verdicts["convex"].holds) and _nonincreasing(x, v)
        smooth = False
    elif formula.variable == "p":
        s = log_sigmoid(x)  # log p_t of the grid's two-class margins, increasing
        keep = np.concatenate([[True], np.diff(s) > 0])
        convex = _not_convex_at(s[keep], v[keep]) is None and _nonincreasing(s[keep], v[keep])
        convex &= finite
    else:
        convex = bool(verdicts["convex"].holds)
    if formula.task == "regression":
        robust = bool(verdicts["bounded_gradient"].holds)
    elif formula.variable == "p":
        robust = finite and _affine(sigmoid(x), v)
    else:
        robust = False
    return {
        "convex": convex,
        "differentiable": smooth,
        "bounded_gradient": bool(verdicts["bounded_gradient"].holds),
        "robust": robust,
        "calibrated": False,
    }


def numerics(formula: Formula) -> Numerics:
    """Every verdict on ``formula`` at its parameters' defaults (see the module docstring)."""
    var = "m" if formula.task == "classification" else "r"
    uses_y = formula.task == "regression" and bool(names_in(formula.parsed.tree)[0] & {"y", "yhat"})
    ys: list[float | None] = list(Y_SLICES) if uses_y else [None]
    x = GRID
    slices = []
    with np.errstate(all="ignore"):
        for y in ys:
            curve = _Curve(formula, y if y is not None else 0.0)
            written = _Curve(formula, y if y is not None else 0.0, written=True)
            sl: dict[str, Any] = {"y": y, "curve": curve, "written_curve": written}
            for dtype in ("float64", "float32"):
                t = np.dtype(dtype).type
                values, grads = curve(x, t)
                sl[dtype] = {
                    "values": values.astype(np.float64),
                    "grads": grads.astype(np.float64),
                    "written": written(x, t)[0].astype(np.float64),
                }
            slices.append(sl)
        finite = _finite(var, x, slices)
        kinks = _kinks(formula, var, x, slices)
        convex = _convex(var, x, slices)
        verdicts = [
            finite,
            _overflow(formula, var, x, slices),
            kinks,
            _bounds(var, x, slices, below=True),
            _bounds(var, x, slices, below=False),
            _gradient_bound(var, x, slices),
            convex,
        ]
        if formula.task == "classification":
            verdicts.append(_calibrated(formula, slices, convex))
        if formula.variable == "p":
            verdicts.insert(
                0,
                Verdict(
                    "grid",
                    None,
                    "Judged as a two-class loss of the margin m = z_1 - z_0, where "
                    "p = sigmoid(m), on a grid from m = -10000 to 10000.",
                ),
            )
        verdicts.append(_finite_differences(var, slices, kinks))
        flags = _flags(formula, x, slices, {v.topic: v for v in verdicts})
    return Numerics(formula.variable, tuple(verdicts), flags)
