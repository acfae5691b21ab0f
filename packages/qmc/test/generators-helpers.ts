/** Shared checks for the generator tests: scipy fixtures, stratification counts, chi-square. */
import { readFileSync } from "node:fs";

export interface ScipyFixtures {
  scipy: string;
  sobol50: { d: number; n: number; bits: number; x: number[] };
  sobol21201: { d: number; bits: number; dims: number[]; indices: number[]; x: number[] };
  halton20: { d: number; n: number; x: number[] };
  halton20_ff: { d: number; start: number; n: number; x: number[] };
}

export function scipyFixtures(): ScipyFixtures {
  return JSON.parse(
    readFileSync(new URL("./fixtures/generators-scipy.json", import.meta.url), "utf8"),
  ) as ScipyFixtures;
}

/** Column j of a row-major n x dim array. */
export function column(x: Float64Array, dim: number, j: number): Float64Array {
  const n = x.length / dim;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = x[i * dim + j];
  return c;
}

/**
 * Number of points in each box of the grid [k1/b1^m1, (k1+1)/b1^m1) x [k2/b2^m2, ...) of
 * coordinates (j1, j2); returns the counts (b1^m1 * b2^m2 boxes). Points lie in [0,1) so
 * floor(x * b^m) is an exact box index when b^m is a power of 2 (x dyadic scaled exactly);
 * for other bases, see the callers' notes.
 */
export function boxCounts(
  x: Float64Array,
  dim: number,
  j1: number,
  cells1: number,
  j2: number,
  cells2: number,
): Uint32Array {
  const counts = new Uint32Array(cells1 * cells2);
  for (let i = 0; i < x.length / dim; i++) {
    const a = Math.floor(x[i * dim + j1] * cells1);
    const b = Math.floor(x[i * dim + j2] * cells2);
    counts[a * cells2 + b]++;
  }
  return counts;
}

/** Counts per interval [k/cells, (k+1)/cells) of coordinate j. */
export function intervalCounts(
  x: Float64Array,
  dim: number,
  j: number,
  cells: number,
): Uint32Array {
  const counts = new Uint32Array(cells);
  for (let i = 0; i < x.length / dim; i++) counts[Math.floor(x[i * dim + j] * cells)]++;
  return counts;
}

/** Pearson chi-square statistic of counts against equal expected frequencies. */
export function chiSquare(counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  const expected = total / counts.length;
  let chi = 0;
  for (let k = 0; k < counts.length; k++) chi += (counts[k] - expected) ** 2 / expected;
  return chi;
}

/**
 * Upper 1e-6 quantile of chi-square with 9 degrees of freedom (scipy.stats.chi2.isf(1e-6, 9)):
 * a correct uniform generator exceeds it with probability 1e-6 for a given seed.
 */
export const CHI2_9DOF_1E6 = 44.811;

/** Sort rows of an n x dim array lexicographically (for set comparisons). */
export function sortedRows(x: Float64Array, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < x.length / dim; i++)
    rows.push(Array.from(x.subarray(i * dim, (i + 1) * dim)));
  return rows.sort((a, b) => {
    for (let j = 0; j < dim; j++) if (a[j] !== b[j]) return a[j] - b[j];
    return 0;
  });
}
