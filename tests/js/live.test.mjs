// The live player's engine against core (tests/fixtures/engine/live.json and runs.json): the
// decision surface and the gradient sizes it draws (boundaries.js), the edits a student makes
// and their link text (edits.js), and whole views trained on edited data, frame by frame
// (live.js) — plus the message host that runs them in a worker (Trainer).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { decisionSurface, gradientMagnitude, strength, surfaceKind, surfaceValues } from "../../ui/player/engine/boundaries.js";
import { applyEdits, decodeEdits, encodeEdits, quantize } from "../../ui/player/engine/edits.js";
import { LiveRun, Trainer } from "../../ui/player/engine/live.js";
import { getLoss, resolveHyperparameters } from "../../ui/player/engine/losses.js";
import { flat, loadFixture, maxRelativeError, maxScaledError } from "./fixtures.mjs";

const fx = loadFixture("live.json");
const runs = loadFixture("runs.json");
const expect = fx.expect;

/** The player's spec of a fixture view: task, data as loaded, configs, grid. */
function spec(view, task = "classification") {
  return {
    task,
    data: view.data,
    configs: view.configs.map((c) => ({ ...view.training, ...c })),
    grid: view.grid,
  };
}

/** Train a LiveRun to its end. */
function trainAll(run) {
  while (run.step());
  return run;
}

describe("decision surface (core.boundaries.decision_surface)", () => {
  for (const [i, c] of fx.surfaces.entries()) {
    it(`case ${i}: K = ${c.z[0].length}, ${c.kind}, margin ${c.margin}`, () => {
      const K = c.z[0].length, n = c.z.length;
      const s = decisionSurface(flat(c.z), n, K, c.kind, c.margin);
      const { rel } = maxRelativeError(s.values, flat(c.values));
      assert.ok(rel <= expect.values_rel, `values ${rel}`);
      assert.deepEqual(Array.from(s.label), c.label);
      assert.ok(maxRelativeError(s.strength, c.strength).rel <= expect.values_rel);
    });
  }

  it("kinds and strength by hand", () => {
    assert.equal(surfaceKind("hinge"), "score");
    assert.equal(surfaceKind("cross_entropy"), "probability");
    assert.equal(strength(0.75, "probability", 2), 0.5);
    assert.equal(strength(0.75, "score", 3), 0.5);
    assert.equal(strength(NaN, "score", 3), 0);
    assert.throws(() => surfaceValues(new Float64Array(2), 1, 2, "margin", 1, new Float64Array(1)), /kind/);
  });
});

describe("gradient sizes (core.boundaries.gradient_magnitude)", () => {
  const g = fx.gradients;
  const z = flat(g.z), y = Int32Array.from(g.y), n = g.y.length;
  for (const c of g.cases) {
    it(`${c.loss} ${JSON.stringify(c.loss_params)}`, () => {
      const loss = getLoss(c.loss, "classification");
      const out = gradientMagnitude(loss, resolveHyperparameters(loss, c.loss_params), y, z, n, 3, new Float64Array(n));
      const { rel, at } = maxRelativeError(out, c.magnitude);
      assert.ok(rel <= expect.gradient_rel, `${rel} at ${at}`);
    });
  }

  it("a diverged model's points have no size", () => {
    const loss = getLoss("cross_entropy", "classification");
    const zz = Float64Array.from([1, NaN, 0, 1]);
    const out = gradientMagnitude(loss, {}, Int32Array.from([0, 1]), zz, 2, 2, new Float64Array(2));
    assert.ok(out.every(Number.isNaN));
  });
});

describe("edits (core.edits)", () => {
  const base = { ...fx.edits.base, nFeatures: 2, X_train: flat(fx.edits.base.X_train) };
  for (const c of fx.edits.cases) {
    it(`"${c.text}" edits the training split as core does`, () => {
      const ops = decodeEdits(c.text);
      assert.equal(encodeEdits(ops), c.text);
      const out = applyEdits(base, ops);
      assert.deepEqual(Array.from(out.X_train), Array.from(flat(c.X_train))); // exactly
      assert.deepEqual(Array.from(out.y_train), c.y_train);
      assert.deepEqual(Array.from(out.flipped, Boolean), c.flipped);
    });
  }
  for (const text of fx.edits.refused) {
    it(`refuses "${text}"`, () => {
      assert.throws(() => applyEdits(base, decodeEdits(text)), /edits/);
    });
  }

  it("coordinates quantise to the link's thousandths, without -0", () => {
    assert.equal(quantize(1.23456), 1235);
    assert.equal(quantize(-0.0001), 0);
    assert.ok(Object.is(quantize(-0.0001), 0));
    assert.equal(quantize(1e9), 1000000);
    assert.equal(encodeEdits([["a", quantize(-1.5), quantize(0.25), 1]]), "1.a-1500_250_1");
  });
});

