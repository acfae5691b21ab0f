/**
 * The n-D FFT over the fine grid (x fastest), one @modewise/fft complexPlan per dimension, run
 * line by line in place with strides. One instance per NUFFT plan (the 1-D plans themselves are
 * cached by @modewise/fft).
 *
 * Pruning: of the fine grid only the N_d mode columns matter. After spreading (type 1) the
 * x pass must run on every line, but the y pass only on the x-columns that hold modes and the
 * z pass only on (x, y) mode columns. Before interpolation (type 2) the grid is zero outside the
 * mode block, so the passes run in the reverse order with the same restriction. For sigma = 2
 * in 3-D this skips about 60% of the 1-D transforms.
 */
import { type ComplexPlan, complexPlan, type Direction } from "@modewise/fft";

export class FineGridFFT {
  private readonly plans: ComplexPlan[];

  constructor(
    private readonly grid: readonly number[],
    /** Fine-grid indices of the modes per dimension (any order). */
    private readonly modeColumns: readonly Int32Array[],
  ) {
    this.plans = grid.map((n) => complexPlan(n, "float64"));
  }

  private pass(data: Float64Array, d: number, sign: Direction, restricted: boolean): void {
    const [n0, n1 = 1, n2 = 1] = this.grid;
    const plan = this.plans[d];
    const xs = restricted && d > 0 ? this.modeColumns[0] : null;
    const ys = restricted && d > 1 ? this.modeColumns[1] : null;
    if (d === 0) {
      for (let line = 0; line < n1 * n2; line++)
        plan.execute(data, line * n0, 1, data, line * n0, 1, sign, 1);
    } else if (d === 1) {
      const nx = xs ? xs.length : n0;
      for (let c = 0; c < n2; c++) {
        for (let q = 0; q < nx; q++) {
          const a = xs ? xs[q] : q;
          const off = c * n1 * n0 + a;
          plan.execute(data, off, n0, data, off, n0, sign, 1);
        }
      }
    } else {
      const nx = xs ? xs.length : n0;
      const ny = ys ? ys.length : n1;
      for (let r = 0; r < ny; r++) {
        const b = ys ? ys[r] : r;
        for (let q = 0; q < nx; q++) {
          const a = xs ? xs[q] : q;
          const off = b * n0 + a;
          plan.execute(data, off, n0 * n1, data, off, n0 * n1, sign, 1);
        }
      }
    }
  }

  /** After spreading (type 1): x pass on all lines, later passes on mode columns only. */
  afterSpread(data: Float64Array, sign: Direction): void {
    for (let d = 0; d < this.grid.length; d++) this.pass(data, d, sign, true);
  }

  /** Before interpolation (type 2): grid is zero off the mode block; last dimension first. */
  beforeInterp(data: Float64Array, sign: Direction): void {
    for (let d = this.grid.length - 1; d >= 0; d--) this.pass(data, d, sign, true);
  }
}
