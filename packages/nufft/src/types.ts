/**
 * Public types and conventions of @modewise/nufft (the FINUFFT contract, in JavaScript).
 *
 * TRANSFORMS (d = 1, 2, 3; x_j, s_k in R^d; k a multi-index of integer modes):
 *   type 1 (nonuniform -> uniform):    f[k]  = sum_{j<M} c[j] exp(isign * i * k . x_j)
 *   type 2 (uniform -> nonuniform):    c[j]  = sum_k      f[k] exp(isign * i * k . x_j)
 *   type 3 (nonuniform -> nonuniform): f[k]  = sum_{j<M} c[j] exp(isign * i * s_k . x_j)
 *   No normalization (as FINUFFT).
 *
 * SIGN (isign): as in FINUFFT's simple interface the nufftXdY functions take it explicitly.
 *   In the plan options it defaults to +1 for types 1 and 3 and -1 for type 2, so that the
 *   default type-2 plan is the adjoint of the default type-1 plan (FINUFFT's examples use
 *   iflag = +1 for type 1 and -1 for type 2).
 *
 * POINTS: nonuniform points of types 1 and 2 live on the torus; FINUFFT's range is [-pi, pi),
 *   any finite value is folded periodically (x mod 2 pi). Type-3 points and frequencies are any
 *   finite reals. NaN or +-Infinity is rejected with a ValueError naming the array and index.
 *   Points are copied at setPoints (the caller may reuse its arrays).
 *
 * MODES (types 1, 2): nModes = [N1] | [N1, N2] | [N1, N2, N3]. The modes in dimension i are the
 *   integers k_i in [-floor(N_i/2), ceil(N_i/2) - 1] (FINUFFT). Array order of one dimension:
 *   "cmcl" (default, FINUFFT's modeord = 0): -floor(N/2), ..., ceil(N/2) - 1 (centered);
 *   "fft"  (FINUFFT's modeord = 1): 0, 1, ..., ceil(N/2) - 1, -floor(N/2), ..., -1.
 *   Multi-dimensional arrays: k1 fastest, then k2, then k3 (FINUFFT's x-fastest "Fortran" order),
 *   i.e. index = i1 + N1 * (i2 + N2 * i3).
 *
 * SPREAD / INTERP ONLY (plan.spread, plan.interp; FINUFFT's spreadinterponly): the kernel alone on
 *   a grid of exactly nModes points per dimension (no upsampling, FFT or deconvolution), grid
 *   index l_d at x_d = -pi + 2 pi l_d / N_d, x fastest; kernel peak 1 (no normalization).
 *
 * ADJOINT: plan.adjoint is the conjugate transpose of plan.execute: for type 1 the type 2 with
 *   -isign on the same points, for type 2 the type 1 with -isign, for type 3 the type 3 from the
 *   frequencies back to the points with -isign.
 *
 * DATA: complex arrays interleaved (re, im, re, im, ...) like @modewise/fft, in a Float64Array
 *   ("f64") or Float32Array ("f32"). With nTransforms = T > 1 the T vectors are contiguous
 *   blocks: strengths [T][M] complex, modes [T][N1*N2*N3] complex, type-3 outputs [T][N].
 *
 * PRECISION: "f32" plans read and write Float32Array and are accurate to their tolerance
 *   (eps >= 1e-6); every internal stage (kernel, spreading, FFT, deconvolution) runs in float64
 *   and the result is rounded once, like @modewise/fft's float32 plans.
 *
 * TOLERANCE: eps is the requested relative L2 error ||f - f_exact|| / ||f_exact|| (FINUFFT:
 *   achieved within a small factor, the tests check <= 4 eps for types 1, 2 and <= 5 eps for
 *   type 3). eps <= 0 or non-finite is a ValueError. eps below what the precision and upsampling
 *   factor can reach (EPS_FLOOR) is clamped to the floor; the plan reports it in
 *   `plan.info.epsClamped` and `plan.info.eps` (FINUFFT clamps and warns).
 *
 * KERNEL: "exponential of semicircle" phi(z) = exp(beta (sqrt(1 - z^2) - 1)), |z| <= 1, spanning
 *   w fine-grid points. sigma = 2: w = ceil(log10(1/eps)) + 1, beta = 2.30 w (FINUFFT 2.0-2.4).
 *   sigma = 1.25: the same rule written with the ES error estimate eps ~ exp(-pi w sqrt(1 - 1/sigma))
 *   (Barnett et al. 2019, sec. 4): w = ceil(ln(1/eps) / (pi sqrt(1 - 1/sigma))) + 1 (at sigma = 2
 *   the decay pi sqrt(1/2) = 2.22 ~ ln 10 gives back the rule above), beta = 0.97 pi (1 - 1/(2 sigma)) w
 *   (= 2.29 w at sigma = 2). The sigma = 1.25 floor is therefore ~7e-10 (w = 16): EPS_FLOOR 1e-9.
 *   2 <= w <= 16. See kernel/es-kernel.ts.
 */

