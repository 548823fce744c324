// Loss Lab engine — losses: the mirror of core/losses (registry.py, classification.py and the
// elementwise losses of regression.py). Same names, same hyperparameters with the same
// defaults and allowed intervals, same values and gradients computed the same stable way
// (from log-softmax, 1 - p by expm1, the same branches at kinks and for dominant classes).
//
// Classification: labels t in 0..K-1 (Int32Array), logits z (n x K, row-major Float64Array),
// p = softmax(z), Y the one-hot label, m = z_t - max_{j != t} z_j the multiclass margin.
// Regression: targets y and predictions yhat (n x d), residual e = yhat - y; a (n, d) loss is
// the mean over d of the elementwise one (as core's registry averages).
//
// A loss is a record {name, task, title, hyperparameters, row | element}: `row` computes one
// sample's value and writes its gradient row (classification), `element` one residual's
// (regression). evaluateLoss runs either over a batch into caller-owned buffers. A loss can
// also be made from a scalar (value, derivative) pair of the margin m, of the target
// probability p_t, or of the residual e (marginLoss, targetProbabilityLoss, residualLoss) and
// added with registerLoss: the seam for a loss a student writes as a formula.
//
// Not mirrored: soft targets (a target distribution instead of labels) and the regression
// loss "cosine" (not elementwise); the pages that train in the browser use neither.

import {
  argmaxRow,
  clip,
  logCosh,
  logOrZero,
  logSoftmaxRow,
  oneMinusExp,
  pairwiseSum,
  power,
  sign,
} from "./numerics.js";

export const TASKS = ["classification", "regression"];

// ------------------------------------------------------------------------ hyperparameters

/**
 * A hyperparameter: default and allowed interval, low/high with open (strict) ends, as core's
 * Hyperparameter. `interval` is written as in core, e.g. "[0, 1)", "(0, inf)".
 * @param {string} name
 * @param {number} value the default
 * @param {string} interval
 * @returns {{name: string, default: number, low: number, high: number, lowOpen: boolean, highOpen: boolean}}
 */
export function hyperparameter(name, value, interval) {
  const [low, high] = interval
    .slice(1, -1)
    .split(",")
    .map((s) => Number(s.trim().replace("inf", "Infinity")));
  return {
    name,
    default: value,
    low,
    high,
    lowOpen: interval[0] === "(",
    highOpen: interval[interval.length - 1] === ")",
  };
}

/** The interval of a hyperparameter in the usual notation, e.g. "[0, 1)". */
function intervalText(h) {
  const fmt = (x) => (x === Infinity ? "inf" : x === -Infinity ? "-inf" : String(x));
  return `${h.lowOpen ? "(" : "["}${fmt(h.low)}, ${fmt(h.high)}${h.highOpen ? ")" : "]"}`;
}

const LABEL_SMOOTHING = hyperparameter("label_smoothing", 0.0, "[0, 1)");
const MARGIN = hyperparameter("margin", 1.0, "(0, inf)");
const residualScale = (name) => hyperparameter(name, 1.0, "(0, inf)");

/**
 * Defaults updated by `params`, each checked against its interval (core's Loss.resolve).
 * Throws an Error naming the loss, the hyperparameter and what is allowed.
 * @param {object} loss a registered loss
 * @param {Object<string, number>} [params]
 * @returns {Object<string, number>}
 */
export function resolveHyperparameters(loss, params = {}) {
  const known = new Map(loss.hyperparameters.map((h) => [h.name, h]));
  const unknown = Object.keys(params).filter((k) => !known.has(k)).sort();
  if (unknown.length) {
    const allowed = [...known.keys()].join(", ") || "none";
    throw new Error(`${loss.name}: unknown hyperparameter(s) ${unknown}; allowed: ${allowed}`);
  }
  const out = {};
  for (const h of loss.hyperparameters) {
    const v = h.name in params ? Number(params[h.name]) : h.default;
    const below = h.lowOpen ? v <= h.low : v < h.low;
    const above = h.highOpen ? v >= h.high : v > h.high;
    if (Number.isNaN(v) || below || above) {
      throw new Error(`${loss.name}: ${h.name} must be in ${intervalText(h)}, got ${params[h.name]}`);
    }
    out[h.name] = v;
  }
  return out;
}

