/**
 * executeThreaded(plan, input, out?, opts): a plan's execute (or adjoint) with its spreading or
 * interpolation split over worker threads (spread-interp.ts), and the fine-grid FFT's 1-D
 * transforms too (fine-fft.ts); the deconvolution stays on the calling thread. It uses the
 * plan's geometry and its Deconvolver, so the result is the plan's own up to the order of the
 * spreading sums (type 1) or bit-identical (type 2). Type 3 plans run plan.execute /
 * plan.adjoint.
 */
import type { Direction } from "@modewise/fft";
import type { NufftPlan } from "../plan.js";
import type { ComplexArray } from "../types.js";
import { checkComplex, checkOut } from "../validate.js";
import { fineGridFFTThreaded } from "./fine-fft.js";
import { checkThreads, sharedPool, sharedScratch } from "./pool.js";
import {
  effectiveThreads,
  interpAllThreaded,
  sharedView,
  spreadAllThreaded,
} from "./spread-interp.js";

export interface ThreadedExecuteOptions {
  /**
   * Threads for spreading / interpolation: default the available cores (Node), 1 in browsers.
   * Fewer run when there are few points (spread-interp.ts, PARALLEL_MIN_POINTS).
   */
  threads?: number;
  /** Run the plan's adjoint instead of its transform (types 1, 2: the other type, sign flipped). */
  adjoint?: boolean;
}

const product = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

export function executeThreaded(
  plan: NufftPlan,
  input: ComplexArray,
  out?: ComplexArray,
  opts: ThreadedExecuteOptions = {},
): ComplexArray {
  const fn = opts.adjoint ? "adjointThreaded" : "executeThreaded";
  const threads = checkThreads(opts.threads, fn);
  const adjoint = opts.adjoint === true;
  const t = effectiveThreads(plan.nPoints, threads);
  // plan.execute spreads with the PLAN's `threads` (default: all cores), so it may only stand
  // in when that is one thread too; else `threads: 1` would still run the workers. (Type 3
  // plans always run their own execute.)
  if (plan.type === 3 || (t === 1 && effectiveThreads(plan.nPoints, plan.info.threads) === 1))
    return adjoint ? plan.adjoint(input, out) : plan.execute(input, out);
  const geom = plan.geometry();
  const m = plan.nPoints;
  const cells = product(plan.info.nModes);
  const T = plan.info.nTransforms;
  const precision = plan.info.precision;
  const spreads = (plan.type === 1) !== adjoint; // the direction nonuniform -> modes
  const inSize = spreads ? m : cells;
  const outSize = spreads ? cells : m;
  const inp = checkComplex(
    fn,
    "input",
    input,
    precision,
    T * inSize,
    spreads ? "M strengths per transform" : "prod(nModes) coefficients per transform",
  );
  const res = checkOut(fn, out, precision, T * outSize, "the transform's output");
  // The fine grid in shared memory, reused across calls: spreadAllThreaded and prepareType2
  // both overwrite all of it, so it is not zeroed here.
  const grid = sharedScratch(
    "fineGrid",
    2 * product(plan.info.fineGrid),
    false,
    false,
  ) as Float64Array;
  // The FFT between the two stages is split over the same threads (fine-fft.ts, bit-identical
  // to the plan's own); the deconvolution (one pass over the N^d modes, ~1/10 of the FFT's
  // time) stays here.
  const deconv = plan.deconvolver();
  const pool = sharedPool(t);
  const fine = plan.info.fineGrid;
  const isign = plan.info.isign;
  if (spreads) {
    const sign = (plan.type === 1 ? isign : -isign) as Direction;
    // all T blocks into shared memory once (spreadAllThreaded then uses them in place)
    const shared = t > 1 ? sharedView(inp, "strengths") : inp;
    for (let k = 0; k < T; k++) {
      spreadAllThreaded(geom, shared, k * m, grid, threads);
      fineGridFFTThreaded(pool, grid, fine, deconv.fineIndex, sign, true);
      deconv.extract(grid, res, k * cells);
    }
    return res;
  }
  const sign = (plan.type === 2 ? isign : -isign) as Direction;
  for (let k = 0; k < T; k++) {
    deconv.inject(inp, k * cells, grid);
    fineGridFFTThreaded(pool, grid, fine, deconv.fineIndex, sign, false);
    interpAllThreaded(geom, grid, res, k * m, threads);
  }
  return res;
}
