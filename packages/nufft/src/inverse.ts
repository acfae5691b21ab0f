/**
 * Inverse type 1 ("inverse NUFFT"): given values c_j at nonuniform points x_j, find Fourier
 * coefficients f (nModes, plan mode order) with  c_j ~ sum_k f_k exp(isign i k . x_j), i.e.
 * solve the least-squares problem  min ||W^{1/2} (A f - c)||^2 + lambda ||f||^2  with A the
 * type-2 transform, by conjugate gradients on the normal equations
 *   (A^H W A + lambda I) f = A^H W c,
 * A^H being the type-1 transform with the opposite sign on the same points (one plan serves
 * both, plan.execute and plan.adjoint). W = diag(weights) are optional density-compensation
 * weights (e.g. Voronoi cell sizes: they equalize the conditioning of A^H A for clustered
 * points); weights: "density" estimates them as 1 / (local point density): the points are
 * spread with a narrow ES kernel (w = 3, spread-only) onto a grid of the mode sizes and
 * interpolated back, rho_j = sum_l psi(l - G_j) sum_i psi(l - G_i) (a kernel density estimate at
 * the resolution of the modes),
 * W_j = mean(rho) / rho_j. For consistent data the weighted and unweighted least-squares
 * solutions coincide, so W acts as a preconditioner; lambda >= 0 is the Tikhonov damping. Each iteration costs one type 2 and one type 1.
 * Stops when ||r|| <= tol ||A^H W c|| (r the normal-equation residual) or after maxIterations,
 * and reports the iterations, both residuals and whether it converged.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { makePlan } from "./plan.js";
import type { Coords, InverseResult, NufftOptions } from "./types.js";
import { checkComplex, checkCount, describeValue } from "./validate.js";

export interface InverseOptions extends Omit<NufftOptions, "nTransforms" | "precision"> {
  /** Relative tolerance on the normal-equation residual, default 1e-8 (>= plan eps is useless). */
  tol?: number;
  /** Default 100. */
  maxIterations?: number;
  /** Tikhonov damping lambda >= 0, default 0. */
  damping?: number;
  /** Positive weights per point, or "density" (estimated; see above). Default all 1. */
  weights?: Float64Array | "density";
}

function dot(a: Float64Array, b: Float64Array): number {
  // Real part of <a, b> = sum conj(a) b; for the Hermitian CG only the real part is needed.
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function inverseNufft(
  nModes: readonly number[],
  points: readonly Coords[],
  values: Float64Array,
  opts: InverseOptions = {},
): InverseResult {
  const fn = "inverseNufft";
  const tol = opts.tol ?? 1e-8;
  if (!(tol > 0 && Number.isFinite(tol)))
    throw new ValueError(fn, "tol", "a finite number > 0", describeValue(tol));
  const maxIterations = checkCount(fn, "maxIterations", opts.maxIterations ?? 100);
  const damping = opts.damping ?? 0;
  if (!(damping >= 0 && Number.isFinite(damping))) {
    throw new ValueError(fn, "damping", "a finite number >= 0", describeValue(damping));
  }
  const plan = makePlan(2, nModes, { ...opts, precision: "f64", nTransforms: 1 });
  try {
    plan.setPoints(points[0], points[1], points[2]);
    const m = plan.nPoints;
    const c = checkComplex(fn, "values", values, "f64", m, "one value per point") as Float64Array;
    const weights = opts.weights === "density" ? densityWeights(nModes, points) : opts.weights;
    if (weights !== undefined) {
      if (!(weights instanceof Float64Array) || weights.length !== m) {
        throw new ShapeError(fn, "weights", `Float64Array of length ${m}`, describeValue(weights));
      }
      for (let j = 0; j < m; j++) {
        if (!(weights[j] > 0 && Number.isFinite(weights[j]))) {
          throw new ValueError(
            fn,
            "weights",
            "finite positive weights",
            `${weights[j]} at index ${j}`,
          );
        }
      }
    }
    const weigh = (v: Float64Array): Float64Array => {
      if (weights)
        for (let j = 0; j < m; j++) {
          v[2 * j] *= weights[j];
          v[2 * j + 1] *= weights[j];
        }
      return v;
    };
    const normal = (f: Float64Array, out: Float64Array): void => {
      const af = plan.execute(f) as Float64Array;
      plan.adjoint(weigh(af), out);
      if (damping > 0) for (let i = 0; i < f.length; i++) out[i] += damping * f[i];
    };
    const n = plan.inputSize;
    const f = new Float64Array(2 * n);
    const rhs = plan.adjoint(weigh(Float64Array.from(c))) as Float64Array;
    const r = Float64Array.from(rhs);
    const p = Float64Array.from(r);
    const q = new Float64Array(2 * n);
    const rhsNorm = Math.sqrt(dot(rhs, rhs));
    let rr = dot(r, r);
    let iterations = 0;
    let converged = rhsNorm === 0;
    while (!converged && iterations < maxIterations) {
      normal(p, q);
      const alpha = rr / dot(p, q);
      for (let i = 0; i < f.length; i++) {
        f[i] += alpha * p[i];
        r[i] -= alpha * q[i];
      }
      const rrNew = dot(r, r);
      iterations++;
      if (Math.sqrt(rrNew) <= tol * rhsNorm) converged = true;
      const beta = rrNew / rr;
      rr = rrNew;
      for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
    }
    // Final residuals, recomputed (not the recursive r, which drifts).
    const af = plan.execute(f) as Float64Array;
    let num = 0;
    let den = 0;
    for (let i = 0; i < af.length; i++) {
      num += (af[i] - c[i]) ** 2;
      den += c[i] ** 2;
    }
    const check = new Float64Array(2 * n);
    normal(f, check);
    let nr = 0;
    for (let i = 0; i < check.length; i++) nr += (rhs[i] - check[i]) ** 2;
    return {
      coefficients: f,
      iterations,
      normalResidual: rhsNorm === 0 ? 0 : Math.sqrt(nr) / rhsNorm,
      residual: den === 0 ? Math.sqrt(num) : Math.sqrt(num / den),
      converged,
    };
  } finally {
    plan.dispose();
  }
}

/** W_j = mean(rho) / rho_j, rho the spread-then-interpolated density (see above). */
function densityWeights(nModes: readonly number[], points: readonly Coords[]): Float64Array {
  const width = 3; // eps = 1e-2 at sigma = 2; a smooth, local density is all that is needed.
  const grid = nModes.map((n) => Math.max(n, 2 * width));
  const plan = makePlan(1, grid, { eps: 1e-2 });
  try {
    plan.setPoints(points[0], points[1], points[2]);
    const m = plan.nPoints;
    const ones = new Float64Array(2 * m);
    for (let j = 0; j < m; j++) ones[2 * j] = 1;
    const rho = plan.interp(plan.spread(ones));
    let mean = 0;
    for (let j = 0; j < m; j++) mean += rho[2 * j] / m;
    const w = new Float64Array(m);
    // rho_j = sum_l psi(l - G_j) sum_i psi(l - G_i) >= sum_l psi(l - G_j)^2 > 0 (point j itself).
    for (let j = 0; j < m; j++) w[j] = mean / rho[2 * j];
    return w;
  } finally {
    plan.dispose();
  }
}
