/**
 * The composite FWHT (tensor-composite.ts: butterfly stages of core ops) against the direct
 * definition X[k] = scale sum_j (-1)^popcount(row_k & j) x[j] (test/reference/direct.ts,
 * compensated f64 sums) and against the native "FWHT" kernel, at N = 2^11 (above gpu.js's
 * 1000-iteration loop cut, the size where a GPU port of a loop over N would silently break);
 * dispatch (auto / "native" / "composite", a backend without the native kernel), gradients by
 * finite differences in f64 and tensor bookkeeping.
 *
 * Round-off: each of the log2 N stages adds or subtracts two partial sums, each bounded by
 * ||x||_1, with one rounding of relative size u (2^-53 in f64, 2^-24 in f32); errors add over
 * the stages, so |X_k - X_k(exact)| <= log2 N u ||x||_1 scale (+ one rounding for the scale).
 * The tests use (log2 N + 1) u ||x||_1 scale; two computations each within it differ by at most
 * twice that.
 */
import {
  gather,
  getBackend,
  memory,
  readSync,
  registerBackend,
  registerKernel,
  setBackend,
  tensor,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { fwht, ifwht } from "@modewise/wht/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "../../tensor/test/helpers.js";
import { directWHT, l1, maxAbsDiff, uniform } from "./reference/direct.js";

const ORDERS = ["natural", "sequency", "dyadic"] as const;
const LOG2N = 11;
const N = 2 ** LOG2N;
const SCALE = { backward: 1, ortho: 1 / Math.sqrt(N), forward: 1 / N } as const;

const bound = (x: ArrayLike<number>, u: number, scale: number): number =>
  (LOG2N + 1) * u * l1(x) * scale;

/** Column `col` of a row-major (rows, cols) array. */
function column(v: ArrayLike<number>, rows: number, cols: number, col: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => v[r * cols + col]);
}

describe("composite FWHT: values at N = 2^11", () => {
  it("equals the direct definition and the native kernel (f64, every order and norm)", () => {
    const x = uniform(N, 1);
    const xt = tensor(x, { dtype: "float64" });
    for (const order of ORDERS) {
      for (const norm of ["backward", "ortho", "forward"] as const) {
        const comp = fwht(xt, { order, norm, path: "composite" }).dataSync();
        const native = fwht(xt, { order, norm, path: "native" }).dataSync();
        const tol = bound(x, 2 ** -53, SCALE[norm]);
        expect(maxAbsDiff(comp, directWHT(x, order, SCALE[norm]))).toBeLessThanOrEqual(tol);
        expect(maxAbsDiff(comp, native)).toBeLessThanOrEqual(2 * tol);
      }
    }
  });

  it("equals the direct definition in f32 (f32 input, f32 output)", () => {
    const x32 = Float32Array.from(uniform(N, 2));
    const xt = tensor(x32, { dtype: "float32" });
    for (const order of ORDERS) {
      const y = fwht(xt, { order, path: "composite" });
      expect(y.dtype).toBe("float32");
      const tol = bound(x32, 2 ** -24, 1);
      expect(maxAbsDiff(y.dataSync(), directWHT(x32, order))).toBeLessThanOrEqual(tol);
    }
  });

  it("transforms along a middle or first axis, and ifwht inverts it", () => {
    // (3, N, 2), axis 1: each of the 6 lines against the direct transform.
    const x = uniform(3 * N * 2, 3);
    const xt = tensor(x, { dtype: "float64", shape: [3, N, 2] });
    const y = fwht(xt, { axis: 1, order: "sequency", path: "composite" });
    expect(y.shape).toEqual([3, N, 2]);
    const yv = y.dataSync();
    for (let a = 0; a < 3; a++) {
      for (let c = 0; c < 2; c++) {
        const line = Float64Array.from({ length: N }, (_, k) => x[(a * N + k) * 2 + c]);
        const got = Float64Array.from({ length: N }, (_, k) => yv[(a * N + k) * 2 + c]);
        expect(maxAbsDiff(got, directWHT(line, "sequency"))).toBeLessThanOrEqual(
          bound(line, 2 ** -53, 1),
        );
      }
    }
    // (16, 5), axis 0, dyadic: columns against the direct transform.
    const z = uniform(16 * 5, 4);
    const zt = fwht(tensor(z, { dtype: "float64", shape: [16, 5] }), {
      axis: 0,
      order: "dyadic",
      path: "composite",
    }).dataSync();
    for (let c = 0; c < 5; c++) {
      const col = column(z, 16, 5, c);
      expect(maxAbsDiff(column(zt, 16, 5, c), directWHT(col, "dyadic"))).toBeLessThanOrEqual(
        5 * 2 ** -53 * l1(col),
      );
    }
    // Round trip: W W = N I; ifwht divides by N (backward norm).
    const back = ifwht(fwht(xt, { axis: 1, path: "composite" }), {
      axis: 1,
      path: "composite",
    }).dataSync();
    expect(maxAbsDiff(back, x)).toBeLessThanOrEqual(2 * bound(x, 2 ** -53, 1));
  });

  it("handles N = 1 and N = 2 (zero and one stage); the result is never the input itself", () => {
    const one = tensor([3], { dtype: "float64" });
    const y = fwht(one, { path: "composite" });
    expect(y).not.toBe(one);
    expect(Array.from(y.dataSync())).toEqual([3]);
    y.dispose();
    expect(one.isDisposed).toBe(false);
    const two = fwht(tensor([3, 5], { dtype: "float64" }), { path: "composite" });
    expect(Array.from(two.dataSync())).toEqual([8, -2]);
  });
});

