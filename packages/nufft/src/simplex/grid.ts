/**
 * The transform of a mesh on the integer frequency grid of a box of side lengths L_a:
 *   omega_k = (2 pi k_1 / L_1, ..., 2 pi k_d / L_d),  k_a in [-floor(N_a/2), ceil(N_a/2) - 1],
 * the Fourier-series frequencies of the box (the grid a raster's FFT uses). Array layout as the
 * type-1 NUFFT (types.ts): k_1 fastest, index = i_1 + N_1 (i_2 + N_2 i_3); mode order "cmcl"
 * (centered, default) or "fft" (0, 1, .., -1). Two methods: "exact" (every frequency by the
 * exact formula, O(elements x modes)) and "fast" (quadrature + type-1 NUFFT, fast.ts), each
 * returning a stated bound on max_k |F_computed(omega_k) - F(omega_k)|.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import type { ModeOrder } from "../types.js";
import { simplexContent } from "./content.js";
import { fastGridTransform } from "./fast.js";
import { type CheckedMesh, checkMesh, checkSign, gatherElement, type SimplexMesh } from "./mesh.js";
import { accumulateTransform } from "./transform.js";

export type SimplexGridMethod = "exact" | "fast";

export interface SimplexGridOptions {
  /** Box side lengths L_a (one per dimension): frequency spacing 2 pi / L_a. */
  lengths: readonly number[];
  /** Modes per dimension N_a (one per dimension). */
  modes: readonly number[];
  /** Sign of the exponent, default -1. */
  sign?: 1 | -1;
  /** "cmcl" (centered, default) or "fft". */
  modeOrder?: ModeOrder;
  /** "exact" (default) or "fast". */
  method?: SimplexGridMethod;
  /**
   * "fast" only: requested bound on max_k |error| relative to M = sum_e |rho_e| |Omega_e|
   * (the largest possible |F|); default 1e-6.
   */
  tol?: number;
  /** "fast" only: largest number of quadrature points allowed, default 2e7. */
  maxPoints?: number;
}

export interface SimplexGridResult {
  /** F(omega_k), interleaved complex, length 2 prod(modes), layout and order as documented. */
  values: Float64Array;
  modes: number[];
  method: SimplexGridMethod;
  /** Bound on max_k |values_k - F(omega_k)| (rounding for "exact"; see fast.ts for "fast"). */
  errorBound: number;
  /** "fast": the quadrature part of errorBound, the NUFFT tolerance used, the point count. */
  quadratureBound?: number;
  nufftEps?: number;
  quadraturePoints?: number;
}

/** Integer modes of one dimension in array order. */
function modeIndices(n: number, modeOrder: ModeOrder): number[] {
  const low = -Math.floor(n / 2);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (modeOrder === "cmcl") out.push(low + i);
    else out.push(i < Math.ceil(n / 2) ? i : i - n);
  }
  return out;
}

export function checkGridShape(
  fn: string,
  argument: string,
  values: readonly number[] | undefined,
  dim: number,
  integer: boolean,
): number[] {
  if (values === undefined || typeof values.length !== "number" || values.length !== dim) {
    throw new ShapeError(
      fn,
      argument,
      `one value per dimension (length ${dim})`,
      values === undefined ? "undefined" : `length ${values.length}`,
    );
  }
  const out = Array.from(values);
  out.forEach((v, i) => {
    const ok = integer ? Number.isInteger(v) && v >= 1 : Number.isFinite(v) && v > 0;
    if (!ok) {
      throw new ValueError(
        fn,
        argument,
        integer ? "positive integers" : "positive finite numbers",
        `${v} at index ${i}`,
      );
    }
  });
  // Mode counts / resolutions size complex output arrays (2 doubles per cell): without a cap a
  // huge grid was an untyped RangeError from the allocation (or an out-of-memory crash).
  if (integer) {
    const cells = out.reduce((a, b) => a * b, 1);
    if (cells > MAX_GRID_CELLS)
      throw new ValueError(
        fn,
        argument,
        `at most 2^27 = ${MAX_GRID_CELLS} grid cells in all`,
        `[${out.join(", ")}] = ${cells} cells`,
      );
  }
  return out;
}

/** Largest frequency grid / raster (cells), as the NUFFT's fine-grid limit. */
export const MAX_GRID_CELLS = 2 ** 27;

export function checkModeOrder(fn: string, modeOrder: unknown): ModeOrder {
  if (modeOrder === undefined) return "cmcl";
  if (modeOrder !== "cmcl" && modeOrder !== "fft") {
    throw new ValueError(fn, "options.modeOrder", "'cmcl' or 'fft'", String(modeOrder));
  }
  return modeOrder;
}

