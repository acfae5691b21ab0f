/**
 * Randomizations of base-b digits (Halton): linear matrix scrambling (LMS), random digit
 * permutations (PERM), digital shift (DS) and nested uniform scrambling (NUS, Owen 1995).
 *
 * A coordinate with index i has digits d_0, d_1, ... (least significant digit of i first; d_r is
 * the weight b^-(r+1) digit of the radical inverse), of which the first `t` are randomized,
 * t = floor(53 / log2 b) so that b^-t is about the float64 resolution. Output digits y_r:
 *   LMS : y = L d (mod b), L lower triangular t x t, diagonal uniform in 1..b-1, below uniform.
 *   PERM: y_r = pi_r(d_r), pi_r uniform random permutations of 0..b-1 (one per digit position).
 *   DS  : y_r = (d_r + s_r) mod b.
 *   NUS : y_r = pi_{r, d_0..d_{r-1}}(d_r), a uniform random permutation per tree node; the
 *         node's permutation is drawn on demand from a hash of (dimension key, digit prefix), so
 *         results do not depend on generation order. Cost O(d) for digit value d (LazyPermutation).
 *         Node keys are 32-bit chained hashes of the prefix: two of N visited nodes share a key
 *         (and so a permutation) with probability about N^2 / 2^33, a negligible correlation.
 * LMS is applied first, then PERM/DS (QMCPy's LMS_PERM and LMS_DS).
 */
import { hash2, mix32, type Rng } from "../rng.js";

export interface DigitScrambleSpec {
  lms: boolean;
  perm: boolean;
  ds: boolean;
  nus: boolean;
}

/** Largest float64 below 1, the clamp for sums that round up to 1. */
const ONE_MINUS = 1 - 2 ** -53;

export function scrambledDigitCount(base: number): number {
  return Math.floor(53 / Math.log2(base));
}

/** The random tables of one dimension. */
export class DigitScrambler {
  readonly t: number;
  private readonly lower: Uint32Array | null; // t x t, row-major, L[r][q] for q <= r
  private readonly lowerByColumn: Uint32Array | null; // the same, column-major (run())
  private readonly perms: Uint16Array | null; // t x b
  private readonly shift: Uint32Array | null; // t
  private readonly nusKey: number | null;
  private readonly digits: Uint32Array;
  private readonly outDigits: Uint32Array;
  private readonly scratch: LazyPermutation;
  /** b^-(r+1), r < t (by repeated division; relative error <= (r+1) 2^-53). */
  private readonly weights: Float64Array;
  private readonly tails: Float64Array;

  constructor(
    readonly base: number,
    spec: DigitScrambleSpec,
    rng: Rng,
  ) {
    const b = base;
    const t = scrambledDigitCount(b);
    this.t = t;
    this.digits = new Uint32Array(t);
    this.outDigits = new Uint32Array(t);
    this.scratch = new LazyPermutation(b);
    if (spec.lms) {
      const L = new Uint32Array(t * t);
      for (let r = 0; r < t; r++) {
        for (let q = 0; q < r; q++) L[r * t + q] = rng.nextInt(b);
        L[r * t + r] = 1 + rng.nextInt(b - 1);
      }
      this.lower = L;
      this.lowerByColumn = new Uint32Array(t * t);
      for (let r = 0; r < t; r++)
        for (let q = 0; q <= r; q++) this.lowerByColumn[q * t + r] = L[r * t + q];
    } else {
      this.lower = null;
      this.lowerByColumn = null;
    }
    if (spec.perm) {
      const P = new Uint16Array(t * b);
      for (let r = 0; r < t; r++) shuffleInto(P.subarray(r * b, (r + 1) * b), rng);
      this.perms = P;
    } else this.perms = null;
    if (spec.ds) {
      const s = new Uint32Array(t);
      for (let r = 0; r < t; r++) s[r] = rng.nextInt(b);
      this.shift = s;
    } else this.shift = null;
    this.nusKey = spec.nus ? rng.nextUint32() : null;
    this.weights = new Float64Array(t);
    let w = 1 / b;
    for (let r = 0; r < t; r++, w /= b) this.weights[r] = w;
    // Without LMS or NUS, output digit r of an input digit 0 is a constant: tails[c] is the sum
    // of those constants' terms for r >= c, accumulated in run()'s order (r = t-1 down to c),
    // so starting from tails[count] gives the same value as summing all t terms.
    this.tails = new Float64Array(t + 1);
    if (!spec.lms && !spec.nus) {
      for (let r = t - 1; r >= 0; r--) {
        let z0 = this.perms === null ? 0 : this.perms[r * b];
        if (this.shift !== null) z0 = (z0 + this.shift[r]) % b;
        this.tails[r] = this.tails[r + 1] + z0 * this.weights[r];
      }
    }
  }

