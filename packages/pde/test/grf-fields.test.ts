/**
 * Gaussian random fields and the seeded generator.
 * References: the prescribed covariance spectrum in closed form (checked with a chi-square
 * statistic whose tolerance follows from the sample count), @modewise/fft's functional rfft2 /
 * dctn (not the solver's own FFT path), and a Python re-implementation of xoshiro128** +
 * splitmix32 (fixtures/make_pde_solvers_reference.py).
 */
import { readFileSync } from "node:fs";
import { dctn, rfft, rfft2 } from "@modewise/fft";
import {
  darcyCoefficient,
  gaussianRandomField1d,
  gaussianRandomField2d,
  normalSamples,
  SeededRandom,
} from "@modewise/pde";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/pde_solvers_reference.json", import.meta.url), "utf8"),
) as {
  xoshiro: Record<string, number[]>;
};

const freq = (p: number, n: number): number => (p < (n + 1) >> 1 ? p : p - n);

/**
 * For ratios r = |U_k|^2 / E|U_k|^2 averaged over B samples, bin by bin: for complex Gaussian
 * bins r ~ Exp(1) (variance 1), for real ones r ~ chi2_1 (variance 2). X = sum_k (mean_k - 1)^2 /
 * (var_k / B) is ~ chi2 with `bins` degrees of freedom; we accept |X - bins| < 6 sqrt(2 bins).
 */
function chiSquare(means: number[], variances: number[], B: number): { X: number; dof: number } {
  let X = 0;
  for (let i = 0; i < means.length; i++)
    X += ((means[i] as number) - 1) ** 2 / ((variances[i] as number) / B);
  return { X, dof: means.length };
}

