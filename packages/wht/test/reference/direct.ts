/**
 * Independent O(N^2) references for the dense WHT, straight from the definitions (no fast
 * algorithm, no shared code with src/):
 *   Hadamard row k:  H[k][j] = (-1)^popcount(k & j)
 *   Paley (dyadic):  row k is Hadamard row bitrev_n(k)
 *   Walsh (sequency): the Hadamard rows sorted by their number of sign changes (each count
 *                     0..N-1 occurs exactly once, which the helper asserts).
 * Sums use Neumaier compensation, so the reference error is ~2u|X| + O(N u^2) ||x||_1, far below
 * the tolerances of the tests.
 */

/** popcount(v) mod 2 by xor-folding (checked against popcount in sparse-hashing.test.ts). */
export function parity(v: number): number {
  let w = v ^ (v >>> 16);
  w ^= w >>> 8;
  w ^= w >>> 4;
  w ^= w >>> 2;
  return (w ^ (w >>> 1)) & 1;
}

export function popcount(v: number): number {
  let c = 0;
  for (let w = v >>> 0; w !== 0; w >>>= 1) c += w & 1;
  return c;
}

export function bitReverse(k: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) if ((k >>> i) & 1) r |= 1 << (bits - 1 - i);
  return r >>> 0;
}

function signChanges(row: number, n: number): number {
  let c = 0;
  for (let j = 1; j < n; j++) if (parity(row & j) !== parity(row & (j - 1))) c++;
  return c;
}

const rowCache = new Map<string, number[]>();

/** For each output index k, the Hadamard row it uses in the given ordering (cached). */
export function rowsOf(order: "natural" | "sequency" | "dyadic", log2n: number): number[] {
  const key = `${order}:${log2n}`;
  const cached = rowCache.get(key);
  if (cached) return cached;
  const rows = computeRows(order, log2n);
  rowCache.set(key, rows);
  return rows;
}

function computeRows(order: "natural" | "sequency" | "dyadic", log2n: number): number[] {
  const n = 2 ** log2n;
  const rows = Array.from({ length: n }, (_, k) => k);
  if (order === "dyadic") return rows.map((k) => bitReverse(k, log2n));
  if (order === "natural") return rows;
  const bySequency = new Array<number>(n).fill(-1);
  for (const r of rows) {
    const s = signChanges(r, n);
    if (bySequency[s] !== -1) throw new Error(`two rows with ${s} sign changes`);
    bySequency[s] = r;
  }
  return bySequency;
}

/** Direct transform X[k] = scale * sum_j (-1)^popcount(row_k & j) x[j], in f64. */
export function directWHT(
  x: ArrayLike<number>,
  order: "natural" | "sequency" | "dyadic",
  scale = 1,
): Float64Array {
  const n = x.length;
  const log2n = Math.round(Math.log2(n));
  const rows = rowsOf(order, log2n);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    let comp = 0;
    const row = rows[k];
    for (let j = 0; j < n; j++) {
      const term = parity(row & j) ? -x[j] : x[j];
      const t = s + term;
      comp += Math.abs(s) >= Math.abs(term) ? s - t + term : term - t + s;
      s = t;
    }
    out[k] = (s + comp) * scale;
  }
  return out;
}

/** Deterministic uniform values in [-1, 1) (an LCG: the tests' own, not the package's PRNG). */
export function uniform(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function l1(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
  return s;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
