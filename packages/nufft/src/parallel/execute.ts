/**
 * executeThreaded(plan, input, out?, opts): a plan's execute (or adjoint) with its spreading or
 * interpolation split over worker threads (spread-interp.ts); the FFT and deconvolution stay on
 * the calling thread. It drives the plan's hooks for parallel spreaders (NufftPlan.geometry,
 * finishType1, prepareType2), so the result is the plan's own up to the order of the spreading
 * sums (type 1) or bit-identical (type 2). Type 3 plans run plan.execute / plan.adjoint.
 */
import type { NufftPlan } from "../plan.js";
import type { ComplexArray } from "../types.js";
import { checkComplex, checkOut } from "../validate.js";
import { checkThreads, sharedScratch } from "./pool.js";
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
  if (plan.type === 3 || effectiveThreads(plan.nPoints, threads) === 1)
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
  if (spreads) {
    // all T blocks into shared memory once (spreadAllThreaded then uses them in place)
    const shared = sharedView(inp, "strengths");
    for (let k = 0; k < T; k++) {
      spreadAllThreaded(geom, shared, k * m, grid, threads);
      plan.finishType1(grid, res, k * cells);
    }
    return res;
  }
  for (let k = 0; k < T; k++) {
    plan.prepareType2(inp, k * cells, grid);
    interpAllThreaded(geom, grid, res, k * m, threads);
  }
  return res;
}
