/**
 * Piecewise-polynomial evaluation of the ES kernel at the w grid points a spread/interp touches.
 *
 * A point at fine-grid coordinate G touches the grid indices i1 + j, j = 0..w-1, with
 * i1 = ceil(G - w/2). Their kernel values are psi(i1 + j - G) = psi(-w/2 + j + (u + 1)/2) with
 * u = 2 (i1 - G + w/2) - 1 in [-1, 1]. Panel j (one grid spacing of the support) is a polynomial
 * p_j(u) of degree n: fitted at plan time by interpolation at n + 1 Chebyshev nodes, converted to
 * monomial coefficients in u and then CHECKED against the direct kernel on a dense set of u; the
 * degree grows from w + 2 until the max error is below eps / 10 (kernel max is 1), so the fit
 * contributes well under eps. Each panel is evaluated by Estrin's scheme (see `estrin`: the
 * tree the WebAssembly kernels use too), its coefficients contiguous.
 */
import { esKernel } from "./es-kernel.js";

export interface PiecewisePoly {
  readonly width: number;
  readonly degree: number;
  /** coeffs[j * (degree + 1) + d]: coefficient of u^d in panel j. */
  readonly coeffs: Float64Array;
  /** Max |p_j(u) - psi| measured on the check set. */
  readonly maxError: number;
}

const MAX_DEGREE = 24;

function panelValue(width: number, beta: number, j: number, u: number): number {
  const t = -width / 2 + j + (u + 1) / 2;
  return esKernel((2 * t) / width, beta);
}

/** Monomial coefficients of the interpolant through (nodes, values) via Chebyshev coefficients. */
function chebyshevToMonomial(cheb: Float64Array): Float64Array {
  const n = cheb.length;
  const out = new Float64Array(n);
  // T_0 = 1, T_1 = u, T_{k+1} = 2u T_k - T_{k-1}, tracked as monomial coefficient vectors.
  let prev = new Float64Array(n);
  let cur = new Float64Array(n);
  prev[0] = 1;
  out[0] += cheb[0];
  if (n > 1) {
    cur[1] = 1;
    out[1] += cheb[1];
  }
  for (let k = 2; k < n; k++) {
    const next = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      next[d] = (d > 0 ? 2 * cur[d - 1] : 0) - prev[d];
    }
    for (let d = 0; d < n; d++) out[d] += cheb[k] * next[d];
    prev = cur;
    cur = next;
  }
  return out;
}

function fit(width: number, beta: number, degree: number): Float64Array {
  const n = degree + 1;
  const coeffs = new Float64Array(n * width);
  const nodes = new Float64Array(n);
  for (let i = 0; i < n; i++) nodes[i] = Math.cos((Math.PI * (i + 0.5)) / n);
  for (let j = 0; j < width; j++) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = panelValue(width, beta, j, nodes[i]);
    const cheb = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += values[i] * Math.cos((Math.PI * k * (i + 0.5)) / n);
      cheb[k] = ((k === 0 ? 1 : 2) * s) / n;
    }
    const mono = chebyshevToMonomial(cheb);
    for (let d = 0; d < n; d++) coeffs[j * n + d] = mono[d];
  }
  return coeffs;
}

/**
 * The evaluation tree shared with the WebAssembly kernels (wasm/module.ts), Estrin's scheme:
 *   E(c[lo .. lo + n)) = c[lo]                                          (n = 1)
 *                      = E(c[lo .. lo + h)) + E(c[lo + h .. lo + n)) u^h  (h = the largest
 *                                                                        power of 2 below n)
 * with u^h from repeated squaring (powers[k] = u^(2^k)). Its depth is ceil(log2(degree + 1))
 * multiply-adds instead of Horner's degree: the kernel values of a point are a short dependency
 * chain, which is what the spreading loops wait on. Both implementations do exactly these
 * float64 operations (no FMA), so their values are bit-identical.
 */
export function estrin(coeffs: Float64Array, lo: number, n: number, powers: Float64Array): number {
  if (n === 1) return coeffs[lo];
  const level = Math.ceil(Math.log2(n)) - 1;
  const h = 1 << level;
  return estrin(coeffs, lo, h, powers) + estrin(coeffs, lo + h, n - h, powers) * powers[level];
}

/** powers[k] = u^(2^k), k = 0 .. 4 (degree <= 24 needs h up to 16). */
export function estrinPowers(u: number, powers: Float64Array): void {
  powers[0] = u;
  for (let k = 1; k < powers.length; k++) powers[k] = powers[k - 1] * powers[k - 1];
}

const powerScratch = new Float64Array(5);

/** Evaluate all w panels at u into out[0..w-1] (Estrin's tree, see `estrin`). */
export function evalKernel(poly: PiecewisePoly, u: number, out: Float64Array): void {
  const { width, degree, coeffs } = poly;
  const n = degree + 1;
  estrinPowers(u, powerScratch);
  for (let j = 0; j < width; j++) out[j] = estrin(coeffs, j * n, n, powerScratch);
}

function maxFitError(poly: PiecewisePoly, beta: number): number {
  const out = new Float64Array(poly.width);
  let err = 0;
  const samples = 64;
  for (let s = 0; s <= samples; s++) {
    const u = -1 + (2 * s) / samples;
    evalKernel(poly, u, out);
    for (let j = 0; j < poly.width; j++) {
      err = Math.max(err, Math.abs(out[j] - panelValue(poly.width, beta, j, u)));
    }
  }
  return err;
}

const cache = new Map<string, PiecewisePoly>();

export function piecewisePoly(width: number, beta: number, eps: number): PiecewisePoly {
  // Round-off floor of the check itself: evaluation on [-1, 1] with coefficients of size <= ~1 is
  // accurate to a few units of 2^-53; never ask for less than 1e-15.
  const target = Math.max(eps / 10, 1e-15);
  const key = `${width}:${beta}:${target}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let best: PiecewisePoly | undefined;
  for (let degree = width + 2; degree <= MAX_DEGREE; degree++) {
    const candidate = { width, degree, coeffs: fit(width, beta, degree), maxError: 0 };
    const maxError = maxFitError(candidate, beta);
    const poly = { ...candidate, maxError };
    if (!best || maxError < best.maxError) best = poly;
    if (maxError <= target) break;
  }
  const chosen = best as PiecewisePoly;
  cache.set(key, chosen);
  return chosen;
}
