// The port of NumPy's default_rng against NumPy's own outputs (tests/fixtures/engine/rng.json):
// bit for bit, from the seed's hash to the initial weights and every epoch's batch order.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { initParams } from "../../ui/player/engine/models.js";
import { powInt } from "../../ui/player/engine/numerics.js";
import { defaultRng, PCG64, SeedSequence, uint32Words } from "../../ui/player/engine/rng.js";
import { loadFixture } from "./fixtures.mjs";

const fx = loadFixture("rng.json");

describe("SeedSequence and PCG64", () => {
  for (const s of fx.seeds) {
    it(`entropy ${JSON.stringify(s.entropy)}: pool, seeding words, state, raw draws, uniform`, () => {
      const ss = new SeedSequence(s.entropy);
      assert.deepEqual(ss.pool, s.pool);
      assert.deepEqual(ss.generateState(8), s.words);
      const bits = new PCG64(ss);
      assert.equal(bits.state.toString(), s.state);
      assert.equal(bits.inc.toString(), s.inc);
      assert.deepEqual(Array.from({ length: s.raw.length }, () => bits.next64().toString()), s.raw);
      assert.deepEqual(Array.from(defaultRng(s.entropy).uniform(-0.75, 2.5, s.uniform.length)), s.uniform);
    });
  }

  it("refuses seeds that are not non-negative integers", () => {
    assert.throws(() => uint32Words(-1), /non-negative integer/);
    assert.throws(() => uint32Words(0.5), /non-negative integer/);
    assert.deepEqual(uint32Words([2 ** 32 + 3, 0]), [3, 1, 0]);
  });
});

describe("what core draws", () => {
  for (const c of fx.init_params) {
    it(`init_params(${JSON.stringify(c.sizes)}, ${c.activation}, seed ${c.seed})`, () => {
      assert.deepEqual(Array.from(initParams(c.sizes, c.activation, c.seed)), c.theta);
    });
  }

  for (const p of fx.permutations) {
    it(`default_rng([${p.seed}, 1]).permutation(${p.n}), ${p.epochs.length} epochs in a row`, () => {
      const rng = defaultRng([p.seed, 1]);
      const order = new Int32Array(p.n);
      for (const expected of p.epochs) assert.deepEqual(Array.from(rng.permutation(p.n, order)), expected);
    });
  }

  it("Adam's bias corrections 1 - beta^t as Python rounds them", () => {
    const { t, ...byBeta } = fx.bias_correction;
    for (const [beta, expected] of Object.entries(byBeta)) {
      const mine = t.map((step) => 1 - powInt(Number(beta), step));
      const wrong = mine.filter((v, i) => v !== expected[i]).length;
      assert.equal(wrong, 0, `beta ${beta}: ${wrong} of ${t.length} steps differ`);
    }
  });
});
