/**
 * Peeling across hashes. Every single-ton found in one hash is a recovered coefficient (k, X);
 * its contribution (B/N) X (-1)^<k, d> is subtracted from bucket Sigma_c^T k of EVERY hash c,
 * which can turn multi-tons elsewhere into single-tons. Sweeps repeat until one finds nothing.
 * Only buckets touched since their last test are re-tested (the `dirty` flags), so a sweep
 * costs O(changed buckets * D), not O(C B D).
 */

import { classify, gather, MULTI, SINGLE, type Thresholds, ZERO } from "./classify.js";
import { bucketOf, parity } from "./gf2.js";
import type { SamplingPlan } from "./sampling.js";

export interface PeelingOutcome {
  /** Recovered coefficients, unnormalized convention X = H x. */
  coefficients: Map<number, number>;
  iterations: number;
  /** Buckets (over all hashes) not classified as zero-tons at the end. */
  unresolved: number;
}

export function peel(
  plan: SamplingPlan,
  buckets: Float64Array[],
  thresholds: Thresholds[],
  maxIterations: number,
): PeelingOutcome {
  const B = 2 ** plan.b;
  const N = 2 ** plan.n;
  const D = plan.delays.length;
  const C = plan.hashes.length;
  const a = B / N;
  const kind = new Uint8Array(C * B).fill(MULTI);
  const dirty = new Uint8Array(C * B).fill(1);
  const coefficients = new Map<number, number>();
  const y = new Float64Array(D);
  const signs = new Float64Array(D);

  const subtract = (k: number, alpha: number): void => {
    for (let d = 0; d < D; d++) signs[d] = parity(k & plan.delays[d]) ? -alpha : alpha;
    for (let c = 0; c < C; c++) {
      const l = bucketOf(plan.hashes[c], k);
      const u = buckets[c];
      for (let d = 0; d < D; d++) u[d * B + l] -= signs[d];
      dirty[c * B + l] = 1;
    }
  };

  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    let found = 0;
    for (let c = 0; c < C; c++) {
      for (let l = 0; l < B; l++) {
        const slot = c * B + l;
        if (!dirty[slot]) continue;
        dirty[slot] = 0;
        gather(buckets[c], B, l, y);
        const r = classify(y, plan.n, plan.delays, plan.hashes[c], l, thresholds[c]);
        kind[slot] = r.kind;
        if (r.kind !== SINGLE) continue;
        found++;
        // A coefficient found again (a noisy remainder) is refined, not duplicated.
        coefficients.set(r.k, (coefficients.get(r.k) ?? 0) + r.alpha / a);
        subtract(r.k, r.alpha);
      }
    }
    if (found === 0) break;
  }
  // Anything still dirty after the last sweep was changed by it: classify once more.
  let unresolved = 0;
  for (let c = 0; c < C; c++) {
    for (let l = 0; l < B; l++) {
      const slot = c * B + l;
      if (dirty[slot]) {
        gather(buckets[c], B, l, y);
        kind[slot] = classify(y, plan.n, plan.delays, plan.hashes[c], l, thresholds[c]).kind;
      }
      if (kind[slot] !== ZERO) unresolved++;
    }
  }
  return { coefficients, iterations, unresolved };
}
