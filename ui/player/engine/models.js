// Loss Lab engine — models: the mirror of core/models.py, a linear model or an MLP with a
// hand-written backward pass.
//
//   a_0 = x,  z_l = a_{l-1} W_l + b_l,  a_l = phi(z_l) (l < L),  out = z_L
//
// hidden = [] is the linear model x W + b. The parameters of one model live in one flat
// Float64Array `theta` laid out as core lays out a model in training (core/train.py _Group):
// W_1 (fan_in x fan_out, row-major), b_1, W_2, b_2, ... — so a theta sent by the page, or
// written by core, reads the same here. Matrix products sum over the inner index in order;
// NumPy hands them to BLAS, whose order (and fused multiply-adds) differ, so products agree
// with core's to rounding, not bit for bit.
//
// Initialisation (Glorot & Bengio 2010; He et al. 2015 for ReLU): W_l ~ U(-a, a),
// a = sqrt(6 / (fan_in + fan_out)) (ReLU: sqrt(6 / fan_in)), biases 0, drawn by the port of
// NumPy's default_rng(seed) in rng.js — the same numbers as core's init_params.

import { argmaxRow, sigmoid } from "./numerics.js";
import { defaultRng } from "./rng.js";

export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "identity"];

/**
 * Where each layer's weights and bias sit in theta, for layer widths (n_in, ...hidden, n_out).
 * @param {number[]} sizes
 * @returns {{sizes: number[], layers: {fanIn: number, fanOut: number, w: number, b: number}[], nParams: number}}
 */
export function layout(sizes) {
  const layers = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l], fanOut = sizes[l + 1];
    layers.push({ fanIn, fanOut, w: at, b: at + fanIn * fanOut });
    at += fanIn * fanOut + fanOut;
  }
  return { sizes: [...sizes], layers, nParams: at };
}

/**
 * Seeded initial theta for layer widths `sizes` (core's init_params): each W_l drawn row by row
 * from U(-a, a) by one default_rng(seed), biases 0.
 * @param {number[]} sizes
 * @param {string} activation
 * @param {number} seed integer in 0..2^32-1
 * @returns {Float64Array}
 */
export function initParams(sizes, activation, seed) {
  const lay = layout(sizes);
  const theta = new Float64Array(lay.nParams);
  const rng = defaultRng(seed);
  for (const { fanIn, fanOut, w } of lay.layers) {
    const bound = Math.sqrt(6.0 / (activation === "relu" ? fanIn : fanIn + fanOut));
    rng.uniform(-bound, bound, fanIn * fanOut, theta, w);
  }
  return theta;
}

/**
 * Buffers for forward and backward on up to `n` rows (core's Workspace): z_l (which holds a_l
 * once the activation is applied in place) for every layer, and delta for every hidden layer.
 * @param {object} lay layout(sizes)
 * @param {number} n
 */
export function workspace(lay, n) {
  const widest = Math.max(...lay.sizes);
  return {
    n,
    z: lay.layers.map((L) => new Float64Array(n * L.fanOut)),
    delta: lay.layers.slice(0, -1).map((L) => new Float64Array(n * L.fanOut)),
    // transposes, so every inner product below runs over contiguous memory
    wT: new Float64Array(Math.max(...lay.layers.map((L) => L.fanIn * L.fanOut))),
    aT: new Float64Array(n * widest),
    deltaT: new Float64Array(n * widest),
  };
}

/** out (cols x rows) = the transpose of rows x cols matrix M starting at offset o. */
function transpose(M, o, rows, cols, out) {
  for (let r = 0; r < rows; r++) {
    const mr = o + r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = M[mr + c];
  }
  return out;
}

/**
 * C = A B^T for row-major A (p x len, from offset aOff) and B (q x len, from bOff), into C
 * (p x q, from cOff): C[i][j] = sum_k A[i][k] B[j][k], each sum from 0 in the order k = 0, 1, ...
 * Every product of the forward and backward passes has this shape once transposed, so both
 * operands are read along contiguous rows. Two rows of A times four rows of B at a time: eight
 * independent sums keep the processor busy without changing any sum's order.
 */
function productWithTranspose(A, aOff, p, B, bOff, q, len, C, cOff) {
  let i = 0;
  for (; i + 1 < p; i += 2) {
    const a0 = aOff + i * len, a1 = a0 + len, c0 = cOff + i * q, c1 = c0 + q;
    let j = 0;
    for (; j + 3 < q; j += 4) {
      const b0 = bOff + j * len, b1 = b0 + len, b2 = b1 + len, b3 = b2 + len;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < len; k++) {
        const x0 = A[a0 + k], x1 = A[a1 + k];
        const y0 = B[b0 + k], y1 = B[b1 + k], y2 = B[b2 + k], y3 = B[b3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      C[c0 + j] = s00;
      C[c0 + j + 1] = s01;
      C[c0 + j + 2] = s02;
      C[c0 + j + 3] = s03;
      C[c1 + j] = s10;
      C[c1 + j + 1] = s11;
      C[c1 + j + 2] = s12;
      C[c1 + j + 3] = s13;
    }
    for (; j < q; j++) {
      const b0 = bOff + j * len;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < len; k++) {
        s0 += A[a0 + k] * B[b0 + k];
        s1 += A[a1 + k] * B[b0 + k];
      }
      C[c0 + j] = s0;
      C[c1 + j] = s1;
    }
  }
  for (; i < p; i++) {
    const a0 = aOff + i * len, c0 = cOff + i * q;
    for (let j = 0; j < q; j++) {
      const b0 = bOff + j * len;
      let s = 0;
      for (let k = 0; k < len; k++) s += A[a0 + k] * B[b0 + k];
      C[c0 + j] = s;
    }
  }
  return C;
}

