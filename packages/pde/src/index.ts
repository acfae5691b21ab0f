/**
 * @modewise/pde: classical PDE solvers for neural-operator work, in float64 and batched over
 * samples: seeded Gaussian random fields (periodic FFT and Neumann DCT), pseudo-spectral 2-D
 * Navier-Stokes (vorticity form, IF-RK4 or the FNO Crank-Nicolson scheme) and 1-D Burgers
 * (IF-RK4 / ETDRK4), 2-D Darcy flow with multigrid-preconditioned CG, and metrics.
 * Array layout: see types.ts (row-major, [batch, s, s], i = x index, j = y index, time last).
 */
export { Burgers1d } from "./burgers.js";
export { darcy2d } from "./darcy.js";
export { type ETDRK4Coefficients, etdrk4Coefficients } from "./etd-coefficients.js";
export { darcyCoefficient, gaussianRandomField1d, gaussianRandomField2d } from "./grf.js";
export {
  drift,
  maxError,
  nrmse,
  relL2,
  type SpectralBandErrors,
  shellSpectrum,
  spectralBandErrors,
} from "./metrics.js";
export { NavierStokes2d } from "./navier-stokes.js";
export { normalSamples, SeededRandom } from "./rng.js";
export type {
  Burgers1dOptions,
  BurgersRunOptions,
  BurgersRunResult,
  DarcyCoefficientOptions,
  DarcyOptions,
  DarcyResult,
  FaceAverage,
  GRF1dOptions,
  GRF2dOptions,
  GRFBoundary,
  NavierStokes2dOptions,
  NSForcing,
  NSRunOptions,
  NSRunResult,
  SolverStats,
  SpectralBandOptions,
} from "./types.js";