describe("SeededRandom", () => {
  it("reproduces the Python re-implementation of xoshiro128** bit for bit", () => {
    const a = new SeededRandom(0, 0);
    expect(Array.from({ length: 8 }, () => a.nextUint32())).toEqual(ref.xoshiro.seed0_stream0);
    const b = new SeededRandom(12345, 7);
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(ref.xoshiro.seed12345_stream7);
  });

  it("draws standard normals (mean, variance, kurtosis within 6 standard errors)", () => {
    const n = 200000;
    const x = normalSamples(n, 3, 0);
    let m = 0;
    let v = 0;
    let k4 = 0;
    for (const t of x) {
      m += t;
      v += t * t;
      k4 += t ** 4;
    }
    m /= n;
    v /= n;
    k4 /= n;
    // standard errors: mean 1/sqrt(n), variance sqrt(2/n), fourth moment sqrt(96/n)
    expect(Math.abs(m)).toBeLessThan(6 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(6 * Math.sqrt(2 / n));
    expect(Math.abs(k4 - 3)).toBeLessThan(6 * Math.sqrt(96 / n));
  });

  it("rejects bad seeds", () => {
    expect(() => new SeededRandom(-1)).toThrow(ValueError);
    expect(() => new SeededRandom(1.5)).toThrow(/seed/);
  });
});

describe("gaussianRandomField2d (periodic)", () => {
  const s = 16;
  const alpha = 2.5;
  const tau = 7;
  const sigma = Math.SQRT2 * tau ** (alpha - 1);
  /** E|U_k|^2 of the unnormalized DFT: s^4 sigma^2 (4 pi^2 |k|^2 + tau^2)^-alpha. */
  const expected = (kx: number, ky: number): number =>
    s ** 4 * sigma ** 2 * (4 * Math.PI ** 2 * (kx * kx + ky * ky) + tau * tau) ** -alpha;

  it("has the prescribed covariance spectrum (chi-square over all bins) and zero mean", () => {
    const B = 400;
    const w = gaussianRandomField2d({ s, batch: B, seed: 11 });
    const U = rfft2({ data: w, shape: [B, s, s] }).data as Float64Array;
    const half = s / 2 + 1;
    const sums = new Float64Array(s * half);
    for (let b = 0; b < B; b++) {
      for (let m = 0; m < s * half; m++) {
        const o = 2 * (b * s * half + m);
        sums[m] = (sums[m] as number) + (U[o] as number) ** 2 + (U[o + 1] as number) ** 2;
      }
      expect(Math.abs(U[2 * b * s * half] as number)).toBeLessThan(1e-12); // DC removed
    }
    const means: number[] = [];
    const vars: number[] = [];
    for (let p = 0; p < s; p++) {
      for (let q = 0; q < half; q++) {
        if (p === 0 && q === 0) continue;
        // bins whose DFT value is real (self-conjugate): chi2_1, otherwise Exp(1)
        const real = (q === 0 || q === s / 2) && (p === 0 || p === s / 2);
        means.push((sums[p * half + q] as number) / B / expected(freq(p, s), q));
        vars.push(real ? 2 : 1);
      }
    }
    // bins with q = 0 or s/2 pair up as conjugates (p, -p): keep one of each pair
    const { X, dof } = chiSquare(means, vars, B);
    // (the paired bins are counted twice, which doubles their share of the variance of X: the
    // 6 sigma tolerance below uses twice the chi2 variance to cover it)
    expect(Math.abs(X - dof)).toBeLessThan(6 * Math.sqrt(4 * dof));
    // a field with the wrong amplitude (e.g. without the sqrt(2)) lands far outside
    const wrong = means.map((m) => m * 2);
    expect(Math.abs(chiSquare(wrong, vars, B).X - dof)).toBeGreaterThan(6 * Math.sqrt(4 * dof));
  });

  it("has std ~0.25 at 256^2 for the NS initial condition (estimator within 5 standard errors)", () => {
    const S = 256;
    const B = 4;
    const w = gaussianRandomField2d({ s: S, batch: B, seed: 0 });
    // theory: spatial variance of one sample V = sum over bins of |u_hat_k|^2, mean sum lambda_k,
    // variance sum over conjugate pairs of (2 lambda_k)^2 (|xi|^2 ~ Exp(1)).
    let mean = 0;
    let varV = 0;
    for (let kx = -S / 2; kx < S / 2; kx++) {
      for (let ky = -S / 2; ky < S / 2; ky++) {
        if (kx === 0 && ky === 0) continue;
        const lam = sigma ** 2 * (4 * Math.PI ** 2 * (kx * kx + ky * ky) + tau * tau) ** -alpha;
        mean += lam;
        varV += 2 * lam * lam; // (2 lam)^2 per pair = 2 lam^2 per bin
      }
    }
    expect(Math.sqrt(mean)).toBeGreaterThan(0.2);
    expect(Math.sqrt(mean)).toBeLessThan(0.3);
    let acc = 0;
    let sum = 0;
    for (const x of w) {
      acc += x * x;
      sum += x;
    }
    expect(Math.abs(sum / w.length)).toBeLessThan(1e-14);
    const V = acc / w.length;
    expect(Math.abs(V - mean)).toBeLessThan(5 * Math.sqrt(varV / B));
  });

  it("is reproducible and resumable: sample b depends only on (seed, sampleOffset + b)", () => {
    const all = gaussianRandomField2d({ s: 8, batch: 3, seed: 5 });
    const third = gaussianRandomField2d({ s: 8, batch: 1, seed: 5, sampleOffset: 2 });
    expect(Array.from(third)).toEqual(Array.from(all.subarray(128, 192)));
    const other = gaussianRandomField2d({ s: 8, batch: 1, seed: 6 });
    expect(Array.from(other)).not.toEqual(Array.from(all.subarray(0, 64)));
  });

  it("rejects bad arguments with typed errors", () => {
    expect(() => gaussianRandomField2d({ s: 15 })).toThrow(ValueError);
    expect(() => gaussianRandomField2d({ s: 16, batch: 0 })).toThrow(/batch/);
    expect(() => gaussianRandomField2d({ s: 16, alpha: -1 })).toThrow(/alpha/);
    expect(() => gaussianRandomField2d({ s: 16, boundary: "dirichlet" as "periodic" })).toThrow(
      /boundary/,
    );
  });
});

describe("gaussianRandomField2d (neumann) and darcyCoefficient", () => {
  it("has the FNO GRF.m DCT spectrum (chi-square over all coefficients)", () => {
    const s = 12;
    const B = 300;
    const alpha = 2;
    const tau = 3;
    const w = gaussianRandomField2d({ s, batch: B, seed: 2, alpha, tau, boundary: "neumann" });
    const L = dctn({ data: w, shape: [B, s, s] }, { axes: [1, 2], norm: "ortho" })
      .data as Float64Array;
    const means: number[] = [];
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        if (i === 0 && j === 0) continue;
        const v =
          (s * tau ** (alpha - 1)) ** 2 * (Math.PI ** 2 * (i * i + j * j) + tau * tau) ** -alpha;
        let acc = 0;
        for (let b = 0; b < B; b++) acc += (L[b * s * s + i * s + j] as number) ** 2;
        means.push(acc / B / v);
      }
    }
    const { X, dof } = chiSquare(
      means,
      means.map(() => 2),
      B,
    ); // L^2 / v ~ chi2_1
    expect(Math.abs(X - dof)).toBeLessThan(6 * Math.sqrt(2 * dof));
  });

  it("thresholds at 12 / 4 with both values present", () => {
    const a = darcyCoefficient({ s: 32, batch: 2, seed: 4 });
    const values = new Set(a);
    expect([...values].sort((x, y) => x - y)).toEqual([4, 12]);
    expect(Array.from(darcyCoefficient({ s: 32, batch: 2, seed: 4 }))).toEqual(Array.from(a));
  });
});

describe("gaussianRandomField1d", () => {
  it("has the spectrum sigma^2 ((2 pi k / L)^2 + tau^2)^-alpha (chi-square) on a period-2 domain", () => {
    const s = 64;
    const B = 400;
    const length = 2;
    const u = gaussianRandomField1d({ s, batch: B, seed: 9, length });
    const U = rfft({ data: u, shape: [B, s] }).data as Float64Array;
    const half = s / 2 + 1;
    const means: number[] = [];
    const vars: number[] = [];
    for (let q = 1; q < half; q++) {
      const k = (2 * Math.PI * q) / length;
      const e = s * s * 625 * (k * k + 25) ** -2;
      let acc = 0;
      for (let b = 0; b < B; b++)
        acc += (U[2 * (b * half + q)] as number) ** 2 + (U[2 * (b * half + q) + 1] as number) ** 2;
      means.push(acc / B / e);
      vars.push(q === s / 2 ? 2 : 1);
    }
    const { X, dof } = chiSquare(means, vars, B);
    expect(Math.abs(X - dof)).toBeLessThan(6 * Math.sqrt(2 * dof));
  });
});
