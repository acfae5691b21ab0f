/**
 * Philox random streams: the block function against an independent BigInt implementation and
 * the Random123 known answer; Generator reproducibility, stream/fork independence, bit depth of
 * uniforms, distribution moments and Kolmogorov-Smirnov distances, randint without modulo bias,
 * and the typed errors.
 *
 * Statistical bounds. Every check is of the form |estimate - truth| <= 6 sigma, sigma the exact
 * standard deviation of the estimate for the distribution being tested (given next to each
 * check), so a correct generator fails a given check with probability ~2e-9; the seeds are fixed,
 * so the tests are deterministic anyway. KS: P(sqrt(n) D_n > t) <= 2 exp(-2 t^2) (Dvoretzky-
 * Kiefer-Wolfowitz with Massart's constant); t = 3.2 gives 2.5e-9, the same level.
 */
import {
  DTypeError,
  defaultGenerator,
  Generator,
  manualSeed,
  philox4x32,
  rand,
  randn,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";

/** Philox4x32-10 by the definition (Salmon et al. 2011), with exact BigInt products. */
function philoxReference(counter: readonly number[], key: readonly number[]): number[] {
  const MASK = 0xffffffffn;
  let c = counter.map((v) => BigInt(v >>> 0));
  let k = key.map((v) => BigInt(v >>> 0));
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * c[0];
    const p1 = 0xcd9e8d57n * c[2];
    c = [
      ((p1 >> 32n) ^ c[1] ^ k[0]) & MASK,
      p1 & MASK,
      ((p0 >> 32n) ^ c[3] ^ k[1]) & MASK,
      p0 & MASK,
    ];
    k = [(k[0] + 0x9e3779b9n) & MASK, (k[1] + 0xbb67ae85n) & MASK];
  }
  return c.map(Number);
}

const SIX = 6;
const mean = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
};
const momentAbout = (a: ArrayLike<number>, m: number, p: number) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** p;
  return s / a.length;
};
function expectWithin(estimate: number, truth: number, sigma: number, what: string): void {
  if (!(Math.abs(estimate - truth) <= SIX * sigma)) {
    throw new Error(
      `${what}: ${estimate} differs from ${truth} by more than 6 sigma (${SIX * sigma})`,
    );
  }
}

/** Kolmogorov-Smirnov distance of a sample from a continuous CDF. */
function ksDistance(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7, far below the KS bound). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
const KS_T = 3.2;

