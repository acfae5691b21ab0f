// @modewise/wht: public entry point.
export type { RealArray } from "./dense/butterfly.js";
export { fwht, ifwht } from "./dense/fwht.js";
export { bitReversalTable } from "./dense/orderings.js";
export type { FWHTOptions, WHTNorm, WHTOrder } from "./dense/validate.js";
export type { SparseDecoder, SparseWHTOptions } from "./sparse/options.js";
export {
  type BatchSignalOracle,
  type SignalOracle,
  type SparseWHTResult,
  sparseWHT,
  sparseWHTAsync,
} from "./sparse/sparse-wht.js";
