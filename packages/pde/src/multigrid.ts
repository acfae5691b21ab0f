/**
 * Geometric multigrid V-cycle for the Darcy operator (darcy-operator.ts), used as the
 * preconditioner of CG. Vertex-centred coarsening n -> (n - 1)/2 while n is odd and >= 7,
 * coarse operators rediscretized from the fine face coefficients (FaceOperator.coarsen),
 * bilinear prolongation P, full-weighting restriction R = P^T / 4, one forward Gauss-Seidel
 * sweep before and one backward sweep after the coarse correction, exact banded Cholesky on the
 * coarsest grid. Forward-then-backward smoothing with R proportional to P^T makes the cycle a
 * symmetric positive definite operator, which preconditioned CG requires.
 */
import type { FaceOperator } from "./darcy-operator.js";

/** Largest coarsest grid solved by banded Cholesky (n^4 flops); above it, 40 GS sweeps. */
const MAX_DIRECT = 128;

class BandedCholesky {
  private readonly n: number;
  private readonly L: Float64Array; // L[k][k-d] at k*(n+1) + d, d = 0..n

  constructor(op: FaceOperator) {
    const n = op.n;
    const N = n * n;
    const w = n + 1;
    const L = new Float64Array(N * w);
    const ih2 = 1 / (op.h * op.h);
    // A's lower band: A[k][k] = diag, A[k][k-1] = -wy/h^2 (j > 0), A[k][k-n] = -wx/h^2 (i > 0).
    for (let k = 0; k < N; k++) {
      const i = Math.floor(k / n);
      const j = k - i * n;
      L[k * w] = op.diag[k] as number;
      if (j > 0) L[k * w + 1] = -(op.wy[i * (n + 1) + j] as number) * ih2;
      if (i > 0) L[k * w + n] = -(op.wx[i * n + j] as number) * ih2;
    }
    for (let k = 0; k < N; k++) {
      for (let d = Math.min(n, k); d >= 1; d--) {
        const c = k - d;
        let acc = L[k * w + d] as number;
        // sum over m < c within both bands: m >= k - n
        for (let m = Math.max(k - n, c - n, 0); m < c; m++)
          acc -= (L[k * w + (k - m)] as number) * (L[c * w + (c - m)] as number);
        L[k * w + d] = acc / (L[c * w] as number);
      }
      let dkk = L[k * w] as number;
      for (let m = Math.max(k - n, 0); m < k; m++) dkk -= (L[k * w + (k - m)] as number) ** 2;
      L[k * w] = Math.sqrt(dkk);
    }
    this.n = n;
    this.L = L;
  }

  solve(b: Float64Array, x: Float64Array): void {
    const n = this.n;
    const N = n * n;
    const w = n + 1;
    const L = this.L;
    for (let k = 0; k < N; k++) {
      let acc = b[k] as number;
      for (let m = Math.max(k - n, 0); m < k; m++)
        acc -= (L[k * w + (k - m)] as number) * (x[m] as number);
      x[k] = acc / (L[k * w] as number);
    }
    for (let k = N - 1; k >= 0; k--) {
      let acc = x[k] as number;
      for (let m = k + 1; m <= Math.min(k + n, N - 1); m++)
        acc -= (L[m * w + (m - k)] as number) * (x[m] as number);
      x[k] = acc / (L[k * w] as number);
    }
  }
}

export class MultigridPreconditioner {
  readonly levels: FaceOperator[];
  private readonly rhs: Float64Array[];
  private readonly sol: Float64Array[];
  private readonly res: Float64Array[];
  private readonly direct: BandedCholesky | undefined;

  constructor(fine: FaceOperator) {
    this.levels = [fine];
    let op = fine;
    while (op.n % 2 === 1 && op.n >= 7) {
      op = op.coarsen();
      this.levels.push(op);
    }
    this.rhs = this.levels.map((l) => new Float64Array(l.n * l.n));
    this.sol = this.levels.map((l) => new Float64Array(l.n * l.n));
    this.res = this.levels.map((l) => new Float64Array(l.n * l.n));
    const coarsest = this.levels[this.levels.length - 1] as FaceOperator;
    this.direct = coarsest.n <= MAX_DIRECT ? new BandedCholesky(coarsest) : undefined;
  }

  /** z = M^{-1} r (one V-cycle from a zero guess). */
  apply(r: Float64Array, z: Float64Array): void {
    (this.rhs[0] as Float64Array).set(r);
    this.cycle(0);
    z.set(this.sol[0] as Float64Array);
  }

  private cycle(l: number): void {
    const op = this.levels[l] as FaceOperator;
    const b = this.rhs[l] as Float64Array;
    const x = this.sol[l] as Float64Array;
    x.fill(0);
    if (l === this.levels.length - 1) {
      if (this.direct) this.direct.solve(b, x);
      else
        for (let k = 0; k < 20; k++) {
          op.gaussSeidel(x, b, true);
          op.gaussSeidel(x, b, false);
        }
      return;
    }
    op.gaussSeidel(x, b, true);
    const r = this.res[l] as Float64Array;
    op.apply(x, r);
    for (let k = 0; k < r.length; k++) r[k] = (b[k] as number) - (r[k] as number);
    const n = op.n;
    const nc = (n - 1) >> 1;
    const bc = this.rhs[l + 1] as Float64Array;
    // full weighting
    for (let I = 0; I < nc; I++) {
      for (let J = 0; J < nc; J++) {
        const i = 2 * I + 1;
        const j = 2 * J + 1;
        const c = i * n + j;
        bc[I * nc + J] =
          (4 * (r[c] as number) +
            2 *
              ((r[c - n] as number) +
                (r[c + n] as number) +
                (r[c - 1] as number) +
                (r[c + 1] as number)) +
            (r[c - n - 1] as number) +
            (r[c - n + 1] as number) +
            (r[c + n - 1] as number) +
            (r[c + n + 1] as number)) /
          16;
      }
    }
    this.cycle(l + 1);
    const xc = this.sol[l + 1] as Float64Array;
    const at = (I: number, J: number): number =>
      I >= 0 && I < nc && J >= 0 && J < nc ? (xc[I * nc + J] as number) : 0;
    // bilinear prolongation: fine i = 2I + 1 sits on coarse I; even fine indices are midpoints
    for (let i = 0; i < n; i++) {
      const iOdd = i % 2 === 1;
      const I0 = iOdd ? (i - 1) / 2 : i / 2 - 1;
      for (let j = 0; j < n; j++) {
        const jOdd = j % 2 === 1;
        const J0 = jOdd ? (j - 1) / 2 : j / 2 - 1;
        let e: number;
        if (iOdd && jOdd) e = at(I0, J0);
        else if (iOdd) e = 0.5 * (at(I0, J0) + at(I0, J0 + 1));
        else if (jOdd) e = 0.5 * (at(I0, J0) + at(I0 + 1, J0));
        else e = 0.25 * (at(I0, J0) + at(I0 + 1, J0) + at(I0, J0 + 1) + at(I0 + 1, J0 + 1));
        x[i * n + j] = (x[i * n + j] as number) + e;
      }
    }
    op.gaussSeidel(x, b, false);
  }
}
