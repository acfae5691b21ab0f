/**
 * Natural-order (Hadamard) fast Walsh-Hadamard transform of one contiguous block, in place,
 * unnormalized:  X[k] = sum_j (-1)^popcount(j & k) x[j],  block length N = 2^n.
 *
 * Why this shape: a textbook radix-2 FWHT makes n sweeps over the whole array, with one load
 * and one store per element per stage. We instead
 *   1. run every stage with span < 2^12 inside each 2^12-element tile while the tile is in
 *      L1/L2 (32 KiB of f64), so the big array is swept once for those 12 stages, and
 *   2. merge stages three at a time (radix-8: eight strided loads, three butterfly levels in
 *      registers, eight stores; radix-4 / radix-2 for the leftover one or two stages), which
 *      cuts the loads and stores per element per stage from 2 to 2/3; the first three stages
 *      are an 8-point codelet on contiguous octets (no inner loop).
 * Measured (CPU time, loaded 2-core EPYC, N = 2^20 f64): radix-4 passes 14.6 ms, radix-8 13.1 ms;
 * the tile size hardly matters there (the whole 8 MiB array sits in L3), the radix does.
 * The kernels (kernels.ts) run on float64; a float32 block is widened into a reused float64
 * scratch, transformed and rounded back once, so float32 results carry one rounding instead of
 * log2(N) of them (and one kernel source serves both types; see kernels.ts).
 * Every stage is the same butterfly (a, b) -> (a + b, a - b) and the stages commute, so the
 * order in which spans are processed does not change the result (bit for bit it may, since
 * floating point addition is not associative; the error bound log2(N) * eps * ||x|| is the same).
 */

import { fwhtNaturalBlockF64 } from "./kernels.js";

export type RealArray = Float64Array | Float32Array;

/** float64 scratch for float32 blocks, grown on demand and kept (no allocation per call). */
let wide = new Float64Array(0);

/** Unnormalized natural-order FWHT of x[off .. off + 2^log2n), in place. */
export function fwhtNaturalBlock(x: RealArray, off: number, log2n: number): void {
  if (x instanceof Float64Array) {
    fwhtNaturalBlockF64(x, off, log2n);
    return;
  }
  const n = 2 ** log2n;
  if (wide.length < n) wide = new Float64Array(n);
  for (let i = 0; i < n; i++) wide[i] = x[off + i];
  fwhtNaturalBlockF64(wide, 0, log2n);
  for (let i = 0; i < n; i++) x[off + i] = wide[i];
}