describe("live views trained on edited data (core.train + core.boundaries.panel)", () => {
  for (const view of fx.views) {
    const names = view.configs.map((c) => c.loss).join(", ");
    it(`${names}: accuracies at every epoch, panels at ${[...new Set(view.panels.map((p) => p.epoch))]}`, () => {
      const run = new LiveRun(spec(view));
      run.setEdits(decodeEdits(view.edits));
      trainAll(run);
      view.histories.forEach((h, j) => {
        assert.deepEqual(Array.from(run.scores.train[j].subarray(1)), h.train_accuracy, `${names} train ${j}`);
        assert.deepEqual(Array.from(run.scores.test[j].subarray(1)), h.test_accuracy, `${names} test ${j}`);
      });
      for (const e of new Set(view.panels.map((p) => p.epoch))) {
        const f = run.frame(e);
        assert.equal(f.epoch, e);
        view.panels.filter((p) => p.epoch === e).forEach((p, j) => {
          assert.equal(run.scores.test[j][e], p.test_accuracy, `epoch ${e} ${p.loss} test`);
          assert.equal(run.scores.train[j][e], p.train_accuracy, `epoch ${e} ${p.loss} train`);
          const v = flat(p.values);
          // bytes are round(255 v): within one level where core's value sits on a rounding edge
          const off = Math.max(...Array.from(f.values[j], (b, i) => Math.abs(b - Math.round(255 * v[i]))));
          assert.ok(off <= 1, `epoch ${e} ${p.loss} surface bytes off by ${off}`);
          const err = maxScaledError(f.gradients[j], p.gradient, 1e-3);
          assert.ok(err <= expect.panel_abs, `epoch ${e} ${p.loss} gradient sizes ${err}`);
        });
      }
    });
  }

  it("the default view's live run scores every epoch as core's whole run does", () => {
    const group = runs.runs.find((g) => g.dataset === "spirals" && g.training.optimizer === "adam" && g.training.seed === 0);
    const d = runs.datasets.spirals;
    const run = trainAll(
      new LiveRun({
        task: "classification",
        data: d,
        configs: group.runs.slice(0, 4).map((r) => ({ ...group.training, loss: r.loss, loss_params: r.loss_params })),
        grid: { xs: [0, 1], ys: [0, 1] },
      }),
    );
    group.runs.slice(0, 4).forEach((r, j) => {
      assert.deepEqual(Array.from(run.scores.test[j].subarray(1)), r.history.test_accuracy, r.loss);
      assert.deepEqual(Array.from(run.scores.train[j].subarray(1)), r.history.train_accuracy, r.loss);
    });
  });

  it("regression: a moved and an added point, RMSE at every epoch and the fits", () => {
    const view = fx.regression;
    const run = new LiveRun(spec(view, "regression"));
    run.setEdits(decodeEdits(view.edits));
    trainAll(run);
    view.histories.forEach((h, j) => {
      assert.ok(maxRelativeError(run.scores.test[j].subarray(1), h.test_rmse).rel <= expect.fit_rel);
      assert.ok(maxRelativeError(run.scores.train[j].subarray(1), h.train_rmse).rel <= expect.fit_rel);
    });
    const f = run.frame(run.end);
    view.fits.forEach((fit, j) => assert.ok(maxRelativeError(f.curves[j], fit).rel <= expect.fit_rel, view.configs[j].loss));
  });
});

describe("restart and continue", () => {
  const view = fx.views[0];

  it("restart trains from the seed's weights: reset edits give the unedited run again", () => {
    const a = trainAll(new LiveRun(spec(view)));
    const b = new LiveRun(spec(view));
    b.setEdits(decodeEdits(view.edits));
    trainAll(b);
    b.setEdits([]);
    trainAll(b);
    assert.deepEqual(Array.from(b.scores.test[0]), Array.from(a.scores.test[0]));
    assert.deepEqual(Array.from(b.frame(30).values[2]), Array.from(a.frame(30).values[2]));
  });

  it("continue keeps the history and the weights at the epoch it continues from", () => {
    const run = trainAll(new LiveRun(spec(view)));
    const before = run.frame(20);
    const history = Array.from(run.scores.test[1].subarray(0, 21));
    run.setEdits(decodeEdits("1.a2000_2000_0"), "continue", 20);
    assert.equal(run.frontier, 20);
    assert.equal(run.end, 20 + view.training.epochs);
    assert.deepEqual(Array.from(run.scores.test[1].subarray(0, 21)), history);
    // the same weights at epoch 20, on data with one more point: the same surface
    assert.deepEqual(Array.from(run.frame(20).values[1]), Array.from(before.values[1]));
    trainAll(run);
    assert.equal(run.frontier, run.end);
    assert.ok(run.scores.test[1].subarray(21).every(Number.isFinite));
  });

  it("a coarse frame is the whole grid's values at every other row and column", () => {
    const run = trainAll(new LiveRun(spec(view)));
    const fine = run.frame(10), coarse = run.frame(10, true);
    const { rows, cols } = { rows: view.grid.ys.length, cols: view.grid.xs.length };
    assert.deepEqual(coarse.grid, { rows: rows / 2, cols: cols / 2, step: 2 });
    for (let j = 0; j < view.configs.length; j++) {
      const picked = [];
      for (let r = 0; r < rows; r += 2) for (let c = 0; c < cols; c += 2) picked.push(fine.values[j][r * cols + c]);
      assert.deepEqual(Array.from(coarse.values[j]), picked);
      assert.deepEqual(Array.from(coarse.weights[j]), Array.from(fine.weights[j]));
    }
  });

  it("edits that do not fit the data change nothing", () => {
    const run = new LiveRun(spec(view));
    assert.throws(() => run.setEdits([["d", 10_000]]), /edits/);
    assert.deepEqual(run.ops, []);
  });
});

