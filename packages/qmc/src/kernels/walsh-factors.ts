/**
 * The one-dimensional factor of the digitally-shift-invariant kernels in base 2 (QMCPy's
 * KernelDigShiftInvar; Dick 2008 for the higher orders), evaluated at v = x XOR z in [0, 1):
 *
 *   Ktilde_1(v) = 1 - 3 * 2^floor(log2 v)                      = (1/2) sum_k wal_k(v) 4^-floor(log2 k)
 *   Ktilde_2(v) = -beta(v) v + (5/2)(1 - t_1(v)) - 1            = sum_k wal_k(v) 2^-mu_2(k)
 *   Ktilde_3(v) = beta(v) v^2 - 5(1 - t_1(v)) v + (43/18)(1 - t_2(v)) - 1
 *                                                              = sum_k wal_k(v) 2^-mu_3(k)
 *
 * with beta(v) = -floor(log2 v), t_nu(v) = 2^(-nu beta(v)), beta(0) = t_nu(0) = 0, Ktilde_1(0) = 1,
 * and mu_alpha(k) the sum of the positions (1-based from the least significant bit) of the alpha
 * most significant 1 bits of k. Each is a Walsh series with positive coefficients (positive
 * definite) and mean 0. The tests check the closed forms against the truncated series.
 */

/** floor(log2 v) for v > 0, exact at powers of two. */
export function floorLog2(v: number): number {
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--;
  else if (2 ** (e + 1) <= v) e++;
  return e;
}

export function walshFactor(alpha: number, v: number): number {
  if (v === 0) {
    if (alpha === 1) return 1;
    if (alpha === 2) return 1.5;
    return 43 / 18 - 1;
  }
  const e = floorLog2(v); // = -beta(v)
  const beta = -e;
  const t1 = 2 ** e;
  switch (alpha) {
    case 1:
      return 1 - 3 * t1;
    case 2:
      return -beta * v + 2.5 * (1 - t1) - 1;
    case 3:
      return beta * v * v - 5 * (1 - t1) * v + (43 / 18) * (1 - t1 * t1) - 1;
    default:
      throw new RangeError(`walshFactor: alpha ${alpha} not in 1..3`);
  }
}
