import { parity } from "./direct.js";

/**
 * Test signals for the sparse WHT, built independently of the package: a K-sparse spectrum X
 * (random support, values uniform in +-[1, 2]) and the time signal x = (1/N) H X evaluated
 * directly, x[j] = (1/N) sum_k X[k] (-1)^popcount(k & j), O(K) per sample.
 */

export { parity };

export class TestRng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 2654435761 + 0x9e3779b9) >>> 0;
  }
  /** Uniform in (0, 1). */
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    const hi = this.s;
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return (hi + (this.s >>> 11) / 2 ** 21 + 0.5) / 2 ** 32;
  }
  /** Standard normal (Box-Muller). */
  gauss(): number {
    return Math.sqrt(-2 * Math.log(this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

export interface SparseSpectrum {
  n: number;
  support: number[];
  values: number[];
}

export function randomSpectrum(n: number, K: number, rng: TestRng): SparseSpectrum {
  const N = 2 ** n;
  const set = new Set<number>();
  while (set.size < K) set.add(Math.floor(rng.next() * N));
  const support = Array.from(set).sort((a, b) => a - b);
  const values = support.map(() => (rng.next() < 0.5 ? -1 : 1) * (1 + rng.next()));
  return { n, support, values };
}

/** x[j] = (1/N) sum_k X[k] (-1)^popcount(k & j), directly. */
export function directOracle(s: SparseSpectrum): (j: number) => number {
  const N = 2 ** s.n;
  return (j) => {
    let acc = 0;
    for (let i = 0; i < s.support.length; i++)
      acc += parity(s.support[i] & j) ? -s.values[i] : s.values[i];
    return acc / N;
  };
}

/** Dense copy of the spectrum. */
export function denseSpectrum(s: SparseSpectrum): Float64Array {
  const X = new Float64Array(2 ** s.n);
  s.support.forEach((k, i) => {
    X[k] = s.values[i];
  });
  return X;
}

/** Max |recovered - true| over all N coefficients (missing and spurious ones included). */
export function recoveryError(
  s: SparseSpectrum,
  indices: Uint32Array,
  values: Float64Array,
): number {
  const truth = new Map<number, number>();
  s.support.forEach((k, i) => {
    truth.set(k, s.values[i]);
  });
  let err = 0;
  const seen = new Set<number>();
  indices.forEach((k, i) => {
    err = Math.max(err, Math.abs(values[i] - (truth.get(k) ?? 0)));
    seen.add(k);
  });
  for (const [k, v] of truth) if (!seen.has(k)) err = Math.max(err, Math.abs(v));
  return err;
}
