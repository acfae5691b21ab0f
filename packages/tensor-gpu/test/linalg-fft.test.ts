/**
 * FFT / RFFT / IRFFT kernels vs @modewise/fft's own CPU kernels run in float64 (an independent
 * implementation: mixed-radix plans, not Stockham passes), with the attrs the public ops build
 * (n / axes / out / sign / scale / weighted), including padding, truncation and non-powers of two.
 * Tolerance from FFT error growth (u = 2^-24): a radix-2 pass adds at most ~2u relative error in
 * the 2-norm (Higham 24.1), so ||err||_2 <= 2 G u ||y||_2 with G = sum of log2(n) over the axes
 * (a direct DFT axis of length n counts n: its outputs are n-term sums). The max-norm error is
 * at most the 2-norm error, and ||y||_2 <= sqrt(L) ||x||_2 |scale| for a transform of L points.
 */
import type { FFTAttrs, IRFFTAttrs, RFFTAttrs } from "@modewise/fft/tensor";
import { runKernel, type Tensor, tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { fftKernels, isPowerOfTwo } from "../src/kernels/fft.js";
import { linalgExecutor } from "../src/kernels/linalg-host.js";
import { seeded, TestHost } from "./linalg-host.js";

const U = 2 ** -24;
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function growth(ns: number[]): number {
  return ns.reduce((g, n) => g + (n <= 1 ? 0 : isPowerOfTwo(n) ? Math.log2(n) : n), 0);
}

function norm2(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function reference(
  name: string,
  x: Float32Array,
  shape: number[],
  complex: boolean,
  attrs: unknown,
) {
  const t = tensor(Float64Array.from(x), {
    dtype: complex ? "complex128" : "float64",
    shape,
    device: "cpu",
  });
  const y: Tensor = runKernel(name, [t], attrs);
  const out = { want: y.dataSync() as Float64Array, shape: y.shape.slice() };
  t.dispose();
  y.dispose();
  return out;
}

function check(
  host: TestHost,
  name: "FFT" | "RFFT" | "IRFFT",
  shape: number[],
  attrs: FFTAttrs | RFFTAttrs | IRFFTAttrs,
): void {
  const complex = name !== "RFFT";
  const x = seeded(prod(shape) * (complex ? 2 : 1), 17 + prod(shape));
  const info = host.info(x, shape, complex ? "complex64" : "float32");
  const kernel = fftKernels[name] as (
    i: readonly unknown[],
    a: typeof attrs,
    b: TestHost,
  ) => ReturnType<typeof fftKernels.FFT>;
  const y = kernel([info], attrs, host);
  const ref = reference(name, x, shape, complex, attrs);
  expect(y.shape).toEqual(ref.shape);
  expect(y.dtype).toBe(name === "IRFFT" ? "float32" : "complex64");
  const got = host.values(y);
  expect(got.length).toBe(ref.want.length);
  const L = prod(attrs.n);
  const tol =
    2 * Math.max(growth(attrs.n), 1) * U * Math.sqrt(L) * norm2(x) * Math.abs(attrs.scale) * 2;
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref.want[i]));
  expect(worst).toBeLessThanOrEqual(tol);
  // The input survives (the kernels never release what they did not create).
  expect(host.values(info)).toEqual(x);
}

