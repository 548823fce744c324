// Loss Lab engine — train: the mirror of core/train.py, training one config (fit) or several
// in lockstep (fitMany, Lockstep) on the data and initial weights the page sends.
//
// The objective minimised is the mean of per-sample losses plus an L2 penalty on the weight
// matrices (biases are not penalised):
//
//   J(theta) = (1/n) sum_i l(y_i, f_theta(x_i)) + (lambda/2) sum_l ||W_l||_F^2
//
// history holds one entry per epoch, measured on the model after that epoch: train_loss and
// test_loss (mean per-sample loss, without the penalty), train_accuracy/test_accuracy
// (classification) or train_rmse/test_rmse (regression), and grad_norm ||grad J||_2 over all
// parameters on the full training split.
//
// Lockstep: configs that share the architecture, optimiser, batch size and seed start from the
// same initial weights and see the same batch order; each is trained exactly as it would be
// alone. Full batch: the gradient of the evaluation pass after epoch e is the step of epoch
// e + 1 (as core). Mini-batches: each epoch's order is np.random.default_rng([seed, 1])
// .permutation(n), drawn once per epoch for the whole group (rng.js).
//
// Divergence: when the training loss, the test loss or the gradient norm stops being finite,
// or the training loss exceeds DIVERGENCE_FACTOR (1e8) times max(initial training loss, 1),
// that config stops, `diverged` is set, `divergedEpoch` is the first epoch past that line, and
// its history and weights are those of the last finite epoch. Nothing is thrown.
//
// Field names are core's (TrainConfig: loss, loss_params, hidden, activation, optimizer, lr,
// epochs, batch_size, l2, seed; Dataset: task, n_classes, X_train, y_train, X_test, y_test),
// so the page can send core's objects as JSON.

import { evaluateLoss, getLoss, lossScratch, resolveHyperparameters } from "./losses.js";
import { ACTIVATIONS, backward, forward, initParams, layout, workspace } from "./models.js";
import { argmaxRow, pairwiseSum } from "./numerics.js";
import { getOptimizer, OPTIMIZERS } from "./optim.js";
import { defaultRng } from "./rng.js";

/** A run has diverged once its training loss exceeds this many times max(initial loss, 1). */
export const DIVERGENCE_FACTOR = 1e8;
/** core.cost.MAX_EPOCHS, the engine's own bound on epochs. */
export const MAX_EPOCHS = 100000;
const MAX_WIDTH = 4096;
const MAX_LAYERS = 16;

const isInt = (x) => Number.isInteger(x);
/** core's TrainConfig fields; snapshot_epochs is accepted and ignored (the page draws live). */
const CONFIG_FIELDS = [
  "loss",
  "loss_params",
  "hidden",
  "activation",
  "optimizer",
  "lr",
  "epochs",
  "batch_size",
  "l2",
  "seed",
  "dtype",
  "snapshot_epochs",
];

/** Rows of numbers (nested arrays, or a flat typed array) as one finite Float64Array. */
function finiteMatrix(x, name) {
  const out = ArrayBuffer.isView(x) ? Float64Array.from(x) : Float64Array.from(x.flat());
  if (!out.every(Number.isFinite)) throw new Error(`${name} must be finite numbers`);
  return out;
}

/** Class labels as Int32Array, each an integer in 0..K-1. */
function labels(y, K, name) {
  for (const t of y) {
    if (!(Number.isInteger(t) && t >= 0 && t < K)) throw new Error(`${name} must be integers in 0..${K - 1}, got ${t}`);
  }
  return Int32Array.from(y);
}

/**
 * A dataset with typed arrays, from core's Dataset fields: X_train/X_test as rows (nested
 * arrays, as JSON gives them, or flat typed arrays with n_features), labels with n_classes
 * (classification), targets (n,) or (n, d) (regression). Throws an Error naming the field.
 * @param {{task: string, n_classes?: number, n_features?: number, n_outputs?: number,
 *   X_train: any, y_train: any, X_test: any, y_test: any}} d
 * @returns {{task: string, nFeatures: number, nOutputs: number, nClasses: number, nTrain: number,
 *   nTest: number, X_train: Float64Array, y_train: Int32Array|Float64Array, X_test: Float64Array,
 *   y_test: Int32Array|Float64Array}}
 */
