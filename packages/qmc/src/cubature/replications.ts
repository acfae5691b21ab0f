/**
 * cubQMCRep: QMC cubature with error estimation from R independent randomizations of any
 * extensible PointSet (QMCPy's CubQMCRep / CubQMCCLT, "replications"). Replication r uses
 * points.spawn(seed_r); its estimate mu_r is the mean of f over its first n points. The
 * mu_r are i.i.d. unbiased estimates of mu, so with their mean muHat and sample standard
 * deviation s, muHat +- t_{R-1, 1-a/2} s / sqrt(R) is a confidence interval of level 1 - a
 * (exact for normal mu_r, asymptotically valid otherwise; QMC estimates of smooth integrands
 * are close to normal already for moderate n). n doubles until the tolerance is met.
 */
import { ValueError } from "@modewise/tensor";
import { CompensatedSum } from "../discrepancy/compensated-sum.js";
import { showValue } from "../discrepancy/show-value.js";
import type { PointSet } from "../types.js";
import { evaluate, type Integrand } from "./integrand.js";
import {
  BLOCK,
  type CubatureResult,
  checkPointSet,
  checkPowerOfTwo,
  checkTolerances,
  type ToleranceOptions,
} from "./options.js";
import { studentTQuantile } from "./student-t.js";
import { decide } from "./tolerance.js";

export interface ReplicationsOptions extends ToleranceOptions {
  /** The randomized point set; replications are points.spawn(seed_r). */
  points: PointSet;
  /** Number of randomizations R >= 2 (default 16). */
  replications?: number;
  /** Confidence level of the interval, in (0, 1) (default 0.99). */
  confidence?: number;
  /** Initial points per replication, a power of 2 (default 2^8). */
  nInit?: number;
  /** Largest number of points per replication, a power of 2 (default 2^20). */
  nMax?: number;
  /** Seed from which the replications' seeds are derived (default 0). */
  seed?: number;
}

export interface ReplicationsResult extends CubatureResult {
  /** The R replication estimates at the final n. */
  replicationEstimates: Float64Array;
}

const FN = "cubQMCRep";

/** A well-mixed 32-bit seed for replication r (SplitMix32-style finalizer). */
function replicationSeed(seed: number, r: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(r + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function cubQMCRep(
  f: Integrand,
  dim: number,
  options: ReplicationsOptions,
): ReplicationsResult {
  const t0 = performance.now();
  const base = checkPointSet(FN, options?.points, dim);
  if (typeof base.spawn !== "function")
    throw new ValueError(
      FN,
      "points",
      "a PointSet with spawn(seed) for the replications",
      showValue(base),
    );
  const { absTol, relTol } = checkTolerances(FN, options);
  const R = options.replications ?? 16;
  if (!Number.isInteger(R) || R < 2)
    throw new ValueError(FN, "replications", "an integer >= 2", showValue(R));
  const confidence = options.confidence ?? 0.99;
  if (!(confidence > 0 && confidence < 1))
    throw new ValueError(FN, "confidence", "a number in (0, 1)", showValue(confidence));
  const mInit = checkPowerOfTwo(FN, "nInit", options.nInit ?? 256, 1);
  const mMax = checkPowerOfTwo(FN, "nMax", options.nMax ?? 2 ** 20, 2 ** mInit);
  const seed = options.seed ?? 0;
  const quantile = studentTQuantile(1 - (1 - confidence) / 2, R - 1);

  const sets = Array.from({ length: R }, (_, r) => base.spawn(replicationSeed(seed, r)));
  const sums = Array.from({ length: R }, () => new CompensatedSum());
  const estimates = new Float64Array(R);
  let nDone = 0;
  for (let m = mInit; ; m++) {
    const n = 2 ** m;
    for (let r = 0; r < R; r++) {
      for (let start = nDone; start < n; start += BLOCK) {
        const count = Math.min(BLOCK, n - start);
        const y = evaluate(FN, f, sets[r].gen(count, { start }), count, dim);
        for (let i = 0; i < count; i++) sums[r].add(y[i]);
      }
      estimates[r] = sums[r].value / n;
    }
    nDone = n;
    let mean = 0;
    for (let r = 0; r < R; r++) mean += estimates[r];
    mean /= R;
    let ss = 0;
    for (let r = 0; r < R; r++) ss += (estimates[r] - mean) ** 2;
    const halfWidth = (quantile * Math.sqrt(ss / (R - 1))) / Math.sqrt(R);
    const lo = mean - halfWidth;
    const hi = mean + halfWidth;
    const { estimate, converged } = decide(lo, hi, absTol, relTol);
    if (converged || m + 1 > mMax)
      return {
        estimate,
        errorBound: Math.max(estimate - lo, hi - estimate),
        bounds: [lo, hi],
        n: n * R,
        time: (performance.now() - t0) / 1000,
        converged,
        replicationEstimates: Float64Array.from(estimates),
      };
  }
}
