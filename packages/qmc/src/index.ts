// @modewise/qmc: public entry point.
// --- point generators (qmc part A) ---

export { type CBCOptions, type CBCResult, cbcLattice } from "./cbc/cbc.js";
export type { CBCCriterion } from "./cbc/criterion.js";
export { latticeWorstCaseError, type WorstCaseErrorOptions } from "./cbc/worst-case-error.js";
export { cubQMCLatticeG, type LatticeCubatureOptions } from "./cubature/cub-qmc-lattice-g.js";
export { cubQMCNetG, type NetCubatureOptions } from "./cubature/cub-qmc-net-g.js";
export type { GuaranteedOptions } from "./cubature/guaranteed.js";
export type { Integrand } from "./cubature/integrand.js";
export type { CubatureResult, ToleranceOptions } from "./cubature/options.js";
export type { Periodization } from "./cubature/periodization.js";
export {
  cubQMCRep,
  type ReplicationsOptions,
  type ReplicationsResult,
} from "./cubature/replications.js";
export { studentTCdf, studentTQuantile } from "./cubature/student-t.js";
export { DigitalNetB2 } from "./digital-net/digital-net.js";
export { Sobol } from "./digital-net/sobol.js";
// --- end point generators ---
// --- discrepancies, cubature, kernels, CBC (qmc part B) ---
export { type DiscrepancyOptions, discrepancy } from "./discrepancy/discrepancy.js";
export type { DiscrepancyMethod } from "./discrepancy/formulas.js";
export type { PointMatrix, PointsInput } from "./discrepancy/point-matrix.js";
export { Halton } from "./halton/halton.js";
export { FastGram, type FastGramOptions, fastGram } from "./kernels/fast-gram.js";
export {
  DigitalShiftInvariantKernel,
  type KernelKind,
  type ProductKernelOptions,
  type QMCKernel,
  ShiftInvariantKernel,
} from "./kernels/product-kernels.js";
export { Lattice } from "./lattice/lattice.js";
export { Rng } from "./rng.js";
export type {
  DigitalNetOptions,
  GenOptions,
  HaltonOptions,
  HaltonRandomize,
  LatticeOptions,
  LatticeOrder,
  LatticeRandomize,
  NetOrder,
  NetRandomize,
  PointSet,
  SobolOptions,
  StreamOptions,
} from "./types.js";
// --- end qmc part B ---
