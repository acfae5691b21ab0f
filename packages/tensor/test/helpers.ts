/**
 * Shared test tools: finite-difference gradient checks in float64 and closeness assertions.
 * Gradient check: L(x) = Re(sum(conj(W) * f(x))) with a fixed random W, so every output element
 * (and both parts of complex ones) is exercised. Central differences with step h have
 * truncation error ~h^2 |L'''| / 6 and round-off ~eps_mach |L| / h; with h = 1e-6 both are
 * below ~1e-9 relative for the smooth, O(1)-scaled functions tested, so a tolerance of 1e-6
 * relative to max(1, |g|) leaves three orders of margin yet catches any wrong gradient.
 */
import {
  conj,
  Generator,
  gradientsOf,
  isComplex,
  mul,
  real,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import {
  setNumThreads,
  setThreadSchedule,
  threadsReady,
  workerUnitsDone,
} from "@modewise/tensor/cpu-kernels";
import { expect } from "vitest";

/** mulberry32: a small deterministic generator of values in [-1, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** n float32 values of the generator r (or of rng(seed)). */
export function randomF32(n: number, r: (() => number) | number): Float32Array {
  const next = typeof r === "number" ? rng(r) : r;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

/** Higham's gamma_n(u) = n u / (1 - n u): the bound of n roundings of unit roundoff u. */
export function gamma(n: number, u: number): number {
  return (n * u) / (1 - n * u);
}

export function randomTensor(
  shape: number[],
  dtype: "float64" | "complex128" | "float32" | "complex64" = "float64",
  seed = 1,
  scale = 1,
): Tensor {
  return new Generator(seed).normal(shape, { dtype, std: scale });
}

function lossOf(out: Tensor, w: Tensor): Tensor {
  const prod = isComplex(out.dtype) ? mul(conj(w), out) : mul(w, out);
  return sum(isComplex(out.dtype) ? real(prod) : prod);
}

export interface GradCheckOptions {
  h?: number;
  rtol?: number;
  /** Indices of inputs to check (default all float inputs). */
  check?: number[];
}

/** Compare autograd gradients of f at xs with central finite differences (float64 / complex128 inputs). */
export function checkGrad(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  opts: GradCheckOptions = {},
): void {
  const h = opts.h ?? 1e-6;
  const rtol = opts.rtol ?? 1e-6;
  const which =
    opts.check ??
    xs.map((_, i) => i).filter((i) => xs[i].dtype === "float64" || xs[i].dtype === "complex128");
  const out0 = f(...xs);
  const w = new Generator(99).normal(out0.shape as number[], {
    dtype: out0.dtype === "complex128" ? "complex128" : "float64",
  });
  out0.dispose();
  const { value, grads } = gradientsOf(
    () => lossOf(f(...xs), w),
    which.map((i) => xs[i]),
  );
  value.dispose();
  which.forEach((xi, k) => {
    const x = xs[xi];
    const base = x.dataSync() as Float64Array;
    const analytic = grads[k].dataSync() as Float64Array;
    expect(grads[k].shape).toEqual(x.shape);
    expect(grads[k].dtype).toBe(x.dtype);
    const evalAt = (j: number, delta: number): number =>
      tidy(() => {
        const data = base.slice();
        data[j] += delta;
        const args = xs.slice();
        args[xi] = tensor(data, { dtype: x.dtype, shape: x.shape as number[] });
        return lossOf(f(...args), w).item();
      });
    for (let j = 0; j < base.length; j++) {
      const numeric = (evalAt(j, h) - evalAt(j, -h)) / (2 * h);
      const err = Math.abs(analytic[j] - numeric);
      if (!(err <= rtol * Math.max(1, Math.abs(numeric)))) {
        throw new Error(
          `gradient of input ${xi} component ${j}: autograd ${analytic[j]}, finite difference ${numeric}`,
        );
      }
    }
  });
  w.dispose();
  for (const g of grads) g.dispose();
}

/** |a - b| <= atol + rtol |b| elementwise, with a readable failure. */
export function expectClose(
  actual: ArrayLike<number> | Tensor,
  expected: ArrayLike<number>,
  rtol = 1e-12,
  atol = 0,
): void {
  const a = "dataSync" in actual ? (actual as Tensor).dataSync() : actual;
  expect(a.length).toBe(expected.length);
  for (let i = 0; i < a.length; i++) {
    const e = expected[i];
    const v = a[i];
    if (Number.isNaN(e)) {
      expect(Number.isNaN(v), `element ${i}: expected NaN, got ${v}`).toBe(true);
      continue;
    }
    if (!Number.isFinite(e)) {
      expect(v, `element ${i}`).toBe(e);
      continue;
    }
    const err = Math.abs(v - e);
    if (!(err <= atol + rtol * Math.abs(e))) {
      throw new Error(
        `element ${i}: got ${v}, expected ${e} (|err| ${err.toExponential(2)} > ${atol} + ${rtol}*|expected|)`,
      );
    }
  }
}

/**
 * `run()` on one thread, then on two with the static schedule (where the worker computes its
 * own units: it must take at least `minWorkerUnits`), then on two with the dynamic schedule
 * (the default, restored after). Returns the three results for bitwise comparison; leaves two
 * threads set.
 */
export async function onOneAndTwoThreads<T>(
  run: () => T,
  minWorkerUnits = 1,
): Promise<{ one: T; two: T; dynamic: T }> {
  setNumThreads(1);
  const one = run();
  setNumThreads(2);
  expect(await threadsReady(10000)).toBe(2);
  setThreadSchedule("static");
  try {
    const done0 = workerUnitsDone()[0];
    const two = run();
    expect(workerUnitsDone()[0]).toBeGreaterThanOrEqual(done0 + minWorkerUnits);
    setThreadSchedule("dynamic");
    return { one, two, dynamic: run() };
  } finally {
    setThreadSchedule("dynamic");
  }
}