describe("Philox4x32-10 block function", () => {
  it("matches a BigInt implementation of the definition on 2000 counters and keys, extremes included", () => {
    const g = new Generator(123);
    const w = g.words(2000 * 6);
    const special = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    for (let i = 0; i < 2000; i++) {
      const counter =
        i < 36
          ? [special[i % 6], special[Math.floor(i / 6)], special[(i + 2) % 6], special[(i + 3) % 6]]
          : Array.from(w.subarray(6 * i, 6 * i + 4));
      const key =
        i < 36
          ? [special[(i + 1) % 6], special[(i + 4) % 6]]
          : Array.from(w.subarray(6 * i + 4, 6 * i + 6));
      const got = Array.from(philox4x32(counter, key));
      const want = philoxReference(counter, key);
      if (got.join() !== want.join())
        throw new Error(`counter ${counter} key ${key}: ${got} vs ${want}`);
    }
  });

  it("Generator(0)'s first block is the Random123 known answer for counter 0, key 0", () => {
    const hex = Array.from(new Generator(0).words(4)).map((x) => x.toString(16).padStart(8, "0"));
    expect(hex).toEqual(["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
  });

  it("block i of stream s under seed k is philox((i, s), k), with 64-bit seeds, streams and wrap-around", () => {
    const seed = 2n ** 40n + 5n;
    const stream = 2 ** 33 + 7;
    const g = new Generator(seed, stream);
    const w = g.words(12);
    for (let i = 0; i < 3; i++) {
      const want = philoxReference(
        [i, 0, stream % 2 ** 32, Math.floor(stream / 2 ** 32)],
        [5, 256],
      );
      expect(Array.from(w.subarray(4 * i, 4 * i + 4))).toEqual(want);
    }
    expect(Array.from(new Generator(2n ** 64n + 7n).words(4))).toEqual(
      Array.from(new Generator(7).words(4)),
    );
    expect(Array.from(new Generator(-1).words(4))).toEqual(
      philoxReference([0, 0, 0, 0], [0xffffffff, 0xffffffff]),
    );
    expect(Array.from(new Generator(9n).words(4))).toEqual(Array.from(new Generator(9).words(4)));
  });
});

describe("Generator reproducibility and streams", () => {
  it("the same seed and the same sequence of draws give the same numbers in separate instances", () => {
    const draw = (g: Generator) => [
      ...g.uniform([7], { dtype: "float64" }).dataSync(),
      ...g.normal([5], { dtype: "complex64" }).dataSync(),
      ...g.randint([9], -5, 1000).dataSync(),
      ...g.uniform([3], { dtype: "float32", low: -2, high: 3 }).dataSync(),
    ];
    const a = draw(new Generator(42));
    expect(draw(new Generator(42))).toEqual(a);
    expect(draw(new Generator(43))).not.toEqual(a);
  });

  it("draws advance the block position (ceil(words / 4) blocks per draw)", () => {
    const g = new Generator(1);
    expect(g.position).toBe(0);
    g.words(5);
    expect(g.position).toBe(2);
    g.uniform([3], { dtype: "float64" }); // 6 words
    expect(g.position).toBe(4);
    g.uniform([4], { dtype: "float32" }); // 4 words
    expect(g.position).toBe(5);
    g.normal([3], { dtype: "float64" }); // 4 uniforms = 8 words
    expect(g.position).toBe(7);
  });

  it("fork(s) is stream s of the same seed from block 0, whatever the parent drew; forks are uncorrelated", () => {
    const parent = new Generator(5);
    parent.words(100);
    const f1 = parent.fork(1);
    expect(f1.position).toBe(0);
    expect(Array.from(f1.words(8))).toEqual(Array.from(new Generator(5, 1).words(8)));
    expect(Array.from(parent.fork(0).words(4))).toEqual(Array.from(new Generator(5).words(4)));
    const n = 50000;
    const a = new Generator(5).fork(1).normal([n], { dtype: "float64" }).dataSync();
    const b = new Generator(5).fork(2).normal([n], { dtype: "float64" }).dataSync();
    const c = new Generator(5).normal([n], { dtype: "float64" }).dataSync();
    expect(Array.from(a.subarray(0, 8))).not.toEqual(Array.from(b.subarray(0, 8)));
    // Sample correlation of independent N(0,1) pairs: sigma = 1 / sqrt(n).
    let ab = 0;
    let ac = 0;
    for (let i = 0; i < n; i++) {
      ab += a[i] * b[i];
      ac += a[i] * c[i];
    }
    expectWithin(ab / n, 0, 1 / Math.sqrt(n), "corr(fork 1, fork 2)");
    expectWithin(ac / n, 0, 1 / Math.sqrt(n), "corr(fork 1, stream 0)");
  });

  it("manualSeed reseeds the default generator used by rand and randn", () => {
    manualSeed(7);
    const a = Array.from(rand([5]).dataSync());
    const b = Array.from(randn([3], { dtype: "float64" }).dataSync());
    expect(defaultGenerator().position).toBeGreaterThan(0);
    const g = new Generator(7);
    expect(a).toEqual(Array.from(g.uniform([5]).dataSync()));
    expect(b).toEqual(Array.from(g.normal([3], { dtype: "float64" }).dataSync()));
    expect(rand([2]).dtype).toBe("float32");
    manualSeed(0);
  });
});

describe("uniform", () => {
  const n = 100000;

  it("float64 uniforms carry 53 random bits, float32 ones 24", () => {
    for (const [dtype, bits] of [
      ["float64", 53],
      ["float32", 24],
    ] as const) {
      const u = new Generator(3).uniform([n], { dtype }).dataSync();
      let odd = 0;
      for (let i = 0; i < n; i++) {
        const k = u[i] * 2 ** bits;
        if (!Number.isInteger(k) || u[i] < 0 || u[i] >= 1)
          throw new Error(`${dtype} ${u[i]} is not a ${bits}-bit fraction`);
        odd += k % 2;
      }
      // The lowest of the `bits` bits is a fair coin: binomial sigma = sqrt(n / 4).
      // (With only 32 random bits a float64's lowest 21 bits would all be zero: odd = 0.)
      expectWithin(odd, n / 2, Math.sqrt(n / 4), `${dtype} lowest bit`);
    }
  });

  it("moments and KS distance of U[0, 1) and U[-2, 5)", () => {
    const u = new Generator(11).uniform([n], { dtype: "float64" }).dataSync();
    // mean: sigma^2 = (1/12) / n;  mean of (u - 1/2)^2 = 1/12 with Var = 1/80 - 1/144.
    expectWithin(mean(u), 0.5, Math.sqrt(1 / 12 / n), "mean");
    expectWithin(momentAbout(u, 0.5, 2), 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / n), "variance");
    expect(ksDistance(u, (x) => x)).toBeLessThan(KS_T / Math.sqrt(n));
    const v = new Generator(12).uniform([n], { dtype: "float64", low: -2, high: 5 }).dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(5);
    expect(ksDistance(v, (x) => (x + 2) / 7)).toBeLessThan(KS_T / Math.sqrt(n));
  });

  it("complex uniforms: both parts U[low, high), independent", () => {
    const z = new Generator(13).uniform([n], { dtype: "complex128", low: -1, high: 1 }).dataSync();
    const re = z.filter((_, i) => i % 2 === 0);
    const im = z.filter((_, i) => i % 2 === 1);
    expect(ksDistance(re, (x) => (x + 1) / 2)).toBeLessThan(KS_T / Math.sqrt(n));
    expect(ksDistance(im, (x) => (x + 1) / 2)).toBeLessThan(KS_T / Math.sqrt(n));
    // E[re im] = 0 with Var = E[re^2] E[im^2] = 1/9.
    let s = 0;
    for (let i = 0; i < n; i++) s += re[i] * im[i];
    expectWithin(s / n, 0, Math.sqrt(1 / 9 / n), "E[re im]");
  });

  it("stays below high where low + (high - low) u rounds up (float32 on [2^24 - 1, 2^24))", () => {
    const v = new Generator(1)
      .uniform([1000], { dtype: "float32", low: 16777215, high: 16777216 })
      .dataSync();
    for (const x of v) expect(x).toBe(16777215);
    const w = new Generator(2)
      .uniform([1000], { dtype: "float32", low: 1, high: 1.0000001 })
      .dataSync();
    for (const x of w) expect(x < 1.0000001 && x >= 1).toBe(true);
    expect(
      Array.from(new Generator(1).uniform([3], { dtype: "float64", low: 2, high: 2 }).dataSync()),
    ).toEqual([2, 2, 2]);
  });
});

describe("normal", () => {
  const n = 100000;

  it("N(0, 1): mean, variance, skewness, kurtosis within 6 sigma; KS distance; all finite", () => {
    const z = new Generator(21).normal([n], { dtype: "float64" }).dataSync();
    expect(z.every(Number.isFinite)).toBe(true);
    // sigmas: mean 1/sqrt(n); E z^2: sqrt(2/n); E z^3: sqrt(15/n); E z^4: sqrt((105 - 9)/n).
    expectWithin(mean(z), 0, 1 / Math.sqrt(n), "mean");
    expectWithin(momentAbout(z, 0, 2), 1, Math.sqrt(2 / n), "E z^2");
    expectWithin(momentAbout(z, 0, 3), 0, Math.sqrt(15 / n), "E z^3");
    expectWithin(momentAbout(z, 0, 4), 3, Math.sqrt(96 / n), "E z^4");
    expect(ksDistance(z, normalCdf)).toBeLessThan(KS_T / Math.sqrt(n));
  });

  it("mean and std options; float32 samples", () => {
    const z = new Generator(22).normal([n], { dtype: "float32", mean: 3, std: 2 }).dataSync();
    expect(z).toBeInstanceOf(Float32Array);
    expectWithin(mean(z), 3, 2 / Math.sqrt(n), "mean");
    expectWithin(momentAbout(z, 3, 2), 4, 4 * Math.sqrt(2 / n), "variance");
    expect(ksDistance(z, (x) => normalCdf((x - 3) / 2))).toBeLessThan(KS_T / Math.sqrt(n));
  });

  it("complex normal: independent N(0, 1/2) parts, E|z|^2 = std^2, circular (E z^2 = 0), mean on the real part", () => {
    const z = new Generator(23).normal([n], { dtype: "complex128" }).dataSync();
    const re = z.filter((_, i) => i % 2 === 0);
    const im = z.filter((_, i) => i % 2 === 1);
    // Parts N(0, 1/2): mean sigma sqrt(1/(2n)); E re^2 = 1/2 with Var 2 (1/2)^2 = 1/2.
    expectWithin(mean(re), 0, Math.sqrt(0.5 / n), "E re");
    expectWithin(mean(im), 0, Math.sqrt(0.5 / n), "E im");
    expectWithin(momentAbout(re, 0, 2), 0.5, Math.sqrt(0.5 / n), "E re^2");
    expectWithin(momentAbout(im, 0, 2), 0.5, Math.sqrt(0.5 / n), "E im^2");
    // |z|^2 ~ Exp(1): Var 1.  E[re im] = 0 with Var 1/4.
    let abs2 = 0;
    let cross = 0;
    for (let i = 0; i < n; i++) {
      abs2 += re[i] ** 2 + im[i] ** 2;
      cross += re[i] * im[i];
    }
    expectWithin(abs2 / n, 1, 1 / Math.sqrt(n), "E|z|^2");
    expectWithin(cross / n, 0, Math.sqrt(0.25 / n), "E[re im]");
    expect(ksDistance(re, (x) => normalCdf(x * Math.SQRT2))).toBeLessThan(KS_T / Math.sqrt(n));
    const s = new Generator(24).normal([n], { dtype: "complex64", std: 3, mean: 1 }).dataSync();
    let m2 = 0;
    let mr = 0;
    let mi = 0;
    for (let i = 0; i < n; i++) {
      m2 += (s[2 * i] - 1) ** 2 + s[2 * i + 1] ** 2;
      mr += s[2 * i];
      mi += s[2 * i + 1];
    }
    expectWithin(m2 / n, 9, 9 / Math.sqrt(n), "E|z - mean|^2 with std 3");
    expectWithin(mr / n, 1, 3 * Math.sqrt(0.5 / n), "real mean");
    expectWithin(mi / n, 0, 3 * Math.sqrt(0.5 / n), "imaginary mean");
  });
});

describe("randint", () => {
  it("[-3, 4): every value equally likely (each count within 6 binomial sigma)", () => {
    const n = 70000;
    const r = new Generator(31).randint([n], -3, 4).dataSync();
    expect(r).toBeInstanceOf(Int32Array);
    const counts = new Map<number, number>();
    for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values())
      expectWithin(c, n / 7, Math.sqrt((n * (1 / 7) * 6) / 7), "count");
  });

  it("rejects rather than reducing modulo: a range of 3 * 2^30 has no excess at its low end", () => {
    // w mod range over 32-bit w would put 1/2 of the mass (not 1/3) in the lowest third.
    const n = 60000;
    const low = -(2 ** 31);
    const range = 3 * 2 ** 30;
    const r = new Generator(32).randint([n], low, low + range).dataSync();
    let lowThird = 0;
    for (const v of r) {
      if (v < low || v >= low + range) throw new Error(`out of range: ${v}`);
      if (v < low + 2 ** 30) lowThird++;
    }
    expectWithin(
      lowThird / n,
      1 / 3,
      Math.sqrt(((1 / 3) * (2 / 3)) / n),
      "fraction in the lowest third",
    );
  });

  it("the full int32 range and a single value", () => {
    const n = 40000;
    const r = new Generator(33).randint([n], -(2 ** 31), 2 ** 31).dataSync();
    // Uniform on 2^32 integers: mean -1/2, sd 2^32 / sqrt(12).
    expectWithin(mean(r), -0.5, 2 ** 32 / Math.sqrt(12) / Math.sqrt(n), "mean");
    let neg = 0;
    for (const v of r) neg += v < 0 ? 1 : 0;
    expectWithin(neg, n / 2, Math.sqrt(n / 4), "negatives");
    expect(Array.from(new Generator(1).randint([4], 9, 10).dataSync())).toEqual([9, 9, 9, 9]);
  });

  it("typed errors for bounds outside int32, empty ranges and non-integers", () => {
    const g = new Generator(1);
    const grab = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ValueError;
      }
      throw new Error("expected an error");
    };
    let e = grab(() => g.randint([2], 0, 3e9));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.argument).toBe("high");
    expect(e.received).toBe("3000000000");
    e = grab(() => g.randint([2], -(2 ** 31) - 1, 0));
    expect(e.argument).toBe("low");
    expect(grab(() => g.randint([2], 5, 5))).toBeInstanceOf(ValueError);
    expect(grab(() => g.randint([2], 0, 2.5))).toBeInstanceOf(ValueError);
    expect(grab(() => g.randint([-1], 0, 2))).toBeInstanceOf(ValueError);
  });
});

describe("argument errors", () => {
  it("are typed", () => {
    const g = new Generator(1);
    const grab = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ValueError;
      }
      throw new Error("expected an error");
    };
    let e = grab(() => new Generator(1.5));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.argument).toBe("seed");
    e = grab(() => new Generator(1, -1));
    expect(e.argument).toBe("stream");
    e = grab(() => g.normal([2], { std: -1 }));
    expect(e.argument).toBe("std");
    e = grab(() => g.uniform([2], { low: 1, high: 0 }));
    expect(e.argument).toBe("high");
    expect(grab(() => g.uniform([2], { dtype: "int32" }))).toBeInstanceOf(DTypeError);
    expect(grab(() => g.normal([2.5]))).toBeInstanceOf(ValueError);
  });
});
