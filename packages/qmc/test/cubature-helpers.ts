/**
 * Test-side references for the cubature and kernel tests: a minimal shifted rank-1 lattice in
 * natural order written from the definition (independent of the package's Lattice class),
 * the integrands with closed-form integrals, and Acklam's inverse normal CDF (relative error
 * < 1.2e-9, checked against scipy.stats.norm.ppf when this file was written: 1.13e-9), which
 * changes the Keister integral by far less than the tolerances used (>= 1e-4).
 */
import type { PointSet } from "@modewise/qmc";

/** Reverses the low `bits` bits of i. */
export function reverseBits(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r = r * 2 + ((i >>> b) & 1);
  return r;
}

const M_MAX = 20;
/** A generating vector for up to 8 dimensions and 2^20 points (any odd vector is a lattice). */
export const TEST_VECTOR = [1, 182667, 469891, 498753, 110745, 446247, 250185, 118627];

/** Natural-order rank-1 lattice, x_i = frac(phi(i) z + shift), phi the radical inverse. */
export class TestLattice implements PointSet {
  readonly shift: Float64Array;
  constructor(
    readonly dim: number,
    readonly seed: number | null,
    readonly z: readonly number[] = TEST_VECTOR,
  ) {
    this.shift = new Float64Array(dim);
    if (seed !== null) {
      const rng = mulberry32(seed);
      for (let j = 0; j < dim; j++) this.shift[j] = rng();
    }
  }
  gen(n: number, options: { start?: number } = {}): Float64Array {
    const start = options.start ?? 0;
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) {
      const r = reverseBits(start + i, M_MAX); // phi(i) = r / 2^20
      for (let j = 0; j < this.dim; j++) {
        // r * z_j < 2^40: exact; the reduction mod 2^20 and the division by 2^20 are exact.
        const u = ((r * this.z[j]) % 2 ** M_MAX) / 2 ** M_MAX + this.shift[j];
        out[i * this.dim + j] = u - Math.floor(u);
      }
    }
    return out;
  }
  spawn(seed: number): PointSet {
    return new TestLattice(this.dim, seed, this.z);
  }
}

/** Small seeded uniform generator for tests (Mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Inverse standard normal CDF (Acklam), p in (0, 1). */
export function normalQuantile(p: number): number {
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

export interface TestIntegrand {
  name: string;
  d: number;
  exact: number;
  f: (x: Float64Array, n: number, d: number) => Float64Array;
}

/** prod_j (1 + c_j (x_j - 1/2)), integral 1. */
export function productIntegrand(c: readonly number[]): TestIntegrand {
  const d = c.length;
  return {
    name: `product (1 + c(x - 1/2)), d = ${d}`,
    d,
    exact: 1,
    f: (x, n) => {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let p = 1;
        for (let j = 0; j < d; j++) p *= 1 + c[j] * (x[i * d + j] - 0.5);
        y[i] = p;
      }
      return y;
    },
  };
}

/** exp(sum_j a_j x_j), integral prod_j (e^a_j - 1)/a_j. */
export function expSumIntegrand(a: readonly number[]): TestIntegrand {
  const d = a.length;
  let exact = 1;
  for (const aj of a) exact *= Math.expm1(aj) / aj;
  return {
    name: `exp(sum a x), d = ${d}`,
    d,
    exact,
    f: (x, n) => {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += a[j] * x[i * d + j];
        y[i] = Math.exp(s);
      }
      return y;
    },
  };
}

/**
 * Keister: int_{R^d} cos|t| exp(-|t|^2) dt = pi^(d/2) E[cos |Z| / sqrt 2], Z ~ N(0, I), mapped
 * to [0,1]^d by the inverse normal CDF (t = Phi^-1(x) / sqrt 2).
 */
export function keisterIntegrand(d: number, exact: number): TestIntegrand {
  return {
    name: `Keister, d = ${d}`,
    d,
    exact,
    f: (x, n) => {
      const y = new Float64Array(n);
      const scale = Math.PI ** (d / 2);
      for (let i = 0; i < n; i++) {
        let r2 = 0;
        for (let j = 0; j < d; j++) {
          // A point exactly at 0 (possible only without a shift) is nudged inside the cube.
          const u = Math.min(Math.max(x[i * d + j], 1e-300), 1 - 2 ** -53);
          const z = normalQuantile(u);
          r2 += 0.5 * z * z;
        }
        y[i] = scale * Math.cos(Math.sqrt(r2));
      }
      return y;
    },
  };
}
