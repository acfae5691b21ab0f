/**
 * The work a pool thread can do (worker.ts dispatches on `kind`). Arguments are plain numbers
 * and SharedArrayBuffer-backed typed arrays, so the main thread and the workers see the same
 * memory; each job writes only its own output (a private subgrid, or a disjoint range of
 * entries), so no locking is needed.
 */
import { interpRange } from "../interp/interp.js";
import { spreadSubproblem } from "../spread/spread.js";
import type { ComplexArray } from "../types.js";
import { geometryOf, type SharedGeometry } from "./spread-interp.js";

export type Job = (args: Record<string, unknown>) => void;

/**
 * out[lo..hi) += sum over parts of part[lo..hi): a reduction of per-thread arrays split into
 * disjoint ranges so that every thread sums its own slice. The parts are added in their index
 * order, so the result does not depend on the split.
 */
export function sumInto(
  out: Float64Array,
  parts: readonly Float64Array[],
  lo: number,
  hi: number,
): void {
  for (const p of parts) for (let i = lo; i < hi; i++) out[i] += p[i];
}

export const JOBS: Record<string, Job> = {
  sumInto: (a) =>
    sumInto(a.out as Float64Array, a.parts as Float64Array[], a.lo as number, a.hi as number),
  spreadRange: (a) =>
    spreadSubproblem(
      geometryOf(a.geom as SharedGeometry),
      a.start as number,
      a.end as number,
      a.strengths as ComplexArray,
      a.strengthOffset as number,
      a.sub as Float64Array,
      a.subOffset as number[],
      a.subShape as number[],
    ),
  interpRange: (a) =>
    interpRange(
      geometryOf(a.geom as SharedGeometry),
      a.start as number,
      a.end as number,
      a.grid as Float64Array,
      a.out as ComplexArray,
      a.outOffset as number,
    ),
};
