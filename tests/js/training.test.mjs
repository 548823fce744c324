// The engine's training loop against core's (tests/fixtures/engine/training.json): every loss
// under every optimiser, full batch and mini-batch, linear and MLP, with and without L2 — the
// weights after one epoch, three epochs of history, divergence — and the loop's own contracts.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { initParams } from "../../ui/player/engine/models.js";
import { dataset, fit, fitMany, layerSizes, Lockstep, trainConfig } from "../../ui/player/engine/train.js";
import { loadFixture, maxRelativeError, maxScaledError } from "./fixtures.mjs";

const fx = loadFixture("training.json");
const data = Object.fromEntries(Object.entries(fx.datasets).map(([k, v]) => [k, dataset(v)]));
const { theta_scaled: thetaTol, history_rel: historyTol } = fx.expect;

const configs = (c) => c.runs.map((r) => ({ ...c.training, loss: r.loss, loss_params: r.loss_params }));
const describeCase = (c) => {
  const t = c.training;
  const model = t.hidden.length ? `MLP ${t.hidden.join("x")} ${t.activation}` : "linear";
  return `${c.dataset}, ${model}, ${t.optimizer} ${t.lr}, batch ${t.batch_size ?? "full"}, L2 ${t.l2}, seed ${t.seed}`;
};

describe("one epoch, then three, of every loss", () => {
  for (const c of fx.cases) {
    it(describeCase(c), () => {
      const cfgs = configs(c);
      const sizes = layerSizes(data[c.dataset], trainConfig(cfgs[0]));
      assert.deepEqual(Array.from(initParams(sizes, c.training.activation, c.training.seed)), c.initial_theta);
      const run = new Lockstep(data[c.dataset], cfgs, { theta0: Float64Array.from(c.initial_theta) });
      run.epoch();
      const afterOne = run.models.map((m) => Float64Array.from(m.theta));
      while (run.epoch() > 0);
      run.results().forEach((res, j) => {
        const core = c.runs[j];
        assert.equal(res.diverged, core.diverged, core.loss);
        assert.equal(res.divergedEpoch, core.diverged_epoch, core.loss);
        assert.equal(res.epochsRun, core.epochs_run, core.loss);
        if (core.theta_epoch1 !== null) {
          const err = maxScaledError(afterOne[j], core.theta_epoch1);
          assert.ok(err <= thetaTol, `${core.loss}: weights after epoch 1 off by ${err}`);
        }
        for (const [key, expected] of Object.entries(core.history)) {
          const { rel, at } = maxRelativeError(res.history[key], expected);
          assert.ok(rel <= historyTol, `${core.loss} ${key}: ${rel} at epoch ${at + 1}`);
        }
      });
    });
  }

  it("covers every optimiser x batch x {linear, MLP tanh, MLP relu} x L2, and every activation", () => {
    const seen = new Set(fx.cases.map(({ training: t }) => JSON.stringify([t.optimizer, t.batch_size, t.hidden.length > 0, t.activation, t.l2 > 0])));
    for (const optimizer of ["sgd", "momentum", "adam"]) {
      for (const batch of [null, 16]) {
        for (const [mlp, activation] of [[false, "tanh"], [true, "tanh"], [true, "relu"]]) {
          for (const l2 of [false, true]) assert.ok(seen.has(JSON.stringify([optimizer, batch, mlp, activation, l2])));
        }
      }
    }
    for (const act of ["sigmoid", "identity"]) assert.ok(fx.cases.some((c) => c.training.activation === act && c.training.hidden.length));
  });
});

describe("divergence, as core detects it", () => {
  for (const c of fx.diverging) {
    it(describeCase(c), () => {
      const results = fitMany(data[c.dataset], configs(c));
      assert.ok(c.runs.some((r) => r.diverged) && c.runs.some((r) => !r.diverged), "a mixed group");
      results.forEach((res, j) => {
        const core = c.runs[j];
        assert.equal(res.diverged, core.diverged, core.loss);
        assert.equal(res.divergedEpoch, core.diverged_epoch, core.loss);
        assert.equal(res.epochsRun, core.epochs_run, core.loss);
        if (core.diverged && core.diverged_epoch <= 2) {
          // the weights kept are the last finite epoch's (epoch 0 or 1: still within rounding)
          const err = maxScaledError(res.theta, core.theta);
          assert.ok(err <= thetaTol, `${core.loss}: kept weights off by ${err}`);
        }
      });
    });
  }
});

