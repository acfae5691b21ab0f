/**
 * The 5-point finite-difference operator of -div(a grad u) on the interior of an (n+2) x (n+2)
 * vertex grid of the unit square (h = 1/(n+1), u = 0 on the boundary), in flux form with one
 * coefficient per cell face:
 *   (A u)_ij = [ wx_{i+1,j}(u_ij - u_{i+1,j}) + wx_{i,j}(u_ij - u_{i-1,j})
 *              + wy_{i,j+1}(u_ij - u_{i,j+1}) + wy_{i,j}(u_ij - u_{i,j-1}) ] / h^2.
 * Symmetric positive definite for a > 0; second order for smooth a with either face average.
 * Unknown (i, j), 0 <= i, j < n, is grid node (i+1, j+1); i is x, j is y, row-major (i*n + j).
 * x-face (i, j), 0 <= i <= n, lies between unknowns (i-1, j) and (i, j): stored at i*n + j.
 * y-face (i, j), 0 <= j <= n, lies between unknowns (i, j-1) and (i, j): stored at i*(n+1) + j.
 */
import type { FaceAverage } from "./types.js";

export class FaceOperator {
  readonly n: number;
  readonly h: number;
  readonly wx: Float64Array;
  readonly wy: Float64Array;
  /** Diagonal of A. */
  readonly diag: Float64Array;

  constructor(n: number, h: number, wx: Float64Array, wy: Float64Array) {
    this.n = n;
    this.h = h;
    this.wx = wx;
    this.wy = wy;
    this.diag = new Float64Array(n * n);
    const ih2 = 1 / (h * h);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        this.diag[i * n + j] =
          ((wx[(i + 1) * n + j] as number) +
            (wx[i * n + j] as number) +
            (wy[i * (n + 1) + j + 1] as number) +
            (wy[i * (n + 1) + j] as number)) *
          ih2;
  }

  /** Face coefficients from the node values a ([s, s] incl. boundary, at offset off). */
  static fromNodes(a: Float64Array, off: number, s: number, average: FaceAverage): FaceOperator {
    const n = s - 2;
    const mean =
      average === "arithmetic"
        ? (p: number, q: number) => 0.5 * (p + q)
        : (p: number, q: number) => (2 * p * q) / (p + q);
    const wx = new Float64Array((n + 1) * n);
    const wy = new Float64Array(n * (n + 1));
    // grid node (gi, gj) = a[off + gi*s + gj]
    for (let i = 0; i <= n; i++)
      for (let j = 0; j < n; j++)
        wx[i * n + j] = mean(
          a[off + i * s + j + 1] as number,
          a[off + (i + 1) * s + j + 1] as number,
        );
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= n; j++)
        wy[i * (n + 1) + j] = mean(
          a[off + (i + 1) * s + j] as number,
          a[off + (i + 1) * s + j + 1] as number,
        );
    return new FaceOperator(n, 1 / (s - 1), wx, wy);
  }

  /** y = A x. */
  apply(x: Float64Array, y: Float64Array): void {
    const { n, wx, wy } = this;
    const ih2 = 1 / (this.h * this.h);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const u = x[k] as number;
        let acc = 0;
        acc += (wx[(i + 1) * n + j] as number) * (u - (i + 1 < n ? (x[k + n] as number) : 0));
        acc += (wx[i * n + j] as number) * (u - (i > 0 ? (x[k - n] as number) : 0));
        acc += (wy[i * (n + 1) + j + 1] as number) * (u - (j + 1 < n ? (x[k + 1] as number) : 0));
        acc += (wy[i * (n + 1) + j] as number) * (u - (j > 0 ? (x[k - 1] as number) : 0));
        y[k] = acc * ih2;
      }
    }
  }

  /** One Gauss-Seidel sweep for A x = b, lexicographic forward or backward. */
  gaussSeidel(x: Float64Array, b: Float64Array, forward: boolean): void {
    const { n, wx, wy, diag } = this;
    const ih2 = 1 / (this.h * this.h);
    const sweep = (i: number, j: number): void => {
      const k = i * n + j;
      let off = 0;
      if (i + 1 < n) off += (wx[(i + 1) * n + j] as number) * (x[k + n] as number);
      if (i > 0) off += (wx[i * n + j] as number) * (x[k - n] as number);
      if (j + 1 < n) off += (wy[i * (n + 1) + j + 1] as number) * (x[k + 1] as number);
      if (j > 0) off += (wy[i * (n + 1) + j] as number) * (x[k - 1] as number);
      x[k] = ((b[k] as number) + off * ih2) / (diag[k] as number);
    };
    if (forward) {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sweep(i, j);
    } else {
      for (let i = n - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) sweep(i, j);
    }
  }

  /**
   * The operator of the grid with half the resolution (n_c = (n - 1)/2, H = 2h): a coarse face
   * spans two fine faces in series (harmonic mean, the exact 1-D effective conductivity) and
   * three fine rows in parallel (weights 1/4, 1/2, 1/4). This keeps jumps of a (12 vs 4) in the
   * coarse problem, where injecting a would smear the interfaces.
   */
  coarsen(): FaceOperator {
    const n = this.n;
    const nc = (n - 1) >> 1;
    const { wx, wy } = this;
    const series = (p: number, q: number) => (2 * p * q) / (p + q);
    const cwx = new Float64Array((nc + 1) * nc);
    const cwy = new Float64Array(nc * (nc + 1));
    for (let I = 0; I <= nc; I++) {
      for (let J = 0; J < nc; J++) {
        let acc = 0;
        for (const [r, w] of [
          [2 * J, 0.25],
          [2 * J + 1, 0.5],
          [2 * J + 2, 0.25],
        ] as const) {
          acc += w * series(wx[2 * I * n + r] as number, wx[(2 * I + 1) * n + r] as number);
        }
        cwx[I * nc + J] = acc;
      }
    }
    for (let I = 0; I < nc; I++) {
      for (let J = 0; J <= nc; J++) {
        let acc = 0;
        for (const [r, w] of [
          [2 * I, 0.25],
          [2 * I + 1, 0.5],
          [2 * I + 2, 0.25],
        ] as const) {
          acc +=
            w * series(wy[r * (n + 1) + 2 * J] as number, wy[r * (n + 1) + 2 * J + 1] as number);
        }
        cwy[I * (nc + 1) + J] = acc;
      }
    }
    return new FaceOperator(nc, 2 * this.h, cwx, cwy);
  }
}
