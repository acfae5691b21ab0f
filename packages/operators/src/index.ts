/**
 * @modewise/operators: neural operators on @modewise/tensor. Each model family lives in its own
 * folder; this entry re-exports them.
 */
export * from "./afno/index.js";
export * from "./drift-net/index.js";
export * from "./fno/index.js";
export * from "./io/index.js";
export * from "./losses/index.js";
export * from "./sfno/index.js";
export * from "./spectral-conv/index.js";
export * from "./t1/index.js";
