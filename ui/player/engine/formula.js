// Loss Lab engine — formula: a loss a student wrote, mirroring core/formula (evaluate.py's op
// table and its chain rules to the raw outputs). The page sends the formula's checked tree as
// JSON (core's Formula.to_json: the value tree in its stable form and the exact gradient tree
// SymPy derived) — never its text. compileTree turns a node into a closure over a fixed table
// of operations; nothing is evaluated as code. formulaLoss builds the loss record, and
// registerFormula adds it to the registry under core's name "formula:" + key, so it trains in
// a Lockstep beside the built-ins like any other loss.
//
// JSON form (core/formula/tree.py):
//   node := {num: finite number} | {var: name} | {param: declared name}
//         | {op: name of OPS, args: [node, ...]}
//   formula := {version: 1, key, task, variable: "m" | "p" | "r",
//               grad_wrt: "m" | "log_p" | "yhat", params: [{name, low, high, default}],
//               value: node, grad: node}
// The gradient tree is dL/dm (margin), dL/d log p_t (target probability) or dL/dyhat
// (regression); the chain rule to the logits is the one core's evaluate.py applies:
//   margin:      dL/dz_t = L'(m), dL/dz_j* = -L'(m), j* the first largest wrong class;
//   probability: dL/dz_k = -(dL/ds) (p_k - Y_k), s = log p_t from log-softmax, p_t - 1 as
//                -(1 - p_t) by expm1;
//   regression:  dL/dyhat elementwise (a (n, d) loss is the mean over d, as for every loss).
// Every value passes through 0 + v, as core's arrays do (np.zeros_like(x) + v), so -0 is +0.

import { hyperparameter, marginLoss, registerLoss, getLoss } from "./losses.js";
import { logSoftmaxRow, oneMinusExp, power, sigmoid, sign } from "./numerics.js";

export const FORMULA_PREFIX = "formula:";
export const FORMULA_TITLE = "Your loss";
export const FORMULA_JSON_VERSION = 1;
/** Deepest tree accepted (core/formula/tree.py from_json's limit). */
const MAX_TREE_DEPTH = 200;

