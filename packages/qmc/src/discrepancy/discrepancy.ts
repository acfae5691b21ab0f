/**
 * discrepancy(x, { method, squared }): the exact O(n^2 d) evaluation of the closed forms in
 * formulas.ts.
 *
 * Convention (one for all four methods): the result is the discrepancy D itself, the root of
 * the squared closed form; `squared: true` returns D^2. scipy.stats.qmc.discrepancy returns D^2
 * for CD, WD and MD but D for L2-star, i.e. scipy's values are ours with squared: true (CD, WD,
 * MD) and squared: false (L2-star).
 *
 * Accuracy: the pair sum has n^2 terms (we add the n(n-1)/2 distinct off-diagonal ones twice,
 * exploiting symmetry) and is accumulated with compensated (Neumaier) sums per row and across
 * rows, so its relative error is a few eps, independent of n. The final D^2 is a difference of
 * O(c^d) terms; its absolute error is ~ eps * c^d (c = 13/12, 4/3, 19/12, 1), which the caller
 * should compare with D^2 itself when d is large.
 */
import { ValueError } from "@modewise/tensor";
import { CompensatedSum } from "./compensated-sum.js";
import { type DiscrepancyMethod, FORMULAS } from "./formulas.js";
import { pairSum } from "./pair-sums.js";
import { type PointsInput, toPointMatrix } from "./point-matrix.js";
import { showValue as show } from "./show-value.js";

export interface DiscrepancyOptions {
  /** "CD" centered (default), "WD" wrap-around, "MD" mixture, "L2-star". */
  method?: DiscrepancyMethod;
  /** Return D^2 instead of D (default false: D for every method). */
  squared?: boolean;
  /** Number of columns when x is a flat row-major Float64Array. */
  dim?: number;
}

const FN = "discrepancy";

/** The L2-type discrepancy of the points x (each coordinate in [0, 1]). */
export function discrepancy(x: PointsInput, options: DiscrepancyOptions = {}): number {
  const method = options.method ?? "CD";
  const formula = FORMULAS[method];
  if (formula === undefined)
    throw new ValueError(FN, "method", "one of 'CD', 'WD', 'MD', 'L2-star'", show(method));
  const { data, n, d } = toPointMatrix(FN, x, options.dim);

  const total = new CompensatedSum();
  total.add(formula.constant(d));

  const single = formula.single;
  if (single !== null) {
    const sum = new CompensatedSum();
    for (let i = 0; i < n; i++) {
      let prod = 1;
      for (let k = 0; k < d; k++) prod *= single(data[i * d + k]);
      sum.add(prod);
    }
    total.add((-2 / n) * sum.value);
  }

  total.add(pairSum(method, data, n, d) / (n * n));

  const squaredValue = total.value;
  if (options.squared === true) return squaredValue;
  // D^2 >= 0 exactly (it is a squared norm of a difference of measures); a negative value can
  // only be round-off of size ~eps * c^d, so the root of that round-off is 0.
  return Math.sqrt(Math.max(0, squaredValue));
}