// ------------------------------------------------------------------------ registry

const REGISTRY = new Map(); // "task/name" -> loss, in registration order (core's order)

/**
 * Add a loss to the registry (core's register). A name already registered for the task is
 * refused, so a custom loss cannot shadow core's.
 * @param {object} loss {name, task, title, hyperparameters, row | element}
 * @returns {object} the loss
 */
export function registerLoss(loss) {
  if (!TASKS.includes(loss.task)) throw new Error(`task must be one of ${TASKS}, got ${loss.task}`);
  const key = `${loss.task}/${loss.name}`;
  if (REGISTRY.has(key)) throw new Error(`${loss.task} loss ${loss.name} is already registered`);
  const field = loss.task === "classification" ? "row" : "element";
  if (typeof loss[field] !== "function") throw new Error(`${loss.name}: a ${loss.task} loss needs a function "${field}"`);
  REGISTRY.set(key, { hyperparameters: [], title: loss.name, ...loss });
  return REGISTRY.get(key);
}

/**
 * Registered loss names for `task`, in registry order (core's losses.names).
 * @param {string} task
 * @returns {string[]}
 */
export function lossNames(task) {
  if (!TASKS.includes(task)) throw new Error(`task must be one of ${TASKS}, got ${task}`);
  return [...REGISTRY.values()].filter((l) => l.task === task).map((l) => l.name);
}

/**
 * The registered loss `name` for `task` (core's losses.get); throws listing the valid names.
 * @param {string} name
 * @param {string} task
 * @returns {object}
 */
export function getLoss(name, task) {
  const loss = REGISTRY.get(`${task}/${name}`);
  if (!loss) throw new Error(`unknown ${task} loss ${name}; choose one of ${lossNames(task)}`);
  return loss;
}

// ------------------------------------------------------------------------ batches

/**
 * Scratch rows a classification loss uses for one sample (allocate once per K).
 * @param {number} K
 */
export function lossScratch(K) {
  return {
    logP: new Float64Array(K),
    e: new Float64Array(K),
    p: new Float64Array(K),
    d: new Float64Array(K),
    w: new Float64Array(K),
  };
}

/**
 * Per-sample values and their gradient w.r.t. the raw outputs, for a batch (no reduction):
 * values[i] = l(y_i, z_i), grad[i, k] = d l(y_i, z_i) / d z_ik (core's Loss.evaluate).
 * @param {object} loss a registered loss
 * @param {Object<string, number>} hyper resolved hyperparameters
 * @param {Int32Array|Float64Array} y labels (n) or targets (n x d)
 * @param {Float64Array} Z raw outputs, n x K (logits) or n x d (predictions)
 * @param {number} n rows
 * @param {number} K columns
 * @param {Float64Array} values out, n
 * @param {Float64Array} grad out, n x K
 * @param {object} [scratch] lossScratch(K)
 */
export function evaluateLoss(loss, hyper, y, Z, n, K, values, grad, scratch = lossScratch(K)) {
  if (loss.task === "classification") {
    for (let i = 0; i < n; i++) values[i] = loss.row(y[i], Z, i * K, K, hyper, grad, scratch);
    return;
  }
  if (K === 1) {
    for (let i = 0; i < n; i++) values[i] = loss.element(y[i], Z[i], hyper, grad, i);
    return;
  }
  const v = scratch.w; // one row of elementwise values, averaged over d
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) v[k] = loss.element(y[i * K + k], Z[i * K + k], hyper, grad, i * K + k);
    values[i] = pairwiseSum(v, 0, K) / K;
    for (let k = 0; k < K; k++) grad[i * K + k] /= K;
  }
}

// ------------------------------------------------------------------------ classification

/**
 * p - Y from log-probabilities into g's row: p_k = e^{log p_k}, and the target entry
 * p_t - 1 as -(1 - p_t) by expm1, so it keeps its digits when p_t ~ 1 (core's _p_minus_one_hot).
 */
