// How closely the browser engine (ui/player/engine) agrees with core, measured on the fixtures
// core writes (tests/fixtures/engine, scripts/make_engine_fixtures.py); prints markdown tables.
// The tests assert bounds; this prints the measured numbers behind them.
//
//   node benchmarks/engine_parity.mjs
//
// Table 1, per loss x optimiser over every one-epoch setting (full batch and mini-batches of 16,
// linear and MLP tanh/relu, L2 0 and 0.01): the largest error of the weights after one epoch,
// |a - b| / max(|b|, 1), and the largest relative error of the 3-epoch histories.
// Table 2, per loss x optimiser on the whole default-view runs (spirals, MLP 32x32 tanh, 150
// epochs, full batch): on how many epochs the train/test accuracy differ, and the largest
// relative difference of the training loss and of the gradient norm; then the other whole runs.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ENGINE = join(HERE, "..", "ui", "player", "engine");
const { dataset, fitMany, Lockstep } = await import(join(ENGINE, "train.js"));
const { evaluateLoss, getLoss, resolveHyperparameters } = await import(join(ENGINE, "losses.js"));

const NON_FINITE = { inf: Infinity, "-inf": -Infinity, nan: NaN };
const load = (name) =>
  JSON.parse(readFileSync(join(HERE, "..", "tests", "fixtures", "engine", name), "utf-8"), (k, v) =>
    typeof v === "string" && v in NON_FINITE ? NON_FINITE[v] : v,
  );
const flat = (x) => Float64Array.from(Array.isArray(x[0]) ? x.flat() : x);

function relError(a, b) {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    worst = Math.max(worst, b[i] === 0 ? Infinity : Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  }
  return worst;
}
function scaledError(a, b) {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return worst;
}
const e = (x) => (x === 0 ? "0" : x.toExponential(1));
const OPTIMIZERS = ["sgd", "momentum", "adam"];

// ---------------------------------------------------------------------------------- losses
const lossFx = load("losses.json");
const lossWorst = new Map();
for (const c of lossFx.cases) {
  const g = lossFx.grids[c.task][c.grid];
  const loss = getLoss(c.loss, c.task);
  const cls = c.task === "classification";
  const y = cls ? Int32Array.from(g.y) : flat(g.y);
  const Z = flat(cls ? g.z : g.pred);
  const n = g.y.length, K = Z.length / n;
  const values = new Float64Array(n), grad = new Float64Array(n * K);
  evaluateLoss(loss, resolveHyperparameters(loss, c.hyper), y, Z, n, K, values, grad);
  const key = `${c.task} ${c.loss}`;
  const w = lossWorst.get(key) ?? [0, 0];
  lossWorst.set(key, [Math.max(w[0], relError(values, c.values)), Math.max(w[1], relError(grad, flat(c.grad)))]);
}
console.log("Losses: largest relative error over every grid and hyperparameter setting\n");
console.log("| loss | values | gradients |\n|---|---:|---:|");
for (const [key, [v, g]] of lossWorst) console.log(`| ${key} | ${e(v)} | ${e(g)} |`);

// ---------------------------------------------------------------------------------- one epoch
const trainFx = load("training.json");
const data = Object.fromEntries(Object.entries(trainFx.datasets).map(([k, v]) => [k, dataset(v)]));
const oneEpoch = new Map(); // "task loss" -> optimiser -> [theta, history]
for (const c of trainFx.cases) {
  const cfgs = c.runs.map((r) => ({ ...c.training, loss: r.loss, loss_params: r.loss_params }));
  const run = new Lockstep(data[c.dataset], cfgs, { theta0: Float64Array.from(c.initial_theta) });
  run.epoch();
  const after = run.models.map((m) => Float64Array.from(m.theta));
  while (run.epoch() > 0);
  run.results().forEach((res, j) => {
    const r = c.runs[j];
    const key = `${data[c.dataset].task} ${r.loss}`;
    if (!oneEpoch.has(key)) oneEpoch.set(key, {});
    const w = oneEpoch.get(key)[c.training.optimizer] ?? [0, 0];
    const theta = r.theta_epoch1 ? scaledError(after[j], r.theta_epoch1) : 0;
    const hist = Math.max(...Object.keys(r.history).map((k) => relError(res.history[k], r.history[k])));
    oneEpoch.get(key)[c.training.optimizer] = [Math.max(w[0], theta), Math.max(w[1], hist)];
  });
}
console.log("\nOne epoch (weights, scaled error) and three epochs (history, relative error), worst over settings\n");
console.log(`| loss | ${OPTIMIZERS.map((o) => `${o}: weights / history`).join(" | ")} |`);
console.log(`|---|${OPTIMIZERS.map(() => "---:").join("|")}|`);
for (const [key, byOpt] of oneEpoch) {
  console.log(`| ${key} | ${OPTIMIZERS.map((o) => `${e(byOpt[o][0])} / ${e(byOpt[o][1])}`).join(" | ")} |`);
}

// ---------------------------------------------------------------------------------- whole runs
const runsFx = load("runs.json");
const runData = Object.fromEntries(Object.entries(runsFx.datasets).map(([k, v]) => [k, dataset(v)]));
const rows = [];
for (const group of runsFx.runs) {
  const t = group.training;
  const res = fitMany(runData[group.dataset], group.runs.map((r) => ({ ...t, loss: r.loss, loss_params: r.loss_params })));
  res.forEach((x, j) => {
    const r = group.runs[j];
    const metric = "train_accuracy" in r.history ? "accuracy" : "rmse";
    const differ = (k) => r.history[k].filter((v, i) => v !== x.history[k][i]).length;
    const gap = (k) => Math.max(...r.history[k].map((v, i) => Math.abs(v - x.history[k][i])));
    rows.push({
      group: `${group.dataset}${group.unstable ? " (unstable)" : ""}, ${t.optimizer} ${t.lr}, seed ${t.seed}, batch ${t.batch_size ?? "full"}, ${t.epochs} epochs`,
      loss: r.loss,
      text: metric === "accuracy"
        ? `${differ("train_accuracy")} / ${differ("test_accuracy")} (max ${gap("train_accuracy").toFixed(4)})`
        : `RMSE max ${e(Math.max(gap("train_rmse"), gap("test_rmse")))}`,
      loss_rel: relError(x.history.train_loss, r.history.train_loss),
      grad_rel: relError(x.history.grad_norm, r.history.grad_norm),
      same: x.diverged === r.diverged && x.epochsRun === r.epochs_run,
    });
  });
}
console.log("\nWhole runs: epochs whose train / test accuracy differ from core's, largest relative difference of the training loss and gradient norm\n");
console.log("| run | loss | accuracy epochs differing | train loss | grad norm | same length |\n|---|---|---|---:|---:|---|");
for (const r of rows) console.log(`| ${r.group} | ${r.loss} | ${r.text} | ${e(r.loss_rel)} | ${e(r.grad_rel)} | ${r.same ? "yes" : "NO"} |`);
