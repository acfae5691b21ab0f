/**
 * The sampling structure the sparse decoders rest on, observed through the public oracle: for
 * U_d[l] = (B / N) sum_{Sigma^T k = l} X[k] (-1)^<k, d> to hold, each block of B samples must be
 * the coset {Sigma m ^ d} of a b-dimensional subspace (full rank Sigma), and the peeling
 * decoder's delays must be 0 and the unit vectors e_i. Also: single coefficients at extreme
 * indices, the test parity helper, and that the PRNG-drawn hashes vary every index bit.
 */
import { sparseWHT } from "@modewise/wht";
import { describe, expect, it } from "vitest";
import { popcount } from "./reference/direct.js";
import { directOracle, parity, randomSpectrum, TestRng } from "./reference/sparse-signals.js";

describe("sampling pattern", () => {
  it("asks for C * D blocks of B indices, each block a coset Sigma m ^ d of a b-dim subspace", () => {
    const n = 10;
    const spec = randomSpectrum(n, 4, new TestRng(1));
    const asked: number[] = [];
    const f = directOracle(spec);
    const r = sparseWHT(
      (j) => {
        asked.push(j);
        return f(j);
      },
      { n, sparsity: 4, bucketsLog2: 3, seed: 11 },
    );
    const B = 8;
    expect(r.samples).toBe(asked.length);
    expect(asked.length).toBe(3 * B * (n + 1));
    for (let blk = 0; blk < asked.length / B; blk++) {
      const block = asked.slice(blk * B, blk * B + B);
      // A coset of a linear subspace: x ^ y ^ z lies in it for any three members, and the B
      // members are distinct (Sigma has full column rank).
      expect(new Set(block).size).toBe(B);
      const set = new Set(block);
      for (const p of block)
        for (const q of block) expect(set.has((block[0] ^ p ^ q) >>> 0)).toBe(true);
    }
    // Delays of the peeling decoder: block 0 (d = 0) is the subspace itself (contains 0), and
    // block i + 1 is block 0 shifted by e_i.
    for (let c = 0; c < 3; c++) {
      const base = asked.slice(c * (n + 1) * B, c * (n + 1) * B + B);
      expect(base).toContain(0);
      for (let i = 0; i < n; i++) {
        const shifted = asked.slice((c * (n + 1) + 1 + i) * B, (c * (n + 1) + 2 + i) * B);
        expect(shifted).toEqual(base.map((v) => (v ^ (1 << i)) >>> 0));
      }
    }
  });

  it("a single coefficient is recovered from any of its buckets (bits from the delay signs)", () => {
    for (const k of [0, 1, 0b1011001110, 1023]) {
      const r = sparseWHT((j) => (popcount(k & j) & 1 ? -2.5 : 2.5) / 1024, { n: 10, sparsity: 1 });
      expect(Array.from(r.indices)).toEqual([k]);
      expect(r.values[0]).toBeCloseTo(2.5, 13);
    }
  });
});

describe("test helpers and PRNG-driven choices", () => {
  it("xor-folding parity equals popcount mod 2", () => {
    const rng = new TestRng(3);
    for (let t = 0; t < 2000; t++) {
      const v = Math.floor(rng.next() * 2 ** 32) >>> 0;
      expect(parity(v)).toBe(popcount(v) & 1);
    }
  });

  it("every index bit is exercised by the hashes: subsampled indices cover all n bits", () => {
    // If the PRNG gave degenerate (e.g. always-zero high) bits, some index bits would never
    // vary inside the subspaces and coefficients differing there would always collide.
    const n = 20;
    let orAll = 0;
    sparseWHT(
      (j) => {
        orAll |= j;
        return 0;
      },
      { n, sparsity: 8, seed: 123 },
    );
    expect(orAll >>> 0).toBe(2 ** n - 1);
  });
});
