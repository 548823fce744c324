// Loss Lab engine — numerics: the stable primitives of core/_numerics.py, and the two pieces of
// NumPy arithmetic core's results depend on (np.sum's pairwise summation, np.argmax's ties).
//
// Float64 (JS numbers), like core's float64 mode. Functions on logits work on one row of a
// row-major matrix: `z` a Float64Array, `o` the row's offset, `K` its length. They write into
// caller-owned buffers and allocate nothing, so a training loop allocates nothing per step.
// The operations are NumPy's, in NumPy's order, so results agree with core's to the last few
// units in the last place (JS's exp/log1p/tanh are not glibc's or NumPy's SIMD ones: they
// differ in the last bit for a few percent of arguments, measured).

/**
 * np.sum of `n` numbers `a[o], a[o + s], ...`: NumPy's pairwise summation, in its order.
 *
 * Below 8 terms a plain loop from -0; up to 128 eight interleaved accumulators combined as
 * ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the remainder; beyond, the two halves
 * (split at a multiple of 8) summed recursively. Rounding error O(log n) instead of O(n).
 * @param {Float64Array} a
 * @param {number} o offset of the first term
 * @param {number} n number of terms
 * @param {number} [s=1] stride
 * @returns {number}
 */
export function pairwiseSum(a, o, n, s = 1) {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[o + i * s];
    return res;
  }
  if (n <= 128) {
    let r0 = a[o], r1 = a[o + s], r2 = a[o + 2 * s], r3 = a[o + 3 * s];
    let r4 = a[o + 4 * s], r5 = a[o + 5 * s], r6 = a[o + 6 * s], r7 = a[o + 7 * s];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = o + i * s;
      r0 += a[p];
      r1 += a[p + s];
      r2 += a[p + 2 * s];
      r3 += a[p + 3 * s];
      r4 += a[p + 4 * s];
      r5 += a[p + 5 * s];
      r6 += a[p + 6 * s];
      r7 += a[p + 7 * s];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[o + i * s];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, o, n2, s) + pairwiseSum(a, o + n2 * s, n - n2, s);
}

/**
 * np.argmax of a row: the first maximum, or the first NaN if there is one (NumPy's rule).
 * @param {Float64Array} z
 * @param {number} o
 * @param {number} K
 * @returns {number} index in 0..K-1
 */
export function argmaxRow(z, o, K) {
  let best = 0;
  let top = z[o];
  if (top !== top) return 0;
  for (let k = 1; k < K; k++) {
    const v = z[o + k];
    if (v !== v) return k;
    if (v > top) {
      top = v;
      best = k;
    }
  }
  return best;
}

/**
 * Log-probabilities of one row of logits, log p_k = (z_k - m) - log(1 + sum_{j != j*} e^{z_j - m})
 * with m = z_{j*} the row maximum (core/_numerics.py log_softmax, _shifted_and_log1p).
 *
 * Stable: no exponent overflows, the maximum's own term (exactly 1) stays out of the sum so
 * log1p keeps the digits when one logit dominates, and a probability that underflows to 0
 * still has a finite log.
 * @param {Float64Array} z logits, row at offset `o`
 * @param {number} o
 * @param {number} K
 * @param {Float64Array} out log p, row at offset `oo` (may be a scratch row)
 * @param {number} oo
 * @param {Float64Array} e scratch of length >= K (the shifted exponentials)
 * @returns {Float64Array} out
 */
export function logSoftmaxRow(z, o, K, out, oo, e) {
  const top = argmaxRow(z, o, K);
  const m = z[o + top];
  for (let k = 0; k < K; k++) e[k] = Math.exp(z[o + k] - m);
  e[top] = 0.0;
  const log1pRest = Math.log1p(pairwiseSum(e, 0, K));
  for (let k = 0; k < K; k++) out[oo + k] = (z[o + k] - m) - log1pRest;
  return out;
}

/**
 * log sum_k e^{z_k} of one row, m + log(1 + sum_{k != k*} e^{z_k - m}) (core's logsumexp).
 * @param {Float64Array} z
 * @param {number} o
 * @param {number} K
 * @param {Float64Array} e scratch of length >= K
 * @returns {number}
 */
export function logsumexpRow(z, o, K, e) {
  const top = argmaxRow(z, o, K);
  const m = z[o + top];
  for (let k = 0; k < K; k++) e[k] = Math.exp(z[o + k] - m);
  e[top] = 0.0;
  return m + Math.log1p(pairwiseSum(e, 0, K));
}

