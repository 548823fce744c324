// Loss Lab engine — boundaries: the mirror of core/boundaries.py, what a trained model shows on
// the boundary canvases: its decision surface on a grid and each training point's gradient
// magnitude ("who drives learning").
//
// Surface: per-class values v_k in [0, 1] on every grid point — the softmax probabilities p_k,
// or for a score surface (margin losses, SCORE_LOSSES) v_k = (clip(s_k / mu, -1, 1) + 1) / 2
// with s_k = z_k - max_{j != k} z_j and mu the loss's margin; with two classes only v_1 is
// kept (v_0 = 1 - v_1), from the logit difference. The predicted class is argmax_k z_k, the
// shading strength a function of max_k v_k alone (strength), so a renderer interpolates the
// v_k between grid points and colours each pixel by the largest: a smooth boundary from a
// coarse grid. Non-finite logits (a diverged model) give undecided values (1/K or 1/2).
//
// Gradient magnitude of point i: ||d l(y_i, z_i) / d z_i||_2, the per-sample loss gradient
// w.r.t. the logits that backpropagation multiplies into every weight update (core's
// gradient_magnitude); NaN for every point when any logit is not finite.

import { evaluateLoss, lossScratch } from "./losses.js";
import { argmaxRow, softmaxRow } from "./numerics.js";

/** Classification losses that never form a softmax: their surface shows a score. */
export const SCORE_LOSSES = ["hinge", "squared_hinge", "multi_margin", "square_logits"];

/**
 * "score" for the losses that never form a softmax, else "probability" (core's surface_kind).
 * @param {string} lossName
 */
export function surfaceKind(lossName) {
  return SCORE_LOSSES.includes(lossName) ? "score" : "probability";
}

/**
 * Values per class of n rows of logits z (n x K) into out (n x C, C = 1 for K = 2 else K), as
 * core's surface_values (binary from z_1 - z_0 when K = 2).
 * @param {Float64Array} z
 * @param {number} n
 * @param {number} K
 * @param {string} kind "probability" or "score"
 * @param {number} margin > 0
 * @param {Float64Array} out
 * @returns {Float64Array} out
 */
export function surfaceValues(z, n, K, kind, margin, out) {
  if (kind !== "probability" && kind !== "score") throw new Error(`kind must be "probability" or "score", got ${kind}`);
  if (!(margin > 0)) throw new Error(`margin must be > 0, got ${margin}`);
  const undecided = kind === "probability" ? 1 / K : 0.5;
  for (let r = 0; r < n; r++) {
    const o = r * K;
    let finite = true;
    for (let k = 0; k < K; k++) if (!Number.isFinite(z[o + k])) finite = false;
    if (K === 2) {
      const d = z[o + 1] - z[o];
      if (!finite) out[r] = 0.5;
      else if (kind === "probability") out[r] = 1.0 / (1.0 + Math.exp(-d));
      else out[r] = (Math.min(Math.max(d / margin, -1.0), 1.0) + 1.0) / 2.0;
      continue;
    }
    if (!finite) {
      for (let k = 0; k < K; k++) out[o + k] = undecided;
    } else if (kind === "probability") {
      softmaxRow(z, o, K, out, o);
    } else {
      // the two largest logits: s_k = z_k - (the best other class)
      let a = -Infinity, b = -Infinity;
      for (let k = 0; k < K; k++) {
        const v = z[o + k];
        if (v > a) {
          b = a;
          a = v;
        } else if (v > b) b = v;
      }
      for (let k = 0; k < K; k++) {
        const other = z[o + k] >= a ? b : a;
        out[o + k] = (Math.min(Math.max((z[o + k] - other) / margin, -1.0), 1.0) + 1.0) / 2.0;
      }
    }
  }
  return out;
}

/**
 * Shading strength in [0, 1] from the top value v = max_k v_k: (v - 1/K) / (1 - 1/K) for
 * probabilities, clip(2v - 1, 0, 1) for scores (core's strength; NaN gives 0).
 * @param {number} vmax
 * @param {string} kind
 * @param {number} K
 */
export function strength(vmax, kind, K) {
  const s = kind === "probability" ? (vmax - 1 / K) / (1 - 1 / K) : 2 * vmax - 1;
  return Number.isNaN(s) ? 0 : Math.min(Math.max(s, 0), 1);
}

/**
 * The decision surface of logits z on n grid points (core's decision_surface): predicted
 * class (-1 where a logit is not finite), values (n x C) and strength.
 * @param {Float64Array} z n x K
 * @param {number} n
 * @param {number} K
 * @param {string} kind
 * @param {number} margin
 * @returns {{label: Int32Array, values: Float64Array, strength: Float64Array}}
 */
export function decisionSurface(z, n, K, kind, margin) {
  const C = K === 2 ? 1 : K;
  const values = surfaceValues(z, n, K, kind, margin, new Float64Array(n * C));
  const label = new Int32Array(n), shade = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let finite = true;
    for (let k = 0; k < K; k++) if (!Number.isFinite(z[r * K + k])) finite = false;
    label[r] = finite ? argmaxRow(z, r * K, K) : -1;
    let vmax;
    if (C === 1) vmax = Math.max(values[r], 1 - values[r]);
    else {
      vmax = -Infinity;
      for (let k = 0; k < C; k++) vmax = Math.max(vmax, values[r * C + k]);
    }
    shade[r] = finite ? strength(vmax, kind, K) : 0;
  }
  return { label, values, strength: shade };
}

/**
 * Each point's gradient magnitude ||d l_i / d z_i||_2 under a classification loss, from its
 * logits z (n x K) and labels y (core's gradient_magnitude): all NaN when a logit is not
 * finite (a diverged model).
 * @param {object} loss a registered classification loss (losses.js getLoss)
 * @param {object} hyper its resolved hyperparameters
 * @param {Int32Array} y labels
 * @param {Float64Array} z logits, n x K
 * @param {number} n
 * @param {number} K
 * @param {Float64Array} out n magnitudes
 * @param {{values: Float64Array, grad: Float64Array, scratch: object}} [work] buffers for n rows
 * @returns {Float64Array} out
 */
export function gradientMagnitude(loss, hyper, y, z, n, K, out, work = gradientWork(n, K)) {
  for (let i = 0; i < n * K; i++) {
    if (!Number.isFinite(z[i])) return out.fill(NaN, 0, n);
  }
  evaluateLoss(loss, hyper, y, z, n, K, work.values, work.grad, work.scratch);
  const g = work.grad;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += g[r * K + k] * g[r * K + k];
    out[r] = Math.sqrt(s);
  }
  return out;
}

/**
 * Buffers gradientMagnitude uses for up to n rows of K logits (allocate once).
 * @param {number} n
 * @param {number} K
 */
export function gradientWork(n, K) {
  return { values: new Float64Array(n), grad: new Float64Array(n * K), scratch: lossScratch(K) };
}

/**
 * Per point: finite logits whose argmax is the label (core's correct).
 * @param {Float64Array} z n x K
 * @param {ArrayLike<number>} y
 * @param {number} n
 * @param {number} K
 * @returns {number} how many are correct
 */
export function countCorrect(z, y, n, K) {
  let c = 0;
  for (let r = 0; r < n; r++) {
    let finite = true;
    for (let k = 0; k < K; k++) if (!Number.isFinite(z[r * K + k])) finite = false;
    if (finite && argmaxRow(z, r * K, K) === y[r]) c++;
  }
  return c;
}