function pMinusOneHot(logP, t, K, g, o) {
  for (let k = 0; k < K; k++) g[o + k] = Math.exp(logP[k]);
  g[o + t] = -oneMinusExp(logP[t]);
}

/** q_k = (1 - eps) Y_k + eps / K, the smoothed one-hot target (core's _targets). */
function smoothedTarget(k, t, K, eps) {
  const Y = k === t ? 1.0 : 0.0;
  return eps ? (1.0 - eps) * Y + eps / K : Y;
}

/** p - q = (p - Y) + eps (Y - 1/K) into g's row (core's _p_minus_targets). */
function pMinusTargets(logP, t, K, eps, g, o) {
  pMinusOneHot(logP, t, K, g, o);
  if (eps) {
    for (let k = 0; k < K; k++) g[o + k] -= eps / K;
    g[o + t] += eps;
  }
}

/** max_{j != t} z_j and its index j* (first on ties), as core's _runner_up. */
function runnerUp(t, z, o, K, e) {
  for (let k = 0; k < K; k++) e[k] = z[o + k];
  e[t] = -Infinity;
  const j = argmaxRow(e, 0, K);
  return j;
}

/**
 * Softmax cross-entropy, L = -sum_k q_k log p_k, q = (1 - eps) Y + eps/K;
 * dL/dz_k = p_k - q_k.
 */
function crossEntropy(t, z, o, K, h, g, s) {
  const eps = h.label_smoothing;
  logSoftmaxRow(z, o, K, s.logP, 0, s.e);
  let value;
  if (!eps) {
    value = -s.logP[t];
  } else {
    for (let k = 0; k < K; k++) s.w[k] = smoothedTarget(k, t, K, eps) * s.logP[k];
    value = -pairwiseSum(s.w, 0, K);
  }
  pMinusTargets(s.logP, t, K, eps, g, o);
  return value;
}

/** A wrong class's probability beyond which MSE's gradient entry is taken from 1 - p_j. */
const DOMINANT = 1.0 - 2 ** -10;

/**
 * Squared error on probabilities (Brier), L = sum_k (p_k - Y_k)^2;
 * dL/dz_j = p_j (g_j - sum_k p_k g_k), g_k = 2 (p_k - Y_k); the target entry as
 * -2 p_t L, and a dominant wrong class j from 1 - p_j (core's mse, without cancellation).
 */
function mseClassification(t, z, o, K, h, g, s) {
  const { logP, p, d, w } = s;
  logSoftmaxRow(z, o, K, logP, 0, s.e);
  for (let k = 0; k < K; k++) p[k] = Math.exp(logP[k]);
  pMinusOneHot(logP, t, K, d, 0);
  for (let k = 0; k < K; k++) w[k] = d[k] * d[k];
  const value = pairwiseSum(w, 0, K);
  const wrong = s.e;
  for (let k = 0; k < K; k++) wrong[k] = p[k];
  wrong[t] = 0.0;
  for (let k = 0; k < K; k++) w[k] = wrong[k] * wrong[k];
  const pDotD = pairwiseSum(w, 0, K) + p[t] * d[t];
  for (let k = 0; k < K; k++) g[o + k] = 2.0 * p[k] * (d[k] - pDotD);
  g[o + t] = -2.0 * p[t] * value;
  const j = argmaxRow(wrong, 0, K);
  if (wrong[j] > DOMINANT) {
    for (let k = 0; k < K; k++) w[k] = k === j ? 0.0 : wrong[k] * wrong[k];
    let diff = p[j] * oneMinusExp(logP[j]) - pairwiseSum(w, 0, K);
    diff -= p[t] * d[t];
    g[o + j] = 2.0 * p[j] * diff;
  }
  return value;
}

/** Absolute error on probabilities, L = 2 (1 - p_t); dL/dz_k = 2 p_t (p_k - Y_k). */
function maeClassification(t, z, o, K, h, g, s) {
  logSoftmaxRow(z, o, K, s.logP, 0, s.e);
  const logPt = s.logP[t];
  pMinusOneHot(s.logP, t, K, g, o);
  const scale = 2.0 * Math.exp(logPt);
  for (let k = 0; k < K; k++) g[o + k] *= scale;
  return 2.0 * oneMinusExp(logPt);
}

