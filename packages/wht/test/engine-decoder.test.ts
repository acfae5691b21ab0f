/**
 * Unit tests of the sparse decoder's stages (imported from src/): the seeded random bits, the
 * bucket classifier (zero-/single-/multi-ton, including the
 * Sigma^T k = l consistency test that the end-to-end tests cannot isolate), and the noise
 * estimate against a known variance.
 */
import { describe, expect, it } from "vitest";
import { classify, estimateNoiseVariance, MULTI, SINGLE, ZERO } from "../src/sparse/classify.js";
import { bucketOf, type HashMatrix, parity } from "../src/sparse/gf2.js";
import { delaySet } from "../src/sparse/hashing.js";
import { seededBits } from "../src/sparse/sampling.js";
import { TestRng } from "./reference/sparse-signals.js";

describe("random bits for hashes and delays", () => {
  it("seeded Philox bits: reproducible, distinct per seed, in range, uniform per bit", () => {
    const a = seededBits(42);
    const b = seededBits(42);
    const c = seededBits(43);
    const xs = Array.from({ length: 5 }, () => a.nextBits(32));
    expect(Array.from({ length: 5 }, () => b.nextBits(32))).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextBits(32))).not.toEqual(xs);
    expect(a.nextBits(0)).toBe(0);
    const m = 20_000;
    const ones = new Float64Array(20);
    for (let i = 0; i < m; i++) {
      const v = a.nextBits(20);
      expect(v >= 0 && v < 2 ** 20).toBe(true);
      for (let j = 0; j < 20; j++) ones[j] += (v >>> j) & 1;
    }
    // Each bit is Bernoulli(1/2): standard error sqrt(m)/2 ~ 71 ones; 5 sigma.
    for (const k of ones) expect(Math.abs(k - m / 2)).toBeLessThan(5 * Math.sqrt(m) * 0.5);
  });
});

describe("bucket classifier (noiseless thresholds)", () => {
  const n = 6;
  const delays = delaySet(n, 1, null); // 0, e_0 .. e_5
  const sigma: HashMatrix = { columns: Uint32Array.from([0b000011, 0b010100]) }; // b = 2
  const thresholds = { noiseVar: 0, floor: 1e-12, margin: 5 };
  const observe = (terms: [number, number][]): Float64Array =>
    Float64Array.from(delays, (d) => terms.reduce((s, [k, v]) => s + (parity(k & d) ? -v : v), 0));

  it("single-ton: index from the delay signs, amplitude exact", () => {
    for (const k of [0, 1, 0b101101, 63]) {
      const l = bucketOf(sigma, k);
      const r = classify(observe([[k, 0.75]]), n, delays, sigma, l, thresholds);
      expect(r.kind).toBe(SINGLE);
      expect(r.k).toBe(k);
      expect(r.alpha).toBe(0.75);
    }
  });

  it("zero-ton and multi-ton", () => {
    expect(classify(new Float64Array(n + 1), n, delays, sigma, 0, thresholds).kind).toBe(ZERO);
    const k1 = 0b000001;
    const k2 = 0b000010; // both hash to bucket 1 of sigma
    expect(bucketOf(sigma, k1)).toBe(bucketOf(sigma, k2));
    const r = classify(
      observe([
        [k1, 1],
        [k2, 0.5],
      ]),
      n,
      delays,
      sigma,
      bucketOf(sigma, k1),
      thresholds,
    );
    expect(r.kind).toBe(MULTI);
  });

  it("a perfect single-ton pattern in the WRONG bucket is not a single-ton", () => {
    const k = 0b000001;
    const wrong = (bucketOf(sigma, k) + 1) % 4;
    expect(classify(observe([[k, 1]]), n, delays, sigma, wrong, thresholds).kind).toBe(MULTI);
  });
});

describe("noise estimate", () => {
  it("median fit residual recovers the variance of pure-noise buckets within 10%", () => {
    const n = 10;
    const delays = delaySet(n, 3, seededBits(1));
    const B = 256;
    const rng = new TestRng(9);
    const variance = 2.5;
    const buckets = [0, 1, 2].map(() =>
      Float64Array.from({ length: delays.length * B }, () => Math.sqrt(variance) * rng.gauss()),
    );
    const est = estimateNoiseVariance(buckets, B, n, delays);
    expect(Math.abs(est / variance - 1)).toBeLessThan(0.1);
  });
});
