/**
 * The float32 GELU kernels on WebAssembly SIMD (src/backend/cpu/simd-gelu-module.ts) against
 * the float64 scalar GELU and GELU' (the float64 path of the same ops, a few float64 ulps from
 * exact: erf-gelu.test.ts checks them against mpmath), on 1.2M grid points densely covering
 * [-15, 15], random points, tails and specials. The bounds are the ones derived in the module's
 * header, in units of u = 2^-24:
 *   GELU:  |err| <= 24 u |GELU(x)| + 2^-149 (one subnormal step where the result underflows);
 *   GELU': |err| <= (24 u (Phi(x) + |x| phi(x)) + 2 u |GELU'(x)| + 2^-149) |dy| + 2^-149
 *          (relative except near GELU's minimum x = -0.7518, where Phi and x phi cancel; the
 *          2^-149 terms: GELU' itself may underflow before the product with dy rounds again).
 */
import {
  gelu,
  gradientsOf,
  memory,
  mul,
  NotImplementedError,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import {
  cpuKernelInfo,
  geluF32,
  geluGradF32,
  geluWithGradF32,
  setGeluSimd,
} from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";

const U = 2 ** -24;
const SUBNORMAL_STEP = 2 ** -149;
const GELU_BOUND_U = 24;
const GRAD_BOUND_U = 24;
const INV_SQRT_2PI = 0.3989422804014327;

/** Dense grid on [-15, 15], random points there, tails (tiny and huge |x|) and specials. */
function testPoints(): Float32Array {
  const xs: number[] = [];
  const grid = 1_200_000;
  for (let i = 0; i <= grid; i++) xs.push(-15 + (30 * i) / grid);
  let seed = 12345;
  const rand = () => {
    // xorshift32: a fixed, platform-independent sequence
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 100_000; i++) xs.push(-15 + 30 * rand());
  for (let i = 0; i < 50_000; i++) {
    const sign = rand() < 0.5 ? -1 : 1;
    xs.push(sign * 10 ** (-40 + 40 * rand())); // |x| in [1e-40, 1]: subnormal to 1
    xs.push(sign * 10 ** (Math.log10(15) + 23 * rand())); // |x| in [15, 1.5e24]
    xs.push(-12 - 3 * rand()); // the left tail where GELU underflows
  }
  xs.push(0, -0, Infinity, -Infinity, Number.NaN, 3.4028234663852886e38, -3.4028234663852886e38);
  xs.push(1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, -0.7518);
  return Float32Array.from(xs);
}

const X = testPoints();
/** Deterministic upstream gradients in [0.5, 2) of both signs. */
const DY = Float32Array.from(X, (_, i) => (i % 2 === 0 ? 1 : -1) * (0.5 + ((i * 0.618034) % 1.5)));

function f64Gelu(x: Float32Array): Float64Array {
  return tidy(() => gelu(tensor(Float64Array.from(x))).dataSync() as Float64Array);
}

function f64GeluGrad(x: Float32Array): Float64Array {
  return tidy(() => {
    const t = tensor(Float64Array.from(x));
    const { grads } = gradientsOf(() => sum(gelu(t)), [t]);
    return grads[0].dataSync() as Float64Array;
  });
}

function f32Gelu(x: Float32Array): Float32Array {
  return tidy(() => gelu(tensor(x)).dataSync() as Float32Array);
}

/** dy GELU'(x) in float32 through autograd: the gradient of sum(gelu(x) * dy). */
function f32GeluGrad(x: Float32Array, dy: Float32Array): Float32Array {
  return tidy(() => {
    const t = tensor(x);
    const w = tensor(dy);
    const { grads } = gradientsOf(() => sum(mul(gelu(t), w)), [t]);
    return grads[0].dataSync() as Float32Array;
  });
}

/** NaN, and +-Inf / values past the limits compared exactly; otherwise the worst err / bound. */
function worstGelu(x: Float32Array, got: Float32Array, ref: Float64Array): [number, string] {
  let worst = 0;
  let where = "";
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(ref[i]) || !Number.isFinite(ref[i])) {
      if (!Object.is(got[i], Math.fround(ref[i]))) return [Infinity, `x=${x[i]}: got ${got[i]}`];
      continue;
    }
    const r = Math.abs(got[i] - ref[i]) / (GELU_BOUND_U * U * Math.abs(ref[i]) + SUBNORMAL_STEP);
    if (r > worst) [worst, where] = [r, `x=${x[i]}: got ${got[i]}, expected ${ref[i]}`];
  }
  return [worst, where];
}

