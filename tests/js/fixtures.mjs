// Shared helpers of the engine's tests: the fixtures core writes (scripts/make_engine_fixtures.py)
// and the error measures the tests assert on.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(HERE, "..", "fixtures", "engine");

const NON_FINITE = { inf: Infinity, "-inf": -Infinity, nan: NaN };

/** A fixture file, with the strings "inf", "-inf" and "nan" turned back into numbers. */
export function loadFixture(name) {
  const text = readFileSync(join(FIXTURES, name), "utf-8");
  return JSON.parse(text, (key, value) => (typeof value === "string" && value in NON_FINITE ? NON_FINITE[value] : value));
}

/**
 * Largest relative difference |a - b| / |b| over paired entries; an entry where core's value
 * is 0 must be 0 (±0) here too (else Infinity), and non-finite entries must be identical.
 * @param {ArrayLike<number>} actual the engine's
 * @param {ArrayLike<number>} expected core's
 * @returns {{rel: number, at: number}}
 */
export function maxRelativeError(actual, expected) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let rel = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    let r;
    if (!Number.isFinite(b) || !Number.isFinite(a)) r = Object.is(a, b) ? 0 : Infinity;
    else if (b === 0) r = a === 0 ? 0 : Infinity;
    else r = Math.abs(a - b) / Math.abs(b);
    if (r > rel) {
      rel = r;
      at = i;
    }
  }
  return { rel, at };
}

/**
 * Largest |a - b| / max(|b|, floor): relative error for entries of size >= floor, absolute
 * (in units of floor) below it — for weights and gradients that pass through 0.
 */
export function maxScaledError(actual, expected, floor = 1) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    const e = Number.isNaN(a) && Number.isNaN(b) ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), floor);
    err = Math.max(err, Number.isNaN(e) ? Infinity : e);
  }
  return err;
}

/** Flat Float64Array of a nested numeric array (rows of a matrix). */
export function flat(x) {
  return Float64Array.from(Array.isArray(x[0]) ? x.flat() : x);
}
