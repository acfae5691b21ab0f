/**
 * Threaded spreading and interpolation (src/parallel/spread-interp.ts) against the
 * single-threaded spreadAll / interpAll of the same geometry, in 1-D, 2-D and 3-D, with 2 and
 * 3 threads (more threads than this machine's cores still exercises the chunking).
 *
 * Interpolation computes every output entry with exactly the same operations as interpAll:
 * required bit-identical. Spreading adds the same products into each grid cell in another
 * order (per-chunk subgrids folded in chunk order). Recursive summation of n terms has error
 * <= (n - 1) u sum|terms| (u = 2^-53) in any order, so two orders differ by at most
 * 2 (n - 1) u sum|terms|; with n <= M terms per cell and sum|terms| = the spread of |c_j|
 * (computed here, the same kernel), the test allows 2 M u |spread|c||_l per cell. A lost,
 * doubled or misplaced chunk changes cells by O(|c| psi) ~ 1e-3..1, far above that bound.
 */
import { afterAll, describe, expect, it } from "vitest";
import { interpAll } from "../dist/interp/interp.js";
import { kernelParams } from "../dist/kernel/es-kernel.js";
import { piecewisePoly } from "../dist/kernel/piecewise-poly.js";
import { disposeThreadPools, sharedZeros } from "../dist/parallel/pool.js";
import {
  effectiveThreads,
  interpAllThreaded,
  PARALLEL_MIN_POINTS,
  spreadAllThreaded,
} from "../dist/parallel/spread-interp.js";
import { buildGeometry, type SpreadGeometry, torusToGrid } from "../dist/spread/geometry.js";
import { spreadAll } from "../dist/spread/spread.js";
import { expectSameBits } from "./tensor-helpers.js";

afterAll(() => disposeThreadPools());

const U = 2 ** -53;

/** Deterministic uniform [0, 1) stream (LCG, top 53 bits). */
function rng(seed: number): () => number {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
}

function geometry(grid: number[], m: number, seed: number): SpreadGeometry {
  const r = rng(seed);
  const { width, beta } = kernelParams(1e-6, 2);
  const kernel = piecewisePoly(width, beta, 1e-6);
  const coords = grid.map((n) =>
    torusToGrid(
      Float64Array.from({ length: m }, () => Math.PI * (2 * r() - 1)),
      n,
    ),
  );
  return buildGeometry(coords, grid, kernel);
}

function complexData(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: 2 * n }, () => 2 * r() - 1);
}

const CASES: { grid: number[]; m: number }[] = [
  { grid: [4000], m: 30000 },
  { grid: [96, 80], m: 30000 },
  { grid: [24, 20, 18], m: 25000 },
];

describe("threaded spreading and interpolation", () => {
  it("uses the threads it is given above the threshold, one thread below it", () => {
    expect(effectiveThreads(PARALLEL_MIN_POINTS - 1, 4)).toBe(1);
    expect(effectiveThreads(70000, 3)).toBe(3);
    expect(effectiveThreads(20000, 3)).toBe(2); // at least MIN_POINTS_PER_THREAD each
    expect(effectiveThreads(70000, 1)).toBe(1);
  });

  for (const { grid, m } of CASES) {
    it(`spreads ${grid.length}-D (grid ${grid.join("x")}, M = ${m}) like spreadAll up to summation order`, () => {
      const geom = geometry(grid, m, grid.length);
      const c = complexData(m, 7);
      const cells = grid.reduce((a, b) => a * b, 1);
      const serial = new Float64Array(2 * cells);
      spreadAll(geom, c, 0, serial);
      // |c_j| spread with the same kernel: sum |terms| per cell (real and imaginary parts)
      const absC = new Float64Array(2 * m);
      for (let j = 0; j < m; j++) {
        absC[2 * j] = Math.abs(c[2 * j]);
        absC[2 * j + 1] = Math.abs(c[2 * j + 1]);
      }
      const magnitude = new Float64Array(2 * cells);
      spreadAll(geom, absC, 0, magnitude);
      for (const threads of [2, 3]) {
        const par = new Float64Array(2 * cells).fill(Number.NaN); // must be overwritten
        spreadAllThreaded(geom, c, 0, par, threads);
        let worst = 0;
        for (let i = 0; i < 2 * cells; i++) {
          const bound = 2 * m * U * magnitude[i];
          const err = Math.abs(par[i] - serial[i]);
          if (!(err <= bound)) throw new Error(`cell ${i}: |${par[i]} - ${serial[i]}| > ${bound}`);
          worst = Math.max(worst, err);
        }
        expect(worst).toBeLessThan(1e-9);
      }
    });

    it(`interpolates ${grid.length}-D (grid ${grid.join("x")}, M = ${m}) bit-identically to interpAll`, () => {
      const geom = geometry(grid, m, 10 + grid.length);
      const cells = grid.reduce((a, b) => a * b, 1);
      const fine = complexData(cells, 3);
      const serial = new Float64Array(2 * m + 6);
      interpAll(geom, fine, serial, 3);
      for (const threads of [2, 3]) {
        const par = new Float64Array(2 * m + 6);
        interpAllThreaded(geom, fine, par, 3, threads);
        expectSameBits(par, serial);
      }
      // an output already in shared memory is written in place (no scratch copy)
      const sharedOut = sharedZeros(2 * m + 6);
      interpAllThreaded(geom, fine, sharedOut, 3, 2);
      expectSameBits(sharedOut, serial);
      expect(serial.slice(6).every((v) => v !== 0)).toBe(true);
    });
  }
});