/** log(1 + e^x) as np.logaddexp(0, x): the larger argument plus log1p(e^{-|difference|}). */
function softplusValue(x) {
  if (x === 0) return Math.LN2;
  if (x !== x) return x;
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** H(x) with H(0) = 1/2 (np.heaviside(x, 0.5)): the midpoint subgradient of max and min. */
function heavisideHalf(x) {
  return x > 0 ? 1.0 : x < 0 ? 0.0 : x === 0 ? 0.5 : x;
}

/**
 * The operations a tree may hold: name -> [min args, max args (Infinity: n-ary), function].
 * Each is NumPy's elementwise function as core's evaluate.py calls it (n-ary ones left to right).
 */
const FORMULA_OPS = new Map([
  ["add", [2, Infinity, (a, b) => a + b]],
  ["mul", [2, Infinity, (a, b) => a * b]],
  ["sub", [2, 2, (a, b) => a - b]],
  ["div", [2, 2, (a, b) => a / b]],
  ["neg", [1, 1, (a) => -a]],
  ["pow", [2, 2, power]],
  ["exp", [1, 1, Math.exp]],
  ["log", [1, 1, Math.log]],
  ["log1p", [1, 1, Math.log1p]],
  ["sqrt", [1, 1, Math.sqrt]],
  ["abs", [1, 1, Math.abs]],
  ["tanh", [1, 1, Math.tanh]],
  ["sigmoid", [1, 1, sigmoid]],
  ["softplus", [1, 1, softplusValue]],
  ["logsigmoid", [1, 1, (a) => -softplusValue(-a)]],
  ["max", [2, Infinity, Math.max]],
  ["min", [2, Infinity, Math.min]],
  ["sign", [1, 1, sign]],
  ["heaviside", [1, 1, heavisideHalf]],
  ["expm1", [1, 1, Math.expm1]],
]);

/** The variables of each formula variable's loss (log_p and one_minus_p come from rewrites). */
const FORMULA_VARIABLES = {
  m: ["m"],
  p: ["p", "log_p", "one_minus_p"],
  r: ["r", "y", "yhat"],
};
const GRAD_WRT = { m: "m", p: "log_p", r: "yhat" };

/** The names of the operations, for tests and messages. */
export function formulaOps() {
  return [...FORMULA_OPS.keys()];
}

/**
 * A node of a checked tree as a function (vars, h) -> number: vars maps the variables to
 * numbers, h the parameters. Throws an Error for anything outside the op table, an undeclared
 * parameter, a variable not in `variables`, a number that is not finite, or a tree deeper
 * than 200 levels.
 * @param {object} node
 * @param {string[]} variables the variables the tree may use
 * @param {string[]} params the declared parameters
 * @returns {(vars: object, h: object) => number}
 */
export function compileTree(node, variables, params, depth = 0) {
  if (depth > MAX_TREE_DEPTH) throw new Error("formula tree is nested too deeply");
  if (node === null || typeof node !== "object" || Array.isArray(node)) {
    throw new Error("unknown formula node: not an object");
  }
  const keys = Object.keys(node).sort().join(",");
  if (keys === "num") {
    const v = node.num;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error("num must be a finite number");
    return () => v;
  }
  if (keys === "var") {
    const name = node.var;
    if (!variables.includes(name)) throw new Error(`variable must be one of ${variables}`);
    return (vars) => vars[name];
  }
  if (keys === "param") {
    const name = node.param;
    if (!params.includes(name)) throw new Error(`parameter is not declared`);
    return (vars, h) => h[name];
  }
  if (keys === "args,op" && Array.isArray(node.args)) {
    const spec = FORMULA_OPS.get(node.op);
    if (spec === undefined || !FORMULA_OPS.has(node.op)) throw new Error("unknown operation");
    const [low, high, fn] = spec;
    const n = node.args.length;
    if (n < low || n > high) {
      throw new Error(`operation ${node.op} takes ${low === high ? low : `at least ${low}`} argument(s), got ${n}`);
    }
    const parts = node.args.map((a) => compileTree(a, variables, params, depth + 1));
    if (n === 1) {
      const [a] = parts;
      return (vars, h) => fn(a(vars, h));
    }
    if (n === 2) {
      const [a, b] = parts;
      return (vars, h) => fn(a(vars, h), b(vars, h));
    }
    return (vars, h) => {
      let acc = parts[0](vars, h);
      for (let i = 1; i < n; i++) acc = fn(acc, parts[i](vars, h));
      return acc;
    };
  }
  throw new Error("unknown formula node");
}

/**
 * The loss record of a formula's JSON form (core's Formula.to_json), for registerLoss: named
 * "formula:" + key, titled "Your loss", its hyperparameters the declared parameters over their
 * declared ranges. Throws an Error for a JSON form it cannot trust (see compileTree).
 * @param {object} json
 * @returns {object}
 */
export function formulaLoss(json) {
  if (json === null || typeof json !== "object") throw new Error("a formula's JSON form is an object");
  if (json.version !== FORMULA_JSON_VERSION) throw new Error(`formula JSON version must be ${FORMULA_JSON_VERSION}`);
  const variable = json.variable;
  if (!(variable in FORMULA_VARIABLES)) throw new Error("formula variable must be m, p or r");
  if (json.grad_wrt !== GRAD_WRT[variable]) throw new Error(`grad_wrt must be ${GRAD_WRT[variable]}`);
  const task = variable === "r" ? "regression" : "classification";
  if (json.task !== task) throw new Error(`a formula in ${variable} is a ${task} loss`);
  if (typeof json.key !== "string" || !json.key) throw new Error("a formula needs its key");
  const declared = Array.isArray(json.params) ? json.params : [];
  const hyperparameters = declared.map((p) => {
    if (![p.low, p.high, p.default].every(Number.isFinite) || !(p.low <= p.default && p.default <= p.high)) {
      throw new Error(`parameter ${p.name}: low <= default <= high, all finite`);
    }
    return hyperparameter(String(p.name), p.default, `[${p.low}, ${p.high}]`);
  });
  const names = hyperparameters.map((h) => h.name);
  const vars = FORMULA_VARIABLES[variable];
  const value = compileTree(json.value, vars, names);
  const grad = compileTree(json.grad, vars, names);
  const name = FORMULA_PREFIX + json.key;
  const at = Object.fromEntries(vars.map((v) => [v, 0.0])); // reused: one sample at a time
  if (variable === "m") {
    const f = {
      value: (m, h) => ((at.m = m), 0 + value(at, h)),
      derivative: (m, h) => ((at.m = m), 0 + grad(at, h)),
    };
    return { ...marginLoss(name, f, hyperparameters), title: FORMULA_TITLE };
  }
  if (variable === "p") {
    // dL/dz = -(dL/ds) (p - Y), from log-probabilities (core's p_minus_one_hot)
    const row = (t, z, o, K, h, g, s) => {
      logSoftmaxRow(z, o, K, s.logP, 0, s.e);
      const logPt = s.logP[t];
      at.log_p = logPt;
      at.p = Math.exp(logPt);
      at.one_minus_p = oneMinusExp(logPt);
      const minusDs = -(0 + grad(at, h));
      for (let k = 0; k < K; k++) g[o + k] = Math.exp(s.logP[k]) * minusDs;
      g[o + t] = -oneMinusExp(logPt) * minusDs;
      return 0 + value(at, h);
    };
    return { name, task, title: FORMULA_TITLE, row, hyperparameters };
  }
  const element = (y, yhat, h, g, i) => {
    at.r = yhat - y;
    at.y = y;
    at.yhat = yhat;
    g[i] = 0 + grad(at, h);
    return 0 + value(at, h);
  };
  return { name, task, title: FORMULA_TITLE, element, hyperparameters };
}

/**
 * Register a formula's loss (formulaLoss) unless a loss of that name is registered already
 * (the same key is the same formula); returns the registered loss.
 * @param {object} json core's Formula.to_json()
 * @returns {object}
 */
export function registerFormula(json) {
  const loss = formulaLoss(json);
  try {
    return getLoss(loss.name, loss.task);
  } catch {
    return registerLoss(loss);
  }
}
