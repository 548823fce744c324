// Loss Lab engine — live: training that plays in the browser, the counterpart of what core's
// snapshots (core/snapshots.py) and ui/comparison.py keep and evaluate on the server. A LiveRun
// trains every loss of a view in lockstep (train.js) on the data as loaded plus a student's
// edits (edits.js), keeps each epoch's weights, and evaluates any kept epoch as a frame: per
// loss, the decision surface's values on the grid and each training point's gradient size
// (boundaries.js), or for regression each fit's predictions along the x axis. A Trainer runs a
// LiveRun behind messages, in a Web Worker (or, where none can start, in the page itself): it
// trains in short slices and answers frame requests between them, so drawing never waits for a
// whole run and an edit restarts training at once.
//
// Epochs are global: 0 is the initial weights, e the weights after epoch e. "restart" trains
// from the seed's initial weights on the edited data (what core computes for the same link);
// "continue" keeps every loss's weights at epoch `from` and trains a further `epochs` epochs
// on the edited data with a fresh optimiser state (browser only: a link holds the data, and
// the server trains from the start).

import { gradientMagnitude, gradientWork, surfaceKind, surfaceValues } from "./boundaries.js";
import { applyEdits } from "./edits.js";
import { registerFormula } from "./formula.js";
import { forward, initParams, workspace } from "./models.js";
import { dataset, layerSizes, Lockstep, trainConfig } from "./train.js";

/** Bytes of weights kept per run: every epoch while they fit, else every stride-th. */
export const KEEP_BYTES = 48 * 2 ** 20;
/** Milliseconds of training per slice between two looks at the message queue. */
export const SLICE_MS = 8;

/** A value in [0, 1] as a byte round(255 v) (NaN as 0), core's old quantize. */
function byte(v) {
  return Number.isNaN(v) ? 0 : Math.round(Math.min(Math.max(v, 0), 1) * 255);
}

/** Rows (nested arrays from JSON, or flat) as one Float64Array. */
function flatRows(x) {
  return ArrayBuffer.isView(x) ? Float64Array.from(x) : Float64Array.from(x.flat());
}