export function dataset(d) {
  if (d.task !== "classification" && d.task !== "regression") {
    throw new Error(`task must be "classification" or "regression", got ${d.task}`);
  }
  const classification = d.task === "classification";
  const nFeatures = d.n_features ?? (Array.isArray(d.X_train[0]) ? d.X_train[0].length : undefined);
  if (!(isInt(nFeatures) && nFeatures >= 1)) throw new Error("n_features must be given with flat X arrays");
  const X_train = finiteMatrix(d.X_train, "X_train"), X_test = finiteMatrix(d.X_test, "X_test");
  const nTrain = X_train.length / nFeatures, nTest = X_test.length / nFeatures;
  if (!(isInt(nTrain) && isInt(nTest) && nTrain >= 1 && nTest >= 1)) {
    throw new Error(`X_train and X_test must be non-empty rows of ${nFeatures} features`);
  }
  let nOutputs, y_train, y_test;
  if (classification) {
    nOutputs = d.n_classes;
    if (!(isInt(nOutputs) && nOutputs >= 2)) throw new Error(`n_classes must be an integer >= 2, got ${nOutputs}`);
    y_train = labels(d.y_train, nOutputs, "y_train");
    y_test = labels(d.y_test, nOutputs, "y_test");
  } else {
    const rows = !ArrayBuffer.isView(d.y_train) && Array.isArray(d.y_train[0]);
    nOutputs = d.n_outputs ?? (rows ? d.y_train[0].length : 1);
    if (!(isInt(nOutputs) && nOutputs >= 1)) throw new Error(`n_outputs must be an integer >= 1, got ${nOutputs}`);
    y_train = finiteMatrix(d.y_train, "y_train");
    y_test = finiteMatrix(d.y_test, "y_test");
  }
  const perRow = classification ? 1 : nOutputs;
  if (y_train.length !== nTrain * perRow || y_test.length !== nTest * perRow) {
    throw new Error("y_train and y_test must have one label or target row per row of X_train and X_test");
  }
  return {
    task: d.task,
    nFeatures,
    nOutputs,
    nClasses: classification ? nOutputs : 0,
    nTrain,
    nTest,
    X_train,
    y_train,
    X_test,
    y_test,
  };
}

/**
 * A training config with core's defaults and checks (core's TrainConfig); throws an Error
 * naming the field and what is allowed. dtype may only be "float64": the engine has no
 * float32 mode, so a page that trains in float32 on the server shows other numbers live.
 * @param {object} c
 * @returns {{loss: string, loss_params: object, hidden: number[], activation: string, optimizer: string,
 *   lr: number, epochs: number, batch_size: number|null, l2: number, seed: number}}
 */
export function trainConfig(c) {
  const unknown = Object.keys(c).filter((k) => !CONFIG_FIELDS.includes(k));
  if (unknown.length) throw new Error(`unknown config field(s) ${unknown}; allowed: ${CONFIG_FIELDS}`);
  if (c.dtype !== undefined && c.dtype !== "float64") {
    throw new Error(`dtype must be "float64" (the engine computes in JS numbers), got ${c.dtype}`);
  }
  const cfg = {
    loss: "cross_entropy",
    loss_params: {},
    hidden: [32, 32],
    activation: "tanh",
    optimizer: "adam",
    lr: 0.01,
    epochs: 300,
    batch_size: null,
    l2: 0.0,
    seed: 0,
    ...c,
  };
  if (isInt(cfg.hidden)) cfg.hidden = [cfg.hidden];
  if (!Array.isArray(cfg.hidden) || cfg.hidden.length > MAX_LAYERS || !cfg.hidden.every((h) => isInt(h) && h >= 1 && h <= MAX_WIDTH)) {
    throw new Error(`hidden must be at most ${MAX_LAYERS} layer widths, each an integer in 1..${MAX_WIDTH}, got ${cfg.hidden}`);
  }
  if (!ACTIVATIONS.includes(cfg.activation)) throw new Error(`activation must be one of ${ACTIVATIONS}, got ${cfg.activation}`);
  if (!OPTIMIZERS.includes(cfg.optimizer)) throw new Error(`optimizer must be one of ${OPTIMIZERS}, got ${cfg.optimizer}`);
  if (!(Number.isFinite(cfg.lr) && cfg.lr > 0)) throw new Error(`lr must be a finite number > 0, got ${cfg.lr}`);
  if (!(isInt(cfg.epochs) && cfg.epochs >= 1 && cfg.epochs <= MAX_EPOCHS)) {
    throw new Error(`epochs must be an integer in 1..${MAX_EPOCHS}, got ${cfg.epochs}`);
  }
  if (cfg.batch_size !== null && !(isInt(cfg.batch_size) && cfg.batch_size >= 1)) {
    throw new Error(`batch_size must be null (full batch) or an integer >= 1, got ${cfg.batch_size}`);
  }
  if (!(Number.isFinite(cfg.l2) && cfg.l2 >= 0)) throw new Error(`l2 must be a finite number >= 0, got ${cfg.l2}`);
  if (!(isInt(cfg.seed) && cfg.seed >= 0 && cfg.seed < 2 ** 32)) {
    throw new Error(`seed must be an integer in 0..2**32-1, got ${cfg.seed}`);
  }
  return cfg;
}

