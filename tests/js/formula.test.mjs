// The engine's formula losses against core's (tests/fixtures/engine/formula.json, written by
// scripts/make_formula_fixtures.py): every operation of the table, the three variables, values
// and gradients on the loss grids at several parameter values, three epochs of training beside
// the built-ins, and the JSON forms it must refuse.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compileTree, formulaLoss, formulaOps, registerFormula } from "../../ui/player/engine/formula.js";
import { evaluateLoss, getLoss, lossNames, resolveHyperparameters } from "../../ui/player/engine/losses.js";
import { dataset, Lockstep } from "../../ui/player/engine/train.js";
import { flat, loadFixture, maxRelativeError, maxScaledError } from "./fixtures.mjs";

const fx = loadFixture("formula.json");
const { rel: tol, theta_scaled: thetaTol, history_rel: historyTol } = fx.expect;

function batch(task, gridName) {
  const g = fx.grids[task][gridName];
  if (task === "classification") {
    return { y: Int32Array.from(g.y), Z: flat(g.z), n: g.y.length, K: g.z[0].length };
  }
  return { y: flat(g.y), Z: flat(g.pred), n: g.y.length, K: 1 };
}

describe("the op table", () => {
  it("is core's (core/formula/tree.py OPS), and the fixture's formulas use every operation", () => {
    assert.deepEqual([...formulaOps()].sort(), fx.ops);
    assert.deepEqual(fx.ops_covered, fx.ops);
  });

  it("compares all but the cancelling formulas relatively", () => {
    assert.deepEqual(fx.cases.filter((c) => c.floor > 0).map((c) => c.key), ["1 - tanh(m)"]);
  });

  it("compiles a tree to a function of its variables and parameters, never of text", () => {
    const f = compileTree(
      { op: "max", args: [{ num: 0 }, { op: "sub", args: [{ param: "delta" }, { var: "m" }] }, { num: -1 }] },
      ["m"],
      ["delta"],
    );
    assert.equal(f({ m: 0.25 }, { delta: 1 }), 0.75);
    assert.equal(f({ m: 3 }, { delta: 1 }), 0);
  });
});

describe("values and gradients, as core computes them", () => {
  for (const c of fx.cases) {
    it(c.key, () => {
      const loss = formulaLoss(c.json);
      assert.equal(loss.name, `formula:${c.key}`);
      assert.equal(loss.title, "Your loss");
      assert.deepEqual(loss.hyperparameters.map((h) => [h.name, h.default, h.low, h.high]), c.json.params.map((p) => [p.name, p.default, p.low, p.high]));
      for (const e of c.evaluations) {
        const b = batch(c.json.task, e.grid);
        const values = new Float64Array(b.n);
        const grad = new Float64Array(b.n * b.K);
        evaluateLoss(loss, resolveHyperparameters(loss, e.params), b.y, b.Z, b.n, b.K, values, grad);
        // relative, or (a formula that cancels) relative to max(|core's|, floor)
        const off = (a, b) => (c.floor > 0 ? maxScaledError(a, b, c.floor) : maxRelativeError(a, b).rel);
        const v = off(values, e.values);
        assert.ok(v <= tol, `${JSON.stringify(e.params)} ${e.grid}: values off by ${v}`);
        const g = off(grad, flat(e.grad));
        assert.ok(g <= tol, `${JSON.stringify(e.params)} ${e.grid}: gradient off by ${g}`);
      }
    });
  }
});

describe("training beside the built-ins", () => {
  for (const [i, c] of fx.training.entries()) {
    it(`${c.dataset}: ${c.runs.map((r) => r.loss).join(", ")}`, () => {
      for (const json of c.formulas) registerFormula(json);
      const data = dataset(fx.datasets[c.dataset]);
      const cfgs = c.runs.map((r) => ({ ...c.training, loss: r.loss, loss_params: r.loss_params }));
      const run = new Lockstep(data, cfgs, { theta0: Float64Array.from(c.initial_theta) });
      run.epoch();
      const afterOne = run.models.map((m) => Float64Array.from(m.theta));
      while (run.epoch() > 0);
      run.results().forEach((res, j) => {
        const core = c.runs[j];
        assert.equal(res.diverged, core.diverged, core.loss);
        const err = maxScaledError(afterOne[j], core.theta_epoch1);
        assert.ok(err <= thetaTol, `${core.loss}: weights after epoch 1 off by ${err} (group ${i})`);
        for (const [key, expected] of Object.entries(core.history)) {
          const { rel, at } = maxRelativeError(res.history[key], expected);
          assert.ok(rel <= historyTol, `${core.loss} ${key}: ${rel} at epoch ${at + 1}`);
        }
      });
    });
  }

  it("a formula written as a built-in trains to the built-in's weights", () => {
    const c = fx.training[0];
    const hinge = c.runs.find((r) => r.loss === "hinge");
    const byHand = c.runs.find((r) => r.loss === "formula:max(0, 1 - m)");
    assert.deepEqual(byHand.theta_epoch1, hinge.theta_epoch1);
  });
});

describe("registration", () => {
  it("adds the formula under core's name once, and never over a built-in", () => {
    const json = fx.cases.find((c) => c.key === "1 - tanh(m)").json;
    const a = registerFormula(json);
    const b = registerFormula(json);
    assert.equal(a, b);
    assert.equal(getLoss("formula:1 - tanh(m)", "classification"), a);
    assert.ok(lossNames("classification").includes("cross_entropy"));
    assert.equal(lossNames("classification").filter((n) => n === "formula:1 - tanh(m)").length, 1);
  });
});

describe("JSON forms it refuses", () => {
  for (const r of fx.refused) {
    it(r.why, () => {
      assert.throws(() => formulaLoss(r.json), (err) => err instanceof Error && err.message.includes(r.error));
    });
  }

  it("refuses names from the object prototype", () => {
    const base = fx.cases.find((c) => c.key === "1 - tanh(m)").json;
    for (const value of [{ op: "constructor", args: [{ var: "m" }] }, { var: "__proto__" }, { param: "toString" }]) {
      assert.throws(() => formulaLoss({ ...base, value }));
    }
  });
});