export class LiveRun {
  /**
   * @param {object} spec
   * @param {"classification"|"regression"} spec.task
   * @param {object} spec.data the data as loaded (after the view's corruption, before edits):
   *   n_classes (classification), X_train, y_train, y_train_clean, corrupted, X_test, y_test
   * @param {object[]} spec.configs core TrainConfig fields, one per loss (one lockstep group)
   * @param {{xs: number[], ys?: number[]}} spec.grid grid-point coordinates: columns xs and rows
   *   ys (classification, rows bottom to top), or the x positions of the fitted curves
   * @param {object[]} [spec.formulas] students' formulas (core's Formula.to_json()) that
   *   configs name, registered with the engine before training
   * @param {string[]} [spec.kinds] each config's surface kind, as the server decided it
   * @param {number} [spec.keepBytes]
   */
  constructor(spec) {
    for (const f of spec.formulas ?? []) registerFormula(f);
    this.task = spec.task;
    this.classification = spec.task === "classification";
    const d = spec.data;
    this.nFeatures = this.classification ? 2 : 1;
    this.base = {
      task: spec.task,
      n_classes: d.n_classes,
      nFeatures: this.nFeatures,
      X_train: flatRows(d.X_train),
      y_train: d.y_train,
      y_train_clean: d.y_train_clean ?? null,
      corrupted: d.corrupted ?? null,
    };
    this.X_test = flatRows(d.X_test);
    this.y_test = d.y_test;
    this.configs = spec.configs;
    this.epochs = spec.configs[0].epochs;
    this.K = this.classification ? d.n_classes : 1;
    this.kinds = spec.kinds ?? spec.configs.map((c) => surfaceKind(c.loss));
    this.margins = spec.configs.map((c) => Number(c.loss_params?.margin ?? 1.0));
    const xs = spec.grid.xs, ys = spec.grid.ys ?? [];
    this.cols = xs.length;
    this.rows = this.classification ? ys.length : 1;
    // grid points in core's Grid.points order: x fastest, rows by ascending y
    this.gridX = new Float64Array(this.rows * this.cols * this.nFeatures);
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const i = r * this.cols + c;
        this.gridX[i * this.nFeatures] = xs[c];
        if (this.classification) this.gridX[i * 2 + 1] = ys[r];
      }
    }
    this.keepBytes = spec.keepBytes ?? KEEP_BYTES;
    this.ops = [];
    this.setEdits([], "restart", 0);
  }

  /** Number of losses. */
  get L() {
    return this.configs.length;
  }

  /**
   * Train on the data as loaded plus `ops` (edits.js): "restart" from the seed's initial
   * weights at epoch 0, or "continue" from the weights at epoch `from` (see the header).
   * Throws (and changes nothing) when the edits do not fit the data.
   * @param {Array} ops
   * @param {"restart"|"continue"} mode
   * @param {number} from
   */
  setEdits(ops, mode = "restart", from = 0) {
    const edited = applyEdits(this.base, ops);
    const data = dataset({
      task: this.task,
      n_classes: this.classification ? this.K : undefined,
      n_features: this.nFeatures,
      X_train: edited.X_train,
      y_train: edited.y_train,
      X_test: this.X_test,
      y_test: this.y_test,
    });
    let start = 0, theta0 = null;
    if (mode === "continue" && this.run) {
      start = this.keptAtOrBefore(Math.min(Math.max(0, from), this.frontier));
      const t = this.thetas.get(start);
      theta0 = this.configs.map((_, j) => t.slice(j * this.P, (j + 1) * this.P));
    }
    const configs = this.configs.map((c) => ({ ...c, epochs: this.epochs }));
    // the seed's initial weights depend on the sizes and the seed only: drawn once per view
    const sizes = layerSizes(data, trainConfig(configs[0]));
    if (!theta0 && this.initial?.key !== String(sizes)) {
      const c = trainConfig(configs[0]);
      this.initial = { key: String(sizes), theta: initParams(sizes, c.activation, c.seed) };
    }
    const run = new Lockstep(data, configs, { theta0: theta0 ?? this.initial.theta });
    this.ops = ops.map((op) => [...op]);
    this.edited = edited;
    this.data = data;
    this.run = run;
    this.P = run.layout.nParams;
    this.offset = start;
    this.end = start + this.epochs;
    const bytes = (this.end + 1) * this.L * this.P * 8;
    this.stride = Math.max(1, Math.ceil(bytes / this.keepBytes));
    const keepOld = start > 0 && this.thetas ? [...this.thetas].filter(([e]) => e <= start) : [];
    this.thetas = new Map(keepOld);
    const old = this.scores;
    this.scores = { train: [], test: [] };
    this.diverged = this.configs.map(() => null); // epochs of divergence in this training
    for (const split of ["train", "test"]) {
      for (let j = 0; j < this.L; j++) {
        const a = new Float64Array(this.end + 1).fill(NaN);
        if (start > 0 && old) a.set(old[split][j].subarray(0, start + 1));
        this.scores[split].push(a);
      }
    }
    this.frontier = start;
    this.keep(start, true);
    if (start === 0) {
      // every loss starts from the same weights: one test evaluation serves them all
      const test = run.evaluate(run.models[0], data.X_test, data.y_test, data.nTest, false).score;
      run.models.forEach((m, j) => {
        this.scores.train[j][0] = m.initialScore;
        this.scores.test[j][0] = test;
      });
    }
    this.gradWs = null;
  }

  /** Whether there are epochs left to train. */
  get training() {
    return this.frontier < this.end && this.run.active > 0;
  }

  /**
   * Train every loss still training one epoch; record its scores and weights.
   * @returns {boolean} whether there are epochs left
   */
  step() {
    if (!this.training) return false;
    this.run.epoch();
    const e = this.offset + this.run.epochsDone;
    this.run.models.forEach((m, j) => {
      if (m.diverged && this.diverged[j] === null) this.diverged[j] = this.offset + m.divergedEpoch;
      const local = e - this.offset - 1;
      if (m.epochsRun > local) {
        this.scores.train[j][e] = m.history[`train_${this.run.metric}`][local];
        this.scores.test[j][e] = m.history[`test_${this.run.metric}`][local];
      }
    });
    this.frontier = e;
    this.keep(e, e === this.end || this.run.active === 0);
    if (this.run.active === 0) this.frontier = this.end; // all stopped: nothing changes after
    return this.training;
  }

  /** Keep the weights of epoch e (every stride-th epoch, the start and the end, or `force`). */
  keep(e, force = false) {
    if (!force && e % this.stride !== 0) return;
    const all = new Float64Array(this.L * this.P);
    this.run.models.forEach((m, j) => all.set(m.theta, j * this.P));
    this.thetas.set(e, all);
  }

  /** The latest kept epoch at or before e (the frontier's weights are always kept). */
  keptAtOrBefore(e) {
    if (this.thetas.has(e)) return e;
    let best = -1;
    for (const k of this.thetas.keys()) if (k <= e && k > best) best = k;
    return best < 0 ? Math.min(...this.thetas.keys()) : best;
  }

  /** Weights of every loss at epoch e (or the latest kept before it), one Float64Array L x P. */
  thetaAt(e) {
    if (e >= this.frontier) {
      const all = new Float64Array(this.L * this.P);
      this.run.models.forEach((m, j) => all.set(m.theta, j * this.P));
      return { epoch: this.frontier, theta: all };
    }
    const k = this.keptAtOrBefore(e);
    return { epoch: k, theta: this.thetas.get(k) };
  }

  /** Raw outputs of loss j's weights `theta` (L x P) on n rows of X, into a workspace per n. */
  outputs(theta, j, X, n) {
    this.spaces ??= new Map();
    if (!this.spaces.has(n)) this.spaces.set(n, workspace(this.run.layout, n));
    const tj = theta.subarray(j * this.P, (j + 1) * this.P);
    return forward(this.run.layout, tj, X, n, this.run.activation, this.spaces.get(n));
  }

  /**
   * What every panel shows at epoch e (the frontier if e is past it): classification — per
   * loss, the surface values on the grid as bytes (rows x cols x C, C = 1 for two classes) and
   * each training point's gradient size relative to the largest, as bytes; regression — per
   * loss, the predictions at the grid's x positions. Epochs past a run's divergence show its
   * last finite weights, as the server does.
   * @param {number} e
   */
  frame(e, coarse = false) {
    const { epoch, theta } = this.thetaAt(Math.min(e, this.frontier));
    const nGrid = this.rows * this.cols;
    if (!this.classification) {
      return { epoch, curves: this.configs.map((_, j) => Float64Array.from(this.outputs(theta, j, this.gridX, nGrid))) };
    }
    const K = this.K, C = K === 2 ? 1 : K;
    const nTrain = this.data.nTrain;
    // coarse: every other grid row and column (a quarter of the work), for frames drawn
    // while a run is being trained; a settled epoch is drawn on the whole grid
    const at = coarse ? this.coarseGrid() : { X: this.gridX, rows: this.rows, cols: this.cols, step: 1 };
    const n = at.rows * at.cols;
    this.surfaceBuf ??= new Float64Array(nGrid * C);
    if (!this.gradWs || this.gradWs.n < nTrain) this.gradWs = { n: nTrain, work: gradientWork(nTrain, K), g: new Float64Array(nTrain) };
    const values = [], weights = [], gradients = [];
    this.configs.forEach((c, j) => {
      const z = this.outputs(theta, j, at.X, n);
      surfaceValues(z, n, K, this.kinds[j], this.margins[j], this.surfaceBuf);
      const v = new Uint8Array(n * C);
      for (let i = 0; i < v.length; i++) v[i] = byte(this.surfaceBuf[i]);
      values.push(v);
      const model = this.run.models[j];
      const zt = this.outputs(theta, j, this.data.X_train, nTrain);
      const g = gradientMagnitude(model.loss, model.hyper, this.data.y_train, zt, nTrain, K, this.gradWs.g, this.gradWs.work);
      let gmax = 0;
      for (let i = 0; i < nTrain; i++) if (g[i] > gmax) gmax = g[i];
      const w = new Uint8Array(nTrain);
      if (gmax > 0) for (let i = 0; i < nTrain; i++) w[i] = byte(g[i] / gmax);
      weights.push(w);
      gradients.push(Float64Array.from(g.subarray(0, nTrain)));
    });
    return { epoch, values, weights, gradients, grid: { rows: at.rows, cols: at.cols, step: at.step } };
  }

  /** The grid points at even rows and columns (core's Grid.points order). */
  coarseGrid() {
    if (!this.coarse) {
      const rows = Math.ceil(this.rows / 2), cols = Math.ceil(this.cols / 2);
      const X = new Float64Array(rows * cols * 2);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = 2 * r * this.cols + 2 * c;
          X[(r * cols + c) * 2] = this.gridX[i * 2];
          X[(r * cols + c) * 2 + 1] = this.gridX[i * 2 + 1];
        }
      }
      this.coarse = { X, rows, cols, step: 2 };
    }
    return this.coarse;
  }
}

