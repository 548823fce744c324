// Loss Lab engine — optim: the mirror of core/optim.py, gradient-descent optimisers in optax's
// shape — init(nParams) -> state, update(grads, state, updates) -> state — where the caller
// applies theta += updates. Updates and state are written in place into Float64Arrays (no
// allocation per step); the arithmetic is core's, element by element, in core's order.
//
//   sgd       u = -lr g
//   momentum  v <- mu v + g,  u = -lr v                        (heavy ball, PyTorch's SGD; mu = 0.9)
//   adam      m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
//             u = -lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
//             (Kingma & Ba 2015; b1 = 0.9, b2 = 0.999, eps = 1e-8)

import { powInt } from "./numerics.js";

export const OPTIMIZERS = ["sgd", "momentum", "adam"];

/**
 * Plain gradient descent, u = -lr g.
 * @param {number} lr
 */
export function sgd(lr) {
  return {
    name: "sgd",
    init: () => ({}),
    update(grads, state, updates) {
      for (let i = 0; i < grads.length; i++) updates[i] = -lr * grads[i];
      return state;
    },
  };
}

/**
 * Heavy-ball momentum, v <- mu v + g, u = -lr v.
 * @param {number} lr
 * @param {number} [mu=0.9]
 */
export function momentum(lr, mu = 0.9) {
  return {
    name: "momentum",
    init: (nParams) => ({ velocity: new Float64Array(nParams) }),
    update(grads, state, updates) {
      const v = state.velocity;
      for (let i = 0; i < grads.length; i++) {
        v[i] = mu * v[i] + grads[i];
        updates[i] = -lr * v[i];
      }
      return state;
    },
  };
}

/**
 * Adam with bias corrections, u = -lr m_hat / (sqrt(v_hat) + eps). The step count t starts at
 * 0 and is advanced by each update; 1 - beta^t is rounded as C's pow rounds it (powInt).
 * @param {number} lr
 * @param {number} [b1=0.9]
 * @param {number} [b2=0.999]
 * @param {number} [eps=1e-8]
 */
export function adam(lr, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
  return {
    name: "adam",
    init: (nParams) => ({ count: 0, mu: new Float64Array(nParams), nu: new Float64Array(nParams) }),
    update(grads, state, updates) {
      const t = state.count + 1;
      const { mu, nu } = state;
      const c1 = 1 - powInt(b1, t), c2 = 1 - powInt(b2, t);
      for (let i = 0; i < grads.length; i++) {
        const g = grads[i];
        mu[i] = b1 * mu[i] + (1 - b1) * g;
        nu[i] = b2 * nu[i] + (1 - b2) * (g * g);
        updates[i] = (-lr * (mu[i] / c1)) / (Math.sqrt(nu[i] / c2) + eps);
      }
      state.count = t;
      return state;
    },
  };
}

const FACTORIES = { sgd, momentum, adam };

/**
 * The optimiser `name` (one of OPTIMIZERS) with learning rate `lr` (core's optim.get).
 * @param {string} name
 * @param {number} lr
 */
export function getOptimizer(name, lr) {
  if (!(name in FACTORIES)) throw new Error(`optimizer must be one of ${OPTIMIZERS}, got ${name}`);
  return FACTORIES[name](lr);
}
