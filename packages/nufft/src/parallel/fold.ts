/**
 * The parallel fold of the spreading subgrids into the periodic fine grid.
 *
 * The fine grid is viewed as R = n1 n2 rows of n0 cells (x fastest). A job owns the target rows
 * [r0, r1): it zeroes them, then adds every subgrid row that wraps onto one of them, subgrids
 * in chunk order and rows in their own order, x wrapped periodically. In 1-D (one row) a job
 * owns the cells [r0, r1) of the row instead. Jobs write disjoint cells, so they run at once
 * without locks, and each cell receives the same additions in the same order whatever the
 * split: the folded grid depends on the chunks only, not on the cuts.
 */

/** A subgrid as the fold sees it: cell 0 at fine-grid index offset, shape per dimension. */
export interface SubgridBox {
  readonly offset: readonly number[];
  readonly shape: readonly number[];
}

const wrap = (k: number, n: number): number => ((k % n) + n) % n;

/** The unit foldRows splits: rows of n0 cells (2-D, 3-D), cells (1-D). */
export function foldUnits(gridShape: readonly number[]): number {
  return gridShape.length === 1 ? gridShape[0] : gridShape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * grid rows [r0, r1) (1-D: cells [r0, r1)) = sum over subgrids t (in order) of subs[t]'s cells
 * that wrap onto them. `subs[t]` holds 2 prod(boxes[t].shape) doubles (interleaved complex),
 * laid out x fastest.
 */
export function foldRows(
  grid: Float64Array,
  gridShape: readonly number[],
  subs: readonly Float64Array[],
  boxes: readonly SubgridBox[],
  r0: number,
  r1: number,
): void {
  if (r1 <= r0) return;
  const dim = gridShape.length;
  const n0 = gridShape[0];
  const n1 = dim > 1 ? gridShape[1] : 1;
  const n2 = dim > 2 ? gridShape[2] : 1;
  // Target rows [rowLo, rowHi) and, within each, cells [xLo, xHi).
  const oneD = dim === 1;
  const rowLo = oneD ? 0 : r0;
  const rowHi = oneD ? 1 : r1;
  const xLo = oneD ? r0 : 0;
  const xHi = oneD ? r1 : n0;
  if (oneD) grid.fill(0, 2 * r0, 2 * r1);
  else grid.fill(0, 2 * r0 * n0, 2 * r1 * n0);
  const xRuns: number[] = [];
  for (let t = 0; t < subs.length; t++) {
    const sub = subs[t];
    const { offset, shape } = boxes[t];
    const s0 = shape[0];
    const s1 = dim > 1 ? shape[1] : 1;
    const s2 = dim > 2 ? shape[2] : 1;
    // x runs of the subgrid: [subgrid index, grid index, count] with no wrap inside a run,
    // clipped to the job's cells [xLo, xHi).
    let nRuns = 0;
    for (let a = 0; a < s0; ) {
      const g = wrap(offset[0] + a, n0);
      const count = Math.min(s0 - a, n0 - g);
      const lo = Math.max(g, xLo);
      const hi = Math.min(g + count, xHi);
      if (lo < hi) {
        xRuns[3 * nRuns] = a + lo - g;
        xRuns[3 * nRuns + 1] = lo;
        xRuns[3 * nRuns + 2] = hi - lo;
        nRuns++;
      }
      a += count;
    }
    for (let c = 0; c < s2; c++) {
      const gz = dim > 2 ? wrap(offset[2] + c, n2) : 0;
      for (let b = 0; b < s1; b++) {
        const r = gz * n1 + (dim > 1 ? wrap(offset[1] + b, n1) : 0);
        if (r < rowLo || r >= rowHi) continue;
        const subRow = 2 * (c * s1 + b) * s0;
        const gridRow = 2 * r * n0;
        for (let k = 0; k < nRuns; k++) {
          let q = subRow + 2 * xRuns[3 * k];
          let p = gridRow + 2 * xRuns[3 * k + 1];
          const stop = q + 2 * xRuns[3 * k + 2];
          for (; q < stop; q++, p++) grid[p] += sub[q];
        }
      }
    }
  }
}