/**
 * A LiveRun behind messages (a Web Worker's, or the page's own when no worker can start).
 * In: {type: "init", run, spec, ops, mode, from} | {type: "edits", run, ops, mode, from} |
 *     {type: "frame", run, epoch, coarse} | {type: "stop"} (coarse: while the run trains, on
 *     every other grid row and column).
 * Out: {type: "run", run, end, frontier, scores, diverged} after every (re)start;
 *      {type: "progress", run, frontier, from, scores, diverged} as epochs are trained;
 *      {type: "frame", run, asked, final, ...LiveRun.frame(asked)} for the latest frame request
 *      (final: epoch `asked` is trained, so this is its frame for good);
 *      {type: "error", run, message} when the edits do not fit the data.
 * `run` numbers each (re)start so the page can drop answers about an earlier one.
 */
export class Trainer {
  /**
   * @param {(msg: object, transfer?: Transferable[]) => void} post
   * @param {(fn: () => void) => void} [schedule] runs fn soon, after pending messages
   * @param {() => number} [now]
   */
  constructor(post, schedule = (fn) => setTimeout(fn, 0), now = () => performance.now()) {
    this.post = post;
    this.schedule = schedule;
    this.now = now;
    this.live = null;
    this.id = 0;
    this.want = null;
    this.pending = false;
    this.sent = 0;
  }

