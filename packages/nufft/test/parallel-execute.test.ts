/**
 * executeThreaded (src/parallel/execute.ts) against the plan's own single-threaded execute and
 * adjoint, types 1 and 2 in 1-D, 2-D and 3-D, two transforms per call, float64 and float32, and
 * the tensor ops with `threads`. M is above PARALLEL_MIN_POINTS so the workers really run.
 *
 * Type 2 (and the adjoint of type 1) interpolate: bit-identical. Type 1 spreads the same
 * products in another summation order: per fine-grid cell the two orders differ by at most
 * 2 (M - 1) u sum|terms| (u = 2^-53; M = 2.5e4: ~6e-12 of the cell's magnitude), the FFT keeps
 * relative L2 errors and the deconvolution multiplies them by at most max/min 1/psihat over the
 * kept modes (< 1e2 at sigma = 2), so the relative L2 difference is < 1e-9; any lost or doubled
 * chunk changes the result by O(1).
 */
import { nufft1 } from "@modewise/nufft/tensor";
import { tensor } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { executeThreaded } from "../dist/parallel/execute.js";
import { disposeThreadPools } from "../dist/parallel/pool.js";
import { makePlan } from "../dist/plan.js";
import { expectSameBits, relL2, uniform } from "./tensor-helpers.js";

afterAll(() => disposeThreadPools());

const M = 25000; // above PARALLEL_MIN_POINTS, >= 3 * MIN_POINTS_PER_THREAD: 3 threads run
const coords = (d: number, seed: number): Float64Array[] =>
  Array.from({ length: d }, (_, a) =>
    Float64Array.from(uniform(M, seed + a), (u) => Math.PI * (2 * u - 1)),
  );
const values = (n: number, seed: number): Float64Array =>
  Float64Array.from(uniform(2 * n, seed), (u) => 2 * u - 1);

describe("the plan's threads option", () => {
  it("threads: 3 runs the workers inside execute: type 1 within round-off, type 2 bit-identical", () => {
    const x = coords(2, 7);
    const serial1 = makePlan(1, [40, 30], { threads: 1 });
    const par1 = makePlan(1, [40, 30], { threads: 3 });
    expect(par1.info.threads).toBe(3);
    serial1.setPoints(x[0], x[1]);
    par1.setPoints(x[0], x[1]);
    const c = values(M, 3);
    const a = serial1.execute(c);
    const b = par1.execute(c);
    expect(relL2(b, a)).toBeLessThan(1e-9);
    // a lost or doubled chunk would show up as an O(1) difference, and bit equality would mean
    // the threaded path never ran (its summation order differs)
    expect(a.every((v, i) => v === b[i])).toBe(false);
    const serial2 = makePlan(2, [40, 30], { threads: 1 });
    const par2 = makePlan(2, [40, 30], { threads: 2 });
    serial2.setPoints(x[0], x[1]);
    par2.setPoints(x[0], x[1]);
    const f = values(40 * 30, 4);
    expectSameBits(par2.execute(f), serial2.execute(f));
    expect(() => makePlan(1, [8], { threads: 0 })).toThrow(/threads/);
  }, 60000);
});

describe("executeThreaded vs the plan's execute", () => {
  for (const [nModes, eps] of [
    [[200], 1e-6],
    [[40, 30], 1e-6],
    [[12, 10, 8], 1e-4],
  ] as const) {
    it(`${nModes.length}-D ${nModes.join("x")}: type 1 within round-off, type 2 and adjoints bit-identical`, () => {
      const x = coords(nModes.length, nModes.length);
      const cells = nModes.reduce((a, b) => a * b, 1);
      const p1 = makePlan(1, [...nModes], { eps, nTransforms: 2, threads: 1 });
      p1.setPoints(x[0], x[1], x[2]);
      const c = values(2 * M, 1);
      const serial1 = p1.execute(c);
      const par1 = executeThreaded(p1, c, undefined, { threads: 3 });
      expect(relL2(par1, serial1)).toBeLessThan(1e-9);
      const f = values(2 * cells, 2);
      expectSameBits(
        executeThreaded(p1, f, undefined, { threads: 3, adjoint: true }),
        p1.adjoint(f),
      );
      const p2 = makePlan(2, [...nModes], { eps, nTransforms: 2, threads: 1 });
      p2.setPoints(x[0], x[1], x[2]);
      expectSameBits(executeThreaded(p2, f, undefined, { threads: 2 }), p2.execute(f));
      expect(
        relL2(executeThreaded(p2, c, undefined, { threads: 2, adjoint: true }), p2.adjoint(c)),
      ).toBeLessThan(1e-9);
    }, 60000);
  }

  it("float32 plans: the same float32 results (type 2) and within float32 round-off (type 1)", () => {
    const x = coords(2, 7);
    const p1 = makePlan(1, [32, 24], { eps: 1e-5, precision: "f32" });
    p1.setPoints(x[0], x[1]);
    const c = Float32Array.from(values(M, 8));
    const par = executeThreaded(p1, c, undefined, { threads: 2 });
    expect(par).toBeInstanceOf(Float32Array);
    // float64 results differing by < 1e-9 relative round to float32 values within 2^-24
    expect(relL2(par, p1.execute(c))).toBeLessThan(2 * 2 ** -24);
    const p2 = makePlan(2, [32, 24], { eps: 1e-5, precision: "f32" });
    p2.setPoints(x[0], x[1]);
    const f = Float32Array.from(values(32 * 24, 9));
    expectSameBits(executeThreaded(p2, f, undefined, { threads: 2 }), p2.execute(f));
  }, 30000);

  it("the tensor ops take `threads` and agree with one thread", () => {
    const x = coords(2, 11);
    const pts = tensor(Float64Array.from([...x[0], ...x[1]]), { shape: [2, M] });
    const c = tensor(values(M, 12), { dtype: "complex128" });
    const one = nufft1(pts, c, [30, 20], { eps: 1e-9, threads: 1 }).dataSync();
    const two = nufft1(pts, c, [30, 20], { eps: 1e-9, threads: 2 }).dataSync();
    expect(relL2(two, one)).toBeLessThan(1e-9);
  }, 30000);

  it("rejects bad threads and wrong-sized input with typed errors", () => {
    const p = makePlan(1, [16]);
    p.setPoints(coords(1, 3)[0]);
    expect(() => executeThreaded(p, values(M, 1), undefined, { threads: 0 })).toThrow(/threads/);
    expect(() => executeThreaded(p, values(M - 1, 1), undefined, { threads: 2 })).toThrow(/input/);
  });
});