/**
 * Layer widths (n_features, ...hidden, n_outputs): K logits, or one output per target.
 * @param {object} data dataset(...)
 * @param {object} cfg trainConfig(...)
 * @returns {number[]}
 */
export function layerSizes(data, cfg) {
  return [data.nFeatures, ...cfg.hidden, data.nOutputs];
}

/** The settings a lockstep group shares (core/train.py fit_many's group key). */
function groupKey(c) {
  return JSON.stringify([c.hidden, c.activation, c.optimizer, c.batch_size, c.seed]);
}

/**
 * Several configs trained in lockstep, one epoch per call of epoch(): the same initial weights
 * (theta0, or drawn from the shared seed) and the same batch order for all.
 *
 *   const run = new Lockstep(data, configs);      // evaluates the initial weights
 *   while (run.active > 0) run.epoch();            // or a few epochs per animation frame
 *   run.results();                                 // [{config, history, theta, diverged, ...}]
 *
 * Every buffer is allocated here; epoch() allocates nothing but the batch order's BigInt draws.
 */
export class Lockstep {
  /**
   * @param {object} data dataset(...)
   * @param {object[]} configs trainConfig inputs; all must share hidden, activation, optimizer,
   *   batch_size and seed (lr, l2, epochs, loss and loss_params may differ)
   * @param {{theta0?: Float64Array|Float64Array[]}} [options] initial weights (core's layout,
   *   see models.js) instead of the seeded draw: one for every config, or one per config (each
   *   loss's current weights, to continue from)
   */
  constructor(data, configs, { theta0 = null } = {}) {
    if (!configs.length) throw new Error("configs must be a non-empty list");
    this.data = data;
    this.configs = configs.map(trainConfig);
    const c = this.configs[0];
    if (!this.configs.every((x) => groupKey(x) === groupKey(c))) {
      throw new Error("lockstep configs must share hidden, activation, optimizer, batch_size and seed");
    }
    this.layout = layout(layerSizes(data, c));
    const P = this.layout.nParams;
    const initial = theta0 ?? initParams(this.layout.sizes, c.activation, c.seed);
    const perConfig = Array.isArray(initial);
    if (perConfig && initial.length !== this.configs.length) {
      throw new Error(`theta0 must be one array or one per config (${this.configs.length}), got ${initial.length}`);
    }
    for (const t of perConfig ? initial : [initial]) {
      if (t.length !== P) throw new Error(`theta0 must have ${P} numbers, got ${t.length}`);
    }
    this.activation = c.activation;
    this.classification = data.task === "classification";
    this.fullBatch = c.batch_size === null || c.batch_size >= data.nTrain;
    this.batchSize = this.fullBatch ? data.nTrain : c.batch_size;
    this.batchRng = defaultRng([c.seed, 1]);
    this.metric = this.classification ? "accuracy" : "rmse";

    const K = data.nOutputs, nMax = Math.max(data.nTrain, data.nTest);
    this.ws = workspace(this.layout, nMax);
    this.values = new Float64Array(nMax);
    this.dOut = new Float64Array(nMax * K);
    this.scratch = lossScratch(K);
    this.squares = new Float64Array(Math.max(P, nMax * K));
    this.order = new Int32Array(data.nTrain);
    this.Xb = new Float64Array(this.batchSize * data.nFeatures);
    this.yb = this.classification ? new Int32Array(this.batchSize) : new Float64Array(this.batchSize * K);
    this.updates = new Float64Array(P);

    this.models = this.configs.map((cfg, j) => {
      const loss = getLoss(cfg.loss, data.task);
      if (loss.checkTargets) {
        loss.checkTargets(data.y_train);
        loss.checkTargets(data.y_test);
      }
      const optimizer = getOptimizer(cfg.optimizer, cfg.lr);
      const h = {};
      for (const key of ["train_loss", "test_loss", `train_${this.metric}`, `test_${this.metric}`, "grad_norm"]) {
        h[key] = new Float64Array(cfg.epochs);
      }
      return {
        cfg,
        loss,
        hyper: resolveHyperparameters(loss, cfg.loss_params),
        theta: Float64Array.from(perConfig ? initial[j] : initial),
        previous: new Float64Array(P),
        grad: new Float64Array(P),
        optimizer,
        state: optimizer.init(P),
        history: h,
        epochsRun: 0,
        active: true,
        diverged: false,
        divergedEpoch: null,
        initialLoss: NaN,
        initialScore: NaN,
      };
    });
    this.epochsDone = 0;
    for (const m of this.models) {
      const first = this.evaluate(m, data.X_train, data.y_train, data.nTrain, this.fullBatch);
      m.initialLoss = first.risk;
      m.initialScore = first.score; // the initial weights' training accuracy (or RMSE)
    }
  }

