/**
 * The 1-D engine's internals: algorithm choice by the cost model, every code path (JS codelets,
 * wasm interleaved and pair formats, blocked runs, generic odd radix, Bluestein, Rader) against
 * the exact double-double reference, the wasm and JS engines giving bit-identical results,
 * in-place execution, offsets and strides, scaling, float32 plans, real plans.
 *
 * Error bar for one transform: reference/bounds.ts, relative L2 <= 2 u sqrt(log2 n + 1)
 * (u = 2^-53; 1e-15 at n = 2^20; justified there: errors of ~log2 n passes add in quadrature).
 */
import { complexPlan, realPlan } from "@modewise/fft";
import { afterEach, describe, expect, it } from "vitest";
import { BluesteinCore } from "../src/bluestein.js";
import { setWasmEnabled } from "../src/codelets/wasm.js";
import {
  bluesteinCost,
  chooseAlgorithm,
  goodSize,
  largestPrimeFactor,
  mixedRadixCost,
  raderCost,
} from "../src/factorize.js";
import { type ComplexCore, MixedRadixCore } from "../src/plan.js";
import { RaderCore } from "../src/rader.js";
import { fftErrorBound } from "./reference/bounds.js";
import { fftRef, fromInterleaved, normals, relL2Error } from "./reference/index.js";

afterEach(() => setWasmEnabled(true));

/** A core of the given algorithm, built directly (not cached), with or without wasm. */
function buildCore(n: number, algorithm: string, wasm: boolean): ComplexCore {
  setWasmEnabled(wasm);
  try {
    if (algorithm === "rader") return new RaderCore(n, new MixedRadixCore(n - 1));
    if (algorithm === "bluestein")
      return new BluesteinCore(n, new MixedRadixCore(goodSize(2 * n - 1)));
    return new MixedRadixCore(n);
  } finally {
    setWasmEnabled(true);
  }
}

function run(core: ComplexCore, x: Float64Array, sign: -1 | 1): Float64Array {
  const y = new Float64Array(x.length);
  core.run(x, 0, 2, y, 0, 2, sign, 1);
  return y;
}

/** Exact DFT of x (forward or backward) in double-double. */
function exact(x: Float64Array, n: number, sign: -1 | 1) {
  return fftRef(fromInterleaved(x, n), sign);
}

describe("algorithm choice", () => {
  it("plans use what the cost model picks, the cheapest estimate", () => {
    const lengths = [
      17,
      97,
      832,
      1009,
      1024,
      2 * 2039,
      4093,
      4096,
      8191,
      3 * 5 * 7 * 11 * 13,
      65537,
    ];
    for (const n of lengths) {
      const algorithm = chooseAlgorithm(n);
      expect(complexPlan(n).algorithm).toBe(algorithm);
      if (largestPrimeFactor(n) <= 11) {
        expect(algorithm).toBe("mixed-radix");
        continue;
      }
      const costs: { [a: string]: number } = {
        "mixed-radix": mixedRadixCost(n),
        bluestein: bluesteinCost(n, goodSize(2 * n - 1)),
      };
      if (largestPrimeFactor(n) === n && largestPrimeFactor(n - 1) <= 11)
        costs.rader = raderCost(n);
      const cheapest = Object.entries(costs).sort((a, b) => a[1] - b[1])[0][0];
      expect(algorithm, `n = ${n}`).toBe(cheapest);
    }
  });

  it("clear-cut cases", () => {
    expect(chooseAlgorithm(1024)).toBe("mixed-radix");
    expect(chooseAlgorithm(3 ** 9)).toBe("mixed-radix");
    expect(chooseAlgorithm(13)).toBe("mixed-radix"); // one small generic pass
    expect(chooseAlgorithm(1009)).toBe("rader"); // 1008 = 2^4 3^2 7
    expect(chooseAlgorithm(65537)).toBe("rader"); // 2^16
    expect(chooseAlgorithm(4093)).toBe("bluestein"); // 4092 = 2^2 3 11 31
    expect(chooseAlgorithm(2 * 2039)).toBe("bluestein");
  });

  it("Bluestein's convolution length is smooth, >= 2n - 1, at most the next power of two", () => {
    for (const n of [17, 97, 1000, 4093, 10403, 65521]) {
      const m = goodSize(2 * n - 1);
      expect(m).toBeGreaterThanOrEqual(2 * n - 1);
      expect(m).toBeLessThanOrEqual(2 ** Math.ceil(Math.log2(2 * n - 1)));
      expect(largestPrimeFactor(m)).toBeLessThanOrEqual(11);
    }
  });
});