function worstGrad(
  x: Float32Array,
  dy: Float32Array,
  got: Float32Array,
  ref: Float64Array,
): [number, string] {
  let worst = 0;
  let where = "";
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const expected = dy[i] * ref[i];
    if (Number.isNaN(ref[i])) {
      // NaN and +-Inf (Inf * 0 in Phi + x phi, as the float64 path and PyTorch give)
      if (!Number.isNaN(got[i])) return [Infinity, `x=${v}: got ${got[i]}, expected NaN`];
      continue;
    }
    // Phi(x) + |x| phi(x): Phi = GELU' - x phi.
    const phi = Number.isFinite(v) ? INV_SQRT_2PI * Math.exp(-0.5 * v * v) : 0;
    const magnitude = Math.abs(ref[i] - v * phi) + Math.abs(v) * phi;
    const tol =
      (GRAD_BOUND_U * U * magnitude + 2 * U * Math.abs(ref[i]) + SUBNORMAL_STEP) * Math.abs(dy[i]) +
      SUBNORMAL_STEP;
    const r = Math.abs(got[i] - expected) / tol;
    if (!(r <= worst)) [worst, where] = [r, `x=${v}: got ${got[i]}, expected ${expected}`];
  }
  return [worst, where];
}

describe("float32 GELU on WebAssembly SIMD", () => {
  const simd = cpuKernelInfo().geluSimd;

  it("runs on the SIMD kernel where WebAssembly SIMD exists (Node 20 has it)", () => {
    expect(typeof WebAssembly.validate).toBe("function");
    expect(simd).toBe(true);
    f32Gelu(X.subarray(0, 1024));
    expect(cpuKernelInfo().lastGeluPath).toBe("simd");
    f32Gelu(X.subarray(0, 8)); // below GELU_SIMD_MIN_ELEMENTS: the scalar loop
    expect(cpuKernelInfo().lastGeluPath).toBe("scalar");
  });

  it(`GELU within ${GELU_BOUND_U} u of the float64 reference over ${X.length} points`, () => {
    const before = memory().numTensors;
    const got = f32Gelu(X);
    expect(cpuKernelInfo().lastGeluPath).toBe("simd");
    const [worst, where] = worstGelu(X, got, f64Gelu(X));
    expect(worst, where).toBeLessThanOrEqual(1);
    expect(memory().numTensors).toBe(before);
  });

  it(`GELU' within ${GRAD_BOUND_U} u (Phi + |x| phi), times dy, over ${X.length} points`, () => {
    const before = memory().numTensors;
    const got = f32GeluGrad(X, DY);
    expect(cpuKernelInfo().lastGeluPath).toBe("simd");
    const [worst, where] = worstGrad(X, DY, got, f64GeluGrad(X));
    expect(worst, where).toBeLessThanOrEqual(1);
    expect(memory().numTensors).toBe(before);
  });

  it("the recorded forward keeps GELU' (one pass): its gradient equals the GELU' kernel's bits", () => {
    // Autograd above ran GELU and GELU' in one pass (forwardWithGrad) and the backward was the
    // product dy GELU'; the GELU' kernel (grad) computes dy GELU' itself: same bits everywhere,
    // so the accuracy bound checked above holds for both.
    const viaTape = f32GeluGrad(X, DY);
    expect(cpuKernelInfo().lastGeluCall).toBe("forwardWithGrad");
    const direct = new Float32Array(X.length);
    expect(geluGradF32(X, DY, direct)).toBe(true);
    expect(cpuKernelInfo().lastGeluCall).toBe("grad");
    const y = new Float32Array(X.length);
    const d = new Float32Array(X.length);
    expect(geluWithGradF32(X, y, d)).toBe(true);
    const yOnly = new Float32Array(X.length);
    expect(geluF32(X, yOnly)).toBe(true);
    for (let i = 0; i < X.length; i++) {
      if (!Object.is(direct[i], viaTape[i]) || !Object.is(y[i], yOnly[i]))
        throw new Error(`x = ${X[i]}: the kernels disagree`);
    }
    // Math.fround(dy * d) is the float32 product the backward computes
    expect(Object.is(direct[1234], Math.fround(DY[1234] * d[1234]))).toBe(true);
  });

  it("the raw-array kernels refuse arrays of other lengths with a ShapeError naming them", () => {
    const x = new Float32Array(1000);
    expect(() => geluF32(x, new Float32Array(999))).toThrow(/geluF32.*'out'.*1000 floats/);
    expect(() => geluGradF32(x, new Float32Array(1001), new Float32Array(1000))).toThrow(
      ShapeError,
    );
    expect(() => geluWithGradF32(x, new Float32Array(1000), new Float32Array(10))).toThrow(/'d'/);
  });

  it("a gradient of the gradient through float32 GELU refuses, as float64 does (GELU' is no constant)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = tensor(X.subarray(0, 1024), { dtype });
      const inner = (t: Tensor) => gradientsOf(() => sum(mul(gelu(t), t)), [t]).grads[0];
      expect(() => tidy(() => gradientsOf(() => sum(inner(x)), [x])), dtype).toThrow(
        NotImplementedError,
      );
      // first order alone is fine, and with an outer tape that does not watch x too
      tidy(() => {
        const w = tensor(new Float32Array(1024).fill(2), { dtype });
        const g = gradientsOf(() => sum(mul(inner(x), w)), [w]).grads[0];
        expect(g.shape).toEqual([1024]);
      });
      x.dispose();
    }
  });

  it("the kept GELU' lives with the tape: released after the gradient, never made untracked", () => {
    const x = tensor(X.subarray(0, 4096));
    const w = tensor(DY.subarray(0, 4096));
    const before = memory();
    tidy(() => {
      // x is watched: the forward returns GELU' beside GELU (one more buffer while taped)
      gradientsOf(() => sum(mul(gelu(x), w)), [x]);
      expect(cpuKernelInfo().lastGeluCall).toBe("forwardWithGrad");
      // only w is watched: gelu(x) is not recorded, so no GELU' is computed
      gradientsOf(() => sum(mul(gelu(x), w)), [w]);
      expect(cpuKernelInfo().lastGeluCall).toBe("forward");
      gelu(x);
      expect(cpuKernelInfo().lastGeluCall).toBe("forward");
    });
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
    w.dispose();
  });

  it("specials: NaN, +-Inf as the scalar path (and PyTorch), signed zero, underflow to -0", () => {
    const sp = new Float32Array(512);
    sp.set([Number.NaN, Infinity, -Infinity, -0, 0, -20, 20, -14]);
    const y = f32Gelu(sp);
    expect(cpuKernelInfo().lastGeluPath).toBe("simd");
    // GELU(-Inf) = -Inf * Phi(-Inf) = -Inf * 0 = NaN, as the float64 path and PyTorch give.
    expect(Array.from(y.subarray(0, 8))).toEqual([
      Number.NaN,
      Infinity,
      Number.NaN,
      -0,
      0,
      -0,
      20,
      y[7],
    ]);
    expect(Object.is(y[3], -0) && Object.is(y[5], -0)).toBe(true);
    expect(y[7]).toBeLessThan(0); // GELU(-14) ~ -1.09e-43 is subnormal, not 0
    const d = f32GeluGrad(sp, new Float32Array(512).fill(1));
    expect(Array.from(d.subarray(0, 7)).map((v) => (v === 0 ? 0 : v))).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      0.5,
      0.5,
      0,
      1,
    ]);
  });

  it("the check can fail: a 32 u error at one point, or a truncated polynomial, exceeds it", () => {
    const x = X.subarray(550_000, 570_000); // x in [-1.25, -0.75]
    const ref = f64Gelu(x);
    const got = f32Gelu(x);
    expect(worstGelu(x, got, ref)[0]).toBeLessThanOrEqual(1);
    const perturbed = Float32Array.from(got);
    const i = 10_000;
    perturbed[i] = got[i] * (1 + 32 * U);
    expect(worstGelu(x, perturbed, ref)[0]).toBeGreaterThan(1);
    // Dropping g's last coefficient (-9.16e-6 v^10) moves g by up to 9.2e-6 where g >= 0.1: a
    // relative error near 1e-4 = 1500 u. Emulated on the reference: R(1 - 9.2e-6 / g(1)).
    const truncated = Float32Array.from(ref, (v) => v * (1 - 9.16e-6 / 0.11));
    expect(worstGelu(x, truncated, ref)[0]).toBeGreaterThan(1);
  });

  it("falls back to the scalar float64 path when the SIMD kernel is switched off", () => {
    const x = X.subarray(0, 4096);
    const simdOut = f32Gelu(x);
    setGeluSimd(false);
    try {
      expect(cpuKernelInfo().geluSimd).toBe(false);
      const scalar = f32Gelu(x);
      expect(cpuKernelInfo().lastGeluPath).toBe("scalar");
      const ref = f64Gelu(x);
      // The scalar path rounds the float64 value once: within 1 float32 ulp (elementwise tests).
      for (let i = 0; i < x.length; i++) expect(scalar[i]).toBe(Math.fround(ref[i]));
      // The two paths agree within the SIMD bound.
      expect(worstGelu(x, simdOut, Float64Array.from(scalar))[0]).toBeLessThanOrEqual(1);
    } finally {
      setGeluSimd(true);
    }
    f32Gelu(x);
    expect(cpuKernelInfo().lastGeluPath).toBe("simd");
  });

  it("every length and offset gives the same bits (chunk edges and partial vectors)", () => {
    // The data passes through the module in chunks of whole vectors; each element's
    // value must not depend on where it sits in the array or on the length (chunks of 4096 too).
    const x = X.subarray(600_000, 600_000 + 8200); // around 0, where GELU varies most
    const dy = X.subarray(100_000, 100_000 + 8200);
    const full = f32Gelu(x);
    const fullGrad = f32GeluGrad(x, dy);
    for (const len of [256, 257, 259, 262, 263, 270, 4095, 4097, 4100, 8199]) {
      for (const off of [0, 1, 3, 5]) {
        const part = f32Gelu(x.subarray(off, off + len));
        const partGrad = f32GeluGrad(x.subarray(off, off + len), dy.subarray(off, off + len));
        expect(cpuKernelInfo().lastGeluPath).toBe("simd");
        for (let i = 0; i < len; i++) {
          if (part[i] !== full[off + i] || partGrad[i] !== fullGrad[off + i])
            throw new Error(`length ${len}, offset ${off}: element ${i} differs`);
        }
      }
    }
  });

  it("float64 stays on the scalar path (within its float64 error budget)", () => {
    // A short float32 call sets the path record to "scalar"; a float64 call of SIMD size must
    // leave it there (were float64 routed to the kernel, the record would read "simd").
    f32Gelu(X.subarray(0, 16));
    expect(cpuKernelInfo().lastGeluPath).toBe("scalar");
    const xs = Float64Array.from(X.subarray(0, 4096));
    xs.set([1, 2, -3]);
    const y = tidy(() => gelu(tensor(xs)).dataSync());
    expect(y).toBeInstanceOf(Float64Array);
    expect(cpuKernelInfo().lastGeluPath).toBe("scalar");
    // x Phi(x) from mpmath ncdf (30 digits) rounded to float64, within the float64 budget that
    // erf-gelu.test.ts derives: 6 ulps, plus (19 + 3 (x^2 + 1)) 2^-53 relative for x < 0
    // (Phi's conditioning in the left tail).
    const xsRef = [1, 2, -3];
    const exact = [0.8413447460685429, 1.9544997361036416, -0.0040496940948902835];
    exact.forEach((v, i) => {
      const x = xsRef[i] as number;
      const budget = 6 * 2 ** -52 + (x < 0 ? (19 + 3 * (x * x + 1)) * 2 ** -53 : 0);
      expect(Math.abs((y[i] as number) - v)).toBeLessThanOrEqual(budget * Math.abs(v));
    });
  });
});
