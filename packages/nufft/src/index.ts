// @modewise/nufft: public entry point.
// NUFFT core (types 1-3, plans, spread/interp, inverse): conventions in src/types.ts.
export { interpRange } from "./interp/interp.js";
export { type InverseOptions, inverseNufft } from "./inverse.js";
export { EPS_FLOOR, epsFloor, esKernel, kernelParams } from "./kernel/es-kernel.js";
export { esKernelTransform } from "./kernel/fourier.js";
// Worker-thread spreading / interpolation (Node; 1 thread in browsers): src/parallel.
export { executeThreaded, type ThreadedExecuteOptions } from "./parallel/execute.js";
export { defaultThreads, disposeThreadPools, threadsAvailable } from "./parallel/pool.js";
export {
  interpAllThreaded,
  MIN_POINTS_PER_THREAD,
  PARALLEL_MIN_POINTS,
  spreadAllThreaded,
} from "./parallel/spread-interp.js";
export { makePlan, NufftPlan } from "./plan.js";
export {
  nufft1d1,
  nufft1d2,
  nufft1d3,
  nufft2d1,
  nufft2d2,
  nufft2d3,
  nufft3d1,
  nufft3d2,
  nufft3d3,
} from "./simple.js";
// Simplex-mesh Fourier transform (exact, gradients, grids, rasters, fast path): src/simplex.
export * from "./simplex/index.js";
export type { SpreadGeometry } from "./spread/geometry.js";
export { addSubgrid, spreadSubproblem, subproblemBounds } from "./spread/spread.js";
export type {
  ComplexArray,
  Coords,
  InverseResult,
  ModeOrder,
  NufftOptions,
  NufftPrecision,
  NufftType,
  PlanInfo,
  Sign,
  Upsampfac,
} from "./types.js";
