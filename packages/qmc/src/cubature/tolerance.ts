/**
 * From a guaranteed (or confidence) interval [lo, hi] for the integral mu to the estimate and
 * the stopping decision, for the combined tolerance tol(mu) = max(absTol, relTol |mu|)
 * (QMCPy's "EITHER" error criterion; Hickernell, Jimenez Rugama & Li 2018).
 *
 * We want muHat with |mu - muHat| <= tol(mu) for every mu in [lo, hi]. For relTol < 1 both
 * mu - tol(mu) and mu + tol(mu) are nondecreasing in mu, so the condition is exactly
 *   hi - tol(hi) <= muHat <= lo + tol(lo),
 * which is feasible iff hi - lo <= tol(lo) + tol(hi); the midpoint of that range,
 *   muHat = (lo + hi + tol(lo) - tol(hi)) / 2,
 * is the estimate (equal to the interval's centre when relTol = 0).
 */
export interface ToleranceDecision {
  estimate: number;
  converged: boolean;
}

export function toleranceAt(mu: number, absTol: number, relTol: number): number {
  return Math.max(absTol, relTol * Math.abs(mu));
}

export function decide(lo: number, hi: number, absTol: number, relTol: number): ToleranceDecision {
  const tLo = toleranceAt(lo, absTol, relTol);
  const tHi = toleranceAt(hi, absTol, relTol);
  return { estimate: 0.5 * (lo + hi + tLo - tHi), converged: hi - lo <= tLo + tHi };
}
