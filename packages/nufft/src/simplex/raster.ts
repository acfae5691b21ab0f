/**
 * Rasterize a simplex mesh: its transform on the integer frequency grid of a box, an optional
 * spectral filter, and an inverse FFT (@modewise/fft) to an N_1 x .. x N_d image, the
 * "rasterized" density of DDSL (Jiang et al. 2019) that a CNN takes as input.
 *
 * With box origin a, sides L_a, V = prod L_a, N_a pixels per side, pixel n at x_n = a + n L/N
 * (componentwise), the image is the band-limited Fourier series of the (periodized) density
 *   image[n] = Re (1/V) sum_k F(omega_k) g(omega_k) exp(+i omega_k . x_n),
 * F with sign -1, g the filter: none, or a Gaussian g = exp(-sigma^2 |omega|^2 / 2), i.e. the
 * density convolved with a normalized Gaussian of standard deviation sigma (spatial units).
 * For a full-dimensional mesh (j = d) of density rho this approximates rho times the indicator
 * of the mesh; lower-dimensional meshes give their measures, band-limited. The sum of the
 * image times the pixel volume V / prod N is F(0) g(0) = sum_e rho_e |Omega_e| (the mass). The
 * modes are k_a in [-floor(N_a/2), ceil(N_a/2) - 1]; taking the real part makes the unpaired
 * Nyquist mode of an even N_a count as a cosine.
 * Image layout: x_1 fastest, index = i_1 + N_1 (i_2 + N_2 i_3) (as the NUFFT's mode arrays;
 * as a row-major array its shape is [N_d, .., N_1]).
 */
import { fftn, ifftn } from "@modewise/fft";
import { ShapeError, ValueError } from "@modewise/tensor";
import { simplexTransformGridVJP } from "./fast-gradient.js";
import { type SimplexTransformGradient, simplexTransformVJP } from "./gradient.js";
import {
  checkGridShape,
  gridFrequencies,
  gridTransformChecked,
  type SimplexGridMethod,
} from "./grid.js";
import { type CheckedMesh, checkMesh, type SimplexMesh } from "./mesh.js";

export interface GaussianFilter {
  kind: "gaussian";
  /** Standard deviation of the spatial Gaussian (same units as the vertices), >= 0. */
  sigma: number;
}
export type SpectralFilter = GaussianFilter;

export interface SimplexRasterOptions {
  /** The box: origin (its lowest corner) and side lengths, one per dimension. */
  box: { origin: readonly number[]; size: readonly number[] };
  /** Pixels per side: one number for all sides, or one per dimension. */
  resolution: number | readonly number[];
  /** Optional spectral filter (default none). */
  filter?: SpectralFilter;
  /** How the spectrum is computed: "exact" (default) or "fast" (see simplexTransformGrid). */
  method?: SimplexGridMethod;
  /** "fast" only: tolerance of the spectrum relative to the mass M (default 1e-6). */
  tol?: number;
  /** "fast" only: largest number of quadrature points. */
  maxPoints?: number;
}

export interface SimplexRasterResult {
  /** The image, x_1 fastest (see the file header). */
  data: Float64Array;
  /** [N_1, .., N_d]. */
  resolution: number[];
  /** Bound on max_n |data_n - exact band-limited image_n|: (prod N / V) x the spectrum's bound. */
  errorBound: number;
}

interface RasterSetup {
  origin: number[];
  size: number[];
  resolution: number[];
  /** Grid frequencies in "fft" order, k_1 fastest, row-major total x dim. */
  omega: Float64Array;
  /** c_k = (prod N / V) g(omega_k) exp(+i omega_k . origin), interleaved: X_k = c_k F_k. */
  factors: Float64Array;
  total: number;
  scale: number;
}

