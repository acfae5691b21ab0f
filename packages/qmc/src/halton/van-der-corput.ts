/**
 * Unrandomized radical inverse in base b, summed exactly as scipy.stats.qmc does (so points are
 * bit-identical to scipy.stats.qmc.Halton(scramble=False)): digits of i from the least
 * significant, x = ((d_0 f_1 + d_1 f_2) + d_2 f_3) + ..., with f_1 = 1/b and f_{k+1} = f_k / b
 * (each rounded). Every d_k f_{k+1} is within 1 ulp of d_k b^-(k+1) after k+1 roundings of f;
 * with K digits the result is within about (K + 1) K / 2 ulps of the exact rational (the tests
 * check the bound against exact integer arithmetic).
 */
import { reverseBits32 } from "../lattice/radical-inverse.js";

/** f_1 .. f_K for base b: the scaling factors, by repeated division as in scipy. */
export function digitWeights(base: number, count: number): Float64Array {
  const f = new Float64Array(count);
  let w = 1 / base;
  for (let k = 0; k < count; k++) {
    f[k] = w;
    w /= base;
  }
  return f;
}

/** Radical inverse of index i (i < 2^53) with precomputed weights (enough for i's digits). */
export function radicalInverse(i: number, base: number, weights: Float64Array): number {
  let q = i;
  let x = 0;
  let k = 0;
  while (q > 0) {
    const d = q % base;
    x += d * weights[k++];
    q = (q - d) / base;
  }
  return x;
}

/**
 * Radical inverses of indices start .. start+n-1 in base b, written to out[offset + i*stride],
 * with the digits of the index kept in an odometer (one increment with carries per point, no
 * divisions). The sum is formed term by term in scipy's order, so each value equals
 * radicalInverse(start + i) bit for bit. Base 2 takes the bit-reversal shortcut: every term is
 * an exact power of two, so the sum is exact and equals rev32(i) / 2^32 for i < 2^32.
 */
export function radicalInverseRun(
  start: number,
  n: number,
  base: number,
  weights: Float64Array,
  out: Float64Array,
  offset: number,
  stride: number,
): void {
  if (base === 2) {
    for (let i = 0; i < n; i++) out[offset + i * stride] = reverseBits32(start + i) * 2 ** -32;
    return;
  }
  const digits = new Uint32Array(weights.length + 1);
  let count = 0; // number of digits up to the most significant nonzero one
  for (let q = start; q > 0; count++) {
    const d = q % base;
    digits[count] = d;
    q = (q - d) / base;
  }
  for (let i = 0; i < n; i++) {
    let x = 0;
    for (let k = 0; k < count; k++) x += digits[k] * weights[k];
    out[offset + i * stride] = x;
    // increment the odometer
    let k = 0;
    while (k < count && digits[k] === base - 1) digits[k++] = 0;
    digits[k]++;
    if (k === count) count++;
  }
}