/**
 * Probabilities p_k = e^{z_k - max z} / sum_j e^{z_j - max z} of one row (core's softmax).
 * @param {Float64Array} z
 * @param {number} o
 * @param {number} K
 * @param {Float64Array} out row at offset `oo`
 * @param {number} oo
 * @returns {Float64Array} out
 */
export function softmaxRow(z, o, K, out, oo) {
  let m = -Infinity;
  for (let k = 0; k < K; k++) m = Math.max(m, z[o + k]); // NaN wins, as in np.max
  for (let k = 0; k < K; k++) out[oo + k] = Math.exp(z[o + k] - m);
  const total = pairwiseSum(out, oo, K);
  for (let k = 0; k < K; k++) out[oo + k] /= total;
  return out;
}

/**
 * np.sign: -1, 0 or 1 (sign(0) = 0, the subgradient at a kink), NaN for NaN.
 * @param {number} x
 * @returns {number}
 */
export function sign(x) {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : x === 0 ? 0.0 : x;
}

/**
 * np.clip(x, lo, hi) = min(max(x, lo), hi).
 * @param {number} x
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
export function clip(x, lo, hi) {
  const up = x !== x ? x : x < lo ? lo : x;
  return up > hi ? hi : up;
}

/**
 * x ** e as NumPy computes an array to a Python-float power: e = 2 squares (x * x), e = 0.5 is
 * a square root, anything else is pow (core/losses/classification.py focal: (1 - p_t)^gamma).
 * @param {number} x
 * @param {number} e
 * @returns {number}
 */
export function power(x, e) {
  if (e === 2) return x * x;
  if (e === 0.5) return Math.sqrt(x);
  return Math.pow(x, e);
}

/**
 * 1 - e^l, e.g. 1 - p from l = log p, as -expm1(l): every digit of 1 - p survives when p ~ 1,
 * where 1 - p would cancel to 0 (core's one_minus_exp).
 * @param {number} logP
 * @returns {number}
 */
export function oneMinusExp(logP) {
  return -Math.expm1(logP);
}

/**
 * log x for x > 0 and 0 for x = 0, for terms x log x (core's log_or_zero): 0 log 0 = 0 exactly.
 * @param {number} x
 * @returns {number}
 */
export function logOrZero(x) {
  return x > 0 ? Math.log(x) : 0.0;
}

/**
 * sigma(x) = 1 / (1 + e^{-x}) from e^{-|x|} <= 1, so no exponent overflows (core's sigmoid).
 * @param {number} x
 * @returns {number}
 */
export function sigmoid(x) {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/**
 * log cosh(x): log(1 + 2 sinh^2(x/2)) for |x| < 1 (no cancellation for tiny x), and
 * |x| + log(1 + e^{-2|x|}) - log 2 beyond (no cosh overflow) — core's log_cosh.
 * @param {number} x
 * @returns {number}
 */
export function logCosh(x) {
  const a = Math.abs(x);
  if (a < 1.0) {
    const s = Math.sinh(0.5 * a);
    return Math.log1p(2.0 * (s * s));
  }
  return a + Math.log1p(Math.exp(-2.0 * a)) - Math.LN2;
}

/**
 * base^t for an integer t >= 0, rounded once: by squaring in double-double arithmetic (products
 * split exactly by Dekker's method; JS has no fused multiply-add), then hi + lo. For Adam's bias
 * corrections 1 - beta^t this gives Python's (C's pow) value for every t up to 200,000 and
 * beta in {0.9, 0.95, 0.99, 0.999} (measured); Math.pow differs already at t = 4 for beta = 0.9.
 * @param {number} base finite, |base| < 2^995 (no overflow in the splitting)
 * @param {number} t integer >= 0
 * @returns {number}
 */
export function powInt(base, t) {
  let hi = 1.0, lo = 0.0; // the result so far, hi + lo
  let bh = base, bl = 0.0; // base^(2^i), bh + bl
  for (let k = t; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) [hi, lo] = ddMul(hi, lo, bh, bl);
    if (k > 1) [bh, bl] = ddMul(bh, bl, bh, bl);
  }
  return hi + lo;
}

const SPLITTER = 134217729; // 2^27 + 1

/** Dekker's exact product a * b = p + err (no fused multiply-add needed). */
function twoProduct(a, b) {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  const err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return [p, err];
}

/** (ah + al) * (bh + bl) in double-double, renormalised. */
function ddMul(ah, al, bh, bl) {
  const [p, e] = twoProduct(ah, bh);
  const err = e + (ah * bl + al * bh);
  const hi = p + err;
  return [hi, err - (hi - p)];
}