describe("FFT kernels (gpu.js Stockham passes, run on webasm)", () => {
  const host = new TestHost("linalg-test-gl", "webgl2");

  it("FFT n = 2048 over the last axis (11 radix-2 passes), batch 3", () => {
    check(host, "FFT", [3, 2048], { axes: [1], n: [2048], out: [2048], sign: -1, scale: 1 });
    expect(linalgExecutor("FFT")).toBe("gpu.js:webasm");
  });

  it("inverse 2-D FFT over axes (0, 2) of [8, 3, 16], norm backward scale", () => {
    check(host, "FFT", [8, 3, 16], {
      axes: [0, 2],
      n: [8, 16],
      out: [8, 16],
      sign: 1,
      scale: 1 / 128,
    });
  });

  it("FFT with zero-padding (n > size), truncation, and an out size (the gradient's R_out)", () => {
    check(host, "FFT", [2, 5, 6], { axes: [1, 2], n: [8, 4], out: [5, 6], sign: -1, scale: 0.5 });
  });

  it("FFT of a non-power-of-two length (direct DFT kernel), n = 12 and 1000", () => {
    check(host, "FFT", [2, 12], { axes: [1], n: [12], out: [12], sign: -1, scale: 1 });
    check(host, "FFT", [1000], { axes: [0], n: [1000], out: [1000], sign: 1, scale: 1 });
  });

  it("3-D FFT over all axes", () => {
    check(host, "FFT", [4, 8, 2], {
      axes: [0, 1, 2],
      n: [4, 8, 2],
      out: [4, 8, 2],
      sign: -1,
      scale: 1,
    });
  });

  it("RFFT 2-D over the last axes (rfft2 of [3, 8, 16]), plain and weighted (W = C)", () => {
    const base = { axes: [1, 2], n: [8, 16], out: [8, 9], scale: 1 };
    check(host, "RFFT", [3, 8, 16], { ...base, weighted: false });
    check(host, "RFFT", [3, 8, 16], { ...base, weighted: true });
    expect(linalgExecutor("RFFT")).toBe("gpu.js:webasm");
  });

  it("RFFT with padding to n = 32 and an odd length 10 along the first axis (ortho scale)", () => {
    check(host, "RFFT", [10, 20], {
      axes: [0, 1],
      n: [10, 32],
      out: [10, 17],
      scale: 1 / Math.sqrt(320),
      weighted: false,
    });
  });

  it("IRFFT 1-D and 2-D, plain and weighted (V = C^-1), bins fewer and more than n/2 + 1", () => {
    check(host, "IRFFT", [4, 9], { axes: [1], n: [16], out: [16], scale: 1 / 16, weighted: false });
    check(host, "IRFFT", [4, 9], { axes: [1], n: [16], out: [16], scale: 1 / 16, weighted: true });
    check(host, "IRFFT", [2, 8, 5], {
      axes: [1, 2],
      n: [8, 16],
      out: [8, 16],
      scale: 1 / 128,
      weighted: false,
    });
    check(host, "IRFFT", [2, 8, 12], {
      axes: [1, 2],
      n: [8, 16],
      out: [6, 10],
      scale: 1,
      weighted: true,
    });
    expect(linalgExecutor("IRFFT")).toBe("gpu.js:webasm");
  });

  it("rejects a long non-power-of-two length with a ValueError naming n", () => {
    const info = host.info(new Float32Array(2 * 5000), [5000], "complex64");
    expect(() =>
      fftKernels.FFT(
        [info],
        { axes: [0], n: [5000], out: [5000], sign: -1, scale: 1 },
        host as never,
      ),
    ).toThrow(/'n'.*power-of-two/);
  });

  it("releases every intermediate it created", () => {
    const before = host.store.size;
    check(host, "FFT", [2, 64], { axes: [1], n: [64], out: [64], sign: -1, scale: 1 });
    // + the input and the output of the checked call
    expect(host.store.size).toBe(before + 2);
  });
});

describe("FFT on the wasm backend routes to @modewise/fft plans (reported)", () => {
  it("FFT, RFFT and IRFFT report executor fft-plan", () => {
    const host = new TestHost("linalg-test-wasm", "webasm");
    check(host, "FFT", [3, 2048], { axes: [1], n: [2048], out: [2048], sign: -1, scale: 1 });
    expect(linalgExecutor("FFT")).toBe("fft-plan");
    check(host, "RFFT", [3, 8, 16], {
      axes: [1, 2],
      n: [8, 16],
      out: [8, 9],
      scale: 1,
      weighted: false,
    });
    expect(linalgExecutor("RFFT")).toBe("fft-plan");
    check(host, "IRFFT", [2, 8, 5], {
      axes: [1, 2],
      n: [8, 16],
      out: [8, 16],
      scale: 1 / 128,
      weighted: false,
    });
    expect(linalgExecutor("IRFFT")).toBe("fft-plan");
  });
});
