/**
 * Linear matrix scrambling (LMS, Matousek 1998; QMCPy's default with a digital shift): C' = L C
 * over GF(2) with L a random lower-triangular matrix with unit diagonal, so output digit r mixes
 * input digits 0..r. L is nonsingular and lower triangular, so every leading block of rows keeps
 * its rank: the t-value of the net (and every elementary-interval count) is unchanged.
 */
import type { Rng } from "../rng.js";

/**
 * Columns of a random L (bits x bits) as (hi, lo) words: column q has its diagonal 1 at row q
 * and uniform random digits in rows q+1 .. bits-1. Draws 1 (bits 32) or 2 (bits 64) words per
 * column from rng.
 */
export function randomLowerTriangular(
  rng: Rng,
  bits: 32 | 64,
): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(bits);
  const lo = new Uint32Array(bits);
  for (let q = 0; q < bits; q++) {
    if (q < 32) {
      const diag = 2 ** (31 - q);
      hi[q] = (diag + ((rng.nextUint32() >>> 0) % diag)) >>> 0; // diag | random below it
      if (bits === 64) lo[q] = rng.nextUint32();
    } else {
      const diag = 2 ** (63 - q);
      lo[q] = (diag + (rng.nextUint32() % diag)) >>> 0;
    }
  }
  return { hi, lo };
}

/** L c for one column c = (hi, lo): XOR of the columns of L at the set digits of c. */
export function applyLowerTriangular(
  L: { hi: Uint32Array; lo: Uint32Array },
  bits: 32 | 64,
  cHi: number,
  cLo: number,
): [number, number] {
  let h = 0;
  let l = 0;
  for (let q = 0; q < bits; q++) {
    const digit = q < 32 ? (cHi >>> (31 - q)) & 1 : (cLo >>> (63 - q)) & 1;
    if (digit) {
      h ^= L.hi[q];
      l ^= L.lo[q];
    }
  }
  return [h >>> 0, l >>> 0];
}
