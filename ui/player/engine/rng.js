// Loss Lab engine — rng: NumPy's default_rng, bit for bit, as far as core draws from it.
// Counterpart: numpy.random. core/models.py init_params draws the initial weights with
// np.random.default_rng(seed).uniform(-a, a, (fan_in, fan_out)); core/train.py draws each
// epoch's mini-batch order with np.random.default_rng([seed, 1]).permutation(n). Porting the
// three pieces involved lets a page change the seed with no server round trip:
//
//   SeedSequence  entropy (integers) -> a pool of 4 uint32 words -> seeding words
//                 (O'Neill's seed_seq hash, NumPy's constants)
//   PCG64         128-bit LCG, XSL-RR output (NumPy's default bit generator); next_uint32
//                 hands out the low then the high half of one 64-bit draw
//   Generator     uniform: low + (high - low) * next_double, next_double = (next64 >> 11) * 2^-53;
//                 permutation(n): arange(n) shuffled by Fisher-Yates from the end, each index
//                 drawn by random_interval (mask-and-reject on next_uint32)
//
// Written from NumPy's algorithms (numpy/random/bit_generator.pyx, src/pcg64/pcg64.h,
// src/distributions/distributions.c, _generator.pyx); checked against NumPy's own outputs in
// tests/js/rng.test.mjs. 128-bit arithmetic uses BigInt: a few hundred draws per epoch.

const MASK32 = 0xffffffff;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULTIPLIER = (2549297995355413924n << 64n) | 4865540595714422341n;

/**
 * An entropy value as uint32 words, lowest first (NumPy's _coerce_to_uint32_array): a
 * non-negative integer gives its words (0 gives [0]); a list gives its elements' words, joined.
 * @param {number|bigint|Array<number|bigint>} entropy
 * @returns {number[]}
 */
export function uint32Words(entropy) {
  if (Array.isArray(entropy)) return entropy.flatMap((v) => uint32Words(v));
  if (typeof entropy === "number" && !Number.isSafeInteger(entropy)) {
    throw new RangeError(`seed must be a non-negative integer, got ${entropy}`);
  }
  let n = BigInt(entropy);
  if (n < 0n) throw new RangeError(`seed must be a non-negative integer, got ${entropy}`);
  if (n === 0n) return [0];
  const words = [];
  for (; n > 0n; n >>= 32n) words.push(Number(n & 0xffffffffn));
  return words;
}

/** A hash whose multiplier advances with every call (seed_seq's hashmix). */
function hasher(init, mult) {
  let hashConst = init;
  return (value) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, mult) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
}

/** seed_seq's mix of two words, (L x - R y) mod 2^32 with its high half xored in. */
function mix(x, y) {
  const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (result ^ (result >>> 16)) >>> 0;
}

/**
 * NumPy's SeedSequence (no spawn key): the entropy hashed into a pool of 4 words, every word
 * mixed into every other, then any entropy beyond 4 words mixed into each.
 */
export class SeedSequence {
  /** @param {number|bigint|Array<number|bigint>} entropy */
  constructor(entropy) {
    const words = uint32Words(entropy);
    const hashmix = hasher(INIT_A, MULT_A);
    const pool = new Array(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
      }
    }
    for (let src = POOL_SIZE; src < words.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
    }
    this.pool = pool;
  }

  /**
   * `nWords` uint32 seeding words (generate_state(n_words, np.uint32)).
   * @param {number} nWords
   * @returns {number[]}
   */
  generateState(nWords) {
    const hash = hasher(INIT_B, MULT_B);
    const out = new Array(nWords);
    for (let i = 0; i < nWords; i++) out[i] = hash(this.pool[i % POOL_SIZE]);
    return out;
  }

  /**
   * `nWords` uint64 seeding words as BigInt (generate_state(n_words, np.uint64): pairs of
   * uint32 words read little-endian).
   * @param {number} nWords
   * @returns {bigint[]}
   */
  generateState64(nWords) {
    const w = this.generateState(2 * nWords);
    const out = [];
    for (let i = 0; i < nWords; i++) out.push(BigInt(w[2 * i]) | (BigInt(w[2 * i + 1]) << 32n));
    return out;
  }
}

/** NumPy's PCG64: state <- state * M + inc (mod 2^128), output rotr64(hi ^ lo, hi >> 58). */
export class PCG64 {
  /** @param {SeedSequence} seedSequence */
  constructor(seedSequence) {
    const [s0, s1, i0, i1] = seedSequence.generateState64(4);
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.state = 0n;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
    this.hasUint32 = false; // next_uint32's buffered high half
    this.uinteger = 0;
  }

  step() {
    this.state = (this.state * PCG_MULTIPLIER + this.inc) & MASK128;
  }

  /** @returns {bigint} the next 64 random bits */
  next64() {
    this.step();
    const hi = this.state >> 64n;
    const x = (hi ^ this.state) & MASK64;
    const rot = hi >> 58n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  }

  /** @returns {number} 32 random bits: the low half of a 64-bit draw, then its high half */
  next32() {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const next = this.next64();
    this.hasUint32 = true;
    this.uinteger = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }

  /** @returns {number} a double in [0, 1): the top 53 bits of a 64-bit draw times 2^-53 */
  nextDouble() {
    return Number(this.next64() >> 11n) * 2 ** -53;
  }
}

/** NumPy's Generator, the two methods core uses. */
export class Generator {
  /** @param {PCG64} bitGenerator */
  constructor(bitGenerator) {
    this.bits = bitGenerator;
  }

  /**
   * `size` draws of U[low, high), each low + (high - low) * next_double (random_uniform).
   * @param {number} low
   * @param {number} high
   * @param {number} size
   * @param {Float64Array} [out] written from `offset` on when given
   * @param {number} [offset=0]
   * @returns {Float64Array}
   */
  uniform(low, high, size, out = new Float64Array(size), offset = 0) {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError("high - low range exceeds valid bounds");
    for (let i = 0; i < size; i++) out[offset + i] = low + range * this.bits.nextDouble();
    return out;
  }

  /**
   * A uniform integer in 0..max (random_interval): the smallest all-ones mask >= max, then
   * 32-bit draws masked until one is <= max.
   * @param {number} max integer in 0..2^32-1
   * @returns {number}
   */
  interval(max) {
    if (max === 0) return 0;
    if (max > MASK32) throw new RangeError("interval: max must be below 2^32");
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value;
    do value = (this.bits.next32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /**
   * Shuffle `a` in place as Generator.shuffle does a 1-D array: for i = n-1 down to 1, swap
   * a[i] with a[interval(i)].
   * @param {Int32Array|Float64Array|number[]} a
   * @returns {typeof a}
   */
  shuffle(a) {
    for (let i = a.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = a[j];
      a[j] = a[i];
      a[i] = t;
    }
    return a;
  }

  /**
   * permutation(n): 0..n-1 shuffled.
   * @param {number} n
   * @param {Int32Array} [out] of length n, reused when given
   * @returns {Int32Array}
   */
  permutation(n, out = new Int32Array(n)) {
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

/**
 * np.random.default_rng(seed): a Generator on PCG64 seeded by SeedSequence(seed).
 * @param {number|bigint|Array<number|bigint>} seed
 * @returns {Generator}
 */
export function defaultRng(seed) {
  return new Generator(new PCG64(new SeedSequence(seed)));
}
