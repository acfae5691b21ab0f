/**
 * Dot jobs: the batch-summed dot products of sgemm.ts's dotBatchSum (C = sum_b A_b B_b^T with
 * small M and N and a long contraction: a shared weight's gradient) split over the gemm threads
 * by tiles. Tile t is rows 4 i .. 4 i + 3 of A against rows 2 j, 2 j + 1 of B (i = floor(t / (Np /
 * 2)), j = t mod (Np / 2)), one dot4x2 call (simd-dot-module.ts) each; whichever thread computes
 * a tile, it gets the same operations (same bits for any thread count). The same code runs on
 * the main thread and in the gemm workers.
 */
import { COUNTER_INDEX, JobField } from "./sgemm-job.js";
import { DOT_ROWS_A, DOT_ROWS_B, type DotKernels } from "./simd-dot-module.js";

/** Fields of a dot job in a control slot (a product's K .. N fields, reused). */
export const DotField = {
  /** Byte addresses of the padded A, B (batch after batch) and C. */
  a: JobField.aSrc,
  b: JobField.bSrc,
  c: JobField.cAddr,
  /** Kp / 8: the kernel's k pairs. */
  pairs: JobField.K,
  /** Bytes between rows of A and of B (4 Kp). */
  rowBytes: JobField.kc,
  /** Bytes between batches of A (4 Mp Kp) and of B (4 Np Kp). */
  aBatch: JobField.aK,
  bBatch: JobField.bK,
  /** Batches summed. */
  nb: JobField.aW,
  /** Bytes between rows of C (4 Np). */
  cRow: JobField.ldc,
  /** Rows of A and of B, padded to whole tiles (multiples of 4 and 2). */
  Mp: JobField.M,
  Np: JobField.N,
} as const;

/** The tiles of the job in `slot`. */
export function dotTiles(slot: Int32Array): number {
  return (slot[DotField.Mp] / DOT_ROWS_A) * (slot[DotField.Np] / DOT_ROWS_B);
}

/** Takes units (runs of `unit` tiles) of the dot job in `slot` until none is left. */
export function runDotUnits(k: DotKernels, slot: Int32Array, counter: Int32Array): void {
  const tiles = dotTiles(slot);
  const unit = slot[JobField.unit];
  const units = slot[JobField.units];
  const fixed = slot[JobField.staticThreads];
  const perRow = slot[DotField.Np] / DOT_ROWS_B;
  const row = slot[DotField.rowBytes];
  for (let next = slot[JobField.thread]; ; next += fixed) {
    const u = fixed > 0 ? next : Atomics.add(counter, COUNTER_INDEX, 1);
    if (u >= units) return;
    slot[JobField.unitsDone]++;
    for (let t = u * unit, end = Math.min(tiles, t + unit); t < end; t++) {
      const i = DOT_ROWS_A * Math.floor(t / perRow);
      const j = DOT_ROWS_B * (t % perRow);
      k.dot4x2(
        slot[DotField.a] + i * row,
        slot[DotField.b] + j * row,
        slot[DotField.c] + 4 * (i * slot[DotField.Np] + j),
        slot[DotField.pairs],
        row,
        row,
        slot[DotField.aBatch],
        slot[DotField.bBatch],
        slot[DotField.nb],
        slot[DotField.cRow],
      );
    }
  }
}
