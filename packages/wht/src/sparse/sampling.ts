/**
 * Sampling plan of the sparse WHT: which signal indices the oracle is asked for, and the
 * B-point transforms that turn those samples into bucket observations.
 * Layout of the sample (and bucket) array: [hash c][delay d][m], m in [0, B).
 */

import { Generator } from "@modewise/tensor";
import { fwhtNaturalBlock } from "../dense/butterfly.js";
import { type HashMatrix, subsampleTable } from "./gf2.js";
import { delaySet, type RandomBits, randomHashMatrix } from "./hashing.js";
import type { ResolvedSparseOptions } from "./options.js";

export interface SamplingPlan {
  n: number;
  b: number;
  hashes: HashMatrix[];
  delays: Uint32Array;
  /** Every oracle index, in the [hash][delay][m] layout. */
  indices: Uint32Array;
}

/**
 * Random bits from the tensor core's Philox4x32-10 stream of `seed` (the generator every
 * Modewise package shares): one 32-bit word per draw, its top `bits` bits.
 */
export function seededBits(seed: number): RandomBits {
  const g = new Generator(seed);
  return {
    nextBits: (bits) => (bits === 0 ? 0 : g.words(1)[0] >>> (32 - Math.min(bits, 32))),
  };
}

export function makePlan(o: ResolvedSparseOptions): SamplingPlan {
  const rng = seededBits(o.seed);
  const hashes: HashMatrix[] = [];
  for (let c = 0; c < o.hashes; c++) hashes.push(randomHashMatrix(o.n, o.b, rng));
  const delays = delaySet(o.n, o.repetitions, o.decoder === "spright" ? rng : null);
  const B = 2 ** o.b;
  const D = delays.length;
  const indices = new Uint32Array(o.hashes * D * B);
  hashes.forEach((sigma, c) => {
    const table = subsampleTable(sigma);
    for (let d = 0; d < D; d++) {
      const base = (c * D + d) * B;
      const delay = delays[d];
      for (let m = 0; m < B; m++) indices[base + m] = (table[m] ^ delay) >>> 0;
    }
  });
  return { n: o.n, b: o.b, hashes, delays, indices };
}

/**
 * Bucket observations of one hash: the B-point WHT of each delay's subsampled block,
 * U_c[d * B + l] = (B / N) sum_{Sigma_c^T k = l} X[k] (-1)^<k, d_d>.
 */
export function bucketsFromSamples(plan: SamplingPlan, samples: Float64Array): Float64Array[] {
  const B = 2 ** plan.b;
  const D = plan.delays.length;
  const out: Float64Array[] = [];
  for (let c = 0; c < plan.hashes.length; c++) {
    const u = samples.slice(c * D * B, (c + 1) * D * B);
    for (let d = 0; d < D; d++) fwhtNaturalBlock(u, d * B, plan.b);
    out.push(u);
  }
  return out;
}
