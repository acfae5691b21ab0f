/**
 * CBC lattice construction: the reported error equals the direct formula (written here from
 * the Fourier-series definition of the criterion, independent of the package's tables); fast
 * (prime n, FFT) and direct searches agree with a naive greedy search written here at every
 * component; the global brute-force optimum over all vectors is <= the CBC error; the CBC error
 * is <= the exact average over all vectors (a theorem for prime n) and beats random vectors.
 */
import { cbcLattice, Lattice, latticeWorstCaseError } from "@modewise/qmc";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "./cubature-helpers.js";

/** omega for "korobov" alpha = 1: 2 pi^2 B_2(x) (the Fourier series sums to this). */
const omegaKorobov1 = (x: number) => 2 * Math.PI ** 2 * (x * x - x + 1 / 6);
/** omega for "sobolev": B_2(x). */
const omegaSobolev = (x: number) => x * x - x + 1 / 6;

function directSquaredError(
  z: ArrayLike<number>,
  n: number,
  gamma: readonly number[],
  omega: (x: number) => number,
): number {
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = 1;
    for (let j = 0; j < z.length; j++) p *= 1 + gamma[j] * omega(((k * z[j]) % n) / n);
    s += p;
  }
  return s / n - 1;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const units = (n: number) =>
  Array.from({ length: n - 1 }, (_, i) => i + 1).filter((z) => gcd(z, n) === 1);

/**
 * Greedy CBC by exhaustive search per component over z <= n/2 (the textbook algorithm). Exact
 * ties (frequent: congruent lattices) go to the smallest z, as documented for cbcLattice; a
 * relative 1e-12 is far above the round-off of these O(1..100) sums and far below real gaps.
 */
function naiveCBC(n: number, dim: number, gamma: number[], omega: (x: number) => number) {
  const z = [1];
  const errors = [directSquaredError(z, n, gamma, omega)];
  for (let s = 1; s < dim; s++) {
    const scored = units(n)
      .filter((c) => c <= n / 2)
      .map((c) => ({ c, e: directSquaredError([...z, c], n, gamma, omega) }));
    const min = Math.min(...scored.map((t) => t.e));
    const tie = scored.filter((t) => t.e <= min + 1e-12 * (1 + Math.abs(min)));
    const best = tie[0].c;
    const bestErr = tie[0].e;
    z.push(best);
    errors.push(bestErr);
  }
  return { z, errors };
}

const gamma = [1, 0.7, 0.45, 0.3, 0.2, 0.12];