/**
 * Crammer-Singer hinge, L = max(0, Delta - m); dL/dz_t = -[m < Delta], dL/dz_{j*} = [m < Delta],
 * j* the first largest wrong class; 0 at the kink m = Delta.
 */
function hinge(t, z, o, K, h, g, s) {
  const j = runnerUp(t, z, o, K, s.e);
  const slack = h.margin - (z[o + t] - s.e[j]);
  const active = slack > 0 ? 1.0 : 0.0;
  for (let k = 0; k < K; k++) g[o + k] = 0.0;
  g[o + t] = -active;
  g[o + j] = active;
  return Math.max(slack, 0.0);
}

/** Squared Crammer-Singer hinge, L = max(0, Delta - m)^2; gradient 2 max(0, Delta - m) x hinge's. */
function squaredHinge(t, z, o, K, h, g, s) {
  const v = hinge(t, z, o, K, h, g, s);
  const scale = 2.0 * v;
  for (let k = 0; k < K; k++) g[o + k] *= scale;
  return v * v;
}

/**
 * Weston-Watkins hinge / K (PyTorch's MultiMarginLoss), L = (1/K) sum_{j != t} max(0, Delta - z_t + z_j);
 * dL/dz_j = [Delta - z_t + z_j > 0] / K, dL/dz_t = -sum_{j != t} of those.
 */
function multiMargin(t, z, o, K, h, g, s) {
  const slack = s.w;
  const base = h.margin - z[o + t];
  for (let k = 0; k < K; k++) slack[k] = base + z[o + k];
  slack[t] = 0.0;
  for (let k = 0; k < K; k++) g[o + k] = (slack[k] > 0 ? 1.0 : 0.0) / K;
  g[o + t] = -pairwiseSum(g, o, K);
  for (let k = 0; k < K; k++) slack[k] = Math.max(slack[k], 0.0);
  return pairwiseSum(slack, 0, K) / K;
}

/**
 * Focal loss, L = -(1 - p_t)^gamma log p_t;
 * dL/dz_k = (1 - p_t)^gamma (1 - gamma p_t log p_t / (1 - p_t)) (p_k - Y_k), with
 * log p_t / (1 - p_t) taken as -1 where 1 - p_t rounds to 0.
 */
function focal(t, z, o, K, h, g, s) {
  const gamma = h.gamma;
  logSoftmaxRow(z, o, K, s.logP, 0, s.e);
  const logPt = s.logP[t];
  const u = oneMinusExp(logPt);
  const weight = power(u, gamma);
  const r = u > 0 ? logPt / u : -1.0;
  const scale = weight * (1.0 - gamma * Math.exp(logPt) * r);
  pMinusOneHot(s.logP, t, K, g, o);
  for (let k = 0; k < K; k++) g[o + k] *= scale;
  return -weight * logPt;
}

/** Squared error on logits (no softmax), L = sum_k (z_k - Y_k)^2; dL/dz_k = 2 (z_k - Y_k). */
function squareLogits(t, z, o, K, h, g, s) {
  for (let k = 0; k < K; k++) {
    const e = z[o + k] - (k === t ? 1.0 : 0.0);
    s.w[k] = e * e;
    g[o + k] = 2.0 * e;
  }
  return pairwiseSum(s.w, 0, K);
}

/** Generalized cross-entropy, L = (1 - p_t^q) / q as -expm1(q log p_t) / q; dL/dz_k = p_t^q (p_k - Y_k). */
function gce(t, z, o, K, h, g, s) {
  logSoftmaxRow(z, o, K, s.logP, 0, s.e);
  const qLogPt = h.q * s.logP[t];
  pMinusOneHot(s.logP, t, K, g, o);
  const scale = Math.exp(qLogPt);
  for (let k = 0; k < K; k++) g[o + k] *= scale;
  return oneMinusExp(qLogPt) / h.q;
}