  handle(msg) {
    if (msg.type === "stop") {
      this.live = null;
      return;
    }
    if (msg.type === "frame") {
      if (msg.run === this.id) this.want = { epoch: msg.epoch, coarse: Boolean(msg.coarse) };
    } else if (msg.type === "init" || msg.type === "edits") {
      try {
        if (msg.type === "init") this.live = new LiveRun(msg.spec);
        if (!this.live) return;
        this.live.setEdits(msg.ops ?? [], msg.mode ?? "restart", msg.from ?? 0);
      } catch (err) {
        this.post({ type: "error", run: msg.run, message: String(err.message ?? err) });
        return;
      }
      this.id = msg.run;
      this.want = msg.epoch === undefined || msg.epoch === null ? null : { epoch: msg.epoch, coarse: true };
      const r = this.live;
      this.sent = r.frontier;
      this.post({ type: "run", run: this.id, end: r.end, frontier: r.frontier, scores: r.scores, diverged: r.diverged, n: r.data.nTrain });
    }
    this.pump();
  }

  pump() {
    if (this.pending || !this.live) return;
    this.pending = true;
    this.schedule(() => {
      this.pending = false;
      this.slice();
    });
  }

  /** Answer the latest frame request, then train for up to SLICE_MS; report progress. */
  slice() {
    const r = this.live;
    if (!r) return;
    if (this.want !== null) {
      const asked = this.want.epoch;
      const f = r.frame(asked, this.want.coarse && r.training);
      this.want = null;
      const transfer = [...(f.values ?? []), ...(f.weights ?? []), ...(f.gradients ?? []), ...(f.curves ?? [])].map((a) => a.buffer);
      // final: the frame is what epoch `asked` will always show (trained, or not kept)
      const final = asked <= r.frontier && (f.grid?.step ?? 1) === 1;
      this.post({ type: "frame", run: this.id, asked, final, ...f }, transfer);
    }
    const t0 = this.now();
    while (r.training && this.now() - t0 < SLICE_MS) r.step();
    if (r.frontier > this.sent) {
      const from = this.sent + 1;
      const cut = (a) => Array.from(a.subarray(from, r.frontier + 1));
      this.post({
        type: "progress",
        run: this.id,
        from,
        frontier: r.frontier,
        scores: { train: r.scores.train.map(cut), test: r.scores.test.map(cut) },
        diverged: r.diverged,
      });
      this.sent = r.frontier;
    }
    if (r.training || this.want !== null) this.pump();
  }
}
