/** Public dense transforms: fwht / ifwht over a (batched) typed array, in place. */
import { fwhtNaturalBlock, type RealArray } from "./butterfly.js";
import { naturalToDyadic, naturalToSequency } from "./orderings.js";
import { type FWHTOptions, type ResolvedFWHT, resolveFWHT, type WHTNorm } from "./validate.js";

/** Scale applied by the forward (inverse = false) or inverse transform for a norm mode. */
export function normScale(norm: WHTNorm, n: number, inverse: boolean): number {
  if (norm === "ortho") return 1 / Math.sqrt(n);
  if (norm === "backward") return inverse ? 1 / n : 1;
  return inverse ? 1 : 1 / n;
}

/** Transform every batch item in the resolved layout and scale by `scale`. */
export function transformBatch(x: RealArray, r: ResolvedFWHT, scale: number): void {
  const n = 2 ** r.log2n;
  const scratch =
    r.order === "sequency"
      ? x instanceof Float32Array
        ? new Float32Array(n)
        : new Float64Array(n)
      : null;
  for (let b = 0; b < r.batch; b++) {
    const off = b * n;
    fwhtNaturalBlock(x, off, r.log2n);
    if (r.order === "dyadic") naturalToDyadic(x, off, r.log2n);
    else if (scratch !== null) naturalToSequency(x, off, r.log2n, scratch);
  }
  if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] *= scale;
}

/**
 * Fast Walsh-Hadamard transform of x in place; returns x. Each contiguous block of
 * N = x.length / batch (a power of two) is one transform
 *   X[k] = scale * sum_j W[k][j] x[j],  W = Hadamard (natural), Walsh (sequency) or Paley (dyadic),
 * with scale 1, 1/sqrt(N) or 1/N for norm "backward", "ortho", "forward". O(N log N).
 */
export function fwht<T extends Float64Array | Float32Array>(x: T, options?: FWHTOptions): T {
  const r = resolveFWHT("fwht", x, options);
  transformBatch(x, r, normScale(r.norm, 2 ** r.log2n, false));
  return x;
}

/**
 * Inverse of {@link fwht} with the same options (same order and norm), in place; returns x.
 * Every ordering's matrix W is symmetric with W W = N I, so the inverse is the same transform
 * with the complementary scale.
 */
export function ifwht<T extends Float64Array | Float32Array>(x: T, options?: FWHTOptions): T {
  const r = resolveFWHT("ifwht", x, options);
  transformBatch(x, r, normScale(r.norm, 2 ** r.log2n, true));
  return x;
}