/**
 * KL(q || p) = sum_k q_k (log q_k - log p_k), 0 log 0 = 0, clipped at 0 (Gibbs);
 * dL/dz_k = p_k - q_k.
 */
function klDiv(t, z, o, K, h, g, s) {
  const eps = h.label_smoothing;
  logSoftmaxRow(z, o, K, s.logP, 0, s.e);
  for (let k = 0; k < K; k++) {
    const q = smoothedTarget(k, t, K, eps);
    s.w[k] = q * (logOrZero(q) - s.logP[k]);
  }
  const kl = pairwiseSum(s.w, 0, K);
  pMinusTargets(s.logP, t, K, eps, g, o);
  return Math.max(kl, 0.0);
}

const CLASSIFICATION = [
  ["cross_entropy", "Cross-entropy (softmax)", crossEntropy, [LABEL_SMOOTHING]],
  ["mse", "Squared error on probabilities (Brier)", mseClassification, []],
  ["mae", "Absolute error on probabilities", maeClassification, []],
  ["hinge", "Multiclass hinge (Crammer–Singer)", hinge, [MARGIN]],
  ["squared_hinge", "Squared multiclass hinge", squaredHinge, [MARGIN]],
  ["multi_margin", "Multiclass hinge (Weston–Watkins)", multiMargin, [MARGIN]],
  ["focal", "Focal loss", focal, [hyperparameter("gamma", 2.0, "[0, inf)")]],
  ["square_logits", "Squared error on logits", squareLogits, []],
  ["gce", "Generalized cross-entropy", gce, [hyperparameter("q", 0.7, "(0, 1]")]],
  ["kl_div", "Kullback–Leibler divergence", klDiv, [LABEL_SMOOTHING]],
];
for (const [name, title, row, hyperparameters] of CLASSIFICATION) {
  registerLoss({ name, task: "classification", title, row, hyperparameters });
}

// ------------------------------------------------------------------------ regression
// element(y, yhat, h, g, i): the value at one residual e = yhat - y, its derivative into g[i].

/** Squared error, L = e^2; dL/dyhat = 2e. */
function mseRegression(y, yhat, h, g, i) {
  const e = yhat - y;
  g[i] = 2.0 * e;
  return e * e;
}

/** Absolute error, L = |e|; dL/dyhat = sign(e), sign(0) = 0. */
function maeRegression(y, yhat, h, g, i) {
  const e = yhat - y;
  g[i] = sign(e);
  return Math.abs(e);
}

/** Huber, L = e^2/2 if |e| <= delta else delta (|e| - delta/2); dL/dyhat = clip(e, -delta, delta). */
function huber(y, yhat, h, g, i) {
  const e = yhat - y;
  const a = Math.abs(e);
  g[i] = clip(e, -h.delta, h.delta);
  return a <= h.delta ? 0.5 * e * e : h.delta * (a - 0.5 * h.delta);
}

/** Smooth L1, L = e^2/(2 beta) if |e| < beta else |e| - beta/2; dL/dyhat = clip(e/beta, -1, 1). */
function smoothL1(y, yhat, h, g, i) {
  const e = yhat - y;
  const a = Math.abs(e);
  g[i] = clip(e / h.beta, -1.0, 1.0);
  return a < h.beta ? (0.5 * e * e) / h.beta : a - 0.5 * h.beta;
}

/** Log-cosh, L = log cosh(e) (stable, see numerics.logCosh); dL/dyhat = tanh(e). */
function logCoshLoss(y, yhat, h, g, i) {
  const e = yhat - y;
  g[i] = Math.tanh(e);
  return logCosh(e);
}

/**
 * Squared log error, L = (log(1 + max(yhat, 0)) - log(1 + y))^2, y >= 0;
 * dL/dyhat = 2 (log(1 + yhat) - log(1 + y)) / (1 + yhat) for yhat >= 0, else 0.
 */
function msle(y, yhat, h, g, i) {
  const clipped = Math.max(yhat, 0.0);
  const d = Math.log1p(clipped) - Math.log1p(y);
  g[i] = yhat >= 0 ? (2.0 * d) / (1.0 + clipped) : 0.0;
  return d * d;
}