describe("composite FWHT: gradients and bookkeeping", () => {
  it("passes a finite-difference gradient check in f64 (autograd through core ops)", () => {
    for (const order of ORDERS)
      checkGrad(
        (t) => fwht(t, { axis: 0, order, norm: "ortho", path: "composite" }),
        [randomTensor([8, 3], "float64", 7)],
      );
  });

  it("returns the live tensor count to its baseline", () => {
    const xt = tensor(uniform(N, 5), { dtype: "float64" });
    const before = memory().numTensors;
    for (const order of ORDERS) fwht(xt, { order, path: "composite" }).dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("refuses an unknown path with a typed error", () => {
    const xt = tensor([1, 2], { dtype: "float64" });
    expect(() => fwht(xt, { path: "gpu" as "native" })).toThrow(ValueError);
  });
});

describe("composite FWHT: dispatch", () => {
  // Runs last in this file: it replaces the CPU "FWHT" kernel with a counting one (vitest
  // isolates test files, so other files keep the real kernel).
  it("auto uses the native kernel where registered, the composite elsewhere; 'composite' never calls it", () => {
    const x = uniform(64, 6);
    const xt = tensor(x, { dtype: "float64" });
    const expected = directWHT(x, "sequency");
    let nativeCalls = 0;
    registerKernel("FWHT", "cpu", ([t], _attrs, backend) => {
      nativeCalls++;
      return writeOutput(readSync(t, backend), t.shape.slice(), t.dtype, backend);
    });
    const tol = bound(x, 2 ** -53, 1);
    expect(
      maxAbsDiff(fwht(xt, { order: "sequency", path: "composite" }).dataSync(), expected),
    ).toBeLessThanOrEqual(tol);
    expect(nativeCalls).toBe(0);
    fwht(xt).dispose();
    expect(nativeCalls).toBe(1);

    // A backend with the core kernels but no "FWHT": the CPU backend under another name.
    const cpu = xt.backend;
    registerBackend("cpu-without-fwht", () =>
      Object.create(cpu, { name: { value: "cpu-without-fwht" } }),
    );
    const previous = getBackend();
    setBackend("cpu-without-fwht");
    try {
      const xo = tensor(x, { dtype: "float64" });
      expect(xo.backend.name).toBe("cpu-without-fwht");
      const y = fwht(xo, { order: "sequency" });
      expect(maxAbsDiff(y.dataSync(), expected)).toBeLessThanOrEqual(tol);
      expect(nativeCalls).toBe(1);
      expect(() => fwht(xo, { path: "native" })).toThrow(/not implemented on backend/);
      // gather really ran on that backend (a core op, so the composite's building blocks work).
      expect(gather(xo, [0]).backend.name).toBe("cpu-without-fwht");
    } finally {
      setBackend(previous);
    }
  });
});