export type NufftType = 1 | 2 | 3;
export type NufftPrecision = "f64" | "f32";
export type ModeOrder = "cmcl" | "fft";
export type Upsampfac = 2 | 1.25;
export type Sign = 1 | -1;
export type ComplexArray = Float64Array | Float32Array;
/** Coordinates of points (Float32Array is accepted and read as float64). */
export type Coords = Float64Array | Float32Array | readonly number[];

export interface NufftOptions {
  /** Requested relative L2 tolerance, default 1e-6. */
  eps?: number;
  /** Sign of the exponent; default +1 for types 1 and 3, -1 for type 2. */
  isign?: Sign;
  /** Upsampling factor sigma of the fine grid, default 2. */
  upsampfac?: Upsampfac;
  /** Mode ordering of types 1 and 2, default "cmcl". */
  modeOrder?: ModeOrder;
  /** Default "f64". */
  precision?: NufftPrecision;
  /** Number of strength/coefficient vectors per execute (contiguous blocks), default 1. */
  nTransforms?: number;
  /**
   * Threads for spreading and interpolation (Node worker_threads; src/parallel): default the
   * available cores, 1 in browsers. Small point sets run on the calling thread whatever this
   * says (parallel/spread-interp.ts, PARALLEL_MIN_POINTS). Type 1 sums then run in another
   * order (a round-off difference); interpolation (type 2) is bit-identical.
   */
  threads?: number;
}

/** What a plan chose, for users, tests and benchmarks. */
export interface PlanInfo {
  readonly type: NufftType;
  readonly dim: 1 | 2 | 3;
  /** Modes per dimension (types 1, 2); for type 3 the inner fine grid of the spread step. */
  readonly nModes: readonly number[];
  /** Fine (upsampled) grid per dimension that the points are spread onto / interpolated from. */
  readonly fineGrid: readonly number[];
  /** Kernel width in fine-grid points and its shape parameter. */
  readonly width: number;
  readonly beta: number;
  /** Degree of the piecewise polynomial that evaluates the kernel. */
  readonly polyDegree: number;
  /** Effective tolerance (the requested one unless clamped). */
  readonly eps: number;
  readonly epsClamped: boolean;
  readonly isign: Sign;
  readonly upsampfac: Upsampfac;
  readonly modeOrder: ModeOrder;
  readonly precision: NufftPrecision;
  readonly nTransforms: number;
  /** Threads the spreading / interpolation may use (see NufftOptions.threads). */
  readonly threads: number;
}

/** Result of the inverse type-1 solver (inverse.ts). */
export interface InverseResult {
  /** Fourier coefficients f (interleaved complex, plan's mode order), length 2 * prod(nModes). */
  readonly coefficients: Float64Array;
  readonly iterations: number;
  /** Final relative residual of the normal equations ||A^H c - (A^H A + lambda I) f|| / ||A^H c||. */
  readonly normalResidual: number;
  /** Final relative data residual ||A f - c|| / ||c||. */
  readonly residual: number;
  readonly converged: boolean;
}