/** MAPE's floor on |y| (Keras's epsilon), core's MAPE_EPSILON. */
export const MAPE_EPSILON = 1e-7;

/** Absolute percentage error, L = 100 |e| / max(|y|, 1e-7); dL/dyhat = 100 sign(e) / max(|y|, 1e-7). */
function mape(y, yhat, h, g, i) {
  const e = yhat - y;
  const w = 100.0 / Math.max(Math.abs(y), MAPE_EPSILON);
  g[i] = w * sign(e);
  return w * Math.abs(e);
}

/** Pinball, L = max(tau r, (tau - 1) r), r = y - yhat; dL/dyhat = 1/2 - tau - sign(r)/2. */
function pinball(y, yhat, h, g, i) {
  const tau = h.quantile;
  const r = y - yhat;
  g[i] = 0.5 - tau - 0.5 * sign(r);
  return Math.max(tau * r, (tau - 1.0) * r);
}

/** Epsilon-insensitive, L = max(0, |e| - epsilon); dL/dyhat = sign(e) [|e| > epsilon]. */
function epsilonInsensitive(y, yhat, h, g, i) {
  const e = yhat - y;
  const excess = Math.abs(e) - h.epsilon;
  g[i] = excess > 0 ? sign(e) : 0.0;
  return Math.max(excess, 0.0);
}

/** Cauchy, L = log(1 + (e/c)^2 / 2); dL/dyhat = (x/c) / (1 + x^2/2), x = e/c. */
function cauchy(y, yhat, h, g, i) {
  const x = (yhat - y) / h.scale;
  g[i] = x / h.scale / (1.0 + 0.5 * x * x);
  return Math.log1p(0.5 * x * x);
}

/**
 * Barron's general robust loss on x = e/c, b = |alpha - 2|:
 * L = (b/alpha) ((x^2/b + 1)^{alpha/2} - 1) by expm1/log1p, dL/dyhat = (x/c) (x^2/b + 1)^{alpha/2 - 1};
 * the limits alpha = 2 (x^2/2), 0 (Cauchy) and -inf (Welsch) exactly.
 */
function barron(y, yhat, h, g, i) {
  const { alpha, scale } = h;
  const x = (yhat - y) / scale;
  const x2 = x * x;
  if (alpha === 2.0) {
    g[i] = x / scale;
    return 0.5 * x2;
  }
  if (alpha === 0.0) {
    g[i] = x / scale / (1.0 + 0.5 * x2);
    return Math.log1p(0.5 * x2);
  }
  if (alpha === -Infinity) {
    g[i] = (x / scale) * Math.exp(-0.5 * x2);
    return -Math.expm1(-0.5 * x2);
  }
  const b = Math.abs(alpha - 2.0);
  const logBase = Math.log1p(x2 / b);
  g[i] = (x / scale) * Math.exp((0.5 * alpha - 1.0) * logBase);
  return (b / alpha) * Math.expm1(0.5 * alpha * logBase);
}

/**
 * Tukey's biweight, u = min((e/c)^2, 1): L = (c^2/6) u (3 - 3u + u^2) (= c^2/6 (1 - (1 - u)^3),
 * without its cancellation for tiny e), flat beyond |e| = c; dL/dyhat = e (1 - u)^2.
 */
function tukey(y, yhat, h, g, i) {
  const e = yhat - y;
  const x = e / h.c;
  const u = Math.min(x * x, 1.0);
  const w = 1.0 - u;
  g[i] = e * w * w;
  return ((h.c * h.c) / 6.0) * u * (3.0 - u * (3.0 - u));
}

/** MSLE takes log(1 + y): targets must be >= 0 (core's _check_msle_targets). */
function nonNegativeTargets(y) {
  let lo = Infinity;
  for (const v of y) lo = Math.min(lo, v);
  if (lo < 0) throw new Error(`msle: y_true must be >= 0 (it takes log(1 + y)), got minimum ${lo}`);
}

