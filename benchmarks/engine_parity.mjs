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

// ---------------------------------------------------------------------------------- live views
// Table 4: what the live player draws (live.json): surface values and strengths, per-point
// gradient magnitudes of every classification loss, and two small views trained on edited
// data (accuracies, panel surfaces, gradient magnitudes), and the regression's fits.
{
  const { decisionSurface, gradientMagnitude } = await import(join(ENGINE, "boundaries.js"));
  const { decodeEdits } = await import(join(ENGINE, "edits.js"));
  const { LiveRun } = await import(join(ENGINE, "live.js"));
  const fx = load("live.json");
  let values = 0, strengths = 0;
  for (const c of fx.surfaces) {
    const K = c.z[0].length, n = c.z.length;
    const s = decisionSurface(flat(c.z), n, K, c.kind, c.margin);
    values = Math.max(values, relError(s.values, flat(c.values)));
    strengths = Math.max(strengths, relError(s.strength, c.strength));
  }
  let grads = 0;
  const g = fx.gradients;
  for (const c of g.cases) {
    const loss = getLoss(c.loss, "classification");
    const out = gradientMagnitude(loss, resolveHyperparameters(loss, c.loss_params), Int32Array.from(g.y), flat(g.z), g.y.length, 3, new Float64Array(g.y.length));
    grads = Math.max(grads, relError(out, c.magnitude));
  }
  console.log("\n| live: what the player draws | largest difference from core |\n|---|---:|");
  console.log(`| surface values (relative) | ${e(values)} |`);
  console.log(`| surface strengths (relative) | ${e(strengths)} |`);
  console.log(`| gradient magnitudes, every classification loss (relative) | ${e(grads)} |`);
  for (const view of fx.views) {
    const run = new LiveRun({ task: "classification", data: view.data, configs: view.configs.map((c) => ({ ...view.training, ...c })), grid: view.grid });
    run.setEdits(decodeEdits(view.edits));
    while (run.step());
    let accOff = 0, bytesOff = 0, gradOff = 0;
    view.histories.forEach((h, j) => {
      h.test_accuracy.forEach((v, e) => (accOff += run.scores.test[j][e + 1] !== v));
      h.train_accuracy.forEach((v, e) => (accOff += run.scores.train[j][e + 1] !== v));
    });
    for (const ep of new Set(view.panels.map((p) => p.epoch))) {
      const f = run.frame(ep);
      view.panels.filter((p) => p.epoch === ep).forEach((p, j) => {
        const v = flat(p.values);
        f.values[j].forEach((b, i) => (bytesOff = Math.max(bytesOff, Math.abs(b - Math.round(255 * v[i])))));
        gradOff = Math.max(gradOff, scaledError(f.gradients[j], p.gradient));
      });
    }
    const names = view.configs.map((c) => c.loss).join(", ");
    console.log(`| view (${names}; edits ${view.edits}): accuracies differing / surface bytes off / gradient magnitudes (scaled) | ${accOff} / ${bytesOff} / ${e(gradOff)} |`);
  }
  const r = fx.regression;
  const run = new LiveRun({ task: "regression", data: r.data, configs: r.configs.map((c) => ({ ...r.training, ...c })), grid: r.grid });
  run.setEdits(decodeEdits(r.edits));
  while (run.step());
  let rm = 0, fits = 0;
  r.histories.forEach((h, j) => (rm = Math.max(rm, relError(run.scores.test[j].subarray(1), h.test_rmse))));
  const f = run.frame(run.end);
  r.fits.forEach((fit, j) => (fits = Math.max(fits, relError(f.curves[j], fit))));
  console.log(`| regression with edits ${r.edits}: test RMSE / fits (relative) | ${e(rm)} / ${e(fits)} |`);
}