describe("every path against the exact reference", () => {
  const cases: [number, string][] = [
    [1, "mixed-radix"],
    [2, "mixed-radix"],
    [8, "mixed-radix"], // JS codelets (short)
    [12, "mixed-radix"],
    [64, "mixed-radix"], // wasm pair format
    [4096, "mixed-radix"],
    [3 * 5 * 7 * 11 * 4, "mixed-radix"], // pair, odd codelets
    [3 ** 7, "mixed-radix"], // interleaved format
    [11 ** 3, "mixed-radix"],
    [2 * 3 * 5 * 7, "mixed-radix"], // interleaved (4 does not divide n)
    [13 * 64, "mixed-radix"], // generic radix-13 pass
    [3 * 5 * 7 * 11 * 13, "mixed-radix"],
    [17 * 19, "mixed-radix"], // two generic passes
    [17 * 17, "mixed-radix"], // prime power, generic passes
    [5 ** 5, "mixed-radix"], // prime power, codelets
    [17 * 17, "bluestein"],
    [1 << 14, "mixed-radix"], // blocked
    [3 << 13, "mixed-radix"], // blocked, radix 3 on top
    [97, "bluestein"],
    [2 * 2039, "bluestein"],
    [4093, "bluestein"],
    [3 * 5 * 7 * 11 * 13, "bluestein"],
    [5003, "bluestein"], // convolution length > 2^13: blocked inner FFT
    [97, "rader"],
    [1009, "rader"],
    [12289, "rader"], // 12288 = 2^12 3
    [40961, "rader"], // inner 2^13 5: blocked
  ];
  for (const [n, algorithm] of cases) {
    it(`${algorithm} n = ${n}, wasm and JS`, () => {
      const x = normals(2 * n, n);
      const bound = fftErrorBound(n);
      const wasm = buildCore(n, algorithm, true);
      const js = buildCore(n, algorithm, false);
      for (const sign of [-1, 1] as const) {
        const ref = exact(x, n, sign);
        const ys = [run(wasm, x, sign), run(js, x, sign)];
        for (const y of ys) expect(relL2Error(y, ref)).toBeLessThanOrEqual(bound);
      }
    }, 20_000);
  }

  it("the wasm codelets do the JS codelets' float64 operations: bit-identical results", () => {
    for (const n of [
      16,
      64,
      1024,
      4096,
      3 * 1024,
      4 * 5 * 7 * 11,
      27,
      125,
      13 * 16,
      1 << 14,
      3 << 13,
      30,
    ]) {
      const wasm = new MixedRadixCore(n);
      setWasmEnabled(false);
      const js = new MixedRadixCore(n, wasm.radices); // same passes (the JS default uses radix 8)
      setWasmEnabled(true);
      expect(wasm.mode).not.toBe("js");
      expect(js.mode).toBe("js");
      const x = normals(2 * n, 5);
      for (const sign of [-1, 1] as const) expect(run(wasm, x, sign)).toEqual(run(js, x, sign));
    }
  });
});

describe("execution contract", () => {
  const lengths = [1, 5, 16, 100, 1009, 1024, 4093, 3 * 5 * 7 * 11 * 13];

  it("in place (src === dst) equals out of place, contiguous and strided", () => {
    for (const n of lengths) {
      const p = complexPlan(n);
      const x = normals(2 * n, 7);
      const want = new Float64Array(2 * n);
      p.execute(x, 0, 1, want, 0, 1, -1, 0.5);
      const y = x.slice();
      p.execute(y, 0, 1, y, 0, 1, -1, 0.5);
      expect(y).toEqual(want);
      // strided, in place: every third complex slot from offset 2
      const z = new Float64Array(2 * (2 + 3 * n));
      for (let j = 0; j < n; j++) z.set(x.subarray(2 * j, 2 * j + 2), 2 * (2 + 3 * j));
      p.execute(z, 2, 3, z, 2, 3, -1, 0.5);
      for (let j = 0; j < n; j++) {
        expect([z[2 * (2 + 3 * j)], z[2 * (2 + 3 * j) + 1]]).toEqual([
          want[2 * j],
          want[2 * j + 1],
        ]);
      }
    }
  });

  it("offsets, strides and scale give the contiguous result", () => {
    for (const n of lengths) {
      const p = complexPlan(n);
      const x = normals(2 * n, 8);
      const want = new Float64Array(2 * n);
      p.execute(x, 0, 1, want, 0, 1, 1, 1);
      const src = new Float64Array(2 * (1 + 2 * n));
      for (let j = 0; j < n; j++) src.set(x.subarray(2 * j, 2 * j + 2), 2 * (1 + 2 * j));
      const dst = new Float64Array(2 * (3 + 4 * n));
      p.execute(src, 1, 2, dst, 3, 4, 1, 1 / 3);
      for (let j = 0; j < n; j++) {
        expect(dst[2 * (3 + 4 * j)]).toBe(want[2 * j] * (1 / 3));
        expect(dst[2 * (3 + 4 * j) + 1]).toBe(want[2 * j + 1] * (1 / 3));
      }
    }
  });

  it("float32 plans: the float64 result rounded once to float32", () => {
    for (const n of lengths) {
      const x32 = Float32Array.from(normals(2 * n, 9));
      const y64 = new Float64Array(2 * n);
      complexPlan(n).execute(Float64Array.from(x32), 0, 1, y64, 0, 1, -1, 0.25);
      const y32 = new Float32Array(2 * n);
      complexPlan(n, "float32").execute(x32, 0, 1, y32, 0, 1, -1, 0.25);
      expect(y32).toEqual(Float32Array.from(y64));
      expect(complexPlan(n, "float32").precision).toBe("float32");
    }
  });

  it("plans are cached and survive eviction", () => {
    const p = complexPlan(360);
    expect(complexPlan(360)).toBe(p);
    const x = normals(720, 10);
    const before = new Float64Array(720);
    p.execute(x, 0, 1, before, 0, 1, -1, 1);
    for (let n = 20000; n < 20400; n++) complexPlan(n); // pushes 360 out of the caches
    const after = new Float64Array(720);
    complexPlan(360).execute(x, 0, 1, after, 0, 1, -1, 1);
    p.execute(x, 0, 1, before, 0, 1, -1, 1); // the old plan object still works
    expect(after).toEqual(before);
  });

  it("rejects lengths that are not positive integers", () => {
    expect(() => complexPlan(0)).toThrow(RangeError);
    expect(() => complexPlan(2.5)).toThrow(RangeError);
    expect(() => realPlan(-4)).toThrow(RangeError);
  });
});