const REGRESSION = [
  ["mse", "Squared error (L2)", mseRegression, []],
  ["mae", "Absolute error (L1)", maeRegression, []],
  ["huber", "Huber", huber, [residualScale("delta")]],
  ["smooth_l1", "Smooth L1", smoothL1, [residualScale("beta")]],
  ["log_cosh", "Log-cosh", logCoshLoss, []],
  ["msle", "Squared log error", msle, [], nonNegativeTargets],
  ["mape", "Absolute percentage error", mape, []],
  ["pinball", "Pinball (quantile)", pinball, [hyperparameter("quantile", 0.5, "(0, 1)")]],
  ["epsilon_insensitive", "ε-insensitive", epsilonInsensitive, [hyperparameter("epsilon", 0.1, "[0, inf)")]],
  ["cauchy", "Cauchy (Lorentzian)", cauchy, [residualScale("scale")]],
  [
    "barron",
    "Barron's general robust loss",
    barron,
    [hyperparameter("alpha", 1.0, "[-inf, 10]"), residualScale("scale")],
  ],
  ["tukey", "Tukey's biweight", tukey, [hyperparameter("c", 4.685, "(0, inf)")]],
];
for (const [name, title, element, hyperparameters, checkTargets] of REGRESSION) {
  registerLoss({ name, task: "regression", title, element, hyperparameters, checkTargets });
}

// ------------------------------------------------------------------------ the seam

/**
 * A classification loss from a function of the margin m = z_t - max_{j != t} z_j:
 * L = f(m); dL/dz_t = f'(m), dL/dz_{j*} = -f'(m), j* the first largest wrong class, others 0.
 * @param {string} name
 * @param {{value: (m: number, h: object) => number, derivative: (m: number, h: object) => number}} f
 * @param {object[]} [hyperparameters]
 * @returns {object} a loss record for registerLoss
 */
export function marginLoss(name, { value, derivative }, hyperparameters = []) {
  const row = (t, z, o, K, h, g, s) => {
    const j = runnerUp(t, z, o, K, s.e);
    const m = z[o + t] - s.e[j];
    const d = derivative(m, h);
    for (let k = 0; k < K; k++) g[o + k] = 0.0;
    g[o + t] = d;
    g[o + j] = -d;
    return value(m, h);
  };
  return { name, task: "classification", title: name, row, hyperparameters };
}

/**
 * A classification loss from a function of the target probability p_t (given with its log,
 * log p_t from log-softmax): L = f(p_t); dL/dz_k = f'(p_t) p_t (Y_k - p_k), with p - Y taken
 * stably (1 - p_t by expm1).
 * @param {string} name
 * @param {{value: (p: number, logP: number, h: object) => number, derivative: (p: number, logP: number, h: object) => number}} f
 * @param {object[]} [hyperparameters]
 * @returns {object} a loss record for registerLoss
 */
export function targetProbabilityLoss(name, { value, derivative }, hyperparameters = []) {
  const row = (t, z, o, K, h, g, s) => {
    logSoftmaxRow(z, o, K, s.logP, 0, s.e);
    const logPt = s.logP[t];
    const pt = Math.exp(logPt);
    const scale = -derivative(pt, logPt, h) * pt;
    pMinusOneHot(s.logP, t, K, g, o);
    for (let k = 0; k < K; k++) g[o + k] *= scale;
    return value(pt, logPt, h);
  };
  return { name, task: "classification", title: name, row, hyperparameters };
}

/**
 * A regression loss from a function of the residual e = yhat - y: L = f(e), dL/dyhat = f'(e).
 * @param {string} name
 * @param {{value: (e: number, h: object) => number, derivative: (e: number, h: object) => number}} f
 * @param {object[]} [hyperparameters]
 * @returns {object} a loss record for registerLoss
 */
export function residualLoss(name, { value, derivative }, hyperparameters = []) {
  const element = (y, yhat, h, g, i) => {
    const e = yhat - y;
    g[i] = derivative(e, h);
    return value(e, h);
  };
  return { name, task: "regression", title: name, element, hyperparameters };
}
