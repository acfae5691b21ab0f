/**
 * Digital nets base 2 / Sobol': unrandomized points bit-identical to scipy.stats.qmc.Sobol
 * (fixtures/generators-scipy.json, scripts/make-generator-fixtures.py) and to QMCPy's vectors;
 * generating matrices against an independent recomputation of the Sobol' recurrence on the
 * integers m_k (BigInt); the net property (stratification) for every randomization.
 */
import { DigitalNetB2, type NetRandomize, Rng, Sobol } from "@modewise/qmc";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { joeKuoParameters } from "../src/data/directions.js";
import {
  boxCounts,
  CHI2_9DOF_1E6,
  chiSquare,
  intervalCounts,
  scipyFixtures,
  sortedRows,
} from "./generators-helpers.js";

const RANDOMIZATIONS: NetRandomize[] = ["none", "DS", "LMS", "LMS_DS", "NUS"];

describe("Sobol' reference points", () => {
  it("matches QMCPy's 2-D first 8 points (Gray order)", () => {
    const x = new Sobol(2, { randomize: "none", order: "gray" }).gen(8);
    expect(Array.from(x)).toEqual([
      0, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375, 0.875, 0.875, 0.625, 0.125, 0.125,
      0.625,
    ]);
  });

  it("natural order is the radical-inverse order (van der Corput in dimension 1)", () => {
    const x = new Sobol(2, { randomize: "none" }).gen(8);
    expect(Array.from(x)).toEqual([
      0, 0, 0.5, 0.5, 0.25, 0.75, 0.75, 0.25, 0.125, 0.625, 0.625, 0.125, 0.375, 0.375, 0.875,
      0.875,
    ]);
  });

  it("matches QMCPy's higher-order (alpha = 2) net, d = 3, 4 points, 32 and 64 bits", () => {
    const expected = [0, 0, 0, 0.75, 0.75, 0.75, 0.4375, 0.9375, 0.1875, 0.6875, 0.1875, 0.9375];
    for (const bits of [32, 64] as const) {
      const x = new Sobol(3, { randomize: "none", alpha: 2, bits }).gen(4);
      expect(Array.from(x)).toEqual(expected);
    }
  });

  it("is bit-identical to scipy Sobol(d=50, scramble=False), first 1024 points", () => {
    const f = scipyFixtures().sobol50;
    const x = new Sobol(50, { randomize: "none", order: "gray" }).gen(f.n);
    // scipy keeps 30 digits; for i < 2^30 only the top 30 digits are nonzero, so x * 2^30 is
    // an integer and must equal scipy's exactly.
    const mismatches = f.x.filter((v, e) => x[e] * 2 ** 30 !== v).length;
    expect(mismatches).toBe(0);
  });

  it("is bit-identical to scipy Sobol(d=21201) at indices 0..7, 70001, 70002", () => {
    const f = scipyFixtures().sobol21201;
    const net = new Sobol(21201, { randomize: "none", order: "gray" });
    const head = net.gen(8);
    const far = net.gen(2, { start: 70001 });
    let mismatches = 0;
    f.indices.forEach((index, r) => {
      const src = index < 8 ? head : far;
      const row = index < 8 ? index : index - 70001;
      f.dims.forEach((d, c) => {
        if (src[row * 21201 + d] * 2 ** 30 !== f.x[r * f.dims.length + c]) mismatches++;
      });
    });
    expect(mismatches).toBe(0);
  });
});

describe("points against the direct definition x = C bits(index)", () => {
  it("natural and Gray order, any start (up to the last index 2^32 - 1), 32 and 64 bits", () => {
    const dim = 9;
    for (const order of ["natural", "gray"] as const) {
      for (const bits of [32, 64] as const) {
        const net = new Sobol(dim, { randomize: "none", order, bits });
        for (const start of [0, 5, 1023, 2 ** 31 - 3, 2 ** 32 - 11]) {
          const x = net.gen(11, { start });
          for (let r = 0; r < 11; r++) {
            const index = start + r;
            const g = order === "gray" ? (index ^ (index >>> 1)) >>> 0 : index;
            for (let j = 0; j < dim; j++) {
              let v = 0;
              for (let k = 0; k < 32; k++) if ((g >>> k) & 1) v ^= net.matrices[j * 32 + k];
              expect(x[r * dim + j]).toBe((v >>> 0) / 2 ** 32);
            }
          }
        }
      }
    }
  });
});

