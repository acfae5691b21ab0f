/**
 * fastGram against the dense Gram matrix at n = 2^10: matvec vs the dense product, solve vs a
 * dense Cholesky solve (written here), logDet vs 2 sum log diag(L); for the shift-invariant
 * kernel on lattices (an independent test lattice and the package's Lattice) and the
 * digitally-shift-invariant kernel on scrambled + digitally shifted Sobol' nets. Plus the
 * structure check (wrong order / not a lattice throws; Gray-order nets are accepted and correct)
 * and argument errors.
 */
import {
  DigitalNetB2,
  DigitalShiftInvariantKernel,
  fastGram,
  Lattice,
  type QMCKernel,
  ShiftInvariantKernel,
  Sobol,
} from "@modewise/qmc";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { mulberry32, TestLattice } from "./cubature-helpers.js";

const EPS = Number.EPSILON;

function denseGram(kernel: QMCKernel, x: Float64Array, n: number, d: number) {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const k = kernel.at(x, x, i * d, j * d);
      K[i * n + j] = k;
      K[j * n + i] = k;
    }
  return K;
}

function denseMatvec(K: Float64Array, y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += K[i * n + j] * y[j];
    out[i] = s;
  }
  return out;
}

/** Lower Cholesky factor of a symmetric positive definite matrix (row-major). */
function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] ** 2;
    if (!(s > 0)) throw new Error("not positive definite");
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / ljj;
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s) / norm(b);
}

const n = 1024;
const d = 3;
const weights = [1, 0.5, 0.25];
const cases: [string, QMCKernel, () => Float64Array][] = [
  [
    "shift-invariant alpha 1, test lattice",
    new ShiftInvariantKernel(d, { alpha: 1, weights }),
    () => new TestLattice(d, 5).gen(n),
  ],
  [
    "shift-invariant alpha (1,2,3), Lattice",
    new ShiftInvariantKernel(d, { alpha: [1, 2, 3], weights, scale: 3 }),
    () => new Lattice(d, { seed: 8 }).gen(n),
  ],
  [
    "digital alpha 1, Sobol' LMS+DS",
    new DigitalShiftInvariantKernel(d, { alpha: 1, weights }),
    () => new Sobol(d, { seed: 7 }).gen(n),
  ],
  [
    "digital alpha (1,2,3), DigitalNetB2 LMS",
    new DigitalShiftInvariantKernel(d, { alpha: [1, 2, 3], weights, scale: 3 }),
    () => new DigitalNetB2(d, { seed: 3, randomize: "LMS" }).gen(n),
  ],
];

describe("fastGram vs dense linear algebra, n = 2^10", () => {
  for (const [name, kernel, make] of cases) {
    it(name, () => {
      const x = make();
      const nugget = 1e-6;
      const G = fastGram(kernel, x, { nugget });
      const K = denseGram(kernel, x, n, d);
      const rng = mulberry32(42);
      const y = Float64Array.from({ length: n }, () => rng() - 0.5);

      // Eigenvalues of a symmetric PSD matrix: real, >= -(round-off), trace = sum.
      let lmax = 0;
      let lmin = Number.POSITIVE_INFINITY;
      let trace = 0;
      for (const l of G.eigenvalues) {
        lmax = Math.max(lmax, l);
        lmin = Math.min(lmin, l);
        trace += l;
      }
      expect(lmin).toBeGreaterThan(-1e-12 * lmax);
      let diag = 0;
      for (let i = 0; i < n; i++) diag += K[i * n + i];
      expect(Math.abs(trace - diag)).toBeLessThan(1e-12 * diag);

      // matvec: the dense sums carry <= n eps sum|K||y| error, the transforms ~ log2(n) eps
      // lambda_max |y|; |K y| >= lambda_min |y| is not useful, so measure against lambda_max |y|.
      const fast = G.matvec(y);
      const dense = denseMatvec(K, y, n);
      let err = 0;
      for (let i = 0; i < n; i++) err += (fast[i] - dense[i]) ** 2;
      expect(Math.sqrt(err) / (lmax * norm(y))).toBeLessThan(4 * n * EPS);

      // solve: the Cholesky solve is backward stable (backward error ~ c n eps), so both
      // solutions agree to ~ cond * n * eps relative, cond = (lmax + nugget)/(lmin + nugget).
      const Kn = Float64Array.from(K);
      for (let i = 0; i < n; i++) Kn[i * n + i] += nugget;
      const L = cholesky(Kn, n);
      const xc = choleskySolve(L, y, n);
      const xf = G.solve(y);
      const cond = (lmax + nugget) / (lmin + nugget);
      expect(relDiff(xf, xc)).toBeLessThan(4 * cond * n * EPS);

      // log det: 2 sum log L_ii; a relative perturbation e of K moves log det by <= n cond e.
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += 2 * Math.log(L[i * n + i]);
      expect(Math.abs(G.logDet() - logDet)).toBeLessThan(4 * n * cond * n * EPS);
      expect(Number.isFinite(G.logDet())).toBe(true);
    }, 30000); // dense O(n^3) reference on a possibly shared machine: generous, not tuned
  }
});

describe("structure check and errors", () => {
  it("rejects points in the wrong order or of the wrong kind", () => {
    const si = new ShiftInvariantKernel(2);
    const dsi = new DigitalShiftInvariantKernel(2);
    const natural = new Lattice(2, { seed: 1 }).gen(256);
    expect(() => fastGram(si, natural)).not.toThrow();
    expect(() => fastGram(si, new Lattice(2, { seed: 1, order: "gray" }).gen(256))).toThrow(
      /natural order/,
    );
    expect(() => fastGram(dsi, natural)).toThrow(/digital net/);
    const shuffled = new Sobol(2, { seed: 1 }).gen(256);
    [shuffled[2], shuffled[4]] = [shuffled[4], shuffled[2]]; // swap points 1 and 2 (coordinate 0)
    expect(() => fastGram(dsi, shuffled)).toThrow(ValueError);
    expect(() => fastGram(si, new Sobol(2, { seed: 1 }).gen(256))).toThrow(/lattice/);
  });
  it("Gray-code order nets are dyadic convolutions too (gray(i) XOR gray(j) = gray(i XOR j))", () => {
    const dsi = new DigitalShiftInvariantKernel(2, { alpha: 2 });
    const m = 256;
    const x = new Sobol(2, { seed: 4, order: "gray" }).gen(m);
    const K = denseGram(dsi, x, m, 2);
    const y = Float64Array.from({ length: m }, (_, i) => Math.sin(i));
    const G = fastGram(dsi, x);
    let lmax = 0;
    for (const l of G.eigenvalues) lmax = Math.max(lmax, l);
    expect(relDiff(G.matvec(y), denseMatvec(K, y, m)) * norm(denseMatvec(K, y, m))).toBeLessThan(
      4 * m * EPS * lmax * norm(y),
    );
  });
  it("argument errors", () => {
    const si = new ShiftInvariantKernel(2);
    const x = new Lattice(2, { seed: 1 }).gen(256);
    expect(() => fastGram(si, x.subarray(0, 2 * 200))).toThrow(ShapeError);
    expect(() => fastGram(si, x, { nugget: -1 })).toThrow(/nugget/);
    const G = fastGram(si, x);
    expect(() => G.matvec(new Float64Array(10))).toThrow(ShapeError);
    expect(() => G.solve(new Float64Array(256).fill(Number.NaN))).toThrow(/finite/);
    expect(() => fastGram(new ShiftInvariantKernel(3), x)).toThrow(ShapeError);
  });
});