  /**
   * Randomized radical inverses of start .. start+n-1 into out[offset + i*stride]. Digits are
   * kept incrementally: index i -> i+1 turns digits 0..k-1 from b-1 to 0 and raises digit k by
   * one, so the LMS image y = L d changes by +L[:,q] (mod b) for each q <= k (since -(b-1) = 1
   * mod b): O(t) per point amortized instead of O(t * digits). Values are summed from the least
   * significant digit (weights b^-(r+1)); they agree with value(i) to a few ulps.
   */
  run(start: number, n: number, out: Float64Array, offset: number, stride: number): void {
    const { base: b, t, digits, weights } = this;
    const y = new Uint32Array(t); // L d (or d) mod b before PERM / DS / NUS
    const z = this.outDigits;
    let q = start;
    for (let r = 0; r < t; r++) {
      const d = q % b;
      digits[r] = d;
      q = (q - d) / b;
    }
    const L = this.lower;
    if (L !== null) {
      for (let r = 0; r < t; r++) {
        let acc = 0;
        for (let c = 0; c <= r; c++) acc += L[r * t + c] * digits[c];
        y[r] = acc % b;
      }
    } else y.set(digits);
    const perms = this.perms;
    const shift = this.shift;
    const nus = this.nusKey !== null;
    // Digit-wise maps without LMS/NUS only need the digits up to the highest nonzero one.
    const useTails = L === null && !nus;
    let count = 0;
    for (let r = 0; r < t; r++) if (digits[r] !== 0) count = r + 1;
    for (let i = 0; i < n; i++) {
      const top = useTails ? count : t;
      if (nus) {
        let node = this.nusKey as number;
        for (let r = 0; r < t; r++) {
          const d = y[r];
          z[r] = this.scratch.valueAt(node, d);
          node = hash2(node, d + 1);
        }
      } else if (perms !== null && shift !== null) {
        for (let r = 0; r < top; r++) z[r] = (perms[r * b + y[r]] + shift[r]) % b;
      } else if (perms !== null) {
        for (let r = 0; r < top; r++) z[r] = perms[r * b + y[r]];
      } else if (shift !== null) {
        for (let r = 0; r < top; r++) {
          const v = y[r] + shift[r];
          z[r] = v >= b ? v - b : v;
        }
      } else for (let r = 0; r < top; r++) z[r] = y[r];
      let x = useTails ? this.tails[top] : 0;
      for (let r = top - 1; r >= 0; r--) x += z[r] * weights[r];
      out[offset + i * stride] = x < 1 ? x : ONE_MINUS;
      // advance the index by one
      let k = 0;
      while (k < t && digits[k] === b - 1) digits[k++] = 0;
      if (k === t) break; // past b^t - 1: only reached after the last requested point
      digits[k]++;
      if (k + 1 > count) count = k + 1;
      const Lc = this.lowerByColumn;
      if (Lc !== null) {
        for (let c = 0; c <= k; c++) {
          const col = c * t;
          for (let r = c; r < t; r++) {
            const v = y[r] + Lc[col + r]; // < 2b
            y[r] = v >= b ? v - b : v;
          }
        }
      } else {
        for (let c = 0; c <= k; c++) y[c] = y[c] === b - 1 ? 0 : y[c] + 1;
      }
    }
  }

  /** Randomized radical inverse of index i (i < b^t). */
  value(i: number): number {
    const { base: b, t, digits, outDigits: y } = this;
    let q = i;
    let used = 0; // number of nonzero-able leading digits of i
    for (let r = 0; r < t; r++) {
      const d = q % b;
      digits[r] = d;
      q = (q - d) / b;
      if (d !== 0) used = r + 1;
    }
    if (this.lower !== null) {
      const L = this.lower;
      for (let r = 0; r < t; r++) {
        let acc = 0;
        const qMax = Math.min(r, used - 1);
        for (let c = 0; c <= qMax; c++) acc += L[r * t + c] * digits[c];
        y[r] = acc % b;
      }
    } else y.set(digits);
    if (this.perms !== null) for (let r = 0; r < t; r++) y[r] = this.perms[r * b + y[r]];
    if (this.shift !== null) for (let r = 0; r < t; r++) y[r] = (y[r] + this.shift[r]) % b;
    if (this.nusKey !== null) {
      let node = this.nusKey;
      for (let r = 0; r < t; r++) {
        const d = y[r];
        y[r] = this.scratch.valueAt(node, d);
        node = hash2(node, d + 1);
      }
    }
    // Horner from the least significant digit: x = (y_0 + (y_1 + ...) / b) / b.
    let x = 0;
    for (let r = t - 1; r >= 0; r--) x = (x + y[r]) / b;
    return x < 1 ? x : ONE_MINUS;
  }
}

/** Fill `perm` with a uniform random permutation of 0..len-1 (Fisher-Yates). */
function shuffleInto(perm: Uint16Array, rng: Rng): void {
  for (let k = 0; k < perm.length; k++) perm[k] = k;
  for (let k = perm.length - 1; k > 0; k--) {
    const m = rng.nextInt(k + 1);
    const tmp = perm[k];
    perm[k] = perm[m];
    perm[m] = tmp;
  }
}

/**
 * pi(d) for the uniform random permutation of 0..b-1 attached to a tree node (a 32-bit key).
 * The permutation is the forward Fisher-Yates shuffle driven by hash2(key, k): step k swaps
 * position k with k + (hash mod (b - k)), after which position k never changes, so pi(d) is
 * known after d + 1 steps. Untouched positions hold their identity value, tracked by a stamp per
 * call instead of re-initializing b entries. The modulo bias of a 32-bit hash is below
 * b / 2^32 <= 2e-6 per step.
 */
export class LazyPermutation {
  private readonly values: Uint16Array;
  private readonly stamps: Uint32Array;
  private stamp = 0;

  constructor(private readonly b: number) {
    this.values = new Uint16Array(b);
    this.stamps = new Uint32Array(b);
  }

  valueAt(node: number, d: number): number {
    const { b, values, stamps } = this;
    const stamp = ++this.stamp;
    if (stamp === 0xffffffff) {
      stamps.fill(0);
      this.stamp = 1;
    }
    const cur = this.stamp;
    const key = mix32(node ^ 0x2545f491);
    const get = (p: number) => (stamps[p] === cur ? values[p] : p);
    for (let k = 0; k <= d && k < b - 1; k++) {
      const m = k + (hash2(key, k) % (b - k));
      const vk = get(k);
      const vm = get(m);
      values[k] = vm;
      stamps[k] = cur;
      values[m] = vk;
      stamps[m] = cur;
    }
    return get(d);
  }
}