describe("the loop's contracts", () => {
  const blobs = data.blobs3;
  const base = { hidden: [5, 4], activation: "tanh", optimizer: "adam", lr: 0.01, epochs: 5, batch_size: 16, seed: 3 };
  const names = ["cross_entropy", "mse", "hinge", "focal"];

  it("each config in lockstep is bit-identical to it trained alone", () => {
    const together = fitMany(blobs, names.map((loss) => ({ ...base, loss })));
    names.forEach((loss, j) => {
      const alone = fit(blobs, { ...base, loss });
      assert.deepEqual(alone.theta, together[j].theta, loss);
      assert.deepEqual(alone.history, together[j].history, loss);
    });
  });

  it("configs with different seeds train in separate groups, in the order given", () => {
    const cfgs = [{ ...base, loss: "mse", seed: 1 }, { ...base, loss: "mse", seed: 2 }, { ...base, loss: "hinge", seed: 1 }];
    const [a, b, c] = fitMany(blobs, cfgs);
    assert.deepEqual(a.theta, fit(blobs, cfgs[0]).theta);
    assert.deepEqual(b.theta, fit(blobs, cfgs[1]).theta);
    assert.equal(c.config.loss, "hinge");
    assert.notDeepEqual(a.theta, b.theta);
  });

  it("starts from the seeded initial weights, or from theta0 when given", () => {
    const cfg = { ...base, loss: "cross_entropy" };
    const theta0 = initParams(layerSizes(blobs, trainConfig(cfg)), "tanh", 3);
    assert.deepEqual(fit(blobs, cfg, { theta0 }).theta, fit(blobs, cfg).theta);
    const other = Float64Array.from(theta0, (v) => v * 0.5);
    const run = new Lockstep(blobs, [cfg], { theta0: other });
    assert.deepEqual(run.models[0].theta, other);
    assert.notEqual(run.models[0].theta, other, "copied, so the caller's array is not trained");
    assert.throws(() => new Lockstep(blobs, [cfg], { theta0: new Float64Array(3) }), /theta0 must have 54 numbers/);
  });

  it("decisionFunction gives the outputs the history scored", () => {
    const run = new Lockstep(blobs, names.map((loss) => ({ ...base, loss })));
    while (run.epoch() > 0);
    run.results().forEach((res, j) => {
      const out = run.decisionFunction(j, blobs.X_test, blobs.nTest);
      let correct = 0;
      for (let r = 0; r < blobs.nTest; r++) {
        const row = Array.from(out.subarray(3 * r, 3 * r + 3));
        if (row.indexOf(Math.max(...row)) === blobs.y_test[r]) correct++;
      }
      assert.equal(correct / blobs.nTest, res.history.test_accuracy[res.epochsRun - 1], names[j]);
    });
  });

  it("stops a config at its own epochs, the others go on", () => {
    const run = new Lockstep(blobs, [{ ...base, loss: "mse", epochs: 2 }, { ...base, loss: "gce", epochs: 4 }]);
    assert.equal(run.epoch(), 2);
    assert.equal(run.epoch(), 1);
    assert.equal(run.epoch(), 1);
    assert.equal(run.epoch(), 0);
    assert.deepEqual(run.results().map((r) => r.epochsRun), [2, 4]);
  });

  it("refuses bad configs and data with a message naming the field", () => {
    assert.throws(() => trainConfig({ lr: 0 }), /lr must be a finite number > 0/);
    assert.throws(() => trainConfig({ activation: "gelu" }), /activation must be one of/);
    assert.throws(() => trainConfig({ optimizer: "rmsprop" }), /optimizer must be one of sgd,momentum,adam/);
    assert.throws(() => trainConfig({ epochs: 1.5 }), /epochs must be an integer/);
    assert.throws(() => trainConfig({ batch_size: 0 }), /batch_size must be null/);
    assert.throws(() => trainConfig({ seed: -1 }), /seed must be an integer/);
    assert.throws(() => trainConfig({ hidden: [0] }), /hidden must be/);
    assert.throws(() => trainConfig({ dtype: "float32" }), /dtype must be "float64"/);
    assert.throws(() => trainConfig({ batchSize: 8 }), /unknown config field\(s\) batchSize/);
    assert.equal(trainConfig({ dtype: "float64", snapshot_epochs: [0, 5] }).epochs, 300);
    assert.throws(() => new Lockstep(blobs, [{ ...base, loss: "mse" }, { ...base, loss: "mse", seed: 9 }]), /must share/);
    assert.throws(() => new Lockstep(blobs, [{ ...base, loss: "huber" }]), /unknown classification loss huber/);
    assert.throws(() => new Lockstep(blobs, [{ ...base, loss: "hinge", loss_params: { margin: -1 } }]), /margin must be in/);
    const bad = { ...fx.datasets.blobs3, y_train: fx.datasets.blobs3.y_train.map((y) => y + 1) };
    assert.throws(() => dataset(bad), /y_train must be integers in 0..2, got 3/);
    assert.throws(() => dataset({ ...fx.datasets.blobs3, y_test: [0.5] }), /y_test must be integers in 0..2, got 0.5/);
    assert.throws(() => dataset({ ...fx.datasets.blobs3, X_test: [[0, NaN]] }), /X_test must be finite numbers/);
    assert.throws(() => dataset({ ...fx.datasets.blobs3, n_classes: 1 }), /n_classes must be an integer >= 2/);
    assert.throws(() => dataset({ ...fx.datasets.blobs3, y_test: [0, 1] }), /one label or target row per row/);
    const negative = { ...fx.datasets.linear1d, y_train: fx.datasets.linear1d.y_train.map((y) => -y) };
    assert.throws(() => new Lockstep(dataset(negative), [{ ...base, loss: "msle" }]), /msle: y_true must be >= 0/);
  });
});
