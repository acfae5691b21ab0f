/**
 * executeThreaded(plan, input, out?, opts): a plan's execute (or adjoint) on an explicit number
 * of threads, whatever the plan's own `threads` option: the spreading or interpolation and the
 * fine-grid FFT's 1-D transforms are split over worker threads (NufftPlan.runModes), the
 * deconvolution stays on the calling thread. The result is the plan's own up to the order of
 * the spreading sums (type 1) or bit-identical (type 2). Type 3 plans run plan.execute /
 * plan.adjoint.
 */
import type { NufftPlan } from "../plan.js";
import type { ComplexArray, Sign } from "../types.js";
import { checkComplex, checkOut } from "../validate.js";
import { checkThreads } from "./pool.js";

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
  if (plan.type === 3) return adjoint ? plan.adjoint(input, out) : plan.execute(input, out);
  plan.geometry(); // throws before setPoints, like execute
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
  const isign = plan.info.isign;
  const sign = (spreads === (plan.type === 1) ? isign : -isign) as Sign;
  plan.runModes(spreads, sign, inp, res, threads);
  return res;
}