describe("generating matrices", () => {
  /** m_k by the defining recurrence on integers (Bratley & Fox 1988), independent of ours:
   * m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^{s-1} a_{s-1} m_{k-s+1} ^ 2^s m_{k-s} ^ m_{k-s} */
  function directionIntegers(dimension: number): bigint[] {
    const { s, a, m } = joeKuoParameters(dimension);
    const mk = m.map(BigInt);
    for (let k = s; k < 32; k++) {
      let v = mk[k - s] ^ (mk[k - s] << BigInt(s));
      for (let i = 1; i < s; i++) if ((a >> (s - 1 - i)) & 1) v ^= mk[k - i] << BigInt(i);
      mk.push(v);
    }
    return mk;
  }

  it("columns equal m_k * 2^(32-k) for dimensions 1..40 and 21190..21201", () => {
    const dims = [...Array.from({ length: 40 }, (_, i) => i + 1), 21190, 21200, 21201];
    const net = new Sobol(21201, { randomize: "none" });
    for (const d of dims) {
      for (let k = 1; k <= 32; k++) {
        const expected =
          d === 1 ? 2n ** BigInt(32 - k) : directionIntegers(d)[k - 1] << BigInt(32 - k);
        expect(BigInt(net.matrices[(d - 1) * 32 + k - 1])).toBe(expected);
      }
    }
  });

  it("decodes the packed Joe-Kuo table exactly (checksums of the text file)", () => {
    // sums over new-joe-kuo-6.21201: s, a, m_i, and sum_d d * sum_k k * m_k (Python, exact).
    let S = 0;
    let A = 0;
    let M = 0;
    let W = 0;
    for (let d = 2; d <= 21201; d++) {
      const p = joeKuoParameters(d);
      S += p.s;
      A += p.a;
      p.m.forEach((m, k) => {
        M += m;
        W += d * (k + 1) * m;
      });
    }
    expect([S, A, M, W]).toEqual([354613, 815822892, 3277747003, 771518086205191]);
  });
});

describe("randomizations keep the net property", () => {
  const m = 10;
  const n = 2 ** m;
  for (const randomize of RANDOMIZATIONS) {
    for (const bits of [32, 64] as const) {
      it(`${randomize}, ${bits} bits: 1-D strata and (0,m,2)-net of the first two dims`, () => {
        const dim = 6;
        const net = new Sobol(dim, { randomize, bits, seed: 11 });
        // Any aligned block of 2^m points of a digital sequence is a net: test blocks 0 and 3.
        for (const start of [0, 3 * n]) {
          const x = net.gen(n, { start });
          for (let j = 0; j < dim; j++)
            expect(intervalCounts(x, dim, j, n).every((c) => c === 1)).toBe(true);
          for (let m1 = 0; m1 <= m; m1++) {
            const counts = boxCounts(x, dim, 0, 2 ** m1, 1, 2 ** (m - m1));
            expect(counts.every((c) => c === 1)).toBe(true);
          }
        }
      });
    }
  }

  it("a net that is NOT a (0,m,2)-net fails the same check (the check can fail)", () => {
    // Dimensions 1 and 1 again: every point lies on the diagonal, so a 2 x 2^(m-1) grid
    // leaves boxes empty.
    const cols = new Sobol(1, { randomize: "none" }).matrices;
    const twice = new Uint32Array(64);
    twice.set(cols);
    twice.set(cols, 32);
    const x = new DigitalNetB2(2, { matrices: twice, randomize: "none" }).gen(2 ** m);
    expect(boxCounts(x, 2, 0, 2, 1, 2 ** (m - 1)).every((c) => c === 1)).toBe(false);
  });

  for (const randomize of RANDOMIZATIONS) {
    it(`Gray order gives the same set as natural order (${randomize})`, () => {
      const a = new Sobol(5, { randomize, seed: 3 }).gen(256);
      const b = new Sobol(5, { randomize, seed: 3, order: "gray" }).gen(256);
      expect(sortedRows(b, 5)).toEqual(sortedRows(a, 5));
    });
  }
});

/**
 * The t-value of n = 2^m points in the first s coordinates: the least t such that every
 * elementary interval prod_j [a_j 2^-k_j, (a_j + 1) 2^-k_j) with sum k_j = m - t holds exactly
 * 2^t points (counted by binning floor(x_j 2^k_j), exact for dyadic x).
 */
function tValue(x: Float64Array, dim: number, s: number, m: number): number {
  const n = 2 ** m;
  const compositions = (total: number, parts: number): number[][] =>
    parts === 1
      ? [[total]]
      : Array.from({ length: total + 1 }, (_, k) =>
          compositions(total - k, parts - 1).map((rest) => [k, ...rest]),
        ).flat();
  for (let t = 0; t <= m; t++) {
    let ok = true;
    for (const ks of compositions(m - t, s)) {
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        let box = 0;
        for (let j = 0; j < s; j++)
          box = box * 2 ** ks[j] + Math.floor(x[i * dim + j] * 2 ** ks[j]);
        counts.set(box, (counts.get(box) ?? 0) + 1);
      }
      if (counts.size !== 2 ** (m - t) || [...counts.values()].some((c) => c !== 2 ** t)) {
        ok = false;
        break;
      }
    }
    if (ok) return t;
  }
  return m;
}

