/**
 * Bucket classification: zero-ton, single-ton (with its index and value) or multi-ton.
 *
 * For the D observations y_d = U_d[l] of one bucket:
 *   - energy E = sum_d y_d^2; a zero-ton has E = sum of D noise terms (E ~ D sigma_U^2);
 *   - index bits: for each delay group p (base r_p and its neighbours r_p ^ e_i),
 *     y_{r_p} y_{r_p ^ e_i} = (a X)^2 (-1)^{k_i} for a single-ton, so bit i is the sign of the
 *     sum over p of those products (a majority/energy vote, robust to noise);
 *   - the candidate k must hash to this bucket (Sigma^T k = l), else it is not a single-ton;
 *   - value: least squares alpha = (1/D) sum_d y_d s_d with s_d = (-1)^<k, d>, and the fit
 *     residual r = E - D alpha^2 ~ (D - 1) sigma_U^2 for a true single-ton.
 * Thresholds (sigma_U^2 = the estimated noise variance of one bucket observation, 0 for the
 * noiseless decoder; floor^2 accounts for round-off):
 *   zero-ton   if E <= D sigma_U^2 (1 + g sqrt(2 / D)) + D floor^2
 *   single-ton if r <= (D - 1) sigma_U^2 (1 + g sqrt(2 / (D - 1))) + D floor^2
 * with g the margin in standard deviations of the chi-square statistic (option `threshold`).
 */
import { bucketOf, type HashMatrix, parity } from "./gf2.js";

export const ZERO = 0;
export const SINGLE = 1;
export const MULTI = 2;
export type BucketKind = typeof ZERO | typeof SINGLE | typeof MULTI;

export interface Classification {
  kind: BucketKind;
  /** Candidate index (valid for SINGLE). */
  k: number;
  /** Fitted bucket amplitude alpha = (B/N) X[k] (valid for SINGLE). */
  alpha: number;
  /** Fit residual r (always computed when the energy is above the zero-ton test). */
  residual: number;
}

export interface Thresholds {
  /** Estimated noise variance of one bucket observation. */
  noiseVar: number;
  /** Round-off floor (absolute, per observation) of this hash. */
  floor: number;
  /** Chi-square margin in standard deviations. */
  margin: number;
}

/** Read bucket l's D observations from the [delay][l] layout into y. */
export function gather(u: Float64Array, B: number, l: number, y: Float64Array): void {
  for (let d = 0; d < y.length; d++) y[d] = u[d * B + l];
}

/** Index estimate, least-squares amplitude and residual of the single-ton model. */
export function fitSingleton(
  y: Float64Array,
  n: number,
  delays: Uint32Array,
): { k: number; alpha: number; energy: number; residual: number } {
  const D = y.length;
  const groups = D / (n + 1);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let corr = 0;
    for (let p = 0; p < groups; p++) corr += y[p * (n + 1)] * y[p * (n + 1) + 1 + i];
    if (corr < 0) k |= 1 << i;
  }
  k >>>= 0;
  let energy = 0;
  let proj = 0;
  for (let d = 0; d < D; d++) {
    energy += y[d] * y[d];
    proj += parity(k & delays[d]) ? -y[d] : y[d];
  }
  const alpha = proj / D;
  // r = sum (y - alpha s)^2, summed directly: the shortcut E - D alpha^2 cancels
  // catastrophically (error ~ u E, far above the round-off floor^2 ~ (1e-9)^2 E).
  let residual = 0;
  for (let d = 0; d < D; d++) {
    const e = y[d] - (parity(k & delays[d]) ? -alpha : alpha);
    residual += e * e;
  }
  return { k, alpha, energy, residual };
}

export function classify(
  y: Float64Array,
  n: number,
  delays: Uint32Array,
  sigma: HashMatrix,
  l: number,
  t: Thresholds,
): Classification {
  const D = y.length;
  const floorSq = D * t.floor * t.floor;
  const fit = fitSingleton(y, n, delays);
  const zeroLimit = D * t.noiseVar * (1 + t.margin * Math.sqrt(2 / D)) + floorSq;
  if (fit.energy <= zeroLimit) return { kind: ZERO, k: 0, alpha: 0, residual: fit.residual };
  const dof = Math.max(1, D - 1);
  const singleLimit = dof * t.noiseVar * (1 + t.margin * Math.sqrt(2 / dof)) + floorSq;
  if (fit.residual <= singleLimit && bucketOf(sigma, fit.k) === l)
    return { kind: SINGLE, k: fit.k, alpha: fit.alpha, residual: fit.residual };
  return { kind: MULTI, k: fit.k, alpha: fit.alpha, residual: fit.residual };
}

/**
 * Noise variance of one bucket observation, estimated from the single-ton fit residuals of all
 * buckets before peeling: zero-tons and single-tons (the majority when B >= K) have
 * r ~ sigma_U^2 chi^2_(D-1), multi-tons larger, so the MEDIAN residual divided by the median of
 * chi^2_(D-1) (Wilson-Hilferty: nu (1 - 2/(9 nu))^3) is a robust estimate.
 */
export function estimateNoiseVariance(
  buckets: Float64Array[],
  B: number,
  n: number,
  delays: Uint32Array,
): number {
  const D = delays.length;
  const y = new Float64Array(D);
  const residuals = new Float64Array(buckets.length * B);
  let idx = 0;
  for (const u of buckets) {
    for (let l = 0; l < B; l++) {
      gather(u, B, l, y);
      residuals[idx++] = fitSingleton(y, n, delays).residual;
    }
  }
  residuals.sort();
  const mid = residuals.length >> 1;
  const median =
    residuals.length % 2 ? residuals[mid] : 0.5 * (residuals[mid - 1] + residuals[mid]);
  const nu = Math.max(1, D - 1);
  return median / (nu * (1 - 2 / (9 * nu)) ** 3);
}
