/**
 * Random hashing matrices and delay sets for the sparse WHT.
 *
 * Subsampling x at j = Sigma m XOR d (m in [0, B), B = 2^b) and taking the B-point WHT gives
 *   U_d[l] = sum_m (-1)^<l, m> x[Sigma m ^ d] = (B / N) sum_{k : Sigma^T k = l} X[k] (-1)^<k, d>
 * for x = (1/N) H X (the unnormalized forward convention X = H x). So bucket l of a hash holds
 * the coefficients with Sigma^T k = l, each signed by the delay d; a bucket holding exactly one
 * coefficient (a single-ton) reveals the bits of k through the sign flips between d and d ^ e_i.
 */
import { type HashMatrix, parity } from "./gf2.js";

/** A source of uniform random bits: nextBits(k) is uniform on [0, 2^k), 0 <= k <= 32. */
export interface RandomBits {
  nextBits(bits: number): number;
}

/** A uniformly random n x b GF(2) matrix of full column rank (b <= n), by rejection. */
export function randomHashMatrix(n: number, b: number, rng: RandomBits): HashMatrix {
  for (;;) {
    const columns = new Uint32Array(b);
    for (let t = 0; t < b; t++) columns[t] = rng.nextBits(n);
    if (fullRank(columns)) return { columns };
  }
}

/** Gaussian elimination over GF(2) on n-bit column vectors: are they linearly independent? */
function fullRank(columns: Uint32Array): boolean {
  const basis = new Uint32Array(32); // basis[i]: a vector with leading bit i, or 0
  for (const c of columns) {
    let v = c;
    while (v !== 0) {
      const lead = 31 - Math.clz32(v);
      if (basis[lead] === 0) {
        basis[lead] = v;
        break;
      }
      v = (v ^ basis[lead]) >>> 0;
    }
    if (v === 0) return false; // reduced to zero: dependent on earlier columns
  }
  return true;
}

/**
 * Delay set: `repetitions` base offsets r_p, each followed by its n neighbours r_p ^ e_i, so
 * D = repetitions * (n + 1) delays. Noiseless decoding uses one base offset 0 (delays 0 and
 * e_0 .. e_(n-1), the n + 1 of Scheibler et al.); the noise-robust decoder draws the base
 * offsets at random so each bit is voted on by `repetitions` independent sign comparisons.
 */
export function delaySet(n: number, repetitions: number, random: RandomBits | null): Uint32Array {
  const delays = new Uint32Array(repetitions * (n + 1));
  for (let p = 0; p < repetitions; p++) {
    const base = random === null ? 0 : random.nextBits(n);
    delays[p * (n + 1)] = base;
    for (let i = 0; i < n; i++) delays[p * (n + 1) + 1 + i] = (base ^ (1 << i)) >>> 0;
  }
  return delays;
}

/** (-1)^<k, d> for every delay d, as +-1. */
export function delaySigns(k: number, delays: Uint32Array, out: Float64Array): void {
  for (let d = 0; d < delays.length; d++) out[d] = parity(k & delays[d]) ? -1 : 1;
}
