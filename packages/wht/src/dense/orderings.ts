/**
 * Output orderings of the WHT. All three are the same set of N = 2^n basis functions (rows of
 * the Sylvester-Hadamard matrix) in different orders; with X_nat the natural-order transform:
 *   natural  (Hadamard): X[k] = X_nat[k],                      row k = (-1)^popcount(k & j)
 *   dyadic   (Paley):    X[k] = X_nat[bitrev_n(k)]
 *   sequency (Walsh):    X[k] = X_nat[bitrev_n(gray(k))],  gray(k) = k ^ (k >> 1);
 *                        row k then has exactly k sign changes (Walsh's ordering).
 * Each of these matrices W is symmetric (popcount(bitrev(k) & j) = sum_i k_(n-1-i) j_i is
 * symmetric in k, j; Walsh rows likewise), so W W = N I and the inverse is W / N.
 */
import { ValueError } from "@modewise/tensor";
import type { RealArray } from "./butterfly.js";
import { MAX_LOG2N, show } from "./validate.js";

const bitrevTables = new Map<number, Uint32Array>();

/**
 * bitrev_n(k) for k < 2^n, cached per n (tables are N 32-bit words). Public, so n is checked
 * (on a cache miss only): a negative or fractional n used to give an empty or wrong table and
 * n > 31 an untyped RangeError from the allocation.
 */
export function bitReversalTable(log2n: number): Uint32Array {
  let table = bitrevTables.get(log2n);
  if (table === undefined) {
    if (!Number.isInteger(log2n) || log2n < 0 || log2n > MAX_LOG2N)
      throw new ValueError(
        "bitReversalTable",
        "log2n",
        `an integer in [0, ${MAX_LOG2N}]`,
        show(log2n),
      );
    const n = 2 ** log2n;
    table = new Uint32Array(n);
    // rev(k) = rev(k >> 1) >> 1 | (k & 1) << (n - 1): each entry from a smaller one.
    for (let k = 1; k < n; k++) table[k] = (table[k >>> 1] >>> 1) | ((k & 1) << (log2n - 1));
    bitrevTables.set(log2n, table);
  }
  return table;
}

/** Dyadic reordering of a natural-order block: swap k <-> bitrev(k) (an involution). */
export function naturalToDyadic(x: RealArray, off: number, log2n: number): void {
  if (log2n < 2) return;
  const rev = bitReversalTable(log2n);
  const n = rev.length;
  for (let k = 0; k < n; k++) {
    const r = rev[k];
    if (r > k) {
      const t = x[off + k];
      x[off + k] = x[off + r];
      x[off + r] = t;
    }
  }
}

/**
 * Sequency reordering of a natural-order block: X[k] = X_nat[bitrev(gray(k))]. Done as the
 * dyadic swap (Y[m] = X_nat[bitrev(m)]) followed by the Gray gather X[k] = Y[gray(k)], which is
 * not an involution, so it goes through a scratch copy of the block.
 */
export function naturalToSequency(
  x: RealArray,
  off: number,
  log2n: number,
  scratch: RealArray,
): void {
  naturalToDyadic(x, off, log2n);
  const n = 2 ** log2n;
  for (let m = 0; m < n; m++) scratch[m] = x[off + m];
  for (let k = 0; k < n; k++) x[off + k] = scratch[k ^ (k >>> 1)];
}
