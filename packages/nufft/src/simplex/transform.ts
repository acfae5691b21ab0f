/**
 * The exact Fourier transform of a simplex mesh (Jiang et al. 2019, "Convolutional neural
 * networks on non-uniform geometrical signals using Euclidean spectral transformation").
 *
 * CONVENTION. For angular frequencies omega in R^d (no 2 pi in the exponent; to evaluate at
 * ordinary frequency xi in cycles per unit length pass omega = 2 pi xi):
 *   F(omega) = sum_e rho_e * int_{Omega_e} exp(sign * i * omega . x) dx,   sign = -1 (default) or +1,
 * dx the j-dimensional measure of the element (length, area, volume; a unit point mass for j = 0).
 * For sign = -1 and s_t = omega . x_t (x_0..x_j the element's vertices):
 *   int_{Omega} exp(-i omega . x) dx = i^j j! |Omega| f[s_0, ..., s_j],   f(s) = exp(-i s),
 * which is i^j j! |Omega| sum_t exp(-i s_t) / prod_{l != t} (s_t - s_l) for distinct s_t, and
 * is evaluated through the stable confluent divided difference (divided-difference.ts), so it
 * is finite and accurate at every omega: F(0) = sum_e rho_e |Omega_e|. Since rho is real,
 * sign = +1 gives the complex conjugate.
 */
import { ValueError } from "@modewise/tensor";
import { simplexContent } from "./content.js";
import { expDividedDifferenceUnchecked } from "./divided-difference.js";
import {
  type CheckedMesh,
  checkFrequencies,
  checkMesh,
  checkSign,
  gatherElement,
  type NumberArray,
  type SimplexMesh,
} from "./mesh.js";

export interface SimplexTransformOptions {
  /** Sign of the exponent: -1 (default) for exp(-i omega . x), +1 for exp(+i omega . x). */
  sign?: 1 | -1;
}

const FACTORIAL = [1, 1, 2, 6];

/** Write i^j * (re + i im) to out[0], out[1] (i^0 = 1, i^1 = i, i^2 = -1, i^3 = -i). */
export function timesIPower(j: number, re: number, im: number, out: Float64Array): void {
  switch (j & 3) {
    case 0:
      out[0] = re;
      out[1] = im;
      return;
    case 1:
      out[0] = -im;
      out[1] = re;
      return;
    case 2:
      out[0] = -re;
      out[1] = -im;
      return;
    default:
      out[0] = im;
      out[1] = -re;
  }
}

/** rho_e j! |Omega_e| overflowed (coordinates or densities near 1e308). */
export function checkFiniteScale(fn: string, e: number, scale: number): void {
  if (!Number.isFinite(scale)) {
    throw new ValueError(
      fn,
      "mesh",
      "elements whose density times content is finite",
      `${scale} at element ${e}`,
    );
  }
}

/** omega . x overflowed: the phase would be NaN. */
export function throwPhaseOverflow(fn: string, e: number, k: number): never {
  throw new ValueError(
    fn,
    "frequencies",
    "finite phases omega . x (|omega| |x| below ~1e308)",
    `an overflow at frequency ${k}, element ${e}`,
  );
}

/**
 * Accumulate the transform of a checked mesh at checked frequencies into out (interleaved
 * complex, length 2 * nFrequencies), with sign -1.
 */
export function accumulateTransform(
  fn: string,
  mesh: CheckedMesh,
  frequencies: Float64Array,
  out: Float64Array,
): void {
  const { dim, order, nElements, densities } = mesh;
  const nodes = order + 1;
  const nFrequencies = frequencies.length / dim;
  const x = new Float64Array(4 * 3);
  const s = new Float64Array(4);
  const dd = new Float64Array(2);
  for (let e = 0; e < nElements; e++) {
    gatherElement(mesh, e, x);
    const scale = densities[e] * FACTORIAL[order] * simplexContent(x, dim, order);
    checkFiniteScale(fn, e, scale);
    // A null element (zero density or zero content) contributes exactly 0.
    if (scale === 0) continue;
    for (let k = 0; k < nFrequencies; k++) {
      for (let t = 0; t < nodes; t++) {
        let dot = 0;
        for (let a = 0; a < dim; a++) dot += frequencies[k * dim + a] * x[t * dim + a];
        s[t] = dot;
      }
      if (!Number.isFinite(s[0] + s[1] + s[2] + s[3])) throwPhaseOverflow(fn, e, k);
      expDividedDifferenceUnchecked(s, nodes, dd);
      timesIPower(order, dd[0], dd[1], dd);
      out[2 * k] += scale * dd[0];
      out[2 * k + 1] += scale * dd[1];
    }
  }
}

/**
 * The exact Fourier transform of a simplex mesh at arbitrary angular frequencies.
 *
 * @param mesh the mesh (points, polylines, triangles or tetrahedra in R^dim, per-element densities)
 * @param frequencies angular frequencies, row-major nFrequencies x dim
 * @returns F at each frequency, interleaved complex (re, im), length 2 * nFrequencies
 */
export function simplexTransform(
  mesh: SimplexMesh,
  frequencies: NumberArray,
  options: SimplexTransformOptions = {},
): Float64Array {
  const fn = "simplexTransform";
  const checked = checkMesh(fn, mesh);
  const omega = checkFrequencies(fn, "frequencies", frequencies, checked.dim);
  const sign = checkSign(fn, options.sign);
  const out = new Float64Array((2 * omega.length) / checked.dim);
  accumulateTransform(fn, checked, omega, out);
  if (sign === 1) for (let i = 1; i < out.length; i += 2) out[i] = -out[i];
  return out;
}

/** The content |Omega_e| (length, area, volume; 1 for points) of every element of a mesh. */
export function simplexContents(mesh: SimplexMesh): Float64Array {
  const checked = checkMesh("simplexContents", mesh);
  const x = new Float64Array(4 * 3);
  const out = new Float64Array(checked.nElements);
  for (let e = 0; e < checked.nElements; e++) {
    gatherElement(checked, e, x);
    out[e] = simplexContent(x, checked.dim, checked.order);
  }
  return out;
}