  /** Number of configs still training. */
  get active() {
    return this.models.filter((m) => m.active).length;
  }

  /**
   * Mean loss and accuracy (or RMSE) of model `m` on n rows; with `withGrad`, grad J (backprop
   * of the mean loss's gradient, plus lambda W on the weight matrices) into m.grad.
   * @returns {{risk: number, score: number}}
   */
  evaluate(m, X, y, n, withGrad) {
    const K = this.data.nOutputs;
    const out = forward(this.layout, m.theta, X, n, this.activation, this.ws);
    const g = this.dOut;
    evaluateLoss(m.loss, m.hyper, y, out, n, K, this.values, g, this.scratch);
    const risk = pairwiseSum(this.values, 0, n) / n;
    if (withGrad) {
      for (let i = 0; i < n * K; i++) g[i] /= n;
      backward(this.layout, m.theta, X, n, g, this.activation, m.grad, this.ws);
      if (m.cfg.l2 > 0) addL2(m.grad, m.theta, this.layout, m.cfg.l2);
    }
    return { risk, score: this.score(out, y, n) };
  }

  /** Accuracy (argmax of the logits, first on ties) or RMSE, as core/train.py computes them. */
  score(out, y, n) {
    const K = this.data.nOutputs;
    if (this.classification) {
      let correct = 0;
      for (let r = 0; r < n; r++) if (argmaxRow(out, r * K, K) === y[r]) correct++;
      return correct / n;
    }
    const sq = this.squares;
    for (let i = 0; i < n * K; i++) {
      const e = out[i] - y[i];
      sq[i] = e * e;
    }
    return Math.sqrt(pairwiseSum(sq, 0, n * K) / (n * K));
  }

  /** One optimiser step of model m from m.grad: theta += update. */
  step(m) {
    m.state = m.optimizer.update(m.grad, m.state, this.updates);
    const u = this.updates, theta = m.theta;
    for (let i = 0; i < theta.length; i++) theta[i] += u[i];
  }

  /** Rows `order[start..start+nb)` of the training split into the batch buffers. */
  gather(start, nb) {
    const { X_train, y_train, nFeatures: d, nOutputs: K } = this.data;
    const yw = this.classification ? 1 : K;
    for (let r = 0; r < nb; r++) {
      const i = this.order[start + r];
      for (let c = 0; c < d; c++) this.Xb[r * d + c] = X_train[i * d + c];
      for (let c = 0; c < yw; c++) this.yb[r * yw + c] = y_train[i * yw + c];
    }
  }

