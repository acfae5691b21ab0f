/**
 * The worst-case-error criteria minimized by the CBC construction, for product weights gamma_j:
 *
 *   e^2(z) = -1 + (1/n) sum_{k=0}^{n-1} prod_{j=1}^d (1 + gamma_j omega({k z_j / n}))
 *
 * "korobov":  omega = Ktilde_alpha = 2 sum_{h>=1} cos(2 pi h x)/h^(2 alpha): the squared
 *             worst-case error in the weighted Korobov space of smoothness alpha (the P_2alpha
 *             criterion up to the factor (2 pi)^(2 alpha)/(2 alpha)!... folded into omega).
 * "sobolev":  omega = B_2(x) = x^2 - x + 1/6: the squared shift-averaged worst-case error of
 *             the randomly shifted lattice rule in the unanchored weighted Sobolev space of
 *             first order (Sloan, Kuo & Joe 2002; the criterion of Nuyens & Cools 2006).
 * (The two are the same for alpha = 1 with gamma rescaled by 2 pi^2.)
 */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";
import { bernoulliEven, shiftInvariantFactor } from "../kernels/bernoulli.js";

export type CBCCriterion = "korobov" | "sobolev";

/** omega(r / n) for r = 0..n-1. */
export function omegaTable(
  fn: string,
  criterion: CBCCriterion,
  alpha: number,
  n: number,
): Float64Array {
  const table = new Float64Array(n);
  if (criterion === "korobov") {
    if (!(Number.isInteger(alpha) && alpha >= 1 && alpha <= 4))
      throw new ValueError(fn, "alpha", "an integer in 1..4", showValue(alpha));
    for (let r = 0; r < n; r++) table[r] = shiftInvariantFactor(alpha, r / n);
  } else if (criterion === "sobolev") {
    for (let r = 0; r < n; r++) table[r] = bernoulliEven(1, r / n);
  } else {
    throw new ValueError(fn, "criterion", "'korobov' or 'sobolev'", showValue(criterion));
  }
  return table;
}
