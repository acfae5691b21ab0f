/**
 * The stages of the parallel transform (src/parallel/): the chunk spreader (spreadChunk, wasm
 * subgrid written in one block copy), the row-split fold of the subgrids (fold.ts) and the
 * split fine-grid FFT (fine-fft.ts), each against its single-threaded reference.
 *
 * All three are required BIT-IDENTICAL to their references, because they perform exactly the
 * same floating-point operations in the same order:
 * - spreadChunk vs spreadSubproblem into a zeroed subgrid: the same wasm kernel fills the same
 *   box; the reference then adds it to zeros (x + 0 = x exactly), spreadChunk copies it.
 * - foldRows vs zero + addSubgrid(sub_0), addSubgrid(sub_1), ...: every cell receives the same
 *   additions in the same order (subgrids in order, rows in order, x ascending) whatever the
 *   row cuts, so any split must reproduce the serial fold; a dropped row, a wrong wrap or a row
 *   folded twice changes a cell by a whole subgrid value (O(1) here).
 * - fineGridFFTThreaded vs the plan's own FineGridFFT: each 1-D line goes through the same
 *   @modewise/fft plan with the same arguments; only which thread runs it differs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { kernelParams } from "../dist/kernel/es-kernel.js";
import { piecewisePoly } from "../dist/kernel/piecewise-poly.js";
import { executeThreaded } from "../dist/parallel/execute.js";
import { fineGridFFTThreaded } from "../dist/parallel/fine-fft.js";
import { foldRows, foldUnits } from "../dist/parallel/fold.js";
import { disposeThreadPools, sharedPool, sharedZeros } from "../dist/parallel/pool.js";
import { spreadChunk } from "../dist/parallel/spread-interp.js";
import { makePlan } from "../dist/plan.js";
import { buildGeometry, torusToGrid } from "../dist/spread/geometry.js";
import { addSubgrid, spreadSubproblem, subproblemBounds } from "../dist/spread/spread.js";
import { expectSameBits } from "./tensor-helpers.js";

afterAll(() => disposeThreadPools());

/** Deterministic uniform [0, 1) stream (LCG, top 53 bits). */
function rng(seed: number): () => number {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
}

const random = (n: number, seed: number): Float64Array => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => 2 * r() - 1);
};

describe("spreadChunk", () => {
  for (const grid of [[300], [40, 36], [20, 18, 16]]) {
    it(`${grid.length}-D: equals spreadSubproblem into a zeroed subgrid, bit for bit`, () => {
      const m = 3000;
      const r = rng(grid.length);
      const { width, beta } = kernelParams(1e-6, 2);
      const kernel = piecewisePoly(width, beta, 1e-6);
      const coords = grid.map((n) =>
        torusToGrid(
          Float64Array.from({ length: m }, () => Math.PI * (2 * r() - 1)),
          n,
        ),
      );
      const geom = buildGeometry(coords, grid, kernel);
      const c = random(2 * m, 5);
      for (const [lo, hi] of [
        [0, 1000],
        [1000, 3000],
        [17, 18],
      ]) {
        const box = subproblemBounds(geom, lo, hi);
        const cells = box.shape.reduce((a, b) => a * b, 1);
        const ref = new Float64Array(2 * cells);
        spreadSubproblem(geom, lo, hi, c, 0, ref, box.offset, box.shape);
        const got = new Float64Array(2 * cells).fill(Number.NaN); // old contents must go
        spreadChunk(geom, lo, hi, c, 0, got, box);
        expectSameBits(got, ref);
        expect(ref.some((v) => v !== 0)).toBe(true);
      }
    });
  }
});