  /**
   * Train every active config one epoch, record its history or its divergence.
   * @returns {number} configs still training
   */
  epoch() {
    const live = this.models.filter((m) => m.active);
    if (!live.length) return 0;
    const epoch = ++this.epochsDone;
    const { X_train, y_train, X_test, y_test, nTrain, nTest } = this.data;
    for (const m of live) m.previous.set(m.theta);
    if (this.fullBatch) {
      for (const m of live) this.step(m);
    } else {
      this.batchRng.permutation(nTrain, this.order);
      for (let start = 0; start < nTrain; start += this.batchSize) {
        const nb = Math.min(this.batchSize, nTrain - start);
        this.gather(start, nb);
        for (const m of live) {
          this.evaluate(m, this.Xb, this.yb, nb, true);
          this.step(m);
        }
      }
    }
    for (const m of live) {
      const train = this.evaluate(m, X_train, y_train, nTrain, true);
      const g = m.grad, sq = this.squares;
      for (let i = 0; i < g.length; i++) sq[i] = g[i] * g[i];
      const gradNorm = Math.sqrt(pairwiseSum(sq, 0, g.length));
      const test = this.evaluate(m, X_test, y_test, nTest, false);
      const finite =
        Number.isFinite(train.risk) &&
        Number.isFinite(test.risk) &&
        Number.isFinite(gradNorm) &&
        train.risk <= DIVERGENCE_FACTOR * Math.max(m.initialLoss, 1.0);
      if (!finite) {
        m.theta.set(m.previous);
        m.active = false;
        m.diverged = true;
        m.divergedEpoch = epoch;
        continue;
      }
      const h = m.history, e = m.epochsRun;
      h.train_loss[e] = train.risk;
      h.test_loss[e] = test.risk;
      h[`train_${this.metric}`][e] = train.score;
      h[`test_${this.metric}`][e] = test.score;
      h.grad_norm[e] = gradNorm;
      m.epochsRun = e + 1;
      if (epoch === m.cfg.epochs) m.active = false;
    }
    return this.active;
  }

  /**
   * Raw outputs (logits or predictions) of config j's current weights on n rows of X (n x
   * n_features, row-major), as core's MLP.decision_function: a view into a buffer kept per n,
   * overwritten by the next call with the same n (copy it to keep it).
   * @param {number} j
   * @param {Float64Array} X
   * @param {number} n
   * @returns {Float64Array} n x n_outputs
   */
  decisionFunction(j, X, n) {
    this.surfaces ??= new Map();
    if (!this.surfaces.has(n)) this.surfaces.set(n, workspace(this.layout, n));
    return forward(this.layout, this.models[j].theta, X, n, this.activation, this.surfaces.get(n));
  }

  /**
   * What core's FitResult holds: the config, the history (arrays of epochsRun entries), the
   * weights (the last finite epoch's), whether and when it diverged.
   */
  results() {
    return this.models.map((m) => ({
      config: m.cfg,
      history: Object.fromEntries(Object.entries(m.history).map(([k, v]) => [k, v.subarray(0, m.epochsRun)])),
      theta: m.theta,
      epochsRun: m.epochsRun,
      diverged: m.diverged,
      divergedEpoch: m.divergedEpoch,
    }));
  }
}

/**
 * Add lambda W_l, the gradient of (lambda/2)||W_l||^2, to the weight gradients (biases are
 * not penalised), in place (core's _add_l2).
 */
function addL2(grad, theta, lay, l2) {
  for (const { w, b } of lay.layers) {
    for (let i = w; i < b; i++) grad[i] += l2 * theta[i];
  }
}

/**
 * Train every config, in lockstep where they share architecture, optimiser, batch size and
 * seed (core's fit_many); result i is what fit(data, configs[i]) gives.
 * @param {object} data dataset(...)
 * @param {object[]} configs
 * @param {{theta0?: Float64Array}} [options] initial weights for every group (same sizes)
 * @returns {object[]} Lockstep.results() entries, in the order of `configs`
 */
export function fitMany(data, configs, options = {}) {
  const full = configs.map(trainConfig);
  const groups = new Map();
  full.forEach((c, i) => {
    const key = groupKey(c);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(i);
  });
  const results = new Array(full.length);
  for (const indices of groups.values()) {
    const run = new Lockstep(data, indices.map((i) => full[i]), options);
    while (run.epoch() > 0);
    run.results().forEach((r, k) => (results[indices[k]] = r));
  }
  return results;
}

/**
 * Train one config (core's fit).
 * @param {object} data dataset(...)
 * @param {object} config
 * @param {{theta0?: Float64Array}} [options]
 */
export function fit(data, config, options = {}) {
  return fitMany(data, [config], options)[0];
}