function setupRaster(fn: string, mesh: CheckedMesh, options: SimplexRasterOptions): RasterSetup {
  const { dim } = mesh;
  if (options === undefined || options === null || options.box === undefined) {
    throw new ValueError(fn, "options.box", "{ origin, size }", String(options?.box));
  }
  const origin = options.box.origin;
  if (origin === undefined || origin.length !== dim) {
    throw new ShapeError(
      fn,
      "options.box.origin",
      `one value per dimension (length ${dim})`,
      origin === undefined ? "undefined" : `length ${origin.length}`,
    );
  }
  origin.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new ValueError(fn, "options.box.origin", "finite numbers", `${v} at index ${i}`);
  });
  const size = checkGridShape(fn, "options.box.size", options.box.size, dim, false);
  const resolution = checkGridShape(
    fn,
    "options.resolution",
    typeof options.resolution === "number"
      ? new Array(dim).fill(options.resolution)
      : options.resolution,
    dim,
    true,
  );
  let sigma = 0;
  if (options.filter !== undefined) {
    if (options.filter.kind !== "gaussian") {
      throw new ValueError(fn, "options.filter.kind", "'gaussian'", String(options.filter.kind));
    }
    sigma = options.filter.sigma;
    if (!(Number.isFinite(sigma) && sigma >= 0)) {
      throw new ValueError(fn, "options.filter.sigma", "a finite number >= 0", String(sigma));
    }
  }
  const omega = gridFrequencies(size, resolution, "fft");
  const total = resolution.reduce((p, n) => p * n, 1);
  const volume = size.reduce((p, n) => p * n, 1);
  const scale = total / volume;
  const factors = new Float64Array(2 * total);
  for (let k = 0; k < total; k++) {
    let phase = 0;
    let w2 = 0;
    for (let a = 0; a < dim; a++) {
      const w = omega[k * dim + a];
      phase += w * origin[a];
      w2 += w * w;
    }
    const filter = scale * Math.exp(-0.5 * sigma * sigma * w2);
    factors[2 * k] = filter * Math.cos(phase);
    factors[2 * k + 1] = filter * Math.sin(phase);
  }
  return { origin: Array.from(origin), size, resolution, omega, factors, total, scale };
}

export function simplexRaster(
  mesh: SimplexMesh,
  options: SimplexRasterOptions,
): SimplexRasterResult {
  const fn = "simplexRaster";
  const checked = checkMesh(fn, mesh);
  const setup = setupRaster(fn, checked, options);
  const { resolution, factors, total } = setup;
  const spectrum = gridTransformChecked(fn, checked, {
    lengths: setup.size,
    modes: resolution,
    modeOrder: "fft",
    method: options.method,
    tol: options.tol,
    maxPoints: options.maxPoints,
  });
  const re = new Float64Array(total);
  const im = new Float64Array(total);
  for (let k = 0; k < total; k++) {
    const cr = factors[2 * k];
    const ci = factors[2 * k + 1];
    const fr = spectrum.values[2 * k];
    const fi = spectrum.values[2 * k + 1];
    re[k] = cr * fr - ci * fi;
    im[k] = cr * fi + ci * fr;
  }
  // Row-major shape [N_d, .., N_1] is the x_1-fastest layout.
  const shape = resolution.slice().reverse();
  const image = ifftn({ re: { data: re, shape }, im: { data: im, shape } });
  const data = Float64Array.from(image.re.data);
  return { data, resolution, errorBound: setup.scale * spectrum.errorBound };
}

/**
 * Gradient of a real loss L(image) with respect to the mesh's vertices and densities, given
 * gradImage = dL/dimage (same layout as simplexRaster's data), through the exact path.
 * Chain: image = Re ifftn(X) with X_k = c_k F_k, so (PyTorch's convention G = dL/dRe + i dL/dIm)
 * G_X = fftn(gradImage) / prod N (the adjoint of Re(ifftn)), G_F = conj(c_k) G_X, then
 * simplexTransformVJP at the grid frequencies, or with method "fast" simplexTransformGridVJP
 * (whose result also carries its error bounds; tol as there).
 */
export function simplexRasterVJP(
  mesh: SimplexMesh,
  options: SimplexRasterOptions,
  gradImage: Float64Array | readonly number[],
): SimplexTransformGradient {
  const fn = "simplexRasterVJP";
  const checked = checkMesh(fn, mesh);
  const setup = setupRaster(fn, checked, options);
  const { resolution, factors, total, omega } = setup;
  if (gradImage === undefined || gradImage.length !== total) {
    throw new ShapeError(
      fn,
      "gradImage",
      `one value per pixel (length ${total})`,
      gradImage === undefined ? "undefined" : `length ${gradImage.length}`,
    );
  }
  const shape = resolution.slice().reverse();
  const spectrum = fftn({ re: { data: Float64Array.from(gradImage), shape } });
  const gradF = new Float64Array(2 * total);
  for (let k = 0; k < total; k++) {
    const gr = spectrum.re.data[k] / total;
    const gi = spectrum.im.data[k] / total;
    const cr = factors[2 * k];
    const ci = -factors[2 * k + 1];
    gradF[2 * k] = cr * gr - ci * gi;
    gradF[2 * k + 1] = cr * gi + ci * gr;
  }
  if (options.method === "fast") {
    return simplexTransformGridVJP(
      mesh,
      {
        lengths: setup.size,
        modes: resolution,
        modeOrder: "fft",
        tol: options.tol,
        maxPoints: options.maxPoints,
      },
      gradF,
    );
  }
  return simplexTransformVJP(mesh, omega, gradF);
}
