/** The direct CBC search for any n: O(n) per admissible z, O(n phi(n)/2) per component. */
import { pickSmallestNearMinimum, tieTolerance } from "./ties.js";

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Direct search: score(z) = sum_k p(k) omega(kz mod n) for every admissible z. */
export function directChoice(p: Float64Array, omega: Float64Array, n: number): number {
  const candidates = new Int32Array(Math.floor(n / 2));
  const scores = new Float64Array(candidates.length);
  let count = 0;
  for (let z = 1; z <= n / 2; z++) {
    if (gcd(z, n) !== 1) continue;
    let score = 0;
    let r = 0; // k z mod n, updated by addition (no multiplication, no overflow)
    for (let k = 0; k < n; k++) {
      score += p[k] * omega[r];
      r += z;
      if (r >= n) r -= n;
    }
    candidates[count] = z;
    scores[count++] = score;
  }
  return pickSmallestNearMinimum(candidates, scores, count, tieTolerance(p, omega, n));
}
