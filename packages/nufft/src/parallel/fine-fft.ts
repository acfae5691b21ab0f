/**
 * The fine-grid FFT (fft-grid.ts's FineGridFFT) with each pass's 1-D transforms split over the
 * worker threads. A pass transforms independent lines (x lines, then y columns, then z
 * columns), so each thread takes a contiguous range of them; every line goes through the same
 * @modewise/fft plan with the same arguments as in FineGridFFT (each thread builds its own copy
 * of the plan, deterministically), so the result is bit-identical to the single-threaded FFT.
 * The same pruning: after spreading, passes past x run on the mode columns only; before
 * interpolation the grid is zero off the mode block, so the passes run last dimension first,
 * again on the mode columns only.
 */
import { complexPlan, type Direction } from "@modewise/fft";
import type { PoolJob, ThreadPool } from "./pool.js";

/** The lines of pass d: how many, and the (offset, stride) of line `q` of them. */
function passLines(
  grid: readonly number[],
  modeColumns: readonly Int32Array[],
  d: number,
): { count: number; stride: number; offsetOf: (q: number) => number } {
  const [n0, n1 = 1, n2 = 1] = grid;
  if (d === 0) return { count: n1 * n2, stride: 1, offsetOf: (q) => q * n0 };
  const xs = modeColumns[0];
  if (d === 1) {
    const nx = xs.length;
    return {
      count: nx * n2,
      stride: n0,
      offsetOf: (q) => Math.floor(q / nx) * n1 * n0 + xs[q % nx],
    };
  }
  const ys = modeColumns[1];
  const nx = xs.length;
  return {
    count: nx * ys.length,
    stride: n0 * n1,
    offsetOf: (q) => ys[Math.floor(q / nx)] * n0 + xs[q % nx],
  };
}

/** Lines [q0, q1) of pass d, in place (the job a thread runs). */
export function fftLines(
  data: Float64Array,
  grid: readonly number[],
  modeColumns: readonly Int32Array[],
  d: number,
  sign: Direction,
  q0: number,
  q1: number,
): void {
  const plan = complexPlan(grid[d], "float64");
  const { stride, offsetOf } = passLines(grid, modeColumns, d);
  for (let q = q0; q < q1; q++) {
    const off = offsetOf(q);
    plan.execute(data, off, stride, data, off, stride, sign, 1);
  }
}

/**
 * The pruned fine-grid FFT on `threads` threads (the pool's size). `data` must live in a
 * SharedArrayBuffer. `afterSpread`: passes x, y, z (type 1); else z, y, x (type 2).
 */
export function fineGridFFTThreaded(
  pool: ThreadPool,
  data: Float64Array,
  grid: readonly number[],
  modeColumns: readonly Int32Array[],
  sign: Direction,
  afterSpread: boolean,
): void {
  const t = pool.size;
  const dims = grid.map((_, d) => d);
  if (!afterSpread) dims.reverse();
  for (const d of dims) {
    const { count } = passLines(grid, modeColumns, d);
    const cut = Array.from({ length: t + 1 }, (_, i) => Math.floor((i * count) / t));
    const jobs: PoolJob[] = [];
    for (let i = 1; i < t; i++) {
      jobs.push({
        kind: "fftLines",
        args: { data, grid, modeColumns, d, sign, q0: cut[i], q1: cut[i + 1] },
      });
    }
    pool.run(jobs, () => fftLines(data, grid, modeColumns, d, sign, cut[0], cut[1]));
  }
}
