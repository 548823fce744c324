// The engine's losses against core's (tests/fixtures/engine/losses.json): the registry, every
// loss's values and gradients on grids of logits and residuals, and the seam for custom losses.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  evaluateLoss,
  getLoss,
  lossNames,
  marginLoss,
  registerLoss,
  residualLoss,
  resolveHyperparameters,
  targetProbabilityLoss,
} from "../../ui/player/engine/losses.js";
import { argmaxRow, pairwiseSum } from "../../ui/player/engine/numerics.js";
import { flat, loadFixture, maxRelativeError } from "./fixtures.mjs";

const fx = loadFixture("losses.json");

/** The grid a case names, as the engine's batch arguments. */
function batch(task, gridName) {
  const g = fx.grids[task][gridName];
  if (task === "classification") {
    return { y: Int32Array.from(g.y), Z: flat(g.z), n: g.y.length, K: g.z[0].length };
  }
  const K = Array.isArray(g.y[0]) ? g.y[0].length : 1;
  return { y: flat(g.y), Z: flat(g.pred), n: g.y.length, K };
}

function evaluate(loss, hyper, { y, Z, n, K }) {
  const values = new Float64Array(n), grad = new Float64Array(n * K);
  evaluateLoss(loss, hyper, y, Z, n, K, values, grad);
  return { values, grad };
}

describe("registry", () => {
  for (const task of ["classification", "regression"]) {
    it(`${task}: core's losses in core's order, with the same hyperparameters`, () => {
      const unsupported = fx.unsupported[task] ?? [];
      const core = fx.registry[task].filter((l) => !unsupported.includes(l.name));
      assert.deepEqual(lossNames(task), core.map((l) => l.name));
      for (const l of core) {
        const mine = getLoss(l.name, task).hyperparameters.map((h) => ({
          name: h.name,
          default: h.default,
          low: h.low,
          high: h.high,
          low_open: h.lowOpen,
          high_open: h.highOpen,
        }));
        assert.deepEqual(mine, l.hyperparameters, l.name);
      }
    });
  }

  it("leaves out only core's non-elementwise regression loss", () => {
    assert.deepEqual(
      fx.registry.regression.filter((l) => !l.elementwise).map((l) => l.name),
      fx.unsupported.regression,
    );
  });

  it("names the loss, the hyperparameter and the interval when a value is out of range", () => {
    const hinge = getLoss("hinge", "classification");
    assert.throws(() => resolveHyperparameters(hinge, { margin: 0 }), /hinge: margin must be in \(0, inf\), got 0/);
    assert.throws(() => resolveHyperparameters(hinge, { gamma: 1 }), /hinge: unknown hyperparameter\(s\) gamma; allowed: margin/);
    assert.throws(() => resolveHyperparameters(getLoss("gce", "classification"), { q: 1.5 }), /q must be in \(0, 1\]/);
    assert.deepEqual(resolveHyperparameters(getLoss("barron", "regression"), { alpha: -Infinity }), { alpha: -Infinity, scale: 1 });
    assert.throws(() => getLoss("cosine", "regression"), /unknown regression loss cosine/);
  });
});

describe("values and gradients equal core's", () => {
  const tol = fx.expect.rel;
  for (const c of fx.cases) {
    const label = `${c.task} ${c.loss} ${JSON.stringify(c.hyper)} on ${c.grid}`;
    it(`${label} to ${tol} relative`, () => {
      const loss = getLoss(c.loss, c.task);
      const { values, grad } = evaluate(loss, resolveHyperparameters(loss, c.hyper), batch(c.task, c.grid));
      const v = maxRelativeError(values, c.values);
      const g = maxRelativeError(grad, flat(c.grad));
      assert.ok(v.rel <= tol, `values: ${v.rel} at row ${v.at}: ${values[v.at]} vs ${c.values[v.at]}`);
      assert.ok(g.rel <= tol, `gradient: ${g.rel} at entry ${g.at}: ${grad[g.at]} vs ${flat(c.grad)[g.at]}`);
    });
  }

  it("covers every supported loss at its defaults and at a non-default value of each hyperparameter", () => {
    for (const task of ["classification", "regression"]) {
      for (const name of lossNames(task)) {
        const cases = fx.cases.filter((c) => c.task === task && c.loss === name);
        assert.ok(cases.length > 0, name);
        for (const h of getLoss(name, task).hyperparameters) {
          assert.ok(cases.some((c) => c.hyper[h.name] !== h.default), `${name}: ${h.name}`);
        }
      }
    }
  });
});

describe("numerics", () => {
  it("pairwiseSum is np.sum, bit for bit, across its block sizes", () => {
    for (const { a, sum } of fx.sums) assert.equal(pairwiseSum(Float64Array.from(a), 0, a.length), sum, `n = ${a.length}`);
  });

  it("argmaxRow takes the first maximum, and the first NaN if any (np.argmax)", () => {
    assert.equal(argmaxRow(Float64Array.of(1, 3, 3, 2), 0, 4), 1);
    assert.equal(argmaxRow(Float64Array.of(1, NaN, 3, NaN), 0, 4), 1);
    assert.equal(argmaxRow(Float64Array.of(-Infinity, -Infinity), 0, 2), 0);
    assert.equal(argmaxRow(Float64Array.of(9, 0, 5, 7), 1, 3), 2); // the row at offset 1
  });
});

describe("a loss from a formula (the seam)", () => {
  const K3 = batch("classification", "K3");

  it("marginLoss of max(0, 1 - m) is the hinge, bit for bit", () => {
    const custom = marginLoss("custom_hinge_m", {
      value: (m) => Math.max(1 - m, 0),
      derivative: (m) => (1 - m > 0 ? -1 : 0),
    });
    const mine = evaluate(custom, {}, K3);
    const core = evaluate(getLoss("hinge", "classification"), { margin: 1 }, K3);
    assert.deepEqual(mine.values, core.values);
    assert.deepEqual(Array.from(mine.grad, (x) => x + 0), Array.from(core.grad, (x) => x + 0));
  });

  it("targetProbabilityLoss of -log p_t is cross-entropy (values exact, gradients to 1e-15)", () => {
    const custom = targetProbabilityLoss("custom_ce", { value: (p, logP) => -logP, derivative: (p) => -1 / p });
    const mine = evaluate(custom, {}, K3);
    const core = evaluate(getLoss("cross_entropy", "classification"), { label_smoothing: 0 }, K3);
    assert.deepEqual(mine.values, core.values);
    assert.ok(maxRelativeError(mine.grad, core.grad).rel <= 1e-15);
  });

  it("residualLoss of e^2 is the squared error, bit for bit", () => {
    const custom = residualLoss("custom_mse", { value: (e) => e * e, derivative: (e) => 2 * e });
    const grid = batch("regression", "all");
    assert.deepEqual(evaluate(custom, {}, grid), evaluate(getLoss("mse", "regression"), {}, grid));
  });

  it("registers a custom loss by name, and never over one of core's", () => {
    const custom = registerLoss(residualLoss("seam_quartic", { value: (e) => e ** 4, derivative: (e) => 4 * e ** 3 }));
    assert.equal(getLoss("seam_quartic", "regression"), custom);
    assert.throws(() => registerLoss(residualLoss("mse", { value: (e) => e, derivative: () => 1 })), /already registered/);
    assert.throws(() => registerLoss({ name: "no_fn", task: "regression" }), /no_fn: a regression loss needs a function "element"/);
  });
});
