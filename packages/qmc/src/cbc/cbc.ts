/**
 * Component-by-component (CBC) construction of rank-1 lattice generating vectors
 * (Sloan & Reztsov 2002; Kuo 2003), minimizing the worst-case error of criterion.ts one
 * component at a time: z_1 = 1, then for s = 2..d
 *
 *   z_s = argmin_{z in Z_n, z <= n/2} sum_k p_{s-1}(k) omega({k z / n}),
 *   p_s(k) = p_{s-1}(k) (1 + gamma_s omega({k z_s / n})),   e_s^2 = (1/n) sum_k p_s(k) - 1,
 *
 * with Z_n the units modulo n (z and n - z give the same error since omega(x) = omega(1 - x), so
 * only z <= n/2 is searched; remaining exact ties go to the smallest z, see tieTolerance).
 *
 * Fast CBC for prime n (Nuyens & Cools 2006): with g a primitive root, k = g^u and z = g^t, the
 * sum over k != 0 is the cyclic cross-correlation sum_u a(u) b(u + t) of a(u) = p(g^u) and
 * b(v) = omega(g^v / n), computed for ALL t by one FFT pair of length n - 1 (the FFT of b once):
 * O(d n log n) instead of O(d n^2) (fast-prime.ts). For n = 2^m the units are +-5^t and the same
 * idea works level by level (fast-power-of-two.ts), also O(d n log n). Other n use the direct
 * O(d n phi(n)/2) search (direct-search.ts).
 */
import { ValueError } from "@modewise/tensor";
import { CompensatedSum } from "../discrepancy/compensated-sum.js";
import { showValue } from "../discrepancy/show-value.js";
import { type CBCCriterion, omegaTable } from "./criterion.js";
import { directChoice } from "./direct-search.js";
import { FastPowerOfTwoSearch } from "./fast-power-of-two.js";
import { FastPrimeSearch } from "./fast-prime.js";
import { isPrime } from "./primitive-root.js";
import { checkWeights } from "./weights.js";

export interface CBCOptions {
  /** Number of points n (2 <= n <= 2^26). */
  n: number;
  /** Dimension d >= 1. */
  dim: number;
  /** Product weights gamma_j > 0 (one number or >= dim numbers; default 1). */
  weights?: number | readonly number[];
  /** "korobov" (default) or "sobolev" (shift-averaged, first order). */
  criterion?: CBCCriterion;
  /** Smoothness alpha of the Korobov criterion, 1..4 (default 1). */
  alpha?: number;
  /**
   * "auto" (default: fast for prime n and n = 2^m >= 8, direct otherwise), "fast" (prime n or
   * n = 2^m >= 8 only), "direct".
   */
  method?: "auto" | "fast" | "direct";
}

export interface CBCResult {
  generatingVector: Uint32Array;
  n: number;
  /** The worst-case error e of the final vector (root of e^2). */
  error: number;
  /** e_s^2 after each component s = 1..d. */
  squaredErrors: Float64Array;
}

const FN = "cbcLattice";

function squaredError(p: Float64Array): number {
  const s = new CompensatedSum();
  for (let k = 0; k < p.length; k++) s.add(p[k]);
  return s.value / p.length - 1;
}

/** A CBC generating vector for an n-point rank-1 lattice in dimension dim. */
export function cbcLattice(options: CBCOptions): CBCResult {
  const { n, dim } = options ?? ({} as CBCOptions);
  if (!Number.isSafeInteger(n) || n < 2 || n > 2 ** 26)
    throw new ValueError(FN, "n", "an integer in 2..2^26", showValue(n));
  if (!Number.isSafeInteger(dim) || dim < 1)
    throw new ValueError(FN, "dim", "a positive integer", showValue(dim));
  const gamma = checkWeights(FN, options.weights ?? 1, dim);
  const omega = omegaTable(FN, options.criterion ?? "korobov", options.alpha ?? 1, n);
  const method = options.method ?? "auto";
  if (method !== "auto" && method !== "fast" && method !== "direct")
    throw new ValueError(FN, "method", "'auto', 'fast' or 'direct'", showValue(method));
  const prime = isPrime(n);
  const powerOfTwo = n >= 8 && (n & (n - 1)) === 0;
  if (method === "fast" && !prime && !powerOfTwo)
    throw new ValueError(FN, "n", "a prime n or n = 2^m >= 8 for method 'fast'", showValue(n));
  let fast: FastPrimeSearch | FastPowerOfTwoSearch | null = null;
  if (method !== "direct" && prime && n > 3) fast = new FastPrimeSearch(n, omega);
  else if (method !== "direct" && powerOfTwo) fast = new FastPowerOfTwoSearch(n, omega);

  const z = new Uint32Array(dim);
  const squaredErrors = new Float64Array(dim);
  const p = new Float64Array(n).fill(1);
  for (let s = 0; s < dim; s++) {
    // With p = 1 every unit z gives the same error (k z permutes the residues): take z_1 = 1.
    const zs = s === 0 ? 1 : fast !== null ? fast.choose(p) : directChoice(p, omega, n);
    z[s] = zs;
    let r = 0;
    for (let k = 0; k < n; k++) {
      p[k] *= 1 + gamma[s] * omega[r];
      r += zs;
      if (r >= n) r -= n;
    }
    squaredErrors[s] = squaredError(p);
  }
  return {
    generatingVector: z,
    n,
    error: Math.sqrt(Math.max(0, squaredErrors[dim - 1])),
    squaredErrors,
  };
}
