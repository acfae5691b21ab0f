/** Tie-breaking shared by the CBC searches (direct, fast prime, fast power of two). */
/**
 * Exact ties are common (e.g. z and a z' with z z' = -1 mod n often give congruent lattices), and
 * round-off would break them arbitrarily, differently in the fast and direct searches. So every
 * score within `tieTolerance` of the minimum counts as a tie and the smallest such z wins: the
 * tolerance bounds the round-off of a score (FFT: ~ eps log2(n) sum|p| max|omega|; the direct
 * sum is more accurate), times a safety factor 64.
 */
export function tieTolerance(p: Float64Array, omega: Float64Array, n: number): number {
  let sp = 0;
  for (let k = 0; k < n; k++) sp += Math.abs(p[k]);
  let mw = 0;
  for (let r = 0; r < n; r++) mw = Math.max(mw, Math.abs(omega[r]));
  return 64 * Number.EPSILON * Math.max(1, Math.log2(n)) * sp * mw;
}

/** The smallest candidate whose score is within the tie tolerance of the minimum. */
export function pickSmallestNearMinimum(
  candidates: Int32Array,
  scores: Float64Array,
  count: number,
  tol: number,
): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) min = Math.min(min, scores[i]);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++)
    if (scores[i] <= min + tol && candidates[i] < best) best = candidates[i];
  return best;
}