/**
 * The frequencies omega_k of the grid, row-major nModes x d, in the grid's array order (k_1
 * fastest). Useful with simplexTransform and simplexTransformVJP at grid frequencies.
 */
export function gridFrequencies(
  lengths: readonly number[],
  modes: readonly number[],
  modeOrder: ModeOrder = "cmcl",
): Float64Array {
  const fn = "gridFrequencies";
  const dim = Array.isArray(lengths) ? lengths.length : 0;
  if (dim < 1 || dim > 3)
    throw new ShapeError(fn, "lengths", "1, 2 or 3 side lengths", String(dim));
  const L = checkGridShape(fn, "lengths", lengths, dim, false);
  const N = checkGridShape(fn, "modes", modes, dim, true);
  const order = checkModeOrder(fn, modeOrder);
  const axes = N.map((n, a) => modeIndices(n, order).map((k) => (2 * Math.PI * k) / L[a]));
  const total = N.reduce((p, n) => p * n, 1);
  const out = new Float64Array(total * dim);
  for (let index = 0; index < total; index++) {
    let rest = index;
    for (let a = 0; a < dim; a++) {
      out[index * dim + a] = axes[a][rest % N[a]];
      rest = Math.floor(rest / N[a]);
    }
  }
  return out;
}

/** Rounding bound of the exact path over a grid (see divided-difference.ts). */
function exactGridBound(
  mesh: CheckedMesh,
  lengths: readonly number[],
  modes: readonly number[],
): number {
  const { dim, order, nElements, densities } = mesh;
  let omegaL1 = 0;
  for (let a = 0; a < dim; a++) omegaL1 += (2 * Math.PI * Math.floor(modes[a] / 2)) / lengths[a];
  const x = new Float64Array(4 * 3);
  let bound = 0;
  for (let e = 0; e < nElements; e++) {
    gatherElement(mesh, e, x);
    let maxAbs = 0;
    for (let i = 0; i < (order + 1) * dim; i++) maxAbs = Math.max(maxAbs, Math.abs(x[i]));
    const scale = Math.abs(densities[e]) * [1, 1, 2, 6][order] * simplexContent(x, dim, order);
    bound += scale * 2 ** -53 * (80 + dim * (order + 1) * omegaL1 * maxAbs);
  }
  return bound;
}

export function gridTransformChecked(
  fn: string,
  mesh: CheckedMesh,
  options: SimplexGridOptions,
): SimplexGridResult {
  const { dim } = mesh;
  const lengths = checkGridShape(fn, "options.lengths", options.lengths, dim, false);
  const modes = checkGridShape(fn, "options.modes", options.modes, dim, true);
  const sign = checkSign(fn, options.sign);
  const modeOrder = checkModeOrder(fn, options.modeOrder);
  const method = options.method ?? "exact";
  if (method !== "exact" && method !== "fast") {
    throw new ValueError(fn, "options.method", "'exact' or 'fast'", String(method));
  }
  if (method === "fast") {
    const tol = options.tol ?? 1e-6;
    if (!(Number.isFinite(tol) && tol > 0 && tol < 1)) {
      throw new ValueError(fn, "options.tol", "a number in (0, 1)", String(tol));
    }
    const maxPoints = options.maxPoints ?? 2e7;
    if (!(maxPoints >= 1)) {
      throw new ValueError(fn, "options.maxPoints", "a positive number", String(maxPoints));
    }
    const r = fastGridTransform(fn, mesh, lengths, modes, tol, sign, modeOrder, maxPoints);
    return {
      values: r.values,
      modes,
      method,
      errorBound: r.errorBound,
      quadratureBound: r.quadratureBound,
      nufftEps: r.nufftEps,
      quadraturePoints: r.quadraturePoints,
    };
  }
  const omega = gridFrequencies(lengths, modes, modeOrder);
  const values = new Float64Array((2 * omega.length) / dim);
  accumulateTransform(fn, mesh, omega, values);
  if (sign === 1) for (let i = 1; i < values.length; i += 2) values[i] = -values[i];
  return { values, modes, method, errorBound: exactGridBound(mesh, lengths, modes) };
}

/** The mesh's transform on the integer frequency grid of a box (see the file header). */
export function simplexTransformGrid(
  mesh: SimplexMesh,
  options: SimplexGridOptions,
): SimplexGridResult {
  const fn = "simplexTransformGrid";
  if (options === undefined || options === null) {
    throw new ValueError(fn, "options", "{ lengths, modes, ... }", String(options));
  }
  return gridTransformChecked(fn, checkMesh(fn, mesh), options);
}
