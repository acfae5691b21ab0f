/** Shared option checking and the result type of the cubatures. */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";
import type { PointSet } from "../types.js";

export interface CubatureResult {
  /** The estimate of the integral over [0,1]^d (chosen for the combined tolerance). */
  estimate: number;
  /**
   * Bound on |integral - estimate|: guaranteed for integrands in the algorithm's cone
   * (adaptive algorithms) or at the stated confidence (replications).
   */
  errorBound: number;
  /** The interval [lo, hi] the integral lies in (same guarantee). */
  bounds: [number, number];
  /** Total integrand evaluations. */
  n: number;
  /** Wall-clock seconds. */
  time: number;
  /** True when the tolerance was met before nMax. */
  converged: boolean;
}

export interface ToleranceOptions {
  /** Absolute tolerance (default 1e-2, as QMCPy). */
  absTol?: number;
  /** Relative tolerance in [0, 1) (default 0). The target is max(absTol, relTol |mu|). */
  relTol?: number;
}

export function checkTolerances(
  fn: string,
  o: ToleranceOptions,
): { absTol: number; relTol: number } {
  const absTol = o.absTol ?? 1e-2;
  const relTol = o.relTol ?? 0;
  if (!(absTol >= 0) || !Number.isFinite(absTol))
    throw new ValueError(fn, "absTol", "a finite number >= 0", showValue(absTol));
  if (!(relTol >= 0 && relTol < 1))
    throw new ValueError(fn, "relTol", "a number in [0, 1)", showValue(relTol));
  if (absTol === 0 && relTol === 0)
    throw new ValueError(fn, "absTol", "absTol > 0 or relTol > 0", "both 0");
  return { absTol, relTol };
}

export function checkPowerOfTwo(fn: string, name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min || 2 ** Math.round(Math.log2(v)) !== v)
    throw new ValueError(fn, name, `a power of 2 >= ${min}`, showValue(v));
  return Math.round(Math.log2(v));
}

export function checkPointSet(fn: string, points: PointSet | undefined, dim: number): PointSet {
  if (points === undefined || typeof points.gen !== "function")
    throw new ValueError(
      fn,
      "points",
      "a PointSet (an object with gen(n, { start }))",
      showValue(points),
    );
  if (points.dim !== dim)
    throw new ValueError(fn, "points", `a PointSet of dimension ${dim}`, `dimension ${points.dim}`);
  return points;
}

/** Evaluation block: points are generated and passed to f this many at a time (memory bound). */
export const BLOCK = 1 << 16;
