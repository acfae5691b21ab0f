/**
 * latticeWorstCaseError: the criterion of criterion.ts for a given generating vector, by the
 * direct O(n d) sum (compensated), the reference every CBC result is checked against.
 */
import { ValueError } from "@modewise/tensor";
import { CompensatedSum } from "../discrepancy/compensated-sum.js";
import { showValue } from "../discrepancy/show-value.js";
import { type CBCCriterion, omegaTable } from "./criterion.js";
import { checkWeights } from "./weights.js";

export interface WorstCaseErrorOptions {
  /** "korobov" (default) or "sobolev" (shift-averaged, first order). */
  criterion?: CBCCriterion;
  /** Smoothness for "korobov", 1..4 (default 1). */
  alpha?: number;
  /** Product weights gamma_j > 0: one number for all dimensions or one per dimension (default 1). */
  weights?: number | readonly number[];
}

/** e^2 from the table omega(r/n), the vector z and the weights (no validation). */
export function squaredErrorFromTable(
  omega: Float64Array,
  z: ArrayLike<number>,
  gamma: Float64Array,
  n: number,
): number {
  const sum = new CompensatedSum();
  for (let k = 0; k < n; k++) {
    let p = 1;
    for (let j = 0; j < z.length; j++) p *= 1 + gamma[j] * omega[(k * z[j]) % n];
    sum.add(p);
  }
  return sum.value / n - 1;
}

/** The worst-case error e (the root of e^2) of the rank-1 lattice with n points and vector z. */
export function latticeWorstCaseError(
  z: ArrayLike<number>,
  n: number,
  options: WorstCaseErrorOptions = {},
): number {
  const fn = "latticeWorstCaseError";
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** 26)
    throw new ValueError(fn, "n", "an integer in 2..2^26", showValue(n));
  for (let j = 0; j < z.length; j++)
    if (!Number.isInteger(z[j]) || z[j] < 0 || z[j] >= n)
      throw new ValueError(fn, "z", `integers in 0..n-1 = ${n - 1}`, `${showValue(z[j])} at ${j}`);
  const gamma = checkWeights(fn, options.weights ?? 1, z.length);
  const omega = omegaTable(fn, options.criterion ?? "korobov", options.alpha ?? 1, n);
  return Math.sqrt(Math.max(0, squaredErrorFromTable(omega, z, gamma, n)));
}
