/**
 * The work a pool thread can do (worker.ts dispatches on `kind`). Arguments are plain numbers
 * and SharedArrayBuffer-backed typed arrays, so the main thread and the workers see the same
 * memory; each job writes only its own output (a private subgrid, a band of fine-grid rows,
 * a set of FFT lines, or a disjoint range of entries), so no locking is needed.
 */

import type { Direction } from "@modewise/fft";
import { interpRange } from "../interp/interp.js";
import type { ComplexArray } from "../types.js";
import { fftLines } from "./fine-fft.js";
import { foldRows, type SubgridBox } from "./fold.js";
import { geometryOf, type SharedGeometry, spreadChunk } from "./spread-interp.js";

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
  spreadChunk: (a) =>
    spreadChunk(
      geometryOf(a.geom as SharedGeometry, a.start as number, a.end as number),
      a.start as number,
      a.end as number,
      a.strengths as ComplexArray,
      a.strengthOffset as number,
      a.sub as Float64Array,
      a.box as SubgridBox,
    ),
  foldRows: (a) =>
    foldRows(
      a.grid as Float64Array,
      a.gridShape as number[],
      a.subs as Float64Array[],
      a.boxes as SubgridBox[],
      a.r0 as number,
      a.r1 as number,
    ),
  fftLines: (a) =>
    fftLines(
      a.data as Float64Array,
      a.grid as number[],
      a.modeColumns as Int32Array[],
      a.d as number,
      a.sign as Direction,
      a.q0 as number,
      a.q1 as number,
    ),
  interpRange: (a) =>
    interpRange(
      geometryOf(a.geom as SharedGeometry, a.start as number, a.end as number),
      a.start as number,
      a.end as number,
      a.grid as Float64Array,
      a.out as ComplexArray,
      a.outOffset as number,
    ),
};
