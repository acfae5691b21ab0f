/**
 * The 1-D kernel factors against their defining series (independent of the closed forms):
 *   shift-invariant  Ktilde_alpha(x) = 2 sum_{h>=1} cos(2 pi h x) / h^(2 alpha)
 *   digital          Ktilde_1 = (1/2) sum_k 4^-floor(log2 k) wal_k,  Ktilde_a = sum_k 2^-mu_a(k) wal_k
 * truncated, with the truncation error bounded in each test; plus argument errors.
 */
import { DigitalShiftInvariantKernel, ShiftInvariantKernel } from "@modewise/qmc";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

/** One-dimensional kernel factor through a 1-D kernel with weight 1: K = 1 + Ktilde. */
function siFactor(alpha: number, x: number): number {
  return new ShiftInvariantKernel(1, { alpha }).at([x], [0]) - 1;
}
function dsiFactor(alpha: number, x: number): number {
  return new DigitalShiftInvariantKernel(1, { alpha }).at([x], [0]) - 1;
}

describe("shift-invariant factor = Fourier series", () => {
  const H = 100000;
  for (const alpha of [1, 2, 3, 4]) {
    it(`alpha = ${alpha}`, () => {
      // Tail of 2 sum_{h>H} h^-2a <= 2 H^(1-2a) / (2a - 1); summation round-off ~ H eps.
      const tol = (2 * H ** (1 - 2 * alpha)) / (2 * alpha - 1) + H * Number.EPSILON;
      for (const x of [0, 0.03, 0.125, 0.3, 0.5, 0.61, 0.9, 0.999]) {
        let s = 0;
        for (let h = H; h >= 1; h--) s += Math.cos(2 * Math.PI * h * x) / h ** (2 * alpha);
        expect(Math.abs(siFactor(alpha, x) - 2 * s)).toBeLessThanOrEqual(tol);
      }
    });
  }
  it("is symmetric, periodic and has mean zero", () => {
    for (const alpha of [1, 2, 3, 4]) {
      expect(siFactor(alpha, 0.2)).toBeCloseTo(siFactor(alpha, 0.8), 13);
      // Midpoint rule on 2^12 points integrates the trigonometric series exactly up to the
      // aliased terms h = 4096 q, of size <= 2 zeta(2a) 4096^-2a < 1e-6.
      let s = 0;
      const m = 4096;
      for (let i = 0; i < m; i++) s += siFactor(alpha, (i + 0.5) / m);
      expect(Math.abs(s / m)).toBeLessThan(1e-6);
    }
  });
});

/** sum of the `count` most significant 1-bit positions (1-based from the LSB) of k. */
function dickWeight(k: number, count: number): number {
  let mu = 0;
  let left = count;
  for (let b = 31; b >= 0 && left > 0; b--)
    if ((k >>> b) & 1) {
      mu += b + 1;
      left--;
    }
  return mu;
}

function popcount(v: number): number {
  let c = 0;
  for (let u = v >>> 0; u; u &= u - 1) c++;
  return c;
}

describe("digital factor = Walsh series", () => {
  const T = 18;
  const N = 2 ** T;
  const xs = [1, 3, 77, 1024, 4097, 65536, 131071, 200003, 262143];
  function series(alpha: number, X: number): number {
    // x = X / 2^T; wal_k(x) = (-1)^(sum_i k_i x_{i+1}) with x_{i+1} = bit (T-1-i) of X.
    let rev = 0;
    for (let b = 0; b < T; b++) rev |= ((X >>> (T - 1 - b)) & 1) << b;
    let s = 0;
    for (let k = 1; k < N; k++) {
      const w = popcount(k & rev) & 1 ? -1 : 1;
      s += alpha === 1 ? 0.5 * w * 4 ** -(31 - Math.clz32(k)) : w * 2 ** -dickWeight(k, alpha);
    }
    return s;
  }
  it("alpha = 1: exact for x >= 2^-T (the tail cancels)", () => {
    for (const X of xs) expect(Math.abs(dsiFactor(1, X / N) - series(1, X))).toBeLessThan(1e-12);
  });
  for (const alpha of [2, 3]) {
    it(`alpha = ${alpha}: within the truncation bound`, () => {
      // For k in [2^a, 2^(a+1)): |sum wal_k 2^-mu_alpha(k)| <= 2^-(a+1) sum_{k'<2^a} 2^-mu_(alpha-1)(k')
      // <= 2^-(a+1) (1 + a/2 + a^2/8); summed over a >= T this is <= (T^2/8 + T + 4) 2^-T.
      const tol = ((T * T) / 8 + T + 4) * 2 ** -T;
      for (const X of xs)
        expect(Math.abs(dsiFactor(alpha, X / N) - series(alpha, X))).toBeLessThan(tol);
    }, 30000);
  }
  it("values at 0 are the series sums 1, 3/2, 25/18", () => {
    expect(dsiFactor(1, 0)).toBe(1);
    expect(dsiFactor(2, 0)).toBe(1.5);
    expect(dsiFactor(3, 0)).toBeCloseTo(25 / 18, 15);
  });
});

describe("kernel argument errors", () => {
  it("names the argument", () => {
    expect(() => new ShiftInvariantKernel(2, { alpha: 5 })).toThrow(/alpha/);
    expect(() => new DigitalShiftInvariantKernel(2, { alpha: 4 })).toThrow(ValueError);
    expect(() => new ShiftInvariantKernel(2, { weights: [1, 2, 3] })).toThrow(/weights/);
    expect(() => new ShiftInvariantKernel(2, { weights: -1 })).toThrow(/weights/);
    expect(() => new ShiftInvariantKernel(2, { scale: 0 })).toThrow(/scale/);
    expect(() => new ShiftInvariantKernel(0)).toThrow(/dim/);
  });
});
