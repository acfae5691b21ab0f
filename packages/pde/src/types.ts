/**
 * Public option and result types of the classical solvers.
 *
 * Layout conventions (every array is a row-major Float64Array):
 * - a batch of 2-D periodic fields is [batch, s, s]: value (b, i, j) lives at b*s*s + i*s + j,
 *   where i is the x index and j the y index, on the grid x_i = i/s, y_j = j/s of the unit torus
 *   (the FNO ns_2d.py convention: x is the first spatial axis, y the last);
 * - a batch of 1-D periodic fields is [batch, s], x_i = i*L/s;
 * - a trajectory adds time LAST: [batch, s, s, nt] (2-D) / [batch, s, nt] (1-D), like the FNO
 *   .mat files;
 * - Darcy fields are [batch, s, s] on the unit square INCLUDING the boundary: x_i = i/(s-1).
 */

/** Boundary condition of a Gaussian random field. */
export type GRFBoundary = "periodic" | "neumann";

export interface GRF2dOptions {
  /** Grid points per side. */
  s: number;
  /** Smoothness exponent of the covariance sigma^2 (-lap + tau^2)^-alpha (default 2.5). */
  alpha?: number;
  /** Inverse length scale (default 7). */
  tau?: number;
  /**
   * Amplitude. Periodic: every Fourier mode k != 0 of the continuum field has variance
   * sigma^2 (4 pi^2 |k|^2 + tau^2)^-alpha; the default sqrt(2) tau^(alpha-1) reproduces the FNO
   * GaussianRF (which multiplies its sigma = tau^(alpha-1) by sqrt(2)) as used for the published
   * NS data (real and imaginary noise parts of unit variance: std ~0.27 at 256^2). The newer
   * neuraloperator code draws complex noise of unit total variance, i.e. sigma = tau^(alpha-1). Neumann: the FNO Darcy GRF.m convention, DCT coefficient k has standard deviation
   * s * sigma (pi^2 |k|^2 + tau^2)^(-alpha/2) with default sigma = tau^(alpha-1).
   */
  sigma?: number;
  /** Number of independent samples (default 1). */
  batch?: number;
  /** Seed of the generator (default 0): sample b only depends on (seed, sampleOffset + b). */
  seed?: number;
  /** Index of the first sample in the seeded stream (default 0), for resumable generation. */
  sampleOffset?: number;
  /** "periodic" (FFT, NS initial data, default) or "neumann" (DCT, Darcy coefficients). */
  boundary?: GRFBoundary;
}

export interface GRF1dOptions {
  s: number;
  /** Default 2 (FNO Burgers: 625 (-lap + 25)^-2). */
  alpha?: number;
  /** Default 5. */
  tau?: number;
  /** Mode k has variance sigma^2 ((2 pi k / L)^2 + tau^2)^-alpha (default 25). */
  sigma?: number;
  batch?: number;
  seed?: number;
  sampleOffset?: number;
  /** Domain length L (default 1). */
  length?: number;
}

export type NSForcing = "fno" | "kolmogorov" | "none" | Float64Array;

export interface NavierStokes2dOptions {
  /** Grid points per side (even, >= 4). */
  s: number;
  /** Kinematic viscosity (> 0). */
  nu: number;
  /** Samples integrated together (default 1). */
  batch?: number;
  /**
   * Forcing f(x, y) added to the vorticity equation: "fno" 0.1 (sin 2pi(x+y) + cos 2pi(x+y))
   * (default), "kolmogorov" kolmogorovAmplitude * sin(2 pi kolmogorovK y) (the vorticity of the
   * shear force), "none", or an [s, s] array shared by the batch.
   */
  forcing?: NSForcing;
  /** Wavenumber of the Kolmogorov forcing (default 4). */
  kolmogorovK?: number;
  /** Amplitude of the Kolmogorov forcing (default 1). */
  kolmogorovAmplitude?: number;
  /**
   * "ifrk4": integrating-factor RK4 (exact diffusion, 4th order, default); "fno-cn": the FNO
   * ns_2d.py scheme, forward-Euler advection + Crank-Nicolson diffusion (dt default 1e-4).
   */
  scheme?: "ifrk4" | "fno-cn";
  /** Fixed time step; omit for an adaptive CFL step (ifrk4) or 1e-4 (fno-cn). */
  dt?: number;
  /** Courant number of the adaptive step (default 0.8): dt = cfl * h / max(|u| + |v|), h = 1/s. */
  cfl?: number;
  /** Largest adaptive step (default 0.05; IF-RK4 matches the FNO scheme to ~4e-6 there). */
  maxDt?: number;
  /**
   * 2/3-rule dealiasing (default true): the advection term keeps |k_x|, |k_y| <= s/3. With
   * "ifrk4" the state is kept in that box too (the initial vorticity and the forcing are filtered
   * once: a Galerkin truncation, which also lets the solver skip a third of the inverse FFT
   * work); "fno-cn" keeps the modes outside the box, as the FNO ns_2d.py does.
   */
  dealias?: boolean;
}

