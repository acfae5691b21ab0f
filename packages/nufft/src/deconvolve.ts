/**
 * Deconvolution (types 1 and 2): the FFT of the spread grid at mode k equals
 *   psihat(2 pi k / n) (-1)^k sum_j c_j exp(isign i k x_j)   (+ aliasing below eps),
 * by the Poisson summation formula, psihat the kernel's Fourier transform (kernel/fourier.ts)
 * and (-1)^k from the grid's origin at x = -pi (spread/geometry.ts). So type 1 multiplies fine
 * grid entry k mod n by (-1)^k / psihat(2 pi k / n), and type 2 (the transpose) scatters the
 * modes times the same factor into a zeroed fine grid before its FFT.
 *
 * Factors are tensor products: one array per dimension, indexed in the USER's mode order
 * ("cmcl" or "fft", types.ts), plus the fine-grid index of each mode.
 */
import type { KernelTransform } from "./kernel/fourier.js";
import type { ComplexArray, ModeOrder } from "./types.js";

/** Integer mode of array index i among n modes in the given order (types.ts). */
export function modeOf(i: number, n: number, order: ModeOrder): number {
  const lowest = -Math.floor(n / 2);
  if (order === "cmcl") return lowest + i;
  return i < Math.ceil(n / 2) ? i : i - n;
}

export class Deconvolver {
  /** factor[d][i]: (-1)^k / psihat(2 pi k / nf_d) for array index i of dimension d. */
  readonly factor: Float64Array[];
  /** fineIndex[d][i]: k mod nf_d. */
  readonly fineIndex: Int32Array[];
  /** Fine-grid offset of each row (c, b) of the mode block, row r = c * m1 + b. */
  private readonly rowStart: Float64Array;
  /** factor[2][c] * factor[1][b] of each row (1 for absent dimensions). */
  private readonly rowScale: Float64Array;

  constructor(
    private readonly nModes: readonly number[],
    fine: readonly number[],
    order: ModeOrder,
    transform: KernelTransform,
  ) {
    this.factor = [];
    this.fineIndex = [];
    // psihat is even, and dimensions with the same fine grid share it: each |k| is evaluated
    // once, by KernelTransform.table's phase winding (calling `at` per mode costs
    // ~(3w + 24) / 2 cosines per value, ~0.1 s per 1e6 modes).
    const psihatByFine = new Map<number, Float64Array>();
    for (let d = 0; d < nModes.length; d++) {
      const n = nModes[d];
      const nf = fine[d];
      const kMax = Math.floor(n / 2);
      let psihat = psihatByFine.get(nf);
      if (psihat === undefined || psihat.length <= kMax) {
        psihat = transform.table((2 * Math.PI) / nf, kMax + 1);
        psihatByFine.set(nf, psihat);
      }
      const f = new Float64Array(n);
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = modeOf(i, n, order);
        const parity = (k & 1) === 0 ? 1 : -1;
        f[i] = parity / psihat[Math.abs(k)];
        idx[i] = k < 0 ? k + nf : k;
      }
      this.factor.push(f);
      this.fineIndex.push(idx);
    }
    // The (c, b) rows of the mode block, shared by extract and inject: the fine-grid offset of
    // each row and its factor f2[c] * f1[b] (the dimension-0 factor varies inside the row).
    const [m1 = 1, m2 = 1] = nModes.slice(1);
    const n1 = fine[1] ?? 1;
    const [, f1, f2] = this.factor;
    const [, x1, x2] = this.fineIndex;
    this.rowStart = new Float64Array(m1 * m2);
    this.rowScale = new Float64Array(m1 * m2);
    let r = 0;
    for (let c = 0; c < m2; c++) {
      const zc = f2 ? f2[c] : 1;
      const zi = x2 ? x2[c] : 0;
      for (let b = 0; b < m1; b++, r++) {
        this.rowScale[r] = zc * (f1 ? f1[b] : 1);
        this.rowStart[r] = (zi * n1 + (x1 ? x1[b] : 0)) * fine[0];
      }
    }
  }

  /** Type 1: out[outOffset + i] = grid[fine(i)] * factor(i) for every mode multi-index i. */
  extract(grid: Float64Array, out: ComplexArray, outOffset: number): void {
    const m0 = this.nModes[0];
    const f0 = this.factor[0];
    const x0 = this.fineIndex[0];
    const { rowStart, rowScale } = this;
    let o = 2 * outOffset;
    for (let r = 0; r < rowStart.length; r++) {
      const yc = rowScale[r];
      const row = rowStart[r];
      for (let a = 0; a < m0; a++) {
        const s = yc * f0[a];
        const p = 2 * (row + x0[a]);
        out[o++] = grid[p] * s;
        out[o++] = grid[p + 1] * s;
      }
    }
  }

  /** Type 2: zero the grid, then grid[fine(i)] = modes[inOffset + i] * factor(i). */
  inject(modes: ComplexArray, inOffset: number, grid: Float64Array): void {
    grid.fill(0);
    const m0 = this.nModes[0];
    const f0 = this.factor[0];
    const x0 = this.fineIndex[0];
    const { rowStart, rowScale } = this;
    let o = 2 * inOffset;
    for (let r = 0; r < rowStart.length; r++) {
      const yc = rowScale[r];
      const row = rowStart[r];
      for (let a = 0; a < m0; a++) {
        const s = yc * f0[a];
        const p = 2 * (row + x0[a]);
        grid[p] = modes[o++] * s;
        grid[p + 1] = modes[o++] * s;
      }
    }
  }
}