describe("foldRows", () => {
  // Subgrids with negative offsets, ones reaching past the grid's end (periodic wrap) and one
  // wider than the grid in x (a row wrapping onto itself).
  const CASES: { grid: number[]; boxes: { offset: number[]; shape: number[] }[] }[] = [
    {
      grid: [12, 10],
      boxes: [
        { offset: [-3, -3], shape: [16, 7] },
        { offset: [-3, 3], shape: [19, 10] },
        { offset: [5, 8], shape: [4, 3] },
      ],
    },
    {
      grid: [8, 6, 5],
      boxes: [
        { offset: [-2, -2, -2], shape: [11, 8, 4] },
        { offset: [1, 0, 1], shape: [5, 7, 6] },
      ],
    },
    {
      grid: [20],
      boxes: [
        { offset: [-4], shape: [14] },
        { offset: [8], shape: [17] },
      ],
    },
  ];
  for (const { grid, boxes } of CASES) {
    it(`${grid.length}-D grid ${grid.join("x")}: any split equals zero + addSubgrid in order`, () => {
      const cells = grid.reduce((a, b) => a * b, 1);
      const subs = boxes.map((b, t) => random(2 * b.shape.reduce((x, y) => x * y, 1), 10 + t));
      const ref = new Float64Array(2 * cells);
      boxes.forEach((b, t) => {
        addSubgrid(subs[t], b.offset, b.shape, ref, grid);
      });
      const rows = foldUnits(grid); // rows of n0 cells; cells in 1-D
      for (const cut of [
        [0, rows],
        [0, 1, rows],
        [0, Math.floor(rows / 3), rows - 1, rows],
      ]) {
        const got = new Float64Array(2 * cells).fill(Number.NaN);
        for (let k = 0; k + 1 < cut.length; k++)
          foldRows(got, grid, subs, boxes, cut[k], cut[k + 1]);
        expectSameBits(got, ref);
      }
    });
  }
});

describe("fineGridFFTThreaded", () => {
  for (const nModes of [
    [40, 30],
    [12, 10, 8],
  ]) {
    it(`${nModes.length}-D: bit-identical to the plan's FineGridFFT, both directions`, () => {
      const plan = makePlan(1, nModes, { eps: 1e-6 });
      const fine = plan.info.fineGrid;
      const cells = fine.reduce((a, b) => a * b, 1);
      // biome-ignore lint/complexity/useLiteralKeys: element access reaches the private member
      const fft = plan["fft"] as {
        afterSpread(d: Float64Array, s: 1 | -1): void;
        beforeInterp(d: Float64Array, s: 1 | -1): void;
      };
      // biome-ignore lint/complexity/useLiteralKeys: element access reaches the private member
      const cols = (plan["deconv"] as { fineIndex: Int32Array[] }).fineIndex;
      const data = random(2 * cells, 3);
      for (const threads of [2, 3]) {
        for (const after of [true, false]) {
          const ref = Float64Array.from(data);
          if (after) fft.afterSpread(ref, 1);
          else fft.beforeInterp(ref, 1);
          const got = sharedZeros(2 * cells);
          got.set(data);
          fineGridFFTThreaded(sharedPool(threads), got, fine, cols, 1, after);
          expectSameBits(got, ref);
        }
      }
    });
  }
});

describe("executeThreaded with threads: 1", () => {
  it("runs no workers even when the plan's own threads option is larger", () => {
    // A plan with threads: 2 spreads with the worker pool inside its own execute; threads: 1
    // must give exactly the single-threaded plan's result (same operations, same order), while
    // threads: 2 folds per-chunk subgrids, which changes the summation order of some cells.
    const m = 40000;
    const r = rng(11);
    const pts = [0, 1].map(() => Float64Array.from({ length: m }, () => Math.PI * (2 * r() - 1)));
    const c = random(2 * m, 12);
    const single = makePlan(1, [48, 40], { eps: 1e-9, threads: 1 });
    single.setPoints(pts[0], pts[1]);
    const ref = single.execute(c);
    const plan = makePlan(1, [48, 40], { eps: 1e-9, threads: 2 });
    plan.setPoints(pts[0], pts[1]);
    expectSameBits(executeThreaded(plan, c, undefined, { threads: 1 }), ref);
    const two = executeThreaded(plan, c, undefined, { threads: 2 });
    expect(two.some((v, i) => v !== ref[i])).toBe(true);
  });
});
