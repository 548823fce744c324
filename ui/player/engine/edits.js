// Loss Lab engine — edits: the mirror of core/edits.py, a student's edits of the training points
// (add, move, relabel, delete) and their text in a link.
//
// Operations apply in order to the training split, each to the data the previous ones left:
//   ["a", x, y, k]  add the point (x, y) of class k   (regression ["a", x, y]: feature, target)
//   ["m", i, x, y]  move training point i to (x, y)   (regression: feature and target)
//   ["l", i, k]     give training point i the class k
//   ["d", i]        remove training point i
// Coordinates are integers in thousandths (QUANTUM) of the data's units: the value used is
// x / 1000 here and in core, the same double, so a link reproduces the edited data exactly.
// Text: "1" (the version) and ".op" per operation, e.g. "1.a1200_-345_1.m3_100_200.l7_0.d31";
// bounded (MAX_OPS, MAX_CHARS, MAX_COORD) and canonical (no leading zeros, no "-0").
// Flipped: after the edits a classification point is flipped when its label differs from its
// clean label (an added point's clean label is its own).

export const EDITS_VERSION = "1";
export const QUANTUM = 1000;
export const MAX_COORD = 1000000;
export const MAX_OPS = 200;
export const MAX_CHARS = 5000;
const FIELDS = { a: [2, 3], m: [3], l: [2], d: [1] };
const OP = /^([amld])(-?\d+(?:_-?\d+)*)$/;

/**
 * A coordinate in the link's units: the integer nearest 1000 x, within +-MAX_COORD.
 * @param {number} x
 */
export function quantize(x) {
  return Math.max(-MAX_COORD, Math.min(MAX_COORD, Math.round(x * QUANTUM))) || 0; // no -0
}

function integer(text) {
  const v = Number(text);
  if (String(v) !== text) throw new Error(`edits must write integers without leading zeros, got ${JSON.stringify(text)}`);
  return v;
}

/**
 * The operations written as `text` ("" is none); throws an Error naming edits for any other
 * text that is not a canonical, bounded list (core's decode).
 * @param {string} text
 * @returns {Array<Array<string|number>>}
 */
export function decodeEdits(text) {
  if (typeof text !== "string") throw new Error("edits must be text");
  if (text === "") return [];
  if (text.length > MAX_CHARS) throw new Error(`edits must be at most ${MAX_CHARS} characters, got ${text.length}`);
  const [version, ...parts] = text.split(".");
  if (version !== EDITS_VERSION) throw new Error(`edits must start with the version "${EDITS_VERSION}"`);
  if (parts.length > MAX_OPS) throw new Error(`edits may hold at most ${MAX_OPS} operations, got ${parts.length}`);
  return parts.map((part) => {
    const m = OP.exec(part);
    if (!m) throw new Error("edits must be operations a, m, l or d followed by integers joined by _");
    const kind = m[1];
    const f = m[2].split("_").map(integer);
    if (!FIELDS[kind].includes(f.length)) throw new Error(`edits: operation ${kind} takes ${FIELDS[kind].join(" or ")} numbers, got ${f.length}`);
    const coords = { a: f.slice(0, 2), m: f.slice(1), l: [], d: [] }[kind];
    if (coords.some((c) => Math.abs(c) > MAX_COORD)) throw new Error(`edits: coordinates must be within ±${MAX_COORD}`);
    const indices = { a: f.slice(2), m: f.slice(0, 1), l: f, d: f }[kind];
    if (indices.some((v) => v < 0)) throw new Error("edits: indices and classes must be >= 0");
    return [kind, ...f];
  });
}

/**
 * The link's text of `ops` ("" for none); decodeEdits(encodeEdits(ops)) equals ops.
 * @param {Array<Array<string|number>>} ops
 */
export function encodeEdits(ops) {
  if (!ops.length) return "";
  return EDITS_VERSION + ops.map((op) => "." + op[0] + op.slice(1).map((v) => String(v)).join("_")).join("");
}

/**
 * The training split after `ops` (core's apply): new arrays, the inputs unchanged.
 * @param {{task: string, n_classes?: number, X_train: Float64Array, y_train: ArrayLike<number>,
 *   y_train_clean?: ArrayLike<number>|null, corrupted?: ArrayLike<boolean|number>|null, nFeatures: number}} d
 *   the data as loaded: X_train flat, n x nFeatures (2 for classification, 1 for regression)
 * @param {Array<Array<string|number>>} ops
 * @returns {{X_train: Float64Array, y_train: Int32Array|Float64Array, y_train_clean: Int32Array|Float64Array,
 *   flipped: Uint8Array, n: number}} flipped: label != clean label (classification) or the
 *   corrupted mark (regression outliers, kept by moves, none for added points)
 */
export function applyEdits(d, ops) {
  const classification = d.task === "classification";
  const want = classification ? 2 : 1;
  if (d.nFeatures !== want) throw new Error(`edits apply to ${want}-feature data, got ${d.nFeatures} features`);
  const n0 = d.y_train.length;
  const X = [], y = [], clean = [], flag = [];
  for (let i = 0; i < n0; i++) {
    X.push(Array.from(d.X_train.subarray ? d.X_train.subarray(i * want, (i + 1) * want) : d.X_train.slice(i * want, (i + 1) * want)));
    y.push(Number(d.y_train[i]));
    clean.push(Number((d.y_train_clean ?? d.y_train)[i]));
    flag.push(d.corrupted ? Boolean(d.corrupted[i]) : false);
  }
  const point = (i, op) => {
    if (i >= y.length) throw new Error(`edits: ${op[0]}${op[1]} names training point ${i} of ${y.length}`);
    return i;
  };
  const label = (k) => {
    if (!classification) throw new Error("edits: regression data have no classes to relabel");
    if (k >= d.n_classes) throw new Error(`edits: class ${k} is not one of the data's ${d.n_classes}`);
    return k;
  };
  for (const op of ops) {
    const [kind, ...f] = op;
    if (kind === "a") {
      if ((f.length === 3) !== classification) throw new Error("edits: an added point takes x, y and a class for classification, x and a target for regression");
      if (classification) {
        const k = label(f[2]);
        X.push([f[0] / QUANTUM, f[1] / QUANTUM]);
        y.push(k);
        clean.push(k);
      } else {
        X.push([f[0] / QUANTUM]);
        y.push(f[1] / QUANTUM);
        clean.push(f[1] / QUANTUM);
      }
      flag.push(false);
    } else if (kind === "m") {
      const i = point(f[0], op);
      if (classification) X[i] = [f[1] / QUANTUM, f[2] / QUANTUM];
      else {
        X[i] = [f[1] / QUANTUM];
        y[i] = f[2] / QUANTUM;
      }
    } else if (kind === "l") {
      y[point(f[0], op)] = label(f[1]);
    } else if (kind === "d") {
      const i = point(f[0], op);
      for (const column of [X, y, clean, flag]) column.splice(i, 1);
      if (y.length < 2) throw new Error("edits must leave at least 2 training points");
    } else {
      throw new Error(`edits: unknown operation ${kind}`);
    }
  }
  const n = y.length;
  const Y = classification ? Int32Array : Float64Array;
  const flipped = new Uint8Array(n);
  for (let i = 0; i < n; i++) flipped[i] = classification ? (y[i] !== clean[i] ? 1 : 0) : flag[i] ? 1 : 0;
  return { X_train: Float64Array.from(X.flat()), y_train: Y.from(y), y_train_clean: Y.from(clean), flipped, n };
}
