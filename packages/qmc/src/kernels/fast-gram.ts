/**
 * fastGram: the Gram matrix K_ij = K(x_i, x_j) of a QMC-matched kernel on n = 2^m points,
 * diagonalized in O(n log n) (Sorokin 2025; Jagadeeswaran & Hickernell 2019 for lattices):
 *
 * - shift-invariant kernel on a (shifted) rank-1 lattice in natural order: x_i - x_j depends only
 *   on br(i) - br(j) mod n, so K = P C P with C circulant and P the bit-reversal permutation;
 *   K y = ifftbr(fftbr(y) * lambda), lambda = sqrt(n) fftbr(K[:, 0]) (real: the first column of
 *   C is symmetric because Ktilde(1 - t) = Ktilde(t)).
 * - digitally-shift-invariant kernel on a (digitally shifted, linearly scrambled) base-2 digital
 *   net in natural order: x_i XOR x_j = x_{i XOR j} XOR x_0, so K_ij = c_{i XOR j} is a dyadic
 *   convolution; K y = ifwht(fwht(y) * lambda) (1/n in the inverse), lambda = fwht(K[:, 0]).
 *
 * The eigenvalues are lambda; solves divide by lambda + nugget, logDet sums log(lambda + nugget).
 * Cost: n kernel evaluations and one transform for lambda, two transforms per matvec/solve.
 *
 * The structure is verified on 64 deterministic index pairs (O(64 d)) unless checkStructure is
 * false: points in another order, or not a lattice/net, throw instead of giving wrong answers.
 */
import { fftbr, ifftbr } from "@modewise/fft";
import { ShapeError, ValueError } from "@modewise/tensor";
import { fwht, ifwht } from "@modewise/wht";
import { type PointsInput, toPointMatrix } from "../discrepancy/point-matrix.js";
import { showValue } from "../discrepancy/show-value.js";
import type { KernelKind, QMCKernel } from "./product-kernels.js";

export interface FastGramOptions {
  /** Added to the diagonal (K + nugget I) in solve and logDet (default 0). */
  nugget?: number;
  /** Verify the lattice/net structure on 64 index pairs (default true). */
  checkStructure?: boolean;
}

const FN = "fastGram";

function reverseBitsTable(n: number): Int32Array {
  const m = Math.round(Math.log2(n));
  const t = new Int32Array(n);
  for (let j = 1; j < n; j++) t[j] = (t[j >> 1] >> 1) | ((j & 1) << (m - 1));
  return t;
}

export class FastGram {
  /** The eigenvalues lambda of K (without the nugget), in transform order. */
  readonly eigenvalues: Float64Array;
  /** The first column K[:, 0]. */
  readonly firstColumn: Float64Array;

  constructor(
    readonly kind: KernelKind,
    readonly n: number,
    readonly nugget: number,
    firstColumn: Float64Array,
  ) {
    this.firstColumn = firstColumn;
    if (kind === "shift-invariant") {
      const { re } = fftbr({ re: firstColumn });
      const s = Math.sqrt(n);
      this.eigenvalues = new Float64Array(n);
      for (let k = 0; k < n; k++) this.eigenvalues[k] = s * re[k];
    } else {
      this.eigenvalues = fwht(Float64Array.from(firstColumn));
    }
  }

  private checkVector(fn: string, y: ArrayLike<number>): void {
    if (y === null || typeof y !== "object" || y.length !== this.n)
      throw new ShapeError(fn, "y", `a vector of length n = ${this.n}`, showValue(y?.length ?? y));
    for (let i = 0; i < this.n; i++)
      if (!Number.isFinite(y[i]))
        throw new ValueError(fn, "y", "finite values", `${showValue(y[i])} at ${i}`);
  }

  /** y -> diag(weights) applied in the transform domain. */
  private apply(y: ArrayLike<number>, weight: (lambda: number) => number): Float64Array {
    const n = this.n;
    if (this.kind === "shift-invariant") {
      const { re, im } = fftbr({ re: Float64Array.from(y) });
      for (let k = 0; k < n; k++) {
        const w = weight(this.eigenvalues[k]);
        re[k] *= w;
        im[k] *= w;
      }
      return ifftbr({ re, im }).re;
    }
    const t = fwht(Float64Array.from(y));
    for (let k = 0; k < n; k++) t[k] *= weight(this.eigenvalues[k]);
    return ifwht(t);
  }