describe("Trainer (the worker's message host)", () => {
  /** A Trainer driven by hand: scheduled slices run when `flush` is called. */
  function host() {
    const out = [], queue = [];
    let clock = 0;
    const t = new Trainer((m) => out.push(m), (fn) => queue.push(fn), () => (clock += 1));
    const flush = (max = 10_000) => {
      for (let i = 0; i < max && queue.length; i++) queue.shift()();
    };
    return { t, out, flush };
  }
  const view = fx.views[0];

  it("starts a run, reports progress to the end and answers the latest frame request", () => {
    const { t, out, flush } = host();
    t.handle({ type: "init", run: 1, spec: spec(view), ops: [] });
    assert.equal(out[0].type, "run");
    assert.equal(out[0].end, 30);
    t.handle({ type: "frame", run: 1, epoch: 0 });
    t.handle({ type: "frame", run: 1, epoch: 3 }); // only the latest is drawn
    flush();
    const frames = out.filter((m) => m.type === "frame");
    assert.equal(frames.length, 1);
    assert.ok(frames[0].epoch <= 3);
    const progress = out.filter((m) => m.type === "progress");
    assert.equal(progress.at(-1).frontier, 30);
    const trained = progress.flatMap((m) => m.scores.test[0]);
    assert.equal(trained.length, 30);
    assert.deepEqual(trained, trainAll(new LiveRun(spec(view))).scores.test[0].subarray(1).reduce((a, v) => [...a, v], []));
  });

  it("an edit starts a new run; answers about the old one are not sent; bad edits are errors", () => {
    const { t, out, flush } = host();
    t.handle({ type: "init", run: 1, spec: spec(view), ops: [] });
    t.handle({ type: "edits", run: 2, ops: decodeEdits(view.edits), mode: "restart" });
    t.handle({ type: "frame", run: 1, epoch: 5 }); // stale: ignored
    flush();
    assert.ok(out.filter((m) => m.type !== "run").every((m) => m.run === 2));
    assert.equal(out.filter((m) => m.type === "frame").length, 0);
    t.handle({ type: "edits", run: 3, ops: [["d", 99999]] });
    assert.equal(out.at(-1).type, "error");
    assert.match(out.at(-1).message, /edits/);
  });
});

describe("a student's formula trained live (spec.formulas, formula.js)", () => {
  const formulas = loadFixture("formula.json");
  const byHand = formulas.cases.find((c) => c.key === "max(0, 1 - m)").json;
  const view = fx.views[0];

  it("hinge written by hand trains to the built-in hinge's accuracies at every epoch", () => {
    const name = `formula:${byHand.key}`;
    const s = spec(view);
    s.configs = s.configs.filter((c) => c.loss === "hinge");
    s.configs.push({ ...s.configs[0], loss: name, loss_params: {} });
    s.formulas = [byHand];
    s.kinds = ["score", "score"]; // the server's surface kinds: a margin formula is a score
    const run = trainAll(new LiveRun(s));
    assert.deepEqual(Array.from(run.scores.test[1]), Array.from(run.scores.test[0]));
    assert.deepEqual(Array.from(run.scores.train[1]), Array.from(run.scores.train[0]));
    assert.equal(run.kinds[1], "score");
  });

  it("a config naming a formula the spec does not carry is refused", () => {
    const s = spec(view);
    s.configs = [{ ...s.configs[0], loss: "formula:exp(-m)", loss_params: {} }];
    assert.throws(() => trainAll(new LiveRun(s)), /formula:exp\(-m\)|unknown|loss/i);
  });
});