describe("t-value of every elementary interval", () => {
  it("first 4 dimensions, 2^8 points: every randomization keeps the unrandomized t-value", () => {
    const m = 8;
    const plain = tValue(new Sobol(4, { randomize: "none" }).gen(2 ** m), 4, 4, m);
    expect(plain).toBeLessThan(m); // a real net, not the trivial bound
    for (const randomize of RANDOMIZATIONS) {
      for (const bits of [32, 64] as const) {
        const x = new Sobol(4, { randomize, bits, seed: 21 }).gen(2 ** m, { start: 2 ** m });
        expect(tValue(x, 4, 4, m)).toBe(plain);
      }
    }
    // i.i.d. uniform points are not a net with that t (the check can fail)
    const rng = new Rng(1);
    const iid = Float64Array.from({ length: 4 * 2 ** m }, () => rng.nextFloat());
    expect(tValue(iid, 4, 4, m)).toBeGreaterThan(plain);
  });
});

describe("randomization structure and reproducibility", () => {
  const toInt = (x: number) => x * 2 ** 32;

  it("DS xors every point of a dimension with the same 32-bit shift", () => {
    const plain = new Sobol(4, { randomize: "none" }).gen(64);
    const shifted = new Sobol(4, { randomize: "DS", seed: 5 }).gen(64);
    for (let j = 0; j < 4; j++) {
      const shift = (toInt(shifted[j]) ^ toInt(plain[j])) >>> 0;
      expect(shift).not.toBe(0);
      for (let i = 0; i < 64; i++)
        expect((toInt(shifted[i * 4 + j]) ^ toInt(plain[i * 4 + j])) >>> 0).toBe(shift);
    }
  });

  for (const randomize of ["LMS", "NUS"] as const) {
    it(`${randomize} maps equal leading digits to equal leading digits (nested / lower-triangular)`, () => {
      const plain = new Sobol(3, { randomize: "none" }).gen(512);
      const scr = new Sobol(3, { randomize, seed: 9 }).gen(512);
      let changed = 0;
      for (let r = 1; r <= 9; r++) {
        const seen = new Map<number, number>();
        for (let i = 0; i < 512 * 3; i++) {
          const p = Math.floor(plain[i] * 2 ** r) + (i % 3) * 1024;
          const s = Math.floor(scr[i] * 2 ** r);
          const prev = seen.get(p);
          if (prev === undefined) seen.set(p, s);
          else expect(s).toBe(prev);
        }
      }
      for (let i = 0; i < 512 * 3; i++) if (plain[i] !== scr[i]) changed++;
      expect(changed).toBeGreaterThan(500);
    });
  }

  it("64-bit digits: unrandomized equals 32-bit; LMS_DS fills digits beyond 32", () => {
    const a = new Sobol(8, { randomize: "none", bits: 64 }).gen(256);
    const b = new Sobol(8, { randomize: "none", bits: 32 }).gen(256);
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = new Sobol(8, { randomize: "LMS_DS", bits: 64, seed: 2 }).gen(256);
    const offGrid = Array.from(c).filter((v) => !Number.isInteger(v * 2 ** 32)).length;
    expect(offGrid).toBeGreaterThan(2000); // about all of 2048 (probability 2^-21 per value)
    expect(c.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("same seed reproduces, spawn(seed) equals construction with that seed, seeds differ", () => {
    const a = new Sobol(5, { seed: 42 }).gen(32);
    expect(Array.from(new Sobol(5, { seed: 42 }).gen(32))).toEqual(Array.from(a));
    expect(Array.from(new Sobol(5, { seed: 1 }).spawn(42).gen(32))).toEqual(Array.from(a));
    const b = new Sobol(5, { seed: 43 }).gen(32);
    expect(Array.from(b)).not.toEqual(Array.from(a));
    expect(new Sobol(5, { seed: 1 }).spawn(42)).toBeInstanceOf(Sobol);
  });

  for (const randomize of ["DS", "LMS_DS", "NUS"] as const) {
    it(`${randomize}: point 5 over 2000 seeds is uniform (chi-square, 10 bins, p = 1e-6)`, () => {
      const counts = new Uint32Array(10);
      for (let seed = 0; seed < 2000; seed++) {
        const x = new Sobol(2, { randomize, seed }).gen(1, { start: 5 });
        counts[Math.floor(x[1] * 10)]++;
      }
      expect(chiSquare(counts)).toBeLessThan(CHI2_9DOF_1E6);
    });
  }
});

describe("argument checks", () => {
  it("rejects bad dimensions, options and ranges with ValueError naming the argument", () => {
    expect(() => new Sobol(21202)).toThrow(ValueError);
    expect(() => new Sobol(0)).toThrow(/dim/);
    expect(() => new Sobol(10601, { alpha: 2 })).toThrow(/dim/);
    expect(() => new Sobol(2, { alpha: 0 })).toThrow(/alpha/);
    expect(() => new Sobol(2, { bits: 16 as 32 })).toThrow(/bits/);
    expect(() => new Sobol(2, { randomize: "owen" as NetRandomize })).toThrow(/randomize/);
    expect(() => new Sobol(2, { seed: -1 })).toThrow(/seed/);
    expect(() => new Sobol(2).gen(2, { start: 2 ** 32 - 1 })).toThrow(/start \+ n/);
    expect(() => new Sobol(2).gen(1.5)).toThrow(/'n'/);
    expect(() => new DigitalNetB2(1, { matrices: [1, 2, 3] })).toThrow(/matrices/);
  });
});
