/** Product weights: one number for every dimension or one per dimension, all finite and > 0. */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";

export function checkWeights(
  fn: string,
  weights: number | readonly number[],
  dim: number,
): Float64Array {
  const gamma = new Float64Array(dim);
  if (typeof weights === "number") gamma.fill(weights);
  else if (Array.isArray(weights) && weights.length >= dim) gamma.set(weights.slice(0, dim));
  else
    throw new ValueError(fn, "weights", `a number or at least ${dim} numbers`, showValue(weights));
  for (const g of gamma)
    if (!(g > 0 && Number.isFinite(g)))
      throw new ValueError(fn, "weights", "finite numbers > 0", showValue(g));
  return gamma;
}
