// The engine's modules keep the shape the player relies on to ship them: one module per idea
// naming its core counterpart, imports only of sibling modules' named exports, no top-level
// name declared in two modules (so they can be inlined into one script in dependency order), no
// DOM, no network, no dependencies.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ENGINE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "ui", "player", "engine");
const MODULES = readdirSync(ENGINE).filter((f) => f.endsWith(".js")).sort();
const source = (f) => readFileSync(join(ENGINE, f), "utf-8");
const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*"\.\/([a-z]+\.js)";/gm;

/** Names declared at the top level of a module (column 0 declarations). */
function topLevelNames(text) {
  const names = [];
  for (const m of text.matchAll(/^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/gm)) {
    names.push(m[1]);
  }
  return names;
}

describe("engine modules", () => {
  it("are the modules of the design, each naming its core counterpart in its header", () => {
    assert.deepEqual(MODULES, [
      "boundaries.js",
      "edits.js",
      "formula.js",
      "live.js",
      "losses.js",
      "models.js",
      "numerics.js",
      "optim.js",
      "rng.js",
      "train.js",
    ]);
    const counterpart = {
      "boundaries.js": "core/boundaries.py",
      "edits.js": "core/edits.py",
      "formula.js": "core/formula",
      "live.js": "core/snapshots.py",
      "losses.js": "core/losses",
      "models.js": "core/models.py",
      "numerics.js": "core/_numerics.py",
      "optim.js": "core/optim.py",
      "rng.js": "numpy.random",
      "train.js": "core/train.py",
    };
    for (const f of MODULES) {
      const header = source(f).split("\n\n")[0];
      assert.match(header, /^\/\/ Loss Lab engine — /, f);
      assert.ok(header.includes(counterpart[f]), `${f} names ${counterpart[f]}`);
    }
  });

  it("import only named exports of sibling modules, which export them", async () => {
    for (const f of MODULES) {
      const text = source(f);
      const statements = text.match(/^import\b.*$/gm) ?? [];
      const parsed = [...text.matchAll(IMPORT)];
      assert.equal(parsed.length, statements.length, `${f}: every import is import { ... } from "./x.js"`);
      for (const [, names, from] of parsed) {
        assert.ok(MODULES.includes(from), `${f} imports ${from}`);
        const exported = await import(join(ENGINE, from));
        for (const name of names.split(",").map((s) => s.trim()).filter(Boolean)) {
          assert.ok(name in exported, `${f}: ${from} exports ${name}`);
        }
      }
      assert.doesNotMatch(text, /export\s+default|require\(|\bimport\(/, f);
    }
  });

  it("declare every top-level name once across all modules", () => {
    const seen = new Map();
    for (const f of MODULES) {
      for (const name of topLevelNames(source(f))) {
        assert.ok(!seen.has(name), `${name} is declared in ${seen.get(name)} and ${f}`);
        seen.set(name, f);
      }
    }
    assert.ok(seen.size > 50);
  });

  it("touch no DOM and no network", () => {
    for (const f of MODULES) assert.doesNotMatch(source(f), /\b(document|window|fetch|XMLHttpRequest|innerHTML)\b/, f);
  });
});