  private checkDefinite(fn: string): void {
    for (let k = 0; k < this.n; k++)
      if (!(this.eigenvalues[k] + this.nugget > 0))
        throw new ValueError(
          fn,
          "nugget",
          "a nugget making every eigenvalue + nugget > 0",
          `eigenvalue ${this.eigenvalues[k]} + nugget ${this.nugget}`,
        );
  }

  /** K y (without the nugget). */
  matvec(y: ArrayLike<number>): Float64Array {
    this.checkVector("FastGram.matvec", y);
    return this.apply(y, (lambda) => lambda);
  }

  /** (K + nugget I)^-1 y. */
  solve(y: ArrayLike<number>): Float64Array {
    this.checkVector("FastGram.solve", y);
    this.checkDefinite("FastGram.solve");
    const nugget = this.nugget;
    return this.apply(y, (lambda) => 1 / (lambda + nugget));
  }

  /** log det(K + nugget I). */
  logDet(): number {
    this.checkDefinite("FastGram.logDet");
    let s = 0;
    for (let k = 0; k < this.n; k++) s += Math.log(this.eigenvalues[k] + this.nugget);
    return s;
  }
}

/** Deterministic index pairs for the structure check. */
function* samplePairs(n: number, count: number): Generator<[number, number]> {
  let state = 0x2545f491;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  for (let c = 0; c < count; c++) yield [next(), next()];
}

/** Circular distance of a and b in [0, 1). */
function circularGap(a: number, b: number): number {
  const d = Math.abs(a - b);
  return Math.min(d, 1 - d);
}

function checkStructure(kernel: QMCKernel, x: Float64Array, n: number, d: number): void {
  const lattice = kernel.kind === "shift-invariant";
  const br = lattice ? reverseBitsTable(n) : null;
  for (const [i, j] of samplePairs(n, 64)) {
    // The point whose offset from x_0 must equal the offset of x_i from x_j.
    const k = br !== null ? br[(br[i] - br[j] + n) % n] : i ^ j;
    for (let c = 0; c < d; c++) {
      const lhs = kernel.difference(x[i * d + c], x[j * d + c]);
      const rhs = kernel.difference(x[k * d + c], x[c]);
      // Lattice: both differences carry <= 2 ulp of round-off of numbers in [0, 2); nets: exact.
      const ok = br !== null ? circularGap(lhs, rhs) <= 8 * Number.EPSILON : lhs === rhs;
      if (!ok)
        throw new ValueError(
          FN,
          "points",
          lattice
            ? "a (shifted) rank-1 lattice with n = 2^m points in natural order"
            : "a (digitally shifted) base-2 digital net with n = 2^m points in natural order",
          `points ${i}, ${j}, ${k} that break the structure in coordinate ${c}`,
        );
    }
  }
}

/**
 * The Gram matrix of `kernel` on `points` (n = 2^m rows of kernel.dim coordinates: a lattice in
 * natural order for a ShiftInvariantKernel, a digital net in natural order for a
 * DigitalShiftInvariantKernel), as eigenvalues with O(n log n) products, solves and log det.
 */
export function fastGram(
  kernel: QMCKernel,
  points: PointsInput,
  options: FastGramOptions = {},
): FastGram {
  if (kernel === null || typeof kernel !== "object" || typeof kernel.at !== "function")
    throw new ValueError(
      FN,
      "kernel",
      "a ShiftInvariantKernel or DigitalShiftInvariantKernel",
      showValue(kernel),
    );
  const { data, n, d } = toPointMatrix(FN, points, kernel.dim, "points");
  if (d !== kernel.dim)
    throw new ShapeError(FN, "points", `rows of kernel.dim = ${kernel.dim} coordinates`, `${d}`);
  if ((n & (n - 1)) !== 0) throw new ShapeError(FN, "points", "n = 2^m rows", `${n} rows`);
  const nugget = options.nugget ?? 0;
  if (!(nugget >= 0 && Number.isFinite(nugget)))
    throw new ValueError(FN, "nugget", "a finite number >= 0", showValue(nugget));
  if (options.checkStructure !== false) checkStructure(kernel, data, n, d);
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) column[i] = kernel.at(data, data, i * d, 0);
  return new FastGram(kernel.kind, n, nugget, column);
}
