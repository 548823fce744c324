// Whole float64 runs of the default views against core's (tests/fixtures/engine/runs.json):
// Decision boundaries' spirals with every classification loss under Adam, momentum and SGD,
// other seeds, mini-batches, SGD past the edge of stability, and Outlier robustness's
// regression run. What must agree, and how closely, is each group's `expect` (written, with
// the measurements behind it, in scripts/make_engine_fixtures.py).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { initParams } from "../../ui/player/engine/models.js";
import { dataset, fitMany } from "../../ui/player/engine/train.js";
import { loadFixture, maxRelativeError } from "./fixtures.mjs";

const fx = loadFixture("runs.json");
const data = Object.fromEntries(Object.entries(fx.datasets).map(([k, v]) => [k, dataset(v)]));

/** The engine's history against core's for epochs [from, to), as `expect` asks. */
function checkHistory(mine, core, expect, from, to, what) {
  const metric = "train_accuracy" in core ? "accuracy" : "rmse";
  const part = (a) => Array.from(a).slice(from, to);
  for (const key of [`train_${metric}`, `test_${metric}`]) {
    if (expect.score === "equal") assert.deepEqual(part(mine[key]), part(core[key]), `${what} ${key}`);
    else {
      const { rel, at } = maxRelativeError(part(mine[key]), part(core[key]));
      assert.ok(rel <= expect.score_rel, `${what} ${key}: ${rel} at epoch ${from + at + 1}`);
    }
  }
  for (const [key, tol] of [["train_loss", expect.loss_rel], ["test_loss", expect.loss_rel], ["grad_norm", expect.grad_norm_rel]]) {
    const { rel, at } = maxRelativeError(part(mine[key]), part(core[key]));
    assert.ok(rel <= tol, `${what} ${key}: ${rel} at epoch ${from + at + 1}`);
  }
}

describe("whole runs", () => {
  it("the default view starts from core's initial weights (seed 0)", () => {
    assert.deepEqual(Array.from(initParams([2, 32, 32, 2], "tanh", 0)), fx.initial_theta.spirals_seed0);
  });

  for (const group of fx.runs) {
    const t = group.training;
    const title = `${group.dataset}${group.unstable ? " (past the edge of stability)" : ""}: ${t.optimizer} ${t.lr}, seed ${t.seed}, batch ${t.batch_size ?? "full"}, ${t.epochs} epochs`;
    it(title, () => {
      const results = fitMany(data[group.dataset], group.runs.map((r) => ({ ...t, loss: r.loss, loss_params: r.loss_params })));
      const expect = group.expect;
      results.forEach((res, j) => {
        const core = group.runs[j];
        assert.equal(res.diverged, core.diverged, core.loss);
        assert.equal(res.epochsRun, core.epochs_run, core.loss);
        const until = expect.until ?? core.epochs_run;
        checkHistory(res.history, core.history, expect, 0, until, core.loss);
        if (until < core.epochs_run) {
          for (const key of ["train_accuracy", "test_accuracy"]) {
            const gap = Math.max(...core.history[key].slice(until).map((v, e) => Math.abs(v - res.history[key][until + e])));
            assert.ok(gap <= expect.after_score_abs, `${core.loss} ${key}: ${gap} apart after epoch ${until}`);
          }
        }
      });
    });
  }
});
