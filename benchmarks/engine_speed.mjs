// The browser engine's side of benchmarks/engine_speed.py (run that; it drives this file).
//
// Trains Decision boundaries' default view — spirals (420 training / 180 test points, the data
// of tests/fixtures/engine/runs.json), MLP 2-32-32-2 tanh, Adam 0.01, full batch, the four
// default losses in lockstep — with ui/player/engine, in Node, and answers one JSON line per
// command read from stdin:
//
//   {"job": "train", "epochs": 150}          -> {"wall": s, "cpu": s}   a whole run, 4 losses
//   {"job": "restart"}                       -> {"wall": s, "cpu": s}   initial weights, their
//                                                                          evaluation and the first
//                                                                          epoch (an edit, JIT warm)
//   {"job": "grid", "cols": 160, "rows": 90} -> {"wall": s, "cpu": s}   4 decision surfaces
//                                                                          (forward on a grid)
//   {"job": "quit"}
//
// With --first it instead times, in this fresh process, the import of the engine, the initial
// weights and the first epoch (what a page waits for, once its data has arrived, before its
// first live frame; JIT cold) and exits.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(HERE, "..", "tests", "fixtures", "engine", "runs.json"), "utf-8"));

// --first times from here: what a page does once its data has arrived
const startWall = performance.now();
const startCpu = process.cpuUsage();
const ENGINE = join(HERE, "..", "ui", "player", "engine");
const { dataset, Lockstep } = await import(join(ENGINE, "train.js"));
const { forward, workspace } = await import(join(ENGINE, "models.js"));

const LOSSES = ["cross_entropy", "mse", "mae", "hinge"];
const MODEL = { hidden: [32, 32], activation: "tanh", optimizer: "adam", lr: 0.01, batch_size: null, seed: 0 };

const data = dataset(fixture.datasets.spirals);
const configs = (epochs) => LOSSES.map((loss) => ({ ...MODEL, loss, epochs }));

function timed(job) {
  const w = performance.now();
  const c = process.cpuUsage();
  job();
  const dc = process.cpuUsage(c);
  return { wall: (performance.now() - w) / 1000, cpu: (dc.user + dc.system) / 1e6 };
}

function train(epochs) {
  const run = new Lockstep(data, configs(epochs));
  while (run.epoch() > 0);
}

/** Every loss's raw outputs on a cols x rows grid over the data's box (drawing excluded). */
function makeGrid(cols, rows) {
  const run = new Lockstep(data, configs(1));
  const points = new Float64Array(cols * rows * 2);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      points[2 * (r * cols + c)] = -2 + (4 * c) / (cols - 1);
      points[2 * (r * cols + c) + 1] = -2 + (4 * r) / (rows - 1);
    }
  }
  const ws = workspace(run.layout, cols * rows);
  return () => {
    for (const m of run.models) forward(run.layout, m.theta, points, cols * rows, run.activation, ws);
  };
}

if (process.argv.includes("--first")) {
  const run = new Lockstep(data, configs(150));
  run.epoch();
  const dc = process.cpuUsage(startCpu);
  console.log(JSON.stringify({ wall: (performance.now() - startWall) / 1000, cpu: (dc.user + dc.system) / 1e6 }));
  process.exit(0);
}

train(20); // warm the JIT up, as a page does while its first frames play
const grids = new Map();
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line);
  if (cmd.job === "quit") break;
  if (cmd.job === "train") console.log(JSON.stringify(timed(() => train(cmd.epochs))));
  else if (cmd.job === "restart") console.log(JSON.stringify(timed(() => new Lockstep(data, configs(150)).epoch())));
  else if (cmd.job === "grid") {
    const key = `${cmd.cols}x${cmd.rows}`;
    if (!grids.has(key)) {
      grids.set(key, makeGrid(cmd.cols, cmd.rows));
      grids.get(key)(); // allocate and compile outside the timing
    }
    const job = grids.get(key);
    console.log(JSON.stringify(timed(job)));
  } else console.log(JSON.stringify({ error: `unknown job ${cmd.job}` }));
}
