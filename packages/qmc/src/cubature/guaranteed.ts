/**
 * The adaptive, guaranteed QMC cubature of Hickernell & Jimenez Rugama (2016) shared by
 * cubQMCLatticeG (Fourier coefficients on a shifted rank-1 lattice) and cubQMCNetG (Walsh
 * coefficients on a digitally shifted base-2 net). Both need the points of an extensible
 * sequence in NATURAL order, so that the first 2^m points always form the level-m lattice/net.
 *
 * Each round doubles n = 2^m. The discrete transform yTilde of the n values (scaled so
 * yTilde[0] is the sample mean) estimates the true coefficients; with the kappa map
 * (kappa-map.ts), the sum S = sum_{j = 2^(m-r-1)}^{2^(m-r)-1} |yTilde[kappa[j]]| (r = 4) of a
 * block of lower-frequency coefficients bounds the sum of the aliased ones, hence the error:
 *   |mu - mean| <= fudge(m) S,   fudge(m) = 5 2^-m (the reference default).
 * The bound is guaranteed for integrands in the cone of functions whose coefficients decay in
 * the sense of the paper; it is NOT a probabilistic statement.
 *
 * The transform of all n values is recomputed each round (O(n log n), same total order as the
 * reference's incremental butterfly and bit-identical in exact arithmetic).
 */
import { ValueError } from "@modewise/tensor";
import { CompensatedSum } from "../discrepancy/compensated-sum.js";
import { showValue } from "../discrepancy/show-value.js";
import type { PointSet } from "../types.js";
import { evaluate, type Integrand } from "./integrand.js";
import { updateKappaMap } from "./kappa-map.js";
import {
  BLOCK,
  type CubatureResult,
  checkPowerOfTwo,
  checkTolerances,
  type ToleranceOptions,
} from "./options.js";
import { decide } from "./tolerance.js";

export interface GuaranteedOptions extends ToleranceOptions {
  /** Initial number of points, a power of 2 >= 2^8 (default 2^10). */
  nInit?: number;
  /** Largest number of points, a power of 2 (default 2^22). */
  nMax?: number;
  /** The inflation factor fudge(m) of the error bound (default m => 5 2^-m). */
  fudge?: (m: number) => number;
}

/** |yTilde| of the n values y, with yTilde[0] the mean. */
export type CoefficientMagnitudes = (y: Float64Array) => Float64Array;

const R_LAG = 4;

export function guaranteedCubature(
  fn: string,
  f: Integrand,
  points: PointSet,
  magnitudes: CoefficientMagnitudes,
  options: GuaranteedOptions,
): CubatureResult {
  const t0 = performance.now();
  const { absTol, relTol } = checkTolerances(fn, options);
  const mInit = checkPowerOfTwo(fn, "nInit", options.nInit ?? 1024, 256);
  const mMax = checkPowerOfTwo(fn, "nMax", options.nMax ?? 2 ** 22, 2 ** mInit);
  const fudge = options.fudge ?? ((m: number) => 5 * 2 ** -m);
  if (typeof fudge !== "function")
    throw new ValueError(fn, "fudge", "a function of m", showValue(fudge));
  const d = points.dim;

  let y = new Float64Array(2 ** mInit);
  let kappa = new Int32Array(0);
  let m = mInit;
  let nDone = 0;
  for (;;) {
    const n = 2 ** m;
    if (y.length < n) {
      const grown = new Float64Array(n);
      grown.set(y);
      y = grown;
    }
    // Values at points nDone .. n-1 (the new half of the level-m point set), block by block.
    for (let start = nDone; start < n; start += BLOCK) {
      const count = Math.min(BLOCK, n - start);
      const x = points.gen(count, { start });
      y.set(evaluate(fn, f, x, count, d), start);
    }
    const values = y.subarray(0, n);
    const mag = magnitudes(values);

    if (nDone === 0) {
      kappa = new Int32Array(n);
      for (let k = 0; k < n; k++) kappa[k] = k;
      updateKappaMap(kappa, mag, m - 1, 0);
    } else {
      // The level-(m-1) classes split into k and k + n/2: extend the map, then re-sort only
      // the finest levels that the new data can change (as the reference does).
      const grown = new Int32Array(n);
      grown.set(kappa);
      for (let k = 0; k < n / 2; k++) grown[n / 2 + k] = kappa[k] + n / 2;
      kappa = grown;
      updateKappaMap(kappa, mag, m - 1, m - R_LAG - 1);
    }

    const blockStart = 2 ** (m - R_LAG - 1);
    let s = 0;
    for (let j = blockStart; j < 2 * blockStart; j++) s += mag[kappa[j]];
    const halfWidth = fudge(m) * s;
    if (!(halfWidth >= 0))
      throw new ValueError(fn, "fudge", "a function returning numbers >= 0", showValue(fudge(m)));

    const sum = new CompensatedSum();
    for (let i = 0; i < n; i++) sum.add(values[i]);
    const mean = sum.value / n;
    const lo = mean - halfWidth;
    const hi = mean + halfWidth;
    const { estimate, converged } = decide(lo, hi, absTol, relTol);
    nDone = n;
    if (converged || m + 1 > mMax)
      return {
        estimate,
        errorBound: Math.max(estimate - lo, hi - estimate),
        bounds: [lo, hi],
        n,
        time: (performance.now() - t0) / 1000,
        converged,
      };
    m++;
  }
}