export interface NSRunOptions {
  /** Final time (> 0). */
  T: number;
  /** Time between recorded snapshots (default T); T must be a multiple of it. */
  recordEvery?: number;
  /** Record the initial state as the first snapshot (default false, like the FNO data). */
  recordInitial?: boolean;
  /** Called after each recorded snapshot. */
  onProgress?: (t: number, T: number) => void;
}

export interface SolverStats {
  /** Time steps taken. */
  steps: number;
  /** Smallest and largest step used. */
  minDt: number;
  maxDt: number;
  /** Largest Courant number max|u| dt / h met (NaN if not tracked). */
  maxCfl: number;
  /** Wall time in milliseconds. */
  wallMs: number;
}

export interface NSRunResult {
  /** [batch, s, s, nt] vorticity snapshots, time last. */
  w: Float64Array;
  /** [nt] snapshot times. */
  times: Float64Array;
  stats: SolverStats;
}

export interface Burgers1dOptions {
  s: number;
  nu: number;
  batch?: number;
  /** "ifrk4" (default) or "etdrk4" (Cox-Matthews / Kassam-Trefethen). */
  scheme?: "ifrk4" | "etdrk4";
  /** Largest time step (default 1e-3); each record interval is split into equal steps <= dt. */
  dt?: number;
  /** Domain length L (default 1): x in [0, L) periodic. */
  length?: number;
  /** 2/3-rule dealiasing of u u_x (default true). */
  dealias?: boolean;
}

export interface BurgersRunOptions {
  T: number;
  recordEvery?: number;
  recordInitial?: boolean;
  onProgress?: (t: number, T: number) => void;
}

export interface BurgersRunResult {
  /** [batch, s, nt], time last. */
  u: Float64Array;
  times: Float64Array;
  stats: SolverStats;
}

export type FaceAverage = "arithmetic" | "harmonic";

export interface DarcyOptions {
  /** Coefficient a(x) > 0 on the [batch, s, s] grid including the boundary. */
  a: Float64Array;
  /** Grid points per side (default: inferred from a.length / batch as a square). */
  s?: number;
  batch?: number;
  /** Right-hand side: a number (default 1) or a [s, s] / [batch, s, s] array. */
  f?: number | Float64Array;
  /** Relative residual tolerance ||r|| / ||b|| (default 1e-10). */
  tol?: number;
  /** Iteration cap (default 1000). */
  maxIterations?: number;
  /** "mgcg": CG preconditioned by a multigrid V-cycle (default); "cg": plain CG. */
  solver?: "mgcg" | "cg";
  /** Face coefficient from its two nodes (default "arithmetic", the FNO data's choice). */
  faceAverage?: FaceAverage;
}

export interface DarcyResult {
  /** [batch, s, s] solution, zero on the boundary. */
  u: Float64Array;
  /** CG iterations per sample. */
  iterations: Int32Array;
  /** Final relative residual ||b - A u|| / ||b|| per sample. */
  residual: Float64Array;
}

export interface DarcyCoefficientOptions {
  s: number;
  batch?: number;
  seed?: number;
  sampleOffset?: number;
  /** GRF exponent (default 2). */
  alpha?: number;
  /** GRF inverse length scale (default 3). */
  tau?: number;
  /** Value where the GRF is >= 0 (default 12). */
  high?: number;
  /** Value where the GRF is < 0 (default 4). */
  low?: number;
}

export interface SpectralBandOptions {
  /** Band edges in |k| (radial shell index): default [4, 12] gives low [0,4), mid [4,12), high [12,...) as PDEBench. */
  bands?: readonly number[];
}