/** phi(z) in place (tanh, relu = max(z, 0), sigmoid, identity). */
function activate(name, z, len) {
  if (name === "tanh") for (let i = 0; i < len; i++) z[i] = Math.tanh(z[i]);
  else if (name === "relu") for (let i = 0; i < len; i++) z[i] = Math.max(z[i], 0);
  else if (name === "sigmoid") for (let i = 0; i < len; i++) z[i] = sigmoid(z[i]);
}

/**
 * dL/dz = phi'(z) dL/da in place, phi' from a = phi(z): tanh 1 - a^2, relu [a > 0],
 * sigmoid (1 - a) a, identity 1 (core's _act_grad).
 */
function activationGrad(name, a, da, len) {
  if (name === "tanh") for (let i = 0; i < len; i++) da[i] *= 1 - a[i] * a[i];
  else if (name === "relu") for (let i = 0; i < len; i++) da[i] *= a[i] > 0 ? 1 : 0;
  else if (name === "sigmoid") for (let i = 0; i < len; i++) da[i] *= (1 - a[i]) * a[i];
}

/**
 * Raw outputs z_L of `n` rows of X (n x n_in, row-major): logits or predictions.
 * Returns ws.z[L - 1] (rows 0..n-1); ws.z[l] holds a_l for the backward pass.
 * @param {object} lay layout
 * @param {Float64Array} theta
 * @param {Float64Array} X
 * @param {number} n rows (<= ws.n)
 * @param {string} activation
 * @param {object} ws workspace(lay, >= n)
 * @returns {Float64Array}
 */
export function forward(lay, theta, X, n, activation, ws) {
  let a = X;
  const last = lay.layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const { fanIn, fanOut, w, b } = lay.layers[l];
    const z = ws.z[l];
    const wT = transpose(theta, w, fanIn, fanOut, ws.wT);
    productWithTranspose(a, 0, n, wT, 0, fanOut, fanIn, z, 0); // z = a W
    for (let r = 0; r < n; r++) {
      const zr = r * fanOut;
      for (let j = 0; j < fanOut; j++) z[zr + j] += theta[b + j];
    }
    if (l < last) activate(activation, z, n * fanOut);
    a = z;
  }
  return ws.z[last];
}

/**
 * Gradients of the loss w.r.t. theta into `grad` (same layout), from dL/dz_L (`dOut`, n x n_out)
 * and the layer inputs that forward left in `ws` (core's backward):
 *   dL/dW_l = a_{l-1}^T delta_l,  dL/db_l = sum_i delta_{l,i},  delta_{l-1} = phi'(z_{l-1}) . delta_l W_l^T
 * @param {object} lay
 * @param {Float64Array} theta
 * @param {Float64Array} X the rows forward saw
 * @param {number} n
 * @param {Float64Array} dOut
 * @param {string} activation
 * @param {Float64Array} grad out, nParams
 * @param {object} ws the workspace forward filled
 * @returns {Float64Array} grad
 */
export function backward(lay, theta, X, n, dOut, activation, grad, ws) {
  let delta = dOut;
  for (let l = lay.layers.length - 1; l >= 0; l--) {
    const { fanIn, fanOut, w, b } = lay.layers[l];
    const a = l === 0 ? X : ws.z[l - 1];
    const aT = transpose(a, 0, n, fanIn, ws.aT);
    const dT = transpose(delta, 0, n, fanOut, ws.deltaT);
    productWithTranspose(aT, 0, fanIn, dT, 0, fanOut, n, grad, w); // dW = a^T delta
    for (let j = 0; j < fanOut; j++) {
      const dj = j * n;
      let s = 0;
      for (let r = 0; r < n; r++) s += dT[dj + r];
      grad[b + j] = s;
    }
    if (l > 0) {
      const da = ws.delta[l - 1];
      productWithTranspose(delta, 0, n, theta, w, fanIn, fanOut, da, 0); // da = delta W^T
      activationGrad(activation, a, da, n * fanIn);
      delta = da;
    }
  }
  return grad;
}

/**
 * Class labels: argmax of each row of logits (first on ties), core's MLP.predict.
 * @param {Float64Array} out n x K logits
 * @param {number} n
 * @param {number} K
 * @param {Int32Array} [labels]
 * @returns {Int32Array}
 */
export function predictLabels(out, n, K, labels = new Int32Array(n)) {
  for (let r = 0; r < n; r++) labels[r] = argmaxRow(out, r * K, K);
  return labels;
}