describe("real plans", () => {
  const lengths = [1, 2, 3, 4, 5, 6, 15, 16, 100, 101, 1009, 1024, 2 * 4093, 4093];

  it("forward = the first n/2 + 1 values of the complex transform of the real input", () => {
    for (const n of lengths) {
      const x = normals(n, 11);
      const z = new Float64Array(2 * n);
      for (let j = 0; j < n; j++) z[2 * j] = x[j];
      const ref = fftRef(fromInterleaved(z, n), -1);
      const h = (n >> 1) + 1;
      const out = new Float64Array(2 * h);
      realPlan(n).forward(x, 0, 1, out, 0, 1, 1);
      expect(relL2Error(out, ref.subarray(0, 4 * h), h)).toBeLessThanOrEqual(fftErrorBound(n));
      // Im of DC (and of Nyquist, n even) are exact zeros
      expect(out[1]).toBe(0);
      if (n % 2 === 0) expect(out[2 * (h - 1) + 1]).toBe(0);
    }
  });

  it("backward inverts forward and ignores Im of DC and Nyquist", () => {
    for (const n of lengths) {
      const x = normals(n, 12);
      const h = (n >> 1) + 1;
      const spec = new Float64Array(2 * h);
      const p = realPlan(n);
      p.forward(x, 0, 1, spec, 0, 1, 1);
      spec[1] = 123; // ignored
      if (n % 2 === 0) spec[2 * (h - 1) + 1] = -7; // ignored
      const y = new Float64Array(n);
      p.backward(spec, 0, 1, y, 0, 1, 1 / n);
      let e = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        e += (y[j] - x[j]) ** 2;
        r += x[j] ** 2;
      }
      expect(Math.sqrt(e / r)).toBeLessThan(2e-15);
    }
  });

  it("strided real input and complex output, float32 arrays", () => {
    for (const n of lengths) {
      const x = normals(n, 13);
      const h = (n >> 1) + 1;
      const want = new Float64Array(2 * h);
      const p = realPlan(n);
      p.forward(x, 0, 1, want, 0, 1, 2);
      const src = new Float64Array(1 + 3 * n);
      for (let j = 0; j < n; j++) src[1 + 3 * j] = x[j];
      const dst = new Float64Array(2 * (2 + 2 * h));
      p.forward(src, 1, 3, dst, 2, 2, 2);
      for (let k = 0; k < h; k++) {
        expect([dst[2 * (2 + 2 * k)], dst[2 * (2 + 2 * k) + 1]]).toEqual([
          want[2 * k],
          want[2 * k + 1],
        ]);
      }
      const back = new Float64Array(1 + 2 * n);
      p.backward(dst, 2, 2, back, 1, 2, 1 / (2 * n));
      for (let j = 0; j < n; j++) expect(back[1 + 2 * j]).toBeCloseTo(x[j], 13);
      // float32 plan: the float64 computation on the rounded input, rounded once
      const x32 = Float32Array.from(x);
      const o32 = new Float32Array(2 * h);
      realPlan(n, "float32").forward(x32, 0, 1, o32, 0, 1, 1);
      const o64 = new Float64Array(2 * h);
      p.forward(Float64Array.from(x32), 0, 1, o64, 0, 1, 1);
      expect(o32).toEqual(Float32Array.from(o64));
    }
  });
});