describe("cbcLattice", () => {
  for (const n of [31, 32, 61, 64]) {
    it(`n = ${n}: stage errors equal a naive greedy search; reported error = direct formula`, () => {
      const d = 5;
      const naive = naiveCBC(n, d, gamma, omegaKorobov1);
      const r = cbcLattice({ n, dim: d, weights: gamma });
      // Each e^2 is a sum of n products of size <= prod(1 + gamma_j max omega) ~ 1e2, with
      // relative round-off ~ (d + log n) eps: 1e-12 absolute is ~ 100x above that.
      for (let s = 0; s < d; s++)
        expect(Math.abs(r.squaredErrors[s] - naive.errors[s])).toBeLessThan(1e-12);
      expect(
        Math.abs(r.error ** 2 - directSquaredError(r.generatingVector, n, gamma, omegaKorobov1)),
      ).toBeLessThan(1e-12);
      expect(latticeWorstCaseError(r.generatingVector, n, { weights: gamma })).toBeCloseTo(
        r.error,
        13,
      );
      {
        const direct = cbcLattice({ n, dim: d, weights: gamma, method: "direct" });
        for (let s = 0; s < d; s++)
          expect(Math.abs(direct.squaredErrors[s] - r.squaredErrors[s])).toBeLessThan(1e-12);
      }
    });
  }

  it("global brute force over all vectors (n = 31, d = 3) is <= CBC, and CBC is close", () => {
    const n = 31;
    const g3 = gamma.slice(0, 3);
    let best = Number.POSITIVE_INFINITY;
    for (const z2 of units(n))
      for (const z3 of units(n))
        best = Math.min(best, directSquaredError([1, z2, z3], n, g3, omegaSobolev));
    const r = cbcLattice({ n, dim: 3, weights: g3, criterion: "sobolev" });
    expect(best).toBeLessThanOrEqual(r.error ** 2 + 1e-15);
    expect(r.error ** 2).toBeLessThan(1.5 * best);
  });

  it("prime n: CBC e^2 <= the exact average of e^2 over all vectors (theorem), n = 1009, d = 8", () => {
    const n = 1009;
    const d = 8;
    const w = [1, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14, 0.125];
    const r = cbcLattice({ n, dim: d, weights: w, criterion: "sobolev" });
    // E_z e^2 = -1 + (1/n)[prod(1 + g omega(0)) + (n-1) prod(1 + g wbar)], wbar = mean_{r!=0} omega(r/n).
    let wbar = 0;
    for (let q = 1; q < n; q++) wbar += omegaSobolev(q / n);
    wbar /= n - 1;
    let p0 = 1;
    let p1 = 1;
    for (const g of w) {
      p0 *= 1 + g * omegaSobolev(0);
      p1 *= 1 + g * wbar;
    }
    const average = (p0 + (n - 1) * p1) / n - 1;
    expect(r.error ** 2).toBeLessThanOrEqual(average);
    expect(
      Math.abs(r.error ** 2 - directSquaredError(r.generatingVector, n, w, omegaSobolev)),
    ).toBeLessThan(1e-13);
  });

  it("n = 2^10, d = 6: CBC beats 20 random vectors and the package's default vector", () => {
    const n = 1024;
    const d = 6;
    const r = cbcLattice({ n, dim: d, weights: gamma, alpha: 2 });
    const rng = mulberry32(5);
    const omega2 = (x: number) =>
      -((2 * Math.PI) ** 4 / 24) * (x ** 4 - 2 * x ** 3 + x ** 2 - 1 / 30);
    expect(
      Math.abs(r.error ** 2 - directSquaredError(r.generatingVector, n, gamma, omega2)),
    ).toBeLessThan(1e-10);
    for (let t = 0; t < 20; t++) {
      const z = [1, ...Array.from({ length: d - 1 }, () => 2 * Math.floor(rng() * (n / 2)) + 1)];
      expect(r.error).toBeLessThan(latticeWorstCaseError(z, n, { weights: gamma, alpha: 2 }));
    }
    const kuo = Array.from(new Lattice(d).generatingVector, (v) => v % n);
    expect(r.error).toBeLessThanOrEqual(
      latticeWorstCaseError(kuo, n, { weights: gamma, alpha: 2 }) * 1.0001,
    );
  });

  it("fast CBC for n = 2^m agrees with the direct search at every component (n = 2^12, d = 8)", () => {
    const n = 4096;
    const w = Array.from({ length: 8 }, (_, j) => 0.9 ** j);
    const fast = cbcLattice({ n, dim: 8, weights: w, method: "fast" });
    const direct = cbcLattice({ n, dim: 8, weights: w, method: "direct" });
    // Ties go to the smallest z in both, so the vectors coincide unless two scores differ by less
    // than the tie tolerance (then both are optimal to round-off): compare the errors.
    for (let s = 0; s < 8; s++)
      expect(Math.abs(fast.squaredErrors[s] - direct.squaredErrors[s])).toBeLessThan(1e-12);
    expect(Array.from(fast.generatingVector)).toEqual(Array.from(direct.generatingVector));
  }, 30000);

  it("fast CBC at a large prime (n = 65537, d = 10) matches the direct formula", () => {
    const n = 65537;
    const w = Array.from({ length: 10 }, (_, j) => 1 / (j + 1) ** 2);
    const r = cbcLattice({ n, dim: 10, weights: w, criterion: "sobolev" });
    expect(
      Math.abs(r.error ** 2 - directSquaredError(r.generatingVector, n, w, omegaSobolev)),
    ).toBeLessThan(1e-13);
    expect(r.error).toBeLessThan(1e-3);
  }, 30000);

  it("argument errors", () => {
    expect(() => cbcLattice({ n: 1, dim: 2 })).toThrow(/'n'/);
    expect(() => cbcLattice({ n: 64, dim: 0 })).toThrow(/dim/);
    expect(() => cbcLattice({ n: 96, dim: 2, method: "fast" })).toThrow(/prime/);
    expect(() => cbcLattice({ n: 64, dim: 3, weights: [1, 2] })).toThrow(/weights/);
    expect(() => cbcLattice({ n: 64, dim: 2, alpha: 5 })).toThrow(ValueError);
    // @ts-expect-error unknown criterion
    expect(() => cbcLattice({ n: 64, dim: 2, criterion: "x" })).toThrow(/criterion/);
    expect(() => latticeWorstCaseError([1, 64], 64)).toThrow(/z/);
  });
});
