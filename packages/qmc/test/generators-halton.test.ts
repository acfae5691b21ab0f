/**
 * Halton: unrandomized points bit-identical to scipy.stats.qmc.Halton(scramble=False) and to
 * QMCPy's vector, within a proven round-off bound of the exact radical inverse (BigInt), and the
 * stratification every digit-wise randomization must keep.
 */
import { Halton, type HaltonRandomize } from "@modewise/qmc";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { DigitScrambler, LazyPermutation } from "../src/randomize/digit-scramble.js";
import { Rng } from "../src/rng.js";
import { CHI2_9DOF_1E6, chiSquare, scipyFixtures } from "./generators-helpers.js";

const RANDOMIZATIONS: HaltonRandomize[] = [
  "none",
  "LMS_PERM",
  "LMS_DS",
  "LMS",
  "PERM",
  "DS",
  "NUS",
];

describe("unrandomized Halton", () => {
  it("matches QMCPy's first 4 points", () => {
    const x = new Halton(2, { randomize: "none" }).gen(4);
    expect(Array.from(x)).toEqual([0, 0, 0.5, 1 / 3, 0.25, 2 / 3, 0.75, 1 / 9]);
  });

  it("is bit-identical to scipy Halton(d=20, scramble=False): 512 points and from 100003", () => {
    const f = scipyFixtures();
    const h = new Halton(20, { randomize: "none" });
    expect(Array.from(h.gen(f.halton20.n))).toEqual(f.halton20.x);
    expect(Array.from(h.gen(f.halton20_ff.n, { start: f.halton20_ff.start }))).toEqual(
      f.halton20_ff.x,
    );
  });

  it("is within (2K+2) 2^-53 of the exact radical inverse (K digits), bases up to 7919", () => {
    // f_k = 1/b^k by k roundings (relative error <= k u), d_k f_k one more, and K additions of
    // partial sums < 1 (absolute error <= u each): |error| <= (K+1) u x + K u <= (2K+1) u to
    // first order; one extra u covers the second-order terms. u = 2^-53.
    const h = new Halton(1000, { randomize: "none" });
    const starts = [0, 977, 65536, 4294967000];
    for (const start of starts) {
      const x = h.gen(3, { start });
      for (let r = 0; r < 3; r++) {
        for (let j = 0; j < 1000; j += 37) {
          const b = BigInt(h.bases[j]);
          let q = BigInt(start + r);
          let num = 0n;
          let den = 1n;
          let K = 0;
          while (q > 0n) {
            num = num * b + (q % b);
            den *= b;
            q /= b;
            K++;
          }
          // exact num/den to 80 bits, compared in units of 2^-80
          const exact80 = (num << 80n) / den;
          const ours80 = BigInt(Math.round(x[r * 1000 + j] * 2 ** 53)) << 27n;
          const diff = Number(ours80 > exact80 ? ours80 - exact80 : exact80 - ours80) * 2 ** -80;
          expect(diff).toBeLessThanOrEqual((2 * K + 2) * 2 ** -53);
        }
      }
    }
  });

  it("uses the first 1000 primes as bases", () => {
    const bases = new Halton(1000, { randomize: "none" }).bases;
    expect([bases[0], bases[1], bases[2], bases[99], bases[999]]).toEqual([2, 3, 5, 541, 7919]);
    const composite = Array.from(bases).filter((p) => {
      for (let d = 2; d * d <= p; d++) if (p % d === 0) return true;
      return false;
    });
    expect(composite).toEqual([]);
    expect(new Set(bases).size).toBe(1000);
  });
});

describe("randomizations keep the Halton stratification", () => {
  for (const randomize of RANDOMIZATIONS) {
    it(`${randomize}: 1-D strata of b^m points, 2-D boxes of 72 = 2^3 3^2 consecutive points`, () => {
      const h = new Halton(4, { randomize, seed: 17 });
      // Point i is k / b^m + tail with tail = b^-m (radical inverse of floor(i / b^m)) or a
      // random tail: the starts below make floor(i / b^m) >= 1, so tail >= b^-(m+K) is far
      // above the round-off (~1e-16) and floor(x * b^m) is the exact stratum.
      const cell = (x: number, cells: number) => Math.floor(x * cells);
      const x = h.gen(625, { start: 1000 });
      for (const [j, b, m] of [
        [0, 2, 9],
        [1, 3, 5],
        [2, 5, 4],
        [3, 7, 3],
      ]) {
        const cells = b ** m;
        const counts = new Uint32Array(cells);
        for (let i = 0; i < cells; i++) counts[cell(x[i * 4 + j], cells)]++;
        expect(counts.every((c) => c === 1)).toBe(true);
      }
      const y = h.gen(72, { start: 31 });
      const boxes = new Uint32Array(72);
      for (let i = 0; i < 72; i++) boxes[cell(y[i * 4], 8) * 9 + cell(y[i * 4 + 1], 9)]++;
      expect(boxes.every((c) => c === 1)).toBe(true);
    });
  }

  it("the stratification check can fail: 72 points of bases 2 and 3 need 8 x 9 cells, not 9 x 8", () => {
    const y = new Halton(2, { randomize: "none" }).gen(72);
    const boxes = new Uint32Array(72);
    for (let i = 0; i < 72; i++)
      boxes[Math.floor(y[i * 2] * 9) * 8 + Math.floor(y[i * 2 + 1] * 8)]++;
    expect(boxes.every((c) => c === 1)).toBe(false);
  });

  for (const randomize of ["LMS_PERM", "LMS_DS", "PERM", "DS", "NUS"] as const) {
    it(`${randomize}: point 5, base 3, over 2000 seeds is uniform (chi-square, p = 1e-6)`, () => {
      const counts = new Uint32Array(10);
      for (let seed = 0; seed < 2000; seed++) {
        const x = new Halton(2, { randomize, seed }).gen(1, { start: 5 });
        counts[Math.floor(x[1] * 10)]++;
      }
      expect(chiSquare(counts)).toBeLessThan(CHI2_9DOF_1E6);
    });
  }

  it("reproducible by seed, spawn, points in [0,1), differs from unrandomized", () => {
    for (const randomize of RANDOMIZATIONS.slice(1)) {
      const a = new Halton(5, { randomize, seed: 4 }).gen(50);
      expect(Array.from(new Halton(5, { randomize, seed: 0 }).spawn(4).gen(50))).toEqual(
        Array.from(a),
      );
      expect(Array.from(new Halton(5, { randomize, seed: 5 }).gen(50))).not.toEqual(Array.from(a));
      expect(Array.from(new Halton(5, { randomize: "none" }).gen(50))).not.toEqual(Array.from(a));
      expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    }
  });
});

describe("incremental digit scrambling", () => {
  it("NUS node permutations are permutations, uniform at each position (chi-square)", () => {
    for (const b of [2, 3, 11, 541, 7919]) {
      const p = new LazyPermutation(b);
      for (const node of [0, 1, 0xdeadbeef]) {
        const image = Array.from({ length: b }, (_, d) => p.valueAt(node, d));
        expect(new Set(image).size).toBe(b);
        expect(Math.max(...image)).toBe(b - 1);
      }
    }
    // pi(4) over 22000 node keys, base 11 (11 bins)
    const p = new LazyPermutation(11);
    const counts = new Uint32Array(11);
    for (let node = 0; node < 22000; node++) counts[p.valueAt(node * 7919, 4)]++;
    // 10 degrees of freedom: scipy.stats.chi2.isf(1e-6, 10) = 46.86
    expect(chiSquare(counts)).toBeLessThan(46.86);
  });

  it("run() (odometer, incremental L d) equals value(i) (direct digits and L d) per index", () => {
    // Both form the same output digits exactly (integers mod b); value() sums them by Horner
    // (2 roundings a digit), run() with weights b^-(r+1) (r+1 roundings each, then t additions):
    // |difference| <= (4t + 2) 2^-53.
    for (const b of [2, 3, 7, 541]) {
      for (const spec of [
        { lms: true, perm: true, ds: false, nus: false },
        { lms: true, perm: false, ds: true, nus: false },
        { lms: false, perm: true, ds: false, nus: false },
        { lms: false, perm: false, ds: true, nus: false },
        { lms: false, perm: false, ds: false, nus: true },
      ]) {
        const s = new DigitScrambler(b, spec, new Rng(b));
        const start = b ** 3 - 5; // crosses carries into the 4th digit
        const out = new Float64Array(600);
        s.run(start, 600, out, 0, 1);
        let worst = 0;
        for (let i = 0; i < 600; i++)
          worst = Math.max(worst, Math.abs(out[i] - s.value(start + i)));
        expect(worst).toBeLessThanOrEqual((4 * s.t + 2) * 2 ** -53);
      }
    }
  });
});

describe("argument checks", () => {
  it("rejects bad input with ValueError naming the argument", () => {
    expect(() => new Halton(1001)).toThrow(ValueError);
    expect(() => new Halton(2, { randomize: "OWEN" as HaltonRandomize })).toThrow(/randomize/);
    expect(() => new Halton(2).gen(3, { start: 2 ** 32 - 2 })).toThrow(/start \+ n/);
    expect(() => new Halton(2).gen(-1)).toThrow(/'n'/);
  });
});
